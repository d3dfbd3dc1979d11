"""Request and response shapes of the patrol and hot-spot plan endpoints (`patrols.py`).

Like `incident_schemas.py`: every schema is `Strict` (unknown keys are an error), text inputs
carry the `max_length` of the model field they fill (or the form's limit, for notes), choices are
the models' own. Numbers are bounded to what their columns hold; the rules on top of that (a
radius of at most 1,000 metres, at most 20 places in a plan, a visit inside its patrol, no
overlapping patrols) are the services', and answered 400 with the field.

Lists carry no free text but place names: a patrol's notes come only with the one patrol.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field
from pydantic import AwareDatetime, StringConstraints, model_validator

from beatbook.patrols.models import HotspotPlanStatus, Mode
from beatbook.patrols.services import MAX_TARGETS, MAX_TRACE_POINTS

from .incident_schemas import LONG_TEXT, SMALL_INT_MAX, Latitude, Longitude, PointGeometry, StrictIn
from .schemas import NeighbourhoodRef, PageQuery, Position, Strict, Text

# The longest period a dosage or visibility read may cover (a year and a day).
MAX_PERIOD_DAYS = 366
# Colleagues named on one patrol.
MAX_COLLEAGUES = 20

PlaceLabel = Annotated[str, Text, StringConstraints(max_length=120)]
Notes = Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]
SmallInt = Annotated[int, Field(ge=1, le=SMALL_INT_MAX)]
PatrolVersion = Annotated[
    int, Field(ge=1, description="The `version` of the patrol as the caller last read it (see 409 below).")
]


def _check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is not None and date_to is not None:
        if date_from > date_to:
            raise ValueError("date_from is after date_to")
        if (date_to - date_from).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"the period is longer than {MAX_PERIOD_DAYS} days")


# ---- Query parameters ---------------------------------------------------------------------------
class PatrolFilterQuery(StrictIn):
    """What the list is narrowed to. Dates are London dates of the start, both inclusive."""

    person: Literal["me"] | None = Field(default=None, description="`me`: only the caller's own patrols.")
    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")
    date_from: dt.date | None = Field(default=None, description="Started on or after this date.")
    date_to: dt.date | None = Field(default=None, description="Started on or before this date.")
    status: Literal["open", "ended"] | None = Field(default=None, description="Under way, or ended.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> PatrolFilterQuery:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class PatrolListQuery(PatrolFilterQuery, PageQuery):
    pass


class DosageQuery(StrictIn):
    on: dt.date | None = Field(default=None, description="The London date; today if left out.")


class PeriodQuery(StrictIn):
    """Two London dates, both inclusive, at most a year and a day apart."""

    date_from: dt.date | None = Field(default=None, description="The first day.")
    date_to: dt.date | None = Field(default=None, description="The last day.")

    @model_validator(mode="after")
    def _a_period(self) -> PeriodQuery:
        _check_period(self.date_from, self.date_to)
        return self


# ---- Patrols ------------------------------------------------------------------------------------
class PatrolPersonRef(Strict):
    id: int
    display_name: str
    collar_number: str


class PatrolListItem(Strict):
    """A patrol in a list: who, where, how and when; no notes."""

    id: int
    uuid: UUID = Field(description="The client's identifier of the start (or one Beatbook made).")
    force: str = Field(description="The patrol's force (police.uk id).")
    neighbourhood: NeighbourhoodRef
    person: PatrolPersonRef = Field(description="The patroller.")
    mode: Mode
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(description="Null while the patrol is under way.")
    is_open: bool = Field(description="Under way (not ended).")
    duration_minutes: float | None = Field(description="From start to end; null while under way.")
    version: int = Field(description="Goes up by one at every change; send it back with a change.")


class PatrolVisitOut(Strict):
    id: int
    uuid: UUID
    target: int | None = Field(description="The hot-spot target the visit was recorded at, if any (its id).")
    label: str = Field(description="The place, in words.")
    lat: float
    lng: float
    arrived_at: dt.datetime
    left_at: dt.datetime
    dwell_minutes: float = Field(description="From arrival to leaving, in minutes (one decimal).")


class PatrolDetailOut(PatrolListItem):
    """One patrol in full, with its visits in the order made."""

    colleagues: list[PatrolPersonRef] = Field(description="Those named as patrolling with the patroller.")
    notes: str
    trace_points: int = Field(description="Points in the GPS trace (the trace itself is on the map).")
    can_change: bool = Field(description="Whether the caller may change it (record visits, end it, notes).")
    created_at: dt.datetime
    updated_at: dt.datetime
    visits: list[PatrolVisitOut]


class PatrolsPage(Strict):
    items: list[PatrolListItem]
    page: int
    page_size: int
    total: int


class PatrolIn(StrictIn):
    """Go on patrol: where, how, with whom; the start is now unless given."""

    uuid: UUID | None = Field(
        default=None,
        description="Made by the client for this start: sending it again (a retry) returns the patrol already "
        "stored, not a second one.",
    )
    neighbourhood: int = Field(ge=1, description="The id of a neighbourhood where the caller patrols.")
    mode: Mode = Mode.FOOT
    started_at: AwareDatetime | None = Field(
        default=None, description="When it started, with its time zone; now if left out. Not in the future."
    )
    colleagues: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, max_length=MAX_COLLEAGUES, description="Ids of serving colleagues of the same force."
    )
    notes: Notes = ""


class VisitIn(StrictIn):
    """A stop on the patrol: a hot-spot `target`, a point (`lat` and `lng`), or both (the point
    wins); when the patroller arrived and left, inside the patrol's time."""

    uuid: UUID | None = Field(
        default=None, description="Made by the client for this visit: sending it again stores it once."
    )
    target: int | None = Field(
        default=None, ge=1, description="The id of a target of a plan of the patrol's force running that day."
    )
    lat: Latitude | None = None
    lng: Longitude | None = None
    label: PlaceLabel = Field(default="", description="The place, in words (the target's name if left empty).")
    arrived_at: AwareDatetime
    left_at: AwareDatetime

    @model_validator(mode="after")
    def _whole_point(self) -> VisitIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        return self


