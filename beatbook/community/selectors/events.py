"""Engagement events: the scope (who sees which) and the reads the pages and the API share.

* `events_visible_to(actor)`: the scope, in SQL (the events of the actor's neighbourhoods, and
  those they planned or attend).
* `events_matching(actor, filters)`: the list, filtered, with what a row shows loaded (force,
  neighbourhood, officers: three queries whatever the number of rows).
* `event_get_for(actor=, reference=, action=)`: one event (404 when not visible, 403 when visible
  but the action is not allowed), with its officers and the priorities set from it.
* `event_calendar(actor=, neighbourhood=, month=)`: one neighbourhood's events of one month,
  grouped by the London day they start on.
* `export_row` / `export_feature`: one event as a CSV row or a GeoJSON feature, with no internal
  notes (the export itself is audited by `services.events.events_export`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.org.selectors import NOT_FOUND

from ..models import EngagementEvent
from .priorities import priorities_visible_to

# Months the calendar can show (well inside what `datetime.date` can add a month to).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def events_visible_to(actor: policy.Actor | None) -> QuerySet[EngagementEvent]:
    """Events of the actor's neighbourhoods, and events the actor created or attends (one query)."""
    if policy.is_system(actor):
        return EngagementEvent.objects.all()
    if not policy.is_person(actor):
        return EngagementEvent.objects.none()
    assert actor is not None
    return EngagementEvent.objects.filter(
        Q(neighbourhood_id__in=policy.neighbourhoods_in_scope(actor).values("pk"))
        | Q(created_by_id=actor.pk)
        | Q(pk__in=EngagementEvent.officers.through.objects.filter(person_id=actor.pk).values("engagementevent_id"))
    )


def _officers() -> Prefetch[Any]:
    return Prefetch("officers", queryset=Person.objects.order_by("display_name", "id"))


@dataclass(frozen=True)
class EventFilters:
    """What the list, an export or the API's list is narrowed to (empty values: no filter).
    Dates are London days, both inclusive, of the event's start; `text` matches part of the
    title or the reference."""

    neighbourhood_id: int | None = None
    kind: str = ""
    status: str = ""
    is_public: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """What was asked for, for the audit trail (the text searched for is not kept: it is
        free text, and may name someone)."""
        given = {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in asdict(self).items()
            if v not in ("", None) and k != "text"
        }
        if self.text.strip():
            given["text"] = True
        return given


