"""Requirements to give a name and address: the service (powers check at the moment of the act,
own fields, idempotent client UUID, audit without personal data), the page and its partial."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, NameAddressRequirement
from beatbook.enforcement.reference import Compliance, RecordKind, RelevantOffence
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.enforcement.services.name_address import name_address_require
from beatbook.incidents import services as incident_services
from beatbook.incidents.tests.factories import A1_CENTRE, A2_CENTRE, B1_CENTRE, OUTSIDE_ALL, ago, incident_data
from beatbook.org.models import Person
from beatbook.powers.models import Designation
from beatbook.powers.reference import REQUIRE_NAME_ADDRESS
from beatbook.powers.testing import powers_world

pytestmark = pytest.mark.django_db

URL = "enforcement:name_address_new"


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def record_data(point: tuple[float, float] = A1_CENTRE, **overrides: Any) -> RecordData:
    base: dict[str, Any] = {
        "occurred_at": ago(minutes=10),
        "lat": point[0],
        "lng": point[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_address": "3 Mill Road, Cambridge",
    }
    return RecordData(**(base | overrides))


def require(
    actor: Person,
    point: tuple[float, float] = A1_CENTRE,
    *,
    compliance: str = Compliance.COMPLIED,
    reason: str = RelevantOffence.HARM,
    client_uuid: uuid.UUID | None = None,
    **overrides: Any,
) -> EnforcementRecord:
    return name_address_require(
        actor=actor,
        data=record_data(point, **overrides),
        reason=reason,
        offence_details="Kicked a bin over and shouted at passers-by.",
        compliance=compliance,
        client_uuid=client_uuid,
    )


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


def withdraw(pw: World, at: dt.datetime, person: Person | None = None) -> None:
    """Alice's designation (or the person's) withdrawn at `at`."""
    Designation.objects.filter(person=person or pw.alice).update(
        withdrawn_at=at, withdrawn_by=pw.system, withdrawal_reason="Moved to another role"
    )


def _counts() -> tuple[int, int, int]:
    return (
        EnforcementRecord.objects.count(),
        NameAddressRequirement.objects.count(),
        AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED).count(),
    )


class NameAddressRequireTests:
    def test_it_records_the_requirement_with_the_power_held_then(self, pw: World) -> None:
        enforcement = require(pw.alice)
        requirement = NameAddressRequirement.objects.get(record=enforcement)
        assert enforcement.kind == RecordKind.NAME_ADDRESS
        assert enforcement.neighbourhood == pw.a1
        assert enforcement.force == pw.force_a
        assert enforcement.power.code == REQUIRE_NAME_ADDRESS
        assert enforcement.power_check["held"] is True
        assert enforcement.reference.startswith("CAMBS-ENF-")
        assert requirement.reason == RelevantOffence.HARM
        assert requirement.compliance == Compliance.COMPLIED
        assert enforcement.subject_name == "Kyle Smith"

    def test_it_audits_without_personal_data(self, pw: World) -> None:
        enforcement = require(pw.alice)
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(enforcement.pk))
        assert after_of(event)["reason"] == "harm"
        assert after_of(event)["compliance"] == "complied"
        assert after_of(event)["reference"] == enforcement.reference
        text = str(after_of(event)) + str(event.before or "")
        for personal in ("Kyle", "Mill Road", "Kicked"):
            assert personal not in text

    def test_a_person_who_complied_must_have_given_a_name_and_address(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            require(pw.alice, subject_name="", subject_address=" ")
        assert set(caught.value.message_dict) == {"subject_name", "subject_address"}
        assert _counts() == (0, 0, 0)

    def test_a_refusal_needs_no_name(self, pw: World) -> None:
        enforcement = require(pw.alice, compliance=Compliance.REFUSED, subject_name="", subject_address="")
        assert enforcement.name_address.compliance == Compliance.REFUSED

    def test_what_the_officer_believed_is_required(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            name_address_require(
                actor=pw.alice, data=record_data(), reason="harm", offence_details="  ", compliance="refused"
            )
        assert "offence_details" in caught.value.message_dict

    def test_unknown_choices_are_field_errors(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            name_address_require(
                actor=pw.alice, data=record_data(), reason="speeding", offence_details="x", compliance="maybe"
            )
        assert {"reason", "compliance"} <= set(caught.value.message_dict)

    def test_own_errors_come_with_the_common_ones(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            require(pw.alice, OUTSIDE_ALL, subject_name="")
        assert {"lat", "subject_name"} <= set(caught.value.message_dict)
        assert _counts() == (0, 0, 0)

    def test_a_retried_client_uuid_stores_once(self, pw: World) -> None:
        key = uuid.uuid4()
        first = require(pw.alice, client_uuid=key)
        again = require(pw.alice, client_uuid=key)
        assert first.pk == again.pk
        assert _counts() == (1, 1, 1)

    def test_someone_elses_uuid_is_a_field_error(self, pw: World) -> None:
        key = uuid.uuid4()
        require(pw.alice, client_uuid=key)
        with pytest.raises(ValidationError) as caught:
            require(pw.charlie, A2_CENTRE, client_uuid=key)
        assert "uuid" in caught.value.message_dict

    def test_it_links_a_visible_incident_and_takes_its_point(self, pw: World) -> None:
        incident = incident_services.incident_create(actor=pw.alice, data=incident_data())
        enforcement = require(pw.alice, lat=None, lng=None, incident_id=incident.pk)
        assert enforcement.incident == incident
        assert (enforcement.lat, enforcement.lng) == (incident.lat, incident.lng)

    def test_an_analyst_may_not_record_enforcement(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            require(pw.dee)

    def test_a_designation_withdrawn_before_the_act_refuses_it_and_audits(self, pw: World) -> None:
        withdraw(pw, ago(minutes=30))
        with pytest.raises(PowerNotHeldError) as caught:
            require(pw.alice)
        assert "was not designated" in caught.value.check.reason
        refused = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_REFUSED)
        assert refused.reason == caught.value.check.reason
        assert after_of(refused)["power"] == REQUIRE_NAME_ADDRESS
        assert _counts() == (0, 0, 0)

    def test_a_designation_withdrawn_after_the_act_still_allows_it(self, pw: World) -> None:
        withdraw(pw, ago(minutes=5))
        enforcement = require(pw.alice, occurred_at=ago(minutes=20))
        assert enforcement.power_check["held"] is True


# ---- the page ------------------------------------------------------------------------------------
def form_data(**overrides: Any) -> dict[str, Any]:
    when = timezone.localtime(ago(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    base = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": when,
        "lat": str(A1_CENTRE[0]),
        "lng": str(A1_CENTRE[1]),
        "location_text": "Market Square",
        "reason": "harm",
        "offence_details": "Kicked a bin over and shouted at passers-by.",
        "compliance": "refused",
        "subject_name": "",
        "subject_address": "",
        "notes": "",
    }
    return base | overrides


class NameAddressPageTests:
    def test_anonymous_is_sent_to_log_in(self, pw: World, client: Any) -> None:
        response = client.get(reverse(URL))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_it_shows_the_form_to_a_pcso(self, pw: World) -> None:
        response = pw.client_for(pw.alice).get(reverse(URL))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="offence_details"' in body
        assert 'name="client_uuid"' in body
        assert "Requirement to give name and address" in body

    def test_it_pre_links_a_visible_incident(self, pw: World) -> None:
        incident = incident_services.incident_create(actor=pw.alice, data=incident_data())
        response = pw.client_for(pw.alice).get(reverse(URL), {"incident": incident.pk})
        assert response.status_code == 200
        assert f'name="incident" value="{incident.pk}"' in response.content.decode()
        assert incident.reference in response.content.decode()

    def test_an_incident_not_visible_is_404(self, pw: World) -> None:
        derby = incident_services.incident_create(actor=pw.hal, data=incident_data(lat=B1_CENTRE[0], lng=B1_CENTRE[1]))
        response = pw.client_for(pw.alice).get(reverse(URL), {"incident": derby.pk})
        assert response.status_code == 404

    def test_read_only_roles_get_403(self, pw: World) -> None:
        for person in (pw.dee, pw.fay, pw.bob):
            assert pw.client_for(person).get(reverse(URL)).status_code == 403
            assert pw.client_for(person).post(reverse(URL), form_data()).status_code == 403
        assert _counts() == (0, 0, 0)

    def test_a_pcso_records_it_and_is_sent_to_the_record(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(reverse(URL), form_data())
        enforcement = EnforcementRecord.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[enforcement.pk])
        assert enforcement.name_address.compliance == Compliance.REFUSED
        assert AuditEvent.objects.filter(
            event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(enforcement.pk)
        ).exists()

    def test_the_same_submission_twice_stores_once(self, pw: World) -> None:
        client = pw.client_for(pw.alice)
        data = form_data()
        client.post(reverse(URL), data)
        client.post(reverse(URL), data)
        assert _counts() == (1, 1, 1)

    def test_bad_input_is_400_with_the_errors_and_stores_nothing(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(reverse(URL), form_data(compliance="complied", lat="", lng=""))
        assert response.status_code == 400
        body = response.content.decode()
        assert "There is a problem" in body
        assert "Give the name the person gave." in body
        assert "Give the location" in body
        assert _counts() == (0, 0, 0)

    def test_a_refusal_shows_the_reason_and_stores_nothing(self, pw: World) -> None:
        withdraw(pw, ago(days=1))
        response = pw.client_for(pw.alice).post(reverse(URL), form_data())
        assert response.status_code == 400
        body = response.content.decode()
        assert "You did not hold this power" in body
        assert "was not designated" in body
        assert _counts() == (0, 0, 0)
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1

    def test_wrong_method_is_405(self, pw: World) -> None:
        assert pw.client_for(pw.alice).put(reverse(URL)).status_code == 405


class NameAddressPartialTests:
    def _render(self, enforcement: EnforcementRecord, *, can_change: bool) -> str:
        record = EnforcementRecord.objects.select_related("name_address").get(pk=enforcement.pk)
        request = RequestFactory().get("/")
        return render_to_string(
            "enforcement/kinds/name_address.html", {"record": record, "can_change": can_change, "request": request}
        )

    def test_it_shows_the_reason_and_the_result(self, pw: World) -> None:
        html = self._render(require(pw.alice), can_change=True)
        assert "An offence causing injury, alarm or distress to another person" in html
        assert "Gave a name and address" in html
        assert "Kicked a bin over" in html
        assert "detention/new" not in html  # a person who complied may not be detained

    def test_a_refusal_offers_a_detention_to_its_officer_only(self, pw: World) -> None:
        enforcement = require(pw.alice, compliance=Compliance.REFUSED)
        url = reverse("enforcement:detention_new", args=[enforcement.pk])
        assert url in self._render(enforcement, can_change=True)
        assert url not in self._render(enforcement, can_change=False)

    def test_no_detention_is_offered_after_a_licensing_offence(self, pw: World) -> None:
        enforcement = require(pw.alice, compliance=Compliance.REFUSED, reason=RelevantOffence.LICENSING)
        html = self._render(enforcement, can_change=True)
        assert reverse("enforcement:detention_new", args=[enforcement.pk]) not in html
        assert "licensing" in html


def test_the_occurred_at_must_not_be_in_the_future(pw: World) -> None:
    with pytest.raises(ValidationError) as caught:
        require(pw.alice, occurred_at=timezone.now() + dt.timedelta(minutes=10))
    assert "occurred_at" in caught.value.message_dict
