"""People and their postings: the list, the CSV export, a profile, creating, deactivating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today

from .. import policy, selectors, services
from ..forms import SEARCH_MAX_LENGTH, DeactivateForm, PersonCreateForm, PostingEndForm, PostingForm
from ..models import Person, Posting
from ..policy import Action
from .common import actor_of, crumbs, history_context, meta_of, people_crumbs, posted, wants_fragment


@dataclass(frozen=True)
class PostingRow:
    """A posting on a profile page, with the form that ends it (for force administrators)."""

    posting: Posting
    is_current: bool
    status: str
    end_form: PostingEndForm | None


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """People the actor can see, searchable by name, username or collar number."""
    actor = actor_of(request)
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    page = paginate(selectors.people_matching(actor, q), number=parse_positive_int(request.GET.get("page"), 1))
    context: dict[str, Any] = {
        "page": page,
        "q": q,
        "can_create": policy.forces_where(actor, Action.MANAGE_PEOPLE).exists(),
        "nav_key": "people",
        "breadcrumbs": crumbs((_("People"), "")),
    }
    template = "org/partials/people_results.html" if wants_fragment(request) else "org/people.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def people_export(request: HttpRequest) -> StreamingHttpResponse:
    """The people list as CSV, for force administrators (audited)."""
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    export = services.people_export(actor=actor_of(request), q=q, meta=meta_of(request))
    return csv_download("people", services.PEOPLE_EXPORT_COLUMNS, export.rows)


def _render_person(
    request: HttpRequest,
    person: Person,
    *,
    failed_end: tuple[int, PostingEndForm] | None = None,
    deactivate_form: DeactivateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
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
        "breadcrumbs": people_crumbs((person.display_name, "")),
        **history_context(actor, person),
    }
    return render(request, "org/person.html", context, status=status)


@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(actor=actor_of(request), person_id=person_id)
    return _render_person(request, person)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A force administrator creates an account in (one of) their force(s)."""
    actor = actor_of(request)
    forces = policy.require_forces(actor, Action.MANAGE_PEOPLE)
    form = PersonCreateForm(
        posted(request), forces=forces, partners=selectors.partners_where(actor, Action.MANAGE_PEOPLE)
    )
    person = submit(
        form,
        lambda: services.person_create(
            actor=actor, force=form.chosen_force(), data=form.new_person(), meta=meta_of(request)
        ),
    )
    if person is not None:
        messages.success(request, _("%(name)s's account has been created.") % {"name": person.display_name})
        return redirect("org:person", person_id=person.pk)
    context = {"form": form, "nav_key": "people", "breadcrumbs": people_crumbs((_("Create a person"), ""))}
    return render(request, "org/person_form.html", context, status=form_status(form))


@require_POST
def person_deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id, action=Action.MANAGE_PEOPLE)
    form = DeactivateForm(request.POST, auto_id="id_deactivate_%s")
    done = submit(
        form,
        lambda: services.person_deactivate(
            actor=actor, person=person, reason=form.cleaned_data["reason"], meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("%(name)s's account has been deactivated.") % {"name": person.display_name})
        return redirect("org:person", person_id=person.pk)
    return _render_person(request, person, deactivate_form=form, status=400)


# ---- Postings --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id, action=Action.MANAGE_PEOPLE)
    form = PostingForm(
        posted(request),
        neighbourhoods=selectors.neighbourhoods_of_force(actor=actor, force_id=person.force_id),
        teams=selectors.teams_of_force(actor=actor, force_id=person.force_id),
    )

    def create() -> Posting:
        data = form.cleaned_data
        return services.posting_create(
            actor=actor,
            person=person,
            role=data["role"],
            neighbourhood=data["neighbourhood"],
            team=data["team"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            meta=meta_of(request),
        )

    if submit(form, create) is not None:
        messages.success(request, _("The posting has been added."))
        return redirect("org:person", person_id=person.pk)
    context = {
        "person": person,
        "form": form,
        "nav_key": "people",
        "breadcrumbs": people_crumbs(
            (person.display_name, reverse("org:person", args=[person.pk])), (_("Add a posting"), "")
        ),
    }
    return render(request, "org/posting_form.html", context, status=form_status(form))


@require_POST
def posting_end(request: HttpRequest, posting_id: int) -> HttpResponse:
    actor = actor_of(request)
    posting = selectors.posting_get_for(actor=actor, posting_id=posting_id, action=Action.MANAGE_PEOPLE)
    form = PostingEndForm(request.POST, auto_id=f"id_end{posting.pk}_%s")
    ended = submit(
        form,
        lambda: services.posting_end(
            actor=actor,
            posting=posting,
            valid_to=form.cleaned_data["valid_to"],
            reason=form.cleaned_data["reason"],
            meta=meta_of(request),
        ),
    )
    if ended is not None:
        messages.success(request, _("The posting has been ended."))
        return redirect("org:person", person_id=posting.person_id)
    return _render_person(request, posting.person, failed_end=(posting.pk, form), status=400)
