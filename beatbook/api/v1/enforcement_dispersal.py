"""Dispersal: the inspector's authorisations of the dispersal power in a locality for at most 48
hours (ASBCPA 2014 s.34), recorded by a supervisor of the neighbourhood, and the directions given
under one in force (s.35; PCSOs by designation).

Writes go through `beatbook.enforcement.services.dispersal` (the same rules as the pages): a
direction outside an authorisation in force at its moment, outside its boundary, or excluding for
more than 48 hours is 400 by field; a power the caller did not hold at that moment is 400
`power_not_held` (the refusal is audited). Reading a direction is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.enforcement.models import DispersalAuthorisation, EnforcementRecord
from beatbook.enforcement.reference import AuthorisingRank, RecordKind, RemovedTo
from beatbook.enforcement.selectors import dispersal as selectors
from beatbook.enforcement.selectors import register as register_selectors
from beatbook.enforcement.services import dispersal as services
from beatbook.enforcement.services.common import RecordData
from beatbook.org import policy
from beatbook.org.selectors import neighbourhoods_visible_to

from .auth import actor_of, meta_of
from .enforcement_dispersal_schemas import (
    AuthorisationEndIn,
    AuthorisationIn,
    AuthorisationListQuery,
    AuthorisationOut,
    AuthorisationRef,
    AuthorisationsPage,
    DispersalDirectionOut,
    DispersalIn,
    DispersalOut,
)
from .enforcement_register import detail_fields
from .errors import error_responses
from .outputs import neighbourhood_ref
from .schemas import MultiPolygonGeometry, PolygonGeometry

router = Router(tags=["enforcement"])


def _geometry(boundary: dict[str, Any] | None) -> PolygonGeometry | MultiPolygonGeometry | None:
    if not boundary:
        return None
    if boundary.get("type") == "MultiPolygon":
        return MultiPolygonGeometry(type="MultiPolygon", coordinates=boundary["coordinates"])
    return PolygonGeometry(type="Polygon", coordinates=boundary["coordinates"])


def _authorisation_out(authorisation: DispersalAuthorisation) -> AuthorisationOut:
    return AuthorisationOut(
        id=authorisation.pk,
        reference=authorisation.reference,
        force=authorisation.force.slug,
        neighbourhood=neighbourhood_ref(authorisation.neighbourhood),
        locality=authorisation.locality,
        boundary=_geometry(authorisation.boundary),
        starts_at=authorisation.starts_at,
        ends_at=authorisation.ends_at,
        ended_at=authorisation.ended_at,
        in_force=authorisation.active_at(timezone.now()),
        authorised_by_name=authorisation.authorised_by_name,
        authorised_by_rank=AuthorisingRank(authorisation.authorised_by_rank),
        grounds=authorisation.grounds,
        created_at=authorisation.created_at,
    )


def _dispersal_out(record: EnforcementRecord) -> DispersalOut:
    direction = record.dispersal
    return DispersalOut(
        **detail_fields(record),
        dispersal=DispersalDirectionOut(
            authorisation=AuthorisationRef(id=direction.authorisation.pk, reference=direction.authorisation.reference),
            exclusion_area=direction.exclusion_area,
            excluded_until=direction.excluded_until,
            leave_by=direction.leave_by,
            behaviour=direction.behaviour,
            in_writing=direction.in_writing,
            not_in_writing_reason=direction.not_in_writing_reason,
            told_offence=direction.told_offence,
            under_16=direction.under_16,
            removed_to=RemovedTo(direction.removed_to) if direction.removed_to else None,
            removed_to_address=direction.removed_to_address,
        ),
    )


# ---- Authorisations -----------------------------------------------------------------------------
@router.get(
    "/dispersal-authorisations",
    response={200: AuthorisationsPage, **error_responses(401, 422)},
    summary="Dispersal authorisations of the caller's neighbourhoods, those in force first",
)
def dispersal_authorisation_list(request: HttpRequest, filters: Query[AuthorisationListQuery]) -> AuthorisationsPage:
    rows = selectors.authorisation_list(
        actor_of(request), active=filters.active, neighbourhood_id=filters.neighbourhood
    )
    page = paginate(rows, number=filters.page, size=filters.page_size)
    return AuthorisationsPage(
        items=[_authorisation_out(a) for a in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.get(
    "/dispersal-authorisations/{int:authorisation_id}",
    response={200: AuthorisationOut, **error_responses(401, 404)},
    summary="One dispersal authorisation",
)
def dispersal_authorisation_detail(request: HttpRequest, authorisation_id: int) -> AuthorisationOut:
    return _authorisation_out(
        selectors.authorisation_get_for(actor=actor_of(request), authorisation_id=authorisation_id)
    )


@router.post(
    "/dispersal-authorisations",
    response={201: AuthorisationOut, **error_responses(400, 401, 403, 422)},
    summary="Record an inspector's dispersal authorisation (supervisors of the neighbourhood)",
    description="The locality, an optional boundary (directions only inside it), the period (at most 48 hours: "
    "else 400 on `ends_at`), the authorising officer (inspector or above) and the grounds. A neighbourhood the caller "
    "cannot see is 400 on `neighbourhood`; one they see but do not supervise is 403.",
)
def dispersal_authorisation_create(request: HttpRequest, payload: AuthorisationIn) -> Status[AuthorisationOut]:
    actor = actor_of(request)
    neighbourhood = neighbourhoods_visible_to(actor).filter(pk=payload.neighbourhood).first()
    if neighbourhood is None:
        raise ValidationError({"neighbourhood": _("No such neighbourhood.")})
    authorisation = services.authorisation_create(
        actor=actor,
        neighbourhood=neighbourhood,
        locality=payload.locality,
        boundary=payload.boundary.model_dump() if payload.boundary is not None else None,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        authorised_by_name=payload.authorised_by_name,
        authorised_by_rank=str(payload.authorised_by_rank),
        grounds=payload.grounds,
        meta=meta_of(request),
    )
    return Status(201, _authorisation_out(authorisation))


@router.post(
    "/dispersal-authorisations/{int:authorisation_id}/end",
    response={200: AuthorisationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="End a dispersal authorisation now (supervisors of the neighbourhood)",
    description="It ends at this moment (never in the past); one already over is 400. 404 when the caller cannot see "
    "it; 403 when they see it but do not supervise its neighbourhood.",
)
def dispersal_authorisation_end(
    request: HttpRequest, authorisation_id: int, payload: AuthorisationEndIn
) -> AuthorisationOut:
    actor = actor_of(request)
    authorisation = selectors.authorisation_get_for(
        actor=actor, authorisation_id=authorisation_id, action=policy.Action.AUTHORISE_DISPERSAL
    )
    ended = services.authorisation_end(
        actor=actor, authorisation=authorisation, reason=payload.reason, meta=meta_of(request)
    )
    return _authorisation_out(selectors.authorisation_get_for(actor=actor, authorisation_id=ended.pk))


# ---- Directions ---------------------------------------------------------------------------------
@router.post(
    "/enforcement/dispersals",
    response={201: DispersalOut, **error_responses(400, 401, 403, 422)},
    summary="Record a dispersal direction (designated PCSOs)",
    description="Given under an authorisation in force at `occurred_at` (else 400 on `authorisation`), inside its "
    "boundary if it has one (else 400 on `lat`), excluding for at most 48 hours (400 on `excluded_until`); the person "
    "must have been told that failing to comply is an offence (400 on `told_offence`). A power not held at that "
    "moment is 400 `power_not_held`, with the reason (audited). 403 for those who do not record enforcement in that "
    "neighbourhood. A `uuid` already sent returns that record (201) and stores nothing.",
)
def dispersal_create(request: HttpRequest, payload: DispersalIn) -> Status[DispersalOut]:
    actor = actor_of(request)
    record = services.dispersal_direct(
        actor=actor,
        data=RecordData(
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
        ),
        authorisation_id=payload.authorisation,
        exclusion_area=payload.exclusion_area,
        excluded_until=payload.excluded_until,
        behaviour=payload.behaviour,
        leave_by=payload.leave_by,
        in_writing=payload.in_writing,
        not_in_writing_reason=payload.not_in_writing_reason,
        told_offence=payload.told_offence,
        under_16=payload.under_16,
        removed_to=str(payload.removed_to or ""),
        removed_to_address=payload.removed_to_address,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    fresh = register_selectors.record_with_details(actor=actor, pk=record.pk, kind=RecordKind.DISPERSAL)
    return Status(201, _dispersal_out(fresh))


@router.get(
    "/enforcement/dispersals/{int:record_id}",
    response={200: DispersalOut, **error_responses(401, 404)},
    summary="One dispersal direction (the read is audited)",
)
def dispersal_detail(request: HttpRequest, record_id: int) -> DispersalOut:
    record = register_selectors.record_open_for(
        actor=actor_of(request), pk=record_id, meta=meta_of(request), kind=RecordKind.DISPERSAL
    )
    return _dispersal_out(record)
