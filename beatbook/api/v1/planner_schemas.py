"""Request and response shapes of the hot-spot planner's endpoints (`planner.py`).

Like `incident_schemas.py`: every schema is `Strict` (unknown keys are an error), text inputs
carry the `max_length` of the model field they fill, numbers are bounded by the planner's limits
(the cell size, the weeks, a category's weight) and by their columns. The rules on top of that (a
place inside the force, a radius of at most 1,000 metres, at most 20 places) are the services',
answered 400 with the field (`targets.<n>.<field>` for a place). Every name starts with
`Planner`, so that it cannot clash with another module's schema in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import StringConstraints

from beatbook.incidents.reference import Category
from beatbook.patrols import planner
from beatbook.patrols.models import (
    PLANNER_CELL_M_MAX,
    PLANNER_CELL_M_MIN,
    PLANNER_WEEKS_MAX,
    PLANNER_WEEKS_MIN,
    PLANNER_WEIGHT_MAX,
    HotspotPlanStatus,
)
from beatbook.patrols.services import MAX_TARGETS

from .incident_schemas import SMALL_INT_MAX, Latitude, Longitude, StrictIn
from .schemas import NeighbourhoodRef, PolygonGeometry, Strict, Text

Weeks = Annotated[
    int, Field(ge=PLANNER_WEEKS_MIN, le=PLANNER_WEEKS_MAX, description="Weeks of incidents, the last of them today.")
]
CellSize = Annotated[
    int, Field(ge=PLANNER_CELL_M_MIN, le=PLANNER_CELL_M_MAX, description="The side of the grid's squares, in metres.")
]
Weight = Annotated[float, Field(ge=0, le=PLANNER_WEIGHT_MAX)]
PlaceLabel = Annotated[str, Text, StringConstraints(min_length=1, max_length=planner.LABEL_MAX)]
PlanName = Annotated[str, Text, StringConstraints(min_length=1, max_length=120)]
SmallInt = Annotated[int, Field(ge=1, le=SMALL_INT_MAX)]
Hours = Annotated[list[int], Field(description="Hours of the day, 0 to 23, London time.")]
Days = Annotated[list[int], Field(description="Days of the week, 0 (Monday) to 6 (Sunday).")]


# ---- Query parameters ---------------------------------------------------------------------------
class PlannerQuery(StrictIn):
    """A neighbourhood where the caller plans patrols; weeks and cell size left out are the
    force's planner settings."""

    neighbourhood: int = Field(ge=1, description="The neighbourhood (its id).")
    weeks: Weeks | None = None
    cell_m: CellSize | None = None


class PlannerProposalQuery(PlannerQuery):
    top: int = Field(default=planner.PROPOSED_TARGETS, ge=1, le=MAX_TARGETS, description="How many places to propose.")


# ---- The cells --------------------------------------------------------------------------------
class PlannerCellProperties(Strict):
    rank: int = Field(description="1 is the busiest cell (by score, then count).")
    grid_reference: str = Field(description="The OS grid reference naming the cell.")
    count: int = Field(description="Incidents in the cell.")
    score: float = Field(description="The incidents weighed by category (the force's planner settings).")
    peak_hours: Hours = Field(description="The busiest hours of the day (at most 3), London time.")
    peak_days: Days = Field(description="The busiest days of the week (at most 2), 0 is Monday.")
    hours: list[int] = Field(description="Incidents in each hour of the day, 0 to 23 (24 numbers).")
    days: list[int] = Field(description="Incidents on each day of the week, Monday first (7 numbers).")
    name: str = Field(description="The cell and its figures in one line (the map's tooltip).")
    shade: float = Field(description="The count against the busiest cell's: 0 to 1.")


class PlannerCellFeature(Strict):
    type: Literal["Feature"]
    id: str
    geometry: PolygonGeometry
    properties: PlannerCellProperties


class PlannerCellsOut(Strict):
    """A GeoJSON FeatureCollection of the cells with incidents, busiest first, with the question
    it answers as extra top-level members."""

    type: Literal["FeatureCollection"]
    features: list[PlannerCellFeature]
    neighbourhood: NeighbourhoodRef
    weeks: int
    cell_m: int
    date_from: dt.date = Field(description="The first day of the weeks looked at (London).")
    date_to: dt.date = Field(description="The last day (today).")
    incidents: int = Field(description="Incidents in the neighbourhood in those weeks.")
    cells: int = Field(description="Cells with incidents (more than the features when truncated).")
    truncated: bool = Field(description=f"True when only the {planner.MAP_CELL_LIMIT:,} busiest cells are given.")


