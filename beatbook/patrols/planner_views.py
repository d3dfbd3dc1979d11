"""The hot-spot planner's pages: the planner (cells on a map, the busiest with their peak times,
and a proposed plan to accept or edit), a plan's evaluation (its places before and during it,
beside the rest of the neighbourhood), and a force's planner settings. Thin: forms parse, the
planner computes and reads in the actor's scope, the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import form_status, submit
from beatbook.core.views import boundaries_geojson
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.org.views.common import actor_of, meta_of, posted

from . import planner, planner_services, selectors
from .models import HotspotPlan
from .planner_forms import PlannerForm, PlannerSettingsForm, ProposalPlanForm, ProposalTargetForm, proposal_rows
from .services import PlanData
from .views import patrol_crumbs, plan_crumbs

# The table under the map lists this many cells (the map shows more).
TABLE_CELLS = 20
# A proposed plan runs four weeks from today unless the supervisor changes its dates.
PLAN_DAYS = 28


def _planning_areas(actor: Person) -> QuerySet[Neighbourhood]:
    """Where the actor plans patrols; 403 when nowhere (the planner is for supervisors)."""
    areas = selectors.planning_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    return areas


def _run_of(spots: planner.Hotspots) -> dict[str, Any]:
    """The proposal's plan form, filled: the neighbourhood and parameters, a name and four weeks."""
    today = timezone.localdate()
    return {
        "neighbourhood": spots.neighbourhood.pk,
        "weeks": spots.weeks,
        "cell_m": spots.cell_m,
        "name": _("Hot spots of %(area)s") % {"area": spots.neighbourhood.name},
        # As text: the page shows the value as it is, and a date input's value is YYYY-MM-DD.
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=PLAN_DAYS - 1)).isoformat(),
    }


