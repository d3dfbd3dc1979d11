"""Training pages: the training records the actor sees (with filters and expiry flags), recording
a completion, and the courses of the actor's forces. Thin: forms parse, services decide and
write, selectors read in the actor's scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.learning.forms.training import CourseForm, TrainingFilterForm, TrainingRecordForm
from beatbook.learning.selectors import training as selectors
from beatbook.learning.services import training as services
from beatbook.org import policy
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted


def training_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Training"), reverse("learning:training")), *trail)


@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TrainingFilterForm(
        request.GET or None,
        people=list(selectors.people_with_records(actor)),
        courses=list(selectors.course_list(actor)),
    )
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    page = paginate(
        selectors.training_list(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1)
    )
    on = today()
    context = {
        "page": page,
        "rows": [{"record": r, "state": selectors.state_of(r, on)} for r in page.items],
        "states": selectors.RecordState,
        "form": form,
        "query": request.GET.urlencode(),
        "can_record": selectors.forces_to_record(actor).exists(),
        "nav_key": "training",
        "breadcrumbs": crumbs((_("Training"), "")),
    }
    return render(request, "learning/training_list.html", context)


@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    policy.require_forces(actor, policy.Action.RECORD_TRAINING)
    wanted = parse_positive_int(request.GET.get("person"), 0)
    form = TrainingRecordForm(
        posted(request),
        people=list(selectors.people_to_train(actor).select_related("force")),
        courses=list(selectors.courses_to_record(actor)),
        initial={"person": wanted or None, "completed_on": today()},
    )
    done = submit(
        form,
        lambda: services.training_record_create(
            actor=actor,
            person=form.person_chosen(),
            course=form.course_chosen(),
            completed_on=form.cleaned_data["completed_on"],
            result=form.cleaned_data["result"],
            expires_on=form.cleaned_data["expires_on"],
            notes=form.cleaned_data["notes"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The training has been recorded."))
        return redirect("learning:training")
    context = {"form": form, "nav_key": "training", "breadcrumbs": training_crumbs((_("Record training"), ""))}
    return render(request, "learning/training_form.html", context, status=form_status(form))


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(selectors.course_list(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_create": selectors.forces_to_record(actor).exists(),
        "nav_key": "training",
        "breadcrumbs": training_crumbs((_("Courses"), "")),
    }
    return render(request, "learning/course_list.html", context)


@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.RECORD_TRAINING)
    form = CourseForm(posted(request), forces=forces, initial={"force": forces[0].pk})
    course = submit(
        form,
        lambda: services.course_create(
            actor=actor,
            force=form.force_chosen(),
            code=form.cleaned_data["code"],
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            valid_months=form.cleaned_data["valid_months"],
            meta=meta_of(request),
        ),
    )
    if course is not None:
        messages.success(request, _("Course “%(title)s” has been added.") % {"title": course.title})
        return redirect("learning:courses")
    context = {
        "form": form,
        "nav_key": "training",
        "breadcrumbs": training_crumbs((_("Courses"), reverse("learning:courses")), (_("Add a course"), "")),
    }
    return render(request, "learning/course_form.html", context, status=form_status(form))


urlpatterns = [
    path("training/", training_list, name="training"),
    path("training/new/", training_new, name="training_new"),
    path("courses/", course_list, name="courses"),
    path("courses/new/", course_new, name="course_new"),
]
