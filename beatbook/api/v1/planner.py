"""The hot-spot planner: a neighbourhood's cells with their counts and peak times (GeoJSON), the
plan it proposes, a plan made from the proposal, a plan's evaluation, and each force's planner
settings.

Reads go through `beatbook.patrols.planner` (which streams the incidents the caller sees) after
`org.selectors.neighbourhood_get_for` has checked that the caller plans patrols in the
neighbourhood (404 when they do not see it, 403 when they see it but plan nothing there); writes
through `beatbook.patrols.planner_services` (the plan itself through `hotspot_plan_create`, with
its rules and its audit event).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from beatbook.incidents.reference import Category
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Force, Neighbourhood, Person
from beatbook.patrols import planner, planner_services
from beatbook.patrols import selectors as patrol_selectors
from beatbook.patrols.models import HotspotPlan, HotspotPlanStatus
from beatbook.patrols.services import PlanData, TargetData

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import neighbourhood_ref
from .planner_schemas import (
    PlannerCellOut,
    PlannerCellsOut,
    PlannerChangeOut,
    PlannerEvaluationOut,
    PlannerPlanIn,
    PlannerPlanOut,
    PlannerProposalOut,
    PlannerProposalQuery,
    PlannerProposedTarget,
    PlannerQuery,
    PlannerSettingsIn,
    PlannerSettingsOut,
    PlannerTargetChangeOut,
    PlannerTargetOut,
)

router = Router(tags=["hot-spot planner"])

WHERE = (
    "404 when the caller cannot see the neighbourhood; 403 when they see it but do not plan patrols there "
    "(supervisors plan them)."
)


def _planning(actor: Person, neighbourhood_id: int) -> Neighbourhood:
    return org_selectors.neighbourhood_get_for(
        actor=actor, neighbourhood_id=neighbourhood_id, action=policy.Action.PLAN_PATROLS
    )


def _hotspots(actor: Person, query: PlannerQuery) -> planner.Hotspots:
    area = _planning(actor, query.neighbourhood)
    defaults = planner.settings_for(area.force)
    return planner.hotspots(
        actor,
        neighbourhood=area,
        weeks=query.weeks or defaults.weeks,
        cell_m=query.cell_m or defaults.cell_m,
        weights=defaults.weights(),
    )


@router.get(
    "/planner/cells",
    response={200: PlannerCellsOut, **error_responses(401, 403, 404, 422)},
    summary="Where a neighbourhood's incidents of the last weeks concentrate: grid cells as GeoJSON",
    description="Squares of the British National Grid (`cell_m` metres a side) holding the neighbourhood's "
    "incidents of the last `weeks` weeks, busiest first (by score: the incidents weighed by category, then by "
    "count), each with its count, score and busiest hours and days (London time). At most "
    f"{planner.MAP_CELL_LIMIT:,} cells; `truncated` says when there were more. " + WHERE,
)
def planner_cells(request: HttpRequest, query: Query[PlannerQuery]) -> PlannerCellsOut:
    spots = _hotspots(actor_of(request), query)
    return PlannerCellsOut.model_validate(
        {
            "type": "FeatureCollection",
            "features": planner.cell_features(spots),
            "neighbourhood": neighbourhood_ref(spots.neighbourhood),
            "weeks": spots.weeks,
            "cell_m": spots.cell_m,
            "date_from": spots.date_from,
            "date_to": spots.date_to,
            "incidents": spots.grid.incidents,
            "cells": len(spots.grid.cells),
            "truncated": len(spots.grid.cells) > planner.MAP_CELL_LIMIT,
        }
    )


@router.get(
    "/planner/proposal",
    response={200: PlannerProposalOut, **error_responses(401, 403, 404, 422)},
    summary="The plan the planner proposes for a neighbourhood: its busiest cells as places to visit",
    description="The `top` busiest cells that score anything, each as a place at the cell's centre with a radius "
    f"that holds the cell and the Koper curve's dose ({planner.KOPER_VISITS_PER_DAY} visits a day of "
    f"{planner.KOPER_MIN_MINUTES} to {planner.KOPER_MAX_MINUTES} minutes). Nothing is stored: send the places, "
    "as they are or edited, to `POST /planner/plans`. " + WHERE,
)
def planner_proposal(request: HttpRequest, query: Query[PlannerProposalQuery]) -> PlannerProposalOut:
    spots = _hotspots(actor_of(request), query)
    targets = [
        PlannerProposedTarget(
            label=p.label,
            lat=p.lat,
            lng=p.lng,
            radius_m=p.radius_m,
            visits_per_day=p.visits_per_day,
            min_minutes=p.min_minutes,
            max_minutes=p.max_minutes,
            cell=PlannerCellOut(
                grid_reference=p.cell.grid_reference,
                count=p.cell.incidents,
                score=round(p.cell.score, 2),
                peak_hours=list(p.cell.peak_hours),
                peak_days=list(p.cell.peak_days),
            ),
        )
        for p in planner.propose(spots.grid, top=query.top)
    ]
    return PlannerProposalOut(
        neighbourhood=neighbourhood_ref(spots.neighbourhood),
        weeks=spots.weeks,
        cell_m=spots.cell_m,
        date_from=spots.date_from,
        date_to=spots.date_to,
        incidents=spots.grid.incidents,
        targets=targets,
    )


def _plan_out(plan: HotspotPlan) -> PlannerPlanOut:
    return PlannerPlanOut(
        id=plan.pk,
        name=plan.name,
        neighbourhood=neighbourhood_ref(plan.neighbourhood),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        status=HotspotPlanStatus(plan.status),
        targets=[
            PlannerTargetOut(
                id=t.pk,
                label=t.label,
                lat=t.lat,
                lng=t.lng,
                radius_m=t.radius_m,
                visits_per_day=t.visits_per_day,
                min_minutes=t.min_minutes,
                max_minutes=t.max_minutes,
            )
            for t in plan.targets.order_by("id")
        ],
    )


@router.post(
    "/planner/plans",
    response={201: PlannerPlanOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Make a hot-spot plan from the planner's proposal (supervisors)",
    description="The places as the caller accepted or edited them, with the weeks and cell size the proposal was "
    "made with: they are recorded with the plan's audit event. The plan's rules are those of any plan (at least one "
    "place, at most 20, each inside the force, a radius of 1 to 1,000 metres, the shortest visit no longer than the "
    "longest, the plan not ending before it starts): 400 with the field, `targets.<n>.<field>` for a place. " + WHERE,
)
def planner_plan_create(request: HttpRequest, payload: PlannerPlanIn) -> Status[PlannerPlanOut]:
    actor = actor_of(request)
    area = _planning(actor, payload.neighbourhood)
    date_from, date_to = planner.window(payload.weeks, timezone.localdate())
    plan = planner_services.plan_from_proposal(
        actor=actor,
        data=PlanData(neighbourhood=area, name=payload.name, starts_on=payload.starts_on, ends_on=payload.ends_on),
        targets=[TargetData(**t.model_dump()) for t in payload.targets],
        run=planner_services.PlannerRun(
            weeks=payload.weeks, cell_m=payload.cell_m, date_from=date_from, date_to=date_to
        ),
        meta=meta_of(request),
    )
    return Status(201, _plan_out(plan))


def _change(change: planner.Change) -> PlannerChangeOut:
    return PlannerChangeOut(
        before=change.before, during=change.during, difference=change.difference, percent=change.percent
    )


@router.get(
    "/hotspot-plans/{int:plan_id}/evaluation",
    response={200: PlannerEvaluationOut, **error_responses(401, 403, 404)},
    summary="A plan's places and the rest of its neighbourhood, before and during the plan",
    description="Incidents within the targets' radii (one counted for the nearest target when radii overlap) and "
    "in the rest of the plan's neighbourhood, in the plan's complete days so far against as many days just before "
    "it, with the change in %. A comparison, not evidence that the plan caused a change: places chosen for being "
    "busy tend to be quieter afterwards anyway (regression to the mean). 404 when the caller cannot see the plan; "
    "403 when they see it but do not plan patrols in its neighbourhood.",
)
def planner_plan_evaluation(request: HttpRequest, plan_id: int) -> PlannerEvaluationOut:
    actor = actor_of(request)
    plan = patrol_selectors.plan_get_for(actor=actor, plan_id=plan_id)
    result = planner.evaluate(actor, plan)
    return PlannerEvaluationOut(
        plan=plan.pk,
        neighbourhood=neighbourhood_ref(plan.neighbourhood),
        days=result.days,
        before_from=result.before_from,
        before_to=result.before_to,
        during_from=result.during_from,
        during_to=result.during_to,
        places=_change(result.places),
        rest=_change(result.rest),
        whole=_change(result.neighbourhood),
        targets=[
            PlannerTargetChangeOut(target=t.pk, label=t.label, **_change(change).model_dump())
            for t, change in result.targets
        ],
    )


def _settings_out(force: Force) -> PlannerSettingsOut:
    current = planner.settings_for(force)
    return PlannerSettingsOut(
        force=force.slug, cell_m=current.cell_m, weeks=current.weeks, category_weights=current.weights()
    )


@router.get(
    "/forces/{slug}/planner-settings",
    response={200: PlannerSettingsOut, **error_responses(401, 404)},
    summary="A force's hot-spot planner settings: default cell size and weeks, and each category's weight",
    description="The defaults (100 m cells, 12 weeks, every category weighing 1) until the force sets its own.",
)
def planner_settings_detail(request: HttpRequest, slug: str) -> PlannerSettingsOut:
    return _settings_out(org_selectors.force_get_for(actor=actor_of(request), slug=slug))


@router.put(
    "/forces/{slug}/planner-settings",
    response={200: PlannerSettingsOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set a force's hot-spot planner settings (force administrators)",
    description="Replaces them all: a category left out of `category_weights` weighs 1. 404 when the caller cannot "
    "see the force; 403 when they are not its administrator.",
)
def planner_settings_update(request: HttpRequest, slug: str, payload: PlannerSettingsIn) -> PlannerSettingsOut:
    actor = actor_of(request)
    force = org_selectors.force_get_for(actor=actor, slug=slug, action=policy.Action.MANAGE_INCIDENT_RULES)
    given = {Category(key).value: weight for key, weight in payload.category_weights.items()}
    planner_services.planner_settings_update(
        actor=actor,
        force=force,
        cell_m=payload.cell_m,
        weeks=payload.weeks,
        category_weights={c: given.get(c, 1.0) for c in Category.values},
        meta=meta_of(request),
    )
    return _settings_out(force)
