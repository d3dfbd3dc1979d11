"""The open-data benchmark's data: one force's published street-level crimes, as police.uk
publishes them, and the same crimes as a police.uk `*-street.csv` file.

Deterministic (numpy, seeded). The force covers a 40 x 40 km square around a town. As in the
project's machine limits (limits.md §2), crimes gather round cluster centres of lognormal weight
(a Gaussian spread of 300 m), with a fifth spread uniformly over the square. Here the centres
gather round one town and four smaller ones, with a quarter scattered over the countryside. The
busiest centre is the town centre. The snap points (the anonymous map points crimes are published
on) are spread like the streets: round the centres (not weighted by crime) and over the
countryside. Every crime is placed on its nearest snap point, except 1 % published without a
location.

`load` writes the crimes, their snap points and the published months straight into the tables
(PostgreSQL COPY, SQLite executemany): benchmark data, not application writes, so no services and
no audit events. `csv_text` writes the same crimes as the police.uk file that the import reads.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.db import connection, transaction
from django.utils import translation

from beatbook.opendata.models import OutcomeCategory
from beatbook.org.models import Force

SEED = 20261127
CRIMES = 1_000_000
SNAP_POINTS = 20_000
MONTHS = 24
FIRST_MONTH = dt.date(2024, 1, 1)
TOWN_LAT, TOWN_LNG = 52.6365, -1.1330  # the centre of the square
SIDE_M = 40_000.0
CENTRES = 300
# (share of the centres, spread in metres) round the town and the four smaller towns; the rest of
# the centres are uniform over the square.
TOWNS: tuple[tuple[float, float], ...] = ((0.50, 4_000.0), *((0.0625, 1_500.0),) * 4)
CLUSTER_SPREAD_M = 300.0
CLUSTERED_SHARE = 0.8  # of the crimes, round a centre; the rest uniform over the square
SNAP_CLUSTERED_SHARE = 0.7  # of the snap points, round a centre (any centre alike)
SNAP_SPREAD_M = 500.0
NO_LOCATION_SHARE = 0.01
M_PER_DEG = 111_320.0
CREATED_AT = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
FORCE_SLUG = "opendata-bench"
FORCE_NAME = "Opendata Benchmark Police"

# police.uk categories: slug, the name in the CSV files, share (limits.md §2).
CATEGORIES: tuple[tuple[str, str, float], ...] = (
    ("anti-social-behaviour", "Anti-social behaviour", 0.35),
    ("violent-crime", "Violence and sexual offences", 0.205),
    ("public-order", "Public order", 0.06),
    ("criminal-damage-arson", "Criminal damage and arson", 0.07),
    ("other-theft", "Other theft", 0.06),
    ("shoplifting", "Shoplifting", 0.06),
    ("vehicle-crime", "Vehicle crime", 0.05),
    ("burglary", "Burglary", 0.04),
    ("drugs", "Drugs", 0.03),
    ("other-crime", "Other crime", 0.02),
    ("robbery", "Robbery", 0.015),
    ("theft-from-the-person", "Theft from the person", 0.015),
    ("bicycle-theft", "Bicycle theft", 0.015),
    ("possession-of-weapons", "Possession of weapons", 0.01),
)
# Last outcomes (a code of OutcomeCategory) and their shares among the crimes that are not ASB.
OUTCOMES: tuple[tuple[str, float], ...] = (
    (OutcomeCategory.NO_FURTHER_ACTION, 0.40),
    (OutcomeCategory.UNABLE_TO_PROSECUTE, 0.25),
    (OutcomeCategory.UNDER_INVESTIGATION, 0.10),
    (OutcomeCategory.AWAITING_COURT_RESULT, 0.05),
    (OutcomeCategory.LOCAL_RESOLUTION, 0.05),
    (OutcomeCategory.CAUTIONED, 0.03),
    (OutcomeCategory.FURTHER_INVESTIGATION_NOT_IN_PUBLIC_INTEREST, 0.04),
    (OutcomeCategory.ACTION_TAKEN_BY_ANOTHER_ORGANISATION, 0.03),
    (OutcomeCategory.COURT_RESULT_UNAVAILABLE, 0.03),
    (OutcomeCategory.STATUS_UPDATE_UNAVAILABLE, 0.02),
)
CSV_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
_STREET_FIRST = (
    "Abbey", "Alder", "Barley", "Bell", "Birch", "Brook", "Canal", "Chapel", "Cherry", "Church",
    "Clover", "Cross", "Dale", "Elm", "Fern", "Field", "Forge", "Fox", "Glebe", "Hazel",
    "Heath", "Holly", "Kiln", "Lark", "Linden", "Malt", "Maple", "Meadow", "Mill", "Moor",
    "Orchard", "Pond", "Priory", "Quarry", "Rose", "Rowan", "School", "Spring", "Tannery", "Well",
)  # fmt: skip
_STREET_KIND = (
    "Street", "Road", "Lane", "Avenue", "Close", "Way", "Drive", "Place", "Crescent", "Terrace",
    "Gardens", "Court", "Row", "Walk", "Rise",
)  # fmt: skip
STREETS = tuple(f"{a} {b}" for a in _STREET_FIRST for b in _STREET_KIND)  # 600 names
LSOA_CELL_M = 1_000.0  # one LSOA per square kilometre


@dataclass(frozen=True)
class OpenData:
    """The generated crimes and snap points as numpy arrays (index -1: none)."""

    snap_lat: npt.NDArray[np.float64]
    snap_lng: npt.NDArray[np.float64]
    snap_street: npt.NDArray[np.int32]
    snap_lsoa: npt.NDArray[np.int32]
    month: npt.NDArray[np.int16]  # months after FIRST_MONTH
    category: npt.NDArray[np.int8]
    snap: npt.NDArray[np.int32]  # the crime's snap point, -1 for no location
    outcome: npt.NDArray[np.int8]  # -1 for none (ASB)
    outcome_lag: npt.NDArray[np.int8]  # months from the crime's month to its outcome's
    # The crimes' 64-hex crime ids and source keys, end to end in one string each (not lists of a
    # million strings, which every full garbage collection would walk while the queries are timed).
    pid_hex: str
    key_hex: str
    centre_lat: npt.NDArray[np.float64]  # the cluster centres, the busiest first
    centre_lng: npt.NDArray[np.float64]
    centre_weight: npt.NDArray[np.float64]
    centre_rural: npt.NDArray[np.bool_]  # scattered over the countryside, not round a town
    generate_seconds: float

    @property
    def crimes(self) -> int:
        return int(self.month.size)

    @property
    def snap_points(self) -> int:
        return int(self.snap_lat.size)

    def persistent_ids(self) -> Iterator[str]:
        """Each crime's police.uk crime id ("" for ASB), in order."""
        text = self.pid_hex
        for i, category in enumerate(self.category.tolist()):
            yield "" if category == 0 else text[64 * i : 64 * i + 64]

    def source_keys(self) -> Iterator[str]:
        text = self.key_hex
        return (text[64 * i : 64 * i + 64] for i in range(self.crimes))

    def crime_lat_lng(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Each crime's published point (NaN for no location)."""
        located = self.snap >= 0
        lat = np.full(self.crimes, np.nan)
        lng = np.full(self.crimes, np.nan)
        lat[located] = self.snap_lat[self.snap[located]]
        lng[located] = self.snap_lng[self.snap[located]]
        return lat, lng


def month_of(index: int) -> dt.date:
    years, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return dt.date(FIRST_MONTH.year + years, month + 1, 1)


def _metres_to_degrees(y: npt.NDArray[np.float64], x: npt.NDArray[np.float64]) -> tuple[Any, Any]:
    lat = TOWN_LAT + y / M_PER_DEG
    lng = TOWN_LNG + x / (M_PER_DEG * math.cos(math.radians(TOWN_LAT)))
    return np.round(lat, 6), np.round(lng, 6)


def _hex(rng: np.random.Generator, count: int) -> str:
    """`count` random 64-hex values, end to end."""
    return rng.bytes(32 * count).hex()


def generate(crimes: int = CRIMES, snap_points: int = SNAP_POINTS, seed: int = SEED) -> OpenData:
    """The force's crimes and snap points, deterministic for (crimes, snap_points, seed)."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    half = SIDE_M / 2
    # Cluster centres: round the towns (the first is at the centre of the square), and rural.
    town_y = np.concatenate([[0.0], rng.uniform(-0.7 * half, 0.7 * half, len(TOWNS) - 1)])
    town_x = np.concatenate([[0.0], rng.uniform(-0.7 * half, 0.7 * half, len(TOWNS) - 1)])
    counts = [round(share * CENTRES) for share, _spread in TOWNS]
    cy_parts, cx_parts = [], []
    for (_share, spread), count, ty, tx in zip(TOWNS, counts, town_y, town_x, strict=True):
        cy_parts.append(ty + rng.normal(0, spread, count))
        cx_parts.append(tx + rng.normal(0, spread, count))
    rural = CENTRES - sum(counts)
    cy_parts.append(rng.uniform(-half, half, rural))
    cx_parts.append(rng.uniform(-half, half, rural))
    cy = np.clip(np.concatenate(cy_parts), -half + 500, half - 500)
    cx = np.clip(np.concatenate(cx_parts), -half + 500, half - 500)
    cy[0] = cx[0] = 0.0  # the town centre
    centre_rural = np.arange(CENTRES) >= CENTRES - rural
    weight = np.sort(rng.lognormal(0.0, 1.5, CENTRES))[::-1].copy()  # the heaviest: the town centre
    weight[1:] = rng.permutation(weight[1:])
    weight /= weight.sum()

    # Snap points: round the centres (any centre alike) and over the countryside.
    n_near = int(SNAP_CLUSTERED_SHARE * snap_points)
    near = rng.integers(0, CENTRES, n_near)
    sy = np.concatenate(
        [cy[near] + rng.normal(0, SNAP_SPREAD_M, n_near), rng.uniform(-half, half, snap_points - n_near)]
    )
    sx = np.concatenate(
        [cx[near] + rng.normal(0, SNAP_SPREAD_M, n_near), rng.uniform(-half, half, snap_points - n_near)]
    )
    sy, sx = np.clip(sy, -half, half), np.clip(sx, -half, half)
    snap_lat, snap_lng = _metres_to_degrees(sy, sx)
    # Unique points (the table's unique key includes the street name, but two points on one spot
    # would be one point): nudge any repeat by a millionth of a degree.
    _, first = np.unique(np.stack([snap_lat, snap_lng], axis=1), axis=0, return_index=True)
    repeated = np.setdiff1d(np.arange(snap_points), first)
    snap_lat[repeated] += 1e-6 * (1 + np.arange(repeated.size))
    snap_street = rng.integers(0, len(STREETS), snap_points).astype(np.int32)
    cells = int(SIDE_M // LSOA_CELL_M)
    row = np.minimum(((sy + half) // LSOA_CELL_M).astype(np.int32), cells - 1)
    col = np.minimum(((sx + half) // LSOA_CELL_M).astype(np.int32), cells - 1)
    snap_lsoa = (row * cells + col).astype(np.int32)

    # Crimes: round a centre by weight, or uniform; then on the nearest snap point.
    n_cl = int(CLUSTERED_SHARE * crimes)
    ci = rng.choice(CENTRES, n_cl, p=weight)
    py = np.concatenate([cy[ci] + rng.normal(0, CLUSTER_SPREAD_M, n_cl), rng.uniform(-half, half, crimes - n_cl)])
    px = np.concatenate([cx[ci] + rng.normal(0, CLUSTER_SPREAD_M, n_cl), rng.uniform(-half, half, crimes - n_cl)])
    tree = shapely.STRtree(shapely.points(sx, sy))
    snap = np.empty(crimes, dtype=np.int32)
    step = 200_000
    for start in range(0, crimes, step):
        found = tree.query_nearest(
            shapely.points(px[start : start + step], py[start : start + step]), all_matches=False
        )
        snap[start + found[0]] = found[1]
    snap[rng.random(crimes) < NO_LOCATION_SHARE] = -1
    # Months with a mild seasonality (summer busiest), physical order by month as monthly files load.
    season = 1 + 0.1 * np.sin((np.arange(MONTHS) + FIRST_MONTH.month - 4) / 12 * 2 * np.pi)
    month = rng.choice(MONTHS, crimes, p=season / season.sum()).astype(np.int16)
    category = rng.choice(len(CATEGORIES), crimes, p=[share for _s, _n, share in CATEGORIES]).astype(np.int8)
    outcome = rng.choice(len(OUTCOMES), crimes, p=[share for _c, share in OUTCOMES]).astype(np.int8)
    asb = category == 0
    outcome[asb] = -1
    lag = np.minimum(rng.geometric(0.5, crimes) - 1, MONTHS - 1 - month).astype(np.int8)
    order = np.lexsort((rng.random(crimes), month))
    pid_hex = _hex(rng, crimes)
    return OpenData(
        snap_lat=snap_lat,
        snap_lng=snap_lng,
        snap_street=snap_street,
        snap_lsoa=snap_lsoa,
        month=month[order],
        category=category[order],
        snap=snap[order],
        outcome=outcome[order],
        outcome_lag=lag[order],
        pid_hex=pid_hex,
        key_hex=_hex(rng, crimes),
        centre_lat=_metres_to_degrees(cy, cx)[0],
        centre_lng=_metres_to_degrees(cy, cx)[1],
        centre_weight=weight,
        centre_rural=centre_rural,
        generate_seconds=time.perf_counter() - started,
    )


def _outcome_names() -> dict[str, str]:
    with translation.override("en-gb"):
        return {str(choice.value): str(choice.label) for choice in OutcomeCategory}


def lsoa_code(cell: int) -> str:
    return f"E01{30_000 + cell:06d}"


def lsoa_name(cell: int) -> str:
    return f"Benchtown {cell // 4 + 1:03d}{'ABCD'[cell % 4]}"


def street_name(index: int) -> str:
    return f"On or near {STREETS[index]}"


def force(slug: str = FORCE_SLUG) -> Force:
    """The benchmark's force (created if it is not there)."""
    found, _created = Force.objects.get_or_create(
        slug=slug, defaults={"name": FORCE_NAME, "country": "england", "short_code": "ODB"}
    )
    return found


def csv_rows(data: OpenData, force: Force) -> Iterator[str]:
    """The crimes as the lines of a police.uk `*-street.csv` file, the header first (no newlines)."""
    yield CSV_HEADER
    names = _outcome_names()
    outcome_names = [names[str(code)] for code, _share in OUTCOMES]
    lat = [f"{v:.6f}" for v in data.snap_lat.tolist()]
    lng = [f"{v:.6f}" for v in data.snap_lng.tolist()]
    where = [street_name(i) for i in data.snap_street.tolist()]
    codes = [lsoa_code(c) for c in data.snap_lsoa.tolist()]
    lsoas = [lsoa_name(c) for c in data.snap_lsoa.tolist()]
    months = [f"{month_of(i):%Y-%m}" for i in range(MONTHS)]
    kinds = [name for _slug, name, _share in CATEGORIES]
    by = force.name
    for pid, m, snap, cat, out in zip(
        data.persistent_ids(),
        data.month.tolist(),
        data.snap.tolist(),
        data.category.tolist(),
        data.outcome.tolist(),
        strict=True,
    ):
        outcome = outcome_names[out] if out >= 0 else ""
        if snap < 0:
            yield f"{pid},{months[m]},{by},{by},,,No Location,,,{kinds[cat]},{outcome},"
        else:
            yield (
                f"{pid},{months[m]},{by},{by},{lng[snap]},{lat[snap]},{where[snap]},{codes[snap]},{lsoas[snap]},"
                f"{kinds[cat]},{outcome},"
            )


def csv_text(data: OpenData, force: Force) -> str:
    return "\n".join(csv_rows(data, force)) + "\n"


# ---- Writing the tables ---------------------------------------------------------------------

SNAP_COLUMNS = ("id", "force_id", "lat", "lng", "name", "source", "created_at")
CRIME_COLUMNS = (
    "id", "force_id", "neighbourhood_id", "month", "category", "persistent_id", "snap_point_id", "lat", "lng",
    "location_subtype", "context", "outcome", "outcome_month", "lsoa_code", "lsoa_name", "reported_by",
    "falls_within", "source", "source_key", "incident_id", "crime_import_id", "created_at",
)  # fmt: skip
MONTH_COLUMNS = ("id", "force_id", "month", "crime_count", "updated_at")
CHUNK = 50_000


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a table name)
        row = cursor.fetchone()
    return int(row[0]) + 1 if row else 1


