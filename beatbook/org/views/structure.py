"""The force's structure: neighbourhoods (with boundaries), teams and partner organisations."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.views import boundaries_geojson

from .. import policy, selectors, services
from ..forms import NeighbourhoodCreateForm, NeighbourhoodForm, PartnerForm, TeamForm
from ..models import Force, Neighbourhood
from ..policy import Action
from .common import (
    actor_of,
    crumbs,
    history_context,
    meta_of,
    neighbourhood_crumbs,
    partner_crumbs,
    posted,
    structure_forces,
    team_crumbs,
)


def _chosen_force(form: NeighbourhoodCreateForm | TeamForm | PartnerForm) -> Force:
    force = form.chosen_force()
    assert force is not None  # a valid form has a force
    return force


@require_GET
def neighbourhoods(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(selectors.neighbourhoods_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_create": policy.forces_where(actor, Action.MANAGE_STRUCTURE).exists(),
        "nav_key": "neighbourhoods",
        "breadcrumbs": crumbs((_("Neighbourhoods"), "")),
    }
    return render(request, "org/neighbourhoods.html", context)


@require_GET
def neighbourhood_detail(request: HttpRequest, neighbourhood_id: int) -> HttpResponse:
    """A neighbourhood's boundary on a map, its teams and the people posted there."""
    actor = actor_of(request)
    nb = selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=neighbourhood_id)
    only_this = selectors.neighbourhoods_visible_to(actor).filter(pk=nb.pk)
    context = {
        "neighbourhood": nb,
        "teams": selectors.teams_covering(actor=actor, neighbourhood=nb),
        "members": selectors.team_members(actor=actor, neighbourhoods=only_this),
        "boundaries": boundaries_geojson([nb]),
        "can_edit": policy.can(actor, Action.MANAGE_STRUCTURE, nb),
        "nav_key": "neighbourhoods",
        "breadcrumbs": neighbourhood_crumbs((nb.name, "")),
        **history_context(actor, nb),
    }
    return render(request, "org/neighbourhood.html", context)


@require_http_methods(["GET", "POST"])
def neighbourhood_create(request: HttpRequest) -> HttpResponse:
    """A force administrator adds a neighbourhood, its boundary pasted as GeoJSON."""
    actor = actor_of(request)
    form = NeighbourhoodCreateForm(posted(request), forces=structure_forces(actor))

    def create() -> Neighbourhood:
        data = form.cleaned_data
        return services.neighbourhood_create(
            actor=actor,
            force=_chosen_force(form),
            code=data["code"],
            name=data["name"],
            description=data["description"],
            population=data["population"],
            boundary=data["boundary"],
            meta=meta_of(request),
        )

    nb = submit(form, create)
    if nb is not None:
        messages.success(request, _("The neighbourhood %(name)s has been added.") % {"name": nb.name})
        return redirect("org:neighbourhood", neighbourhood_id=nb.pk)
    context = {
        "form": form,
        "nav_key": "neighbourhoods",
        "breadcrumbs": neighbourhood_crumbs((_("Add a neighbourhood"), "")),
    }
    return render(request, "org/neighbourhood_create.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def neighbourhood_edit(request: HttpRequest, neighbourhood_id: int) -> HttpResponse:
    actor = actor_of(request)
    nb = selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=neighbourhood_id, action=Action.MANAGE_STRUCTURE)
    name = nb.name  # the service changes the instance before it validates
    form = NeighbourhoodForm(posted(request), initial=NeighbourhoodForm.initial_for(nb))
    updated = submit(
        form,
        lambda: services.neighbourhood_update(
            actor=actor, neighbourhood=nb, changes=form.changes(), meta=meta_of(request)
        ),
    )
    if updated is not None:
        messages.success(request, _("The neighbourhood has been updated."))
        return redirect("org:neighbourhood", neighbourhood_id=nb.pk)
    context = {
        "neighbourhood": nb,
        "title": name,
        "form": form,
        "nav_key": "neighbourhoods",
        "breadcrumbs": neighbourhood_crumbs(
            (name, reverse("org:neighbourhood", args=[nb.pk])), (_("Edit the neighbourhood"), "")
        ),
    }
    return render(request, "org/neighbourhood_form.html", context, status=form_status(form))


