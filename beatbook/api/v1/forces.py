"""GET /forces and /forces/{slug}: the forces in which the caller holds a posting."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from beatbook.org import selectors

from .auth import actor_of
from .errors import error_responses
from .outputs import force_detail_out, force_out
from .schemas import ForceDetailOut, ForceOut

router = Router(tags=["forces"])


@router.get("/forces", response={200: list[ForceOut], **error_responses(401)}, summary="Forces visible to the caller")
def force_list(request: HttpRequest) -> list[ForceOut]:
    # A handful of rows at most (one per force the caller is posted in), so not paginated.
    return [force_out(f) for f in selectors.forces_visible_to(actor_of(request))]


@router.get("/forces/{slug}", response={200: ForceDetailOut, **error_responses(401, 404)}, summary="One force")
def force_detail(request: HttpRequest, slug: str) -> ForceDetailOut:
    return force_detail_out(selectors.force_get_for(actor=actor_of(request), slug=slug))
