"""The hot-spot planner's computation: cells, weights, peak times, the proposal, the evaluation of
a plan; and its services (a force's settings, a plan from the proposal)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core import geo
from beatbook.core.testing import World
from beatbook.incidents.reference import Category
from beatbook.incidents.tests.factories import A1_CENTRE, A2_CENTRE, create, moved
from beatbook.patrols import planner, planner_services, services
from beatbook.patrols.models import HotspotPlan, PlannerSettings
from beatbook.patrols.selectors import start_of

from .helpers import plan

UTC = dt.UTC
TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
ASB = Category.ANTI_SOCIAL_BEHAVIOUR.value
VIOLENCE = Category.VIOLENT_CRIME.value


def snapshot(value: Any) -> dict[str, Any]:
    """An audit event's `before` or `after` (JSON), as the dict it is here."""
    assert isinstance(value, dict)
    return value


def centre_of_cell(lat: float, lng: float, cell_m: int, *, east: int = 0, north: int = 0) -> tuple[float, float]:
    """The centre of the cell holding (lat, lng), or of the cell `east`/`north` cells from it."""
    e, n = planner.to_grid(lat, lng)
    x = (math.floor(e / cell_m) + east + 0.5) * cell_m
    y = (math.floor(n / cell_m) + north + 0.5) * cell_m
    lng2, lat2 = TO_WGS84.transform(x, y)
    return round(lat2, 7), round(lng2, 7)


def row(lat: float, lng: float, when: dt.datetime, category: str = ASB) -> planner.Row:
    return (lat, lng, when, category)


def london(day: dt.date, hour: int) -> dt.datetime:
    return start_of(day) + dt.timedelta(hours=hour)


MONDAY = dt.date(2026, 3, 2)  # in GMT: London time is UTC


class GridTests:
    def test_incidents_in_one_cell_are_counted_together(self) -> None:
        here = centre_of_cell(*A1_CENTRE, 100)
        there = centre_of_cell(*A1_CENTRE, 100, east=3)
        rows = [row(*here, london(MONDAY, 20))] * 3 + [row(*there, london(MONDAY, 9))]
        grid = planner.grid_cells(rows, cell_m=100, weights={})
        assert grid.incidents == 4
        assert [c.incidents for c in grid.cells] == [3, 1]
        busiest = grid.cells[0]
        assert busiest.size_m == 100 and busiest.easting % 100 == 0 and busiest.northing % 100 == 0
        assert busiest.contains(*planner.to_grid(*here))
        assert grid.cells[1].easting == busiest.easting + 300

    def test_weights_order_the_cells_and_count_stays_a_count(self) -> None:
        quiet = centre_of_cell(*A1_CENTRE, 100)
        serious = centre_of_cell(*A1_CENTRE, 100, north=2)
        when = london(MONDAY, 12)
        rows = [row(*quiet, when, ASB)] * 3 + [row(*serious, when, VIOLENCE)] * 2
        plain = planner.grid_cells(rows, cell_m=100, weights={})
        assert [(c.incidents, c.score) for c in plain.cells] == [(3, 3.0), (2, 2.0)]
        weighed = planner.grid_cells(rows, cell_m=100, weights={VIOLENCE: 2.5, ASB: 0.5})
        assert [(c.incidents, c.score) for c in weighed.cells] == [(2, 5.0), (3, 1.5)]
        ignored = planner.grid_cells(rows, cell_m=100, weights={ASB: 0.0})
        assert [(c.incidents, c.score) for c in ignored.cells] == [(2, 2.0), (3, 0.0)]

    def test_ties_are_ordered_by_place(self) -> None:
        a = centre_of_cell(*A1_CENTRE, 100)
        b = centre_of_cell(*A1_CENTRE, 100, east=-1)
        grid = planner.grid_cells([row(*a, london(MONDAY, 1)), row(*b, london(MONDAY, 1))], cell_m=100, weights={})
        assert [c.easting for c in grid.cells] == sorted(c.easting for c in grid.cells)

    def test_no_incidents_no_cells(self) -> None:
        grid = planner.grid_cells([], cell_m=250, weights={})
        assert grid.incidents == 0 and grid.cells == () and planner.propose(grid) == []

    def test_many_rows_are_projected_in_chunks(self) -> None:
        here = centre_of_cell(*A1_CENTRE, 50)
        rows = [row(*here, london(MONDAY, h % 24)) for h in range(planner.CHUNK * 2 + 7)]
        grid = planner.grid_cells(iter(rows), cell_m=50, weights={})
        assert grid.incidents == len(rows) and [c.incidents for c in grid.cells] == [len(rows)]


