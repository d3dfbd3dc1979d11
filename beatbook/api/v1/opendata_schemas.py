"""Request and response shapes of the open data endpoints (`opendata.py`): police.uk file imports,
publications of a month of incidents, and the months published.

Like `schemas.py`: every schema is `Strict`. An import's `problems` are the rows it skipped, by
line number, with why (the first 1,000; `rows_skipped` is exact).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import StringConstraints

from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text

# The statuses of a job and of an import (jobs.models.Job.Status, opendata.models.CrimeImport.Status:
# the same four values; a test checks). Literals, not the enums: the API has another `Status`.
RunStatus = Literal["queued", "running", "succeeded", "failed"]
ForceSlug = Annotated[str, Text, StringConstraints(min_length=1, max_length=50)]
Month = Annotated[str, StringConstraints(pattern=r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]


class OpenDataListQuery(StrictIn, PageQuery):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")


class JobProgressOut(Strict):
    """The background job doing the work, and how far it got."""

    id: int
    status: RunStatus
    done: int
    total: int
    percent: int = Field(description="0 to 100.")
    message: str


class ImportProblemOut(Strict):
    line: int = Field(description="The line of the file (the header is line 1).")
    reason: str


class CrimeImportOut(Strict):
    id: int
    force: str = Field(description="The force's police.uk id.")
    filename: str
    size: int = Field(description="Bytes.")
    sha256: str
    status: RunStatus
    rows_total: int = Field(description="Rows in the file (an estimate from its lines until the import ends).")
    rows_loaded: int
    rows_already_loaded: int = Field(description="Rows held already (the same file imported before).")
    rows_skipped: int
    uploaded_by: str = Field(description="Who uploaded it, by name.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    job: JobProgressOut | None


class CrimeImportDetailOut(CrimeImportOut):
    problems: list[ImportProblemOut] = Field(description="Rows skipped, by line (the first 1,000).")
    rows_other_force: int = Field(description="Rows loaded whose 'Falls within' names another force.")


class CrimeImportsPage(Strict):
    items: list[CrimeImportOut]
    page: int
    page_size: int
    total: int


class CrimePublicationIn(StrictIn):
    force: ForceSlug = Field(description="The force's police.uk id.")
    month: Month = Field(description="YYYY-MM: a month that has ended.")


class CrimePublicationOut(Strict):
    force: str
    month: str = Field(description="YYYY-MM")
    job: JobProgressOut = Field(description="The background job publishing it, as it stood when it was started.")


class PublishedMonthOut(Strict):
    force: str = Field(description="The force's police.uk id.")
    month: str = Field(description="YYYY-MM")
    crime_count: int = Field(description="Crimes published for the month (imported and from incidents).")
    updated_at: dt.datetime


class PublishedMonthsPage(Strict):
    items: list[PublishedMonthOut]
    page: int
    page_size: int
    total: int
