"""Open data pages for staff: the index (imports, published months, publishing a month, the
downloads), uploading a police.uk file, and an import's page with its progress and result.

Thin: forms parse, services decide and write (`services.imports`), selectors read in the actor's
scope (`selectors.imports`). Force administrators and analysts only: others of the force get 403,
people of other forces 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.jobs.models import Job
from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms import CrimeImportForm, PublishForm
from ..models import CrimeImport
from ..selectors import imports as selectors
from ..services import imports as services

NAV_KEY = "opendata"


def opendata_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Open data"), reverse("opendata:index")), *trail)


def index_context(request: HttpRequest, forces: list[Force], publish_form: PublishForm) -> dict[str, Any]:
    """The index page's context (also shown again, with its errors, by a refused publication)."""
    actor = actor_of(request)
    page = paginate(selectors.crime_imports_managed_by(actor), number=parse_positive_int(request.GET.get("page"), 1))
    return {
        "page": page,
        "rows": [{"crime_import": i, **progress_of(i)} for i in page.items],
        "months": list(selectors.published_months_of(selectors.opendata_forces(actor))),
        "forces": forces,
        "publish_form": publish_form,
        "nav_key": NAV_KEY,
        "breadcrumbs": crumbs((_("Open data"), "")),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The forces' imports, their published months (with the downloads) and the publish form."""
    forces = policy.require_forces(actor_of(request), policy.Action.MANAGE_OPEN_DATA)
    form = PublishForm(forces=forces, initial={"force": forces[0].pk})
    return render(request, "opendata/index.html", index_context(request, forces, form))


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a police.uk street-level file; the import runs in the background."""
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.MANAGE_OPEN_DATA)
    form = CrimeImportForm(posted(request), request.FILES or None, forces=forces, initial={"force": forces[0].pk})
    crime_import = submit(
        form,
        lambda: services.crime_import_start(
            actor=actor,
            force=form.force_chosen(),
            filename=form.filename(),
            content=form.content(),
            meta=meta_of(request),
        ),
    )
    if crime_import is not None:
        messages.success(request, _("The file has been stored and its import has started."))
        return redirect("opendata:import_detail", import_id=crime_import.pk)
    context = {
        "form": form,
        "nav_key": NAV_KEY,
        "breadcrumbs": opendata_crumbs((_("Import a police.uk file"), "")),
    }
    return render(request, "opendata/import_form.html", context, status=form_status(form))


def progress_of(crime_import: CrimeImport) -> dict[str, Any]:
    """Where an import stands, for its page and the progress partial: its status (failed too when
    its job failed before the import began), how far along (from the job), and the job's message."""
    job = crime_import.job
    status = crime_import.status
    finished = status in (CrimeImport.Status.SUCCEEDED, CrimeImport.Status.FAILED)
    if not finished and job is not None and job.status == Job.Status.FAILED:
        status, finished = CrimeImport.Status.FAILED, True
    percent = job.percent if job is not None else 0
    if status == CrimeImport.Status.SUCCEEDED:
        percent = 100
    return {
        "status": status,
        "status_label": CrimeImport.Status(status).label,
        "finished": finished,
        "percent": percent,
        "done": job.progress_done if job is not None else 0,
        "total": job.progress_total if job is not None else crime_import.rows_total,
        "message": job.message if job is not None else "",
    }


@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    crime_import = selectors.crime_import_get_for(actor=actor_of(request), import_id=import_id)
    context = {
        "crime_import": crime_import,
        **progress_of(crime_import),
        "nav_key": NAV_KEY,
        "breadcrumbs": opendata_crumbs((crime_import.filename, "")),
    }
    return render(request, "opendata/import_detail.html", context)


@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress and result partial, polled by htmx while the import runs."""
    crime_import = selectors.crime_import_get_for(actor=actor_of(request), import_id=import_id)
    response = render(
        request, "opendata/partials/_import_progress.html", {"crime_import": crime_import, **progress_of(crime_import)}
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("", index, name="index"),
    path("imports/new/", import_new, name="import_new"),
    path("imports/<int:import_id>/", import_detail, name="import_detail"),
    path("imports/<int:import_id>/progress/", import_progress, name="import_progress"),
]
