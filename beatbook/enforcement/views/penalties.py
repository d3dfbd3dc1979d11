"""Penalty notice pages: issue one (`?incident=` links it to an incident), change its status, and
print it (PDF). Thin: the forms parse, the services decide and write, the selectors read in the
actor's scope. After an issue the record's page (`enforcement:detail`) shows the notice."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import parse_positive_int
from beatbook.core.timeutil import today
from beatbook.core.views import boundaries_geojson
from beatbook.incidents.selectors import incidents_visible_to
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms.common import now_field_value
from ..forms.penalties import PenaltyForm, PenaltyStatusForm
from ..selectors.penalties import issuing_authorities, offence_groups, penalty_get_for
from ..services.penalties import next_statuses, penalty_issue, penalty_pdf, penalty_status_change


def client_uuid_of(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


def record_form_context(request: HttpRequest, actor: Person) -> dict[str, Any]:
    """What every enforcement form page needs: the map of the neighbourhoods where the actor
    records enforcement (or PermissionDenied when there are none), and the linked incident."""
    areas = list(policy.neighbourhoods_for(actor, policy.Action.ENFORCE).select_related("force").order_by("name"))
    if not areas:
        raise PermissionDenied(_("You do not have permission to do that."))
    return {"boundaries": boundaries_geojson(areas), "nav_key": "enforcement", "force": areas[0].force}


def record_initial(request: HttpRequest, actor: Person) -> tuple[dict[str, Any], Any]:
    """The blank form's values: now, and the incident of `?incident=` when the actor sees it."""
    wanted = parse_positive_int(request.GET.get("incident"), 0)
    incident = incidents_visible_to(actor).filter(pk=wanted).first() if wanted else None
    initial: dict[str, Any] = {"occurred_at": now_field_value()}
    if incident is not None:
        initial["incident"] = incident.pk
    return initial, incident


@require_http_methods(["GET", "POST"])
def penalty_new(request: HttpRequest) -> HttpResponse:
    """Issue a penalty notice under the tariff of the day."""
    actor = actor_of(request)
    context = record_form_context(request, actor)
    force = context["force"]
    initial, incident = record_initial(request, actor)
    form = PenaltyForm(posted(request), initial=initial)
    form.set_choices(
        groups=offence_groups(force_id=force.pk, day=today(), force_name=force.name),
        authorities=[(a.pk, a.name) for a in issuing_authorities(force_id=force.pk)],
        force_name=force.name,
    )
    client_uuid = client_uuid_of(request)
    enforcement = submit(
        form,
        lambda: penalty_issue(
            actor=actor,
            data=form.record_data(),
            offence_id=form.cleaned_data["offence"],
            authority_id=form.cleaned_data["authority"],
            offence_details=form.cleaned_data["offence_details"],
            amount=form.cleaned_data["amount"],
            client_uuid=client_uuid,
            meta=meta_of(request),
        ),
    )
    if enforcement is not None:
        messages.success(request, _("Penalty notice %(ref)s has been issued.") % {"ref": enforcement.reference})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context |= {
        "form": form,
        "client_uuid": client_uuid,
        "incident": incident,
        "breadcrumbs": crumbs((_("Issue a penalty notice"), "")),
    }
    return render(request, "enforcement/penalty_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def penalty_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a notice along its flow (paid, unpaid, referred, cancelled)."""
    actor = actor_of(request)
    enforcement = penalty_get_for(actor=actor, pk=pk)
    may_process = policy.can(actor, policy.Action.PROCESS_PENALTIES, enforcement)
    if not may_process and enforcement.officer_id != actor.pk:
        raise PermissionDenied(_("You do not have permission to do that."))
    form = PenaltyStatusForm(
        posted(request), initial={"version": enforcement.version}, statuses=next_statuses(enforcement.penalty)
    )
    done = submit(
        form,
        lambda: penalty_status_change(
            actor=actor,
            record=enforcement,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The notice is now “%(status)s”.") % {"status": done.get_status_display()})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context = {
        "form": form,
        "record": enforcement,
        "nav_key": "enforcement",
        "breadcrumbs": crumbs(
            (enforcement.reference, ""),
        ),
    }
    return render(request, "enforcement/penalty_status.html", context, status=form_status(form))


@require_GET
def penalty_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as an A4 PDF, for whoever can see the record (the printing is audited)."""
    actor = actor_of(request)
    enforcement = penalty_get_for(actor=actor, pk=pk)
    pdf = penalty_pdf(actor=actor, enforcement=enforcement, meta=meta_of(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="penalty-notice-{enforcement.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("penalties/new/", penalty_new, name="penalty_new"),
    path("<int:pk>/penalty/status/", penalty_status, name="penalty_status"),
    path("<int:pk>/penalty.pdf", penalty_print, name="penalty_pdf"),
]
