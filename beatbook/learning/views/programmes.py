"""Programme pages: programmes (list, detail, settings), the cohort dashboard and "my learners",
an enrolment (people, phase, plan, milestones with sign-off, reviews), enrolling a learner, and
the learner's own phone view (`/learning/me/`). Thin: forms parse, services decide and write,
selectors read in the actor's scope (404 for what the actor cannot see, 403 for what they see
but may not do).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import add_service_errors, form_status, submit
from beatbook.core.timeutil import today
from beatbook.learning.forms.programmes import (
    CohortFilterForm,
    EnrolForm,
    EnrolmentForm,
    PhaseForm,
    ProgrammeSettingsForm,
    ReasonForm,
    ReviewForm,
    RevokeForm,
    ScheduleForm,
    SignOffForm,
)
from beatbook.learning.models import Enrolment, Milestone
from beatbook.learning.selectors import programmes as selectors
from beatbook.learning.services import programmes as services
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

NAV = "learning"
DENIED = "You do not have permission to do that."


def _deny() -> PermissionDenied:
    return PermissionDenied(_(DENIED))


def programme_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Programmes"), reverse("learning:programmes")), *trail)


def portfolio_url(enrolment: Enrolment) -> str:
    """The learner's portfolio page, if the portfolio pages are installed ("" otherwise)."""
    for args in ((enrolment.pk,), ()):
        try:
            return reverse("learning:portfolio", args=args)
        except NoReverseMatch:
            continue
    return ""


# ---- Programmes ---------------------------------------------------------------------------------


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context = {
        "programmes": list(selectors.programmes_visible_to(actor)),
        "manageable": set(selectors.programmes_to_manage(actor).values_list("pk", flat=True)),
        "nav_key": NAV,
        "breadcrumbs": crumbs((_("Programmes"), "")),
    }
    return render(request, "learning/programmes/programme_list.html", context)


@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    actor = actor_of(request)
    programme = selectors.programme_get_for(actor=actor, programme_id=programme_id)
    context = {
        "programme": programme,
        "units": list(programme.units.all()),
        "phases": list(programme.phases.all()),
        "can_manage": services.may_manage(actor, programme),
        "can_enrol": services.may_enrol(actor, programme) and programme.is_active,
        "nav_key": NAV,
        "breadcrumbs": programme_crumbs((programme.name, "")),
    }
    return render(request, "learning/programmes/programme_detail.html", context)


