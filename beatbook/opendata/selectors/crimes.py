"""Reading published crimes: by area and month (crimes-street), by snap point, without a location,
by crime id; and the months published.

Area queries filter on the `(month, lat, lng)` index with the area's bounding box, then keep the
points inside the area exactly: a circle in SQL (plain arithmetic, so the same on SQLite and
PostgreSQL), a polygon with shapely over the candidates' coordinates. More than `cap` results
raise `OverCap` (the API answers 503, as police.uk does above 10,000).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import shapely
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import ExpressionWrapper
from shapely.geometry import Polygon

from beatbook.org.models import Force

from ..geometry import M_PER_DEG, Area, Circle, Ring
from ..models import PublicCrime, PublishedMonth, SnapPoint

MONTHS_SERVED = 36
FETCH_CHUNK = 2000


class OverCapError(Exception):
    """The query would return more crimes than the cap."""


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


def _base(month: dt.date, category: str | None) -> QuerySet[PublicCrime]:
    crimes = PublicCrime.objects.filter(month=month)
    if category:
        crimes = crimes.filter(category=category)
    return crimes


def _with_street(crimes: QuerySet[PublicCrime]) -> QuerySet[PublicCrime]:
    return crimes.select_related("snap_point").order_by("id")


def crimes_in_area(area: Area, *, month: dt.date, category: str | None, cap: int) -> list[PublicCrime]:
    """Published crimes of the month inside the area (all categories when `category` is None),
    with their snap points, by id; OverCapError above `cap`."""
    min_lat, max_lat, min_lng, max_lng = area.bbox()
    boxed = _base(month, category).filter(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng)
    if isinstance(area, Circle):
        scale = M_PER_DEG * math.cos(math.radians(area.lat))
        dy = ExpressionWrapper((F("lat") - area.lat) * M_PER_DEG, output_field=FloatField())
        dx = ExpressionWrapper((F("lng") - area.lng) * scale, output_field=FloatField())
        inside = boxed.annotate(dist2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())).filter(
            dist2__lte=area.radius_m**2
        )
        rows = list(_with_street(inside)[: cap + 1])
        if len(rows) > cap:
            raise OverCapError
        return rows
    ids = _ids_in_ring(area, boxed)
    if len(ids) > cap:
        raise OverCapError
    return _fetch(ids)


def _ids_in_ring(ring: Ring, boxed: QuerySet[PublicCrime]) -> list[int]:
    candidates = list(boxed.values_list("id", "lat", "lng"))
    if not candidates:
        return []
    table = np.asarray(candidates, dtype=float)
    polygon = Polygon([(lng, lat) for lat, lng in ring.points])
    if not polygon.is_valid:
        polygon = polygon.buffer(0)
    shapely.prepare(polygon)
    mask = shapely.intersects_xy(polygon, table[:, 2], table[:, 1])
    return sorted(int(i) for i in table[mask, 0])


def _fetch(ids: Iterable[int]) -> list[PublicCrime]:
    wanted = list(ids)
    rows: list[PublicCrime] = []
    for start in range(0, len(wanted), FETCH_CHUNK):
        rows.extend(_with_street(PublicCrime.objects.filter(pk__in=wanted[start : start + FETCH_CHUNK])))
    return rows


def nearest_snap_point(lat: float, lng: float, *, within_m: float = 2000.0) -> SnapPoint | None:
    """The snap point nearest to a point, within `within_m` metres (any force), or None."""
    circle = Circle(lat, lng, within_m)
    min_lat, max_lat, min_lng, max_lng = circle.bbox()
    scale = M_PER_DEG * math.cos(math.radians(lat))
    dy = ExpressionWrapper((F("lat") - lat) * M_PER_DEG, output_field=FloatField())
    dx = ExpressionWrapper((F("lng") - lng) * scale, output_field=FloatField())
    return (
        SnapPoint.objects.filter(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng)
        .annotate(dist2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField()))
        .filter(dist2__lte=within_m**2)
        .order_by("dist2", "id")
        .first()
    )


def crimes_at_location(snap_point_id: int, *, month: dt.date, category: str | None = None) -> list[PublicCrime]:
    return list(_with_street(_base(month, category).filter(snap_point_id=snap_point_id)))


def crimes_without_location(force: Force, *, month: dt.date, category: str | None) -> list[PublicCrime]:
    return list(_base(month, category).filter(force=force, snap_point__isnull=True).order_by("id"))


def crime_by_persistent_id(persistent_id: str) -> PublicCrime | None:
    """The crime with this 64-hex id (the newest, should a force have published it twice)."""
    if not persistent_id:
        return None
    return (
        PublicCrime.objects.filter(persistent_id=persistent_id)
        .select_related("snap_point")
        .prefetch_related("outcomes")
        .order_by("-month", "-id")
        .first()
    )
