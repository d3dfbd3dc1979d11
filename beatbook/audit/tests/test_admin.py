"""The admin shows the audit trail but offers no way to add, change or delete it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from beatbook.audit.models import AuditChain, AuditEvent
from beatbook.core.testing import PASSWORD, World
from beatbook.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world: World) -> Client:
    root = Person.objects.create_superuser(username="root", password=PASSWORD, display_name="Platform operator")
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", [AuditEvent, AuditChain])
def test_no_add_change_delete_or_actions(world: World, model: type) -> None:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = Person.objects.create_superuser(username=f"root-{model.__name__}", password=PASSWORD)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}
    assert model_admin.has_view_permission(request)


def test_the_operator_can_look_but_not_touch(world: World, operator: Client) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    assert operator.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = operator.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert operator.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "x"}).status_code == 403
    assert operator.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert operator.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, reason=event.reason).exists()
