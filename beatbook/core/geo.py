"""Geometry helpers on plain latitude/longitude (WGS84) values, with shapely.

Boundaries are stored as GeoJSON geometries (Polygon or MultiPolygon, coordinates in
longitude, latitude order as GeoJSON requires) plus a bounding box for a cheap SQL pre-filter.
"""

from __future__ import annotations

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
