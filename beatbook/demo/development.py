"""Demo data for development and training, through the services (every row audited):

* the competency frameworks (CVF 2016 and 2024), with every demo force on CVF 2024;
* demo courses: Cambridgeshire's initial course topics (from its PCSO page) and, in every force,
  a mandatory annual refresher, first aid, officer safety and Airwave;
* for `pcso`, one course expiring within the month and one expired (shown on their home page);
* CPD entries for the demo PCSO logins, and for `pcso` a signed-off PDR for last year and one
  in progress for this year, with `supervisor` as the line manager.

Runs after the powers demo (`seed_demo` calls it next), so the powers demo's blanket passes do
not cover these courses.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

from beatbook.core.timeutil import today
from beatbook.learning.models import Course, CourseKind, ItemKind, TrainingResult
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services import development as services
from beatbook.learning.services.training import course_create, training_record_create
from beatbook.org.models import Force, Person
from beatbook.org.services import system_actor

from .logins import DEMO_LOGINS
from .powers import trainer_of

# Cambridgeshire's six-week initial course, topic by topic (the Cambridgeshire seed).
CAMBS_INITIAL = (
    ("initial-law", "Initial course: relevant areas of law"),
    ("initial-human-rights", "Initial course: human rights legislation"),
    ("initial-community", "Initial course: community awareness"),
    ("initial-problem-solving", "Initial course: problem-solving skills"),
    ("initial-patrolling", "Initial course: patrolling skills"),
    ("initial-police-computer", "Initial course: using the police computer"),
    ("initial-paperwork", "Initial course: paperwork"),
    ("initial-airwave", "Initial course: Airwave training"),
    ("initial-self-defence", "Initial course: self-defence"),
    ("initial-first-aid", "Initial course: first aid"),
)
# Every force; validity in months is the demo's example, not a national rule.
EVERY_FORCE = (
    ("mandatory-annual", "Mandatory annual refresher", CourseKind.MANDATORY_ANNUAL, 12),
    ("first-aid", "First aid", CourseKind.FIRST_AID, 36),
    ("officer-safety", "Officer safety training", CourseKind.OFFICER_SAFETY, 12),
    ("airwave", "Airwave radio", CourseKind.AIRWAVE, 24),
)
CPD_ACTIVITIES = (
    ("Problem-solving workshop (SARA)", "course", "3.5", ("analyse-critically", "problem-solving"), 40),
    ("Read College guidance on hot-spot patrol", "reading", "1.5", ("innovative-open-minded", "planning"), 75),
    ("Shadowed the schools liaison officer", "shadowing", "6", ("collaborate", "relationship-management"), 130),
    ("Reflection on a heated street encounter", "practice", "1", ("emotionally-aware", "courage"), 200),
)


@dataclass(frozen=True)
class DevelopmentSeedReport:
    forces: int
    courses: int
    cpd_entries: int
    pdrs: int
    seconds: float


def _courses(force: Force, system: Person) -> list[Course]:
    existing = set(Course.objects.filter(force=force).values_list("code", flat=True))
    specs = [(c, t, CourseKind.INITIAL, None) for c, t in CAMBS_INITIAL] if force.slug == "cambridgeshire" else []
    made = []
    for code, title, kind, months in [*specs, *EVERY_FORCE]:
        if code not in existing:
            made.append(
                course_create(actor=system, force=force, code=code, title=title, kind=kind, valid_months=months)
            )
    return made


def _expiring_training(pcso: Person) -> None:
    """`pcso`: first aid passed long ago (now expired), the mandatory annual refresher expiring in 12 days."""
    trainer = trainer_of(pcso.force) if pcso.force else None
    if trainer is None:
        return
    on = today()
    by_code = {c.code: c for c in Course.objects.filter(force=pcso.force, code__in=["first-aid", "mandatory-annual"])}
    if "first-aid" in by_code:
        training_record_create(
            actor=trainer,
            person=pcso,
            course=by_code["first-aid"],
            completed_on=on - dt.timedelta(days=3 * 365 + 20),
            result=TrainingResult.PASSED,
            expires_on=on - dt.timedelta(days=20),
        )
    if "mandatory-annual" in by_code:
        training_record_create(
            actor=trainer,
            person=pcso,
            course=by_code["mandatory-annual"],
            completed_on=on - dt.timedelta(days=353),
            result=TrainingResult.PASSED,
            expires_on=on + dt.timedelta(days=12),
        )


def _cpd(person: Person) -> list[int]:
    framework = selectors.framework_of_force(person.force_id)
    codes = {i.code: i.pk for i in selectors.items_of(framework)}
    made = []
    for title, kind, hours, items, days_ago in CPD_ACTIVITIES:
        entry = services.cpd_entry_create(
            actor=person,
            data=services.CpdData(
                occurred_on=today() - dt.timedelta(days=days_ago),
                title=title,
                kind=kind,
                hours=Decimal(hours),
                reflection="What went well, what I would do differently, and what I will try next time.",
                item_ids=[codes[c] for c in items if c in codes],
            ),
        )
        made.append(entry.pk)
    return made


def _pdrs(pcso: Person, supervisor: Person, cpd_ids: list[int]) -> int:
    this_year = today().year
    last = services.pdr_open(actor=supervisor, person=pcso, review_year=this_year - 1)
    for n, competency in enumerate(selectors.items_of(last.framework, kinds=(ItemKind.COMPETENCY,))):
        services.pdr_rate(
            actor=supervisor,
            pdr=last,
            competency=competency,
            rating_code="competent" if n % 3 else "developing",
            evidence="Observed on patrol and in the team's problem-solving meetings.",
            cpd_entry_ids=cpd_ids[:1] if n == 4 else (),
        )
    services.pdr_objective_add(
        actor=supervisor, pdr=last, text="Lead one beat surgery a month.", due_on=dt.date(this_year - 1, 12, 31)
    )
    services.pdr_sign_off(actor=supervisor, pdr=last)
    services.pdr_acknowledge(actor=pcso, pdr=last)
    current = services.pdr_open(actor=supervisor, person=pcso, review_year=this_year)
    first = selectors.items_of(current.framework, kinds=(ItemKind.COMPETENCY,)).first()
    if first is not None:
        services.pdr_rate(
            actor=supervisor, pdr=current, competency=first, rating_code="competent", evidence="Calm under pressure."
        )
    services.pdr_objective_add(
        actor=supervisor, pdr=current, text="Complete the problem-solving module.", due_on=dt.date(this_year, 12, 31)
    )
    return 2


def seed_development() -> DevelopmentSeedReport:
    started = time.perf_counter()
    system = system_actor()
    services.frameworks_load(actor=system, data=services.read_frameworks_file())
    cvf_2024 = next(f for f in selectors.frameworks_list() if f.code == "cvf-2024")
    forces = list(Force.objects.order_by("name"))
    courses = 0
    for force in forces:
        services.force_framework_set(actor=system, force=force, framework=cvf_2024, adopted_on=dt.date(2025, 5, 1))
        courses += len(_courses(force, system))
    logins = [x.username for x in DEMO_LOGINS if x.role.value == "pcso"]
    pcsos = {p.username: p for p in Person.objects.filter(username__in=logins, is_active=True)}
    cpd_entries = 0
    pdrs = 0
    for username in logins:
        person = pcsos.get(username)
        if person is None:
            continue
        ids = _cpd(person)
        cpd_entries += len(ids)
        if username == "pcso":
            _expiring_training(person)
            supervisor = Person.objects.filter(username="supervisor").first()
            if supervisor is not None and selectors.is_line_manager_of(supervisor, person):
                pdrs += _pdrs(person, supervisor, ids)
    return DevelopmentSeedReport(
        forces=len(forces), courses=courses, cpd_entries=cpd_entries, pdrs=pdrs, seconds=time.perf_counter() - started
    )
