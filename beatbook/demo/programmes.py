"""Demo data for the learning programme, in Cambridgeshire, through the services (every row audited):

* the example Level 4 Diploma programme (`beatbook/learning/data/programme_example.json`);
* four student PCSOs posted to Cambridge City Centre (logins in `logins.STUDENT_LOGINS`), each
  enrolled with `tutor`, `assessor` and `supervisor` (line manager), at different points:

  - `student.ahead`: started 3 months ago, in the tutor phase, on track;
  - `student.atrisk`: started about 5 months ago (IPS due within 4 weeks), still in the tutor
    phase past its planned end, reviews rated amber then red;
  - `student.ips`: started 7 months ago, in operational deployment, IPS signed off;
  - `student.foc`: started 12.5 months ago, in end-point assessment, IPS and FOC signed off;

* their progress reviews, held every four weeks by `supervisor` with a RAG rating, the next one
  scheduled.

Two steps, because a sign-off needs the criteria met and the portfolio demo (which adds the
evidence) runs in between: `seed_programmes()` (programme, people, enrolments, reviews), then the
portfolio's seed, then `seed_signoffs()`, which signs off through the service. Where the portfolio
demo has not met a criterion a milestone needs, `seed_signoffs()` judges one piece of demo
evidence for it first (so the demo always shows the two signed milestones).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.utils import timezone

from beatbook.core.timeutil import today
from beatbook.learning.models import (
    Enrolment,
    EnrolmentStatus,
    Evidence,
    EvidenceCriterion,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
    Milestone,
    Phase,
    PhaseKind,
    Programme,
    ProgressReview,
    Rag,
    ReviewStatus,
    add_months,
)
from beatbook.learning.services import programmes as services
from beatbook.org import services as org
from beatbook.org.models import Force, Neighbourhood, Person, Role

from .logins import DEMO_PASSWORD, STUDENT_LOGINS

FORCE = "cambridgeshire"
NEIGHBOURHOOD = "Cambridge City Centre"


@dataclass(frozen=True)
class Student:
    username: str
    display_name: str
    months_ago: float
    phase: str  # the phase they are in now
    ratings: tuple[str, ...]  # the RAG of their latest held reviews, newest last
    milestones: tuple[str, ...]  # signed off by seed_signoffs()


STUDENTS = (
    Student("student.ahead", "Priya Shah", 3, PhaseKind.TUTOR_PHASE, (Rag.GREEN,), ()),
    Student(
        "student.atrisk",
        "Liam Doyle",
        5.35,
        PhaseKind.TUTOR_PHASE,
        (Rag.GREEN, Rag.AMBER, Rag.AMBER, Rag.RED),
        (),
    ),
    Student(
        "student.ips",
        "Grace Okafor",
        7,
        PhaseKind.OPERATIONAL_DEPLOYMENT,
        (Rag.AMBER, Rag.GREEN),
        (Milestone.IPS,),
    ),
    Student(
        "student.foc",
        "Tom Whitfield",
        12.5,
        PhaseKind.END_POINT_ASSESSMENT,
        (Rag.GREEN,),
        (Milestone.IPS, Milestone.FOC),
    ),
)
assert [s.username for s in STUDENTS] == [login.username for login in STUDENT_LOGINS]

NOTES = {
    Rag.GREEN: "On track with the plan; portfolio evidence coming in steadily.",
    Rag.AMBER: "Some criteria behind plan; more tutored patrols agreed.",
    Rag.RED: "Behind plan for Independent Patrol Status; extra support and a weekly check-in agreed.",
}
ACTIONS = {
    Rag.GREEN: "Keep adding reflective accounts after each tour.",
    Rag.AMBER: "Two observed patrols with the tutor before the next review.",
    Rag.RED: "Weekly check-in with the tutor; focus on units 3 and 5.",
}


@dataclass(frozen=True)
class ProgrammeSeedReport:
    programmes: int
    enrolments: int
    reviews: int
    seconds: float


@dataclass(frozen=True)
class SignOffSeedReport:
    signoffs: int
    evidence_added: int
    seconds: float


def _start(months_ago: float) -> dt.date:
    whole = int(months_ago)
    days = round((months_ago - whole) * 30)
    return add_months(today(), -whole) - dt.timedelta(days=days)


def _free_collar(force: Force) -> str:
    taken = set(Person.objects.filter(force=force).values_list("collar_number", flat=True))
    return next(str(n) for n in range(7999, 7000, -1) if str(n) not in taken)


def _student(system: Person, force: Force, area: Neighbourhood, spec: Student, start: dt.date) -> Person:
    existing = Person.objects.filter(username=spec.username).first()
    if existing is not None:
        return existing
    person = org.person_create(
        actor=system,
        force=force,
        data=org.NewPerson(
            username=spec.username,
            display_name=spec.display_name,
            password=DEMO_PASSWORD,
            collar_number=_free_collar(force),
            rank_title="Student PCSO",
        ),
    )
    org.posting_create(actor=system, person=person, role=Role.PCSO, valid_from=start, neighbourhood=area)
    return person


def _move_through_phases(enrolment: Enrolment, tutor: Person, phases: list[Phase], target: str) -> None:
    """Move the learner on at each phase's planned start until they reach `target`."""
    start = enrolment.start_date
    for phase in phases:
        if phase.pk != enrolment.current_phase_id:
            services.enrolment_move_phase(actor=tutor, enrolment=enrolment, phase=phase, started_on=start)
        if phase.kind == target:
            return
        start += dt.timedelta(weeks=phase.planned_weeks)


