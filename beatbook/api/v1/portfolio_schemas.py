"""Request and response shapes of the portfolio API (`portfolio.py`): evidence items, their
criteria and judgements, coverage, and the records a learner may use as evidence.

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of the field they
fill (or the service's limit); choices are the reference lists of `beatbook.learning.models`.
Rules (who writes which kind, drafts only, criteria of the programme, feedback for "not yet met")
are the services', answered 400 by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import StringConstraints

from beatbook.learning.models import EvidenceKind, EvidenceStatus, Judgement

from .development_schemas import PersonRef
from .incident_schemas import StrictIn
from .schemas import Strict, Text

CoverageState = Literal["met", "pending", "not_yet_met", "draft", "missing"]


class CriterionRef(Strict):
    id: int
    code: str
    text: str
    needed_for_ips: bool


class MappingOut(Strict):
    criterion: CriterionRef
    judgement: Judgement
    feedback: str
    judged_by: PersonRef | None
    judged_at: dt.datetime | None


class EvidenceOut(Strict):
    id: int
    enrolment: int
    kind: EvidenceKind
    title: str
    occurred_on: dt.date
    body: str = Field(description="The account; for an operational record, the redacted copy.")
    witness: str
    author: PersonRef
    status: EvidenceStatus
    source: str | None = Field(description="The model label of the record it was made from (operational records).")
    source_label: str
    redaction: dict[str, int] = Field(description="What the redaction removed, by category (counts only).")
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    mappings: list[MappingOut]
    original_url: str | None = Field(
        description="The page of the original record, only when the caller may see it under that record's own "
        "rules; opening it through the pages is audited."
    )
    can_judge: bool


class PortfolioOut(Strict):
    enrolment: int
    learner: PersonRef
    programme: str
    items: list[EvidenceOut]


class CriterionCoverageOut(Strict):
    criterion: CriterionRef
    evidence: int
    met: int
    not_yet_met: int
    pending: int
    drafts: int
    state: CoverageState


class UnitCoverageOut(Strict):
    number: int
    title: str
    met: int
    total: int
    criteria: list[CriterionCoverageOut]


class CoverageOut(Strict):
    enrolment: int
    total: int
    met: int
    pending: int
    not_yet_met: int
    missing: int
    percent: int
    ips_total: int
    ips_met: int
    units: list[UnitCoverageOut]


class EvidenceIn(StrictIn):
    kind: EvidenceKind = Field(description="Any kind but operational_record (use from-record).")
    title: Annotated[str, Text, StringConstraints(max_length=200)]
    occurred_on: dt.date
    body: Annotated[str, Text, StringConstraints(max_length=8000)]
    witness: Annotated[str, Text, StringConstraints(max_length=200)] = ""
    criteria: list[int] = Field(default_factory=list, max_length=100)


class EvidenceUpdateIn(StrictIn):
    title: Annotated[str, Text, StringConstraints(max_length=200)]
    occurred_on: dt.date
    body: Annotated[str, Text, StringConstraints(max_length=8000)]
    witness: Annotated[str, Text, StringConstraints(max_length=200)] = ""


class CriteriaIn(StrictIn):
    criteria: list[int] = Field(max_length=100, description="Ids of criteria of the learner's programme.")


class JudgementIn(StrictIn):
    criterion: int = Field(ge=1, description="The id of a criterion the evidence is mapped to.")
    judgement: Literal["met", "not_yet_met"]
    feedback: Annotated[str, Text, StringConstraints(max_length=4000)] = ""


class FromRecordIn(StrictIn):
    source: Annotated[str, Text, StringConstraints(min_length=3, max_length=100)] = Field(
        description="The record's model label, e.g. `incidents.incident`, `patrols.patrol`, "
        "`community.engagementevent`, `enforcement.penaltynotice`."
    )
    id: int = Field(ge=1)
    criteria: list[int] = Field(default_factory=list, max_length=100)


class EligibleRecordOut(Strict):
    source: str
    id: int
    label: str
    kind: str
    when: dt.datetime
    in_use: bool = Field(description="Already evidence in the caller's portfolio.")


class EligibleRecordsOut(Strict):
    enrolment: int | None = Field(description="The caller's active enrolment; null when they are on no programme.")
    items: list[EligibleRecordOut]
