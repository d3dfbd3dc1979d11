"""Writes to engagement events: plan one, change it, record it as held, cancel it, and export a
filtered list (CSV or GeoJSON, audited).

Who: people who hold ENGAGE in the event's neighbourhood (PCSOs, officers and supervisors posted
there). Every function: keyword-only, `actor` first, one transaction, the access check before
anything else, field checks as `ValidationError({field: [message]})`, the write, the audit event.

Audit snapshots hold no free text (title, description, place, issues, follow-ups, notes and the
reason for a cancellation may name people): references, codes, statuses, times, ids and counts
only; a change to a text field is recorded by the field's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core import geo
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.references import next_reference
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person

from ..models import EngagementEvent, EventKind, EventStatus
from ..selectors import events as selectors

MAX_LENGTH = dt.timedelta(hours=24)
MAX_ATTENDANCE = 100_000
MAX_ISSUES = 50
# Free text the model leaves unbounded, kept to what a person types about one event.
LONG_TEXT = 5000
TEXT_FIELDS = ("title", "description", "address", "issues_raised", "follow_ups", "notes", "cancelled_reason")


class StaleEventError(StaleRecordError):
    """The event was changed by someone else since the caller read it (their version is old)."""


@dataclass(frozen=True)
class EventData:
    """What a planned event says (all of it, for a new event and for a change alike). The point
    (`lat`, `lng`) is optional but whole: both or neither. `officer_ids` are the people planned
    to attend."""

    neighbourhood: Neighbourhood
    kind: str
    title: str
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    lat: float | None = None
    lng: float | None = None
    officer_ids: tuple[int, ...] = ()
    is_public: bool = False


@dataclass(frozen=True)
class EventRecord:
    """What happened at an event: how many people came, the issues they raised (one per line),
    what will be followed up, internal notes, and the officers who actually attended."""

    attendance: int
    issues_raised: str = ""
    follow_ups: str = ""
    notes: str = ""
    officer_ids: tuple[int, ...] = ()


def event_snapshot(event: EngagementEvent) -> dict[str, Any]:
    """The event for the audit trail: no free text (see the module doc)."""
    return {
        "reference": event.reference,
        "neighbourhood": event.neighbourhood.code,
        "kind": event.kind,
        "status": event.status,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "is_public": event.is_public,
        "has_point": event.lat is not None,
        "attendance": event.attendance,
        "issues_raised": len(event.issue_lines),
        "version": event.version,
    }


def _officer_ids(event: EngagementEvent) -> list[int]:
    return sorted(event.officers.values_list("pk", flat=True))


def _text(value: str) -> str:
    return (value or "").strip()


def _lines(value: str) -> str:
    """Issues as one per line: each trimmed, blank lines dropped."""
    return "\n".join(line.strip() for line in (value or "").splitlines() if line.strip())


def _check_engage(actor: Person, neighbourhood: Neighbourhood) -> None:
    policy.require(actor, policy.Action.ENGAGE, neighbourhood)


def _check_active(neighbourhood: Neighbourhood, errors: dict[str, list[Any]]) -> None:
    if not neighbourhood.is_active:
        errors.setdefault("neighbourhood", []).append(_("That neighbourhood is no longer in use."))


def _check_fields(data: EventData, errors: dict[str, list[Any]]) -> None:
    if data.kind not in EventKind.values:
        errors.setdefault("kind", []).append(_("Choose what kind of event it is."))
    if not _text(data.title):
        errors.setdefault("title", []).append(_("Give the event a title."))
    if not _text(data.address):
        errors.setdefault("address", []).append(_("Say where the event takes place (or 'Online')."))
    if len(data.description or "") > LONG_TEXT:
        errors.setdefault("description", []).append(_("Keep the description to %(n)d characters.") % {"n": LONG_TEXT})
    if (data.lat is None) != (data.lng is None):
        errors.setdefault("lat", []).append(_("Give both the latitude and the longitude, or neither."))
    elif data.lat is not None and data.lng is not None:
        try:
            geo.validate_point(data.lat, data.lng)
        except ValidationError as exc:
            exc.update_error_dict(errors)
    _check_times(data.starts_at, data.ends_at, errors)


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, errors: dict[str, list[Any]]) -> None:
    if timezone.is_naive(starts_at):
        errors.setdefault("starts_at", []).append(_("Give the start with its time zone."))
        return
    if timezone.is_naive(ends_at):
        errors.setdefault("ends_at", []).append(_("Give the end with its time zone."))
        return
    if ends_at < starts_at:
        errors.setdefault("ends_at", []).append(_("The event cannot end before it starts."))
    elif ends_at - starts_at > MAX_LENGTH:
        errors.setdefault("ends_at", []).append(_("An event can last at most 24 hours."))


def _check_officers(
    actor: Person, force_id: int, officer_ids: Iterable[int], *, keep: Iterable[int], errors: dict[str, list[Any]]
) -> list[int]:
    """The officers as ids, once each: people of the event's force the actor can see (or already
    on the event, `keep`, who may have moved on since). One query."""
    wanted = sorted(set(officer_ids))
    if not wanted:
        return []
    allowed = set(
        selectors.officer_choices(actor, force_ids=[force_id]).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    allowed |= set(keep)
    if set(wanted) - allowed:
        errors.setdefault("officers", []).append(
            _("Choose officers of the event's force from the list (someone chosen cannot be added).")
        )
    return wanted


def _clean_model(event: EngagementEvent, errors: dict[str, list[Any]]) -> None:
    try:
        # The constraints are checked above, with messages people can act on.
        event.full_clean(
            exclude=["reference", "force", "neighbourhood", "created_by", "updated_by", "officers"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _apply(event: EngagementEvent, data: EventData) -> None:
    event.neighbourhood = data.neighbourhood
    event.force_id = data.neighbourhood.force_id
    event.kind = data.kind
    event.title = _text(data.title)
    event.description = _text(data.description)
    event.address = _text(data.address)
    event.lat, event.lng = data.lat, data.lng
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.is_public = data.is_public


@transaction.atomic
def event_create(*, actor: Person, data: EventData, meta: AuditMeta = NO_META) -> EngagementEvent:
    """Plan an engagement event in a neighbourhood where the actor engages (PermissionDenied
    otherwise). The reference is the force's next `EVT` number of the year the event starts in
    (London time). It may start in the past: an event held but not planned in Beatbook is
    planned, then recorded."""
    _check_engage(actor, data.neighbourhood)
    errors: dict[str, list[Any]] = {}
    _check_active(data.neighbourhood, errors)
    _check_fields(data, errors)
    officers = _check_officers(actor, data.neighbourhood.force_id, data.officer_ids, keep=(), errors=errors)
    event = EngagementEvent(created_by=actor, updated_by=actor)
    _apply(event, data)
    _clean_model(event, errors)
    if errors:
        raise ValidationError(errors)
    force = data.neighbourhood.force
    year = timezone.localtime(event.starts_at).year
    event.reference = next_reference(force_code=force.short_code, kind="EVT", year=year)
    event.save()
    event.officers.set(officers)
    record(
        actor=actor,
        event=EventType.ENGAGEMENT_EVENT_CREATED,
        obj=event,
        neighbourhood_id=event.neighbourhood_id,
        after=event_snapshot(event) | {"officers": officers},
        meta=meta,
    )
    return event


def _locked(actor: Person, event: EngagementEvent, expected_version: int | None) -> EngagementEvent:
    """The event, locked for this transaction, once the actor may change it (PermissionDenied
    first, so that who changed it last is told only to those who may change it);
    StaleEventError if it changed since `expected_version`."""
    current = (
        EngagementEvent.objects.select_for_update()
        .select_related("force", "neighbourhood", "updated_by")
        .get(pk=event.pk)
    )
    policy.require(actor, policy.Action.ENGAGE, current)
    if expected_version is not None and current.version != expected_version:
        when = timezone.localtime(current.updated_at).strftime("%H:%M on %d/%m/%Y")
        raise StaleEventError(
            _(
                "%(who)s changed this event at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the event to see their change, then make yours again."
            )
            % {"who": current.updated_by, "when": when}
        )
    return current


def _save_change(
    *,
    actor: Person,
    event: EngagementEvent,
    audit_type: EventType,
    before: dict[str, Any],
    text_before: dict[str, str],
    meta: AuditMeta,
    **extra: Any,
) -> EngagementEvent:
    event.version += 1
    event.updated_by = actor
    event.save()
    texts = sorted(name for name in TEXT_FIELDS if getattr(event, name) != text_before[name])
    record(
        actor=actor,
        event=audit_type,
        obj=event,
        neighbourhood_id=event.neighbourhood_id,
        before=before,
        after=event_snapshot(event) | {"text_changed": texts} | extra,
        meta=meta,
    )
    return event


def _refresh(stale: EngagementEvent, fresh: EngagementEvent) -> None:
    """Bring the caller's object up to date with what was saved."""
    if stale is not fresh:
        stale.refresh_from_db()


