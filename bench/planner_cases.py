"""Benchmarks of the hot-spot planner on one force-year of incidents (about 50,000).

The data: a force of its own ("Plannershire"), built after the other benchmarks have run so that
their tables stay as they were measured, with one planning area covering the force (20 km
square) and 50,000 incidents over the last 365 days: most gathered in hot spots, each with its own
busy hours and days, the rest spread over the area. Written with bulk_create, as the incident
data is (benchmark data, not application writes).

The cases: (g) `planner.hotspots` over the year and over the default 12 weeks, (h) the grid
computation alone on rows already in memory, (i) the rows' fetch alone, (j) the planner page and
(k) the cells' GeoJSON from the API as the area's supervisor, (l) a four-week plan's evaluation.
Wall times (median, p95) and, for (g) and (h), the peak of Python's allocations (tracemalloc) in
one extra run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from beatbook.core import geo
from beatbook.incidents.models import Incident
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role
from beatbook.patrols import planner, services
from beatbook.patrols.models import HotspotPlan
from beatbook.patrols.selectors import start_of

from .cases import Result
from .incident_data import CATEGORY_WEIGHTS, METRES_PER_DEGREE
from .timing import count_queries, measure

INCIDENTS = 50_000
DAYS = 365
ORIGIN_LAT, ORIGIN_LNG = 53.0, -2.5  # away from the other benchmark force's grid
SIDE_M = 20_000.0  # the planning area: a 20 km square
HOT_SPOTS = 40
HOT_SHARE = 0.65  # of the incidents, in the hot spots (the rest uniform over the area)
CELL_M = 100
# Each hot spot's busy times: (hours of the day, days of the week (0 Monday), weight of the hours).
PROFILES: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((21, 22, 23, 0, 1, 2), (4, 5)),  # night-time economy, Friday and Saturday
    ((12, 13, 14, 15, 16, 17), (0, 1, 2, 3, 4, 5)),  # shops
    ((15, 16, 17, 18, 19, 20, 21), (0, 1, 2, 3, 4)),  # after school
    ((7, 8, 17, 18), (0, 1, 2, 3, 4)),  # the station at rush hours
)
BUSY_SHARE = 0.7  # of a hot spot's incidents, in its busy times


@dataclass(frozen=True)
class PlannerWorld:
    force: Force
    area: Neighbourhood
    supervisor: Person
    incidents: int
    hot_spots: int
    build_seconds: float

    def describe(self) -> str:
        return (
            f"A force of its own with one planning area, a {SIDE_M / 1000:.0f} km square, and **{self.incidents:,} "
            f"incidents over the last {DAYS} days**: {HOT_SHARE:.0%} in {self.hot_spots} hot spots (Gaussian, one "
            f"standard deviation 60 to 250 m, a few far busier than the rest), each with busy hours and days of "
            f"its own ({BUSY_SHARE:.0%} of its incidents fall in them), the rest uniform over the area and the "
            "day; categories in police.uk's shares. Built with `bulk_create` after the other benchmarks had "
            f"run (so their tables were as above) in {self.build_seconds:.1f} s, not timed."
        )


def _when(rng: random.Random, now: dt.datetime, profile: tuple[tuple[int, ...], tuple[int, ...]] | None) -> dt.datetime:
    day = timezone.localdate(now) - dt.timedelta(days=rng.randint(1, DAYS - 1))
    hour = rng.randrange(24)
    if profile is not None and rng.random() < BUSY_SHARE:
        hours, days = profile
        while day.weekday() not in days:
            day -= dt.timedelta(days=1)
        hour = rng.choice(hours)
    return start_of(day) + dt.timedelta(hours=hour, minutes=rng.randrange(60))


def build(seed: int = 20261125) -> PlannerWorld:
    started = time.perf_counter()
    rng = random.Random(seed)
    dlat = SIDE_M / METRES_PER_DEGREE
    dlng = SIDE_M / (METRES_PER_DEGREE * math.cos(math.radians(ORIGIN_LAT)))
    ring = [
        [ORIGIN_LNG, ORIGIN_LAT],
        [ORIGIN_LNG + dlng, ORIGIN_LAT],
        [ORIGIN_LNG + dlng, ORIGIN_LAT + dlat],
        [ORIGIN_LNG, ORIGIN_LAT + dlat],
        [ORIGIN_LNG, ORIGIN_LAT],
    ]
    parsed = geo.parse_boundary({"type": "Polygon", "coordinates": [ring]})
    now = timezone.now()
    with transaction.atomic():
        force = Force.objects.create(
            slug="plannershire", name="Plannershire Police", country="england", short_code="PLAN"
        )
        area = Neighbourhood.objects.create(
            force=force,
            code="PLAN01",
            name="Plannershire (the whole force)",
            boundary=parsed.geometry,
            min_lat=parsed.bbox.min_lat,
            max_lat=parsed.bbox.max_lat,
            min_lng=parsed.bbox.min_lng,
            max_lng=parsed.bbox.max_lng,
            centre_lat=parsed.centre_lat,
            centre_lng=parsed.centre_lng,
        )
        supervisor = Person.objects.create(username="planner-sergeant", display_name="Sgt Planner", force=force)
        Posting.objects.create(
            person=supervisor, force=force, role=Role.SUPERVISOR, neighbourhood=area, valid_from=dt.date(2020, 1, 1)
        )
        spots = [
            (
                rng.uniform(0.1, 0.9) * dlat + ORIGIN_LAT,
                rng.uniform(0.1, 0.9) * dlng + ORIGIN_LNG,
                rng.uniform(60, 250),
                1 / (k + 2),  # a few far busier than the rest
                PROFILES[k % len(PROFILES)],
            )
            for k in range(HOT_SPOTS)
        ]
        cumulative = list(itertools.accumulate(s[3] for s in spots))
        categories = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS], k=INCIDENTS)
        rows = []
        for n in range(INCIDENTS):
            if rng.random() < HOT_SHARE:
                lat0, lng0, spread, _weight, profile = rng.choices(spots, cum_weights=cumulative)[0]
                lat = lat0 + rng.gauss(0, spread) / METRES_PER_DEGREE
                lng = lng0 + rng.gauss(0, spread) / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
                when = _when(rng, now, profile)
            else:
                lat, lng = ORIGIN_LAT + rng.random() * dlat, ORIGIN_LNG + rng.random() * dlng
                when = _when(rng, now, None)
            lat = min(max(lat, parsed.bbox.min_lat + 1e-6), parsed.bbox.max_lat - 1e-6)
            lng = min(max(lng, parsed.bbox.min_lng + 1e-6), parsed.bbox.max_lng - 1e-6)
            category = categories[n]
            asb = category == Category.ANTI_SOCIAL_BEHAVIOUR
            rows.append(
                Incident(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    reference=f"PLAN-INC-{n:06d}",
                    force=force,
                    neighbourhood=area,
                    occurred_at=when,
                    lat=round(lat, 6),
                    lng=round(lng, 6),
                    category=category,
                    asb_qualifier=AsbQualifier.NUISANCE if asb else "",
                    asb_type=AsbType.ROWDY_INCONSIDERATE if asb else "",
                    description="Benchmark incident.",
                    how_reported=HowReported.PHONE_101,
                    **dict.fromkeys(
                        (
                            "thrive_threat",
                            "thrive_harm",
                            "thrive_risk",
                            "thrive_investigation",
                            "thrive_vulnerability",
                            "thrive_engagement",
                            "risk_level",
                        ),
                        Level.LOW,
                    ),
                    created_by=supervisor,
                    updated_by=supervisor,
                )
            )
        Incident.objects.bulk_create(rows, batch_size=1_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return PlannerWorld(
        force=force,
        area=area,
        supervisor=supervisor,
        incidents=INCIDENTS,
        hot_spots=HOT_SPOTS,
        build_seconds=time.perf_counter() - started,
    )


def _peak_mib(run: Callable[[], object]) -> float:
    """The peak of Python's allocations during one run, in MiB (tracemalloc)."""
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def _hotspots(world: PlannerWorld, weeks: int) -> planner.Hotspots:
    return planner.hotspots(world.supervisor, neighbourhood=world.area, weeks=weeks, cell_m=CELL_M)