@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    actor = actor_of(request)
    programme = selectors.programme_get_for(actor=actor, programme_id=programme_id)
    if not services.may_manage(actor, programme):
        raise _deny()
    form = ProgrammeSettingsForm(posted(request), initial=ProgrammeSettingsForm.initial_of(programme))
    done = submit(
        form,
        lambda: services.programme_update(
            actor=actor,
            programme=programme,
            data=services.ProgrammeSettings(**form.cleaned_data),
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The programme's settings have been saved."))
        return redirect("learning:programme_detail", programme_id=programme.pk)
    context = {
        "form": form,
        "programme": programme,
        "nav_key": NAV,
        "breadcrumbs": programme_crumbs(
            (programme.name, reverse("learning:programme_detail", args=[programme.pk])), (_("Settings"), "")
        ),
    }
    return render(request, "learning/programmes/programme_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    actor = actor_of(request)
    programme = selectors.programme_get_for(actor=actor, programme_id=programme_id)
    if not services.may_enrol(actor, programme):
        raise _deny()
    form = EnrolForm(
        posted(request),
        people=list(selectors.people_of_force(programme.force_id)),
        initial={"start_date": today()},
    )
    enrolment = submit(
        form,
        lambda: services.enrol(
            actor=actor,
            person=form.people[form.cleaned_data["person"]],
            programme=programme,
            start_date=form.cleaned_data["start_date"],
            tutor=form.chosen(form, "tutor"),
            assessor=form.chosen(form, "assessor"),
            line_manager=form.chosen(form, "line_manager"),
            meta=meta_of(request),
        ),
    )
    if enrolment is not None:
        messages.success(request, _("The learner has been enrolled."))
        if selectors.enrolments_visible_to(actor).filter(pk=enrolment.pk).exists():
            return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)
        return redirect("learning:programme_detail", programme_id=programme.pk)
    context = {
        "form": form,
        "programme": programme,
        "nav_key": NAV,
        "breadcrumbs": programme_crumbs(
            (programme.name, reverse("learning:programme_detail", args=[programme.pk])), (_("Enrol a learner"), "")
        ),
    }
    return render(request, "learning/programmes/enrol_form.html", context, status=form_status(form))


# ---- Cohort -------------------------------------------------------------------------------------


@require_GET
def cohort(request: HttpRequest) -> HttpResponse:
    """The force's cohort for those who oversee learners; otherwise (or with ?scope=mine) the
    learners the actor is named on as tutor, assessor or line manager; 403 for anyone else."""
    actor = actor_of(request)
    force = actor.force
    overseer = selectors.may_oversee(actor, force)
    scope = "mine" if request.GET.get("scope") == "mine" or not overseer else "force"
    if scope == "mine" and not selectors.named_enrolments(actor).exists():
        raise _deny()
    form = CohortFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    if scope == "force":
        assert force is not None
        rows = selectors.force_cohort(actor, force, filters)
    else:
        rows = selectors.my_learners(actor, filters)
    services.cohort_viewed(
        actor=actor, force=force, scope=scope, filters=filters.as_dict(), rows=len(rows), meta=meta_of(request)
    )
    context = {
        "rows": rows,
        "form": form,
        "scope": scope,
        "overseer": overseer,
        "at_risk": sum(1 for r in rows if r.at_risk),
        "today": today(),
        "nav_key": "cohort" if overseer else NAV,
        "breadcrumbs": crumbs((_("Learners") if scope == "mine" else _("Cohort"), "")),
    }
    return render(request, "learning/programmes/cohort.html", context)


# ---- Enrolments ---------------------------------------------------------------------------------


def _milestone_rows(actor: Any, enrolment: Enrolment, status: selectors.LearnerStatus) -> list[dict[str, Any]]:
    rows = []
    for state in (status.ips, status.foc):
        _met, missing = services.missing_criteria(enrolment, state.milestone)
        role = services.sign_off_role(actor, enrolment, state.milestone)
        ready = state.milestone == Milestone.IPS or status.ips.signed
        rows.append(
            {
                "state": state,
                "missing": missing,
                "days_left": state.days_left(today()),
                "can_sign": bool(role) and not state.signed and enrolment.is_active and ready,
                "can_revoke": state.signed
                and enrolment.is_active
                and (bool(role) or services.may_manage(actor, enrolment))
                and not (state.milestone == Milestone.IPS and status.foc.signed),
                "signer": _("the tutor or line manager") if state.milestone == Milestone.IPS else _("the assessor"),
            }
        )
    return rows


def _enrolment_page(request: HttpRequest, enrolment: Enrolment, *, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    learner = selectors.status_of(enrolment)
    can_review = services.may_review(actor, enrolment) and enrolment.is_active
    can_move = services.may_move_phase(actor, enrolment) and enrolment.is_active
    can_manage = services.may_manage(actor, enrolment) and enrolment.is_active
    people = list(selectors.people_of_force(enrolment.force_id)) if can_review else []
    context: dict[str, Any] = {
        "enrolment": enrolment,
        "status": learner,
        "milestones": _milestone_rows(actor, enrolment, learner),
        "reviews": selectors.reviews_of(enrolment),
        "signoffs": selectors.signoffs_of(enrolment),
        "is_learner": enrolment.learner_id == actor.pk,
        "can_manage": can_manage,
        "portfolio_url": portfolio_url(enrolment),
        "sign_off_errors": forms.get("sign_off_errors", []),
        "nav_key": NAV,
        "breadcrumbs": crumbs((enrolment.learner.display_name, "")),
    }
    if can_review:
        context["review_form"] = forms.get("review_form") or ReviewForm(
            people=people, initial={"held_on": today(), "attendees": [actor.pk, enrolment.learner_id]}
        )
        context["schedule_form"] = forms.get("schedule_form") or ScheduleForm()
    if can_move:
        phases = [s.phase for s in learner.plan if s.phase.pk != enrolment.current_phase_id]
        context["phase_form"] = forms.get("phase_form") or PhaseForm(phases=phases, initial={"started_on": today()})
    if can_manage:
        context["withdraw_form"] = forms.get("withdraw_form") or ReasonForm()
    context["revoke_form"] = forms.get("revoke_form")
    return render(request, "learning/programmes/enrolment_detail.html", context, status=status)


@require_GET
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _enrolment_page(request, selectors.enrolment_get_for(actor=actor_of(request), enrolment_id=enrolment_id))


@require_http_methods(["GET", "POST"])
def enrolment_edit(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.enrolment_get_for(actor=actor, enrolment_id=enrolment_id)
    if not services.may_manage(actor, enrolment):
        raise _deny()
    form = EnrolmentForm(
        posted(request),
        people=list(selectors.people_of_force(enrolment.force_id)),
        initial=EnrolmentForm.initial_of(enrolment),
    )
    done = submit(
        form,
        lambda: services.enrolment_update(
            actor=actor,
            enrolment=enrolment,
            tutor=form.chosen(form, "tutor"),
            assessor=form.chosen(form, "assessor"),
            line_manager=form.chosen(form, "line_manager"),
            ips_due_on=form.cleaned_data["ips_due_on"],
            foc_due_on=form.cleaned_data["foc_due_on"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The enrolment has been changed."))
        return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)
    context = {
        "form": form,
        "enrolment": enrolment,
        "nav_key": NAV,
        "breadcrumbs": crumbs(
            (enrolment.learner.display_name, reverse("learning:enrolment_detail", args=[enrolment.pk])),
            (_("Change"), ""),
        ),
    }
    return render(request, "learning/programmes/enrolment_form.html", context, status=form_status(form))


def _visible(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get_for(actor=actor_of(request), enrolment_id=enrolment_id)


@require_POST
def enrolment_phase(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    if not services.may_move_phase(actor, enrolment):
        raise _deny()
    form = PhaseForm(request.POST, phases=list(enrolment.programme.phases.all()))
    done = submit(
        form,
        lambda: services.enrolment_move_phase(
            actor=actor,
            enrolment=enrolment,
            phase=form.phase_chosen(),
            started_on=form.cleaned_data["started_on"],
            meta=meta_of(request),
        ),
    )
    if done is None:
        return _enrolment_page(request, enrolment, status=400, phase_form=form)
    messages.success(request, _("The learner's phase has been changed."))
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


@require_POST
def enrolment_withdraw(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    if not services.may_manage(actor, enrolment):
        raise _deny()
    form = ReasonForm(request.POST)
    done = submit(
        form,
        lambda: services.enrolment_withdraw(
            actor=actor, enrolment=enrolment, reason=form.cleaned_data["reason"], meta=meta_of(request)
        ),
    )
    if done is None:
        return _enrolment_page(request, enrolment, status=400, withdraw_form=form)
    messages.success(request, _("The enrolment has been withdrawn."))
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


@require_POST
def enrolment_complete(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    if not services.may_manage(actor, enrolment):
        raise _deny()
    try:
        services.enrolment_complete(actor=actor, enrolment=enrolment, meta=meta_of(request))
    except ValidationError as exc:
        return _enrolment_page(request, enrolment, status=400, sign_off_errors=exc.messages)
    messages.success(request, _("The programme has been marked completed."))
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


@require_POST
def milestone_sign_off(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return _enrolment_page(request, enrolment, status=400, sign_off_errors=[_("Choose IPS or FOC.")])
    milestone = form.cleaned_data["milestone"]
    if not services.sign_off_role(actor, enrolment, milestone):
        raise _deny()
    try:
        services.milestone_sign_off(
            actor=actor, enrolment=enrolment, milestone=milestone, note=form.cleaned_data["note"], meta=meta_of(request)
        )
    except ValidationError as exc:
        return _enrolment_page(request, enrolment, status=400, sign_off_errors=exc.messages)
    messages.success(request, _("%(milestone)s has been signed off.") % {"milestone": Milestone(milestone).label})
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


@require_POST
def milestone_revoke(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        milestone = form.cleaned_data["milestone"]
        if not (services.sign_off_role(actor, enrolment, milestone) or services.may_manage(actor, enrolment)):
            raise _deny()
        try:
            services.milestone_revoke(
                actor=actor,
                enrolment=enrolment,
                milestone=milestone,
                reason=form.cleaned_data["reason"],
                meta=meta_of(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The sign-off has been revoked."))
            return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)
    return _enrolment_page(request, enrolment, status=400, revoke_form=form)


@require_POST
def review_record(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    if not services.may_review(actor, enrolment):
        raise _deny()
    form = ReviewForm(request.POST, people=list(selectors.people_of_force(enrolment.force_id)))
    done = submit(
        form,
        lambda: services.review_record(
            actor=actor,
            review_or_enrolment=enrolment,
            held_on=form.cleaned_data["held_on"],
            attendees=form.attendees_chosen(),
            other_attendees=form.cleaned_data["other_attendees"],
            rag=form.cleaned_data["rag"],
            notes=form.cleaned_data["notes"],
            agreed_actions=form.cleaned_data["agreed_actions"],
            next_review_on=form.cleaned_data["next_review_on"],
            meta=meta_of(request),
        ),
    )
    if done is None:
        return _enrolment_page(request, enrolment, status=400, review_form=form)
    messages.success(request, _("The review has been recorded and the next one scheduled."))
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


@require_POST
def review_schedule(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = _visible(request, enrolment_id)
    if not services.may_review(actor, enrolment):
        raise _deny()
    form = ScheduleForm(request.POST)
    done = submit(
        form,
        lambda: services.review_schedule(
            actor=actor, enrolment=enrolment, scheduled_for=form.cleaned_data["scheduled_for"], meta=meta_of(request)
        ),
    )
    if done is None:
        return _enrolment_page(request, enrolment, status=400, schedule_form=form)
    messages.success(request, _("The review has been scheduled."))
    return redirect("learning:enrolment_detail", enrolment_id=enrolment.pk)


# ---- The learner's own view ---------------------------------------------------------------------


@require_GET
def my_programme(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.my_enrolment(actor)
    context: dict[str, Any] = {
        "enrolment": enrolment,
        "nav_key": NAV,
        "breadcrumbs": crumbs((_("My programme"), "")),
    }
    if enrolment is not None:
        status = selectors.status_of(enrolment)
        on = today()
        context.update(
            {
                "status": status,
                "current_step": next((s for s in status.plan if s.is_current), None),
                "ips_days": status.ips.days_left(on),
                "foc_days": status.foc.days_left(on),
                "portfolio_url": portfolio_url(enrolment),
            }
        )
    return render(request, "learning/programmes/my_programme.html", context)


urlpatterns = [
    path("programmes/", programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", programme_detail, name="programme_detail"),
    path("programmes/<int:programme_id>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/enrol/", enrol, name="enrol"),
    path("cohort/", cohort, name="cohort"),
    path("enrolments/<int:enrolment_id>/", enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:enrolment_id>/edit/", enrolment_edit, name="enrolment_edit"),
    path("enrolments/<int:enrolment_id>/phase/", enrolment_phase, name="enrolment_phase"),
    path("enrolments/<int:enrolment_id>/withdraw/", enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:enrolment_id>/complete/", enrolment_complete, name="enrolment_complete"),
    path("enrolments/<int:enrolment_id>/sign-off/", milestone_sign_off, name="milestone_sign_off"),
    path("enrolments/<int:enrolment_id>/revoke/", milestone_revoke, name="milestone_revoke"),
    path("enrolments/<int:enrolment_id>/reviews/", review_record, name="review_record"),
    path("enrolments/<int:enrolment_id>/reviews/schedule/", review_schedule, name="review_schedule"),
    path("me/", my_programme, name="my_programme"),
]
