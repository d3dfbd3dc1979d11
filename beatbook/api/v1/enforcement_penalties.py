"""Penalty notices: issue one (the same checks as the page: the power held at the moment, the
tariff of the day, the recipient's age), read one, move its status, and print it (PDF).

Reads are scoped to the caller (`records_visible_to`: the records of their neighbourhoods, and
their own): a record they cannot see, or of another kind, is 404. Issuing needs the enforcement
role (PCSO) in the neighbourhood of the point; a power not held is 400 `power_not_held` (and the
refusal is audited). Paid, unpaid and referred are for the force administrator; cancelling also
for the issuing officer within 24 hours.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from beatbook.enforcement.models import EnforcementRecord
from beatbook.enforcement.selectors.common import viewed
from beatbook.enforcement.selectors.penalties import penalty_get_for
from beatbook.enforcement.services.common import RecordData
from beatbook.enforcement.services.penalties import penalty_issue, penalty_pdf, penalty_status_change

from .auth import actor_of, meta_of
from .enforcement_penalty_schemas import (
    PenaltyIn,
    PenaltyOut,
    PenaltyRecordOut,
    PenaltyStatusIn,
    PersonRefOut,
    RecordIn,
    RecordOut,
)
from .errors import error_responses
from .outputs import neighbourhood_ref

router = Router(tags=["enforcement"])


def record_data(payload: RecordIn) -> RecordData:
    return RecordData(
        occurred_at=payload.occurred_at,
        lat=payload.lat,
        lng=payload.lng,
        location_text=payload.location_text,
        incident_id=payload.incident,
        subject_name=payload.subject_name,
        subject_date_of_birth=payload.subject_date_of_birth,
        subject_age=payload.subject_age,
        subject_address=payload.subject_address,
        notes=payload.notes,
    )


def record_fields(record: EnforcementRecord) -> dict[str, object]:
    """The common part of a record's output (reading what the selector loaded)."""
    officer = record.officer
    return {
        "id": record.pk,
        "reference": record.reference,
        "kind": record.kind,
        "occurred_at": record.occurred_at,
        "lat": record.lat,
        "lng": record.lng,
        "location_text": record.location_text,
        "neighbourhood": neighbourhood_ref(record.neighbourhood),
        "incident": record.incident_id,
        "officer": PersonRefOut(id=officer.pk, display_name=officer.display_name, collar_number=officer.collar_number),
        "subject_name": record.subject_name,
        "subject_date_of_birth": record.subject_date_of_birth,
        "subject_age": record.subject_age,
        "subject_address": record.subject_address,
        "notes": record.notes,
        "power": str(record.power_check.get("power", "")),
        "power_title": str(record.power_check.get("power_title", "")),
        "legal_basis": str(record.power_check.get("legal_basis", "")),
        "version": record.version,
    }


def _out(record: EnforcementRecord) -> PenaltyRecordOut:
    notice = record.penalty
    offence = notice.offence
    return PenaltyRecordOut(
        **record_fields(record),  # type: ignore[arg-type]
        penalty=PenaltyOut(
            offence=offence.pk,
            offence_code=offence.code,
            offence_title=offence.title,
            statute=offence.statute,
            notice_provision=offence.notice_provision,
            issuing_authority_name=notice.issuing_authority_name,
            amount=notice.amount,
            discounted_amount=notice.discounted_amount,
            discount_deadline=notice.discount_deadline,
            payment_deadline=notice.payment_deadline,
            offence_details=notice.offence_details,
            status=notice.status,  # type: ignore[arg-type]
            status_reason=notice.status_reason,
            status_changed_at=notice.status_changed_at,
        ),
    )


assert set(RecordOut.model_fields) <= set(PenaltyRecordOut.model_fields)


@router.post(
    "/enforcement/penalty-notices",
    response={201: PenaltyRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Issue a penalty notice (PCSOs holding the offence's power)",
    description="The amount is the issuing authority's tariff on the day (an `amount` that differs is 400 on "
    "`amount`; no tariff is 400 on `offence`). A penalty notice for disorder needs the recipient's age "
    "(18 or over). A power not held at `occurred_at` is 400 `power_not_held`. A `uuid` sent again returns the "
    "notice stored the first time.",
)
def penalty_notice_create(request: HttpRequest, payload: PenaltyIn) -> Status[PenaltyRecordOut]:
    actor = actor_of(request)
    record = penalty_issue(
        actor=actor,
        data=record_data(payload),
        offence_id=payload.offence,
        authority_id=payload.issuing_authority,
        offence_details=payload.offence_details,
        amount=payload.amount,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _out(penalty_get_for(actor=actor, pk=record.pk)))


@router.get(
    "/enforcement/penalty-notices/{int:record_id}",
    response={200: PenaltyRecordOut, **error_responses(401, 404)},
    summary="One penalty notice the caller can see",
)
def penalty_notice_detail(request: HttpRequest, record_id: int) -> PenaltyRecordOut:
    actor = actor_of(request)
    found = penalty_get_for(actor=actor, pk=record_id)
    viewed(actor=actor, enforcement=found, meta=meta_of(request))  # it names the recipient
    return _out(found)


@router.post(
    "/enforcement/penalty-notices/{int:record_id}/status",
    response={200: PenaltyRecordOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Move a penalty notice along its status flow",
    description="issued → paid | unpaid | cancelled; unpaid → paid | referred | cancelled; any other step is 400 "
    "on `status`. Unpaid only after the pay-by date. Paid, unpaid and referred: the force administrator; "
    "cancelled (with a `reason`): also the issuing officer within 24 hours. 409 when `version` is old.",
)
def penalty_notice_status(request: HttpRequest, record_id: int, payload: PenaltyStatusIn) -> PenaltyRecordOut:
    actor = actor_of(request)
    record = penalty_get_for(actor=actor, pk=record_id)
    penalty_status_change(
        actor=actor,
        record=record,
        status=payload.status,
        reason=payload.reason,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _out(penalty_get_for(actor=actor, pk=record_id))


@router.get(
    "/enforcement/penalty-notices/{int:record_id}/pdf",
    response=error_responses(401, 404),  # the 200 (a PDF) is declared in openapi_extra
    summary="The printable notice (A4 PDF); the printing is audited",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The notice as a PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def penalty_notice_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = penalty_get_for(actor=actor, pk=record_id)
    response = HttpResponse(penalty_pdf(actor=actor, enforcement=record, meta=meta_of(request)), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="penalty-notice-{record.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
