"""Starting jobs and recording how they go.

One mechanism everywhere: Django's `django.tasks` on the database queue (django-tasks-db), so a
single SQLite file with no broker and PostgreSQL at scale run jobs the same way. The queue holds
the work; the `Job` row holds what people see (status, progress, log, result).

* `job_start()` is the service a view (or command) calls: it creates the row, writes the audit
  event and enqueues the task when the transaction commits, passing the job id first.
* `job_running()`, `job_progress()`, `job_succeeded()`, `job_failed()` and `job_log()` are for
  task code. Each is one conditional UPDATE, so a task may call `job_progress()` every few
  hundred items and a finished job is never moved back to running.
* `job_task` wraps a task function so that an exception marks the job failed and is re-raised
  (the queue then records the failure too), and a task that returns marks it succeeded.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.tasks import Task
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.org import policy
from beatbook.org.models import Force, Person

from .models import Job

logger = logging.getLogger(__name__)

ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
LONDON = ZoneInfo("Europe/London")
MESSAGE_LIMIT = 2000


def _active(job_id: int) -> QuerySet[Job]:
    return Job.objects.filter(pk=job_id, status__in=ACTIVE)


def _log_line(text: str) -> Concat:
    """`log || '<London time> <text>\n'` as an expression, so appending never reads the row first."""
    stamp = timezone.localtime(timezone.now(), LONDON).strftime("%Y-%m-%d %H:%M:%S %Z")
    line = f"{stamp} {text}".replace("\r", " ").replace("\n", " ")[:MESSAGE_LIMIT]
    return Concat(F("log"), Value(line + "\n"), output_field=TextField())


@transaction.atomic
def job_start(
    *,
    actor: Person,
    kind: str,
    title: str,
    force: Force | None,
    task: Task[..., Any],
    args: list[Any],
    meta: AuditMeta = NO_META,
) -> Job:
    """Create a queued job and enqueue `task(job.pk, *args)` once this transaction commits.

    The caller has already checked that the actor may start this kind of job (for example
    `policy.require(actor, Action.VERIFY_AUDIT, force)`); here only a real, active account or
    the system may start anything. `args` must be JSON-serialisable (the database queue stores
    them as JSON).
    """
    if not (policy.is_person(actor) or policy.is_system(actor)):
        raise PermissionDenied(_("You do not have permission to do that."))
    job = Job(kind=kind, title=title, force=force, started_by=actor)
    job.full_clean()
    job.save()
    record(
        actor=actor,
        event=EventType.JOB_STARTED,
        obj=job,
        force_id=force.pk if force is not None else None,
        after={"kind": kind, "title": title, "task": task.module_path, "args": args},
        meta=meta,
    )
    job_id = job.pk
    transaction.on_commit(functools.partial(_enqueue, job_id, task, list(args)))
    return job


def _enqueue(job_id: int, task: Task[..., Any], args: list[Any]) -> None:
    """Hand the job to the queue; if the queue refuses it, the job fails rather than waits forever."""
    try:
        result = task.enqueue(job_id, *args)
    except Exception as exc:
        logger.exception("Could not enqueue job %s (%s)", job_id, task.module_path)
        job_failed(job_id, _("The job could not be queued: %(error)s") % {"error": _describe(exc)})
        return
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id)[:64])


def job_running(job_id: int, total: int = 0) -> bool:
    """Mark a queued (or retried) job running with `total` items to do. False if it had finished."""
    return bool(
        _active(job_id).update(
            status=Job.Status.RUNNING,
            started_at=timezone.now(),
            progress_done=0,
            progress_total=max(0, total),
            log=_log_line(_("Started.")),
        )
    )


def job_progress(job_id: int, done: int, total: int | None = None, message: str = "") -> bool:
    """Record progress on a running job: one UPDATE, no read. False if the job is not running."""
    changes: dict[str, Any] = {"progress_done": max(0, done)}
    if total is not None:
        changes["progress_total"] = max(0, total)
    if message:
        changes["message"] = message[:MESSAGE_LIMIT]
    return bool(Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(**changes))


def job_log(job_id: int, line: str) -> bool:
    """Append a line to the job's log (shown on the job page)."""
    return bool(Job.objects.filter(pk=job_id).update(log=_log_line(line)))


def job_succeeded(job_id: int, result: dict[str, Any] | None = None, message: str = "") -> bool:
    """Finish a job successfully with a JSON result. False (and no change) if it had finished."""
    changes: dict[str, Any] = {
        "status": Job.Status.SUCCEEDED,
        "finished_at": timezone.now(),
        "log": _log_line(_("Finished.")),
    }
    if result is not None:
        changes["result"] = result
    if message:
        changes["message"] = message[:MESSAGE_LIMIT]
    return bool(_active(job_id).update(**changes))


def job_failed(job_id: int, message: str) -> bool:
    """Finish a job as failed with a message saying why. False (and no change) if it had finished."""
    text = message[:MESSAGE_LIMIT]
    return bool(
        _active(job_id).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=text,
            log=_log_line(_("Failed: %(message)s") % {"message": text}),
        )
    )


def _describe(exc: BaseException) -> str:
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def job_task[**P](
    func: Callable[Concatenate[int, P], dict[str, Any] | None],
) -> Callable[Concatenate[int, P], dict[str, Any] | None]:
    """Wrap a task function whose first argument is the job id (apply under `@task`).

    An exception marks the job failed with the error message and is re-raised; a normal return
    marks the job succeeded with the returned dict as its result, unless the task already
    finished the job itself (`job_succeeded`/`job_failed`).
    """

    @functools.wraps(func)
    def run(job_id: int, /, *args: P.args, **kwargs: P.kwargs) -> dict[str, Any] | None:
        try:
            result = func(job_id, *args, **kwargs)
        except BaseException as exc:  # a worker stopped mid-task fails the job too, then stops
            logger.exception("Job %s failed", job_id)
            job_failed(job_id, _describe(exc))
            raise
        job_succeeded(job_id, result)
        return result

    return run
