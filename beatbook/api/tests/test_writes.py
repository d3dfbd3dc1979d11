"""Writes: creating people, posting them and ending postings, through the org services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import HttpResponse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.org.models import Person, Posting

from .helpers import Api, assert_error, data

NEW_PERSON = {
    "force": "cambridgeshire",
    "username": "zara",
    "display_name": "PCSO Zara Khan",
    "password": "a-long-passphrase-9",
    "email": "zara@example.police.uk",
    "collar_number": "7099",
    "rank_title": "PCSO",
    "preferred_language": "cy",
}


def _counts() -> tuple[int, int, int]:
    """People, postings and audit events (leaving out the tests' own token issues)."""
    events = AuditEvent.objects.exclude(event_type=EventType.API_TOKEN_CREATED)
    return Person.objects.count(), Posting.objects.count(), events.count()


def _audited(response: HttpResponse, event: EventType) -> AuditEvent:
    """The one audit event the request wrote, found by the request id it echoed."""
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


def _posting(person: Person) -> Posting:
    return Posting.objects.get(person=person)


# ---- POST /people -------------------------------------------------------------------------------
def test_a_force_admin_creates_a_person(world: World, api: Api) -> None:
    response = api.post("/people", NEW_PERSON, as_=world.erin)
    assert response.status_code == 201
    body = data(response)
    person = Person.objects.get(username="zara")
    assert body == {
        "id": person.pk,
        "username": "zara",
        "display_name": "PCSO Zara Khan",
        "collar_number": "7099",
        "rank_title": "PCSO",
        "force": "cambridgeshire",
        "is_active": True,
        "postings": [],
        "email": "zara@example.police.uk",
        "preferred_language": "cy",
        "partner_organisation": None,
    }
    assert person.check_password(NEW_PERSON["password"])
    event = _audited(response, EventType.PERSON_CREATED)
    assert (event.actor_id, event.object_id, event.force_id) == (world.erin.pk, str(person.pk), world.force_a.pk)
    assert "password" not in (event.after or {})


def test_only_the_required_fields_are_needed(world: World, api: Api) -> None:
    body = {k: NEW_PERSON[k] for k in ("force", "username", "display_name", "password")}
    created = data(api.post("/people", body, as_=world.erin))
    assert (created["collar_number"], created["preferred_language"]) == ("", "en-gb")


@pytest.mark.parametrize("who", ["alice", "fay", "dee", "gus"])
def test_people_of_the_force_who_are_not_its_admin_get_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.post("/people", NEW_PERSON, as_=getattr(world, who)), 403, "permission_denied")
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy"])
def test_outsiders_get_404_for_the_force(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.post("/people", NEW_PERSON, as_=getattr(world, who)), 404, "not_found")
    assert_error(api.post("/people", NEW_PERSON | {"force": "no-such-force"}, as_=world.erin), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"display_name": "x" * 121}, {"display_name"}),
        ({"username": "u" * 151}, {"username"}),
        ({"collar_number": "1" * 21}, {"collar_number"}),
        ({"rank_title": "r" * 81}, {"rank_title"}),
        ({"email": "e" * 250 + "@x.uk"}, {"email"}),
        ({"username": 42}, {"username"}),
        ({"display_name": ""}, {"display_name"}),
        ({"preferred_language": "fr"}, {"preferred_language"}),
        ({"is_superuser": True}, {"is_superuser"}),
        ({"password": None}, {"password"}),
    ],
)
def test_schema_errors_are_422_by_field_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    error = assert_error(api.post("/people", NEW_PERSON | change, as_=world.erin), 422, "validation_error")
    assert set(error["fields"]) == fields
    assert _counts() == before


def test_missing_fields_are_422(world: World, api: Api) -> None:
    error = assert_error(api.post("/people", {"force": "cambridgeshire"}, as_=world.erin), 422)
    assert set(error["fields"]) == {"username", "display_name", "password"}
    assert_error(api.call("POST", "/people", raw_body="", as_=world.erin), 422)
    assert_error(api.call("POST", "/people", raw_body="[]", as_=world.erin), 422)


