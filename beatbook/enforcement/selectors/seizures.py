"""Reads of seizures and s.59 vehicle warnings: one of each in the actor's scope, the earlier
warning a seizure relies on (`find_vehicle_warning`), and the warning lookup the seizure form
offers (`vehicle_warnings_search`, only what the actor may see)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.db.models import Q, QuerySet

from beatbook.org import policy
from beatbook.org.selectors import get_visible

from ..models import EnforcementRecord, VehicleWarning
from ..reference import VEHICLE_WARNING_MONTHS, RecordKind
from .common import records_visible_to

SEARCH_LIMIT = 20
REGISTRATION_PATTERN = re.compile(r"[A-Z0-9]{2,10}")


def normalise_registration(value: str) -> str:
    """Upper case, no spaces or hyphens: "ab12 cde" -> "AB12CDE"."""
    return re.sub(r"[\s-]+", "", value).upper()


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (the last day of a shorter month)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def seizure_get_for(*, actor: policy.Actor | None, pk: object) -> EnforcementRecord:
    """One seizure the actor can see, with the warning it relies on, or Http404."""
    return get_visible(
        records_visible_to(actor)
        .filter(kind=RecordKind.SEIZURE)
        .select_related("force", "neighbourhood", "officer", "power", "seizure", "seizure__warning__record"),
        pk,
    )


def vehicle_warning_get_for(*, actor: policy.Actor | None, pk: object) -> EnforcementRecord:
    """One s.59 vehicle warning the actor can see, or Http404."""
    return get_visible(
        records_visible_to(actor)
        .filter(kind=RecordKind.VEHICLE_WARNING)
        .select_related("force", "neighbourhood", "officer", "power", "vehicle_warning"),
        pk,
    )


def _matching(registration: str, driver_name: str, driver_dob: dt.date | None) -> Q | None:
    match = Q(registration=registration) if registration else None
    name = driver_name.strip()
    if name and driver_dob is not None:
        driver = Q(record__subject_name__iexact=name, record__subject_date_of_birth=driver_dob)
        match = driver if match is None else match | driver
    return match


def find_vehicle_warning(
    *,
    force_id: int,
    registration: str,
    driver_name: str,
    driver_dob: dt.date | None,
    before: dt.datetime,
    months: int = VEHICLE_WARNING_MONTHS,
) -> VehicleWarning | None:
    """The latest s.59 warning of the force given in the `months` before `before`, for this
    vehicle (normalised registration) or this driver (name, case-insensitive, and date of birth),
    or None (one indexed query)."""
    match = _matching(normalise_registration(registration), driver_name, driver_dob)
    if match is None:
        return None
    return (
        VehicleWarning.objects.filter(
            match,
            record__force_id=force_id,
            record__occurred_at__lte=before,
            record__occurred_at__gte=months_before(before, months),
        )
        .select_related("record")
        .order_by("-record__occurred_at", "-record_id")
        .first()
    )


def warning_applies(
    warning: VehicleWarning,
    *,
    registration: str,
    driver_name: str,
    driver_dob: dt.date | None,
    before: dt.datetime,
    months: int = VEHICLE_WARNING_MONTHS,
) -> bool:
    """Whether a named warning covers this seizure: given in the `months` before it, to this
    vehicle or this driver (no query: the warning comes with its record)."""
    given = warning.record.occurred_at
    if not months_before(before, months) <= given <= before:
        return False
    if registration and warning.registration == normalise_registration(registration):
        return True
    record = warning.record
    return bool(
        driver_name.strip()
        and driver_dob is not None
        and record.subject_name.casefold() == driver_name.strip().casefold()
        and record.subject_date_of_birth == driver_dob
    )


def vehicle_warnings_search(
    *,
    actor: policy.Actor | None,
    registration: str = "",
    name: str = "",
    date_of_birth: dt.date | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[VehicleWarning]:
    """Warnings the actor may see for this vehicle or this driver (name and date of birth),
    newest first, at most `limit` (one query; nothing without a registration or a driver)."""
    match = _matching(normalise_registration(registration), name, date_of_birth)
    if match is None:
        return []
    warnings: QuerySet[VehicleWarning] = VehicleWarning.objects.filter(
        match, record__in=records_visible_to(actor).filter(kind=RecordKind.VEHICLE_WARNING)
    )
    return list(
        warnings.select_related("record", "record__neighbourhood", "record__officer").order_by(
            "-record__occurred_at", "-record_id"
        )[:limit]
    )
