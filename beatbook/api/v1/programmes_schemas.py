"""Request and response shapes of the programmes API (`programmes.py`): programmes with their
units, outcomes, criteria and phases; enrolments with their plan, milestones and risk; progress
reviews; the cohort dashboard.

Like `schemas.py`: every schema is `Strict`; text inputs carry the limit of the field they fill;
choices are the reference lists of `beatbook.learning.models`. Rules (dates out of order, a second
active enrolment, criteria not met, the wrong person signing) are the services', answered 400 by
field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import StringConstraints

from beatbook.learning.models import EnrolmentStatus, Milestone, PhaseKind, QualificationKind, Rag, ReviewStatus, Route

from .development_schemas import PersonRef
from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text


class ProgrammeOut(Strict):
    id: int
    force: str = Field(description="The force's police.uk id.")
    code: str
    name: str
    route: Route
    qualification: QualificationKind
    qualification_title: str
    awarding_body: str
    qualification_number: str
    ips_due_months: int
    foc_due_months: int
    review_interval_weeks: int
    is_active: bool = Field(description="Taking new learners.")
    data_version: str


class ProgrammeList(Strict):
    items: list[ProgrammeOut]


class ProgrammeCriterionOut(Strict):
    id: int
    code: str = Field(description="unit.outcome.criterion, e.g. 3.2.1")
    text: str
    needed_for_ips: bool
    is_example: bool = Field(description="Beatbook's example, not the awarding body's text.")


class ProgrammeOutcomeOut(Strict):
    number: int
    text: str
    is_example: bool
    criteria: list[ProgrammeCriterionOut]


class ProgrammeUnitOut(Strict):
    number: int
    title: str
    source: str
    outcomes: list[ProgrammeOutcomeOut]


class ProgrammePhaseOut(Strict):
    id: int
    position: int
    kind: PhaseKind
    name: str
    planned_weeks: int


class ProgrammeDetail(ProgrammeOut):
    units: list[ProgrammeUnitOut]
    phases: list[ProgrammePhaseOut]
    can_manage: bool = Field(description="Whether the caller may change the settings.")


class ProgrammeSettingsIn(StrictIn):
    route: Route
    qualification: QualificationKind
    qualification_title: Annotated[str, Text, StringConstraints(max_length=200)]
    awarding_body: Annotated[str, Text, StringConstraints(max_length=120)]
    qualification_number: Annotated[str, Text, StringConstraints(max_length=20)] = ""
    ips_due_months: int = Field(ge=0, le=100, description="1 to 36; not more than `foc_due_months`.")
    foc_due_months: int = Field(ge=0, le=100, description="1 to 36.")
    review_interval_weeks: int = Field(ge=0, le=100, description="1 to 26.")
    is_active: bool = True


class EnrolmentPlanStep(Strict):
    phase: ProgrammePhaseOut
    starts_on: dt.date
    ends_on: dt.date = Field(description="The planned last day.")
    is_current: bool


class EnrolmentMilestoneOut(Strict):
    milestone: Milestone
    due_on: dt.date
    signed: bool
    signed_on: dt.date | None
    signed_by: PersonRef | None
    signed_as: str = Field(description="tutor, line_manager, assessor or system; empty when not signed.")
    needed: int = Field(description="Criteria the milestone needs (IPS: those flagged; FOC: all).")
    met: int
    missing: list[str] | None = Field(description="Codes of the needed criteria not met (detail only; null in lists).")


class EnrolmentItem(Strict):
    id: int
    programme: int
    learner: PersonRef
    tutor: PersonRef | None
    assessor: PersonRef | None
    line_manager: PersonRef | None
    start_date: dt.date
    status: EnrolmentStatus
    ended_on: dt.date | None
    phase: ProgrammePhaseOut | None
    phase_started_on: dt.date | None
    ips: EnrolmentMilestoneOut
    foc: EnrolmentMilestoneOut
    criteria_met: int
    criteria_total: int
    coverage: int = Field(description="Criteria met as a whole percentage of the programme's.")
    next_review_on: dt.date | None
    at_risk: bool
    risk_reasons: list[str]


class EnrolmentDetail(EnrolmentItem):
    plan: list[EnrolmentPlanStep]


class EnrolmentsPage(Strict):
    items: list[EnrolmentItem]
    page: int
    page_size: int
    total: int


class EnrolmentListQuery(StrictIn, PageQuery):
    status: EnrolmentStatus | None = None
    programme: int | None = Field(default=None, ge=1)


class EnrolmentIn(StrictIn):
    programme: int = Field(ge=1)
    person: int = Field(ge=1, description="The learner (a person of the programme's force).")
    start_date: dt.date
    tutor: int | None = Field(default=None, ge=1)
    assessor: int | None = Field(default=None, ge=1)
    line_manager: int | None = Field(default=None, ge=1)


class EnrolmentUpdateIn(StrictIn):
    tutor: int | None = Field(default=None, ge=1)
    assessor: int | None = Field(default=None, ge=1)
    line_manager: int | None = Field(default=None, ge=1)
    ips_due_on: dt.date
    foc_due_on: dt.date


class MilestoneSignOffIn(StrictIn):
    milestone: Milestone
    note: Annotated[str, Text, StringConstraints(max_length=4000)] = ""


class MilestoneRevokeIn(StrictIn):
    milestone: Milestone
    reason: Annotated[str, Text, StringConstraints(max_length=4000)]


class PhaseMoveIn(StrictIn):
    phase: int = Field(ge=1, description="The id of a phase of the learner's programme.")
    started_on: dt.date | None = Field(default=None, description="Default today; not before the enrolment's start.")


class EnrolmentWithdrawIn(StrictIn):
    reason: Annotated[str, Text, StringConstraints(max_length=4000)] = Field(
        description="Why the learner leaves the programme (10 to 4000 characters); kept in the audit event's reason."
    )
    ended_on: dt.date | None = Field(default=None, description="Default today; not in the future.")


class EnrolmentCompleteIn(StrictIn):
    ended_on: dt.date | None = Field(default=None, description="Default today; not in the future.")


class ReviewOut(Strict):
    id: int
    status: ReviewStatus
    scheduled_for: dt.date
    held_on: dt.date | None
    rag: Rag | Literal[""]
    attendees: list[PersonRef]
    other_attendees: str
    notes: str
    agreed_actions: str


class ReviewList(Strict):
    items: list[ReviewOut]


class ReviewScheduleIn(StrictIn):
    scheduled_for: dt.date


class ReviewRecordIn(StrictIn):
    review: int | None = Field(default=None, ge=1, description="The scheduled review held; default the earliest.")
    held_on: dt.date
    rag: Rag
    attendees: list[int] = Field(default_factory=list, max_length=20, description="Ids of people of the force.")
    other_attendees: Annotated[str, Text, StringConstraints(max_length=300)] = ""
    notes: Annotated[str, Text, StringConstraints(max_length=4000)] = ""
    agreed_actions: Annotated[str, Text, StringConstraints(max_length=4000)] = ""
    next_review_on: dt.date | None = Field(default=None, description="Default: held on + the review interval.")


class CohortQuery(StrictIn):
    scope: Literal["force", "mine"] = Field(
        default="force", description="`mine`: only enrolments naming the caller as tutor, assessor or line manager."
    )
    phase: PhaseKind | None = None
    risk: Literal["at_risk", "on_track"] | None = None


class CohortOut(Strict):
    scope: Literal["force", "mine"]
    learners: int
    at_risk: int
    items: list[EnrolmentItem]
