"""Reads of patrols and hot-spot plans, scoped to the actor in SQL, and the dosage delivered
against a plan.

An actor sees the patrols of the neighbourhoods in their scope (`policy.neighbourhoods_in_scope`)
and those they went on (as the patroller or a named colleague); plans of the neighbourhoods in
their scope. Partner users see neither.

Dosage: a visit counts for a plan's target when it names the target, or else when it lies within
the target's radius (the nearest target wins); it is *delivered* when it lasted at least the
target's `min_minutes`, and *short* otherwise. Minutes are those of the delivered visits. A
visit belongs to the day (Europe/London) it began on. Every dosage read costs a fixed number of
queries, however many targets, visits or people there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.core import geo
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.org.selectors import get_visible

from .models import HotspotPlan, HotspotPlanStatus, HotspotTarget, Patrol, PatrolVisit

# The home page lists at most this many plans (the newest first).
PLANS_ON_HOME = 10


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of a London date, as an aware time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- patrols -------------------------------------------------------------------------------


def patrols_visible_to(actor: policy.Actor) -> QuerySet[Patrol]:
    if not (policy.is_person(actor) or policy.is_system(actor)):
        return Patrol.objects.none()
    scope = Q(neighbourhood__in=policy.neighbourhoods_in_scope(actor).values("pk"))
    if policy.is_person(actor):
        scope |= Q(person=actor) | Q(pk__in=Patrol.colleagues.through.objects.filter(person=actor).values("patrol_id"))
    return (
        Patrol.objects.filter(scope).select_related("force", "neighbourhood", "person").order_by("-started_at", "-id")
    )


def my_patrols(actor: Person) -> QuerySet[Patrol]:
    """The actor's own patrols (as the patroller), newest first."""
    return (
        Patrol.objects.filter(person=actor)
        .select_related("neighbourhood")
        .prefetch_related("colleagues")
        .order_by("-started_at", "-id")
    )


def current_patrol(actor: Person) -> Patrol | None:
    """The patrol the actor is on now (there is at most one)."""
    return Patrol.objects.filter(person=actor, ended_at__isnull=True).select_related("neighbourhood").first()


def patrol_get_for(*, actor: policy.Actor, patrol_id: Any, change: bool = False) -> Patrol:
    """One visible patrol (404 otherwise) with its colleagues and visits loaded; with `change`,
    403 unless the actor may change it."""
    patrols = patrols_visible_to(actor).prefetch_related("colleagues", "visits__place")
    patrol = get_visible(patrols, patrol_id)
    if change and not may_change(actor, patrol):
        raise PermissionDenied(_("You do not have permission to do that."))
    return patrol


def may_change(actor: policy.Actor, patrol: Patrol) -> bool:
    """The patroller (while they still patrol in that force), or a supervisor of the patrol's
    neighbourhood (who plans patrols there). The services check the same rule."""
    if policy.is_person(actor) and patrol.person_id == actor.pk:
        return patrol_neighbourhoods(actor).filter(force_id=patrol.force_id).exists()
    return policy.can(actor, policy.Action.PLAN_PATROLS, patrol)


