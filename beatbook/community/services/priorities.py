"""Writes to neighbourhood priorities ("you said, we did"): set one (from an issue raised at an
engagement event, linked back to it), change it, record the actions taken, move it between open,
resolved and withdrawn, publish it; and the audited export of a list.

Every function: keyword-only, `actor` first, one transaction, the access check (ENGAGE in the
priority's neighbourhood: its PCSOs, officers and supervisors; publication may also be changed by
whoever manages the force's publication), validation with field errors, the write, and the audit
event. Snapshots hold ids, references, statuses, dates and counts: never the issue, an action's
text or a reason (free text about people and places).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.references import next_reference
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person

from ..models import EngagementEvent, EventStatus, Priority, PriorityAction, PriorityStatus
from ..selectors import priorities as selectors
from ..selectors.events import events_visible_to

ISSUE_MAX = 2000
ACTION_MAX = 2000
REASON_MAX = 2000
# Where each status may go (a closed priority can only be reopened).
TRANSITIONS: dict[str, frozenset[str]] = {
    PriorityStatus.OPEN: frozenset({PriorityStatus.RESOLVED, PriorityStatus.WITHDRAWN}),
    PriorityStatus.RESOLVED: frozenset({PriorityStatus.OPEN}),
    PriorityStatus.WITHDRAWN: frozenset({PriorityStatus.OPEN}),
}


class StalePriorityError(StaleRecordError):
    """The priority was changed by someone else since the caller read it (their version is old)."""


def priority_snapshot(priority: Priority) -> dict[str, Any]:
    """The priority for the audit trail: no issue text, no reason (see the module doc)."""
    return {
        "reference": priority.reference,
        "neighbourhood": priority.neighbourhood_id,
        "owner": priority.owner_id,
        "source_event": priority.source_event_id,
        "set_on": priority.set_on.isoformat(),
        "review_on": priority.review_on.isoformat(),
        "last_update_on": priority.last_update_on.isoformat(),
        "status": priority.status,
        "is_published": priority.is_published,
        "version": priority.version,
    }


def _issue_errors(issue: str) -> list[str]:
    if not issue:
        return [_("Describe the issue the public raised.")]
    if len(issue) > ISSUE_MAX:
        return [_("Enter at most %(max)d characters.") % {"max": ISSUE_MAX}]
    return []


def _owner_errors(owner: Person, neighbourhood: Neighbourhood) -> list[str]:
    if owner.is_system or not policy.can(owner, policy.Action.ENGAGE, neighbourhood):
        return [_("Choose someone who works in this neighbourhood (a PCSO, officer or supervisor posted there).")]
    return []


def _event_day(event: EngagementEvent) -> dt.date:
    return timezone.localtime(event.starts_at).date()


def _source_event_errors(actor: Person, event: EngagementEvent, neighbourhood: Neighbourhood) -> list[str]:
    if not events_visible_to(actor).filter(pk=event.pk).exists():
        return [_("Choose an engagement event you can see.")]
    if event.neighbourhood_id != neighbourhood.pk:
        return [_("The event was held in another neighbourhood than the priority's.")]
    if event.status != EventStatus.HELD:
        return [_("Only an event that was held can have raised the issue.")]
    return []


@transaction.atomic
def priority_create(
    *,
    actor: Person,
    neighbourhood: Neighbourhood,
    issue: str,
    set_on: dt.date,
    owner: Person | None = None,
    review_on: dt.date | None = None,
    source_event: EngagementEvent | None = None,
    is_published: bool = False,
    meta: AuditMeta = NO_META,
) -> Priority:
    """Set a neighbourhood priority: the issue ("you said"), the date set (not in the future, not
    before the event that raised it), its owner (someone who engages in the neighbourhood, the
    actor by default) and its review date (by default the date set plus the force's review
    period). `source_event`, a held event of the same neighbourhood that the actor can see, is the
    link back to where the public raised it."""
    policy.require(actor, policy.Action.ENGAGE, neighbourhood)
    issue = issue.strip()
    owner = owner or actor
    errors: dict[str, list[str]] = {}
    if not neighbourhood.is_active:
        errors["neighbourhood"] = [_("That neighbourhood is no longer in use.")]
    if issue_errors := _issue_errors(issue):
        errors["issue"] = issue_errors
    if set_on > today():
        errors["set_on"] = [_("The date set cannot be in the future.")]
    if source_event is not None:
        if event_errors := _source_event_errors(actor, source_event, neighbourhood):
            errors["source_event"] = event_errors
        elif set_on < _event_day(source_event):
            errors["set_on"] = [
                _("The priority cannot be set before the event that raised it (%(day)s).")
                % {"day": _event_day(source_event).strftime("%d/%m/%Y")}
            ]
    if owner_errors := _owner_errors(owner, neighbourhood):
        errors["owner"] = owner_errors
    if review_on is None:
        review_on = set_on + dt.timedelta(days=selectors.review_days_of(neighbourhood.force_id))
    elif review_on < set_on:
        errors["review_on"] = [_("The review date cannot be before the date set.")]
    if errors:
        raise ValidationError(errors)
    priority = Priority(
        force_id=neighbourhood.force_id,
        neighbourhood=neighbourhood,
        issue=issue,
        set_on=set_on,
        source_event=source_event,
        owner=owner,
        review_on=review_on,
        is_published=is_published,
        published_at=timezone.now() if is_published else None,
        last_update_on=set_on,
        created_by=actor,
        updated_by=actor,
    )
    priority.reference = next_reference(force_code=neighbourhood.force.short_code, kind="PRI", year=set_on.year)
    priority.full_clean()
    priority.save()
    record(
        actor=actor,
        event=EventType.PRIORITY_CREATED,
        obj=priority,
        neighbourhood_id=priority.neighbourhood_id,
        after=priority_snapshot(priority),
        meta=meta,
    )
    return priority


def _locked(
    actor: Person, priority: Priority, expected_version: int | None, action: policy.Action = policy.Action.ENGAGE
) -> Priority:
    """The priority, locked for this transaction, once the actor may change it (PermissionDenied
    first); StalePriorityError if it changed since `expected_version`."""
    current = (
        Priority.objects.select_for_update(of=("self",))
        .select_related("updated_by", "neighbourhood")
        .get(pk=priority.pk)
    )
    if not selectors.may_act_on(actor, current, action):
        raise PermissionDenied(_("You do not have permission to do that."))
    if expected_version is not None and current.version != expected_version:
        when = timezone.localtime(current.updated_at).strftime("%H:%M on %d/%m/%Y")
        raise StalePriorityError(
            _(
                "%(who)s changed this priority at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the priority to see their change, then make yours again."
            )
            % {"who": current.updated_by, "when": when}
        )
    return current


def _save(
    *, actor: Person, current: Priority, original: Priority, event: EventType, before: dict[str, Any], meta: AuditMeta,
    **extra: Any,
) -> Priority:  # fmt: skip
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    record(
        actor=actor,
        event=event,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=priority_snapshot(current) | extra,
        meta=meta,
    )
    if original is not current:
        original.refresh_from_db()
    return current


@transaction.atomic
def priority_update(
    *,
    actor: Person,
    priority: Priority,
    expected_version: int | None,
    issue: str | None = None,
    owner: Person | None = None,
    review_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> Priority:
    """Change the issue's wording, the owner or the review date (None leaves a field as it is).
    Refused (StalePriorityError) when someone else changed the priority since `expected_version`."""
    current = _locked(actor, priority, expected_version)
    before = priority_snapshot(current)
    errors: dict[str, list[str]] = {}
    text_changed = False
    if issue is not None:
        issue = issue.strip()
        if issue_errors := _issue_errors(issue):
            errors["issue"] = issue_errors
        text_changed = issue != current.issue
    if (
        owner is not None
        and owner.pk != current.owner_id
        and (owner_errors := _owner_errors(owner, current.neighbourhood))
    ):
        errors["owner"] = owner_errors
    if review_on is not None and review_on < current.set_on:
        errors["review_on"] = [_("The review date cannot be before the date set.")]
    if errors:
        raise ValidationError(errors)
    if issue is not None:
        current.issue = issue
    if owner is not None:
        current.owner = owner
    if review_on is not None:
        current.review_on = review_on
    return _save(
        actor=actor,
        current=current,
        original=priority,
        event=EventType.PRIORITY_UPDATED,
        before=before,
        meta=meta,
        text_changed=["issue"] if text_changed else [],
    )


@transaction.atomic
def priority_add_action(
    *,
    actor: Person,
    priority: Priority,
    taken_on: dt.date,
    text: str,
    is_public: bool = True,
    meta: AuditMeta = NO_META,
) -> PriorityAction:
    """Record an action taken on an open priority ("we did"): its date (not in the future, not
    before the priority was set) and what was done; `is_public` false keeps it internal even on a
    published priority. The priority's last update becomes the latest action's date."""
    current = _locked(actor, priority, None)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if current.status != PriorityStatus.OPEN:
        errors["status"] = [_("Actions are recorded on open priorities only: reopen it first.")]
    if taken_on > today():
        errors["taken_on"] = [_("The date of the action cannot be in the future.")]
    elif taken_on < current.set_on:
        errors["taken_on"] = [
            _("The action cannot be before the priority was set (%(day)s).")
            % {"day": current.set_on.strftime("%d/%m/%Y")}
        ]
    if not text:
        errors["text"] = [_("Say what was done.")]
    elif len(text) > ACTION_MAX:
        errors["text"] = [_("Enter at most %(max)d characters.") % {"max": ACTION_MAX}]
    if errors:
        raise ValidationError(errors)
    action = PriorityAction(priority=current, taken_on=taken_on, text=text, is_public=is_public, created_by=actor)
    action.full_clean()
    action.save()
    before = priority_snapshot(current)
    current.last_update_on = max(current.last_update_on, taken_on)
    _save(
        actor=actor,
        current=current,
        original=priority,
        event=EventType.PRIORITY_ACTION_ADDED,
        before=before,
        meta=meta,
        action={"id": action.pk, "taken_on": taken_on.isoformat(), "is_public": is_public},
    )
    return action


@transaction.atomic
def priority_set_status(
    *,
    actor: Person,
    priority: Priority,
    status: str,
    reason: str,
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> Priority:
    """Resolve or withdraw an open priority, or reopen a resolved or withdrawn one, always with
    the outcome or reason. Withdrawing also takes it off the public page."""
    current = _locked(actor, priority, expected_version)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if status not in PriorityStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    elif status not in TRANSITIONS[current.status]:
        errors["status"] = [
            _("A priority that is %(now)s can only become: %(allowed)s.")
            % {
                "now": PriorityStatus(current.status).label.lower(),
                "allowed": ", ".join(str(PriorityStatus(s).label).lower() for s in sorted(TRANSITIONS[current.status])),
            }
        ]
    if not reason:
        errors["reason"] = [_("Give the outcome, or the reason for the change.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("Enter at most %(max)d characters.") % {"max": REASON_MAX}]
    if errors:
        raise ValidationError(errors)
    before = priority_snapshot(current)
    current.status = status
    current.status_reason = reason
    if status == PriorityStatus.WITHDRAWN and current.is_published:
        current.is_published, current.published_at = False, None
    return _save(
        actor=actor,
        current=current,
        original=priority,
        event=EventType.PRIORITY_STATUS_CHANGED,
        before=before,
        meta=meta,
        text_changed=["status_reason"],
    )


@transaction.atomic
def priority_publish(*, actor: Person, priority: Priority, meta: AuditMeta = NO_META) -> Priority:
    """Publish the priority and its public actions as "you said, we did" (a withdrawn one cannot
    be). Publishing a published priority changes nothing."""
    current = _locked(actor, priority, None, policy.Action.MANAGE_PUBLICATION)
    if current.status == PriorityStatus.WITHDRAWN:
        raise ValidationError({"is_published": [_("A withdrawn priority cannot be published: reopen it first.")]})
    if current.is_published:
        return current
    before = priority_snapshot(current)
    current.is_published, current.published_at = True, timezone.now()
    return _save(
        actor=actor, current=current, original=priority, event=EventType.PRIORITY_PUBLISHED, before=before, meta=meta
    )


@transaction.atomic
def priority_unpublish(*, actor: Person, priority: Priority, meta: AuditMeta = NO_META) -> Priority:
    """Take the priority off the public page and API. Unpublishing one that is not published
    changes nothing."""
    current = _locked(actor, priority, None, policy.Action.MANAGE_PUBLICATION)
    if not current.is_published:
        return current
    before = priority_snapshot(current)
    current.is_published, current.published_at = False, None
    return _save(
        actor=actor, current=current, original=priority, event=EventType.PRIORITY_UNPUBLISHED, before=before, meta=meta
    )


# ---- export ---------------------------------------------------------------------------------

EXPORT_LIMIT = 50_000
EXPORT_COLUMNS = (
    "reference",
    "neighbourhood",
    "issue",
    "date_set",
    "status",
    "review_date",
    "last_update",
    "due_for_review",
    "published",
    "actions",
    "latest_public_action",
    "latest_public_action_on",
)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def export_row(priority: Priority) -> list[Any]:
    """One priority as a CSV row (`EXPORT_COLUMNS`), from a `selectors.priority_list` row."""
    p: Any = priority  # the list's annotations
    return [
        p.reference,
        p.neighbourhood.name,
        p.issue,
        _iso(p.set_on),
        p.status,
        _iso(p.review_on),
        _iso(p.last_update_on),
        "yes" if p.is_due_review else "",
        "yes" if p.is_published else "",
        p.action_count,
        p.latest_public_text or "",
        _iso(p.latest_public_on),
    ]


def export_feature(priority: Priority) -> dict[str, Any]:
    """One priority as a GeoJSON point: where the event that raised it was held, or else the
    neighbourhood's centre. The properties are the CSV's columns."""
    event = priority.source_event
    if event is not None and event.lat is not None and event.lng is not None:
        lat, lng = event.lat, event.lng
    else:
        lat, lng = priority.neighbourhood.centre_lat, priority.neighbourhood.centre_lng
    properties = dict(zip(EXPORT_COLUMNS, export_row(priority), strict=True))
    properties["due_for_review"] = bool(properties["due_for_review"])
    properties["published"] = bool(properties["published"])
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": properties}


@dataclass(frozen=True)
class PriorityExport:
    priorities: QuerySet[Priority]
    count: int
    matched: int

    def rows(self) -> Iterator[list[Any]]:
        for priority in self.priorities[: self.count].iterator(chunk_size=500):
            yield export_row(priority)

    def feature_collection(self) -> dict[str, Any]:
        features = [export_feature(p) for p in self.priorities[: self.count].iterator(chunk_size=500)]
        return {"type": "FeatureCollection", "features": features}


def priorities_export(
    *, actor: Person, filters: selectors.PriorityFilters, fmt: str, meta: AuditMeta = NO_META
) -> PriorityExport:
    """The priorities the actor can see that match the filters, for a CSV or GeoJSON download
    (`fmt`). The export is audited in each force it covers (who, which filters, the format, how
    many rows) before a row is produced."""
    priorities = selectors.priorities_matching(actor, filters)
    matched = priorities.count()
    count = min(matched, EXPORT_LIMIT)
    force_ids = sorted(set(priorities.order_by().values_list("force_id", flat=True).distinct())) or [
        *policy.forces_in_scope(actor).values_list("pk", flat=True)
    ]
    record_in_forces(
        actor=actor,
        event=EventType.PRIORITIES_EXPORTED,
        force_ids=force_ids,
        after={"filters": filters.as_dict(), "format": fmt, "rows": count, "matched": matched, "limit": EXPORT_LIMIT},
        meta=meta,
    )
    return PriorityExport(priorities=priorities, count=count, matched=matched)