def _reviews_due(first: dt.date, weeks: int) -> int:
    """How many reviews, every `weeks` weeks from `first`, fall before today."""
    if first >= today():
        return 0
    return ((today() - first).days - 1) // (weeks * 7) + 1


def _hold_reviews(enrolment: Enrolment, manager: Person, tutor: Person, ratings: tuple[str, ...]) -> int:
    """Hold every review that fell due before today (each schedules the next). `ratings` are
    the most recent ones, newest last; earlier reviews take the first."""
    due = ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.SCHEDULED).order_by("scheduled_for")
    first = due.first()
    if first is None:
        return 0
    total = _reviews_due(first.scheduled_for, enrolment.programme.review_interval_weeks)
    for n in range(total):
        review = due.first()
        assert review is not None
        rag = ratings[max(0, n - (total - len(ratings)))]
        services.review_record(
            actor=manager,
            review_or_enrolment=review,
            held_on=review.scheduled_for,
            attendees=[manager, tutor, enrolment.learner],
            rag=rag,
            notes=NOTES[Rag(rag)],
            agreed_actions=ACTIONS[Rag(rag)],
        )
    return total


def seed_programmes() -> ProgrammeSeedReport:
    """The programme, the four students, their enrolments, phases and reviews (Cambridgeshire)."""
    started = time.perf_counter()
    force = Force.objects.filter(slug=FORCE).first()
    area = Neighbourhood.objects.filter(force__slug=FORCE, name=NEIGHBOURHOOD).first()
    people = {p.username: p for p in Person.objects.filter(username__in=["tutor", "assessor", "supervisor", "trainer"])}
    if force is None or area is None or len(people) < 4:
        return ProgrammeSeedReport(programmes=0, enrolments=0, reviews=0, seconds=time.perf_counter() - started)
    system = org.system_actor()
    programme = services.programme_load(actor=system, force=force, data=services.read_programme_file()).programme
    phases = list(programme.phases.order_by("position"))
    enrolments = reviews = 0
    for spec in STUDENTS:
        start = _start(spec.months_ago)
        learner = _student(system, force, area, spec, start)
        if Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ACTIVE).exists():
            continue
        enrolment = services.enrol(
            actor=people["trainer"],
            person=learner,
            programme=programme,
            start_date=start,
            tutor=people["tutor"],
            assessor=people["assessor"],
            line_manager=people["supervisor"],
        )
        enrolments += 1
        _move_through_phases(enrolment, people["tutor"], phases, spec.phase)
        reviews += _hold_reviews(enrolment, people["supervisor"], people["tutor"], spec.ratings)
    return ProgrammeSeedReport(
        programmes=1, enrolments=enrolments, reviews=reviews, seconds=time.perf_counter() - started
    )


def _judge_missing(enrolment: Enrolment, milestone: str, assessor: Person) -> int:
    """Demo evidence judged met for each criterion the milestone still needs (none when the
    portfolio demo has met them all). Made through the models: the demo's stand-in for the
    portfolio's own flow."""
    _met, missing = services.missing_criteria(enrolment, milestone)
    if not missing:
        return 0
    evidence = Evidence.objects.create(
        force_id=enrolment.force_id,
        enrolment=enrolment,
        kind=EvidenceKind.OBSERVATION,
        title="Observed patrols (demo evidence)",
        occurred_on=today() - dt.timedelta(days=7),
        body="The assessor observed the learner on tutored and independent patrols over several tours.",
        author=assessor,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    EvidenceCriterion.objects.bulk_create(
        EvidenceCriterion(
            evidence=evidence,
            criterion=criterion,
            judgement=Judgement.MET,
            feedback="Met: seen on patrol.",
            judged_by=assessor,
            judged_at=timezone.now(),
        )
        for criterion in missing
    )
    return len(missing)


def seed_signoffs() -> SignOffSeedReport:
    """Sign off the milestones of `student.ips` (IPS, by the tutor) and `student.foc` (IPS by the
    tutor, FOC by the assessor), through the service."""
    started = time.perf_counter()
    people = {p.username: p for p in Person.objects.filter(username__in=["tutor", "assessor"])}
    programme = Programme.objects.filter(force__slug=FORCE, code="l4-diploma-cpp").first()
    signoffs = added = 0
    if programme is None or len(people) < 2:
        return SignOffSeedReport(signoffs=0, evidence_added=0, seconds=time.perf_counter() - started)
    for spec in STUDENTS:
        enrolment = Enrolment.objects.filter(
            programme=programme, learner__username=spec.username, status=EnrolmentStatus.ACTIVE
        ).first()
        if enrolment is None:
            continue
        for milestone in spec.milestones:
            if services.standing_signoff(enrolment, milestone) is not None:
                continue
            added += _judge_missing(enrolment, milestone, people["assessor"])
            signer = people["tutor"] if milestone == Milestone.IPS else people["assessor"]
            services.milestone_sign_off(
                actor=signer,
                enrolment=enrolment,
                milestone=milestone,
                note="Signed off for the demo: every needed criterion met.",
            )
            signoffs += 1
    return SignOffSeedReport(signoffs=signoffs, evidence_added=added, seconds=time.perf_counter() - started)
