"""C.3 section 4: uk-police-api 0.1.0 (`uk_police_api`: httpx and strict pydantic models)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator
from typing import Any

import pytest
import uk_police_api._client as client_module  # type: ignore[import-untyped]
from uk_police_api import (
    AsyncPoliceAPI,
    PoliceAPI,
    PoliceAPINotFoundError,
    PoliceAPIRateLimitError,
    PoliceAPIServerError,
)
from uk_police_api.utils import circle_polygon  # type: ignore[import-untyped]

from beatbook.opendata.tests.exampleshire import BURGLARY_ID, CENTRE, LOCATION_ID, Exampleshire

from .conftest import FakeClock

SMALL_POLY = [(52.62, -1.15), (52.64, -1.15), (52.64, -1.12), (52.62, -1.12)]


def make_api(base: str, *, max_retries: int = 0) -> PoliceAPI:
    api = PoliceAPI(cache_ttl=None, max_retries=max_retries)
    api._http.base_url = base
    return api


@pytest.fixture
def api(base: str) -> Iterator[PoliceAPI]:
    with make_api(base) as client:
        yield client


def test_forces(api: PoliceAPI) -> None:
    assert [f.id for f in api.forces.list()] == ["exampleshire"]
    force = api.forces.get("exampleshire")
    assert force.telephone == "101" and force.engagement_methods[0].title == "twitter"
    [chief] = api.forces.people("exampleshire")
    assert chief.rank == "Chief Constable" and chief.contact_details == {"twitter": "https://x.com/exampleshirecc"}


def test_neighbourhoods_validate(api: PoliceAPI) -> None:
    assert [n.id for n in api.neighbourhoods.list("exampleshire")] == ["NC04", "NC66"]
    n = api.neighbourhoods.get("exampleshire", "NC04")  # nulls in links/locations would fail here
    assert n.name == "City Centre" and n.population == "12340" and n.centre is not None
    assert n.links[0]["url"] == "https://www.exampleshire.gov.uk/" and len(n.locations) == 2
    assert n.contact_details.email == "citycentre@exampleshire.police.uk"
    assert len(api.neighbourhoods.boundary("exampleshire", "NC04")) == 4
    assert {p.rank for p in api.neighbourhoods.people("exampleshire", "NC04")} == {"Sgt", "PCSO"}
    [event] = api.neighbourhoods.events("exampleshire", "NC04")
    assert event.title == "Drop-in beat surgery" and event.contact_details.model_dump(exclude_none=True) == {}
    priorities = api.neighbourhoods.priorities("exampleshire", "NC04")
    # The underscore copies give this client the dates it would otherwise drop.
    assert [p.issue_date for p in priorities] == ["2024-04-14T00:00:00", "2023-10-08T00:00:00"]
    assert priorities[1].action_date == "2023-12-22T00:00:00"
    assert api.neighbourhoods.locate(*CENTRE).neighbourhood == "NC04"


def test_crimes(api: PoliceAPI, ex: Exampleshire, received: list[tuple[str, str]]) -> None:
    both = [ex.asb.pk, ex.burglary.pk]
    near = api.crimes.street(lat=CENTRE[0], lng=CENTRE[1], date="2024-01")
    assert sorted(c.id for c in near) == both
    [asb] = [c for c in near if c.id == ex.asb.pk]
    assert asb.persistent_id == "" and asb.context == "" and asb.outcome_status is None
    received.clear()
    assert sorted(c.id for c in api.crimes.street(poly=SMALL_POLY, date="2024-01")) == both
    big = circle_polygon(*CENTRE, radius_km=1.0, num_points=120)
    assert sorted(c.id for c in api.crimes.street(poly=big, date="2024-01")) == both
    assert [method for method, _ in received] == ["GET", "POST"]
    assert [c.id for c in api.crimes.street("burglary", lat=CENTRE[0], lng=CENTRE[1])] == [ex.burglary.pk]
    assert sorted(c.id for c in api.crimes.at_location(location_id=LOCATION_ID)) == both
    assert sorted(c.id for c in api.crimes.at_location(lat=CENTRE[0], lng=CENTRE[1], date="2024-01")) == both
    assert [c.id for c in api.crimes.no_location("all-crime", "exampleshire")] == [ex.no_location.pk]
    assert api.crimes.categories()[0].url == "all-crime"
    assert api.crimes.last_updated().date == "2024-01-01"
    assert len(api.crimes.outcomes_for_crime(BURGLARY_ID).outcomes) == 2
    outcomes = api.crimes.outcomes_at_location(poly=SMALL_POLY, date="2024-01")
    assert [o["category"]["code"] for o in outcomes] == ["under-investigation", "local-resolution"]


def test_availability_and_stops(api: PoliceAPI) -> None:
    dates = api.availability.dates()
    assert dates[0].date == "2024-01" and dates[0].stop_and_search == []
    assert api.stop_search.street(lat=CENTRE[0], lng=CENTRE[1]) == []
    assert api.stop_search.street(poly=SMALL_POLY, date="2024-01") == []
    assert api.stop_search.at_location(LOCATION_ID) == []
    assert api.stop_search.no_location("exampleshire") == []
    assert api.stop_search.by_force("exampleshire", date="2024-01") == []


def test_errors(api: PoliceAPI, settings: Any) -> None:
    with pytest.raises(PoliceAPINotFoundError):
        api.forces.get("nope")
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 1
    with pytest.raises(PoliceAPIServerError) as over:
        api.crimes.street(poly=SMALL_POLY, date="2024-01")
    assert over.value.status_code == 503


def test_the_rate_limit(base: str, limited: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_api(base) as api, pytest.raises(PoliceAPIRateLimitError):
        for _ in range(31):
            api.forces.list()
    # With one retry, the client sleeps Retry-After (on the same stopped clock) and then succeeds.
    monkeypatch.setattr(client_module, "time", limited)
    with make_api(base, max_retries=1) as api:
        assert [f.id for f in api.forces.list()] == ["exampleshire"]
    assert limited.now == 1_000_001.0


def test_the_module_base_url(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "BASE_URL", base)
    with PoliceAPI(cache_ttl=None, max_retries=0) as api:
        assert api.crimes.last_updated().date == "2024-01-01"


def test_the_async_client(base: str, ex: Exampleshire) -> None:
    async def read() -> tuple[list[int], str]:
        async with AsyncPoliceAPI(cache_ttl=None, max_retries=0) as api:
            api._http.base_url = base
            crimes = await api.crimes.street(lat=CENTRE[0], lng=CENTRE[1], date="2024-01")
            n = await api.neighbourhoods.get("exampleshire", "NC04")
            return sorted(c.id for c in crimes), n.name

    # In its own thread: in a run with the browser tests, Playwright's event loop is already running
    # in this one, and asyncio.run() refuses to start another there.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, read()).result()
    assert result == ([ex.asb.pk, ex.burglary.pk], "City Centre")
