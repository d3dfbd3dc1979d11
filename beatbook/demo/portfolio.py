"""Demo data for the portfolio, through the services (every row audited, every copy redacted):

for each of the four student PCSOs of `demo/programmes.py` (run after `seed_programmes()`):

* an ASB incident they recorded in Cambridge City Centre, naming a victim, a suspect and a
  caller (with an address and a date of birth), made into evidence with one click: the
  **operational record** is a redacted copy, mapped to two criteria;
* a reflective account on it, and an observation by their tutor mapped to the criteria a
  milestone needs;
* the assessor's judgements: met for the students on track; for `student.atrisk` one "not yet
  met" with feedback, and the rest submitted and waiting, so their coverage shows the gap;
* `student.ahead` keeps a draft; `student.foc` adds the community-based problem-solving
  assignment.

`seed_signoffs()` then signs off the milestones where every needed criterion is met.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.utils import timezone

from beatbook.core.timeutil import today
from beatbook.incidents import services as incidents
from beatbook.incidents.models import Incident
from beatbook.learning.models import Criterion, Enrolment, EnrolmentStatus, Evidence, EvidenceKind, Judgement
from beatbook.learning.services import portfolio as services
from beatbook.org.models import Neighbourhood, Person

from .programmes import FORCE, NEIGHBOURHOOD, STUDENTS


@dataclass(frozen=True)
class PortfolioSeedReport:
    evidence: int
    records: int
    judgements: int
    seconds: float


@dataclass(frozen=True)
class Story:
    """The people of a student's incident (made up for the demo, as every name in it)."""

    victim: str
    victim_address: str
    victim_born: dt.date
    suspect: str
    caller: str
    what: str


STORIES = {
    "student.ahead": Story(
        "Doreen Walcott",
        "22 Petersfield Row, Cambridge",
        dt.date(1948, 2, 3),
        "Jordan Pike",
        "Sam Okafor",
        "cycled at speed through the market and swore at stallholders",
    ),
    "student.atrisk": Story(
        "Harold Bexley",
        "5 Abbey Walk, Cambridge",
        dt.date(1952, 9, 30),
        "Connor Maddox",
        "Leah Finch",
        "kicked a football against the door and windows for an hour",
    ),
    "student.ips": Story(
        "Amira Haddad",
        "9 Elm Terrace, Cambridge",
        dt.date(1979, 6, 14),
        "Tyler Brooks",
        "Grace Lowe",
        "played loud music in the flat above until three in the morning",
    ),
    "student.foc": Story(
        "Edith Marsh",
        "31 Orchard Close, Cambridge",
        dt.date(1944, 11, 21),
        "Dean Carver",
        "Omar Rahman",
        "shouted threats over the garden fence and threw rubbish onto the path",
    ),
}


def _incident(learner: Person, area: Neighbourhood, story: Story, days_ago: int) -> Incident:
    when = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    data = incidents.IncidentData(
        occurred_at=when,
        category="anti-social-behaviour",
        asb_qualifier="personal",
        asb_type="rowdy-neighbours",
        description=(
            f"Called by {story.caller}. {story.victim} (born {story.victim_born:%d/%m/%Y}) of {story.victim_address} "
            f"says {story.suspect} {story.what}. I spoke to {story.victim} and then to {story.suspect}, who "
            "agreed to stop; advice given and a follow-up visit arranged."
        ),
        how_reported="phone-101",
        risk_level="medium",
        thrive_notes=f"{story.victim} lives alone and is worried it will happen again.",
        lat=area.centre_lat,
        lng=area.centre_lng,
        location_text=story.victim_address,
        thrive_threat="medium",
        thrive_harm="medium",
        thrive_risk="medium",
        thrive_investigation="low",
        thrive_vulnerability="medium",
        thrive_engagement="low",
    )
    people = [
        incidents.PersonData(
            involvement="victim",
            name=story.victim,
            date_of_birth=story.victim_born,
            address=story.victim_address,
            is_vulnerable=True,
        ),
        incidents.PersonData(involvement="suspect", name=story.suspect),
        incidents.PersonData(involvement="reporting", name=story.caller, phone="07700 900456"),
    ]
    return incidents.incident_create(actor=learner, data=data, people=people)


def _write(
    actor: Person, enrolment: Enrolment, kind: str, title: str, body: str, criteria: list[Criterion]
) -> Evidence:
    return services.evidence_create(
        actor=actor,
        enrolment=enrolment,
        data=services.EvidenceData(kind=kind, title=title, occurred_on=today() - dt.timedelta(days=5), body=body),
        criterion_ids=[c.pk for c in criteria],
    )


