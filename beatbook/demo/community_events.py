"""Demo engagement events, through the community services (so every write is checked and audited).

`seed_events(seed=...)`, after the organisation world: in every active neighbourhood with a PCSO
posted to it (the demo PCSO login where it is posted there, otherwise the neighbourhood's first
PCSO), dated from the moment the seed runs:

* six events over the last three months, one of each of: public meeting, beat surgery, school
  visit, Neighbourhood Watch meeting, youth group and community-led event, each public, planned
  by the PCSO and recorded as held by them, with the attendance, two or three issues raised of
  the kind neighbourhood policing hears (parking outside a school, ASB in a park, speeding, drug
  litter, ...), follow-ups and a note;
* three or four upcoming events, planned: a private partner meeting planned by the team's
  supervisor (or the PCSO where the neighbourhood has no supervisor), and two or three public
  ones (surgery, public meeting, online session, ...) planned by the PCSO;
* one more upcoming public event, planned by the PCSO and cancelled by the supervisor.

The officers named are the PCSO and, now and then, a colleague posted to the same neighbourhood.
Places are generic ("<neighbourhood> Library"), with a point near the neighbourhood's centre
(none for an online session). The same seed on the same day gives the same events: one
`random.Random` per neighbourhood, seeded from the seed and the neighbourhood's force and code.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from beatbook.community.models import EventKind
from beatbook.community.services import events as services
from beatbook.core.timeutil import today
from beatbook.org.models import Neighbourhood, Person, Posting, Role

from .logins import DEMO_LOGINS


@dataclass(frozen=True)
class EventSeedReport:
    neighbourhoods: int
    held: int
    planned: int
    cancelled: int
    private: int
    seconds: float

    @property
    def events(self) -> int:
        return self.held + self.planned + self.cancelled


@dataclass(frozen=True)
class Template:
    """One kind of event: titles to pick from, when it starts (London time), how long it lasts,
    venues (`{nb}` is the neighbourhood's name), who typically comes and what the public reads."""

    kind: EventKind
    titles: tuple[str, ...]
    start: dt.time
    minutes: int
    venues: tuple[str, ...]
    attendance: tuple[int, int]
    description: str


ONLINE_VENUE = "Online (video call; the link is sent when you register)"
TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        Template(
            EventKind.PUBLIC_MEETING,
            ("Neighbourhood panel: have your say", "Public meeting with your neighbourhood team"),
            dt.time(18, 30),
            90,
            ("{nb} Community Centre, main hall", "St Mark's Church Hall, {nb}"),
            (12, 45),
            "Meet your neighbourhood policing team, hear what we have done since the last meeting and "
            "help set the priorities for the next three months.",
        ),
        Template(
            EventKind.BEAT_SURGERY,
            ("Beat surgery", "Street surgery: talk to your PCSO"),
            dt.time(10, 0),
            120,
            ("{nb} Library, front entrance", "The parade of shops, {nb}", "Market square, {nb}"),
            (6, 30),
            "Drop by with a question or a concern, or to pick up crime prevention advice and property marking kits.",
        ),
        Template(
            EventKind.SCHOOL_VISIT,
            ("Road safety assembly", "Staying safe online: assembly for Years 5 and 6"),
            dt.time(9, 15),
            60,
            ("{nb} Primary School",),
            (60, 220),
            "A visit to the school by the neighbourhood team.",
        ),
        Template(
            EventKind.NEIGHBOURHOOD_WATCH,
            ("Neighbourhood Watch coordinators' meeting",),
            dt.time(19, 0),
            90,
            ("{nb} Village Hall, committee room", "{nb} Community Centre, meeting room 2"),
            (6, 22),
            "For Neighbourhood Watch coordinators and anyone thinking of starting a scheme in their street.",
        ),
        Template(
            EventKind.YOUTH_GROUP,
            ("Youth club drop-in", "Bike maintenance and security session at the youth club"),
            dt.time(18, 0),
            120,
            ("{nb} Youth Centre",),
            (8, 35),
            "The neighbourhood team joins the youth club for the evening: games, bike marking and a chat.",
        ),
        Template(
            EventKind.COMMUNITY_LED,
            ("Community litter pick", "Residents' summer fair", "Coffee morning with your local team"),
            dt.time(11, 0),
            150,
            ("Recreation ground, {nb}", "{nb} Community Centre, car park"),
            (20, 120),
            "A community event run by local residents, with a stall from your neighbourhood team.",
        ),
        Template(
            EventKind.ONLINE,
            ("Online neighbourhood surgery",),
            dt.time(19, 30),
            60,
            (ONLINE_VENUE,),
            (5, 40),
            "Ask your neighbourhood team a question from home.",
        ),
        Template(
            EventKind.PARTNER_MEETING,
            ("Partnership problem-solving meeting", "Community safety partnership tasking"),
            dt.time(14, 0),
            90,
            ("Council offices, {nb}", "{nb} Police Station, meeting room"),
            (6, 14),
            "",
        ),
    )
}