POINTS = st.tuples(
    st.floats(min_value=A1_CENTRE[0] - 0.01, max_value=A1_CENTRE[0] + 0.01),
    st.floats(min_value=A1_CENTRE[1] - 0.01, max_value=A1_CENTRE[1] + 0.01),
)
# Hypothesis takes naive bounds and makes aware times from them with `timezones`.
TIMES = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
ROWS = st.lists(st.tuples(POINTS, TIMES, st.sampled_from(Category.values)), max_size=120)
WEIGHTS = st.dictionaries(st.sampled_from(Category.values), st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0]))


class GridPropertyTests:
    @given(rows=ROWS, cell_m=st.integers(min_value=50, max_value=500), weights=WEIGHTS)
    @settings(max_examples=60, deadline=None)
    def test_every_incident_is_in_exactly_one_cell_and_the_totals_add_up(
        self, rows: list[tuple[tuple[float, float], dt.datetime, str]], cell_m: int, weights: dict[str, float]
    ) -> None:
        flat = [row(lat, lng, when, category) for (lat, lng), when, category in rows]
        grid = planner.grid_cells(flat, cell_m=cell_m, weights=weights)
        assert grid.incidents == len(flat)
        assert sum(c.incidents for c in grid.cells) == len(flat)
        assert math.isclose(grid.score, sum(weights.get(r[3], 1.0) for r in flat), abs_tol=1e-6)
        for cell in grid.cells:
            assert cell.incidents > 0 and sum(cell.hours) == cell.incidents and sum(cell.days) == cell.incidents
            assert len(cell.hours) == 24 and len(cell.days) == 7
        for lat, lng, _when, _category in flat:
            e, n = planner.to_grid(lat, lng)
            assert sum(1 for c in grid.cells if c.contains(e, n)) == 1
        keys = [(-c.score, -c.incidents, c.easting, c.northing) for c in grid.cells]
        assert keys == sorted(keys)


class PeakTests:
    def test_peak_hours_and_days_are_the_busiest_in_london_time(self) -> None:
        here = centre_of_cell(*A1_CENTRE, 100)
        summer_friday = dt.date(2026, 7, 3)  # BST: London is UTC+1
        rows = [row(*here, london(summer_friday, 21))] * 4  # 20:00 UTC, 21:00 in London
        rows += [row(*here, london(summer_friday + dt.timedelta(days=1), h)) for h in (22, 22, 23, 23)]
        rows += [row(*here, london(MONDAY, 7))]
        (cell,) = planner.grid_cells(rows, cell_m=100, weights={}).cells
        assert cell.hours[21] == 4 and cell.hours[20] == 0
        assert cell.peak_hours == (21, 22, 23)
        assert cell.peak_days == (4, 5)  # Friday, Saturday
        assert planner.hours_text(cell.peak_hours) == "21:00\u201300:00"
        assert planner.days_text(cell.peak_days) == "Fri, Sat"

    def test_ties_go_to_the_earlier_hour_and_empty_hours_are_never_peaks(self) -> None:
        here = centre_of_cell(*A1_CENTRE, 100)
        rows = [row(*here, london(MONDAY, h)) for h in (5, 9, 17, 17)]
        (cell,) = planner.grid_cells(rows, cell_m=100, weights={}).cells
        assert cell.peak_hours == (5, 9, 17)
        (single,) = planner.grid_cells(rows[:1], cell_m=100, weights={}).cells
        assert single.peak_hours == (5,) and single.peak_days == (0,)

    @pytest.mark.parametrize(
        ("hours", "text"),
        [
            ((20, 21, 22), "20:00\u201323:00"),
            ((8, 17, 18), "08:00\u201309:00, 17:00\u201319:00"),
            ((23, 0, 1), "23:00\u201302:00"),
            ((0, 12), "00:00\u201301:00, 12:00\u201313:00"),
            ((), ""),
        ],
    )
    def test_hours_read_as_ranges(self, hours: tuple[int, ...], text: str) -> None:
        assert planner.hours_text(hours) == text


