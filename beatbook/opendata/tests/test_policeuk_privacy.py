"""Nothing private reaches the public API: every route is called (with every form of query) and
no response may hold a private event, an unpublished priority, an internal action, an
unpublished person's name (or any account name), an unpublished neighbourhood, or anything of
an incident but its snap point: not its exact point, address, description, reference or people.
Every crime's coordinates are those of a snap point."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.community.models import EngagementEvent, EventKind, Priority
from beatbook.incidents.models import Incident, IncidentPerson
from beatbook.opendata.models import PublicCrime, SnapPoint

from .exampleshire import BURGLARY_ID, JAN, LOCATION_ID, SECRETS, SQUARE_POLY, Exampleshire, build_exampleshire

pytestmark = pytest.mark.django_db

INCIDENT_SECRETS = (
    "12 Acacia Avenue",
    "kitchen window",
    "Victoria Victim",
    "EXAMP-INC-2024-000001",
    "52.631234",
    "-1.133456",
    "52.63123",
    "-1.13345",
)
ACCOUNT_NAMES = ("sgt.cooper", "pcso.sam", "pcso.sally", "chief.example", "beatbook system")


@pytest.fixture
def ex(db: None) -> Exampleshire:
    data = build_exampleshire()
    # The unpublished neighbourhood has a public event and a published priority of its own.
    starts = timezone.now() + dt.timedelta(days=3)
    EngagementEvent.objects.create(
        reference="EXAMP-EVT-0099",
        force=data.force,
        neighbourhood=data.nc99,
        kind=EventKind.PUBLIC_MEETING,
        title="Hidden Heights gala",
        address="Hidden Heights Hall",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        is_public=True,
        created_by=data.pcso,
        updated_by=data.pcso,
    )
    Priority.objects.create(
        reference="EXAMP-PRI-0099",
        force=data.force,
        neighbourhood=data.nc99,
        issue="Hidden Heights parking",
        set_on=dt.date(2024, 3, 1),
        owner=data.sergeant,
        review_on=dt.date(2024, 6, 1),
        is_published=True,
        last_update_on=dt.date(2024, 3, 1),
        created_by=data.sergeant,
        updated_by=data.sergeant,
    )
    # A publishable incident, published as a crime on the snap point 1737432.
    incident = Incident.objects.create(
        reference="EXAMP-INC-2024-000001",
        force=data.force,
        neighbourhood=data.nc04,
        occurred_at=dt.datetime(2024, 1, 12, 22, 15, tzinfo=dt.UTC),
        lat=52.631234,
        lng=-1.133456,
        location_text="12 Acacia Avenue, Exampleton",
        category="criminal-damage-arson",
        description="Window smashed: entry attempted through the kitchen window.",
        how_reported="phone-101",
        thrive_threat="low",
        thrive_harm="low",
        thrive_risk="low",
        thrive_investigation="low",
        thrive_vulnerability="low",
        thrive_engagement="low",
        risk_level="low",
        is_publishable=True,
        created_by=data.pcso,
        updated_by=data.pcso,
    )
    IncidentPerson.objects.create(
        incident=incident, force=data.force, involvement="victim", name="Victoria Victim", address="12 Acacia Avenue"
    )
    PublicCrime.objects.create(
        force=data.force,
        neighbourhood=data.nc04,
        month=JAN,
        category="criminal-damage-arson",
        persistent_id="c" * 64,
        snap_point=data.location,
        lat=data.location.lat,
        lng=data.location.lng,
        source=PublicCrime.Source.INCIDENT,
        source_key=str(incident.uuid),
        incident=incident,
    )
    return data


def every_response(client: Client) -> Iterator[tuple[str, Any]]:
    """Every route, with every geometry and month, by GET (and POST where it is allowed)."""
    point = {"lat": "52.631234", "lng": "-1.133456"}
    queries: list[tuple[str, dict[str, Any]]] = [
        ("crimes-street-dates", {}),
        ("crime-last-updated", {}),
        ("crime-categories", {}),
        ("crime-categories", {"date": "2024-01"}),
        ("forces", {}),
        ("forces/exampleshire", {}),
        ("forces/exampleshire/people", {}),
        ("crimes-street/all-crime", point),
        ("crimes-street/criminal-damage-arson", {**point, "date": "2024-01"}),
        ("crimes-street/all-crime", {"poly": SQUARE_POLY}),
        ("crimes-street/all-crime", {"location_id": LOCATION_ID}),
        ("crimes-at-location", {"location_id": LOCATION_ID}),
        ("crimes-at-location", point),
        ("crimes-no-location", {"force": "exampleshire", "category": "all-crime"}),
        ("outcomes-for-crime/" + BURGLARY_ID, {}),
        ("outcomes-for-crime/" + "c" * 64, {}),
        ("outcomes-at-location", {"location_id": LOCATION_ID}),
        ("outcomes-at-location", point),
        ("outcomes-at-location", {"poly": SQUARE_POLY}),
        ("stops-street", point),
        ("stops-at-location", {"location_id": LOCATION_ID}),
        ("stops-no-location", {"force": "exampleshire"}),
        ("stops-force", {"force": "exampleshire"}),
        ("exampleshire/neighbourhoods", {}),
        ("locate-neighbourhood", {"q": "52.631234,-1.133456"}),
        ("locate-neighbourhood", {"q": "52.61,-1.135"}),
    ]
    queries.extend(
        (f"exampleshire/{code}{part}", {})
        for code in ("NC04", "NC66", "NC99")
        for part in ("", "/boundary", "/people", "/events", "/priorities")
    )
    for path, params in queries:
        for method in ("GET", "POST"):
            response = client.post(f"/api/{path}", params) if method == "POST" else client.get(f"/api/{path}", params)
            assert response.status_code in {200, 404, 405}, (path, response.status_code)
            if response.status_code != 405:
                yield f"{method} {path}", json.loads(response.content)


def crimes_in(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, dict):
        if "persistent_id" in body and "location" in body:
            yield body
        for value in body.values():
            yield from crimes_in(value)
    elif isinstance(body, list):
        for value in body:
            yield from crimes_in(value)


def test_nothing_private_appears_in_any_response(client: Client, ex: Exampleshire) -> None:
    responses = list(every_response(client))
    assert len(responses) > 40
    text = "\n".join(json.dumps(body, ensure_ascii=False) for _, body in responses)
    for secret in (*SECRETS, *INCIDENT_SECRETS):
        assert secret.lower() not in text.lower(), secret
    for account in ACCOUNT_NAMES:
        assert account not in text.lower(), account
    # The public parts are there (so the crawl did reach them).
    for public in ("Drop-in beat surgery", "Andy Cooper", "Museum Square", "Joint patrols", "Cultural Quarter"):
        assert public in text, public


def test_crimes_carry_only_snap_point_coordinates(client: Client, ex: Exampleshire) -> None:
    snap_points = {(f"{p.lat:.6f}", f"{p.lng:.6f}", p.pk, p.name) for p in SnapPoint.objects.all()}
    seen = 0
    for where, body in every_response(client):
        for crime in crimes_in(body):
            location = crime["location"]
            if location is None:
                continue
            seen += 1
            key = (location["latitude"], location["longitude"], location["street"]["id"], location["street"]["name"])
            assert key in snap_points, (where, key)
            assert set(location) == {"latitude", "longitude", "street"}
    assert seen > 10
    # The incident's crime is published, on the snap point and nowhere else.
    crime = json.loads(client.get(f"/api/outcomes-for-crime/{'c' * 64}").content)["crime"]
    assert crime["location"]["street"] == {"id": LOCATION_ID, "name": "On or near Marquis Street"}


def test_unpublishing_removes_a_neighbourhood_at_once(client: Client, ex: Exampleshire) -> None:
    page = ex.nc04.public_page
    page.is_published = False
    page.save()
    for path in ("exampleshire/NC04", "exampleshire/NC04/people", "exampleshire/NC04/events"):
        assert client.get(f"/api/{path}").status_code == 404
    assert "NC04" not in client.get("/api/exampleshire/neighbourhoods").content.decode()
    assert client.get("/api/locate-neighbourhood", {"q": "52.63,-1.135"}).status_code == 404


def test_a_withdrawn_priority_and_a_cancelled_event_are_gone(client: Client, ex: Exampleshire) -> None:
    Priority.objects.filter(neighbourhood=ex.nc04).update(status="withdrawn", status_reason="No longer needed")
    EngagementEvent.objects.filter(pk=ex.public_event.pk).update(status="cancelled", cancelled_reason="Rain")
    assert json.loads(client.get("/api/exampleshire/NC04/priorities").content) == []
    assert json.loads(client.get("/api/exampleshire/NC04/events").content) == []
