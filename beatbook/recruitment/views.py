"""Recruitment pages.

Public (no login): a force's careers page (open campaigns, or "applications are currently
closed" with the next steps), the application form, and the applicant's status page, reached
only by the secret link given on applying (it shows that one application and nothing else).

Staff (the force's recruiters and administrators): the applications list (filter by campaign and
status), an application with its stages and the form for the next one, appointment, campaigns and
the eligibility rules. Every list and every view of an application is audited. Thin: forms
parse, services decide and write, selectors read in the actor's scope (404 for an application the
actor cannot see, 403 for pages of a role they do not hold).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from . import selectors, services
from .forms import ApplicationFilterForm, ApplyForm, AppointForm, CampaignForm, RulesForm, StageForm
from .models import STAGE_ORDER, Application, ApplicationStatus, Stage

NAV = "recruitment"


def _private(response: HttpResponse) -> HttpResponse:
    """An applicant's page: never cached, and its address (which holds the secret) never sent on."""
    response["Referrer-Policy"] = "no-referrer"
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_not_required(never_cache(view))


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/public/404.html", status=404)


# ---- Public -------------------------------------------------------------------------------------


@public_page
@require_GET
def careers(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = selectors.public_force(force_slug)
    if force is None:
        return _not_found(request)
    campaigns = list(selectors.open_campaigns(force))
    context = {
        "force": force,
        "campaigns": campaigns,
        "last": None if campaigns else selectors.latest_closed_campaign(force),
        "rules": selectors.rules_for(force),
    }
    return render(request, "recruitment/public/careers.html", context)


@public_page
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, force_slug: str, campaign_id: int) -> HttpResponse:
    force = selectors.public_force(force_slug)
    campaign = selectors.open_campaign(force, campaign_id) if force is not None else None
    if force is None or campaign is None:
        return _not_found(request)
    form = ApplyForm(posted(request))
    done = submit(
        form,
        lambda: services.application_submit(
            campaign=campaign, data=services.NewApplication(**form.cleaned_data), meta=meta_of(request)
        ),
    )
    if done is not None:
        return redirect("recruitment:status", token=done.token)
    context = {"force": force, "campaign": campaign, "form": form, "rules": selectors.rules_for(force)}
    return render(request, "recruitment/public/apply.html", context, status=form_status(form))


@public_page
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    application = selectors.application_by_token(token)
    if application is None:
        return _private(_not_found(request))
    if request.method == "POST":
        if application.status == ApplicationStatus.IN_PROGRESS:
            services.application_withdraw(actor=None, application=application, meta=meta_of(request))
        return _private(redirect("recruitment:status", token=token))
    stages = sorted(application.stages.all(), key=lambda s: s.position)
    context = {
        "application": application,
        "force": application.force,
        "stages": stages,
        "can_withdraw": application.status == ApplicationStatus.IN_PROGRESS,
    }
    return _private(render(request, "recruitment/public/status.html", context))


# ---- Staff --------------------------------------------------------------------------------------


def _forces(request: HttpRequest) -> list[Force]:
    return policy.require_forces(actor_of(request), policy.Action.MANAGE_RECRUITMENT)


def staff_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Recruitment"), reverse("recruitment:applications")), *trail)


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    forces = _forces(request)
    campaigns = list(selectors.campaigns_visible_to(actor))
    form = ApplicationFilterForm(request.GET or None, campaigns=campaigns)
    campaign_id, status_value = None, ""
    if form.is_bound and form.is_valid():
        campaign_id, status_value = form.cleaned_data["campaign"], form.cleaned_data["status"]
    queryset = selectors.application_list_for(actor=actor, campaign_id=campaign_id, status=status_value)
    page = paginate(queryset, number=parse_positive_int(request.GET.get("page"), 1))
    services.applications_listed(
        actor=actor,
        force_ids=[f.pk for f in forces],
        filters={"campaign": campaign_id, "status": status_value, "page": page.number},
        count=page.total,
        meta=meta_of(request),
    )
    context = {
        "form": form,
        "page": page,
        "applications": page.items,
        "campaigns": campaigns,
        "forces": forces,
        "nav_key": NAV,
        "breadcrumbs": crumbs((_("Recruitment"), "")),
    }
    return render(request, "recruitment/staff/application_list.html", context)


def _next_stage(application: Application) -> str:
    stages = sorted(application.stages.all(), key=lambda s: s.position)
    if not stages:
        return Stage.SIFT
    nxt = stages[-1].position + 1
    return STAGE_ORDER[nxt] if nxt < len(STAGE_ORDER) else ""