def hotspots_case(world: PlannerWorld, weeks: int) -> Result:
    """(g) `planner.hotspots`: the force's settings, the rows streamed (`values_list().iterator()`),
    projected a chunk at a time and counted into 100 m cells with their hour and day histograms."""
    spots = _hotspots(world, weeks)
    stats = measure(lambda: _hotspots(world, weeks), warmup=2, reps=20)
    top = spots.grid.cells[0]
    note = (
        f"{spots.grid.incidents:,} incidents into {len(spots.grid.cells):,} cells, the busiest {top.incidents:,}; "
        f"peak of Python allocations {_peak_mib(lambda: _hotspots(world, weeks)):,.1f} MiB (tracemalloc)"
    )
    floor = "HOT_SPOT_FETCHED" if weeks == 52 else ""
    return Result(
        f"planner_hotspots_{weeks}w",
        f"(g) `planner.hotspots`, {weeks} weeks, {CELL_M} m cells, as the area's supervisor",
        stats,
        count_queries(lambda: _hotspots(world, weeks)),
        floor,
        note=note,
        floor_scale=spots.grid.incidents / 49_852 if floor else 1.0,
        floor_basis=f"scaled to {spots.grid.incidents:,} points" if floor else "",
    )


def grid_case(world: PlannerWorld) -> Result:
    """(h) `planner.grid_cells` alone, on the year's rows already fetched into a list."""
    date_from, date_to = planner.window(52, timezone.localdate())
    rows = list(
        planner.incident_rows(
            world.supervisor,
            neighbourhood=world.area,
            since=start_of(date_from),
            until=start_of(date_to + dt.timedelta(days=1)),
        )
    )
    weights = planner.settings_for(world.force).weights()

    def run() -> planner.Grid:
        return planner.grid_cells(rows, cell_m=CELL_M, weights=weights)

    stats = measure(run, warmup=2, reps=20)
    return Result(
        "planner_grid",
        f"(h) `planner.grid_cells` alone, {len(rows):,} rows already in memory, {CELL_M} m cells",
        stats,
        0,
        "HOT_SPOT_ARRAYS",
        note=f"peak of Python allocations {_peak_mib(run):,.1f} MiB (tracemalloc), the rows not counted",
        floor_scale=len(rows) / 49_852,
        floor_basis=f"scaled to {len(rows):,} points",
    )


