"""Request and response shapes of the training API (`training.py`): courses and training records.

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of the field they
fill; choices are the reference lists of `beatbook.learning.models`. Rules (a code already used,
a date in the future) are the services', answered 400 by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import StringConstraints

from beatbook.learning.models import CourseKind, TrainingResult

from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text

# learning.selectors.RecordState's values (a test checks they stay the same).
RecordStateChoice = Literal["valid", "expiring", "expired", "not_passed"]


class CourseListQuery(StrictIn, PageQuery):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")


class TrainingListQuery(StrictIn, PageQuery):
    person: int | None = Field(default=None, ge=1, description="Only this person's (their id).")
    course: int | None = Field(default=None, ge=1, description="Only this course's (its id).")
    expiring: bool = Field(default=False, description="Only passes whose last valid day is within 30 days.")
    expired: bool = Field(default=False, description="Only passes that have expired.")


class CourseOut(Strict):
    id: int
    force: str = Field(description="The force's police.uk id.")
    code: str
    title: str
    kind: CourseKind
    valid_months: int | None = Field(description="How long a pass stays valid; null: it does not expire.")


class CoursesPage(Strict):
    items: list[CourseOut]
    page: int
    page_size: int
    total: int


class TrainingPersonRef(Strict):
    id: int
    display_name: str
    collar_number: str


class TrainingCourseRef(Strict):
    id: int
    code: str
    title: str


class TrainingRecordOut(Strict):
    id: int
    person: TrainingPersonRef
    course: TrainingCourseRef
    completed_on: dt.date
    result: TrainingResult
    expires_on: dt.date | None = Field(description="The last day a pass is valid; null: it does not expire.")
    state: RecordStateChoice = Field(description="Today: valid, expiring (within 30 days), expired or not passed.")
    notes: str
    recorded_at: dt.datetime


class TrainingRecordsPage(Strict):
    items: list[TrainingRecordOut]
    page: int
    page_size: int
    total: int


class CourseIn(StrictIn):
    force: Annotated[str, Text, StringConstraints(min_length=1, max_length=50)] = Field(
        description="The force to add it to (police.uk id)."
    )
    code: Annotated[str, Text, StringConstraints(max_length=40)]
    title: Annotated[str, Text, StringConstraints(max_length=160)]
    kind: CourseKind
    valid_months: int | None = Field(default=None, ge=1, le=120)


class TrainingRecordIn(StrictIn):
    person: int = Field(ge=1)
    course: int = Field(ge=1)
    completed_on: dt.date
    result: TrainingResult
    expires_on: dt.date | None = Field(
        default=None, description="For a pass: the last day it is valid (default: by the course's validity)."
    )
    notes: Annotated[str, Text, StringConstraints(max_length=2000)] = ""
