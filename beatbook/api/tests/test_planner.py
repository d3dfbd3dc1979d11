"""The hot-spot planner through the API: cells as GeoJSON, the proposal, a plan made from it, a
plan's evaluation, and a force's planner settings; who may call each, and what is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents.reference import Category
from beatbook.incidents.tests.factories import A1_CENTRE, create, moved
from beatbook.patrols.models import HotspotPlan, PlannerSettings
from beatbook.patrols.selectors import start_of
from beatbook.patrols.tests.helpers import plan

from .helpers import Api, assert_error, data


def snapshot(value: Any) -> dict[str, Any]:
    """An audit event's `before` or `after` (JSON), as the dict it is here."""
    assert isinstance(value, dict)
    return value


def hot_spots(world: World) -> None:
    """Four incidents at the market square on an evening, one near the bus station (A1, last week)."""
    evening = start_of(timezone.localdate() - dt.timedelta(days=3)) + dt.timedelta(hours=20)
    for k in range(4):
        create(world.alice, lat=52.205, lng=0.119, occurred_at=evening + dt.timedelta(minutes=k))
    create(world.alice, lat=52.208, lng=0.125, occurred_at=evening - dt.timedelta(hours=6))


def cells_query(world: World, **overrides: Any) -> dict[str, Any]:
    return {"neighbourhood": world.a1.pk, "weeks": 2, "cell_m": 100} | overrides


def plan_body(world: World, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "name": "Market evenings",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=27)).isoformat(),
        "weeks": 2,
        "cell_m": 100,
        "targets": [{"label": "TL 448 584", "lat": 52.205246, "lng": 0.118308, "radius_m": 71}],
    }
    return body | overrides


class TestCells:
    def test_a_supervisor_gets_the_cells_as_geojson(self, world: World, api: Api) -> None:
        hot_spots(world)
        body = data(api.get("/planner/cells", as_=world.bob, query=cells_query(world)))
        assert body["type"] == "FeatureCollection" and body["neighbourhood"]["id"] == world.a1.pk
        assert (body["weeks"], body["cell_m"], body["incidents"], body["cells"]) == (2, 100, 5, 2)
        assert body["truncated"] is False
        assert body["date_to"] == timezone.localdate().isoformat()
        first = body["features"][0]
        assert first["geometry"]["type"] == "Polygon" and len(first["geometry"]["coordinates"][0]) == 5
        props = first["properties"]
        assert (props["rank"], props["count"], props["score"], props["shade"]) == (1, 4, 4.0, 1.0)
        assert props["peak_hours"] == [20] and props["grid_reference"].startswith("TL ")
        assert sum(f["properties"]["count"] for f in body["features"]) == body["incidents"]

    def test_weeks_and_cell_size_default_to_the_forces_settings(self, world: World, api: Api) -> None:
        PlannerSettings.objects.create(force=world.force_a, cell_m=300, weeks=5)
        body = data(api.get("/planner/cells", as_=world.bob, query={"neighbourhood": world.a1.pk}))
        assert (body["weeks"], body["cell_m"]) == (5, 300)

    def test_who_may_ask(self, world: World, api: Api) -> None:
        assert_error(api.get("/planner/cells", query=cells_query(world)), 401)
        for who in ("alice", "dee", "erin"):  # they see A1 but plan no patrols there
            assert_error(api.get("/planner/cells", as_=getattr(world, who), query=cells_query(world)), 403)
        for who in ("hal", "charlie", "gus"):  # A1 is not theirs to see
            assert_error(api.get("/planner/cells", as_=getattr(world, who), query=cells_query(world)), 404)
        assert_error(api.get("/planner/cells", as_=world.bob, query=cells_query(world, neighbourhood=world.b1.pk)), 404)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [({"weeks": 0}, "weeks"), ({"weeks": 105}, "weeks"), ({"cell_m": 20}, "cell_m"), ({"cell_m": 501}, "cell_m")],
    )
    def test_out_of_range_questions_are_422(
        self, world: World, api: Api, overrides: dict[str, Any], field: str
    ) -> None:
        error = assert_error(api.get("/planner/cells", as_=world.bob, query=cells_query(world, **overrides)), 422)
        assert field in error["fields"]


