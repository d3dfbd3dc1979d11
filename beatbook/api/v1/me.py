"""GET /me: who the caller is, and where they are posted today."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from beatbook.org import selectors

from .auth import actor_of
from .errors import error_responses
from .outputs import me_out
from .schemas import MeOut

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="The caller's profile")
def me(request: HttpRequest) -> MeOut:
    actor = actor_of(request)
    # The actor is always in their own scope; this loads their active postings in one prefetch.
    return me_out(selectors.person_get_for(actor=actor, person_id=actor.pk))
