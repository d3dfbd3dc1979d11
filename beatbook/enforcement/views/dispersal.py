"""Dispersal pages: the authorisations (list, record one, its page with the directions given under
it, end it early) and the direction form. Thin: forms parse, services decide and write,
selectors read in the actor's scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.views import boundaries_geojson
from beatbook.incidents.selectors import incidents_visible_to
from beatbook.org import policy
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from ..forms.common import now_field_value
from ..forms.dispersal import AuthorisationForm, DispersalForm, EndForm
from ..models import DispersalAuthorisation
from ..selectors import dispersal as selectors
from ..services import dispersal as services


def _crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs(
        (_("Enforcement register"), reverse("enforcement:register")),
        (_("Dispersal authorisations"), reverse("enforcement:authorisations")),
        *trail,
    )


@require_GET
def authorisation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(selectors.authorisation_list(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "now": timezone.now(),
        "can_authorise": selectors.authorising_neighbourhoods(actor).exists(),
        "nav_key": "enforcement",
        "breadcrumbs": crumbs(
            (_("Enforcement register"), reverse("enforcement:register")), (_("Dispersal authorisations"), "")
        ),
    }
    return render(request, "enforcement/authorisation_list.html", context)


@require_http_methods(["GET", "POST"])
def authorisation_new(request: HttpRequest) -> HttpResponse:
    """Record an inspector's written authorisation (supervisors of the neighbourhood)."""
    actor = actor_of(request)
    areas = selectors.authorising_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    form = AuthorisationForm(posted(request), neighbourhoods=areas, initial={"starts_at": now_field_value()})
    saved = submit(
        form,
        lambda: services.authorisation_create(
            actor=actor,
            neighbourhood=form.cleaned_data["neighbourhood"],
            locality=form.cleaned_data["locality"],
            boundary=form.cleaned_data["boundary"],
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            authorised_by_name=form.cleaned_data["authorised_by_name"],
            authorised_by_rank=form.cleaned_data["authorised_by_rank"],
            grounds=form.cleaned_data["grounds"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Authorisation %(ref)s has been recorded.") % {"ref": saved.reference})
        return redirect("enforcement:authorisation_detail", pk=saved.pk)
    context = {
        "form": form,
        "nav_key": "enforcement",
        "breadcrumbs": _crumbs((_("Record an authorisation"), "")),
    }
    return render(request, "enforcement/authorisation_form.html", context, status=form_status(form))


def _render_authorisation(
    request: HttpRequest, authorisation: DispersalAuthorisation, end_form: EndForm | None = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    now = timezone.now()
    can_end = now < authorisation.last_moment and selectors.may_authorise(actor, authorisation)
    context = {
        "authorisation": authorisation,
        "in_force": authorisation.active_at(now),
        "over": now >= authorisation.last_moment,
        "directions": list(selectors.directions_under(actor, authorisation)),
        "can_end": can_end,
        "end_form": end_form or EndForm(),
        "nav_key": "enforcement",
        "breadcrumbs": _crumbs((authorisation.reference, "")),
        **history_context(actor, authorisation),
    }
    return render(request, "enforcement/authorisation_detail.html", context, status=status)


@require_GET
def authorisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorisation = selectors.authorisation_get_for(actor=actor_of(request), authorisation_id=pk)
    return _render_authorisation(request, authorisation)


@require_POST
def authorisation_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    authorisation = selectors.authorisation_get_for(
        actor=actor, authorisation_id=pk, action=policy.Action.AUTHORISE_DISPERSAL
    )
    form = EndForm(request.POST)
    ended = submit(
        form,
        lambda: services.authorisation_end(
            actor=actor, authorisation=authorisation, reason=form.cleaned_data["reason"], meta=meta_of(request)
        ),
    )
    if ended is not None:
        messages.success(request, _("Authorisation %(ref)s has been ended.") % {"ref": ended.reference})
        return redirect("enforcement:authorisation_detail", pk=ended.pk)
    return _render_authorisation(request, authorisation, end_form=form, status=400)


def _client_uuid(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


@require_http_methods(["GET", "POST"])
def dispersal_new(request: HttpRequest) -> HttpResponse:
    """Give a dispersal direction under an authorisation in force now in the actor's
    neighbourhoods (`?incident=<id>` links it to an incident)."""
    actor = actor_of(request)
    areas = list(policy.neighbourhoods_for(actor, policy.Action.ENFORCE).select_related("force"))
    if not areas:
        raise PermissionDenied(_("You do not have permission to do that."))
    authorisations = list(selectors.authorisations_to_direct_under(actor, timezone.now()))
    wanted = parse_positive_int(request.GET.get("incident"), 0)
    incident = incidents_visible_to(actor).filter(pk=wanted).first() if wanted else None
    initial: dict[str, Any] = {"occurred_at": now_field_value(), "in_writing": True}
    if incident is not None:
        initial |= {"incident": incident.pk, "lat": incident.lat, "lng": incident.lng}
    if len(authorisations) == 1:
        initial["authorisation"] = authorisations[0].pk
    form = DispersalForm(posted(request), initial=initial, authorisations=authorisations)
    client_uuid = _client_uuid(request)
    saved = submit(
        form,
        lambda: services.dispersal_direct(
            actor=actor,
            data=form.record_data(),
            client_uuid=client_uuid,
            meta=meta_of(request),
            **form.direction(),
        ),
    )
    if saved is not None:
        messages.success(request, _("Dispersal direction %(ref)s has been recorded.") % {"ref": saved.reference})
        return redirect("enforcement:detail", pk=saved.pk)
    context = {
        "form": form,
        "client_uuid": client_uuid,
        "incident": incident,
        "authorisations": authorisations,
        "boundaries": boundaries_geojson(areas),
        "nav_key": "enforcement",
        "breadcrumbs": crumbs(
            (_("Enforcement register"), reverse("enforcement:register")),
            (_("Record enforcement"), reverse("enforcement:new")),
            (_("Dispersal direction"), ""),
        ),
    }
    return render(request, "enforcement/dispersal_form.html", context, status=form_status(form))


urlpatterns = [
    path("dispersal/authorisations/", authorisation_list, name="authorisations"),
    path("dispersal/authorisations/new/", authorisation_new, name="authorisation_new"),
    path("dispersal/authorisations/<int:pk>/", authorisation_detail, name="authorisation_detail"),
    path("dispersal/authorisations/<int:pk>/end/", authorisation_end, name="authorisation_end"),
    path("dispersal/new/", dispersal_new, name="dispersal_new"),
]
