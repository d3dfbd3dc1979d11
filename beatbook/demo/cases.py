"""Demo ASB cases and information-sharing agreements, through the cases services (so every
write is checked and audited), opened from the demo incidents (`incidents.py`).

What it makes, in each demo force (see docs/how-to/demo-data.md):

* Two information-sharing agreements, recorded by the force administrator, in force since some
  months ago for three years: with the council (summary, parties, actions, tasks, conferences)
  and with the housing association (summary, parties and their contact details, tasks). The demo
  world has both organisations and a partner user at each (the demo logins `partner`, `housing`,
  `partner.cumbria`, ...); a world that lacks one gets it here, through the organisation services.
* In the neighbourhood of the force's demo PCSO login, cases the PCSO opens from the scripted
  incidents, found through their alerts:
  - the community-trigger resident's complaints about a neighbour: open, shared with the housing
    association; warning letter done, community protection warning planned, a tenancy visit done
    by the association's user and a noise-monitoring task still open, a case conference;
  - the repeat victim's crimes: open, shared with the council; a referral owned by the council, a
    home-security task for it, a case conference;
  - the latest repeat location (the bus shelter): open, shared with nobody; an acceptable
    behaviour contract planned with a young person of the group, a CCTV task for the council, a
    case conference, and its risk review due today;
  - one or two earlier repeat locations at hot spots: closed, with the reason.
  Parties are the incidents' victims and suspects (with vulnerability flags set) and, for the
  places, the people the PCSO identified; each open case has two risk assessments.

The neighbourhood's supervisor shares the cases (a PCSO may not); the association's user records
the result of their own task; the PCSO does the rest.

Dates: the services date a case's opening themselves and refuse results and conferences dated in
the future and risk reviews in the past, so everything is dated from the day the seed runs: cases
opened, letters delivered and conferences held that day, actions and tasks due in the weeks after.
The same seed on the same day gives the same cases (one `random.Random` per force).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from beatbook.cases import services
from beatbook.cases.models import AsbCase, CaseAction, CaseParty, CaseShare, PartnerTask, SharingAgreement
from beatbook.cases.reference import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    ClosureReason,
    DataCategory,
    PartyRole,
    TaskStatus,
    Vulnerability,
)
from beatbook.core import geo
from beatbook.core.timeutil import today
from beatbook.incidents import selectors as incident_selectors
from beatbook.incidents.models import Alert, AlertKind, Incident, IncidentPerson, Involvement
from beatbook.incidents.reference import Category, Level
from beatbook.org import policy
from beatbook.org import services as org_services
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role

from .logins import DEMO_LOGINS, DEMO_PASSWORD
from .seeding import FIRST_START, quick_password_hashing
from .world import FIRST_NAMES, FORCES, SURNAMES

Kind = PartnerOrganisation.Kind
V = Vulnerability

COUNCIL_CATEGORIES = (
    DataCategory.SUMMARY,
    DataCategory.PARTIES,
    DataCategory.ACTIONS,
    DataCategory.TASKS,
    DataCategory.CONFERENCES,
)
HOUSING_CATEGORIES = (DataCategory.SUMMARY, DataCategory.PARTIES, DataCategory.CONTACT, DataCategory.TASKS)
AGREEMENT_YEARS = 3
MAX_INCIDENTS = 6  # a case is a handful of incidents
PLACE_CATEGORIES = (Category.ANTI_SOCIAL_BEHAVIOUR, Category.CRIMINAL_DAMAGE_ARSON)
# The scripted repeat location of each demo PCSO's neighbourhood (`incidents._repeat_location`).
BUS_SHELTER = "Bus shelter on "


@dataclass(frozen=True)
class CaseSeedReport:
    agreements: int
    open: int
    closed: int
    shared: int
    seconds: float

    @property
    def cases(self) -> int:
        return self.open + self.closed


def _pcso_logins() -> list[tuple[str, str, str]]:
    return [(login.username, login.force_slug, login.area) for login in DEMO_LOGINS if login.role == Role.PCSO]


def seed_cases(*, seed: int) -> CaseSeedReport:
    """Record the agreements and cases of each demo force whose PCSO login exists, after the
    incidents. One transaction per force, each with its own generator."""
    started = time.perf_counter()
    slugs = sorted({slug for _username, slug, _area in _pcso_logins()})
    if AsbCase.objects.filter(force__slug__in=slugs).exists():
        raise ValueError("The demo forces already have ASB cases.")
    on = today()
    for username, slug, area in _pcso_logins():
        pcso = Person.objects.filter(username=username, is_active=True).first()
        nb = Neighbourhood.objects.select_related("force").filter(force__slug=slug, name=area).first()
        if pcso is None or nb is None:
            continue
        # Deterministic demo data, not secrets: the seeded generator is the point (S311).
        rng = random.Random(f"{seed}:cases:{slug}")  # noqa: S311
        with transaction.atomic():
            _ForceCases(nb, pcso, rng, on).build()
    cases = AsbCase.objects.filter(force__slug__in=slugs)
    shared = CaseShare.objects.filter(case__in=cases, withdrawn_at__isnull=True).values("case_id").distinct()
    return CaseSeedReport(
        agreements=SharingAgreement.objects.filter(force__slug__in=slugs).count(),
        open=cases.filter(status=CaseStatus.OPEN).count(),
        closed=cases.filter(status=CaseStatus.CLOSED).count(),
        shared=shared.count(),
        seconds=time.perf_counter() - started,
    )


# ---- partner organisations and their users ------------------------------------------------


def partner_with_user(force: Force, kind: Kind) -> tuple[PartnerOrganisation, Person]:
    """The force's organisation of this kind and its partner user. Either is created, through
    the organisation services, if the world lacks it: the organisation under its demo-world name,
    the user as the demo login for it when there is one (with the demo password), else with a
    random password nobody knows."""
    actor = org_services.system_actor()
    spec = next((f for f in FORCES if f.slug == force.slug), None)
    names = [p.name for p in spec.partners if p.kind == kind] if spec is not None else []
    partner = PartnerOrganisation.objects.filter(force=force, kind=kind).order_by("pk").first()
    if partner is None:
        name = names[0] if names else f"{force.name.split()[0]} {Kind(kind).label}"
        partner = org_services.partner_create(actor=actor, force=force, name=name, kind=kind)
    on = today()
    in_force = Posting.objects.filter(role=Role.PARTNER, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    user = (
        Person.objects.filter(partner_organisation=partner, is_active=True, pk__in=in_force.values("person_id"))
        .order_by("pk")
        .first()
    )
    if user is not None:
        return partner, user
    login = next(
        (
            x.username
            for x in DEMO_LOGINS
            if x.role == Role.PARTNER and x.force_slug == force.slug and x.area == partner.name
        ),
        None,
    )
    titles = [p.member_title for p in spec.partners if p.kind == kind] if spec is not None else []
    title = next((t for t in titles if t), "Partner officer")
    with quick_password_hashing():
        user = org_services.person_create(
            actor=actor,
            force=force,
            data=org_services.NewPerson(
                username=login or f"{Kind(kind).value}.{force.slug}.{partner.pk}",
                display_name=f"{title} ({partner.name})",
                password=DEMO_PASSWORD if login else secrets.token_urlsafe(24),
                rank_title=title,
                partner_organisation=partner,
            ),
        )
    org_services.posting_create(actor=actor, person=user, role=Role.PARTNER, valid_from=FIRST_START)
    return partner, user


def _staff(force: Force, role: Role, prefer: str, allowed: Callable[[Person], bool]) -> Person:
    """Someone of the force with a posting of this role who may do what is needed (the demo
    login `prefer` first); the system actor if nobody may."""
    people = Person.objects.filter(force=force, is_active=True, postings__role=role).distinct()
    for person in sorted(people, key=lambda p: (p.username != prefer, p.pk)):
        if allowed(person):
            return person
    return org_services.system_actor()


# ---- finding the incidents ----------------------------------------------------------------


def _street(address: str) -> str:
    """The street of an address ("12 Mill Road" or "Flat 3, Mill Court" -> "Mill Road", "Mill
    Court"): no house number in a case title, which every partner it is shared with sees."""
    return re.sub(r"^\d+\w*\s+", "", address.split(",")[-1].strip())


def person_incidents(alert: Alert, involvements: Sequence[str], *, asb_only: bool = False) -> list[Incident]:
    """The incidents of the alert's neighbourhood, up to the one that last raised it, in which its
    subject (a person, by name or address key) has one of the involvements; oldest first."""
    _kind, field, key = alert.subject_key.split(":", 2)
    people = IncidentPerson.objects.filter(
        force_id=alert.force_id,
        involvement__in=list(involvements),
        incident__neighbourhood_id=alert.neighbourhood_id,
        incident__occurred_at__lte=alert.incident.occurred_at,
        **({"name_key": key} if field == "name" else {"address_key": key}),
    )
    if asb_only:
        people = people.filter(incident__category=Category.ANTI_SOCIAL_BEHAVIOUR)
    ids = list(
        dict.fromkeys(people.order_by("incident__occurred_at", "incident_id").values_list("incident_id", flat=True))
    )
    return list(Incident.objects.filter(pk__in=ids[-MAX_INCIDENTS:]).order_by("occurred_at", "pk"))


def place_incidents(alert: Alert, radius_m: float, window_days: int) -> list[Incident]:
    """The ASB and criminal damage of the alert's neighbourhood within `radius_m` of its place,
    in the `window_days` up to the incident that last raised it; oldest first."""
    latest = alert.incident.occurred_at
    box = geo.box_around(alert.lat, alert.lng, radius_m)
    candidates = Incident.objects.filter(
        neighbourhood_id=alert.neighbourhood_id,
        category__in=PLACE_CATEGORIES,
        occurred_at__gte=latest - dt.timedelta(days=window_days),
        occurred_at__lte=latest,
        lat__gte=box.min_lat,
        lat__lte=box.max_lat,
        lng__gte=box.min_lng,
        lng__lte=box.max_lng,
    ).order_by("occurred_at", "pk")
    near = [i for i in candidates if geo.distance_m(alert.lat, alert.lng, i.lat, i.lng) <= radius_m]
    return near[-MAX_INCIDENTS:]


# ---- the words ----------------------------------------------------------------------------

# Summaries, results and decisions name nobody: free text is shared as written (no redaction),
# so the demo writes it as an officer sharing a case should.
NEIGHBOUR = {
    "title": "Noise, abuse and threats from a neighbour, {street}",
    "summary": (
        "An older resident has reported the neighbour next door {n} times in six months: music and "
        "shouting into the early hours, abuse over the landing, the door kicked and threats on the "
        "stairs. The complaints have reached the force's ASB case review (community trigger) "
        "threshold. The neighbour is a tenant of the housing association."
    ),
    "risk": "Threats are escalating and the resident is afraid to leave home; lives alone.",
    "reassessed": (
        "Raised after the conference: the resident reports further threats since the letter. Review "
        "once the noise monitoring is in."
    ),
    "letter": "Warning letter about the noise and abuse, delivered by hand.",
    "letter_result": (
        "Delivered and explained on the doorstep. The neighbour accepted it and said the music would "
        "stop after 11 pm; the resident is to call 101 if it starts again."
    ),
    "cpw": ("Written warning before a community protection notice if the noise or abuse carries on after the letter."),
    "visit": "Tenancy visit to the neighbour: remind them of the nuisance clause of the tenancy.",
    "visit_result": (
        "Visited with a colleague. The tenant agreed to keep the music off after 11 pm; a tenancy "
        "warning has been sent and the association will consider a civil injunction if it goes on."
    ),
    "monitoring": "Fit noise-monitoring equipment in the resident's home for two weeks.",
    "conference": (
        "Housing association to monitor the noise for two weeks; PCSO to give a community protection "
        "warning if there is any further abuse; resident to keep a diary. Review in four weeks."
    ),
}
REPEAT_VICTIM = {
    "title": "Older resident targeted repeatedly: damage and thefts",
    "summary": (
        "An older resident who uses a mobility scooter has been the victim of {n} crimes in five weeks: "
        "a window smashed overnight, the scooter's battery taken from the garden and a purse taken at "
        "the bus stop. The offenders are not known. The resident now stays indoors."
    ),
    "risk": "Repeat victim, lives alone, physically frail; targeted at home and in town.",
    "reassessed": (
        "Still high until the home security is done and support is in place; the resident has agreed to the referral."
    ),
    "referral": "Referral to the council's adult social care and its victim support service.",
    "security": "Home security check, and a video doorbell and a secure scooter store fitted.",
    "conference": (
        "Council to arrange adult social care and victim support and to fit the home security; PCSO "
        "to visit weekly and add the bus stop to the evening patrols. Review in two weeks."
    ),
}
PLACE = {
    "title": "Youths gathering at the {place}",
    "summary": (
        "A group of about six young people gathers most evenings at the {place}: shouting at "
        "passengers, kicking the panels, a panel smashed and litter set alight in the bin ({n} "
        "incidents in a fortnight). One of them has been identified."
    ),
    "risk": "Nuisance to the public and damage; nobody hurt so far; the group is young.",
    "reassessed": "Unchanged: no further incidents since the group was spoken to. Review today.",
    "abc": (
        "Acceptable behaviour contract for three months, agreed at home with a parent: not to gather "
        "at the shelter, no abuse to passengers, no damage."
    ),
    "cctv": "Council CCTV to review the camera covering the shelter for the evenings reported.",
    "conference": (
        "PCSO to meet the young person and a parent to agree the contract; ask the council's CCTV "
        "team for the footage; add the shelter to the evening patrols. Review today."
    ),
    "young_note": "Aged 15: a parent to be present at any meeting.",
}
CLOSED = (
    {
        "title": "Rowdy groups at {place}",
        "summary": (
            "Groups gathering at {place} in the evenings, shouting and drinking ({n} incidents in a few "
            "weeks); a problem of the hot spot rather than of one person."
        ),
        "risk": "Nuisance to the public; nobody targeted.",
        "action": ActionKind.DISPERSAL_DIRECTION,
        "action_notes": "Dispersal directions over the weekend evenings, if an inspector authorises them.",
        "action_status": ActionStatus.DONE,
        "action_result": (
            "Authorised by the duty inspector for Friday and Saturday evenings; four directions given, "
            "nobody came back within the period."
        ),
        "reason": ClosureReason.RESOLVED,
        "closure": "No further reports in the weeks after the dispersal weekend and the extra patrols.",
    },
    {
        "title": "Nuisance and damage at {place}",
        "summary": (
            "Nuisance and damage at {place} ({n} incidents in a few weeks), reported by staff and "
            "passers-by; the people responsible were not identified."
        ),
        "risk": "Nuisance and damage to property; nobody targeted.",
        "action": ActionKind.REFERRAL,
        "action_notes": "Refer anyone identified to the youth service.",
        "action_status": ActionStatus.CANCELLED,
        "action_result": "Nobody was identified, so there was nobody to refer.",
        "reason": ClosureReason.INSUFFICIENT,
        "closure": "Nobody identified from CCTV or enquiries; the place stays on the hot-spot patrols.",
    },
)
AGREEMENTS = {
    Kind.COUNCIL: {
        "title": "{partner}: anti-social behaviour case working",
        "purpose": (
            "Joint work on anti-social behaviour cases in the council's area: the council's community "
            "safety team sees the cases the police share with it, to plan its own actions, take "
            "tasks and attend case conferences."
        ),
        "categories": COUNCIL_CATEGORIES,
    },
    Kind.HOUSING_ASSOCIATION: {
        "title": "{partner}: tenancy-related anti-social behaviour",
        "purpose": (
            "Cases that involve the association's tenants or homes: its officers need the parties and "
            "their contact details to visit, and take tasks such as tenancy visits and warnings."
        ),
        "categories": HOUSING_CATEGORIES,
    },
}


def _age(born: dt.date | None, on: dt.date) -> int | None:
    return None if born is None else on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ---- one force ----------------------------------------------------------------------------


class _ForceCases:
    """The agreements and cases of one force, in the neighbourhood of its demo PCSO. Call
    `build()` inside a transaction."""

    def __init__(self, nb: Neighbourhood, pcso: Person, rng: random.Random, on: dt.date) -> None:
        self.nb, self.force, self.pcso, self.rng, self.on = nb, nb.force, pcso, rng, on
        self.supervisor = _staff(
            self.force, Role.SUPERVISOR, "supervisor", lambda p: policy.can(p, policy.Action.SHARE_ASB_CASES, nb)
        )
        self.admin = _staff(
            self.force,
            Role.FORCE_ADMIN,
            "forceadmin",
            lambda p: policy.can(p, policy.Action.MANAGE_SHARING_AGREEMENTS, nb.force),
        )
        self.rules = incident_selectors.rules_for(self.force)

    def build(self) -> None:
        council, _council_user = partner_with_user(self.force, Kind.COUNCIL)
        housing, housing_user = partner_with_user(self.force, Kind.HOUSING_ASSOCIATION)
        with_council = self._agreement(council)
        with_housing = self._agreement(housing)
        alerts = list(
            Alert.objects.filter(force=self.force, neighbourhood=self.nb)
            .select_related("incident")
            .order_by("-created_at", "-id")
        )
        trigger = next((a for a in alerts if a.kind == AlertKind.COMMUNITY_TRIGGER), None)
        if trigger is not None:
            self._neighbour_case(trigger, housing, with_housing, housing_user)
        repeat = next((a for a in alerts if a.kind == AlertKind.REPEAT_VICTIM), None)
        if repeat is not None:
            self._repeat_victim_case(repeat, council, with_council)
        places = [(a, self._place_incidents(a)) for a in alerts if a.kind == AlertKind.REPEAT_LOCATION]
        places = [(a, found) for a, found in places if len(found) >= 2]
        shelter = next((p for p in places if p[0].subject.startswith(BUS_SHELTER) and not p[0].acknowledged_at), None)
        if shelter is not None:
            self._place_case(*shelter, council)
        # Earlier repeat locations (the latest alert of each place) for the closed cases.
        earlier: dict[str, tuple[Alert, list[Incident]]] = {}
        for alert, found in places:
            if alert.acknowledged_at is not None and not alert.subject.startswith(BUS_SHELTER):
                earlier.setdefault(alert.subject, (alert, found))
        chosen = self.rng.sample(sorted(earlier), k=min(len(earlier), self.rng.choice((1, 2))))
        stories = self.rng.sample(CLOSED, k=len(CLOSED))
        for subject in chosen:
            alert, found = earlier[subject]
            # "Nobody identified" only where the incidents name no suspect.
            named = IncidentPerson.objects.filter(
                incident__in=found, involvement=Involvement.SUSPECT, is_unknown=False
            ).exists()
            story = next((s for s in stories if not (named and s["reason"] == ClosureReason.INSUFFICIENT)), CLOSED[0])
            if story in stories:
                stories.remove(story)
            self._closed_case(story, alert, found)

    # Agreements ---------------------------------------------------------------------------------

    def _agreement(self, partner: PartnerOrganisation) -> SharingAgreement:
        words = AGREEMENTS[Kind(partner.kind)]
        starts = self.on - dt.timedelta(days=self.rng.randint(90, 400))
        return services.agreement_create(
            actor=self.admin,
            force=self.force,
            data=services.AgreementData(
                partner_id=partner.pk,
                title=str(words["title"]).format(partner=partner.name),
                purpose=str(words["purpose"]),
                data_categories=tuple(words["categories"]),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=365 * AGREEMENT_YEARS),
            ),
        )

    # Helpers ------------------------------------------------------------------------------------

    def _open(
        self, words: dict[str, str], incidents: list[Incident], level: str, review_in: int, **fmt: str
    ) -> AsbCase:
        return services.case_open(
            actor=self.pcso,
            data=services.CaseData(
                title=words["title"].format(**fmt)[:160],
                summary=words["summary"].format(n=len(incidents), **fmt),
                risk_level=level,
                risk_notes=words["risk"],
                review_on=self.on + dt.timedelta(days=review_in),
            ),
            incident_ids=[i.pk for i in incidents],
        )

    def _flag(self, case: AsbCase, role: str, flags: Sequence[str], note: str = "") -> CaseParty | None:
        """Set the vulnerability flags of the case's first party in this role (copied from the
        incidents), keeping everything else."""
        party = case.parties.filter(role=role).order_by("pk").first()
        if party is None:
            return None
        return services.case_update_party(
            actor=self.pcso,
            party=party,
            data=services.PartyData(
                role=party.role,
                name=party.name,
                date_of_birth=party.date_of_birth,
                address=party.address,
                phone=party.phone,
                vulnerabilities=tuple(flags),
                vulnerability_notes=note,
            ),
        )

    def _action(
        self,
        case: AsbCase,
        kind: str,
        notes: str,
        due_in: int,
        *,
        party: CaseParty | None = None,
        partner: PartnerOrganisation | None = None,
    ) -> CaseAction:
        """Plan an action, owned by the PCSO or, if given, by a partner organisation."""
        return services.case_add_action(
            actor=self.pcso,
            case=case,
            data=services.ActionData(
                kind=kind,
                due_on=self.on + dt.timedelta(days=due_in),
                owner_id=None if partner is not None else self.pcso.pk,
                owner_partner_id=partner.pk if partner is not None else None,
                party_id=party.pk if party is not None else None,
                notes=notes,
            ),
        )

    def _task(self, case: AsbCase, partner: PartnerOrganisation, description: str, due_in: int) -> PartnerTask:
        return services.case_add_task(
            actor=self.pcso,
            case=case,
            partner_id=partner.pk,
            description=description,
            due_on=self.on + dt.timedelta(days=due_in),
        )

    def _conference(
        self, case: AsbCase, decisions: str, partners: Sequence[PartnerOrganisation], other: str = ""
    ) -> None:
        services.case_record_conference(
            actor=self.pcso,
            case=case,
            held_on=self.on,
            decisions=decisions,
            attendee_ids=[p.pk for p in (self.pcso, self.supervisor) if not p.is_system],
            partner_ids=[p.pk for p in partners],
            other_attendees=other,
        )

    def _reassess(self, case: AsbCase, level: str, notes: str, review_in: int) -> None:
        services.case_assess_risk(
            actor=self.pcso, case=case, level=level, notes=notes, review_on=self.on + dt.timedelta(days=review_in)
        )

    def _place_incidents(self, alert: Alert) -> list[Incident]:
        return place_incidents(alert, self.rules.repeat_radius_m, self.rules.repeat_window_days)

    def _young_person(self) -> services.PartyData:
        """An invented 15-year-old: a name no member of staff and nobody in the force's incidents
        has."""
        taken = set(Person.objects.values_list("display_name", flat=True)) | set(
            IncidentPerson.objects.filter(force=self.force).values_list("name", flat=True)
        )
        names = sorted(f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, SURNAMES))
        name = self.rng.choice([n for n in names if n not in taken])
        born = self.on - dt.timedelta(days=15 * 365 + self.rng.randrange(300))
        return services.PartyData(
            role=PartyRole.PERPETRATOR,
            name=name,
            date_of_birth=born,
            vulnerabilities=(V.AGE,),
            vulnerability_notes=PLACE["young_note"],
        )

    # The cases ----------------------------------------------------------------------------------

    def _neighbour_case(
        self, alert: Alert, housing: PartnerOrganisation, agreement: SharingAgreement, housing_user: Person
    ) -> None:
        """The community-trigger resident: shared with the housing association (the neighbour is
        its tenant), which does a tenancy visit."""
        incidents = person_incidents(alert, [Involvement.VICTIM, Involvement.REPORTING_PERSON], asb_only=True)
        if not incidents:
            return
        case = self._open(NEIGHBOUR, incidents, Level.MEDIUM, 28, street=_street(incidents[-1].location_text))
        victim = case.parties.filter(role=PartyRole.VICTIM).order_by("pk").first()
        old = (_age(victim.date_of_birth, self.on) or 0) >= 70 if victim is not None else False
        self._flag(
            case,
            PartyRole.VICTIM,
            [V.ISOLATION, V.MENTAL_HEALTH, *([V.AGE] if old else [])],
            "Lives alone; anxious and sleeping badly since the threats.",
        )
        neighbour = self._flag(
            case,
            PartyRole.PERPETRATOR,
            [self.rng.choice((V.SUBSTANCE_MISUSE, V.MENTAL_HEALTH))],
            "Drinks heavily at weekends (own account to the housing officer).",
        )
        services.case_share(actor=self.supervisor, case=case, agreement_id=agreement.pk)
        letter = self._action(case, ActionKind.WARNING_LETTER, NEIGHBOUR["letter"], 0, party=neighbour)
        services.case_finish_action(
            actor=self.pcso, action=letter, status=ActionStatus.DONE, result=NEIGHBOUR["letter_result"]
        )
        self._action(case, ActionKind.COMMUNITY_PROTECTION_WARNING, NEIGHBOUR["cpw"], 14, party=neighbour)
        visit = self._task(case, housing, NEIGHBOUR["visit"], 3)
        services.task_finish(actor=housing_user, task=visit, status=TaskStatus.DONE, result=NEIGHBOUR["visit_result"])
        self._task(case, housing, NEIGHBOUR["monitoring"], 14)
        self._conference(case, NEIGHBOUR["conference"], [housing])
        self._reassess(case, Level.HIGH, NEIGHBOUR["reassessed"], 14)

    def _repeat_victim_case(self, alert: Alert, council: PartnerOrganisation, agreement: SharingAgreement) -> None:
        """The repeat victim: shared with the council, which owns the referral and a task."""
        incidents = person_incidents(alert, [Involvement.VICTIM])
        if not incidents:
            return
        case = self._open(REPEAT_VICTIM, incidents, Level.HIGH, 14)
        victim = self._flag(
            case,
            PartyRole.VICTIM,
            [V.AGE, V.PHYSICAL_HEALTH, V.ISOLATION, V.REPEAT_VICTIM],
            "Uses a mobility scooter; lives alone; family visit at weekends.",
        )
        services.case_share(actor=self.supervisor, case=case, agreement_id=agreement.pk)
        self._action(case, ActionKind.REFERRAL, REPEAT_VICTIM["referral"], 7, party=victim, partner=council)
        self._task(case, council, REPEAT_VICTIM["security"], 10)
        self._conference(case, REPEAT_VICTIM["conference"], [council], other="The resident's daughter")
        self._reassess(case, Level.HIGH, REPEAT_VICTIM["reassessed"], 7)

    def _place_case(self, alert: Alert, incidents: list[Incident], council: PartnerOrganisation) -> None:
        """The latest repeat location: shared with nobody; the risk review is due today."""
        place = alert.subject[:100]
        case = self._open(PLACE, incidents, Level.LOW, 14, place=place[:1].lower() + place[1:])
        young = services.case_add_party(actor=self.pcso, case=case, data=self._young_person())
        self._action(case, ActionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT, PLACE["abc"], 10, party=young)
        self._task(case, council, PLACE["cctv"], 7)
        self._conference(case, PLACE["conference"], [])
        self._reassess(case, Level.LOW, PLACE["reassessed"], 0)

    def _closed_case(self, story: dict[str, str], alert: Alert, incidents: list[Incident]) -> None:
        """An earlier repeat location at a hot spot, dealt with and closed."""
        case = self._open(story, incidents, Level.LOW, 28, place=alert.subject[:100])
        action = self._action(case, story["action"], story["action_notes"], 0)
        services.case_finish_action(
            actor=self.pcso, action=action, status=story["action_status"], result=story["action_result"]
        )
        services.case_close(actor=self.pcso, case=case, reason=story["reason"], notes=story["closure"])
