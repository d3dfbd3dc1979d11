"""Request and response shapes of the seizures and s.59 vehicle warnings API
(`enforcement_seizures.py`). The common record fields are `enforcement_penalty_schemas`'."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from beatbook.enforcement.reference import Disposal, SeizureKind

from .enforcement_penalty_schemas import LongText, RecordIn, RecordOut
from .incident_schemas import StrictIn
from .schemas import Strict, Text

Registration = Annotated[str, Text, StringConstraints(max_length=20)]


class SeizureIn(RecordIn):
    kind: SeizureKind
    item: Annotated[str, Text, StringConstraints(max_length=160)]
    quantity: Annotated[str, Text, StringConstraints(max_length=60)]
    disposal: Disposal
    disposal_notes: LongText = ""
    registration: Registration = Field(default="", description="Vehicles: spaces and case do not matter.")
    warning: int | None = Field(
        default=None, ge=1, description="Vehicles: the earlier s.59 warning (its id); found when left out."
    )
    warning_impracticable_reason: LongText = ""


class WarningRefOut(Strict):
    id: int
    reference: str
    occurred_at: dt.datetime
    registration: str


class SeizureOut(Strict):
    kind: SeizureKind
    item: str
    quantity: str
    disposal: Disposal
    disposal_notes: str
    registration: str
    warning: WarningRefOut | None
    warning_impracticable_reason: str


class SeizureRecordOut(RecordOut):
    seizure: SeizureOut


class VehicleWarningIn(RecordIn):
    registration: Registration
    vehicle_description: Annotated[str, Text, StringConstraints(max_length=120)] = ""
    manner: LongText


class VehicleWarningOut(Strict):
    registration: str
    vehicle_description: str
    manner: str


class VehicleWarningRecordOut(RecordOut):
    vehicle_warning: VehicleWarningOut


class WarningSearchQuery(StrictIn):
    registration: str = Field(default="", max_length=20, description="The registration (spaces, case ignored).")
    name: str = Field(default="", max_length=120, description="The driver's full name (with `date_of_birth`).")
    date_of_birth: dt.date | None = None


class WarningSearchItem(Strict):
    id: int = Field(description="The warning's record id.")
    reference: str
    occurred_at: dt.datetime
    registration: str
    vehicle_description: str
    neighbourhood: str
    subject_name: str
    subject_date_of_birth: dt.date | None


class WarningSearchOut(Strict):
    items: list[WarningSearchItem]
