"""Reading published crimes and their outcomes: by area and month (crimes-street,
outcomes-at-location), by snap point, without a location, by crime id; the categories used in a
month; and the months published.

Area queries filter on the `(month, lat, lng)` index with the area's bounding box, then keep the
points inside the area exactly: a circle in SQL (plain arithmetic, so the same on SQLite and
PostgreSQL), a polygon with shapely over the candidates' coordinates, read in chunks so that an
area far over the cap stops early. More than `cap` results raise `OverCapError` (the API answers
503, as police.uk does above 10,000). Every function runs a fixed number of queries, whatever
the number of rows (a polygon's rows are fetched by id in chunks of `FETCH_CHUNK`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import shapely
from django.db.models import F, FloatField, Model, QuerySet
from django.db.models.expressions import ExpressionWrapper
from shapely.geometry import Polygon

from beatbook.org.models import Force

from ..geometry import M_PER_DEG, Area, Circle, Ring
from ..models import PublicCrime, PublicOutcome, PublishedMonth, SnapPoint

MONTHS_SERVED = 36
FETCH_CHUNK = 2000
CANDIDATE_CHUNK = 5000
# How far from a point crimes-at-location looks for the nearest snap point.
SNAP_SEARCH_M = 2000.0


class OverCapError(Exception):
    """The query would return more crimes (or outcomes) than the cap."""


def months_available(limit: int = MONTHS_SERVED) -> list[dt.date]:
    """Months with published crimes in any force, newest first (one query on a small table)."""
    months = (
        PublishedMonth.objects.filter(crime_count__gt=0)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:limit]
    )
    return list(months)


def latest_month() -> dt.date | None:
    months = months_available(limit=1)
    return months[0] if months else None


def categories_used(month: dt.date, *, besides: Iterable[str] = ()) -> set[str]:
    """The category slugs of the month's published crimes in any force, other than `besides`
    (the standard ones, which are always listed), in one query."""
    crimes = PublicCrime.objects.filter(month=month).exclude(category__in=list(besides))
    return set(crimes.values_list("category", flat=True).distinct())


def category_used(month: dt.date, category: str) -> bool:
    return PublicCrime.objects.filter(month=month, category=category).exists()


def _base(month: dt.date, category: str | None) -> QuerySet[PublicCrime]:
    crimes = PublicCrime.objects.filter(month=month)
    if category:
        crimes = crimes.filter(category=category)
    return crimes


def _with_street(crimes: QuerySet[PublicCrime]) -> QuerySet[PublicCrime]:
    return crimes.select_related("snap_point").order_by("id")


def _dist2(lat: float, lng: float, prefix: str = "") -> ExpressionWrapper[Any]:
    """Squared flat-earth distance in metres from (lat, lng) to the row's `<prefix>lat/lng`."""
    scale = M_PER_DEG * math.cos(math.radians(lat))
    dy = ExpressionWrapper((F(f"{prefix}lat") - lat) * M_PER_DEG, output_field=FloatField())
    dx = ExpressionWrapper((F(f"{prefix}lng") - lng) * scale, output_field=FloatField())
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


def _in_box[RowT: Model](rows: QuerySet[RowT], area: Area, prefix: str = "") -> QuerySet[RowT]:
    min_lat, max_lat, min_lng, max_lng = area.bbox()
    return rows.filter(
        **{
            f"{prefix}lat__gte": min_lat,
            f"{prefix}lat__lte": max_lat,
            f"{prefix}lng__gte": min_lng,
            f"{prefix}lng__lte": max_lng,
        }
    )


def crimes_in_area(area: Area, *, month: dt.date, category: str | None, cap: int) -> list[PublicCrime]:
    """Published crimes of the month inside the area (all categories when `category` is None),
    with their snap points, by id; OverCapError above `cap`."""
    boxed = _in_box(_base(month, category), area)
    if isinstance(area, Circle):
        inside = boxed.annotate(dist2=_dist2(area.lat, area.lng)).filter(dist2__lte=area.radius_m**2)
        rows = list(_with_street(inside)[: cap + 1])
        if len(rows) > cap:
            raise OverCapError
        return rows
    ids = _ids_in_ring(area, boxed.values_list("id", "lat", "lng"), cap=cap)
    return _fetch(_with_street(PublicCrime.objects.all()), ids)


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ids_in_ring(ring: Ring, candidates: QuerySet[Any, tuple[Any, ...]], *, cap: int) -> list[int]:
    """The ids of the (id, lat, lng) candidates inside the ring, read in one query (chunked, so
    that a huge area stops as soon as it passes the cap); OverCapError above `cap`."""
    polygon = Polygon([(lng, lat) for lat, lng in ring.points])
    if not polygon.is_valid:
        polygon = polygon.buffer(0)
    shapely.prepare(polygon)
    found: list[int] = []
    for chunk in _chunks(candidates.iterator(chunk_size=CANDIDATE_CHUNK), CANDIDATE_CHUNK):
        table = np.asarray(chunk, dtype=float)
        mask = shapely.intersects_xy(polygon, table[:, 2], table[:, 1])
        found.extend(int(i) for i in table[mask, 0])
        if len(found) > cap:
            raise OverCapError
    return sorted(found)


