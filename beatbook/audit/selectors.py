"""Reads of the audit trail, scoped to the actor in SQL.

Only auditors search the trail, and only in the forces where they hold `Action.SEARCH_AUDIT`
(`policy.forces_where`): the force filter is part of the query, never applied afterwards.
Events with no force (the `platform` chain) are not shown to force auditors at all.

One object's history (`history_of`) is narrower and wider at once: only the events about that
object, shown to those who see it and administer its force's people or audit its force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from beatbook.org import policy
from beatbook.org.models import Force, Person, Posting
from beatbook.org.selectors import get_visible

from .models import AuditEvent, EventType

LONDON = ZoneInfo("Europe/London")
EXPORT_LIMIT = 50_000
HISTORY_LIMIT = 50
# Who sees an object's history: those who see the object and administer its force's people, or
# audit its force.
HISTORY_ACTIONS = (policy.Action.MANAGE_PEOPLE, policy.Action.SEARCH_AUDIT)


@dataclass(frozen=True)
class AuditFilters:
    """What an auditor searched for. Dates are Europe/London dates, both ends included."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_type: EventType | None = None
    actor: str = ""
    object_type: str = ""  # "app_label.model"
    object_id: str = ""
    request_id: str = ""
    text: str = ""

    def used(self) -> dict[str, Any]:
        """The filters that were set, JSON-ready (for the audit event and for links)."""
        used: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                used[name] = value.isoformat()
            elif isinstance(value, EventType):
                used[name] = int(value)
            else:
                used[name] = value
        return used


def london_midnight(day: dt.date) -> dt.datetime:
    """The instant a Europe/London date begins (00:00 local, GMT or BST)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def audit_forces(actor: policy.Actor) -> QuerySet[Force]:
    """Forces whose audit trail the actor may search (empty for everyone but auditors)."""
    return policy.forces_where(actor, policy.Action.SEARCH_AUDIT)


def require_auditor(actor: policy.Actor) -> list[Force]:
    """The forces whose trail the actor may search; 403 if there are none."""
    return policy.require_forces(actor, policy.Action.SEARCH_AUDIT)


def events_visible_to(actor: policy.Actor) -> QuerySet[AuditEvent]:
    """Events of the forces where the actor may search the trail, newest first."""
    return (
        AuditEvent.objects.filter(force__in=audit_forces(actor))
        .select_related("force", "content_type")
        .order_by("-occurred_at", "-id")
    )


def _actor_matches(term: str) -> Q:
    return Q(actor__username__iexact=term) | Q(actor__collar_number__iexact=term) | Q(actor_name__icontains=term)


def events_search(actor: policy.Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The actor's visible events matching the filters (one query; paginate it)."""
    events = events_visible_to(actor)
    if filters.date_from is not None:
        events = events.filter(occurred_at__gte=london_midnight(filters.date_from))
    if filters.date_to is not None:
        events = events.filter(occurred_at__lt=london_midnight(filters.date_to + dt.timedelta(days=1)))
    if filters.event_type is not None:
        events = events.filter(event_type=int(filters.event_type))
    if filters.actor:
        events = events.filter(_actor_matches(filters.actor))
    if filters.object_type:
        app_label, _sep, model = filters.object_type.partition(".")
        events = events.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.request_id:
        events = events.filter(request_id=filters.request_id)
    if filters.text:
        events = events.filter(Q(reason__icontains=filters.text) | Q(object_repr__icontains=filters.text))
    return events


def event_get_for(*, actor: policy.Actor, event_id: Any) -> AuditEvent:
    """One event: 403 for people who search no audit trail, 404 if it is not in their forces."""
    require_auditor(actor)
    return get_visible(events_visible_to(actor), event_id)


def chain_event_count(chains: list[str]) -> int:
    """How many events the named chains hold (the total for a verification's progress bar)."""
    return AuditEvent.objects.filter(chain__in=chains).count()


def _about(obj: Model) -> Q:
    """Events whose object is `obj`; for a person, also those whose object is one of their
    postings (posting events carry the posting, not the person)."""
    about = Q(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    if isinstance(obj, Person):
        posting_ids = Posting.objects.filter(person_id=obj.pk).annotate(key=Cast("pk", CharField())).values("key")
        about |= Q(content_type=ContentType.objects.get_for_model(Posting), object_id__in=posting_ids)
    return about


def history_of(actor: policy.Actor, obj: Model, *, limit: int = HISTORY_LIMIT) -> list[AuditEvent] | None:
    """The newest `limit` events about an object (a person, a neighbourhood, a team), newest
    first, for its "History" section: two queries (the access check, then the events).

    None when the actor may not see the history: they must see the object and hold one of
    `HISTORY_ACTIONS` in its force. Pages then show no history; the API answers 403."""
    if not policy.can_see_with_any(actor, obj, HISTORY_ACTIONS):
        return None
    events = AuditEvent.objects.filter(_about(obj)).select_related("content_type").order_by("-occurred_at", "-id")
    return list(events[:limit])
