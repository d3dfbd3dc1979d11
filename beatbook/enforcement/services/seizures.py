"""Confiscations and seizures, and s.59 vehicle warnings.

`seizure_record`:

1. the power of the kind (`SEIZURE_POWER`) is checked at the moment of the act
   (`prepare_record`);
2. alcohol from a person under 18 and tobacco from a person under 16 need the person's age on the
   day (date of birth or apparent age), below the limit;
3. a s.59 vehicle seizure needs the registration and an earlier warning of the force, given in the
   months before (the power's `warning_months`, 12 by default) to that vehicle or that driver:
   the one named, or else the latest found; without one, the reason a warning was impracticable;
4. only a vehicle is "removed and stored".

`vehicle_warning_record` records the warning itself (under the same s.59 power).

Audit snapshots hold no personal data (no names, registrations or free text).
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.audit.services import NO_META, AuditMeta
from beatbook.org.models import Person
from beatbook.powers.reference import SEIZE_VEHICLE

from ..models import EnforcementRecord, Seizure, VehicleWarning
from ..reference import SEIZURE_AGE_BELOW, SEIZURE_POWER, VEHICLE_WARNING_MONTHS, Disposal, RecordKind, SeizureKind
from ..selectors.seizures import (
    REGISTRATION_PATTERN,
    find_vehicle_warning,
    normalise_registration,
    warning_applies,
)
from .common import RecordData, existing, prepare_record, record_created, save_record


def _registration(value: str, errors: dict[str, list[Any]]) -> str:
    registration = normalise_registration(value)
    if not registration:
        errors.setdefault("registration", []).append(_("Give the vehicle's registration."))
    elif not REGISTRATION_PATTERN.fullmatch(registration):
        errors.setdefault("registration", []).append(_("Give the registration in letters and numbers."))
    return registration


def _age_errors(enforcement: EnforcementRecord, kind: str, errors: dict[str, list[Any]]) -> None:
    below = SEIZURE_AGE_BELOW.get(kind)
    if below is None:
        return
    field = "subject_date_of_birth" if enforcement.subject_date_of_birth else "subject_age"
    age = enforcement.subject_age_on(timezone.localtime(enforcement.occurred_at).date())
    if age is None:
        errors.setdefault(field, []).append(
            _("Give the date of birth or the apparent age: this power is only for a person under %(age)d.")
            % {"age": below}
        )
    elif age >= below:
        errors.setdefault(field, []).append(
            _("This power is only for a person under %(age)d: the person was %(given)d.") % {"age": below, "given": age}
        )


def _warning_for(
    enforcement: EnforcementRecord,
    *,
    registration: str,
    warning_id: int | None,
    impracticable: str,
    months: int,
    errors: dict[str, list[Any]],
) -> VehicleWarning | None:
    """The earlier warning the seizure relies on (named or found), or None (then a field error
    unless a warning was impracticable)."""
    name, born, before = enforcement.subject_name, enforcement.subject_date_of_birth, enforcement.occurred_at
    if warning_id is not None:
        named = (
            VehicleWarning.objects.select_related("record")
            .filter(pk=warning_id, record__force_id=enforcement.force_id)
            .first()
        )
        if named is None or not warning_applies(
            named, registration=registration, driver_name=name, driver_dob=born, before=before, months=months
        ):
            errors.setdefault("warning", []).append(
                _(
                    "That warning was not given to this vehicle or driver by %(force)s in the %(months)d "
                    "months before the seizure."
                )
                % {"force": enforcement.force.name, "months": months}
            )
            return None
        return named
    found = find_vehicle_warning(
        force_id=enforcement.force_id,
        registration=registration,
        driver_name=name,
        driver_dob=born,
        before=before,
        months=months,
    )
    if found is None and not impracticable:
        day = date_format(timezone.localtime(enforcement.occurred_at).date(), "j F Y")
        errors.setdefault("warning", []).append(
            _(
                "No s.59 warning for this vehicle or driver in the %(months)d months before %(day)s: record the "
                "warning first, or say why giving one was impracticable."
            )
            % {"months": months, "day": day}
        )
    return found


def seizure_record(
    *,
    actor: Person,
    data: RecordData,
    kind: str,
    item: str,
    quantity: str,
    disposal: str,
    disposal_notes: str = "",
    registration: str = "",
    warning_id: int | None = None,
    warning_impracticable_reason: str = "",
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Record a confiscation or seizure (see the module docstring for the rules). A retried
    submission (same `client_uuid`) returns the record stored the first time."""
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.SEIZURE)
    if found is not None:
        return found
    if kind not in SeizureKind.values:
        raise ValidationError({"kind": [_("Choose what was seized.")]})
    prepared = prepare_record(
        actor=actor, kind=RecordKind.SEIZURE, code=SEIZURE_POWER[kind], data=data, client_uuid=client_uuid, meta=meta
    )
    enforcement, errors = prepared.record, prepared.errors
    vehicle = kind == SeizureKind.VEHICLE_S59
    if not item.strip():
        errors.setdefault("item", []).append(_("Say what was seized."))
    if not quantity.strip():
        errors.setdefault("quantity", []).append(_("Say how much was seized."))
    if disposal not in Disposal.values:
        errors.setdefault("disposal", []).append(_("Choose what was done with it."))
    elif disposal == Disposal.VEHICLE_REMOVED and not vehicle:
        errors.setdefault("disposal", []).append(_("Only a vehicle is removed and stored."))
    _age_errors(enforcement, kind, errors)
    impracticable = warning_impracticable_reason.strip()
    warning = None
    plate = ""
    if vehicle:
        plate = _registration(registration, errors)
        months = int(prepared.check.parameters.get("warning_months", VEHICLE_WARNING_MONTHS))
        if "registration" not in errors:
            warning = _warning_for(
                enforcement,
                registration=plate,
                warning_id=warning_id,
                impracticable=impracticable,
                months=months,
                errors=errors,
            )
    if errors:
        raise ValidationError(errors)
    seizure = Seizure(
        kind=kind,
        item=item.strip(),
        quantity=quantity.strip(),
        disposal=disposal,
        disposal_notes=disposal_notes.strip(),
        registration=plate,
        warning=warning,
        warning_impracticable_reason=impracticable if vehicle else "",
    )
    with transaction.atomic():
        enforcement = save_record(prepared)
        seizure.record = enforcement
        seizure.full_clean()
        seizure.save()
        record_created(
            actor=actor,
            enforcement=enforcement,
            detail={
                "seizure_kind": kind,
                "disposal": disposal,
                "warning": warning.pk if warning is not None else None,
                "warning_impracticable": bool(vehicle and warning is None),
            },
            meta=meta,
        )
    return enforcement


def vehicle_warning_record(
    *,
    actor: Person,
    data: RecordData,
    registration: str,
    vehicle_description: str,
    manner: str,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Record a s.59 warning that a vehicle is being used in an anti-social manner (the driver
    as the subject, when known). A retried submission returns the record stored the first time."""
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.VEHICLE_WARNING)
    if found is not None:
        return found
    prepared = prepare_record(
        actor=actor, kind=RecordKind.VEHICLE_WARNING, code=SEIZE_VEHICLE, data=data, client_uuid=client_uuid, meta=meta
    )
    errors = prepared.errors
    plate = _registration(registration, errors)
    if not manner.strip():
        errors.setdefault("manner", []).append(_("Say how the vehicle was being used."))
    if errors:
        raise ValidationError(errors)
    warning = VehicleWarning(registration=plate, vehicle_description=vehicle_description.strip(), manner=manner.strip())
    with transaction.atomic():
        enforcement = save_record(prepared)
        warning.record = enforcement
        warning.full_clean()
        warning.save()
        record_created(actor=actor, enforcement=enforcement, detail={}, meta=meta)
    return enforcement