def fetch_case(world: PlannerWorld) -> Result:
    """(i) The rows' fetch alone: `planner.incident_rows` for the year, consumed."""
    date_from, date_to = planner.window(52, timezone.localdate())

    def run() -> int:
        return sum(
            1
            for _row in planner.incident_rows(
                world.supervisor,
                neighbourhood=world.area,
                since=start_of(date_from),
                until=start_of(date_to + dt.timedelta(days=1)),
            )
        )

    fetched = run()
    return Result(
        "planner_fetch",
        "(i) the year's rows alone: `planner.incident_rows` (lat, lng, time, category), streamed",
        measure(run, warmup=2, reps=20),
        count_queries(run),
        "ROWS_FETCH",
        note=f"{fetched:,} rows",
        floor_scale=fetched / 1_079,
        floor_basis=f"scaled to {fetched:,} rows",
    )


def _client(world: PlannerWorld) -> Client:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(world.supervisor)
    return client


def page_case(world: PlannerWorld, client: Client) -> Result:
    """(j) GET /patrols/planner/ for the year: the hot spots, the table, the proposal form and the
    map's GeoJSON (the busiest 2,000 cells) in the page."""
    url = f"/patrols/planner/?neighbourhood={world.area.pk}&weeks=52&cell_m={CELL_M}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert b'data-testid="planner-plan"' in response.content
    stats = measure(lambda: client.get(url), warmup=2, reps=20)
    return Result(
        "planner_page",
        "(j) GET /patrols/planner/?neighbourhood=…&weeks=52&cell_m=100 as the supervisor (test client)",
        stats,
        count_queries(lambda: client.get(url)),
        "",
        note=f"page {len(response.content) / 1024:,.0f} KiB with the map's {planner.MAP_CELL_LIMIT:,} cells",
    )


