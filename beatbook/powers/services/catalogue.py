"""Writes to a force's powers catalogue: its powers, the tariffs its issuing authorities charge
for penalty offences, and the force's designations of powers to its PCSOs.

Every function: keyword-only, `actor` first, one transaction, the check that the actor is a force
administrator of the row's force (`MANAGE_POWERS`), validation with field errors, and the audit
event with before/after snapshots (no personal data in them). Loading the baseline catalogue is
`loader.catalogue_load`.

History is never rewritten: a tariff or a force designation is ended (from today on, never in
the past) and a new one starts, so the verdict the powers check gave for any past moment, and the
amount a past notice carried, stay what they were. A new tariff or designation may start in the
past (a force entering the decisions already in force when it starts using Beatbook) only where
it overlaps nothing already recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Force, PartnerOrganisation, Person

from ..models import ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from ..reference import Extent, PowerKind, Verification
from ..selectors import catalogue as selectors
from ..selectors.tariffs import ranges_between

Errors = dict[str, list[Any]]


class StalePowerError(StaleRecordError):
    """The power was changed by someone else since the caller read it."""


@dataclass(frozen=True)
class PowerData:
    """What a force administrator sets on a power (its code and kind are fixed once made)."""

    title: str
    summary: str
    legal_basis: str
    verification: str
    source: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    training_course_id: int | None = None


# ---- snapshots (no personal data) ---------------------------------------------------------------


def power_snapshot(power: Power) -> dict[str, Any]:
    return {
        "code": power.code,
        "title": power.title,
        "kind": power.kind,
        "legal_basis": power.legal_basis,
        "verification": power.verification,
        "parameters": dict(power.parameters),
        "training_course": power.training_course_id,
        "version": power.version,
    }


def tariff_snapshot(tariff: PenaltyTariff) -> dict[str, Any]:
    return {
        "offence": tariff.offence.code,
        "issuing_authority": tariff.issuing_authority_id,
        "amount": str(tariff.amount),
        "discounted_amount": str(tariff.discounted_amount) if tariff.discounted_amount is not None else None,
        "discount_days": tariff.discount_days,
        "payment_days": tariff.payment_days,
        "valid_from": tariff.valid_from.isoformat(),
        "valid_to": tariff.valid_to.isoformat() if tariff.valid_to else None,
    }


def designation_snapshot(designation: ForceDesignation) -> dict[str, Any]:
    return {
        "power": designation.power.code,
        "valid_from": designation.valid_from.isoformat(),
        "valid_to": designation.valid_to.isoformat() if designation.valid_to else None,
        "extent": designation.extent,
        "conditions": designation.conditions,
        "parameters": dict(designation.parameters),
        "decision_reference": designation.decision_reference,
    }


# ---- checks -------------------------------------------------------------------------------------


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: str, name: str, errors: Errors, message: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        _add(errors, name, message)
    elif limit is not None and len(value) > limit:
        _add(errors, name, _("Keep it to %(n)d characters.") % {"n": limit})
    return value


def check_parameters(
    parameters: Any, *, kind: str, code: str, errors: Errors, name: str = "parameters", required: bool = True
) -> dict[str, int]:
    """The rule parameters, checked against what the power takes: each a whole number within its
    statutory bounds (a force may set less, never more), no unknown key; with `required`, every
    parameter the power takes must be given (a power's own); without, any may be left out (a
    designation's overrides)."""
    if not isinstance(parameters, dict):
        _add(errors, name, _("Give the rule parameters as names and whole numbers."))
        return {}
    allowed = selectors.parameters_allowed(kind=kind, code=code)
    clean: dict[str, int] = {}
    for key, value in parameters.items():
        if key not in allowed:
            _add(errors, name, _("This power takes no parameter “%(key)s”.") % {"key": key})
            continue
        low, high = allowed[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            _add(
                errors,
                name,
                _("“%(key)s” must be a whole number from %(low)d to %(high)d (the law allows no more).")
                % {"key": key, "low": low, "high": high},
            )
            continue
        clean[key] = value
    if required:
        for key in allowed:
            if key not in parameters:
                _add(errors, name, _("Give “%(key)s” for this power.") % {"key": key})
    return clean


def _course(force_id: int, course_id: int | None, errors: Errors) -> int | None:
    if course_id is None:
        return None
    if not selectors.courses_of(force_id).filter(pk=course_id).exists():
        _add(errors, "training_course", _("Choose a course of the power's force."))
        return None
    return course_id


def _check_power_data(data: PowerData, *, force_id: int, kind: str, code: str, errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": _text(data.title, "title", errors, _("Give the power its title."), 160),
        "summary": _text(data.summary, "summary", errors, _("Say in plain English what the power allows.")),
        "legal_basis": _text(data.legal_basis, "legal_basis", errors, _("Give the power's legal basis."), 300),
        "source": (data.source or "").strip(),
        "parameters": check_parameters(data.parameters, kind=kind, code=code, errors=errors),
        "training_course_id": _course(force_id, data.training_course_id, errors),
    }
    if data.verification not in Verification.values:
        _add(errors, "verification", _("Say how sure the legal basis is: verified, secondary source or not verified."))
    values["verification"] = data.verification
    return values


# ---- powers -------------------------------------------------------------------------------------


@transaction.atomic
def power_create(
    *, actor: Person, force: Force, code: str, kind: str, data: PowerData, meta: AuditMeta = NO_META
) -> Power:
    """Add a power of the force's own to its catalogue. Its code (a slug, unique in the force)
    is what forces are compared by, and cannot change later."""
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    errors: Errors = {}
    slug = slugify(code or "")
    if not slug:
        _add(errors, "code", _("Give the power a code: lower-case letters, numbers and hyphens."))
    elif slug != code:
        _add(errors, "code", _("Use lower-case letters, numbers and hyphens only, e.g. “%(slug)s”.") % {"slug": slug})
    elif len(slug) > 60:
        _add(errors, "code", _("Keep it to %(n)d characters.") % {"n": 60})
    elif Power.objects.filter(force=force, code=slug).exists():
        _add(errors, "code", _("The force's catalogue already has a power with this code."))
    if kind not in PowerKind.values:
        _add(errors, "kind", _("Choose the kind of power."))
    values = _check_power_data(data, force_id=force.pk, kind=kind, code=slug, errors=errors)
    _raise(errors)
    power = Power(force=force, code=slug, kind=kind, **values)
    try:
        with transaction.atomic():
            power.save()
    except IntegrityError:  # made at the same moment by someone else
        raise ValidationError({"code": [_("The force's catalogue already has a power with this code.")]}) from None
    record(actor=actor, event=EventType.POWER_CREATED, obj=power, after=power_snapshot(power), meta=meta)
    return power


@transaction.atomic
def power_update(
    *, actor: Person, power: Power, data: PowerData, expected_version: int | None, meta: AuditMeta = NO_META
) -> Power:
    """Change a power's title, summary, legal basis (and how sure it is), source, rule
    parameters and the course it needs. Its code and kind stay. Refused (StalePowerError) when
    someone changed it since `expected_version`."""
    policy.require(actor, policy.Action.MANAGE_POWERS, power)
    current = Power.objects.select_for_update().get(pk=power.pk)
    if expected_version is not None and current.version != expected_version:
        raise StalePowerError(
            _(
                "Someone changed this power after you opened it. Nothing of yours was saved: "
                "reload the power to see their change, then make yours again."
            )
        )
    errors: Errors = {}
    values = _check_power_data(data, force_id=current.force_id, kind=current.kind, code=current.code, errors=errors)
    _raise(errors)
    before = power_snapshot(current)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    current.save()
    after = power_snapshot(current)
    if "summary" in changed or "source" in changed:
        after["changed_text"] = sorted(n for n in changed if n in {"summary", "source"})
    record(actor=actor, event=EventType.POWER_UPDATED, obj=current, before=before, after=after, meta=meta)
    return current


# ---- penalty tariffs ----------------------------------------------------------------------------


def _overlapping(queryset: Any, start: dt.date, end: dt.date | None) -> Any:
    """Rows of `queryset` whose inclusive [valid_from, valid_to] meets [start, end]."""
    rows = queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return rows if end is None else rows.filter(valid_from__lte=end)


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None, errors: Errors) -> None:
    # A start in the past records a decision already in force (a force starting to use Beatbook
    # enters its existing designations and tariffs). It can never rewrite history: it may not
    # overlap what is recorded, and records already made keep the verdict stored with them.
    if valid_from is None:
        _add(errors, "valid_from", _("Give the date it starts."))
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        _add(errors, "valid_to", _("The last day must not be before the first."))


@transaction.atomic
def penalty_tariff_set(
    *,
    actor: Person,
    offence: PenaltyOffence,
    issuing_authority: PartnerOrganisation | None,
    amount: Decimal | None,
    discounted_amount: Decimal | None,
    discount_days: int | None,
    payment_days: int | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    meta: AuditMeta = NO_META,
) -> PenaltyTariff:
    """Record what an issuing authority (a council of the offence's force, or the force itself
    when None) charges for the offence from `valid_from` to `valid_to`.

    1. The amount must be above zero and within every statutory range in force at some day of
       the tariff's dates (an offence without ranges is not range-checked).
    2. An early-payment discount gives both its amount (below the full one) and its days (fewer
       than the days to pay), or neither.
    3. It must not overlap another tariff of the same offence and authority, except an
       open-ended one that started earlier: that one is ended the day before this one starts
       (and its end audited).
    """
    policy.require(actor, policy.Action.MANAGE_POWERS, offence)
    errors: Errors = {}
    if (
        issuing_authority is not None
        and not selectors.councils_of(offence.force_id).filter(pk=issuing_authority.pk).exists()
    ):
        _add(errors, "issuing_authority", _("Choose a council of the offence's force, or the force itself."))
    if amount is None or amount <= 0:
        _add(errors, "amount", _("Give an amount above £0."))
    _check_dates(valid_from, valid_to, errors)
    if amount is not None and amount > 0 and valid_from is not None:
        for rng in ranges_between(offence=offence, start=valid_from, end=valid_to):
            if not rng.allows(amount):
                low = _money(rng.minimum) if rng.minimum is not None else _money(Decimal(0))
                _add(
                    errors,
                    "amount",
                    _("The law sets the amount from %(day)s between %(low)s and %(high)s.")
                    % {"day": rng.valid_from.strftime("%d/%m/%Y"), "low": low, "high": _money(rng.maximum)},
                )
    if (discounted_amount is None) != (discount_days is None):
        _add(errors, "discounted_amount", _("Give both the early-payment amount and its days, or neither."))
    if discounted_amount is not None and (
        discounted_amount <= 0 or (amount is not None and discounted_amount >= amount)
    ):
        _add(errors, "discounted_amount", _("The early-payment amount must be above £0 and below the full amount."))
    if payment_days is None or payment_days < 1:
        _add(errors, "payment_days", _("Give the days allowed to pay (at least 1)."))
    elif discount_days is not None and not 1 <= discount_days < payment_days:
        _add(errors, "discount_days", _("Early payment must be within fewer days than the days to pay."))
    _raise(errors)
    assert amount is not None and valid_from is not None and payment_days is not None
    same = PenaltyTariff.objects.select_for_update().filter(offence=offence)
    same = (
        same.filter(issuing_authority__isnull=True)
        if issuing_authority is None
        else same.filter(issuing_authority=issuing_authority)
    )
    to_end: PenaltyTariff | None = None
    for other in _overlapping(same, valid_from, valid_to).select_related("offence").order_by("valid_from"):
        # An open-ended earlier tariff is ended the day before a new one that starts today or
        # later; never in the past, which would change what applied then.
        if other.valid_to is None and other.valid_from < valid_from and valid_from >= today() and to_end is None:
            to_end = other
            continue
        raise ValidationError(
            {
                "valid_from": [
                    _("Another tariff of this offence and authority applies from %(start)s to %(end)s: end it first.")
                    % {
                        "start": other.valid_from.strftime("%d/%m/%Y"),
                        "end": other.valid_to.strftime("%d/%m/%Y") if other.valid_to else _("no end date"),
                    }
                ]
            }
        )
    if to_end is not None:
        before = tariff_snapshot(to_end)
        to_end.valid_to = valid_from - dt.timedelta(days=1)
        to_end.save(update_fields=["valid_to"])
        record(
            actor=actor,
            event=EventType.PENALTY_TARIFF_ENDED,
            obj=to_end,
            before=before,
            after=tariff_snapshot(to_end),
            meta=meta,
        )
    tariff = PenaltyTariff.objects.create(
        force_id=offence.force_id,
        offence=offence,
        issuing_authority=issuing_authority,
        amount=amount,
        discounted_amount=discounted_amount,
        discount_days=discount_days,
        payment_days=payment_days,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor,
    )
    after = tariff_snapshot(tariff) | {"replaces": to_end.pk if to_end is not None else None}
    record(actor=actor, event=EventType.PENALTY_TARIFF_SET, obj=tariff, after=after, meta=meta)
    return tariff


def _check_end(valid_from: dt.date, current_end: dt.date | None, valid_to: dt.date | None, errors: Errors) -> None:
    if valid_to is None:
        _add(errors, "valid_to", _("Give the last day it applies."))
        return
    if current_end is not None and current_end < today():
        _add(errors, "valid_to", _("It has already ended: what applied in the past cannot change."))
    elif valid_to < today():
        _add(errors, "valid_to", _("The last day must be today or later: what applied in the past cannot change."))
    elif valid_to < valid_from:
        _add(
            errors,
            "valid_to",
            _("The last day must not be before the first (%(day)s).") % {"day": valid_from.strftime("%d/%m/%Y")},
        )


@transaction.atomic
def penalty_tariff_end(
    *, actor: Person, tariff: PenaltyTariff, valid_to: dt.date | None, meta: AuditMeta = NO_META
) -> PenaltyTariff:
    """Set the last day a tariff applies: today or later, never in the past."""
    policy.require(actor, policy.Action.MANAGE_POWERS, tariff)
    current = PenaltyTariff.objects.select_for_update().select_related("offence").get(pk=tariff.pk)
    errors: Errors = {}
    _check_end(current.valid_from, current.valid_to, valid_to, errors)
    if valid_to is not None and current.valid_to is not None and valid_to > current.valid_to:
        _add(errors, "valid_to", _("A tariff can be ended earlier, not extended: set a new one."))
    _raise(errors)
    assert valid_to is not None
    before = tariff_snapshot(current)
    current.valid_to = valid_to
    current.save(update_fields=["valid_to"])
    record(
        actor=actor,
        event=EventType.PENALTY_TARIFF_ENDED,
        obj=current,
        before=before,
        after=tariff_snapshot(current),
        meta=meta,
    )
    return current


# ---- force designations -------------------------------------------------------------------------


@transaction.atomic
def force_designation_create(
    *,
    actor: Person,
    power: Power,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    extent: str,
    conditions: str,
    parameters: Any,
    decision_reference: str,
    meta: AuditMeta = NO_META,
) -> ForceDesignation:
    """The force's chief officer designates `power` to the force's PCSOs from `valid_from`
    to `valid_to`, to its full extent or only in the conditions described, with
    rule parameters that may narrow the catalogue's (never beyond the law). It must not overlap
    another designation of the power: a change ends the old one and starts a new one."""
    policy.require(actor, policy.Action.MANAGE_POWERS, power)
    errors: Errors = {}
    _check_dates(valid_from, valid_to, errors)
    if extent not in Extent.values:
        _add(errors, "extent", _("Choose the extent: full, or only in the circumstances described."))
    conditions = (conditions or "").strip()
    if extent == Extent.LIMITED and not conditions:
        _add(errors, "conditions", _("Describe the circumstances in which the power may be used."))
    clean = check_parameters(parameters, kind=power.kind, code=power.code, errors=errors, required=False)
    decision_reference = (decision_reference or "").strip()
    if len(decision_reference) > 120:
        _add(errors, "decision_reference", _("Keep it to %(n)d characters.") % {"n": 120})
    _raise(errors)
    assert valid_from is not None
    Power.objects.select_for_update().filter(pk=power.pk).first()  # one designation change at a time
    clash = _overlapping(ForceDesignation.objects.filter(power=power), valid_from, valid_to).first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": [
                    _("The force already designates this power from %(start)s to %(end)s: end that first.")
                    % {
                        "start": clash.valid_from.strftime("%d/%m/%Y"),
                        "end": clash.valid_to.strftime("%d/%m/%Y") if clash.valid_to else _("no end date"),
                    }
                ]
            }
        )
    designation = ForceDesignation.objects.create(
        force_id=power.force_id,
        power=power,
        valid_from=valid_from,
        valid_to=valid_to,
        extent=extent,
        conditions=conditions,
        parameters=clean,
        decision_reference=decision_reference,
        created_by=actor,
    )
    record(
        actor=actor,
        event=EventType.FORCE_DESIGNATION_CREATED,
        obj=designation,
        after=designation_snapshot(designation),
        meta=meta,
    )
    return designation


