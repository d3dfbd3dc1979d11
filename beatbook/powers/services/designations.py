"""Writes of officer designations: designate a person (the designation card), withdraw a
designation, and change one (withdraw it and designate again, linked by `supersedes`).

History is kept: a designation's dates and powers are never edited, and a withdrawal is never in
the past, so the powers a person held at any past moment can always be found again and the
verdicts stored with past enforcement records stay true.

Every function: keyword-only, `actor` first, one transaction, the access check (the force
administrator of the person's force: `Action.DESIGNATE_POWERS`), validation with field errors,
and the audit event. Audit snapshots hold ids, codes and dates, never names or free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.references import next_reference
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Person

from ..check import force_designation_on
from ..models import Designation, DesignationPower, Power
from ..reference import Extent
from ..selectors import designations as selectors

# One power to confer: the power, its extent, and the circumstances when the extent is limited.
Grant = tuple[Power, str, str]

# A withdrawal "now" sent from a device whose clock is a little behind is still now.
CLOCK_SKEW = dt.timedelta(minutes=2)
SIGNED_BY_MAX = 160


def designation_snapshot(designation: Designation) -> dict[str, Any]:
    """What the audit trail keeps of a designation: ids, codes and dates, no names."""
    return {
        "reference": designation.reference,
        "force": designation.force_id,
        "person": designation.person_id,
        "valid_from": designation.valid_from.isoformat(),
        "valid_to": designation.valid_to.isoformat() if designation.valid_to else None,
        "signed_on": designation.signed_on.isoformat(),
        "powers": [
            {"code": dp.power.code, "extent": dp.extent}
            for dp in designation.designation_powers.select_related("power").order_by("power__code")
        ],
        "supersedes": designation.supersedes.reference if designation.supersedes is not None else None,
        "withdrawn_at": designation.withdrawn_at.isoformat() if designation.withdrawn_at else None,
    }


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _check_person(actor: Person, person: Person) -> None:
    """The person must be someone the actor sees (else "not found", as for no one), of a force,
    and the actor that force's administrator."""
    if not policy.people_in_scope(actor).filter(pk=person.pk, is_system=False).exists():
        raise ValidationError({"person": [_("Choose a person you can see.")]})
    if person.force_id is None:
        raise ValidationError({"person": [_("This person belongs to no force.")]})
    policy.require(actor, policy.Action.DESIGNATE_POWERS, person)


def _check_powers(person: Person, grants: Sequence[Grant], valid_from: dt.date) -> list[str]:
    """What is wrong with the powers to confer, as messages (empty when nothing is)."""
    problems: list[str] = []
    if not grants:
        return [_("Choose at least one power.")]
    codes = [power.code for power, _extent, _conditions in grants]
    if len(codes) != len(set(codes)):
        problems.append(_("Choose each power once."))
    courses = [p.training_course_id for p, _e, _c in grants if p.training_course_id is not None]
    passed = selectors.passed_training_on(person, courses, valid_from)
    for power, extent, conditions in grants:
        if power.force_id != person.force_id:
            problems.append(_("“%(power)s” is not in this force's catalogue.") % {"power": power.title})
            continue
        if extent not in Extent.values:
            problems.append(_("“%(power)s”: choose the extent.") % {"power": power.title})
            continue
        if extent == Extent.LIMITED and not conditions.strip():
            problems.append(
                _("“%(power)s” is limited: describe the circumstances it may be used in.") % {"power": power.title}
            )
        in_force = force_designation_on(power=power, day=valid_from)
        if in_force is None:
            problems.append(
                _("The force does not designate “%(power)s” to its PCSOs on %(day)s.")
                % {"power": power.title, "day": _day(valid_from)}
            )
        elif in_force.extent == Extent.LIMITED and extent == Extent.FULL:
            problems.append(
                _(
                    "The force designates “%(power)s” only in the circumstances it describes: "
                    "it cannot be designated in full."
                )
                % {"power": power.title}
            )
        course = power.training_course
        if course is not None and course.pk not in passed:
            problems.append(
                _("%(power)s needs a pass in %(course)s: none on record for %(day)s")
                % {"power": power.title, "course": course.title, "day": _day(valid_from)}
            )
    return problems


