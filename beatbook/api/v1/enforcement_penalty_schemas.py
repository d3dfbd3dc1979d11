"""Request and response shapes of the penalty notices API (`enforcement_penalties.py`), and the
common fields of every enforcement record's request and response (`RecordIn`, `RecordOut`),
which the seizure schemas reuse. Strict, as `schemas.py`: unknown keys are an error; text carries
the model field's `max_length`; the rules (tariff, age, power held) are the services'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Field
from pydantic import StringConstraints

from beatbook.enforcement.reference import PenaltyStatus, RecordKind

from .incident_schemas import LONG_TEXT, StrictIn
from .schemas import NeighbourhoodRef, Strict, Text

Short = Annotated[str, Text, StringConstraints(max_length=200)]
Name = Annotated[str, Text, StringConstraints(max_length=120)]
LongText = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]


class RecordIn(StrictIn):
    """What every enforcement record is given: when, where (a point, or the incident's), and the
    person. `uuid`, made by the client, makes a retried submission store nothing new."""

    occurred_at: dt.datetime = Field(description="When it happened, with its time zone.")
    lat: float | None = Field(default=None, description="Latitude (WGS84); without it, the incident's point.")
    lng: float | None = Field(default=None, description="Longitude (WGS84).")
    location_text: Short = ""
    incident: int | None = Field(default=None, ge=1, description="The incident it belongs to (its id).")
    subject_name: Name = ""
    subject_date_of_birth: dt.date | None = None
    subject_age: int | None = Field(default=None, ge=0, le=120, description="Apparent age, when no date of birth.")
    subject_address: Short = ""
    notes: LongText = ""
    uuid: UUID | None = None


class PersonRefOut(Strict):
    id: int
    display_name: str
    collar_number: str


class RecordOut(Strict):
    """The common part of a record, as its readers see it."""

    id: int
    reference: str
    kind: RecordKind
    occurred_at: dt.datetime
    lat: float
    lng: float
    location_text: str
    neighbourhood: NeighbourhoodRef
    incident: int | None
    officer: PersonRefOut
    subject_name: str
    subject_date_of_birth: dt.date | None
    subject_age: int | None
    subject_address: str
    notes: str
    power: str = Field(description="The code of the power used.")
    power_title: str
    legal_basis: str
    version: int


class PenaltyIn(RecordIn):
    offence: int = Field(ge=1, description="The penalty offence (its id, of the caller's force).")
    issuing_authority: int | None = Field(
        default=None, ge=1, description="The council whose tariff applies (its id); null: the force itself."
    )
    amount: Decimal | None = Field(
        default=None, gt=0, max_digits=7, decimal_places=2, description="If given, must be the tariff's amount."
    )
    offence_details: LongText


class PenaltyOut(Strict):
    offence: int
    offence_code: str
    offence_title: str
    statute: str
    notice_provision: str
    issuing_authority_name: str
    amount: Decimal
    discounted_amount: Decimal | None
    discount_deadline: dt.date | None
    payment_deadline: dt.date
    offence_details: str
    status: PenaltyStatus
    status_reason: str
    status_changed_at: dt.datetime | None


class PenaltyRecordOut(RecordOut):
    penalty: PenaltyOut


class PenaltyStatusIn(StrictIn):
    status: PenaltyStatus
    reason: Annotated[str, Text, StringConstraints(max_length=2000)] = ""
    version: int | None = Field(default=None, ge=1, description="The record's `version` as last read (409 if old).")
