"""The patrol and plan pages: who reaches them, what they show, what they store, and what they refuse."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.patrols.models import HotspotPlan, HotspotTarget, Patrol, PatrolVisit
from beatbook.patrols.selectors import start_of

from .helpers import at, end, plan, start, targets_of, visit

FORMAT = "%Y-%m-%dT%H:%M"


def local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime(FORMAT)


def events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def plan_form(world: World, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "name": "Market evenings",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=28)).isoformat(),
        "t0-label": "Market square",
        "t0-lat": "52.205",
        "t0-lng": "0.119",
        "t0-radius_m": "50",
        "t0-visits_per_day": "3",
        "t0-min_minutes": "10",
        "t0-max_minutes": "15",
        "t1-label": "Bus station",
        "t1-lat": "52.208",
        "t1-lng": "0.125",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestAccess:
    @pytest.mark.parametrize("url", ["/patrols/", "/patrols/plans/", "/patrols/1/", "/patrols/plans/1/"])
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_outsiders_get_404_for_a_patrol_and_a_plan(self, world: World) -> None:
        patrol = start(world)
        p = plan(world)
        for persona in (world.charlie, world.hal, world.gus):
            client = world.client_for(persona)
            assert client.get(f"/patrols/{patrol.pk}/").status_code == 404
            assert client.post(f"/patrols/{patrol.pk}/end/", {"version": 1}).status_code == 404
        assert world.client_for(world.hal).get(f"/patrols/plans/{p.pk}/").status_code == 404
        patrol.refresh_from_db()
        assert patrol.is_open

    def test_readers_who_do_not_patrol_get_403_on_changes(self, world: World) -> None:
        patrol = start(world)
        for persona in (world.dee, world.fay):
            client = world.client_for(persona)
            assert client.get(f"/patrols/{patrol.pk}/").status_code == 200
            assert client.post(f"/patrols/{patrol.pk}/end/", {"version": 1}).status_code == 403
            assert client.post(f"/patrols/{patrol.pk}/notes/", {"notes": "x", "version": 1}).status_code == 403
            assert client.post("/patrols/start/", {"neighbourhood": world.a1.pk, "mode": "foot"}).status_code == 403
        patrol.refresh_from_db()
        assert patrol.is_open and patrol.notes == ""

    def test_plans_are_for_supervisors_only(self, world: World) -> None:
        p = plan(world)
        for persona in (world.alice, world.dee, world.erin):
            client = world.client_for(persona)
            assert client.get("/patrols/plans/").status_code == 403
            assert client.post("/patrols/plans/", plan_form(world)).status_code == 403
        assert world.client_for(world.alice).get(f"/patrols/plans/{p.pk}/").status_code == 403
        assert world.client_for(world.alice).post(f"/patrols/plans/{p.pk}/end/").status_code == 403
        assert HotspotPlan.objects.count() == 1
        assert world.client_for(world.bob).get("/patrols/plans/").status_code == 200

    def test_wrong_methods_are_405(self, world: World) -> None:
        patrol = start(world)
        p = plan(world)
        client = world.client_for(world.bob)
        assert client.get("/patrols/start/").status_code == 405
        assert client.get(f"/patrols/{patrol.pk}/end/").status_code == 405
        assert client.get(f"/patrols/{patrol.pk}/visits/").status_code == 405
        assert client.post(f"/patrols/{patrol.pk}/").status_code == 405
        assert client.delete("/patrols/").status_code == 405
        assert client.get(f"/patrols/plans/{p.pk}/end/").status_code == 405
        assert client.post(f"/patrols/plans/{p.pk}/").status_code == 405


class TestPatrolling:
    def test_start_record_a_visit_and_end(self, world: World) -> None:
        client = world.client_for(world.alice)
        page = client.get("/patrols/").content.decode()
        assert "Start a patrol" in page and "Bob (1234)" in page  # Bob can be named as a colleague
        started = timezone.now() - dt.timedelta(hours=1)
        data = {
            "neighbourhood": world.a1.pk,
            "mode": "foot",
            "started_at": local(started),
            "colleagues": [world.bob.pk],
            "client_uuid": str(uuid.uuid4()),
        }
        response = client.post("/patrols/start/", data)
        assert response.status_code == 302 and response["Location"] == "/patrols/"
        assert client.post("/patrols/start/", data).status_code == 302  # a double submission
        patrol = Patrol.objects.get()
        assert list(patrol.colleagues.all()) == [world.bob]
        assert events(EventType.PATROL_STARTED) == 1
        page = client.get("/patrols/").content.decode()
        assert 'data-testid="current-patrol"' in page and "Record a visit" in page and "End patrol" in page

        arrived = max(patrol.started_at, timezone.now() - dt.timedelta(minutes=30))
        visit_data = {
            "label": "Park gates",
            "lat": "52.206",
            "lng": "0.12",
            "arrived_at": local(arrived),
            "left_at": local(arrived + dt.timedelta(minutes=12)),
            "client_uuid": str(uuid.uuid4()),
        }
        response = client.post(f"/patrols/{patrol.pk}/visits/", visit_data)
        assert response.status_code == 302 and response["Location"] == f"/patrols/{patrol.pk}/"
        (v,) = PatrolVisit.objects.all()
        assert v.dwell == dt.timedelta(minutes=12)
        detail = client.get(f"/patrols/{patrol.pk}/").content.decode()
        assert "Park gates" in detail and ">12<" in detail

        response = client.post(f"/patrols/{patrol.pk}/end/", {"version": patrol.version + 1})
        assert response.status_code == 302
        patrol.refresh_from_db()
        assert not patrol.is_open
        assert "Start a patrol" in client.get("/patrols/").content.decode()

    def test_a_supervisor_ends_someone_elses_patrol_with_a_trace(self, world: World) -> None:
        patrol = start(world)
        trace = f'[[52.205, 0.119, "{at(10).isoformat()}"]]'
        response = world.client_for(world.bob).post(
            f"/patrols/{patrol.pk}/end/", {"version": 1, "ended_at": local(at(17)), "trace": trace}
        )
        assert response.status_code == 302
        patrol.refresh_from_db()
        assert patrol.ended_at == at(17) and len(patrol.trace) == 1

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"started_at": "2099-01-01T10:00"}, "in the future"),
            ({"started_at": "not a time"}, "Enter a real date and time"),
            ({"neighbourhood": "A2"}, "Choose the neighbourhood"),
            ({"mode": "horse"}, "Select a valid choice"),
            ({"colleagues": ["HAL"]}, "Choose colleagues from the list"),
        ],
    )
    def test_bad_start_is_refused_with_the_message_and_nothing_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        replace = {"A2": world.a2.pk, "HAL": world.hal.pk}
        data: dict[str, Any] = {"neighbourhood": world.a1.pk, "mode": "foot"} | overrides
        data = {
            k: ([replace.get(x, x) for x in v] if isinstance(v, list) else replace.get(v, v)) for k, v in data.items()
        }
        before = AuditEvent.objects.count()
        response = world.client_for(world.alice).post("/patrols/start/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Patrol.objects.exists()
        assert AuditEvent.objects.count() == before

    def test_an_overlapping_start_is_refused(self, world: World) -> None:
        end(world, start(world, when=at(9)), at(12))
        response = world.client_for(world.alice).post(
            "/patrols/start/", {"neighbourhood": world.a1.pk, "mode": "foot", "started_at": local(at(11))}
        )
        assert response.status_code == 400
        assert "overlaps your patrol" in response.content.decode()
        assert Patrol.objects.count() == 1

    @pytest.mark.parametrize(
        ("arrived", "left", "message"),
        [
            ((10, 0), (9, 50), "before the time you arrived"),
            ((8, 0), (8, 10), "cannot begin before it"),
            ((10, 0), None, "Enter the date and time"),
        ],
    )
    def test_a_bad_visit_is_refused_with_the_message_and_nothing_stored(
        self, world: World, arrived: tuple[int, int], left: tuple[int, int] | None, message: str
    ) -> None:
        patrol = start(world)
        data = {"lat": "52.205", "lng": "0.119", "arrived_at": local(at(*arrived))}
        if left is not None:
            data["left_at"] = local(at(*left))
        response = world.client_for(world.alice).post(f"/patrols/{patrol.pk}/visits/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not PatrolVisit.objects.exists()

    def test_a_bad_end_is_refused(self, world: World) -> None:
        patrol = start(world)
        client = world.client_for(world.alice)
        for data, message in (
            ({"version": 1, "ended_at": local(at(8))}, "before the start"),
            ({"version": 1, "trace": "not json"}, "not readable"),
            ({"version": 1, "trace": '[[48.0, 0.1, "2020-01-01T10:00:00+00:00"]]'}, "outside the UK"),
            ({"version": 7}, "after you opened it"),
        ):
            response = client.post(f"/patrols/{patrol.pk}/end/", data)
            assert response.status_code == 400
            assert message in response.content.decode()
        patrol.refresh_from_db()
        assert patrol.is_open

    def test_notes(self, world: World) -> None:
        patrol = start(world)
        client = world.client_for(world.alice)
        assert client.post(f"/patrols/{patrol.pk}/notes/", {"notes": "Quiet shift"}).status_code == 400
        assert client.post(f"/patrols/{patrol.pk}/notes/", {"notes": "Quiet shift", "version": 1}).status_code == 302
        patrol.refresh_from_db()
        assert patrol.notes == "Quiet shift"

    def test_my_patrols_cost_the_same_queries_for_one_or_many(
        self, world: World, django_assert_num_queries: Any
    ) -> None:
        client = world.client_for(world.alice)
        end(
            world,
            start(world, when=at(9, on=timezone.localdate() - dt.timedelta(days=30))),
            at(10, on=timezone.localdate() - dt.timedelta(days=30)),
        )
        client.get("/patrols/")  # warm the session and content types
        with django_assert_num_queries(18) as one:
            client.get("/patrols/")
        for n in range(1, 12):
            on = timezone.localdate() - dt.timedelta(days=30 - n)
            end(world, start(world, when=at(9, on=on), colleagues=(world.bob,)), at(10, on=on))
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get("/patrols/")
        assert response.status_code == 200


class TestPlans:
    def test_a_supervisor_makes_a_plan_and_sees_its_dosage(self, world: World) -> None:
        client = world.client_for(world.bob)
        response = client.post("/patrols/plans/", plan_form(world))
        p = HotspotPlan.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/patrols/plans/{p.pk}/"
        market, bus = targets_of(p)
        assert (market.visits_per_day, bus.visits_per_day, bus.min_minutes) == (3, 3, 10)  # defaults for row 2
        assert events(EventType.HOTSPOT_PLAN_CREATED) == 1
        patrol = start(world, when=at(9, on=p.starts_on - dt.timedelta(days=2)))
        end(world, patrol, at(10, on=p.starts_on - dt.timedelta(days=2)))
        page = client.get(f"/patrols/plans/{p.pk}/").content.decode()
        assert "Market square" in page and 'data-testid="dosage"' in page
        assert "No visits to these places yet." in page
        assert "Market evenings" in client.get("/patrols/plans/").content.decode()

    def test_the_dosage_table_and_people(self, world: World) -> None:
        p = plan(world)
        market, _bus = targets_of(p)
        patrol = start(world)
        visit(world, patrol, at(10), 12, place=market)
        visit(world, patrol, at(11), 4, place=market)
        end(world, patrol)
        client = world.client_for(world.bob)
        page = client.get(f"/patrols/plans/{p.pk}/?on={at(10).date().isoformat()}").content.decode()
        row = page.split(f'data-testid="dose-{market.pk}"')[1].split("</tr>")[0]
        assert [cell.split(">")[-1] for cell in row.split("</td>")[2:6]] == ["3", "1", "1", "12"]
        assert "Alice" in page.split('data-testid="by-person"')[1]
        assert "City Centre: 8.0 hours" in page

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"t1-min_minutes": "20"}, "Place 2: The longest visit cannot be shorter"),
            ({"t0-lat": "52.922", "t0-lng": "-1.476"}, "Place 1: The place is outside Cambridgeshire"),
            ({"t0-lat": None, "t0-lng": None}, "Enter the latitude and longitude"),
            (
                {"t0-label": None, "t0-lat": None, "t0-lng": None, "t1-label": None, "t1-lat": None, "t1-lng": None},
                "Add at least one place",
            ),
            ({"ends_on": "2000-01-01"}, "cannot end before it starts"),
            ({"name": ""}, "Name the plan"),
            ({"neighbourhood": "B1"}, "Choose the neighbourhood"),
            ({"t0-visits_per_day": "lots"}, "Enter a whole number"),
        ],
    )
    def test_a_bad_plan_is_refused_with_the_message_and_nothing_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        if overrides.get("neighbourhood") == "B1":
            overrides = {"neighbourhood": world.b1.pk}
        before = AuditEvent.objects.count()
        response = world.client_for(world.bob).post("/patrols/plans/", plan_form(world, **overrides))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not HotspotPlan.objects.exists() and not HotspotTarget.objects.exists()
        assert AuditEvent.objects.count() == before

    def test_ending_a_plan(self, world: World) -> None:
        p = plan(world)
        client = world.client_for(world.bob)
        assert client.post(f"/patrols/plans/{p.pk}/end/").status_code == 302
        p.refresh_from_db()
        assert p.status == "ended"
        again = client.post(f"/patrols/plans/{p.pk}/end/", follow=True)
        assert "already ended" in again.content.decode()
        assert events(EventType.HOTSPOT_PLAN_ENDED) == 1

    def test_the_plan_pages_cost_the_same_queries_for_one_or_many(
        self, world: World, django_assert_num_queries: Any
    ) -> None:
        client = world.client_for(world.bob)
        p = plan(world)
        market, bus = targets_of(p)
        first = start(world, when=at(8))
        visit(world, first, at(8, 10), 12, place=market)
        client.get("/patrols/plans/")  # warm the session and content types
        with django_assert_num_queries(15) as plans_page:
            client.get("/patrols/plans/")
        with django_assert_num_queries(17) as detail_page:
            client.get(f"/patrols/plans/{p.pk}/")
        for n in range(8):
            visit(world, first, at(9 + n), 11, place=bus if n % 2 else market)
        end(world, first)
        charlie = start(world, "charlie", neighbourhood=world.a2, when=at(17, 30))
        visit(world, charlie, at(17, 40), 11, lat=market.lat, lng=market.lng, who="charlie")
        plan(world, neighbourhood=world.a2)
        with django_assert_num_queries(len(plans_page.captured_queries)):
            assert client.get("/patrols/plans/").status_code == 200
        with django_assert_num_queries(len(detail_page.captured_queries)):
            assert client.get(f"/patrols/plans/{p.pk}/").status_code == 200


class TestHome:
    def test_todays_hot_spot_plan_shows_to_those_who_patrol_there(self, world: World) -> None:
        now = timezone.now()
        if now - start_of(timezone.localdate()) < dt.timedelta(minutes=30):
            pytest.skip("too close to midnight for a visit today")
        p = plan(world)
        market, _bus = targets_of(p)
        patrol = start(world, when=now - dt.timedelta(minutes=25))
        visit(world, patrol, now - dt.timedelta(minutes=20), 12, place=market)
        home = world.client_for(world.alice).get("/").content.decode()
        assert "Today&#x27;s hot-spot plan" in home or "Today's hot-spot plan" in home
        assert "Market square: 1 of 3 visits" in home
        assert "Bus station: 0 of 2 visits" in home
        assert 'data-testid="hotspots"' not in world.client_for(world.charlie).get("/").content.decode()
        assert 'data-testid="hotspots"' in world.client_for(world.bob).get("/").content.decode()

    def test_the_menu_has_patrols(self, world: World) -> None:
        assert 'href="/patrols/"' in world.client_for(world.dee).get("/").content.decode()
