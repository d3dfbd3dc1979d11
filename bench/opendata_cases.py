"""Benchmarks of the open data: crimes-street over a force of a million published crimes, and the
police.uk CSV import.

The data (bench.opendata_data): one force's 1,000,000 published crimes over 24 months on 20,000
snap points, written straight into the tables; the month queried is the latest.

The crimes-street cases, for (p) a one-mile radius round the busiest point (the town centre),
(q) a one-mile radius round a quiet one (the rural cluster centre with the fewest crimes within a
mile that month) and (r) a neighbourhood-sized polygon of 50 points round the town centre, all
categories (`all-crime`):

* the selector alone: `crimes_in_area(area, month=, category=None, cap=10_000)`;
* the app path: the selector, then each row through `beatbook.opendata.serializers.crime` and the
  list to JSON (`json.dumps`), as the API answers;
* HTTP: `GET /api/crimes-street/all-crime?lat=..&lng=..&date=..` (or `poly=`) through Django's
  test client, when the route exists;
* raw SQL: the same query written by hand on the database cursor (the same month, bounding box
  and distance predicate, the polygon kept with shapely over the fetched rows), fetching the same
  columns as the selector (every column of the crime and its snap point), as tuples;
* raw SQL with only the columns the JSON needs (12), and on PostgreSQL the polygon as the
  built-in `point <@ polygon` operator.

Every path's ids are checked equal to the raw SQL's. The peak of Python's allocations
(tracemalloc) comes from one extra run of each.

The import cases (run last, on emptied tables): the same crimes as one police.uk `*-street.csv`
file of 1,000,000 rows, loaded by `beatbook.opendata.services.imports.load_rows` into empty tables,
then loaded again (every row already there: the cost of the idempotence check); against
PostgreSQL `COPY` of the same file into a plain staging table of its 12 columns, or on SQLite
`executemany` of the parsed rows into such a table.
"""

from __future__ import annotations

import cProfile
import csv
import datetime as dt
import gc
import importlib
import io
import itertools
import json
import os
import pstats
import re
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from shapely.geometry import Polygon

from beatbook.opendata.geometry import M_PER_DEG, MILE_M, Area, Circle, Ring
from beatbook.opendata.models import PublicCrime, SnapPoint
from beatbook.opendata.selectors.crimes import crimes_in_area
from beatbook.org.models import Force

from . import opendata_data
from .incident_cases import _capturing, _explain, _read
from .opendata_data import OpenData
from .timing import Stats, count_queries, full_collections, measure, summarise

CAP = 10_000  # police.uk answers 503 above 10,000 crimes
URL = "/api/crimes-street/all-crime"
POLYGON_POINTS = 50
POLYGON_RADIUS_M = 1_300.0  # the polygon's mean radius round its centre: a neighbourhood's size
QUERY_WARMUP, QUERY_REPS = 3, 30
IMPORT_REPS = 3  # each: empty tables, the first import, the second
IMPORT_BUDGET_S = 1_200.0  # no further run once the import runs have taken this long (at least 2 runs)
PROFILE_ROWS = 50_000  # the import profiled on the file's first rows
PROFILE_TOP = 8
PROFILE_RUNS = 5  # of each app path, profiled together
FLOOR_WARMUP, FLOOR_REPS = 1, 5
STAGING = "bench_policeuk_street"
JSON_COLUMNS = (
    "c.id", "c.category", "c.persistent_id", "c.month", "c.location_subtype", "c.context", "c.outcome",
    "c.outcome_month", "c.snap_point_id", "c.lat", "c.lng", "s.name",
)  # fmt: skip


@dataclass(frozen=True)
class QueryWorld:
    force: Force
    data: OpenData
    month: dt.date
    busy: Circle
    quiet: Circle
    polygon: Ring
    load_seconds: float


