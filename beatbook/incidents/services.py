"""Writes to incidents: record, change, move through the status flow, correct the neighbourhood,
add people, acknowledge alerts, and set a force's thresholds.

Every function: keyword-only, `actor` first, one transaction, the access check, `full_clean()`,
the audit event, and repeat detection (`repeats.py`) after any change that could make a repeat.

Audit snapshots hold no personal data (names, addresses, dates of birth, free text): the trail
is append-only and outlives the records it describes, which may have to be deleted under the
force's retention rules. Changes to those fields are recorded by name only.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_lib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core import geo
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.references import next_reference
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Person

from . import repeats, selectors
from .models import TRANSITIONS, Alert, Incident, IncidentPerson, IncidentRules, Status
from .reference import THRIVE_FIELDS, Category

# A clock a little ahead of the server's is not "the future".
CLOCK_SKEW = dt.timedelta(minutes=2)
PERSONAL_FIELDS = frozenset({"description", "location_text", "outcome", "thrive_notes", "neighbourhood_reason"})


class StaleIncidentError(StaleRecordError):
    """The incident was changed by someone else since the caller read it (their version is old)."""


@dataclass(frozen=True)
class PersonData:
    involvement: str
    name: str = ""
    is_unknown: bool = False
    date_of_birth: dt.date | None = None
    address: str = ""
    phone: str = ""
    description: str = ""
    is_vulnerable: bool = False


@dataclass(frozen=True)
class IncidentData:
    """What a new incident says. Give the point (`lat`, `lng`, e.g. from a tap on the map) or a
    `grid_reference`; the point wins when both are given. `is_publishable` lets the month's open
    data publication show it, anonymised (its category near an anonymous map point, nothing else)."""

    occurred_at: dt.datetime
    category: str
    description: str
    how_reported: str
    thrive_threat: str
    thrive_harm: str
    thrive_risk: str
    thrive_investigation: str
    thrive_vulnerability: str
    thrive_engagement: str
    risk_level: str
    lat: float | None = None
    lng: float | None = None
    grid_reference: str = ""
    location_text: str = ""
    asb_qualifier: str = ""
    asb_type: str = ""
    thrive_notes: str = ""
    is_publishable: bool = False


@dataclass(frozen=True)
class IncidentChanges:
    """A change to an incident: None leaves a field as it is."""

    occurred_at: dt.datetime | None = None
    lat: float | None = None
    lng: float | None = None
    grid_reference: str | None = None
    location_text: str | None = None
    category: str | None = None
    asb_qualifier: str | None = None
    asb_type: str | None = None
    description: str | None = None
    how_reported: str | None = None
    thrive_threat: str | None = None
    thrive_harm: str | None = None
    thrive_risk: str | None = None
    thrive_investigation: str | None = None
    thrive_vulnerability: str | None = None
    thrive_engagement: str | None = None
    thrive_notes: str | None = None
    risk_level: str | None = None
    is_publishable: bool | None = None


SNAPSHOT_FIELDS = (
    "reference",
    "occurred_at",
    "lat",
    "lng",
    "grid_reference",
    "category",
    "asb_qualifier",
    "asb_type",
    "how_reported",
    *THRIVE_FIELDS,
    "risk_level",
    "status",
    "is_publishable",
    "is_repeat_victim",
    "is_repeat_location",
    "version",
)


def incident_snapshot(incident: Incident) -> dict[str, Any]:
    """The incident's fields for the audit trail, without personal data (see the module doc)."""
    snap: dict[str, Any] = {name: getattr(incident, name) for name in SNAPSHOT_FIELDS}
    snap["occurred_at"] = incident.occurred_at.isoformat()
    snap["neighbourhood"] = incident.neighbourhood.code if incident.neighbourhood_id else None
    return snap


def person_snapshot(person: IncidentPerson) -> dict[str, Any]:
    return {"id": person.pk, "involvement": person.involvement, "is_unknown": person.is_unknown}


