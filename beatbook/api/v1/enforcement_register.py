"""The enforcement register: every enforcement record the caller can see (their neighbourhoods'
and their own), filtered and paginated, and one record's common part with the stored verdict of
the powers check (the read is audited: a record holds the subject's name and address).

Each row's `detail_url` is the path of its kind's own GET operation, which adds the kind's
details. The list carries no subject data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from beatbook.core.pagination import paginate
from beatbook.enforcement.models import EnforcementRecord
from beatbook.enforcement.reference import RecordKind
from beatbook.enforcement.selectors import register as selectors
from beatbook.org.models import Person

from .auth import actor_of, meta_of
from .enforcement_register_schemas import (
    EnforcementDetailOut,
    EnforcementListItem,
    EnforcementPage,
    OfficerRef,
    PowerCheckOut,
    RegisterFilterQuery,
    RegisterListQuery,
)
from .errors import error_responses
from .incident_schemas import IncidentRef
from .outputs import neighbourhood_ref

router = Router(tags=["enforcement"])

API_PREFIX = "/api/v1"
# The path of each kind's own GET operation (`{id}` is the record's id).
DETAIL_PATHS: dict[str, str] = {
    RecordKind.NAME_ADDRESS: "/enforcement/name-address/{id}",
    RecordKind.DETENTION: "/enforcement/detentions/{id}",
    RecordKind.PENALTY: "/enforcement/penalty-notices/{id}",
    RecordKind.SEIZURE: "/enforcement/seizures/{id}",
    RecordKind.VEHICLE_WARNING: "/enforcement/vehicle-warnings/{id}",
    RecordKind.DISPERSAL: "/enforcement/dispersals/{id}",
}


def detail_url(record: EnforcementRecord) -> str:
    template = DETAIL_PATHS.get(record.kind, "/enforcement/{id}")
    return API_PREFIX + template.format(id=record.pk)


def officer_ref(person: Person) -> OfficerRef:
    return OfficerRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _incident(record: EnforcementRecord) -> IncidentRef | None:
    incident = record.incident if record.incident_id is not None else None
    return IncidentRef(id=incident.pk, reference=incident.reference) if incident is not None else None


def power_check_out(check: dict[str, Any]) -> PowerCheckOut:
    return PowerCheckOut(
        held=bool(check.get("held")),
        reason=str(check.get("reason", "")),
        power=str(check.get("power", "")),
        power_title=str(check.get("power_title", "")),
        legal_basis=str(check.get("legal_basis", "")),
        at=check["at"],
        designation=check.get("designation"),
        extent=check.get("extent"),
        conditions=[str(c) for c in check.get("conditions") or []],
        parameters=dict(check.get("parameters") or {}),
    )


def detail_fields(record: EnforcementRecord) -> dict[str, Any]:
    """The members of `EnforcementDetailOut`, from a record loaded with its details (the kinds'
    output schemas extend it)."""
    return {
        "id": record.pk,
        "uuid": record.uuid,
        "reference": record.reference,
        "kind": RecordKind(record.kind),
        "force": record.force.slug,
        "occurred_at": record.occurred_at,
        "lat": record.lat,
        "lng": record.lng,
        "location_text": record.location_text,
        "neighbourhood": neighbourhood_ref(record.neighbourhood),
        "officer": officer_ref(record.officer),
        "incident": _incident(record),
        "subject_name": record.subject_name,
        "subject_date_of_birth": record.subject_date_of_birth,
        "subject_age": record.subject_age,
        "subject_address": record.subject_address,
        "notes": record.notes,
        "power_check": power_check_out(record.power_check),
        "verdict": selectors.verdict_of(record.power_check),
        "outcome": selectors.outcome_of(record),
        "detail_url": detail_url(record),
        "version": record.version,
        "created_at": record.created_at,
    }


def _list_item(record: EnforcementRecord) -> EnforcementListItem:
    check = record.power_check
    return EnforcementListItem(
        id=record.pk,
        reference=record.reference,
        kind=RecordKind(record.kind),
        occurred_at=record.occurred_at,
        neighbourhood=neighbourhood_ref(record.neighbourhood),
        officer=officer_ref(record.officer),
        power=str(check.get("power", "")),
        held=bool(check.get("held")),
        verdict=selectors.verdict_short(check),
        incident=_incident(record),
        outcome=selectors.outcome_of(record),
        detail_url=detail_url(record),
    )


def register_filters(query: RegisterFilterQuery) -> selectors.RegisterFilters:
    return selectors.RegisterFilters(
        kind=query.kind or "",
        neighbourhood_id=query.neighbourhood,
        officer_id=query.officer,
        date_from=query.date_from,
        date_to=query.date_to,
        power=query.power or "",
        reference=query.reference or "",
        penalty_status=query.penalty_status or "",
    )


@router.get(
    "/enforcement",
    response={200: EnforcementPage, **error_responses(401, 422)},
    summary="The enforcement register: records visible to the caller, newest first (no subject data)",
    description="Every enforcement record of the neighbourhoods the caller sees, and their own, with the power used "
    "and the verdict of the powers check at the moment of the act. A `neighbourhood` or `officer` the caller does not "
    "see matches nothing. Each row's `detail_url` is its kind's own GET operation.",
)
def enforcement_list(request: HttpRequest, filters: Query[RegisterListQuery]) -> EnforcementPage:
    actor = actor_of(request)
    page = paginate(
        selectors.register_list(actor, register_filters(filters)), number=filters.page, size=filters.page_size
    )
    return EnforcementPage(
        items=[_list_item(r) for r in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.get(
    "/enforcement/{int:record_id}",
    response={200: EnforcementDetailOut, **error_responses(401, 404)},
    summary="One enforcement record's common part, with the stored verdict (the read is audited)",
    description="Any kind: who, when, where, the subject, the power used and the verdict of the powers check at that "
    "moment (never recomputed). The kind's details are at `detail_url`. 404 when the caller cannot see it.",
)
def enforcement_detail(request: HttpRequest, record_id: int) -> EnforcementDetailOut:
    record = selectors.record_open_for(actor=actor_of(request), pk=record_id, meta=meta_of(request))
    return EnforcementDetailOut(**detail_fields(record))