@transaction.atomic
def force_designation_end(
    *, actor: Person, designation: ForceDesignation, valid_to: dt.date | None, meta: AuditMeta = NO_META
) -> ForceDesignation:
    """Set the last day of a force designation: today or later (never in the past, so past
    verdicts never change), not before it starts, and not into a later designation of the power."""
    policy.require(actor, policy.Action.MANAGE_POWERS, designation)
    current = ForceDesignation.objects.select_for_update().select_related("power").get(pk=designation.pk)
    errors: Errors = {}
    _check_end(current.valid_from, current.valid_to, valid_to, errors)
    if not errors and valid_to is not None:
        later = _overlapping(
            ForceDesignation.objects.filter(power_id=current.power_id).exclude(pk=current.pk),
            current.valid_from,
            valid_to,
        ).first()
        if later is not None:
            _add(
                errors,
                "valid_to",
                _("A later designation of this power starts on %(day)s: end this one before.")
                % {"day": later.valid_from.strftime("%d/%m/%Y")},
            )
    _raise(errors)
    assert valid_to is not None
    before = designation_snapshot(current)
    current.valid_to = valid_to
    current.ended_by = actor
    current.save(update_fields=["valid_to", "ended_by"])
    record(
        actor=actor,
        event=EventType.FORCE_DESIGNATION_ENDED,
        obj=current,
        before=before,
        after=designation_snapshot(current),
        meta=meta,
    )
    return current
