"""Incident pages: the list with filters, CSV and map; log, open, edit, move along the status
flow, correct the neighbourhood, add people; acknowledge alerts. Thin: forms parse, services
decide and write, selectors read in the actor's scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.views import boundaries_geojson
from beatbook.org import policy
from beatbook.org.selectors import neighbourhoods_visible_to
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from . import selectors, services
from .forms import (
    DATETIME_FORMAT,
    AcknowledgeForm,
    CorrectionForm,
    FilterForm,
    IncidentEditForm,
    IncidentForm,
    PersonForm,
    RulesForm,
    StatusForm,
)
from .models import Incident
from .reference import THRIVE_ELEMENTS


def incident_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Incidents"), reverse("incidents:list")), *trail)


def _filter_form(request: HttpRequest) -> FilterForm:
    form = FilterForm(request.GET or None, neighbourhoods=neighbourhoods_visible_to(actor_of(request)))
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    return form


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _filter_form(request)
    incidents = selectors.incidents_matching(actor, form.filters())
    page = paginate(incidents, number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "form": form,
        "query": request.GET.urlencode(),
        "can_record": selectors.recording_neighbourhoods(actor).exists(),
        "can_set_rules": policy.forces_where(actor, policy.Action.MANAGE_INCIDENT_RULES).exists(),
        "nav_key": "incidents",
        "breadcrumbs": crumbs((_("Incidents"), "")),
    }
    return render(request, "incidents/list.html", context)


@require_GET
def incident_export(request: HttpRequest) -> StreamingHttpResponse:
    export = services.incidents_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), meta=meta_of(request)
    )
    return csv_download("incidents", services.EXPORT_COLUMNS, export.rows)


@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _filter_form(request)
    areas = list(neighbourhoods_visible_to(actor))
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "boundaries": boundaries_geojson(areas),
        "nav_key": "incidents",
        "breadcrumbs": incident_crumbs((_("Map"), "")),
    }
    return render(request, "incidents/map.html", context)


@require_GET
def incident_map_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.map_features(actor_of(request), _filter_form(request).filters()))


def _map_context(actor: Any, incident: Incident | None = None) -> dict[str, Any]:
    """Boundaries of the neighbourhoods where the actor records incidents, for the tap-to-place map."""
    areas = list(selectors.recording_neighbourhoods(actor))
    if incident is not None and incident.neighbourhood not in areas:
        areas.append(incident.neighbourhood)
    return {"boundaries": boundaries_geojson(areas)}


@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    """Log an incident: on a phone, in under a minute (the map or "use my location" places it)."""
    actor = actor_of(request)
    if not selectors.recording_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    data = posted(request)
    now = timezone.localtime().replace(second=0, microsecond=0).strftime(DATETIME_FORMAT)
    form = IncidentForm(data, initial={"occurred_at": now})
    person = PersonForm(data, prefix="person")
    client_uuid = _client_uuid(request)

    def create() -> Incident:
        people = [person.person_data()] if not person.is_blank() else []
        return services.incident_create(
            actor=actor, data=form.incident_data(), people=people, client_uuid=client_uuid, meta=meta_of(request)
        )

    incident = None
    if data is not None:
        if person.is_valid():
            incident = submit(form, create)
            _move_person_errors(form, person)
        else:
            form.is_valid()  # show the incident's own errors too
    if incident is not None:
        messages.success(request, _("Incident %(ref)s has been recorded.") % {"ref": incident.reference})
        return redirect("incidents:detail", incident_id=incident.pk)
    context = {
        "form": form,
        "person": person,
        "client_uuid": client_uuid,
        "thrive_elements": THRIVE_ELEMENTS,
        "nav_key": "incidents",
        "breadcrumbs": incident_crumbs((_("Log an incident"), "")),
        **_map_context(actor),
    }
    return render(request, "incidents/form.html", context, status=form_status(form))


def _client_uuid(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


def _move_person_errors(form: IncidentForm, person: PersonForm) -> None:
    """A service's `people.0.<field>` errors belong on the person's fields."""
    for key in [k for k in form.errors if k.startswith("people.")]:
        field = key.split(".", 2)[-1]
        for message in form.errors.pop(key):
            person.add_error(field if field in person.fields else None, message)


@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = selectors.incident_open_for(actor=actor, incident_id=incident_id, meta=meta_of(request))
    return _render_detail(request, incident)


def _render_detail(request: HttpRequest, incident: Incident, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    can_change = selectors.may_change(actor, incident)
    version = {"version": incident.version}
    context = {
        "incident": incident,
        "people": list(incident.people.all()),
        "alerts": list(incident.alerts.all()),
        "thrive": [(label, getattr(incident, f"get_{name}_display")()) for name, label, _hint in THRIVE_ELEMENTS],
        "can_change": can_change,
        "can_open_case": policy.can(actor, policy.Action.MANAGE_ASB_CASES, incident),
        "can_enforce": policy.can(actor, policy.Action.ENFORCE, incident),
        "status_form": forms.get("status_form") or StatusForm(initial=version),
        "correction_form": forms.get("correction_form")
        or CorrectionForm(initial=version, neighbourhoods=selectors.correction_choices(actor=actor, incident=incident)),
        "person_form": forms.get("person_form") or PersonForm(prefix="person"),
        "point": {"type": "FeatureCollection", "features": [_point_feature(incident)]},
        "nav_key": "incidents",
        "breadcrumbs": incident_crumbs((incident.reference, "")),
        **history_context(actor, incident),
    }
    return render(request, "incidents/detail.html", context, status=status)


def _point_feature(incident: Incident) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [incident.lng, incident.lat]},
        "properties": {"name": incident.reference},
    }


def _changeable(request: HttpRequest, incident_id: int) -> Incident:
    return selectors.incident_get_for(
        actor=actor_of(request), incident_id=incident_id, action=policy.Action.RECORD_INCIDENT
    )


@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = _changeable(request, incident_id)
    initial = IncidentEditForm.initial_for(incident)
    form = IncidentEditForm(posted(request), initial=initial)

    def update() -> Incident:
        return services.incident_update(
            actor=actor,
            incident=incident,
            changes=form.changes(),
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        )

    updated = submit(form, update)
    if updated is not None:
        messages.success(request, _("Incident %(ref)s has been updated.") % {"ref": updated.reference})
        return redirect("incidents:detail", incident_id=incident.pk)
    context = {
        "form": form,
        "incident": incident,
        "thrive_elements": THRIVE_ELEMENTS,
        "nav_key": "incidents",
        "breadcrumbs": incident_crumbs(
            (incident.reference, reverse("incidents:detail", args=[incident.pk])), (_("Edit"), "")
        ),
        **_map_context(actor, incident),
    }
    return render(request, "incidents/edit.html", context, status=form_status(form))


@require_POST
def incident_status(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = _changeable(request, incident_id)
    form = StatusForm(request.POST)
    done = submit(
        form,
        lambda: services.incident_set_status(
            actor=actor,
            incident=incident,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The incident is now %(status)s.") % {"status": done.get_status_display().lower()})
        return redirect("incidents:detail", incident_id=incident.pk)
    return _render_detail(request, incident, status=400, status_form=form)


@require_POST
def incident_correct(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = _changeable(request, incident_id)
    form = CorrectionForm(request.POST, neighbourhoods=selectors.correction_choices(actor=actor, incident=incident))
    done = submit(
        form,
        lambda: services.incident_correct_neighbourhood(
            actor=actor,
            incident=incident,
            neighbourhood=form.cleaned_data["neighbourhood"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The neighbourhood has been corrected."))
        return redirect("incidents:detail", incident_id=incident.pk)
    return _render_detail(request, incident, status=400, correction_form=form)


@require_POST
def incident_add_person(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = _changeable(request, incident_id)
    form = PersonForm(request.POST, prefix="person", required=True)
    done = submit(
        form,
        lambda: services.incident_add_person(
            actor=actor, incident=incident, data=form.person_data(), meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("%(person)s has been added.") % {"person": done})
        return redirect("incidents:detail", incident_id=incident.pk)
    return _render_detail(request, incident, status=400, person_form=form)


@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = actor_of(request)
    alert = selectors.alert_get_for(actor=actor, alert_id=alert_id)
    form = AcknowledgeForm(request.POST)
    done = submit(
        form,
        lambda: services.alert_acknowledge(
            actor=actor, alert=alert, note=form.cleaned_data["note"], meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("The alert has been acknowledged."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe else reverse("core:home"))


@require_http_methods(["GET", "POST"])
def incident_rules(request: HttpRequest) -> HttpResponse:
    """A force administrator sets the force's repeat and ASB case review thresholds."""
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.MANAGE_INCIDENT_RULES)
    force = next((f for f in forces if f.slug == request.GET.get("force")), forces[0])
    rules = selectors.rules_for(force)
    initial = {name: getattr(rules, name) for name in RulesForm.base_fields}
    form = RulesForm(posted(request), initial=initial)
    saved = submit(
        form,
        lambda: services.incident_rules_update(actor=actor, force=force, changes=form.changes(), meta=meta_of(request)),
    )
    if saved is not None:
        messages.success(request, _("The thresholds for %(force)s have been saved.") % {"force": force.name})
        return redirect(f"{reverse('incidents:rules')}?force={force.slug}")
    context = {
        "form": form,
        "force": force,
        "forces": forces,
        "nav_key": "incidents",
        "breadcrumbs": incident_crumbs((_("Repeat and case review thresholds"), "")),
    }
    return render(request, "incidents/rules.html", context, status=form_status(form))
