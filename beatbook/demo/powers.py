"""Demo powers, designations, training, tariffs and enforcement records, through the services
(so every write is checked and audited). See docs/how-to/demo-data.md.

`seed_powers` (with the organisation world) in each demo force:

* the force administrator loads the baseline catalogue;
* the chief officer's designations to PCSOs from 15 December 2017 (the start of the current
  regime): every baseline power in Cambridgeshire and Cumbria; in Derbyshire every one but
  detention (its PCSOs "do not have the powers ... to detain people", as the Derbyshire seed says;
  Cambridgeshire's "are able to hold suspects for up to 30 minutes");
* example tariffs (the amounts are examples, inside the statutory ranges where the catalogue has
  them): the council charges £100 for litter and graffiti (£60 if paid within 10 days, 14 days to
  pay) and £100 for a PSPO or community protection notice breach; the force charges £50 for
  cycling on a footway and £90 for a penalty notice for disorder (21 days);
* the force's trainer records a pass in officer safety and the s.59 briefing for every PCSO, and
  the force administrator designates each PCSO with every power the force designates, from 80
  days before the seed runs; the demo PCSO logins also have an earlier, expired designation
  without the powers that need training, so that a designation's history shows.

`seed_enforcement` (after the incidents) by each demo PCSO login, in their neighbourhood, over the
last weeks: a name and address requirement and a litter penalty notice (issued), a penalty notice
for disorder (paid), a refused requirement with a detention of 18 minutes that ended when a
constable arrived (refused in Derbyshire: the refusal is in the audit trail), a s.59 warning and,
five weeks later, the seizure of the same vehicle that finds it, alcohol confiscated from a
16-year-old, and a dispersal direction under an authorisation the supervisor recorded, in force
now. Dates are relative to the moment the seed runs (the services refuse acts in the future).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from beatbook.core.timeutil import today
from beatbook.enforcement.models import EnforcementRecord
from beatbook.enforcement.reference import (
    AuthorisingRank,
    Compliance,
    DetentionOutcome,
    Disposal,
    PenaltyStatus,
    RelevantOffence,
    SeizureKind,
)
from beatbook.enforcement.services import detention as detentions
from beatbook.enforcement.services import dispersal, name_address, penalties, seizures
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.incidents.models import Incident
from beatbook.learning.models import Course, TrainingResult
from beatbook.learning.services.training import training_record_create
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role
from beatbook.powers.models import Designation, PenaltyOffence, Power
from beatbook.powers.reference import DETAIN, Extent
from beatbook.powers.services.catalogue import force_designation_create, penalty_tariff_set
from beatbook.powers.services.designations import designation_create
from beatbook.powers.services.loader import catalogue_load

from .cases import _staff
from .logins import DEMO_LOGINS
from .world import FIRST_NAMES, SURNAMES

REGIME_START = dt.date(2017, 12, 15)
TARIFFS_FROM = dt.date(2024, 4, 1)
EARLIER_DESIGNATION = dt.date(2023, 1, 9)
DESIGNATED_DAYS_AGO = 80
TRAINED_DAYS_AGO = 90
# Forces whose chief officer does not designate detention to PCSOs (from the seeds).
NO_DETENTION = frozenset({"derbyshire"})


@dataclass(frozen=True)
class PowersSeedReport:
    forces: int
    designations: int
    training_records: int
    tariffs: int
    seconds: float


@dataclass(frozen=True)
class EnforcementSeedReport:
    records: int
    refused: int
    seconds: float


def _pcso_logins() -> list[tuple[str, str, str]]:
    return [(x.username, x.force_slug, x.area) for x in DEMO_LOGINS if x.role == Role.PCSO]


def _admin(force: Force) -> Person:
    return _staff(force, Role.FORCE_ADMIN, "forceadmin", lambda p: policy.can(p, policy.Action.MANAGE_POWERS, force))


def trainer_of(force: Force) -> Person:
    return _staff(force, Role.TRAINER, "trainer", lambda p: policy.can(p, policy.Action.RECORD_TRAINING, force))


def _council(force: Force) -> PartnerOrganisation | None:
    return PartnerOrganisation.objects.filter(force=force, kind=PartnerOrganisation.Kind.COUNCIL).order_by("pk").first()


def _pcsos(force: Force) -> list[Person]:
    on = today()
    posted = Posting.objects.filter(force=force, role=Role.PCSO, valid_from__lte=on).exclude(valid_to__lt=on)
    return list(Person.objects.filter(pk__in=posted.values("person_id"), is_active=True).order_by("pk"))


def seed_powers() -> PowersSeedReport:
    """Catalogue, force designations, tariffs, training and designations of each demo force."""
    started = time.perf_counter()
    slugs = sorted({slug for _u, slug, _a in _pcso_logins()})
    forces = list(Force.objects.filter(slug__in=slugs).order_by("name"))
    designations = training = tariffs = 0
    for force in forces:
        with transaction.atomic():
            admin = _admin(force)
            catalogue_load(actor=admin, force=force)
            for power in Power.objects.filter(force=force).order_by("id"):
                if power.code == DETAIN and force.slug in NO_DETENTION:
                    continue
                force_designation_create(
                    actor=admin,
                    power=power,
                    valid_from=REGIME_START,
                    valid_to=None,
                    extent=Extent.FULL,
                    conditions="",
                    parameters={},
                    decision_reference=f"Chief officer's designation of PCSO powers, {REGIME_START:%d %B %Y} (demo)",
                )
            tariffs += _tariffs(force, admin)
            training += _training(force)
            designations += _designations(force, admin)
    return PowersSeedReport(len(forces), designations, training, tariffs, time.perf_counter() - started)


def _tariffs(force: Force, admin: Person) -> int:
    council = _council(force)
    made = 0

    def set_tariff(code: str, amount: str, authority: PartnerOrganisation | None, **extra: object) -> None:
        nonlocal made
        offence = PenaltyOffence.objects.get(force=force, code=code)
        penalty_tariff_set(
            actor=admin,
            offence=offence,
            issuing_authority=authority,
            amount=Decimal(amount),
            discounted_amount=extra.get("discounted"),  # type: ignore[arg-type]
            discount_days=extra.get("discount_days"),  # type: ignore[arg-type]
            payment_days=int(extra.get("payment_days", 14)),  # type: ignore[call-overload]
            valid_from=TARIFFS_FROM,
            valid_to=None,
        )
        made += 1

    for code in ("litter", "graffiti"):
        set_tariff(code, "100.00", council, discounted=Decimal("60.00"), discount_days=10)
    for code in ("pspo-breach", "dog-control-pspo", "cpn-breach"):
        set_tariff(code, "100.00", council)
    set_tariff("cycling-footway", "50.00", None, payment_days=28)
    for offence in PenaltyOffence.objects.filter(force=force, code__startswith="pnd-").order_by("code"):
        set_tariff(offence.code, "90.00", None, payment_days=21)
    return made


def _training(force: Force) -> int:
    trainer = trainer_of(force)
    made = 0
    completed = today() - dt.timedelta(days=TRAINED_DAYS_AGO)
    courses = list(Course.objects.filter(force=force).order_by("id"))
    for pcso in _pcsos(force):
        for course in courses:
            training_record_create(
                actor=trainer,
                person=pcso,
                course=course,
                completed_on=completed,
                result=TrainingResult.PASSED,
                expires_on=None,
                notes="",
            )
            made += 1
    return made


def _designations(force: Force, admin: Person) -> int:
    designated = list(Power.objects.filter(force=force, force_designations__isnull=False).distinct().order_by("id"))
    start = today() - dt.timedelta(days=DESIGNATED_DAYS_AGO)
    logins = {u for u, slug, _a in _pcso_logins() if slug == force.slug}
    made = 0
    for pcso in _pcsos(force):
        if pcso.username in logins:
            designation_create(
                actor=admin,
                person=pcso,
                powers=[(p, Extent.FULL, "") for p in designated if p.training_course_id is None],
                valid_from=EARLIER_DESIGNATION,
                valid_to=start - dt.timedelta(days=1),
                signed_by_name="Chief Constable (demo)",
                signed_on=EARLIER_DESIGNATION - dt.timedelta(days=5),
            )
            made += 1
        designation_create(
            actor=admin,
            person=pcso,
            powers=[(p, Extent.FULL, "") for p in designated],
            valid_from=start,
            valid_to=start + dt.timedelta(days=3 * 365),
            signed_by_name="Chief Constable (demo)",
            signed_on=start - dt.timedelta(days=5),
        )
        made += 1
    return made


# ---- enforcement records ------------------------------------------------------------------


def seed_enforcement(*, seed: int) -> EnforcementSeedReport:
    """The demo PCSO logins' enforcement records (see the module docstring)."""
    started = time.perf_counter()
    refused = 0
    for username, slug, area in _pcso_logins():
        pcso = Person.objects.filter(username=username, is_active=True).first()
        nb = Neighbourhood.objects.select_related("force").filter(force__slug=slug, name=area).first()
        if pcso is None or nb is None or not Designation.objects.filter(person=pcso).exists():
            continue
        rng = random.Random(f"{seed}:enforcement:{slug}")  # noqa: S311 (demo data, not secrets)
        with transaction.atomic():
            refused += _ForceRecords(nb, pcso, rng).build()
    slugs = {slug for _u, slug, _a in _pcso_logins()}
    records = EnforcementRecord.objects.filter(force__slug__in=slugs).count()
    return EnforcementSeedReport(records, refused, time.perf_counter() - started)


