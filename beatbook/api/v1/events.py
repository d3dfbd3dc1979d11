"""Engagement events: public meetings, beat surgeries, school visits and the like, planned and
then recorded (see docs/reference/api.md).

Reads go through `beatbook.community.selectors.events` (scoped to the caller: the events of the
neighbourhoods they see, and those they planned or attend); writes through
`beatbook.community.services.events` (which check ENGAGE in the event's neighbourhood, validate
and audit). Events are named by their reference (`CAMBS-EVT-2026-000123`).

A change names the `version` of the event it was made on: when someone else has changed the event
since, nothing is saved and the answer is 409 (recording and cancelling may send it too).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.community.models import EngagementEvent, EventKind, EventStatus
from beatbook.community.selectors import events as selectors
from beatbook.community.services import events as services
from beatbook.core.pagination import paginate
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.org.selectors import neighbourhood_get_for

from .auth import actor_of, meta_of
from .errors import error_responses
from .events_schemas import (
    EngagementCalendarDay,
    EngagementCalendarOut,
    EngagementCalendarQuery,
    EngagementEventCancelIn,
    EngagementEventDetail,
    EngagementEventFilterQuery,
    EngagementEventIn,
    EngagementEventItem,
    EngagementEventListQuery,
    EngagementEventPatchIn,
    EngagementEventRecordIn,
    EngagementEventsPage,
    EngagementOfficerRef,
    EngagementPriorityRef,
)
from .outputs import neighbourhood_ref

router = Router(tags=["events"])

STALE = "409 when the event changed since the caller read it (`version` is old): nothing is saved."
CHANGE = (
    "404 when the caller cannot see the event; 403 when they see it but do not engage (PCSO, officer or "
    "supervisor posted there) in its neighbourhood. "
)


# ---- Model rows to response schemas (reading only what the selectors loaded) ---------------------


def _officer(person: Person) -> EngagementOfficerRef:
    return EngagementOfficerRef(id=person.pk, display_name=str(person), collar_number=person.collar_number)


def _item(event: EngagementEvent) -> EngagementEventItem:
    """A list item, from an event loaded by `events_matching` (force, neighbourhood, officers)."""
    return EngagementEventItem(
        reference=event.reference,
        force=event.force.slug,
        neighbourhood=neighbourhood_ref(event.neighbourhood),
        kind=EventKind(event.kind),
        title=event.title,
        address=event.address,
        lat=event.lat,
        lng=event.lng,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        is_public=event.is_public,
        status=EventStatus(event.status),
        attendance=event.attendance,
        issues_raised_count=len(event.issue_lines),
        officers=[_officer(p) for p in event.officers.all()],
        version=event.version,
    )


def _detail(actor: Person, event: EngagementEvent) -> EngagementEventDetail:
    """One event as loaded by `event_get_for` (with its creator and visible priorities)."""
    return EngagementEventDetail(
        **_item(event).model_dump(),
        description=event.description,
        issues_raised=event.issue_lines,
        follow_ups=event.follow_ups,
        notes=event.notes,
        cancelled_reason=event.cancelled_reason,
        can_change=selectors.may_change(actor, event),
        created_by=str(event.created_by),
        created_at=event.created_at,
        updated_at=event.updated_at,
        priorities=[
            EngagementPriorityRef(reference=p.reference, issue=p.issue, status=p.status, is_published=p.is_published)
            for p in event.priorities.all()
        ],
    )


def _fresh(actor: Person, reference: str) -> EngagementEventDetail:
    return _detail(actor, selectors.event_get_for(actor=actor, reference=reference))


def _filters(query: EngagementEventFilterQuery) -> selectors.EventFilters:
    return selectors.EventFilters(
        neighbourhood_id=query.neighbourhood,
        kind=query.kind or "",
        status=query.status or "",
        is_public=query.public,
        date_from=query.date_from,
        date_to=query.date_to,
        text=query.q or "",
    )


def _planning_neighbourhood(actor: Person, neighbourhood_id: int, *, force_id: int | None = None) -> Neighbourhood:
    """A neighbourhood where the caller engages (of `force_id`, if given): 403 when they engage
    nowhere, a field error for any other (absent and not theirs answer alike)."""
    areas = selectors.planning_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    if force_id is not None:
        areas = areas.filter(force_id=force_id)
    found = areas.filter(pk=neighbourhood_id).first()
    if found is None:
        raise ValidationError({"neighbourhood": _("Choose a neighbourhood where you plan events.")})
    return found


def _changeable(actor: Person, reference: str) -> EngagementEvent:
    """The event, if the caller may change it: 404 when they cannot see it, 403 when they can."""
    return selectors.event_get_for(actor=actor, reference=reference, action=policy.Action.ENGAGE)


# ---- Events -------------------------------------------------------------------------------------
@router.get(
    "/events",
    response={200: EngagementEventsPage, **error_responses(401, 422)},
    summary="Engagement events visible to the caller, latest start first",
    description="The events of the neighbourhoods the caller sees, and those they planned or attend. A "
    "`neighbourhood` the caller does not see matches nothing. No descriptions, issues or notes.",
)
def events_list(request: HttpRequest, filters: Query[EngagementEventListQuery]) -> EngagementEventsPage:
    page = paginate(
        selectors.events_matching(actor_of(request), _filters(filters)), number=filters.page, size=filters.page_size
    )
    return EngagementEventsPage(
        items=[_item(e) for e in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/events",
    response={201: EngagementEventDetail, **error_responses(400, 401, 403, 422)},
    summary="Plan an engagement event (PCSOs, officers and supervisors, in their neighbourhoods)",
    description="403 when the caller engages in no neighbourhood; a neighbourhood that is not one of theirs "
    "is 400 on `neighbourhood`, officers they cannot name 400 on `officers`, an end before the start or more "
    "than 24 hours after it 400 on `ends_at`.",
)
def event_create(request: HttpRequest, payload: EngagementEventIn) -> Status[EngagementEventDetail]:
    actor = actor_of(request)
    event = services.event_create(
        actor=actor,
        data=services.EventData(
            neighbourhood=_planning_neighbourhood(actor, payload.neighbourhood),
            kind=payload.kind,
            title=payload.title,
            description=payload.description,
            address=payload.address,
            lat=payload.lat,
            lng=payload.lng,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            officer_ids=tuple(payload.officers),
            is_public=payload.is_public,
        ),
        meta=meta_of(request),
    )
    return Status(201, _fresh(actor, event.reference))


@router.get(
    "/events/calendar",
    response={200: EngagementCalendarOut, **error_responses(401, 404, 422)},
    summary="A neighbourhood's events of one month, by London day",
    description="Every day of the month with the visible events that start on it (London time: an event at "
    "00:30 BST on the 1st is on the 1st, not the last day of the month before). 404 when the caller cannot "
    "see the neighbourhood; a month outside 2000-01 to 2100-12 is 422.",
)
def events_calendar(request: HttpRequest, query: Query[EngagementCalendarQuery]) -> EngagementCalendarOut:
    actor = actor_of(request)
    month = selectors.parse_month(query.month)
    assert month is not None  # the schema's pattern admits only the months parse_month reads
    neighbourhood = neighbourhood_get_for(actor=actor, neighbourhood_id=query.neighbourhood)
    cal = selectors.event_calendar(actor=actor, neighbourhood=neighbourhood, month=month)
    return EngagementCalendarOut(
        neighbourhood=neighbourhood_ref(neighbourhood),
        month=f"{cal.month:%Y-%m}",
        previous=f"{cal.previous:%Y-%m}" if cal.previous else None,
        next=f"{cal.next:%Y-%m}" if cal.next else None,
        days=[EngagementCalendarDay(date=day.day, events=[_item(e) for e in day.events]) for day in cal.days],
    )


@router.get(
    "/events/{reference}",
    response={200: EngagementEventDetail, **error_responses(401, 404)},
    summary="One engagement event, with what was recorded and the priorities set from it",
)
def event_detail(request: HttpRequest, reference: str) -> EngagementEventDetail:
    return _fresh(actor_of(request), reference)


@router.patch(
    "/events/{reference}",
    response={200: EngagementEventDetail, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change what an engagement event says",
    description=CHANGE + STALE + " Send `version` and the fields to change; what is left out stays. A "
    "cancelled event cannot be changed (400); a held one cannot move into the future.",
)
def event_update(request: HttpRequest, reference: str, payload: EngagementEventPatchIn) -> EngagementEventDetail:
    actor = actor_of(request)
    event = _changeable(actor, reference)
    sent = payload.model_fields_set
    neighbourhood = (
        _planning_neighbourhood(actor, payload.neighbourhood, force_id=event.force_id)
        if payload.neighbourhood is not None
        else event.neighbourhood
    )
    point = (payload.lat, payload.lng) if "lat" in sent else (event.lat, event.lng)
    officers = payload.officers if payload.officers is not None else [p.pk for p in event.officers.all()]
    data = services.EventData(
        neighbourhood=neighbourhood,
        kind=payload.kind or event.kind,
        title=payload.title if payload.title is not None else event.title,
        description=payload.description if payload.description is not None else event.description,
        address=payload.address if payload.address is not None else event.address,
        lat=point[0],
        lng=point[1],
        starts_at=payload.starts_at or event.starts_at,
        ends_at=payload.ends_at or event.ends_at,
        officer_ids=tuple(officers),
        is_public=payload.is_public if payload.is_public is not None else event.is_public,
    )
    services.event_update(actor=actor, event=event, data=data, expected_version=payload.version, meta=meta_of(request))
    return _fresh(actor, event.reference)


@router.post(
    "/events/{reference}/record",
    response={200: EngagementEventDetail, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Record an engagement event as held (or correct the record)",
    description=CHANGE + STALE + " An event that has not started, or was cancelled, is 400. The officers "
    "sent replace those planned (left out, those planned attended).",
)
def event_record(request: HttpRequest, reference: str, payload: EngagementEventRecordIn) -> EngagementEventDetail:
    actor = actor_of(request)
    event = _changeable(actor, reference)
    services.event_record(
        actor=actor,
        event=event,
        data=services.EventRecord(
            attendance=payload.attendance,
            issues_raised="\n".join(payload.issues_raised),
            follow_ups=payload.follow_ups,
            notes=payload.notes,
            officer_ids=tuple(
                payload.officers if payload.officers is not None else [p.pk for p in event.officers.all()]
            ),
        ),
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh(actor, event.reference)


@router.post(
    "/events/{reference}/cancel",
    response={200: EngagementEventDetail, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Cancel an engagement event that has not been held, with the reason",
    description=CHANGE + STALE + " An event already held or cancelled is 400 on `reason`.",
)
def event_cancel(request: HttpRequest, reference: str, payload: EngagementEventCancelIn) -> EngagementEventDetail:
    actor = actor_of(request)
    event = _changeable(actor, reference)
    services.event_cancel(
        actor=actor, event=event, reason=payload.reason, expected_version=payload.version, meta=meta_of(request)
    )
    return _fresh(actor, event.reference)
