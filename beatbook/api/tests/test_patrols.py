"""Patrols and hot-spot plans through the API: starting (replay-safe, no overlaps), reading
(scoped), visits, ending with a trace and changing notes with the version read (409 when stale),
the patrol map, plans and their dosage, and neighbourhoods' visibility hours."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import patrol_schemas
from beatbook.api.v1.incident_schemas import LONG_TEXT
from beatbook.api.v1.schemas import Strict
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.org.models import Person
from beatbook.patrols.models import HotspotPlan, HotspotPlanStatus, HotspotTarget, Patrol, PatrolVisit
from beatbook.patrols.services import TargetData
from beatbook.patrols.tests.helpers import MARKET, at, day, end, plan, start, targets_of, visit

from .helpers import Api, assert_error, data, openapi_document

B1 = (52.922, -1.476)  # Derby City Centre (another force)


def iso(when: dt.datetime) -> str:
    return when.isoformat()


def _audited(response: HttpResponse, event: EventType) -> AuditEvent:
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


def _events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def _snapshot(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict), value
    return value


def start_body(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid start in A1 an hour ago (overrides replace or, with None, remove members)."""
    base: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "mode": "foot",
        "started_at": iso(timezone.now() - dt.timedelta(hours=1)),
    }
    for name, value in overrides.items():
        if value is None:
            base.pop(name, None)
        else:
            base[name] = value
    return base


def plan_body(world: World, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    base: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "name": "Market evenings",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=28)).isoformat(),
        "targets": [
            {"label": "Market square", "lat": 52.205, "lng": 0.119, "min_minutes": 10, "max_minutes": 15},
            {"label": "Bus station", "lat": 52.208, "lng": 0.125, "radius_m": 80, "visits_per_day": 2},
        ],
    }
    base.update(overrides)
    return base


def ids(page: dict[str, Any]) -> set[int]:
    return {item["id"] for item in page["items"]}


# ---- Authentication -----------------------------------------------------------------------------
def test_anonymous_callers_get_401(world: World, api: Api) -> None:
    patrol = start(world)
    p = plan(world)
    for path in (
        "/patrols",
        f"/patrols/{patrol.pk}",
        f"/patrols/{patrol.pk}/map",
        "/hotspot-plans",
        f"/hotspot-plans/{p.pk}",
        f"/hotspot-plans/{p.pk}/dosage",
        f"/hotspot-plans/{p.pk}/dosage/people",
        f"/neighbourhoods/{world.a1.pk}/visibility",
    ):
        assert_error(api.get(path), 401, "not_authenticated")
    for path in ("/patrols", f"/patrols/{patrol.pk}/visits", f"/patrols/{patrol.pk}/end", "/hotspot-plans",
                 f"/hotspot-plans/{p.pk}/end"):  # fmt: skip
        assert_error(api.post(path, {}), 401, "not_authenticated")
    assert_error(api.patch(f"/patrols/{patrol.pk}", {"notes": "x", "version": 1}), 401, "not_authenticated")
    patrol.refresh_from_db()
    assert patrol.is_open and patrol.notes == ""
    assert HotspotPlan.objects.get().status == HotspotPlanStatus.ACTIVE


# ---- Starting -----------------------------------------------------------------------------------
def test_alice_starts_a_patrol_with_a_colleague(world: World, api: Api) -> None:
    client_uuid = str(uuid.uuid4())
    body = start_body(world, mode="cycle", colleagues=[world.bob.pk], uuid=client_uuid, notes="Market day.")
    response = api.post("/patrols", body, as_=world.alice)
    assert response.status_code == 201, response.content
    created = data(response)
    patrol = Patrol.objects.get()
    assert created["id"] == patrol.pk and created["uuid"] == client_uuid
    assert (patrol.person, patrol.neighbourhood, patrol.force, patrol.mode) == (
        world.alice, world.a1, world.force_a, "cycle",
    )  # fmt: skip
    assert created["neighbourhood"] == {"id": world.a1.pk, "code": "CC01", "name": "City Centre"}
    assert created["person"] == {"id": world.alice.pk, "display_name": "Alice", "collar_number": "7001"}
    assert [c["id"] for c in created["colleagues"]] == [world.bob.pk]
    assert created["is_open"] is True and created["ended_at"] is None and created["duration_minutes"] is None
    assert created["version"] == 1 and created["can_change"] is True and created["visits"] == []
    assert created["notes"] == "Market day." and created["force"] == "cambridgeshire"
    event = _audited(response, EventType.PATROL_STARTED)
    assert (event.actor_id, event.object_id, event.neighbourhood_id) == (world.alice.pk, str(patrol.pk), world.a1.pk)
    assert _snapshot(event.after)["colleagues"] == [world.bob.pk] and "Market day" not in str(event.after)


def test_a_start_without_a_time_starts_now(world: World, api: Api) -> None:
    before = timezone.now()
    created = data(api.post("/patrols", start_body(world, started_at=None), as_=world.alice))
    assert before <= dt.datetime.fromisoformat(created["started_at"]) <= timezone.now()
    assert created["mode"] == "foot"