def patrol_neighbourhoods(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    """Where the actor may start a patrol."""
    return (
        policy.neighbourhoods_for(actor, policy.Action.PATROL).select_related("force").order_by("force__name", "name")
    )


def colleague_choices(*, actor: policy.Actor, force_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[Person]:
    """People the actor can name as colleagues: active people they can see, of these forces
    (ids, or a `values("force_id")` subquery)."""
    people = policy.people_in_scope(actor).filter(force_id__in=force_ids, is_active=True, is_system=False)
    if policy.is_person(actor):
        people = people.exclude(pk=actor.pk)
    return people.order_by("display_name", "id")


def overlapping_patrols(
    *, person_id: int, start: dt.datetime, end: dt.datetime | None, exclude_id: int | None = None
) -> QuerySet[Patrol]:
    """The person's other patrols whose [start, end or now] overlaps [start, end or now].
    Touching ends (one ends as the next starts) do not overlap."""
    now = timezone.now()
    found = Patrol.objects.annotate(until=Coalesce("ended_at", now)).filter(
        person_id=person_id, started_at__lt=end or now, until__gt=start
    )
    return found.exclude(pk=exclude_id) if exclude_id is not None else found


def place_choices(patrol: Patrol, on: dt.date) -> QuerySet[HotspotTarget]:
    """The targets of the plans of the patrol's force running on that date (for "record a visit")."""
    return (
        HotspotTarget.objects.filter(
            force_id=patrol.force_id,
            plan__status=HotspotPlanStatus.ACTIVE,
            plan__starts_on__lte=on,
            plan__ends_on__gte=on,
        )
        .select_related("plan")
        .order_by("plan__name", "label", "id")
    )


# --- hot-spot plans ------------------------------------------------------------------------


def plans_visible_to(actor: policy.Actor) -> QuerySet[HotspotPlan]:
    if not (policy.is_person(actor) or policy.is_system(actor)):
        return HotspotPlan.objects.none()
    return (
        HotspotPlan.objects.filter(neighbourhood__in=policy.neighbourhoods_in_scope(actor).values("pk"))
        .select_related("force", "neighbourhood", "created_by")
        .order_by("-starts_on", "-id")
    )


def planning_neighbourhoods(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    """Where the actor plans patrols (supervisors)."""
    return (
        policy.neighbourhoods_for(actor, policy.Action.PLAN_PATROLS)
        .select_related("force")
        .order_by("force__name", "name")
    )


def plans_for_planner(actor: policy.Actor) -> QuerySet[HotspotPlan]:
    """The plans of the neighbourhoods where the actor plans patrols, newest first."""
    return plans_visible_to(actor).filter(neighbourhood__in=planning_neighbourhoods(actor).values("pk"))


def plan_get_for(*, actor: policy.Actor, plan_id: Any) -> HotspotPlan:
    """One visible plan (404 otherwise), for someone who plans patrols in its neighbourhood
    (403 for others who see it). Its targets come with its dosage (`plan_dosage`)."""
    plan = get_visible(plans_visible_to(actor), plan_id)
    policy.require(actor, policy.Action.PLAN_PATROLS, plan)
    return plan


# --- dosage --------------------------------------------------------------------------------


@dataclass
class TargetDose:
    """A target's dose on one day: planned visits, delivered visits (long enough), short ones,
    and the minutes of the delivered visits."""

    target: HotspotTarget
    planned: int
    delivered: int = 0
    short: int = 0
    minutes: float = 0.0

    @property
    def met(self) -> bool:
        return self.delivered >= self.planned


@dataclass
class PersonDose:
    """What one person delivered at one target over a period."""

    person: Person
    target: HotspotTarget
    delivered: int = 0
    short: int = 0
    minutes: float = 0.0


def _near(targets: Sequence[HotspotTarget]) -> Q:
    """Visits naming one of the targets, or in a box around one (the radius decides later)."""
    found = Q(place_id__in=[t.pk for t in targets])
    for t in targets:
        box = geo.box_around(t.lat, t.lng, t.radius_m)
        found |= Q(lat__gte=box.min_lat, lat__lte=box.max_lat, lng__gte=box.min_lng, lng__lte=box.max_lng)
    return found


def _visits(targets: Sequence[HotspotTarget], start: dt.datetime, end: dt.datetime) -> list[PatrolVisit]:
    """Visits begun in [start, end) that could count for the targets: one query."""
    if not targets:
        return []
    return list(
        PatrolVisit.objects.filter(
            force_id__in={t.force_id for t in targets}, arrived_at__gte=start, arrived_at__lt=end
        )
        .filter(_near(targets))
        .select_related("patrol__person")
        .order_by("arrived_at", "id")
    )


def _target_of(visit: PatrolVisit, targets: Sequence[HotspotTarget]) -> HotspotTarget | None:
    """The target of these (one plan's) that a visit counts for: the one it names, else the
    nearest whose radius holds it."""
    for t in targets:
        if visit.place_id == t.pk:
            return t
    best: tuple[float, HotspotTarget] | None = None
    for t in targets:
        if t.force_id != visit.force_id:
            continue
        distance = geo.distance_m(visit.lat, visit.lng, t.lat, t.lng)
        if distance <= t.radius_m and (best is None or distance < best[0]):
            best = (distance, t)
    return best[1] if best is not None else None


def _tally(dose: TargetDose | PersonDose, visit: PatrolVisit, target: HotspotTarget) -> None:
    if visit.dwell_minutes >= target.min_minutes:
        dose.delivered += 1
        dose.minutes += visit.dwell_minutes
    else:
        dose.short += 1


def plans_dosage(plans: Sequence[HotspotPlan], on: dt.date) -> dict[int, list[TargetDose]]:
    """Per plan (by id), per target: the dose planned and delivered on a date. Two queries (the
    targets, the visits), whatever the number of plans. A plan planned nothing on a date outside
    its dates or once ended."""
    if not plans:
        return {}
    targets = list(HotspotTarget.objects.filter(plan__in=[p.pk for p in plans]).order_by("plan_id", "id"))
    by_plan: dict[int, list[HotspotTarget]] = {p.pk: [] for p in plans}
    for t in targets:
        by_plan[t.plan_id].append(t)
    visits = _visits(targets, start_of(on), start_of(on + dt.timedelta(days=1)))
    result: dict[int, list[TargetDose]] = {}
    for plan in plans:
        runs = plan.runs_on(on)
        doses = {t.pk: TargetDose(target=t, planned=t.visits_per_day if runs else 0) for t in by_plan[plan.pk]}
        for visit in visits:
            target = _target_of(visit, by_plan[plan.pk])
            if target is not None:
                _tally(doses[target.pk], visit, target)
        result[plan.pk] = list(doses.values())
    return result


def plan_dosage(plan: HotspotPlan, on: dt.date) -> list[TargetDose]:
    """Per target of one plan: the dose planned and delivered on a date (two queries)."""
    return plans_dosage([plan], on)[plan.pk]


def person_dosage(plan: HotspotPlan, date_from: dt.date, date_to: dt.date) -> list[PersonDose]:
    """Per patroller and target of a plan, what they delivered between two dates (inclusive),
    by name then target. Two queries. Named colleagues share the patroller's visits and are not
    counted again."""
    targets = list(HotspotTarget.objects.filter(plan=plan).order_by("id"))
    visits = _visits(targets, start_of(date_from), start_of(date_to + dt.timedelta(days=1)))
    doses: dict[tuple[int, int], PersonDose] = {}
    for visit in visits:
        target = _target_of(visit, targets)
        if target is None:
            continue
        person = visit.patrol.person
        dose = doses.setdefault((person.pk, target.pk), PersonDose(person=person, target=target))
        _tally(dose, visit, target)
    return sorted(doses.values(), key=lambda d: (d.person.display_name, d.person.pk, d.target.pk))


@dataclass(frozen=True)
class Visibility:
    neighbourhood: Neighbourhood
    hours: float


def visibility_hours(neighbourhoods: QuerySet[Neighbourhood], date_from: dt.date, date_to: dt.date) -> list[Visibility]:
    """Hours of patrol per neighbourhood between two dates (inclusive): the sum of the patrols'
    durations within the period (a patrol under way counts until now). Two queries."""
    areas = list(neighbourhoods.order_by("name", "id"))
    start, end = start_of(date_from), start_of(date_to + dt.timedelta(days=1))
    now = timezone.now()
    rows = (
        Patrol.objects.filter(neighbourhood__in=[nb.pk for nb in areas], started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .values_list("neighbourhood_id", "started_at", "ended_at")
    )
    seconds: dict[int, float] = {nb.pk: 0.0 for nb in areas}
    for nb_id, started, ended in rows:
        span = min(ended or now, end) - max(started, start)
        seconds[nb_id] += max(0.0, span.total_seconds())
    return [Visibility(neighbourhood=nb, hours=round(seconds[nb.pk] / 3600, 2)) for nb in areas]


@dataclass(frozen=True)
class PlanToday:
    plan: HotspotPlan
    doses: list[TargetDose]


def todays_plans(actor: policy.Actor) -> list[PlanToday]:
    """The active plans running today in the neighbourhoods where the actor patrols, with each
    target's dose so far today (for the home page). Three queries."""
    on = timezone.localdate()
    plans = list(
        HotspotPlan.objects.filter(
            neighbourhood__in=policy.neighbourhoods_for(actor, policy.Action.PATROL).values("pk"),
            status=HotspotPlanStatus.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .select_related("neighbourhood")
        .order_by("-starts_on", "-id")[:PLANS_ON_HOME]
    )
    doses = plans_dosage(plans, on)
    return [PlanToday(plan=plan, doses=doses[plan.pk]) for plan in plans]


@dataclass(frozen=True)
class PatrolFilters:
    """What a patrol list is narrowed to: the actor's own (`mine`), a neighbourhood, London
    dates of the start (inclusive), and under way (`open`) or ended."""

    mine: bool = False
    neighbourhood_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""


def patrols_matching(actor: policy.Actor, filters: PatrolFilters) -> QuerySet[Patrol]:
    """The visible patrols narrowed by the filters (only ever a filter on `patrols_visible_to`)."""
    patrols = patrols_visible_to(actor)
    if filters.mine:
        patrols = patrols.filter(person=actor) if policy.is_person(actor) else patrols.none()
    if filters.neighbourhood_id is not None:
        patrols = patrols.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.date_from is not None:
        patrols = patrols.filter(started_at__gte=start_of(filters.date_from))
    if filters.date_to is not None:
        patrols = patrols.filter(started_at__lt=start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.status == "open":
        patrols = patrols.filter(ended_at__isnull=True)
    elif filters.status == "ended":
        patrols = patrols.filter(ended_at__isnull=False)
    return patrols


def patrol_map(actor: policy.Actor, patrol: Patrol) -> dict[str, Any]:
    """The patrol as GeoJSON ([longitude, latitude]), in the shape of the API's
    `GET /api/v1/patrols/{id}/map`: the GPS trace as a LineString (two points or more), each visit
    as a Point, the targets of the plans of its neighbourhood that ran on the day it started as
    Points with their `radius_m`; `properties.kind` tells them apart."""
    features: list[dict[str, Any]] = []
    trace = patrol.trace or []
    if len(trace) >= 2:
        line = {"type": "LineString", "coordinates": [[p[1], p[0]] for p in trace]}
        features.append({"type": "Feature", "geometry": line, "properties": {"kind": "trace", "points": len(trace)}})
    features.extend(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [v.lng, v.lat]},
            "properties": {
                "kind": "visit",
                "id": v.pk,
                "label": v.label,
                "target": v.place_id,
                "arrived_at": v.arrived_at,
                "left_at": v.left_at,
                "dwell_minutes": round(v.dwell_minutes, 1),
            },
        }
        for v in patrol.visits.all()
    )
    targets = place_choices(patrol, timezone.localdate(patrol.started_at)).filter(
        plan__neighbourhood_id=patrol.neighbourhood_id, plan__in=plans_visible_to(actor).values("pk")
    )
    features.extend(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [t.lng, t.lat]},
            "properties": {
                "kind": "target",
                "id": t.pk,
                "label": t.label,
                "plan": t.plan_id,
                "plan_name": t.plan.name,
                "radius_m": t.radius_m,
                "visits_per_day": t.visits_per_day,
                "min_minutes": t.min_minutes,
                "max_minutes": t.max_minutes,
            },
        }
        for t in targets
    )
    return {"type": "FeatureCollection", "features": features}