def test_a_body_that_is_not_json_is_400(world: World, api: Api) -> None:
    assert_error(api.call("POST", "/people", raw_body="{username: zara", as_=world.erin), 400, "malformed_json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "password123"}, "password"),
        ({"username": "alice"}, "username"),
        ({"username": "has spaces!"}, "username"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_service_rules_are_400_by_field_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], field: str
) -> None:
    before = _counts()
    error = assert_error(api.post("/people", NEW_PERSON | change, as_=world.erin), 400, "invalid")
    assert field in error["fields"]
    assert _counts() == before


def test_a_duplicate_collar_number_in_the_force_is_400(world: World, api: Api) -> None:
    error = assert_error(api.post("/people", NEW_PERSON | {"collar_number": "7001"}, as_=world.erin), 400)
    assert error["fields"]
    assert data(api.post("/people", NEW_PERSON | {"collar_number": "7001", "force": "derbyshire"}, as_=world.ivy))


# ---- POST /people/{id}/postings -----------------------------------------------------------------
def test_a_force_admin_posts_a_person_to_a_neighbourhood(world: World, api: Api) -> None:
    body = {"role": "pcso", "neighbourhood": world.a1.pk, "valid_from": "2026-02-01", "valid_to": "2026-12-31"}
    response = api.post(f"/people/{world.charlie.pk}/postings", body, as_=world.erin)
    assert response.status_code == 201
    created = data(response)
    posting = Posting.objects.get(pk=created["id"])
    assert created == {
        "id": posting.pk,
        "person_id": world.charlie.pk,
        "force": "cambridgeshire",
        "role": "pcso",
        "neighbourhood": {"id": world.a1.pk, "code": "CC01", "name": "City Centre"},
        "team": None,
        "valid_from": "2026-02-01",
        "valid_to": "2026-12-31",
    }
    event = _audited(response, EventType.POSTING_CREATED)
    assert (event.actor_id, event.neighbourhood_id, event.object_id) == (world.erin.pk, world.a1.pk, str(posting.pk))


def test_posting_to_a_team_and_force_wide(world: World, api: Api) -> None:
    team = {"role": "supervisor", "team": world.team_a.pk, "valid_from": "2026-01-01"}
    assert data(api.post(f"/people/{world.alice.pk}/postings", team, as_=world.erin))["team"]["id"] == world.team_a.pk
    tutor = {"role": "tutor", "valid_from": "2026-01-01"}
    created = data(api.post(f"/people/{world.alice.pk}/postings", tutor, as_=world.erin))
    assert (created["neighbourhood"], created["team"]) == (None, None)


@pytest.mark.parametrize("who", ["alice", "bob", "fay", "dee"])
def test_posting_by_someone_who_cannot_manage_people_is_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    body = {"role": "pcso", "neighbourhood": world.a1.pk, "valid_from": "2026-01-01"}
    assert_error(api.post(f"/people/{world.bob.pk}/postings", body, as_=getattr(world, who)), 403)
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy"])
def test_posting_an_outsiders_person_is_404(world: World, api: Api, who: str) -> None:
    body = {"role": "pcso", "neighbourhood": world.a1.pk, "valid_from": "2026-01-01"}
    before = _counts()
    assert_error(api.post(f"/people/{world.alice.pk}/postings", body, as_=getattr(world, who)), 404)
    assert_error(api.post("/people/99999999/postings", body, as_=world.erin), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "chief_constable", "valid_from": "2026-01-01"}, {"role"}),
        ({"role": "pcso", "neighbourhood": 1, "valid_from": "soon"}, {"valid_from"}),
        ({"role": "pcso", "neighbourhood": "CC01", "valid_from": "2026-01-01"}, {"neighbourhood"}),
        ({"role": "pcso", "neighbourhood": 1}, {"valid_from"}),
        ({"role": "pcso", "neighbourhood_id": 1, "valid_from": "2026-01-01"}, {"neighbourhood_id"}),
    ],
)
def test_posting_schema_errors_are_422(world: World, api: Api, body: dict[str, Any], fields: set[str]) -> None:
    before = _counts()
    error = assert_error(api.post(f"/people/{world.charlie.pk}/postings", body, as_=world.erin), 422)
    assert set(error["fields"]) == fields
    assert _counts() == before


