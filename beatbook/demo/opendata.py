"""Demo open data, through the open data services and their jobs (so every write is checked and
audited, and the jobs page shows each job). See docs/how-to/demo-data.md.

`seed_opendata` (after the incidents), in each demo force, as the force's administrator:

* loads snap points: a grid of anonymous map points about 300 m apart over each neighbourhood,
  each "On or near" an invented street (the sample file's street words), so that published
  incidents have somewhere near to be placed;
* in Cambridgeshire, imports the committed sample police.uk file (`opendata/data/sample-street.csv`:
  300 crimes over June to August 2026 around its demo neighbourhoods), through the import job, run
  here and now as the tests run jobs (the job is queued again when the seed's transaction commits
  and then finds itself finished: it does nothing);
* publishes the last two whole months before `end` (default: today) of the force's incidents
  marked publishable, through the publication job, run the same way.

Deterministic for a given world and end date (the grid's street names come from a seeded
generator).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import dataclass

from shapely.geometry import Point, shape

from beatbook.core.timeutil import today
from beatbook.opendata.models import CrimeImport
from beatbook.opendata.sample import SAMPLE_PATH, STREET_KINDS, STREET_WORDS
from beatbook.opendata.services.imports import crime_import_start
from beatbook.opendata.services.snap_points import SnapPointData, snap_points_load
from beatbook.opendata.tasks import crime_import_task, crimes_publish_start, crimes_publish_task
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Person, Role

from .cases import _staff
from .world import CAMBRIDGESHIRE, FORCES

GRID_M = 300.0
METRES_PER_DEGREE = 111_320.0
MONTHS = 2
SEED = 2026


@dataclass(frozen=True)
class OpenDataSeedReport:
    snap_points: int  # loaded, in every demo force
    rows_imported: int  # of the sample file, into Cambridgeshire
    rows_skipped: int
    months: tuple[str, ...]  # published, YYYY-MM
    published: dict[str, int]  # crimes published from incidents over those months, by force slug
    no_location: int  # of those, without a location
    seconds: float


def _admin(force: Force) -> Person:
    return _staff(force, Role.FORCE_ADMIN, "forceadmin", lambda p: policy.can(p, policy.Action.MANAGE_OPEN_DATA, force))


def _grid(rng: random.Random, neighbourhood: Neighbourhood) -> list[SnapPointData]:
    """Points GRID_M apart inside the boundary, each named after an invented street (the same
    name for a few neighbouring points, as a street runs past several)."""
    boundary = shape(neighbourhood.boundary)
    min_lng, min_lat, max_lng, max_lat = boundary.bounds
    dlat = GRID_M / METRES_PER_DEGREE
    dlng = GRID_M / (METRES_PER_DEGREE * math.cos(math.radians((min_lat + max_lat) / 2)))
    streets = [f"{word} {kind}" for word in STREET_WORDS for kind in STREET_KINDS]
    rng.shuffle(streets)
    points: list[SnapPointData] = []
    rows = int((max_lat - min_lat) / dlat) + 1
    columns = int((max_lng - min_lng) / dlng) + 1
    for row in range(rows):
        for column in range(columns):
            lat = round(min_lat + (row + 0.5) * dlat, 6)
            lng = round(min_lng + (column + 0.5) * dlng, 6)
            if not boundary.contains(Point(lng, lat)):
                continue
            street = streets[(row // 2 * columns + column // 2) % len(streets)]
            points.append(SnapPointData(lat=lat, lng=lng, name=f"On or near {street}"))
    return points


def _months_before(end: dt.date, count: int) -> list[dt.date]:
    months: list[dt.date] = []
    month = end.replace(day=1)
    for _n in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def seed_opendata(*, end: dt.date | None = None) -> OpenDataSeedReport:
    """Load snap points for the demo forces, import the sample file into Cambridgeshire and publish
    the last two whole months before `end` (see the module's docstring)."""
    started = time.perf_counter()
    end = end or today()
    months = _months_before(end, MONTHS)
    forces = list(Force.objects.filter(slug__in=[spec.slug for spec in FORCES]).order_by("slug"))
    snap_points = 0
    for force in forces:
        rng = random.Random(f"{SEED}:snap-points:{force.slug}")  # noqa: S311 (demo data, not secrets)
        points = [
            point
            for neighbourhood in Neighbourhood.objects.filter(force=force, is_active=True).order_by("code")
            for point in _grid(rng, neighbourhood)
        ]
        snap_points += snap_points_load(actor=_admin(force), force=force, points=points)
    rows_imported = rows_skipped = 0
    cambridgeshire = next((f for f in forces if f.slug == CAMBRIDGESHIRE.slug), None)
    if cambridgeshire is not None:
        crime_import = crime_import_start(
            actor=_admin(cambridgeshire),
            force=cambridgeshire,
            filename=SAMPLE_PATH.name,
            content=SAMPLE_PATH.read_bytes(),
        )
        assert crime_import.job is not None
        crime_import_task.call(crime_import.job.pk, crime_import.pk)
        done = CrimeImport.objects.defer("content").get(pk=crime_import.pk)
        rows_imported, rows_skipped = done.rows_loaded, done.rows_skipped
    published: dict[str, int] = {}
    no_location = 0
    for force in forces:
        admin = _admin(force)
        published[force.slug] = 0
        for month in months:
            job = crimes_publish_start(actor=admin, force=force, month=month)
            result = crimes_publish_task.call(job.pk, force.pk, f"{month:%Y-%m}")
            if result is not None:
                published[force.slug] += int(result["published"])
                no_location += int(result["no_location"])
    return OpenDataSeedReport(
        snap_points=snap_points,
        rows_imported=rows_imported,
        rows_skipped=rows_skipped,
        months=tuple(f"{m:%Y-%m}" for m in months),
        published=published,
        no_location=no_location,
        seconds=time.perf_counter() - started,
    )