@transaction.atomic
def event_update(
    *,
    actor: Person,
    event: EngagementEvent,
    data: EventData,
    expected_version: int | None,
    meta: AuditMeta = NO_META,
) -> EngagementEvent:
    """Change what a planned (or held) event says: all of `data` replaces what it said. It may
    move to another neighbourhood of its force where the actor engages. A cancelled event is not
    changed; a held one cannot move into the future. Refused (StaleEventError) when someone else
    changed it since `expected_version`."""
    current = _locked(actor, event, expected_version)
    if data.neighbourhood.pk != current.neighbourhood_id:
        _check_engage(actor, data.neighbourhood)
    errors: dict[str, list[Any]] = {}
    if current.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be changed."))
    if data.neighbourhood.force_id != current.force_id:
        errors.setdefault("neighbourhood", []).append(_("An event cannot move to another force."))
    elif data.neighbourhood.pk != current.neighbourhood_id:
        _check_active(data.neighbourhood, errors)
    _check_fields(data, errors)
    if current.status == EventStatus.HELD and not errors and data.starts_at > timezone.now():
        errors.setdefault("starts_at", []).append(_("The event has been held: its start cannot be in the future."))
    keep = _officer_ids(current)
    officers = _check_officers(actor, current.force_id, data.officer_ids, keep=keep, errors=errors)
    before = event_snapshot(current) | {"officers": keep}
    text_before = {name: getattr(current, name) for name in TEXT_FIELDS}
    _apply(current, data)
    _clean_model(current, errors)
    if errors:
        raise ValidationError(errors)  # `current` is a copy: the caller's event is as stored
    current.officers.set(officers)
    _save_change(
        actor=actor,
        event=current,
        audit_type=EventType.ENGAGEMENT_EVENT_UPDATED,
        before=before,
        text_before=text_before,
        meta=meta,
        officers=officers,
    )
    _refresh(event, current)
    return current