TracePoint = tuple[float, float, AwareDatetime]


class PatrolEndIn(StrictIn):
    ended_at: AwareDatetime | None = Field(
        default=None, description="When it ended, with its time zone; now if left out. Not in the future."
    )
    trace: list[TracePoint] | None = Field(
        default=None,
        max_length=MAX_TRACE_POINTS,
        description="The GPS trace the phone kept: [latitude, longitude, time] points, within the UK and "
        "inside the patrol's time.",
    )
    version: PatrolVersion


class PatrolPatchIn(StrictIn):
    notes: Notes = Field(description="Replaces the notes (empty clears them).")
    version: PatrolVersion


# ---- Hot-spot plans -----------------------------------------------------------------------------
class TargetOut(Strict):
    """A place in a plan and its daily dose: `visits_per_day` visits of `min_minutes` to
    `max_minutes` each."""

    id: int
    label: str
    lat: float
    lng: float
    radius_m: int = Field(description="A visit within this many metres counts for the place.")
    visits_per_day: int
    min_minutes: int = Field(description="A visit counts towards the dose when it lasts at least this long.")
    max_minutes: int = Field(description="Longer than this adds little (the Koper curve).")


class PlanListItem(Strict):
    id: int
    name: str
    force: str = Field(description="The plan's force (police.uk id).")
    neighbourhood: NeighbourhoodRef
    starts_on: dt.date
    ends_on: dt.date = Field(description="The last day of the plan.")
    status: HotspotPlanStatus
    created_by: str = Field(description="The supervisor who made it, by name.")
    created_at: dt.datetime
    ended_at: dt.datetime | None = Field(description="When it was ended early; null while active.")


