"""Jobs in the admin: visible to platform operators, never added, changed or deleted there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from beatbook.core.testing import PASSWORD, World
from beatbook.jobs import services, tasks
from beatbook.jobs.models import Job
from beatbook.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world: World) -> Client:
    root = Person.objects.create_superuser(username="root", password=PASSWORD, display_name="Platform operator")
    client = Client()
    client.force_login(root)
    return client


def test_no_add_change_delete_or_actions(world: World) -> None:
    model_admin = admin.site._registry[Job]
    request = RequestFactory().get("/admin/")
    request.user = Person.objects.create_superuser(username="root2", password=PASSWORD)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


def test_jobs_are_read_only_too(world: World, operator: Client) -> None:
    job = services.job_start(
        actor=world.fay, kind="test", title="x", force=world.force_a, task=tasks.audit_verify_task, args=[[]]
    )
    assert operator.get(reverse("admin:jobs_job_changelist")).status_code == 200
    assert operator.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 200
    assert operator.post(reverse("admin:jobs_job_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=job.pk).exists()