# ---- The proposal -------------------------------------------------------------------------------
class PlannerCellOut(Strict):
    grid_reference: str
    count: int
    score: float
    peak_hours: Hours
    peak_days: Days


class PlannerProposedTarget(Strict):
    label: str = Field(description="The cell's grid reference and its busiest days and hours.")
    lat: float = Field(description="The cell's centre.")
    lng: float
    radius_m: int = Field(description="A circle round the centre that holds the whole cell.")
    visits_per_day: int
    min_minutes: int
    max_minutes: int
    cell: PlannerCellOut


class PlannerProposalOut(Strict):
    neighbourhood: NeighbourhoodRef
    weeks: int
    cell_m: int
    date_from: dt.date
    date_to: dt.date
    incidents: int
    targets: list[PlannerProposedTarget] = Field(description="Busiest first; cells scoring nothing are left out.")


# ---- A plan from the proposal -------------------------------------------------------------------
class PlannerTargetIn(StrictIn):
    label: PlaceLabel
    lat: Latitude
    lng: Longitude
    radius_m: SmallInt = 50
    visits_per_day: SmallInt = planner.KOPER_VISITS_PER_DAY
    min_minutes: SmallInt = planner.KOPER_MIN_MINUTES
    max_minutes: SmallInt = planner.KOPER_MAX_MINUTES


class PlannerPlanIn(StrictIn):
    """The plan the caller accepts: the proposal's places as they are or edited, with the weeks
    and cell size the proposal was made with (recorded with the plan)."""

    neighbourhood: int = Field(ge=1, description="A neighbourhood where the caller plans patrols (its id).")
    name: PlanName
    starts_on: dt.date
    ends_on: dt.date
    weeks: Weeks
    cell_m: CellSize
    targets: list[PlannerTargetIn] = Field(max_length=MAX_TARGETS)


class PlannerTargetOut(Strict):
    id: int
    label: str
    lat: float
    lng: float
    radius_m: int
    visits_per_day: int
    min_minutes: int
    max_minutes: int


class PlannerPlanOut(Strict):
    id: int
    name: str
    neighbourhood: NeighbourhoodRef
    starts_on: dt.date
    ends_on: dt.date
    status: HotspotPlanStatus
    targets: list[PlannerTargetOut]


# ---- Evaluation ---------------------------------------------------------------------------------
class PlannerChangeOut(Strict):
    before: int = Field(description="Incidents in the days before the plan.")
    during: int = Field(description="Incidents in the plan's complete days so far.")
    difference: int
    percent: float | None = Field(description="The change against `before`, in %; null when `before` is 0.")


class PlannerTargetChangeOut(PlannerChangeOut):
    target: int = Field(description="The target's id.")
    label: str


class PlannerEvaluationOut(Strict):
    """Incidents within the plan's targets' radii and in the rest of its neighbourhood: the plan's
    complete days so far against as many days just before it. Counts, not evidence that the plan
    caused a change (see the API reference)."""

    plan: int
    neighbourhood: NeighbourhoodRef
    days: int = Field(description="Complete days of the plan so far; 0 (and null dates) when none yet.")
    before_from: dt.date | None
    before_to: dt.date | None
    during_from: dt.date | None
    during_to: dt.date | None
    places: PlannerChangeOut
    rest: PlannerChangeOut = Field(description="The neighbourhood's incidents outside the places.")
    whole: PlannerChangeOut = Field(description="All the neighbourhood's incidents.")
    targets: list[PlannerTargetChangeOut]


# ---- A force's settings -------------------------------------------------------------------------
class PlannerSettingsOut(Strict):
    force: str = Field(description="The force (police.uk id).")
    cell_m: int
    weeks: int
    category_weights: dict[str, float] = Field(description="Every category's weight, by police.uk slug.")


class PlannerSettingsIn(StrictIn):
    """All the settings: PUT replaces them, so a category left out of `category_weights` weighs 1."""

    cell_m: CellSize
    weeks: Weeks
    category_weights: dict[Category, Weight] = Field(default_factory=dict)
