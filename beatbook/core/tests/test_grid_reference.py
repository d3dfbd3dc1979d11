"""OS grid references to latitude and longitude, distances in metres, and the box around a point."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from beatbook.core import geo

# Points checked against the Ordnance Survey's own conversion, to well within 50 metres.
KNOWN = [
    ("TL 4516 5825", 52.2034, 0.1228),  # Cambridge: 10 m square
    ("NY 4055", 54.8907, -2.9291),  # Carlisle: 1 km square
    ("SK 352 362", 52.9225, -1.4771),  # Derby: 100 m square
]

# Earth's mean radius as distance_m uses it: metres in one degree along a meridian.
METRES_PER_DEGREE = 2 * math.pi * 6_371_008.8 / 360


def north_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    return lat + metres / METRES_PER_DEGREE, lng


def east_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    """Along the parallel: for the tens of metres used here, the great-circle distance is the same."""
    return lat, lng + metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


class ParseGridReferenceTests:
    @pytest.mark.parametrize(("text", "lat", "lng"), KNOWN)
    def test_known_points(self, text: str, lat: float, lng: float) -> None:
        got = geo.parse_grid_reference(text)
        assert geo.distance_m(*got, lat, lng) < 50

    @pytest.mark.parametrize(
        "text", ["TL 4516 5825", "tl 4516 5825", "TL45165825", "tl4516 5825", "  TL  4516   5825  ", "TL 4516\t5825"]
    )
    def test_case_and_spacing_do_not_matter(self, text: str) -> None:
        assert geo.parse_grid_reference(text) == geo.parse_grid_reference("TL 4516 5825")

    def test_more_digits_name_a_smaller_square_inside_the_larger(self) -> None:
        coarse = geo.parse_grid_reference("TL 45 58")  # 1 km square: its centre
        fine = geo.parse_grid_reference("TL 45160 58250")  # 1 m square
        assert geo.distance_m(*fine, 52.2034, 0.1228) < 10
        assert geo.distance_m(*coarse, *fine) < 1000 * math.sqrt(2) / 2 + 10

    def test_two_digits_are_a_ten_kilometre_square(self) -> None:
        lat, lng = geo.parse_grid_reference("TL 4 5")
        assert geo.distance_m(lat, lng, *geo.parse_grid_reference("TL 45000 55000")) < 10

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "TL",
            "TL 4516 582",  # an odd number of digits
            "TL 451",
            "IL 4516 5825",  # the grid has no letter I
            "TI 4516 5825",
            "TL 451600 582500",  # twelve digits
            "T 4516 5825",
            "TL 4516 58 25",  # digits in three groups
            "TL -4516 5825",
            "52.2034, 0.1228",  # a latitude and longitude is not a grid reference
            "AA 1234",  # a lettered square far out in the Atlantic
        ],
    )
    def test_anything_else_is_a_field_error(self, text: str) -> None:
        with pytest.raises(ValidationError) as info:
            geo.parse_grid_reference(text)
        assert set(info.value.message_dict) == {"grid_reference"}


class DistanceTests:
    def test_zero_for_the_same_point(self) -> None:
        assert geo.distance_m(52.205, 0.119, 52.205, 0.119) == 0

    def test_a_degree_of_latitude(self) -> None:
        assert geo.distance_m(52.0, 0.1, 53.0, 0.1) == pytest.approx(111_195, rel=1e-3)

    def test_a_degree_of_longitude_shrinks_with_latitude(self) -> None:
        at_52 = geo.distance_m(52.0, 0.0, 52.0, 1.0)
        assert at_52 == pytest.approx(111_195 * math.cos(math.radians(52)), rel=1e-3)
        assert geo.distance_m(58.0, 0.0, 58.0, 1.0) < at_52

    def test_cambridge_to_derby(self) -> None:
        assert geo.distance_m(52.205, 0.119, 52.922, -1.476) == pytest.approx(134_000, rel=0.01)

    @given(
        a=st.tuples(st.floats(49.8, 60.9), st.floats(-8.7, 1.8)),
        b=st.tuples(st.floats(49.8, 60.9), st.floats(-8.7, 1.8)),
    )
    def test_symmetric_and_never_negative(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        there, back = geo.distance_m(*a, *b), geo.distance_m(*b, *a)
        assert there >= 0 and there == pytest.approx(back, abs=1e-6)


class BoxAroundTests:
    @given(
        lat=st.floats(49.8, 60.9),
        lng=st.floats(-8.7, 1.8),
        radius=st.integers(1, 500),
        bearing=st.floats(0, 2 * math.pi),
        fraction=st.floats(0, 0.99),
    )
    def test_holds_every_point_well_within_the_radius(
        self, lat: float, lng: float, radius: int, bearing: float, fraction: float
    ) -> None:
        metres = radius * fraction
        point_lat, _ = north_of(lat, lng, metres * math.cos(bearing))
        _, point_lng = east_of(lat, lng, metres * math.sin(bearing))
        box = geo.box_around(lat, lng, radius)
        assert box.min_lat <= point_lat <= box.max_lat
        assert box.min_lng <= point_lng <= box.max_lng

    def test_is_not_much_bigger_than_the_circle(self) -> None:
        box = geo.box_around(52.205, 0.119, 50)
        assert geo.distance_m(box.min_lat, 0.119, box.max_lat, 0.119) == pytest.approx(100, rel=0.01)
        assert geo.distance_m(52.205, box.min_lng, 52.205, box.max_lng) == pytest.approx(100, rel=0.01)

    @pytest.mark.parametrize("towards", [north_of, east_of])
    def test_holds_points_at_the_radius(self, towards: object) -> None:
        lat, lng = 52.205, 0.119
        point = towards(lat, lng, 49.99)  # type: ignore[operator]
        assert geo.distance_m(lat, lng, *point) <= 50
        box = geo.box_around(lat, lng, 50)
        assert box.min_lat <= point[0] <= box.max_lat and box.min_lng <= point[1] <= box.max_lng
