"""GET /people/{id}/history: a person's audit events and their postings', for the force's
administrators and auditors (403 for others who see the person, 404 for those who do not)."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.selectors import HISTORY_LIMIT
from beatbook.audit.services import record
from beatbook.core.testing import World
from beatbook.org import services as org
from beatbook.org.models import Posting

from .helpers import Api, assert_error, data


def _history_events() -> int:
    return AuditEvent.objects.exclude(event_type=EventType.API_TOKEN_CREATED).count()


@pytest.mark.parametrize("who", ["erin", "fay"])
def test_force_admins_and_auditors_read_a_persons_history(world: World, api: Api, who: str) -> None:
    posting = Posting.objects.get(person=world.alice)
    org.posting_end(actor=world.erin, posting=posting, reason="Moved to Cherry Hinton")
    body = data(api.get(f"/people/{world.alice.pk}/history", as_=getattr(world, who)))
    assert body["limit"] == HISTORY_LIMIT
    ended, created, person_created = body["items"]
    assert ended == {
        "id": ended["id"],
        "occurred_at": ended["occurred_at"],
        "event_type": 251,
        "event": "Posting ended",
        "actor": "Erin",
        "actor_id": world.erin.pk,
        "object_type": "org.posting",
        "object_id": str(posting.pk),
        "object": "Alice - PCSO - City Centre",
        "reason": "Moved to Cherry Hinton",
    }
    assert ended["occurred_at"].endswith("Z") or ended["occurred_at"].endswith("+00:00")
    assert (created["event_type"], created["object_type"]) == (250, "org.posting")
    assert (person_created["event_type"], person_created["object_type"], person_created["actor"]) == (
        240,
        "org.person",
        "Beatbook system",
    )


def test_reading_the_history_writes_nothing(world: World, api: Api) -> None:
    api.get("/me", as_=world.erin)
    before = _history_events()
    api.get(f"/people/{world.alice.pk}/history", as_=world.erin)
    assert _history_events() == before


@pytest.mark.parametrize(("who", "whose"), [("alice", "bob"), ("bob", "alice"), ("dee", "alice"), ("alice", "alice")])
def test_others_who_see_the_person_get_403(world: World, api: Api, who: str, whose: str) -> None:
    person = getattr(world, whose)
    assert_error(api.get(f"/people/{person.pk}/history", as_=getattr(world, who)), 403, "permission_denied")


@pytest.mark.parametrize("who", ["hal", "ivy", "charlie", "gus"])
def test_those_who_do_not_see_the_person_get_404(world: World, api: Api, who: str) -> None:
    assert_error(api.get(f"/people/{world.alice.pk}/history", as_=getattr(world, who)), 404, "not_found")
    assert_error(api.get("/people/99999999/history", as_=world.erin), 404, "not_found")


def test_anonymous_is_401(world: World, api: Api) -> None:
    assert_error(api.get(f"/people/{world.alice.pk}/history"), 401, "not_authenticated")


def test_at_most_the_newest_events(world: World, api: Api) -> None:
    for index in range(HISTORY_LIMIT + 3):
        record(actor=world.system, event=EventType.PERSON_UPDATED, obj=world.alice, reason=f"change {index}")
    items = data(api.get(f"/people/{world.alice.pk}/history", as_=world.fay))["items"]
    assert len(items) == HISTORY_LIMIT
    assert items[0]["reason"] == f"change {HISTORY_LIMIT + 2}"


def test_the_query_count_does_not_grow_with_the_history(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    api.get("/me", as_=world.erin)  # first use of the token records last_used_at
    for size in (0, 20):
        for index in range(size):
            record(actor=world.system, event=EventType.PERSON_UPDATED, obj=world.alice, reason=f"change {index}")
        # token, person, their active postings, the access check, the events (content type joined)
        with django_assert_num_queries(5):
            api.get(f"/people/{world.alice.pk}/history", as_=world.erin)


def test_wrong_methods_are_405(world: World, api: Api) -> None:
    assert_error(api.post(f"/people/{world.alice.pk}/history", {}, as_=world.erin), 405, "method_not_allowed")
