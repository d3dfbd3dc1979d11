"""What every enforcement write shares.

1. `prepare_record` validates the fields every record has, finds the neighbourhood from the
   point (or the incident's), checks that the actor may record enforcement there, and runs the
   powers check at the moment of the act. A power not held is refused with the reason: the
   refusal is written to the audit trail in its own transaction (so it stays when the request
   fails) and `PowerNotHeldError` is raised.
2. The kind's service validates its own fields, then, in one transaction, calls `save_record`
   (reference, idempotent client UUID), saves its detail row and calls `record_created`.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.references import next_reference
from beatbook.incidents.selectors import incidents_visible_to, neighbourhood_at
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.powers.check import PowerCheck, check_power

from ..models import EnforcementRecord
from ..reference import RecordKind
from ..selectors.common import viewed
from ..selectors.register import record_with_details

CLOCK_SKEW = dt.timedelta(minutes=2)
OLDEST_AGE = 120


class PowerNotHeldError(ValidationError):
    """The officer did not hold the power at the moment of the act (the message says why)."""

    def __init__(self, check: PowerCheck) -> None:
        super().__init__({NON_FIELD_ERRORS: [check.reason]}, code="power_not_held")
        self.check = check


@dataclass(frozen=True)
class RecordData:
    """The fields every enforcement record has. Without a point, the incident's point is used."""

    occurred_at: dt.datetime
    lat: float | None = None
    lng: float | None = None
    location_text: str = ""
    incident_id: int | None = None
    subject_name: str = ""
    subject_date_of_birth: dt.date | None = None
    subject_age: int | None = None
    subject_address: str = ""
    notes: str = ""


@dataclass
class Prepared:
    """A record checked and ready to save, with the verdict of the powers check."""

    record: EnforcementRecord
    check: PowerCheck
    errors: dict[str, list[Any]] = field(default_factory=dict)


def existing(*, actor: Person, client_uuid: uuid_lib.UUID | None, kind: RecordKind) -> EnforcementRecord | None:
    """The record already stored under this client UUID by this officer (a retried submission),
    or None; a UUID of someone else's record, or of another kind, is a field error."""
    if client_uuid is None:
        return None
    found = EnforcementRecord.objects.filter(uuid=client_uuid).first()
    if found is None:
        return None
    if found.officer_id != actor.pk or found.kind != kind:
        raise ValidationError({"uuid": _("That identifier belongs to another record.")})
    return found


def _enforcing_forces(actor: Person) -> list[int]:
    return list(policy.neighbourhoods_for(actor, policy.Action.ENFORCE).values_list("force_id", flat=True).distinct())


def _check_subject(data: RecordData, errors: dict[str, list[Any]]) -> None:
    day = timezone.localtime(data.occurred_at).date() if timezone.is_aware(data.occurred_at) else None
    born = data.subject_date_of_birth
    if born is not None and day is not None and born > day:
        errors.setdefault("subject_date_of_birth", []).append(_("The date of birth is after the date of the act."))
    if born is not None and day is not None and (day.year - born.year) > OLDEST_AGE:
        errors.setdefault("subject_date_of_birth", []).append(_("Check the date of birth: that is over 120 years."))
    if data.subject_age is not None and not 0 <= data.subject_age <= OLDEST_AGE:
        errors.setdefault("subject_age", []).append(_("Give an age between 0 and 120."))


