"""The hot-spot planner: where a neighbourhood's incidents of the last weeks concentrate and when,
the plan it proposes, and, once a plan has run, its places before and during it beside the rest
of the neighbourhood.

What belongs here: the computation, as functions on plain rows that need no database (so that
they can be tested on their own), and the scoped reads that stream those rows from the database.
What does not: writes. A plan is made by `services.hotspot_plan_create` (through
`planner_services.plan_from_proposal`), a force's settings by `planner_services`.

The grid: squares of the British National Grid (EPSG:27700), `cell_m` metres a side, aligned on
the grid's origin, so 100 m cells are the squares a six-figure grid reference names. Points go
from WGS84 to the grid through pyproj, a chunk of rows at a time (one vectorised call each), so
memory stays that of a chunk plus the cells however many incidents there are. A cell's count is
the number of incidents in it; its score weighs each by its category (the force's settings); its
peak hours and days are the busiest hours of the day and days of the week (Europe/London), by
count. Reads cost a fixed number of queries, whatever the number of incidents.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import operator
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beatbook.core import geo
from beatbook.incidents.selectors import incidents_visible_to
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood

from .models import (
    PLANNER_CELL_M_MAX,
    PLANNER_CELL_M_MIN,
    PLANNER_WEEKS_MAX,
    PLANNER_WEEKS_MIN,
    HotspotPlan,
    HotspotPlanStatus,
    HotspotTarget,
    PlannerSettings,
)
from .selectors import start_of

# Rows are projected this many at a time (one pyproj call each).
CHUNK = 2_000
# A cell's peak times: its busiest hours of the day and days of the week.
PEAK_HOURS = 3
PEAK_DAYS = 2
# The plan proposed: the busiest cells, each with the Koper curve's dose (facts §7.4: random
# visits of 10 to 15 minutes, three a day as the plan pages suggest).
PROPOSED_TARGETS = 5
KOPER_VISITS_PER_DAY = 3
KOPER_MIN_MINUTES = 10
KOPER_MAX_MINUTES = 15
# The map and the API draw at most this many cells (the busiest); they say when there were more.
MAP_CELL_LIMIT = 2_000
LABEL_MAX = 120  # HotspotTarget.label

Row = tuple[float, float, dt.datetime, str]  # latitude, longitude, when (aware), category slug
Point = tuple[float, float, dt.datetime]  # latitude, longitude, when (aware)


# --- the grid --------------------------------------------------------------------------------


@functools.cache
def _to_grid() -> Any:
    from pyproj import Transformer  # imported on first use: pyproj is slow to import

    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@functools.cache
def _from_grid() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_grid(lat: float, lng: float) -> tuple[float, float]:
    """A WGS84 point as (easting, northing) in metres on the British National Grid."""
    easting, northing = _to_grid().transform(lng, lat)
    return float(easting), float(northing)


_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # as beatbook.core.geo reads them (no I)


def grid_reference(easting: float, northing: float, digits: int) -> str:
    """The OS grid reference of the square holding a point, with `digits` digits for each of
    easting and northing (3: the 100 m square, "TL 451 582"). Off the grid's 100 km squares
    (700 km by 1,300 km from its origin), the bare easting and northing."""
    e, n = math.floor(easting), math.floor(northing)
    if not (0 <= e < 700_000 and 0 <= n < 1_300_000):
        return f"{e}E {n}N"
    big_e, big_n = (e + 1_000_000) // 500_000, n // 500_000
    first = (3 - big_n) * 5 + big_e
    second = (4 - (n % 500_000) // 100_000) * 5 + ((e + 1_000_000) % 500_000) // 100_000
    unit = 10 ** (5 - digits)
    east, north = (e % 100_000) // unit, (n % 100_000) // unit
    return f"{_GRID_LETTERS[first]}{_GRID_LETTERS[second]} {east:0{digits}d} {north:0{digits}d}"


class Cell(NamedTuple):
    """One square of the grid with incidents in it: its south-west corner (metres on the
    National Grid), its size, the number of incidents in it, their weighted score, and how many
    fell in each hour of the day (0-23) and each day of the week (Monday first), London time.
    A named tuple, not a dataclass: a force-year makes tens of thousands, and a frozen
    dataclass's constructor cost more than counting the incidents into them."""

    easting: int
    northing: int
    size_m: int
    incidents: int
    score: float
    hours: tuple[int, ...]
    days: tuple[int, ...]

    @property
    def peak_hours(self) -> tuple[int, ...]:
        """The busiest hours of the day (at most PEAK_HOURS, none without incidents), in hour order."""
        return _peaks(self.hours, PEAK_HOURS)

    @property
    def peak_days(self) -> tuple[int, ...]:
        """The busiest days of the week (0 is Monday; at most PEAK_DAYS), in week order."""
        return _peaks(self.days, PEAK_DAYS)

    def contains(self, easting: float, northing: float) -> bool:
        return (
            self.easting <= easting < self.easting + self.size_m
            and self.northing <= northing < self.northing + self.size_m
        )

    @property
    def grid_reference(self) -> str:
        """The cell's name: the grid reference of the square it is when its size is 100 m or 1 km,
        else that of its centre to 10 m."""
        if self.size_m in (100, 1000):
            return grid_reference(self.easting, self.northing, 5 - round(math.log10(self.size_m)))
        half = self.size_m / 2
        return grid_reference(self.easting + half, self.northing + half, 4)