def test_a_uuid_sent_again_stores_one_patrol(world: World, api: Api) -> None:
    client_uuid = str(uuid.uuid4())
    first = api.post("/patrols", start_body(world, uuid=client_uuid), as_=world.alice)
    again = api.post("/patrols", start_body(world, uuid=client_uuid, mode="vehicle"), as_=world.alice)
    assert (first.status_code, again.status_code) == (201, 201)
    assert data(again)["id"] == data(first)["id"] and data(again)["mode"] == "foot"  # the retry's body is not used
    assert Patrol.objects.count() == 1 and _events(EventType.PATROL_STARTED) == 1
    # Someone else's patrol's identifier is refused.
    error = assert_error(api.post("/patrols", start_body(world, uuid=client_uuid), as_=world.bob), 400, "invalid")
    assert set(error["fields"]) == {"uuid"}
    assert Patrol.objects.count() == 1


def test_overlapping_patrols_are_refused_and_nothing_is_stored(world: World, api: Api) -> None:
    end(world, start(world, when=at(9)), at(17))
    error = assert_error(api.post("/patrols", start_body(world, started_at=iso(at(12))), as_=world.alice), 400)
    assert set(error["fields"]) == {"started_at"}
    # Starting as one ended is not an overlap.
    assert api.post("/patrols", start_body(world, started_at=iso(at(17))), as_=world.alice).status_code == 201
    # While one is under way, no other may start.
    error = assert_error(api.post("/patrols", start_body(world), as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"started_at"}
    assert Patrol.objects.count() == 2 and _events(EventType.PATROL_STARTED) == 2


def test_a_bad_start_is_refused_and_nothing_is_stored(world: World, api: Api) -> None:
    future = iso(timezone.now() + dt.timedelta(hours=1))
    error = assert_error(api.post("/patrols", start_body(world, started_at=future), as_=world.alice), 400)
    assert set(error["fields"]) == {"started_at"}
    for elsewhere in (world.a2.pk, world.b1.pk, 999999):  # not where she patrols
        error = assert_error(api.post("/patrols", start_body(world, neighbourhood=elsewhere), as_=world.alice), 400)
        assert set(error["fields"]) == {"neighbourhood"}
    for colleagues in ([world.hal.pk], [world.alice.pk], [world.system.pk], [999999]):
        error = assert_error(api.post("/patrols", start_body(world, colleagues=colleagues), as_=world.alice), 400)
        assert set(error["fields"]) == {"colleagues"}
    naive = (timezone.now() - dt.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    for bad in ({"started_at": naive}, {"mode": "horse"}, {"colour": "red"}, {"neighbourhood": None}):
        assert_error(api.post("/patrols", start_body(world, **bad), as_=world.alice), 422, "validation_error")
    long_notes = start_body(world, notes="x" * (LONG_TEXT + 1))
    assert "notes" in assert_error(api.post("/patrols", long_notes, as_=world.alice), 422)["fields"]
    assert not Patrol.objects.exists() and _events(EventType.PATROL_STARTED) == 0


def test_those_who_patrol_nowhere_get_403(world: World, api: Api) -> None:
    for who in (world.dee, world.erin, world.fay, world.gus, world.ivy):
        assert_error(api.post("/patrols", start_body(world), as_=who), 403, "permission_denied")
    assert not Patrol.objects.exists()


# ---- Reading ------------------------------------------------------------------------------------
def test_the_list_is_scoped_to_the_caller(world: World, api: Api) -> None:
    in_a1 = start(world, "alice")
    in_a2 = start(world, "charlie", neighbourhood=world.a2)
    in_b1 = start(world, "hal", neighbourhood=world.b1)
    # Bob patrols A1 with Charlie, who then sees that patrol though he is posted to A2.
    with_charlie = start(world, "bob", colleagues=(world.charlie,))

    def seen(who: Person) -> set[int]:
        page = data(api.get("/patrols", as_=who))
        assert page["total"] == len(page["items"])
        return ids(page)

    assert seen(world.alice) == {in_a1.pk, with_charlie.pk}
    assert seen(world.charlie) == {in_a2.pk, with_charlie.pk}
    assert seen(world.bob) == seen(world.dee) == {in_a1.pk, in_a2.pk, with_charlie.pk}
    assert seen(world.hal) == {in_b1.pk}
    assert seen(world.gus) == set()


def test_list_items_carry_no_notes(world: World, api: Api) -> None:
    start(world, notes="Spoke to the shopkeeper about the youths.")
    (item,) = data(api.get("/patrols", as_=world.alice))["items"]
    assert set(item) == {
        "id", "uuid", "force", "neighbourhood", "person", "mode", "started_at", "ended_at", "is_open",
        "duration_minutes", "version",
    }  # fmt: skip
    assert "shopkeeper" not in str(item)


def test_the_list_filters(world: World, api: Api) -> None:
    earlier = end(
        world, start(world, when=at(9, on=day() - dt.timedelta(days=1))), at(12, on=day() - dt.timedelta(days=1))
    )
    open_now = start(world, when=at(9))
    bobs = end(world, start(world, "bob", when=at(8), neighbourhood=world.a2), at(10), who="bob")

    def found(**query: Any) -> set[int]:
        return ids(data(api.get("/patrols", as_=world.bob, query=query)))

    assert found() == {earlier.pk, open_now.pk, bobs.pk}
    assert found(person="me") == {bobs.pk}
    assert found(neighbourhood=world.a1.pk) == {earlier.pk, open_now.pk}
    assert found(neighbourhood=world.b1.pk) == set()  # one the caller does not see matches nothing
    assert found(status="open") == {open_now.pk}
    assert found(status="ended") == {earlier.pk, bobs.pk}
    assert found(date_from=day().isoformat()) == {open_now.pk, bobs.pk}
    assert found(date_to=(day() - dt.timedelta(days=1)).isoformat()) == {earlier.pk}
    assert found(date_from=day().isoformat(), date_to=day().isoformat(), status="ended") == {bobs.pk}
    page = data(api.get("/patrols", as_=world.bob, query={"page_size": 1, "page": 2}))
    assert (page["page"], page["page_size"], page["total"], len(page["items"])) == (2, 1, 3, 1)
    for bad in ({"person": "you"}, {"status": "paused"}, {"date_from": "2026-02-30"}, {"neighbourhood": 0},
                {"date_from": "2026-03-02", "date_to": "2026-03-01"}):  # fmt: skip
        assert_error(api.get("/patrols", as_=world.bob, query=bad), 422, "validation_error")


def test_the_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in reversed(range(6)):  # oldest first: a start in the past overlaps any later patrol
        on = day() - dt.timedelta(days=n)
        end(world, start(world, when=at(9, on=on), colleagues=(world.bob,)), at(11, on=on))
    api.get("/patrols", as_=world.dee)  # first use of the token records last_used_at
    for size in (1, 6):
        with django_assert_num_queries(3):  # token, count, rows (force, neighbourhood, patroller joined)
            page = data(api.get("/patrols", as_=world.dee, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 6


def test_the_detail_has_the_visits_and_their_dwell(world: World, api: Api) -> None:
    patrol = start(world, notes="Quiet.", colleagues=(world.bob,))
    visit(world, patrol, at(10), 12, lat=52.206, lng=0.12)
    visit(world, patrol, at(11), 7.5, lat=52.207, lng=0.121)
    end(world, patrol, at(13))
    detail = data(api.get(f"/patrols/{patrol.pk}", as_=world.alice))
    assert [(v["dwell_minutes"], v["lat"], v["target"]) for v in detail["visits"]] == [
        (12.0, 52.206, None), (7.5, 52.207, None),
    ]  # fmt: skip
    assert detail["notes"] == "Quiet." and detail["duration_minutes"] == 240.0 and detail["is_open"] is False
    assert [c["display_name"] for c in detail["colleagues"]] == ["Bob"] and detail["can_change"] is True
    assert data(api.get(f"/patrols/{patrol.pk}", as_=world.bob))["can_change"] is True  # supervises A1
    assert data(api.get(f"/patrols/{patrol.pk}", as_=world.dee))["can_change"] is False  # analyst: reads only


@pytest.mark.parametrize("who", ["charlie", "hal", "gus", "ivy"])
def test_an_invisible_patrol_is_404_everywhere(world: World, api: Api, who: str) -> None:
    patrol = start(world)
    person = getattr(world, who)
    url = f"/patrols/{patrol.pk}"
    assert_error(api.get(url, as_=person), 404, "not_found")
    assert_error(api.get(f"{url}/map", as_=person), 404, "not_found")
    assert_error(api.patch(url, {"notes": "Mine.", "version": 1}, as_=person), 404, "not_found")
    assert_error(api.post(f"{url}/end", {"version": 1}, as_=person), 404, "not_found")
    arrive = {"lat": 52.206, "lng": 0.12, "arrived_at": iso(at(10)), "left_at": iso(at(10, 15))}
    assert_error(api.post(f"{url}/visits", arrive, as_=person), 404, "not_found")
    patrol.refresh_from_db()
    assert (patrol.is_open, patrol.notes, patrol.version) == (True, "", 1)
    assert not PatrolVisit.objects.exists()


def test_an_absent_patrol_is_404(world: World, api: Api) -> None:
    assert_error(api.get("/patrols/999999", as_=world.alice), 404, "not_found")


def test_who_sees_but_may_not_change_gets_403(world: World, api: Api) -> None:
    patrol = start(world)
    url = f"/patrols/{patrol.pk}"
    arrive = {"lat": 52.206, "lng": 0.12, "arrived_at": iso(at(10)), "left_at": iso(at(10, 15))}
    for who in (world.dee, world.fay):
        assert data(api.get(url, as_=who))["id"] == patrol.pk
        assert_error(api.patch(url, {"notes": "Analyst.", "version": 1}, as_=who), 403, "permission_denied")
        assert_error(api.post(f"{url}/end", {"version": 1}, as_=who), 403, "permission_denied")
        assert_error(api.post(f"{url}/visits", arrive, as_=who), 403, "permission_denied")
    patrol.refresh_from_db()
    assert (patrol.is_open, patrol.notes, patrol.version) == (True, "", 1)
    assert not PatrolVisit.objects.exists()


# ---- Visits -------------------------------------------------------------------------------------
def test_recording_a_visit_at_a_point(world: World, api: Api) -> None:
    patrol = start(world)
    body = {"lat": 52.206, "lng": 0.12, "label": "Park gates", "arrived_at": iso(at(10)),
            "left_at": iso(at(10, 12))}  # fmt: skip
    response = api.post(f"/patrols/{patrol.pk}/visits", body, as_=world.alice)
    assert response.status_code == 201, response.content
    detail = data(response)
    (v,) = detail["visits"]
    assert (v["label"], v["lat"], v["lng"], v["dwell_minutes"], v["target"]) == ("Park gates", 52.206, 0.12, 12.0, None)
    assert detail["version"] == 2
    event = _audited(response, EventType.PATROL_VISIT_RECORDED)
    assert (event.actor_id, event.object_id) == (world.alice.pk, str(patrol.pk))
    assert _snapshot(event.after)["visit"]["dwell_minutes"] == 12.0 and "Park gates" not in str(event.after)


def test_recording_a_visit_at_a_hot_spot(world: World, api: Api) -> None:
    market, _bus = targets_of(plan(world))
    patrol = start(world)
    body = {"target": market.pk, "arrived_at": iso(at(10)), "left_at": iso(at(10, 20))}
    (v,) = data(api.post(f"/patrols/{patrol.pk}/visits", body, as_=world.alice))["visits"]
    assert (v["target"], v["label"], v["lat"], v["lng"]) == (market.pk, "Market square", market.lat, market.lng)
    # A target of another force's plan, or of a plan not running that day, is refused on `target`.
    theirs = plan(world, "system", neighbourhood=world.b1, targets=[TargetData(label="Market", lat=B1[0], lng=B1[1])])
    later = plan(world, starts_on=timezone.localdate(), targets=[MARKET])
    for target in (targets_of_one(theirs), targets_of_one(later), 999999):
        body = {"target": target, "arrived_at": iso(at(11)), "left_at": iso(at(11, 20))}
        error = assert_error(api.post(f"/patrols/{patrol.pk}/visits", body, as_=world.alice), 400, "invalid")
        assert set(error["fields"]) == {"target"}
    assert PatrolVisit.objects.count() == 1


def targets_of_one(p: HotspotPlan) -> int:
    (target,) = HotspotTarget.objects.filter(plan=p)
    return target.pk


def test_bad_visits_are_refused_and_nothing_is_stored(world: World, api: Api) -> None:
    patrol = start(world)
    url = f"/patrols/{patrol.pk}/visits"

    def refused(status: int = 400, **body: Any) -> set[str]:
        base = {"lat": 52.206, "lng": 0.12, "arrived_at": iso(at(10)), "left_at": iso(at(10, 12))}
        base.update(body)
        fields: set[str] = set(assert_error(api.post(url, base, as_=world.alice), status)["fields"])
        return fields

    assert refused(left_at=iso(at(9, 50))) == {"left_at"}  # leaving before arriving
    assert refused(arrived_at=iso(at(8)), left_at=iso(at(8, 10))) == {"arrived_at"}  # before the patrol
    future = timezone.now() + dt.timedelta(hours=1)
    assert refused(arrived_at=iso(future), left_at=iso(future + dt.timedelta(minutes=5))) == {"arrived_at", "left_at"}
    assert "lat" in refused(lat=None, lng=None)  # neither a point nor a target
    assert refused(422, lng=None)  # half a point
    assert refused(422, lat=48.85, lng=2.35)  # outside the UK
    assert refused(422, label="x" * 121)
    assert refused(422, colour="red")
    assert not PatrolVisit.objects.exists() and _events(EventType.PATROL_VISIT_RECORDED) == 0
    patrol.refresh_from_db()
    assert patrol.version == 1


def test_a_visit_uuid_sent_again_stores_one_visit(world: World, api: Api) -> None:
    patrol = start(world)
    body = {"uuid": str(uuid.uuid4()), "lat": 52.206, "lng": 0.12, "arrived_at": iso(at(10)),
            "left_at": iso(at(10, 12))}  # fmt: skip
    first = api.post(f"/patrols/{patrol.pk}/visits", body, as_=world.alice)
    again = api.post(f"/patrols/{patrol.pk}/visits", body, as_=world.alice)
    assert (first.status_code, again.status_code) == (201, 201)
    assert len(data(again)["visits"]) == 1 and data(again)["visits"][0]["uuid"] == body["uuid"]
    assert PatrolVisit.objects.count() == 1 and _events(EventType.PATROL_VISIT_RECORDED) == 1


# ---- Ending and notes ---------------------------------------------------------------------------
def test_ending_a_patrol_with_its_trace(world: World, api: Api) -> None:
    patrol = start(world)
    trace = [[52.205, 0.119, iso(at(9, 5))], [52.206, 0.12, iso(at(10))], [52.207, 0.121, iso(at(11))]]
    response = api.post(f"/patrols/{patrol.pk}/end", {"ended_at": iso(at(12)), "trace": trace, "version": 1},
                        as_=world.alice)  # fmt: skip
    assert response.status_code == 200, response.content
    ended = data(response)
    assert ended["is_open"] is False and ended["duration_minutes"] == 180.0
    assert ended["trace_points"] == 3 and ended["version"] == 2
    patrol.refresh_from_db()
    assert patrol.ended_at == at(12) and [p[:2] for p in patrol.trace] == [[52.205, 0.119], [52.206, 0.12],
                                                                           [52.207, 0.121]]  # fmt: skip
    event = _audited(response, EventType.PATROL_ENDED)
    assert _snapshot(event.after)["trace_points"] == 3 and _snapshot(event.before)["ended_at"] is None
    # Once ended, it cannot end again.
    error = assert_error(api.post(f"/patrols/{patrol.pk}/end", {"version": 2}, as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"ended_at"}


def test_a_bad_end_is_refused_and_nothing_is_stored(world: World, api: Api) -> None:
    patrol = start(world)
    visit(world, patrol, at(10), 30, lat=52.206, lng=0.12)
    url = f"/patrols/{patrol.pk}/end"

    def refused(status: int = 400, **body: Any) -> set[str]:
        fields: set[str] = set(assert_error(api.post(url, {"version": 2, **body}, as_=world.alice), status)["fields"])
        return fields

    assert refused(ended_at=iso(at(8))) == {"ended_at"}  # before the start
    assert refused(ended_at=iso(at(10, 15))) == {"ended_at"}  # before the last visit ended
    assert refused(ended_at=iso(timezone.now() + dt.timedelta(hours=1))) == {"ended_at"}
    assert refused(ended_at=iso(at(12)), trace=[[48.85, 2.35, iso(at(11))]]) == {"trace"}  # outside the UK
    assert refused(ended_at=iso(at(12)), trace=[[52.2, 0.12, iso(at(14))]]) == {"trace"}  # after the end
    assert refused(422, trace=[[52.2, 0.12]])  # not [lat, lng, time]
    assert refused(422, trace=[[52.2, 0.12, "yesterday"]])
    assert "version" in assert_error(api.post(url, {}, as_=world.alice), 422)["fields"]
    patrol.refresh_from_db()
    assert patrol.is_open and patrol.trace == [] and patrol.version == 2
    assert _events(EventType.PATROL_ENDED) == 0


def test_a_supervisor_changes_the_notes(world: World, api: Api) -> None:
    patrol = start(world)
    response = api.patch(f"/patrols/{patrol.pk}", {"notes": "  Reassurance patrol.  ", "version": 1}, as_=world.bob)
    assert response.status_code == 200
    changed = data(response)
    assert changed["notes"] == "Reassurance patrol." and changed["version"] == 2
    event = _audited(response, EventType.PATROL_UPDATED)
    assert event.actor_id == world.bob.pk and _snapshot(event.after)["text_changed"] == ["notes"]
    assert "Reassurance" not in str(event.after)
    url = f"/patrols/{patrol.pk}"
    assert_error(api.patch(url, {"notes": "No version."}, as_=world.alice), 422, "validation_error")
    assert_error(api.patch(url, {"notes": None, "version": 2}, as_=world.alice), 422, "validation_error")
    assert_error(api.patch(url, {"notes": "x" * 5001, "version": 2}, as_=world.alice), 422, "validation_error")
    assert Patrol.objects.get().notes == "Reassurance patrol."


def test_a_stale_version_is_409_and_saves_nothing(world: World, api: Api) -> None:
    patrol = start(world)
    url = f"/patrols/{patrol.pk}"
    api.token_for(world.alice)  # issuing a token is audited too
    assert api.patch(url, {"notes": "Bob's note.", "version": 1}, as_=world.bob).status_code == 200
    events = AuditEvent.objects.count()
    error = assert_error(api.patch(url, {"notes": "Alice's note.", "version": 1}, as_=world.alice), 409, "conflict")
    assert "changed" in error["message"]
    assert_error(api.post(f"{url}/end", {"ended_at": iso(at(12)), "version": 1}, as_=world.alice), 409, "conflict")
    patrol.refresh_from_db()
    assert (patrol.notes, patrol.is_open, patrol.version) == ("Bob's note.", True, 2)
    assert AuditEvent.objects.count() == events


# ---- The map ------------------------------------------------------------------------------------
def test_the_map_has_the_trace_the_visits_and_the_hot_spots(world: World, api: Api) -> None:
    market, bus = targets_of(plan(world))
    plan(world, neighbourhood=world.a2, targets=[TargetData(label="Cherry Hinton Hall", lat=52.185, lng=0.17)])
    patrol = start(world)
    visit(world, patrol, at(10), 12, place=market)
    visit(world, patrol, at(11), 5, lat=52.206, lng=0.12)
    trace = [[52.205, 0.119, iso(at(9, 30))], [52.206, 0.12, iso(at(11, 10))]]
    end(world, patrol, at(12), trace=trace)
    collection = data(api.get(f"/patrols/{patrol.pk}/map", as_=world.alice))
    assert collection["type"] == "FeatureCollection"
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)
    (line,) = by_kind["trace"]
    assert line["geometry"] == {"type": "LineString", "coordinates": [[0.119, 52.205], [0.12, 52.206]]}  # [lng, lat]
    at_market, at_gates = by_kind["visit"]
    assert at_market["geometry"] == {"type": "Point", "coordinates": [market.lng, market.lat]}
    assert (at_market["properties"]["label"], at_market["properties"]["dwell_minutes"]) == ("Market square", 12.0)
    assert at_market["properties"]["target"] == market.pk and at_gates["properties"]["target"] is None
    assert dt.datetime.fromisoformat(at_gates["properties"]["left_at"]) == at(11, 5)
    targets = {f["properties"]["id"]: f for f in by_kind["target"]}
    assert set(targets) == {market.pk, bus.pk}  # A1's plan only, not A2's
    assert targets[bus.pk]["geometry"]["coordinates"] == [bus.lng, bus.lat]
    assert (
        targets[bus.pk]["properties"]["radius_m"] == bus.radius_m
        and targets[bus.pk]["properties"]["label"] == "Bus station"
    )
    # An ended plan's places are not shown; a patrol without a trace has no line.
    HotspotPlan.objects.filter(neighbourhood=world.a1).update(status=HotspotPlanStatus.ENDED, ended_at=timezone.now())
    second = start(world, when=at(14))
    assert data(api.get(f"/patrols/{second.pk}/map", as_=world.dee))["features"] == []


# ---- Hot-spot plans -----------------------------------------------------------------------------
def test_a_supervisor_makes_a_plan(world: World, api: Api) -> None:
    response = api.post("/hotspot-plans", plan_body(world), as_=world.bob)
    assert response.status_code == 201, response.content
    made = data(response)
    p = HotspotPlan.objects.get()
    assert made["id"] == p.pk and made["status"] == "active" and made["created_by"] == "Bob"
    assert made["neighbourhood"]["id"] == world.a1.pk and made["ended_at"] is None
    assert [(t["label"], t["radius_m"], t["visits_per_day"], t["min_minutes"], t["max_minutes"])
            for t in made["targets"]] == [("Market square", 50, 3, 10, 15), ("Bus station", 80, 2, 10, 15)]  # fmt: skip
    event = _audited(response, EventType.HOTSPOT_PLAN_CREATED)
    assert (event.actor_id, event.object_id, event.neighbourhood_id) == (world.bob.pk, str(p.pk), world.a1.pk)
    assert len(_snapshot(event.after)["targets"]) == 2


def test_a_bad_plan_is_refused_and_nothing_is_stored(world: World, api: Api) -> None:
    def refused(status: int = 400, **overrides: Any) -> set[str]:
        response = api.post("/hotspot-plans", plan_body(world, **overrides), as_=world.bob)
        fields: set[str] = set(assert_error(response, status)["fields"])
        return fields

    today = timezone.localdate()
    assert refused(ends_on=(today - dt.timedelta(days=1)).isoformat()) == {"ends_on"}
    assert refused(targets=[]) == {"targets"}
    assert refused(neighbourhood=world.b1.pk) == {"neighbourhood"}
    far = {"label": "Derby market", "lat": B1[0], "lng": B1[1]}  # in the UK, outside Cambridgeshire
    assert refused(targets=[far]) == {"targets.0.lat"}
    huge = {"label": "Park", "lat": 52.205, "lng": 0.119, "radius_m": 2000, "visits_per_day": 49}
    assert refused(targets=[huge]) == {"targets.0.radius_m", "targets.0.visits_per_day"}
    upside_down = {"label": "Park", "lat": 52.205, "lng": 0.119, "min_minutes": 20, "max_minutes": 10}
    assert refused(targets=[upside_down]) == {"targets.0.max_minutes"}
    assert "targets.0.label" in refused(422, targets=[{"label": "  ", "lat": 52.205, "lng": 0.119}])
    assert refused(422, name="")
    assert refused(422, targets=[{"label": "Park", "lat": 52.205, "lng": 0.119, "radius_m": 0}])
    assert refused(422, targets=[MARKET_IN] * 21)
    assert not HotspotPlan.objects.exists() and not HotspotTarget.objects.exists()
    assert _events(EventType.HOTSPOT_PLAN_CREATED) == 0


MARKET_IN = {"label": "Market square", "lat": 52.205, "lng": 0.119}


def test_plans_are_for_those_who_plan_patrols(world: World, api: Api) -> None:
    p = plan(world)
    url = f"/hotspot-plans/{p.pk}"
    for who in (world.alice, world.dee, world.erin, world.fay):
        assert_error(api.get("/hotspot-plans", as_=who), 403, "permission_denied")
        assert_error(api.post("/hotspot-plans", plan_body(world), as_=who), 403, "permission_denied")
    for who in (world.alice, world.dee):  # they see the plan's neighbourhood, but do not plan there
        assert_error(api.get(url, as_=who), 403, "permission_denied")
        assert_error(api.post(f"{url}/end", {}, as_=who), 403, "permission_denied")
        assert_error(api.get(f"{url}/dosage", as_=who), 403, "permission_denied")
        assert_error(api.get(f"{url}/dosage/people", as_=who), 403, "permission_denied")
    for who in (world.charlie, world.hal, world.gus):  # they do not see it
        assert_error(api.get(url, as_=who), 404, "not_found")
        assert_error(api.post(f"{url}/end", {}, as_=who), 404, "not_found")
        assert_error(api.get(f"{url}/dosage", as_=who), 404, "not_found")
        assert_error(api.get(f"{url}/dosage/people", as_=who), 404, "not_found")
    assert_error(api.get("/hotspot-plans/999999", as_=world.bob), 404, "not_found")
    assert HotspotPlan.objects.get().status == HotspotPlanStatus.ACTIVE and HotspotPlan.objects.count() == 1


def test_the_plan_list_and_detail(world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    in_a1 = plan(world)
    in_a2 = plan(world, neighbourhood=world.a2, targets=[TargetData(label="Hall", lat=52.185, lng=0.17)])
    plan(world, "system", neighbourhood=world.b1, targets=[TargetData(label="Market", lat=B1[0], lng=B1[1])])
    api.get("/hotspot-plans", as_=world.bob)  # first use of the token records last_used_at
    for size in (1, 2):
        with django_assert_num_queries(4):  # token, "plans somewhere", count, rows (joined)
            page = data(api.get("/hotspot-plans", as_=world.bob, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 2
    assert ids(data(api.get("/hotspot-plans", as_=world.bob))) == {in_a1.pk, in_a2.pk}
    detail = data(api.get(f"/hotspot-plans/{in_a1.pk}", as_=world.bob))
    assert [t["label"] for t in detail["targets"]] == ["Market square", "Bus station"]
    assert detail["starts_on"] == in_a1.starts_on.isoformat() and detail["force"] == "cambridgeshire"


def test_ending_a_plan_works_once(world: World, api: Api) -> None:
    p = plan(world)
    response = api.post(f"/hotspot-plans/{p.pk}/end", {}, as_=world.bob)
    assert response.status_code == 200
    ended = data(response)
    assert ended["status"] == "ended" and ended["ended_at"] is not None
    event = _audited(response, EventType.HOTSPOT_PLAN_ENDED)
    assert _snapshot(event.before) == {"status": "active"}
    error = assert_error(api.post(f"/hotspot-plans/{p.pk}/end", {}, as_=world.bob), 400, "invalid")
    assert set(error["fields"]) == {"status"}
    assert _events(EventType.HOTSPOT_PLAN_ENDED) == 1


def test_the_dosage_of_a_day(world: World, api: Api) -> None:
    market, bus = targets_of(plan(world))
    patrol = start(world)
    visit(world, patrol, at(10), 12, place=market)  # delivered
    visit(world, patrol, at(11), 5, place=market)  # too short
    visit(world, patrol, at(12), 20, lat=bus.lat + 20 / 111_195, lng=bus.lng)  # 20 m from the bus station
    dosage = data(api.get(f"/hotspot-plans/{market.plan_id}/dosage", as_=world.bob, query={"on": day().isoformat()}))
    assert dosage["plan"] == market.plan_id and dosage["on"] == day().isoformat() and dosage["runs"] is True
    doses = {d["target"]["id"]: d for d in dosage["targets"]}
    assert (doses[market.pk]["planned"], doses[market.pk]["delivered"], doses[market.pk]["short"]) == (3, 1, 1)
    assert (doses[market.pk]["minutes"], doses[market.pk]["met"]) == (12.0, False)
    assert (doses[bus.pk]["planned"], doses[bus.pk]["delivered"], doses[bus.pk]["minutes"]) == (2, 1, 20.0)
    # Today (the default) nothing has been delivered yet; a day outside the plan planned nothing.
    today = data(api.get(f"/hotspot-plans/{market.plan_id}/dosage", as_=world.bob))
    assert today["on"] == timezone.localdate().isoformat()
    assert [d["delivered"] for d in today["targets"]] == [0, 0]
    before = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    outside = data(api.get(f"/hotspot-plans/{market.plan_id}/dosage", as_=world.bob, query={"on": before}))
    assert outside["runs"] is False and [d["planned"] for d in outside["targets"]] == [0, 0]
    assert_error(api.get(f"/hotspot-plans/{market.plan_id}/dosage", as_=world.bob, query={"on": "soon"}), 422)


def test_the_dosage_per_person(world: World, api: Api) -> None:
    market, _bus = targets_of(plan(world))
    alices = start(world)
    visit(world, alices, at(10), 12, place=market)
    visit(world, alices, at(11), 15, place=market)
    end(world, alices, at(12))
    bobs = start(world, "bob", when=at(13))
    visit(world, bobs, at(13, 10), 3, place=market, who="bob")
    url = f"/hotspot-plans/{market.plan_id}/dosage/people"
    people = data(api.get(url, as_=world.bob))
    assert people["date_from"] == market.plan.starts_on.isoformat()
    assert people["date_to"] == timezone.localdate().isoformat()
    rows = [(i["person"]["display_name"], i["target"]["label"], i["delivered"], i["short"], i["minutes"])
            for i in people["items"]]  # fmt: skip
    assert rows == [("Alice", "Market square", 2, 0, 27.0), ("Bob", "Market square", 0, 1, 0.0)]
    yesterday = (day() + dt.timedelta(days=1)).isoformat()
    assert data(api.get(url, as_=world.bob, query={"date_from": yesterday}))["items"] == []
    for bad in ({"date_from": "2026-03-02", "date_to": "2026-03-01"},
                {"date_from": "2024-01-01", "date_to": "2026-01-01"}, {"date_to": "soon"}):  # fmt: skip
        assert_error(api.get(url, as_=world.bob, query=bad), 422, "validation_error")
    error = assert_error(api.get(url, as_=world.bob, query={"date_from": "2020-01-01"}), 422, "validation_error")
    assert set(error["fields"]) == {"date_from"}  # the default end makes the period too long


def test_visibility_hours(world: World, api: Api) -> None:
    end(world, start(world, when=at(9)), at(12))  # three hours in A1
    end(world, start(world, "bob", when=at(13)), at(14, 30), who="bob")  # and an hour and a half
    end(world, start(world, "charlie", when=at(9), neighbourhood=world.a2), at(10), who="charlie")
    url = f"/neighbourhoods/{world.a1.pk}/visibility"
    seen = data(api.get(url, as_=world.bob))
    assert seen["neighbourhood"]["id"] == world.a1.pk and seen["hours"] == 4.5
    today = timezone.localdate()
    assert (seen["date_from"], seen["date_to"]) == ((today - dt.timedelta(days=6)).isoformat(), today.isoformat())
    other_day = (day() - dt.timedelta(days=1)).isoformat()
    assert data(api.get(url, as_=world.bob, query={"date_from": other_day, "date_to": other_day}))["hours"] == 0.0
    assert data(api.get(f"/neighbourhoods/{world.a2.pk}/visibility", as_=world.bob))["hours"] == 1.0
    for who in (world.alice, world.dee):  # they see A1 but do not plan patrols there
        assert_error(api.get(url, as_=who), 403, "permission_denied")
    for who in (world.hal, world.gus):
        assert_error(api.get(url, as_=who), 404, "not_found")
    assert_error(api.get(f"/neighbourhoods/{world.b1.pk}/visibility", as_=world.bob), 404, "not_found")
    assert_error(api.get(url, as_=world.bob, query={"date_from": "2026-03-02", "date_to": "2026-03-01"}), 422)
    future = (today + dt.timedelta(days=3)).isoformat()  # after the default end (today)
    assert set(assert_error(api.get(url, as_=world.bob, query={"date_from": future}), 422)["fields"]) == {"date_from"}


# ---- The document and the schemas ---------------------------------------------------------------
# Each operation's declared errors, by the conventions test_openapi.py checks for every operation.
DECLARED = {
    ("get", "/api/v1/patrols"): ({"200"}, {"401", "422"}),
    ("post", "/api/v1/patrols"): ({"201"}, {"400", "401", "403", "422"}),
    ("get", "/api/v1/patrols/{patrol_id}"): ({"200"}, {"401", "404"}),
    ("patch", "/api/v1/patrols/{patrol_id}"): ({"200"}, {"400", "401", "403", "404", "409", "422"}),
    ("post", "/api/v1/patrols/{patrol_id}/visits"): ({"201"}, {"400", "401", "403", "404", "422"}),
    ("post", "/api/v1/patrols/{patrol_id}/end"): ({"200"}, {"400", "401", "403", "404", "409", "422"}),
    ("get", "/api/v1/patrols/{patrol_id}/map"): ({"200"}, {"401", "404"}),
    ("get", "/api/v1/hotspot-plans"): ({"200"}, {"401", "403", "422"}),
    ("post", "/api/v1/hotspot-plans"): ({"201"}, {"400", "401", "403", "422"}),
    ("get", "/api/v1/hotspot-plans/{plan_id}"): ({"200"}, {"401", "403", "404"}),
    ("post", "/api/v1/hotspot-plans/{plan_id}/end"): ({"200"}, {"400", "401", "403", "404", "422"}),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage"): ({"200"}, {"401", "403", "404", "422"}),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage/people"): ({"200"}, {"401", "403", "404", "422"}),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/visibility"): ({"200"}, {"401", "403", "404", "422"}),
}


def test_the_document_declares_each_operation_and_its_errors() -> None:
    paths = openapi_document()["paths"]
    for (method, path), (success, errors) in DECLARED.items():
        responses = paths[path][method]["responses"]
        assert {s for s in responses if int(s) < 400} == success, (method, path)
        assert {s for s in responses if int(s) >= 400} == errors | {"500"}, (method, path)
        assert paths[path][method]["tags"] == ["patrols"]


def test_text_inputs_are_limited_to_their_model_fields_lengths() -> None:
    checks: list[tuple[type[Strict], str, type[models.Model], str]] = [
        (patrol_schemas.VisitIn, "label", PatrolVisit, "label"),
        (patrol_schemas.TargetIn, "label", HotspotTarget, "label"),
        (patrol_schemas.PlanIn, "name", HotspotPlan, "name"),
    ]
    for schema, name, model, field_name in checks:
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)
        limits = [o.get("maxLength") for o in [schema.model_json_schema()["properties"][name]]]
        assert limits == [field.max_length], (schema, name)
