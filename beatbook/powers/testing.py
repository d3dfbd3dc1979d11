"""Test helpers for powers (used by the powers and enforcement tests, and by no production code).

`powers_world(world)` loads the baseline catalogue into both forces of `core.testing.World` and
sets up what the tests rely on:

* Cambridgeshire (force A) designates every baseline power to its PCSOs from 1 January 2020,
  detention included (limit 30 minutes); Derbyshire (force B) designates every power but
  detention (its PCSOs "do not have the powers ... to detain people").
* PCSOs Alice and Charlie (A) and Hal (B) hold a designation from 1 January 2020 with every
  power their force designates; they have passed the courses the powers need.
* Tariffs: Cambridge City Council charges £100 for litter and graffiti (£60 if paid within 14
  days, 28 days to pay), £100 for a PSPO or CPN breach; the force charges £50 for cycling on a
  footway and £90 for each penalty notice for disorder (21 days). Derbyshire has the same with no
  council.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from beatbook.core.testing import World
from beatbook.learning.models import Course, TrainingRecord, TrainingResult
from beatbook.org.models import Force, PartnerOrganisation, Person

from .models import Designation, DesignationPower, ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from .reference import DETAIN
from .services.loader import catalogue_load

SINCE = dt.date(2020, 1, 1)
_counter = {"n": 0}


def designate_force(
    system: Person,
    force: Force,
    codes: list[str] | None = None,
    *,
    valid_from: dt.date = SINCE,
    valid_to: dt.date | None = None,
    parameters: dict[str, object] | None = None,
) -> list[ForceDesignation]:
    """The force designates these powers (all of its catalogue when `codes` is None)."""
    powers = Power.objects.filter(force=force)
    if codes is not None:
        powers = powers.filter(code__in=codes)
    return [
        ForceDesignation.objects.create(
            force=force,
            power=power,
            valid_from=valid_from,
            valid_to=valid_to,
            parameters=parameters or {},
            decision_reference="Test designation",
            created_by=system,
        )
        for power in powers.order_by("id")
    ]


def pass_courses(system: Person, person: Person, *, on: dt.date = dt.date(2019, 6, 1)) -> None:
    """The person passed every course of their force on `on`, valid for years."""
    assert person.force_id is not None
    for course in Course.objects.filter(force_id=person.force_id):
        TrainingRecord.objects.create(
            force_id=person.force_id,
            person=person,
            course=course,
            completed_on=on,
            result=TrainingResult.PASSED,
            expires_on=on + dt.timedelta(days=365 * 20),
            recorded_by=system,
        )


def designate(
    system: Person,
    person: Person,
    codes: list[str] | None = None,
    *,
    valid_from: dt.date = SINCE,
    valid_to: dt.date | None = None,
    withdrawn_at: dt.datetime | None = None,
) -> Designation:
    """A designation of `person` with these powers (every power their force designates when
    `codes` is None), made directly (the services have their own tests)."""
    assert person.force_id is not None
    _counter["n"] += 1
    designation = Designation.objects.create(
        force_id=person.force_id,
        reference=f"TEST-DES-{_counter['n']:06d}",
        person=person,
        valid_from=valid_from,
        valid_to=valid_to,
        signed_by_name="Chief Constable (test)",
        signed_on=valid_from,
        withdrawn_at=withdrawn_at,
        withdrawn_by=system if withdrawn_at else None,
        withdrawal_reason="Test withdrawal" if withdrawn_at else "",
        created_by=system,
    )
    if codes is None:
        powers = Power.objects.filter(force_designations__force_id=person.force_id).distinct()
    else:
        powers = Power.objects.filter(force_id=person.force_id, code__in=codes)
    for power in powers.order_by("id"):
        DesignationPower.objects.create(designation=designation, power=power)
    return designation


def tariff(
    system: Person,
    force: Force,
    offence_code: str,
    amount: str,
    *,
    authority: PartnerOrganisation | None = None,
    discounted: str | None = None,
    discount_days: int | None = None,
    payment_days: int = 28,
    valid_from: dt.date = SINCE,
) -> PenaltyTariff:
    return PenaltyTariff.objects.create(
        force=force,
        offence=PenaltyOffence.objects.get(force=force, code=offence_code),
        issuing_authority=authority,
        amount=Decimal(amount),
        discounted_amount=Decimal(discounted) if discounted else None,
        discount_days=discount_days,
        payment_days=payment_days,
        valid_from=valid_from,
        created_by=system,
    )


def powers_world(world: World) -> World:
    system = world.system
    for force in (world.force_a, world.force_b):
        catalogue_load(actor=system, force=force)
    designate_force(system, world.force_a)
    designate_force(
        system,
        world.force_b,
        list(Power.objects.filter(force=world.force_b).exclude(code=DETAIN).values_list("code", flat=True)),
    )
    for person in (world.alice, world.charlie, world.hal):
        pass_courses(system, person)
        designate(system, person)
    for force, council in ((world.force_a, world.council), (world.force_b, None)):
        for code in ("litter", "graffiti"):
            tariff(system, force, code, "100.00", authority=council, discounted="60.00", discount_days=14)
        for code in ("pspo-breach", "dog-control-pspo", "cpn-breach"):
            tariff(system, force, code, "100.00", authority=council)
        tariff(system, force, "cycling-footway", "50.00")
        for offence in PenaltyOffence.objects.filter(force=force, code__startswith="pnd-"):
            tariff(system, force, offence.code, "90.00", payment_days=21)
    return world


def minutes_ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)
