"""C.3 section 1: police-api-client 1.2.2 (`police_api`), which powered the old police.uk site."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from police_api import APIError, PoliceAPI  # type: ignore[import-untyped]

from beatbook.opendata.tests.exampleshire import (
    BURGLARY_ID,
    CENTRE,
    LOCATION_ID,
    UNCOVERED,
    Exampleshire,
)


@pytest.fixture
def api(base: str) -> PoliceAPI:
    return PoliceAPI(base_url=base)


def test_forces(api: PoliceAPI) -> None:
    forces = api.get_forces()
    assert [f.id for f in forces] == ["exampleshire"]
    force = api.get_force("exampleshire")
    assert force.telephone == "101" and force.name == "Exampleshire Police"
    assert isinstance(force.engagement_methods, list) and force.engagement_methods
    assert force.senior_officers[0].rank == "Chief Constable"


def test_neighbourhoods(api: PoliceAPI) -> None:
    assert [n.id for n in api.get_neighbourhoods("exampleshire")] == ["NC04", "NC66"]
    n = api.get_neighbourhood("exampleshire", "NC04")
    assert n.name == "City Centre"
    assert isinstance(n.population, int) and n.population == 12340
    assert n.boundary and all(isinstance(lat, float) and isinstance(lng, float) for lat, lng in n.boundary)
    assert len(n.officers) == 2 and {o.rank for o in n.officers} == {"Sgt", "PCSO"}
    assert isinstance(n.events[0].start_date, dt.datetime)
    priorities = n.priorities
    # The client parses police.uk's local times into naive datetimes.
    assert [f"{p.issue_date:%Y-%m-%d %H:%M}" for p in priorities] == ["2024-04-14 00:00", "2023-10-08 00:00"]
    assert all(isinstance(p.issue_date, dt.datetime) for p in priorities)
    assert f"{priorities[1].action_date:%Y-%m-%d}" == "2023-12-22" and priorities[0].action_date is None


def test_locate(api: PoliceAPI) -> None:
    located = api.locate_neighbourhood(*CENTRE)
    assert located is not None and located.id == "NC04" and located.force.id == "exampleshire"
    assert api.locate_neighbourhood(*UNCOVERED) is None  # proves the 404


def test_dates_and_categories(api: PoliceAPI) -> None:
    assert api.get_dates()[0] == "2024-01" == api.get_latest_date()
    categories = api.get_crime_categories("2024-01")
    names = [c.name for c in categories]
    assert "Anti-social behaviour" in names and "All crime" not in names
    assert "all-crime" not in [c.id for c in categories]


def test_crimes(api: PoliceAPI, ex: Exampleshire, received: list[tuple[str, str]]) -> None:
    point = api.get_crimes_point(*CENTRE, date="2024-01")
    assert sorted(c.id for c in point) == [ex.asb.pk, ex.burglary.pk]
    for crime in point:
        assert crime.category.name  # resolved against crime-categories?date=<month>
        assert crime.location.id == LOCATION_ID and crime.location.name == "On or near Marquis Street"
    n = api.get_neighbourhood("exampleshire", "NC04")
    received.clear()
    area = api.get_crimes_area(n.boundary, date="2024-01")
    assert ("POST", "/api/crimes-street/all-crime") in received
    assert sorted(c.id for c in area) == sorted(c.id for c in point)
    assert sorted(c.id for c in n.crimes) == sorted(c.id for c in point)  # no date: the latest month
    assert sorted(c.id for c in api.get_crimes_location(LOCATION_ID, "2024-01")) == [ex.asb.pk, ex.burglary.pk]
    [no_location] = api.get_crimes_no_location("exampleshire", "2024-01")
    assert no_location.id == ex.no_location.pk and no_location.month == "2024-01"


def test_a_crime_and_its_outcomes(api: PoliceAPI, ex: Exampleshire, received: list[tuple[str, str]]) -> None:
    crime = api.get_crime(BURGLARY_ID)
    assert [o.category.id for o in crime.outcomes] == ["under-investigation", "local-resolution"]
    [asb] = [c for c in api.get_crimes_point(*CENTRE, date="2024-01") if c.id == ex.asb.pk]
    assert asb.persistent_id == "" and asb.outcome_status is None
    received.clear()
    assert asb.outcomes == []
    assert received == []  # no request made


def test_errors(api: PoliceAPI, settings: Any) -> None:
    with pytest.raises(APIError) as missing:
        _ = api.get_force("nope").name
    assert missing.value.status_code == 404
    n = api.get_neighbourhood("exampleshire", "NC04")
    boundary = n.boundary
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 1
    with pytest.raises(APIError) as over:
        api.get_crimes_area(boundary, date="2024-01")
    assert over.value.status_code == 503
