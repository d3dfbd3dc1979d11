"""An object's history: its audit events (a person's include their postings'), newest first, for
the force's administrators and auditors only, and the "History" section of the pages that show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit import selectors
from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import record
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.org import services as org
from beatbook.org.models import Posting, Role, Team

pytestmark = pytest.mark.django_db


def kinds(events: list[AuditEvent] | None) -> list[int]:
    assert events is not None
    return [e.event_type for e in events]


def end_alices_posting(world: World) -> Posting:
    posting = Posting.objects.get(person=world.alice)
    return org.posting_end(actor=world.erin, posting=posting, valid_to=today(), reason="Moved to Cherry Hinton")


class HistoryOfTests:
    def test_a_persons_history_includes_their_postings_newest_first(self, world: World) -> None:
        posting = end_alices_posting(world)
        events = selectors.history_of(world.erin, world.alice)
        assert kinds(events) == [EventType.POSTING_ENDED, EventType.POSTING_CREATED, EventType.PERSON_CREATED]
        assert events is not None
        assert events[0].reason == "Moved to Cherry Hinton" and events[0].object_id == str(posting.pk)
        assert {(e.content_type.model if e.content_type else "", e.object_id) for e in events} == {
            ("posting", str(posting.pk)),
            ("person", str(world.alice.pk)),
        }

    def test_nothing_about_anything_else(self, world: World) -> None:
        # Another kind of object with Alice's id, and Bob's posting and account: none of it is hers.
        namesake = Team(pk=world.alice.pk, force=world.force_a, name="Not Alice")
        record(actor=world.system, event=EventType.TEAM_UPDATED, obj=namesake)
        org.posting_end(actor=world.erin, posting=Posting.objects.get(person=world.bob), reason="Promoted")
        org.person_deactivate(actor=world.erin, person=world.bob, reason="Retired")
        events = selectors.history_of(world.erin, world.alice)
        assert kinds(events) == [EventType.POSTING_CREATED, EventType.PERSON_CREATED]
        assert kinds(selectors.history_of(world.erin, world.bob))[:2] == [
            EventType.PERSON_DEACTIVATED,
            EventType.POSTING_ENDED,
        ]

    @pytest.mark.parametrize("who", ["erin", "fay"])
    def test_force_admins_and_auditors_see_the_history_of_what_they_see(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        assert kinds(selectors.history_of(actor, world.gus))[-1] == EventType.PERSON_CREATED
        assert kinds(selectors.history_of(actor, world.a1)) == [EventType.NEIGHBOURHOOD_CREATED]
        assert kinds(selectors.history_of(actor, world.team_a)) == [EventType.TEAM_CREATED]

    @pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dee", "gus", "hal", "ivy"])
    def test_nobody_else_sees_it(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        for obj in (world.alice, world.bob, world.a1, world.team_a):
            assert selectors.history_of(actor, obj) is None, obj

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "gus", "hal"])
    def test_not_even_ones_own(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        assert selectors.history_of(actor, actor) is None

    def test_another_forces_admin_sees_only_her_own_forces_history(self, world: World) -> None:
        assert selectors.history_of(world.ivy, world.hal) is not None
        assert selectors.history_of(world.ivy, world.b1) is not None
        assert selectors.history_of(world.erin, world.hal) is None
        assert selectors.history_of(world.erin, world.b1) is None

    def test_no_longer_posted_means_no_history(self, world: World) -> None:
        org.posting_end(
            actor=world.system, posting=Posting.objects.get(person=world.erin), valid_to=today() - dt.timedelta(days=1)
        )
        assert selectors.history_of(world.erin, world.alice) is None

    def test_anonymous_sees_nothing_and_the_system_everything(self, world: World) -> None:
        assert selectors.history_of(AnonymousUser(), world.alice) is None
        assert kinds(selectors.history_of(world.system, world.alice)) == [
            EventType.POSTING_CREATED,
            EventType.PERSON_CREATED,
        ]

    def test_only_the_newest_are_given(self, world: World) -> None:
        for index in range(selectors.HISTORY_LIMIT + 5):
            record(actor=world.system, event=EventType.PERSON_UPDATED, obj=world.alice, reason=f"change {index}")
        events = selectors.history_of(world.erin, world.alice)
        assert events is not None and len(events) == selectors.HISTORY_LIMIT
        assert events[0].reason == f"change {selectors.HISTORY_LIMIT + 4}"
        assert len(selectors.history_of(world.erin, world.alice, limit=3) or []) == 3

    @pytest.mark.parametrize("who", ["erin", "alice"])
    def test_two_queries_at_most(
        self, world: World, who: str, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        end_alices_posting(world)
        for _ in range(5):
            org.posting_create(
                actor=world.system, person=world.alice, role=Role.PCSO, neighbourhood=world.a2,
                valid_from=today() + dt.timedelta(days=30),
            )  # fmt: skip
        actor = getattr(world, who)
        expected = 2 if who == "erin" else 1  # the access check, then (if allowed) the events
        with django_assert_num_queries(expected):
            events = selectors.history_of(actor, world.alice)
            for event in events or []:
                assert event.content_type is not None and event.get_event_type_display()
        assert (events is not None) == (who == "erin")


# ---- The "History" section on the pages ---------------------------------------------------------


def history_section(body: str) -> str:
    start = body.find('id="history"')
    assert start != -1, "no History section"
    return body[start:]


class HistorySectionTests:
    def test_on_a_persons_page_for_the_force_admin(self, world: World) -> None:
        end_alices_posting(world)
        response = world.client_for(world.erin).get(reverse("org:person", args=[world.alice.pk]))
        assert response.status_code == 200
        section = history_section(response.content.decode())
        assert 'data-testid="history-table"' in section and 'class="bb-table-wrap"' in section
        assert "Posting ended" in section and "Moved to Cherry Hinton" in section and "Erin" in section
        assert "Person created" in section and "Beatbook system" in section
        assert "Alice - PCSO - City Centre" in section  # the posting an event is about

    def test_times_are_shown_in_london_time(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        summer = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: summer)  # when record() stamps the event
        record(actor=world.erin, event=EventType.PERSON_UPDATED, obj=world.alice, reason="A summer night")
        monkeypatch.undo()
        section = history_section(
            world.client_for(world.fay).get(reverse("org:person", args=[world.alice.pk])).content.decode()
        )
        assert "2 Jul 2026 00:30" in section  # British Summer Time, the next day
        assert 'datetime="2026-07-02T00:30:00+01:00"' in section

    @pytest.mark.parametrize("who", ["bob", "dee", "alice"])
    def test_not_on_the_page_for_others(self, world: World, who: str) -> None:
        response = world.client_for(getattr(world, who)).get(reverse("org:person", args=[world.alice.pk]))
        assert response.status_code == 200
        assert 'id="history"' not in response.content.decode()
        assert response.context["history"] is None

    def test_on_a_neighbourhoods_page(self, world: World) -> None:
        url = reverse("org:neighbourhood", args=[world.a1.pk])
        assert "Neighbourhood created" in history_section(world.client_for(world.fay).get(url).content.decode())
        assert 'id="history"' not in world.client_for(world.alice).get(url).content.decode()

    def test_on_the_team_edit_page(self, world: World) -> None:
        org.team_update(
            actor=world.erin, team=world.team_a, changes=org.TeamChanges(name="Cambridge South and East NPT")
        )
        body = world.client_for(world.erin).get(reverse("org:team_edit", args=[world.team_a.pk])).content.decode()
        section = history_section(body)
        assert section.index("Team updated") < section.index("Team created")

    def test_an_empty_history_says_so(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        def nothing(actor: Any, obj: Any, *, limit: int = 50) -> list[AuditEvent]:
            return []

        monkeypatch.setattr(selectors, "history_of", nothing)
        body = world.client_for(world.erin).get(reverse("org:person", args=[world.alice.pk])).content.decode()
        assert "Nothing has been recorded yet." in history_section(body)


def test_the_limit_is_a_positive_number() -> None:
    assert selectors.HISTORY_LIMIT > 0
    assert timezone.get_current_timezone_name() == "Europe/London"