@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get_for(actor=actor, application_id=application_id)
    next_stage = _next_stage(application)
    form = StageForm(posted(request), initial={"stage": next_stage, "on": today()})
    if request.method == "POST":
        policy.require(actor, policy.Action.MANAGE_RECRUITMENT, application)
        done = submit(
            form,
            lambda: services.stage_record(
                actor=actor, application=application, meta=meta_of(request), **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The stage has been recorded."))
            return redirect("recruitment:application_detail", application_id=application.pk)
    services.application_viewed(actor=actor, application=application, meta=meta_of(request))
    stages = sorted(application.stages.all(), key=lambda s: s.position)
    in_progress = application.status == ApplicationStatus.IN_PROGRESS
    context = {
        "application": application,
        "stages": stages,
        "form": form,
        "can_record": in_progress and next_stage not in {"", Stage.START},
        "can_appoint": in_progress and next_stage == Stage.START,
        "nav_key": NAV,
        "breadcrumbs": staff_crumbs((application.reference, "")),
    }
    return render(request, "recruitment/staff/application_detail.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def appoint(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get_for(actor=actor, application_id=application_id)
    policy.require(actor, policy.Action.MANAGE_RECRUITMENT, application)
    form = AppointForm(
        posted(request),
        initial={"start_date": today()},
        neighbourhoods=list(selectors.neighbourhoods_of(application.force_id)),
        teams=list(selectors.teams_of(application.force_id)),
    )

    def run() -> services.Appointed:
        neighbourhood, team = form.chosen()
        return services.applicant_appoint(
            actor=actor,
            application=application,
            start_date=form.cleaned_data["start_date"],
            neighbourhood=neighbourhood,
            team=team,
            meta=meta_of(request),
        )

    done = submit(form, run)
    if done is not None:
        messages.success(
            request,
            _("%(name)s has been appointed as a student PCSO.") % {"name": done.person.display_name},
        )
        return redirect("recruitment:application_detail", application_id=application.pk)
    context = {
        "application": application,
        "form": form,
        "nav_key": NAV,
        "breadcrumbs": staff_crumbs(
            (application.reference, reverse("recruitment:application_detail", args=[application.pk])),
            (_("Appoint"), ""),
        ),
    }
    return render(request, "recruitment/staff/appoint.html", context, status=form_status(form))


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    forces = _forces(request)
    context = {
        "campaigns": list(selectors.campaigns_visible_to(actor)),
        "forces": forces,
        "today": today(),
        "nav_key": NAV,
        "breadcrumbs": staff_crumbs((_("Campaigns"), "")),
    }
    return render(request, "recruitment/staff/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest, force_slug: str) -> HttpResponse:
    actor = actor_of(request)
    force = next((f for f in _forces(request) if f.slug == force_slug), None)
    if force is None:
        raise Http404(_("Not found."))
    form = CampaignForm(posted(request), initial={"opens_on": today(), "posts": 1})
    done = submit(
        form,
        lambda: services.campaign_create(
            actor=actor, force=force, data=services.CampaignData(**form.cleaned_data), meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("The campaign has been created."))
        return redirect("recruitment:campaigns")
    return _campaign_form(request, form, force, None)


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = actor_of(request)
    campaign = selectors.campaign_get_for(actor=actor, campaign_id=campaign_id)
    form = CampaignForm(posted(request), initial=CampaignForm.initial_of(campaign))
    done = submit(
        form,
        lambda: services.campaign_update(
            actor=actor, campaign=campaign, data=services.CampaignData(**form.cleaned_data), meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("The campaign has been saved."))
        return redirect("recruitment:campaigns")
    return _campaign_form(request, form, campaign.force, campaign)


def _campaign_form(request: HttpRequest, form: CampaignForm, force: Force, campaign: Any) -> HttpResponse:
    context = {
        "form": form,
        "force": force,
        "campaign": campaign,
        "nav_key": NAV,
        "breadcrumbs": staff_crumbs(
            (_("Campaigns"), reverse("recruitment:campaigns")),
            (campaign.title if campaign else _("New campaign"), ""),
        ),
    }
    return render(request, "recruitment/staff/campaign_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, force_slug: str) -> HttpResponse:
    actor = actor_of(request)
    force = next((f for f in _forces(request) if f.slug == force_slug), None)
    if force is None:
        raise Http404(_("Not found."))
    rules = selectors.rules_for(force)
    form = RulesForm(posted(request), initial=RulesForm.initial_of(rules))
    done = submit(
        form,
        lambda: services.eligibility_rules_update(
            actor=actor, force=force, data=services.RulesData(**form.cleaned_data), meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("The eligibility rules have been saved."))
        return redirect("recruitment:campaigns")
    context = {
        "form": form,
        "force": force,
        "nav_key": NAV,
        "breadcrumbs": staff_crumbs((_("Campaigns"), reverse("recruitment:campaigns")), (_("Eligibility rules"), "")),
    }
    return render(request, "recruitment/staff/rules_form.html", context, status=form_status(form))


urlpatterns = [
    path("careers/<slug:force_slug>/", careers, name="careers"),
    path("careers/<slug:force_slug>/apply/<int:campaign_id>/", apply, name="apply"),
    path("status/<str:token>/", status, name="status"),
    path("", application_list, name="applications"),
    path("applications/<int:application_id>/", application_detail, name="application_detail"),
    path("applications/<int:application_id>/appoint/", appoint, name="appoint"),
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/new/<slug:force_slug>/", campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/edit/", campaign_edit, name="campaign_edit"),
    path("rules/<slug:force_slug>/", rules_edit, name="rules"),
]