class GridReferenceTests:
    def test_a_100_metre_cell_is_named_by_its_six_figure_reference(self) -> None:
        here = centre_of_cell(*A1_CENTRE, 100)
        (cell,) = planner.grid_cells([row(*here, london(MONDAY, 1))], cell_m=100, weights={}).cells
        assert cell.grid_reference.startswith("TL ") and len(cell.grid_reference) == len("TL 448 584")
        # The reference read back is the centre of the same square.
        lat, lng = geo.parse_grid_reference(cell.grid_reference)
        assert cell.contains(*planner.to_grid(lat, lng))

    def test_other_sizes_name_their_centre_to_ten_metres(self) -> None:
        (cell,) = planner.grid_cells([row(*A1_CENTRE, london(MONDAY, 1))], cell_m=150, weights={}).cells
        assert len(cell.grid_reference) == len("TL 4489 5842")
        assert cell.contains(*planner.to_grid(*geo.parse_grid_reference(cell.grid_reference)))
        (km,) = planner.grid_cells([row(*A1_CENTRE, london(MONDAY, 1))], cell_m=1000, weights={}).cells
        assert km.grid_reference == "TL 44 58"

    def test_derby_is_in_sk_and_off_the_grid_is_plain_metres(self) -> None:
        assert planner.grid_reference(*planner.to_grid(52.922, -1.476), 3).startswith("SK ")
        assert planner.grid_reference(-5.0, 10.0, 3) == "-5E 10N"


class ProposalTests:
    def _grid(self) -> planner.Grid:
        rows: list[planner.Row] = []
        for k, count in enumerate((6, 5, 4, 3, 2, 1, 1)):
            spot = centre_of_cell(*A1_CENTRE, 100, east=2 * k)
            rows += [row(*spot, london(MONDAY + dt.timedelta(days=4), 21))] * count
        rows.append(row(*centre_of_cell(*A1_CENTRE, 100, north=5), london(MONDAY, 3), VIOLENCE))
        return planner.grid_cells(rows, cell_m=100, weights={VIOLENCE: 0.0})

    def test_the_busiest_cells_become_places_with_the_koper_dose(self) -> None:
        grid = self._grid()
        proposals = planner.propose(grid)
        assert [p.cell.incidents for p in proposals] == [6, 5, 4, 3, 2]
        first = proposals[0]
        assert (first.visits_per_day, first.min_minutes, first.max_minutes) == (3, 10, 15)
        assert first.radius_m == 71  # holds the whole 100 m square
        for corner_lng, corner_lat in first.place.ring:
            assert geo.distance_m(first.lat, first.lng, corner_lat, corner_lng) <= first.radius_m
        assert first.cell.contains(*planner.to_grid(first.lat, first.lng))
        assert first.label == f"{first.cell.grid_reference}, busiest Fri; 21:00\u201322:00"
        assert len(first.place.ring) == 5 and first.place.ring[0] == first.place.ring[-1]

    def test_cells_that_score_nothing_are_not_proposed(self) -> None:
        proposals = planner.propose(self._grid(), top=20)
        assert len(proposals) == 7 and all(p.cell.score > 0 for p in proposals)


