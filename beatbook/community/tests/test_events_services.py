"""Engagement event services and selectors: who may plan, change, record and cancel; what each
refuses (storing nothing); the audit rows (no free text); the scope and filters of the list; the
calendar's London days across the clock changes; the audited export; the demo seed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import EngagementEvent, EventKind, EventStatus
from beatbook.community.selectors import events as selectors
from beatbook.community.services import events as services
from beatbook.core.testing import World
from beatbook.demo.community_events import seed_events
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PRIVATE_TEXT = "Mrs Example of 3 Mill Lane"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A UTC moment."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def soon(days: int = 7, hour: int = 18) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def data(nb: Neighbourhood, **overrides: Any) -> services.EventData:
    starts = overrides.pop("starts_at", soon())
    base = services.EventData(
        neighbourhood=nb,
        kind=EventKind.PUBLIC_MEETING,
        title="Meet your neighbourhood team",
        description="Come and tell us what matters to you.",
        address="St Andrew's Hall, Cambridge",
        starts_at=starts,
        ends_at=overrides.pop("ends_at", starts + dt.timedelta(hours=1, minutes=30)),
        lat=52.205,
        lng=0.119,
        is_public=True,
    )
    return replace(base, **overrides)


def plan(
    world: World, actor: Person | None = None, nb: Neighbourhood | None = None, **overrides: Any
) -> EngagementEvent:
    return services.event_create(actor=actor or world.alice, data=data(nb or world.a1, **overrides))


def held(world: World, **overrides: Any) -> EngagementEvent:
    """An event that started two days ago, recorded with two issues."""
    event = plan(world, starts_at=timezone.now() - dt.timedelta(days=2), **overrides)
    return services.event_record(
        actor=world.alice,
        event=event,
        data=services.EventRecord(attendance=23, issues_raised="Parking outside the school\nASB in the park"),
    )


def after(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.after, dict)
    return row.after


def before(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.before, dict)
    return row.before


def audit_rows(event_type: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


class EventCreateTests:
    def test_it_plans_an_event_with_a_reference_and_an_audit_row(self, world: World) -> None:
        event = plan(world, officer_ids=(world.alice.pk, world.bob.pk), description=PRIVATE_TEXT)
        year = timezone.localtime(event.starts_at).year
        assert event.reference == f"CAMBS-EVT-{year}-000001"
        assert event.status == EventStatus.PLANNED and event.version == 1 and event.force_id == world.force_a.pk
        assert set(event.officers.values_list("pk", flat=True)) == {world.alice.pk, world.bob.pk}
        (row,) = audit_rows(EventType.ENGAGEMENT_EVENT_CREATED)
        assert row.object_id == str(event.pk) and row.neighbourhood_id == world.a1.pk
        assert after(row)["reference"] == event.reference and after(row)["officers"] == sorted(
            [world.alice.pk, world.bob.pk]
        )
        assert "Mill Lane" not in str(row.after) and "Hall" not in str(row.after) and "Meet" not in str(row.after)
        assert plan(world).reference == f"CAMBS-EVT-{year}-000002"

    def test_a_supervisor_plans_in_any_neighbourhood_of_the_team(self, world: World) -> None:
        assert plan(world, actor=world.bob, nb=world.a2).neighbourhood_id == world.a2.pk

    def test_an_exactly_24_hour_event_and_one_without_a_point_are_fine(self, world: World) -> None:
        event = plan(world, ends_at=soon() + dt.timedelta(hours=24), lat=None, lng=None, kind=EventKind.ONLINE)
        assert event.lat is None and event.lng is None

    @pytest.mark.parametrize("who", ["hal", "dee", "fay", "gus", "charlie"])
    def test_those_who_do_not_engage_there_are_refused(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            plan(world, actor=getattr(world, who))
        assert not EngagementEvent.objects.exists()
        assert not audit_rows(EventType.ENGAGEMENT_EVENT_CREATED)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"ends_at": lambda: soon() - dt.timedelta(minutes=1)}, "ends_at"),  # when the test runs
            ({"ends_at": lambda: soon() + dt.timedelta(hours=24, minutes=1)}, "ends_at"),
            ({"lat": None}, "lat"),
            ({"lat": 48.0, "lng": 2.35}, "lat"),
            ({"lng": 5.0}, "lng"),
            ({"title": "   "}, "title"),
            ({"address": ""}, "address"),
            ({"kind": "barbecue"}, "kind"),
            ({"starts_at": dt.datetime(2030, 1, 1, 18), "ends_at": dt.datetime(2030, 1, 1, 19)}, "starts_at"),  # noqa: DTZ001
            ({"title": "x" * 161}, "title"),
        ],
    )
    def test_bad_input_is_refused_by_field_and_stores_nothing(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            plan(world, **{key: value() if callable(value) else value for key, value in overrides.items()})
        assert field in caught.value.message_dict, caught.value.message_dict
        assert not EngagementEvent.objects.exists()
        assert not audit_rows(EventType.ENGAGEMENT_EVENT_CREATED)

    def test_a_neighbourhood_no_longer_in_use_is_refused(self, world: World) -> None:
        Neighbourhood.objects.filter(pk=world.a1.pk).update(is_active=False)
        world.a1.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            plan(world)
        assert "neighbourhood" in caught.value.message_dict
        assert not EngagementEvent.objects.exists()

    @pytest.mark.parametrize("who", ["hal", "charlie", "gus"])
    def test_officers_must_be_people_of_the_force_the_actor_sees(self, world: World, who: str) -> None:
        with pytest.raises(ValidationError) as caught:
            plan(world, officer_ids=(world.alice.pk, getattr(world, who).pk))
        assert "officers" in caught.value.message_dict
        assert not EngagementEvent.objects.exists()


class EventUpdateTests:
    def test_it_changes_the_event_and_records_which_texts_changed(self, world: World) -> None:
        event = plan(world)
        changed = services.event_update(
            actor=world.alice,
            event=event,
            data=data(world.a1, title="Street surgery", kind=EventKind.BEAT_SURGERY, is_public=False),
            expected_version=1,
        )
        assert changed.version == 2 and changed.title == "Street surgery" and not changed.is_public
        assert event.version == 2  # the caller's copy is brought up to date
        (row,) = audit_rows(EventType.ENGAGEMENT_EVENT_UPDATED)
        assert before(row)["kind"] == EventKind.PUBLIC_MEETING and after(row)["kind"] == EventKind.BEAT_SURGERY
        assert after(row)["text_changed"] == ["title"] and "Street" not in str(row.after)

    def test_a_stale_version_is_refused_and_nothing_changes(self, world: World) -> None:
        event = plan(world)
        services.event_update(actor=world.bob, event=event, data=data(world.a1, title="Bob's"), expected_version=1)
        stale = EngagementEvent.objects.get(pk=event.pk)
        stale.version = 1
        with pytest.raises(services.StaleEventError) as caught:
            services.event_update(actor=world.alice, event=stale, data=data(world.a1, title="Mine"), expected_version=1)
        assert "Bob changed this event" in " ".join(caught.value.messages)
        assert EngagementEvent.objects.get(pk=event.pk).title == "Bob's"
        assert len(audit_rows(EventType.ENGAGEMENT_EVENT_UPDATED)) == 1

    def test_who_may_change_it(self, world: World) -> None:
        event = plan(world)
        for who in (world.dee, world.charlie, world.hal):
            with pytest.raises(PermissionDenied):
                services.event_update(actor=who, event=event, data=data(world.a1, title="No"), expected_version=1)
        with pytest.raises(PermissionDenied):  # alice does not engage in A2
            services.event_update(actor=world.alice, event=event, data=data(world.a2), expected_version=1)
        moved = services.event_update(actor=world.bob, event=event, data=data(world.a2), expected_version=1)
        assert moved.neighbourhood_id == world.a2.pk

    def test_an_event_cannot_move_force_and_bad_input_changes_nothing(self, world: World) -> None:
        event = plan(world)
        with pytest.raises(ValidationError) as moved:
            services.event_update(actor=world.system, event=event, data=data(world.b1), expected_version=1)
        assert "neighbourhood" in moved.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.event_update(
                actor=world.alice, event=event, data=data(world.a1, title="", lat=None), expected_version=1
            )
        assert {"title", "lat"} <= set(caught.value.message_dict)
        fresh = EngagementEvent.objects.get(pk=event.pk)
        assert fresh.neighbourhood_id == world.a1.pk and fresh.version == 1 and fresh.title
        assert not audit_rows(EventType.ENGAGEMENT_EVENT_UPDATED)

    def test_a_cancelled_event_is_not_changed_and_a_held_one_stays_in_the_past(self, world: World) -> None:
        event = held(world)
        with pytest.raises(ValidationError) as caught:
            services.event_update(actor=world.alice, event=event, data=data(world.a1), expected_version=None)
        assert "starts_at" in caught.value.message_dict
        cancelled = services.event_cancel(actor=world.alice, event=plan(world), reason="Hall flooded")
        with pytest.raises(ValidationError):
            services.event_update(actor=world.alice, event=cancelled, data=data(world.a1), expected_version=None)

    def test_an_officer_who_moved_on_can_stay_on_the_event(self, world: World) -> None:
        event = plan(world, actor=world.bob, nb=world.a2, officer_ids=(world.charlie.pk,))
        # Bob sees Charlie; Alice does not, but may keep him on an event in her area.
        moved = services.event_update(
            actor=world.bob, event=event, data=data(world.a1, officer_ids=(world.charlie.pk,)), expected_version=1
        )
        kept = services.event_update(
            actor=world.alice,
            event=moved,
            data=data(world.a1, title="Kept", officer_ids=(world.charlie.pk, world.alice.pk)),
            expected_version=2,
        )
        assert set(kept.officers.values_list("pk", flat=True)) == {world.charlie.pk, world.alice.pk}


class EventRecordTests:
    def test_it_records_what_happened_once_started(self, world: World) -> None:
        event = plan(world, starts_at=timezone.now() - dt.timedelta(hours=1), officer_ids=(world.alice.pk,))
        done = services.event_record(
            actor=world.alice,
            event=event,
            data=services.EventRecord(
                attendance=40,
                issues_raised="  Parking outside the school  \n\n Drug litter in the alley \n",
                follow_ups="Speak to the school",
                notes=PRIVATE_TEXT,
                officer_ids=(world.bob.pk,),
            ),
        )
        assert done.status == EventStatus.HELD and done.attendance == 40 and done.version == 2
        assert done.issue_lines == ["Parking outside the school", "Drug litter in the alley"]
        assert list(done.officers.values_list("pk", flat=True)) == [world.bob.pk]
        (row,) = audit_rows(EventType.ENGAGEMENT_EVENT_RECORDED)
        assert after(row)["status"] == "held" and after(row)["issues_raised"] == 2 and after(row)["attendance"] == 40
        assert after(row)["officers"] == [world.bob.pk] and before(row)["officers"] == [world.alice.pk]
        assert "Mill" not in str(row.after) and "Parking" not in str(row.after)
        again = services.event_record(actor=world.alice, event=done, data=services.EventRecord(attendance=41))
        assert again.attendance == 41 and again.issue_lines == []

    def test_an_event_not_yet_started_cannot_be_recorded(self, world: World) -> None:
        event = plan(world)
        with pytest.raises(ValidationError) as caught:
            services.event_record(actor=world.alice, event=event, data=services.EventRecord(attendance=3))
        assert "__all__" in caught.value.message_dict
        fresh = EngagementEvent.objects.get(pk=event.pk)
        assert fresh.status == EventStatus.PLANNED and fresh.attendance is None

    @pytest.mark.parametrize("attendance", [-1, 100_001])
    def test_attendance_out_of_range_stores_nothing(self, world: World, attendance: int) -> None:
        event = plan(world, starts_at=timezone.now() - dt.timedelta(hours=1))
        with pytest.raises(ValidationError) as caught:
            services.event_record(actor=world.alice, event=event, data=services.EventRecord(attendance=attendance))
        assert "attendance" in caught.value.message_dict
        assert EngagementEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED
        assert not audit_rows(EventType.ENGAGEMENT_EVENT_RECORDED)

    def test_refusals(self, world: World) -> None:
        event = plan(world, starts_at=timezone.now() - dt.timedelta(hours=1))
        with pytest.raises(PermissionDenied):
            services.event_record(actor=world.dee, event=event, data=services.EventRecord(attendance=1))
        services.event_cancel(actor=world.alice, event=event, reason="Rain")
        with pytest.raises(ValidationError):
            services.event_record(actor=world.alice, event=event, data=services.EventRecord(attendance=1))
        with pytest.raises(services.StaleEventError):
            services.event_record(
                actor=world.alice, event=event, data=services.EventRecord(attendance=1), expected_version=1
            )


class EventCancelTests:
    def test_it_cancels_with_the_reason_kept_out_of_the_audit(self, world: World) -> None:
        event = plan(world)
        done = services.event_cancel(actor=world.alice, event=event, reason=f"  {PRIVATE_TEXT} is ill  ")
        assert done.status == EventStatus.CANCELLED and done.cancelled_reason == f"{PRIVATE_TEXT} is ill"
        (row,) = audit_rows(EventType.ENGAGEMENT_EVENT_CANCELLED)
        assert after(row)["status"] == "cancelled" and after(row)["text_changed"] == ["cancelled_reason"]
        assert "Mill" not in str(row.after) and not row.reason
        with pytest.raises(ValidationError):
            services.event_cancel(actor=world.alice, event=done, reason="Again")

    def test_a_held_event_or_a_blank_reason_is_refused(self, world: World) -> None:
        with pytest.raises(ValidationError) as caught:
            services.event_cancel(actor=world.alice, event=held(world), reason="Too late")
        assert "reason" in caught.value.message_dict
        event = plan(world)
        with pytest.raises(ValidationError):
            services.event_cancel(actor=world.alice, event=event, reason="   ")
        with pytest.raises(PermissionDenied):
            services.event_cancel(actor=world.fay, event=event, reason="No")
        assert EngagementEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED
        assert not audit_rows(EventType.ENGAGEMENT_EVENT_CANCELLED)


class EventSelectorTests:
    def test_the_scope(self, world: World) -> None:
        mine = plan(world)
        theirs = plan(world, actor=world.bob, nb=world.a2, officer_ids=(world.alice.pk,))
        other = plan(world, actor=world.bob, nb=world.a2)
        b_event = plan(world, actor=world.hal, nb=world.b1, lat=52.922, lng=-1.476)

        def seen(who: Person) -> set[int]:
            return set(selectors.events_visible_to(who).values_list("pk", flat=True))

        assert seen(world.alice) == {mine.pk, theirs.pk}  # A1's, and the A2 one she attends
        assert seen(world.bob) == seen(world.dee) == seen(world.fay) == {mine.pk, theirs.pk, other.pk}
        assert seen(world.hal) == {b_event.pk}
        assert seen(world.gus) == set()
        with pytest.raises(Exception, match="Not found"):
            selectors.event_get_for(actor=world.hal, reference=mine.reference)
        assert selectors.event_get_for(actor=world.alice, reference=mine.reference.lower()).pk == mine.pk
        with pytest.raises(PermissionDenied):
            selectors.event_get_for(actor=world.dee, reference=mine.reference, action=policy.Action.ENGAGE)

    def test_the_filters(self, world: World) -> None:
        meeting = plan(world, title="Spring public meeting")
        surgery = plan(world, kind=EventKind.BEAT_SURGERY, is_public=False, starts_at=soon(days=20))
        past = held(world, title="School visit", kind=EventKind.SCHOOL_VISIT)

        def found(**filters: Any) -> list[int]:
            return [e.pk for e in selectors.events_matching(world.alice, selectors.EventFilters(**filters))]

        assert found() == [surgery.pk, meeting.pk, past.pk]
        assert found(kind=EventKind.BEAT_SURGERY) == [surgery.pk]
        assert found(status=EventStatus.HELD) == [past.pk]
        assert found(is_public=False) == [surgery.pk]
        assert found(is_public=True) == [meeting.pk, past.pk]
        assert found(text="spring") == [meeting.pk] and found(text=surgery.reference[-6:]) == [surgery.pk]
        day = timezone.localtime(meeting.starts_at).date()
        assert found(date_from=day, date_to=day) == [meeting.pk]
        assert found(neighbourhood_id=world.a2.pk) == []

    def test_the_date_filter_uses_london_days(self, world: World) -> None:
        # 23:30 UTC on 30 June is 00:30 on 1 July in London.
        event = plan(world, starts_at=at(2026, 6, 30, 23, 30), ends_at=at(2026, 7, 1, 0, 30))
        july = selectors.EventFilters(date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 7, 1))
        june = selectors.EventFilters(date_to=dt.date(2026, 6, 30))
        assert [e.pk for e in selectors.events_matching(world.alice, july)] == [event.pk]
        assert not selectors.events_matching(world.alice, june).exists()

    def test_the_list_costs_two_queries_whatever_its_length(
        self, world: World, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(4):
            plan(world, officer_ids=(world.alice.pk, world.bob.pk), starts_at=soon(days=n + 1))
        with django_assert_num_queries(2):  # the events (force, neighbourhood joined), their officers
            rows = list(selectors.events_matching(world.alice, selectors.EventFilters()))
            names = [[str(p) for p in e.officers.all()] + [e.force.slug, e.neighbourhood.name] for e in rows]
        assert len(names) == 4 and names[0][:2] == ["Alice", "Bob"]


class CalendarTests:
    def _at(self, world: World, start: dt.datetime, title: str) -> EngagementEvent:
        return plan(world, starts_at=start, ends_at=start + dt.timedelta(hours=1), title=title)

    def test_march_with_the_clocks_going_forward_groups_by_london_day(self, world: World) -> None:
        # British Summer Time began at 01:00 UTC on 29 March 2026.
        self._at(world, at(2026, 2, 28, 23, 30), "Last of February")  # 23:30 GMT, 28 Feb
        self._at(world, at(2026, 3, 1, 0, 15), "First of March")  # 00:15 GMT, 1 Mar
        self._at(world, at(2026, 3, 29, 0, 30), "Before the change")  # 00:30 GMT, 29 Mar
        self._at(world, at(2026, 3, 29, 23, 30), "After the change")  # 00:30 BST, 30 Mar
        self._at(world, at(2026, 3, 31, 22, 59), "Last minute of March")  # 23:59 BST, 31 Mar
        self._at(world, at(2026, 3, 31, 23, 0), "Midnight into April")  # 00:00 BST, 1 Apr
        cal = selectors.event_calendar(actor=world.alice, neighbourhood=world.a1, month=dt.date(2026, 3, 1))
        by_day = {d.day.day: [e.title for e in d.events] for d in cal.days if d.events}
        assert by_day == {
            1: ["First of March"],
            29: ["Before the change"],
            30: ["After the change"],
            31: ["Last minute of March"],
        }
        assert len(cal.days) == 31 and cal.count == 4
        assert [len(week) for week in cal.weeks] == [7] * 6 and cal.weeks[0][0].day == dt.date(2026, 2, 23)
        assert (cal.previous, cal.next) == (dt.date(2026, 2, 1), dt.date(2026, 4, 1))
        april = selectors.event_calendar(actor=world.alice, neighbourhood=world.a1, month=dt.date(2026, 4, 1))
        assert [(d.day.day, [e.title for e in d.events]) for d in april.days if d.events] == [
            (1, ["Midnight into April"])
        ]

    def test_october_with_the_clocks_going_back(self, world: World) -> None:
        # British Summer Time ended at 01:00 UTC on 25 October 2026.
        self._at(world, at(2026, 9, 30, 23, 30), "First of October")  # 00:30 BST, 1 Oct
        self._at(world, at(2026, 10, 25, 0, 30), "Before the change")  # 01:30 BST, 25 Oct
        self._at(world, at(2026, 10, 25, 1, 30), "After the change")  # 01:30 GMT, 25 Oct
        self._at(world, at(2026, 10, 31, 23, 30), "Halloween late")  # 23:30 GMT, 31 Oct
        cal = selectors.event_calendar(actor=world.alice, neighbourhood=world.a1, month=dt.date(2026, 10, 1))
        by_day = {d.day.day: [e.title for e in d.events] for d in cal.days if d.events}
        assert by_day == {
            1: ["First of October"],
            25: ["Before the change", "After the change"],
            31: ["Halloween late"],
        }

    def test_only_what_the_actor_sees(self, world: World) -> None:
        plan(world, actor=world.bob, nb=world.a2, starts_at=at(2026, 3, 10, 18), ends_at=at(2026, 3, 10, 19))
        cal = selectors.event_calendar(actor=world.charlie, neighbourhood=world.a2, month=dt.date(2026, 3, 1))
        assert cal.count == 1
        assert selectors.event_calendar(actor=world.hal, neighbourhood=world.a2, month=dt.date(2026, 3, 1)).count == 0

    @pytest.mark.parametrize(
        ("text", "month"),
        [
            ("2026-03", dt.date(2026, 3, 1)),
            ("2100-12", dt.date(2100, 12, 1)),
            ("2026-13", None),
            ("2026-3", None),
            ("1999-12", None),
            ("2026-03-01", None),
            ("abcd-ef", None),
            ("", None),
        ],
    )
    def test_parse_month(self, text: str, month: dt.date | None) -> None:
        assert selectors.parse_month(text) == month

    def test_the_last_month_has_no_next(self, world: World) -> None:
        cal = selectors.event_calendar(actor=world.alice, neighbourhood=world.a1, month=dt.date(2100, 12, 1))
        assert cal.next is None and cal.previous == dt.date(2100, 11, 1)
        assert selectors.month_before(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)


class ExportTests:
    def test_it_is_audited_with_the_filters_and_count_and_holds_no_internal_text(self, world: World) -> None:
        event = held(world, lat=None, lng=None)
        services.event_record(
            actor=world.alice,
            event=event,
            data=services.EventRecord(attendance=5, issues_raised="One\nTwo\nThree", notes=PRIVATE_TEXT),
        )
        plan(world, kind=EventKind.SCHOOL_VISIT)
        filters = selectors.EventFilters(status=EventStatus.HELD, text="Mill")
        export = services.events_export(actor=world.alice, filters=filters, file_format="csv")
        (row,) = audit_rows(EventType.ENGAGEMENT_EVENTS_EXPORTED)
        assert row.force_id == world.force_a.pk
        assert row.after == {
            "filters": {"status": "held", "text": True},
            "format": "csv",
            "rows": 0,
            "matched": 0,
            "limit": selectors.EXPORT_LIMIT,
        }
        assert list(export.events) == []
        export = services.events_export(
            actor=world.alice, filters=selectors.EventFilters(status=EventStatus.HELD), file_format="geojson"
        )
        (only,) = list(export.events)
        line = selectors.export_row(only)
        assert line[:6] == [event.reference, "cambridgeshire", "CC01", "City Centre", "public_meeting", event.title]
        assert line[7] == timezone.localtime(event.starts_at).isoformat() and line[9:] == ["yes", "held", 5, 3]
        feature = selectors.export_feature(only)
        assert feature["geometry"] is None and feature["properties"]["attendance"] == 5
        assert PRIVATE_TEXT not in str(line) + str(feature)
        assert after(audit_rows(EventType.ENGAGEMENT_EVENTS_EXPORTED)[-1])["rows"] == 1

    def test_a_partner_user_cannot_export(self, world: World) -> None:
        with pytest.raises(PermissionDenied):
            services.events_export(actor=world.gus, filters=selectors.EventFilters(), file_format="csv")
        assert not audit_rows(EventType.ENGAGEMENT_EVENTS_EXPORTED)


class DemoSeedTests:
    def _signature(self) -> list[tuple[Any, ...]]:
        start = timezone.localdate()
        return [
            (
                e.neighbourhood.code,
                e.kind,
                e.title,
                e.status,
                e.is_public,
                (e.starts_at.date() - start).days,
                e.attendance,
            )
            for e in EngagementEvent.objects.select_related("neighbourhood").order_by(
                "neighbourhood__code", "starts_at"
            )
        ]

    def test_it_seeds_each_neighbourhood_with_a_pcso_the_same_way_each_time(self, world: World) -> None:
        with transaction.atomic():
            first = seed_events(seed=11)
            signature = self._signature()
            transaction.set_rollback(True)
        report = seed_events(seed=11)
        assert self._signature() == signature and report == replace(first, seconds=report.seconds)
        assert report.neighbourhoods == 3  # A1 (Alice), A2 (Charlie), B1 (Hal)
        now = timezone.now()
        for nb in (world.a1, world.a2, world.b1):
            events = list(EngagementEvent.objects.filter(neighbourhood=nb))
            past = [e for e in events if e.starts_at < now]
            assert 5 <= len([e for e in past if e.status == EventStatus.HELD]) <= 7
            assert all(2 <= len(e.issue_lines) <= 3 and e.attendance is not None for e in past if e.status == "held")
            assert all(e.starts_at >= now - dt.timedelta(days=92) for e in past)
            upcoming = [e for e in events if e.starts_at > now and e.status == EventStatus.PLANNED]
            assert 3 <= len(upcoming) <= 4
            assert [e.kind for e in events if not e.is_public] == [EventKind.PARTNER_MEETING]
            assert len([e for e in events if e.status == EventStatus.CANCELLED]) == 1
