"""Penalty notices: issue one under the tariff of the day, move it along its status flow, and
print it (a PDF made from a Django template by WeasyPrint).

1. `penalty_issue` finds the offence, runs the common checks and the powers check for the
   offence's power (`prepare_record`), then the notice's own rules: the offence is the force's,
   a tariff of the issuing authority was in force on the day, the amount is the tariff's (within
   the statutory range), the recipient is named with an address and old enough.
2. `penalty_status_change`: issued → paid | unpaid | cancelled; unpaid → paid | referred |
   cancelled. Paid, unpaid and referred are for those who process penalties (force
   administrators); a cancellation also for the issuing officer within 24 hours of issue.
3. `penalty_pdf` renders the notice; printing is audited.

Audit snapshots hold no personal data (no names, addresses, dates of birth or free text).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta
from beatbook.audit.services import record as audit_record
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.powers.models import PenaltyOffence
from beatbook.powers.selectors.tariffs import amount_range_on, tariff_on

from ..models import EnforcementRecord, PenaltyNotice
from ..reference import PENALTY_TRANSITIONS, PenaltyStatus, RecordKind
from .common import RecordData, existing, prepare_record, record_created, save_record, touch

# The issuing officer may cancel their own notice for this long after issuing it (a mistake
# found at once); after that only those who process penalties may.
OFFICER_CANCEL_WINDOW = dt.timedelta(hours=24)
PND_POWER = "pnd-disorder"
PDF_TEMPLATE = "enforcement/penalty_notice_pdf.html"
DENIED = "You do not have permission to do that."


def _day_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _recipient_errors(enforcement: EnforcementRecord, offence: PenaltyOffence, day: dt.date) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if not enforcement.subject_name:
        errors["subject_name"] = [_("Give the name of the person the notice is given to.")]
    if not enforcement.subject_address:
        errors["subject_address"] = [_("Give the address of the person the notice is given to.")]
    youngest = offence.minimum_age
    if youngest is None:
        return errors
    field = "subject_date_of_birth" if enforcement.subject_date_of_birth else "subject_age"
    age = enforcement.subject_age_on(day)
    if age is None:
        errors[field] = [
            _("Give the date of birth or the apparent age: this notice is only for people aged %(age)d or over.")
            % {"age": youngest}
        ]
    elif age < youngest:
        if offence.power.code == PND_POWER:
            message = _("No penalty notice for disorder to a person under %(age)d.") % {"age": youngest}
        else:
            message = _("No penalty notice for this offence to a person under %(age)d.") % {"age": youngest}
        errors[field] = [message]
    return errors


def penalty_issue(
    *,
    actor: Person,
    data: RecordData,
    offence_id: int,
    authority_id: int | None,
    offence_details: str,
    amount: Decimal | None = None,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Issue a penalty notice for `offence_id`, charged by `authority_id` (a council; None: the
    force itself) under the tariff in force on the day of the act. A retried submission (same
    `client_uuid`) returns the notice stored the first time."""
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.PENALTY)
    if found is not None:
        return found
    if not policy.neighbourhoods_for(actor, policy.Action.ENFORCE).exists():
        raise PermissionDenied(_(DENIED))
    offence = PenaltyOffence.objects.select_related("power").filter(pk=offence_id).first()
    if offence is None:
        raise ValidationError({"offence": [_("Choose an offence.")]})
    prepared = prepare_record(
        actor=actor, kind=RecordKind.PENALTY, code=offence.power.code, data=data, client_uuid=client_uuid, meta=meta
    )
    enforcement, errors = prepared.record, prepared.errors
    day = _day_of(enforcement.occurred_at)
    details = offence_details.strip()
    if not details:
        errors.setdefault("offence_details", []).append(_("Say what the person did."))
    for name, messages in _recipient_errors(enforcement, offence, day).items():
        errors.setdefault(name, []).extend(messages)
    if offence.force_id != enforcement.force_id:
        errors.setdefault("offence", []).append(
            _("That offence is not in the catalogue of %(force)s.") % {"force": enforcement.force.name}
        )
        raise ValidationError(errors)
    tariff = tariff_on(offence=offence, authority_id=authority_id, day=day)
    if tariff is None:
        errors.setdefault("offence", []).append(
            _("No tariff for this offence and issuing authority on %(day)s.") % {"day": _long_date(day)}
        )
        raise ValidationError(errors)
    if amount is not None and amount != tariff.amount:
        errors.setdefault("amount", []).append(
            _("£%(given)s is outside the tariff: the amount for this offence and issuing authority is £%(amount)s.")
            % {"given": amount, "amount": tariff.amount}
        )
    statutory = amount_range_on(offence=offence, day=day)
    if statutory is not None and not statutory.allows(tariff.amount):
        errors.setdefault("amount", []).append(
            _(
                "The tariff's £%(amount)s is outside the statutory range on %(day)s: ask the force "
                "administrator to correct the tariff."
            )
            % {"amount": tariff.amount, "day": _long_date(day)}
        )
    if errors:
        raise ValidationError(errors)
    authority = tariff.issuing_authority
    notice = PenaltyNotice(
        offence=offence,
        tariff=tariff,
        issuing_authority_name=authority.name if authority is not None else enforcement.force.name,
        amount=tariff.amount,
        discounted_amount=tariff.discounted_amount,
        discount_deadline=day + dt.timedelta(days=tariff.discount_days) if tariff.discount_days else None,
        payment_deadline=day + dt.timedelta(days=tariff.payment_days),
        offence_details=details,
    )
    with transaction.atomic():
        enforcement = save_record(prepared)
        notice.record = enforcement
        notice.full_clean()
        notice.save()
        record_created(
            actor=actor,
            enforcement=enforcement,
            detail={
                "offence": offence.code,
                "tariff": tariff.pk,
                "issuing_authority": authority.pk if authority is not None else None,
                "amount": str(notice.amount),
                "payment_deadline": notice.payment_deadline.isoformat(),
            },
            meta=meta,
        )
    return enforcement