class _ForceRecords:
    def __init__(self, nb: Neighbourhood, pcso: Person, rng: random.Random) -> None:
        self.nb, self.pcso, self.rng = nb, pcso, rng
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.incidents = list(
            Incident.objects.filter(neighbourhood=nb, created_by=pcso).order_by("-occurred_at")[:40]
        ) or list(Incident.objects.filter(neighbourhood=nb).order_by("-occurred_at")[:40])

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def _data(self, days_ago: float, *, age: int | None = None, born: dt.date | None = None) -> RecordData:
        when = self.now - dt.timedelta(days=days_ago)
        incident = self.rng.choice(self.incidents) if self.incidents else None
        lat, lng = (incident.lat, incident.lng) if incident else (self.nb.centre_lat, self.nb.centre_lng)
        return RecordData(
            occurred_at=when,
            lat=lat,
            lng=lng,
            location_text=incident.location_text if incident else "",
            incident_id=incident.pk if incident and incident.occurred_at <= when else None,
            subject_name=self._name(),
            subject_date_of_birth=born,
            subject_age=age,
            subject_address=f"{self.rng.randint(1, 90)} {self.rng.choice(('Mill', 'Station', 'Church', 'Park'))} Road",
        )

    def build(self) -> int:
        force = self.nb.force
        pcso = self.pcso
        name_address.name_address_require(
            actor=pcso,
            data=self._data(30, age=34),
            reason=RelevantOffence.PENALTY_OFFENCE,
            offence_details="Dropped a food carton in the street and walked on when asked to pick it up.",
            compliance=Compliance.COMPLIED,
        )
        litter = PenaltyOffence.objects.get(force=force, code="litter")
        council = _council(force)
        penalties.penalty_issue(
            actor=pcso,
            data=self._data(30, age=34),
            offence_id=litter.pk,
            authority_id=council.pk if council else None,
            offence_details="Dropped a food carton on the pavement outside the shops.",
            amount=None,
        )
        pnd = PenaltyOffence.objects.get(force=force, code="pnd-disorderly-drunk")
        notice = penalties.penalty_issue(
            actor=pcso,
            data=self._data(26, born=dt.date(1998, 5, 17)),
            offence_id=pnd.pk,
            authority_id=None,
            offence_details="Shouting and swearing at passers-by outside a bar after closing time.",
            amount=None,
        )
        penalties.penalty_status_change(actor=_admin(force), record=notice, status=PenaltyStatus.PAID, reason="")
        refused = 0
        requirement = name_address.name_address_require(
            actor=pcso,
            data=self._data(18, age=27),
            reason=RelevantOffence.DAMAGE,
            offence_details="Kicked a wing mirror off a parked car; refused to give a name.",
            compliance=Compliance.REFUSED,
        )
        start = requirement.occurred_at + dt.timedelta(minutes=2)
        try:
            detentions.detention_start(
                actor=pcso,
                requirement_id=requirement.pk,
                data=RecordData(occurred_at=start),
                constable_requested_at=start,
                ended_at=start + dt.timedelta(minutes=18),
                outcome=DetentionOutcome.CONSTABLE_ARRIVED,
                constable_arrived_at=start + dt.timedelta(minutes=18),
                elected_station=False,
                force_used=False,
                force_details="",
            )
        except PowerNotHeldError:
            refused += 1  # Derbyshire: the refusal is audited, nothing is stored
        registration = (
            f"{self.rng.choice(('AB', 'CD', 'EF'))}{self.rng.randint(10, 74)} {self.rng.choice(('XYZ', 'KLM'))}"
        )
        seizures.vehicle_warning_record(
            actor=pcso,
            data=self._data(45, age=19),
            registration=registration,
            vehicle_description="Red off-road motorcycle",
            manner="Ridden on the recreation ground footpaths among walkers, causing alarm.",
        )
        seizures.seizure_record(
            actor=pcso,
            data=self._data(10, age=19),
            kind=SeizureKind.VEHICLE_S59,
            item="Red off-road motorcycle",
            quantity="1",
            disposal=Disposal.VEHICLE_REMOVED,
            disposal_notes="Removed by the contracted recovery operator.",
            registration=registration.lower(),
            warning_id=None,
            warning_impracticable_reason="",
        )
        seizures.seizure_record(
            actor=pcso,
            data=self._data(6, age=16),
            kind=SeizureKind.ALCOHOL_UNDER_18,
            item="Cans of lager",
            quantity="4 cans",
            disposal=Disposal.DESTROYED,
            disposal_notes="Poured away in front of the young person.",
            registration="",
            warning_id=None,
            warning_impracticable_reason="",
        )
        supervisor = _staff(
            force, Role.SUPERVISOR, "supervisor", lambda p: policy.can(p, policy.Action.AUTHORISE_DISPERSAL, self.nb)
        )
        authorisation = dispersal.authorisation_create(
            actor=supervisor,
            neighbourhood=self.nb,
            locality=f"The streets and open spaces of {self.nb.name}",
            boundary=None,
            starts_at=self.now - dt.timedelta(hours=3),
            ends_at=self.now + dt.timedelta(hours=45),
            authorised_by_name="Inspector (demo)",
            authorised_by_rank=AuthorisingRank.INSPECTOR,
            grounds="Repeated groups gathering in the evenings, intimidating shop staff and residents.",
        )
        dispersal.dispersal_direct(
            actor=pcso,
            data=self._data(0.05, age=20),
            authorisation_id=authorisation.pk,
            exclusion_area=f"{self.nb.name}: the shopping parade and the bus station",
            excluded_until=self.now + dt.timedelta(hours=24),
            behaviour="Part of a group shouting at shop staff and blocking the entrance.",
            leave_by="Now, by the main road towards the station",
            in_writing=True,
            not_in_writing_reason="",
            told_offence=True,
            under_16=False,
            removed_to="",
            removed_to_address="",
        )
        return refused
