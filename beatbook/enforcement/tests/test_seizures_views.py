"""Seizure and vehicle warning pages and the warning lookup: anonymous, read-only, success with
its audit row, refusals shown with nothing stored, wrong method, the lookup's scope, its htmx
fragment and its pinned query count; the kinds' partials."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, Seizure, VehicleWarning
from beatbook.enforcement.selectors.seizures import seizure_get_for, vehicle_warning_get_for
from beatbook.incidents.tests.factories import A1_CENTRE, B1_CENTRE, ago
from beatbook.powers.testing import powers_world

from .test_seizures import seize_vehicle, warn

pytestmark = pytest.mark.django_db
SEIZE = reverse("enforcement:seizure_new")
WARN = reverse("enforcement:vehicle_warning_new")
SEARCH = reverse("enforcement:vehicle_warning_search")


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def common(**overrides: Any) -> dict[str, Any]:
    base = {
        "occurred_at": timezone.localtime(ago(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "The green",
    }
    return base | overrides


def vehicle(**overrides: Any) -> dict[str, Any]:
    return (
        common(
            kind="vehicle_s59", item="Red scooter", quantity="1", disposal="vehicle_removed", registration="ab12 cde"
        )
        | overrides
    )


class SeizureNewTests:
    def test_anonymous_and_read_only(self, pw: World) -> None:
        assert Client().get(SEIZE).status_code == 302
        assert pw.client_for(pw.dee).get(SEIZE).status_code == 403
        assert pw.client_for(pw.dee).post(SEIZE, vehicle()).status_code == 403

    def test_it_records_a_vehicle_seizure_relying_on_the_earlier_warning(self, pw: World) -> None:
        warning = warn(pw.alice, occurred_at=ago(days=90))
        client = pw.client_for(pw.alice)
        assert client.get(SEIZE).status_code == 200
        response = client.post(SEIZE, vehicle())
        seizure = Seizure.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[seizure.record_id])
        assert seizure.warning_id == warning.pk
        assert AuditEvent.objects.filter(
            event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(seizure.record_id)
        ).exists()

    def test_without_a_warning_it_says_so_and_stores_nothing(self, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=400))
        response = pw.client_for(pw.alice).post(SEIZE, vehicle())
        assert response.status_code == 400
        assert "No s.59 warning for this vehicle or driver" in response.content.decode()
        assert not Seizure.objects.exists()

    def test_wrong_method_is_405(self, pw: World) -> None:
        assert pw.client_for(pw.alice).put(SEIZE).status_code == 405


class VehicleWarningNewTests:
    def test_it_records_the_warning(self, pw: World) -> None:
        client = pw.client_for(pw.alice)
        assert client.get(WARN).status_code == 200
        response = client.post(WARN, common(registration="ab12 cde", manner="Wheelies on the green"))
        record = EnforcementRecord.objects.get()
        assert response.status_code == 302
        assert VehicleWarning.objects.get(record=record).registration == "AB12CDE"

    def test_bad_input_anonymous_read_only_and_method(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(WARN, common(registration="", manner=""))
        assert response.status_code == 400
        assert not EnforcementRecord.objects.exists()
        assert Client().get(WARN).status_code == 302
        assert pw.client_for(pw.fay).get(WARN).status_code == 403
        assert pw.client_for(pw.alice).delete(WARN).status_code == 405


class WarningSearchTests:
    def test_it_finds_the_warning_by_registration(self, pw: World) -> None:
        record = warn(pw.alice, occurred_at=ago(days=30))
        response = pw.client_for(pw.alice).get(SEARCH, {"registration": "ab12 cde"})
        assert response.status_code == 200
        assert record.reference in response.content.decode()

    def test_an_outsider_finds_nothing_of_another_force(self, pw: World) -> None:
        record = warn(pw.alice, occurred_at=ago(days=30))
        warn(pw.hal, "ZZ99ZZZ", B1_CENTRE, occurred_at=ago(days=30))
        response = pw.client_for(pw.hal).get(SEARCH, {"registration": "AB12CDE"})
        assert response.status_code == 200
        assert record.reference not in response.content.decode()
        assert 'data-testid="no-warning"' in response.content.decode()

    def test_from_the_seizure_form_htmx_gets_radios_for_the_driver(self, pw: World) -> None:
        record = warn(pw.alice, occurred_at=ago(days=30), subject_name="Kyle Smith", subject_date_of_birth=None)
        response = pw.client_for(pw.alice).get(
            SEARCH, {"registration": "AB12CDE", "pick": "1"}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert "<html" not in body
        assert f'name="warning" type="radio" value="{record.pk}"' in body

    def test_anonymous_and_method(self, pw: World) -> None:
        assert Client().get(SEARCH).status_code == 302
        assert pw.client_for(pw.alice).post(SEARCH).status_code == 405

    def test_the_query_count_is_pinned(self, pw: World, django_assert_num_queries: DjangoAssertNumQueries) -> None:
        for n in range(5):
            warn(pw.alice, occurred_at=ago(days=10 + n))
        client = pw.client_for(pw.alice)
        client.get(SEARCH, {"registration": "AB12CDE"})  # warm the session
        with django_assert_num_queries(6):  # the login and scope, then one query for the warnings
            response = client.get(SEARCH, {"registration": "AB12CDE"}, headers={"HX-Request": "true"})
        assert response.content.decode().count('data-testid="warning"') == 5


class PartialTests:
    def test_the_seizure_partial_names_the_warning(self, pw: World) -> None:
        warning = warn(pw.alice, occurred_at=ago(days=30))
        record = seizure_get_for(actor=pw.alice, pk=seize_vehicle(pw.alice).pk)
        html = render_to_string("enforcement/kinds/seizure.html", {"record": record, "can_change": True})
        assert "AB12CDE" in html and warning.reference in html

    def test_the_warning_partial(self, pw: World) -> None:
        record = vehicle_warning_get_for(actor=pw.alice, pk=warn(pw.alice).pk)
        html = render_to_string("enforcement/kinds/vehicle_warning.html", {"record": record, "can_change": True})
        assert "AB12CDE" in html and "Wheelies across the green" in html
        page = pw.client_for(pw.alice).get(reverse("enforcement:detail", args=[record.pk]))
        assert page.status_code == 200 and "AB12CDE" in page.content.decode()