HELD_KINDS = (
    EventKind.PUBLIC_MEETING,
    EventKind.BEAT_SURGERY,
    EventKind.SCHOOL_VISIT,
    EventKind.NEIGHBOURHOOD_WATCH,
    EventKind.YOUTH_GROUP,
    EventKind.COMMUNITY_LED,
)
UPCOMING_PUBLIC_KINDS = (EventKind.BEAT_SURGERY, EventKind.PUBLIC_MEETING, EventKind.ONLINE, EventKind.COMMUNITY_LED)

ISSUES = (
    "Parents parking on the zigzag lines outside the primary school at drop-off and pick-up",
    "Anti-social behaviour in the park after dark: groups drinking and shouting",
    "Speeding on the main road through the estate, worst in the evenings",
    "Drug litter (needles and nitrous oxide canisters) in the alleyway behind the shops",
    "E-scooters ridden fast on the pavement by the shops",
    "Fly-tipping behind the garages",
    "Doorstep scams and cold callers targeting older residents",
    "Bike thefts from the racks outside the flats",
    "Off-road motorbikes on the playing fields",
    "Shed break-ins at the allotments",
    "Groups gathering at the bus shelter late at night and damaging it",
    "Dog fouling on the footpath to the school",
)
FOLLOW_UPS = (
    "Pass the parking concerns to the council's civil enforcement team and do a joint patrol at pick-up time.",
    "Add the park and the alleyway to the evening hot-spot patrols; report the drug litter to the council "
    "for clearance.",
    "Ask the road safety partnership for speed checks; recruit volunteers for Community Speedwatch.",
    "Raise the issues at the next partnership tasking meeting and report back at the next surgery.",
)
NOTES = (
    "Good turnout. Two residents asked for crime prevention visits: arranged.",
    "Several people had not met their PCSO before; leaflets with contact details handed out.",
    "Quiet start, busier after the school run.",
    "Council officer attended and took away the fly-tipping reports.",
)
CANCEL_REASONS = (
    "The venue is closed for repairs; the event will be rearranged.",
    "Officers needed for a major event in the town that day; the event will be rearranged.",
)
HELD_WITHIN_DAYS = 88
UPCOMING_WITHIN_DAYS = 42


def _login_usernames() -> set[str]:
    return {login.username for login in DEMO_LOGINS if login.role == Role.PCSO}


def _active_postings(on: dt.date) -> list[Posting]:
    return list(
        Posting.objects.filter(valid_from__lte=on, person__is_active=True)
        .exclude(valid_to__lt=on)
        .select_related("person")
        .order_by("pk")
    )


@dataclass
class _Crew:
    """Who runs a neighbourhood's events: its PCSO, the supervisor of a team covering it (or the
    PCSO), and the colleagues posted to it."""

    pcso: Person
    supervisor: Person
    colleagues: list[Person]


def _crews(on: dt.date) -> list[tuple[Neighbourhood, _Crew]]:
    postings = _active_postings(on)
    logins = _login_usernames()
    areas = {
        nb.pk: nb
        for nb in Neighbourhood.objects.filter(is_active=True)
        .select_related("force")
        .prefetch_related("teams")
        .order_by("force__name", "code")
    }
    posted: dict[int, list[Posting]] = {}
    for posting in postings:
        if posting.neighbourhood_id in areas:
            posted.setdefault(posting.neighbourhood_id, []).append(posting)
    supervisors: dict[int, Person] = {}
    for posting in postings:
        if posting.role == Role.SUPERVISOR and posting.team_id is not None:
            supervisors.setdefault(posting.team_id, posting.person)
    crews = []
    for nb in areas.values():
        here = posted.get(nb.pk, [])
        pcsos = sorted((p.person for p in here if p.role == Role.PCSO), key=lambda p: (p.username not in logins, p.pk))
        if not pcsos:
            continue
        team_supervisors = [
            supervisors[t.pk] for t in sorted(nb.teams.all(), key=lambda t: t.pk) if t.pk in supervisors
        ]
        colleagues = [p.person for p in here if p.person != pcsos[0] and p.role in (Role.PCSO, Role.OFFICER)]
        crews.append((nb, _Crew(pcsos[0], team_supervisors[0] if team_supervisors else pcsos[0], colleagues)))
    return crews


