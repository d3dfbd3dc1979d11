"""Jobs end to end on the ImmediateBackend: start, progress, success, failure, and the audit job."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.tasks import task

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta, record
from beatbook.audit.tests.tampering import tamper_reason
from beatbook.core.testing import World
from beatbook.jobs import services, tasks
from beatbook.jobs.models import Job

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@task
@services.job_task
def counting_task(job_id: int, items: int) -> dict[str, Any]:
    services.job_running(job_id, items)
    for done in range(1, items + 1):
        if done % 5 == 0:
            services.job_progress(job_id, done, message=f"{done} counted")
    return {"counted": items}


@task
@services.job_task
def exploding_task(job_id: int, what: str) -> dict[str, Any]:
    services.job_running(job_id, 10)
    services.job_progress(job_id, 3)
    raise RuntimeError(f"boom: {what}")


class NotATask:
    module_path = "beatbook.jobs.tests.test_services.NotATask"

    def enqueue(self, *args: Any) -> Any:
        raise ConnectionError("queue unavailable")


def start(world: World, the_task: Any, args: list[Any], **kwargs: Any) -> Job:
    return services.job_start(
        actor=kwargs.get("actor", world.fay),
        kind="test",
        title="A test job",
        force=world.force_a,
        task=the_task,
        args=args,
        meta=AuditMeta(request_id="req-test-0001"),
    )


class JobLifecycleTests:
    def test_start_queues_the_job_and_audits_it_until_the_transaction_commits(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = start(world, counting_task, [20])
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED
        assert job.started_by == world.fay
        assert len(callbacks) == 1
        event = AuditEvent.objects.get(event_type=EventType.JOB_STARTED)
        assert event.actor == world.fay
        assert event.force_id == world.force_a.pk
        assert event.object_id == str(job.pk)
        assert event.request_id == "req-test-0001"
        assert event.after == {
            "kind": "test",
            "title": "A test job",
            "task": "beatbook.jobs.tests.test_services.counting_task",
            "args": [20],
        }

    def test_a_job_runs_to_success_with_progress_100(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(world, counting_task, [20])
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED
        assert job.percent == 100
        assert (job.progress_done, job.progress_total) == (20, 20)
        assert job.message == "20 counted"
        assert job.result == {"counted": 20}
        assert job.task_result_id
        assert job.started_at is not None
        assert job.finished_at is not None
        assert "Started." in job.log
        assert "Finished." in job.log
        assert job.as_progress()["percent"] == 100

    def test_a_task_that_raises_ends_failed_with_the_error(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(world, exploding_task, ["kaboom"])
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED
        assert job.message == "RuntimeError: boom: kaboom"
        assert job.progress_done == 3
        assert job.percent == 30
        assert job.finished_at is not None
        assert "Failed: RuntimeError: boom: kaboom" in job.log
        assert job.task_result_id  # the queue recorded its own failed result too

    def test_a_job_the_queue_refuses_fails_instead_of_waiting_for_ever(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(world, NotATask(), [])
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED
        assert "queue unavailable" in job.message

    def test_helpers_never_move_a_finished_job(self, world: World, django_capture_on_commit_callbacks: Capture) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(world, counting_task, [5])
        assert not services.job_running(job.pk, 10)
        assert not services.job_progress(job.pk, 1)
        assert not services.job_failed(job.pk, "too late")
        assert not services.job_succeeded(job.pk, {"again": True})
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED
        assert job.result == {"counted": 5}

    def test_anonymous_cannot_start_a_job(self, world: World) -> None:
        with pytest.raises(PermissionDenied):
            services.job_start(
                actor=AnonymousUser(),  # type: ignore[arg-type]
                kind="test",
                title="x",
                force=None,
                task=counting_task,
                args=[1],
            )
        assert not Job.objects.exists()


class AuditVerifyJobTests:
    def test_the_verification_job_runs_end_to_end_and_records_its_outcome(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        chain_name = f"force-{world.force_a.pk}"
        expected = AuditEvent.objects.filter(chain=chain_name).count() + 1  # + this job's JOB_STARTED
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.audit_verify_start(actor=world.fay, force=world.force_a)
        job.refresh_from_db()
        assert job.kind == tasks.AUDIT_VERIFY_KIND
        assert job.force == world.force_a
        assert job.status == Job.Status.SUCCEEDED
        assert job.percent == 100
        assert job.progress_done == job.progress_total == expected
        assert job.result == {"ok": True, "chains": 1, "events": expected, "broken": ""}
        assert "intact" in job.message
        verified = AuditEvent.objects.get(event_type=EventType.AUDIT_CHAIN_VERIFIED)
        assert verified.actor == world.fay
        assert verified.force_id == world.force_a.pk
        assert verified.after == {
            "ok": True,
            "chains": 1,
            "events": expected,
            "broken": "",
            "chain_names": [chain_name],
        }

    def test_progress_is_reported_every_200_events(
        self, world: World, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for n in range(450):
            record(actor=world.system, event=EventType.NEIGHBOURHOOD_UPDATED, obj=world.a1, after={"n": n})
        reported: list[tuple[int, int | None]] = []
        real_progress = services.job_progress

        def spy(job_id: int, done: int, total: int | None = None, message: str = "") -> bool:
            reported.append((done, total))
            return real_progress(job_id, done, total, message)

        monkeypatch.setattr(services, "job_progress", spy)
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.audit_verify_start(actor=world.fay, force=world.force_a)
        job.refresh_from_db()
        total = job.progress_total
        assert total > 450
        assert reported[:2] == [(200, total), (400, total)]
        assert reported[-1] == (total, total)
        assert job.status == Job.Status.SUCCEEDED

    def test_a_broken_chain_is_reported_by_the_job(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        target = AuditEvent.objects.filter(force=world.force_a).order_by("seq")[2]
        tamper_reason(target.pk, "edited")
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.audit_verify_start(actor=world.fay, force=world.force_a)
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED  # the job ran; what it found is the result
        assert job.result is not None
        assert job.result["ok"] is False
        assert f"event #3 (id {target.pk})" in job.result["broken"]
        assert "broken" in job.message
        verified = AuditEvent.objects.get(event_type=EventType.AUDIT_CHAIN_VERIFIED)
        assert verified.after is not None
        assert verified.after["ok"] is False

    @pytest.mark.parametrize("who", ["alice", "erin", "ivy", "hal"])
    def test_only_the_forces_auditors_may_start_it(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            tasks.audit_verify_start(actor=getattr(world, who), force=world.force_a)
        assert not Job.objects.exists()
