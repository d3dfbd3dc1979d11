"""Geometry helpers on plain latitude/longitude (WGS84) values, with shapely.

Boundaries are stored as GeoJSON geometries (Polygon or MultiPolygon, coordinates in
longitude, latitude order as GeoJSON requires) plus a bounding box for a cheap SQL pre-filter.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely import prepared
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

# Great Britain and its islands, generously: Scilly to Shetland, the Channel Islands excluded.
UK_MIN_LAT, UK_MAX_LAT = 49.8, 60.95
UK_MIN_LNG, UK_MAX_LNG = -8.7, 1.8


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float


@dataclass(frozen=True)
class ParsedBoundary:
    geometry: dict[str, Any]
    bbox: BoundingBox
    centre_lat: float
    centre_lng: float


def in_uk(lat: float, lng: float) -> bool:
    return UK_MIN_LAT <= lat <= UK_MAX_LAT and UK_MIN_LNG <= lng <= UK_MAX_LNG


def validate_point(lat: float, lng: float) -> None:
    """Raise a field-level ValidationError unless the point lies within the UK."""
    errors: dict[str, str] = {}
    if not UK_MIN_LAT <= lat <= UK_MAX_LAT:
        errors["lat"] = _("Latitude must be within the UK (%(lo)s to %(hi)s).") % {
            "lo": UK_MIN_LAT,
            "hi": UK_MAX_LAT,
        }
    if not UK_MIN_LNG <= lng <= UK_MAX_LNG:
        errors["lng"] = _("Longitude must be within the UK (%(lo)s to %(hi)s).") % {
            "lo": UK_MIN_LNG,
            "hi": UK_MAX_LNG,
        }
    if errors:
        raise ValidationError(errors)


def parse_boundary(geojson: Any) -> ParsedBoundary:
    """Check a GeoJSON Polygon/MultiPolygon and return it with its bounding box and centre.

    Raises ValidationError (on the field "boundary") for anything that is not a valid,
    non-empty polygon lying wholly within the UK.
    """
    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError({"boundary": _("The boundary must be a GeoJSON Polygon or MultiPolygon.")})
    try:
        geom: BaseGeometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise ValidationError({"boundary": _("The boundary is not readable GeoJSON: %(e)s") % {"e": exc}}) from exc
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise ValidationError({"boundary": _("The boundary is empty.")})
    if not geom.is_valid:
        raise ValidationError(
            {"boundary": _("The boundary is not a valid polygon: %(why)s") % {"why": explain_validity(geom)}}
        )
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    if not (in_uk(min_lat, min_lng) and in_uk(max_lat, max_lng)):
        raise ValidationError({"boundary": _("The boundary must lie within the UK.")})
    centre = geom.representative_point()
    return ParsedBoundary(
        geometry=dict(mapping(geom)) | {"coordinates": _as_lists(mapping(geom)["coordinates"])},
        bbox=BoundingBox(min_lat=min_lat, max_lat=max_lat, min_lng=min_lng, max_lng=max_lng),
        centre_lat=round(centre.y, 6),
        centre_lng=round(centre.x, 6),
    )


def _as_lists(value: Any) -> Any:
    """shapely's mapping() gives tuples; JSON round trips give lists. Store lists."""
    if isinstance(value, list | tuple):
        return [_as_lists(item) for item in value]
    return value


def contains(geojson: dict[str, Any], lat: float, lng: float) -> bool:
    """True when the point is inside the boundary or on its edge."""
    geom = prepared.prep(shape(geojson))
    return bool(geom.covers(Point(lng, lat)))


def exterior_ring(geojson: dict[str, Any]) -> list[tuple[float, float]]:
    """The outer ring of the (largest) polygon as (lat, lng) pairs, for police.uk-style output."""
    geom = shape(geojson)
    polygon = max(geom.geoms, key=lambda g: g.area) if isinstance(geom, MultiPolygon) else geom
    return [(lat, lng) for lng, lat in polygon.exterior.coords]


# Ordnance Survey National Grid: the two-letter 100 km squares, in the grid's own lettering
# (a 5x5 block of 500 km squares, each of 5x5 100 km squares; the letter I is not used).
_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
_GRID_REF = re.compile(r"^([A-HJ-Z]{2})\s*(\d+)\s*(\d*)$")
EARTH_RADIUS_M = 6_371_008.8  # the mean radius; distance_m and box_around must agree on it
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def _square_origin(letters: str) -> tuple[int, int]:
    """The south-west corner (easting, northing in metres) of a 100 km square such as TL."""
    first, second = (_GRID_LETTERS.index(c) for c in letters)
    east_500, north_500 = (first % 5) * 500_000 - 1_000_000, (3 - first // 5) * 500_000
    east = east_500 + (second % 5) * 100_000
    north = north_500 + (4 - second // 5) * 100_000
    return east, north


def parse_grid_reference(text: str) -> tuple[float, float]:
    """An OS grid reference (e.g. `TL 4516 5825`, 2 to 10 digits) as (lat, lng) in WGS84, at the
    centre of the square it names. Raises a ValidationError on the field `grid_reference`."""
    compact = re.sub(r"\s+", " ", text.strip().upper())
    match = _GRID_REF.match(compact)
    digits = (match.group(2) + match.group(3)) if match else ""
    if match is None or not digits or len(digits) % 2 or not 2 <= len(digits) <= 10:
        raise ValidationError(
            {"grid_reference": _("Give an OS grid reference such as TL 4516 5825 (two letters, then digits).")}
        )
    half = len(digits) // 2
    precision = 10 ** (5 - half)
    origin_e, origin_n = _square_origin(match.group(1))
    easting = origin_e + int(digits[:half]) * precision + precision / 2
    northing = origin_n + int(digits[half:]) * precision + precision / 2
    lng, lat = _bng_to_wgs84().transform(easting, northing)
    if not in_uk(lat, lng):
        raise ValidationError({"grid_reference": _("That grid reference is not in Great Britain.")})
    return round(lat, 6), round(lng, 6)


@functools.cache
def _bng_to_wgs84() -> Any:
    from pyproj import Transformer  # imported on first use: pyproj is slow to import

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine; plenty for the tens of metres it is used for)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def box_around(lat: float, lng: float, radius_m: float) -> BoundingBox:
    """A bounding box that holds every point within `radius_m` of (lat, lng), for an SQL pre-filter."""
    dlat = radius_m / _METRES_PER_DEGREE
    dlng = radius_m / (_METRES_PER_DEGREE * max(0.01, math.cos(math.radians(lat))))
    return BoundingBox(min_lat=lat - dlat, max_lat=lat + dlat, min_lng=lng - dlng, max_lng=lng + dlng)
