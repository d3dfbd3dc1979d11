"""Request and response shapes of the incident endpoints (`incidents.py`).

Like `schemas.py`: every schema is `Strict` (unknown keys are an error), text inputs carry the
`max_length` of the model field they fill (or the form's limit, for free text), and choices are
the reference lists of `beatbook.incidents.reference`. An ASB qualifier or type that is not set
is `null` in responses (the model stores it blank).

List items carry no personal data: no people, no description, no notes. The people involved
come only with one incident (`IncidentDetailOut`), whose reading is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field
from pydantic import AwareDatetime, ConfigDict, StringConstraints, field_validator, model_validator

from beatbook.core import geo
from beatbook.incidents.models import AlertKind, Involvement
from beatbook.incidents.models import Status as IncidentStatus
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level

from .schemas import NeighbourhoodRef, PageQuery, Strict, Text

# Free text kept to the limits the incident forms use (the model fields are unbounded).
LONG_TEXT = 5000
PERSON_DESCRIPTION = 2000
SHORT_NOTE = 500
# A small-integer threshold (PositiveSmallIntegerField's upper bound).
SMALL_INT_MAX = 32767

# selectors.Flag's values (a test checks they stay the same).
FlagChoice = Literal["repeat_victim", "repeat_location", "any_repeat", "vulnerable", "high_risk"]

Latitude = Annotated[float, Field(ge=geo.UK_MIN_LAT, le=geo.UK_MAX_LAT, description="Latitude (WGS84), within the UK.")]
Longitude = Annotated[
    float, Field(ge=geo.UK_MIN_LNG, le=geo.UK_MAX_LNG, description="Longitude (WGS84), within the UK.")
]
GridReference = Annotated[str, Text, StringConstraints(max_length=20)]
LocationText = Annotated[str, Text, StringConstraints(max_length=200)]
Description = Annotated[str, Text, StringConstraints(min_length=1, max_length=LONG_TEXT)]
LongText = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]
Version = Annotated[
    int, Field(ge=1, description="The `version` of the incident as the caller last read it (see 409 below).")
]


class StrictIn(Strict):
    """A request shape whose choices arrive as their plain string values (what the services take)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


def _no_null(value: object) -> object:
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


