"""Engagement events through the API: anonymous (401), outsider (404), read-only (403), success
with its audit row, refusals (400 by field, 422 for the schema, 409 for a stale version) with
nothing stored, wrong methods (405), the list's filters and pinned query count, and the calendar
on London days. Every response is checked against the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import EngagementEvent, EventKind, EventStatus
from beatbook.community.tests.test_events_services import PRIVATE_TEXT, after, at, plan, soon
from beatbook.core.testing import World

from .helpers import Api, assert_error, data


def new_event(world: World, **overrides: Any) -> dict[str, Any]:
    starts = soon()
    return {
        "neighbourhood": world.a1.pk,
        "kind": "beat_surgery",
        "title": "Beat surgery at the library",
        "description": "Come and talk to us.",
        "address": "Central Library, Lion Yard",
        "lat": 52.2045,
        "lng": 0.1218,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
        "officers": [world.alice.pk],
        "is_public": True,
    } | overrides


def created(world: World, api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.post("/events", new_event(world, **overrides), as_=world.alice)
    assert response.status_code == 201, response.content
    result: dict[str, Any] = data(response)
    return result


class EventListTests:
    def test_anonymous_scope_and_filters(self, world: World, api: Api) -> None:
        mine = plan(world, title="Spring public meeting")
        private = plan(world, kind=EventKind.BEAT_SURGERY, is_public=False, starts_at=soon(days=9))
        plan(world, actor=world.hal, nb=world.b1, lat=52.922, lng=-1.476)
        assert_error(api.get("/events"), 401)
        page = data(api.get("/events", as_=world.alice))
        assert [e["reference"] for e in page["items"]] == [private.reference, mine.reference] and page["total"] == 2
        item = page["items"][1]
        assert item["neighbourhood"]["code"] == "CC01" and item["force"] == "cambridgeshire"
        assert item["issues_raised_count"] == 0 and item["version"] == 1 and "notes" not in item
        assert data(api.get("/events", as_=world.hal))["total"] == 1
        assert data(api.get("/events", as_=world.gus))["total"] == 0
        query = {"public": False, "kind": "beat_surgery"}
        assert [e["reference"] for e in data(api.get("/events", as_=world.dee, query=query))["items"]] == [
            private.reference
        ]
        assert data(api.get("/events", as_=world.alice, query={"q": "spring"}))["total"] == 1
        assert data(api.get("/events", as_=world.alice, query={"neighbourhood": world.b1.pk}))["total"] == 0
        assert_error(api.get("/events", as_=world.alice, query={"kind": "barbecue"}), 422)
        assert_error(
            api.get("/events", as_=world.alice, query={"date_from": "2026-05-02", "date_to": "2026-05-01"}), 422
        )

    def test_the_list_costs_the_same_queries_for_one_page_or_another(
        self, world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(5):
            plan(world, officer_ids=(world.alice.pk, world.bob.pk), starts_at=soon(days=n + 1))
        api.get("/events", as_=world.alice)  # issue the token
        for size in (1, 5):
            with django_assert_num_queries(4):  # token, count, events (force, neighbourhood joined), officers
                page = data(api.get("/events", as_=world.alice, query={"page_size": size}))
            assert len(page["items"]) == size and len(page["items"][0]["officers"]) == 2

    def test_wrong_methods_are_405(self, world: World, api: Api) -> None:
        event = plan(world)
        assert_error(api.call("PUT", "/events", as_=world.alice), 405)
        assert_error(api.call("DELETE", f"/events/{event.reference}", as_=world.alice), 405)
        assert_error(api.call("GET", f"/events/{event.reference}/record", as_=world.alice), 405)
        assert_error(api.call("GET", f"/events/{event.reference}/cancel", as_=world.alice), 405)
        assert_error(api.call("POST", "/events/calendar", as_=world.alice), 405)


class EventCreateTests:
    def test_it_plans_the_event_and_audits_it(self, world: World, api: Api) -> None:
        assert_error(api.post("/events", new_event(world)), 401)
        response = api.post("/events", new_event(world, officers=[world.alice.pk, world.bob.pk]), as_=world.alice)
        assert response.status_code == 201
        event = data(response)
        assert event["reference"].startswith("CAMBS-EVT-") and event["status"] == "planned" and event["can_change"]
        assert [o["display_name"] for o in event["officers"]] == ["Alice", "Bob"]
        row = AuditEvent.objects.get(event_type=EventType.ENGAGEMENT_EVENT_CREATED, request_id=response["X-Request-ID"])
        assert after(row)["reference"] == event["reference"] and "Library" not in str(row.after)

    @pytest.mark.parametrize("who", ["dee", "fay", "gus"])
    def test_those_who_engage_nowhere_get_403(self, world: World, api: Api, who: str) -> None:
        assert_error(api.post("/events", new_event(world), as_=getattr(world, who)), 403)
        assert not EngagementEvent.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"neighbourhood": 999_999}, "neighbourhood"),
            ({"officers": [999_999]}, "officers"),
            ({"ends_at": "2020-01-01T10:00:00+00:00"}, "ends_at"),
            ({"title": "   "}, None),
        ],
    )
    def test_refusals_store_nothing(self, world: World, api: Api, overrides: dict[str, Any], field: str | None) -> None:
        response = api.post("/events", new_event(world, **overrides), as_=world.alice)
        if field is None:
            assert_error(response, 422)  # a blank title does not fit the schema
        else:
            assert field in assert_error(response, 400)["fields"]
        assert not EngagementEvent.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENT_CREATED).exists()

    def test_the_neighbourhood_of_another_area_or_force(self, world: World, api: Api) -> None:
        assert (
            "neighbourhood"
            in assert_error(api.post("/events", new_event(world, neighbourhood=world.a2.pk), as_=world.alice), 400)[
                "fields"
            ]
        )
        assert "neighbourhood" in assert_error(api.post("/events", new_event(world), as_=world.hal), 400)["fields"]
        assert (
            "officers"
            in assert_error(api.post("/events", new_event(world, officers=[world.hal.pk]), as_=world.alice), 400)[
                "fields"
            ]
        )
        assert not EngagementEvent.objects.exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"lat": None},
            {"lng": 9.5},
            {"starts_at": "2026-03-01T10:00:00"},
            {"kind": "barbecue"},
            {"officers": "alice"},
            {"unexpected": 1},
        ],
    )
    def test_a_request_that_does_not_fit_the_schema_is_422(
        self, world: World, api: Api, overrides: dict[str, Any]
    ) -> None:
        assert_error(api.post("/events", new_event(world, **overrides), as_=world.alice), 422)
        assert not EngagementEvent.objects.exists()

    def test_malformed_json_is_400(self, world: World, api: Api) -> None:
        assert_error(api.call("POST", "/events", raw_body="{nope", as_=world.alice), 400)


class EventDetailAndChangeTests:
    def test_detail_scope(self, world: World, api: Api) -> None:
        event = created(world, api)
        ref = event["reference"]
        assert_error(api.get(f"/events/{ref}"), 401)
        assert_error(api.get(f"/events/{ref}", as_=world.hal), 404)
        assert_error(api.get("/events/CAMBS-EVT-1999-000001", as_=world.alice), 404)
        seen = data(api.get(f"/events/{ref.lower()}", as_=world.dee))
        assert seen["reference"] == ref and seen["can_change"] is False and seen["priorities"] == []

    def test_a_change_with_its_version(self, world: World, api: Api) -> None:
        ref = created(world, api)["reference"]
        response = api.patch(
            f"/events/{ref}", {"version": 1, "title": "Street surgery", "lat": None, "lng": None}, as_=world.alice
        )
        changed = data(response)
        assert changed["title"] == "Street surgery" and changed["lat"] is None and changed["version"] == 2
        assert changed["kind"] == "beat_surgery" and [o["id"] for o in changed["officers"]] == [world.alice.pk]
        assert AuditEvent.objects.filter(
            event_type=EventType.ENGAGEMENT_EVENT_UPDATED, request_id=response["X-Request-ID"]
        ).exists()
        stale = api.patch(f"/events/{ref}", {"version": 1, "title": "Mine"}, as_=world.bob)
        assert "Alice changed this event" in assert_error(stale, 409, "conflict")["message"]
        assert EngagementEvent.objects.get(reference=ref).title == "Street surgery"
        moved = data(api.patch(f"/events/{ref}", {"version": 2, "neighbourhood": world.a2.pk}, as_=world.bob))
        assert moved["neighbourhood"]["id"] == world.a2.pk

    def test_change_refusals(self, world: World, api: Api) -> None:
        ref = created(world, api)["reference"]
        assert_error(api.patch(f"/events/{ref}", {"version": 1, "title": "x"}), 401)
        assert_error(api.patch(f"/events/{ref}", {"version": 1, "title": "x"}, as_=world.hal), 404)
        assert_error(api.patch(f"/events/{ref}", {"version": 1, "title": "x"}, as_=world.dee), 403)
        assert_error(api.patch(f"/events/{ref}", {"version": 1}, as_=world.alice), 422)
        assert_error(api.patch(f"/events/{ref}", {"version": 1, "lat": 52.2}, as_=world.alice), 422)
        assert_error(api.patch(f"/events/{ref}", {"version": 1, "title": None}, as_=world.alice), 422)
        late = {"version": 1, "ends_at": (soon() + dt.timedelta(hours=30)).isoformat()}
        assert "ends_at" in assert_error(api.patch(f"/events/{ref}", late, as_=world.alice), 400)["fields"]
        other = {"version": 1, "neighbourhood": world.a2.pk}
        assert "neighbourhood" in assert_error(api.patch(f"/events/{ref}", other, as_=world.alice), 400)["fields"]
        assert EngagementEvent.objects.get(reference=ref).version == 1


class EventRecordAndCancelTests:
    def test_recording(self, world: World, api: Api) -> None:
        future = created(world, api)["reference"]
        body = {"attendance": 31, "issues_raised": ["Speeding on Mill Road", "Drug litter"], "notes": PRIVATE_TEXT}
        assert "__all__" in assert_error(api.post(f"/events/{future}/record", body, as_=world.alice), 400)["fields"]
        started = plan(world, starts_at=timezone.now() - dt.timedelta(hours=1)).reference
        assert_error(api.post(f"/events/{started}/record", body), 401)
        assert_error(api.post(f"/events/{started}/record", body, as_=world.hal), 404)
        assert_error(api.post(f"/events/{started}/record", body, as_=world.fay), 403)
        assert_error(api.post(f"/events/{started}/record", body | {"attendance": 100_001}, as_=world.alice), 422)
        assert_error(api.post(f"/events/{started}/record", body | {"issues_raised": ["a\nb"]}, as_=world.alice), 422)
        assert_error(api.post(f"/events/{started}/record", body | {"version": 7}, as_=world.alice), 409)
        assert EngagementEvent.objects.get(reference=started).status == EventStatus.PLANNED
        response = api.post(f"/events/{started}/record", body | {"officers": [world.bob.pk]}, as_=world.alice)
        done = data(response)
        assert done["status"] == "held" and done["attendance"] == 31 and done["issues_raised_count"] == 2
        assert done["issues_raised"] == ["Speeding on Mill Road", "Drug litter"] and done["notes"] == PRIVATE_TEXT
        assert [o["id"] for o in done["officers"]] == [world.bob.pk]
        row = AuditEvent.objects.get(
            event_type=EventType.ENGAGEMENT_EVENT_RECORDED, request_id=response["X-Request-ID"]
        )
        assert "Mill" not in str(row.after)

    def test_cancelling(self, world: World, api: Api) -> None:
        ref = created(world, api)["reference"]
        assert_error(api.post(f"/events/{ref}/cancel", {"reason": "Rain"}), 401)
        assert_error(api.post(f"/events/{ref}/cancel", {"reason": "Rain"}, as_=world.hal), 404)
        assert_error(api.post(f"/events/{ref}/cancel", {"reason": "Rain"}, as_=world.dee), 403)
        assert_error(api.post(f"/events/{ref}/cancel", {"reason": ""}, as_=world.alice), 422)
        response = api.post(f"/events/{ref}/cancel", {"reason": "The hall is flooded", "version": 1}, as_=world.alice)
        assert data(response)["status"] == "cancelled" and data(response)["cancelled_reason"] == "The hall is flooded"
        assert AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENT_CANCELLED).count() == 1
        assert (
            "reason"
            in assert_error(api.post(f"/events/{ref}/cancel", {"reason": "Again"}, as_=world.alice), 400)["fields"]
        )
        assert_error(api.patch(f"/events/{ref}", {"version": 2, "title": "Back on"}, as_=world.alice), 400)


class EventCalendarTests:
    def test_a_clock_change_month_on_london_days(self, world: World, api: Api) -> None:
        plan(world, title="Before the change", starts_at=at(2026, 3, 29, 0, 30), ends_at=at(2026, 3, 29, 1, 30))
        plan(world, title="After the change", starts_at=at(2026, 3, 29, 23, 30), ends_at=at(2026, 3, 30, 0, 30))
        plan(world, title="Midnight into April", starts_at=at(2026, 3, 31, 23, 0), ends_at=at(2026, 4, 1, 0, 30))
        query = {"neighbourhood": world.a1.pk, "month": "2026-03"}
        assert_error(api.get("/events/calendar", query=query), 401)
        cal = data(api.get("/events/calendar", as_=world.alice, query=query))
        assert (cal["month"], cal["previous"], cal["next"]) == ("2026-03", "2026-02", "2026-04")
        assert len(cal["days"]) == 31 and cal["days"][0]["date"] == "2026-03-01"
        by_day = {d["date"]: [e["title"] for e in d["events"]] for d in cal["days"] if d["events"]}
        assert by_day == {"2026-03-29": ["Before the change"], "2026-03-30": ["After the change"]}
        april = data(api.get("/events/calendar", as_=world.alice, query=query | {"month": "2026-04"}))
        assert april["days"][0]["events"][0]["title"] == "Midnight into April"

    def test_refusals(self, world: World, api: Api) -> None:
        assert_error(
            api.get("/events/calendar", as_=world.hal, query={"neighbourhood": world.a1.pk, "month": "2026-03"}), 404
        )
        assert_error(
            api.get("/events/calendar", as_=world.alice, query={"neighbourhood": world.a1.pk, "month": "2026-13"}), 422
        )
        assert_error(api.get("/events/calendar", as_=world.alice, query={"neighbourhood": world.a1.pk}), 422)
        for month in ("1999-12", "2101-01", "2026-00", "26-03"):
            query = {"neighbourhood": world.a1.pk, "month": month}
            assert_error(api.get("/events/calendar", as_=world.alice, query=query), 422)
        last = data(
            api.get("/events/calendar", as_=world.alice, query={"neighbourhood": world.a1.pk, "month": "2100-12"})
        )
        assert last["next"] is None and last["previous"] == "2100-11"
