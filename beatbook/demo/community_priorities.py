"""Demo neighbourhood priorities ("you said, we did"), through the community services (so every
write is checked and audited). Runs after the demo engagement events.

`seed_priorities(seed=...)`: in the neighbourhood of each demo PCSO login (`pcso`,
`pcso.cumbria`, `pcso.derbyshire`), three or four priorities owned by that PCSO, dated from the
day the seed runs:

* most are set from an issue raised at one of the neighbourhood's held engagement events (the
  event's own words, linked back to it, set on the event's day or a day or two after); where the
  neighbourhood has too few held events with issues raised (or none old enough), the priority is
  set without a source, from a list of typical issues;
* each has one to four actions over time, in date order, by the PCSO and now and then the
  supervisor of a team covering the neighbourhood; some are internal (never public);
* one is open with no update for longer than the force's review period (its date set and its
  actions are older than the period), so that it is flagged to the PCSO and the supervisor on
  their home pages;
* one is resolved by the supervisor (or the PCSO) with its outcome;
* all but the newest are published.

Deterministic: one `random.Random` per neighbourhood, seeded from the seed and the
neighbourhood's force and code; the same seed on the same day (and the same events) gives the
same priorities.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from beatbook.community.models import EngagementEvent, EventStatus, Priority, PriorityStatus
from beatbook.community.selectors import priorities as selectors
from beatbook.community.services import priorities as services
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person, Posting, Role

from .logins import DEMO_LOGINS

# Issues for priorities set without an event (the neighbourhood had too few held ones).
ISSUES = (
    "Cars parked on the pavement and across dropped kerbs near the shops",
    "Anti-social behaviour on the recreation ground in the evenings",
    "Speeding on the road past the primary school",
    "Drug dealing reported near the car park by the station",
    "Shoplifting and abuse of staff at the parade of shops",
)
# What was done, by a word in the issue; GENERAL for an issue no word matches.
ACTIONS: dict[str, tuple[str, ...]] = {
    "park": (
        "Evening foot patrols of the park added to the hot-spot plan, three nights a week.",
        "Dispersal advice given to a group drinking by the play area; alcohol poured away.",
        "The council has agreed to repair the broken lighting on the main path.",
    ),
    "speed": (
        "Speed checks with the road safety partnership: 14 drivers warned, 3 reported.",
        "Community Speedwatch volunteers trained and out twice a week at peak times.",
        "Vehicle-activated sign requested from the highways authority.",
    ),
    "parking": (
        "Joint patrol with the council's civil enforcement officers at pick-up time.",
        "Letter to parents sent with the school explaining the zigzag lines.",
        "Warning notices placed on repeatedly parked vehicles.",
    ),
    "drug": (
        "The council cleared the drug litter and fitted a gate to the alleyway.",
        "Extra patrols at the times residents reported; two people stopped and searched.",
        "Information passed to the local drugs team.",
    ),
    "scooter": (
        "E-scooter riders stopped and advised; two scooters seized under section 59.",
        "Awareness stall with leaflets on the law on private e-scooters.",
    ),
    "tipping": (
        "Fly-tipping reported to the council for removal and investigation.",
        "Crime prevention camera request made to the council.",
    ),
    "scam": (
        "Scams awareness talk at the lunch club; 30 people attended.",
        "No-cold-calling zone stickers given out door to door.",
    ),
    "bike": (
        "Bike marking session outside the flats: 22 bikes registered.",
        "Landlord asked to move the racks into the lit, covered area.",
    ),
    "motorbike": (
        "Off-road bikes reported to the roads policing team; one seized.",
        "Barriers at the field entrances agreed with the council.",
    ),
    "shed": (
        "Shed security advice and alarms given out at the allotments.",
        "Allotment association set up a key holders' rota and a WhatsApp group.",
    ),
    "shelter": (
        "Late evening patrols at the bus shelter; the group moved on and advised.",
        "Damage reported to the bus company for repair.",
    ),
    "dog": (
        "Dog warden patrols on the footpath arranged with the council.",
        "New signs and bins put up on the footpath.",
    ),
}
GENERAL = (
    "High-visibility patrols at the times and places residents reported.",
    "Issue raised at the partnership tasking meeting; the council is leading on the environmental side.",
    "Update given at the beat surgery; residents report fewer problems.",
)
INTERNAL = (
    "Intelligence report submitted on the people named by residents.",
    "Discussed at the neighbourhood tasking meeting: patrol plan agreed with the response sergeant.",
    "Repeat callers contacted by phone to check how things are.",
    "Shared with the council's ASB officer; they are checking the CCTV coverage.",
)
OUTCOMES = (
    "Fewer reports over the last six weeks; residents at the surgery say it is much better. Resolved, "
    "with patrols continuing as part of the normal plan.",
    "The works are done and no new reports since; resolved with the residents' agreement.",
)
# How far beyond the review period the stale priority's last update lies (days).
STALE_MARGIN = (10, 30)


@dataclass(frozen=True)
class PrioritySeedReport:
    neighbourhoods: int
    priorities: int
    from_events: int
    actions: int
    internal_actions: int
    published: int
    resolved: int
    due_for_review: int
    seconds: float


@dataclass
class _Counts:
    actions: int = 0
    internal: int = 0


def _demo_pcsos() -> list[tuple[Person, Neighbourhood]]:
    """Each demo PCSO login with the neighbourhood it is posted to (if both exist and it may set
    priorities there)."""
    found = []
    for login in DEMO_LOGINS:
        if login.role != Role.PCSO:
            continue
        person = Person.objects.filter(username=login.username, is_active=True).first()
        nb = (
            Neighbourhood.objects.select_related("force")
            .filter(force__slug=login.force_slug, name=login.area, is_active=True)
            .first()
        )
        if person is not None and nb is not None and policy.can(person, policy.Action.ENGAGE, nb):
            found.append((person, nb))
    return found


def _supervisor(nb: Neighbourhood, fallback: Person) -> Person:
    """The supervisor of a team covering the neighbourhood (the demo login first), or `fallback`."""
    on = today()
    teams = policy.TeamArea.objects.filter(neighbourhood_id=nb.pk).values("team_id")
    postings = (
        Posting.objects.filter(role=Role.SUPERVISOR, valid_from__lte=on, person__is_active=True)
        .exclude(valid_to__lt=on)
        .filter(Q(team_id__in=teams) | Q(neighbourhood_id=nb.pk))
        .select_related("person")
    )
    people = sorted({p.person for p in postings}, key=lambda p: (p.username != "supervisor", p.pk))
    return next((p for p in people if policy.can(p, policy.Action.ENGAGE, nb)), fallback)


def _event_day(event: EngagementEvent) -> dt.date:
    return timezone.localtime(event.starts_at).date()


def _actions_for(issue: str) -> tuple[str, ...]:
    words = issue.lower()
    for word, texts in ACTIONS.items():
        if word in words:
            return texts
    return GENERAL


class _Neighbourhood:
    """The priorities of one neighbourhood (see the module doc)."""

    def __init__(self, seed: int, pcso: Person, nb: Neighbourhood) -> None:
        # Deterministic demo data, not secrets: the seeded generator is the point (S311).
        self.rng = random.Random(f"{seed}:priorities:{nb.force.slug}:{nb.code}")  # noqa: S311
        self.pcso, self.nb = pcso, nb
        self.supervisor = _supervisor(nb, pcso)
        self.on = today()
        self.period = selectors.review_days_of(nb.force_id)
        held = EngagementEvent.objects.filter(neighbourhood=nb, status=EventStatus.HELD, starts_at__lte=timezone.now())
        self.events = [e for e in held.exclude(issues_raised="").order_by("starts_at", "id") if e.issue_lines]
        self.used_issues: set[str] = set()
        self.counts = _Counts()

    def _issue_of(self, event: EngagementEvent | None) -> str:
        lines = [line for line in (event.issue_lines if event else ISSUES) if line not in self.used_issues]
        issue = self.rng.choice(lines or list(ISSUES))
        self.used_issues.add(issue)
        return issue

    def _take_event(self, *, latest_day: dt.date, newest: bool = False) -> EngagementEvent | None:
        """The oldest (or newest) unused held event on or before `latest_day`, or None."""
        for event in reversed(self.events) if newest else self.events:
            if _event_day(event) <= latest_day:
                self.events.remove(event)
                return event
        return None

    def _priority(self, *, set_on: dt.date, event: EngagementEvent | None, published: bool) -> Priority:
        return services.priority_create(
            actor=self.pcso,
            neighbourhood=self.nb,
            issue=self._issue_of(event),
            set_on=set_on,
            source_event=event,
            is_published=published,
        )

    def _act(self, priority: Priority, days: list[dt.date], *, internal_one: bool) -> None:
        """Actions on these days (oldest first); with `internal_one`, one of them is internal and
        recorded by the supervisor."""
        texts = list(_actions_for(priority.issue))
        self.rng.shuffle(texts)
        internal_at = self.rng.randrange(len(days)) if internal_one else -1
        for n, day in enumerate(sorted(days)):
            internal = n == internal_at
            text = self.rng.choice(INTERNAL) if internal else (texts[n % len(texts)])
            services.priority_add_action(
                actor=self.supervisor if internal else self.pcso,
                priority=priority,
                taken_on=day,
                text=text,
                is_public=not internal,
            )
            self.counts.actions += 1
            self.counts.internal += int(internal)

    def _days_between(self, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
        span = max((last - first).days, 0)
        return [first + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(count)]

    def build(self) -> list[Priority]:
        rng, on, period = self.rng, self.on, self.period
        made = []
        # 1. Open, and no update for longer than the review period: flagged.
        stale_update = on - dt.timedelta(days=period + rng.randint(*STALE_MARGIN))
        event = self._take_event(latest_day=stale_update - dt.timedelta(days=1))
        if event is not None:
            set_on = min(stale_update, _event_day(event) + dt.timedelta(days=rng.randint(0, 2)))
        else:
            set_on = stale_update - dt.timedelta(days=rng.randint(7, 21))
        stale = self._priority(set_on=set_on, event=event, published=True)
        self._act(stale, [stale_update], internal_one=False)
        made.append(stale)
        # 2. Resolved, 3. in progress and, for some neighbourhoods, 4. new and not yet published.
        plans = [("resolved", 3, True), ("active", rng.randint(1, 4), True)]
        if rng.random() < 0.5:
            plans.append(("new", 1, False))
        for kind, actions, published in plans:
            event = self._take_event(latest_day=on, newest=kind == "new")
            start = _event_day(event) if event is not None else on - dt.timedelta(days=rng.randint(20, 60))
            set_on = min(on, start + dt.timedelta(days=rng.randint(0, 2)))
            priority = self._priority(set_on=set_on, event=event, published=published)
            self._act(priority, self._days_between(set_on, on, actions), internal_one=kind != "new" and actions > 1)
            if kind == "resolved":
                services.priority_set_status(
                    actor=self.supervisor,
                    priority=priority,
                    status=PriorityStatus.RESOLVED,
                    reason=rng.choice(OUTCOMES),
                )
            made.append(priority)
        return made


def seed_priorities(*, seed: int) -> PrioritySeedReport:
    """Set, update, resolve and publish the demo priorities (see the module doc). One transaction
    per neighbourhood."""
    started = time.perf_counter()
    made: list[Priority] = []
    counts = _Counts()
    pairs = _demo_pcsos()
    for pcso, nb in pairs:
        with transaction.atomic():
            builder = _Neighbourhood(seed, pcso, nb)
            made += builder.build()
        counts.actions += builder.counts.actions
        counts.internal += builder.counts.internal
    ids = [p.pk for p in made]
    rows = Priority.objects.filter(pk__in=ids)
    return PrioritySeedReport(
        neighbourhoods=len(pairs),
        priorities=len(made),
        from_events=rows.filter(source_event__isnull=False).count(),
        actions=counts.actions,
        internal_actions=counts.internal,
        published=rows.filter(is_published=True).count(),
        resolved=rows.filter(status=PriorityStatus.RESOLVED).count(),
        due_for_review=selectors.due_for_review(rows).count(),
        seconds=time.perf_counter() - started,
    )