@dataclass
class PathResult:
    """One way of answering one area query."""

    key: str  # selector, app, http, raw, raw_json, raw_pg_polygon
    name: str
    stats: Stats | None
    rows: int
    queries: int | None
    peak_mib: float | None
    same_ids: bool | None  # the same ids as the raw SQL (None: nothing to compare)
    note: str = ""
    full_collections: int = 0  # full (generation 2) garbage collections during the timed runs
    full_collections_ms: float = 0.0  # and the time they took in all


@dataclass
class AreaResult:
    key: str  # busy, quiet, polygon
    name: str
    rows: int
    bbox_rows: int  # candidates in the bounding box, the month
    paths: list[PathResult] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)  # of one run of the app path (see _profile)


@dataclass
class ImportResult:
    key: str  # first, second, copy, executemany
    name: str
    rows: int  # the file's rows
    stats: Stats | None
    peak_rss_mib: float | None = None
    note: str = ""
    tenths: list[float] = field(default_factory=list)  # rows/s over each tenth of the file (the last run)


def _tenths(marks: list[tuple[float, int]], started: float, rows: int) -> list[float]:
    """Rows/s over each tenth of the file, from (time, rows done) marks taken after each batch."""
    rates: list[float] = []
    last_time, last_done = started, 0
    for k in range(1, 11):
        goal = rows * k // 10
        mark = next(((t, done) for t, done in marks if done >= goal), None)
        if mark is None or mark[1] <= last_done:
            return []
        rates.append((mark[1] - last_done) / max(mark[0] - last_time, 1e-9))
        last_time, last_done = mark
    return rates


# ---- Where the time goes --------------------------------------------------------------------