@transaction.atomic
def event_record(
    *,
    actor: Person,
    event: EngagementEvent,
    data: EventRecord,
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> EngagementEvent:
    """Record an event as held, once it has started: how many came, the issues raised (one per
    line), follow-ups, internal notes and the officers who actually attended (they replace those
    planned). Recording it again corrects the record. A cancelled event cannot be recorded."""
    current = _locked(actor, event, expected_version)
    if current.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be recorded as held."))
    errors: dict[str, list[Any]] = {}
    if current.starts_at > timezone.now():
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("The event has not started yet: record it once it has."))
    if not 0 <= data.attendance <= MAX_ATTENDANCE:
        errors.setdefault("attendance", []).append(
            _("Give the number of people who came, from 0 to %(max)s.") % {"max": f"{MAX_ATTENDANCE:,}"}
        )
    issues = _lines(data.issues_raised)
    if len(issues.splitlines()) > MAX_ISSUES:
        errors.setdefault("issues_raised", []).append(_("Give at most %(n)d issues, one per line.") % {"n": MAX_ISSUES})
    for name in ("issues_raised", "follow_ups", "notes"):
        if len(getattr(data, name) or "") > LONG_TEXT:
            errors.setdefault(name, []).append(_("Keep this to %(n)d characters.") % {"n": LONG_TEXT})
    keep = _officer_ids(current)
    officers = _check_officers(actor, current.force_id, data.officer_ids, keep=keep, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = event_snapshot(current) | {"officers": keep}
    text_before = {name: getattr(current, name) for name in TEXT_FIELDS}
    current.status = EventStatus.HELD
    current.attendance = data.attendance
    current.issues_raised = issues
    current.follow_ups = _text(data.follow_ups)
    current.notes = _text(data.notes)
    current.officers.set(officers)
    _save_change(
        actor=actor,
        event=current,
        audit_type=EventType.ENGAGEMENT_EVENT_RECORDED,
        before=before,
        text_before=text_before,
        meta=meta,
        officers=officers,
    )
    _refresh(event, current)
    return current


@transaction.atomic
def event_cancel(
    *,
    actor: Person,
    event: EngagementEvent,
    reason: str,
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> EngagementEvent:
    """Cancel an event that has not been held, with the reason (kept on the event, not in the
    audit trail). It leaves the public page and API."""
    current = _locked(actor, event, expected_version)
    if current.status == EventStatus.HELD:
        raise ValidationError({"reason": [_("The event has been held: it cannot be cancelled.")]})
    if current.status == EventStatus.CANCELLED:
        raise ValidationError({"reason": [_("The event is already cancelled.")]})
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the event is cancelled.")]})
    if len(reason) > LONG_TEXT:
        raise ValidationError({"reason": [_("Keep this to %(n)d characters.") % {"n": LONG_TEXT}]})
    before = event_snapshot(current)
    text_before = {name: getattr(current, name) for name in TEXT_FIELDS}
    current.status = EventStatus.CANCELLED
    current.cancelled_reason = reason
    _save_change(
        actor=actor,
        event=current,
        audit_type=EventType.ENGAGEMENT_EVENT_CANCELLED,
        before=before,
        text_before=text_before,
        meta=meta,
    )
    _refresh(event, current)
    return current


# ---- Export ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventExport:
    """The events of an export (at most `selectors.EXPORT_LIMIT`), read lazily, and how many
    matched the filters."""

    events: Iterator[EngagementEvent]
    count: int
    matched: int


def events_export(
    *, actor: Person, filters: selectors.EventFilters, file_format: str, meta: AuditMeta = NO_META
) -> EventExport:
    """The visible events matching the filters, for a CSV or GeoJSON download. Those who see no
    neighbourhood (partner users) cannot export. Audited in each force it covers (who, which
    filters, the format, how many rows) before a row is produced."""
    if not policy.is_system(actor) and not policy.neighbourhoods_in_scope(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    events = selectors.events_for_export(actor, filters)
    matched = events.count()
    count = min(matched, selectors.EXPORT_LIMIT)
    force_ids: Sequence[int] = sorted(set(events.order_by().values_list("force_id", flat=True).distinct())) or [
        *policy.forces_in_scope(actor).values_list("pk", flat=True)
    ]
    record_in_forces(
        actor=actor,
        event=EventType.ENGAGEMENT_EVENTS_EXPORTED,
        force_ids=force_ids,
        after={
            "filters": filters.as_dict(),
            "format": file_format,
            "rows": count,
            "matched": matched,
            "limit": selectors.EXPORT_LIMIT,
        },
        meta=meta,
    )
    return EventExport(events=events[:count].iterator(chunk_size=500), count=count, matched=matched)


__all__ = [
    "EventData",
    "EventExport",
    "EventRecord",
    "StaleEventError",
    "event_cancel",
    "event_create",
    "event_record",
    "event_snapshot",
    "event_update",
    "events_export",
]
