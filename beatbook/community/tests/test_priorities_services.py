"""Neighbourhood priorities: who may set and change them, what is refused (with nothing stored),
the actions and the last update, the status flow, publication, the audit rows (no free text), and
the review flag at its boundary day with each force's own period, flagged to the owner and the
supervisor but not to another PCSO."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import (
    CommunitySettings,
    EngagementEvent,
    EventKind,
    EventStatus,
    Priority,
    PriorityAction,
)
from beatbook.community.selectors import priorities as selectors
from beatbook.community.services import priorities as services
from beatbook.core.testing import Days, World, on_the_days
from beatbook.core.timeutil import today
from beatbook.demo import seeding
from beatbook.demo.community_priorities import seed_priorities
from beatbook.org.models import Neighbourhood, Person, Posting

ISSUE = "Cars parked on the pavement outside St Mary's school at pick-up time."
_event_numbers = iter(range(1, 10_000))


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_event(
    world: World,
    neighbourhood: Neighbourhood,
    *,
    status: str = EventStatus.HELD,
    on: dt.date | None = None,
    issues: str = "Speeding on Mill Road\nParking outside the school\nDrug dealing in the park",
    lat: float | None = None,
    lng: float | None = None,
    by: Person | None = None,
) -> EngagementEvent:
    """An engagement event written directly (the events' services are another part's)."""
    day = on or days_ago(10)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))
    number = next(_event_numbers)
    person = by or world.alice
    return EngagementEvent.objects.create(
        reference=f"{neighbourhood.force.short_code}-EVT-{day.year}-{number:06d}",
        force=neighbourhood.force,
        neighbourhood=neighbourhood,
        kind=EventKind.PUBLIC_MEETING,
        title=f"Meeting {number} at the community centre",
        address="Community centre, Mill Road",
        lat=lat,
        lng=lng,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        status=status,
        attendance=25 if status == EventStatus.HELD else None,
        cancelled_reason="Room unavailable" if status == EventStatus.CANCELLED else "",
        issues_raised=issues,
        created_by=person,
        updated_by=person,
    )


def make_priority(world: World, **overrides: Any) -> Priority:
    args: dict[str, Any] = {
        "actor": world.alice,
        "neighbourhood": world.a1,
        "issue": ISSUE,
        "set_on": days_ago(5),
    }
    args.update(overrides)
    return services.priority_create(**args)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


class CreateTests:
    def test_it_sets_defaults_references_and_audits(self, world: World) -> None:
        priority = make_priority(world)
        assert priority.reference == f"CAMBS-PRI-{days_ago(5).year}-000001"
        assert (priority.owner, priority.created_by, priority.status) == (world.alice, world.alice, "open")
        assert priority.review_on == days_ago(5) + dt.timedelta(days=90)  # no settings: 90 days
        assert priority.last_update_on == priority.set_on
        assert not priority.is_published and priority.published_at is None and priority.version == 1
        event = AuditEvent.objects.get(event_type=EventType.PRIORITY_CREATED)
        assert event.object_id == str(priority.pk) and event.neighbourhood_id == world.a1.pk
        after = after_of(event)
        assert after["reference"] == priority.reference and after["owner"] == world.alice.pk
        assert "pavement" not in str(after)  # no free text in the trail

    def test_the_default_review_date_follows_the_force_period(self, world: World) -> None:
        CommunitySettings.objects.create(force=world.force_a, priority_review_days=30)
        priority = make_priority(world, set_on=days_ago(2), is_published=True)
        assert priority.review_on == days_ago(2) + dt.timedelta(days=30)
        assert priority.is_published and priority.published_at is not None

    def test_set_from_an_event_links_back(self, world: World) -> None:
        event = make_event(world, world.a1, on=days_ago(3))
        priority = make_priority(
            world, source_event=event, set_on=days_ago(3), owner=world.bob, review_on=days_ago(3), issue="  x  "
        )
        assert priority.source_event == event and priority.owner == world.bob and priority.issue == "x"
        assert list(event.priorities.all()) == [priority]
        assert after_of(AuditEvent.objects.get(event_type=EventType.PRIORITY_CREATED))["source_event"] == event.pk

    def test_only_those_who_engage_in_the_neighbourhood_may_set_one(self, world: World) -> None:
        for who in (world.charlie, world.dee, world.erin, world.fay, world.gus, world.hal):
            with pytest.raises(PermissionDenied):
                make_priority(world, actor=who)
        make_priority(world, actor=world.bob)  # the team's supervisor
        assert Priority.objects.count() == 1

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"issue": "   "}, "issue"),
            ({"issue": "x" * 2001}, "issue"),
            ({"set_on": Days(1)}, "set_on"),
            ({"review_on": Days(-6)}, "review_on"),  # before set_on (5 days ago)
        ],
    )
    def test_bad_input_is_refused_with_nothing_stored(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as exc:
            make_priority(world, **on_the_days(overrides))
        assert field in errors_of(exc)
        assert not Priority.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.PRIORITY_CREATED).exists()

    def test_the_owner_must_engage_in_the_neighbourhood(self, world: World) -> None:
        for owner in (world.charlie, world.dee, world.hal, world.system):
            with pytest.raises(ValidationError) as exc:
                make_priority(world, owner=owner)
            assert errors_of(exc) == {"owner"}
        assert not Priority.objects.exists()

    def test_the_system_actor_must_name_an_owner(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            make_priority(world, actor=world.system)
        assert errors_of(exc) == {"owner"}

    def test_a_date_set_before_the_event_is_refused(self, world: World) -> None:
        event = make_event(world, world.a1, on=days_ago(3))
        with pytest.raises(ValidationError) as exc:
            make_priority(world, source_event=event, set_on=days_ago(4))
        assert errors_of(exc) == {"set_on"} and "before the event" in str(exc.value)
        assert not Priority.objects.exists()

    def test_the_source_event_must_be_visible_held_and_of_the_neighbourhood(self, world: World) -> None:
        elsewhere = make_event(world, world.a2, by=world.charlie)  # Alice cannot see A2's events
        other_area = make_event(world, world.a2, by=world.alice)  # she created it: she sees it
        planned = make_event(world, world.a1, status=EventStatus.PLANNED)
        cases = ((elsewhere, "can see"), (other_area, "another neighbourhood"), (planned, "held"))
        for event, words in cases:
            with pytest.raises(ValidationError) as exc:
                make_priority(world, source_event=event)
            assert errors_of(exc) == {"source_event"} and words in str(exc.value)
        assert not Priority.objects.exists()


class UpdateTests:
    def test_it_changes_the_fields_and_bumps_the_version(self, world: World) -> None:
        priority = make_priority(world)
        services.priority_update(
            actor=world.bob,
            priority=priority,
            expected_version=1,
            issue="Parking at the school",
            owner=world.bob,
            review_on=today(),
        )
        assert (priority.issue, priority.owner, priority.review_on, priority.version) == (
            "Parking at the school",
            world.bob,
            today(),
            2,
        )
        event = AuditEvent.objects.get(event_type=EventType.PRIORITY_UPDATED)
        assert after_of(event)["text_changed"] == ["issue"] and "school" not in str(event.after)

    def test_a_stale_version_is_refused_and_nothing_changes(self, world: World) -> None:
        priority = make_priority(world)
        services.priority_update(actor=world.alice, priority=priority, expected_version=1, review_on=today())
        with pytest.raises(services.StalePriorityError) as exc:
            services.priority_update(actor=world.bob, priority=priority, expected_version=1, issue="Other")
        assert "after you opened it" in str(exc.value)
        priority.refresh_from_db()
        assert priority.issue == ISSUE and priority.version == 2

    def test_refusals(self, world: World) -> None:
        priority = make_priority(world)
        with pytest.raises(PermissionDenied):
            services.priority_update(actor=world.charlie, priority=priority, expected_version=1, issue="x")
        with pytest.raises(ValidationError) as exc:
            services.priority_update(
                actor=world.alice,
                priority=priority,
                expected_version=1,
                owner=world.charlie,
                review_on=days_ago(6),
                issue="",
            )
        assert errors_of(exc) == {"owner", "review_on", "issue"}
        priority.refresh_from_db()
        assert priority.version == 1 and priority.owner == world.alice


class ActionTests:
    def test_actions_move_the_last_update_to_the_latest(self, world: World) -> None:
        priority = make_priority(world, set_on=days_ago(20))
        action = services.priority_add_action(
            actor=world.alice, priority=priority, taken_on=days_ago(10), text="Leaflets"
        )
        assert (action.created_by, action.is_public) == (world.alice, True)
        assert priority.last_update_on == days_ago(10) and priority.version == 2
        services.priority_add_action(
            actor=world.bob, priority=priority, taken_on=days_ago(15), text="Spoke to the head", is_public=False
        )
        assert priority.last_update_on == days_ago(10)  # an older action does not move it back
        assert priority.actions.count() == 2
        events = AuditEvent.objects.filter(event_type=EventType.PRIORITY_ACTION_ADDED).order_by("id")
        assert [after_of(e)["action"]["is_public"] for e in events] == [True, False]
        assert "Leaflets" not in str([e.after for e in events])

    @pytest.mark.parametrize(
        ("taken_on", "text", "field"),
        [
            (1, "Patrols", "taken_on"),  # tomorrow
            (-21, "Patrols", "taken_on"),  # before the date set
            (0, "  ", "text"),
            (0, "x" * 2001, "text"),
        ],
    )
    def test_bad_actions_are_refused_with_nothing_stored(
        self, world: World, taken_on: int, text: str, field: str
    ) -> None:
        priority = make_priority(world, set_on=days_ago(20))
        with pytest.raises(ValidationError) as exc:
            services.priority_add_action(
                actor=world.alice, priority=priority, taken_on=today() + dt.timedelta(days=taken_on), text=text
            )
        assert errors_of(exc) == {field}
        priority.refresh_from_db()
        assert not PriorityAction.objects.exists() and priority.last_update_on == days_ago(20)
        assert priority.version == 1

    def test_no_action_on_a_closed_priority_or_by_an_outsider(self, world: World) -> None:
        priority = make_priority(world)
        with pytest.raises(PermissionDenied):
            services.priority_add_action(actor=world.dee, priority=priority, taken_on=today(), text="x")
        services.priority_set_status(actor=world.alice, priority=priority, status="resolved", reason="Fixed")
        with pytest.raises(ValidationError) as exc:
            services.priority_add_action(actor=world.alice, priority=priority, taken_on=today(), text="x")
        assert errors_of(exc) == {"status"}


class StatusTests:
    def test_the_status_flow(self, world: World) -> None:
        priority = make_priority(world, is_published=True)
        with pytest.raises(ValidationError) as exc:
            services.priority_set_status(actor=world.alice, priority=priority, status="resolved", reason=" ")
        assert errors_of(exc) == {"reason"}
        with pytest.raises(ValidationError) as exc:
            services.priority_set_status(actor=world.alice, priority=priority, status="open", reason="Why")
        assert errors_of(exc) == {"status"}
        services.priority_set_status(actor=world.alice, priority=priority, status="resolved", reason="Cones placed")
        assert (priority.status, priority.status_reason, priority.is_published) == ("resolved", "Cones placed", True)
        with pytest.raises(ValidationError):
            services.priority_set_status(actor=world.alice, priority=priority, status="withdrawn", reason="No")
        services.priority_set_status(actor=world.bob, priority=priority, status="open", reason="It came back")
        assert (priority.status, priority.status_reason) == ("open", "It came back")
        services.priority_set_status(
            actor=world.alice, priority=priority, status="withdrawn", reason="Duplicate", expected_version=3
        )
        assert priority.status == "withdrawn" and not priority.is_published  # withdrawing unpublishes
        events = AuditEvent.objects.filter(event_type=EventType.PRIORITY_STATUS_CHANGED).order_by("id")
        assert [after_of(e)["status"] for e in events] == ["resolved", "open", "withdrawn"]
        assert "Duplicate" not in str([e.after for e in events])

    def test_a_stale_version_is_refused(self, world: World) -> None:
        priority = make_priority(world)
        services.priority_add_action(actor=world.alice, priority=priority, taken_on=today(), text="x")
        with pytest.raises(services.StalePriorityError):
            services.priority_set_status(
                actor=world.alice, priority=priority, status="resolved", reason="Done", expected_version=1
            )
        priority.refresh_from_db()
        assert priority.status == "open"


class PublicationTests:
    def test_publish_and_unpublish(self, world: World) -> None:
        priority = make_priority(world)
        services.priority_publish(actor=world.alice, priority=priority)
        assert priority.is_published and priority.published_at is not None and priority.version == 2
        services.priority_publish(actor=world.alice, priority=priority)  # already: nothing changes
        assert priority.version == 2
        services.priority_unpublish(actor=world.erin, priority=priority)  # the force manages publication
        assert Priority.objects.values_list("is_published", "published_at").get() == (False, None)
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_PUBLISHED).count() == 1
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_UNPUBLISHED).count() == 1
        for who in (world.charlie, world.dee, world.ivy):
            with pytest.raises(PermissionDenied):
                services.priority_publish(actor=who, priority=priority)

    def test_a_withdrawn_priority_cannot_be_published(self, world: World) -> None:
        priority = make_priority(world)
        services.priority_set_status(actor=world.alice, priority=priority, status="withdrawn", reason="Duplicate")
        with pytest.raises(ValidationError) as exc:
            services.priority_publish(actor=world.alice, priority=priority)
        assert errors_of(exc) == {"is_published"}
        priority.refresh_from_db()
        assert not priority.is_published


def stale_priority(world: World, neighbourhood: Neighbourhood, actor: Person, last_update: int) -> Priority:
    """An open priority whose last update was `last_update` days ago."""
    return make_priority(world, actor=actor, neighbourhood=neighbourhood, set_on=days_ago(last_update))


def flagged(queryset: Any) -> dict[str, bool]:
    rows: list[Any] = list(selectors.with_review_flag(queryset))
    return {p.reference: p.is_due_review for p in rows}


class ReviewFlagTests:
    def test_the_flag_turns_on_the_day_after_each_force_period(self, world: World) -> None:
        CommunitySettings.objects.create(force=world.force_a, priority_review_days=30)  # B keeps the default 90
        a_on_time = stale_priority(world, world.a1, world.alice, 30)
        a_due = stale_priority(world, world.a1, world.alice, 31)
        b_on_time = stale_priority(world, world.b1, world.hal, 90)
        b_due = stale_priority(world, world.b1, world.hal, 91)
        assert flagged(Priority.objects.all()) == {
            a_on_time.reference: False,
            a_due.reference: True,
            b_on_time.reference: False,
            b_due.reference: True,
        }
        due = selectors.due_for_review(Priority.objects.all())
        assert set(due) == {a_due, b_due}
        # The same, seen from tomorrow: both boundary priorities are then due.
        tomorrow = today() + dt.timedelta(days=1)
        assert set(selectors.due_for_review(Priority.objects.all(), on=tomorrow)) == {
            a_on_time,
            a_due,
            b_on_time,
            b_due,
        }

    def test_an_action_clears_the_flag_and_closed_priorities_are_never_due(self, world: World) -> None:
        due = stale_priority(world, world.a1, world.alice, 120)
        resolved = stale_priority(world, world.a1, world.alice, 200)
        services.priority_set_status(actor=world.alice, priority=resolved, status="resolved", reason="Fixed")
        assert set(selectors.due_for_review(Priority.objects.all())) == {due}
        services.priority_add_action(actor=world.alice, priority=due, taken_on=days_ago(3), text="Patrols")
        assert not selectors.due_for_review(Priority.objects.all()).exists()

    def test_flagged_to_the_owner_and_the_supervisor_not_to_another_pcso(self, world: World) -> None:
        mine = stale_priority(world, world.a1, world.alice, 100)
        stale_priority(world, world.a1, world.alice, 10)  # not due
        owned_elsewhere = make_priority(world, actor=world.charlie, neighbourhood=world.a2, set_on=days_ago(95))
        derby = stale_priority(world, world.b1, world.hal, 100)
        assert list(selectors.priorities_due_for(world.alice)) == [mine]
        assert list(selectors.priorities_due_for(world.bob)) == [mine, owned_elsewhere]  # supervises A1 and A2
        assert list(selectors.priorities_due_for(world.charlie)) == [owned_elsewhere]
        assert list(selectors.priorities_due_for(world.hal)) == [derby]
        for nobody in (world.dee, world.erin, world.gus, world.ivy):
            assert not selectors.priorities_due_for(nobody).exists()
        # Charlie sees nothing of A1's, due or not.
        assert not selectors.priority_list(world.charlie).filter(pk=mine.pk).exists()

    def test_an_owner_who_moved_on_is_still_told(self, world: World) -> None:
        mine = stale_priority(world, world.a1, world.alice, 100)
        Posting.objects.filter(person=world.alice).update(valid_to=days_ago(1))
        assert list(selectors.priorities_due_for(world.alice)) == [mine]
        assert list(selectors.priorities_due_for(world.bob)) == [mine]

    def test_the_list_is_one_query(self, world: World, django_assert_num_queries: Any) -> None:
        for days in (10, 100, 200):
            priority = stale_priority(world, world.a1, world.alice, days)
            services.priority_add_action(actor=world.alice, priority=priority, taken_on=days_ago(days), text="x")
        with django_assert_num_queries(1):
            rows: list[Any] = list(selectors.priority_list(world.bob))
            assert {(p.action_count, p.neighbourhood.name, p.owner.display_name) for p in rows} == {
                (1, "City Centre", "Alice")
            }
        with django_assert_num_queries(1):
            assert len(list(selectors.priorities_due_for(world.bob))) == 2


class ExportTests:
    def test_rows_points_and_the_audit(self, world: World) -> None:
        event = make_event(world, world.a1, on=days_ago(3), lat=52.2051, lng=0.1191)
        from_event = make_priority(world, source_event=event, set_on=days_ago(2), is_published=True)
        services.priority_add_action(actor=world.alice, priority=from_event, taken_on=days_ago(1), text="Signs up")
        services.priority_add_action(
            actor=world.alice, priority=from_event, taken_on=today(), text="Met the council", is_public=False
        )
        plain = make_priority(world, set_on=days_ago(200))
        export = services.priorities_export(actor=world.bob, filters=selectors.PriorityFilters(), fmt="csv")
        assert (export.count, export.matched) == (2, 2)
        rows = {row[0]: dict(zip(services.EXPORT_COLUMNS, row, strict=True)) for row in export.rows()}
        row = rows[from_event.reference]
        assert row["latest_public_action"] == "Signs up" and row["latest_public_action_on"] == days_ago(1).isoformat()
        assert (row["actions"], row["published"], row["due_for_review"], row["last_update"]) == (
            2,
            "yes",
            "",
            today().isoformat(),
        )
        assert rows[plain.reference]["due_for_review"] == "yes"
        features = {
            f["properties"]["reference"]: f for f in export.feature_collection()["features"]
        }  # the event's point, else the neighbourhood's centre
        assert features[from_event.reference]["geometry"]["coordinates"] == [0.1191, 52.2051]
        assert features[plain.reference]["geometry"]["coordinates"] == [world.a1.centre_lng, world.a1.centre_lat]
        audit = AuditEvent.objects.get(event_type=EventType.PRIORITIES_EXPORTED)
        assert after_of(audit)["rows"] == 2 and audit.force_id == world.force_a.pk

    def test_the_audited_filters_keep_a_false_published(self) -> None:
        assert selectors.PriorityFilters(published=False).as_dict() == {"published": False}
        assert selectors.PriorityFilters(due=True, text="x").as_dict() == {"due": True, "text": "x"}
        assert selectors.PriorityFilters().as_dict() == {}


class _RollbackError(Exception):
    pass


def _seed_and_describe(seed: int) -> tuple[Any, list[tuple[Any, ...]]]:
    """Run the demo seed in a savepoint, describe what it made, and roll it back."""
    described: list[tuple[Any, ...]] = []
    report: Any = None
    try:
        with transaction.atomic():
            report = seed_priorities(seed=seed)
            for p in Priority.objects.order_by("reference"):
                actions = [(a.taken_on, a.text, a.is_public) for a in p.actions.order_by("taken_on", "id")]
                row = (p.reference, p.neighbourhood_id, p.issue, p.set_on, p.status, p.is_published, p.source_event_id)
                described.append((*row, actions))
            raise _RollbackError
    except _RollbackError:
        pass
    return report, described


def test_the_demo_priorities(db: None) -> None:
    """On the demo world with a few held events per demo PCSO's neighbourhood: three or four
    priorities each, most from the events, one resolved, most published, some internal actions,
    and one flagged to the PCSO and the supervisor; the same seed gives the same priorities."""
    seeding.seed_world()
    pcso = Person.objects.get(username="pcso")
    supervisor = Person.objects.get(username="supervisor")
    for login in ("pcso", "pcso.cumbria", "pcso.derbyshire"):
        person = Person.objects.get(username=login)
        nb = selectors.engaging_neighbourhoods(person).get()
        for n, days in enumerate((80, 50, 30, 10)):
            day = days_ago(days)
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))
            EngagementEvent.objects.create(
                reference=f"DEMO-EVT-{login}-{n}",
                force=nb.force,
                neighbourhood=nb,
                kind=EventKind.BEAT_SURGERY,
                title=f"Surgery {n}",
                address="Library",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                status=EventStatus.HELD,
                attendance=12,
                issues_raised=f"Speeding on the ring road ({login} {n})\nDog fouling by the school ({login} {n})",
                created_by=person,
                updated_by=person,
            )
    report, first = _seed_and_describe(2026)
    _again, second = _seed_and_describe(2026)
    assert first == second and first
    _other, third = _seed_and_describe(7)
    assert third != first
    report = seed_priorities(seed=2026)
    assert report.neighbourhoods == 3 and 9 <= report.priorities <= 12
    assert report.from_events > report.priorities // 2
    assert report.resolved == 3 and report.due_for_review >= 3
    assert report.published >= report.priorities - 3 and report.internal_actions >= 1
    for p in Priority.objects.select_related("source_event"):
        assert p.owner.username.startswith("pcso")
        if p.source_event is not None:
            assert p.issue in p.source_event.issue_lines and p.set_on >= p.source_event.starts_at.date()
        assert 1 <= p.actions.count() <= 4
    assert selectors.priorities_due_for(pcso).exists() and selectors.priorities_due_for(supervisor).exists()
    assert set(selectors.priorities_due_for(pcso)) <= set(selectors.priorities_due_for(supervisor))