def _key(text: str) -> str:
    """Lower-case letters and digits only: `Flat 2, 14 Mill Road` → `flat214millroad`."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _check_time(occurred_at: dt.datetime) -> None:
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": _("Give the time with its time zone.")})
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"occurred_at": _("The time is in the future: give when it happened.")})


def _point_of(lat: float | None, lng: float | None, grid_reference: str) -> tuple[float, float]:
    if lat is not None and lng is not None:
        geo.validate_point(lat, lng)
        return lat, lng
    if grid_reference.strip():
        return geo.parse_grid_reference(grid_reference)
    raise ValidationError({"lat": _("Give the location: tap the map, use your location, or type a grid reference.")})


def _recording_forces(actor: Person) -> list[int]:
    return list(
        policy.neighbourhoods_for(actor, policy.Action.RECORD_INCIDENT).values_list("force_id", flat=True).distinct()
    )


def _neighbourhood_at(actor: Person, lat: float, lng: float) -> Neighbourhood:
    """The neighbourhood of the actor's force(s) that holds the point, or a field error."""
    force_ids = _recording_forces(actor)
    if not force_ids:
        raise PermissionDenied(_("You do not have permission to do that."))
    found = selectors.neighbourhood_at(lat=lat, lng=lng, force_ids=force_ids)
    if found is None:
        raise ValidationError({"lat": _("That location is outside your force's neighbourhoods.")})
    return found


def _require_change(actor: Person, incident: Incident) -> None:
    if not selectors.may_change(actor, incident):
        raise PermissionDenied(_("You do not have permission to do that."))


