"""C.3 section 2: pyrozza 0.1.0 (raw JSON from three GET endpoints)."""

from __future__ import annotations

from typing import Any

import pyrozza.client  # type: ignore[import-untyped]
import pytest
import requests

from beatbook.opendata.tests.exampleshire import CENTRE, LOCATION_ID, SQUARE_POLY, Exampleshire

CRIME_KEYS = {
    "category",
    "persistent_id",
    "id",
    "month",
    "location_type",
    "location_subtype",
    "location",
    "context",
    "outcome_status",
}


@pytest.fixture
def client(base: str) -> pyrozza.client.Client:
    c = pyrozza.client.Client()
    c._domain = base
    return c


def test_street_level_crimes(client: pyrozza.client.Client, ex: Exampleshire) -> None:
    near = client.street_level_crimes(lat=CENTRE[0], lon=CENTRE[1], date="2024-01")
    assert sorted(c["id"] for c in near) == [ex.asb.pk, ex.burglary.pk]
    assert all(set(c) == CRIME_KEYS for c in near)
    in_square = client.street_level_crimes(poly=SQUARE_POLY, date="2024-01")
    assert sorted(c["id"] for c in in_square) == [ex.asb.pk, ex.burglary.pk]


def test_street_level_outcomes(client: pyrozza.client.Client, ex: Exampleshire) -> None:
    at = client.street_level_outcomes(location_id=LOCATION_ID, date="2024-01")
    assert [o["category"]["code"] for o in at] == ["under-investigation", "local-resolution"]
    assert all(o["crime"]["id"] == ex.burglary.pk for o in at)
    assert client.street_level_outcomes(lat=CENTRE[0], lon=CENTRE[1], date="2024-01") == at


def test_crime_categories(client: pyrozza.client.Client) -> None:
    for categories in (client.crime_categories(), client.crime_categories(date="2024-01")):
        assert 0 < len(categories) <= 15
        assert all(set(c) == {"url", "name"} for c in categories)


def test_errors(client: pyrozza.client.Client, settings: Any) -> None:
    # Documented quirk: a list of points goes out as repeated numbers, which is a malformed poly.
    with pytest.raises(requests.HTTPError) as quirk:
        client.street_level_crimes(poly=[(52.62, -1.15), (52.64, -1.15), (52.64, -1.12)], date="2024-01")
    assert quirk.value.response is not None and quirk.value.response.status_code == 400
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 1
    with pytest.raises(requests.HTTPError) as over:
        client.street_level_crimes(poly=SQUARE_POLY, date="2024-01")
    assert over.value.response is not None and over.value.response.status_code == 503