def api_case(world: PlannerWorld, client: Client) -> Result:
    """(k) GET /api/v1/planner/cells for the year (session-authenticated): the busiest 2,000 cells
    as GeoJSON, validated through the response schema."""
    url = f"/api/v1/planner/cells?neighbourhood={world.area.pk}&weeks=52&cell_m={CELL_M}"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    stats = measure(lambda: client.get(url), warmup=2, reps=20)
    return Result(
        "planner_api_cells",
        "(k) GET /api/v1/planner/cells?neighbourhood=…&weeks=52&cell_m=100 as the supervisor (test client)",
        stats,
        count_queries(lambda: client.get(url)),
        "",
        note=f"response {len(response.content) / 1024:,.0f} KiB",
    )


def evaluation_case(world: PlannerWorld) -> Result:
    """(l) `planner.evaluate` for a plan of the five proposed places that started 28 days ago: the
    targets, the area's totals (one aggregate) and the incidents in the targets' boxes."""
    spots = _hotspots(world, 12)
    today = timezone.localdate()
    plan = services.hotspot_plan_create(
        actor=world.supervisor,
        data=services.PlanData(
            neighbourhood=world.area,
            name="Benchmark plan",
            starts_on=today - dt.timedelta(days=28),
            ends_on=today + dt.timedelta(days=28),
        ),
        targets=[
            services.TargetData(label=p.label, lat=p.lat, lng=p.lng, radius_m=p.radius_m)
            for p in planner.propose(spots.grid)
        ],
    )
    plan = HotspotPlan.objects.select_related("neighbourhood").get(pk=plan.pk)
    result = planner.evaluate(world.supervisor, plan)
    stats = measure(lambda: planner.evaluate(world.supervisor, plan), warmup=3, reps=30)
    return Result(
        "planner_evaluate",
        f"(l) `planner.evaluate`: a plan of 5 places, {result.days} complete days against the {result.days} before",
        stats,
        count_queries(lambda: planner.evaluate(world.supervisor, plan)),
        "",
        note=(
            f"places {result.places.before:,} before, {result.places.during:,} during; the area "
            f"{result.neighbourhood.before:,} and {result.neighbourhood.during:,}"
        ),
    )


def run_all() -> tuple[dict[str, Any], list[Result]]:
    """Build the planner's data (after the other benchmarks) and time the planner on it."""
    world = build()
    client = _client(world)
    results = [
        hotspots_case(world, 52),
        hotspots_case(world, 12),
        grid_case(world),
        fetch_case(world),
        page_case(world, client),
        api_case(world, client),
        evaluation_case(world),
    ]
    info = {"incidents": world.incidents, "build_seconds": world.build_seconds, "describe": world.describe()}
    return info, results


def main() -> None:
    """The planner's cases alone, printed (`python -m bench.run --planner`; docs/performance.md is
    written by `python -m bench`, which runs them with the others)."""
    from django.db import connection as conn

    old_name = conn.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        info, results = run_all()
    finally:
        conn.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{conn.vendor}: built in {info['build_seconds']:.1f} s")
    for result in results:
        stats = result.stats
        figures = f"median {stats.median_ms:,.1f} ms, p95 {stats.p95_ms:,.1f} ms" if stats else "not run"
        print(f"  {result.key:22} {figures}, {result.queries} queries; {result.note}")
