"""Seizures, s.59 vehicle warnings and the warning lookup through the API: success with its audit
row, refusals with nothing stored, reads and lookups scoped to the caller."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import Seizure
from beatbook.enforcement.tests.test_seizures import warn
from beatbook.incidents.tests.factories import A1_CENTRE, B1_CENTRE, ago
from beatbook.powers.testing import powers_world

from .helpers import Api, assert_error, data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def common(**overrides: Any) -> dict[str, Any]:
    base = {"occurred_at": timezone.localtime(ago(minutes=5)).isoformat(), "lat": A1_CENTRE[0], "lng": A1_CENTRE[1]}
    return base | overrides


def vehicle(**overrides: Any) -> dict[str, Any]:
    return (
        common(
            kind="vehicle_s59", item="Red scooter", quantity="1", disposal="vehicle_removed", registration="ab12 cde"
        )
        | overrides
    )


class SeizureApiTests:
    def test_a_vehicle_seizure_relies_on_the_warning_found(self, api: Api, pw: World) -> None:
        warning = warn(pw.alice, occurred_at=ago(days=90))
        out = data(api.post("/enforcement/seizures", vehicle(), as_=pw.alice))
        assert out["seizure"]["warning"]["id"] == warning.pk
        assert out["seizure"]["registration"] == "AB12CDE"
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(out["id"])).exists()
        assert data(api.get(f"/enforcement/seizures/{out['id']}", as_=pw.alice))["id"] == out["id"]
        assert_error(api.get(f"/enforcement/seizures/{out['id']}", as_=pw.hal), 404)
        assert_error(api.get(f"/enforcement/seizures/{warning.pk}", as_=pw.alice), 404)  # another kind

    def test_refusals_store_nothing(self, api: Api, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=400))
        error = assert_error(api.post("/enforcement/seizures", vehicle(), as_=pw.alice), 400)
        assert "warning" in error["fields"]
        tobacco = common(kind="tobacco_under_16", item="Cigarettes", quantity="1", disposal="destroyed", subject_age=17)
        assert "subject_age" in assert_error(api.post("/enforcement/seizures", tobacco, as_=pw.alice), 400)["fields"]
        assert_error(api.post("/enforcement/seizures", vehicle(kind="nonsense"), as_=pw.alice), 422)
        assert_error(api.post("/enforcement/seizures", vehicle()), 401)
        assert_error(api.post("/enforcement/seizures", vehicle(), as_=pw.dee), 403)
        assert not Seizure.objects.exists()
        reason = "Rider fled before a warning could be given"
        accepted = api.post("/enforcement/seizures", vehicle(warning_impracticable_reason=reason), as_=pw.alice)
        assert accepted.status_code == 201


class VehicleWarningApiTests:
    def test_record_read_and_search(self, api: Api, pw: World) -> None:
        body = common(registration="ab12 cde", manner="Wheelies", subject_name="Kyle Smith")
        out = data(api.post("/enforcement/vehicle-warnings", body, as_=pw.alice))
        assert out["vehicle_warning"]["registration"] == "AB12CDE"
        assert data(api.get(f"/enforcement/vehicle-warnings/{out['id']}", as_=pw.bob))["id"] == out["id"]
        assert_error(api.get(f"/enforcement/vehicle-warnings/{out['id']}", as_=pw.hal), 404)
        found = data(api.get("/enforcement/vehicle-warnings/search", query={"registration": "AB12 CDE"}, as_=pw.alice))
        assert [i["id"] for i in found["items"]] == [out["id"]]
        warn(pw.hal, "AB12CDE", B1_CENTRE, occurred_at=ago(days=3))
        theirs = data(api.get("/enforcement/vehicle-warnings/search", query={"registration": "AB12CDE"}, as_=pw.hal))
        assert out["id"] not in [i["id"] for i in theirs["items"]]
        assert_error(api.get("/enforcement/vehicle-warnings/search", query={"registration": "X"}), 401)

    def test_refusals(self, api: Api, pw: World) -> None:
        assert_error(api.post("/enforcement/vehicle-warnings", common(registration="", manner=""), as_=pw.alice), 400)
        assert_error(api.post("/enforcement/vehicle-warnings", common(registration="AB1", manner="x"), as_=pw.fay), 403)
