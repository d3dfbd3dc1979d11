"""The powers check: did a person hold a power at a moment?

A person holds power P of force F at moment t (Europe/London date d) when all of these hold:

1. F's catalogue has P (by code);
2. a force designation of P by F is in force on d (`valid_from <= d <= valid_to`);
3. a designation of the person by F that confers P is in force at t: `valid_from <= d <=
   valid_to` and not withdrawn by t (`t < withdrawn_at`).

The rule parameters that apply are the catalogue's, overridden by the force designation's. The
check is three indexed queries whatever the history's length, and gives the reason in plain
English when the power was not held. It reads; the enforcement services store its verdict with
each record (`PowerCheck.snapshot()`), so a later change to a designation never changes the
verdict on a past record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.org.models import Force, Person

from .models import Designation, DesignationPower, ForceDesignation, Power


@dataclass(frozen=True)
class PowerCheck:
    """The verdict of one check, and what it was based on."""

    held: bool
    reason: str
    code: str
    at: dt.datetime
    power: Power | None = None
    force_designation: ForceDesignation | None = None
    designation: Designation | None = None
    designation_power: DesignationPower | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        """What is stored with an enforcement record: enough to read the verdict without the
        designations (which may change later), and no personal data."""
        return {
            "held": self.held,
            "reason": self.reason,
            "power": self.code,
            "power_title": self.power.title if self.power else "",
            "legal_basis": self.power.legal_basis if self.power else "",
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "force_designation": self.force_designation.pk if self.force_designation else None,
            "designation": self.designation.reference if self.designation else None,
            "extent": self.designation_power.extent if self.designation_power else None,
            "conditions": [
                c
                for c in (
                    self.force_designation.conditions if self.force_designation else "",
                    self.designation_power.conditions if self.designation_power else "",
                )
                if c
            ],
            "parameters": self.parameters,
        }


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def force_designation_on(*, power: Power, day: dt.date) -> ForceDesignation | None:
    """The force's designation of `power` in force on `day` (the latest started, if the force
    recorded overlapping ones)."""
    return (
        ForceDesignation.objects.filter(power=power, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


def designation_power_at(*, person: Person, power: Power, at: dt.datetime) -> DesignationPower | None:
    """The person's designated power `power` in force at `at`, with its designation."""
    day = _day(at)
    return (
        DesignationPower.objects.select_related("designation")
        .filter(
            power=power,
            designation__person=person,
            designation__force_id=power.force_id,
            designation__valid_from__lte=day,
        )
        .filter(Q(designation__valid_to__isnull=True) | Q(designation__valid_to__gte=day))
        .filter(Q(designation__withdrawn_at__isnull=True) | Q(designation__withdrawn_at__gt=at))
        .order_by("-designation__valid_from", "-designation_id")
        .first()
    )


def check_power(*, person: Person, force: Force, code: str, at: dt.datetime) -> PowerCheck:
    """Did `person` hold power `code` of `force` at `at`? Three indexed queries at most."""
    when = date_format(timezone.localtime(at), "j F Y H:i")
    power = Power.objects.filter(force=force, code=code).order_by("pk").first()  # unique: no sort needed
    if power is None:
        reason = _("%(force)s has no power “%(code)s” in its catalogue.") % {"force": force.name, "code": code}
        return PowerCheck(held=False, reason=reason, code=code, at=at)
    day = _day(at)
    force_designation = force_designation_on(power=power, day=day)
    if force_designation is None:
        reason = _("%(force)s did not designate “%(power)s” to PCSOs on %(day)s.") % {
            "force": force.name,
            "power": power.title,
            "day": date_format(day, "j F Y"),
        }
        return PowerCheck(held=False, reason=reason, code=code, at=at, power=power)
    designated = designation_power_at(person=person, power=power, at=at)
    if designated is None:
        reason = _("%(person)s was not designated “%(power)s” at %(when)s.") % {
            "person": person.display_name or person.get_username(),
            "power": power.title,
            "when": when,
        }
        return PowerCheck(held=False, reason=reason, code=code, at=at, power=power, force_designation=force_designation)
    parameters = {**power.parameters, **force_designation.parameters}
    return PowerCheck(
        held=True,
        reason=_("Held under designation %(ref)s.") % {"ref": designated.designation.reference},
        code=code,
        at=at,
        power=power,
        force_designation=force_designation,
        designation=designated.designation,
        designation_power=designated,
        parameters=parameters,
    )


def powers_held_at(*, person: Person, at: dt.datetime) -> list[PowerCheck]:
    """Every power the person held at `at` in their force (for "my powers"): two queries."""
    if person.force_id is None:
        return []
    day = _day(at)
    designated = list(
        DesignationPower.objects.select_related("designation", "power")
        .filter(designation__person=person, designation__force_id=person.force_id, designation__valid_from__lte=day)
        .filter(Q(designation__valid_to__isnull=True) | Q(designation__valid_to__gte=day))
        .filter(Q(designation__withdrawn_at__isnull=True) | Q(designation__withdrawn_at__gt=at))
        .order_by("power__kind", "power__title", "power_id", "-designation__valid_from", "-designation_id")
    )
    force_designations: dict[int, ForceDesignation] = {}
    for fd in (
        ForceDesignation.objects.filter(power_id__in=[d.power_id for d in designated], valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("valid_from", "id")
    ):
        force_designations[fd.power_id] = fd  # the latest started wins
    checks: list[PowerCheck] = []
    seen: set[int] = set()
    for d in designated:
        in_force = force_designations.get(d.power_id)
        if in_force is None or d.power_id in seen:
            continue
        seen.add(d.power_id)
        checks.append(
            PowerCheck(
                held=True,
                reason=_("Held under designation %(ref)s.") % {"ref": d.designation.reference},
                code=d.power.code,
                at=at,
                power=d.power,
                force_designation=in_force,
                designation=d.designation,
                designation_power=d,
                parameters={**d.power.parameters, **in_force.parameters},
            )
        )
    return checks