def _judge_all(assessor: Person, evidence: Evidence, criteria: list[Criterion]) -> int:
    for criterion in criteria:
        services.evidence_judge(
            actor=assessor, evidence=evidence, criterion=criterion, judgement=Judgement.MET, feedback=""
        )
    return len(criteria)


def seed_portfolio() -> PortfolioSeedReport:
    """The portfolios of the demo's student PCSOs (idempotent: a student with evidence is left alone)."""
    started = time.perf_counter()
    area = Neighbourhood.objects.filter(force__slug=FORCE, name=NEIGHBOURHOOD).first()
    staff = {p.username: p for p in Person.objects.filter(username__in=["tutor", "assessor"])}
    evidence_count = records = judgements = 0
    if area is None or len(staff) < 2:
        return PortfolioSeedReport(0, 0, 0, time.perf_counter() - started)
    tutor, assessor = staff["tutor"], staff["assessor"]
    for spec in STUDENTS:
        enrolment = (
            Enrolment.objects.filter(learner__username=spec.username, status=EnrolmentStatus.ACTIVE)
            .select_related("learner", "programme")
            .first()
        )
        if enrolment is None or Evidence.objects.filter(enrolment=enrolment).exists():
            continue
        learner = enrolment.learner
        criteria = list(Criterion.objects.filter(programme=enrolment.programme).order_by("position", "id"))
        ips = [c for c in criteria if c.needed_for_ips]
        others = [c for c in criteria if not c.needed_for_ips]

        # The operational record, redacted, mapped to the first two IPS criteria.
        record = _incident(learner, area, STORIES[spec.username], days_ago=20)
        copy = services.evidence_from_record(
            actor=learner, enrolment=enrolment, record=record, criteria=[c.pk for c in ips[:2]]
        )
        services.evidence_submit(actor=learner, evidence=copy)
        records += 1
        reflection = _write(
            learner,
            enrolment,
            EvidenceKind.REFLECTIVE_ACCOUNT,
            "What I learnt from a neighbour dispute",
            "I listened to both sides before giving advice, checked the victim felt safe, and agreed a "
            "follow-up visit. Next time I will record the THRIVE assessment before leaving the address.",
            ips[2:4],
        )
        services.evidence_submit(actor=learner, evidence=reflection)
        evidence_count += 2
        if spec.username == "student.atrisk":
            services.evidence_judge(
                actor=assessor,
                evidence=reflection,
                criterion=ips[2],
                judgement=Judgement.NOT_YET_MET,
                feedback="Say how you checked the victim was safe and what you would do if it happened again.",
            )
            judgements += 1
            continue  # the copy of the record waits for the assessor
        judgements += _judge_all(assessor, copy, ips[:2])
        judgements += _judge_all(assessor, reflection, ips[2:4])
        if spec.username == "student.ahead":
            _write(
                learner,
                enrolment,
                EvidenceKind.PRODUCT,
                "Street briefing leaflet (draft)",
                "A leaflet for the market traders on reporting anti-social behaviour.",
                ips[4:5],
            )
            evidence_count += 1
            continue
        # Past Independent Patrol Status: the tutor's observation covers the rest of the IPS criteria.
        observation = _write(
            tutor,
            enrolment,
            EvidenceKind.OBSERVATION,
            "Tutored patrols: observed over six tours",
            "Patrolled independently under observation, dealt with members of the public calmly, used the "
            "radio correctly and recorded incidents the same day.",
            ips[4:],
        )
        services.evidence_submit(actor=tutor, evidence=observation)
        judgements += _judge_all(assessor, observation, ips[4:])
        evidence_count += 1
        if spec.username == "student.foc":
            assignment = _write(
                learner,
                enrolment,
                EvidenceKind.PROBLEM_SOLVING_ASSIGNMENT,
                "Problem-solving assignment: rubbish dumping behind Orchard Close",
                "Scanning: repeat reports over three months. Analysis: an unlit alley and no bins. Response: "
                "with the council, lighting, bins and letters to residents. Assessment: reports fell from nine a "
                "month to one.",
                others,
            )
            services.evidence_submit(actor=learner, evidence=assignment)
            judgements += _judge_all(assessor, assignment, others)
            evidence_count += 1
    return PortfolioSeedReport(evidence_count, records, judgements, time.perf_counter() - started)