def may_cancel_as_officer(enforcement: EnforcementRecord, actor: Person, at: dt.datetime | None = None) -> bool:
    """The issuing officer may cancel their own notice within 24 hours of issuing it."""
    moment = at or timezone.now()
    return enforcement.officer_id == actor.pk and moment - enforcement.occurred_at <= OFFICER_CANCEL_WINDOW


def next_statuses(notice: PenaltyNotice) -> list[PenaltyStatus]:
    """The statuses the notice may move to, in the order of the choices."""
    allowed = PENALTY_TRANSITIONS.get(notice.status, frozenset())
    return [s for s in PenaltyStatus if s in allowed]


@transaction.atomic
def penalty_status_change(
    *,
    actor: Person,
    record: EnforcementRecord,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> PenaltyNotice:
    """Move a notice along its flow (see the module docstring), with the row locked. "Unpaid"
    only once the pay-by date has passed; a cancellation always needs a reason."""
    current = EnforcementRecord.objects.select_for_update().select_related("force").get(pk=record.pk)
    notice = PenaltyNotice.objects.select_for_update().filter(record_id=current.pk).first()
    if notice is None:
        raise ValidationError({"status": [_("This record is not a penalty notice.")]})
    processes = policy.can(actor, policy.Action.PROCESS_PENALTIES, current)
    if status == PenaltyStatus.CANCELLED:
        if not processes and not may_cancel_as_officer(current, actor):
            raise PermissionDenied(
                _(
                    "Only those who process penalty notices may cancel this one (the issuing officer may "
                    "within 24 hours of issuing it)."
                )
            )
    elif not processes:
        raise PermissionDenied(_(DENIED))
    if expected_version is not None and current.version != expected_version:
        raise StaleRecordError(
            _("This record changed after you opened it. Nothing of yours was saved: reload it and try again.")
        )
    errors: dict[str, list[Any]] = {}
    before = notice.status
    if status not in PenaltyStatus.values:
        errors["status"] = [_("Choose a status.")]
    elif status not in PENALTY_TRANSITIONS.get(before, frozenset()):
        errors["status"] = [
            _("A notice that is “%(from)s” cannot become “%(to)s”.")
            % {"from": PenaltyStatus(before).label, "to": PenaltyStatus(status).label}
        ]
    elif status == PenaltyStatus.UNPAID and today() <= notice.payment_deadline:
        errors["status"] = [
            _("Not unpaid yet: the notice may be paid until %(day)s.") % {"day": _long_date(notice.payment_deadline)}
        ]
    reason = reason.strip()
    if status == PenaltyStatus.CANCELLED and not reason:
        errors["reason"] = [_("Say why the notice is cancelled.")]
    if errors:
        raise ValidationError(errors)
    notice.status = status
    notice.status_reason = reason
    notice.status_changed_at = timezone.now()
    notice.save(update_fields=["status", "status_reason", "status_changed_at"])
    touch(actor=actor, enforcement=current)
    audit_record(
        actor=actor,
        event=EventType.PENALTY_STATUS_CHANGED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before={"reference": current.reference, "status": before},
        after={"reference": current.reference, "status": status},
        reason=reason,
        meta=meta,
    )
    return notice


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The notice is made from the template alone: WeasyPrint never fetches anything (not the
    # app, not the network, not the file system).
    raise ValueError(f"Fetching {url} is not allowed when printing a notice.")


def penalty_notice_html(enforcement: EnforcementRecord) -> str:
    """The notice as HTML (the PDF's source), from a record loaded by `penalty_get_for`."""
    notice = enforcement.penalty
    disorder = notice.offence.power.code == PND_POWER
    return render_to_string(
        PDF_TEMPLATE,
        {
            "record": enforcement,
            "notice": notice,
            "disorder": disorder,
            "occurred_at": timezone.localtime(enforcement.occurred_at),
            "legal_basis": enforcement.power_check.get("legal_basis") or enforcement.power.legal_basis,
            "power_title": enforcement.power_check.get("power_title") or enforcement.power.title,
        },
    )


def penalty_pdf(*, actor: Person, enforcement: EnforcementRecord, meta: AuditMeta = NO_META) -> bytes:
    """The printable notice (A4 PDF) of a record the caller has already fetched in their scope;
    the printing is audited."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # loads native libraries: imported when used

    pdf = HTML(string=penalty_notice_html(enforcement), url_fetcher=_no_fetching).write_pdf()
    assert isinstance(pdf, bytes)
    with transaction.atomic():
        audit_record(
            actor=actor,
            event=EventType.PENALTY_PRINTED,
            obj=enforcement,
            neighbourhood_id=enforcement.neighbourhood_id,
            after={"reference": enforcement.reference},
            meta=meta,
        )
    return pdf