def _write(table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> None:
    """Rows straight into a table: COPY on PostgreSQL, executemany on SQLite, a chunk at a time."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def _value(value: Any) -> Any:
    """A value as the database wants it on this connection (dates and times as text on SQLite)."""
    if connection.vendor == "postgresql":
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load(data: OpenData, force: Force) -> float:
    """Write the crimes, snap points and published months into the tables; the seconds it took."""
    started = time.perf_counter()
    created = _value(CREATED_AT)
    months = [_value(month_of(i)) for i in range(MONTHS)]
    with transaction.atomic():
        first_snap = _next_id("opendata_snappoint")
        snap_names = [street_name(i) for i in data.snap_street.tolist()]
        _write(
            "opendata_snappoint",
            SNAP_COLUMNS,
            (
                (first_snap + i, force.pk, lat, lng, snap_names[i], "import", created)
                for i, (lat, lng) in enumerate(zip(data.snap_lat.tolist(), data.snap_lng.tolist(), strict=True))
            ),
        )
        first_crime = _next_id("opendata_publiccrime")
        lat, lng = data.snap_lat.tolist(), data.snap_lng.tolist()
        codes = [lsoa_code(c) for c in data.snap_lsoa.tolist()]
        lsoas = [lsoa_name(c) for c in data.snap_lsoa.tolist()]
        slugs = [slug for slug, _name, _share in CATEGORIES]
        outcomes = [str(code) for code, _share in OUTCOMES]

        def crimes() -> Iterator[tuple[Any, ...]]:
            for i, (m, cat, snap, out, lag, pid, key) in enumerate(
                zip(
                    data.month.tolist(),
                    data.category.tolist(),
                    data.snap.tolist(),
                    data.outcome.tolist(),
                    data.outcome_lag.tolist(),
                    data.persistent_ids(),
                    data.source_keys(),
                    strict=True,
                )
            ):
                located = snap >= 0
                yield (
                    first_crime + i,
                    force.pk,
                    None,
                    months[m],
                    slugs[cat],
                    pid,
                    first_snap + snap if located else None,
                    lat[snap] if located else None,
                    lng[snap] if located else None,
                    "",
                    "",
                    outcomes[out] if out >= 0 else "",
                    months[m + lag] if out >= 0 else None,
                    codes[snap] if located else "",
                    lsoas[snap] if located else "",
                    force.name,
                    force.name,
                    "import",
                    key,
                    None,
                    None,
                    created,
                )

        _write("opendata_publiccrime", CRIME_COLUMNS, crimes())
        per_month = np.bincount(data.month, minlength=MONTHS).tolist()
        first_month = _next_id("opendata_publishedmonth")
        _write(
            "opendata_publishedmonth",
            MONTH_COLUMNS,
            ((first_month + i, force.pk, months[i], per_month[i], created) for i in range(MONTHS)),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("opendata_snappoint", "opendata_publiccrime", "opendata_publishedmonth"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                )
            cursor.execute("ANALYZE opendata_snappoint, opendata_publiccrime, opendata_publishedmonth")
    return time.perf_counter() - started


def clear() -> None:
    """Empty the open-data tables (before an import into an empty table)."""
    tables = ("opendata_publicoutcome", "opendata_publiccrime", "opendata_publishedmonth", "opendata_snappoint")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a table name)
