"""Boundary parsing and point-in-polygon helpers, with property tests."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from beatbook.core import geo
from beatbook.core.testing import square


def test_a_square_parses_with_its_bbox_and_centre() -> None:
    parsed = geo.parse_boundary(square(52.2, 0.12, half=0.01))
    assert parsed.bbox.min_lat == pytest.approx(52.19)
    assert parsed.bbox.max_lng == pytest.approx(0.13)
    assert parsed.centre_lat == pytest.approx(52.2, abs=0.01)
    assert isinstance(parsed.geometry["coordinates"][0][0], list)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "POLYGON((0 0, 1 1))",
        {"type": "Point", "coordinates": [0.1, 52.2]},
        {"type": "Polygon", "coordinates": "nonsense"},
        {"type": "Polygon", "coordinates": [[[0, 52], [1, 53]]]},  # too few points
        # A bow tie: the ring crosses itself.
        {"type": "Polygon", "coordinates": [[[0, 52], [1, 53], [1, 52], [0, 53], [0, 52]]]},
        square(48.0, 2.35),  # Paris
        square(52.2, 0.12, half=5),  # spills out of the UK
    ],
)
def test_invalid_boundaries_are_field_errors(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        geo.parse_boundary(bad)
    assert "boundary" in info.value.message_dict


def test_contains_includes_the_edge() -> None:
    box = square(52.2, 0.12, half=0.01)
    assert geo.contains(box, 52.2, 0.12)
    assert geo.contains(box, 52.21, 0.12)  # on the edge
    assert not geo.contains(box, 52.3, 0.12)


def test_validate_point_names_the_bad_coordinate() -> None:
    with pytest.raises(ValidationError) as info:
        geo.validate_point(40.0, 0.1)
    assert set(info.value.message_dict) == {"lat"}
    geo.validate_point(54.9, -2.9)  # Carlisle


@given(
    lat=st.floats(min_value=50.0, max_value=58.0),
    lng=st.floats(min_value=-5.0, max_value=1.5),
    half=st.floats(min_value=0.001, max_value=0.2),
)
def test_a_square_contains_its_centre_and_not_a_far_point(lat: float, lng: float, half: float) -> None:
    box = square(lat, lng, half=half)
    parsed = geo.parse_boundary(box)
    assert geo.contains(parsed.geometry, lat, lng)
    assert not geo.contains(parsed.geometry, lat + 3 * half, lng)
    assert parsed.bbox.min_lat <= lat <= parsed.bbox.max_lat


def test_exterior_ring_is_lat_lng_pairs() -> None:
    ring = geo.exterior_ring(square(52.2, 0.12))
    assert ring[0] == pytest.approx((52.19, 0.11))
