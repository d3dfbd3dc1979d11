"""Demo patrols and hot-spot plans, through the patrols services (so every row is audited).

For the neighbourhood of each demo PCSO login: a hot-spot plan set by a supervisor of that
neighbourhood on the three places where the demo incidents concentrate most (four weeks back,
four weeks on, three visits a day of 10 to 15 minutes), and a fortnight of evening patrols by
the PCSO with visits to those places (some long enough to count, some too short), so that the
plan page shows dosage delivered against planned. Like the incidents, dates run up to the day
the seed runs, so that "today" and "this fortnight" mean something; the same seed and day give
the same patrols.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Avg, Count
from django.utils import timezone

from beatbook.core.timeutil import today
from beatbook.incidents.models import Incident
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person, Role
from beatbook.patrols import services
from beatbook.patrols.models import Mode

from .logins import DEMO_LOGINS

PATROL_DAYS = 14
PLAN_WEEKS = 4


@dataclass(frozen=True)
class PatrolSeedReport:
    plans: int
    patrols: int
    visits: int


def _supervisor_of(nb: Neighbourhood) -> Person | None:
    """A supervisor who plans patrols in the neighbourhood (the demo `supervisor` first)."""
    candidates = Person.objects.filter(force=nb.force, postings__role=Role.SUPERVISOR, is_active=True).distinct()
    for person in sorted(candidates, key=lambda p: (p.username != "supervisor", p.pk)):
        if policy.can(person, policy.Action.PLAN_PATROLS, nb):
            return person
    return None


def _hot_places(nb: Neighbourhood) -> list[services.TargetData]:
    """The three places with the most demo incidents in the neighbourhood, at their mean point."""
    rows = (
        Incident.objects.filter(neighbourhood=nb)
        .exclude(location_text="")
        .values("location_text")
        .annotate(n=Count("id"), lat=Avg("lat"), lng=Avg("lng"))
        .order_by("-n", "location_text")[:3]
    )
    return [
        services.TargetData(label=row["location_text"][:120], lat=round(row["lat"], 6), lng=round(row["lng"], 6))
        for row in rows
    ]


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed_patrols(*, seed: int, end: dt.date | None = None) -> PatrolSeedReport:
    end = end or today()
    rng = random.Random(f"{seed}:patrols")  # noqa: S311 (demo data, not secrets)
    plans = patrols = visits = 0
    for login in DEMO_LOGINS:
        if login.role != Role.PCSO:
            continue
        pcso = Person.objects.get(username=login.username)
        nb = Neighbourhood.objects.select_related("force").get(force__slug=login.force_slug, name=login.area)
        supervisor = _supervisor_of(nb)
        targets = _hot_places(nb)
        if supervisor is None or not targets:
            continue
        plan = services.hotspot_plan_create(
            actor=supervisor,
            data=services.PlanData(
                neighbourhood=nb,
                name="Evening hot spots",
                starts_on=end - dt.timedelta(weeks=PLAN_WEEKS),
                ends_on=end + dt.timedelta(weeks=PLAN_WEEKS),
            ),
            targets=targets,
        )
        plans += 1
        places = list(plan.targets.order_by("id"))
        for back in range(PATROL_DAYS, 0, -1):
            day = end - dt.timedelta(days=back)
            if rng.random() < 0.2:  # rest days
                continue
            start = _at(day, 17, rng.choice((0, 15, 30)))
            patrol = services.patrol_start(
                actor=pcso,
                data=services.PatrolData(
                    neighbourhood=nb, mode=rng.choice((Mode.FOOT, Mode.FOOT, Mode.CYCLE)), started_at=start
                ),
            )
            patrols += 1
            when = start + dt.timedelta(minutes=rng.randint(10, 25))
            for _round in range(rng.randint(1, 2)):
                for place in rng.sample(places, k=len(places)):
                    dwell = rng.choice((4, 8, 11, 12, 13, 15, 16))
                    services.patrol_add_visit(
                        actor=pcso,
                        patrol=patrol,
                        data=services.VisitData(
                            arrived_at=when, left_at=when + dt.timedelta(minutes=dwell), place=place
                        ),
                    )
                    visits += 1
                    when += dt.timedelta(minutes=dwell + rng.randint(12, 30))
            services.patrol_end(actor=pcso, patrol=patrol, ended_at=when + dt.timedelta(minutes=10))
    return PatrolSeedReport(plans=plans, patrols=patrols, visits=visits)
