"""Patrols, their visits and map; supervisors' hot-spot plans, the dose delivered against them,
and neighbourhoods' visibility hours.

Reads go through `beatbook.patrols.selectors` (scoped to the caller: the patrols of the
neighbourhoods they see, and those they went on); writes through `beatbook.patrols.services`
(which check permission again, validate, refuse overlapping patrols and audit). The access rules
are the pages': a patrol is changed by its patroller or a supervisor of its neighbourhood; plans,
their dosage and visibility hours are for those who plan patrols there (supervisors).

Ending a patrol or changing its notes names the `version` of the patrol it was made on: when
someone else has changed the patrol since, nothing is saved and the answer is 409. A start and a
visit may carry a client `uuid`: sending it again (a retry after a lost answer) returns what was
stored the first time, with 201 as then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import ValidationError as SchemaValidationError

from beatbook.core.pagination import paginate
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Neighbourhood, Person
from beatbook.patrols import selectors, services
from beatbook.patrols.models import HotspotPlan, HotspotPlanStatus, HotspotTarget, Mode, Patrol, PatrolVisit

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import neighbourhood_ref
from .patrol_schemas import (
    MAX_PERIOD_DAYS,
    DosageQuery,
    PatrolDetailOut,
    PatrolEndIn,
    PatrolIn,
    PatrolListItem,
    PatrolListQuery,
    PatrolMapCollection,
    PatrolPatchIn,
    PatrolPersonRef,
    PatrolsPage,
    PatrolVisitOut,
    PeriodQuery,
    PersonDosageOut,
    PersonDoseOut,
    PlanDetailOut,
    PlanDosageOut,
    PlanIn,
    PlanListItem,
    PlansPage,
    TargetDoseOut,
    TargetOut,
    TargetRef,
    VisibilityOut,
    VisitIn,
)
from .schemas import PageQuery

router = Router(tags=["patrols"])

STALE = "409 when the patrol changed since the caller read it (`version` is old): nothing is saved."
CHANGE = "404 when the caller cannot see the patrol; 403 when they see it but may not change it. "
PLANNERS = "404 when the caller cannot see the plan; 403 when they see it but do not plan patrols there. "
# Visibility hours cover this many days, today included, unless dates are given (as on the plans page).
VISIBILITY_DAYS = 7


# ---- Model rows to response schemas (reading only what the selectors loaded) ---------------------


def _person_ref(person: Person) -> PatrolPersonRef:
    return PatrolPersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _minutes(span: dt.timedelta | None) -> float | None:
    return round(span.total_seconds() / 60, 1) if span is not None else None


def _summary(patrol: Patrol) -> dict[str, Any]:
    """The fields of a list item (force, neighbourhood and person joined by the selector)."""
    return {
        "id": patrol.pk,
        "uuid": patrol.uuid,
        "force": patrol.force.slug,
        "neighbourhood": neighbourhood_ref(patrol.neighbourhood),
        "person": _person_ref(patrol.person),
        "mode": Mode(patrol.mode),
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "is_open": patrol.is_open,
        "duration_minutes": _minutes(patrol.duration),
        "version": patrol.version,
    }


def _visit_out(visit: PatrolVisit) -> PatrolVisitOut:
    return PatrolVisitOut(
        id=visit.pk,
        uuid=visit.uuid,
        target=visit.place_id,
        label=visit.label,
        lat=visit.lat,
        lng=visit.lng,
        arrived_at=visit.arrived_at,
        left_at=visit.left_at,
        dwell_minutes=round(visit.dwell_minutes, 1),
    )


def _detail(actor: Person, patrol: Patrol) -> PatrolDetailOut:
    """One patrol as loaded by `selectors.patrol_get_for` (colleagues and visits prefetched)."""
    return PatrolDetailOut(
        **_summary(patrol),
        colleagues=[_person_ref(c) for c in patrol.colleagues.all()],
        notes=patrol.notes,
        trace_points=len(patrol.trace or []),
        can_change=selectors.may_change(actor, patrol),
        created_at=patrol.created_at,
        updated_at=patrol.updated_at,
        visits=[_visit_out(v) for v in patrol.visits.all()],
    )


def _fresh_detail(actor: Person, patrol_id: int) -> PatrolDetailOut:
    return _detail(actor, selectors.patrol_get_for(actor=actor, patrol_id=patrol_id))


def _changeable(actor: Person, patrol_id: int) -> Patrol:
    """The patrol, if the caller may change it: 404 when they cannot see it, 403 when they can."""
    return selectors.patrol_get_for(actor=actor, patrol_id=patrol_id, change=True)


def _matching(actor: Person, query: PatrolListQuery) -> QuerySet[Patrol]:
    return selectors.patrols_matching(
        actor,
        selectors.PatrolFilters(
            mine=query.person == "me",
            neighbourhood_id=query.neighbourhood,
            date_from=query.date_from,
            date_to=query.date_to,
            status=query.status or "",
        ),
    )


def _start_neighbourhood(actor: Person, neighbourhood_id: int) -> Neighbourhood:
    try:
        return org_selectors.get_visible(selectors.patrol_neighbourhoods(actor), neighbourhood_id)
    except Http404 as exc:
        raise ValidationError({"neighbourhood": _("Choose a neighbourhood where you patrol.")}) from exc


def _colleagues(actor: Person, neighbourhood: Neighbourhood, ids: list[int]) -> list[Person]:
    if not ids:
        return []
    found = {
        p.pk: p for p in selectors.colleague_choices(actor=actor, force_ids=[neighbourhood.force_id]).filter(pk__in=ids)
    }
    missing = [pk for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        raise ValidationError(
            {
                "colleagues": _("Not colleagues you can name on this patrol: %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _visit_target(patrol: Patrol, target_id: int | None, arrived_at: dt.datetime) -> HotspotTarget | None:
    """A target of a plan of the patrol's force running on the day of the visit; else a field error."""
    if target_id is None:
        return None
    try:
        return org_selectors.get_visible(selectors.place_choices(patrol, timezone.localdate(arrived_at)), target_id)
    except Http404 as exc:
        raise ValidationError({"target": _("Choose a hot spot of a plan running that day.")}) from exc