class TestProposal:
    def test_the_busiest_cells_with_the_koper_dose(self, world: World, api: Api) -> None:
        hot_spots(world)
        body = data(api.get("/planner/proposal", as_=world.bob, query=cells_query(world, top=1)))
        (target,) = body["targets"]
        assert (target["visits_per_day"], target["min_minutes"], target["max_minutes"]) == (3, 10, 15)
        assert target["radius_m"] == 71 and target["cell"]["count"] == 4
        assert target["label"].startswith(target["cell"]["grid_reference"]) and "20:00" in target["label"]
        assert body["incidents"] == 5
        assert len(data(api.get("/planner/proposal", as_=world.bob, query=cells_query(world)))["targets"]) == 2

    def test_who_may_ask(self, world: World, api: Api) -> None:
        assert_error(api.get("/planner/proposal", as_=world.alice, query=cells_query(world)), 403)
        assert_error(api.get("/planner/proposal", as_=world.hal, query=cells_query(world)), 404)
        assert_error(api.get("/planner/proposal", as_=world.bob, query=cells_query(world, top=21)), 422)


class TestPlanFromProposal:
    def test_a_supervisor_makes_the_plan_and_the_trail_says_where_it_came_from(self, world: World, api: Api) -> None:
        hot_spots(world)
        proposal = data(api.get("/planner/proposal", as_=world.bob, query=cells_query(world)))
        targets = [{k: t[k] for k in ("label", "lat", "lng", "radius_m")} for t in proposal["targets"]]
        targets[1]["visits_per_day"] = 2  # edited
        response = api.post("/planner/plans", plan_body(world, targets=targets), as_=world.bob)
        assert response.status_code == 201
        body = data(response)
        made = HotspotPlan.objects.get()
        assert body["id"] == made.pk and body["status"] == "active" and body["neighbourhood"]["id"] == world.a1.pk
        assert [(t["label"], t["visits_per_day"], t["min_minutes"]) for t in body["targets"]] == [
            (targets[0]["label"], 3, 10),
            (targets[1]["label"], 2, 10),
        ]
        event = AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=EventType.HOTSPOT_PLAN_CREATED)
        assert event.reason.startswith("From the hot-spot planner: 2 weeks") and "100 m cells" in event.reason

    def test_who_may_make_one(self, world: World, api: Api) -> None:
        assert_error(api.post("/planner/plans", plan_body(world)), 401)
        assert_error(api.post("/planner/plans", plan_body(world), as_=world.alice), 403)
        assert_error(api.post("/planner/plans", plan_body(world), as_=world.hal), 404)
        assert_error(api.post("/planner/plans", plan_body(world, neighbourhood=world.b1.pk), as_=world.bob), 404)
        assert not HotspotPlan.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "status", "field"),
        [
            ({"cell_m": 20}, 422, "cell_m"),
            ({"weeks": 0}, 422, "weeks"),
            ({"name": ""}, 422, "name"),
            ({"targets": [{"label": "x", "lat": 52.205, "lng": 0.119, "spare": 1}]}, 422, "targets.0.spare"),
            ({"targets": []}, 400, "targets"),
            ({"targets": [{"label": "Derby", "lat": 52.922, "lng": -1.476}]}, 400, "targets.0.lat"),
            ({"targets": [{"label": "x", "lat": 52.205, "lng": 0.119, "radius_m": 5000}]}, 400, "targets.0.radius_m"),
            (
                {"targets": [{"label": "x", "lat": 52.205, "lng": 0.119, "min_minutes": 20}]},
                400,
                "targets.0.max_minutes",
            ),
            ({"ends_on": "2000-01-01"}, 400, "ends_on"),
        ],
    )
    def test_bad_plans_are_refused_with_the_field_and_nothing_is_stored(
        self, world: World, api: Api, overrides: dict[str, Any], status: int, field: str
    ) -> None:
        api.token_for(world.bob)  # issuing the token is audited: before counting
        before = AuditEvent.objects.count()
        error = assert_error(api.post("/planner/plans", plan_body(world, **overrides), as_=world.bob), status)
        assert field in error["fields"], error
        assert not HotspotPlan.objects.exists() and AuditEvent.objects.count() == before