def _where(key: tuple[str, int, str]) -> str:
    """A profiled function's name: its file from the package down (or the built-in's name)."""
    filename, _line, name = key
    if filename == "~":
        return re.sub(r" at 0x[0-9a-f]+>$", ">", name)
    path = filename.replace(os.sep, "/")
    for marker in ("/site-packages/", "/lib/python3", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    if path.startswith("."):
        path = path.split("/", 1)[-1]
    for root in ("beatbook/", "bench/"):
        if f"/{root}" in f"/{path}":
            path = root + f"/{path}".split(f"/{root}", 1)[1]
    return f"{path}:{name}"


def _profile(run: Callable[[], object], runs: int = 1) -> dict[str, Any]:
    """`runs` runs under cProfile: the seconds a run (the profiler's overhead included, which
    weighs on Python calls more than on the database's), the Beatbook functions that took the most
    time with what they called (cumulative), and the functions anywhere that took the most time
    themselves (own time), each as a share of the whole."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(runs):
            run()
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(own for _cc, _nc, own, _cum, _callers in table.values()) or 1.0

    def share(seconds: float) -> float:
        return round(seconds / total, 4)

    ours = sorted(
        (
            (cum, _where(key))
            for key, (_cc, _nc, _own, cum, _callers) in table.items()
            if "/beatbook/" in key[0].replace(os.sep, "/") and cum / total < 0.98 and "/tests/" not in key[0]
        ),
        reverse=True,
    )
    own = sorted(((own, _where(key)) for key, (_cc, _nc, own, _cum, _callers) in table.items()), reverse=True)
    return {
        "seconds": total / runs,
        "runs": runs,
        "cumulative": [[name, share(cum)] for cum, name in ours[:PROFILE_TOP] if cum / total >= 0.02],
        "own": [[name, share(seconds)] for seconds, name in own[:PROFILE_TOP] if seconds / total >= 0.02],
    }


# ---- The world ------------------------------------------------------------------------------


def _within_mile(data: OpenData, month_index: int, lat: float, lng: float) -> int:
    crime_lat, crime_lng = data.crime_lat_lng()
    dy = (crime_lat - lat) * M_PER_DEG
    dx = (crime_lng - lng) * M_PER_DEG * np.cos(np.radians(lat))
    inside = (dy * dy + dx * dx <= MILE_M**2) & (data.month == month_index)
    return int(inside.sum())


def polygon_ring(lat: float, lng: float, seed: int = 5) -> Ring:
    """An irregular, star-shaped polygon of POLYGON_POINTS points round (lat, lng): its radius
    wanders between about 0.6 and 1.4 times POLYGON_RADIUS_M."""
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, POLYGON_POINTS))
    wobble = sum(
        rng.uniform(0.05, 0.15) * np.sin(k * angles + rng.uniform(0, 2 * np.pi)) for k in (1, 2, 3, 5)
    ) + rng.uniform(-0.08, 0.08, POLYGON_POINTS)
    radius = POLYGON_RADIUS_M * (1 + wobble)
    dlat = radius * np.sin(angles) / M_PER_DEG
    dlng = radius * np.cos(angles) / (M_PER_DEG * np.cos(np.radians(lat)))
    points = tuple((round(float(lat + a), 6), round(float(lng + b), 6)) for a, b in zip(dlat, dlng, strict=True))
    assert Polygon([(b, a) for a, b in points]).is_valid
    return Ring(points)


def build(crimes: int, snap_points: int) -> QueryWorld:
    data = opendata_data.generate(crimes, snap_points)
    force = opendata_data.force()
    load_seconds = opendata_data.load(data, force)
    latest = opendata_data.MONTHS - 1
    busy = Circle(float(data.centre_lat[0]), float(data.centre_lng[0]))
    rural = np.flatnonzero(data.centre_rural)
    counts = [_within_mile(data, latest, float(data.centre_lat[i]), float(data.centre_lng[i])) for i in rural]
    candidates = [(count, int(i)) for count, i in zip(counts, rural, strict=True) if count > 0]
    quiet_index = min(candidates)[1] if candidates else int(rural[0])
    quiet = Circle(float(data.centre_lat[quiet_index]), float(data.centre_lng[quiet_index]))
    # The polygon: round a point 500 m north-east of the town centre, so not centred on the busiest cluster.
    offset = 500 / M_PER_DEG / np.sqrt(2)
    ring = polygon_ring(busy.lat + offset, busy.lng + offset / np.cos(np.radians(busy.lat)))
    return QueryWorld(
        force=force,
        data=data,
        month=opendata_data.month_of(latest),
        busy=busy,
        quiet=quiet,
        polygon=ring,
        load_seconds=load_seconds,
    )


# ---- The paths ------------------------------------------------------------------------------


def _serialiser() -> Callable[[PublicCrime], Any] | None:
    try:
        module = importlib.import_module("beatbook.opendata.serializers")
    except ImportError:
        return None
    found = getattr(module, "crime", None)
    return found if callable(found) else None


def _peak_mib(run: Callable[[], object]) -> float:
    """The peak of Python's allocations during one run, in MiB (tracemalloc)."""
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def _columns(model: type[PublicCrime] | type[SnapPoint], alias: str) -> list[str]:
    return [f"{alias}.{f.column}" for f in model._meta.concrete_fields]


SAME_COLUMNS = (*_columns(PublicCrime, "c"), *_columns(SnapPoint, "s"))
FROM = "opendata_publiccrime c LEFT OUTER JOIN opendata_snappoint s ON s.id = c.snap_point_id"
BOX = "c.month = %s AND c.lat >= %s AND c.lat <= %s AND c.lng >= %s AND c.lng <= %s"


def _box_params(area: Area, month: dt.date) -> list[Any]:
    return [month, *area.bbox()]


def _raw_circle(circle: Circle, month: dt.date, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The selector's circle query by hand: month, box, then the squared flat-earth distance."""
    scale = M_PER_DEG * np.cos(np.radians(circle.lat))
    sql = (
        f"SELECT {', '.join(columns)} FROM {FROM} WHERE {BOX} "  # noqa: S608 (column names)
        "AND ((c.lat - %s) * %s) * ((c.lat - %s) * %s) + ((c.lng - %s) * %s) * ((c.lng - %s) * %s) <= %s "
        "ORDER BY c.id LIMIT %s"
    )
    params = [
        *_box_params(circle, month),
        *(circle.lat, M_PER_DEG) * 2,
        *(circle.lng, float(scale)) * 2,
        circle.radius_m**2,
        CAP + 1,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _raw_ring(ring: Ring, month: dt.date, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The selector's polygon query by hand: month and box in one query, the rows kept with
    shapely (prepared polygon, vectorised) over their coordinates."""
    sql = f"SELECT {', '.join(columns)} FROM {FROM} WHERE {BOX} ORDER BY c.id"  # noqa: S608 (column names)
    with connection.cursor() as cursor:
        cursor.execute(sql, _box_params(ring, month))
        rows = list(cursor.fetchall())
    if not rows:
        return rows
    lat_at, lng_at = list(columns).index("c.lat"), list(columns).index("c.lng")
    polygon = Polygon([(lng, lat) for lat, lng in ring.points])
    shapely.prepare(polygon)
    lat = np.fromiter((row[lat_at] for row in rows), dtype=float, count=len(rows))
    lng = np.fromiter((row[lng_at] for row in rows), dtype=float, count=len(rows))
    mask = shapely.intersects_xy(polygon, lng, lat)
    return [row for row, keep in zip(rows, mask.tolist(), strict=True) if keep]


def _raw_pg_polygon(ring: Ring, month: dt.date) -> list[tuple[Any, ...]]:
    """PostgreSQL only: the polygon in SQL, with the built-in geometric `point <@ polygon`."""
    text = "(" + ",".join(f"({lng!r},{lat!r})" for lat, lng in ring.points) + ")"
    sql = (
        f"SELECT {', '.join(SAME_COLUMNS)} FROM {FROM} WHERE {BOX} "  # noqa: S608 (column names)
        "AND point(c.lng, c.lat) <@ CAST(%s AS polygon) ORDER BY c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_box_params(ring, month), text])
        return list(cursor.fetchall())


def _raw(area: Area, month: dt.date, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    if isinstance(area, Circle):
        return _raw_circle(area, month, columns)
    return _raw_ring(area, month, columns)


def _query_string(area: Area, month: dt.date) -> str:
    if isinstance(area, Circle):
        return f"lat={area.lat!r}&lng={area.lng!r}&date={month:%Y-%m}"
    poly = ":".join(f"{lat!r},{lng!r}" for lat, lng in area.points)
    return f"poly={poly}&date={month:%Y-%m}"


def _route_exists() -> bool:
    try:
        resolve(URL)
    except Resolver404:
        return False
    return True


def _bbox_rows(area: Area, month: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM opendata_publiccrime c WHERE {BOX}", _box_params(area, month))  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _path(
    key: str,
    name: str,
    run: Callable[[], Iterable[int]],
    expected: list[int] | None,
    *,
    db_queries: bool = True,
) -> PathResult:
    ids = list(run())
    with full_collections() as pauses:
        stats = measure(run, warmup=QUERY_WARMUP, reps=QUERY_REPS)
    return PathResult(
        key=key,
        name=name,
        stats=stats,
        rows=len(ids),
        queries=count_queries(run) if db_queries else None,
        peak_mib=_peak_mib(run),
        same_ids=None if expected is None else ids == expected,
        # Counted over the warm-ups too (measure runs them inside the block): a close enough count.
        full_collections=len(pauses),
        full_collections_ms=sum(pauses) * 1000,
    )


def area_case(world: QueryWorld, key: str, name: str, area: Area) -> AreaResult:
    month = world.month
    serialise = _serialiser()
    raw_ids = [int(row[0]) for row in _raw(area, month, SAME_COLUMNS)]
    result = AreaResult(key=key, name=name, rows=len(raw_ids), bbox_rows=_bbox_rows(area, month))

    def selector() -> list[int]:
        return [row.pk for row in crimes_in_area(area, month=month, category=None, cap=CAP)]

    result.paths.append(
        _path("selector", "the selector alone (`crimes_in_area`), rows as model instances", selector, raw_ids)
    )
    if serialise is not None:
        crime_json = serialise

        def app() -> list[int]:
            rows = crimes_in_area(area, month=month, category=None, cap=CAP)
            body = json.dumps([crime_json(row) for row in rows], cls=DjangoJSONEncoder)
            return [row.pk for row in rows] if body else []

        result.paths.append(_path("app", "the app path: the selector, `serializers.crime`, to JSON", app, raw_ids))
        result.profile = _profile(app, runs=PROFILE_RUNS)
    else:
        result.paths.append(
            PathResult("app", "the app path", None, 0, None, None, None, note="`beatbook.opendata.serializers` missing")
        )
    if _route_exists():
        client = Client(SERVER_NAME="127.0.0.1")
        url = f"{URL}?{_query_string(area, month)}"
        sent = itertools.count()

        def http() -> list[int]:
            # A client address of its own for each request, so that the public API's rate limit
            # (when on) does its work for every request but never refuses one.
            n = next(sent)
            response = client.get(url, REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
            if response.status_code != 200:
                raise RuntimeError(f"{url[:80]}...: {response.status_code}")
            return [int(item["id"]) for item in json.loads(response.content)]

        path = _path(
            "http", f"HTTP: `GET {URL}?{'lat=&lng=' if isinstance(area, Circle) else 'poly='}..`", http, raw_ids
        )
        path.note = f"GET URL of {len(url):,} characters"
        result.paths.append(path)
    else:
        result.paths.append(PathResult("http", "HTTP", None, 0, None, None, None, note=f"no route at {URL}"))

    def raw() -> list[int]:
        return [int(row[0]) for row in _raw(area, month, SAME_COLUMNS)]

    raw_path = _path("raw", "raw SQL on the cursor, the selector's columns (tuples)", raw, raw_ids)
    result.paths.append(raw_path)

    def raw_json() -> list[int]:
        return [int(row[0]) for row in _raw(area, month, JSON_COLUMNS)]

    result.paths.append(_path("raw_json", "raw SQL, only the 12 columns the JSON needs", raw_json, raw_ids))
    if connection.vendor == "postgresql" and isinstance(area, Ring):
        ring = area

        def pg_polygon() -> list[int]:
            return [int(row[0]) for row in _raw_pg_polygon(ring, month)]

        path = _path("raw_pg_polygon", "raw SQL, the polygon in SQL (`point <@ polygon`)", pg_polygon, raw_ids)
        if path.same_ids is False:
            path.note = _pg_polygon_difference(ring, month, raw_ids)
        result.paths.append(path)
    return result


def _pg_polygon_difference(ring: Ring, month: dt.date, expected: list[int]) -> str:
    """How PostgreSQL's `<@ polygon` differs from the exact test: the crimes it adds or leaves
    out, and how far outside (or inside) the polygon their snap points are, in metres."""
    rows = _raw_pg_polygon(ring, month)
    lat_at, lng_at = SAME_COLUMNS.index("c.lat"), SAME_COLUMNS.index("c.lng")
    wanted = set(expected)
    extra = [row for row in rows if row[0] not in wanted]
    missing = len(wanted - {row[0] for row in rows})
    scale = np.cos(np.radians(ring.points[0][0]))
    polygon = Polygon([(lng * scale * M_PER_DEG, lat * M_PER_DEG) for lat, lng in ring.points])
    points = {(row[lat_at], row[lng_at]) for row in extra}
    metres = [polygon.exterior.distance(shapely.Point(lng * scale * M_PER_DEG, lat * M_PER_DEG)) for lat, lng in points]
    text = f"{len(extra):,} crimes more and {missing:,} fewer than the exact test"
    if metres:
        text += (
            f": the added ones at {len(points)} snap point{'s' if len(points) != 1 else ''} "
            f"{min(metres):,.0f} to {max(metres):,.0f} m outside the polygon"
        )
    return text


def query_plans(world: QueryWorld) -> list[dict[str, Any]]:
    """The plans of the selector's queries (as it sent them) for the busy circle and the polygon."""
    plans: list[dict[str, Any]] = []
    for key, area in (("busy", world.busy), ("polygon", world.polygon)):
        sent: list[Any] = []
        with connection.execute_wrapper(_capturing(sent)):
            crimes_in_area(area, month=world.month, category=None, cap=CAP)
        for number, (sql, params) in enumerate(sent, start=1):
            text = _explain(sql, params)
            indexes, scans, sorts = _read(text)
            plans.append(
                {
                    "case": key,
                    "query": number,
                    "of": len(sent),
                    "text": text,
                    "indexes": indexes,
                    "full_scans": scans,
                    "sorts": sorts,
                }
            )
    return plans


# ---- The import -----------------------------------------------------------------------------


def _load_rows() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("beatbook.opendata.services.imports")
    except ImportError:
        return None
    found = getattr(module, "load_rows", None)
    return found if callable(found) else None


def _status(field_name: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the process's resident high-water mark (Linux: write 5 to its clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def _timed_rss(run: Callable[[], object]) -> tuple[float, float | None]:
    """The seconds a run took and how far it raised the resident memory's peak, in MiB."""
    gc.collect()
    reset = _reset_peak_rss()
    before = _status("VmRSS")
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    grown = (peak - before) / 2**20 if reset and peak is not None and before is not None else None
    return seconds, grown


def _crimes(force: Force) -> int:
    return PublicCrime.objects.filter(force=force).count()


def _result_note(result: Any) -> str:
    """What load_rows returned, for the report (counts only)."""
    if result is None:
        return ""
    if isinstance(result, dict):
        values = result
    elif hasattr(result, "__dataclass_fields__"):
        values = asdict(result)
    else:
        values = {k: v for k, v in vars(result).items() if not k.startswith("_")} if hasattr(result, "__dict__") else {}
    shown = {
        k: v
        for k, v in values.items()
        if isinstance(v, int) and not isinstance(v, bool) and v and k not in ("rows_total", "total")
    }
    return ", ".join(f"{k.replace('rows_', '').replace('_', ' ')} {v:,}" for k, v in shown.items())


def _lines(text: str) -> Iterator[str]:
    """The file's lines one by one, as the import job reads its stored file."""
    return iter(io.StringIO(text, newline=""))


def import_profile(force: Force, text: str) -> dict[str, Any]:
    """One import of the file's first PROFILE_ROWS rows into empty tables, under cProfile."""
    load_rows = _load_rows()
    if load_rows is None:
        return {}
    opendata_data.clear()
    end = -1
    for _line in range(PROFILE_ROWS + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    head = text[: end + 1]
    profile = _profile(lambda: load_rows(force=force, lines=_lines(head), crime_import=None, on_progress=None))
    return profile | {"rows": head.count("\n") - 1}


def import_cases(force: Force, text: str, *, reps: int = IMPORT_REPS) -> list[ImportResult]:
    """(s) load_rows into empty tables and (t) again with every row loaded, `reps` times each (or
    fewer, at least 2, when the runs take minutes: none starts after IMPORT_BUDGET_S)."""
    rows = text.count("\n") - 1
    load_rows = _load_rows()
    if load_rows is None:
        note = "`beatbook.opendata.services.imports.load_rows` missing"
        return [
            ImportResult("first", "(s) `load_rows`, empty tables", rows, None, note=note),
            ImportResult("second", "(t) `load_rows` again, every row already loaded", rows, None, note=note),
        ]
    first: list[float] = []
    second: list[float] = []
    first_rss: list[float] = []
    second_rss: list[float] = []
    tenths: list[float] = []
    notes: dict[str, str] = {}
    loaded = 0
    outcome: dict[str, Any] = {}
    marks: list[tuple[float, int]] = []
    began: list[float] = []

    def run(slot: str) -> None:
        # The first import notes the time after each batch (load_rows reports its progress then),
        # to show how its speed changes as the table grows.
        marks.clear()
        began[:] = [time.perf_counter()]

        def mark(done: int, _total: int) -> None:
            marks.append((time.perf_counter(), done))

        progress = mark if slot == "first" else None
        outcome[slot] = load_rows(force=force, lines=_lines(text), crime_import=None, on_progress=progress)

    started = time.perf_counter()
    for rep in range(reps):
        if rep >= 2 and time.perf_counter() - started > IMPORT_BUDGET_S:
            break
        opendata_data.clear()
        seconds, grown = _timed_rss(lambda: run("first"))
        first.append(seconds)
        if grown is not None:
            first_rss.append(grown)
        tenths = _tenths(marks, began[0], rows)
        loaded = _crimes(force)
        seconds, grown = _timed_rss(lambda: run("second"))
        second.append(seconds)
        if grown is not None:
            second_rss.append(grown)
        if _crimes(force) != loaded:
            raise RuntimeError(f"the second import changed the crimes: {loaded:,} then {_crimes(force):,}")
        notes = {slot: _result_note(value) for slot, value in outcome.items()}
    return [
        ImportResult(
            "first",
            "(s) `load_rows`, empty tables",
            rows,
            summarise(first),
            max(first_rss) if first_rss else None,
            note=f"{loaded:,} crimes in the table after it" + (f" ({notes['first']})" if notes["first"] else ""),
            tenths=tenths,
        ),
        ImportResult(
            "second",
            "(t) `load_rows` again, every row already loaded",
            rows,
            summarise(second),
            max(second_rss) if second_rss else None,
            note="nothing added" + (f" ({notes['second']})" if notes["second"] else ""),
        ),
    ]


STAGING_COLUMNS = (
    ("crime_id", "varchar(64)"),
    ("month", "varchar(7)"),
    ("reported_by", "varchar(120)"),
    ("falls_within", "varchar(120)"),
    ("longitude", "double precision"),
    ("latitude", "double precision"),
    ("location", "varchar(200)"),
    ("lsoa_code", "varchar(12)"),
    ("lsoa_name", "varchar(120)"),
    ("crime_type", "varchar(60)"),
    ("last_outcome_category", "varchar(120)"),
    ("context", "text"),
)


def _create_staging() -> None:
    columns = ", ".join(f"{name} {kind} NULL" for name, kind in STAGING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"CREATE TABLE {STAGING} ({columns})")


def _staged() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {STAGING}")  # noqa: S608 (a table name)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def copy_case(text: str, rows: int, *, warmup: int = FLOOR_WARMUP, reps: int = FLOOR_REPS) -> ImportResult:
    """(u) PostgreSQL: COPY of the file (FORMAT csv, HEADER) into a plain staging table of its 12
    columns, written in 1 MiB chunks; TRUNCATE and CHECKPOINT (untimed) before each run; the COPY
    and its COMMIT timed."""
    payload = text.encode()
    _create_staging()
    times: list[float] = []
    in_transaction = not connection.get_autocommit()
    for rep in range(warmup + reps):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {STAGING}")
            if not in_transaction:
                cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {STAGING} FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            for start in range(0, len(payload), 2**20):
                copy.write(payload[start : start + 2**20])
        if rep >= warmup:
            times.append(time.perf_counter() - started)
        if _staged() != rows:
            raise RuntimeError(f"COPY loaded {_staged():,} rows of {rows:,}")
    _drop_staging()
    return ImportResult(
        "copy", "(u) PostgreSQL `COPY` of the same file into a plain 12-column table", rows, summarise(times)
    )


def executemany_case(text: str, rows: int, *, warmup: int = FLOOR_WARMUP, reps: int = FLOOR_REPS) -> ImportResult:
    """(u) SQLite: the file parsed with `csv` (untimed, its time reported), then one
    `executemany` of the rows into a plain 12-column table in one transaction, timed with its
    COMMIT; the table dropped and made again (untimed) before each run."""
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(text))
    next(reader)
    parsed = [tuple(None if value == "" else value for value in row) for row in reader]
    parse_seconds = time.perf_counter() - started
    sql = f"INSERT INTO {STAGING} VALUES ({', '.join(['%s'] * len(STAGING_COLUMNS))})"  # noqa: S608
    times: list[float] = []
    for rep in range(warmup + reps):
        _create_staging()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, parsed)
        if rep >= warmup:
            times.append(time.perf_counter() - started)
        if _staged() != rows:
            raise RuntimeError(f"executemany loaded {_staged():,} rows of {rows:,}")
    _drop_staging()
    return ImportResult(
        "executemany",
        "(u) SQLite `executemany` of the parsed rows into a plain 12-column table, one transaction",
        rows,
        summarise(times),
        note=f"parsing the file with `csv.reader` took {parse_seconds:.2f} s more (untimed)",
    )


def _drop_staging() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")


# ---- All ------------------------------------------------------------------------------------


def sizes() -> tuple[int, int]:
    """The crimes and snap points: the full sizes, or BEATBOOK_BENCH_OPENDATA_CRIMES (while
    working on the benchmark; the snap points scale with it)."""
    crimes = int(os.environ.get("BEATBOOK_BENCH_OPENDATA_CRIMES", opendata_data.CRIMES))
    snaps = max(50, round(opendata_data.SNAP_POINTS * crimes / opendata_data.CRIMES))
    return crimes, snaps


def run_all(
    crimes: int | None = None,
    snap_points: int | None = None,
    *,
    import_reps: int = IMPORT_REPS,
    floor_reps: int = FLOOR_REPS,
    progress: Callable[[str], None] = lambda _text: None,
) -> dict[str, Any]:
    """Build the force's crimes, time crimes-street on them, then empty the tables and time the
    import of the same crimes as a CSV file: the world's figures and the results, JSON-ready."""
    default_crimes, default_snaps = sizes()
    crimes = default_crimes if crimes is None else crimes
    snap_points = default_snaps if snap_points is None else snap_points
    progress(f"generating and loading {crimes:,} published crimes")
    world = build(crimes, snap_points)
    progress(f"loaded in {world.load_seconds:.1f} s; timing crimes-street")
    areas = [
        area_case(world, "busy", "(p) one-mile radius round the busiest point (the town centre)", world.busy),
        area_case(world, "quiet", "(q) one-mile radius round a quiet point (a rural cluster centre)", world.quiet),
        area_case(world, "polygon", f"(r) a neighbourhood-sized polygon of {POLYGON_POINTS} points", world.polygon),
    ]
    plans = query_plans(world)
    progress("writing the CSV file")
    started = time.perf_counter()
    text = opendata_data.csv_text(world.data, world.force)
    csv_seconds = time.perf_counter() - started
    rows = text.count("\n") - 1
    progress(f"timing the import floor ({'COPY' if connection.vendor == 'postgresql' else 'executemany'})")
    opendata_data.clear()
    if connection.vendor == "postgresql":
        floor = copy_case(text, rows, reps=floor_reps)
    else:
        floor = executemany_case(text, rows, reps=floor_reps)
    progress("timing the import (`load_rows`)")
    imports = [*import_cases(world.force, text, reps=import_reps), floor]
    progress(f"profiling the import of {min(PROFILE_ROWS, rows):,} rows")
    profile = import_profile(world.force, text)
    polygon = Polygon([(lng, lat) for lat, lng in world.polygon.points])
    km2 = polygon.area * (M_PER_DEG / 1000) ** 2 * np.cos(np.radians(world.busy.lat))
    return {
        "crimes": world.data.crimes,
        "snap_points": world.data.snap_points,
        "months": opendata_data.MONTHS,
        "month": f"{world.month:%Y-%m}",
        "month_crimes": int((world.data.month == opendata_data.MONTHS - 1).sum()),
        "no_location": int((world.data.snap < 0).sum()),
        "generate_seconds": world.data.generate_seconds,
        "load_seconds": world.load_seconds,
        "csv_seconds": csv_seconds,
        "csv_bytes": len(text.encode()),
        "csv_rows": rows,
        "busy": [world.busy.lat, world.busy.lng],
        "quiet": [world.quiet.lat, world.quiet.lng],
        "polygon_points": len(world.polygon.points),
        "polygon_km2": float(km2),
        "serializer": _serialiser() is not None,
        "areas": [asdict(area) for area in areas],
        "imports": [asdict(result) for result in imports],
        "import_profile": profile,
        "plans": plans,
        "cores": os.cpu_count(),
    }