class HotspotsTests:
    """The read: the neighbourhood's incidents of the window, through the actor's scope."""

    def test_it_counts_the_neighbourhoods_incidents_of_the_window(self, world: World) -> None:
        now = timezone.now()
        spot = centre_of_cell(*A1_CENTRE, 100)
        for hours in (1, 30, 24 * 10):
            create(world.alice, lat=spot[0], lng=spot[1], occurred_at=now - dt.timedelta(hours=hours))
        far = moved(spot, north_m=400)
        create(world.alice, lat=far[0], lng=far[1], occurred_at=now - dt.timedelta(days=3), category=VIOLENCE)
        twenty_days_ago = london(timezone.localdate() - dt.timedelta(days=20), 12)
        create(world.alice, lat=spot[0], lng=spot[1], occurred_at=twenty_days_ago)  # before 2 weeks
        create(world.charlie, lat=A2_CENTRE[0], lng=A2_CENTRE[1], occurred_at=now - dt.timedelta(days=1))

        spots = planner.hotspots(world.bob, neighbourhood=world.a1, weeks=2, cell_m=100)
        assert spots.grid.incidents == 4 == sum(c.incidents for c in spots.grid.cells)
        assert [c.incidents for c in spots.grid.cells] == [3, 1]
        assert (spots.date_from, spots.date_to) == planner.window(2, timezone.localdate())
        assert spots.date_to - spots.date_from == dt.timedelta(days=13)

        three = planner.hotspots(world.bob, neighbourhood=world.a1, weeks=3, cell_m=100)
        assert three.grid.incidents == 5

    def test_it_uses_the_forces_weights(self, world: World) -> None:
        spot = centre_of_cell(*A1_CENTRE, 100)
        create(world.alice, lat=spot[0], lng=spot[1], occurred_at=timezone.now() - dt.timedelta(hours=2))
        planner_services.planner_settings_update(
            actor=world.erin, force=world.force_a, category_weights={"public-order": 4}
        )
        spots = planner.hotspots(world.bob, neighbourhood=world.a1, weeks=1, cell_m=100)
        assert spots.grid.cells[0].score == 4.0

    def test_out_of_range_parameters_are_refused(self, world: World) -> None:
        with pytest.raises(ValidationError) as caught:
            planner.hotspots(world.bob, neighbourhood=world.a1, weeks=0, cell_m=20)
        assert set(caught.value.message_dict) == {"weeks", "cell_m"}

    def test_features_are_shaded_by_count(self, world: World) -> None:
        spot = centre_of_cell(*A1_CENTRE, 100)
        other = centre_of_cell(*A1_CENTRE, 100, east=4)
        for point in (spot, spot, other):
            create(world.alice, lat=point[0], lng=point[1], occurred_at=timezone.now() - dt.timedelta(hours=2))
        spots = planner.hotspots(world.bob, neighbourhood=world.a1, weeks=1, cell_m=100)
        features = planner.cell_features(spots)
        assert [f["properties"]["shade"] for f in features] == [1.0, 0.5]
        assert [f["properties"]["rank"] for f in features] == [1, 2]
        assert features[0]["geometry"]["type"] == "Polygon"
        assert planner.cell_features(spots, limit=1)[0]["properties"]["count"] == 2


