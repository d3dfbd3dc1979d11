"""Requirements to give a name and address and detentions pending a constable through the API:
success with its audit row; a Derbyshire PCSO refused (400 power_not_held, audited, nothing
stored); an end over the limit refused; a stale version 409; reads scoped (404 for what the
caller cannot see, and for a record of another kind) and audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import Detention, EnforcementRecord, NameAddressRequirement
from beatbook.enforcement.tests.test_detention_services import refused, start
from beatbook.incidents.tests.factories import A1_CENTRE, B1_CENTRE, ago
from beatbook.powers.testing import powers_world

from .helpers import Api, assert_error, data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def _iso(minutes: float) -> str:
    return timezone.localtime(ago(minutes=minutes)).isoformat()


def requirement_body(point: tuple[float, float] = A1_CENTRE, **overrides: Any) -> dict[str, Any]:
    base = {
        "occurred_at": _iso(10),
        "lat": point[0],
        "lng": point[1],
        "reason": "harm",
        "offence_details": "Kicked a bin over and shouted at passers-by.",
        "compliance": "refused",
    }
    return base | overrides


class NameAddressApiTests:
    def test_a_pcso_records_one_and_reads_it(self, api: Api, pw: World) -> None:
        key = str(uuid.uuid4())
        response = api.post("/enforcement/name-address", requirement_body(uuid=key), as_=pw.alice)
        assert response.status_code == 201
        out = data(response)
        assert out["kind"] == "name_address"
        assert out["name_address"] == {
            "reason": "harm",
            "offence_details": "Kicked a bin over and shouted at passers-by.",
            "compliance": "refused",
            "detention": None,
        }
        assert out["power"] == "require-name-address"
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(out["id"])).exists()
        again = api.post("/enforcement/name-address", requirement_body(uuid=key), as_=pw.alice)
        assert again.status_code == 201
        assert data(again)["id"] == out["id"]
        assert EnforcementRecord.objects.count() == 1
        read = api.get(f"/enforcement/name-address/{out['id']}", as_=pw.bob)
        assert data(read)["reference"] == out["reference"]
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED, actor=pw.bob).count() == 1

    def test_bad_input_is_400_and_stores_nothing(self, api: Api, pw: World) -> None:
        response = api.post("/enforcement/name-address", requirement_body(compliance="complied"), as_=pw.alice)
        error = assert_error(response, 400, "invalid")
        assert {"subject_name", "subject_address"} <= set(error["fields"])
        assert not EnforcementRecord.objects.exists()

    def test_an_unknown_choice_is_422(self, api: Api, pw: World) -> None:
        assert_error(api.post("/enforcement/name-address", requirement_body(reason="x"), as_=pw.alice), 422)

    def test_a_read_only_role_gets_403(self, api: Api, pw: World) -> None:
        assert_error(api.post("/enforcement/name-address", requirement_body(), as_=pw.dee), 403)
        assert not EnforcementRecord.objects.exists()

    def test_reads_are_scoped_and_of_their_kind(self, api: Api, pw: World) -> None:
        requirement = refused(pw.alice)
        detention = start(pw.alice, requirement)
        assert_error(api.get(f"/enforcement/name-address/{requirement.pk}", as_=pw.hal), 404)
        assert_error(api.get(f"/enforcement/name-address/{detention.pk}", as_=pw.alice), 404)
        assert (
            data(api.get(f"/enforcement/name-address/{requirement.pk}", as_=pw.alice))["name_address"]["detention"]
            == detention.pk
        )

    def test_wrong_method_is_405(self, api: Api, pw: World) -> None:
        assert_error(api.call("DELETE", "/enforcement/name-address", as_=pw.alice), 405)


class DetentionApiTests:
    def test_a_cambridgeshire_pcso_starts_and_ends_a_detention(self, api: Api, pw: World) -> None:
        requirement = refused(pw.alice, minutes=12)
        response = api.post(
            "/enforcement/detentions",
            {"requirement": requirement.pk, "occurred_at": _iso(11), "constable_requested_at": _iso(10)},
            as_=pw.alice,
        )
        assert response.status_code == 201
        out = data(response)
        assert out["detention"]["limit_minutes"] == 30
        assert out["detention"]["is_open"] is True
        assert out["detention"]["requirement"] == requirement.pk
        assert out["detention"]["elapsed_minutes"] == pytest.approx(11, abs=0.5)
        assert out["lat"] == requirement.lat
        read = data(api.get(f"/enforcement/detentions/{out['id']}", as_=pw.alice))
        assert read["detention"]["must_end_by"] == out["detention"]["must_end_by"]
        ended = api.post(
            f"/enforcement/detentions/{out['id']}/end",
            {
                "version": out["version"],
                "ended_at": _iso(1),
                "outcome": "constable_arrived",
                "constable_arrived_at": _iso(2),
            },
            as_=pw.alice,
        )
        assert ended.status_code == 200
        assert data(ended)["detention"]["outcome"] == "constable_arrived"
        assert data(ended)["detention"]["is_open"] is False
        assert data(ended)["version"] == out["version"] + 1
        assert AuditEvent.objects.filter(event_type=EventType.DETENTION_ENDED, object_id=str(out["id"])).exists()

    def test_a_derbyshire_pcso_is_refused_with_the_reason(self, api: Api, pw: World) -> None:
        requirement = refused(pw.hal, B1_CENTRE)
        response = api.post(
            "/enforcement/detentions", {"requirement": requirement.pk, "occurred_at": _iso(5)}, as_=pw.hal
        )
        # assert_error() expects no `fields` but on invalid input; the handler of a refusal adds them.
        assert response.status_code == 400
        error = data(response)["error"]
        assert error["code"] == "power_not_held"
        assert "Derbyshire Constabulary did not designate" in error["message"]
        assert not Detention.objects.exists()
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1

    def test_a_requirement_that_was_complied_with_is_400(self, api: Api, pw: World) -> None:
        out = data(
            api.post(
                "/enforcement/name-address",
                requirement_body(compliance="complied", subject_name="Kyle", subject_address="3 Mill Road"),
                as_=pw.alice,
            )
        )
        response = api.post("/enforcement/detentions", {"requirement": out["id"], "occurred_at": _iso(5)}, as_=pw.alice)
        error = assert_error(response, 400, "invalid")
        assert error["fields"]["requirement"] == ["Detention follows a requirement that was refused or given falsely."]

    def test_an_end_over_the_limit_is_400_and_changes_nothing(self, api: Api, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice, minutes=35), minutes=31)
        response = api.post(
            f"/enforcement/detentions/{detention.pk}/end",
            {"version": 1, "ended_at": _iso(0), "outcome": "released"},
            as_=pw.alice,
        )
        error = assert_error(response, 400, "invalid")
        assert error["fields"]["ended_at"][0].startswith("Over the limit of 30 minutes")
        assert Detention.objects.get().is_open

    def test_a_stale_version_is_409(self, api: Api, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        response = api.post(
            f"/enforcement/detentions/{detention.pk}/end",
            {"version": 5, "ended_at": _iso(0), "outcome": "released"},
            as_=pw.alice,
        )
        assert_error(response, 409, "conflict")
        assert Detention.objects.get().is_open

    def test_someone_else_may_not_end_it(self, api: Api, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        body = {"version": 1, "ended_at": _iso(0), "outcome": "released"}
        assert_error(api.post(f"/enforcement/detentions/{detention.pk}/end", body, as_=pw.bob), 403)
        assert_error(api.post(f"/enforcement/detentions/{detention.pk}/end", body, as_=pw.hal), 404)
        assert Detention.objects.get().is_open

    def test_reads_are_scoped_and_of_their_kind(self, api: Api, pw: World) -> None:
        requirement = refused(pw.alice)
        detention = start(pw.alice, requirement)
        assert_error(api.get(f"/enforcement/detentions/{detention.pk}", as_=pw.hal), 404)
        assert_error(api.get(f"/enforcement/detentions/{requirement.pk}", as_=pw.alice), 404)
        assert_error(api.get("/enforcement/detentions/999999", as_=pw.alice), 404)

    def test_anonymous_is_401(self, api: Api, pw: World) -> None:
        assert_error(api.get("/enforcement/detentions/1"), 401)
        assert_error(api.post("/enforcement/detentions", {}), 401)
        assert not NameAddressRequirement.objects.exists()

    def test_a_bad_body_is_422(self, api: Api, pw: World) -> None:
        requirement = refused(pw.alice)
        response = api.post(
            "/enforcement/detentions", {"requirement": requirement.pk, "occurred_at": "soon"}, as_=pw.alice
        )
        assert_error(response, 422)
        assert not Detention.objects.exists()

    def test_wrong_method_is_405(self, api: Api, pw: World) -> None:
        assert_error(api.call("PATCH", "/enforcement/detentions/1", as_=pw.alice), 405)