def test_posting_service_rules_are_400(world: World, api: Api) -> None:
    path = f"/people/{world.charlie.pk}/postings"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"role": "pcso", "valid_from": "2026-01-01"}, "neighbourhood"),  # a PCSO needs an area
        ({"role": "pcso", "neighbourhood": world.a1.pk, "team": world.team_a.pk, "valid_from": "2026-01-01"}, "team"),
        ({"role": "analyst", "neighbourhood": world.a1.pk, "valid_from": "2026-01-01"}, "neighbourhood"),
        (
            {"role": "pcso", "neighbourhood": world.a1.pk, "valid_from": "2026-02-01", "valid_to": "2026-01-01"},
            "valid_to",
        ),
        ({"role": "pcso", "neighbourhood": 99999999, "valid_from": "2026-01-01"}, "neighbourhood"),  # unknown
        ({"role": "pcso", "neighbourhood": world.b1.pk, "valid_from": "2026-01-01"}, "neighbourhood"),  # other force
        ({"role": "pcso", "team": 99999999, "valid_from": "2026-01-01"}, "team"),
    ]  # fmt: skip
    before = _counts()
    for body, field in cases:
        error = assert_error(api.post(path, body, as_=world.erin), 400, "invalid")
        assert field in error["fields"], (body, error)
    assert _counts() == before


# ---- POST /postings/{id}/end --------------------------------------------------------------------
def test_a_force_admin_ends_a_posting_today(world: World, api: Api) -> None:
    posting = _posting(world.alice)
    response = api.post(f"/postings/{posting.pk}/end", {"reason": "  Moved to Cherry Hinton  "}, as_=world.erin)
    assert response.status_code == 200
    assert data(response)["valid_to"] == today().isoformat()
    posting.refresh_from_db()
    assert posting.valid_to == today()
    event = _audited(response, EventType.POSTING_ENDED)
    assert (event.actor_id, event.reason, event.object_id) == (world.erin.pk, "Moved to Cherry Hinton", str(posting.pk))
    # Today is the posting's last day: it is still active until midnight.
    assert [p["valid_to"] for p in data(api.get("/me", as_=world.alice))["postings"]] == [today().isoformat()]


def test_ending_on_a_given_date(world: World, api: Api) -> None:
    posting = _posting(world.charlie)
    end = today() + dt.timedelta(days=14)
    body = {"reason": "Secondment", "valid_to": end.isoformat()}
    assert data(api.post(f"/postings/{posting.pk}/end", body, as_=world.erin))["valid_to"] == end.isoformat()


@pytest.mark.parametrize("who", ["alice", "bob", "fay"])
def test_ending_by_someone_who_cannot_manage_people_is_403(world: World, api: Api, who: str) -> None:
    posting = _posting(world.alice)
    before = _counts()
    assert_error(api.post(f"/postings/{posting.pk}/end", {"reason": "No"}, as_=getattr(world, who)), 403)
    posting.refresh_from_db()
    assert posting.valid_to is None
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy", "charlie"])
def test_ending_an_invisible_posting_is_404(world: World, api: Api, who: str) -> None:
    posting = _posting(world.alice)
    assert_error(api.post(f"/postings/{posting.pk}/end", {"reason": "x"}, as_=getattr(world, who)), 404)
    assert_error(api.post("/postings/99999999/end", {"reason": "x"}, as_=world.erin), 404)
    posting.refresh_from_db()
    assert posting.valid_to is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "r" * 1001}, "reason"),
        ({"reason": "x", "valid_to": 7}, "valid_to"),
    ],
)
def test_ending_with_bad_input_is_422(world: World, api: Api, body: dict[str, Any], field: str) -> None:
    posting = _posting(world.alice)
    error = assert_error(api.post(f"/postings/{posting.pk}/end", body, as_=world.erin), 422)
    assert list(error["fields"]) == [field]


def test_ending_against_the_rules_is_400(world: World, api: Api) -> None:
    posting = _posting(world.alice)
    before = _counts()
    early = {"reason": "Oops", "valid_to": "2019-01-01"}  # before the posting began (2020-01-01)
    assert "valid_to" in assert_error(api.post(f"/postings/{posting.pk}/end", early, as_=world.erin), 400)["fields"]
    assert _counts() == before
    api.post(f"/postings/{posting.pk}/end", {"reason": "Moved"}, as_=world.erin)
    again = assert_error(api.post(f"/postings/{posting.pk}/end", {"reason": "Again"}, as_=world.erin), 400)
    assert "valid_to" in again["fields"]
