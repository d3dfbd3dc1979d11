"""Reads of jobs, scoped to the actor in SQL.

A person sees the jobs they started, and every job of a force where they may view jobs (force
administrators and auditors: `policy.forces_where(actor, Action.VIEW_JOBS)`). The system actor
sees all jobs. Anything else is "not found".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from beatbook.org import policy
from beatbook.org.selectors import get_visible

from .models import Job


def jobs_visible_to(actor: policy.Actor) -> QuerySet[Job]:
    """Jobs the actor may see, newest first, with who started them and their force loaded."""
    if policy.is_system(actor):
        jobs = Job.objects.all()
    elif policy.is_person(actor):
        jobs = Job.objects.filter(
            Q(started_by=actor) | Q(force__in=policy.forces_where(actor, policy.Action.VIEW_JOBS))
        )
    else:
        jobs = Job.objects.none()
    return jobs.select_related("started_by", "force").order_by("-created_at", "-id")


def job_get_for(*, actor: policy.Actor, job_id: Any) -> Job:
    """One visible job, or 404 (the same answer for "absent" and "not yours")."""
    return get_visible(jobs_visible_to(actor), job_id)
