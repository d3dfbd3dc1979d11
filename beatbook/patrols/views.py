"""Patrol pages: my patrols, start one, record visits, end it; supervisors' hot-spot plans with
the dosage delivered against them. Thin: forms parse, services decide and write, selectors read
in the actor's scope."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.views import boundaries_geojson
from beatbook.org.models import Neighbourhood
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from . import selectors, services
from .forms import EndForm, NotesForm, PlanForm, StartForm, VisitForm, target_forms
from .models import HotspotPlan, Patrol

# The plans page shows visibility hours over this many days, today included.
VISIBILITY_DAYS = 7


def patrol_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Patrols"), reverse("patrols:index")), *trail)


def plan_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return patrol_crumbs((_("Hot-spot plans"), reverse("patrols:plans")), *trail)


def _client_uuid(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


def _start_form(request: HttpRequest, data: Any = None) -> StartForm:
    actor = actor_of(request)
    areas = selectors.patrol_neighbourhoods(actor)
    colleagues = selectors.colleague_choices(actor=actor, force_ids=areas.values("force_id"))
    return StartForm(data, neighbourhoods=areas, colleagues=colleagues)


def _visit_form(patrol: Patrol, data: Any = None) -> VisitForm:
    return VisitForm(data, places=selectors.place_choices(patrol, timezone.localdate()))


def _render_index(request: HttpRequest, *, status: int = 200, start_form: StartForm | None = None) -> HttpResponse:
    actor = actor_of(request)
    current = selectors.current_patrol(actor)
    can_patrol = selectors.patrol_neighbourhoods(actor).exists()
    context = {
        "page": paginate(selectors.my_patrols(actor), number=parse_positive_int(request.GET.get("page"), 1)),
        "current": current,
        "can_patrol": can_patrol,
        "can_plan": selectors.planning_neighbourhoods(actor).exists(),
        "start_form": (start_form or _start_form(request)) if can_patrol and current is None else None,
        "visit_form": _visit_form(current) if current is not None else None,
        "end_form": EndForm(initial={"version": current.version}) if current is not None else None,
        "client_uuid": uuid.uuid4(),
        "nav_key": "patrols",
        "breadcrumbs": crumbs((_("Patrols"), "")),
    }
    return render(request, "patrols/index.html", context, status=status)


@require_GET
def patrol_index(request: HttpRequest) -> HttpResponse:
    """My patrols: the one under way (record a visit, end it) or a form to start one, and the list."""
    return _render_index(request)


@require_POST
def patrol_start(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not selectors.patrol_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    form = _start_form(request, request.POST)
    client_uuid = _client_uuid(request)
    patrol = submit(
        form,
        lambda: services.patrol_start(
            actor=actor, data=form.patrol_data(), client_uuid=client_uuid, meta=meta_of(request)
        ),
    )
    if patrol is not None:
        messages.success(request, _("You are on patrol. Record your visits as you go."))
        return redirect("patrols:index")
    return _render_index(request, status=400, start_form=form)


@require_GET
def patrol_detail(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """One patrol: what it was, its visits, a map of its route, visits and hot spots (drawn from
    `patrol_map_geojson`), and, for who may change it, the forms to record, end and annotate it."""
    patrol = selectors.patrol_get_for(actor=actor_of(request), patrol_id=patrol_id)
    return _render_detail(request, patrol)


def _render_detail(request: HttpRequest, patrol: Patrol, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    can_change = selectors.may_change(actor, patrol)
    version = {"version": patrol.version}
    context = {
        "patrol": patrol,
        "boundaries": boundaries_geojson([patrol.neighbourhood]),
        "visits": list(patrol.visits.all()),
        "colleagues": list(patrol.colleagues.all()),
        "can_change": can_change,
        "visit_form": (forms.get("visit_form") or _visit_form(patrol)) if can_change and patrol.is_open else None,
        "end_form": (forms.get("end_form") or EndForm(initial=version)) if can_change and patrol.is_open else None,
        "notes_form": (forms.get("notes_form") or NotesForm(initial=version | {"notes": patrol.notes}))
        if can_change
        else None,
        "client_uuid": uuid.uuid4(),
        "nav_key": "patrols",
        "breadcrumbs": patrol_crumbs((str(patrol), "")),
        **history_context(actor, patrol),
    }
    return render(request, "patrols/detail.html", context, status=status)


@require_GET
def patrol_map_geojson(request: HttpRequest, patrol_id: int) -> JsonResponse:
    """The map layer of a patrol's page (whoever sees the patrol; 404 otherwise)."""
    actor = actor_of(request)
    patrol = selectors.patrol_get_for(actor=actor, patrol_id=patrol_id)
    return JsonResponse(selectors.patrol_map(actor, patrol))


def _changeable(request: HttpRequest, patrol_id: int) -> Patrol:
    return selectors.patrol_get_for(actor=actor_of(request), patrol_id=patrol_id, change=True)


