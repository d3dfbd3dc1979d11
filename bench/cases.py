"""The benchmarks. Each returns a Result; what it measures is in its docstring and in the report."""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

from beatbook.core.pagination import paginate
from beatbook.org import policy, selectors
from beatbook.org.models import Person

from .data import BenchWorld
from .timing import Stats, count_queries, measure, summarise

PEOPLE_URL = "/org/people/"
POINTS = 1_000


@dataclass(frozen=True)
class Result:
    key: str
    name: str
    stats: Stats | None  # None: not run (see note)
    queries: int | None
    floor: str  # a name in bench.floors, or ""
    note: str = ""
    # The floor is for a unit of work (a query, or a number of rows): how many units this did.
    floor_scale: float = 1.0
    floor_basis: str = ""  # what the scale is, for the report ("x 14 queries")


def _people_page(world: BenchWorld, number: int) -> int:
    page = paginate(selectors.people_visible_to(world.force_admin), number=number, size=50)
    postings = 0
    for person in page.items:
        for posting in getattr(person, "active_postings", []):
            postings += 1
            _ = (posting.neighbourhood, posting.team)  # loaded by the prefetch: no query
    assert len(page.items) == 50, len(page.items)
    return postings


def people_page(world: BenchWorld, number: int) -> Result:
    """(a) The people list selector for a force administrator (all 2,000 people visible), one
    page of 50 materialised: the count, the page of people with force and partner, and their
    active postings with neighbourhood and team (prefetch)."""
    stats = measure(lambda: _people_page(world, number), warmup=3, reps=30)
    pages = -(-world.people // 50)
    return Result(
        key=f"people_page_{number}",
        name=f"(a) `people_visible_to(force admin)`, page {number} of {pages} (50 people + postings)",
        stats=stats,
        queries=count_queries(lambda: _people_page(world, number)),
        floor="LIST_PAGE",
    )


def people_page_sql_only(world: BenchWorld) -> Result:
    """(a) Page 1's count and page queries compiled once and run on a cursor: the database's
    share of (a), without the ORM (the small postings prefetch is left out)."""
    queryset = selectors.people_visible_to(world.force_admin)
    inner, inner_params = queryset.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
    count_sql = (f"SELECT COUNT(*) FROM ({inner}) AS scoped", inner_params)  # noqa: S608 (Django's own SQL)
    page_sql = queryset[:50].query.get_compiler(connection=connection).as_sql()

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in (count_sql, page_sql):
                cursor.execute(sql, params)
                cursor.fetchall()

    return Result(
        "people_page_1_sql",
        "(a) the same page 1, count and page queries as SQL only (compiled once, run on a cursor)",
        measure(run, warmup=3, reps=30),
        2,
        "LIST_PAGE",
    )


def people_page_http(world: BenchWorld) -> Result:
    """(a) The same list as a page over Django's test client: middleware, session, the view and
    its template, in-process (no HTTP server, no network)."""
    name = f"(a) GET {PEOPLE_URL} as the force administrator (test client)"
    try:
        resolve(PEOPLE_URL)
    except Resolver404:
        return Result(
            "people_page_http", name, None, None, "HTTP_LIST", note=f"skipped: {PEOPLE_URL} does not exist yet"
        )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(world.force_admin)
    response = client.get(PEOPLE_URL)
    if response.status_code != 200:
        return Result(
            "people_page_http", name, None, None, "HTTP_LIST", note=f"skipped: it answered {response.status_code}"
        )
    stats = measure(lambda: client.get(PEOPLE_URL), warmup=3, reps=30)
    return Result("people_page_http", name, stats, count_queries(lambda: client.get(PEOPLE_URL)), "HTTP_LIST")


def _random_points(world: BenchWorld, rng: random.Random) -> list[tuple[float, float]]:
    """Uniform over the grid and a margin of 5 % round it (about 10 % of points are outside)."""
    dlat, dlng = (world.max_lat - world.min_lat) * 0.05, (world.max_lng - world.min_lng) * 0.05
    lat_range = (world.min_lat - dlat, world.max_lat + dlat)
    lng_range = (world.min_lng - dlng, world.max_lng + dlng)
    return [(rng.uniform(*lat_range), rng.uniform(*lng_range)) for _ in range(POINTS)]


def neighbourhood_containing(world: BenchWorld) -> list[Result]:
    """(b) `neighbourhood_containing(lat, lng)` for 1,000 random points: the bounding-box query in
    SQL, then shapely on the candidates' boundaries. Timed per call (3 passes over the points
    after a warm-up pass), and per pass of 1,000."""
    points = _random_points(world, random.Random(7))
    for lat, lng in points[:100]:
        selectors.neighbourhood_containing(lat=lat, lng=lng)
    calls: list[float] = []
    passes: list[float] = []
    found = 0
    for _ in range(3):
        pass_started = time.perf_counter()
        for lat, lng in points:
            started = time.perf_counter()
            nb = selectors.neighbourhood_containing(lat=lat, lng=lng)
            calls.append(time.perf_counter() - started)
            found += nb is not None
        passes.append(time.perf_counter() - pass_started)
    lat, lng = points[0]
    queries = count_queries(lambda: selectors.neighbourhood_containing(lat=lat, lng=lng))
    return [
        Result(
            "containing_call",
            "(b) `neighbourhood_containing(lat, lng)`, one call",
            summarise(calls),
            queries,
            "POINT_LOOKUP",
            note=f"{found // 3} of {POINTS} points fall in a neighbourhood",
        ),
        Result(
            "containing_pass",
            f"(b) `neighbourhood_containing` for {POINTS:,} points, one after another",
            summarise(passes),
            None,
            "",
        ),
    ]


def _scope(actor: Person) -> int:
    return len(list(policy.neighbourhoods_in_scope(actor)))


def scope(world: BenchWorld, actor: Person, label: str, expected: int) -> Result:
    """(c) `policy.neighbourhoods_in_scope(actor)` materialised: the single SQL query with three
    IN subqueries (direct, through a team, force-wide) that every scoped list starts from."""
    assert _scope(actor) == expected, (label, _scope(actor))
    return Result(
        f"scope_{label.split()[0].lower()}",
        f"(c) `neighbourhoods_in_scope({label})`, {expected} neighbourhood{'s' if expected != 1 else ''}",
        measure(lambda: _scope(actor), warmup=5, reps=50),
        count_queries(lambda: _scope(actor)),
        "ROUND_TRIP",
    )


def scope_sql_only(world: BenchWorld, actor: Person, label: str) -> Result:
    """(c) The same scope query's SQL, compiled once and executed on a cursor: the database's
    share of (c), without Django building the queryset and compiling it each call."""
    sql, params = policy.neighbourhoods_in_scope(actor).query.sql_with_params()

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return Result(
        f"scope_{label.split()[0].lower()}_sql",
        f"(c) the same for the {label}, SQL only (compiled once, run on a cursor)",
        measure(run, warmup=5, reps=50),
        1,
        "ROUND_TRIP",
    )


def _with_jit_on(result: Result) -> Result:
    return dataclasses.replace(
        result,
        key=f"{result.key}_jit_on",
        name=f"{result.name}, PostgreSQL `jit` on (the server default)",
        note="the same with `SET jit = on` on the connection" if result.stats else result.note,
    )


def jit_on_variants(world: BenchWorld) -> list[Result]:
    """PostgreSQL only: the people list again with JIT compilation on, as a stock server has it.
    Beatbook's settings switch JIT off for its connections because an early scope query's cost
    estimate made every list JIT-compile; this keeps watch on what that would cost now."""
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    try:
        return [_with_jit_on(people_page(world, 1)), _with_jit_on(people_page_http(world))]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def run_all(world: BenchWorld) -> list[Result]:
    from . import incident_cases  # it builds on Result, defined here

    last_page = -(-world.people // 50)
    results = [
        people_page(world, 1),
        people_page(world, last_page),
        people_page_sql_only(world),
        people_page_http(world),
        *neighbourhood_containing(world),
        scope(world, world.pcso, "PCSO", 1),
        scope_sql_only(world, world.pcso, "PCSO"),
        scope(world, world.supervisor, "supervisor", 4),
        scope(world, world.force_admin, "force admin", world.neighbourhoods),
        *incident_cases.run_all(world),
    ]
    if connection.vendor == "postgresql":
        results += jit_on_variants(world)
    return results