def _moment(day: dt.date, start: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start))


def _data(
    rng: random.Random, nb: Neighbourhood, template: Template, day: dt.date, officers: list[Person], *, public: bool
) -> services.EventData:
    starts_at = _moment(day, template.start)
    online = template.kind == EventKind.ONLINE
    return services.EventData(
        neighbourhood=nb,
        kind=template.kind,
        title=rng.choice(template.titles),
        description=template.description,
        address=rng.choice(template.venues).format(nb=nb.name),
        lat=None if online else round(nb.centre_lat + rng.uniform(-0.003, 0.003), 6),
        lng=None if online else round(nb.centre_lng + rng.uniform(-0.004, 0.004), 6),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=template.minutes),
        officer_ids=tuple(p.pk for p in officers),
        is_public=public,
    )


def _officers(rng: random.Random, crew: _Crew) -> list[Person]:
    extra = [rng.choice(crew.colleagues)] if crew.colleagues and rng.random() < 0.5 else []
    return [crew.pcso, *extra]


def _seed_neighbourhood(seed: int, nb: Neighbourhood, crew: _Crew, on: dt.date) -> tuple[int, int, int, int]:
    # Deterministic demo data, not secrets: the seeded generator is the point (S311).
    rng = random.Random(f"{seed}:{nb.force.slug}:{nb.code}")  # noqa: S311
    pcso, supervisor = crew.pcso, crew.supervisor
    held = planned = 0
    kinds = list(HELD_KINDS)
    rng.shuffle(kinds)
    for kind, days_ago in zip(
        kinds, sorted(rng.sample(range(4, HELD_WITHIN_DAYS), len(kinds)), reverse=True), strict=True
    ):
        template = TEMPLATES[kind]
        officers = _officers(rng, crew)
        event = services.event_create(
            actor=pcso, data=_data(rng, nb, template, on - dt.timedelta(days=days_ago), officers, public=True)
        )
        services.event_record(
            actor=pcso,
            event=event,
            data=services.EventRecord(
                attendance=rng.randint(*template.attendance),
                issues_raised="\n".join(rng.sample(ISSUES, rng.choice((2, 3)))),
                follow_ups=rng.choice(FOLLOW_UPS),
                notes=rng.choice(NOTES),
                officer_ids=tuple(p.pk for p in officers),
            ),
        )
        held += 1
    upcoming = rng.sample(UPCOMING_PUBLIC_KINDS, rng.choice((2, 3)))
    days_ahead = sorted(rng.sample(range(3, UPCOMING_WITHIN_DAYS), len(upcoming) + 2))
    partner_day = days_ahead.pop(rng.randrange(len(days_ahead)))
    services.event_create(
        actor=supervisor,
        data=_data(
            rng, nb, TEMPLATES[EventKind.PARTNER_MEETING], on + dt.timedelta(days=partner_day), [supervisor, pcso],
            public=False,
        ),
    )  # fmt: skip
    planned += 1
    for kind, days in zip(upcoming, days_ahead, strict=False):
        services.event_create(
            actor=pcso,
            data=_data(rng, nb, TEMPLATES[kind], on + dt.timedelta(days=days), _officers(rng, crew), public=True),
        )
        planned += 1
    to_cancel = services.event_create(
        actor=pcso,
        data=_data(
            rng, nb, TEMPLATES[EventKind.BEAT_SURGERY], on + dt.timedelta(days=days_ahead[-1]), [pcso], public=True
        ),
    )
    services.event_cancel(actor=supervisor, event=to_cancel, reason=rng.choice(CANCEL_REASONS))
    return held, planned, 1, 1


def seed_events(*, seed: int) -> EventSeedReport:
    """Plan, record and cancel the demo events of every neighbourhood with a PCSO (see the module
    doc). One transaction per neighbourhood."""
    started = time.perf_counter()
    on = today()
    held = planned = cancelled = private = 0
    crews = _crews(on)
    for nb, crew in crews:
        with transaction.atomic():
            h, p, c, v = _seed_neighbourhood(seed, nb, crew, on)
        held, planned, cancelled, private = held + h, planned + p, cancelled + c, private + v
    return EventSeedReport(
        neighbourhoods=len(crews),
        held=held,
        planned=planned,
        cancelled=cancelled,
        private=private,
        seconds=time.perf_counter() - started,
    )
