"""Penalty notices: the service (the offence's power held at the moment, the tariff of the day,
the amount, the recipient's age, deadlines, audit without personal data), the status flow and
who may move it, and the printable notice (its HTML and the PDF)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, PenaltyNotice
from beatbook.enforcement.reference import PenaltyStatus, RecordKind
from beatbook.enforcement.selectors.penalties import offence_groups, penalty_get_for
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.enforcement.services.penalties import (
    penalty_issue,
    penalty_notice_html,
    penalty_pdf,
    penalty_status_change,
)
from beatbook.incidents.tests.factories import A1_CENTRE, ago
from beatbook.org.models import PartnerOrganisation, Person
from beatbook.powers.models import Designation, PenaltyOffence, PenaltyTariff
from beatbook.powers.testing import designate, powers_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def record_data(**overrides: Any) -> RecordData:
    base: dict[str, Any] = {
        "occurred_at": ago(minutes=10),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_address": "3 Mill Road, Cambridge",
        "subject_age": 30,
    }
    return RecordData(**(base | overrides))


def offence(world: World, code: str) -> PenaltyOffence:
    return PenaltyOffence.objects.get(force=world.force_a, code=code)


def issue(
    world: World,
    actor: Person | None = None,
    code: str = "litter",
    *,
    authority: PartnerOrganisation | str | None = "council",
    amount: Decimal | None = None,
    client_uuid: uuid.UUID | None = None,
    **overrides: Any,
) -> EnforcementRecord:
    chosen = world.council if authority == "council" else authority
    assert chosen is None or isinstance(chosen, PartnerOrganisation)
    return penalty_issue(
        actor=actor or world.alice,
        data=record_data(**overrides),
        offence_id=offence(world, code).pk,
        authority_id=chosen.pk if chosen is not None else None,
        offence_details="Dropped a drinks can and walked off.",
        amount=amount,
        client_uuid=client_uuid,
    )


def pnd(world: World, **overrides: Any) -> EnforcementRecord:
    return issue(world, code="pnd-drunk-highway", authority=None, **overrides)


def _counts() -> tuple[int, int]:
    return EnforcementRecord.objects.count(), PenaltyNotice.objects.count()


def _london_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


class PenaltyIssueTests:
    def test_it_issues_a_litter_notice_under_the_council_tariff(self, pw: World) -> None:
        when = ago(minutes=10)
        record = issue(pw, occurred_at=when)
        notice = PenaltyNotice.objects.get(record=record)
        day = _london_day(when)
        assert record.kind == RecordKind.PENALTY
        assert record.power.code == "fpn-litter"
        assert notice.amount == Decimal("100.00")
        assert notice.discounted_amount == Decimal("60.00")
        assert notice.discount_deadline == day + dt.timedelta(days=14)
        assert notice.payment_deadline == day + dt.timedelta(days=28)
        assert notice.issuing_authority_name == pw.council.name
        assert notice.status == PenaltyStatus.ISSUED

    def test_it_records_the_issue_without_personal_data(self, pw: World) -> None:
        record = issue(pw)
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(record.pk))
        assert (event.after or {})["offence"] == "litter"
        assert (event.after or {})["amount"] == "100.00"
        text = str(event.after) + str(event.before)
        assert "Kyle" not in text and "Mill Road" not in text and "drinks can" not in text

    def test_the_force_itself_issues_a_notice_for_disorder(self, pw: World) -> None:
        notice = pnd(pw, subject_age=19).penalty
        assert notice.amount == Decimal("90.00")
        assert notice.issuing_authority_name == pw.force_a.name
        assert notice.discount_deadline is None

    def test_an_amount_equal_to_the_tariff_is_accepted(self, pw: World) -> None:
        assert issue(pw, amount=Decimal("100.00")).penalty.amount == Decimal("100.00")

    def test_an_amount_different_from_the_tariff_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            issue(pw, amount=Decimal("60.00"))  # the early-payment amount is not the notice's
        assert "outside the tariff" in caught.value.message_dict["amount"][0]
        assert _counts() == (0, 0)

    def test_no_tariff_on_the_day_is_refused(self, pw: World) -> None:
        PenaltyTariff.objects.filter(offence__code="litter", force=pw.force_a).update(valid_from=timezone.localdate())
        with pytest.raises(ValidationError) as caught:
            issue(pw, occurred_at=ago(days=1))
        assert "No tariff for this offence and issuing authority on" in caught.value.message_dict["offence"][0]
        assert _counts() == (0, 0)

    def test_no_tariff_of_the_force_itself_for_litter_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            issue(pw, authority=None)
        assert "offence" in caught.value.message_dict

    def test_a_tariff_outside_the_statutory_range_is_refused(self, pw: World) -> None:
        PenaltyTariff.objects.filter(offence__code="litter", force=pw.force_a).update(
            amount=Decimal("900.00"), discounted_amount=None, discount_days=None
        )
        with pytest.raises(ValidationError) as caught:
            issue(pw)
        assert "statutory range" in caught.value.message_dict["amount"][0]

    def test_a_notice_for_disorder_to_a_17_year_old_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            pnd(pw, subject_age=17)
        assert caught.value.message_dict["subject_age"] == ["No penalty notice for disorder to a person under 18."]
        assert _counts() == (0, 0)

    def test_a_notice_for_disorder_to_someone_born_17_years_ago_is_refused(self, pw: World) -> None:
        born = timezone.localdate() - dt.timedelta(days=17 * 365)
        with pytest.raises(ValidationError) as caught:
            pnd(pw, subject_age=None, subject_date_of_birth=born)
        assert "under 18" in caught.value.message_dict["subject_date_of_birth"][0]

    def test_a_notice_for_disorder_to_a_19_year_old_is_issued(self, pw: World) -> None:
        assert pnd(pw, subject_age=19).penalty.offence.code == "pnd-drunk-highway"

    def test_a_notice_for_disorder_needs_the_age(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            pnd(pw, subject_age=None)
        assert "18 or over" in caught.value.message_dict["subject_age"][0]

    def test_the_recipient_needs_a_name_and_an_address(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            issue(pw, subject_name=" ", subject_address="")
        assert set(caught.value.message_dict) >= {"subject_name", "subject_address"}

    def test_an_offence_of_another_force_is_refused(self, pw: World) -> None:
        derby_litter = PenaltyOffence.objects.get(force=pw.force_b, code="litter")
        with pytest.raises(ValidationError) as caught:
            penalty_issue(
                actor=pw.alice,
                data=record_data(),
                offence_id=derby_litter.pk,
                authority_id=None,
                offence_details="Litter",
            )
        assert "offence" in caught.value.message_dict
        assert _counts() == (0, 0)

    def test_a_power_not_held_is_refused_with_the_reason_and_audited(self, pw: World) -> None:
        Designation.objects.filter(person=pw.alice).update(
            withdrawn_at=ago(days=2), withdrawn_by=pw.system, withdrawal_reason="Reissued"
        )
        designate(pw.system, pw.alice, ["require-name-address"])
        with pytest.raises(PowerNotHeldError) as caught:
            issue(pw)
        assert "was not designated" in caught.value.check.reason
        refusal = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_REFUSED)
        assert (refusal.after or {})["power"] == "fpn-litter"
        assert refusal.reason == caught.value.check.reason
        assert _counts() == (0, 0)

    def test_an_analyst_may_not_issue(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            issue(pw, actor=pw.dee)

    def test_a_retried_submission_is_stored_once(self, pw: World) -> None:
        key = uuid.uuid4()
        first = issue(pw, client_uuid=key)
        again = issue(pw, client_uuid=key)
        assert again.pk == first.pk
        assert _counts() == (1, 1)


class PenaltyStatusTests:
    def test_the_force_administrator_records_payment(self, pw: World) -> None:
        record = issue(pw)
        notice = penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.PAID)
        assert notice.status == PenaltyStatus.PAID
        record.refresh_from_db()
        assert record.version == 2
        event = AuditEvent.objects.get(event_type=EventType.PENALTY_STATUS_CHANGED)
        assert ((event.before or {})["status"], (event.after or {})["status"]) == ("issued", "paid")

    def test_unpaid_then_referred_after_the_pay_by_date(self, pw: World) -> None:
        record = issue(pw, occurred_at=ago(days=40))
        penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.UNPAID)
        notice = penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.REFERRED)
        assert notice.status == PenaltyStatus.REFERRED
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_STATUS_CHANGED).count() == 2

    def test_unpaid_before_the_pay_by_date_is_refused(self, pw: World) -> None:
        record = issue(pw)
        with pytest.raises(ValidationError) as caught:
            penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.UNPAID)
        assert "status" in caught.value.message_dict

    @pytest.mark.parametrize(
        ("steps", "illegal"),
        [
            ([PenaltyStatus.PAID], PenaltyStatus.CANCELLED),
            ([PenaltyStatus.PAID], PenaltyStatus.UNPAID),
            ([], PenaltyStatus.REFERRED),
            ([], PenaltyStatus.ISSUED),
        ],
    )
    def test_illegal_transitions_are_refused(self, pw: World, steps: list[str], illegal: str) -> None:
        record = issue(pw, occurred_at=ago(days=40))
        for step in steps:
            penalty_status_change(actor=pw.erin, record=record, status=step)
        with pytest.raises(ValidationError) as caught:
            penalty_status_change(actor=pw.erin, record=record, status=illegal, reason="Test")
        assert "cannot become" in caught.value.message_dict["status"][0]
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_STATUS_CHANGED).count() == len(steps)

    def test_the_issuing_officer_cancels_within_24_hours_with_a_reason(self, pw: World) -> None:
        record = issue(pw)
        with pytest.raises(ValidationError) as caught:
            penalty_status_change(actor=pw.alice, record=record, status=PenaltyStatus.CANCELLED)
        assert "reason" in caught.value.message_dict
        notice = penalty_status_change(
            actor=pw.alice, record=record, status=PenaltyStatus.CANCELLED, reason="Wrong person"
        )
        assert notice.status == PenaltyStatus.CANCELLED
        assert notice.status_reason == "Wrong person"

    def test_the_issuing_officer_may_not_cancel_after_24_hours(self, pw: World) -> None:
        record = issue(pw, occurred_at=ago(hours=25))
        with pytest.raises(PermissionDenied):
            penalty_status_change(actor=pw.alice, record=record, status=PenaltyStatus.CANCELLED, reason="Late")
        notice = penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.CANCELLED, reason="Late")
        assert notice.status == PenaltyStatus.CANCELLED

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "ivy"])
    def test_only_the_force_administrator_records_payment(self, pw: World, who: str) -> None:
        record = issue(pw)
        with pytest.raises(PermissionDenied):
            penalty_status_change(actor=getattr(pw, who), record=record, status=PenaltyStatus.PAID)
        assert PenaltyNotice.objects.get(record=record).status == PenaltyStatus.ISSUED

    def test_an_old_version_is_refused(self, pw: World) -> None:
        record = issue(pw)
        with pytest.raises(ValidationError):
            penalty_status_change(actor=pw.erin, record=record, status=PenaltyStatus.PAID, expected_version=7)
        assert PenaltyNotice.objects.get(record=record).status == PenaltyStatus.ISSUED


class PenaltyPrintTests:
    def test_the_notice_html_has_the_key_fields(self, pw: World) -> None:
        record = penalty_get_for(actor=pw.alice, pk=issue(pw).pk)
        html = penalty_notice_html(record)
        notice = record.penalty
        for text in (
            record.reference,
            pw.council.name,
            "Leaving litter",
            "Environmental Protection Act 1990 s.87",
            "Environmental Protection Act 1990 s.88",
            "Market Square",
            "Kyle Smith",
            "3 Mill Road, Cambridge",
            "£100.00",
            "£60.00",
            notice.payment_deadline.strftime("%-d %B %Y"),
            notice.discount_deadline.strftime("%-d %B %Y") if notice.discount_deadline else "",
            pw.alice.display_name,
            "Environmental Protection Act 1990 s.87 (offence), s.88 (fixed penalty)",
        ):
            assert text in html, text
        assert "21 days" not in html

    def test_a_notice_for_disorder_says_21_days_to_pay_or_ask_for_a_trial(self, pw: World) -> None:
        record = penalty_get_for(actor=pw.alice, pk=pnd(pw, subject_age=40).pk)
        html = penalty_notice_html(record)
        assert "21 days to pay the penalty or to ask to be tried" in html
        assert "Criminal Justice and Police Act 2001 s.2" in html

    def test_the_pdf_is_made_and_its_printing_audited(self, pw: World) -> None:
        record = penalty_get_for(actor=pw.alice, pk=issue(pw).pk)
        pdf = penalty_pdf(actor=pw.alice, enforcement=record)
        assert pdf.startswith(b"%PDF")
        event = AuditEvent.objects.get(event_type=EventType.PENALTY_PRINTED)
        assert event.object_id == str(record.pk)
        assert event.after == {"reference": record.reference}


class OffenceChoiceTests:
    def test_offences_are_grouped_by_power_with_todays_amounts(self, pw: World) -> None:
        groups = offence_groups(force_id=pw.force_a.pk, day=timezone.localdate(), force_name=pw.force_a.name)
        labels = {o.title: o.label for g in groups for o in g.offences}
        assert f"£100.00 {pw.council.name}" in labels["Leaving litter"]
        assert f"£90.00 {pw.force_a.name}" in labels["Drunk in a highway or public place"]
        assert len({g.power_title for g in groups}) == len(groups)
