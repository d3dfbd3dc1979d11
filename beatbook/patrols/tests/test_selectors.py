"""Reads: who sees which patrols, and the dosage and visibility numbers on hand-made data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beatbook.core.testing import World
from beatbook.org.models import Neighbourhood
from beatbook.patrols import selectors, services

from .helpers import METRES_LAT, at, day, end, plan, start, targets_of, visit


class TestVisibility:
    def test_patrols_are_seen_in_scope_by_the_patroller_and_by_named_colleagues(self, world: World) -> None:
        patrol = start(world)
        assert patrol in selectors.patrols_visible_to(world.alice)
        assert patrol in selectors.patrols_visible_to(world.bob)
        assert patrol in selectors.patrols_visible_to(world.dee)
        for outsider in (world.charlie, world.hal, world.gus):
            assert patrol not in selectors.patrols_visible_to(outsider)
        with_charlie = start(world, "bob", neighbourhood=world.a1, colleagues=(world.charlie,))
        assert with_charlie in selectors.patrols_visible_to(world.charlie)

    def test_plans_are_seen_in_scope(self, world: World) -> None:
        p = plan(world)
        assert p in selectors.plans_visible_to(world.alice)
        assert p not in selectors.plans_visible_to(world.charlie)
        assert p not in selectors.plans_visible_to(world.hal)
        assert p in selectors.plans_for_planner(world.bob)
        assert not selectors.plans_for_planner(world.alice).exists()


@pytest.fixture
def dosed(world: World) -> dict[str, Any]:
    """A plan (Market square 3 a day, Bus station 2 a day, both 10-15 minutes, 50 m) and, on
    `day()`: Alice's visits (12 min at the market by name, 10 min 30 m away, 5 min by name,
    one 80 m from the bus station, 20 min at the bus station), Charlie's 15 minutes at the
    market, and a visit on the day before that must not count."""
    p = plan(world)
    market, bus = targets_of(p)
    earlier = start(world, when=at(9, on=day() - dt.timedelta(days=1)))  # first: an open patrol blocks later ones
    visit(world, earlier, at(10, on=day() - dt.timedelta(days=1)), 15, place=market)
    end(world, earlier, at(11, on=day() - dt.timedelta(days=1)))
    alice = start(world)
    visit(world, alice, at(9, 30), 12, place=market)
    visit(world, alice, at(10, 0), 10, lat=market.lat + 30 * METRES_LAT, lng=market.lng)
    visit(world, alice, at(11, 0), 5, place=market)
    visit(world, alice, at(12, 0), 25, lat=bus.lat + 80 * METRES_LAT, lng=bus.lng)
    visit(world, alice, at(13, 0), 20, place=bus)
    end(world, alice)
    charlie = start(world, "charlie", neighbourhood=world.a2, when=at(14))
    visit(world, charlie, at(14, 30), 15, lat=market.lat, lng=market.lng, who="charlie")
    end(world, charlie, at(16), who="charlie")
    return {"plan": p, "market": market, "bus": bus}


class TestDosage:
    def test_planned_and_delivered_per_target(self, dosed: dict[str, Any], django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(2):
            doses = selectors.plan_dosage(dosed["plan"], day())
        by_label = {d.target.label: (d.planned, d.delivered, d.short, round(d.minutes)) for d in doses}
        assert by_label == {
            "Market square": (3, 3, 1, 37),  # 12 + 10 (by proximity) + 15 (Charlie); the 5 is short
            "Bus station": (2, 1, 0, 20),  # the visit 80 m away is outside the 50 m radius
        }
        assert [d.met for d in doses] == [True, False]

    def test_nothing_is_planned_outside_the_plans_dates_or_once_it_ended(
        self, world: World, dosed: dict[str, Any]
    ) -> None:
        p = dosed["plan"]
        before = p.starts_on - dt.timedelta(days=1)
        assert [d.planned for d in selectors.plan_dosage(p, before)] == [0, 0]
        services.hotspot_plan_end(actor=world.bob, plan=p)
        p.refresh_from_db()
        doses = selectors.plan_dosage(p, day())
        assert [(d.planned, d.delivered) for d in doses] == [(0, 3), (0, 1)]

    def test_per_person_and_place(self, world: World, dosed: dict[str, Any], django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(2):
            rows = selectors.person_dosage(dosed["plan"], day() - dt.timedelta(days=1), day())
        got = [(r.person.username, r.target.label, r.delivered, r.short, round(r.minutes)) for r in rows]
        assert got == [
            ("alice", "Market square", 3, 1, 37),  # 12 + 10 today, 15 the day before
            ("alice", "Bus station", 1, 0, 20),
            ("charlie", "Market square", 1, 0, 15),
        ]

    def test_the_query_count_does_not_grow_with_visits(
        self, world: World, dosed: dict[str, Any], django_assert_num_queries: Any
    ) -> None:
        patrol = start(world, "bob", when=at(17, 30))
        for n in range(10):
            visit(world, patrol, at(18, 2 * n), 1, place=dosed["market"], who="bob")
        with django_assert_num_queries(2):
            selectors.plan_dosage(dosed["plan"], day())

    def test_todays_plans_for_those_who_patrol_the_area(self, world: World, django_assert_num_queries: Any) -> None:
        p = plan(world)
        with django_assert_num_queries(3):
            today = selectors.todays_plans(world.alice)
        assert [(t.plan, [d.planned for d in t.doses]) for t in today] == [(p, [3, 2])]
        assert selectors.todays_plans(world.charlie) == []
        assert selectors.todays_plans(world.dee) == []


class TestVisibilityHours:
    def test_hours_per_neighbourhood_clipped_to_the_dates(self, world: World, django_assert_num_queries: Any) -> None:
        end(world, start(world, when=at(9)), at(17))  # 8 hours in A1
        end(world, start(world, "charlie", neighbourhood=world.a2, when=at(10)), at(12), who="charlie")
        night = start(world, "bob", when=at(22, on=day() - dt.timedelta(days=1)))  # 2 of its 4 hours fall on day()
        end(world, night, at(2), who="bob")
        areas = Neighbourhood.objects.filter(pk__in=[world.a1.pk, world.a2.pk, world.b1.pk])
        with django_assert_num_queries(2):
            rows = selectors.visibility_hours(areas, day(), day())
        assert {r.neighbourhood.code: r.hours for r in rows} == {"CC01": 10.0, "CH02": 2.0, "DC01": 0.0}
        two_days = selectors.visibility_hours(areas, day() - dt.timedelta(days=1), day())
        assert {r.neighbourhood.code: r.hours for r in two_days}["CC01"] == 12.0

    def test_a_patrol_under_way_counts_until_now(self, world: World) -> None:
        start(world, when=timezone.now() - dt.timedelta(hours=1))
        today = timezone.localdate()
        (row,) = selectors.visibility_hours(
            Neighbourhood.objects.filter(pk=world.a1.pk), today - dt.timedelta(days=1), today
        )
        assert row.hours == pytest.approx(1.0, abs=0.02)
