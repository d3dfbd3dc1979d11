"""Open data's background jobs: importing a police.uk file, and publishing a month of incidents.

Each task takes the job id first and is wrapped by `jobs.services.job_task` (an exception fails
the job). A task whose job has already finished does nothing (a job enqueued twice runs once).
The work itself is the services'; these wrappers only report progress and the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import task
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beatbook.audit.services import NO_META, AuditMeta
from beatbook.jobs import services as jobs
from beatbook.jobs.models import Job
from beatbook.org import policy
from beatbook.org.models import Force, Person

from .models import CrimeImport
from .services import imports, publish


@task
@jobs.job_task
def crime_import_task(job_id: int, crime_import_id: int, request_id: str = "") -> dict[str, Any] | None:
    """Import a stored police.uk file (`imports.crime_import_run`), with a progress bar. The
    request id of the upload goes into the import's audit event."""
    total = CrimeImport.objects.filter(pk=crime_import_id).values_list("rows_total", flat=True).first() or 0
    if not jobs.job_running(job_id, total):
        return None
    report = imports.crime_import_run(
        crime_import_id=crime_import_id, job_id=job_id, meta=AuditMeta(request_id=request_id)
    )
    if report is None:
        return None
    message = ngettext(
        "%(loaded)s row loaded, %(already)s already loaded, %(skipped)s skipped.",
        "%(loaded)s rows loaded, %(already)s already loaded, %(skipped)s skipped.",
        report.rows_loaded,
    ) % {"loaded": report.rows_loaded, "already": report.rows_already_loaded, "skipped": report.rows_skipped}
    result = imports.import_job_result(report)
    jobs.job_succeeded(job_id, result, message)
    return result


def crimes_publish_start(*, actor: Person, force: Force, month: dt.date, meta: AuditMeta = NO_META) -> Job:
    """Start publishing the force's incidents of a month (force administrators and analysts);
    refused on `month` for a month not yet over."""
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, force)
    month = publish.check_month(month)
    return jobs.job_start(
        actor=actor,
        kind=publish.PUBLISH_KIND,
        title=_("Publish the crimes of %(month)s in %(force)s")
        % {"month": formats.date_format(month, "F Y"), "force": force.name},
        force=force,
        task=crimes_publish_task,
        args=[force.pk, f"{month:%Y-%m}", meta.request_id],
        meta=meta,
    )


@task
@jobs.job_task
def crimes_publish_task(job_id: int, force_id: int, month: str, request_id: str = "") -> dict[str, Any] | None:
    """Publish a month (`publish.crimes_publish`) as the person who started the job."""
    job = Job.objects.select_related("started_by").get(pk=job_id)
    if not jobs.job_running(job_id, 1):
        return None
    force = Force.objects.get(pk=force_id)
    report = publish.crimes_publish(
        actor=job.started_by,
        force=force,
        month=dt.date(int(month[:4]), int(month[5:7]), 1),
        meta=AuditMeta(request_id=request_id),
    )
    message = ngettext(
        "%(n)s crime published for %(month)s (%(none)s without a location).",
        "%(n)s crimes published for %(month)s (%(none)s without a location).",
        report.published,
    ) % {"n": report.published, "month": report.month, "none": report.no_location}
    result = report.as_dict()
    jobs.job_progress(job_id, 1, 1)
    jobs.job_succeeded(job_id, result, message)
    return result
