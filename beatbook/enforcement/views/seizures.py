"""Confiscation and seizure pages, s.59 vehicle warnings, and the warning lookup the seizure
form uses (a plain GET page; with htmx, a fragment shown inside the seizure form, so the PCSO
sees the earlier warning before seizing). Thin: forms parse, services decide, selectors read in
the actor's scope."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted, wants_fragment

from ..forms.seizures import SeizureForm, VehicleWarningForm, WarningSearchForm
from ..models import EnforcementRecord
from ..selectors.seizures import vehicle_warnings_search
from ..services.seizures import seizure_record, vehicle_warning_record
from .penalties import client_uuid_of, record_form_context, record_initial


@require_http_methods(["GET", "POST"])
def seizure_new(request: HttpRequest) -> HttpResponse:
    """Record a confiscation or seizure."""
    actor = actor_of(request)
    context = record_form_context(request, actor)
    initial, incident = record_initial(request, actor)
    form = SeizureForm(posted(request), initial=initial)
    client_uuid = client_uuid_of(request)

    def save() -> EnforcementRecord:
        d = form.cleaned_data
        return seizure_record(
            actor=actor,
            data=form.record_data(),
            kind=d["kind"],
            item=d["item"],
            quantity=d["quantity"],
            disposal=d["disposal"],
            disposal_notes=d["disposal_notes"],
            registration=d["registration"],
            warning_id=d["warning"],
            warning_impracticable_reason=d["warning_impracticable_reason"],
            client_uuid=client_uuid,
            meta=meta_of(request),
        )

    enforcement = submit(form, save)
    if enforcement is not None:
        messages.success(request, _("Seizure %(ref)s has been recorded.") % {"ref": enforcement.reference})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context |= {
        "form": form,
        "client_uuid": client_uuid,
        "incident": incident,
        "breadcrumbs": crumbs((_("Record a seizure"), "")),
    }
    return render(request, "enforcement/seizure_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def vehicle_warning_new(request: HttpRequest) -> HttpResponse:
    """Record a s.59 warning to the driver of a vehicle used in an anti-social manner."""
    actor = actor_of(request)
    context = record_form_context(request, actor)
    initial, incident = record_initial(request, actor)
    if request.GET.get("registration"):
        initial["registration"] = request.GET["registration"][:20]
    form = VehicleWarningForm(posted(request), initial=initial)
    client_uuid = client_uuid_of(request)
    enforcement = submit(
        form,
        lambda: vehicle_warning_record(
            actor=actor,
            data=form.record_data(),
            registration=form.cleaned_data["registration"],
            vehicle_description=form.cleaned_data["vehicle_description"],
            manner=form.cleaned_data["manner"],
            client_uuid=client_uuid,
            meta=meta_of(request),
        ),
    )
    if enforcement is not None:
        messages.success(request, _("Vehicle warning %(ref)s has been recorded.") % {"ref": enforcement.reference})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context |= {
        "form": form,
        "client_uuid": client_uuid,
        "incident": incident,
        "breadcrumbs": crumbs((_("Record a vehicle warning (s.59)"), "")),
    }
    return render(request, "enforcement/vehicle_warning_form.html", context, status=form_status(form))


@require_GET
def vehicle_warning_search(request: HttpRequest) -> HttpResponse:
    """Earlier s.59 warnings the actor may see, by registration or by driver (name and date of
    birth): a page, or the results alone for htmx."""
    actor = actor_of(request)
    query = request.GET.copy()
    # From the seizure form (htmx), the person's fields stand for the driver's.
    for name, alias in (("name", "subject_name"), ("date_of_birth", "subject_date_of_birth")):
        given = query.get(alias, "")
        if not query.get(name) and given:
            query[name] = given
    form = WarningSearchForm(query or None)
    asked = form.is_bound and form.is_valid()
    warnings = (
        vehicle_warnings_search(
            actor=actor,
            registration=form.cleaned_data["registration"],
            name=form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
        if asked
        else []
    )
    context = {
        "form": form,
        "asked": asked,
        "warnings": warnings,
        "pick": request.GET.get("pick") == "1",
        "nav_key": "enforcement",
        "breadcrumbs": crumbs((_("Find a vehicle warning"), "")),
    }
    if wants_fragment(request):
        return render(request, "enforcement/vehicle_warning_results.html", context)
    return render(request, "enforcement/vehicle_warning_search.html", context)


urlpatterns: list[URLPattern] = [
    path("seizures/new/", seizure_new, name="seizure_new"),
    path("vehicle-warnings/new/", vehicle_warning_new, name="vehicle_warning_new"),
    path("vehicle-warnings/search/", vehicle_warning_search, name="vehicle_warning_search"),
]
