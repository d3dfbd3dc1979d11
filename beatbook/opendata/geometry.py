"""Parsing the police.uk API's query values: months, points, polygons; and the areas they make.

Every parser raises `BadQueryError` (answered as 400) for anything it cannot read, never another
exception: the public API must not answer a malformed query string with a server error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Polygon

from beatbook.core import geo

# One mile, the radius of the police.uk point queries.
MILE_M = 1609.344
# Metres per degree of latitude (and of longitude at the equator), for the local flat-earth
# distance that both databases can compute with plain arithmetic (error well under 1 m at 1 mile).
M_PER_DEG = 111_320.0
MAX_POLY_POINTS = 10_000
# The most points a published boundary has: more are simplified away (it is posted back as a poly).
MAX_BOUNDARY_POINTS = 750
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
# A location id (a snap point's key): digits only, and small enough for a 64-bit integer column.
_LOCATION_ID = re.compile(r"^[0-9]{1,18}\Z")


class BadQueryError(ValueError):
    """A query value the API cannot read (400)."""


def parse_month(text: str | None) -> dt.date | None:
    """`YYYY-MM` as the first day of the month; None for no value ("", "undefined" as one npm
    client sends, or absent); BadQueryError for anything else."""
    if text is None or text.strip() in {"", "undefined", "null"}:
        return None
    found = _MONTH.match(text.strip())
    if not found:
        raise BadQueryError("date must be YYYY-MM")
    year, month = int(found.group(1)), int(found.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise BadQueryError("date must be YYYY-MM")
    return dt.date(year, month, 1)


def parse_float(text: str | None, *, name: str, low: float, high: float) -> float:
    if text is None or not text.strip():
        raise BadQueryError(f"{name} is required")
    try:
        value = float(text.strip())
    except ValueError as exc:
        raise BadQueryError(f"{name} must be a number") from exc
    if not math.isfinite(value) or not low <= value <= high:
        raise BadQueryError(f"{name} is out of range")
    return value


def parse_lat_lng(lat: str | None, lng: str | None) -> tuple[float, float]:
    return (
        parse_float(lat, name="lat", low=-90.0, high=90.0),
        parse_float(lng, name="lng", low=-180.0, high=180.0),
    )


def parse_q_point(text: str | None) -> tuple[float, float]:
    """locate-neighbourhood's `q=lat,lng`."""
    if not text or text.count(",") != 1:
        raise BadQueryError("q must be lat,lng")
    lat, lng = text.split(",")
    return parse_lat_lng(lat, lng)


def parse_location_id(text: str | None) -> int:
    """crimes-at-location's `location_id`: a whole number (BadQueryError otherwise)."""
    if text is None or not _LOCATION_ID.match(text.strip()):
        raise BadQueryError("location_id must be a whole number")
    return int(text.strip())


def parse_poly(text: str | None) -> list[tuple[float, float]]:
    """`lat,lng:lat,lng:...` (at least 3 distinct points) as (lat, lng) pairs, ring not closed."""
    if not text or ":" not in text or "," not in text:
        raise BadQueryError("poly must be lat,lng:lat,lng:lat,lng")
    points: list[tuple[float, float]] = []
    for pair in text.strip().strip(":").split(":"):
        if pair.count(",") != 1:
            raise BadQueryError("poly must be lat,lng:lat,lng:lat,lng")
        lat, lng = pair.split(",")
        points.append(parse_lat_lng(lat, lng))
        if len(points) > MAX_POLY_POINTS:
            raise BadQueryError("poly has too many points")
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        raise BadQueryError("poly needs at least 3 distinct points")
    return points


@dataclass(frozen=True)
class Circle:
    lat: float
    lng: float
    radius_m: float = MILE_M

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lat, max_lat, min_lng, max_lng) of the circle."""
        dlat = self.radius_m / M_PER_DEG
        dlng = self.radius_m / (M_PER_DEG * max(math.cos(math.radians(self.lat)), 1e-6))
        return self.lat - dlat, self.lat + dlat, self.lng - dlng, self.lng + dlng


@dataclass(frozen=True)
class Ring:
    """A polygon as (lat, lng) points, not closed."""

    points: tuple[tuple[float, float], ...]

    def bbox(self) -> tuple[float, float, float, float]:
        lats = [p[0] for p in self.points]
        lngs = [p[1] for p in self.points]
        return min(lats), max(lats), min(lngs), max(lngs)


Area = Circle | Ring


def boundary_points(geojson: dict[str, Any], *, max_points: int = MAX_BOUNDARY_POINTS) -> list[tuple[float, float]]:
    """A neighbourhood boundary as police.uk publishes it: the outer ring of its (largest)
    polygon as (lat, lng) points in order, not closed, simplified to at most `max_points` points
    so that it stays a reasonable `poly` to post back. Always at least 3 distinct points."""
    ring = geo.exterior_ring(geojson)
    if len(ring) > max_points + 1:
        polygon = Polygon([(lng, lat) for lat, lng in ring])
        tolerance = 1e-6
        simplified = polygon
        while len(simplified.exterior.coords) > max_points + 1 and tolerance < 1.0:
            candidate = shapely.simplify(polygon, tolerance, preserve_topology=True)
            if isinstance(candidate, Polygon) and not candidate.is_empty and len(candidate.exterior.coords) >= 4:
                simplified = candidate
            tolerance *= 2
        ring = [(lat, lng) for lng, lat in simplified.exterior.coords]
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    return ring