class PlanDetailOut(PlanListItem):
    targets: list[TargetOut]


class PlansPage(Strict):
    items: list[PlanListItem]
    page: int
    page_size: int
    total: int


class TargetIn(StrictIn):
    label: Annotated[str, Text, StringConstraints(min_length=1, max_length=120)] = Field(
        description="The place, in words."
    )
    lat: Latitude
    lng: Longitude
    radius_m: SmallInt = Field(default=50, description="1 to 1000 metres.")
    visits_per_day: SmallInt = Field(default=3, description="1 to 48.")
    min_minutes: SmallInt = Field(default=10, description="The shortest visit that counts.")
    max_minutes: SmallInt = Field(default=15, description="The longest useful visit (not below `min_minutes`).")


class PlanIn(StrictIn):
    """A plan for a neighbourhood where the caller plans patrols, between two dates (inclusive)."""

    neighbourhood: int = Field(ge=1, description="The id of a neighbourhood where the caller plans patrols.")
    name: Annotated[str, Text, StringConstraints(min_length=1, max_length=120)]
    starts_on: dt.date
    ends_on: dt.date = Field(description="The last day; not before `starts_on`.")
    targets: list[TargetIn] = Field(max_length=MAX_TARGETS, description=f"1 to {MAX_TARGETS} places.")


class TargetDoseOut(Strict):
    target: TargetOut
    planned: int = Field(description="Visits planned that day (0 when the plan does not run that day).")
    delivered: int = Field(description="Visits that lasted at least `min_minutes`.")
    short: int = Field(description="Visits that were too short to count.")
    minutes: float = Field(description="Minutes of the delivered visits (one decimal).")
    met: bool = Field(description="Delivered at least what was planned.")


class PlanDosageOut(Strict):
    plan: int
    on: dt.date
    runs: bool = Field(description="Whether the plan runs that day (active, and between its dates).")
    targets: list[TargetDoseOut]


class TargetRef(Strict):
    id: int
    label: str


class PersonDoseOut(Strict):
    person: PatrolPersonRef = Field(description="The patroller (named colleagues are not counted again).")
    target: TargetRef
    delivered: int
    short: int
    minutes: float


class PersonDosageOut(Strict):
    plan: int
    date_from: dt.date
    date_to: dt.date
    items: list[PersonDoseOut] = Field(description="By name, then place; empty before the plan starts.")


class VisibilityOut(Strict):
    neighbourhood: NeighbourhoodRef
    date_from: dt.date
    date_to: dt.date
    hours: float = Field(description="Hours of patrol in the period (a patrol under way counts until now).")


# ---- The map ------------------------------------------------------------------------------------
class LineStringGeometry(Strict):
    type: Literal["LineString"]
    coordinates: list[Position] = Field(description="[longitude, latitude] positions, in order.")


class TraceProperties(Strict):
    kind: Literal["trace"]
    points: int


class VisitProperties(Strict):
    kind: Literal["visit"]
    id: int
    label: str
    target: int | None
    arrived_at: dt.datetime
    left_at: dt.datetime
    dwell_minutes: float


class TargetProperties(Strict):
    kind: Literal["target"]
    id: int
    label: str
    plan: int
    plan_name: str
    radius_m: int
    visits_per_day: int
    min_minutes: int
    max_minutes: int


class TraceFeature(Strict):
    type: Literal["Feature"]
    geometry: LineStringGeometry
    properties: TraceProperties


class VisitFeature(Strict):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: VisitProperties


class TargetFeature(Strict):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: TargetProperties


class PatrolMapCollection(Strict):
    """A GeoJSON FeatureCollection: the GPS trace as a LineString (when it has two points or
    more), each visit as a Point, and the targets of the plans of the patrol's neighbourhood that
    ran on the day it started as Points with their `radius_m`. `properties.kind` tells them apart."""

    type: Literal["FeatureCollection"]
    features: list[TraceFeature | VisitFeature | TargetFeature]
