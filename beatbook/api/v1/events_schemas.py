"""Request and response shapes of the engagement events API (`events.py`).

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of the model field
they fill (or the services' limit, for free text); kinds and statuses are the choices of
`beatbook.community.models`. Rules (a neighbourhood where the caller does not engage, an end
before the start, recording an event that has not started) are the services', answered 400 by
field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import AwareDatetime, StringConstraints, field_validator, model_validator

from beatbook.community.models import EventKind, EventStatus
from beatbook.community.services.events import LONG_TEXT, MAX_ATTENDANCE, MAX_ISSUES

from .incident_schemas import Latitude, Longitude, StrictIn
from .schemas import NeighbourhoodRef, PageQuery, Strict, Text

MONTH_PATTERN = r"^(20\d\d-(0[1-9]|1[0-2])|2100-(0[1-9]|1[0-2]))$"  # 2000-01 to 2100-12
MAX_OFFICERS = 100

Title = Annotated[str, Text, StringConstraints(min_length=1, max_length=160)]
Place = Annotated[str, Text, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]
Issue = Annotated[str, Text, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\r\n]*$")]
OfficerIds = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(max_length=MAX_OFFICERS, description="Ids of people of the event's force whom the caller can see."),
]
Version = Annotated[
    int, Field(ge=1, description="The `version` of the event as the caller last read it (see 409 below).")
]


# ---- Query parameters ---------------------------------------------------------------------------
class EngagementEventFilterQuery(StrictIn):
    """What the list is narrowed to. Dates are London dates of the event's start, both inclusive."""

    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    kind: EventKind | None = None
    status: EventStatus | None = None
    public: bool | None = Field(default=None, description="Only public events (true) or only private ones (false).")
    date_from: dt.date | None = Field(default=None, description="Starting on or after this date.")
    date_to: dt.date | None = Field(default=None, description="Starting on or before this date.")
    q: str | None = Field(default=None, max_length=100, description="Part of the title or the reference.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> EngagementEventFilterQuery:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class EngagementEventListQuery(EngagementEventFilterQuery, PageQuery):
    pass


class EngagementCalendarQuery(StrictIn):
    neighbourhood: int = Field(ge=1, description="The neighbourhood's id (one the caller can see).")
    month: str = Field(pattern=MONTH_PATTERN, description="The month, as `YYYY-MM` (2000 to 2100).")


# ---- Responses ----------------------------------------------------------------------------------
class EngagementOfficerRef(Strict):
    id: int
    display_name: str
    collar_number: str


class EngagementEventItem(Strict):
    """An event in a list: what, where, when, who and how it stands; no description, issues or
    notes."""

    reference: str = Field(description="The human reference, e.g. `CAMBS-EVT-2026-000123`.")
    force: str = Field(description="The event's force (police.uk id).")
    neighbourhood: NeighbourhoodRef
    kind: EventKind
    title: str
    address: str = Field(description="The place: the venue and its address, or 'Online'.")
    lat: float | None = Field(description="The point, if given (with `lng`).")
    lng: float | None
    starts_at: dt.datetime = Field(description="UTC.")
    ends_at: dt.datetime = Field(description="UTC; at most 24 hours after the start.")
    is_public: bool = Field(description="Shown on the neighbourhood's public page and API (unless cancelled).")
    status: EventStatus
    attendance: int | None = Field(description="People who came (once held).")
    issues_raised_count: int = Field(description="How many issues were raised (once held).")
    officers: list[EngagementOfficerRef] = Field(description="Planned to attend, or (once held) who attended.")
    version: int = Field(description="Goes up by one at every change; send it back with a change.")


class EngagementPriorityRef(Strict):
    """A neighbourhood priority set from the event (one the caller can see)."""

    reference: str
    issue: str
    status: str
    is_published: bool


class EngagementEventDetail(EngagementEventItem):
    """One event in full, with what was recorded."""

    description: str = Field(description="What the public reads about it (when public).")
    issues_raised: list[str] = Field(description="The issues raised, one per item, in order (internal).")
    follow_ups: str = Field(description="Internal.")
    notes: str = Field(description="Internal notes, never published.")
    cancelled_reason: str = Field(description="Why it was cancelled (empty unless cancelled).")
    can_change: bool = Field(description="Whether the caller may change, record or cancel it.")
    created_by: str = Field(description="Who planned it, by name.")
    created_at: dt.datetime
    updated_at: dt.datetime
    priorities: list[EngagementPriorityRef] = Field(description="Priorities set from it, newest first.")


class EngagementEventsPage(Strict):
    items: list[EngagementEventItem]
    page: int
    page_size: int
    total: int


class EngagementCalendarDay(Strict):
    date: dt.date = Field(description="A London day of the month.")
    events: list[EngagementEventItem] = Field(description="The events starting that day (London time), soonest first.")


class EngagementCalendarOut(Strict):
    neighbourhood: NeighbourhoodRef
    month: str = Field(description="`YYYY-MM`.")
    previous: str | None = Field(description="The month before (`YYYY-MM`), if in range.")
    next: str | None = Field(description="The month after (`YYYY-MM`), if in range.")
    days: list[EngagementCalendarDay] = Field(description="Every day of the month, in order.")


# ---- Requests that write ------------------------------------------------------------------------
class EngagementEventIn(StrictIn):
    """A new event, in a neighbourhood where the caller engages (PCSOs, officers and supervisors
    posted there). The point is optional but whole: both `lat` and `lng`, or neither."""

    neighbourhood: int = Field(ge=1, description="The neighbourhood's id.")
    kind: EventKind
    title: Title
    description: LongText = Field(default="", description="What the public reads about it (when public).")
    address: Place = Field(description="The venue and its address, or 'Online'.")
    lat: Latitude | None = None
    lng: Longitude | None = None
    starts_at: AwareDatetime = Field(description="With its time zone.")
    ends_at: AwareDatetime = Field(description="With its time zone; not before the start, at most 24 hours after.")
    officers: OfficerIds = Field(default_factory=list)
    is_public: bool = False

    @model_validator(mode="after")
    def _whole_point(self) -> EngagementEventIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        return self


class EngagementEventPatchIn(StrictIn):
    """A change: only the members sent are changed, and none may be null except `lat` and `lng`,
    which are sent together (both null clears the point)."""

    version: Version
    neighbourhood: int | None = Field(default=None, ge=1, description="Another neighbourhood of the event's force.")
    kind: EventKind | None = None
    title: Title | None = None
    description: LongText | None = None
    address: Place | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    officers: OfficerIds | None = Field(default=None, description="Replaces the officers attending.")
    is_public: bool | None = None

    @field_validator(
        "neighbourhood",
        "kind",
        "title",
        "description",
        "address",
        "starts_at",
        "ends_at",
        "officers",
        "is_public",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value

    @model_validator(mode="after")
    def _checked(self) -> EngagementEventPatchIn:
        sent = self.model_fields_set
        if not sent - {"version"}:
            raise ValueError("give at least one field to change, besides the version")
        if ("lat" in sent) != ("lng" in sent) or (self.lat is None) != (self.lng is None):
            raise ValueError("send lat and lng together: both numbers, or both null to clear the point")
        return self


class EngagementEventRecordIn(StrictIn):
    """What happened at an event that has started (sending it again corrects the record)."""

    attendance: int = Field(ge=0, le=MAX_ATTENDANCE, description="How many people came.")
    issues_raised: list[Issue] = Field(
        default_factory=list, max_length=MAX_ISSUES, description="The issues raised, one per item (no line breaks)."
    )
    follow_ups: LongText = ""
    notes: LongText = Field(default="", description="Internal, never published.")
    officers: OfficerIds | None = Field(
        default=None, description="The officers who attended (they replace those planned; left out: those planned)."
    )
    version: Version | None = None


class EngagementEventCancelIn(StrictIn):
    reason: Annotated[str, Text, StringConstraints(min_length=1, max_length=LONG_TEXT)] = Field(
        description="Why the event is cancelled (kept on the event)."
    )
    version: Version | None = None