class EvaluationTests:
    """Before and during a plan that started a week ago (7 complete days against the 7 before)."""

    def _plan(self, world: World, **kw: Any) -> HotspotPlan:
        today = timezone.localdate()
        return plan(world, starts_on=today - dt.timedelta(days=7), ends_on=today + dt.timedelta(days=20), **kw)

    def _incident(self, world: World, point: tuple[float, float], days_ago: int, hour: int = 12) -> None:
        when = london(timezone.localdate() - dt.timedelta(days=days_ago), hour)
        create(world.alice, lat=point[0], lng=point[1], occurred_at=when)

    def test_places_and_the_rest_before_and_during(self, world: World) -> None:
        p = self._plan(world)  # Market square (52.205, 0.119) and the bus station, 50 m radii
        market, bus = (52.205, 0.119), (52.208, 0.125)
        elsewhere = moved(A1_CENTRE, north_m=-600)
        for days_ago in (8, 10, 14):  # before: the 7 days before the plan
            self._incident(world, market, days_ago)
        self._incident(world, moved(bus, east_m=30), 9)
        self._incident(world, market, 3)  # during
        for days_ago in (2, 5):
            self._incident(world, elsewhere, days_ago)
        self._incident(world, elsewhere, 12)
        self._incident(world, market, 15)  # before the before-period: not counted
        self._incident(world, market, 0, hour=0)  # today: not a complete day

        result = planner.evaluate(world.bob, p)
        today = timezone.localdate()
        assert result.started and result.days == 7
        assert (result.during_from, result.during_to) == (today - dt.timedelta(days=7), today - dt.timedelta(days=1))
        assert (result.before_from, result.before_to) == (today - dt.timedelta(days=14), today - dt.timedelta(days=8))
        assert result.places == planner.Change(before=4, during=1)
        assert result.places.percent == -75.0
        assert result.rest == planner.Change(before=1, during=2)
        assert result.rest.percent == 100.0
        assert result.neighbourhood == planner.Change(before=5, during=3)
        assert [(t.label, c) for t, c in result.targets] == [
            ("Market square", planner.Change(before=3, during=1)),
            ("Bus station", planner.Change(before=1, during=0)),
        ]

    def test_an_incident_in_two_radii_counts_once_for_the_nearest(self) -> None:
        circles = [planner.Circle(52.205, 0.119, 100), planner.Circle(52.2055, 0.119, 100)]
        split = dt.datetime(2026, 3, 1, tzinfo=UTC)
        points = [(52.2054, 0.119, split), (52.2049, 0.119, split - dt.timedelta(hours=1)), (52.3, 0.119, split)]
        changes = planner.tally_places(points, circles, split=split)
        assert changes == [planner.Change(before=1, during=0), planner.Change(before=0, during=1)]

    def test_a_plan_without_a_complete_day_has_nothing_to_compare(self, world: World) -> None:
        today = timezone.localdate()
        p = plan(world, starts_on=today, ends_on=today + dt.timedelta(days=7))
        result = planner.evaluate(world.bob, p)
        assert not result.started and result.during_from is None and result.places == planner.Change()
        assert [t.label for t, _change in result.targets] == ["Market square", "Bus station"]

    def test_an_ended_plan_stops_the_day_before_it_ended(self, world: World) -> None:
        p = self._plan(world)
        services.hotspot_plan_end(actor=world.bob, plan=p)
        assert planner.evaluate(world.bob, p).days == 7  # ended today: its last complete day is yesterday
        p.ended_at = timezone.now() - dt.timedelta(days=3)  # as if it had ended three days ago
        days = planner.plan_days(p, timezone.localdate())
        assert days == (p.starts_on, timezone.localdate(p.ended_at) - dt.timedelta(days=1))

    def test_percent_is_none_without_a_before(self) -> None:
        assert planner.Change(before=0, during=3).percent is None
        assert planner.Change(before=3, during=3).percent == 0.0


