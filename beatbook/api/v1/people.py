"""People and their postings: reads scoped to the caller, writes by force administrators.

Writes go through `beatbook.org.services` (which check permission again, validate and audit);
the request id travels into the audit event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.audit import selectors as audit_selectors
from beatbook.core.pagination import paginate
from beatbook.org import policy, selectors, services
from beatbook.org.models import Neighbourhood, Person, Team

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import history_event_out, person_detail_out, person_out, posting_out
from .schemas import (
    HistoryOut,
    PageQuery,
    PeoplePage,
    PeopleQuery,
    PersonDetailOut,
    PersonIn,
    PostingEndIn,
    PostingIn,
    PostingOut,
    PostingsPage,
)

router = Router(tags=["people"])


@router.get(
    "/people",
    response={200: PeoplePage, **error_responses(401, 422)},
    summary="People visible to the caller, with their active postings",
)
def person_list(request: HttpRequest, filters: Query[PeopleQuery]) -> PeoplePage:
    people = selectors.people_matching(actor_of(request), filters.q or "")
    page = paginate(people, number=filters.page, size=filters.page_size)
    return PeoplePage(
        items=[person_out(p) for p in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.get(
    "/people/{int:person_id}",
    response={200: PersonDetailOut, **error_responses(401, 404)},
    summary="One person",
)
def person_detail(request: HttpRequest, person_id: int) -> PersonDetailOut:
    return person_detail_out(selectors.person_get_for(actor=actor_of(request), person_id=person_id))


@router.get(
    "/people/{int:person_id}/postings",
    response={200: PostingsPage, **error_responses(401, 404, 422)},
    summary="All of a person's postings: past, present and future",
)
def person_postings(request: HttpRequest, person_id: int, paging: Query[PageQuery]) -> PostingsPage:
    actor = actor_of(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id)
    page = paginate(selectors.postings_of(actor=actor, person=person), number=paging.page, size=paging.page_size)
    return PostingsPage(
        items=[posting_out(p, force_slug=p.force.slug) for p in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/people/{int:person_id}/history",
    response={200: HistoryOut, **error_responses(401, 403, 404)},
    summary="A person's audit history: their own events and their postings' (newest first)",
    description="For the force's administrators and auditors; 403 for others who can see the person.",
)
def person_history(request: HttpRequest, person_id: int) -> HistoryOut:
    actor = actor_of(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id)
    events = audit_selectors.history_of(actor, person)
    if events is None:
        raise PermissionDenied(_("You do not have permission to do that."))
    return HistoryOut(items=[history_event_out(e) for e in events], limit=audit_selectors.HISTORY_LIMIT)


@router.post(
    "/people",
    response={201: PersonDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create a person's account (force administrators)",
    description="404 when the force is not one the caller can see; 403 when they cannot manage its people.",
)
def person_create(request: HttpRequest, payload: PersonIn) -> Status[PersonDetailOut]:
    actor = actor_of(request)
    force = selectors.force_get_for(actor=actor, slug=payload.force, action=policy.Action.MANAGE_PEOPLE)
    person = services.person_create(
        actor=actor,
        force=force,
        data=services.NewPerson(
            username=payload.username,
            display_name=payload.display_name,
            password=payload.password,
            email=payload.email,
            collar_number=payload.collar_number,
            rank_title=payload.rank_title,
            preferred_language=payload.preferred_language,
        ),
        meta=meta_of(request),
    )
    return Status(201, person_detail_out(selectors.person_get_for(actor=actor, person_id=person.pk)))


def _area(actor: Person, payload: PostingIn) -> tuple[Neighbourhood | None, Team | None]:
    """The posting's neighbourhood or team, from the caller's scope: an id they cannot see is
    a field error (the same as one that does not exist), not a 404 of the whole request."""
    neighbourhood = team = None
    try:
        if payload.neighbourhood is not None:
            neighbourhood = selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=payload.neighbourhood)
    except Http404 as exc:
        raise ValidationError({"neighbourhood": _("No such neighbourhood.")}) from exc
    try:
        if payload.team is not None:
            team = selectors.get_visible(selectors.teams_visible_to(actor), payload.team)
    except Http404 as exc:
        raise ValidationError({"team": _("No such team.")}) from exc
    return neighbourhood, team


@router.post(
    "/people/{int:person_id}/postings",
    response={201: PostingOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Post a person to a role in a neighbourhood, a team, or force-wide",
)
def posting_create(request: HttpRequest, person_id: int, payload: PostingIn) -> Status[PostingOut]:
    actor = actor_of(request)
    person = selectors.person_get_for(actor=actor, person_id=person_id, action=policy.Action.MANAGE_PEOPLE)
    neighbourhood, team = _area(actor, payload)
    posting = services.posting_create(
        actor=actor,
        person=person,
        role=payload.role,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        neighbourhood=neighbourhood,
        team=team,
        meta=meta_of(request),
    )
    return Status(201, posting_out(posting, force_slug=person.force.slug if person.force else ""))


@router.post(
    "/postings/{int:posting_id}/end",
    response={200: PostingOut, **error_responses(400, 401, 403, 404, 422)},
    summary="End a posting (today, or on a given date)",
)
def posting_end(request: HttpRequest, posting_id: int, payload: PostingEndIn) -> PostingOut:
    actor = actor_of(request)
    posting = selectors.posting_get_for(actor=actor, posting_id=posting_id, action=policy.Action.MANAGE_PEOPLE)
    posting = services.posting_end(
        actor=actor, posting=posting, valid_to=payload.valid_to, reason=payload.reason, meta=meta_of(request)
    )
    return posting_out(posting, force_slug=posting.force.slug)
