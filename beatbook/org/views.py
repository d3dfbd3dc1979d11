"""Pages of the organisation: people, postings, neighbourhoods, teams, partners and my profile.

Thin: parse the input with a form, read through selectors, write through services, render.
Invisible objects are 404 (selectors), visible ones the actor may not change are 403 (policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.accounts import selectors as account_selectors
from beatbook.accounts import services as account_services
from beatbook.accounts.services import IssuedToken
from beatbook.audit import selectors as audit_selectors
from beatbook.audit.services import AuditMeta
from beatbook.core.csvexport import csv_download
from beatbook.core.middleware import request_id_of
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.core.views import boundaries_geojson

from . import policy, selectors, services
from .forms import (
    SEARCH_MAX_LENGTH,
    ApiTokenForm,
    DeactivateForm,
    LanguageForm,
    NeighbourhoodCreateForm,
    NeighbourhoodForm,
    PartnerForm,
    PersonCreateForm,
    PostingEndForm,
    PostingForm,
    TeamForm,
    add_service_errors,
)
from .models import Force, Person, Posting
from .policy import Action


class Crumb(TypedDict):
    label: str
    url: str


@dataclass(frozen=True)
class PostingRow:
    """A posting on a profile page, with the form that ends it (for force administrators)."""

    posting: Posting
    is_current: bool
    status: str
    end_form: PostingEndForm | None


def _actor(request: HttpRequest) -> Person:
    actor = request.user
    assert isinstance(actor, Person)
    return actor


def _meta(request: HttpRequest) -> AuditMeta:
    return AuditMeta(request_id=request_id_of(request))


def _crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return [Crumb(label=str(_("Home")), url=reverse("core:home")), *(Crumb(label=lb, url=u) for lb, u in trail)]


def _people_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return _crumbs((_("People"), reverse("org:people")), *trail)


def _neighbourhood_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return _crumbs((_("Neighbourhoods"), reverse("org:neighbourhoods")), *trail)


def _team_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return _crumbs((_("Teams"), reverse("org:teams")), *trail)


def _partner_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return _crumbs((_("Partner organisations"), reverse("org:partners")), *trail)


def _history(actor: Person, obj: Model) -> dict[str, Any]:
    """The "History" section's context: the object's audit events, or None (no section) for
    those who may not see them. `history_type_id` tells events about the object itself from
    those about a related row (a person's postings)."""
    return {
        "history": audit_selectors.history_of(actor, obj),
        "history_type_id": ContentType.objects.get_for_model(obj).pk,
        "history_limit": audit_selectors.HISTORY_LIMIT,
    }


def _structure_forces(actor: Person) -> list[Force]:
    """The forces whose structure the actor manages; 403 when there are none."""
    forces = list(policy.forces_where(actor, Action.MANAGE_STRUCTURE).order_by("name"))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    return forces


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (not a history restore, which needs it all)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


# ---- People ----------------------------------------------------------------------------------


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """People the actor can see, searchable by name, username or collar number."""
    actor = _actor(request)
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    page = paginate(selectors.people_matching(actor, q), number=parse_positive_int(request.GET.get("page"), 1))
    context: dict[str, Any] = {
        "page": page,
        "q": q,
        "can_create": policy.forces_where(actor, Action.MANAGE_PEOPLE).exists(),
        "nav_key": "people",
        "breadcrumbs": _crumbs((_("People"), "")),
    }
    template = "org/partials/people_results.html" if _wants_fragment(request) else "org/people.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def people_export(request: HttpRequest) -> StreamingHttpResponse:
    """The people list as CSV, for force administrators (audited)."""
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    export = services.people_export(actor=_actor(request), q=q, meta=_meta(request))
    return csv_download("people", services.PEOPLE_EXPORT_COLUMNS, export.rows)


def _render_person(
    request: HttpRequest,
    person: Person,
    *,
    failed_end: tuple[int, PostingEndForm] | None = None,
    deactivate_form: DeactivateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = _actor(request)
    can_manage = policy.can(actor, Action.MANAGE_PEOPLE, person)
    on = today()
    rows = []
    for posting in selectors.postings_of(actor=actor, person=person):
        end_form: PostingEndForm | None = None
        endable = posting.valid_to is None or posting.valid_to > on
        if failed_end is not None and failed_end[0] == posting.pk:
            end_form = failed_end[1]
        elif can_manage and endable:
            start = max(on, posting.valid_from)
            end_form = PostingEndForm(auto_id=f"id_end{posting.pk}_%s", initial={"valid_to": start.isoformat()})
        if posting.valid_from > on:
            is_current, label = False, _("Starts later")
        elif posting.valid_to is not None and posting.valid_to < on:
            is_current, label = False, _("Ended")
        else:
            is_current, label = True, _("Current")
        rows.append(PostingRow(posting=posting, is_current=is_current, status=label, end_form=end_form))
    can_deactivate = can_manage and person.is_active and person.pk != actor.pk
    if deactivate_form is None and can_deactivate:
        deactivate_form = DeactivateForm(auto_id="id_deactivate_%s")
    error_form: Form | None = deactivate_form if deactivate_form is not None and deactivate_form.errors else None
    if failed_end is not None:
        error_form = failed_end[1]
    context = {
        "person": person,
        "rows": rows,
        "can_manage": can_manage,
        "deactivate_form": deactivate_form if can_deactivate or deactivate_form is not None else None,
        "error_form": error_form,
        "nav_key": "people",
        "breadcrumbs": _people_crumbs((person.display_name, "")),
        **_history(actor, person),
    }
    return render(request, "org/person.html", context, status=status)


@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(actor=_actor(request), person_id=person_id)
    return _render_person(request, person)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A force administrator creates an account in (one of) their force(s)."""
    actor = _actor(request)
    forces = list(policy.forces_where(actor, Action.MANAGE_PEOPLE))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    form = PersonCreateForm(
        _posted(request), forces=forces, partners=selectors.partners_where(actor, Action.MANAGE_PEOPLE)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                person = services.person_create(
                    actor=actor, force=form.chosen_force(), data=form.new_person(), meta=_meta(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s's account has been created.") % {"name": person.display_name})
                return redirect("org:person", person_id=person.pk)
    context = {"form": form, "nav_key": "people", "breadcrumbs": _people_crumbs((_("Create a person"), ""))}
    return render(request, "org/person_form.html", context, status=status)


@require_POST
def person_deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _actor(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id, action=Action.MANAGE_PEOPLE)
    form = DeactivateForm(request.POST, auto_id="id_deactivate_%s")
    if form.is_valid():
        try:
            services.person_deactivate(
                actor=actor, person=person, reason=form.cleaned_data["reason"], meta=_meta(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s's account has been deactivated.") % {"name": person.display_name})
            return redirect("org:person", person_id=person.pk)
    return _render_person(request, person, deactivate_form=form, status=400)


# ---- Postings --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _actor(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id, action=Action.MANAGE_PEOPLE)
    form = PostingForm(
        _posted(request),
        neighbourhoods=selectors.neighbourhoods_of_force(actor=actor, force_id=person.force_id),
        teams=selectors.teams_of_force(actor=actor, force_id=person.force_id),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.posting_create(
                    actor=actor,
                    person=person,
                    role=data["role"],
                    neighbourhood=data["neighbourhood"],
                    team=data["team"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    meta=_meta(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The posting has been added."))
                return redirect("org:person", person_id=person.pk)
    context = {
        "person": person,
        "form": form,
        "nav_key": "people",
        "breadcrumbs": _people_crumbs(
            (person.display_name, reverse("org:person", args=[person.pk])), (_("Add a posting"), "")
        ),
    }
    return render(request, "org/posting_form.html", context, status=status)


@require_POST
def posting_end(request: HttpRequest, posting_id: int) -> HttpResponse:
    actor = _actor(request)
    posting = selectors.posting_get_for(actor=actor, posting_id=posting_id, action=Action.MANAGE_PEOPLE)
    form = PostingEndForm(request.POST, auto_id=f"id_end{posting.pk}_%s")
    if form.is_valid():
        try:
            services.posting_end(
                actor=actor,
                posting=posting,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
                meta=_meta(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The posting has been ended."))
            return redirect("org:person", person_id=posting.person_id)
    return _render_person(request, posting.person, failed_end=(posting.pk, form), status=400)


# ---- My profile ------------------------------------------------------------------------------


def _render_me(
    request: HttpRequest,
    *,
    language_form: LanguageForm | None = None,
    token_form: ApiTokenForm | None = None,
    issued: IssuedToken | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = _actor(request)
    language_form = language_form or LanguageForm(initial={"language": actor.preferred_language})
    token_form = token_form or ApiTokenForm()
    error_form = next((f for f in (language_form, token_form) if f.errors), None)
    context = {
        "person": actor,
        "postings": selectors.postings_of(actor=actor, person=actor),
        "tokens": account_selectors.api_tokens_of(actor),
        "language_form": language_form,
        "token_form": token_form,
        "error_form": error_form,
        "issued": issued,
        "nav_key": "me",
        "breadcrumbs": _crumbs((_("My profile"), "")),
    }
    response = render(request, "org/me.html", context, status=status)
    if issued is not None:
        add_never_cache_headers(response)
    return response


@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """My profile and postings, my language, and my API tokens."""
    return _render_me(request)


@require_POST
def me_language(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            services.person_set_language(actor=actor, language=form.cleaned_data["language"], meta=_meta(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your language has been changed."))
            response = redirect("org:me")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                actor.preferred_language,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
            return response
    actor.refresh_from_db(fields=["preferred_language"])
    return _render_me(request, language_form=form, status=400)


@require_POST
def me_token_create(request: HttpRequest) -> HttpResponse:
    """Issue an API token and show it once: it is never stored, so it cannot be shown again."""
    actor = _actor(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            issued = account_services.api_token_create(
                actor=actor, name=form.cleaned_data["name"], expires_at=form.expires_at(), meta=_meta(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _render_me(request, issued=issued)
    return _render_me(request, token_form=form, status=400)


@require_POST
def me_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = _actor(request)
    token = account_selectors.api_token_get_for(actor=actor, token_id=token_id)
    account_services.api_token_revoke(actor=actor, token=token, meta=_meta(request))
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("org:me")


# ---- Neighbourhoods --------------------------------------------------------------------------


@require_GET
def neighbourhoods(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = paginate(selectors.neighbourhoods_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_create": policy.forces_where(actor, Action.MANAGE_STRUCTURE).exists(),
        "nav_key": "neighbourhoods",
        "breadcrumbs": _crumbs((_("Neighbourhoods"), "")),
    }
    return render(request, "org/neighbourhoods.html", context)


@require_GET
def neighbourhood_detail(request: HttpRequest, neighbourhood_id: int) -> HttpResponse:
    """A neighbourhood's boundary on a map, its teams and the people posted there."""
    actor = _actor(request)
    nb = selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=neighbourhood_id)
    only_this = selectors.neighbourhoods_visible_to(actor).filter(pk=nb.pk)
    context = {
        "neighbourhood": nb,
        "teams": selectors.teams_covering(actor=actor, neighbourhood=nb),
        "members": selectors.team_members(actor=actor, neighbourhoods=only_this),
        "boundaries": boundaries_geojson([nb]),
        "can_edit": policy.can(actor, Action.MANAGE_STRUCTURE, nb),
        "nav_key": "neighbourhoods",
        "breadcrumbs": _neighbourhood_crumbs((nb.name, "")),
        **_history(actor, nb),
    }
    return render(request, "org/neighbourhood.html", context)


@require_http_methods(["GET", "POST"])
def neighbourhood_create(request: HttpRequest) -> HttpResponse:
    """A force administrator adds a neighbourhood, its boundary pasted as GeoJSON."""
    actor = _actor(request)
    form = NeighbourhoodCreateForm(_posted(request), forces=_structure_forces(actor))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (force := form.chosen_force()) is not None:
            data = form.cleaned_data
            try:
                nb = services.neighbourhood_create(
                    actor=actor,
                    force=force,
                    code=data["code"],
                    name=data["name"],
                    description=data["description"],
                    population=data["population"],
                    boundary=data["boundary"],
                    meta=_meta(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The neighbourhood %(name)s has been added.") % {"name": nb.name})
                return redirect("org:neighbourhood", neighbourhood_id=nb.pk)
    context = {
        "form": form,
        "nav_key": "neighbourhoods",
        "breadcrumbs": _neighbourhood_crumbs((_("Add a neighbourhood"), "")),
    }
    return render(request, "org/neighbourhood_create.html", context, status=status)


@require_http_methods(["GET", "POST"])
def neighbourhood_edit(request: HttpRequest, neighbourhood_id: int) -> HttpResponse:
    actor = _actor(request)
    nb = selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=neighbourhood_id, action=Action.MANAGE_STRUCTURE)
    name = nb.name  # the service changes the instance before it validates
    form = NeighbourhoodForm(_posted(request), initial=NeighbourhoodForm.initial_for(nb))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.neighbourhood_update(
                    actor=actor, neighbourhood=nb, changes=form.changes(), meta=_meta(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The neighbourhood has been updated."))
                return redirect("org:neighbourhood", neighbourhood_id=nb.pk)
    context = {
        "neighbourhood": nb,
        "title": name,
        "form": form,
        "nav_key": "neighbourhoods",
        "breadcrumbs": _neighbourhood_crumbs(
            (name, reverse("org:neighbourhood", args=[nb.pk])), (_("Edit the neighbourhood"), "")
        ),
    }
    return render(request, "org/neighbourhood_form.html", context, status=status)


# ---- Teams -----------------------------------------------------------------------------------


@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    """Teams the actor can see, each with the neighbourhoods of theirs the actor can see."""
    actor = _actor(request)
    page = paginate(selectors.teams_with_areas(actor), number=parse_positive_int(request.GET.get("page"), 1))
    managed = set(policy.forces_where(actor, Action.MANAGE_STRUCTURE).values_list("pk", flat=True))
    context = {
        "page": page,
        "managed_force_ids": managed,
        "nav_key": "teams",
        "breadcrumbs": _crumbs((_("Teams"), "")),
    }
    return render(request, "org/teams.html", context)


@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = TeamForm(
        _posted(request),
        forces=_structure_forces(actor),
        neighbourhoods=selectors.neighbourhoods_where(actor, Action.MANAGE_STRUCTURE),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (force := form.chosen_force()) is not None:
            try:
                team = services.team_create(
                    actor=actor,
                    force=force,
                    name=form.cleaned_data["name"],
                    neighbourhoods=form.chosen_neighbourhoods(),
                    meta=_meta(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The team %(name)s has been created.") % {"name": team.name})
                return redirect("org:teams")
    context = {
        "form": form,
        "title": _("Create a team"),
        "action": reverse("org:team_create"),
        "nav_key": "teams",
        "breadcrumbs": _team_crumbs((_("Create a team"), "")),
    }
    return render(request, "org/team_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = _actor(request)
    team = selectors.team_get_for(actor=actor, team_id=team_id, action=Action.MANAGE_STRUCTURE)
    name = team.name  # the service changes the instance before it validates
    form = TeamForm(
        _posted(request),
        forces=[team.force],
        neighbourhoods=selectors.neighbourhoods_of_force(actor=actor, force_id=team.force_id),
        initial=TeamForm.initial_for(team),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.team_update(actor=actor, team=team, changes=form.changes(), meta=_meta(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The team %(name)s has been updated.") % {"name": team.name})
                return redirect("org:teams")
    context = {
        "form": form,
        "team": team,
        "title": _("Edit the team"),
        "caption": name,
        "action": reverse("org:team_edit", args=[team.pk]),
        "nav_key": "teams",
        "breadcrumbs": _team_crumbs((name, "")),
        **_history(actor, team),
    }
    return render(request, "org/team_form.html", context, status=status)


# ---- Partner organisations -------------------------------------------------------------------


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    """Partner organisations of the actor's forces (a partner's member: only their own)."""
    actor = _actor(request)
    page = paginate(selectors.partners_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_create": policy.forces_where(actor, Action.MANAGE_STRUCTURE).exists(),
        "nav_key": "partners",
        "breadcrumbs": _crumbs((_("Partner organisations"), "")),
    }
    return render(request, "org/partners.html", context)


@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PartnerForm(_posted(request), forces=_structure_forces(actor))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (force := form.chosen_force()) is not None:
            try:
                partner = services.partner_create(
                    actor=actor,
                    force=force,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    meta=_meta(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s has been added.") % {"name": partner.name})
                return redirect("org:partners")
    context = {
        "form": form,
        "nav_key": "partners",
        "breadcrumbs": _partner_crumbs((_("Add a partner organisation"), "")),
    }
    return render(request, "org/partner_form.html", context, status=status)