class TestEvaluation:
    def test_before_and_during_beside_the_rest(self, world: World, api: Api) -> None:
        today = timezone.localdate()
        p = plan(world, starts_on=today - dt.timedelta(days=7))
        for days_ago in (9, 10, 2):
            create(world.alice, lat=52.205, lng=0.119, occurred_at=start_of(today - dt.timedelta(days=days_ago)))
        far = moved(A1_CENTRE, north_m=-700)
        create(world.alice, lat=far[0], lng=far[1], occurred_at=start_of(today - dt.timedelta(days=2)))
        body = data(api.get(f"/hotspot-plans/{p.pk}/evaluation", as_=world.bob))
        assert body["plan"] == p.pk and body["days"] == 7
        assert body["during_from"] == (today - dt.timedelta(days=7)).isoformat()
        assert body["places"] == {"before": 2, "during": 1, "difference": -1, "percent": -50.0}
        assert body["rest"] == {"before": 0, "during": 1, "difference": 1, "percent": None}
        assert body["whole"]["before"] == 2 and body["whole"]["during"] == 2
        assert [(t["label"], t["before"]) for t in body["targets"]] == [("Market square", 2), ("Bus station", 0)]

    def test_a_plan_without_a_complete_day(self, world: World, api: Api) -> None:
        p = plan(world, starts_on=timezone.localdate())
        body = data(api.get(f"/hotspot-plans/{p.pk}/evaluation", as_=world.bob))
        assert body["days"] == 0 and body["before_from"] is None and body["places"]["percent"] is None

    def test_who_may_read_it(self, world: World, api: Api) -> None:
        p = plan(world)
        assert_error(api.get(f"/hotspot-plans/{p.pk}/evaluation"), 401)
        assert_error(api.get(f"/hotspot-plans/{p.pk}/evaluation", as_=world.alice), 403)
        assert_error(api.get(f"/hotspot-plans/{p.pk}/evaluation", as_=world.hal), 404)
        assert_error(api.get("/hotspot-plans/999999/evaluation", as_=world.bob), 404)


class TestSettings:
    URL = "/forces/cambridgeshire/planner-settings"

    def test_the_defaults_until_the_force_sets_its_own(self, world: World, api: Api) -> None:
        body = data(api.get(self.URL, as_=world.bob))
        assert (body["force"], body["cell_m"], body["weeks"]) == ("cambridgeshire", 100, 12)
        assert body["category_weights"] == dict.fromkeys(Category.values, 1.0)
        assert_error(api.get(self.URL, as_=world.hal), 404)
        assert_error(api.get(self.URL), 401)

    def test_a_force_administrator_replaces_them(self, world: World, api: Api) -> None:
        PlannerSettings.objects.create(force=world.force_a, category_weights={"drugs": 5})
        body = {"cell_m": 150, "weeks": 8, "category_weights": {"violent-crime": 3, "anti-social-behaviour": 0.5}}
        response = api.call("PUT", self.URL, body=body, as_=world.erin)
        assert response.status_code == 200
        out = data(response)
        assert (out["cell_m"], out["weeks"]) == (150, 8)
        assert out["category_weights"]["violent-crime"] == 3.0 and out["category_weights"]["drugs"] == 1.0  # replaced
        event = AuditEvent.objects.get(
            request_id=response["X-Request-ID"], event_type=EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED
        )
        assert snapshot(event.before)["category_weights"]["drugs"] == 5.0 and snapshot(event.after)["cell_m"] == 150

    def test_who_may_change_them(self, world: World, api: Api) -> None:
        body = {"cell_m": 150, "weeks": 8}
        assert_error(api.call("PUT", self.URL, body=body), 401)
        for who in ("bob", "alice", "fay"):
            assert_error(api.call("PUT", self.URL, body=body, as_=getattr(world, who)), 403)
        assert_error(api.call("PUT", self.URL, body=body, as_=world.ivy), 404)
        assert not PlannerSettings.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"cell_m": 20, "weeks": 8}, "cell_m"),
            ({"cell_m": 100, "weeks": 0}, "weeks"),
            ({"weeks": 8}, "cell_m"),
            ({"cell_m": 100, "weeks": 8, "category_weights": {"burglary": 11}}, "category_weights.burglary"),
            ({"cell_m": 100, "weeks": 8, "category_weights": {"jaywalking": 1}}, "category_weights.jaywalking.[key]"),
        ],
    )
    def test_bad_settings_are_422_and_nothing_is_stored(
        self, world: World, api: Api, body: dict[str, Any], field: str
    ) -> None:
        error = assert_error(api.call("PUT", self.URL, body=body, as_=world.erin), 422)
        assert field in error["fields"], error
        assert not PlannerSettings.objects.exists()