def _peaks(counts: Sequence[int], most: int) -> tuple[int, ...]:
    """The positions of the largest counts (ties to the earlier position), without zeros."""
    ranked = sorted((i for i, c in enumerate(counts) if c > 0), key=lambda i: (-counts[i], i))
    return tuple(sorted(ranked[:most]))


@dataclass(frozen=True)
class Grid:
    """The cells of a set of incidents, busiest first (by score, then count, then place)."""

    cell_m: int
    incidents: int
    cells: tuple[Cell, ...]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)


def grid_cells(rows: Iterable[Row], *, cell_m: int, weights: Mapping[str, float], tz: dt.tzinfo | None = None) -> Grid:
    """Count incidents into the grid's cells, busiest first.

    1. Take the rows a chunk at a time; project the chunk's points to the National Grid in one
       pyproj call.
    2. Put each incident in the cell holding its point: count it, add its category's weight (1
       for a category the weights leave out) to the score, and its London hour and weekday to
       the cell's histograms.
    3. Sort the cells by score, then count (both descending), then easting and northing.
    """
    zone = tz or timezone.get_default_timezone()
    forward = _to_grid()
    weight_of = weights.get
    # Per cell (its column and row, as the floats `//` gives): [count, score, hours, days].
    tallies: dict[tuple[float, float], list[Any]] = {}
    total = 0
    for chunk in itertools.batched(rows, CHUNK):
        eastings, northings = forward.transform(array("d", (r[1] for r in chunk)), array("d", (r[0] for r in chunk)))
        for (_lat, _lng, when, category), easting, northing in zip(chunk, eastings, northings, strict=True):
            key = (easting // cell_m, northing // cell_m)
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = [0, 0.0, [0] * 24, [0] * 7]
            local = when.astimezone(zone)
            tally[0] += 1
            tally[1] += weight_of(category, 1.0)
            tally[2][local.hour] += 1
            tally[3][local.weekday()] += 1
        total += len(chunk)
    cells = [
        Cell(int(col) * cell_m, int(row) * cell_m, cell_m, count, round(score, 6), tuple(hours), tuple(days))
        for (col, row), (count, score, hours, days) in tallies.items()
    ]
    cells.sort(key=lambda c: (-c.score, -c.incidents, c.easting, c.northing))
    return Grid(cell_m=cell_m, incidents=total, cells=tuple(cells))


@dataclass(frozen=True)
class PlacedCell:
    """A cell on the map: its rank (1 is the busiest), its centre and its corners in WGS84."""

    rank: int
    cell: Cell
    lat: float
    lng: float
    ring: tuple[tuple[float, float], ...]  # (longitude, latitude), closed, as GeoJSON wants

    @property
    def radius_m(self) -> int:
        """The radius of the circle round the centre that holds the whole cell."""
        return math.ceil(self.cell.size_m * math.sqrt(2) / 2)

    @property
    def days_text(self) -> str:
        return days_text(self.cell.peak_days)

    @property
    def hours_text(self) -> str:
        return hours_text(self.cell.peak_hours)


def place(cells: Sequence[Cell], *, first_rank: int = 1) -> list[PlacedCell]:
    """The cells' centres and corners in WGS84 (one pyproj call for all of them)."""
    eastings, northings = array("d"), array("d")
    for c in cells:
        e, n, s = c.easting, c.northing, c.size_m
        eastings.extend((e + s / 2, e, e + s, e + s, e, e))
        northings.extend((n + s / 2, n, n, n + s, n + s, n))
    if not cells:
        return []
    lngs, lats = _from_grid().transform(eastings, northings)
    placed = []
    for i, c in enumerate(cells):
        at = i * 6
        ring = tuple((round(lngs[at + k], 6), round(lats[at + k], 6)) for k in range(1, 6))
        placed.append(
            PlacedCell(rank=first_rank + i, cell=c, lat=round(lats[at], 6), lng=round(lngs[at], 6), ring=ring)
        )
    return placed


# --- peak times in words -------------------------------------------------------------------


def hours_text(hours: Sequence[int]) -> str:
    """Hours of the day as ranges: (20, 21, 22) -> "20:00-23:00" (with an en dash); runs over midnight join up."""
    chosen = sorted(set(hours))
    if not chosen:
        return ""
    runs: list[list[int]] = []
    for h in chosen:
        if runs and h == runs[-1][-1] + 1:
            runs[-1].append(h)
        else:
            runs.append([h])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 23:
        runs[0] = runs.pop() + runs[0]
    return ", ".join(f"{run[0]:02d}:00\u2013{(run[-1] + 1) % 24:02d}:00" for run in runs)


def days_text(days: Sequence[int]) -> str:
    """Days of the week (0 is Monday) as short names: (4, 5) -> "Fri, Sat"."""
    return ", ".join(str(WEEKDAYS_ABBR[d]) for d in sorted(set(days)))


def peak_text(cell: Cell) -> str:
    days, hours = days_text(cell.peak_days), hours_text(cell.peak_hours)
    if not days:
        return ""
    return _("%(days)s; %(hours)s") % {"days": days, "hours": hours}


# --- a force's settings and the window -----------------------------------------------------


def settings_for(force: Force) -> PlannerSettings:
    """The force's planner settings, or the defaults when it has set none (an unsaved row)."""
    found = PlannerSettings.objects.filter(force=force).first()
    return found if found is not None else PlannerSettings(force=force)


def window(weeks: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The London dates of the last `weeks` weeks, today the last of them (both inclusive)."""
    return today - dt.timedelta(days=7 * weeks - 1), today


def check_parameters(*, weeks: int, cell_m: int) -> None:
    """ValidationError (by field) unless the weeks and the cell size are within the planner's limits."""
    errors: dict[str, str] = {}
    if not PLANNER_WEEKS_MIN <= weeks <= PLANNER_WEEKS_MAX:
        errors["weeks"] = _("Give %(lo)s to %(hi)s weeks.") % {"lo": PLANNER_WEEKS_MIN, "hi": PLANNER_WEEKS_MAX}
    if not PLANNER_CELL_M_MIN <= cell_m <= PLANNER_CELL_M_MAX:
        errors["cell_m"] = _("Give a cell size of %(lo)s to %(hi)s metres.") % {
            "lo": PLANNER_CELL_M_MIN,
            "hi": PLANNER_CELL_M_MAX,
        }
    if errors:
        raise ValidationError(errors)


# --- reads -----------------------------------------------------------------------------------


def incident_rows(
    actor: policy.Actor, *, neighbourhood: Neighbourhood, since: dt.datetime, until: dt.datetime
) -> Iterator[Row]:
    """The neighbourhood's incidents in [since, until) that the actor sees, streamed as rows (one
    query; no model instances, no ordering)."""
    return (
        incidents_visible_to(actor)
        .filter(neighbourhood=neighbourhood, occurred_at__gte=since, occurred_at__lt=until)
        .order_by()
        .values_list("lat", "lng", "occurred_at", "category")
        .iterator(chunk_size=CHUNK)
    )


@dataclass(frozen=True)
class Hotspots:
    """The planner's answer for a neighbourhood: its incidents between two London dates
    (inclusive) counted into cells, with the weights that scored them."""

    neighbourhood: Neighbourhood
    weeks: int
    cell_m: int
    date_from: dt.date
    date_to: dt.date
    grid: Grid
    weights: dict[str, float] = field(repr=False)

    @property
    def max_count(self) -> int:
        return max((c.incidents for c in self.grid.cells), default=0)


def hotspots(
    actor: policy.Actor,
    *,
    neighbourhood: Neighbourhood,
    weeks: int,
    cell_m: int,
    weights: Mapping[str, float] | None = None,
    today: dt.date | None = None,
) -> Hotspots:
    """Where and when the neighbourhood's incidents of the last `weeks` weeks (today included)
    concentrate, in cells of `cell_m` metres, scored with the force's weights unless others are
    given. The caller has checked that the actor plans patrols there. One query for the rows
    (two when the weights are the force's)."""
    check_parameters(weeks=weeks, cell_m=cell_m)
    date_from, date_to = window(weeks, today or timezone.localdate())
    chosen = dict(weights) if weights is not None else settings_for(neighbourhood.force).weights()
    rows = incident_rows(
        actor, neighbourhood=neighbourhood, since=start_of(date_from), until=start_of(date_to + dt.timedelta(days=1))
    )
    return Hotspots(
        neighbourhood=neighbourhood,
        weeks=weeks,
        cell_m=cell_m,
        date_from=date_from,
        date_to=date_to,
        grid=grid_cells(rows, cell_m=cell_m, weights=chosen),
        weights=chosen,
    )


def cell_name(placed: PlacedCell) -> str:
    """A cell in one line, for the map's tooltip."""
    cell = placed.cell
    peaks = peak_text(cell)
    text = ngettext("%(ref)s: %(count)s incident", "%(ref)s: %(count)s incidents", cell.incidents) % {
        "ref": cell.grid_reference,
        "count": cell.incidents,
    }
    return f"{text} ({peaks})" if peaks else text


def cell_features(spots: Hotspots, *, limit: int = MAP_CELL_LIMIT) -> list[dict[str, Any]]:
    """The busiest `limit` cells as GeoJSON polygon features, shaded by count (0 to 1, the
    busiest cell 1), with their figures."""
    most = spots.max_count or 1
    return [
        {
            "type": "Feature",
            "id": f"cell-{p.cell.easting}-{p.cell.northing}",
            "geometry": {"type": "Polygon", "coordinates": [[list(point) for point in p.ring]]},
            "properties": {
                "rank": p.rank,
                "grid_reference": p.cell.grid_reference,
                "count": p.cell.incidents,
                "score": round(p.cell.score, 2),
                "peak_hours": list(p.cell.peak_hours),
                "peak_days": list(p.cell.peak_days),
                "hours": list(p.cell.hours),
                "days": list(p.cell.days),
                "name": cell_name(p),
                "shade": round(p.cell.incidents / most, 3),
            },
        }
        for p in place(spots.grid.cells[:limit])
    ]


# --- the proposal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A place the planner proposes: a busy cell's centre, a radius that holds the cell, a label
    naming the cell and its peak times, and the Koper curve's daily dose."""

    place: PlacedCell
    label: str
    visits_per_day: int = KOPER_VISITS_PER_DAY
    min_minutes: int = KOPER_MIN_MINUTES
    max_minutes: int = KOPER_MAX_MINUTES

    @property
    def lat(self) -> float:
        return self.place.lat

    @property
    def lng(self) -> float:
        return self.place.lng

    @property
    def radius_m(self) -> int:
        return self.place.radius_m

    @property
    def cell(self) -> Cell:
        return self.place.cell


def proposal_label(cell: Cell) -> str:
    peaks = peak_text(cell)
    if not peaks:
        return cell.grid_reference
    label = _("%(ref)s, busiest %(peaks)s") % {"ref": cell.grid_reference, "peaks": peaks}
    return label[:LABEL_MAX]


def propose(grid: Grid, *, top: int = PROPOSED_TARGETS) -> list[Proposal]:
    """The `top` busiest cells with a score above nothing, as places to visit."""
    chosen = [c for c in grid.cells if c.score > 0][:top]
    return [Proposal(place=p, label=proposal_label(p.cell)) for p in place(chosen)]


# --- evaluation: before and during a plan ----------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Incidents in an area in the period before a plan and in the plan's own (the same length)."""

    before: int = 0
    during: int = 0

    @property
    def difference(self) -> int:
        return self.during - self.before

    @property
    def percent(self) -> float | None:
        """The change as a percentage of the period before (None when it had no incidents)."""
        return round(100 * (self.during - self.before) / self.before, 1) if self.before else None


@dataclass(frozen=True)
class Circle:
    lat: float
    lng: float
    radius_m: float


def nearest_holding(lat: float, lng: float, circles: Sequence[Circle]) -> int | None:
    """The index of the nearest circle that holds the point (on its edge counts), or None."""
    best: tuple[float, int] | None = None
    for i, c in enumerate(circles):
        distance = geo.distance_m(lat, lng, c.lat, c.lng)
        if distance <= c.radius_m and (best is None or distance < best[0]):
            best = (distance, i)
    return best[1] if best is not None else None


def tally_places(points: Iterable[Point], circles: Sequence[Circle], *, split: dt.datetime) -> list[Change]:
    """Per circle, the points before `split` and from it on. A point in several circles counts
    once, for the nearest (as a visit does for dosage); points in none are not counted."""
    before, during = [0] * len(circles), [0] * len(circles)
    for lat, lng, when in points:
        found = nearest_holding(lat, lng, circles)
        if found is not None:
            (before if when < split else during)[found] += 1
    return [Change(before=b, during=d) for b, d in zip(before, during, strict=True)]


@dataclass(frozen=True)
class Evaluation:
    """A plan's places and the rest of its neighbourhood, in the plan's complete days so far
    (`during`) and the same number of days just before it (`before`). Not evidence that the plan
    caused a change: see decision 0010."""

    plan: HotspotPlan
    days: int  # complete days of the plan so far (0: nothing to compare yet)
    before_from: dt.date | None
    before_to: dt.date | None
    during_from: dt.date | None
    during_to: dt.date | None
    places: Change
    rest: Change
    neighbourhood: Change
    targets: tuple[tuple[HotspotTarget, Change], ...]

    @property
    def started(self) -> bool:
        return self.days > 0


def _box(target: HotspotTarget) -> Q:
    """Incidents in the box round a target (its radius decides afterwards)."""
    box = geo.box_around(target.lat, target.lng, target.radius_m)
    return Q(lat__gte=box.min_lat, lat__lte=box.max_lat, lng__gte=box.min_lng, lng__lte=box.max_lng)


def plan_days(plan: HotspotPlan, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The complete days the plan has run (its first day to the day before today, its last day,
    or the day before it was ended, whichever is first), or None when there are none yet."""
    last = min(plan.ends_on, today - dt.timedelta(days=1))
    if plan.status == HotspotPlanStatus.ENDED and plan.ended_at is not None:
        last = min(last, timezone.localdate(plan.ended_at) - dt.timedelta(days=1))
    return (plan.starts_on, last) if last >= plan.starts_on else None


def evaluate(actor: policy.Actor, plan: HotspotPlan, *, today: dt.date | None = None) -> Evaluation:
    """Incidents at the plan's places (within a target's radius) and in the rest of its
    neighbourhood, during the plan's complete days so far against as many days just before.
    The caller has checked that the actor plans patrols there. Three queries: the targets, the
    neighbourhood's totals, the incidents near the targets."""
    targets = list(HotspotTarget.objects.filter(plan=plan).order_by("id"))
    days = plan_days(plan, today or timezone.localdate())
    if days is None:
        nothing = Change()
        return Evaluation(
            plan, 0, None, None, None, None, nothing, nothing, nothing, tuple((t, nothing) for t in targets)
        )
    during_from, during_to = days
    length = (during_to - during_from).days + 1
    before_from = during_from - dt.timedelta(days=length)
    start, split, end = start_of(before_from), start_of(during_from), start_of(during_to + dt.timedelta(days=1))
    incidents = incidents_visible_to(actor).filter(
        neighbourhood_id=plan.neighbourhood_id, occurred_at__gte=start, occurred_at__lt=end
    )
    totals = incidents.order_by().aggregate(
        before=Count("pk", filter=Q(occurred_at__lt=split)), during=Count("pk", filter=Q(occurred_at__gte=split))
    )
    points: Iterable[Point] = ()
    if targets:
        near = functools.reduce(operator.or_, (_box(t) for t in targets))
        points = incidents.filter(near).order_by().values_list("lat", "lng", "occurred_at").iterator(chunk_size=CHUNK)
    per_target = tally_places(points, [Circle(t.lat, t.lng, t.radius_m) for t in targets], split=split)
    places = Change(before=sum(c.before for c in per_target), during=sum(c.during for c in per_target))
    whole = Change(before=totals["before"], during=totals["during"])
    return Evaluation(
        plan=plan,
        days=length,
        before_from=before_from,
        before_to=during_from - dt.timedelta(days=1),
        during_from=during_from,
        during_to=during_to,
        places=places,
        rest=Change(before=whole.before - places.before, during=whole.during - places.during),
        neighbourhood=whole,
        targets=tuple(zip(targets, per_target, strict=True)),
    )