def _fetch[RowT: Model](rows: QuerySet[RowT], ids: Iterable[int]) -> list[RowT]:
    wanted = list(ids)
    fetched: list[RowT] = []
    for start in range(0, len(wanted), FETCH_CHUNK):
        fetched.extend(rows.filter(pk__in=wanted[start : start + FETCH_CHUNK]))
    return fetched


def nearest_snap_point(lat: float, lng: float, *, within_m: float = SNAP_SEARCH_M) -> SnapPoint | None:
    """The snap point nearest to a point, within `within_m` metres (any force), or None."""
    return (
        _in_box(SnapPoint.objects.all(), Circle(lat, lng, within_m))
        .annotate(dist2=_dist2(lat, lng))
        .filter(dist2__lte=within_m**2)
        .order_by("dist2", "id")
        .first()
    )


def crimes_at_location(snap_point_id: int, *, month: dt.date, category: str | None = None) -> list[PublicCrime]:
    return list(_with_street(_base(month, category).filter(snap_point_id=snap_point_id)))


def crimes_near_location(lat: float, lng: float, *, month: dt.date) -> list[PublicCrime]:
    """crimes-at-location by a point: the crimes at the snap point nearest to it (two queries)."""
    point = nearest_snap_point(lat, lng)
    return [] if point is None else crimes_at_location(point.pk, month=month)


def crimes_without_location(force: Force, *, month: dt.date, category: str | None) -> list[PublicCrime]:
    return list(_base(month, category).filter(force=force, snap_point__isnull=True).order_by("id"))


def crime_by_persistent_id(persistent_id: str) -> PublicCrime | None:
    """The crime with this 64-hex id (the newest, should a force have published it twice), with
    its outcomes prefetched in date order (two queries)."""
    if not persistent_id:
        return None
    return (
        PublicCrime.objects.filter(persistent_id=persistent_id)
        .select_related("snap_point")
        .prefetch_related("outcomes")
        .order_by("-month", "-id")
        .first()
    )


def _outcomes(month: dt.date) -> QuerySet[PublicOutcome]:
    return PublicOutcome.objects.filter(month=month, crime__snap_point__isnull=False)


def _with_crime(outcomes: QuerySet[PublicOutcome]) -> QuerySet[PublicOutcome]:
    return outcomes.select_related("crime__snap_point").order_by("crime_id", "month", "id")


def outcomes_in_area(area: Area, *, month: dt.date, cap: int) -> list[PublicOutcome]:
    """The outcomes recorded in the month for located crimes inside the area (whatever the crime's
    own month), each with its crime and snap point; OverCapError above `cap`."""
    boxed = _in_box(_outcomes(month), area, prefix="crime__")
    if isinstance(area, Circle):
        inside = boxed.annotate(dist2=_dist2(area.lat, area.lng, prefix="crime__")).filter(dist2__lte=area.radius_m**2)
        rows = list(_with_crime(inside)[: cap + 1])
        if len(rows) > cap:
            raise OverCapError
        return rows
    ids = _ids_in_ring(area, boxed.values_list("id", "crime__lat", "crime__lng"), cap=cap)
    return _fetch(_with_crime(PublicOutcome.objects.all()), ids)


def outcomes_at_location(snap_point_id: int, *, month: dt.date, cap: int) -> list[PublicOutcome]:
    """The outcomes recorded in the month for the crimes at one snap point."""
    rows = list(_with_crime(_outcomes(month).filter(crime__snap_point_id=snap_point_id))[: cap + 1])
    if len(rows) > cap:
        raise OverCapError
    return rows


def outcomes_near_location(lat: float, lng: float, *, month: dt.date, cap: int) -> list[PublicOutcome]:
    """outcomes-at-location by a point: within a mile of it, as police.uk does."""
    return outcomes_in_area(Circle(lat, lng), month=month, cap=cap)
