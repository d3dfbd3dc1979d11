"""Request and response shapes of the neighbourhood priorities API (`priorities.py`).

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of the service's
limit; statuses are `community.models.PriorityStatus`. Rules (dates in the wrong order, an owner
who does not work in the neighbourhood, a closed priority) are the services', answered 400 by
field; a change made on an old `version` is 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints, field_validator

from beatbook.community.models import PriorityStatus
from beatbook.community.services.priorities import ACTION_MAX, ISSUE_MAX, REASON_MAX

from .incident_schemas import StrictIn
from .schemas import NeighbourhoodRef, PageQuery, Strict, Text

IssueText = Annotated[str, Text, StringConstraints(min_length=1, max_length=ISSUE_MAX)]
PriorityVersion = Annotated[
    int, Field(ge=1, description="The `version` of the priority as the caller last read it (see 409 below).")
]


class PriorityListQuery(StrictIn, PageQuery):
    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    status: PriorityStatus | None = None
    published: bool | None = Field(default=None, description="Only published (true) or unpublished (false) ones.")
    owner: int | None = Field(default=None, ge=1, description="Only those this person owns (their id).")
    due: bool = Field(default=False, description="Only those due for review.")
    q: str | None = Field(default=None, max_length=100, description="Words in the issue, or part of the reference.")


class PriorityPersonRef(Strict):
    id: int
    display_name: str
    collar_number: str


class PriorityEventRef(Strict):
    reference: str
    title: str
    starts_at: dt.datetime


class PriorityActionOut(Strict):
    id: int
    taken_on: dt.date
    text: str
    is_public: bool = Field(description="False: internal, never shown to the public.")
    created_by: PriorityPersonRef
    created_at: dt.datetime


class PriorityListItem(Strict):
    reference: str = Field(description="The human reference, e.g. `CAMBS-PRI-2026-000012`.")
    neighbourhood: NeighbourhoodRef
    issue: str = Field(description='The issue the public raised ("you said").')
    set_on: dt.date
    owner: PriorityPersonRef
    status: PriorityStatus
    review_on: dt.date
    last_update_on: dt.date = Field(description="The latest action's date, or the date set.")
    is_due_review: bool = Field(description="Open, and no update for longer than the force's review period.")
    review_days: int = Field(description="The force's review period, in days.")
    is_published: bool
    action_count: int
    latest_action_on: dt.date | None
    source_event: PriorityEventRef | None = Field(description="The engagement event where the issue was raised.")
    version: int = Field(description="Goes up by one at every change; send it back with a change.")


class PriorityOut(PriorityListItem):
    status_reason: str = Field(description="The outcome, or the reason for the latest status change.")
    published_at: dt.datetime | None
    actions: list[PriorityActionOut] = Field(description='What was done ("we did"), oldest first.')
    created_at: dt.datetime
    updated_at: dt.datetime


class PrioritiesPage(Strict):
    items: list[PriorityListItem]
    page: int
    page_size: int
    total: int


class PrioritiesDue(Strict):
    items: list[PriorityListItem]


class PriorityIn(StrictIn):
    neighbourhood: int = Field(ge=1, description="The neighbourhood's id (one where the caller engages).")
    issue: IssueText
    set_on: dt.date = Field(description="Not in the future, nor before the source event's day.")
    owner: int | None = Field(default=None, ge=1, description="Who owns it (their id); default the caller.")
    review_on: dt.date | None = Field(
        default=None, description="Not before `set_on`; default `set_on` plus the force's review period."
    )
    source_event: str | None = Field(
        default=None,
        max_length=40,
        description="The reference of the held engagement event (same neighbourhood) where the issue was raised.",
    )
    is_published: bool = False


class PriorityPatchIn(StrictIn):
    """A change: only the members sent are changed; none may be null."""

    version: PriorityVersion
    issue: IssueText | None = None
    owner: int | None = Field(default=None, ge=1, description="The new owner's id.")
    review_on: dt.date | None = None

    @field_validator("issue", "owner", "review_on", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class PriorityActionIn(StrictIn):
    taken_on: dt.date = Field(description="Not in the future, nor before the priority was set.")
    text: Annotated[str, Text, StringConstraints(min_length=1, max_length=ACTION_MAX)]
    is_public: bool = Field(default=True, description="False keeps it internal, even on a published priority.")


class PriorityStatusIn(StrictIn):
    status: PriorityStatus = Field(description="open → resolved | withdrawn; resolved or withdrawn → open.")
    reason: Annotated[str, Text, StringConstraints(min_length=1, max_length=REASON_MAX)] = Field(
        description="The outcome, or the reason for the change."
    )
    version: int | None = Field(
        default=None, ge=1, description="If sent: the `version` as the caller last read it (see 409 below)."
    )
