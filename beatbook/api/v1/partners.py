"""Partner organisations: listed for the people of their force (a partner's member sees only
their own organisation), registered by force administrators."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.org import policy, selectors, services

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import partner_out
from .schemas import ForceFilterQuery, PartnerIn, PartnerOut, PartnersPage

router = Router(tags=["partners"])


@router.get(
    "/partners",
    response={200: PartnersPage, **error_responses(401, 404, 422)},
    summary="Partner organisations of the caller's forces",
    description="A partner organisation's member sees only their own. 404 when `force` names a force the caller "
    "cannot see.",
)
def partner_list(request: HttpRequest, filters: Query[ForceFilterQuery]) -> PartnersPage:
    actor = actor_of(request)
    partners = selectors.partners_visible_to(actor)
    if filters.force is not None:
        partners = partners.filter(force=selectors.force_get_for(actor=actor, slug=filters.force))
    page = paginate(partners, number=filters.page, size=filters.page_size)
    return PartnersPage(
        items=[partner_out(p) for p in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/partners",
    response={201: PartnerOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Register a partner organisation (force administrators)",
    description="404 when the force is not one the caller can see; 403 when they cannot manage its structure. "
    "A name the force already uses is 400.",
)
def partner_create(request: HttpRequest, payload: PartnerIn) -> Status[PartnerOut]:
    actor = actor_of(request)
    force = selectors.force_get_for(actor=actor, slug=payload.force, action=policy.Action.MANAGE_STRUCTURE)
    partner = services.partner_create(
        actor=actor,
        force=force,
        name=payload.name,
        kind=payload.kind,
        meta=meta_of(request),
    )
    return Status(201, partner_out(partner))
