"""Marking an incident publishable (for the open data publication): through the service (audited
like the other fields), the log and edit pages, the detail page and the API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from beatbook.api.tests.helpers import Api, assert_error, data
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents import services
from beatbook.incidents.models import Incident
from beatbook.incidents.services import IncidentChanges

from .factories import create

pytestmark = pytest.mark.django_db

THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")


def form_data(**overrides: Any) -> dict[str, Any]:
    when = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    values: dict[str, Any] = {
        "occurred_at": when,
        "lat": "52.205",
        "lng": "0.119",
        "category": "public-order",
        "description": "Shouting outside the chip shop.",
        "how_reported": "phone-101",
        "risk_level": "low",
        "client_uuid": str(uuid.uuid4()),
        **{f"thrive_{name}": "low" for name in THRIVE},
    }
    return values | overrides


class TestService:
    def test_not_publishable_unless_marked(self, world: World) -> None:
        assert create(world.alice).is_publishable is False
        incident = create(world.alice, is_publishable=True)
        assert Incident.objects.get(pk=incident.pk).is_publishable is True
        created = AuditEvent.objects.filter(event_type=EventType.INCIDENT_CREATED).latest("id")
        assert created.after is not None and created.after["is_publishable"] is True

    def test_a_change_is_audited_before_and_after(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(is_publishable=True), expected_version=1
        )
        incident.refresh_from_db()
        assert incident.is_publishable is True and incident.version == 2
        event = AuditEvent.objects.get(event_type=EventType.INCIDENT_UPDATED)
        assert event.before is not None and event.after is not None
        assert event.before["is_publishable"] is False and event.after["is_publishable"] is True
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(description="Edited"), expected_version=2
        )
        incident.refresh_from_db()
        assert incident.is_publishable is True  # left as it was when not given


class TestPages:
    def test_logging_an_incident_with_the_box_ticked(self, world: World) -> None:
        client = world.client_for(world.alice)
        page = client.get("/incidents/new/").content.decode()
        assert 'name="is_publishable" type="checkbox"' in page and "Publish on the public crime map" in page
        response = client.post("/incidents/new/", form_data(is_publishable="on"))
        assert response.status_code == 302
        incident = Incident.objects.get()
        assert incident.is_publishable is True
        detail = client.get(response["Location"]).content.decode()
        assert 'data-testid="incident-publishable">Published by month, anonymised<' in detail

    def test_unticking_it_on_the_edit_page(self, world: World) -> None:
        incident = create(world.alice, is_publishable=True)
        client = world.client_for(world.alice)
        form = client.get(f"/incidents/{incident.pk}/edit/").content.decode()
        assert 'name="is_publishable" type="checkbox" aria-describedby="id_is_publishable-hint" checked' in form
        edit = form_data(version="1", description=incident.description, category=incident.category)
        assert client.post(f"/incidents/{incident.pk}/edit/", edit).status_code == 302
        incident.refresh_from_db()
        assert incident.is_publishable is False
        detail = client.get(f"/incidents/{incident.pk}/").content.decode()
        assert 'data-testid="incident-publishable">Not published<' in detail


class TestApi:
    def test_the_field_in_and_out(self, world: World) -> None:
        api = Api()
        body: dict[str, Any] = {
            "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "lat": 52.205,
            "lng": 0.119,
            "category": "public-order",
            "description": "Shouting outside the chip shop.",
            "how_reported": "phone-101",
            "risk_level": "low",
            **{f"thrive_{name}": "low" for name in THRIVE},
        }
        default = data(api.post("/incidents", body, as_=world.alice))
        assert default["is_publishable"] is False
        created = data(api.post("/incidents", body | {"is_publishable": True}, as_=world.alice))
        assert created["is_publishable"] is True
        path = f"/incidents/{created['id']}"
        assert_error(api.patch(path, {"version": 1, "is_publishable": None}, as_=world.alice), 422)
        changed = data(api.patch(path, {"version": 1, "is_publishable": False}, as_=world.alice))
        assert changed["is_publishable"] is False and changed["version"] == 2
        assert data(api.get(path, as_=world.alice))["is_publishable"] is False
