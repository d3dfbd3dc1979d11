"""Detentions pending a constable: starting one after a requirement to give a name and address,
and ending it.

The law (facts 1.4, historic Police Reform Act 2002 Sch 4 para 2): when a person fails to give a
name and address the officer required, or the officer suspects the one given is false or
inaccurate, the officer may require them to wait for a constable for no more than 30 minutes;
not after a requirement made for certain licensing offences; the person may elect to go to a
police station instead; reasonable force may be used to stop them making off.

The limit that applies is the power's `limit_minutes` parameter (the force's designation may
lower it, never raise it above 30), taken from the powers check at the start and stored with the
detention. A detention is started and ended by the officer who made the requirement; the whole
detention may also be recorded afterwards in one call. An end beyond the limit is refused: the
record must show a release in time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid as uuid_lib
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit import services as audit
from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.powers.reference import DETAIN

from ..models import Detention, EnforcementRecord, NameAddressRequirement
from ..reference import Compliance, DetentionOutcome, RecordKind, RelevantOffence
from ..selectors.common import records_visible_to
from .common import CLOCK_SKEW, RecordData, existing, locked, open_record, record_created, save_record, touch
from .name_address import merge_errors, prepare_with

# The law's ceiling: a force may designate a shorter limit, never a longer one.
MAX_LIMIT_MINUTES = 30
# A detention follows its requirement: it must start within this time of it.
REQUIREMENT_WINDOW = dt.timedelta(minutes=60)
# The live timer warns at these many minutes (earlier when the force's limit is shorter).
WARN_MINUTES = 20
URGENT_MINUTES = 25
LONDON = ZoneInfo("Europe/London")
FORCE_DETAILS_MAX = 5000


def limit_from(parameters: dict[str, Any]) -> int:
    """The limit in minutes from the power's parameters: 30 unless the force set a shorter one."""
    value = parameters.get("limit_minutes", MAX_LIMIT_MINUTES)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return MAX_LIMIT_MINUTES
    try:
        minutes = int(value)
    except ValueError:
        return MAX_LIMIT_MINUTES
    return max(1, min(minutes, MAX_LIMIT_MINUTES))


def must_end_by(detention: Detention) -> dt.datetime:
    """The moment by which the person had to be released (or a constable had to arrive)."""
    return detention.record.occurred_at + dt.timedelta(minutes=detention.limit_minutes)


def elapsed_minutes(detention: Detention, *, now: dt.datetime | None = None) -> float:
    """Minutes from the start to the end (or to now, for an open detention), to one decimal."""
    until = detention.ended_at or now or timezone.now()
    return round((until - detention.record.occurred_at).total_seconds() / 60, 1)


def warning_minutes(limit: int) -> tuple[int, int]:
    """When the timer warns, and when it warns more strongly: 20 and 25 minutes under the
    30-minute limit, 10 and 5 minutes before a shorter limit."""
    return max(0, min(WARN_MINUTES, limit - 10)), max(0, min(URGENT_MINUTES, limit - 5))


