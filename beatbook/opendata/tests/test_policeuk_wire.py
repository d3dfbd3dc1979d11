"""The police.uk-compatible API on the wire: every route's exact keys and JSON types
(../shared/policeuk-api.md, Part A and C.2), its status codes (C.1), POST equal to GET, no
redirects, the CORS header, the crime cap, the rate limit, and the number of queries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, resolve, reverse
from pytest_django import DjangoAssertNumQueries

from beatbook.opendata import policeuk_urls, ratelimit
from beatbook.opendata.geometry import parse_poly
from beatbook.opendata.models import OutcomeCategory, PublicCrime, PublicOutcome
from beatbook.opendata.serializers import LONDON

from .exampleshire import (
    BURGLARY_ID,
    JAN,
    LOCATION_ID,
    NO_LOCATION_ID,
    SQUARE_POLY,
    Exampleshire,
    add_crimes,
    build_exampleshire,
)

pytestmark = pytest.mark.django_db

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
PERSON_KEYS = {"name", "rank", "bio", "contact_details"}
POINT = {"lat": "52.630", "lng": "-1.135"}


@pytest.fixture
def ex(db: None) -> Exampleshire:
    return build_exampleshire()


def call(client: Client, path: str, params: dict[str, Any] | None = None, *, method: str = "GET") -> Any:
    """The response of the API (200 expected) as parsed JSON."""
    response = _send(client, path, params, method=method)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def _send(client: Client, path: str, params: dict[str, Any] | None = None, *, method: str = "GET") -> Any:
    if method == "POST":
        return client.post(f"/api/{path}", params or {})
    return client.generic(method, f"/api/{path}" + (f"?{urlencode(params)}" if params else ""))


def status(client: Client, path: str, params: dict[str, Any] | None = None, *, method: str = "GET") -> int:
    response = _send(client, path, params, method=method)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)
    code: int = response.status_code
    return code


def assert_crime(item: dict[str, Any], *, located: bool = True, with_status: bool = True) -> None:
    assert set(item) == (CRIME_KEYS if with_status else CRIME_KEYS - {"outcome_status"})
    assert isinstance(item["category"], str) and isinstance(item["id"], int)
    assert isinstance(item["persistent_id"], str) and isinstance(item["context"], str)
    assert isinstance(item["month"], str) and len(item["month"]) == 7
    assert isinstance(item["location_subtype"], str)
    if located:
        assert item["location_type"] == "Force"
        assert set(item["location"]) == {"latitude", "longitude", "street"}
        assert isinstance(item["location"]["latitude"], str) and isinstance(item["location"]["longitude"], str)
        float(item["location"]["latitude"]), float(item["location"]["longitude"])
        assert set(item["location"]["street"]) == {"id", "name"}
        assert isinstance(item["location"]["street"]["id"], int)
        assert isinstance(item["location"]["street"]["name"], str)
    else:
        assert item["location"] is None and item["location_type"] is None and item["location_subtype"] == ""
    if with_status and item["outcome_status"] is not None:
        assert set(item["outcome_status"]) == {"category", "date"}
        assert all(isinstance(v, str) for v in item["outcome_status"].values())


def ids_of(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


# ---- Availability, last update, categories -------------------------------------------------------
def test_months_newest_first_with_no_stop_and_search(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        body = call(client, "crimes-street-dates")
    assert body == [{"date": "2024-01", "stop-and-search": []}, {"date": "2023-12", "stop-and-search": []}]
    with django_assert_num_queries(1):
        assert call(client, "crime-last-updated") == {"date": "2024-01-01"}


def test_last_updated_is_404_before_anything_is_published(client: Client, db: None) -> None:
    assert call(client, "crimes-street-dates") == []
    assert status(client, "crime-last-updated") == 404
    # With nothing published, a crime query without a date is valid and empty.
    assert call(client, "crimes-street/all-crime", POINT) == []


def test_categories_list_all_crime_and_the_standard_fifteen(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2):  # the latest month, the categories used in it
        latest = call(client, "crime-categories")
    with django_assert_num_queries(1):
        january = call(client, "crime-categories", {"date": "2024-01"})
    assert latest == january
    assert len(january) == 15 and january[0] == {"url": "all-crime", "name": "All crime"}
    assert {"url": "violent-crime", "name": "Violence and sexual offences"} in january
    assert all(set(c) == {"url", "name"} and all(isinstance(v, str) for v in c.values()) for c in january)
    # Names are police.uk's English ones whatever language the caller prefers.
    assert call(client, "crime-categories", {"date": "2024-01"}) == json.loads(
        client.get("/api/crime-categories?date=2024-01", HTTP_ACCEPT_LANGUAGE="cy").content
    )


def test_a_month_lists_every_category_its_crimes_use(client: Client, ex: Exampleshire) -> None:
    PublicCrime.objects.create(
        force=ex.force,
        month=dt.date(2023, 12, 1),
        category="public-disorder-weapons",
        source=PublicCrime.Source.IMPORT,
        source_key="retired-1",
    )
    december = [c["url"] for c in call(client, "crime-categories", {"date": "2023-12"})]
    assert december[-1] == "public-disorder-weapons" and len(december) == 16
    assert "public-disorder-weapons" not in [c["url"] for c in call(client, "crime-categories", {"date": "2024-01"})]
    found = call(
        client,
        "crimes-no-location",
        {"force": "exampleshire", "category": "public-disorder-weapons", "date": "2023-12"},
    )
    assert [c["category"] for c in found] == ["public-disorder-weapons"]
    assert status(client, "crimes-street/public-disorder-weapons", {**POINT, "date": "2024-01"}) == 404


# ---- Forces --------------------------------------------------------------------------------------
def test_forces_and_a_force(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert call(client, "forces") == [{"id": "exampleshire", "name": "Exampleshire Police"}]
    with django_assert_num_queries(1):
        force = call(client, "forces/exampleshire")
    assert force == {
        "id": "exampleshire",
        "name": "Exampleshire Police",
        "description": "<p>A police service for everyone in Exampleshire.</p>\n\n"
        "<p>We are &lt;here&gt; to help &amp; listen.</p>",
        "url": "https://www.exampleshire.police.uk/",
        "telephone": "101",
        "engagement_methods": [
            {"url": "https://x.com/exampleshirepolice", "type": "twitter", "description": None, "title": "twitter"}
        ],
    }
    with django_assert_num_queries(2):
        people = call(client, "forces/exampleshire/people")
    assert people == [
        {
            "name": "Jane Example",
            "rank": "Chief Constable",
            "bio": "<p>Joined the force in 1998.</p>",
            "contact_details": {"twitter": "https://x.com/exampleshirecc"},
        }
    ]


def test_unknown_forces_are_404(client: Client, ex: Exampleshire) -> None:
    for path in ("forces/nope", "forces/nope/people", "nope/neighbourhoods", "forces/neighbourhoods", "forces/%00"):
        assert status(client, path) == 404, path


# ---- Neighbourhoods ------------------------------------------------------------------------------
def test_only_published_neighbourhoods_are_listed_by_name(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2):
        body = call(client, "exampleshire/neighbourhoods")
    assert body == [{"id": "NC04", "name": "City Centre"}, {"id": "NC66", "name": "Cultural Quarter"}]
    for path in ("exampleshire/NC99", "exampleshire/NC99/boundary", "exampleshire/NC99/people", "exampleshire/nc04"):
        assert status(client, path) == 404, path
    assert status(client, "derbyshire/NC04") == 404


def test_a_neighbourhood_in_the_shape_every_client_reads(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        body = call(client, "exampleshire/NC04")
    assert body == {
        "id": "NC04",
        "name": "City Centre",
        "url_force": "https://www.exampleshire.police.uk/city-centre",
        "description": "<p>The City Centre neighbourhood covers the shops and the market.</p>",
        "population": "12340",
        "centre": {"latitude": "52.63", "longitude": "-1.135"},
        "contact_details": {"email": "citycentre@exampleshire.police.uk", "telephone": "101"},
        "links": [{"url": "https://www.exampleshire.gov.uk/", "title": "Exampleshire Council", "description": ""}],
        "locations": [
            {
                "name": "Central Police Station",
                "address": "1 High Street, Exampleton",
                "postcode": "EX1 1AA",
                "type": "station",
                "description": "",
                "latitude": "52.6301",
                "longitude": "-1.1302",
            },
            {
                "name": "Market Office",
                "address": "Market Square",
                "postcode": "EX1 2BB",
                "type": "office",
                "description": "",
            },
        ],
        "welcome_message": "<p>Welcome to the City Centre team.</p>",
    }
    bare = call(client, "exampleshire/NC66")
    assert bare["population"] == "0" and bare["description"] is None and bare["url_force"] == ""
    assert bare["contact_details"] == {} and bare["links"] == [] and bare["locations"] == []
    assert "welcome_message" not in bare


def test_the_boundary_is_string_points_that_post_back_as_a_poly(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        points = call(client, "exampleshire/NC04/boundary")
    assert points == [
        {"latitude": "52.62", "longitude": "-1.145"},
        {"latitude": "52.62", "longitude": "-1.125"},
        {"latitude": "52.64", "longitude": "-1.125"},
        {"latitude": "52.64", "longitude": "-1.145"},
    ]
    poly = ":".join(f"{p['latitude']},{p['longitude']}" for p in points)
    assert len(parse_poly(poly)) == 4
    crimes = call(client, "crimes-street/all-crime", {"poly": poly, "date": "2024-01"}, method="POST")
    assert ids_of(crimes) == [ex.asb.pk, ex.burglary.pk]


def test_team_events_and_priorities(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2):
        team = call(client, "exampleshire/NC04/people")
    assert team == [
        {"name": "Andy Cooper", "rank": "Sgt", "bio": "<p>I lead the City Centre team.</p>", "contact_details": {}},
        {
            "name": "Sam Example",
            "rank": "PCSO",
            "bio": None,
            "contact_details": {"email": "sam@exampleshire.police.uk"},
        },
    ]
    with django_assert_num_queries(2):
        events = call(client, "exampleshire/NC04/events")
    day = ex.public_event.starts_at.astimezone(LONDON).date()
    assert events == [
        {
            "title": "Drop-in beat surgery",
            "description": "<p>Come and talk to your team.<br>Tea &amp; biscuits.</p>",
            "address": "Exampleton Library, 17 Guildhall Lane",
            "type": "surgery",
            "start_date": f"{day:%Y-%m-%d}T18:30:00",
            "end_date": f"{day:%Y-%m-%d}T20:30:00",
            "contact_details": {},
        }
    ]
    with django_assert_num_queries(3):  # neighbourhood, priorities, their public actions
        priorities = call(client, "exampleshire/NC04/priorities")
    assert priorities == [
        {
            "issue": "<p>To reduce anti-social behaviour on Humberstone Gate.</p>",
            "issue-date": "2024-04-14T00:00:00",
            "action": None,
            "action-date": None,
            "issue_date": "2024-04-14T00:00:00",
            "action_date": None,
        },
        {
            "issue": "<p>To reduce street drinking in Museum Square.</p>",
            "issue-date": "2023-10-08T00:00:00",
            "action": "<p>Joint patrols with the council &amp; the street wardens.</p>",
            "action-date": "2023-12-22T00:00:00",
            "issue_date": "2023-10-08T00:00:00",
            "action_date": "2023-12-22T00:00:00",
        },
    ]
    assert call(client, "exampleshire/NC66/events") == [] and call(client, "exampleshire/NC66/priorities") == []


def test_event_times_are_london_local_time(client: Client, ex: Exampleshire) -> None:
    summer = dt.datetime(2030, 7, 1, 17, 0, tzinfo=dt.UTC)  # 18:00 in London (BST)
    ex.public_event.starts_at, ex.public_event.ends_at = summer, summer + dt.timedelta(minutes=90)
    ex.public_event.save()
    [event] = call(client, "exampleshire/NC04/events")
    assert (event["start_date"], event["end_date"]) == ("2030-07-01T18:00:00", "2030-07-01T19:30:00")


def test_locate_neighbourhood(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert call(client, "locate-neighbourhood", {"q": "52.630,-1.135"}) == {
            "force": "exampleshire",
            "neighbourhood": "NC04",
        }
    assert call(client, "locate-neighbourhood", {"q": "52.65,-1.135"})["neighbourhood"] == "NC66"
    assert status(client, "locate-neighbourhood", {"q": "0.5,0.5"}) == 404
    # NC99's page is not published: its area is not covered publicly.
    assert status(client, "locate-neighbourhood", {"q": "52.61,-1.135"}) == 404
    for bad in ("", "52.63", "52.63,-1.135,1", "north,west", "91,0"):
        assert status(client, "locate-neighbourhood", {"q": bad}) == 400, bad
    assert status(client, "locate-neighbourhood") == 400


# ---- Crimes --------------------------------------------------------------------------------------
def test_crimes_within_a_mile_of_a_point(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        crimes = call(client, "crimes-street/all-crime", {**POINT, "date": "2024-01"})
    assert ids_of(crimes) == [ex.asb.pk, ex.burglary.pk]  # not the robbery 3.9 km away
    for item in crimes:
        assert_crime(item)
    asb, burglary = crimes
    assert asb == {
        "category": "anti-social-behaviour",
        "persistent_id": "",
        "id": ex.asb.pk,
        "month": "2024-01",
        "location_type": "Force",
        "location_subtype": "",
        "location": {
            "latitude": "52.629831",
            "longitude": "-1.132503",
            "street": {"id": LOCATION_ID, "name": "On or near Marquis Street"},
        },
        "context": "",
        "outcome_status": None,
    }
    assert burglary["persistent_id"] == BURGLARY_ID
    assert burglary["outcome_status"] == {"category": "Local resolution", "date": "2024-01"}
    # Without a date: the latest month (one more query).
    with django_assert_num_queries(2):
        assert call(client, "crimes-street/all-crime", POINT) == crimes
    assert ids_of(call(client, "crimes-street/burglary", POINT)) == [ex.burglary.pk]
    assert call(client, "crimes-street/drugs", POINT) == []
    assert call(client, "crimes-street/all-crime", {**POINT, "date": "2019-05"}) == []
    # Empty and "undefined" dates (an npm client sends them) mean the latest month.
    assert call(client, "crimes-street/all-crime", {**POINT, "date": "undefined"}) == crimes
    assert call(client, "crimes-street/all-crime", {**POINT, "date": ""}) == crimes


def test_an_asb_row_never_carries_a_crime_id_or_outcome(client: Client, ex: Exampleshire) -> None:
    PublicCrime.objects.filter(pk=ex.asb.pk).update(persistent_id="f" * 64, outcome=OutcomeCategory.CHARGED)
    [asb] = [c for c in call(client, "crimes-at-location", {"location_id": LOCATION_ID}) if c["id"] == ex.asb.pk]
    assert asb["persistent_id"] == "" and asb["outcome_status"] is None


def test_crimes_in_a_polygon_by_get_and_by_post_are_the_same(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    params = {"poly": SQUARE_POLY, "date": "2024-01"}
    with django_assert_num_queries(2):  # the candidates in the box, then the rows inside
        by_get = call(client, "crimes-street/all-crime", params)
    with django_assert_num_queries(2):
        by_post = call(client, "crimes-street/all-crime", params, method="POST")
    assert by_get == by_post and ids_of(by_get) == [ex.asb.pk, ex.burglary.pk]
    # POST form fields override the query string's.
    response = client.post("/api/crimes-street/all-crime?date=2023-12&poly=1,1:2,2:3,1", params)
    assert ids_of(json.loads(response.content)) == [ex.asb.pk, ex.burglary.pk]
    # The poly wins over lat/lng when a client sends both.
    assert call(client, "crimes-street/all-crime", {**params, "lat": "52.665", "lng": "-1.135"}) == by_get
    # A closed ring is the same area.
    closed = SQUARE_POLY + ":52.62,-1.15"
    assert call(client, "crimes-street/all-crime", {"poly": closed, "date": "2024-01"}) == by_get


def test_a_long_polygon_needs_post(client: Client, ex: Exampleshire) -> None:
    corners = [(52.62, -1.15), (52.64, -1.15), (52.64, -1.12), (52.62, -1.12)]
    # Many points along the square's edges, with long mantissas as str(float) gives them.
    points = [
        (a[0] + (b[0] - a[0]) * i / 40 + 1e-13, a[1] + (b[1] - a[1]) * i / 40 + 1e-13)
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True)
        for i in range(40)
    ]
    poly = ":".join(f"{lat},{lng}" for lat, lng in points)
    assert len(f"/api/crimes-street/all-crime?{urlencode({'poly': poly})}") > 4094
    assert status(client, "crimes-street/all-crime", {"poly": poly}) == 400
    assert ids_of(call(client, "crimes-street/all-crime", {"poly": poly}, method="POST")) == [
        ex.asb.pk,
        ex.burglary.pk,
    ]


def test_crimes_by_location(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        at = call(client, "crimes-at-location", {"location_id": LOCATION_ID, "date": "2024-01"})
    assert ids_of(at) == [ex.asb.pk, ex.burglary.pk]
    assert ids_of(call(client, "crimes-at-location", {"location_id": LOCATION_ID, "date": "2023-12"})) == [ex.old.pk]
    with django_assert_num_queries(2):  # the nearest snap point, then its crimes
        near = call(client, "crimes-at-location", {**POINT, "date": "2024-01"})
    assert near == at
    assert call(client, "crimes-at-location", {"location_id": "999", "date": "2024-01"}) == []
    assert call(client, "crimes-at-location", {"lat": "54.5", "lng": "-3.0"}) == []
    # uk-police-api's crimes.street(location_id=...) is answered like crimes-at-location.
    assert call(client, "crimes-street/all-crime", {"location_id": LOCATION_ID, "date": "2024-01"}) == at
    assert ids_of(call(client, "crimes-street/burglary", {"location_id": LOCATION_ID})) == [ex.burglary.pk]


def test_crimes_with_no_location(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    params = {"force": "exampleshire", "category": "all-crime", "date": "2024-01"}
    with django_assert_num_queries(2):
        [crime] = call(client, "crimes-no-location", params)
    assert_crime(crime, located=False)
    assert crime["persistent_id"] == NO_LOCATION_ID
    assert crime["outcome_status"] == {"category": "Investigation complete; no suspect identified", "date": "2024-02"}
    assert call(client, "crimes-no-location", {**params, "category": "bicycle-theft"}) == [crime]
    assert call(client, "crimes-no-location", {**params, "category": "burglary"}) == []
    assert call(client, "crimes-no-location", {"force": "exampleshire"}) == [crime]
    assert status(client, "crimes-no-location", {**params, "force": "nope"}) == 404
    assert status(client, "crimes-no-location", {**params, "category": "nope"}) == 404
    assert status(client, "crimes-no-location", {"category": "all-crime"}) == 400


def test_outcomes_for_a_crime(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2):
        body = call(client, f"outcomes-for-crime/{BURGLARY_ID}")
    assert set(body) == {"crime", "outcomes"}
    assert_crime(body["crime"], with_status=False)
    assert body["crime"]["id"] == ex.burglary.pk
    assert body["outcomes"] == [
        {
            "category": {"code": "under-investigation", "name": "Under investigation"},
            "date": "2024-01",
            "person_id": None,
        },
        {"category": {"code": "local-resolution", "name": "Local resolution"}, "date": "2024-01", "person_id": None},
    ]
    assert call(client, f"outcomes-for-crime/{NO_LOCATION_ID}")["crime"]["location"] is None
    assert call(client, f"outcomes-for-crime/{NO_LOCATION_ID}")["outcomes"] == []
    for unknown in ("0" * 64, "not-a-crime-id", "x" * 65):
        assert status(client, f"outcomes-for-crime/{unknown}") == 404


def test_outcomes_at_a_location(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        at = call(client, "outcomes-at-location", {"location_id": LOCATION_ID, "date": "2024-01"})
    assert [o["category"]["code"] for o in at] == ["under-investigation", "local-resolution"]
    for item in at:
        assert set(item) == {"category", "date", "person_id", "crime"}
        assert set(item["category"]) == {"code", "name"} and item["person_id"] is None
        assert_crime(item["crime"], with_status=False)
    with django_assert_num_queries(1):
        assert call(client, "outcomes-at-location", {**POINT, "date": "2024-01"}) == at
    with django_assert_num_queries(2):
        by_post = call(client, "outcomes-at-location", {"poly": SQUARE_POLY, "date": "2024-01"}, method="POST")
    assert by_post == at
    assert call(client, "outcomes-at-location", {"poly": SQUARE_POLY, "date": "2024-01"}) == at
    assert call(client, "outcomes-at-location", {"location_id": LOCATION_ID}) == at  # the latest month
    assert call(client, "outcomes-at-location", {"location_id": LOCATION_ID, "date": "2023-12"}) == []
    assert status(client, "outcomes-at-location", {"date": "2024-01"}) == 400


def test_query_counts_do_not_grow_with_the_rows(
    client: Client, ex: Exampleshire, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    add_crimes(ex, 30)
    extra = list(PublicCrime.objects.filter(source_key__startswith="extra-"))
    PublicOutcome.objects.bulk_create(
        PublicOutcome(crime=crime, category=OutcomeCategory.CHARGED, month=JAN) for crime in extra
    )
    expected = {
        ("crimes-street/all-crime", "point"): 1,
        ("crimes-street/all-crime", "poly"): 2,
        ("crimes-at-location", "location"): 1,
        ("outcomes-at-location", "location"): 1,
        ("outcomes-at-location", "point"): 1,
        ("outcomes-at-location", "poly"): 2,
    }
    geometry: dict[str, dict[str, Any]] = {
        "point": POINT,
        "poly": {"poly": SQUARE_POLY},
        "location": {"location_id": LOCATION_ID},
    }
    for (path, kind), queries in expected.items():
        with django_assert_num_queries(queries):
            body = call(client, path, {**geometry[kind], "date": "2024-01"})
        assert len(body) == 32, path


# ---- Stop and search: not recorded, validated ----------------------------------------------------
def test_the_four_stops_endpoints_answer_empty_lists(client: Client, ex: Exampleshire) -> None:
    assert call(client, "stops-street", POINT) == []
    assert call(client, "stops-street", {"poly": SQUARE_POLY, "date": "2024-01"}, method="POST") == []
    assert call(client, "stops-at-location", {"location_id": LOCATION_ID, "date": "2024-01"}) == []
    assert call(client, "stops-no-location", {"force": "exampleshire"}) == []
    assert call(client, "stops-force", {"force": "exampleshire", "date": "2024-01"}) == []


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("stops-street", {}, 400),
        ("stops-street", {"lat": "52.63"}, 400),
        ("stops-street", {**POINT, "date": "2024-13"}, 400),
        ("stops-at-location", {}, 400),
        ("stops-at-location", {"location_id": "abc"}, 400),
        ("stops-no-location", {}, 400),
        ("stops-no-location", {"force": "nope"}, 404),
        ("stops-force", {"force": "exampleshire", "date": "24-01"}, 400),
        ("stops-force", {"force": "nope"}, 404),
    ],
)
def test_stops_input_is_still_validated(
    client: Client, ex: Exampleshire, path: str, params: dict[str, str], expected: int
) -> None:
    assert status(client, path, params) == expected


# ---- Status codes --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("crimes-street/all-crime", {**POINT, "date": "2024-13"}),
        ("crimes-street/all-crime", {**POINT, "date": "January"}),
        ("crimes-street/all-crime", {}),
        ("crimes-street/all-crime", {"lat": "52.63"}),
        ("crimes-street/all-crime", {"lat": "52.63", "lng": "east"}),
        ("crimes-street/all-crime", {"lat": "nan", "lng": "1"}),
        ("crimes-street/all-crime", {"lat": "95", "lng": "1"}),
        ("crimes-street/all-crime", {"poly": "52.6,-1.1:52.7,-1.1"}),
        ("crimes-street/all-crime", {"poly": "52.6,-1.1:52.7"}),
        ("crimes-street/all-crime", {"poly": "0.478"}),
        ("crimes-street/all-crime", {"location_id": "12.5"}),
        ("crimes-street/all-crime", {"location_id": "9" * 30}),
        ("crimes-at-location", {}),
        ("crimes-at-location", {"location_id": "-1"}),
        ("outcomes-at-location", {"poly": ""}),
        ("crime-categories", {"date": "2024-1"}),
        ("crimes-no-location", {"force": "exampleshire", "date": "2024-00"}),
    ],
)
def test_malformed_queries_are_400(client: Client, ex: Exampleshire, path: str, params: dict[str, str]) -> None:
    assert status(client, path, params) == 400


def test_pyrozzas_repeated_numeric_poly_is_400(client: Client, ex: Exampleshire) -> None:
    query = "poly=52.62&poly=-1.15&poly=52.64&poly=-1.15&poly=52.64&poly=-1.12&date=2024-01"
    response = client.get(f"/api/crimes-street/all-crime?{query}")
    assert response.status_code == 400
    assert client.get(f"/api/outcomes-at-location?{query}").status_code == 400
    # Even when the last value alone would be a valid polygon.
    assert client.get(f"/api/crimes-street/all-crime?poly=1&poly={SQUARE_POLY}").status_code == 400


def test_unknown_categories_crimes_and_paths_are_404(client: Client, ex: Exampleshire) -> None:
    assert status(client, "crimes-street/not-a-category", POINT) == 404
    assert status(client, "crimes-street/Burglary", POINT) == 404
    assert status(client, "outcomes-for-crime/" + "a" * 64) == 404
    assert status(client, "exampleshire/NC04/not-a-part") == 404
    assert status(client, "a/b/c/d/e") == 404
    assert status(client, "crimes-street") == 404


def test_wrong_methods_are_405_with_allow(client: Client, ex: Exampleshire) -> None:
    for path, allowed in (
        ("forces", "GET, HEAD"),
        ("exampleshire/NC04", "GET, HEAD"),
        ("crimes-street/all-crime", "GET, HEAD, POST"),
        ("outcomes-at-location", "GET, HEAD, POST"),
        ("stops-street", "GET, HEAD, POST"),
    ):
        for method in ("PUT", "PATCH", "DELETE"):
            response = client.generic(method, f"/api/{path}")
            assert response.status_code == 405, (path, method)
            assert response["Allow"] == allowed and response["Access-Control-Allow-Origin"] == "*"
    # POST where only GET is allowed: 405, not a CSRF refusal.
    assert client.post("/api/forces", {}).status_code == 405
    assert Client(enforce_csrf_checks=True).post("/api/crimes-street/all-crime", {**POINT}).status_code == 200
    head = client.head("/api/forces")
    assert head.status_code == 200 and head["Access-Control-Allow-Origin"] == "*"
    options = client.options("/api/crimes-street/all-crime")
    assert options.status_code == 200 and options["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_trailing_and_doubled_slashes_never_redirect(client: Client, ex: Exampleshire) -> None:
    assert call(client, "forces/") == call(client, "forces")
    assert call(client, "/forces") == call(client, "forces")  # a base URL with a trailing slash
    assert call(client, "exampleshire//NC04/") == call(client, "exampleshire/NC04")
    by_post = call(client, "crimes-street/all-crime/", {"poly": SQUARE_POLY, "date": "2024-01"}, method="POST")
    assert ids_of(by_post) == [ex.asb.pk, ex.burglary.pk]


def test_every_route_reverses_and_resolves_back(db: None) -> None:
    """The patterns stay reversible (one that is not breaks every reverse() of the site)."""
    assert reverse("core:home") == "/"
    patterns = [p for p in policeuk_urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) == 23
    for pattern in patterns:
        path = reverse(str(pattern.name), kwargs=dict.fromkeys(pattern.pattern.regex.groupindex, "x1"))
        assert path == "/api/" or ("//" not in path and not path.endswith("/")), path
        assert resolve(path).url_name == pattern.name, path


def test_the_v1_api_is_still_reached(client: Client, ex: Exampleshire) -> None:
    response = client.get("/api/v1/forces")
    assert response.status_code == 401  # the Beatbook API asks for a token: not this API's 404
    assert "Access-Control-Allow-Origin" not in response


def test_over_the_cap_is_503(client: Client, ex: Exampleshire, settings: Any) -> None:
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 1
    assert status(client, "crimes-street/all-crime", {**POINT, "date": "2024-01"}) == 503
    assert status(client, "crimes-street/all-crime", {"poly": SQUARE_POLY, "date": "2024-01"}, method="POST") == 503
    assert status(client, "outcomes-at-location", {"location_id": LOCATION_ID, "date": "2024-01"}) == 503
    assert status(client, "outcomes-at-location", {"poly": SQUARE_POLY, "date": "2024-01"}) == 503
    # Exactly at the cap is fine.
    settings.BEATBOOK_PUBLIC_API_CRIME_CAP = 2
    assert len(call(client, "crimes-street/all-crime", {**POINT, "date": "2024-01"})) == 2
    assert len(call(client, "crimes-street/all-crime", {"poly": SQUARE_POLY, "date": "2024-01"})) == 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


def test_the_rate_limit_is_a_leaky_bucket_per_client(
    client: Client, ex: Exampleshire, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BEATBOOK_PUBLIC_API_RATE, settings.BEATBOOK_PUBLIC_API_BURST = 15, 30
    clock = FakeClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    cache.clear()
    assert all(client.get("/api/forces").status_code == 200 for _ in range(30))
    refused = client.get("/api/forces")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1" and refused["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/nope/x/y").status_code == 429  # every path counts
    assert client.get("/api/forces", REMOTE_ADDR="10.0.0.2").status_code == 200  # another client
    clock.now += 1.0  # 15 requests drain in a second
    assert all(client.get("/api/forces").status_code == 200 for _ in range(15))
    assert client.get("/api/forces").status_code == 429
    settings.BEATBOOK_PUBLIC_API_RATE = 0  # switched off
    assert all(client.get("/api/forces").status_code == 200 for _ in range(40))
