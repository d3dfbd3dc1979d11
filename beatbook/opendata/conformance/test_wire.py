"""C.3 section 0: wire-level checks against the live server with plain requests (no client
library): every route of A.2 with its exact keys and JSON types, POST equal to GET, no redirect,
the status codes, the rate limit's Retry-After, and the CORS header."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from beatbook.opendata.tests.exampleshire import BURGLARY_ID, LOCATION_ID, SQUARE_POLY, Exampleshire

from .conftest import FakeClock

S, INT, N, L, D = str, int, type(None), list, dict
CRIME = {
    "category": S,
    "persistent_id": S,
    "id": INT,
    "month": S,
    "location_type": (S, N),
    "location_subtype": S,
    "location": (D, N),
    "context": S,
    "outcome_status": (D, N),
}
CRIME_WITHOUT_STATUS = {k: v for k, v in CRIME.items() if k != "outcome_status"}
PERSON = {"name": S, "rank": S, "bio": (S, N), "contact_details": D}
OUTCOME = {"category": D, "date": S, "person_id": (INT, N)}
POINT = {"lat": "52.630", "lng": "-1.135", "date": "2024-01"}
# Route -> (query, the shape of the body: a dict of key -> type(s), inside a list when listed).
ROUTES: dict[str, tuple[dict[str, Any], Any]] = {
    "crimes-street-dates": ({}, [{"date": S, "stop-and-search": L}]),
    "crime-last-updated": ({}, {"date": S}),
    "crime-categories": ({"date": "2024-01"}, [{"url": S, "name": S}]),
    "forces": ({}, [{"id": S, "name": S}]),
    "forces/exampleshire": (
        {},
        {"id": S, "name": S, "description": (S, N), "url": S, "telephone": S, "engagement_methods": L},
    ),
    "forces/exampleshire/people": ({}, [PERSON]),
    "crimes-street/all-crime": (POINT, [CRIME]),
    "crimes-at-location": ({"location_id": LOCATION_ID, "date": "2024-01"}, [CRIME]),
    "crimes-no-location": ({"force": "exampleshire", "category": "all-crime", "date": "2024-01"}, [CRIME]),
    f"outcomes-for-crime/{BURGLARY_ID}": ({}, {"crime": D, "outcomes": L}),
    "outcomes-at-location": ({"location_id": LOCATION_ID, "date": "2024-01"}, [{**OUTCOME, "crime": D}]),
    "stops-street": (POINT, []),
    "stops-at-location": ({"location_id": LOCATION_ID}, []),
    "stops-no-location": ({"force": "exampleshire"}, []),
    "stops-force": ({"force": "exampleshire"}, []),
    "exampleshire/neighbourhoods": ({}, [{"id": S, "name": S}]),
    "exampleshire/NC04": (
        {},
        {
            "id": S,
            "name": S,
            "url_force": S,
            "description": (S, N),
            "population": S,
            "centre": D,
            "contact_details": D,
            "links": L,
            "locations": L,
            "welcome_message": S,
        },
    ),
    "exampleshire/NC04/boundary": ({}, [{"latitude": S, "longitude": S}]),
    "exampleshire/NC04/people": ({}, [PERSON]),
    "exampleshire/NC04/events": (
        {},
        [
            {
                "title": S,
                "description": (S, N),
                "address": S,
                "type": S,
                "start_date": S,
                "end_date": (S, N),
                "contact_details": D,
            }
        ],
    ),
    "exampleshire/NC04/priorities": (
        {},
        [
            {
                "issue": S,
                "issue-date": S,
                "action": (S, N),
                "action-date": (S, N),
                "issue_date": S,
                "action_date": (S, N),
            }
        ],
    ),
    "locate-neighbourhood": ({"q": "52.630,-1.135"}, {"force": S, "neighbourhood": S}),
}


def matches(value: Any, shape: Any) -> None:
    if isinstance(shape, list):
        assert isinstance(value, list)
        if shape:
            assert value, "expected rows"
            for item in value:
                matches(item, shape[0])
        else:
            assert value == []
    elif isinstance(shape, dict):
        assert isinstance(value, dict) and set(value) == set(shape), (sorted(value), sorted(shape))
        for key, kind in shape.items():
            assert isinstance(value[key], kind), (key, value[key])
    else:
        raise AssertionError(shape)


def test_every_route_has_its_keys_and_types(base: str, ex: Exampleshire) -> None:
    for path, (query, shape) in ROUTES.items():
        response = requests.get(base + path, params=query, timeout=10)
        assert response.status_code == 200, (path, response.text[:200])
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        matches(response.json(), shape)
    crimes = requests.get(base + "crimes-street/all-crime", params=POINT, timeout=10).json()
    for crime in crimes:
        assert set(crime["location"]) == {"latitude", "longitude", "street"}
        assert isinstance(crime["location"]["latitude"], str) and isinstance(crime["location"]["street"]["id"], int)
    outcomes = requests.get(base + f"outcomes-for-crime/{BURGLARY_ID}", timeout=10).json()
    matches(outcomes["crime"], CRIME_WITHOUT_STATUS)
    matches(outcomes["outcomes"], [OUTCOME])
    at_location = requests.get(base + "outcomes-at-location", params={"location_id": LOCATION_ID}, timeout=10).json()
    matches(at_location[0]["crime"], CRIME_WITHOUT_STATUS)


def test_post_is_get_and_nothing_redirects(base: str, ex: Exampleshire, received: list[tuple[str, str]]) -> None:
    by_get = requests.get(base + "crimes-street/all-crime", params={"poly": SQUARE_POLY, "date": "2024-01"}, timeout=10)
    by_post = requests.post(base + "crimes-street/all-crime", data={"poly": SQUARE_POLY, "date": "2024-01"}, timeout=10)
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.json() == by_post.json() and len(by_get.json()) == 2
    assert [method for method, _ in received] == ["GET", "POST"]
    slash = requests.get(base + "forces/", allow_redirects=False, timeout=10)
    assert slash.status_code == 200 and slash.json() == [{"id": "exampleshire", "name": "Exampleshire Police"}]
    posted = requests.post(
        base + "crimes-street/all-crime/",
        data={"poly": SQUARE_POLY, "date": "2024-01"},
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 200 and posted.json() == by_get.json()


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("forces/nope", {}, 404),
        ("locate-neighbourhood", {"q": "0.5,0.5"}, 404),
        ("crimes-street/all-crime", {"lat": "52.63", "lng": "-1.135", "date": "2024-13"}, 400),
        # pyrozza's list form of poly: the numbers one by one.
        ("crimes-street/all-crime", {"poly": ["52.62", "-1.15", "52.64", "-1.15", "52.64", "-1.12"]}, 400),
        ("crimes-street/all-crime", {"poly": "1,1:" * 1000 + "2,2"}, 400),  # a GET URL over 4,094 characters
    ],
)
def test_status_codes(base: str, ex: Exampleshire, path: str, query: dict[str, Any], expected: int) -> None:
    response = requests.get(base + path, params=query, timeout=10)
    assert response.status_code == expected
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_over_the_cap_is_503(base: str, ex: Exampleshire, settings: Any) -> None:
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 1  # the live server thread reads the same settings
    response = requests.post(base + "crimes-street/all-crime", data={"poly": SQUARE_POLY}, timeout=10)
    assert response.status_code == 503 and response.headers["Access-Control-Allow-Origin"] == "*"


def test_too_many_requests_is_429_with_retry_after(base: str, ex: Exampleshire, limited: FakeClock) -> None:
    with requests.Session() as session:
        assert all(session.get(base + "forces", timeout=10).status_code == 200 for _ in range(30))
        refused = session.get(base + "forces", timeout=10)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1" and refused.headers["Access-Control-Allow-Origin"] == "*"
        limited.now += 1
        assert session.get(base + "forces", timeout=10).status_code == 200