@require_POST
def patrol_add_visit(request: HttpRequest, patrol_id: int) -> HttpResponse:
    actor = actor_of(request)
    patrol = _changeable(request, patrol_id)
    form = _visit_form(patrol, request.POST)
    client_uuid = _client_uuid(request)
    visit = submit(
        form,
        lambda: services.patrol_add_visit(
            actor=actor, patrol=patrol, data=form.visit_data(), client_uuid=client_uuid, meta=meta_of(request)
        ),
    )
    if visit is not None:
        minutes = round(visit.dwell_minutes)
        messages.success(request, _("Visit recorded: %(minutes)s minutes.") % {"minutes": minutes})
        return redirect("patrols:detail", patrol_id=patrol.pk)
    return _render_detail(request, patrol, status=400, visit_form=form)


@require_POST
def patrol_end(request: HttpRequest, patrol_id: int) -> HttpResponse:
    actor = actor_of(request)
    patrol = _changeable(request, patrol_id)
    form = EndForm(request.POST)
    done = submit(
        form,
        lambda: services.patrol_end(
            actor=actor,
            patrol=patrol,
            ended_at=form.cleaned_data["ended_at"],
            trace=form.cleaned_data["trace"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The patrol has ended."))
        return redirect("patrols:detail", patrol_id=patrol.pk)
    return _render_detail(request, patrol, status=400, end_form=form)


@require_POST
def patrol_notes(request: HttpRequest, patrol_id: int) -> HttpResponse:
    actor = actor_of(request)
    patrol = _changeable(request, patrol_id)
    form = NotesForm(request.POST)
    done = submit(
        form,
        lambda: services.patrol_update_notes(
            actor=actor,
            patrol=patrol,
            notes=form.cleaned_data["notes"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The notes have been saved."))
        return redirect("patrols:detail", patrol_id=patrol.pk)
    return _render_detail(request, patrol, status=400, notes_form=form)


@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """Supervisors: the hot-spot plans of the neighbourhoods they plan, visibility hours, and a
    form to make a plan with up to five places."""
    actor = actor_of(request)
    areas = selectors.planning_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    data = posted(request)
    form = PlanForm(data, neighbourhoods=areas)
    rows = target_forms(data)

    def create() -> HotspotPlan:
        chosen = [n for n, t in enumerate(rows) if not t.is_blank()]
        try:
            return services.hotspot_plan_create(
                actor=actor,
                data=form.plan_data(),
                targets=[rows[n].target_data() for n in chosen],
                meta=meta_of(request),
            )
        except ValidationError as exc:  # a place's errors go on its row of the page
            if not hasattr(exc, "error_dict"):
                raise
            rest: dict[str, Any] = {}
            for key, errors in exc.error_dict.items():
                if key.startswith("targets."):
                    _prefix, n, field = key.split(".", 2)
                    row = rows[chosen[int(n)]]
                    row.add_error(field if field in row.fields else None, errors)
                else:
                    rest[key] = errors
            raise ValidationError(rest) from exc

    plan = None
    if data is not None:
        valid = [t.is_valid() for t in rows]  # every row, so that all their errors show
        if all(valid):
            plan = submit(form, create)
        else:
            form.is_valid()
    if plan is not None:
        messages.success(request, _("The plan “%(name)s” has been made.") % {"name": plan.name})
        return redirect("patrols:plan_detail", plan_id=plan.pk)
    today = timezone.localdate()
    context = {
        "page": paginate(selectors.plans_for_planner(actor), number=parse_positive_int(request.GET.get("page"), 1)),
        "form": form,
        "targets": rows,
        "rows_with_errors": [row for row in rows if row.is_bound and row.errors],
        "visibility": selectors.visibility_hours(areas, today - dt.timedelta(days=VISIBILITY_DAYS - 1), today),
        "visibility_days": VISIBILITY_DAYS,
        "nav_key": "patrols",
        "breadcrumbs": patrol_crumbs((_("Hot-spot plans"), "")),
    }
    return render(request, "patrols/plans.html", context, status=form_status(form))


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan's dose per place on a day (planned against delivered), per person over the plan so
    far, and the neighbourhood's visibility hours over the same days."""
    actor = actor_of(request)
    plan = selectors.plan_get_for(actor=actor, plan_id=plan_id)
    today = timezone.localdate()
    on = parse_date(request.GET.get("on", "") or "") or today
    date_from, date_to = plan.starts_on, min(plan.ends_on, today)
    period = date_to >= date_from
    area = Neighbourhood.objects.filter(pk=plan.neighbourhood_id)
    context = {
        "plan": plan,
        "on": on,
        "doses": selectors.plan_dosage(plan, on),
        "people": selectors.person_dosage(plan, date_from, date_to) if period else [],
        "visibility": selectors.visibility_hours(area, date_from, date_to) if period else [],
        "date_from": date_from,
        "date_to": date_to,
        "nav_key": "patrols",
        "breadcrumbs": plan_crumbs((plan.name, "")),
        **history_context(actor, plan),
    }
    return render(request, "patrols/plan_detail.html", context)


@require_POST
def plan_end(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get_for(actor=actor, plan_id=plan_id)
    try:
        services.hotspot_plan_end(actor=actor, plan=plan, meta=meta_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("patrols:plan_detail", plan_id=plan.pk)
    messages.success(request, _("The plan has ended."))
    return redirect("patrols:plan_detail", plan_id=plan.pk)
