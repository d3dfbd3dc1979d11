"""The patrol map on the patrol page: the page carries the map (its neighbourhood's boundary, and
the address of its layer), and the layer (`map.geojson`) gives the trace, the visits and the hot
spots, to whoever sees the patrol, exactly as the API's `GET /api/v1/patrols/{id}/map` does."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.core.testing import World
from beatbook.patrols.models import HotspotPlan, HotspotPlanStatus, Patrol
from beatbook.patrols.services import TargetData

from .helpers import at, end, plan, start, targets_of, visit


@pytest.fixture
def mapped(world: World) -> dict[str, Any]:
    """Alice's ended patrol in A1 with a trace and two visits (one at the market); A1's plan with
    two places, and A2's plan with one."""
    market, bus = targets_of(plan(world))
    plan(world, neighbourhood=world.a2, targets=[TargetData(label="Cherry Hinton Hall", lat=52.185, lng=0.17)])
    patrol = start(world)
    visit(world, patrol, at(10), 12, place=market)
    visit(world, patrol, at(11), 5, lat=52.206, lng=0.12)
    trace = [[52.205, 0.119, at(9, 30).isoformat()], [52.206, 0.12, at(10, 30).isoformat()],
             [52.207, 0.121, at(11, 30).isoformat()]]  # fmt: skip
    end(world, patrol, at(12), trace=trace)
    return {"patrol": patrol, "market": market, "bus": bus}


def _layer(client: Client, patrol: Patrol) -> dict[str, Any]:
    response = client.get(f"/patrols/{patrol.pk}/map.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    layer: dict[str, Any] = json.loads(response.content)
    return layer


def _by_kind(layer: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for feature in layer["features"]:
        assert feature["type"] == "Feature"
        found.setdefault(feature["properties"]["kind"], []).append(feature)
    return found


class TestPatrolMapLayer:
    def test_it_has_the_trace_the_visits_and_the_hot_spots(self, world: World, mapped: dict[str, Any]) -> None:
        market, bus = mapped["market"], mapped["bus"]
        layer = _layer(world.client_for(world.alice), mapped["patrol"])
        assert layer["type"] == "FeatureCollection"
        kinds = _by_kind(layer)
        (line,) = kinds["trace"]
        assert line["geometry"] == {
            "type": "LineString",
            "coordinates": [[0.119, 52.205], [0.12, 52.206], [0.121, 52.207]],  # [lng, lat], as GeoJSON orders them
        }
        assert line["properties"] == {"kind": "trace", "points": 3}
        at_market, at_gates = kinds["visit"]
        assert at_market["geometry"] == {"type": "Point", "coordinates": [market.lng, market.lat]}
        assert at_market["properties"]["label"] == "Market square" and at_market["properties"]["target"] == market.pk
        assert at_market["properties"]["dwell_minutes"] == 12.0 and at_gates["properties"]["dwell_minutes"] == 5.0
        assert dt.datetime.fromisoformat(at_gates["properties"]["arrived_at"]) == at(11)
        targets = {f["properties"]["id"]: f for f in kinds["target"]}
        assert set(targets) == {market.pk, bus.pk}  # A1's plan only
        assert targets[bus.pk]["geometry"]["coordinates"] == [bus.lng, bus.lat]
        assert targets[bus.pk]["properties"]["radius_m"] == bus.radius_m
        assert targets[bus.pk]["properties"]["plan_name"] == "City centre evenings"

    def test_it_leaves_out_ended_plans_and_a_trace_of_one_point(self, world: World) -> None:
        plan(world)
        HotspotPlan.objects.update(status=HotspotPlanStatus.ENDED, ended_at=timezone.now())
        patrol = start(world)
        end(world, patrol, at(12), trace=[[52.205, 0.119, at(9, 30).isoformat()]])
        assert _layer(world.client_for(world.alice), patrol)["features"] == []

    def test_it_is_the_apis_map(self, world: World, mapped: dict[str, Any]) -> None:
        client = world.client_for(world.bob)
        patrol = mapped["patrol"]
        api = client.get(f"/api/v1/patrols/{patrol.pk}/map")
        assert api.status_code == 200
        assert _layer(client, patrol) == json.loads(api.content)

    def test_readers_see_it_and_outsiders_get_404(self, world: World, mapped: dict[str, Any]) -> None:
        patrol = mapped["patrol"]
        for persona in (world.bob, world.dee, world.fay):
            assert len(_layer(world.client_for(persona), patrol)["features"]) == 5  # a trace, two visits, two places
        for persona in (world.charlie, world.hal, world.gus):
            assert world.client_for(persona).get(f"/patrols/{patrol.pk}/map.geojson").status_code == 404
        assert world.client_for(world.alice).get("/patrols/999999/map.geojson").status_code == 404

    def test_anonymous_is_sent_to_log_in_and_other_methods_are_405(self, world: World) -> None:
        patrol = start(world)
        response = Client().get(f"/patrols/{patrol.pk}/map.geojson")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert world.client_for(world.alice).post(f"/patrols/{patrol.pk}/map.geojson").status_code == 405


class TestPatrolPage:
    def test_it_shows_the_map_of_the_patrol(self, world: World, mapped: dict[str, Any]) -> None:
        patrol = mapped["patrol"]
        response = world.client_for(world.alice).get(f"/patrols/{patrol.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="patrol-map"' in page and f'data-overlay="/patrols/{patrol.pk}/map.geojson"' in page
        assert 'data-geojson="patrol-boundary"' in page and "leaflet.js" in page
        boundary = response.context["boundaries"]
        assert [f["id"] for f in boundary["features"]] == [world.a1.pk]
        assert boundary["features"][0]["geometry"] == world.a1.boundary
        assert 'id="patrol-boundary" type="application/json"' in page
