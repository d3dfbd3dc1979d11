"""Benchmarks of the cohort dashboard (`beatbook.learning.selectors.programmes.force_cohort`) for a force
with 300 learners and 30,000 portfolio evidence items.

The data: a force of its own ("Cohortshire") with the example Level 4 programme loaded through
its loader (8 units, their example outcomes and criteria, four phases), a trainer, a tutor, an
assessor and a line manager, 300 learners enrolled on dates spread over the last 15 months, 100
evidence items each (30,000), each mapped to one to three criteria, about half of the mappings
judged met, and three progress reviews per learner (two held, the next scheduled). Written with
bulk_create (benchmark data, not application writes).

The cases: (p) the dashboard's selector for the whole cohort, timed, with its queries counted
(they must not grow with the learners: the same count is asserted for a cohort of one); (q) the
cohort page end to end through Django's test client (middleware, selector, template); (r) a
trivial round trip in the same run, for scale.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from beatbook.learning.models import (
    Criterion,
    Enrolment,
    Evidence,
    EvidenceCriterion,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
    Phase,
    Programme,
    ProgressReview,
    Rag,
    ReviewStatus,
    add_months,
)
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role
from beatbook.org.services import system_actor

from .cases import Result
from .timing import count_queries, measure

LEARNERS = 300
EVIDENCE_PER_LEARNER = 100
REPS = 60
WARMUP = 5


@dataclass(frozen=True)
class CohortWorld:
    force: Force
    trainer: Person
    learners: int
    evidence: int
    mappings: int
    met: int
    reviews: int
    criteria: int
    build_seconds: float

    def describe(self) -> str:
        return (
            f"A force of its own with the example Level 4 programme ({self.criteria} criteria in 8 units), "
            f"**{self.learners} learners** enrolled over the last 15 months and **{self.evidence:,} evidence "
            f"items** mapped {self.mappings:,} times to criteria ({self.met:,} mappings judged met), with "
            f"{self.reviews:,} progress reviews. Built with `bulk_create` in {self.build_seconds:.1f} s, not timed."
        )


def _person(username: str, force: Force) -> Person:
    return Person.objects.create(username=username, display_name=username.title(), force=force, password="!")  # noqa: S106


def build(seed: int = 20261207) -> CohortWorld:
    from beatbook.learning.services.programmes import programme_load, read_programme_file

    started = time.perf_counter()
    rng = random.Random(seed)
    system = system_actor()
    today = timezone.localdate()
    with transaction.atomic():
        force = Force.objects.create(slug="cohortshire", name="Cohortshire Police", country="england", short_code="COH")
        square = [[[0.10, 52.20], [0.12, 52.20], [0.12, 52.21], [0.10, 52.21], [0.10, 52.20]]]
        hood = Neighbourhood.objects.create(
            force=force,
            code="COH-1",
            name="Cohort Town",
            boundary={"type": "Polygon", "coordinates": square},
            min_lat=52.20,
            max_lat=52.21,
            min_lng=0.10,
            max_lng=0.12,
            centre_lat=52.205,
            centre_lng=0.11,
        )
        programme: Programme = programme_load(actor=system, force=force, data=read_programme_file()).programme
        criteria = list(Criterion.objects.filter(programme=programme).order_by("position", "id"))
        phases = list(Phase.objects.filter(programme=programme).order_by("position"))
        trainer, tutor, assessor, manager = (
            _person(f"coh-{name}", force) for name in ("trainer", "tutor", "assessor", "manager")
        )
        Posting.objects.bulk_create(
            [
                Posting(person=trainer, force=force, role=Role.TRAINER, valid_from=dt.date(2020, 1, 1)),
                Posting(person=tutor, force=force, role=Role.TUTOR, valid_from=dt.date(2020, 1, 1)),
                Posting(person=assessor, force=force, role=Role.ASSESSOR, valid_from=dt.date(2020, 1, 1)),
                Posting(
                    person=manager,
                    force=force,
                    role=Role.SUPERVISOR,
                    neighbourhood=hood,
                    valid_from=dt.date(2020, 1, 1),
                ),
            ]
        )
        learners = Person.objects.bulk_create(
            [
                Person(username=f"coh-learner-{n:03d}", display_name=f"Learner {n:03d}", force=force, password="!")  # noqa: S106
                for n in range(LEARNERS)
            ]
        )
        Posting.objects.bulk_create(
            Posting(person=p, force=force, role=Role.PCSO, neighbourhood=hood, valid_from=dt.date(2025, 1, 1))
            for p in learners
        )
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    force=force,
                    programme=programme,
                    learner=learner,
                    tutor=tutor,
                    assessor=assessor,
                    line_manager=manager,
                    start_date=(start := today - dt.timedelta(days=rng.randrange(10, 450))),
                    current_phase=rng.choice(phases),
                    phase_started_on=start,
                    ips_due_on=add_months(start, programme.ips_due_months),
                    foc_due_on=add_months(start, programme.foc_due_months),
                )
                for learner in learners
            ]
        )
        kinds = [k for k in EvidenceKind if k != EvidenceKind.OPERATIONAL_RECORD]
        evidence = Evidence.objects.bulk_create(
            [
                Evidence(
                    force=force,
                    enrolment=enrolment,
                    kind=rng.choice(kinds),
                    title=f"Evidence {k}",
                    occurred_on=enrolment.start_date,
                    body="Benchmark account.",
                    author=enrolment.learner,
                    status=EvidenceStatus.SUBMITTED,
                )
                for enrolment in enrolments
                for k in range(EVIDENCE_PER_LEARNER)
            ],
            batch_size=2_000,
        )
        now = timezone.now()
        mappings: list[EvidenceCriterion] = []
        for item in evidence:
            for criterion in rng.sample(criteria, rng.randint(1, 3)):
                met = rng.random() < 0.5
                mappings.append(
                    EvidenceCriterion(
                        evidence=item,
                        criterion=criterion,
                        judgement=Judgement.MET if met else Judgement.PENDING,
                        judged_by=assessor if met else None,
                        judged_at=now if met else None,
                    )
                )
        EvidenceCriterion.objects.bulk_create(mappings, batch_size=5_000)
        reviews: list[ProgressReview] = []
        for enrolment in enrolments:
            for k in range(2):
                held = enrolment.start_date + dt.timedelta(weeks=4 * (k + 1))
                reviews.append(
                    ProgressReview(
                        enrolment=enrolment,
                        status=ReviewStatus.HELD,
                        scheduled_for=held,
                        held_on=held,
                        rag=rng.choice(list(Rag)),
                        recorded_by=manager,
                    )
                )
            reviews.append(
                ProgressReview(
                    enrolment=enrolment,
                    scheduled_for=today + dt.timedelta(days=rng.randrange(-10, 28)),
                    status=ReviewStatus.SCHEDULED,
                )
            )
        ProgressReview.objects.bulk_create(reviews, batch_size=2_000)
    return CohortWorld(
        force=force,
        trainer=trainer,
        learners=len(learners),
        evidence=len(evidence),
        mappings=len(mappings),
        met=sum(1 for m in mappings if m.judgement == Judgement.MET),
        reviews=len(reviews),
        criteria=len(criteria),
        build_seconds=time.perf_counter() - started,
    )


def _dashboard(world: CohortWorld) -> int:
    from beatbook.learning.selectors.programmes import CohortFilters, force_cohort

    return len(force_cohort(world.trainer, world.force, CohortFilters()))


def dashboard_case(world: CohortWorld) -> Result:
    """(p) The dashboard's rows for the whole cohort."""
    rows = _dashboard(world)
    assert rows == world.learners, (rows, world.learners)
    queries = count_queries(lambda: _dashboard(world))
    return Result(
        "cohort_dashboard",
        f"(p) cohort dashboard rows for {world.learners} learners ({world.evidence:,} evidence items)",
        measure(lambda: _dashboard(world), warmup=WARMUP, reps=REPS),
        queries,
        "ROUND_TRIP",
        floor_scale=queries,
        floor_basis=f"x {queries} queries",
    )


def page_case(world: CohortWorld) -> Result:
    """(q) The cohort page through the test client, logged in as the trainer."""
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(world.trainer)

    def get() -> None:
        response = client.get("/learning/cohort/")
        assert response.status_code == 200, response.status_code

    get()
    queries = count_queries(get)
    return Result(
        "cohort_page",
        f"(q) the cohort page end to end ({world.learners} rows, test client: middleware, session, template)",
        measure(get, warmup=WARMUP, reps=REPS),
        queries,
        "",
        note="",
    )


def round_trip_case() -> Result:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    return Result(
        "cohort_round_trip",
        "(r) one trivial round trip (`SELECT 1` on Django's cursor), in the same run, for scale",
        measure(run, warmup=50, reps=500),
        1,
        "ROUND_TRIP",
    )


def run_all() -> dict[str, Any]:
    world = build()
    results = [dashboard_case(world), page_case(world), round_trip_case()]
    return {
        "describe": world.describe(),
        "learners": world.learners,
        "evidence": world.evidence,
        "build_seconds": world.build_seconds,
        "results": results,
    }
