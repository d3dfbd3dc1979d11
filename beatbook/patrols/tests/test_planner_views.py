"""The hot-spot planner's pages: who reaches them, what they show, what they store, what they refuse."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents.reference import Category
from beatbook.incidents.tests.factories import A1_CENTRE, create, moved
from beatbook.patrols import planner
from beatbook.patrols.models import HotspotPlan, HotspotTarget, PlannerSettings
from beatbook.patrols.selectors import start_of

from .helpers import plan

PLANNER = "/patrols/planner/"
PLAN = "/patrols/planner/plan/"
SETTINGS = "/patrols/planner/settings/"


def events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def hot_spots(world: World) -> None:
    """Five incidents at the market square on Friday evenings, two near the station, one elsewhere
    (all in A1, in the last two weeks)."""
    today = timezone.localdate()
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
    for k in range(5):
        create(world.alice, lat=52.205, lng=0.119, occurred_at=start_of(friday) + dt.timedelta(hours=21, minutes=k))
    for k in range(2):
        near = moved((52.208, 0.125), east_m=5 * k)
        create(world.alice, lat=near[0], lng=near[1], occurred_at=start_of(friday) + dt.timedelta(hours=14))
    far = moved(A1_CENTRE, north_m=-700)
    create(world.alice, lat=far[0], lng=far[1], occurred_at=start_of(friday) + dt.timedelta(hours=3))


def query(world: World, **overrides: Any) -> dict[str, Any]:
    return {"neighbourhood": world.a1.pk, "weeks": 2, "cell_m": 100} | overrides


def proposal_form(world: World, page: str) -> dict[str, Any]:
    """The plan form as the planner page filled it (what a supervisor accepting it unchanged sends)."""
    form = page[page.index('data-testid="planner-plan"') :]
    form = form[: form.index("</form>")]
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or 'type="checkbox"' in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    return data


class TestAccess:
    @pytest.mark.parametrize("url", [PLANNER, SETTINGS, "/patrols/plans/1/evaluation/"])
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        response = Client().post(PLAN, {})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_outsiders_get_404_for_a_plans_evaluation(self, world: World) -> None:
        p = plan(world)
        for persona in (world.charlie, world.hal, world.gus):
            assert world.client_for(persona).get(f"/patrols/plans/{p.pk}/evaluation/").status_code == 404
        assert world.client_for(world.bob).get("/patrols/plans/999999/evaluation/").status_code == 404

    def test_those_who_plan_no_patrols_get_403(self, world: World) -> None:
        p = plan(world)
        hot_spots(world)
        for persona in (world.alice, world.dee, world.erin, world.hal):
            client = world.client_for(persona)
            assert client.get(PLANNER).status_code == 403
            assert client.get(PLANNER, query(world)).status_code == 403
            assert client.post(PLAN, query(world) | {"name": "x"}).status_code == 403
        for persona in (world.alice, world.dee, world.fay):  # they see the plan, but plan nothing
            assert world.client_for(persona).get(f"/patrols/plans/{p.pk}/evaluation/").status_code == 403
        assert HotspotPlan.objects.count() == 1

    def test_only_force_administrators_reach_the_settings(self, world: World) -> None:
        for persona in (world.alice, world.bob, world.dee, world.fay, world.gus):
            client = world.client_for(persona)
            assert client.get(SETTINGS).status_code == 403
            assert client.post(SETTINGS, {"weeks": 4}).status_code == 403
        assert world.client_for(world.erin).get(SETTINGS).status_code == 200
        assert not PlannerSettings.objects.exists()

    def test_wrong_methods_are_405(self, world: World) -> None:
        p = plan(world)
        client = world.client_for(world.bob)
        assert client.post(PLANNER).status_code == 405
        assert client.get(PLAN).status_code == 405
        assert client.post(f"/patrols/plans/{p.pk}/evaluation/").status_code == 405
        assert world.client_for(world.erin).delete(SETTINGS).status_code == 405


class TestPlanner:
    def test_the_first_visit_shows_the_form_with_the_forces_defaults(self, world: World) -> None:
        page = world.client_for(world.bob).get(PLANNER).content.decode()
        assert "Show the hot spots" in page and 'value="12"' in page and 'value="100"' in page
        assert "City Centre (Cambridgeshire Constabulary)" in page
        assert "Cherry Hinton" in page and "Derby" not in page
        assert 'data-testid="planner-plan"' not in page  # nothing to propose before a neighbourhood is chosen

    def test_the_cells_their_peaks_and_the_proposal(self, world: World) -> None:
        hot_spots(world)
        response = world.client_for(world.bob).get(PLANNER, query(world))
        assert response.status_code == 200
        page = response.content.decode()
        assert "8 incidents from" in page and "squares of 100 metres" in page
        table = page[page.index('data-testid="planner-cells"') :]
        assert "Fri" in table and "21:00\u201322:00" in table
        match = re.search(r'<script id="planner-map-data" type="application/json">(.*?)</script>', page, re.S)
        assert match is not None
        features = json.loads(match.group(1))["features"]
        assert features[0]["geometry"]["type"] == "Polygon" and "shade" not in features[0]["properties"]  # boundary
        cells = [f for f in features if "shade" in f["properties"]]
        assert sum(f["properties"]["count"] for f in cells) == 8 and cells[0]["properties"]["shade"] == 1.0
        data = proposal_form(world, page)
        assert data["t0-visits_per_day"] == "3" and data["t0-min_minutes"] == "10" and data["t0-max_minutes"] == "15"
        assert data["t0-label"].startswith("TL ") and "busiest Fri" in data["t0-label"]
        assert data["t0-radius_m"] == "71" and data["weeks"] == "2" and data["cell_m"] == "100"
        assert page.count('data-testid="proposal-row"') == len(cells) + 2  # three places, two rows of one's own
        assert page.count("Leave this place out") == len(cells)

    def test_a_supervisor_builds_a_plan_from_the_proposal(self, world: World) -> None:
        hot_spots(world)
        client = world.client_for(world.bob)
        data = proposal_form(world, client.get(PLANNER, query(world)).content.decode())
        data |= {"t1-leave_out": "on", "t3-label": "Park gates", "t3-lat": "52.201", "t3-lng": "0.115"}
        before = AuditEvent.objects.count()
        response = client.post(PLAN, data)
        made = HotspotPlan.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/patrols/plans/{made.pk}/"
        labels = list(made.targets.order_by("id").values_list("label", flat=True))
        assert len(labels) == 3 and "busiest Fri" in labels[0] and labels[-1] == "Park gates"
        first = made.targets.order_by("id").first()
        assert first is not None and (first.visits_per_day, first.min_minutes, first.max_minutes) == (3, 10, 15)
        assert made.neighbourhood == world.a1 and made.created_by == world.bob
        event = AuditEvent.objects.get(event_type=EventType.HOTSPOT_PLAN_CREATED)
        assert (
            event.reason.startswith("From the hot-spot planner: 2 weeks of incidents") and "100 m cells" in event.reason
        )
        assert AuditEvent.objects.count() == before + 1
        detail = client.get(response["Location"]).content.decode()
        assert "Park gates" in detail and f"/patrols/plans/{made.pk}/evaluation/" in detail

    def test_a_neighbourhood_without_incidents_has_nothing_to_propose(self, world: World) -> None:
        page = world.client_for(world.bob).get(PLANNER, query(world, neighbourhood=world.a2.pk)).content.decode()
        assert 'data-testid="no-proposal"' in page and "0 incidents from" in page

    def test_empty_weeks_and_cell_size_are_the_forces_settings(self, world: World) -> None:
        PlannerSettings.objects.create(force=world.force_a, cell_m=250, weeks=3)
        page = world.client_for(world.bob).get(PLANNER, query(world, weeks="", cell_m="")).content.decode()
        assert "squares of 250 metres" in page
        assert f"from {(timezone.localdate() - dt.timedelta(days=20)):%-d %b %Y}" in page

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"cell_m": 20}, "Give a cell size of 50 to 500 metres."),
            ({"cell_m": 5000}, "Give a cell size of 50 to 500 metres."),
            ({"weeks": 0}, "Give 1 to 104 weeks."),
            ({"weeks": "soon"}, "Give 1 to 104 weeks."),
            ({"neighbourhood": "B1"}, "Choose a neighbourhood where you plan patrols"),
            ({"neighbourhood": "nonsense"}, "Choose a neighbourhood where you plan patrols"),
        ],
    )
    def test_bad_questions_are_400_with_the_field_error(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        if overrides.get("neighbourhood") == "B1":
            overrides["neighbourhood"] = world.b1.pk
        response = world.client_for(world.bob).get(PLANNER, query(world, **overrides))
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and "govuk-error-summary" in page
        assert 'data-testid="planner-plan"' not in page

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"cell_m": "20"}, "Give a cell size of 50 to 500 metres."),
            ({"weeks": "0"}, "Give 1 to 104 weeks."),
            ({"neighbourhood": "B1"}, "Choose a neighbourhood where you plan patrols"),
            ({"name": ""}, "Name the plan"),
            ({"ends_on": "2000-01-01"}, "The plan cannot end before it starts."),
            ({"t0-lat": "52.922", "t0-lng": "-1.476"}, "The place is outside Cambridgeshire Constabulary."),
            ({"t0-radius_m": "5000"}, "Give a radius of 1 to 1000 metres."),
            ({"t0-lat": ""}, "Enter the latitude and longitude"),
        ],
    )
    def test_bad_plans_are_400_and_nothing_is_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        hot_spots(world)
        client = world.client_for(world.bob)
        data = proposal_form(world, client.get(PLANNER, query(world)).content.decode())
        if overrides.get("neighbourhood") == "B1":
            overrides["neighbourhood"] = str(world.b1.pk)
        before = AuditEvent.objects.count()
        response = client.post(PLAN, data | overrides)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not HotspotPlan.objects.exists() and not HotspotTarget.objects.exists()
        assert AuditEvent.objects.count() == before

    def test_a_proposal_with_every_place_left_out_is_refused(self, world: World) -> None:
        hot_spots(world)
        client = world.client_for(world.bob)
        data = proposal_form(world, client.get(PLANNER, query(world)).content.decode())
        data |= {f"t{n}-leave_out": "on" for n in range(planner.PROPOSED_TARGETS)}
        response = client.post(PLAN, data)
        assert response.status_code == 400 and "Add at least one place to visit." in response.content.decode()
        assert not HotspotPlan.objects.exists()

    def test_the_page_costs_a_fixed_number_of_queries(self, world: World, django_assert_num_queries: Any) -> None:
        hot_spots(world)
        client = world.client_for(world.bob)
        client.get(PLANNER, query(world))  # the session is warm
        with django_assert_num_queries(16):
            assert client.get(PLANNER, query(world)).status_code == 200
        for _ in range(20):  # more incidents, more cells: the same queries
            spot = moved(A1_CENTRE, north_m=300, east_m=-300)
            create(world.alice, lat=spot[0], lng=spot[1], occurred_at=timezone.now() - dt.timedelta(hours=3))
        with django_assert_num_queries(16):
            assert client.get(PLANNER, query(world)).status_code == 200


class TestEvaluation:
    def test_before_and_during_beside_the_rest(self, world: World) -> None:
        today = timezone.localdate()
        p = plan(world, starts_on=today - dt.timedelta(days=7))
        for days_ago in (9, 10):
            create(world.alice, lat=52.205, lng=0.119, occurred_at=start_of(today - dt.timedelta(days=days_ago)))
        create(world.alice, lat=52.205, lng=0.119, occurred_at=start_of(today - dt.timedelta(days=2)))
        far = moved(A1_CENTRE, north_m=-700)
        create(world.alice, lat=far[0], lng=far[1], occurred_at=start_of(today - dt.timedelta(days=2)))
        response = world.client_for(world.bob).get(f"/patrols/plans/{p.pk}/evaluation/")
        assert response.status_code == 200
        page = response.content.decode()
        places = page[page.index('data-testid="change-places"') :]
        assert re.search(r">2<.*?>1<.*?>-1<.*?>-50.0%<", places, re.S)
        rest = page[page.index('data-testid="change-rest"') :]
        assert re.search(r">0<.*?>1<.*?>\+1<.*?>n/a<", rest, re.S)
        assert "regression to the mean" in page and "7 complete days" in page

    def test_a_plan_that_has_not_run_a_day(self, world: World) -> None:
        p = plan(world, starts_on=timezone.localdate())
        page = world.client_for(world.bob).get(f"/patrols/plans/{p.pk}/evaluation/").content.decode()
        assert 'data-testid="evaluation-not-started"' in page

    def test_the_page_costs_a_fixed_number_of_queries(self, world: World, django_assert_num_queries: Any) -> None:
        p = plan(world, starts_on=timezone.localdate() - dt.timedelta(days=7))
        client = world.client_for(world.bob)
        client.get(f"/patrols/plans/{p.pk}/evaluation/")
        with django_assert_num_queries(14):
            assert client.get(f"/patrols/plans/{p.pk}/evaluation/").status_code == 200
        for k in range(10):
            create(world.alice, lat=52.205, lng=0.119, occurred_at=timezone.now() - dt.timedelta(days=1, hours=k))
        with django_assert_num_queries(14):
            assert client.get(f"/patrols/plans/{p.pk}/evaluation/").status_code == 200


class TestSettings:
    def _form(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"cell_m": "150", "weeks": "8"}
        data |= {f"weight_{slug.replace('-', '_')}": "1" for slug in Category.values}
        data |= {"weight_violent_crime": "3"}
        return data | overrides

    def test_a_force_administrator_saves_them_with_an_audit_event(self, world: World) -> None:
        client = world.client_for(world.erin)
        page = client.get(SETTINGS).content.decode()
        assert "Weight of each category" in page and "Anti-social behaviour" in page
        response = client.post(SETTINGS, self._form())
        assert response.status_code == 302 and response["Location"] == f"{SETTINGS}?force=cambridgeshire"
        row = PlannerSettings.objects.get(force=world.force_a)
        assert (row.cell_m, row.weeks, row.weights()["violent-crime"]) == (150, 8, 3.0)
        assert events(EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED) == 1
        assert 'value="150"' in client.get(SETTINGS).content.decode()

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"cell_m": "20"}, "Give a cell size of 50 to 500 metres."),
            ({"weeks": "0"}, "Give 1 to 104 weeks."),
            ({"weight_burglary": "-1"}, "Give a weight from 0 to 10."),
            ({"weight_burglary": ""}, "Give a weight from 0 to 10."),
        ],
    )
    def test_bad_settings_are_400_and_nothing_is_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        response = world.client_for(world.erin).post(SETTINGS, self._form(**overrides))
        assert response.status_code == 400 and message in response.content.decode()
        assert not PlannerSettings.objects.exists()
        assert events(EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED) == 0

    def test_an_administrator_of_another_force_sets_their_own(self, world: World) -> None:
        response = world.client_for(world.ivy).post(f"{SETTINGS}?force=cambridgeshire", self._form())
        assert response.status_code == 302 and response["Location"].endswith("?force=derbyshire")
        assert list(PlannerSettings.objects.values_list("force__slug", flat=True)) == ["derbyshire"]
