"""Jobs pages: who may see which job, the progress partial and its polling, and starting the
audit verification job."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.jobs import services, tasks
from beatbook.jobs.models import Job
from beatbook.org.models import Person

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def queued_job(world: World, person: Person | None = None) -> Job:
    """A job that is queued but not run (its on_commit callback never fires in a test)."""
    person = person or world.fay
    return services.job_start(
        actor=person,
        kind=tasks.AUDIT_VERIFY_KIND,
        title=f"Job of {person.username}",
        force=person.force,
        task=tasks.audit_verify_task,
        args=[[f"force-{world.force_a.pk}"]],
    )


def urls(job: Job) -> list[str]:
    return [reverse("jobs:detail", args=[job.pk]), reverse("jobs:progress", args=[job.pk])]


class AccessTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        job = queued_job(world)
        for url in [reverse("jobs:list"), *urls(job)]:
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("who", ["alice", "dee", "hal", "ivy"])
    def test_people_who_cannot_see_the_job_get_404(self, world: World, who: str) -> None:
        job = queued_job(world)
        client = world.client_for(getattr(world, who))
        for url in urls(job):
            assert client.get(url).status_code == 404

    @pytest.mark.parametrize("who", ["fay", "erin"])
    def test_the_starter_and_the_forces_admin_see_it(self, world: World, who: str) -> None:
        job = queued_job(world)
        client = world.client_for(getattr(world, who))
        for url in urls(job):
            assert client.get(url).status_code == 200

    def test_everyone_sees_the_jobs_they_started(self, world: World) -> None:
        job = queued_job(world, world.hal)
        assert world.client_for(world.hal).get(urls(job)[0]).status_code == 200
        assert world.client_for(world.ivy).get(urls(job)[0]).status_code == 200  # Derbyshire's admin
        assert world.client_for(world.erin).get(urls(job)[0]).status_code == 404


class ListTests:
    def test_the_list_shows_only_visible_jobs(self, world: World) -> None:
        fays = queued_job(world)
        hals = queued_job(world, world.hal)
        alices = queued_job(world, world.alice)

        def listed(person: Person) -> set[int]:
            response = world.client_for(person).get(reverse("jobs:list"))
            assert response.status_code == 200
            return {job.pk for job in response.context["page"].items}

        assert listed(world.erin) == {fays.pk, alices.pk}
        assert listed(world.ivy) == {hals.pk}
        assert listed(world.alice) == {alices.pk}
        assert listed(world.bob) == set()

    def test_the_list_costs_the_same_queries_whatever_its_length(
        self, world: World, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        client = world.client_for(world.erin)
        queued_job(world)
        client.get(reverse("jobs:list"))  # warm caches (content types, sessions)
        with django_assert_num_queries(10) as few:
            assert client.get(reverse("jobs:list")).status_code == 200
        for person in [world.fay, world.alice, world.erin] * 4:
            queued_job(world, person)
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(reverse("jobs:list"))
        assert len(response.context["page"].items) == 13

    def test_pages(self, world: World, settings: Any) -> None:
        settings.BEATBOOK_PAGE_SIZE = 2
        for _n in range(5):
            queued_job(world)
        client = world.client_for(world.fay)
        page = client.get(reverse("jobs:list"), {"page": 3}).context["page"]
        assert (page.number, page.pages, len(page.items)) == (3, 3, 1)
        assert client.get(reverse("jobs:list"), {"page": "nonsense"}).context["page"].number == 1


class ProgressTests:
    def test_an_unfinished_job_polls_for_its_progress(self, world: World) -> None:
        job = queued_job(world)
        client = world.client_for(world.fay)
        detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert 'class="bb-progress" max="100" value="0"' in detail
        assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in detail
        assert 'hx-trigger="load delay:1s, every 2s"' in detail
        assert 'hx-swap="outerHTML"' in detail
        partial = client.get(reverse("jobs:progress", args=[job.pk]), headers={"HX-Request": "true"})
        body = partial.content.decode()
        assert body.lstrip().startswith("<div")
        assert "<html" not in body
        assert 'hx-trigger="load delay:1s, every 2s"' in body
        assert partial["Cache-Control"] == "no-store"

    def test_progress_shows_how_far_a_running_job_got(self, world: World) -> None:
        job = queued_job(world)
        services.job_running(job.pk, 200)
        services.job_progress(job.pk, 50, message="a quarter")
        body = world.client_for(world.fay).get(reverse("jobs:progress", args=[job.pk])).content.decode()
        assert 'value="25"' in body
        assert "a quarter" in body
        assert "hx-trigger" in body

    def test_a_finished_job_stops_polling_and_shows_its_result(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.audit_verify_start(actor=world.fay, force=world.force_a)
        client = world.client_for(world.fay)
        for url in urls(job):
            body = client.get(url).content.decode()
            assert 'class="bb-progress" max="100" value="100"' in body
            assert "hx-trigger" not in body
            assert "hx-get" not in body
            assert 'data-testid="job-result"' in body
            assert "Succeeded" in body

    def test_json_progress_when_asked_for_json(self, world: World) -> None:
        job = queued_job(world)
        services.job_running(job.pk, 10)
        services.job_progress(job.pk, 4, message="going")
        response = world.client_for(world.erin).get(
            reverse("jobs:progress", args=[job.pk]), headers={"Accept": "application/json"}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "id": job.pk,
            "status": "running",
            "done": 4,
            "total": 10,
            "percent": 40,
            "message": "going",
        }

    def test_json_is_404_for_outsiders_too(self, world: World) -> None:
        job = queued_job(world)
        response = world.client_for(world.ivy).get(
            reverse("jobs:progress", args=[job.pk]), headers={"Accept": "application/json"}
        )
        assert response.status_code == 404


class AuditVerifyViewTests:
    url = "jobs:audit_verify"

    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        response = Client().post(reverse(self.url))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("who", ["alice", "dee", "erin", "ivy", "hal"])
    def test_only_auditors_may_start_it(self, world: World, who: str) -> None:
        response = world.client_for(getattr(world, who)).post(reverse(self.url))
        assert response.status_code == 403
        assert not Job.objects.exists()

    @pytest.mark.parametrize("force", ["b", "nonsense", "999999"])
    def test_an_auditor_cannot_verify_another_forces_chain(self, world: World, force: str) -> None:
        value = str(world.force_b.pk) if force == "b" else force
        response = world.client_for(world.fay).post(reverse(self.url), {"force": value})
        assert response.status_code == 403
        assert not Job.objects.exists()

    def test_get_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.fay).get(reverse(self.url)).status_code == 405

    def test_the_auditor_starts_the_job_and_lands_on_its_page(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        client = world.client_for(world.fay)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(self.url), {"force": world.force_a.pk})
        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("jobs:detail", args=[job.pk])
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED
        assert job.started_by == world.fay
        started = AuditEvent.objects.get(event_type=EventType.JOB_STARTED)
        assert started.request_id  # the request's id travels into the audit event
        assert AuditEvent.objects.filter(event_type=EventType.AUDIT_CHAIN_VERIFIED, actor=world.fay).exists()
        page = client.get(response["Location"]).content.decode()
        assert "Verification of the audit trail has started." in page


class HeaderTests:
    @pytest.mark.parametrize(("who", "shown"), [("fay", True), ("erin", True), ("ivy", True), ("alice", False)])
    def test_the_jobs_link_is_in_the_menu_for_people_who_may_view_jobs(
        self, world: World, who: str, shown: bool
    ) -> None:
        body = world.client_for(getattr(world, who)).get(reverse("jobs:list")).content.decode()
        assert (f'href="{reverse("jobs:list")}"' in body) is shown