# ---- Query parameters ---------------------------------------------------------------------------
class IncidentFilterQuery(StrictIn):
    """What a list or the map is narrowed to. Dates are London dates, both inclusive."""

    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    date_from: dt.date | None = Field(default=None, description="Happened on or after this date.")
    date_to: dt.date | None = Field(default=None, description="Happened on or before this date.")
    category: Category | None = None
    status: IncidentStatus | None = None
    person: str | None = Field(
        default=None, max_length=100, description="Part of the name or address of someone involved."
    )
    flag: FlagChoice | None = Field(default=None, description="Only incidents with this flag.")
    reference: str | None = Field(default=None, max_length=40, description="Part of the reference.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> IncidentFilterQuery:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class IncidentListQuery(IncidentFilterQuery, PageQuery):
    pass


# ---- Incidents ----------------------------------------------------------------------------------
class IncidentListItem(Strict):
    """An incident in a list: what, where, when and how it stands; no people, no free text
    beyond the place."""

    id: int
    reference: str = Field(description="The human reference, e.g. `CAMBS-INC-2026-000123`.")
    occurred_at: dt.datetime = Field(description="When it happened (UTC).")
    neighbourhood: NeighbourhoodRef
    category: Category
    asb_qualifier: AsbQualifier | None = Field(description="Set for anti-social behaviour only.")
    asb_type: AsbType | None = Field(description="Set (if known) for anti-social behaviour only.")
    status: IncidentStatus
    risk_level: Level
    is_repeat_victim: bool
    is_repeat_location: bool
    lat: float
    lng: float
    location_text: str
    version: int = Field(description="Goes up by one at every change; send it back with a change.")


class IncidentPersonOut(Strict):
    id: int
    involvement: Involvement
    name: str = Field(description="Empty when the person is not known.")
    is_unknown: bool
    date_of_birth: dt.date | None
    address: str
    phone: str
    description: str
    is_vulnerable: bool


class IncidentAlertOut(Strict):
    """An alert raised by (or last updated by) the incident."""

    id: int
    kind: AlertKind
    subject: str = Field(description="The person, address or place the alert is about.")
    count: int = Field(description="Incidents counted.")
    window_days: int = Field(description="Within this many days.")
    created_at: dt.datetime
    is_open: bool = Field(description="Not yet acknowledged.")
    acknowledged_at: dt.datetime | None


class IncidentDetailOut(IncidentListItem):
    """One incident in full, with the people involved (reading it is audited)."""

    uuid: UUID = Field(description="The client's identifier of the submission (or one Beatbook made).")
    force: str = Field(description="The incident's force (police.uk id).")
    neighbourhood_reason: str = Field(description="Why the neighbourhood was corrected (empty if it was not).")
    is_publishable: bool = Field(description="Published by month on the public crime map, anonymised.")
    grid_reference: str
    description: str
    how_reported: HowReported
    thrive_threat: Level
    thrive_harm: Level
    thrive_risk: Level
    thrive_investigation: Level
    thrive_vulnerability: Level
    thrive_engagement: Level
    thrive_notes: str
    outcome: str
    next_statuses: list[IncidentStatus] = Field(description="The statuses it can move to now.")
    can_change: bool = Field(description="Whether the caller may change it.")
    created_by: str = Field(description="Who recorded it, by name.")
    created_at: dt.datetime
    updated_at: dt.datetime
    people: list[IncidentPersonOut]
    alerts: list[IncidentAlertOut] = Field(description="Newest first.")


class IncidentsPage(Strict):
    items: list[IncidentListItem]
    page: int
    page_size: int
    total: int


class IncidentPersonIn(StrictIn):
    """Someone involved: a name, or `is_unknown` with a description (or an address)."""

    involvement: Involvement
    name: Annotated[str, Text, StringConstraints(max_length=120)] = ""
    is_unknown: bool = False
    date_of_birth: dt.date | None = None
    address: Annotated[str, Text, StringConstraints(max_length=200)] = ""
    phone: Annotated[str, Text, StringConstraints(max_length=30)] = ""
    description: Annotated[str, Text, StringConstraints(max_length=PERSON_DESCRIPTION)] = ""
    is_vulnerable: bool = False


class IncidentIn(StrictIn):
    """A new incident. Give the point (`lat` and `lng`) or an OS `grid_reference`; the point
    wins when both are given. Beatbook puts it in the neighbourhood of the caller's force whose
    boundary holds the point."""

    uuid: UUID | None = Field(
        default=None,
        description="Made by the client for this submission: sending it again (a retry) returns the "
        "incident already stored, not a second one.",
    )
    occurred_at: AwareDatetime = Field(description="When it happened, with its time zone; not in the future.")
    lat: Latitude | None = None
    lng: Longitude | None = None
    grid_reference: GridReference = Field(default="", description="An OS grid reference, e.g. `TL 4516 5825`.")
    location_text: LocationText = Field(default="", description="The address or place, in words.")
    category: Category
    asb_qualifier: AsbQualifier | None = Field(default=None, description="Required for anti-social behaviour only.")
    asb_type: AsbType | None = Field(default=None, description="For anti-social behaviour only.")
    description: Description = Field(description="What happened.")
    how_reported: HowReported
    thrive_threat: Level
    thrive_harm: Level
    thrive_risk: Level
    thrive_investigation: Level
    thrive_vulnerability: Level
    thrive_engagement: Level
    thrive_notes: LongText = ""
    risk_level: Level = Field(description="The overall risk.")
    is_publishable: bool = Field(
        default=False,
        description="Publish it by month on the public crime map, as police.uk does: its category near an "
        "anonymous point with a street name; never the address, the people or the description.",
    )
    people: list[IncidentPersonIn] = Field(default_factory=list, max_length=50, description="Those involved.")

    @model_validator(mode="after")
    def _whole_point(self) -> IncidentIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        return self


class IncidentPatchIn(StrictIn):
    """A change: only the members sent are changed, and none may be null except `asb_qualifier`
    and `asb_type`, where null clears them. A new point (or grid reference) moves the incident
    to the neighbourhood that holds it, undoing any correction."""

    version: Version
    occurred_at: AwareDatetime | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    grid_reference: GridReference | None = None
    location_text: LocationText | None = None
    category: Category | None = None
    asb_qualifier: AsbQualifier | None = None
    asb_type: AsbType | None = None
    description: Description | None = None
    how_reported: HowReported | None = None
    thrive_threat: Level | None = None
    thrive_harm: Level | None = None
    thrive_risk: Level | None = None
    thrive_investigation: Level | None = None
    thrive_vulnerability: Level | None = None
    thrive_engagement: Level | None = None
    thrive_notes: LongText | None = None
    risk_level: Level | None = None
    is_publishable: bool | None = Field(default=None, description="Publish it on the public crime map (or stop).")

    _not_null = field_validator(
        "occurred_at",
        "lat",
        "lng",
        "grid_reference",
        "location_text",
        "category",
        "description",
        "how_reported",
        "thrive_threat",
        "thrive_harm",
        "thrive_risk",
        "thrive_investigation",
        "thrive_vulnerability",
        "thrive_engagement",
        "thrive_notes",
        "risk_level",
        "is_publishable",
        mode="before",
    )(_no_null)

    @model_validator(mode="after")
    def _something(self) -> IncidentPatchIn:
        if not self.model_fields_set - {"version"}:
            raise ValueError("give at least one field to change, besides the version")
        return self


class IncidentStatusIn(StrictIn):
    status: IncidentStatus = Field(description="open → attended → (escalated | resolved) → closed.")
    outcome: LongText = Field(default="", description="Needed to close the incident (unless it has one).")
    version: Version


class IncidentNeighbourhoodIn(StrictIn):
    neighbourhood: int = Field(ge=1, description="The id of another active neighbourhood of the incident's force.")
    reason: Annotated[str, Text, StringConstraints(max_length=SHORT_NOTE)] = Field(
        description="Why the neighbourhood is being corrected (required, may not be blank)."
    )
    version: Version


# ---- The map ------------------------------------------------------------------------------------
class PointGeometry(Strict):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[longitude, latitude], as GeoJSON orders them.")


class IncidentMapProperties(Strict):
    reference: str
    category: Category
    status: IncidentStatus
    occurred_at: dt.datetime
    repeat: bool = Field(description="A repeat victim or a repeat location.")


class IncidentMapFeature(Strict):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: IncidentMapProperties


class IncidentMapCollection(Strict):
    """A GeoJSON FeatureCollection of points, newest first, with two extra top-level members."""

    type: Literal["FeatureCollection"]
    features: list[IncidentMapFeature]
    total: int = Field(description="How many incidents match (more than the features when truncated).")
    truncated: bool = Field(description="True when only the newest of the matching incidents are given.")


# ---- Alerts -------------------------------------------------------------------------------------
class IncidentRef(Strict):
    id: int
    reference: str


class AlertOut(Strict):
    id: int
    kind: AlertKind
    subject: str = Field(description="The person, address or place the alert is about.")
    count: int = Field(description="Incidents counted.")
    window_days: int = Field(description="Within this many days.")
    incident: IncidentRef = Field(description="The incident that raised it, or last raised its count.")
    neighbourhood: NeighbourhoodRef
    lat: float
    lng: float
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None = Field(description="Who acknowledged it, by name.")
    acknowledgement_note: str


class AlertsPage(Strict):
    items: list[AlertOut]
    page: int
    page_size: int
    total: int


class AcknowledgeIn(StrictIn):
    note: Annotated[str, Text, StringConstraints(max_length=SHORT_NOTE)] = ""


# ---- A force's incident rules -------------------------------------------------------------------
class IncidentRulesOut(Strict):
    force: str = Field(description="The force (police.uk id).")
    repeat_count: int = Field(description="Incidents that make a repeat victim or location.")
    repeat_window_days: int = Field(description="Within this many days.")
    repeat_radius_m: int = Field(description="A repeat location: incidents within this many metres.")
    trigger_threshold: int = Field(description="ASB complaints that reach the community trigger (at most 3).")
    trigger_window_months: int = Field(description="Within this many months.")


SmallCount = Annotated[int, Field(ge=1, le=SMALL_INT_MAX)]


class IncidentRulesPatchIn(StrictIn):
    """Only the members sent are changed; at least one must be sent, and none may be null."""

    repeat_count: SmallCount | None = None
    repeat_window_days: SmallCount | None = None
    repeat_radius_m: SmallCount | None = None
    trigger_threshold: SmallCount | None = None
    trigger_window_months: SmallCount | None = None

    _not_null = field_validator(
        "repeat_count",
        "repeat_window_days",
        "repeat_radius_m",
        "trigger_threshold",
        "trigger_window_months",
        mode="before",
    )(_no_null)

    @model_validator(mode="after")
    def _something(self) -> IncidentRulesPatchIn:
        if not self.model_fields_set:
            raise ValueError("give at least one threshold")
        return self
