"""Publishing pages (force administrators): what the force publishes about its neighbourhoods and
people. The overview lists the force's settings, each neighbourhood with its public page's state
(and a link to the public page) and each person with their public profile's state; three forms
change them. Thin: forms parse, `services.publication` decides and writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Force
from beatbook.org.selectors import NOT_FOUND
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms.publication import CommunitySettingsForm, NeighbourhoodPageForm, PublicProfileForm
from ..selectors import publication as selectors
from ..services import publication as services

NAV_KEY = "publishing"


def publishing_crumbs(force: Force, *trail: tuple[str, str]) -> list[Any]:
    overview = f"{reverse('community:publishing')}?force={force.slug}"
    return crumbs((_("Publishing"), overview), *trail)


def _overview_url(force: Force) -> str:
    return f"{reverse('community:publishing')}?force={force.slug}"


@require_GET
def publishing(request: HttpRequest) -> HttpResponse:
    """One force's publication at a glance (`?force=` picks among the actor's forces)."""
    actor = actor_of(request)
    forces = list(selectors.publication_forces(actor))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    wanted = request.GET.get("force") or forces[0].slug
    force = next((f for f in forces if f.slug == wanted), None)
    if force is None:
        raise Http404(_(NOT_FOUND))
    q = request.GET.get("q", "").strip()[:100]
    people = paginate(
        selectors.people_for_publication(actor, force=force, q=q), number=parse_positive_int(request.GET.get("page"), 1)
    )
    neighbourhoods = list(selectors.neighbourhoods_for_publication(actor, force=force))
    pages = [selectors.page_of(nb) for nb in neighbourhoods]
    areas = [{"neighbourhood": nb, "page": page} for nb, page in zip(neighbourhoods, pages, strict=True)]
    context = {
        "force": force,
        "forces": forces,
        "settings": selectors.settings_of(force),
        "areas": areas,
        "published": sum(
            1 for nb, page in zip(neighbourhoods, pages, strict=True) if page.is_published and nb.is_active
        ),
        "page": people,
        "rows": [{"person": p, "profile": selectors.profile_of(p)} for p in people.items],
        "q": q,
        "nav_key": NAV_KEY,
        "breadcrumbs": crumbs((_("Publishing"), "")),
    }
    return render(request, "community/publishing/overview.html", context)


@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest, force_slug: str) -> HttpResponse:
    actor = actor_of(request)
    force = org_selectors.force_get_for(actor=actor, slug=force_slug, action=policy.Action.MANAGE_PUBLICATION)
    current = selectors.settings_of(force)
    form = CommunitySettingsForm(posted(request), initial=CommunitySettingsForm.initial_from(current))
    done = submit(
        form,
        lambda: services.community_settings_update(
            actor=actor,
            force=force,
            priority_review_days=form.cleaned_data["priority_review_days"],
            engagement_methods=form.cleaned_data["engagement_methods"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The community settings have been saved."))
        return redirect(_overview_url(force))
    context = {
        "form": form,
        "force": force,
        "nav_key": NAV_KEY,
        "breadcrumbs": publishing_crumbs(force, (_("Community settings"), "")),
    }
    return render(request, "community/publishing/settings_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, neighbourhood_id: int) -> HttpResponse:
    actor = actor_of(request)
    nb = org_selectors.neighbourhood_get_for(
        actor=actor, neighbourhood_id=neighbourhood_id, action=policy.Action.MANAGE_PUBLICATION
    )
    form = NeighbourhoodPageForm(posted(request), initial=NeighbourhoodPageForm.initial_from(selectors.page_of(nb)))
    done = submit(
        form,
        lambda: services.neighbourhood_page_update(
            actor=actor, neighbourhood=nb, data=form.page_data(), meta=meta_of(request)
        ),
    )
    if done is not None:
        if done.is_published:
            text = _("The page of %(name)s has been saved and is published.")
        else:
            text = _("The page of %(name)s has been saved (not published).")
        messages.success(request, text % {"name": nb.name})
        return redirect(_overview_url(nb.force))
    context = {
        "form": form,
        "neighbourhood": nb,
        "nav_key": NAV_KEY,
        "breadcrumbs": publishing_crumbs(nb.force, (nb.name, "")),
    }
    return render(request, "community/publishing/page_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = org_selectors.person_get_for(actor=actor, person_id=person_id, action=policy.Action.MANAGE_PUBLICATION)
    if person.force is None or person.partner_organisation_id is not None:
        raise Http404(_(NOT_FOUND))
    profile = selectors.profile_of(person)
    initial = (
        PublicProfileForm.initial_from(profile)
        if profile is not None
        else {"public_name": person.display_name, "rank": person.rank_title}
    )
    form = PublicProfileForm(posted(request), initial=initial)
    done = submit(
        form,
        lambda: services.public_profile_update(
            actor=actor, person=person, data=form.profile_data(), meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("The public profile has been saved."))
        return redirect(_overview_url(person.force))
    context = {
        "form": form,
        "person": person,
        "has_profile": profile is not None,
        "nav_key": NAV_KEY,
        "breadcrumbs": publishing_crumbs(person.force, (person.display_name, "")),
    }
    return render(request, "community/publishing/profile_form.html", context, status=form_status(form))


urlpatterns = [
    path("publishing/", publishing, name="publishing"),
    path("publishing/forces/<slug:force_slug>/settings/", settings_edit, name="publishing_settings"),
    path("publishing/neighbourhoods/<int:neighbourhood_id>/", page_edit, name="publishing_page"),
    path("publishing/people/<int:person_id>/", profile_edit, name="publishing_profile"),
]
