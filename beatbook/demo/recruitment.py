"""Demo data for recruitment, in Cambridgeshire, through the services (every row audited):

* the force's eligibility rules (18 or over, level 3 or equivalent, level 2 English and maths or
  achievable within the apprenticeship, 3 years in the UK for vetting, no driving licence);
* a closed campaign (spring intake, closed about three months ago, with its next steps) and an
  open one (autumn intake, closing in about three weeks);
* applications whose furthest stage is each of the eight stages: sifted out (two, with their
  reasons), sift passed, assessment centre, interview, vetting, medical, fitness, offer accepted,
  and one appointed (start): a student PCSO posted to Cambridge City Centre and enrolled on the
  programme if the programme demo has run. One failed the medical and one withdrew at vetting.

The recruiter demo login (`recruiter`) sees them all at /recruitment/. The demo moves an
application's submission date back (applications are only made "today" through the service) so
that the stage dates can be spread over the weeks before today, in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from beatbook.core.timeutil import now, today
from beatbook.org import services as org
from beatbook.org.models import Force, Neighbourhood, Person
from beatbook.recruitment import services
from beatbook.recruitment.models import Application, Campaign, Level2Answer, Outcome, Stage, StageRecord

FORCE = "cambridgeshire"
NEIGHBOURHOOD = "Cambridge City Centre"
RECRUITER = "recruiter"  # the demo login (logins.DEMO_LOGINS)
NEXT_STEPS = (
    "Our next PCSO campaign opens in the autumn. Check this page, our social media and the local press. "
    "Meanwhile, read about the role of a PCSO and the Level 4 Diploma in Community Policing Practice."
)
STAGES_AFTER_SIFT: list[str] = [
    Stage.ASSESSMENT_CENTRE,
    Stage.INTERVIEW,
    Stage.VETTING,
    Stage.MEDICAL,
    Stage.FITNESS,
    Stage.OFFER,
]


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    until: str  # the furthest stage passed ("" for the sift only)
    last: str = Outcome.PASSED  # the outcome of the stage after `until`, if not passed
    has_level3: bool = True
    residency_years: int = 12


CLOSED = [
    Applicant("Aisha Rahman", "aisha.rahman@example.org", Stage.START),
    Applicant("Ben Okafor", "ben.okafor@example.org", Stage.VETTING, last=Outcome.FAILED),
    Applicant("Chloe Evans", "chloe.evans@example.org", Stage.INTERVIEW, last=Outcome.WITHDREW),
    Applicant("Dan Kowalski", "dan.kowalski@example.org", "", residency_years=1),
]
OPEN = [
    Applicant("Ella Price", "ella.price@example.org", "", has_level3=False),
    Applicant("Finn Murphy", "finn.murphy@example.org", Stage.SIFT),
    Applicant("Grace Liu", "grace.liu@example.org", Stage.ASSESSMENT_CENTRE),
    Applicant("Harry Patel", "harry.patel@example.org", Stage.INTERVIEW),
    Applicant("Isla Brown", "isla.brown@example.org", Stage.VETTING),
    Applicant("Jack Thomas", "jack.thomas@example.org", Stage.MEDICAL),
    Applicant("Kaya Williams", "kaya.williams@example.org", Stage.FITNESS),
    Applicant("Leo Hughes", "leo.hughes@example.org", Stage.OFFER),
]


@dataclass(frozen=True)
class RecruitmentReport:
    campaigns: int
    applications: int
    appointed: int


def _backdate(application: Application, days: int) -> dt.date:
    submitted = now() - dt.timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(submitted_at=submitted)
    StageRecord.objects.filter(application=application, stage=Stage.SIFT).update(on=today() - dt.timedelta(days=days))
    application.refresh_from_db()
    return today() - dt.timedelta(days=days)


def _run(actor: Person, campaign: Campaign, spec: Applicant, *, age_days: int, step: int, area: Neighbourhood) -> bool:
    born = today().replace(year=today().year - 24, day=1)
    submitted = services.application_submit(
        campaign=campaign,
        data=services.NewApplication(
            full_name=spec.name,
            email=spec.email,
            date_of_birth=born,
            has_level3=spec.has_level3,
            level2=Level2Answer.WILL_ACHIEVE,
            residency_years=spec.residency_years,
            has_driving_licence=True,
        ),
    )
    application = submitted.application
    day = _backdate(application, age_days)
    if not application.sift_passed or spec.until == Stage.SIFT:
        return False
    for stage in STAGES_AFTER_SIFT:
        day += dt.timedelta(days=step)
        passed = spec.until == Stage.START or STAGES_AFTER_SIFT.index(stage) <= STAGES_AFTER_SIFT.index(spec.until)
        if passed:
            services.stage_record(actor=actor, application=application, stage=stage, on=day, outcome=Outcome.PASSED)
            continue
        if spec.last != Outcome.PASSED:  # the stage after the furthest passed: failed or withdrew
            services.stage_record(actor=actor, application=application, stage=stage, on=day, outcome=spec.last)
        return False
    if spec.until == Stage.START:
        services.applicant_appoint(
            actor=actor, application=application, start_date=day + dt.timedelta(days=step), neighbourhood=area
        )
        return True
    return False


def seed_recruitment() -> RecruitmentReport:
    force = Force.objects.filter(slug=FORCE).first()
    area = Neighbourhood.objects.filter(force__slug=FORCE, name=NEIGHBOURHOOD).first()
    if force is None or area is None:
        return RecruitmentReport(campaigns=0, applications=0, appointed=0)
    system = org.system_actor()
    # The stages are recorded by the recruiter demo login where it exists (so the pages show a name).
    recruiter = Person.objects.filter(force=force, username=RECRUITER).first() or system
    services.eligibility_rules_update(actor=system, force=force, data=services.RulesData())
    spring = services.campaign_create(
        actor=system,
        force=force,
        data=services.CampaignData(
            title="PCSO apprenticeship: spring intake",
            description="Twelve posts across the county, starting as student PCSOs on the Level 4 programme.",
            opens_on=today() - dt.timedelta(days=130),
            closes_on=today() + dt.timedelta(days=1),  # closed below, once its applications are in
            next_steps=NEXT_STEPS,
            posts=12,
        ),
    )
    appointed = 0
    for spec in CLOSED:
        appointed += _run(recruiter, spring, spec, age_days=120, step=10, area=area)
    services.campaign_update(
        actor=system,
        campaign=spring,
        data=services.CampaignData(
            title=spring.title,
            description=spring.description,
            opens_on=spring.opens_on,
            closes_on=today() - dt.timedelta(days=100),
            next_steps=NEXT_STEPS,
            posts=spring.posts,
        ),
    )
    autumn = services.campaign_create(
        actor=system,
        force=force,
        data=services.CampaignData(
            title="PCSO apprenticeship: autumn intake",
            description="Ten posts in Cambridge and South Cambridgeshire. Full training is given.",
            opens_on=today() - dt.timedelta(days=20),
            closes_on=today() + dt.timedelta(days=25),
            next_steps=NEXT_STEPS,
            posts=10,
        ),
    )
    for spec in OPEN:
        _run(recruiter, autumn, spec, age_days=15, step=2, area=area)
    return RecruitmentReport(campaigns=2, applications=len(CLOSED) + len(OPEN), appointed=appointed)