def london_time(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


def _aware(moment: dt.datetime | None) -> bool:
    return moment is not None and timezone.is_aware(moment)


def _or(moment: dt.datetime | None, default: dt.datetime) -> dt.datetime:
    return default if moment is None else moment


def end_errors(
    *,
    start: dt.datetime,
    limit_minutes: int,
    ended_at: dt.datetime | None,
    outcome: str,
    constable_arrived_at: dt.datetime | None,
    elected_station: bool,
    force_used: bool,
    force_details: str,
    now: dt.datetime,
) -> dict[str, list[Any]]:
    """What is wrong with the end of a detention that started at `start` (empty when nothing)."""
    errors: dict[str, list[Any]] = {}
    if ended_at is None:
        errors["ended_at"] = [_("Give when the detention ended.")]
    elif not timezone.is_aware(ended_at):
        errors["ended_at"] = [_("Give the time with its time zone.")]
    elif ended_at <= start:
        errors["ended_at"] = [_("The end must be after the start (%(time)s).") % {"time": london_time(start)}]
    elif ended_at > now + CLOCK_SKEW:
        errors["ended_at"] = [_("The end is in the future: give when it ended.")]
    elif ended_at - start > dt.timedelta(minutes=limit_minutes):
        deadline = start + dt.timedelta(minutes=limit_minutes)
        errors["ended_at"] = [
            _("Over the limit of %(n)d minutes: the person had to be released by %(time)s (Europe/London).")
            % {"n": limit_minutes, "time": london_time(deadline)}
        ]
    if outcome not in DetentionOutcome.values:
        errors["outcome"] = [_("Choose how the detention ended.")]
    elif elected_station and outcome != DetentionOutcome.ELECTED_STATION:
        errors["outcome"] = [_("The person chose to go to a police station: choose that as how it ended.")]
    if constable_arrived_at is None:
        if outcome == DetentionOutcome.CONSTABLE_ARRIVED:
            errors["constable_arrived_at"] = [_("Give when the constable arrived.")]
    elif not timezone.is_aware(constable_arrived_at):
        errors["constable_arrived_at"] = [_("Give the time with its time zone.")]
    elif constable_arrived_at < start or (_aware(ended_at) and constable_arrived_at > _or(ended_at, start)):
        errors["constable_arrived_at"] = [_("The constable's arrival must be between the start and the end.")]
    if force_used and not force_details.strip():
        errors["force_details"] = [_("Say what force was used and why.")]
    elif len(force_details) > FORCE_DETAILS_MAX:
        errors["force_details"] = [_("Keep it under %(n)d characters.") % {"n": FORCE_DETAILS_MAX}]
    return errors


def _requirement_of(*, actor: Person, requirement_id: object) -> NameAddressRequirement:
    """The actor's own requirement, or a field error ("no such" for one not visible)."""
    found = (
        records_visible_to(actor)
        .filter(pk=requirement_id, kind=RecordKind.NAME_ADDRESS)
        .select_related("name_address")
        .first()
        if isinstance(requirement_id, int)
        else None
    )
    if found is None:
        raise ValidationError({"requirement": [_("No such requirement to give a name and address.")]})
    if found.officer_id != actor.pk:
        raise ValidationError(
            {"requirement": [_("Only the officer who required the name and address may detain the person.")]}
        )
    requirement = found.name_address
    requirement.record = found
    return requirement


def _requirement_errors(
    *, requirement: NameAddressRequirement, start: dt.datetime, constable_requested_at: dt.datetime | None
) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    required_at = requirement.record.occurred_at
    if requirement.compliance not in (Compliance.REFUSED, Compliance.SUSPECTED_FALSE):
        errors["requirement"] = [_("Detention follows a requirement that was refused or given falsely.")]
    elif requirement.reason == RelevantOffence.LICENSING:
        errors["requirement"] = [
            _(
                "Detention is not available after a requirement made for a relevant licensing offence "
                "(Police Reform Act 2002: the power to require a person to wait excludes certain licensing "
                "offences)."
            )
        ]
    elif requirement.detentions.exists():
        errors["requirement"] = [_("This requirement already has a detention.")]
    if _aware(start):
        if start < required_at:
            errors["occurred_at"] = [
                _("The detention cannot start before the requirement (%(time)s).") % {"time": london_time(required_at)}
            ]
        elif start - required_at > REQUIREMENT_WINDOW:
            errors["occurred_at"] = [
                _("A detention must start within 60 minutes of the requirement (made at %(time)s).")
                % {"time": london_time(required_at)}
            ]
    if constable_requested_at is not None:
        if not timezone.is_aware(constable_requested_at):
            errors["constable_requested_at"] = [_("Give the time with its time zone.")]
        elif constable_requested_at < required_at:
            errors["constable_requested_at"] = [_("A constable cannot have been requested before the requirement.")]
        elif constable_requested_at > timezone.now() + CLOCK_SKEW:
            errors["constable_requested_at"] = [_("The time is in the future.")]
    return errors


def detention_start(
    *,
    actor: Person,
    requirement_id: int,
    data: RecordData,
    constable_requested_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    outcome: DetentionOutcome | str = "",
    constable_arrived_at: dt.datetime | None = None,
    elected_station: bool = False,
    force_used: bool = False,
    force_details: str = "",
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Start a detention pending a constable after the actor's own requirement to give a name and
    address, checked against the power held at `data.occurred_at` (the start).

    1. A retried submission (same client UUID) returns the record stored the first time.
    2. The requirement: the actor's own, refused or suspected false, not for a licensing offence,
       with no detention yet; the start at or after it and within 60 minutes of it. The person,
       the place (when no point is given) and the incident are the requirement's.
    3. The common fields and the power (`prepare_record`: a power not held is refused, audited,
       and nothing is stored). The limit is the power's, at most 30 minutes.
    4. When the end is given too (a detention recorded afterwards), it is checked as
       `detention_end` checks it.
    5. In one transaction (the requirement locked, so two starts cannot both pass): the record,
       the detention and the audit event (no personal data).
    """
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.DETENTION)
    if found is not None:
        return found
    requirement = _requirement_of(actor=actor, requirement_id=requirement_id)
    now = timezone.now()
    source = requirement.record
    use_own_point = data.lat is None or data.lng is None
    data = dataclasses.replace(
        data,
        lat=source.lat if use_own_point else data.lat,
        lng=source.lng if use_own_point else data.lng,
        location_text=data.location_text or source.location_text,
        incident_id=data.incident_id if data.incident_id is not None else source.incident_id,
        subject_name=source.subject_name,
        subject_date_of_birth=source.subject_date_of_birth,
        subject_age=source.subject_age,
        subject_address=source.subject_address,
    )
    own = _requirement_errors(
        requirement=requirement, start=data.occurred_at, constable_requested_at=constable_requested_at
    )
    recorded_after = ended_at is not None or bool(outcome)
    if _aware(ended_at) and _aware(constable_requested_at) and _or(constable_requested_at, now) > _or(ended_at, now):
        own.setdefault("constable_requested_at", []).append(_("A constable was requested after the detention ended."))
    prepared = prepare_with(
        own=own, actor=actor, kind=RecordKind.DETENTION, code=DETAIN, data=data, client_uuid=client_uuid, meta=meta
    )
    limit = limit_from(prepared.check.parameters)
    errors = merge_errors(prepared.errors, own)
    if recorded_after:
        errors = merge_errors(
            errors,
            end_errors(
                start=data.occurred_at,
                limit_minutes=limit,
                ended_at=ended_at,
                outcome=str(outcome),
                constable_arrived_at=constable_arrived_at,
                elected_station=elected_station,
                force_used=force_used,
                force_details=force_details,
                now=now,
            ),
        )
    elif constable_arrived_at is not None or force_used or elected_station:
        errors.setdefault("ended_at", []).append(_("Give when and how the detention ended."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        held = NameAddressRequirement.objects.select_for_update().get(pk=requirement.pk)
        if held.detentions.exists():
            raise ValidationError({"requirement": [_("This requirement already has a detention.")]})
        enforcement = save_record(prepared)
        detention = Detention(
            record=enforcement,
            requirement=held,
            limit_minutes=limit,
            constable_requested_at=constable_requested_at,
            ended_at=ended_at if recorded_after else None,
            outcome=str(outcome) if recorded_after else "",
            constable_arrived_at=constable_arrived_at if recorded_after else None,
            elected_station=recorded_after and str(outcome) == DetentionOutcome.ELECTED_STATION,
            force_used=recorded_after and force_used,
            force_details=force_details.strip() if recorded_after and force_used else "",
        )
        detention.full_clean()
        detention.save()
        record_created(
            actor=actor,
            enforcement=enforcement,
            detail={
                "requirement": source.reference,
                "limit_minutes": limit,
                "constable_requested": constable_requested_at is not None,
                **_end_snapshot(detention),
            },
            meta=meta,
        )
    enforcement.detention = detention
    return enforcement


def _end_snapshot(detention: Detention) -> dict[str, Any]:
    """How a detention ended, for the audit trail: no personal data, no free text."""
    return {
        "ended_at": detention.ended_at.astimezone(dt.UTC).isoformat() if detention.ended_at else None,
        "outcome": detention.outcome,
        "minutes": elapsed_minutes(detention) if detention.ended_at else None,
        "constable_arrived": detention.constable_arrived_at is not None,
        "elected_station": detention.elected_station,
        "force_used": detention.force_used,
    }


def detention_end(
    *,
    actor: Person,
    record: EnforcementRecord,
    ended_at: dt.datetime | None,
    outcome: DetentionOutcome | str,
    constable_arrived_at: dt.datetime | None = None,
    force_used: bool = False,
    force_details: str = "",
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """End the actor's own open detention: when, how (a constable arrived, released, went to a
    police station by the person's choice, made off), and any force used. An end beyond the
    limit is refused with the time the person had to be released by; nothing is changed."""
    enforcement = record
    with transaction.atomic():
        current = locked(actor=actor, enforcement=enforcement, expected_version=expected_version)
        if current.kind != RecordKind.DETENTION:
            raise ValidationError({NON_FIELD_ERRORS: [_("This record is not a detention.")]})
        policy.require(actor, policy.Action.ENFORCE, current)
        detention = Detention.objects.select_for_update().get(record=current)
        detention.record = current
        if not detention.is_open:
            raise ValidationError({"ended_at": [_("This detention has already ended.")]})
        errors = end_errors(
            start=current.occurred_at,
            limit_minutes=detention.limit_minutes,
            ended_at=ended_at,
            outcome=str(outcome),
            constable_arrived_at=constable_arrived_at,
            elected_station=False,
            force_used=force_used,
            force_details=force_details,
            now=timezone.now(),
        )
        if errors:
            raise ValidationError(errors)
        before = {"version": current.version, **_end_snapshot(detention)}
        detention.ended_at = ended_at
        detention.outcome = str(outcome)
        detention.constable_arrived_at = constable_arrived_at
        detention.elected_station = str(outcome) == DetentionOutcome.ELECTED_STATION
        detention.force_used = force_used
        detention.force_details = force_details.strip() if force_used else ""
        detention.full_clean()
        detention.save()
        touch(actor=actor, enforcement=current)
        audit.record(
            actor=actor,
            event=EventType.DETENTION_ENDED,
            obj=current,
            neighbourhood_id=current.neighbourhood_id,
            before=before,
            after={"reference": current.reference, "version": current.version, **_end_snapshot(detention)},
            meta=meta,
        )
    current.detention = detention
    return current


def detention_open_for(
    *, actor: Person, pk: object, meta: AuditMeta = NO_META, audited: bool = True
) -> EnforcementRecord:
    """One detention the actor can see, with its detail row and its requirement (404 for one
    not visible or of another kind). The read is audited (it holds a name and an address) unless
    it is the answer to the write that made or changed it (`audited=False`)."""
    return open_record(actor=actor, pk=pk, kind=RecordKind.DETENTION, meta=meta, audited=audited)
