"""Jobs pages: the list, one job with its progress bar, and the progress partial it polls.

Thin: visibility is `selectors.jobs_visible_to`; starting a job is `tasks.*_start` (services).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beatbook.audit.services import AuditMeta
from beatbook.core.middleware import request_id_of
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.org import policy
from beatbook.org.models import Person

from . import selectors, tasks
from .models import Job


def _actor(request: HttpRequest) -> Person:
    actor = request.user
    assert isinstance(actor, Person)  # LoginRequiredMiddleware lets no one else through
    return actor


def _crumbs(job: Job | None = None) -> list[dict[str, str]]:
    home = {"label": _("Home"), "url": reverse("core:home")}
    if job is None:
        return [home, {"label": _("Jobs"), "url": ""}]
    return [home, {"label": _("Jobs"), "url": reverse("jobs:list")}, {"label": job.title, "url": ""}]


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """Jobs I started, and every job of the forces where I may view jobs."""
    page = paginate(selectors.jobs_visible_to(_actor(request)), number=parse_positive_int(request.GET.get("page"), 1))
    return render(request, "jobs/list.html", {"page": page, "breadcrumbs": _crumbs(), "nav_key": "jobs"})


@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get_for(actor=_actor(request), job_id=job_id)
    return render(request, "jobs/detail.html", {"job": job, "breadcrumbs": _crumbs(job), "nav_key": "jobs"})


@require_GET
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress partial (polled by htmx), or its JSON when the client asks for JSON."""
    job = selectors.job_get_for(actor=_actor(request), job_id=job_id)
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        return JsonResponse(job.as_progress())
    response = render(request, "jobs/partials/_progress.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Start verifying the audit chain of a force where the actor is an auditor; go to the job."""
    actor = _actor(request)
    forces = policy.forces_where(actor, policy.Action.VERIFY_AUDIT).order_by("name")
    wanted = request.POST.get("force", "")  # absent: the auditor's (first) force
    force = forces.first() if not wanted else forces.filter(pk=wanted).first() if wanted.isdigit() else None
    if force is None:
        raise PermissionDenied(_("You do not have permission to do that."))
    job = tasks.audit_verify_start(actor=actor, force=force, meta=AuditMeta(request_id=request_id_of(request)))
    messages.success(request, _("Verification of the audit trail has started."))
    return redirect("jobs:detail", job_id=job.pk)