def _validated_people(incident: Incident, people: list[PersonData]) -> list[IncidentPerson]:
    rows = []
    errors: dict[str, list[Any]] = {}
    for n, data in enumerate(people):
        row = IncidentPerson(
            incident=incident,
            force_id=incident.force_id,
            involvement=data.involvement,
            is_unknown=data.is_unknown,
            name="" if data.is_unknown else data.name.strip(),
            date_of_birth=data.date_of_birth,
            address=data.address.strip(),
            phone=data.phone.strip(),
            description=data.description.strip(),
            is_vulnerable=data.is_vulnerable,
        )
        row.name_key = _key(row.name)
        row.address_key = _key(row.address)
        if not row.is_unknown and not row.name:
            errors.setdefault(f"people.{n}.name", []).append(_("Give the person's name, or tick 'not known'."))
        if row.is_unknown and not (row.description or row.address):
            errors.setdefault(f"people.{n}.description", []).append(_("Describe the unknown person."))
        if row.date_of_birth and row.date_of_birth > timezone.localdate():
            errors.setdefault(f"people.{n}.date_of_birth", []).append(_("The date of birth is in the future."))
        try:
            # The constraint (named unless unknown) is checked above, with a message people can act on.
            row.full_clean(exclude=["incident", "force"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"people.{n}.{field}", []).extend(messages)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _clean_incident(incident: Incident, *, exclude: tuple[str, ...] = ()) -> None:
    errors: dict[str, list[Any]] = {}
    if incident.category == Category.ANTI_SOCIAL_BEHAVIOUR:
        if not incident.asb_qualifier:
            errors["asb_qualifier"] = [_("Choose personal, nuisance or environmental for anti-social behaviour.")]
    elif incident.asb_qualifier or incident.asb_type:
        errors["asb_qualifier"] = [_("The ASB qualifier and type are only for anti-social behaviour.")]
    try:
        incident.full_clean(exclude=["reference", "created_by", "updated_by", *exclude], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incident_create(
    *,
    actor: Person,
    data: IncidentData,
    people: list[PersonData] | None = None,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> Incident:
    """Record an incident in the neighbourhood that holds its point, with the people involved,
    then look for repeats. A `client_uuid` already used by the same person returns that incident
    (a retried submission is stored once)."""
    if client_uuid is not None:
        existing = Incident.objects.filter(uuid=client_uuid).first()
        if existing is not None:
            if existing.created_by_id == actor.pk:
                return existing
            raise ValidationError({"uuid": _("That identifier belongs to another incident.")})
    errors: dict[str, list[Any]] = {}
    try:
        _check_time(data.occurred_at)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    point: tuple[float, float] | None = None
    try:
        point = _point_of(data.lat, data.lng, data.grid_reference)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    neighbourhood = None
    if point is not None:
        try:
            neighbourhood = _neighbourhood_at(actor, *point)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    incident = Incident(
        uuid=client_uuid or uuid_lib.uuid4(),
        created_by=actor,
        updated_by=actor,
        **{f.name: getattr(data, f.name) for f in fields(data) if f.name not in {"lat", "lng"}},
    )
    if neighbourhood is not None:
        incident.force_id, incident.neighbourhood = neighbourhood.force_id, neighbourhood
    if point is not None:
        incident.lat, incident.lng = point
    try:
        _clean_incident(incident, exclude=("force", "neighbourhood", "lat", "lng"))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)
    assert neighbourhood is not None
    person_rows = _validated_people(incident, people or [])
    year = timezone.localtime(incident.occurred_at).year
    incident.reference = next_reference(force_code=neighbourhood.force.short_code, kind="INC", year=year)
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        # The same submission, sent twice at once: the other copy was stored first.
        existing = Incident.objects.filter(uuid=incident.uuid).first()
        if existing is not None and existing.created_by_id == actor.pk:
            return existing
        raise
    for row in person_rows:
        row.incident = incident
        row.save()
    repeats.detect(actor=actor, incident=incident, meta=meta)  # sets the flags the event records
    record(
        actor=actor,
        event=EventType.INCIDENT_CREATED,
        obj=incident,
        neighbourhood_id=incident.neighbourhood_id,
        after=incident_snapshot(incident) | {"people": [person_snapshot(p) for p in person_rows]},
        meta=meta,
    )
    return incident


def _locked(actor: Person, incident: Incident, expected_version: int | None) -> Incident:
    """The incident, locked for this transaction, once the actor may change it (PermissionDenied
    first, so that who changed it last is told only to those who may change it);
    StaleIncidentError if it changed since `expected_version`."""
    current = Incident.objects.select_for_update().select_related("updated_by", "neighbourhood").get(pk=incident.pk)
    _require_change(actor, current)
    if expected_version is not None and current.version != expected_version:
        when = timezone.localtime(current.updated_at).strftime("%H:%M on %d/%m/%Y")
        raise StaleIncidentError(
            _(
                "%(who)s changed this incident at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the incident to see their change, then make yours again."
            )
            % {"who": current.updated_by, "when": when}
        )
    return current


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _save_change(
    *, actor: Person, incident: Incident, event: EventType, before: dict[str, Any], meta: AuditMeta, **extra: Any
) -> Incident:
    incident.version += 1
    incident.updated_by = actor
    incident.save()
    after = incident_snapshot(incident)
    record(
        actor=actor,
        event=event,
        obj=incident,
        neighbourhood_id=incident.neighbourhood_id,
        before=before,
        after=after | extra,
        meta=meta,
    )
    return incident


@transaction.atomic
def incident_update(
    *,
    actor: Person,
    incident: Incident,
    changes: IncidentChanges,
    expected_version: int | None,
    meta: AuditMeta = NO_META,
) -> Incident:
    """Change what an incident says. A new point (or grid reference) moves it to the
    neighbourhood that holds the point, undoing any correction. Refused (StaleIncidentError) when
    someone else changed it since `expected_version`."""
    current = _locked(actor, incident, expected_version)
    before = incident_snapshot(current)
    text_before = {name: getattr(current, name) for name in PERSONAL_FIELDS}
    if changes.occurred_at is not None:
        _check_time(changes.occurred_at)
    # A grid reference moves the incident only when it is a new one (an edit sends the old one back).
    new_grid = bool(changes.grid_reference) and _key(changes.grid_reference or "") != _key(current.grid_reference)
    moved = changes.lat is not None or changes.lng is not None or new_grid
    if moved:
        lat, lng = _point_of(
            changes.lat if changes.lat is not None else (None if new_grid else current.lat),
            changes.lng if changes.lng is not None else (None if new_grid else current.lng),
            changes.grid_reference or "",
        )
        neighbourhood = _neighbourhood_at(actor, lat, lng)
        if neighbourhood.force_id != current.force_id:
            raise ValidationError({"lat": _("An incident cannot move to another force.")})
        current.lat, current.lng, current.neighbourhood = lat, lng, neighbourhood
        current.neighbourhood_reason = ""  # the point decides the neighbourhood again
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is not None and f.name not in {"lat", "lng"}:
            setattr(current, f.name, value)
    if moved and not new_grid:
        current.grid_reference = ""  # placed on the map: an old grid reference no longer describes it
    if changes.category is not None and changes.category != Category.ANTI_SOCIAL_BEHAVIOUR:
        current.asb_qualifier = current.asb_type = ""
    try:
        _clean_incident(current)
    except ValidationError:
        incident.refresh_from_db()
        raise
    texts = sorted(name for name in PERSONAL_FIELDS if getattr(current, name) != text_before[name])
    _save_change(
        actor=actor,
        incident=current,
        event=EventType.INCIDENT_UPDATED,
        before=before,
        meta=meta,
        text_changed=texts,
    )
    repeats.detect(actor=actor, incident=current, meta=meta)
    _refresh(incident, current)
    return current


def _refresh(stale: Incident, fresh: Incident) -> None:
    """Bring the caller's object up to date with what was saved."""
    if stale is not fresh:
        stale.refresh_from_db()


@transaction.atomic
def incident_set_status(
    *,
    actor: Person,
    incident: Incident,
    status: str,
    outcome: str = "",
    expected_version: int | None,
    meta: AuditMeta = NO_META,
) -> Incident:
    """Move an incident along open → attended → (escalated | resolved) → closed. Closing needs
    the outcome."""
    current = _locked(actor, incident, expected_version)
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status not in TRANSITIONS[current.status]:
        allowed = ", ".join(str(Status(s).label) for s in Status.values if s in TRANSITIONS[current.status])
        raise ValidationError(
            {
                "status": _("An incident that is %(now)s can only become: %(allowed)s.")
                % {"now": Status(current.status).label.lower(), "allowed": allowed or _("nothing (it is closed)")}
            }
        )
    outcome = outcome.strip()
    if status == Status.CLOSED and not (outcome or current.outcome):
        raise ValidationError({"outcome": _("Give the outcome before closing the incident.")})
    before = incident_snapshot(current)
    current.status = status
    if outcome:
        current.outcome = outcome
    _save_change(
        actor=actor,
        incident=current,
        event=EventType.INCIDENT_STATUS_CHANGED,
        before=before,
        meta=meta,
        text_changed=["outcome"] if outcome else [],
    )
    _refresh(incident, current)
    return current


@transaction.atomic
def incident_correct_neighbourhood(
    *,
    actor: Person,
    incident: Incident,
    neighbourhood: Neighbourhood,
    reason: str,
    expected_version: int | None,
    meta: AuditMeta = NO_META,
) -> Incident:
    """Put an incident in another neighbourhood of its force than the one its point falls in
    (a boundary that cuts a street in two, a point placed roughly), with the reason."""
    current = _locked(actor, incident, expected_version)
    errors: dict[str, Any] = {}
    if neighbourhood.force_id != current.force_id:
        errors["neighbourhood"] = _("Choose a neighbourhood of the incident's force.")
    elif neighbourhood.pk == current.neighbourhood_id:
        errors["neighbourhood"] = _("The incident is already in that neighbourhood.")
    elif not neighbourhood.is_active:
        errors["neighbourhood"] = _("That neighbourhood is no longer in use.")
    elif current.created_by_id != actor.pk and not policy.can(actor, policy.Action.RECORD_INCIDENT, neighbourhood):
        errors["neighbourhood"] = _(
            "You can move an incident only to a neighbourhood you work in (or one you recorded): "
            "ask a supervisor of that neighbourhood."
        )
    if not reason.strip():
        errors["reason"] = _("Say why the neighbourhood is being corrected.")
    if errors:
        raise ValidationError(errors)
    before = incident_snapshot(current)
    current.neighbourhood = neighbourhood
    current.neighbourhood_reason = reason.strip()
    _save_change(
        actor=actor,
        incident=current,
        event=EventType.INCIDENT_NEIGHBOURHOOD_CORRECTED,
        before=before,
        meta=AuditMeta(request_id=meta.request_id, reason=reason.strip()),
    )
    _refresh(incident, current)
    return current


@transaction.atomic
def incident_add_person(
    *, actor: Person, incident: Incident, data: PersonData, meta: AuditMeta = NO_META
) -> IncidentPerson:
    """Add someone involved (a victim, witness, suspect or the reporting person), then look for
    repeats again: a new victim can make this incident a repeat."""
    current = _locked(actor, incident, None)
    try:
        (row,) = _validated_people(current, [data])
    except ValidationError as exc:  # single person: report fields without the `people.0.` prefix
        raise ValidationError({k.split(".", 2)[-1]: v for k, v in exc.message_dict.items()}) from exc
    row.save()
    before = incident_snapshot(current)
    current.version += 1
    current.updated_by = actor
    current.save(update_fields=["version", "updated_by", "updated_at"])
    record(
        actor=actor,
        event=EventType.INCIDENT_PERSON_ADDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after={"person": person_snapshot(row), "version": current.version},
        meta=meta,
    )
    repeats.detect(actor=actor, incident=current, meta=meta)
    _refresh(incident, current)
    return row


@transaction.atomic
def alert_acknowledge(*, actor: Person, alert: Alert, note: str = "", meta: AuditMeta = NO_META) -> Alert:
    """Take an alert off the home pages: someone who works the neighbourhood has seen it."""
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    policy.require(actor, policy.Action.RECORD_INCIDENT, current)
    if current.acknowledged_at is not None:
        raise ValidationError({"note": _("This alert has already been acknowledged.")})
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.acknowledgement_note = note.strip()
    current.full_clean()
    current.save()
    record(
        actor=actor,
        event=EventType.ALERT_ACKNOWLEDGED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={"kind": current.kind, "incident": current.incident_id, "noted": bool(current.acknowledgement_note)},
        meta=meta,
    )
    alert.refresh_from_db()
    return current


@dataclass(frozen=True)
class RulesChanges:
    repeat_count: int | None = None
    repeat_window_days: int | None = None
    repeat_radius_m: int | None = None
    trigger_threshold: int | None = None
    trigger_window_months: int | None = None


def rules_snapshot(rules: IncidentRules) -> dict[str, Any]:
    return {f.name: getattr(rules, f.name) for f in fields(RulesChanges)}


@transaction.atomic
def incident_rules_update(
    *, actor: Person, force: Force, changes: RulesChanges, meta: AuditMeta = NO_META
) -> IncidentRules:
    """Set a force's repeat and community-trigger thresholds (force administrators)."""
    policy.require(actor, policy.Action.MANAGE_INCIDENT_RULES, force)
    rules, _created = IncidentRules.objects.select_for_update().get_or_create(force=force)
    before = rules_snapshot(rules)
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is not None:
            setattr(rules, f.name, value)
    errors: dict[str, Any] = {}
    if not 1 <= rules.trigger_threshold <= 3:
        errors["trigger_threshold"] = _("The Act sets the threshold at no more than three complaints.")
    if rules.repeat_count < 2:
        errors["repeat_count"] = _("A repeat needs at least two incidents.")
    for name in ("repeat_window_days", "repeat_radius_m", "trigger_window_months"):
        if getattr(rules, name) < 1:
            errors[name] = _("Give a number of at least 1.")
    try:
        rules.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    rules.save()
    record(
        actor=actor,
        event=EventType.INCIDENT_RULES_UPDATED,
        obj=rules,
        force_id=force.pk,
        before=before,
        after=rules_snapshot(rules),
        meta=meta,
    )
    return rules


__all__ = [
    "IncidentChanges",
    "IncidentData",
    "PersonData",
    "RulesChanges",
    "StaleIncidentError",
    "alert_acknowledge",
    "incident_add_person",
    "incident_correct_neighbourhood",
    "incident_create",
    "incident_rules_update",
    "incident_set_status",
    "incident_update",
    "incidents_export",
]


EXPORT_LIMIT = 50_000
EXPORT_COLUMNS = (
    "reference",
    "occurred_at",
    "neighbourhood",
    "category",
    "asb_qualifier",
    "asb_type",
    "how_reported",
    "risk_level",
    "status",
    "repeat_victim",
    "repeat_location",
    "latitude",
    "longitude",
    "location",
)


@dataclass(frozen=True)
class IncidentExport:
    rows: Iterator[list[Any]]
    count: int
    matched: int


def incidents_export(*, actor: Person, filters: selectors.IncidentFilters, meta: AuditMeta = NO_META) -> IncidentExport:
    """The incidents the actor can see that match the filters, as CSV rows (no people). The
    export is audited in each force it covers (who, which filters, how many rows) before a row
    is produced."""
    incidents = selectors.incidents_matching(actor, filters)
    matched = incidents.count()
    count = min(matched, EXPORT_LIMIT)
    force_ids = sorted(set(incidents.values_list("force_id", flat=True).distinct())) or [
        *policy.forces_in_scope(actor).values_list("pk", flat=True)
    ]
    record_in_forces(
        actor=actor,
        event=EventType.INCIDENTS_EXPORTED,
        force_ids=force_ids,
        after={"filters": filters.as_dict(), "rows": count, "matched": matched, "limit": EXPORT_LIMIT},
        meta=meta,
    )

    def rows() -> Iterator[list[Any]]:
        for inc in incidents[:count].iterator(chunk_size=500):
            yield [
                inc.reference,
                timezone.localtime(inc.occurred_at).strftime("%Y-%m-%d %H:%M"),
                inc.neighbourhood.name,
                inc.category,
                inc.asb_qualifier,
                inc.asb_type,
                inc.how_reported,
                inc.risk_level,
                inc.status,
                "yes" if inc.is_repeat_victim else "",
                "yes" if inc.is_repeat_location else "",
                f"{inc.lat:.6f}",
                f"{inc.lng:.6f}",
                inc.location_text,
            ]

    return IncidentExport(rows=rows(), count=count, matched=matched)
