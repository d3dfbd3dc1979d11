"""Request and response shapes of requirements to give a name and address and of detentions
pending a constable (`enforcement_detentions.py`). Strict, as `schemas.py`; the common fields
are the enforcement records' (`RecordIn`, `RecordOut` in `enforcement_penalty_schemas`). The
rules (the power held, the requirement a detention follows, the limit) are the services'."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Field
from pydantic import AwareDatetime

from beatbook.enforcement.reference import Compliance, DetentionOutcome, RelevantOffence

from .enforcement_penalty_schemas import LongText, RecordIn, RecordOut, Short
from .incident_schemas import StrictIn
from .schemas import Strict


# ---- Requirements to give a name and address ------------------------------------------------------
class NameAddressIn(RecordIn):
    """A requirement (Police Reform Act 2002 Sch 3C para 3). `subject_name` and `subject_address`
    are what the person gave: needed when they complied."""

    reason: RelevantOffence = Field(description="The relevant offence the officer had reason to believe.")
    offence_details: LongText = Field(description="What the officer had reason to believe the person had done.")
    compliance: Compliance


class NameAddressOut(Strict):
    reason: RelevantOffence
    offence_details: str
    compliance: Compliance
    detention: int | None = Field(description="The detention that followed it (its record id), if any.")


class NameAddressRecordOut(RecordOut):
    name_address: NameAddressOut


# ---- Detentions pending a constable ---------------------------------------------------------------
class DetentionIn(StrictIn):
    """Start a detention after the caller's own requirement that was refused or answered falsely.
    The person (and, without a point, the place and the incident) are the requirement's. Give the
    end too (`ended_at`, `outcome`, ...) to record a whole detention afterwards."""

    uuid: UUID | None = Field(default=None, description="Made by the client: a retry stores nothing new.")
    requirement: int = Field(ge=1, description="The requirement's record id.")
    occurred_at: AwareDatetime = Field(description="When the detention started, with its time zone.")
    lat: float | None = Field(default=None, description="Latitude (WGS84); without it, the requirement's point.")
    lng: float | None = Field(default=None, description="Longitude (WGS84).")
    location_text: Short = ""
    incident: int | None = Field(default=None, ge=1, description="Without it, the requirement's incident.")
    notes: LongText = ""
    constable_requested_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = Field(default=None, description="Only for a detention recorded afterwards.")
    outcome: DetentionOutcome | None = None
    constable_arrived_at: AwareDatetime | None = None
    elected_station: bool = False
    force_used: bool = False
    force_details: LongText = ""


class DetentionEndIn(StrictIn):
    version: int = Field(ge=1, description="The `version` of the record as the caller last read it (409 if old).")
    ended_at: AwareDatetime = Field(description="When it ended: after the start, within the limit, not in the future.")
    outcome: DetentionOutcome
    constable_arrived_at: AwareDatetime | None = Field(default=None, description="Needed when a constable arrived.")
    force_used: bool = False
    force_details: LongText = Field(default="", description="Needed when force was used: what and why.")


class DetentionOut(Strict):
    requirement: int = Field(description="The requirement's record id.")
    requirement_reference: str
    limit_minutes: int = Field(description="The limit that applied (the force's, at most 30).")
    must_end_by: dt.datetime = Field(description="The start plus the limit.")
    elapsed_minutes: float = Field(description="From the start to the end, or to now while it is open.")
    is_open: bool
    constable_requested_at: dt.datetime | None
    ended_at: dt.datetime | None
    outcome: DetentionOutcome | None
    constable_arrived_at: dt.datetime | None
    elected_station: bool
    force_used: bool
    force_details: str


class DetentionRecordOut(RecordOut):
    detention: DetentionOut
