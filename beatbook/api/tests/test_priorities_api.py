"""Neighbourhood priorities through the API: scoped reads, writes by the neighbourhood's PCSOs,
officers and supervisors (audited), refusals as 400 by field with nothing stored, 409 on an old
version, the review flag for the owner and the supervisor, the link back to the event, 405 for
wrong methods, and the pinned query count of the list. Every response is checked against the
OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import CommunitySettings, Priority, PriorityAction
from beatbook.community.services import priorities as services
from beatbook.community.tests.test_priorities_services import ISSUE, days_ago, make_event, make_priority
from beatbook.core.testing import World
from beatbook.core.timeutil import today

from .helpers import Api, assert_error, data


def refused(response: Any) -> set[str]:
    """The fields a 400 names."""
    return set(assert_error(response, 400)["fields"])


def new(world: World, **overrides: Any) -> dict[str, Any]:
    return {"neighbourhood": world.a1.pk, "issue": ISSUE, "set_on": days_ago(2).isoformat()} | overrides


def test_anonymous_is_401(world: World, api: Api) -> None:
    priority = make_priority(world)
    ref = priority.reference
    for method, path in (
        ("GET", "/priorities"),
        ("POST", "/priorities"),
        ("GET", f"/priorities/{ref}"),
        ("PATCH", f"/priorities/{ref}"),
        ("POST", f"/priorities/{ref}/actions"),
        ("POST", f"/priorities/{ref}/status"),
        ("POST", f"/priorities/{ref}/publish"),
        ("POST", f"/priorities/{ref}/unpublish"),
        ("GET", "/me/priorities-due"),
    ):
        assert_error(api.call(method, path, body={}), 401)


def test_wrong_methods_are_405(world: World, api: Api) -> None:
    ref = make_priority(world).reference
    for method, path in (
        ("DELETE", f"/priorities/{ref}"),
        ("PUT", "/priorities"),
        ("GET", f"/priorities/{ref}/actions"),
        ("GET", f"/priorities/{ref}/publish"),
        ("POST", "/me/priorities-due"),
    ):
        assert_error(api.call(method, path, as_=world.alice), 405)


def test_creating(world: World, api: Api) -> None:
    assert_error(api.post("/priorities", new(world), as_=world.dee), 403)  # sees A1, does not engage there
    assert_error(api.post("/priorities", new(world), as_=world.charlie), 400)  # A1 is not his
    assert_error(api.post("/priorities", new(world), as_=world.hal), 400)
    refusals = (
        ({"set_on": (today() + dt.timedelta(days=1)).isoformat()}, "set_on"),
        ({"review_on": days_ago(3).isoformat()}, "review_on"),  # before set_on
        ({"owner": world.charlie.pk}, "owner"),
        ({"owner": world.hal.pk}, "owner"),  # not someone Alice sees
        ({"source_event": "CAMBS-EVT-2026-424242"}, "source_event"),
    )
    for overrides, field in refusals:
        assert refused(api.post("/priorities", new(world, **overrides), as_=world.alice)) == {field}
    assert_error(api.post("/priorities", new(world, issue="x" * 2001), as_=world.alice), 422)
    assert_error(api.post("/priorities", new(world, issue="   "), as_=world.alice), 422)
    assert_error(api.post("/priorities", new(world, colour="red"), as_=world.alice), 422)
    assert not Priority.objects.exists()
    response = api.post("/priorities", new(world, owner=world.bob.pk, is_published=True), as_=world.alice)
    assert response.status_code == 201
    created = data(response)
    assert created["reference"].startswith("CAMBS-PRI-") and created["owner"]["id"] == world.bob.pk
    assert created["review_on"] == (days_ago(2) + dt.timedelta(days=90)).isoformat()
    assert created["is_published"] and created["actions"] == [] and created["source_event"] is None
    assert AuditEvent.objects.filter(
        event_type=EventType.PRIORITY_CREATED, request_id=response["X-Request-ID"]
    ).exists()


def test_set_from_an_event_links_back(world: World, api: Api) -> None:
    event = make_event(world, world.a1, on=days_ago(3))
    body = new(world, source_event=event.reference, set_on=days_ago(4).isoformat())
    assert refused(api.post("/priorities", body, as_=world.alice)) == {"set_on"}
    other = make_event(world, world.a2, by=world.alice)
    body = new(world, source_event=other.reference, set_on=days_ago(3).isoformat())
    assert refused(api.post("/priorities", body, as_=world.alice)) == {"source_event"}
    assert not Priority.objects.exists()
    body = new(world, source_event=event.reference, set_on=days_ago(3).isoformat())
    created = data(api.post("/priorities", body, as_=world.alice))
    assert created["source_event"]["reference"] == event.reference
    assert created["source_event"]["title"] == event.title


def test_reading(world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    priority = make_priority(world, set_on=days_ago(100))
    services.priority_add_action(actor=world.alice, priority=priority, taken_on=days_ago(99), text="Leaflets")
    services.priority_add_action(
        actor=world.alice, priority=priority, taken_on=days_ago(98), text="Met the head", is_public=False
    )
    make_priority(world, actor=world.charlie, neighbourhood=world.a2, issue="Graffiti")
    one = data(api.get(f"/priorities/{priority.reference}", as_=world.alice))
    assert [(a["text"], a["is_public"]) for a in one["actions"]] == [("Leaflets", True), ("Met the head", False)]
    assert one["is_due_review"] and one["review_days"] == 90 and one["last_update_on"] == days_ago(98).isoformat()
    assert data(api.get(f"/priorities/{priority.reference.lower()}", as_=world.dee))["reference"] == priority.reference
    for outsider in (world.charlie, world.hal, world.gus):
        assert_error(api.get(f"/priorities/{priority.reference}", as_=outsider), 404)
    assert_error(api.get("/priorities/NOPE", as_=world.alice), 404)
    listed = data(api.get("/priorities", as_=world.alice))
    assert [p["reference"] for p in listed["items"]] == [priority.reference] and listed["total"] == 1
    assert listed["items"][0]["action_count"] == 2
    assert data(api.get("/priorities", as_=world.hal))["total"] == 0
    assert data(api.get("/priorities", as_=world.bob))["total"] == 2
    assert data(api.get("/priorities", as_=world.bob, query={"due": True}))["total"] == 1
    assert data(api.get("/priorities", as_=world.bob, query={"q": "graffiti"}))["total"] == 1
    assert data(api.get("/priorities", as_=world.bob, query={"owner": world.charlie.pk}))["total"] == 1
    assert data(api.get("/priorities", as_=world.bob, query={"published": True}))["total"] == 0
    assert_error(api.get("/priorities", as_=world.bob, query={"status": "closed"}), 422)
    for _n in range(4):
        make_priority(world, actor=world.bob, neighbourhood=world.a2)
    for size in (1, 5):
        with django_assert_num_queries(3):  # token, count, rows (joined and annotated)
            page = data(api.get("/priorities", as_=world.bob, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 6


def test_changing(world: World, api: Api) -> None:
    ref = make_priority(world).reference
    url = f"/priorities/{ref}"
    assert_error(api.patch(url, {"version": 1, "issue": "x"}, as_=world.dee), 403)
    assert_error(api.patch(url, {"version": 1, "issue": "x"}, as_=world.hal), 404)
    assert_error(api.patch(url, {"version": 1, "issue": None}, as_=world.alice), 422)
    assert_error(api.patch(url, {"issue": "x"}, as_=world.alice), 422)  # no version
    bad = {"version": 1, "review_on": days_ago(6).isoformat(), "owner": world.charlie.pk}  # set 5 days ago
    assert refused(api.patch(url, bad, as_=world.bob)) == {"review_on", "owner"}
    changed = data(api.patch(url, {"version": 1, "owner": world.bob.pk}, as_=world.alice))
    assert changed["owner"]["id"] == world.bob.pk and changed["version"] == 2 and changed["issue"] == ISSUE
    assert_error(api.patch(url, {"version": 1, "issue": "Parking"}, as_=world.alice), 409)
    assert Priority.objects.get().issue == ISSUE
    assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_UPDATED).count() == 1


def test_actions_status_and_publication(world: World, api: Api) -> None:
    ref = make_priority(world, set_on=days_ago(10)).reference
    actions = f"/priorities/{ref}/actions"
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    assert refused(api.post(actions, {"taken_on": tomorrow, "text": "x"}, as_=world.alice)) == {"taken_on"}
    before = days_ago(11).isoformat()
    assert refused(api.post(actions, {"taken_on": before, "text": "x"}, as_=world.alice)) == {"taken_on"}
    assert_error(api.post(actions, {"taken_on": today().isoformat(), "text": ""}, as_=world.alice), 422)
    assert_error(api.post(actions, {"taken_on": today().isoformat(), "text": "x"}, as_=world.fay), 403)
    assert_error(api.post(actions, {"taken_on": today().isoformat(), "text": "x"}, as_=world.hal), 404)
    assert not PriorityAction.objects.exists()
    response = api.post(
        actions, {"taken_on": days_ago(1).isoformat(), "text": "Patrols", "is_public": False}, as_=world.bob
    )
    assert response.status_code == 201
    assert data(response)["last_update_on"] == days_ago(1).isoformat() and data(response)["action_count"] == 1
    assert AuditEvent.objects.filter(
        event_type=EventType.PRIORITY_ACTION_ADDED, request_id=response["X-Request-ID"]
    ).exists()

    status = f"/priorities/{ref}/status"
    assert_error(api.post(status, {"status": "resolved", "reason": "Done", "version": 1}, as_=world.alice), 409)
    assert refused(api.post(status, {"status": "open", "reason": "x"}, as_=world.alice)) == {"status"}
    assert_error(api.post(status, {"status": "resolved", "reason": ""}, as_=world.alice), 422)
    resolved = data(api.post(status, {"status": "resolved", "reason": "Cones", "version": 2}, as_=world.alice))
    assert resolved["status"] == "resolved" and resolved["status_reason"] == "Cones" and not resolved["is_due_review"]
    closed = {"taken_on": today().isoformat(), "text": "x"}
    assert refused(api.post(actions, closed, as_=world.alice)) == {"status"}

    publish, unpublish = f"/priorities/{ref}/publish", f"/priorities/{ref}/unpublish"
    assert_error(api.post(publish, as_=world.dee), 403)
    assert data(api.post(publish, as_=world.alice))["is_published"]
    assert not data(api.post(unpublish, as_=world.erin))["is_published"]  # the force manages publication
    assert_error(api.post(unpublish, as_=world.ivy), 404)
    api.post(status, {"status": "open", "reason": "Back"}, as_=world.alice)
    api.post(status, {"status": "withdrawn", "reason": "Duplicate"}, as_=world.alice)
    assert refused(api.post(publish, as_=world.alice)) == {"is_published"}
    assert not Priority.objects.get().is_published


def test_due_for_review_is_flagged_to_the_owner_and_the_supervisor(world: World, api: Api) -> None:
    CommunitySettings.objects.create(force=world.force_a, priority_review_days=30)
    on_time = make_priority(world, set_on=days_ago(30))
    due = make_priority(world, set_on=days_ago(31))
    assert not data(api.get(f"/priorities/{on_time.reference}", as_=world.alice))["is_due_review"]
    for who in (world.alice, world.bob):
        assert [p["reference"] for p in data(api.get("/me/priorities-due", as_=who))["items"]] == [due.reference]
    for who in (world.charlie, world.dee, world.hal):
        assert data(api.get("/me/priorities-due", as_=who))["items"] == []
