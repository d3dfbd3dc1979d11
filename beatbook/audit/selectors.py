"""Reads of the audit trail, scoped to the actor in SQL.

Only auditors search the trail, and only in the forces where they hold `Action.SEARCH_AUDIT`
(`policy.forces_where`): the force filter is part of the query, never applied afterwards.
Events with no force (the `platform` chain) are not shown to force auditors at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.selectors import get_visible

from .models import AuditEvent, EventType

LONDON = ZoneInfo("Europe/London")
EXPORT_LIMIT = 50_000


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
    forces = list(audit_forces(actor).order_by("name"))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    return forces


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