def _render(
    request: HttpRequest,
    *,
    areas: QuerySet[Neighbourhood],
    query: PlannerForm,
    plan_form: ProposalPlanForm | None = None,
    rows: list[ProposalTargetForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
    spots: planner.Hotspots | None = None
    proposals: list[planner.Proposal] = []
    if query.is_bound and query.is_valid():
        area: Neighbourhood = query.cleaned_data["neighbourhood"]
        defaults = planner.settings_for(area.force)
        spots = planner.hotspots(
            actor,
            neighbourhood=area,
            weeks=query.cleaned_data["weeks"] or defaults.weeks,
            cell_m=query.cleaned_data["cell_m"] or defaults.cell_m,
            weights=defaults.weights(),
        )
        proposals = planner.propose(spots.grid)
        if plan_form is None:
            plan_form = ProposalPlanForm(initial=_run_of(spots), neighbourhoods=areas)
            rows = proposal_rows(None, proposals)
    elif query.is_bound:
        status = 400
    map_data = None
    if spots is not None:
        map_data = boundaries_geojson([spots.neighbourhood])
        map_data["features"] += planner.cell_features(spots)
    context = {
        "query": query,
        "spots": spots,
        "cells": planner.place(spots.grid.cells[:TABLE_CELLS]) if spots is not None else [],
        "map_data": map_data,
        "map_truncated": spots is not None and len(spots.grid.cells) > planner.MAP_CELL_LIMIT,
        "map_cell_limit": planner.MAP_CELL_LIMIT,
        "proposals": proposals,
        "form": plan_form,
        "targets": rows or [],
        "rows_with_errors": [row for row in rows or [] if row.is_bound and row.errors],
        "can_set": policy.forces_where(actor, policy.Action.MANAGE_INCIDENT_RULES).exists(),
        "nav_key": "patrols",
        "breadcrumbs": plan_crumbs((_("Hot-spot planner"), "")),
    }
    return render(request, "patrols/planner.html", context, status=status)


@require_GET
def planner_page(request: HttpRequest) -> HttpResponse:
    """Supervisors: choose a neighbourhood, the weeks and the cell size; see where and when its
    incidents concentrate, and the plan the planner proposes, ready to accept or edit."""
    actor = actor_of(request)
    areas = _planning_areas(actor)
    data = request.GET if "neighbourhood" in request.GET else None
    first = areas.first()
    defaults = planner.settings_for(first.force) if data is None and first is not None else None
    initial = {"weeks": defaults.weeks, "cell_m": defaults.cell_m} if defaults is not None else {}
    return _render(request, areas=areas, query=PlannerForm(data, initial=initial, neighbourhoods=areas))


def _create(actor: Person, request: HttpRequest, form: ProposalPlanForm, rows: list[ProposalTargetForm]) -> HotspotPlan:
    """Make the plan through the service; a place's errors go on its row of the page."""
    chosen = [n for n, row in enumerate(rows) if not row.is_blank()]
    d = form.cleaned_data
    date_from, date_to = planner.window(d["weeks"], timezone.localdate())
    try:
        return planner_services.plan_from_proposal(
            actor=actor,
            data=PlanData(
                neighbourhood=d["neighbourhood"], name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"]
            ),
            targets=[rows[n].target_data() for n in chosen],
            run=planner_services.PlannerRun(weeks=d["weeks"], cell_m=d["cell_m"], date_from=date_from, date_to=date_to),
            meta=meta_of(request),
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        rest: dict[str, Any] = {}
        for key, errors in exc.error_dict.items():
            if key.startswith("targets."):
                _prefix, n, name = key.split(".", 2)
                row = rows[chosen[int(n)]]
                row.add_error(name if name in row.fields else None, errors)
            else:
                rest[key] = errors
        raise ValidationError(rest) from exc


@require_POST
def planner_plan(request: HttpRequest) -> HttpResponse:
    """Create the plan from the proposal as the supervisor left it, then show the plan."""
    actor = actor_of(request)
    areas = _planning_areas(actor)
    form = ProposalPlanForm(request.POST, neighbourhoods=areas)
    rows = proposal_rows(request.POST)
    plan = None
    valid = [row.is_valid() for row in rows]  # every row, so that all their errors show
    if all(valid):
        plan = submit(form, lambda: _create(actor, request, form, rows))
    else:
        form.is_valid()
    if plan is not None:
        messages.success(request, _("The plan “%(name)s” has been made.") % {"name": plan.name})
        return redirect("patrols:plan_detail", plan_id=plan.pk)
    query = PlannerForm(
        {name: request.POST.get(name, "") for name in ("neighbourhood", "weeks", "cell_m")}, neighbourhoods=areas
    )
    return _render(request, areas=areas, query=query, plan_form=form, rows=rows, status=400)


@require_GET
def plan_evaluation(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan's places and the rest of its neighbourhood: incidents in the plan's complete days
    so far against as many days just before it."""
    actor = actor_of(request)
    plan = selectors.plan_get_for(actor=actor, plan_id=plan_id)
    result = planner.evaluate(actor, plan)
    map_data = boundaries_geojson([plan.neighbourhood])
    map_data["features"] += [
        {
            "type": "Feature",
            "id": f"target-{target.pk}",
            "geometry": {"type": "Point", "coordinates": [target.lng, target.lat]},
            "properties": {"name": target.label},
        }
        for target, _change in result.targets
    ]
    context = {
        "plan": plan,
        "result": result,
        "map_data": map_data,
        "nav_key": "patrols",
        "breadcrumbs": plan_crumbs(
            (plan.name, reverse("patrols:plan_detail", kwargs={"plan_id": plan.pk})), (_("Before and during"), "")
        ),
    }
    return render(request, "patrols/planner_evaluation.html", context)


@require_http_methods(["GET", "POST"])
def planner_settings(request: HttpRequest) -> HttpResponse:
    """A force administrator sets the planner's defaults and the weight of each category."""
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.MANAGE_INCIDENT_RULES)
    force = next((f for f in forces if f.slug == request.GET.get("force")), forces[0])
    current = planner.settings_for(force)
    initial = PlannerSettingsForm.initial_from(cell_m=current.cell_m, weeks=current.weeks, weights=current.weights())
    form = PlannerSettingsForm(posted(request), initial=initial)
    saved = submit(
        form,
        lambda: planner_services.planner_settings_update(
            actor=actor, force=force, **form.changes(), meta=meta_of(request)
        ),
    )
    if saved is not None:
        messages.success(request, _("The planner settings for %(force)s have been saved.") % {"force": force.name})
        return redirect(f"{reverse('patrols:planner_settings')}?force={force.slug}")
    context = {
        "form": form,
        "force": force,
        "forces": forces,
        "nav_key": "patrols",
        "breadcrumbs": patrol_crumbs((_("Hot-spot planner settings"), "")),
    }
    return render(request, "patrols/planner_settings.html", context, status=form_status(form))
