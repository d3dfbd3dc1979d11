"""Confiscations and seizures, s.59 vehicle warnings, and the warning lookup.

The same checks as the pages (the services): the power of the kind held at the moment (400
`power_not_held`, audited), the age limits (alcohol under 18, tobacco under 16), and for a s.59
vehicle seizure the earlier warning of the force in the last 12 months to that vehicle or driver
(named by `warning`, or found), or why one was impracticable. Reads are scoped to the caller: a
record they cannot see, or of another kind, is 404; the lookup lists only warnings they can see.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from beatbook.enforcement.models import EnforcementRecord
from beatbook.enforcement.selectors.common import viewed
from beatbook.enforcement.selectors.seizures import (
    seizure_get_for,
    vehicle_warning_get_for,
    vehicle_warnings_search,
)
from beatbook.enforcement.services.seizures import seizure_record, vehicle_warning_record

from .auth import actor_of, meta_of
from .enforcement_penalties import record_data, record_fields
from .enforcement_seizure_schemas import (
    SeizureIn,
    SeizureOut,
    SeizureRecordOut,
    VehicleWarningIn,
    VehicleWarningOut,
    VehicleWarningRecordOut,
    WarningRefOut,
    WarningSearchItem,
    WarningSearchOut,
    WarningSearchQuery,
)
from .errors import error_responses

router = Router(tags=["enforcement"])


def _seizure_out(record: EnforcementRecord) -> SeizureRecordOut:
    seizure = record.seizure
    warning = seizure.warning
    return SeizureRecordOut(
        **record_fields(record),  # type: ignore[arg-type]
        seizure=SeizureOut(
            kind=seizure.kind,  # type: ignore[arg-type]
            item=seizure.item,
            quantity=seizure.quantity,
            disposal=seizure.disposal,  # type: ignore[arg-type]
            disposal_notes=seizure.disposal_notes,
            registration=seizure.registration,
            warning=WarningRefOut(
                id=warning.pk,
                reference=warning.record.reference,
                occurred_at=warning.record.occurred_at,
                registration=warning.registration,
            )
            if warning is not None
            else None,
            warning_impracticable_reason=seizure.warning_impracticable_reason,
        ),
    )


def _warning_out(record: EnforcementRecord) -> VehicleWarningRecordOut:
    warning = record.vehicle_warning
    return VehicleWarningRecordOut(
        **record_fields(record),  # type: ignore[arg-type]
        vehicle_warning=VehicleWarningOut(
            registration=warning.registration,
            vehicle_description=warning.vehicle_description,
            manner=warning.manner,
        ),
    )


@router.post(
    "/enforcement/seizures",
    response={201: SeizureRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Record a confiscation or seizure (PCSOs holding the power of the kind)",
    description="Alcohol from a person under 18 and tobacco from a person under 16 need the person's age. A s.59 "
    "vehicle seizure needs the `registration` and an earlier warning (400 on `warning` when there is none in the "
    "last 12 months and no `warning_impracticable_reason`). A power not held is 400 `power_not_held`. A `uuid` "
    "sent again returns the record stored the first time.",
)
def seizure_create(request: HttpRequest, payload: SeizureIn) -> Status[SeizureRecordOut]:
    actor = actor_of(request)
    record = seizure_record(
        actor=actor,
        data=record_data(payload),
        kind=payload.kind,
        item=payload.item,
        quantity=payload.quantity,
        disposal=payload.disposal,
        disposal_notes=payload.disposal_notes,
        registration=payload.registration,
        warning_id=payload.warning,
        warning_impracticable_reason=payload.warning_impracticable_reason,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _seizure_out(seizure_get_for(actor=actor, pk=record.pk)))


@router.get(
    "/enforcement/seizures/{int:record_id}",
    response={200: SeizureRecordOut, **error_responses(401, 404)},
    summary="One seizure the caller can see",
)
def seizure_detail(request: HttpRequest, record_id: int) -> SeizureRecordOut:
    actor = actor_of(request)
    found = seizure_get_for(actor=actor, pk=record_id)
    viewed(actor=actor, enforcement=found, meta=meta_of(request))
    return _seizure_out(found)


@router.post(
    "/enforcement/vehicle-warnings",
    response={201: VehicleWarningRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Record a s.59 vehicle warning (PCSOs holding the vehicle seizure power)",
    description="The driver, when known, is the person. A `uuid` sent again returns the record stored the first time.",
)
def vehicle_warning_create(request: HttpRequest, payload: VehicleWarningIn) -> Status[VehicleWarningRecordOut]:
    actor = actor_of(request)
    record = vehicle_warning_record(
        actor=actor,
        data=record_data(payload),
        registration=payload.registration,
        vehicle_description=payload.vehicle_description,
        manner=payload.manner,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _warning_out(vehicle_warning_get_for(actor=actor, pk=record.pk)))


@router.get(
    "/enforcement/vehicle-warnings/search",
    response={200: WarningSearchOut, **error_responses(401, 422)},
    summary="Earlier s.59 warnings the caller can see, by registration or by driver (name and date of birth)",
    description="Newest first, at most 20. Without a registration, or a name with a date of birth, the list is empty.",
)
def vehicle_warning_search(request: HttpRequest, filters: Query[WarningSearchQuery]) -> WarningSearchOut:
    warnings = vehicle_warnings_search(
        actor=actor_of(request),
        registration=filters.registration,
        name=filters.name,
        date_of_birth=filters.date_of_birth,
    )
    return WarningSearchOut(
        items=[
            WarningSearchItem(
                id=w.pk,
                reference=w.record.reference,
                occurred_at=w.record.occurred_at,
                registration=w.registration,
                vehicle_description=w.vehicle_description,
                neighbourhood=w.record.neighbourhood.name,
                subject_name=w.record.subject_name,
                subject_date_of_birth=w.record.subject_date_of_birth,
            )
            for w in warnings
        ]
    )


@router.get(
    "/enforcement/vehicle-warnings/{int:record_id}",
    response={200: VehicleWarningRecordOut, **error_responses(401, 404)},
    summary="One s.59 vehicle warning the caller can see",
)
def vehicle_warning_detail(request: HttpRequest, record_id: int) -> VehicleWarningRecordOut:
    actor = actor_of(request)
    found = vehicle_warning_get_for(actor=actor, pk=record_id)
    viewed(actor=actor, enforcement=found, meta=meta_of(request))
    return _warning_out(found)
