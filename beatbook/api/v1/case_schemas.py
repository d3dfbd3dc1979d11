"""Request and response shapes of the ASB cases API (`cases.py`): multi-agency cases, their
parties, risk assessments, actions, partner tasks, conferences and shares, and the
information-sharing agreements cases are shared under.

Like `schemas.py`: every schema is `Strict` (unknown keys are an error), text inputs carry the
`max_length` of the model field they fill (or the forms' limit, for free text), and choices are
the reference lists of `beatbook.cases.reference`. Blank or missing *values* a rule needs (a
title, a reason) are left to the services, which answer 400 by field; the schemas check shape.

What a partner user may not see is **null**, never left out: every member is always present, so a
client tells "not shared with you" (null) from "nothing recorded" (`""` or `[]`). The detail's
`categories` lists the data categories the caller may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field
from pydantic import StringConstraints, field_validator, model_validator

from beatbook.cases.reference import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    ClosureReason,
    DataCategory,
    PartyRole,
    TaskStatus,
    Vulnerability,
)
from beatbook.cases.services import MAX_LINKED
from beatbook.incidents.reference import Category, Level

from .incident_schemas import LONG_TEXT, StrictIn
from .schemas import NeighbourhoodRef, PageQuery, Strict, Text

# selectors.CaseFlag's values (a test checks they stay the same).
CaseFlagChoice = Literal["vulnerable", "review_due", "high_risk", "shared"]
# What finishing an action or a task may record (not back to planned/open).
FinishStatus = Literal["done", "cancelled"]

Id = Annotated[int, Field(ge=1)]
Title = Annotated[str, Text, StringConstraints(max_length=160)]
LongText = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]
Version = Annotated[
    int, Field(ge=1, description="The `version` of the case as the caller last read it (see 409 below).")
]
MAX_ATTENDEES = 100


# ---- Query parameters ---------------------------------------------------------------------------
class CaseFilterQuery(StrictIn):
    """What the list is narrowed to. Dates (when the case was opened) are London dates, inclusive."""

    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    date_from: dt.date | None = Field(default=None, description="Opened on or after this date.")
    date_to: dt.date | None = Field(default=None, description="Opened on or before this date.")
    status: CaseStatus | None = None
    person: str | None = Field(
        default=None,
        max_length=100,
        description="Part of a party's name (for a partner user, only on cases whose agreements share the parties).",
    )
    flag: CaseFlagChoice | None = Field(
        default=None,
        description="Only cases with this flag. For a partner user a flag their agreements do not let them see "
        "(vulnerability, risk) matches nothing, and `shared` always matches nothing.",
    )
    reference: str | None = Field(default=None, max_length=40, description="Part of the reference.")
    category: Category | None = Field(default=None, description="Only cases with a linked incident of this category.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> CaseFilterQuery:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class CaseListQuery(CaseFilterQuery, PageQuery):
    pass


class AgreementListQuery(PageQuery):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")


# ---- References inside responses ----------------------------------------------------------------
class CasePersonRef(Strict):
    """A member of the force (a case lead, an action owner, an assessor, an attendee)."""

    id: int
    display_name: str
    collar_number: str


class CasePartnerRef(Strict):
    id: int
    name: str


class CaseAgreementRef(Strict):
    id: int
    title: str


# ---- Cases --------------------------------------------------------------------------------------
class CaseListItem(Strict):
    """A case in a list: no parties, no free text but the title. For a partner user, `risk_level`
    and `review_on` are null unless their agreements share the risk, `incident_count` unless they
    share the incidents, `open_action_count` unless they share the actions."""

    id: int
    reference: str = Field(description="The human reference, e.g. `CAMBS-ASB-2026-000012`.")
    title: str
    status: CaseStatus
    neighbourhood: NeighbourhoodRef
    lead: CasePersonRef = Field(description="The member of the force who leads the case (shown to partners too).")
    risk_level: Level | None = Field(description="The latest assessment's level (null: not shared with you).")
    review_on: dt.date | None = Field(description="The risk must be reviewed by (null: not shared with you).")
    incident_count: int | None = Field(description="Linked incidents (null: not shared with you).")
    open_action_count: int | None = Field(description="Planned actions (null: not shared with you).")
    created_at: dt.datetime = Field(description="When the case was opened (UTC).")
    closed_at: dt.datetime | None
    version: int = Field(description="Goes up by one at every change; send it back with a change.")


class CasesPage(Strict):
    items: list[CaseListItem]
    page: int
    page_size: int
    total: int


class CasePartyOut(Strict):
    id: int
    role: PartyRole
    name: str
    date_of_birth: dt.date | None = Field(description="Null when unknown, or not shared with you (`contact`).")
    address: str | None = Field(description="Null when not shared with you (`contact`).")
    phone: str | None = Field(description="Null when not shared with you (`contact`).")
    vulnerabilities: list[Vulnerability] | None = Field(description="Null when not shared with you (`vulnerability`).")
    vulnerability_notes: str | None = Field(description="Null when not shared with you (`vulnerability`).")


class CaseIncidentOut(Strict):
    id: int
    reference: str
    occurred_at: dt.datetime
    category: Category


class RiskAssessmentOut(Strict):
    id: int
    level: Level
    notes: str
    review_on: dt.date
    assessed_by: CasePersonRef
    assessed_at: dt.datetime


class CaseActionOut(Strict):
    id: int
    kind: ActionKind
    legal_basis: str = Field(description="Where the power comes from (empty for the early interventions).")
    party: int | None = Field(description="The id of the party it is against, if any.")
    owner: CasePersonRef | None = Field(description="Set when a member of the force owns it.")
    owner_partner: CasePartnerRef | None = Field(description="Set when a partner organisation owns it.")
    notes: str
    due_on: dt.date
    status: ActionStatus
    result: str
    completed_on: dt.date | None


class PartnerTaskOut(Strict):
    id: int
    partner: CasePartnerRef
    description: str
    due_on: dt.date
    status: TaskStatus
    result: str
    completed_on: dt.date | None


class CaseConferenceOut(Strict):
    id: int
    held_on: dt.date
    attendees: list[CasePersonRef] = Field(description="Members of the force who attended, by name.")
    partners: list[CasePartnerRef] = Field(description="Organisations that attended, by name.")
    other_attendees: str
    decisions: str


class CaseShareOut(Strict):
    id: int
    agreement: CaseAgreementRef
    partner: CasePartnerRef
    shared_by: CasePersonRef
    shared_at: dt.datetime
    withdrawn_by: CasePersonRef | None
    withdrawn_at: dt.datetime | None
    is_open: bool = Field(description="Not withdrawn (the partner sees the case while the agreement is in force).")


class CaseDetailOut(CaseListItem):
    """One case, with what the caller may see of it (reading it is audited). A part the caller's
    agreements do not share is null; `tasks` is always a list (a partner user always sees their own
    organisation's tasks); `shares` is null for partner users."""

    uuid: UUID = Field(description="The client's identifier of the submission (or one Beatbook made).")
    force: str = Field(description="The case's force (police.uk id).")
    summary: str | None = Field(description="What the problem is (null: not shared with you, `summary`).")
    closure_reason: ClosureReason | None
    closure_notes: str | None = Field(description="Null when not shared with you (`summary`).")
    categories: list[DataCategory] = Field(description="The data categories the caller may see (all, for the force).")
    can_manage: bool = Field(description="Whether the caller may change the case and add to it.")
    can_share: bool = Field(description="Whether the caller may share it with partners and withdraw shares.")
    updated_at: dt.datetime
    parties: list[CasePartyOut] | None = Field(description="Null when not shared with you (`parties`).")
    incidents: list[CaseIncidentOut] | None = Field(description="Newest first; null when not shared (`incidents`).")
    risk_assessments: list[RiskAssessmentOut] | None = Field(
        description="Newest first; null when not shared with you (`risk`)."
    )
    actions: list[CaseActionOut] | None = Field(description="Null when not shared with you (`actions`).")
    tasks: list[PartnerTaskOut] = Field(
        description="All of them, or (for a partner user without `tasks`) their own organisation's."
    )
    conferences: list[CaseConferenceOut] | None = Field(
        description="Newest first; null when not shared with you (`conferences`)."
    )
    shares: list[CaseShareOut] | None = Field(description="Who the case is shared with; null for partner users.")


class CaseIn(StrictIn):
    """A new case, opened from incidents the caller sees, in a neighbourhood where they manage
    cases (by default the first incident's), with its first risk assessment."""

    uuid: UUID | None = Field(
        default=None,
        description="Made by the client for this submission: sending it again (a retry) returns the case "
        "already stored, not a second one.",
    )
    incidents: list[Id] = Field(max_length=MAX_LINKED, description="Ids of the incidents, at least one.")
    title: Title
    summary: LongText = Field(description="What the problem is.")
    risk_level: Level
    risk_notes: LongText = Field(description="Why the risk is what it is.")
    review_on: dt.date = Field(description="The date by which the risk must be reviewed (within a year).")
    neighbourhood: int | None = Field(default=None, ge=1, description="Default: the first incident's.")
    lead: int | None = Field(default=None, ge=1, description="Id of a member of the force; default: the caller.")
    copy_people: bool = Field(
        default=True, description="Make the incidents' named victims and suspects the case's parties."
    )


def _no_null(value: object) -> object:
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


class CasePatchIn(StrictIn):
    """A change: only the members sent are changed, none may be null."""

    version: Version
    title: Title | None = None
    summary: LongText | None = None
    lead: int | None = Field(default=None, ge=1, description="Id of a member of the case's force.")

    _not_null = field_validator("title", "summary", "lead", mode="before")(_no_null)

    @model_validator(mode="after")
    def _something(self) -> CasePatchIn:
        if not self.model_fields_set - {"version"}:
            raise ValueError("give at least one field to change, besides the version")
        return self


class CaseIncidentsIn(StrictIn):
    incidents: list[Id] = Field(max_length=MAX_LINKED, description="Ids of incidents of the case's force.")


class CasePartyIn(StrictIn):
    role: PartyRole
    name: Annotated[str, Text, StringConstraints(max_length=120)]
    date_of_birth: dt.date | None = None
    address: Annotated[str, Text, StringConstraints(max_length=200)] = ""
    phone: Annotated[str, Text, StringConstraints(max_length=30)] = ""
    vulnerabilities: list[Vulnerability] = Field(default_factory=list, max_length=len(Vulnerability))
    vulnerability_notes: LongText = Field(default="", description="Needed with the `other` vulnerability.")


class RiskAssessmentIn(StrictIn):
    level: Level
    notes: LongText = Field(description="Why the risk is what it is.")
    review_on: dt.date = Field(description="The date by which it must be reviewed again (within a year).")
    version: Version


class CaseActionIn(StrictIn):
    """An action, owned by a member of the force (`owner`) or a partner organisation
    (`owner_partner`): one of the two."""

    kind: ActionKind
    due_on: dt.date
    owner: int | None = Field(default=None, ge=1, description="Id of a member of the case's force.")
    owner_partner: int | None = Field(default=None, ge=1, description="Id of a partner organisation of the force.")
    party: int | None = Field(default=None, ge=1, description="Id of the case's party it is against.")
    notes: LongText = ""


class FinishIn(StrictIn):
    status: FinishStatus
    result: LongText = Field(description="What came of it (required).")
    completed_on: dt.date | None = Field(default=None, description="Default: today.")


class PartnerTaskIn(StrictIn):
    partner: int = Field(ge=1, description="Id of a partner organisation of the case's force.")
    description: LongText = Field(description="What the organisation is to do.")
    due_on: dt.date


class CaseConferenceIn(StrictIn):
    held_on: dt.date
    decisions: LongText
    attendees: list[Id] = Field(default_factory=list, max_length=MAX_ATTENDEES, description="Ids of force members.")
    partners: list[Id] = Field(default_factory=list, max_length=MAX_ATTENDEES, description="Ids of organisations.")
    other_attendees: LongText = Field(default="", description="Anyone else, by name.")


class CaseCloseIn(StrictIn):
    reason: ClosureReason
    notes: LongText = ""
    version: Version


class CaseShareIn(StrictIn):
    agreement: int = Field(ge=1, description="Id of an agreement of the case's force in force today.")


# ---- Information-sharing agreements -------------------------------------------------------------
class AgreementOut(Strict):
    id: int
    force: str = Field(description="The force (police.uk id).")
    partner: CasePartnerRef
    title: str
    purpose: str
    data_categories: list[DataCategory] = Field(description="What the partner sees of the cases shared under it.")
    starts_on: dt.date
    ends_on: dt.date
    ended_early_on: dt.date | None
    last_day: dt.date = Field(description="The earlier of `ends_on` and `ended_early_on`.")
    in_force: bool = Field(description="In force today.")
    created_by: str = Field(description="Who recorded it, by name.")
    created_at: dt.datetime
    updated_at: dt.datetime


class AgreementsPage(Strict):
    items: list[AgreementOut]
    page: int
    page_size: int
    total: int


Categories = Annotated[list[DataCategory], Field(max_length=len(DataCategory))]


class AgreementIn(StrictIn):
    force: Annotated[str, Text, StringConstraints(min_length=1, max_length=50)] = Field(
        description="The force (police.uk id)."
    )
    partner: int = Field(ge=1, description="Id of a partner organisation of the force.")
    title: Title
    purpose: LongText = Field(description="What the data is shared for.")
    data_categories: Categories
    starts_on: dt.date
    ends_on: dt.date = Field(description="At most five years after the start.")


class AgreementPutIn(StrictIn):
    """The agreement as it is to be: every member but `partner` (which cannot change) and
    `ended_early_on` (null: not ended early) is required."""

    partner: int | None = Field(default=None, ge=1, description="If given, the agreement's own organisation.")
    title: Title
    purpose: LongText
    data_categories: Categories
    starts_on: dt.date
    ends_on: dt.date
    ended_early_on: dt.date | None = Field(
        default=None, description="End it early: from the next day the partner sees nothing shared under it."
    )


# ---- Reference data -----------------------------------------------------------------------------
class ChoiceOut(Strict):
    value: str
    label: str


class ActionKindOut(ChoiceOut):
    legal_basis: str = Field(description="The Act's part and sections; empty for the early interventions.")


class CaseReferenceOut(Strict):
    action_kinds: list[ActionKindOut]
    vulnerabilities: list[ChoiceOut]
    closure_reasons: list[ChoiceOut]
    data_categories: list[ChoiceOut]
    party_roles: list[ChoiceOut]
    case_flags: list[ChoiceOut]