# ---- Teams -----------------------------------------------------------------------------------


@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    """Teams the actor can see, each with the neighbourhoods of theirs the actor can see."""
    actor = actor_of(request)
    page = paginate(selectors.teams_with_areas(actor), number=parse_positive_int(request.GET.get("page"), 1))
    managed = set(policy.forces_where(actor, Action.MANAGE_STRUCTURE).values_list("pk", flat=True))
    context = {
        "page": page,
        "managed_force_ids": managed,
        "nav_key": "teams",
        "breadcrumbs": crumbs((_("Teams"), "")),
    }
    return render(request, "org/teams.html", context)


@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TeamForm(
        posted(request),
        forces=structure_forces(actor),
        neighbourhoods=selectors.neighbourhoods_where(actor, Action.MANAGE_STRUCTURE),
    )
    team = submit(
        form,
        lambda: services.team_create(
            actor=actor,
            force=_chosen_force(form),
            name=form.cleaned_data["name"],
            neighbourhoods=form.chosen_neighbourhoods(),
            meta=meta_of(request),
        ),
    )
    if team is not None:
        messages.success(request, _("The team %(name)s has been created.") % {"name": team.name})
        return redirect("org:teams")
    context = {
        "form": form,
        "title": _("Create a team"),
        "action": reverse("org:team_create"),
        "nav_key": "teams",
        "breadcrumbs": team_crumbs((_("Create a team"), "")),
    }
    return render(request, "org/team_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = actor_of(request)
    team = selectors.team_get_for(actor=actor, team_id=team_id, action=Action.MANAGE_STRUCTURE)
    name = team.name  # the service changes the instance before it validates
    form = TeamForm(
        posted(request),
        forces=[team.force],
        neighbourhoods=selectors.neighbourhoods_of_force(actor=actor, force_id=team.force_id),
        initial=TeamForm.initial_for(team),
    )
    updated = submit(
        form, lambda: services.team_update(actor=actor, team=team, changes=form.changes(), meta=meta_of(request))
    )
    if updated is not None:
        messages.success(request, _("The team %(name)s has been updated.") % {"name": updated.name})
        return redirect("org:teams")
    context = {
        "form": form,
        "team": team,
        "title": _("Edit the team"),
        "caption": name,
        "action": reverse("org:team_edit", args=[team.pk]),
        "nav_key": "teams",
        "breadcrumbs": team_crumbs((name, "")),
        **history_context(actor, team),
    }
    return render(request, "org/team_form.html", context, status=form_status(form))


# ---- Partner organisations -------------------------------------------------------------------


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    """Partner organisations of the actor's forces (a partner's member: only their own)."""
    actor = actor_of(request)
    page = paginate(selectors.partners_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_create": policy.forces_where(actor, Action.MANAGE_STRUCTURE).exists(),
        "nav_key": "partners",
        "breadcrumbs": crumbs((_("Partner organisations"), "")),
    }
    return render(request, "org/partners.html", context)


@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = PartnerForm(posted(request), forces=structure_forces(actor))
    partner = submit(
        form,
        lambda: services.partner_create(
            actor=actor,
            force=_chosen_force(form),
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            meta=meta_of(request),
        ),
    )
    if partner is not None:
        messages.success(request, _("%(name)s has been added.") % {"name": partner.name})
        return redirect("org:partners")
    context = {
        "form": form,
        "nav_key": "partners",
        "breadcrumbs": partner_crumbs((_("Add a partner organisation"), "")),
    }
    return render(request, "org/partner_form.html", context, status=form_status(form))