def _check_dates(
    valid_from: dt.date, valid_to: dt.date | None, signed_on: dt.date, signed_by_name: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The last day must be on or after the first day.")]
    if signed_on > today():
        errors["signed_on"] = [_("The date signed cannot be in the future.")]
    elif signed_on > valid_from:
        errors["signed_on"] = [_("The designation must be signed on or before its first day.")]
    if not signed_by_name.strip():
        errors["signed_by_name"] = [_("Enter who signed the designation.")]
    elif len(signed_by_name.strip()) > SIGNED_BY_MAX:
        errors["signed_by_name"] = [_("Enter at most %(n)s characters.") % {"n": SIGNED_BY_MAX}]
    return errors


def _create(
    *,
    actor: Person,
    person: Person,
    powers: Sequence[Grant],
    valid_from: dt.date,
    valid_to: dt.date | None,
    signed_by_name: str,
    signed_on: dt.date,
    supersedes: Designation | None,
    meta: AuditMeta,
) -> Designation:
    _check_person(actor, person)
    if not selectors.has_pcso_posting(person):
        raise ValidationError(
            {"person": [_("Only a PCSO can be designated: this person has never had a PCSO posting.")]}
        )
    errors = _check_dates(valid_from, valid_to, signed_on, signed_by_name)
    problems = _check_powers(person, powers, valid_from)
    if problems:
        errors["powers"] = problems
    if errors:
        raise ValidationError(errors)
    force = person.force
    assert force is not None
    designation = Designation(
        force=force,
        reference=next_reference(force_code=force.short_code, kind="DES", year=today().year),
        person=person,
        valid_from=valid_from,
        valid_to=valid_to,
        signed_by_name=signed_by_name.strip(),
        signed_on=signed_on,
        supersedes=supersedes,
        created_by=actor,
    )
    designation.full_clean()
    designation.save()
    DesignationPower.objects.bulk_create(
        DesignationPower(
            designation=designation,
            power=power,
            extent=extent,
            conditions=conditions.strip() if extent == Extent.LIMITED else "",
        )
        for power, extent, conditions in powers
    )
    record(
        actor=actor,
        event=EventType.DESIGNATION_CREATED,
        obj=designation,
        after=designation_snapshot(designation),
        meta=meta,
    )
    return designation


@transaction.atomic
def designation_create(
    *,
    actor: Person,
    person: Person,
    powers: Sequence[Grant],
    valid_from: dt.date,
    valid_to: dt.date | None,
    signed_by_name: str,
    signed_on: dt.date,
    meta: AuditMeta = NO_META,
) -> Designation:
    """Designate a PCSO: the chief officer's designation of these powers to `person` from
    `valid_from` to `valid_to` (inclusive; open-ended when None), signed by `signed_by_name` on
    `signed_on`.

    1. The actor sees the person and administers their force; the person has held a PCSO posting.
    2. Each power is of that force's catalogue and designated by the force to its PCSOs on
       `valid_from` (a power the force designates only in limited circumstances cannot be
       designated in full); a limited power says in what circumstances.
    3. A power that requires training needs a pass of its course valid on `valid_from`.
    4. The designation is numbered (`<FORCE>-DES-<year>-nnnnnn`), stored and audited.
    """
    return _create(
        actor=actor,
        person=person,
        powers=powers,
        valid_from=valid_from,
        valid_to=valid_to,
        signed_by_name=signed_by_name,
        signed_on=signed_on,
        supersedes=None,
        meta=meta,
    )


def _withdraw(
    *, actor: Person, designation: Designation, reason: str, at: dt.datetime | None, meta: AuditMeta
) -> Designation:
    current = Designation.objects.select_for_update().select_related("force").get(pk=designation.pk)
    policy.require(actor, policy.Action.DESIGNATE_POWERS, current)
    now = timezone.now()
    moment = at or now
    errors: dict[str, list[str]] = {}
    if current.withdrawn_at is not None:
        raise ValidationError(_("This designation has already been withdrawn."))
    if current.valid_to is not None and current.valid_to < timezone.localtime(now).date():
        raise ValidationError(_("This designation has expired: there is nothing to withdraw."))
    if moment < now - CLOCK_SKEW:
        errors["at"] = [_("A designation cannot be withdrawn in the past: history is kept as it was.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the designation is withdrawn.")]
    if errors:
        raise ValidationError(errors)
    before = designation_snapshot(current)
    current.withdrawn_at = max(moment, now)
    current.withdrawn_by = actor
    current.withdrawal_reason = reason.strip()
    current.full_clean()
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record(
        actor=actor,
        event=EventType.DESIGNATION_WITHDRAWN,
        obj=current,
        before=before,
        after=designation_snapshot(current),
        meta=meta,
    )
    return current


@transaction.atomic
def designation_withdraw(
    *,
    actor: Person,
    designation: Designation,
    reason: str,
    at: dt.datetime | None = None,
    meta: AuditMeta = NO_META,
) -> Designation:
    """Withdraw a designation from `at` (now by default; later is allowed, the past is not, but
    for two minutes of clock skew, which count as now). The powers stay held before that moment:
    the checks of earlier acts do not change."""
    return _withdraw(actor=actor, designation=designation, reason=reason, at=at, meta=meta)


@transaction.atomic
def designation_change(
    *,
    actor: Person,
    designation: Designation,
    powers: Sequence[Grant],
    valid_to: dt.date | None,
    signed_by_name: str,
    signed_on: dt.date,
    reason: str,
    meta: AuditMeta = NO_META,
) -> Designation:
    """Change someone's powers: withdraw the designation now and designate again from today (or
    from the old one's first day, if it has not started yet), the new one superseding the old.
    Both are audited; either both happen or neither."""
    old = _withdraw(actor=actor, designation=designation, reason=reason, at=None, meta=meta)
    person = Person.objects.select_related("force").get(pk=old.person_id)
    return _create(
        actor=actor,
        person=person,
        powers=powers,
        valid_from=max(today(), old.valid_from),
        valid_to=valid_to,
        signed_by_name=signed_by_name,
        signed_on=signed_on,
        supersedes=old,
        meta=meta,
    )
