"""Neighbourhood priorities ("you said, we did").

Reads go through `beatbook.community.selectors.priorities` (the priorities of the neighbourhoods
the caller sees, and those they own, with the "due for review" flag computed per force); writes
through `beatbook.community.services.priorities` (PCSOs, officers and supervisors of the
priority's neighbourhood; publication also by whoever manages the force's publication; checked
and audited). A priority is named by its reference, e.g. `CAMBS-PRI-2026-000012`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.community.models import Priority
from beatbook.community.selectors import priorities as selectors
from beatbook.community.selectors.events import events_visible_to
from beatbook.community.services import priorities as services
from beatbook.core.pagination import paginate
from beatbook.org import policy
from beatbook.org.models import Person

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import neighbourhood_ref
from .priorities_schemas import (
    PrioritiesDue,
    PrioritiesPage,
    PriorityActionIn,
    PriorityActionOut,
    PriorityEventRef,
    PriorityIn,
    PriorityListItem,
    PriorityListQuery,
    PriorityOut,
    PriorityPatchIn,
    PriorityPersonRef,
    PriorityStatusIn,
)

router = Router(tags=["priorities"])

CHANGE = "404 when the caller cannot see the priority; 403 when they see it but may not change it. "
DUE_LIMIT = 100
STALE = "409 when the priority changed since the caller read it (`version` is old): nothing is saved."


def _person(person: Person) -> PriorityPersonRef:
    return PriorityPersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _item_fields(priority: Priority) -> dict[str, Any]:
    p: Any = priority  # a `selectors.priority_list` row, with its annotations
    event = priority.source_event
    return {
        "reference": p.reference,
        "neighbourhood": neighbourhood_ref(p.neighbourhood),
        "issue": p.issue,
        "set_on": p.set_on,
        "owner": _person(p.owner),
        "status": p.status,
        "review_on": p.review_on,
        "last_update_on": p.last_update_on,
        "is_due_review": p.is_due_review,
        "review_days": p.review_days,
        "is_published": p.is_published,
        "action_count": p.action_count,
        "latest_action_on": p.latest_action_on,
        "source_event": PriorityEventRef(reference=event.reference, title=event.title, starts_at=event.starts_at)
        if event is not None
        else None,
        "version": p.version,
    }


def _item(priority: Priority) -> PriorityListItem:
    return PriorityListItem(**_item_fields(priority))


def _detail(actor: Person, reference: str) -> PriorityOut:
    priority = selectors.priority_get_for(actor=actor, reference=reference)
    actions = [
        PriorityActionOut(
            id=a.pk,
            taken_on=a.taken_on,
            text=a.text,
            is_public=a.is_public,
            created_by=_person(a.created_by),
            created_at=a.created_at,
        )
        for a in selectors.actions_of(priority)
    ]
    return PriorityOut(
        **_item_fields(priority),
        status_reason=priority.status_reason,
        published_at=priority.published_at,
        actions=actions,
        created_at=priority.created_at,
        updated_at=priority.updated_at,
    )


def _changeable(actor: Person, reference: str, action: policy.Action = policy.Action.ENGAGE) -> Priority:
    """The priority, if the caller may change it: 404 when they cannot see it, 403 when they can."""
    return selectors.priority_get_for(actor=actor, reference=reference, action=action)


def _owner(actor: Person, owner_id: int | None) -> Person | None:
    """The chosen owner among the people the caller sees (400 on `owner` otherwise)."""
    if owner_id is None:
        return None
    owner = policy.people_in_scope(actor).filter(pk=owner_id, is_system=False).first()
    if owner is None:
        raise ValidationError({"owner": [_("Choose someone who works in this neighbourhood.")]})
    return owner


@router.get(
    "/priorities",
    response={200: PrioritiesPage, **error_responses(401, 422)},
    summary="Neighbourhood priorities visible to the caller, newest first",
    description="The priorities of the neighbourhoods the caller sees, and those they own. `due` keeps those due "
    "for review: open, with no update for longer than the force's review period. A `neighbourhood` or `owner` the "
    "caller does not see matches nothing.",
)
def priorities_list(request: HttpRequest, filters: Query[PriorityListQuery]) -> PrioritiesPage:
    priorities = selectors.priorities_matching(
        actor_of(request),
        selectors.PriorityFilters(
            neighbourhood_id=filters.neighbourhood,
            status=filters.status or "",
            published=filters.published,
            owner_id=filters.owner,
            due=filters.due,
            text=filters.q or "",
        ),
    )
    page = paginate(priorities, number=filters.page, size=filters.page_size)
    return PrioritiesPage(items=[_item(p) for p in page.items], page=page.number, page_size=page.size, total=page.total)


@router.post(
    "/priorities",
    response={201: PriorityOut, **error_responses(400, 401, 403, 422)},
    summary="Set a neighbourhood priority (a PCSO, officer or supervisor of the neighbourhood)",
    description="A neighbourhood the caller cannot see is 400 on `neighbourhood`; 403 when they see it but do not "
    "engage there. A `set_on` in the future or before the source event's day, a `review_on` before `set_on`, an "
    "`owner` who does not work in the neighbourhood, or a `source_event` the caller cannot see, of another "
    "neighbourhood or not held, is 400 on that field; nothing is stored.",
)
def priority_create(request: HttpRequest, payload: PriorityIn) -> Status[PriorityOut]:
    actor = actor_of(request)
    neighbourhood = (
        policy.neighbourhoods_in_scope(actor).select_related("force").filter(pk=payload.neighbourhood).first()
    )
    if neighbourhood is None:
        raise ValidationError({"neighbourhood": [_("Choose one of your neighbourhoods.")]})
    policy.require(actor, policy.Action.ENGAGE, neighbourhood)
    event = None
    if payload.source_event:
        event = events_visible_to(actor).filter(reference=payload.source_event.strip()).first()
        if event is None:
            raise ValidationError({"source_event": [_("Choose an engagement event you can see.")]})
    priority = services.priority_create(
        actor=actor,
        neighbourhood=neighbourhood,
        issue=payload.issue,
        set_on=payload.set_on,
        owner=_owner(actor, payload.owner),
        review_on=payload.review_on,
        source_event=event,
        is_published=payload.is_published,
        meta=meta_of(request),
    )
    return Status(201, _detail(actor, priority.reference))


@router.get(
    "/priorities/{reference}",
    response={200: PriorityOut, **error_responses(401, 404)},
    summary="One priority, with its actions (internal ones marked)",
)
def priority_detail(request: HttpRequest, reference: str) -> PriorityOut:
    return _detail(actor_of(request), reference)


@router.patch(
    "/priorities/{reference}",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a priority's issue, owner or review date",
    description=CHANGE + STALE + " Send `version` and the fields to change; what is left out stays.",
)
def priority_update(request: HttpRequest, reference: str, payload: PriorityPatchIn) -> PriorityOut:
    actor = actor_of(request)
    priority = _changeable(actor, reference)
    services.priority_update(
        actor=actor,
        priority=priority,
        expected_version=payload.version,
        issue=payload.issue,
        owner=_owner(actor, payload.owner),
        review_on=payload.review_on,
        meta=meta_of(request),
    )
    return _detail(actor, priority.reference)


@router.post(
    "/priorities/{reference}/actions",
    response={201: PriorityOut, **error_responses(400, 401, 403, 404, 422)},
    summary='Record an action taken on an open priority ("we did")',
    description=CHANGE + "A `taken_on` in the future or before the priority was set is 400 on `taken_on`; a "
    "priority that is not open is 400 on `status`. The priority's last update becomes the latest action's date.",
)
def priority_action_add(request: HttpRequest, reference: str, payload: PriorityActionIn) -> Status[PriorityOut]:
    actor = actor_of(request)
    priority = _changeable(actor, reference)
    services.priority_add_action(
        actor=actor,
        priority=priority,
        taken_on=payload.taken_on,
        text=payload.text,
        is_public=payload.is_public,
        meta=meta_of(request),
    )
    return Status(201, _detail(actor, priority.reference))


@router.post(
    "/priorities/{reference}/status",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Resolve, withdraw or reopen a priority, with the outcome or reason",
    description=CHANGE + STALE + " open → resolved | withdrawn; resolved or withdrawn → open; any other step is "
    "400 on `status`. Withdrawing also unpublishes it.",
)
def priority_status(request: HttpRequest, reference: str, payload: PriorityStatusIn) -> PriorityOut:
    actor = actor_of(request)
    priority = _changeable(actor, reference)
    services.priority_set_status(
        actor=actor,
        priority=priority,
        status=payload.status,
        reason=payload.reason,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _detail(actor, priority.reference)


@router.post(
    "/priorities/{reference}/publish",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Publish a priority and its public actions on the neighbourhood's public page",
    description=CHANGE + "The neighbourhood's PCSOs, officers and supervisors, or whoever manages the force's "
    "publication. A withdrawn priority is 400 on `is_published`; a published one stays as it is.",
)
def priority_publish(request: HttpRequest, reference: str) -> PriorityOut:
    actor = actor_of(request)
    priority = _changeable(actor, reference, policy.Action.MANAGE_PUBLICATION)
    services.priority_publish(actor=actor, priority=priority, meta=meta_of(request))
    return _detail(actor, priority.reference)


@router.post(
    "/priorities/{reference}/unpublish",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Take a priority off the public page and API",
    description=CHANGE + "The neighbourhood's PCSOs, officers and supervisors, or whoever manages the force's "
    "publication. An unpublished one stays as it is.",
)
def priority_unpublish(request: HttpRequest, reference: str) -> PriorityOut:
    actor = actor_of(request)
    priority = _changeable(actor, reference, policy.Action.MANAGE_PUBLICATION)
    services.priority_unpublish(actor=actor, priority=priority, meta=meta_of(request))
    return _detail(actor, priority.reference)


@router.get(
    "/me/priorities-due",
    response={200: PrioritiesDue, **error_responses(401)},
    summary="The priorities due for review that the caller owns or supervises",
    description="Open priorities with no update for longer than their force's review period: those the caller "
    "owns, and those of the neighbourhoods their supervisor postings cover. The longest without an update first; "
    "at most 100.",
)
def priorities_due(request: HttpRequest) -> PrioritiesDue:
    return PrioritiesDue(items=[_item(p) for p in selectors.priorities_due_for(actor_of(request))[:DUE_LIMIT]])
