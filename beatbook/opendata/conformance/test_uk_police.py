"""C.3 section 3: uk-police 0.3.0 (`uk_police`, raw JSON, base URL as a class attribute)."""

from __future__ import annotations

import re

import pytest
import uk_police  # type: ignore[import-untyped]
from uk_police.client import uk_police as uk_police_client  # type: ignore[import-untyped]

from beatbook.opendata.tests.exampleshire import BURGLARY_ID, CENTRE, LOCATION_ID, SQUARE_POLY, Exampleshire

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


@pytest.fixture(autouse=True)
def _base_url(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's class attribute, restored after each test (no trailing slash: it adds one)."""
    monkeypatch.setattr(uk_police_client, "BASE_URL", base.rstrip("/"))


def test_forces() -> None:
    forces = uk_police.Forces()
    assert forces.list_forces() == [{"id": "exampleshire", "name": "Exampleshire Police"}]
    assert forces.get_force_details("exampleshire")["id"] == "exampleshire"
    assert forces.get_senior_officers("exampleshire")[0]["rank"] == "Chief Constable"


def test_neighbourhoods() -> None:
    n = uk_police.Neighbourhoods()
    assert [x["id"] for x in n.list_neighbourhoods("exampleshire")] == ["NC04", "NC66"]
    assert n.get_neighbourhood_details("exampleshire", "NC04")["name"] == "City Centre"
    boundary = n.get_neighbourhood_boundary("exampleshire", "NC04")
    assert boundary and all(isinstance(p["latitude"], str) and isinstance(p["longitude"], str) for p in boundary)
    assert {p["rank"] for p in n.get_neighbourhood_team("exampleshire", "NC04")} == {"Sgt", "PCSO"}
    [event] = n.get_neighbourhood_events("exampleshire", "NC04")
    assert LOCAL_TIME.match(event["start_date"]) and LOCAL_TIME.match(event["end_date"])
    priorities = n.get_neighbourhood_priorities("exampleshire", "NC04")
    assert all({"issue", "issue-date", "action", "action-date"} <= set(p) for p in priorities)
    assert n.locate_neighbourhood(*CENTRE) == {"force": "exampleshire", "neighbourhood": "NC04"}


def test_street_level(ex: Exampleshire) -> None:
    s = uk_police.StreetLevelCrime()
    both = [ex.asb.pk, ex.burglary.pk]
    assert sorted(c["id"] for c in s.get_street_crimes_at_location(*CENTRE, date="2024-01")) == both
    assert sorted(c["id"] for c in s.get_street_crimes_in_area(SQUARE_POLY)) == both
    outcomes = s.get_outcomes_at_location(str(LOCATION_ID))
    assert [o["category"]["code"] for o in outcomes] == ["under-investigation", "local-resolution"]
    assert s.get_outcomes_by_coordinates(*CENTRE) == outcomes
    assert s.get_outcomes_in_area(SQUARE_POLY) == outcomes
    assert sorted(c["id"] for c in s.get_crimes_at_specific_location(location_id=str(LOCATION_ID))) == both
    assert sorted(c["id"] for c in s.get_crimes_at_specific_location(lat=CENTRE[0], lng=CENTRE[1])) == both
    assert [c["id"] for c in s.get_crimes_no_location("all-crime", "exampleshire")] == [ex.no_location.pk]
    assert s.get_crime_categories("2024-01")[0] == {"url": "all-crime", "name": "All crime"}
    assert s.get_last_updated() == {"date": "2024-01-01"}
    history = s.get_outcomes_for_crime(BURGLARY_ID)
    assert history["crime"]["id"] == ex.burglary.pk and len(history["outcomes"]) == 2


def test_stop_and_search() -> None:
    stops = uk_police.StopSearch()
    assert stops.stop_and_search_by_area(lat=CENTRE[0], lng=CENTRE[1]) == []
    assert stops.stop_and_search_by_area(poly=SQUARE_POLY, date="2024-01") == []
    assert stops.stop_and_search_by_area(lat=CENTRE[0], lng=CENTRE[1], poly=SQUARE_POLY) == []
    assert stops.stop_and_search_by_location(str(LOCATION_ID)) == []
    assert stops.stop_and_search_no_location("exampleshire") == []
    assert stops.stop_and_search_by_force("exampleshire", date="2024-01") == []


def test_errors() -> None:
    # The library's own bug turns every HTTP error into a plain APIError without a status code.
    with pytest.raises(uk_police.APIError):
        uk_police.Forces().get_force_details("nope")
