"""Request and response shapes of the development API (`development.py`): competency frameworks,
CPD entries and PDRs.

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of the field they
fill (or the service's limit); choices are the reference lists of `beatbook.learning.models`.
Rules (a date in the future, hours out of range, items of another framework, a PDR signed off)
are the services', answered 400 by field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from beatbook.learning.models import CpdKind, ItemKind, ObjectiveStatus, PdrStatus

from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text


class FrameworkLevelOut(Strict):
    number: int
    name: str


class IndicatorOut(Strict):
    level: int
    text: str
    truncated: bool = Field(description="Cut off at the source and stored as found.")
    source: str
    verified: bool


class FrameworkItemOut(Strict):
    id: int
    kind: ItemKind
    code: str
    name: str
    description: str
    cluster: str = Field(description="Empty where the source gives none or it is not verified.")
    level: int | None = Field(description="The level the PCSO role profile names; null for values.")
    source: str
    verified: bool


class FrameworkItemDetail(FrameworkItemOut):
    indicators: list[IndicatorOut]


class RatingOptionOut(Strict):
    code: str
    label: str
    position: int


class FrameworkOut(Strict):
    code: str
    name: str
    year: int
    replaced_by: str | None = Field(description="The code of the framework that replaced it.")
    source: str
    verified: bool
    data_version: str = Field(description="The reference file's version it was first loaded from.")


class FrameworkDetail(FrameworkOut):
    note: str
    levels: list[FrameworkLevelOut]
    items: list[FrameworkItemDetail]
    rating_scale: list[RatingOptionOut]


class FrameworkList(Strict):
    items: list[FrameworkOut]


class ItemRef(Strict):
    id: int
    kind: ItemKind
    code: str
    name: str


class PersonRef(Strict):
    id: int
    display_name: str
    collar_number: str


class CpdEntryOut(Strict):
    id: int
    person: PersonRef
    framework: str = Field(description="The framework's code.")
    occurred_on: dt.date
    title: str
    kind: CpdKind
    hours: Decimal
    reflection: str
    link: str
    items: list[ItemRef]
    created_at: dt.datetime
    updated_at: dt.datetime


class CpdEntriesPage(Strict):
    items: list[CpdEntryOut]
    page: int
    page_size: int
    total: int
    total_hours: Decimal = Field(description="Hours of every matching entry, not only this page's.")


class CpdListQuery(StrictIn, PageQuery):
    person: int | None = Field(default=None, ge=1, description="Only this person's (their id).")
    year: int | None = Field(default=None, ge=2000, le=2100, description="Only this calendar year's.")
    kind: CpdKind | None = None
    item: int | None = Field(default=None, ge=1, description="Only those mapped to this framework item (its id).")


class CpdEntryIn(StrictIn):
    occurred_on: dt.date
    title: Annotated[str, Text, StringConstraints(max_length=160)]
    kind: CpdKind
    hours: Decimal = Field(description="More than 0 and at most 80, to two decimal places.")
    reflection: Annotated[str, Text, StringConstraints(max_length=4000)] = ""
    link: Annotated[str, Text, StringConstraints(max_length=500)] = ""
    items: list[int] = Field(default_factory=list, max_length=50, description="Ids of items of your force's framework.")


class CpdDeletedOut(Strict):
    id: int
    deleted: bool


class PdrRatingOut(Strict):
    competency: ItemRef
    rating: RatingOptionOut
    evidence: str
    cpd_entries: list[int] = Field(description="Ids of the person's CPD entries cited.")


class PdrObjectiveOut(Strict):
    id: int
    text: str
    due_on: dt.date
    status: ObjectiveStatus


class PdrItem(Strict):
    id: int
    person: PersonRef
    line_manager: PersonRef
    framework: str
    review_year: int
    status: PdrStatus
    signed_off_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    reopen_count: int


class PdrDetail(PdrItem):
    reopen_reason: str
    ratings: list[PdrRatingOut]
    objectives: list[PdrObjectiveOut]
    can_manage: bool = Field(description="Whether the caller is the line manager who may change it.")


class PdrsPage(Strict):
    items: list[PdrItem]
    page: int
    page_size: int
    total: int


class PdrListQuery(StrictIn, PageQuery):
    pass


class PdrOpenIn(StrictIn):
    person: int = Field(ge=1)
    review_year: int


class PdrRatingIn(StrictIn):
    competency: int = Field(ge=1, description="The id of a competency of the PDR's framework.")
    rating: Annotated[str, Text, StringConstraints(max_length=40)] = Field(description="A code of the rating scale.")
    evidence: Annotated[str, Text, StringConstraints(max_length=4000)]
    cpd_entries: list[int] = Field(default_factory=list, max_length=50)


class PdrObjectiveIn(StrictIn):
    text: Annotated[str, Text, StringConstraints(max_length=4000)]
    due_on: dt.date


class PdrObjectiveStatusIn(StrictIn):
    status: ObjectiveStatus


class PdrReopenIn(StrictIn):
    reason: Annotated[str, Text, StringConstraints(max_length=4000)]
