"""Shared makers for the patrol tests: patrols, visits and plans on a fixed past day, through
the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beatbook.core.testing import World
from beatbook.org.models import Neighbourhood
from beatbook.patrols import services
from beatbook.patrols.models import HotspotPlan, HotspotTarget, Patrol, PatrolVisit
from beatbook.patrols.selectors import start_of

# Two places in A1 (City Centre, centred 52.205, 0.119), about 500 metres apart.
MARKET = services.TargetData(label="Market square", lat=52.205, lng=0.119)
BUS_STATION = services.TargetData(label="Bus station", lat=52.208, lng=0.125, visits_per_day=2)
METRES_LAT = 1 / 111_195  # degrees of latitude in a metre


def day() -> dt.date:
    """A day in the past that every test works on (two days ago, London time)."""
    return timezone.localdate() - dt.timedelta(days=2)


def at(hour: int, minute: int = 0, *, on: dt.date | None = None) -> dt.datetime:
    return start_of(on or day()) + dt.timedelta(hours=hour, minutes=minute)


def start(
    world: World,
    who: str = "alice",
    *,
    when: dt.datetime | None = None,
    neighbourhood: Neighbourhood | None = None,
    **kw: Any,
) -> Patrol:
    return services.patrol_start(
        actor=getattr(world, who),
        data=services.PatrolData(neighbourhood=neighbourhood or world.a1, started_at=when or at(9), **kw),
    )


def end(world: World, patrol: Patrol, when: dt.datetime | None = None, who: str = "alice", **kw: Any) -> Patrol:
    return services.patrol_end(actor=getattr(world, who), patrol=patrol, ended_at=when or at(17), **kw)


def visit(
    world: World,
    patrol: Patrol,
    arrived: dt.datetime,
    minutes: float,
    *,
    place: HotspotTarget | None = None,
    lat: float | None = None,
    lng: float | None = None,
    who: str = "alice",
) -> PatrolVisit:
    data = services.VisitData(
        arrived_at=arrived, left_at=arrived + dt.timedelta(minutes=minutes), lat=lat, lng=lng, place=place
    )
    return services.patrol_add_visit(actor=getattr(world, who), patrol=patrol, data=data)


def plan(
    world: World,
    who: str = "bob",
    *,
    neighbourhood: Neighbourhood | None = None,
    targets: list[services.TargetData] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> HotspotPlan:
    today = timezone.localdate()
    return services.hotspot_plan_create(
        actor=getattr(world, who),
        data=services.PlanData(
            neighbourhood=neighbourhood or world.a1,
            name="City centre evenings",
            starts_on=starts_on or today - dt.timedelta(days=7),
            ends_on=ends_on or today + dt.timedelta(days=30),
        ),
        targets=targets if targets is not None else [MARKET, BUS_STATION],
    )


def targets_of(p: HotspotPlan) -> tuple[HotspotTarget, HotspotTarget]:
    first, second = p.targets.order_by("id")
    return first, second
