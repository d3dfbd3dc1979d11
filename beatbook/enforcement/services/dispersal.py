"""Dispersal: the inspector's authorisation of an area and period (ASBCPA 2014 s.34), recorded by a
supervisor, and the directions given under it (s.35; PCSOs by designation, s.40).

An authorisation lasts at most 48 hours and may be ended early (never backdated). A direction is
given only inside an authorisation in force at the moment of the act (and inside its boundary, if
it has one), excludes the person for at most 48 hours (or less, if the force's designation says
so), and tells them that failing to comply is an offence (s.39). Directions go through the
shared enforcement write path (`services.common`): access, the powers check at that moment, and
the audited refusal when the power was not held.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.core.references import next_reference
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.powers import reference as powers

from ..models import DispersalAuthorisation, DispersalDirection, EnforcementRecord
from ..reference import DISPERSAL_MAX_HOURS, AuthorisingRank, RecordKind, RemovedTo
from ..selectors.common import authorisations_visible_to
from .common import RecordData, existing, prepare_record, record_created, save_record

Errors = dict[str, list[Any]]


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def authorisation_snapshot(authorisation: DispersalAuthorisation) -> dict[str, Any]:
    """What the audit trail holds of an authorisation: no names (not even the inspector's)."""
    return {
        "reference": authorisation.reference,
        "neighbourhood": authorisation.neighbourhood_id,
        "starts_at": authorisation.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": authorisation.ends_at.astimezone(dt.UTC).isoformat(),
        "ended_at": authorisation.ended_at.astimezone(dt.UTC).isoformat() if authorisation.ended_at else None,
        "rank": authorisation.authorised_by_rank,
        "has_boundary": authorisation.boundary is not None,
    }


@transaction.atomic
def authorisation_create(
    *,
    actor: Person,
    neighbourhood: Neighbourhood,
    locality: str,
    boundary: dict[str, Any] | None = None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    authorised_by_name: str,
    authorised_by_rank: str,
    grounds: str,
    meta: AuditMeta = NO_META,
) -> DispersalAuthorisation:
    """Record an inspector's written authorisation of the dispersal power (s.34) in a locality of
    `neighbourhood` from `starts_at` to `ends_at` (at most 48 hours). A supervisor of the
    neighbourhood records it; the authorising officer must be an inspector or above."""
    policy.require(actor, policy.Action.AUTHORISE_DISPERSAL, neighbourhood)
    errors: Errors = {}
    locality, grounds, name = locality.strip(), grounds.strip(), authorised_by_name.strip()
    if not locality:
        _add(errors, "locality", _("Describe the locality the authorisation covers."))
    if not grounds:
        _add(errors, "grounds", _("Give the grounds the inspector recorded."))
    if not name:
        _add(errors, "authorised_by_name", _("Give the name of the officer who authorised it."))
    if authorised_by_rank not in AuthorisingRank.values:
        _add(errors, "authorised_by_rank", _("Only an officer of at least the rank of inspector may authorise (s.34)."))
    geometry: dict[str, Any] | None = None
    if boundary:
        try:
            geometry = geo.parse_boundary(boundary).geometry
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    times_ok = True
    for field_name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not timezone.is_aware(moment):
            _add(errors, field_name, _("Give the time with its time zone."))
            times_ok = False
    if times_ok:
        if ends_at <= starts_at:
            _add(errors, "ends_at", _("The end must be after the start."))
        elif ends_at - starts_at > dt.timedelta(hours=DISPERSAL_MAX_HOURS):
            _add(
                errors,
                "ends_at",
                _("An authorisation lasts no more than %(hours)d hours (s.34): end it by %(latest)s.")
                % {"hours": DISPERSAL_MAX_HOURS, "latest": _when(starts_at + dt.timedelta(hours=DISPERSAL_MAX_HOURS))},
            )
    if errors:
        raise ValidationError(errors)
    authorisation = DispersalAuthorisation(
        force_id=neighbourhood.force_id,
        neighbourhood=neighbourhood,
        locality=locality,
        boundary=geometry,
        starts_at=starts_at,
        ends_at=ends_at,
        authorised_by_name=name,
        authorised_by_rank=authorised_by_rank,
        grounds=grounds,
        created_by=actor,
    )
    authorisation.full_clean(exclude=["reference"])
    authorisation.reference = next_reference(
        force_code=neighbourhood.force.short_code, kind="DSP", year=timezone.localtime(starts_at).year
    )
    authorisation.save()
    record(
        actor=actor,
        event=EventType.DISPERSAL_AUTHORISED,
        obj=authorisation,
        neighbourhood_id=authorisation.neighbourhood_id,
        after=authorisation_snapshot(authorisation),
        meta=meta,
    )
    return authorisation


@transaction.atomic
def authorisation_end(
    *, actor: Person, authorisation: DispersalAuthorisation, reason: str, meta: AuditMeta = NO_META
) -> DispersalAuthorisation:
    """End an authorisation now (before its end): no direction can be given under it after this
    moment. It cannot be ended in the past, nor once it is over."""
    policy.require(actor, policy.Action.AUTHORISE_DISPERSAL, authorisation)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the authorisation ends early.")})
    current = DispersalAuthorisation.objects.select_for_update().get(pk=authorisation.pk)
    now = timezone.now()
    if now >= current.last_moment:
        raise ValidationError(
            _("This authorisation is already over: it ended at %(when)s.") % {"when": _when(current.last_moment)}
        )
    before = authorisation_snapshot(current)
    current.ended_at = now
    current.save(update_fields=["ended_at"])
    record(
        actor=actor,
        event=EventType.DISPERSAL_AUTHORISATION_ENDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=authorisation_snapshot(current),
        reason=reason,
        meta=meta,
    )
    return current


def dispersal_direct(
    *,
    actor: Person,
    data: RecordData,
    authorisation_id: int | None,
    exclusion_area: str,
    excluded_until: dt.datetime,
    behaviour: str,
    leave_by: str = "",
    in_writing: bool = True,
    not_in_writing_reason: str = "",
    told_offence: bool,
    under_16: bool = False,
    removed_to: str = "",
    removed_to_address: str = "",
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Record a direction to leave a locality (s.35), given under an authorisation in force at
    that moment. Not one transaction as a whole: a refusal for a power not held is audited in its
    own (`prepare_record`); the record, its direction and its audit event are saved together.

    1. A retried submission (same `client_uuid`) returns the record already stored.
    2. `prepare_record`: access, common fields, the powers check at `data.occurred_at`.
    3. The direction's own rules (authorisation in force and containing the point, exclusion of
       at most the designation's maximum hours, told of the offence, in writing or why not,
       under-16 removal), all reported at once with the common fields' errors.
    4. Save the record, the direction and the audit event in one transaction.
    """
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.DISPERSAL)
    if found is not None:
        return found
    prepared = prepare_record(
        actor=actor, kind=RecordKind.DISPERSAL, code=powers.DISPERSAL, data=data, client_uuid=client_uuid, meta=meta
    )
    errors = prepared.errors
    enforcement = prepared.record
    at = enforcement.occurred_at
    authorisation = (
        authorisations_visible_to(actor).filter(pk=authorisation_id, force_id=enforcement.force_id).first()
        if authorisation_id is not None
        else None
    )
    if authorisation is None or not authorisation.active_at(at):
        _add(
            errors,
            "authorisation",
            _(
                "No dispersal authorisation in force at %(when)s: directions can only be given inside an "
                "authorised area and period."
            )
            % {"when": _when(at)},
        )
        authorisation = None
    elif authorisation.boundary and not geo.contains(authorisation.boundary, enforcement.lat, enforcement.lng):
        _add(
            errors,
            "lat",
            _("That place is outside the locality of authorisation %(ref)s: no direction can be given there.")
            % {"ref": authorisation.reference},
        )
    _check_direction(
        errors,
        at=at,
        max_hours=_max_hours(prepared.check.parameters),
        exclusion_area=exclusion_area,
        excluded_until=excluded_until,
        behaviour=behaviour,
        in_writing=in_writing,
        not_in_writing_reason=not_in_writing_reason,
        told_offence=told_offence,
        under_16=under_16,
        removed_to=removed_to,
        removed_to_address=removed_to_address,
    )
    if errors:
        raise ValidationError(errors)
    assert authorisation is not None
    with transaction.atomic():
        enforcement = save_record(prepared)
        direction = DispersalDirection(
            record=enforcement,
            authorisation=authorisation,
            exclusion_area=exclusion_area.strip(),
            excluded_until=excluded_until,
            leave_by=leave_by.strip(),
            behaviour=behaviour.strip(),
            in_writing=in_writing,
            not_in_writing_reason="" if in_writing else not_in_writing_reason.strip(),
            told_offence=told_offence,
            under_16=under_16,
            removed_to=removed_to,
            removed_to_address=removed_to_address.strip(),
        )
        direction.full_clean(exclude=["record", "authorisation"])
        direction.save()
        record_created(
            actor=actor,
            enforcement=enforcement,
            detail={
                "authorisation": authorisation.reference,
                "excluded_until": excluded_until.astimezone(dt.UTC).isoformat(),
                "in_writing": in_writing,
                "under_16": under_16,
                "removed_to": removed_to,
            },
            meta=meta,
        )
    return enforcement


def _max_hours(parameters: dict[str, Any]) -> int:
    """The designation's maximum exclusion (the force may set less), never above the Act's 48."""
    try:
        hours = int(parameters.get("max_hours", DISPERSAL_MAX_HOURS))
    except (TypeError, ValueError):
        hours = DISPERSAL_MAX_HOURS
    return max(1, min(hours, DISPERSAL_MAX_HOURS))


def _check_direction(
    errors: Errors,
    *,
    at: dt.datetime,
    max_hours: int,
    exclusion_area: str,
    excluded_until: dt.datetime,
    behaviour: str,
    in_writing: bool,
    not_in_writing_reason: str,
    told_offence: bool,
    under_16: bool,
    removed_to: str,
    removed_to_address: str,
) -> None:
    if not exclusion_area.strip():
        _add(errors, "exclusion_area", _("Say which area the person must leave and not return to (s.35)."))
    if not behaviour.strip():
        _add(errors, "behaviour", _("Describe the behaviour that led to the direction."))
    if not timezone.is_aware(excluded_until):
        _add(errors, "excluded_until", _("Give the time with its time zone."))
    elif excluded_until <= at:
        _add(errors, "excluded_until", _("The exclusion must end after the direction was given."))
    elif excluded_until - at > dt.timedelta(hours=max_hours):
        _add(
            errors,
            "excluded_until",
            _("A direction excludes for at most %(hours)d hours: not after %(latest)s.")
            % {"hours": max_hours, "latest": _when(at + dt.timedelta(hours=max_hours))},
        )
    if not told_offence:
        _add(
            errors,
            "told_offence",
            _("The person must be told that failing to comply without reasonable excuse is an offence (s.35, s.39)."),
        )
    if not in_writing and not not_in_writing_reason.strip():
        _add(
            errors,
            "not_in_writing_reason",
            _("A direction is given in writing unless that is not reasonably practicable: say why."),
        )
    if removed_to:
        if removed_to not in RemovedTo.values:
            _add(errors, "removed_to", _("Choose where the person was taken."))
        elif not under_16:
            _add(
                errors,
                "removed_to",
                _("Only a person believed to be under 16 may be taken home or to a place of safety."),
            )
        if not removed_to_address.strip():
            _add(errors, "removed_to_address", _("Give the address the person was taken to."))
    elif removed_to_address.strip():
        _add(errors, "removed_to", _("Choose where the person was taken, or leave the address empty."))
