"""Request and response shapes of the officer designations API (`designations.py`): designations,
their powers, and the powers a person held at a moment.

Like `schemas.py`: every schema is `Strict` (unknown keys are an error); text inputs carry the
`max_length` of the model field they fill. Blank values a rule needs (who signed, a reason) are
left to the services, which answer 400 by field; the schemas check shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field
from pydantic import StringConstraints

from beatbook.powers.reference import Extent, PowerKind, Verification

from .incident_schemas import StrictIn
from .schemas import PageQuery, Strict, Text

# selectors.designations.Status's values (a test checks they stay the same).
DesignationStatus = Literal["in_force", "not_yet", "expired", "withdrawn"]
DesignationStatusFilter = Literal["in_force", "not_yet", "expired", "withdrawn", "expiring"]
LONG_TEXT = 2000
MAX_POWERS = 50

Id = Annotated[int, Field(ge=1)]
SignedBy = Annotated[str, Text, StringConstraints(max_length=160)]
Reason = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]


# ---- Queries ------------------------------------------------------------------------------------
class DesignationListQuery(StrictIn, PageQuery):
    person: int | None = Field(default=None, ge=1, description="Only this person's (their id).")
    status: DesignationStatusFilter | None = Field(
        default=None,
        description="Only designations with this status now; `expiring`: in force, and the last day within 30 days.",
    )


class MomentQuery(StrictIn):
    at: dt.datetime | None = Field(
        default=None, description="The moment to answer for (ISO 8601; without an offset, London time). Now by default."
    )


# ---- Responses ----------------------------------------------------------------------------------
class DesignationPersonRef(Strict):
    id: int
    display_name: str
    collar_number: str


class DesignatedPowerOut(Strict):
    """One power a designation confers."""

    id: int = Field(description="The power's id in the force's catalogue.")
    code: str
    title: str
    kind: PowerKind
    summary: str = Field(description="What it allows, in plain English.")
    legal_basis: str
    verification: Verification = Field(description="How sure the catalogue is of the legal basis.")
    extent: Extent
    conditions: str = Field(description="The circumstances it is limited to (empty when designated in full).")


class DesignationRef(Strict):
    id: int
    reference: str


class DesignationListItem(Strict):
    id: int
    reference: str = Field(description="The human reference, e.g. `CAMBS-DES-2026-000012`.")
    force: str = Field(description="The force's police.uk id.")
    person: DesignationPersonRef
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="The last day it is valid (inclusive); null: no end date.")
    withdrawn_at: dt.datetime | None
    status: DesignationStatus
    expires_soon: bool = Field(description="In force and its last day within 30 days.")
    power_count: int


class DesignationsPage(Strict):
    items: list[DesignationListItem]
    page: int
    page_size: int
    total: int


class DesignationOut(DesignationListItem):
    """A designation card: the powers, who signed it, the withdrawal, and the chain of designations
    it replaced or was replaced by (oldest first, this one included)."""

    powers: list[DesignatedPowerOut]
    signed_by_name: str
    signed_on: dt.date
    withdrawal_reason: str
    supersedes: DesignationRef | None
    superseded_by: DesignationRef | None
    history: list[DesignationRef]
    can_manage: bool = Field(description="Whether the caller may withdraw or change it.")


class HeldPowerOut(Strict):
    """A power held at the moment asked for, and under what."""

    id: int
    code: str
    title: str
    kind: PowerKind
    summary: str
    legal_basis: str
    verification: Verification
    extent: Extent
    force_conditions: str = Field(description="The force's conditions on its designation of the power.")
    conditions: str = Field(description="The person's own conditions (their designation's).")
    parameters: dict[str, Any] = Field(
        description="The rule parameters that apply (the force's override the catalogue's)."
    )
    limits: list[str] = Field(description="The parameters in words.")
    designation: DesignationRef
    designation_valid_to: dt.date | None


class PowersHeldOut(Strict):
    person: DesignationPersonRef
    at: dt.datetime
    powers: list[HeldPowerOut]


# ---- Requests -----------------------------------------------------------------------------------
class GrantIn(StrictIn):
    power: Id = Field(description="The power's id in the person's force's catalogue.")
    extent: Extent = Extent.FULL
    conditions: Reason = Field(default="", description="Required when `extent` is `limited`.")


class DesignationIn(StrictIn):
    person: Id
    powers: list[GrantIn] = Field(max_length=MAX_POWERS)
    valid_from: dt.date
    valid_to: dt.date | None = None
    signed_by_name: SignedBy
    signed_on: dt.date


class DesignationWithdrawIn(StrictIn):
    reason: Reason
    at: dt.datetime | None = Field(default=None, description="From when (now by default; never in the past).")


class DesignationChangeIn(StrictIn):
    powers: list[GrantIn] = Field(max_length=MAX_POWERS)
    valid_to: dt.date | None = None
    signed_by_name: SignedBy
    signed_on: dt.date
    reason: Reason
