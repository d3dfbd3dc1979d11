"""Background tasks run as jobs, and the functions that start them.

Each task takes the job id first and is wrapped by `services.job_task`, so an exception marks
the job failed. Tasks run on the django.tasks backend in settings.TASKS (the database queue and
`manage.py db_worker` in production; ImmediateBackend in tests).

Audit chain verification lives here, not in the audit app: the audit app is the kernel and
must not depend on jobs (import-linter's "kernel depends on no domain app" contract), while
jobs already depends on audit for its JOB_STARTED events.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beatbook.audit import chain as audit_chain
from beatbook.audit import selectors as audit_selectors
from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, chain_name, record
from beatbook.org import policy
from beatbook.org.models import Force, Person

from . import services
from .models import Job

AUDIT_VERIFY_KIND = "audit.verify"
PROGRESS_EVERY = 200


def audit_verify_start(*, actor: Person, force: Force, meta: AuditMeta = NO_META) -> Job:
    """Start verifying a force's audit chain (auditors of that force only)."""
    policy.require(actor, policy.Action.VERIFY_AUDIT, force)
    return services.job_start(
        actor=actor,
        kind=AUDIT_VERIFY_KIND,
        title=_("Verify the audit trail of %(force)s") % {"force": force.name},
        force=force,
        task=audit_verify_task,
        args=[[chain_name(force.pk)]],
        meta=meta,
    )


@task
@services.job_task
def audit_verify_task(job_id: int, chains: list[str]) -> dict[str, Any]:
    """Recompute every hash of the named chains, reporting progress every 200 events, and record
    the outcome (AUDIT_CHAIN_VERIFIED, as the person who started the job, in the job's force)."""
    job = Job.objects.select_related("started_by").get(pk=job_id)
    total = audit_selectors.chain_event_count(chains)
    services.job_running(job_id, total)
    checked = 0

    def on_event() -> None:
        nonlocal checked
        checked += 1
        if checked % PROGRESS_EVERY == 0:
            services.job_progress(job_id, checked, max(total, checked))

    report = audit_chain.verify(chains, on_event=on_event)
    services.job_progress(job_id, report.events, max(total, report.events))
    outcome: dict[str, Any] = {
        "ok": report.ok,
        "chains": report.chains,
        "events": report.events,
        "broken": str(report.broken) if report.broken is not None else "",
    }
    with transaction.atomic():
        record(
            actor=job.started_by,
            event=EventType.AUDIT_CHAIN_VERIFIED,
            obj=job,
            force_id=job.force_id,
            after={**outcome, "chain_names": chains},
        )
    if report.ok:
        message = ngettext(
            "The audit trail is intact: %(events)s event checked.",
            "The audit trail is intact: %(events)s events checked.",
            report.events,
        ) % {"events": report.events}
    else:
        message = _("The audit trail is broken: %(link)s.") % {"link": str(report.broken)}
    services.job_succeeded(job_id, outcome, message)
    return outcome
