"""Request and response shapes of the recruitment API (`recruitment.py`): campaigns, a force's
eligibility rules, applications with their stages, recording a stage, and appointment.

Every schema is `Strict`; text inputs carry the limit of the field they fill. Rules (dates out of
order, stages out of order, a closed application, appointing without an accepted offer) are the
services', answered 400 by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from beatbook.recruitment.models import ApplicationStatus, Level2Answer, Level2Rule, Outcome, Stage

from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text


class CampaignOut(Strict):
    id: int
    force: str = Field(description="The force's police.uk id.")
    title: str
    description: str
    opens_on: dt.date
    closes_on: dt.date = Field(description="Applications are taken up to and including this day.")
    next_steps: str = Field(description="Shown on the careers page when no campaign is open.")
    posts: int
    is_open: bool = Field(description="Open for applications today.")


class CampaignList(Strict):
    items: list[CampaignOut]


class CampaignIn(StrictIn):
    title: Annotated[str, Text, StringConstraints(max_length=160)]
    opens_on: dt.date
    closes_on: dt.date = Field(description="Not before `opens_on` (400 on `closes_on`).")
    description: Annotated[str, Text, StringConstraints(max_length=4000)] = ""
    next_steps: Annotated[str, Text, StringConstraints(max_length=2000)] = ""
    posts: int = Field(default=1, ge=0, le=10000)


class CampaignCreateIn(CampaignIn):
    force: str = Field(max_length=50, description="The force's police.uk id.")


class RulesOut(Strict):
    force: str
    min_age: int
    level3_required: bool
    level2_rule: Level2Rule
    residency_years: int = Field(description="Years of UK residency needed for vetting; 0 for no rule.")
    driving_licence_required: bool


class RulesIn(StrictIn):
    min_age: int = Field(ge=0, le=200, description="16 to 70.")
    level3_required: bool
    level2_rule: Level2Rule
    residency_years: int = Field(ge=0, le=200, description="0 to 10.")
    driving_licence_required: bool


class ApplicationListQuery(PageQuery):
    campaign: int | None = Field(default=None, description="Only this campaign's.")
    status: ApplicationStatus | None = None


class StageOut(Strict):
    stage: Stage
    on: dt.date
    outcome: Outcome
    notes: str
    recorded_by: int | None = Field(description="The person who recorded it; null for the automatic sift.")


class ApplicationItem(Strict):
    id: int
    reference: str
    campaign: int
    force: str
    full_name: str = Field(description="Empty once erased at the end of the retention period.")
    status: ApplicationStatus
    sift_passed: bool
    submitted_at: dt.datetime
    closed_at: dt.datetime | None
    erased: bool


class ApplicationsPage(Strict):
    items: list[ApplicationItem]
    page: int
    page_size: int
    total: int


class ApplicationDetail(ApplicationItem):
    email: str
    phone: str
    date_of_birth: dt.date | None
    has_level3: bool
    level2: Level2Answer
    residency_years: int
    has_driving_licence: bool
    sift_reasons: list[str]
    stages: list[StageOut]
    person: int | None = Field(description="The person appointed from this application.")


class StageIn(StrictIn):
    stage: Stage = Field(description="The next stage after the furthest recorded; `start` is set by appointing.")
    on: dt.date = Field(description="Not in the future, not before the application or the previous stage.")
    outcome: Outcome
    notes: Annotated[str, Text, StringConstraints(max_length=2000)] = ""


class AppointIn(StrictIn):
    start_date: dt.date
    neighbourhood: int | None = Field(default=None, description="A neighbourhood of the force (or give `team`).")
    team: int | None = Field(default=None, description="A team of the force (or give `neighbourhood`).")


class AppointOut(Strict):
    application: ApplicationDetail
    person: int
    posting: int
    enrolment: int | None = Field(description="Null when the force has no active programme.")