# ---- Patrols ------------------------------------------------------------------------------------
@router.get(
    "/patrols",
    response={200: PatrolsPage, **error_responses(401, 422)},
    summary="Patrols visible to the caller, newest first (no notes)",
    description="The patrols of the neighbourhoods the caller sees, and those they went on (as the patroller "
    "or a named colleague). `person=me` keeps the caller's own; a `neighbourhood` the caller does not see "
    "matches nothing; dates are London dates of the start, both inclusive.",
)
def patrol_list(request: HttpRequest, filters: Query[PatrolListQuery]) -> PatrolsPage:
    page = paginate(_matching(actor_of(request), filters), number=filters.page, size=filters.page_size)
    return PatrolsPage(
        items=[PatrolListItem(**_summary(p)) for p in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.post(
    "/patrols",
    response={201: PatrolDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Go on patrol (those who patrol: PCSOs, officers, supervisors)",
    description="In a neighbourhood where the caller patrols (another is 400 on `neighbourhood`). A start that "
    "overlaps another patrol of the caller's (one under way, or one that covered that time), or a time in the "
    "future, is 400 on `started_at`, and nothing is stored. A `uuid` the caller already sent returns that "
    "patrol (201, as the first time); one that another person's patrol has is 400 on `uuid`. 403 for those "
    "who patrol nowhere.",
)
def patrol_start(request: HttpRequest, payload: PatrolIn) -> Status[PatrolDetailOut]:
    actor = actor_of(request)
    if not selectors.patrol_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    neighbourhood = _start_neighbourhood(actor, payload.neighbourhood)
    patrol = services.patrol_start(
        actor=actor,
        data=services.PatrolData(
            neighbourhood=neighbourhood,
            mode=payload.mode,
            started_at=payload.started_at,
            colleagues=tuple(_colleagues(actor, neighbourhood, payload.colleagues)),
            notes=payload.notes,
        ),
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, patrol.pk))


@router.get(
    "/patrols/{int:patrol_id}",
    response={200: PatrolDetailOut, **error_responses(401, 404)},
    summary="One patrol, with its colleagues, notes and visits (and each visit's dwell time)",
)
def patrol_detail(request: HttpRequest, patrol_id: int) -> PatrolDetailOut:
    actor = actor_of(request)
    return _detail(actor, selectors.patrol_get_for(actor=actor, patrol_id=patrol_id))


@router.patch(
    "/patrols/{int:patrol_id}",
    response={200: PatrolDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a patrol's notes",
    description=CHANGE + STALE,
)
def patrol_update(request: HttpRequest, patrol_id: int, payload: PatrolPatchIn) -> PatrolDetailOut:
    actor = actor_of(request)
    patrol = _changeable(actor, patrol_id)
    services.patrol_update_notes(
        actor=actor, patrol=patrol, notes=payload.notes, expected_version=payload.version, meta=meta_of(request)
    )
    return _fresh_detail(actor, patrol.pk)


@router.post(
    "/patrols/{int:patrol_id}/visits",
    response={201: PatrolDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a stop on a patrol (the answer is the whole patrol)",
    description=CHANGE + "Give a hot-spot `target`, a point, or both. Leaving before arriving is 400 on "
    "`left_at`; a visit outside the patrol's time, or in the future, is 400 on its time; a target that is not "
    "one of a plan of the patrol's force running that day is 400 on `target`. A `uuid` already sent for this "
    "patrol stores nothing new. No `version` is needed (a visit overwrites nothing), but the version goes up.",
)
def patrol_add_visit(request: HttpRequest, patrol_id: int, payload: VisitIn) -> Status[PatrolDetailOut]:
    actor = actor_of(request)
    patrol = _changeable(actor, patrol_id)
    services.patrol_add_visit(
        actor=actor,
        patrol=patrol,
        data=services.VisitData(
            arrived_at=payload.arrived_at,
            left_at=payload.left_at,
            lat=payload.lat,
            lng=payload.lng,
            place=_visit_target(patrol, payload.target, payload.arrived_at),
            label=payload.label,
        ),
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, patrol.pk))


@router.post(
    "/patrols/{int:patrol_id}/end",
    response={200: PatrolDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="End a patrol, with the GPS trace if the phone kept one",
    description=CHANGE + STALE + " An end before the start or before the last visit ended, in the future, or "
    "overlapping the patroller's next patrol is 400 on `ended_at`; a patrol already ended too. A trace point "
    "outside the UK or outside the patrol's time is 400 on `trace`.",
)
def patrol_end(request: HttpRequest, patrol_id: int, payload: PatrolEndIn) -> PatrolDetailOut:
    actor = actor_of(request)
    patrol = _changeable(actor, patrol_id)
    trace = [[lat, lng, when.isoformat()] for lat, lng, when in payload.trace] if payload.trace is not None else None
    services.patrol_end(
        actor=actor,
        patrol=patrol,
        ended_at=payload.ended_at,
        trace=trace,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, patrol.pk)


@router.get(
    "/patrols/{int:patrol_id}/map",
    response={200: PatrolMapCollection, **error_responses(401, 404)},
    summary="A patrol as GeoJSON: its GPS trace (a LineString), its visits and the hot spots (Points)",
    description="The hot spots are the targets of the plans of the patrol's neighbourhood that ran on the day "
    "it started, each with its `radius_m`. `properties.kind` is `trace`, `visit` or `target`.",
)
def patrol_map(request: HttpRequest, patrol_id: int) -> PatrolMapCollection:
    actor = actor_of(request)
    return PatrolMapCollection.model_validate(
        selectors.patrol_map(actor, selectors.patrol_get_for(actor=actor, patrol_id=patrol_id))
    )


# ---- Hot-spot plans -----------------------------------------------------------------------------
def _plan_summary(plan: HotspotPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "force": plan.force.slug,
        "neighbourhood": neighbourhood_ref(plan.neighbourhood),
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "status": HotspotPlanStatus(plan.status),
        "created_by": str(plan.created_by),
        "created_at": plan.created_at,
        "ended_at": plan.ended_at,
    }


def _target_out(target: HotspotTarget) -> TargetOut:
    return TargetOut(
        id=target.pk,
        label=target.label,
        lat=target.lat,
        lng=target.lng,
        radius_m=target.radius_m,
        visits_per_day=target.visits_per_day,
        min_minutes=target.min_minutes,
        max_minutes=target.max_minutes,
    )


def _plan_detail(plan: HotspotPlan) -> PlanDetailOut:
    return PlanDetailOut(**_plan_summary(plan), targets=[_target_out(t) for t in plan.targets.order_by("id")])


def _require_planner(actor: Person) -> None:
    if not selectors.planning_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))


@router.get(
    "/hotspot-plans",
    response={200: PlansPage, **error_responses(401, 403, 422)},
    summary="The hot-spot plans of the neighbourhoods where the caller plans patrols, newest first",
    description="403 for those who plan patrols nowhere (supervisors do).",
)
def hotspot_plan_list(request: HttpRequest, paging: Query[PageQuery]) -> PlansPage:
    actor = actor_of(request)
    _require_planner(actor)
    page = paginate(selectors.plans_for_planner(actor), number=paging.page, size=paging.page_size)
    return PlansPage(
        items=[PlanListItem(**_plan_summary(p)) for p in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.post(
    "/hotspot-plans",
    response={201: PlanDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Make a hot-spot plan: the places and each one's daily dose (supervisors)",
    description="For a neighbourhood where the caller plans patrols (another is 400 on `neighbourhood`). A plan "
    "that ends before it starts is 400 on `ends_on`; a place's problems are 400 on `targets.<n>.<field>` (a "
    "point outside the force, a radius over 1000 metres, more than 48 visits a day, a longest visit shorter "
    "than the shortest); no places is 400 on `targets`. 403 for those who plan patrols nowhere.",
)
def hotspot_plan_create(request: HttpRequest, payload: PlanIn) -> Status[PlanDetailOut]:
    actor = actor_of(request)
    _require_planner(actor)
    try:
        neighbourhood = org_selectors.get_visible(selectors.planning_neighbourhoods(actor), payload.neighbourhood)
    except Http404 as exc:
        raise ValidationError({"neighbourhood": _("Choose a neighbourhood where you plan patrols.")}) from exc
    plan = services.hotspot_plan_create(
        actor=actor,
        data=services.PlanData(
            neighbourhood=neighbourhood, name=payload.name, starts_on=payload.starts_on, ends_on=payload.ends_on
        ),
        targets=[
            services.TargetData(
                label=t.label,
                lat=t.lat,
                lng=t.lng,
                radius_m=t.radius_m,
                visits_per_day=t.visits_per_day,
                min_minutes=t.min_minutes,
                max_minutes=t.max_minutes,
            )
            for t in payload.targets
        ],
        meta=meta_of(request),
    )
    return Status(201, _plan_detail(selectors.plan_get_for(actor=actor, plan_id=plan.pk)))


@router.get(
    "/hotspot-plans/{int:plan_id}",
    response={200: PlanDetailOut, **error_responses(401, 403, 404)},
    summary="One hot-spot plan with its places and their doses",
    description=PLANNERS,
)
def hotspot_plan_detail(request: HttpRequest, plan_id: int) -> PlanDetailOut:
    return _plan_detail(selectors.plan_get_for(actor=actor_of(request), plan_id=plan_id))


@router.post(
    "/hotspot-plans/{int:plan_id}/end",
    response={200: PlanDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="End a hot-spot plan early: it leaves the home pages; its record and the visits stay",
    description=PLANNERS + "A plan already ended is 400 on `status`.",
)
def hotspot_plan_end(request: HttpRequest, plan_id: int) -> PlanDetailOut:
    actor = actor_of(request)
    plan = selectors.plan_get_for(actor=actor, plan_id=plan_id)
    services.hotspot_plan_end(actor=actor, plan=plan, meta=meta_of(request))
    return _plan_detail(selectors.plan_get_for(actor=actor, plan_id=plan.pk))


@router.get(
    "/hotspot-plans/{int:plan_id}/dosage",
    response={200: PlanDosageOut, **error_responses(401, 403, 404, 422)},
    summary="Per place of a plan: the visits planned and delivered on a day",
    description=PLANNERS + "A visit counts for a place when it names it or lies within its radius (the nearest "
    "wins), and is delivered when it lasted at least the place's `min_minutes`.",
)
def hotspot_plan_dosage(request: HttpRequest, plan_id: int, query: Query[DosageQuery]) -> PlanDosageOut:
    plan = selectors.plan_get_for(actor=actor_of(request), plan_id=plan_id)
    on = query.on or timezone.localdate()
    return PlanDosageOut(
        plan=plan.pk,
        on=on,
        runs=plan.runs_on(on),
        targets=[
            TargetDoseOut(
                target=_target_out(dose.target),
                planned=dose.planned,
                delivered=dose.delivered,
                short=dose.short,
                minutes=round(dose.minutes, 1),
                met=dose.met,
            )
            for dose in selectors.plan_dosage(plan, on)
        ],
    )


def _period(query: PeriodQuery, default_from: dt.date, default_to: dt.date) -> tuple[dt.date, dt.date]:
    """The query's dates, each defaulting on its own. A period the defaults make back to front or
    too long is a schema error (422) on `date_from`, like one given so."""
    date_from, date_to = query.date_from or default_from, query.date_to or default_to
    if date_from > date_to:
        message = "date_from is after date_to"
    elif (date_to - date_from).days >= MAX_PERIOD_DAYS:
        message = f"the period is longer than {MAX_PERIOD_DAYS} days"
    else:
        return date_from, date_to
    raise SchemaValidationError([{"loc": ("query", "date_from"), "msg": message}])


@router.get(
    "/hotspot-plans/{int:plan_id}/dosage/people",
    response={200: PersonDosageOut, **error_responses(401, 403, 404, 422)},
    summary="Per patroller and place of a plan: what they delivered between two dates",
    description=PLANNERS + "The dates default to the plan's first day and its last day or today, whichever is "
    "earlier. Named colleagues share the patroller's visits and are not counted again.",
)
def hotspot_plan_person_dosage(request: HttpRequest, plan_id: int, query: Query[PeriodQuery]) -> PersonDosageOut:
    plan = selectors.plan_get_for(actor=actor_of(request), plan_id=plan_id)
    until = min(plan.ends_on, timezone.localdate())
    if query.date_from is None and query.date_to is None and until < plan.starts_on:
        until = plan.starts_on  # a plan yet to start: its first day, with nothing delivered
    date_from, date_to = _period(query, plan.starts_on, until)
    doses = selectors.person_dosage(plan, date_from, date_to)
    return PersonDosageOut(
        plan=plan.pk,
        date_from=date_from,
        date_to=date_to,
        items=[
            PersonDoseOut(
                person=_person_ref(dose.person),
                target=TargetRef(id=dose.target.pk, label=dose.target.label),
                delivered=dose.delivered,
                short=dose.short,
                minutes=round(dose.minutes, 1),
            )
            for dose in doses
        ],
    )


@router.get(
    "/neighbourhoods/{int:neighbourhood_id}/visibility",
    response={200: VisibilityOut, **error_responses(401, 403, 404, 422)},
    summary="Hours of patrol in a neighbourhood between two dates (those who plan patrols there)",
    description="404 when the caller cannot see the neighbourhood; 403 when they see it but do not plan "
    f"patrols there. The dates default to the last {VISIBILITY_DAYS} days, today included; a patrol under way "
    "counts until now.",
)
def neighbourhood_visibility(request: HttpRequest, neighbourhood_id: int, query: Query[PeriodQuery]) -> VisibilityOut:
    actor = actor_of(request)
    neighbourhood = org_selectors.neighbourhood_get_for(
        actor=actor, neighbourhood_id=neighbourhood_id, action=policy.Action.PLAN_PATROLS
    )
    today = timezone.localdate()
    default_to = query.date_to or today
    date_from, date_to = _period(query, default_to - dt.timedelta(days=VISIBILITY_DAYS - 1), today)
    (row,) = selectors.visibility_hours(
        selectors.planning_neighbourhoods(actor).filter(pk=neighbourhood.pk), date_from, date_to
    )
    return VisibilityOut(
        neighbourhood=neighbourhood_ref(neighbourhood), date_from=date_from, date_to=date_to, hours=row.hours
    )