def prepare_record(
    *,
    actor: Person,
    kind: RecordKind,
    code: str,
    data: RecordData,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> Prepared:
    """Validate the common fields, check access and the power held at `data.occurred_at`.

    Raises ValidationError (field errors), PermissionDenied (may not record enforcement here),
    or PowerNotHeldError (audited). Field errors of the common fields come back in `Prepared.errors`
    only when the power check could still run, so the kind's service can add its own and raise
    them all at once."""
    errors: dict[str, list[Any]] = {}
    force_ids = _enforcing_forces(actor)
    if not force_ids:
        raise PermissionDenied(_("You do not have permission to do that."))
    occurred_at = data.occurred_at
    time_ok = timezone.is_aware(occurred_at)
    if not time_ok:
        errors["occurred_at"] = [_("Give the time with its time zone.")]
    elif occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = [_("The time is in the future: give when it happened.")]
        time_ok = False
    _check_subject(data, errors)
    incident = None
    if data.incident_id is not None:
        incident = incidents_visible_to(actor).filter(pk=data.incident_id).first()
        if incident is None:
            errors.setdefault("incident", []).append(_("No such incident."))
    lat, lng = data.lat, data.lng
    if (lat is None or lng is None) and incident is not None:
        lat, lng = incident.lat, incident.lng
    neighbourhood: Neighbourhood | None = None
    if lat is None or lng is None:
        errors.setdefault("lat", []).append(_("Give the location: tap the map or use your location."))
    else:
        try:
            geo.validate_point(lat, lng)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        else:
            neighbourhood = neighbourhood_at(lat=lat, lng=lng, force_ids=force_ids)
            if neighbourhood is None:
                errors.setdefault("lat", []).append(_("That location is outside your force's neighbourhoods."))
    if neighbourhood is None or not time_ok:
        raise ValidationError(errors)
    assert lat is not None and lng is not None
    policy.require(actor, policy.Action.ENFORCE, neighbourhood)
    check = check_power(person=actor, force=neighbourhood.force, code=code, at=occurred_at)
    if not check.held:
        refuse(actor=actor, kind=kind, neighbourhood=neighbourhood, check=check, meta=meta)
        raise PowerNotHeldError(check)
    assert check.power is not None and check.designation is not None and check.force_designation is not None
    enforcement = EnforcementRecord(
        uuid=client_uuid or uuid_lib.uuid4(),
        kind=kind,
        force_id=neighbourhood.force_id,
        neighbourhood=neighbourhood,
        officer=actor,
        occurred_at=occurred_at,
        lat=lat,
        lng=lng,
        location_text=data.location_text.strip(),
        incident=incident,
        subject_name=data.subject_name.strip(),
        subject_date_of_birth=data.subject_date_of_birth,
        subject_age=data.subject_age,
        subject_address=data.subject_address.strip(),
        notes=data.notes.strip(),
        power=check.power,
        designation=check.designation,
        force_designation=check.force_designation,
        power_check=check.snapshot(),
        updated_by=actor,
    )
    try:
        enforcement.full_clean(exclude=["reference", "uuid"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return Prepared(record=enforcement, check=check, errors=errors)


def refuse(
    *, actor: Person, kind: RecordKind, neighbourhood: Neighbourhood, check: PowerCheck, meta: AuditMeta = NO_META
) -> None:
    """Write the refusal to the audit trail, committed on its own (the write it refuses is not)."""
    with transaction.atomic():
        record(
            actor=actor,
            event=EventType.ENFORCEMENT_REFUSED,
            force_id=neighbourhood.force_id,
            neighbourhood_id=neighbourhood.pk,
            after={"kind": str(kind), "power": check.code, "at": check.at.astimezone(dt.UTC).isoformat()},
            reason=check.reason,
            meta=meta,
        )


def save_record(prepared: Prepared) -> EnforcementRecord:
    """Give the record its reference and save it (inside the caller's transaction). A second
    copy of the same submission arriving at once is refused by the UUID's unique index."""
    enforcement = prepared.record
    year = timezone.localtime(enforcement.occurred_at).year
    enforcement.reference = next_reference(force_code=enforcement.force.short_code, kind="ENF", year=year)
    try:
        with transaction.atomic():
            enforcement.save()
    except IntegrityError as exc:
        raise ValidationError({"uuid": _("This record was already submitted.")}) from exc
    return enforcement


def snapshot(enforcement: EnforcementRecord) -> dict[str, Any]:
    """What the audit trail holds of a record: no names, addresses or dates of birth."""
    return {
        "reference": enforcement.reference,
        "kind": enforcement.kind,
        "officer": enforcement.officer_id,
        "occurred_at": enforcement.occurred_at.astimezone(dt.UTC).isoformat(),
        "neighbourhood": enforcement.neighbourhood_id,
        "incident": enforcement.incident_id,
        "power": enforcement.power_check.get("power"),
        "designation": enforcement.power_check.get("designation"),
    }


def record_created(
    *, actor: Person, enforcement: EnforcementRecord, detail: dict[str, Any], meta: AuditMeta = NO_META
) -> None:
    """The audit event of a new record: the common snapshot and the kind's own (no personal data)."""
    record(
        actor=actor,
        event=EventType.ENFORCEMENT_RECORDED,
        obj=enforcement,
        neighbourhood_id=enforcement.neighbourhood_id,
        after=snapshot(enforcement) | detail,
        meta=meta,
    )


def locked(*, actor: Person, enforcement: EnforcementRecord, expected_version: int | None) -> EnforcementRecord:
    """The record, locked for this transaction, once the actor may change it: its own officer
    (still allowed to record enforcement in that neighbourhood), StaleRecordError if it changed
    since `expected_version`."""
    current = EnforcementRecord.objects.select_for_update().select_related("force").get(pk=enforcement.pk)
    if not policy.is_system(actor) and (
        current.officer_id != actor.pk or not policy.can(actor, policy.Action.ENFORCE, current)
    ):
        raise PermissionDenied(_("Only the officer who made this record may change it."))
    if expected_version is not None and current.version != expected_version:
        raise StaleRecordError(
            _("This record changed after you opened it. Nothing of yours was saved: reload it and try again.")
        )
    return current


def touch(*, actor: Person, enforcement: EnforcementRecord) -> None:
    """Move the record's version on after a change to it or its detail."""
    enforcement.version += 1
    enforcement.updated_by = actor
    enforcement.save(update_fields=["version", "updated_by", "updated_at"])


def open_record(*, actor: Person, pk: object, kind: RecordKind, meta: AuditMeta, audited: bool) -> EnforcementRecord:
    """One visible record of `kind` with its details (one query; 404 otherwise), its read audited
    unless it is the answer to the write that made or changed it (`audited=False`)."""
    found = record_with_details(actor=actor, pk=pk, kind=kind)
    if audited:
        viewed(actor=actor, enforcement=found, meta=meta)
    return found
