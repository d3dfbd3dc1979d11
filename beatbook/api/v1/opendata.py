"""Open data: police.uk file imports, publishing a month of incidents, the months published.

Imports and publications are for those who manage a force's open data (its force administrator
and analysts): the same services as the pages (`beatbook.opendata.services`, checked and
audited), run as background jobs. A force the caller is not posted in is 400 on `force` in a
request body and 404 in a path or query; one where they may not manage open data is 403.
Published months are public information (police.uk's crimes-street-dates), read here for the
forces the caller is posted in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from beatbook.core.pagination import paginate
from beatbook.jobs.models import Job
from beatbook.opendata import tasks
from beatbook.opendata.models import CrimeImport, PublishedMonth
from beatbook.opendata.selectors import imports as selectors
from beatbook.opendata.services import imports as services
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Force, Person

from .auth import actor_of, meta_of
from .errors import error_responses
from .opendata_schemas import (
    CrimeImportDetailOut,
    CrimeImportOut,
    CrimeImportsPage,
    CrimePublicationIn,
    CrimePublicationOut,
    ImportProblemOut,
    JobProgressOut,
    OpenDataListQuery,
    PublishedMonthOut,
    PublishedMonthsPage,
)

router = Router(tags=["opendata"])

MANAGE = "Force administrators and analysts of the force."


def _job_out(job: Job | None) -> JobProgressOut | None:
    if job is None:
        return None
    return JobProgressOut(
        id=job.pk,
        status=job.status,  # type: ignore[arg-type]
        done=job.progress_done,
        total=job.progress_total,
        percent=job.percent,
        message=job.message,
    )


def _import_fields(crime_import: CrimeImport) -> dict[str, Any]:
    return {
        "id": crime_import.pk,
        "force": crime_import.force.slug,
        "filename": crime_import.filename,
        "size": crime_import.size,
        "sha256": crime_import.sha256,
        "status": crime_import.status,
        "rows_total": crime_import.rows_total,
        "rows_loaded": crime_import.rows_loaded,
        "rows_already_loaded": crime_import.rows_already_loaded,
        "rows_skipped": crime_import.rows_skipped,
        "uploaded_by": str(crime_import.uploaded_by),
        "created_at": crime_import.created_at,
        "finished_at": crime_import.finished_at,
        "job": _job_out(crime_import.job),
    }


def _import_detail(crime_import: CrimeImport) -> CrimeImportDetailOut:
    result = crime_import.job.result if crime_import.job is not None else None
    other = result.get("rows_other_force", 0) if isinstance(result, dict) else 0
    return CrimeImportDetailOut(
        **_import_fields(crime_import),
        problems=[ImportProblemOut(line=int(p["line"]), reason=str(p["reason"])) for p in crime_import.problems],
        rows_other_force=int(other),
    )


def _force_in_body(actor: Person, slug: str) -> Force:
    """A force named in a request body: one the caller is posted in, else 400 on `force`."""
    force = policy.forces_in_scope(actor).filter(slug=slug).first()
    if force is None:
        raise ValidationError({"force": [_("Choose one of your forces.")]})
    return force


@router.post(
    "/crime-imports",
    response={201: CrimeImportDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Import a police.uk street-level CSV file for a force (multipart: `force`, `file`)",
    description=MANAGE + " The file (a monthly `*-street.csv` from the police.uk archive, at most 50 MB, "
    "UTF-8, with the police.uk header) is stored and imported in the background: the answer gives the import "
    "and its job; GET the import to follow it. Importing the same file again adds nothing (`rows_already_loaded`). "
    "An empty, oversized or unreadable file is 400 on `file`; a force the caller is not posted in 400 on `force`.",
)
def opendata_crime_import_create(
    request: HttpRequest, force: Form[str], file: File[UploadedFile]
) -> Status[CrimeImportDetailOut]:
    actor = actor_of(request)
    target = _force_in_body(actor, force.strip())
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, target)
    if file.size is not None and file.size > services.MAX_FILE_BYTES:
        raise ValidationError({"file": [_("The file is larger than 50 MB: split it by month.")]})
    crime_import = services.crime_import_start(
        actor=actor,
        force=target,
        filename=file.name or "",
        content=b"".join(file.chunks()),
        meta=meta_of(request),
    )
    return Status(201, _import_detail(selectors.crime_import_get_for(actor=actor, import_id=crime_import.pk)))


@router.get(
    "/crime-imports",
    response={200: CrimeImportsPage, **error_responses(401, 403, 404, 422)},
    summary="Imports of police.uk files, newest first",
    description=MANAGE + " Without `force`, the imports of every force whose open data the caller manages "
    "(none for others). A `force` the caller is not posted in is 404; one where they do not manage open data 403.",
)
def opendata_crime_import_list(request: HttpRequest, filters: Query[OpenDataListQuery]) -> CrimeImportsPage:
    actor = actor_of(request)
    force = None
    if filters.force:
        force = org_selectors.force_get_for(actor=actor, slug=filters.force, action=policy.Action.MANAGE_OPEN_DATA)
    page = paginate(selectors.crime_imports_managed_by(actor, force=force), number=filters.page, size=filters.page_size)
    return CrimeImportsPage(
        items=[CrimeImportOut(**_import_fields(i)) for i in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/crime-imports/{int:import_id}",
    response={200: CrimeImportDetailOut, **error_responses(401, 403, 404)},
    summary="One import: its status, progress, counts and the rows it skipped",
    description=MANAGE + " 404 outside the caller's forces; 403 for others of the force.",
)
def opendata_crime_import_detail(request: HttpRequest, import_id: int) -> CrimeImportDetailOut:
    return _import_detail(selectors.crime_import_get_for(actor=actor_of(request), import_id=import_id))


@router.post(
    "/crime-publications",
    response={202: CrimePublicationOut, **error_responses(400, 401, 403, 422)},
    summary="Publish a force's publishable incidents of a month as anonymised public crimes",
    description=MANAGE + " Starts a background job (the answer is 202 with the job) that rebuilds the month's "
    "published crimes from the incidents marked publishable: each snapped to the nearest anonymous map point, or "
    "with no location. Publishing a month again brings it up to date. A month not yet over is 400 on `month`.",
)
def opendata_crime_publication_create(request: HttpRequest, payload: CrimePublicationIn) -> Status[CrimePublicationOut]:
    actor = actor_of(request)
    force = _force_in_body(actor, payload.force)
    month = dt.date(int(payload.month[:4]), int(payload.month[5:7]), 1)
    job = tasks.crimes_publish_start(actor=actor, force=force, month=month, meta=meta_of(request))
    job.refresh_from_db()
    progress = _job_out(job)
    assert progress is not None
    return Status(202, CrimePublicationOut(force=force.slug, month=payload.month, job=progress))


@router.get(
    "/published-months",
    response={200: PublishedMonthsPage, **error_responses(401, 404, 422)},
    summary="Months with published crimes, with how many, by force and newest first",
    description="The forces the caller is posted in (public information: police.uk's crimes-street-dates). "
    "A `force` the caller is not posted in is 404.",
)
def opendata_published_month_list(request: HttpRequest, filters: Query[OpenDataListQuery]) -> PublishedMonthsPage:
    actor = actor_of(request)
    forces = policy.forces_in_scope(actor)
    if filters.force:
        forces = forces.filter(pk=org_selectors.force_get_for(actor=actor, slug=filters.force).pk)
    page = paginate(selectors.published_months_of(forces), number=filters.page, size=filters.page_size)
    return PublishedMonthsPage(
        items=[_month_out(m) for m in page.items], page=page.number, page_size=page.size, total=page.total
    )


def _month_out(month: PublishedMonth) -> PublishedMonthOut:
    return PublishedMonthOut(
        force=month.force.slug, month=f"{month.month:%Y-%m}", crime_count=month.crime_count, updated_at=month.updated_at
    )
