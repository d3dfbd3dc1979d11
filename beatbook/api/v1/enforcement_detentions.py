"""Requirements to give a name and address, and detentions pending a constable: record one,
read one, and end a detention (the same services as the pages: the power held at the moment of
the act, the requirement a detention follows, the force's limit of at most 30 minutes).

Reads are scoped to the caller (the records of their neighbourhoods, and their own) and audited
(a record holds a name and an address): a record they cannot see, or of another kind, is 404.
Recording needs the enforcement role (PCSO) in the neighbourhood of the point; a power not held
is 400 `power_not_held` with the reason (and the refusal is audited). Ending a detention names
the record's `version`: 409 when it changed since.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from beatbook.enforcement.models import Detention, EnforcementRecord
from beatbook.enforcement.services.common import RecordData
from beatbook.enforcement.services.detention import (
    detention_end,
    detention_open_for,
    detention_start,
    elapsed_minutes,
    must_end_by,
)
from beatbook.enforcement.services.name_address import name_address_open_for, name_address_require

from .auth import actor_of, meta_of
from .enforcement_detention_schemas import (
    DetentionEndIn,
    DetentionIn,
    DetentionOut,
    DetentionRecordOut,
    NameAddressIn,
    NameAddressOut,
    NameAddressRecordOut,
)
from .enforcement_penalties import record_data, record_fields
from .errors import error_responses

router = Router(tags=["enforcement"])

SCOPE = "404 when the caller cannot see the record, or it is of another kind. The read is audited."
REFUSAL = "A power not held at the moment of the act is 400 `power_not_held` with the reason (audited)."


def _name_address_out(record: EnforcementRecord) -> NameAddressRecordOut:
    requirement = record.name_address
    detention = Detention.objects.filter(requirement=requirement).values_list("record_id", flat=True).first()
    return NameAddressRecordOut(
        **record_fields(record),  # type: ignore[arg-type]
        name_address=NameAddressOut(
            reason=requirement.reason,  # type: ignore[arg-type]
            offence_details=requirement.offence_details,
            compliance=requirement.compliance,  # type: ignore[arg-type]
            detention=detention,
        ),
    )


def _detention_out(record: EnforcementRecord) -> DetentionRecordOut:
    detention = record.detention
    return DetentionRecordOut(
        **record_fields(record),  # type: ignore[arg-type]
        detention=DetentionOut(
            requirement=detention.requirement.record_id,
            requirement_reference=detention.requirement.record.reference,
            limit_minutes=detention.limit_minutes,
            must_end_by=must_end_by(detention),
            elapsed_minutes=elapsed_minutes(detention),
            is_open=detention.is_open,
            constable_requested_at=detention.constable_requested_at,
            ended_at=detention.ended_at,
            outcome=detention.outcome or None,  # type: ignore[arg-type]
            constable_arrived_at=detention.constable_arrived_at,
            elected_station=detention.elected_station,
            force_used=detention.force_used,
            force_details=detention.force_details,
        ),
    )


@router.post(
    "/enforcement/name-address",
    response={201: NameAddressRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Record a requirement to give a name and address (PCSOs holding the power)",
    description="Why (the relevant offence), what the officer had reason to believe, and whether the person "
    "complied; a person who complied gave `subject_name` and `subject_address` (else 400 on them). "
    + REFUSAL
    + " A `uuid` sent again returns the record stored the first time (201).",
)
def name_address_create(request: HttpRequest, payload: NameAddressIn) -> Status[NameAddressRecordOut]:
    actor = actor_of(request)
    record = name_address_require(
        actor=actor,
        data=record_data(payload),
        reason=payload.reason,
        offence_details=payload.offence_details,
        compliance=payload.compliance,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _name_address_out(name_address_open_for(actor=actor, pk=record.pk, audited=False)))


@router.get(
    "/enforcement/name-address/{int:record_id}",
    response={200: NameAddressRecordOut, **error_responses(401, 404)},
    summary="One requirement to give a name and address",
    description=SCOPE,
)
def name_address_detail(request: HttpRequest, record_id: int) -> NameAddressRecordOut:
    return _name_address_out(name_address_open_for(actor=actor_of(request), pk=record_id, meta=meta_of(request)))


@router.post(
    "/enforcement/detentions",
    response={201: DetentionRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Start a detention pending a constable (PCSOs whose force designates it)",
    description="After the caller's own requirement (`requirement`) that was refused or answered falsely, not for "
    "a licensing offence, starting within 60 minutes of it (else 400 on `requirement` or `occurred_at`); one "
    "detention per requirement. With `ended_at` and `outcome` the whole detention is recorded at once and "
    "checked as an end is. " + REFUSAL + " A `uuid` sent again returns the detention stored the first time (201).",
)
def detention_create(request: HttpRequest, payload: DetentionIn) -> Status[DetentionRecordOut]:
    actor = actor_of(request)
    record = detention_start(
        actor=actor,
        requirement_id=payload.requirement,
        data=RecordData(
            occurred_at=payload.occurred_at,
            lat=payload.lat,
            lng=payload.lng,
            location_text=payload.location_text,
            incident_id=payload.incident,
            notes=payload.notes,
        ),
        constable_requested_at=payload.constable_requested_at,
        ended_at=payload.ended_at,
        outcome=payload.outcome or "",
        constable_arrived_at=payload.constable_arrived_at,
        elected_station=payload.elected_station,
        force_used=payload.force_used,
        force_details=payload.force_details,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _detention_out(detention_open_for(actor=actor, pk=record.pk, audited=False)))


@router.get(
    "/enforcement/detentions/{int:record_id}",
    response={200: DetentionRecordOut, **error_responses(401, 404)},
    summary="One detention, with the time it must end by and the minutes gone",
    description=SCOPE,
)
def detention_detail(request: HttpRequest, record_id: int) -> DetentionRecordOut:
    return _detention_out(detention_open_for(actor=actor_of(request), pk=record_id, meta=meta_of(request)))


@router.post(
    "/enforcement/detentions/{int:record_id}/end",
    response={200: DetentionRecordOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="End a detention (its officer)",
    description="Only the officer who started it, while it is open (else 403, or 400 when it has ended). An end "
    "beyond the limit is 400 on `ended_at` with the time the person had to be released by: nothing is changed. "
    "A constable's arrival needs `constable_arrived_at` between the start and the end; force used needs "
    "`force_details`. 409 when `version` is old.",
)
def detention_end_api(request: HttpRequest, record_id: int, payload: DetentionEndIn) -> DetentionRecordOut:
    actor = actor_of(request)
    found = detention_open_for(actor=actor, pk=record_id, audited=False)
    detention_end(
        actor=actor,
        record=found,
        ended_at=payload.ended_at,
        outcome=payload.outcome,
        constable_arrived_at=payload.constable_arrived_at,
        force_used=payload.force_used,
        force_details=payload.force_details,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _detention_out(detention_open_for(actor=actor, pk=record_id, audited=False))
