"""The demo powers, designations, training and enforcement records: Cambridgeshire's PCSOs hold
detention and Derbyshire's do not, and the demo PCSO logins' records show every kind, with the
Derbyshire detention refused and audited.

Seeded once for the module, on the organisation world only (without incidents the records are
made at the neighbourhoods' centres), and rolled back after it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from beatbook.audit.models import AuditEvent, EventType
from beatbook.demo import seeding
from beatbook.demo.powers import EnforcementSeedReport, PowersSeedReport, seed_enforcement, seed_powers
from beatbook.enforcement.models import EnforcementRecord, Seizure
from beatbook.enforcement.reference import PenaltyStatus, RecordKind, SeizureKind
from beatbook.org.models import Person
from beatbook.powers.check import check_power, powers_held_at
from beatbook.powers.models import Designation, ForceDesignation
from beatbook.powers.reference import DETAIN, SEIZE_VEHICLE

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_powers(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[PowersSeedReport, EnforcementSeedReport]]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeding.seed_world()
        powers = seed_powers()
        enforcement = seed_enforcement(seed=2026)
        yield powers, enforcement
        transaction.set_rollback(True)


def test_cambridgeshire_designates_detention_and_derbyshire_does_not(
    seeded_powers: tuple[PowersSeedReport, EnforcementSeedReport],
) -> None:
    powers, _records = seeded_powers
    assert powers.forces == 3
    assert not ForceDesignation.objects.filter(force__slug="derbyshire", power__code=DETAIN).exists()
    assert ForceDesignation.objects.filter(force__slug="cambridgeshire", power__code=DETAIN).exists()
    now = timezone.now()
    cambs = Person.objects.get(username="pcso")
    derbys = Person.objects.get(username="pcso.derbyshire")
    assert check_power(person=cambs, force=cambs.force, code=DETAIN, at=now).held  # type: ignore[arg-type]
    refused = check_power(person=derbys, force=derbys.force, code=DETAIN, at=now)  # type: ignore[arg-type]
    assert not refused.held and "did not designate" in refused.reason
    held = {c.code for c in powers_held_at(person=cambs, at=now)}
    assert {DETAIN, SEIZE_VEHICLE} <= held


def test_every_demo_pcso_is_designated_and_the_logins_have_history(
    seeded_powers: tuple[PowersSeedReport, EnforcementSeedReport],
) -> None:
    cambs = Person.objects.get(username="pcso")
    designations = list(Designation.objects.filter(person=cambs).order_by("valid_from"))
    assert len(designations) == 2
    earlier, current = designations
    assert earlier.valid_to is not None and earlier.valid_to < current.valid_from
    assert not earlier.designation_powers.filter(power__training_course__isnull=False).exists()
    assert current.designation_powers.filter(power__code=DETAIN).exists()


def test_the_demo_records_show_every_kind_and_the_derbyshire_refusal(
    seeded_powers: tuple[PowersSeedReport, EnforcementSeedReport],
) -> None:
    _powers, records = seeded_powers
    assert records.refused == 1
    kinds = Counter(EnforcementRecord.objects.filter(force__slug="cambridgeshire").values_list("kind", flat=True))
    assert set(kinds) == set(RecordKind.values)
    assert not EnforcementRecord.objects.filter(force__slug="derbyshire", kind=RecordKind.DETENTION).exists()
    refusals = AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED)
    assert [e.force.slug for e in refusals.select_related("force")] == ["derbyshire"]  # type: ignore[union-attr]
    vehicle = Seizure.objects.filter(kind=SeizureKind.VEHICLE_S59, record__force__slug="cumbria").get()
    assert vehicle.warning is not None  # found, though typed in lower case
    paid = EnforcementRecord.objects.filter(kind=RecordKind.PENALTY, penalty__status=PenaltyStatus.PAID)
    assert paid.count() == 3
