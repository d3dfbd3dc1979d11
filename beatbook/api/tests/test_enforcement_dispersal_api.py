"""Dispersal through the API: authorisations (list, read, record, end early) and directions
(record, read; audited), with the same rules as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, square
from beatbook.enforcement.models import DispersalAuthorisation, EnforcementRecord
from beatbook.enforcement.tests.test_dispersal import A1_CENTRE, ago, authorise, direct, later
from beatbook.powers.models import Designation, DesignationPower
from beatbook.powers.reference import REQUIRE_NAME_ADDRESS
from beatbook.powers.testing import designate, powers_world

from .helpers import Api, assert_error, data


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def authorisation_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "locality": "Market Square",
        "starts_at": iso(ago(hours=1)),
        "ends_at": iso(later(hours=20)),
        "authorised_by_name": "Insp. Jane Doe",
        "authorised_by_rank": "inspector",
        "grounds": "Groups causing alarm to shoppers.",
    }
    body.update(overrides)
    return body


def direction_body(authorisation: DispersalAuthorisation, **overrides: Any) -> dict[str, Any]:
    at = ago(minutes=10)
    body: dict[str, Any] = {
        "occurred_at": iso(at),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_age": 17,
        "authorisation": authorisation.pk,
        "exclusion_area": "Market Square and Petty Cury",
        "excluded_until": iso(at + dt.timedelta(hours=24)),
        "behaviour": "Shouting at shoppers.",
        "told_offence": True,
    }
    body.update(overrides)
    return body


class TestAuthorisations:
    def test_anonymous_is_401(self, world: World, api: Api) -> None:
        assert_error(api.get("/dispersal-authorisations"), 401)
        assert_error(api.get("/dispersal-authorisations/1"), 401)
        assert_error(api.post("/dispersal-authorisations", authorisation_body(world)), 401)
        assert_error(api.post("/dispersal-authorisations/1/end", {"reason": "x"}), 401)

    def test_the_list_is_scoped_filtered_and_in_force_first(self, pw: World, api: Api) -> None:
        over = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=7))
        active = authorise(pw)
        items = data(api.get("/dispersal-authorisations", as_=pw.alice))["items"]
        assert [i["reference"] for i in items] == [active.reference, over.reference]
        assert items[0]["in_force"] is True and items[1]["in_force"] is False
        assert data(api.get("/dispersal-authorisations", as_=pw.hal))["total"] == 0
        only = data(api.get("/dispersal-authorisations", as_=pw.bob, query={"active": "true"}))
        assert [i["id"] for i in only["items"]] == [active.pk]
        none = data(api.get("/dispersal-authorisations", as_=pw.bob, query={"neighbourhood": pw.a2.pk}))
        assert none["total"] == 0

    def test_the_list_is_a_constant_number_of_queries(
        self, pw: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        authorise(pw)
        api.get("/dispersal-authorisations", as_=pw.bob)  # first use of the token records last_used_at
        with django_assert_num_queries(3):  # token, count, rows (neighbourhood and force joined)
            api.get("/dispersal-authorisations", as_=pw.bob)
        for _n in range(3):
            authorise(pw)
        with django_assert_num_queries(3):
            api.get("/dispersal-authorisations", as_=pw.bob)

    def test_one_authorisation_and_outsiders_get_404(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw, boundary=square(*A1_CENTRE, half=0.002))
        out = data(api.get(f"/dispersal-authorisations/{authorisation.pk}", as_=pw.alice))
        assert out["reference"] == authorisation.reference
        assert out["boundary"]["type"] == "Polygon"
        for persona in (pw.hal, pw.charlie, pw.gus):
            assert_error(api.get(f"/dispersal-authorisations/{authorisation.pk}", as_=persona), 404)

    def test_a_supervisor_records_one(self, pw: World, api: Api) -> None:
        boundary = square(*A1_CENTRE, half=0.003)
        response = api.post("/dispersal-authorisations", authorisation_body(pw, boundary=boundary), as_=pw.bob)
        assert response.status_code == 201
        out = data(response)
        assert out["reference"].startswith("CAMBS-DSP-") and out["in_force"] is True
        assert DispersalAuthorisation.objects.get().boundary is not None
        assert AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISED).count() == 1

    def test_a_pcso_or_auditor_gets_403_and_an_outsider_400(self, pw: World, api: Api) -> None:
        for persona in (pw.alice, pw.fay, pw.dee):
            assert_error(api.post("/dispersal-authorisations", authorisation_body(pw), as_=persona), 403)
        error = assert_error(api.post("/dispersal-authorisations", authorisation_body(pw), as_=pw.hal), 400)
        assert "neighbourhood" in error["fields"]
        assert not DispersalAuthorisation.objects.exists()

    def test_bad_input_stores_nothing(self, pw: World, api: Api) -> None:
        start = later(hours=1)
        long = authorisation_body(pw, starts_at=iso(start), ends_at=iso(start + dt.timedelta(hours=49)))
        error = assert_error(api.post("/dispersal-authorisations", long, as_=pw.bob), 400)
        assert "48 hours" in error["fields"]["ends_at"][0]
        assert_error(
            api.post("/dispersal-authorisations", authorisation_body(pw, authorised_by_rank="sergeant"), as_=pw.bob),
            422,
        )
        assert_error(
            api.post("/dispersal-authorisations", authorisation_body(pw, starts_at="2026-03-03T14:00"), as_=pw.bob),
            422,
        )
        assert not DispersalAuthorisation.objects.exists()

    def test_ending_one_early(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw)
        url = f"/dispersal-authorisations/{authorisation.pk}/end"
        assert_error(api.post(url, {"reason": "x"}, as_=pw.hal), 404)
        assert_error(api.post(url, {"reason": "x"}, as_=pw.alice), 403)
        out = data(api.post(url, {"reason": "Calm again."}, as_=pw.bob))
        assert out["ended_at"] is not None and out["in_force"] is False
        assert AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISATION_ENDED).count() == 1
        assert_error(api.post(url, {"reason": "Again."}, as_=pw.bob), 400)

    def test_wrong_methods_are_405(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw)
        assert_error(api.call("DELETE", f"/dispersal-authorisations/{authorisation.pk}", as_=pw.bob), 405)
        assert_error(api.get(f"/dispersal-authorisations/{authorisation.pk}/end", as_=pw.bob), 405)


class TestDirections:
    def test_anonymous_is_401(self, pw: World, api: Api) -> None:
        assert_error(api.post("/enforcement/dispersals", direction_body(authorise(pw))), 401)
        assert_error(api.get("/enforcement/dispersals/1"), 401)

    def test_a_pcso_records_one_and_a_retry_is_stored_once(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw)
        body = direction_body(authorisation, uuid=str(uuid.uuid4()))
        response = api.post("/enforcement/dispersals", body, as_=pw.alice)
        assert response.status_code == 201
        out = data(response)
        assert out["kind"] == "dispersal"
        assert out["power_check"]["held"] is True
        assert out["dispersal"]["authorisation"]["reference"] == authorisation.reference
        assert out["detail_url"] == f"/api/v1/enforcement/dispersals/{out['id']}"
        again = api.post("/enforcement/dispersals", body, as_=pw.alice)
        assert again.status_code == 201 and data(again)["id"] == out["id"]
        assert EnforcementRecord.objects.count() == 1
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED).count() == 1
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED).exists()

    def test_outside_the_period_or_boundary_or_beyond_48_hours_is_400(self, pw: World, api: Api) -> None:
        over = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=7))
        error = assert_error(api.post("/enforcement/dispersals", direction_body(over), as_=pw.alice), 400)
        assert error["fields"]["authorisation"][0].startswith("No dispersal authorisation in force at ")
        small = authorise(pw, boundary=square(*A1_CENTRE, half=0.002))
        outside = direction_body(small, lat=A1_CENTRE[0] + 0.005)
        assert "lat" in assert_error(api.post("/enforcement/dispersals", outside, as_=pw.alice), 400)["fields"]
        body = direction_body(small)
        body["excluded_until"] = iso(dt.datetime.fromisoformat(body["occurred_at"]) + dt.timedelta(hours=49))
        error = assert_error(api.post("/enforcement/dispersals", body, as_=pw.alice), 400)
        assert "48 hours" in error["fields"]["excluded_until"][0]
        told = direction_body(small, told_offence=False)
        assert "told_offence" in assert_error(api.post("/enforcement/dispersals", told, as_=pw.alice), 400)["fields"]
        assert not EnforcementRecord.objects.exists()

    def test_a_power_not_held_is_400_power_not_held_and_audited(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw)
        DesignationPower.objects.filter(designation__person=pw.alice).delete()
        Designation.objects.filter(person=pw.alice).delete()
        designate(pw.system, pw.alice, [REQUIRE_NAME_ADDRESS])
        response = api.post("/enforcement/dispersals", direction_body(authorisation), as_=pw.alice)
        assert response.status_code == 400
        error = data(response)["error"]
        assert error["code"] == "power_not_held"
        assert "was not designated" in error["message"]
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1
        assert not EnforcementRecord.objects.exists()

    def test_those_who_do_not_enforce_get_403(self, pw: World, api: Api) -> None:
        authorisation = authorise(pw)
        for persona in (pw.bob, pw.fay, pw.gus):
            assert_error(api.post("/enforcement/dispersals", direction_body(authorisation), as_=persona), 403)
        assert not EnforcementRecord.objects.exists()

    def test_bad_input_is_422(self, pw: World, api: Api) -> None:
        body = direction_body(authorise(pw), removed_to="the moon")
        assert_error(api.post("/enforcement/dispersals", body, as_=pw.alice), 422)
        body = direction_body(authorise(pw))
        del body["told_offence"]
        assert_error(api.post("/enforcement/dispersals", body, as_=pw.alice), 422)
        assert not EnforcementRecord.objects.exists()

    def test_reading_one_is_audited_and_outsiders_get_404(self, pw: World, api: Api) -> None:
        record = direct(pw, authorise(pw))
        for persona in (pw.hal, pw.charlie, pw.gus):
            assert_error(api.get(f"/enforcement/dispersals/{record.pk}", as_=persona), 404)
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED).exists()
        out = data(api.get(f"/enforcement/dispersals/{record.pk}", as_=pw.bob))
        assert out["subject_name"] == "Kyle Smith"
        assert out["dispersal"]["told_offence"] is True
        assert timezone.localtime(record.occurred_at).strftime("%H:%M") in out["verdict"]
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_VIEWED)
        assert event.actor == pw.bob and "Kyle" not in str(event.after)

    def test_wrong_method_is_405(self, pw: World, api: Api) -> None:
        record = direct(pw, authorise(pw))
        assert_error(api.call("DELETE", f"/enforcement/dispersals/{record.pk}", as_=pw.alice), 405)
