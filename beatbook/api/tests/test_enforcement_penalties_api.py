"""Penalty notices through the API: issue (success with its audit row, refusals with nothing
stored, a power not held), read (scoped), move the status (who may), and the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.api.tests import helpers
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, PenaltyNotice
from beatbook.incidents.tests.factories import A1_CENTRE, ago
from beatbook.powers.models import Designation, PenaltyOffence
from beatbook.powers.testing import designate, powers_world

from .helpers import Api, assert_error, data

pytestmark = pytest.mark.django_db
BASE = "/enforcement/penalty-notices"


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def body(world: World, **overrides: Any) -> dict[str, Any]:
    litter = PenaltyOffence.objects.get(force=world.force_a, code="litter")
    base = {
        "occurred_at": timezone.localtime(ago(minutes=5)).isoformat(),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_age": 30,
        "subject_address": "3 Mill Road, Cambridge",
        "offence": litter.pk,
        "issuing_authority": world.council.pk,
        "offence_details": "Dropped a can.",
    }
    return base | overrides


def _issue(api: Api, world: World, **overrides: Any) -> dict[str, Any]:
    response = api.post(BASE, body(world, **overrides), as_=world.alice)
    assert response.status_code == 201, response.content
    result: dict[str, Any] = data(response)
    return result


class PenaltyApiTests:
    def test_it_issues_a_notice_under_the_tariff(self, api: Api, pw: World) -> None:
        out = _issue(api, pw)
        assert out["penalty"]["amount"] in ("100.00", 100.0, "100")
        assert out["penalty"]["status"] == "issued"
        assert out["power"] == "fpn-litter"
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(out["id"])).exists()

    def test_refusals_store_nothing(self, api: Api, pw: World) -> None:
        error = assert_error(api.post(BASE, body(pw, amount="60.00"), as_=pw.alice), 400, "invalid")
        assert "amount" in error["fields"]
        pnd = PenaltyOffence.objects.get(force=pw.force_a, code="pnd-drunk-highway")
        error = assert_error(
            api.post(BASE, body(pw, offence=pnd.pk, issuing_authority=None, subject_age=17), as_=pw.alice), 400
        )
        assert error["fields"]["subject_age"] == ["No penalty notice for disorder to a person under 18."]
        assert_error(api.post(BASE, body(pw, surprise=1), as_=pw.alice), 422)
        assert not EnforcementRecord.objects.exists()

    def test_a_power_not_held_is_power_not_held(self, api: Api, pw: World) -> None:
        Designation.objects.filter(person=pw.alice).update(
            withdrawn_at=ago(days=2), withdrawn_by=pw.system, withdrawal_reason="Reissued"
        )
        designate(pw.system, pw.alice, ["require-name-address"])
        response = api.post(BASE, body(pw), as_=pw.alice)
        # Not assert_error: the foundation's handler adds `fields` to this code, which it allows only
        # on "invalid" (reported to the lead).
        assert response.status_code == 400
        error = data(response)["error"]
        assert error["code"] == "power_not_held"
        assert "was not designated" in error["message"]
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1

    def test_anonymous_and_read_only(self, api: Api, pw: World) -> None:
        assert_error(api.post(BASE, body(pw)), 401)
        assert_error(api.post(BASE, body(pw), as_=pw.dee), 403)

    def test_reading_is_scoped(self, api: Api, pw: World) -> None:
        out = _issue(api, pw)
        path = f"{BASE}/{out['id']}"
        assert data(api.get(path, as_=pw.bob))["reference"] == out["reference"]
        assert_error(api.get(path, as_=pw.hal), 404)
        assert_error(api.get(path), 401)

    def test_status_flow_and_who_may(self, api: Api, pw: World) -> None:
        out = _issue(api, pw)
        path = f"{BASE}/{out['id']}/status"
        assert_error(api.post(path, {"status": "paid"}, as_=pw.alice), 403)
        assert_error(api.post(path, {"status": "paid"}, as_=pw.hal), 404)
        assert_error(api.post(path, {"status": "referred"}, as_=pw.erin), 400)
        assert_error(api.post(path, {"status": "paid", "version": 9}, as_=pw.erin), 409)
        paid = data(api.post(path, {"status": "paid", "version": out["version"]}, as_=pw.erin))
        assert paid["penalty"]["status"] == "paid" and paid["version"] == out["version"] + 1
        assert PenaltyNotice.objects.get(record_id=out["id"]).status == "paid"
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_STATUS_CHANGED).count() == 1

    def test_the_pdf(self, api: Api, pw: World) -> None:
        out = _issue(api, pw)
        url = f"{helpers.PREFIX}{BASE}/{out['id']}/pdf"
        response = Client().get(url, headers={"Authorization": f"Bearer {api.token_for(pw.alice)}"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_PRINTED).count() == 1
        assert_error(api.get(f"{BASE}/{out['id']}/pdf", as_=pw.hal), 404)
        assert_error(api.get(f"{BASE}/{out['id']}/pdf"), 401)
        assert_error(api.call("DELETE", f"{BASE}/{out['id']}/pdf", as_=pw.alice), 405)

    def test_the_document_declares_the_pdf(self) -> None:
        operation = helpers.find_operation("GET", f"{helpers.PREFIX}{BASE}/1/pdf")
        assert operation is not None
        assert "application/pdf" in operation["responses"]["200"]["content"]