def _day_start(day: dt.date) -> dt.datetime:
    """London midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def events_matching(actor: policy.Actor | None, filters: EventFilters) -> QuerySet[EngagementEvent]:
    """The visible events matching the filters, latest start first, with their force,
    neighbourhood and officers (by name) loaded."""
    events = events_visible_to(actor)
    if filters.neighbourhood_id is not None:
        events = events.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.is_public is not None:
        events = events.filter(is_public=filters.is_public)
    if filters.date_from is not None:
        events = events.filter(starts_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        events = events.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    text = filters.text.strip()
    if text:
        events = events.filter(Q(title__icontains=text) | Q(reference__icontains=text))
    return events.select_related("force", "neighbourhood").prefetch_related(_officers()).order_by("-starts_at", "-id")


def event_get_for(
    *, actor: policy.Actor | None, reference: str, action: policy.Action = policy.Action.VIEW
) -> EngagementEvent:
    """One visible event by its reference (any case), or 404 with the same message whether it is
    absent or not the actor's; 403 when the actor sees it but may not do `action` on it.

    Loaded with it: force, neighbourhood, who created and last changed it, the officers (by
    name) and the priorities set from it that the actor can see (newest first)."""
    priorities = priorities_visible_to(actor).select_related("owner").order_by("-set_on", "-id")
    event = (
        events_visible_to(actor)
        .filter(reference=reference.strip().upper())
        .select_related("force", "neighbourhood", "created_by", "updated_by")
        .prefetch_related(_officers(), Prefetch("priorities", queryset=priorities))
        .first()
    )
    if event is None:
        raise Http404(_(NOT_FOUND))
    if action != policy.Action.VIEW:
        policy.require(actor, action, event)
    return event


def may_change(actor: policy.Actor | None, event: EngagementEvent) -> bool:
    """May the actor plan, record or cancel this event? (ENGAGE in its neighbourhood: the
    services check the same rule.)"""
    return policy.can(actor, policy.Action.ENGAGE, event)


def planning_neighbourhoods(actor: policy.Actor | None) -> QuerySet[Neighbourhood]:
    """The neighbourhoods where the actor plans events (ENGAGE), by force and name."""
    return (
        policy.neighbourhoods_for(actor, policy.Action.ENGAGE)
        .filter(is_active=True)
        .select_related("force")
        .order_by("force__name", "name", "id")
    )


def officer_choices(actor: policy.Actor | None, *, force_ids: list[int] | None = None) -> QuerySet[Person]:
    """People who may be named as officers at an event: active people the actor can see, of the
    given forces (by default, those where the actor plans events), not partner users."""
    if force_ids is None:
        force_ids = list(policy.neighbourhoods_for(actor, policy.Action.ENGAGE).values_list("force_id", flat=True))
    return (
        policy.people_in_scope(actor)
        .filter(force_id__in=force_ids, is_active=True, is_system=False, partner_organisation__isnull=True)
        .order_by("display_name", "id")
    )


def officer_choices_for(actor: policy.Actor | None, event: EngagementEvent) -> QuerySet[Person]:
    """Who can be named at an existing event: the people of its force the actor can see (see
    `officer_choices`), and anyone already on it (who may have moved on since)."""
    on_it = EngagementEvent.officers.through.objects.filter(engagementevent_id=event.pk)
    return Person.objects.filter(
        Q(pk__in=officer_choices(actor, force_ids=[event.force_id]).values("pk")) | Q(pk__in=on_it.values("person_id"))
    ).order_by("display_name", "id")


# ---- The calendar ---------------------------------------------------------------------------------


def parse_month(text: str | None) -> dt.date | None:
    """`YYYY-MM` as the first day of that month, or None when it is not one (or out of range)."""
    raw = (text or "").strip()
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4].isdigit() and raw[5:].isdigit()):
        return None
    year, month = int(raw[:4]), int(raw[5:])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_after(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_before(month: dt.date) -> dt.date:
    return dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    in_month: bool
    is_today: bool
    events: list[EngagementEvent]


@dataclass(frozen=True)
class EventCalendar:
    """One neighbourhood's events of one month: `weeks` (Monday to Sunday, with the days of the
    months either side to fill them) for a grid, `days` (the month's days only) for a list."""

    neighbourhood: Neighbourhood
    month: dt.date
    weeks: list[list[CalendarDay]]

    @property
    def days(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week if day.in_month]

    @property
    def previous(self) -> dt.date | None:
        before = month_before(self.month)
        return before if before.year >= FIRST_YEAR else None

    @property
    def next(self) -> dt.date | None:
        after = month_after(self.month)
        return after if after.year <= LAST_YEAR else None

    @property
    def count(self) -> int:
        return sum(len(day.events) for day in self.days)


def event_calendar(*, actor: policy.Actor | None, neighbourhood: Neighbourhood, month: dt.date) -> EventCalendar:
    """The visible events of a neighbourhood that start in `month` (London time), each on the
    London day it starts, soonest first (cancelled ones included: the page marks them). The
    caller has checked that the actor sees the neighbourhood. Two queries (events, officers)."""
    first = month.replace(day=1)
    events = (
        events_visible_to(actor)
        .filter(
            neighbourhood_id=neighbourhood.pk,
            starts_at__gte=_day_start(first),
            starts_at__lt=_day_start(month_after(first)),
        )
        .select_related("force", "neighbourhood")
        .prefetch_related(_officers())
        .order_by("starts_at", "id")
    )
    by_day: dict[dt.date, list[EngagementEvent]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    on = today()
    weeks = [
        [
            CalendarDay(day=day, in_month=day.month == first.month, is_today=day == on, events=by_day.get(day, []))
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)
    ]
    return EventCalendar(neighbourhood=neighbourhood, month=first, weeks=weeks)


# ---- Exports --------------------------------------------------------------------------------------

EXPORT_LIMIT = 50_000
EXPORT_COLUMNS = (
    "reference",
    "force",
    "neighbourhood_code",
    "neighbourhood",
    "kind",
    "title",
    "place",
    "starts_at",
    "ends_at",
    "public",
    "status",
    "attendance",
    "issues_raised",
)


def events_for_export(actor: policy.Actor | None, filters: EventFilters) -> QuerySet[EngagementEvent]:
    """The rows of an export: the list's events with force and neighbourhood joined (no officers)."""
    return events_matching(actor, filters).prefetch_related(None)


def _london(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def export_row(event: EngagementEvent) -> list[Any]:
    """An event as a CSV row (`EXPORT_COLUMNS`): no description, issues, follow-ups or notes, only
    how many issues were raised."""
    return [
        event.reference,
        event.force.slug,
        event.neighbourhood.code,
        event.neighbourhood.name,
        event.kind,
        event.title,
        event.address,
        _london(event.starts_at),
        _london(event.ends_at),
        "yes" if event.is_public else "no",
        event.status,
        "" if event.attendance is None else event.attendance,
        len(event.issue_lines),
    ]


def export_feature(event: EngagementEvent) -> dict[str, Any]:
    """An event as a GeoJSON feature with the CSV's columns as properties (typed: the public flag
    a boolean, attendance a number or null); `geometry` is null when the event has no point."""
    geometry = (
        {"type": "Point", "coordinates": [event.lng, event.lat]}
        if event.lat is not None and event.lng is not None
        else None
    )
    return {
        "type": "Feature",
        "id": event.reference,
        "geometry": geometry,
        "properties": {
            "reference": event.reference,
            "force": event.force.slug,
            "neighbourhood_code": event.neighbourhood.code,
            "neighbourhood": event.neighbourhood.name,
            "kind": event.kind,
            "title": event.title,
            "place": event.address,
            "starts_at": _london(event.starts_at),
            "ends_at": _london(event.ends_at),
            "public": event.is_public,
            "status": event.status,
            "attendance": event.attendance,
            "issues_raised": len(event.issue_lines),
        },
    }