class SettingsServiceTests:
    def test_a_force_without_settings_has_the_defaults(self, world: World) -> None:
        defaults = planner.settings_for(world.force_a)
        assert not PlannerSettings.objects.exists()  # an unsaved row
        assert (defaults.cell_m, defaults.weeks) == (100, 12)
        assert defaults.weights() == dict.fromkeys(Category.values, 1.0)

    def test_a_force_administrator_sets_them_with_an_audit_event(self, world: World) -> None:
        row = planner_services.planner_settings_update(
            actor=world.erin, force=world.force_a, cell_m=150, weeks=8, category_weights={VIOLENCE: 3, ASB: 0.5}
        )
        assert (row.cell_m, row.weeks, row.weights()[VIOLENCE], row.weights()[ASB]) == (150, 8, 3.0, 0.5)
        assert planner.settings_for(world.force_a).pk == row.pk
        event = AuditEvent.objects.get(event_type=EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED)
        assert event.force_id == world.force_a.pk and event.actor == world.erin
        assert snapshot(event.before)["cell_m"] == 100 and snapshot(event.after)["cell_m"] == 150
        assert snapshot(event.after)["category_weights"][VIOLENCE] == 3.0
        again = planner_services.planner_settings_update(actor=world.erin, force=world.force_a, weeks=4)
        assert (again.cell_m, again.weeks, again.weights()[VIOLENCE]) == (150, 4, 3.0)  # the rest stays

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"weeks": 0}, "weeks"),
            ({"cell_m": 20}, "cell_m"),
            ({"cell_m": 501}, "cell_m"),
            ({"category_weights": {"burglary": -1}}, "category_weights"),
            ({"category_weights": {"burglary": 11}}, "category_weights"),
            ({"category_weights": {"jaywalking": 1}}, "category_weights"),
            ({"category_weights": {"burglary": True}}, "category_weights"),
        ],
    )
    def test_bad_settings_are_refused_and_nothing_is_stored(
        self, world: World, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            planner_services.planner_settings_update(actor=world.erin, force=world.force_a, **changes)
        assert field in caught.value.message_dict
        assert not PlannerSettings.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED).exists()

    @pytest.mark.parametrize("who", ["bob", "dee", "ivy"])
    def test_only_the_forces_administrators_may(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            planner_services.planner_settings_update(actor=getattr(world, who), force=world.force_a, weeks=3)

    def test_stored_weights_out_of_range_read_as_one(self, world: World) -> None:
        row = PlannerSettings(force=world.force_a, category_weights={ASB: 99, VIOLENCE: "x", "old-slug": 2, "drugs": 0})
        weights = row.weights()
        assert (weights[ASB], weights[VIOLENCE], weights["drugs"]) == (1.0, 1.0, 0.0) and "old-slug" not in weights


class PlanFromProposalTests:
    def _run(self) -> planner_services.PlannerRun:
        date_from, date_to = planner.window(12, timezone.localdate())
        return planner_services.PlannerRun(weeks=12, cell_m=100, date_from=date_from, date_to=date_to)

    def _data(self, world: World) -> services.PlanData:
        today = timezone.localdate()
        return services.PlanData(
            neighbourhood=world.a1, name="From the planner", starts_on=today, ends_on=today + dt.timedelta(days=27)
        )

    def test_it_makes_the_plan_and_records_where_it_came_from(self, world: World) -> None:
        target = services.TargetData(label="TL 448 584, busiest Fri", lat=52.205, lng=0.119, radius_m=71)
        made = planner_services.plan_from_proposal(
            actor=world.bob, data=self._data(world), targets=[target], run=self._run()
        )
        assert list(made.targets.values_list("label", "radius_m", "visits_per_day")) == [
            ("TL 448 584, busiest Fri", 71, 3)
        ]
        event = AuditEvent.objects.get(event_type=EventType.HOTSPOT_PLAN_CREATED)
        assert event.reason.startswith("From the hot-spot planner: 12 weeks of incidents")
        assert "100 m cells" in event.reason
        assert snapshot(event.after)["targets"][0]["radius_m"] == 71
        source = snapshot(event.after)["source"]
        assert (source["planner"], source["weeks"], source["cell_m"]) == (True, 12, 100)

    def test_the_plans_rules_still_hold(self, world: World) -> None:
        outside = services.TargetData(label="Derby", lat=52.922, lng=-1.476)
        with pytest.raises(ValidationError) as caught:
            planner_services.plan_from_proposal(
                actor=world.bob, data=self._data(world), targets=[outside], run=self._run()
            )
        assert "targets.0.lat" in caught.value.message_dict
        with pytest.raises(PermissionDenied):
            planner_services.plan_from_proposal(
                actor=world.alice, data=self._data(world), targets=[outside], run=self._run()
            )
        assert not HotspotPlan.objects.exists()

    def test_out_of_range_parameters_are_refused(self, world: World) -> None:
        run = planner_services.PlannerRun(
            weeks=0, cell_m=100, date_from=timezone.localdate(), date_to=timezone.localdate()
        )
        with pytest.raises(ValidationError):
            planner_services.plan_from_proposal(actor=world.bob, data=self._data(world), targets=[], run=run)
        assert not HotspotPlan.objects.exists()
