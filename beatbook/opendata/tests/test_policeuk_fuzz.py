"""Random and malformed input on every route of the police.uk-compatible API never gives a
server error: paths with any characters, query strings of any keys and values (numbers in
every form, broken polygons and months, NUL bytes, broken percent escapes), bodies of any
bytes under any content type, and any method. Every answer is JSON with the CORS header and
one of the documented status codes."""

from __future__ import annotations

import json
import string
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from .exampleshire import BURGLARY_ID, LOCATION_ID, SQUARE_POLY, build_exampleshire

ROUTES = (
    "crimes-street-dates",
    "crime-last-updated",
    "crime-categories",
    "forces",
    "forces/{a}",
    "forces/{a}/people",
    "crimes-street/{a}",
    "crimes-at-location",
    "crimes-no-location",
    "outcomes-for-crime/{a}",
    "outcomes-at-location",
    "stops-street",
    "stops-at-location",
    "stops-no-location",
    "stops-force",
    "locate-neighbourhood",
    "{a}/neighbourhoods",
    "{a}/{b}",
    "{a}/{b}/boundary",
    "{a}/{b}/people",
    "{a}/{b}/events",
    "{a}/{b}/priorities",
)
KNOWN_SEGMENTS = ("exampleshire", "NC04", "NC99", "all-crime", "burglary", BURGLARY_ID, "neighbourhoods", "v1", "")
KEYS = ("lat", "lng", "poly", "date", "location_id", "q", "force", "category")
ALLOWED = {200, 400, 404, 405}
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(min_value=49.0, max_value=61.0).map(str),
    st.floats(min_value=-8.0, max_value=2.0).map(repr),
    st.integers().map(str),
    st.integers(min_value=10**17, max_value=10**40).map(str),
    st.sampled_from(["nan", "-inf", "1e309", "1_0", "0x10", " 52.6 ", "52,6", "\u0661\u0662\u0663", "\uff15\uff12"]),
)
points = st.tuples(numbers, numbers).map(lambda p: f"{p[0]},{p[1]}")
polys = st.one_of(
    st.lists(points, min_size=0, max_size=12).map(":".join),
    st.lists(st.tuples(st.floats(52.6, 52.7), st.floats(-1.2, -1.1)), min_size=1, max_size=8).map(
        lambda ps: ":".join(f"{a},{b}" for a, b in ps)
    ),
    st.sampled_from([SQUARE_POLY, SQUARE_POLY + ":", ":" + SQUARE_POLY, "1,1:1,1:1,1", "0,0:0,1:1,0", "::", ","]),
)
months = st.one_of(
    st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,3}\Z"),
    st.sampled_from(["2024-01", "2023-12", "1899-12", "9999-12", "2024-13", "undefined", "null", "", "2024-01\n"]),
)
values = st.one_of(
    st.text(max_size=40),
    numbers,
    polys,
    months,
    points,
    st.sampled_from(["exampleshire", "all-crime", str(LOCATION_ID), "\x00", "%00", "a\x00b"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=10))
queries = st.lists(st.tuples(keys, values), max_size=8)
segments = st.one_of(st.sampled_from(KNOWN_SEGMENTS), st.text(min_size=1, max_size=70))
methods = st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])


def path_for(route: str, a: str, b: str) -> str:
    return "/api/" + route.format(a=quote(a, safe=""), b=quote(b, safe=""))


class PoliceUkFuzzTests(TestCase):
    client_class = Client
    maxDiff = None
    statuses: ClassVar[set[int]] = set()

    @classmethod
    def setUpTestData(cls) -> None:
        build_exampleshire()

    def check(self, response: Any, what: Any) -> None:
        assert response.status_code in ALLOWED, (what, response.status_code, response.content[:300])
        assert response["Access-Control-Allow-Origin"] == "*", what
        assert response["Content-Type"] == "application/json", what
        if response.content:
            body = json.loads(response.content)
            if response.status_code == 200:
                assert isinstance(body, list | dict), what
        PoliceUkFuzzTests.statuses.add(response.status_code)

    @FUZZ
    @given(route=st.sampled_from(ROUTES), a=segments, b=segments, query=queries, method=methods)
    def test_random_queries_on_every_route(
        self, route: str, a: str, b: str, query: list[tuple[str, str]], method: str
    ) -> None:
        path = path_for(route, a, b)
        assume(not path.startswith("/api/v1/"))  # the Beatbook API, mounted before this one
        encoded = urlencode(query)
        if method == "POST":
            response = self.client.post(path, encoded, content_type="application/x-www-form-urlencoded")
        else:
            response = self.client.generic(method, f"{path}?{encoded}")
        self.check(response, (method, path, query))

    @FUZZ
    @given(
        route=st.sampled_from(ROUTES),
        raw=st.text(alphabet=string.printable + "\x00é", max_size=200),
        method=st.sampled_from(["GET", "POST"]),
    )
    def test_raw_query_strings_and_bodies(self, route: str, raw: str, method: str) -> None:
        path = path_for(route, "exampleshire", "NC04")
        if method == "POST":
            response = self.client.post(path, raw, content_type="application/x-www-form-urlencoded")
        else:
            response = self.client.generic("GET", path, QUERY_STRING=raw)
        self.check(response, (method, path, raw))

    @FUZZ
    @given(
        route=st.sampled_from(["crimes-street/all-crime", "outcomes-at-location", "stops-street", "forces"]),
        body=st.binary(max_size=300),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "application/json",
                "text/plain; charset=utf-16",
                "application/x-www-form-urlencoded; charset=nonexistent-charset",
            ]
        ),
    )
    def test_random_bodies(self, route: str, body: bytes, content_type: str) -> None:
        response = self.client.generic("POST", f"/api/{route}?lat=52.63&lng=-1.135", body, content_type=content_type)
        self.check(response, (route, body, content_type))

    def test_oversized_inputs(self) -> None:
        too_many_fields = "&".join(f"k{i}=1" for i in range(1500))
        self.check(self.client.generic("GET", "/api/forces", QUERY_STRING=too_many_fields), "fields")
        self.check(
            self.client.post(
                "/api/crimes-street/all-crime", too_many_fields, content_type="application/x-www-form-urlencoded"
            ),
            "posted fields",
        )
        huge = "poly=" + ":".join(["52.63,-1.13"] * 300_000)
        self.check(
            self.client.post("/api/crimes-street/all-crime", huge, content_type="application/x-www-form-urlencoded"),
            "huge body",
        )
        many_points = ":".join(f"52.6{i % 10},-1.1{i % 7}" for i in range(10_001))
        self.check(self.client.post("/api/crimes-street/all-crime", {"poly": many_points}), "many points")
        self.check(self.client.get("/api/forces/" + "x" * 5000), "long path")
        assert self.client.get("/api/forces?" + "a" * 5000).status_code == 400
