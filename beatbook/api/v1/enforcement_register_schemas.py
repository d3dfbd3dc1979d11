"""Request and response shapes of the enforcement register API (`enforcement_register.py`), and
the common part every kind of enforcement record shares (`EnforcementRecordIn`,
`EnforcementDetailOut`), which the kinds' schemas extend.

Like `schemas.py`: every schema is `Strict`, text inputs carry the `max_length` of the model field
they fill, and choices are the reference lists of `beatbook.enforcement.reference`. What a rule
needs (a time not in the future, a place in the caller's force) is left to the services, which
answer 400 by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from ninja import Field
from pydantic import AwareDatetime, StringConstraints, model_validator

from beatbook.enforcement.reference import PenaltyStatus, RecordKind

from .incident_schemas import LONG_TEXT, IncidentRef, Latitude, Longitude, StrictIn
from .schemas import NeighbourhoodRef, PageQuery, Strict, Text

ShortText = Annotated[str, Text, StringConstraints(max_length=200)]
NameText = Annotated[str, Text, StringConstraints(max_length=120)]
LongText = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]


# ---- Query parameters ---------------------------------------------------------------------------
class RegisterFilterQuery(StrictIn):
    """What the register is narrowed to. Dates are London dates, both inclusive."""

    kind: RecordKind | None = None
    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    officer: int | None = Field(default=None, ge=1, description="Only this officer's (their person id).")
    date_from: dt.date | None = Field(default=None, description="On or after this date.")
    date_to: dt.date | None = Field(default=None, description="On or before this date.")
    power: str | None = Field(default=None, max_length=60, description="Only records made under this power (its code).")
    reference: str | None = Field(default=None, max_length=40, description="Part of the reference.")
    penalty_status: PenaltyStatus | None = Field(default=None, description="Only penalty notices with this status.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> RegisterFilterQuery:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class RegisterListQuery(RegisterFilterQuery, PageQuery):
    pass


# ---- Responses ----------------------------------------------------------------------------------
class OfficerRef(Strict):
    id: int
    display_name: str
    collar_number: str


class PowerCheckOut(Strict):
    """The verdict of the powers check at the moment of the act, as stored with the record (never
    recomputed: a later change to a designation does not change it)."""

    held: bool
    reason: str = Field(description="In plain English, e.g. `Held under designation CAMBS-DES-2026-000001.`")
    power: str = Field(description="The power's code.")
    power_title: str
    legal_basis: str
    at: dt.datetime = Field(description="The moment checked (UTC).")
    designation: str | None = Field(description="The officer's designation (its reference) that conferred it.")
    extent: str | None = Field(description="`full`, or `limited` to the circumstances the designation describes.")
    conditions: list[str] = Field(description="The conditions of the force's and the officer's designations.")
    parameters: dict[str, Any] = Field(description="The rule parameters that applied (e.g. `max_hours`).")


class EnforcementListItem(Strict):
    """A register row: no subject data."""

    id: int
    reference: str = Field(description="e.g. `CAMBS-ENF-2026-000012`.")
    kind: RecordKind
    occurred_at: dt.datetime
    neighbourhood: NeighbourhoodRef
    officer: OfficerRef
    power: str = Field(description="The power's code.")
    held: bool
    verdict: str = Field(description="e.g. `held under designation CAMBS-DES-2026-000001`.")
    incident: IncidentRef | None
    outcome: str = Field(description="A short outcome of the record's kind.")
    detail_url: str = Field(description="The path of the kind's own GET operation for this record.")


class EnforcementPage(Strict):
    items: list[EnforcementListItem]
    page: int
    page_size: int
    total: int


class EnforcementDetailOut(Strict):
    """What every enforcement record has (the read is audited: it holds the subject's details)."""

    id: int
    uuid: UUID
    reference: str
    kind: RecordKind
    force: str = Field(description="The force's police.uk id.")
    occurred_at: dt.datetime
    lat: float
    lng: float
    location_text: str
    neighbourhood: NeighbourhoodRef
    officer: OfficerRef
    incident: IncidentRef | None
    subject_name: str
    subject_date_of_birth: dt.date | None
    subject_age: int | None
    subject_address: str
    notes: str
    power_check: PowerCheckOut
    verdict: str = Field(description="The stored verdict in words, with the designation, the time and the conditions.")
    outcome: str
    detail_url: str
    version: int
    created_at: dt.datetime


# ---- Requests -----------------------------------------------------------------------------------
class EnforcementRecordIn(StrictIn):
    """The fields every new enforcement record has. Give the point (`lat` and `lng`), or an
    `incident` whose point is then used; Beatbook puts the record in the neighbourhood of the
    caller's force whose boundary holds the point, and checks the power at `occurred_at`."""

    uuid: UUID | None = Field(
        default=None,
        description="Made by the client for this submission: sending it again (a retry) returns the record already "
        "stored, not a second one.",
    )
    occurred_at: AwareDatetime = Field(description="When it happened, with its time zone; not in the future.")
    lat: Latitude | None = None
    lng: Longitude | None = None
    location_text: ShortText = Field(default="", description="The place, in words.")
    incident: int | None = Field(default=None, ge=1, description="The incident it belongs to (its id).")
    subject_name: NameText = ""
    subject_date_of_birth: dt.date | None = None
    subject_age: int | None = Field(
        default=None, ge=0, le=120, description="Apparent age, if the date of birth is unknown."
    )
    subject_address: ShortText = ""
    notes: LongText = ""
