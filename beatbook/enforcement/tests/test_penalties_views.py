"""Penalty notice pages: issuing (anonymous, read-only, success with its audit row, refusals shown
with nothing stored, a power not held shown with its reason), the status page, the PDF, and the
kind's partial on the record page."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, PenaltyNotice
from beatbook.enforcement.reference import PenaltyStatus
from beatbook.enforcement.selectors.penalties import penalty_get_for
from beatbook.incidents.tests.factories import A1_CENTRE, ago
from beatbook.powers.models import Designation, PenaltyOffence
from beatbook.powers.testing import designate, powers_world

from .test_penalties import issue

pytestmark = pytest.mark.django_db
NEW = reverse("enforcement:penalty_new")


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    litter = PenaltyOffence.objects.get(force=world.force_a, code="litter")
    base = {
        "occurred_at": timezone.localtime(ago(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_age": "30",
        "subject_address": "3 Mill Road, Cambridge",
        "offence": litter.pk,
        "authority": world.council.pk,
        "amount": "",
        "offence_details": "Dropped a can.",
    }
    return base | overrides


class PenaltyNewTests:
    def test_it_needs_a_login(self, pw: World) -> None:
        response = self.client_get(None, pw)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def client_get(self, who: str | None, pw: World) -> Any:
        from django.test import Client

        client = pw.client_for(getattr(pw, who)) if who else Client()
        return client.get(NEW)

    @pytest.mark.parametrize("who", ["dee", "fay", "erin", "gus"])
    def test_those_who_do_not_enforce_get_403(self, pw: World, who: str) -> None:
        assert self.client_get(who, pw).status_code == 403

    def test_the_form_offers_the_forces_offences_grouped_with_amounts(self, pw: World) -> None:
        response = self.client_get("alice", pw)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<optgroup" in body
        assert f"Leaving litter: £100.00 {pw.council.name}" in body
        derby_litter = PenaltyOffence.objects.get(force=pw.force_b, code="litter")
        assert f'value="{derby_litter.pk}"' not in body

    def test_it_issues_the_notice_and_shows_the_record(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(NEW, form_data(pw))
        record = EnforcementRecord.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[record.pk])
        assert record.penalty.amount == 100
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(record.pk)).exists()

    def test_an_amount_outside_the_tariff_is_shown_and_nothing_stored(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(NEW, form_data(pw, amount="60.00"))
        assert response.status_code == 400
        assert "outside the tariff" in response.content.decode()
        assert not EnforcementRecord.objects.exists()

    def test_a_missing_offence_is_a_400(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(NEW, form_data(pw, offence=""))
        assert response.status_code == 400
        assert not EnforcementRecord.objects.exists()

    def test_a_power_not_held_shows_the_reason_in_the_summary(self, pw: World) -> None:
        Designation.objects.filter(person=pw.alice).update(
            withdrawn_at=ago(days=2), withdrawn_by=pw.system, withdrawal_reason="Reissued"
        )
        designate(pw.system, pw.alice, ["require-name-address"])
        response = pw.client_for(pw.alice).post(NEW, form_data(pw))
        assert response.status_code == 400
        body = response.content.decode()
        assert "govuk-error-summary" in body and "was not designated" in body
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1
        assert not EnforcementRecord.objects.exists()

    def test_wrong_method_is_405(self, pw: World) -> None:
        assert pw.client_for(pw.alice).put(NEW).status_code == 405


class PenaltyStatusPageTests:
    def test_outsider_gets_404_and_read_only_403(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_status", args=[record.pk])
        assert pw.client_for(pw.hal).get(url).status_code == 404
        assert pw.client_for(pw.fay).get(url).status_code == 403
        assert pw.client_for(pw.fay).post(url, {"status": "paid"}).status_code == 403

    def test_the_force_administrator_records_payment(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_status", args=[record.pk])
        client = pw.client_for(pw.erin)
        page = client.get(url)
        assert page.status_code == 200 and 'value="paid"' in page.content.decode()
        response = client.post(url, {"status": "paid", "version": record.version})
        assert response.status_code == 302
        assert PenaltyNotice.objects.get(record=record).status == PenaltyStatus.PAID
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_STATUS_CHANGED).count() == 1

    def test_an_illegal_step_is_a_400(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_status", args=[record.pk])
        response = pw.client_for(pw.erin).post(url, {"status": "referred"})
        assert response.status_code == 400
        assert "cannot become" in response.content.decode()
        assert PenaltyNotice.objects.get(record=record).status == PenaltyStatus.ISSUED

    def test_the_issuing_officer_may_cancel_but_not_record_payment(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_status", args=[record.pk])
        client = pw.client_for(pw.alice)
        assert client.post(url, {"status": "paid"}).status_code == 403
        assert client.post(url, {"status": "cancelled", "reason": "Wrong person"}).status_code == 302
        assert PenaltyNotice.objects.get(record=record).status == PenaltyStatus.CANCELLED

    def test_wrong_method_is_405(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_status", args=[record.pk])
        assert pw.client_for(pw.erin).delete(url).status_code == 405


class PenaltyPdfTests:
    def test_it_prints_the_notice_as_a_pdf_and_audits_it(self, pw: World) -> None:
        record = issue(pw)
        url = reverse("enforcement:penalty_pdf", args=[record.pk])
        response = pw.client_for(pw.alice).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        event = AuditEvent.objects.get(event_type=EventType.PENALTY_PRINTED)
        assert event.object_id == str(record.pk)

    def test_anonymous_outsider_and_wrong_method(self, pw: World) -> None:
        from django.test import Client

        record = issue(pw)
        url = reverse("enforcement:penalty_pdf", args=[record.pk])
        assert Client().get(url).status_code == 302
        assert pw.client_for(pw.hal).get(url).status_code == 404
        assert pw.client_for(pw.alice).post(url).status_code == 405
        assert not AuditEvent.objects.filter(event_type=EventType.PENALTY_PRINTED).exists()


class PenaltyPartialTests:
    def test_the_partial_shows_the_notice_the_pdf_link_and_the_status_form(self, pw: World) -> None:
        record = penalty_get_for(actor=pw.erin, pk=issue(pw).pk)
        request = RequestFactory().get("/")
        html = render_to_string(
            "enforcement/kinds/penalty.html",
            {"record": record, "can_change": False, "can_process_penalties": True, "request": request},
        )
        assert "Print notice (PDF)" in html
        assert reverse("enforcement:penalty_pdf", args=[record.pk]) in html
        assert 'value="paid"' in html and 'value="cancelled"' in html
        assert "£100.00" in html and pw.council.name in html

    def test_the_issuing_officer_sees_only_cancel(self, pw: World) -> None:
        record = penalty_get_for(actor=pw.alice, pk=issue(pw).pk)
        html = render_to_string(
            "enforcement/kinds/penalty.html",
            {"record": record, "can_change": True, "can_process_penalties": False, "request": None},
        )
        assert 'value="paid"' not in html and 'value="cancelled"' in html

    def test_the_record_page_includes_the_partial(self, pw: World) -> None:
        record = issue(pw)
        response = pw.client_for(pw.alice).get(reverse("enforcement:detail", args=[record.pk]))
        assert response.status_code == 200
        assert "Print notice (PDF)" in response.content.decode()
