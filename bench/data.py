"""The synthetic benchmark data: one force, 200 neighbourhoods, 2,000 people with postings, and
60,000 incidents (bench.incident_data).

Written with bulk_create: it is benchmark data, not application writes, so it has no audit
events. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from beatbook.core import geo
from beatbook.demo.world import FIRST_NAMES, SURNAMES
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role, Team

from . import incident_data
from .incident_data import IncidentWorld

GRID_ROWS, GRID_COLS = 10, 20  # 200 neighbourhoods
CELL_LAT, CELL_LNG = 0.02, 0.03  # about 2.2 km x 2.0 km at this latitude
ORIGIN_LAT, ORIGIN_LNG = 52.0, -1.5
VERTICES_PER_EDGE = 10  # 40 vertices a boundary: nearer real boundaries than a 4-point square
PEOPLE = 2_000
FRONTLINE_PER_NEIGHBOURHOOD = 8  # 5 PCSOs and 3 constables
NEIGHBOURHOODS_PER_TEAM = 4
ENDED_POSTINGS = 1_000
FORCE_WIDE_ROLES = (Role.TUTOR, Role.ASSESSOR, Role.TRAINER, Role.ANALYST, Role.RECRUITER, Role.AUDITOR)


@dataclass(frozen=True)
class BenchWorld:
    force: Force
    force_admin: Person
    pcso: Person
    supervisor: Person
    neighbourhoods: int
    teams: int
    people: int
    postings: int
    ended_postings: int
    build_seconds: float
    # The grid's extent, for random points (some fall just outside it).
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float
    # Incidents (see bench.incident_data).
    incidents: int
    incidents_in_neighbourhood: int
    incident_people: int
    incidents_build_seconds: float
    incidents_shape: str
    incident_world: IncidentWorld


def cell_boundary(row: int, col: int) -> dict[str, object]:
    """A grid cell as a GeoJSON polygon with VERTICES_PER_EDGE points on each edge."""
    lat0, lng0 = ORIGIN_LAT + row * CELL_LAT, ORIGIN_LNG + col * CELL_LNG
    lat1, lng1 = lat0 + CELL_LAT, lng0 + CELL_LNG
    steps = [i / VERTICES_PER_EDGE for i in range(VERTICES_PER_EDGE)]
    ring = (
        [[lng0 + t * CELL_LNG, lat0] for t in steps]
        + [[lng1, lat0 + t * CELL_LAT] for t in steps]
        + [[lng1 - t * CELL_LNG, lat1] for t in steps]
        + [[lng0, lat1 - t * CELL_LAT] for t in steps]
    )
    ring = [[round(x, 6), round(y, 6)] for x, y in ring]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _neighbourhood(force: Force, row: int, col: int) -> Neighbourhood:
    parsed = geo.parse_boundary(cell_boundary(row, col))
    return Neighbourhood(
        force=force,
        code=f"N{row:02d}{col:02d}",
        name=f"Grid {row + 1}-{col + 1}",
        population=8_000,
        boundary=parsed.geometry,
        min_lat=parsed.bbox.min_lat,
        max_lat=parsed.bbox.max_lat,
        min_lng=parsed.bbox.min_lng,
        max_lng=parsed.bbox.max_lng,
        centre_lat=parsed.centre_lat,
        centre_lng=parsed.centre_lng,
    )


def _day(rng: random.Random, start: dt.date, span_days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, span_days))


def build(seed: int = 20260521) -> BenchWorld:
    started = time.perf_counter()
    rng = random.Random(seed)
    password = make_password("bench-password-not-for-login", salt="benchsalt")  # one hash for every row
    with transaction.atomic():
        force = Force.objects.create(slug="benchshire", name="Benchshire Police", country="england", short_code="BENCH")
        nbs = Neighbourhood.objects.bulk_create(
            [_neighbourhood(force, row, col) for row in range(GRID_ROWS) for col in range(GRID_COLS)]
        )
        teams = Team.objects.bulk_create(
            [Team(force=force, name=f"Team {i + 1}") for i in range(len(nbs) // NEIGHBOURHOODS_PER_TEAM)]
        )
        through = Team.neighbourhoods.through
        through.objects.bulk_create(
            [through(team=team, neighbourhood=nb) for i, team in enumerate(teams) for nb in nbs[i * 4 : i * 4 + 4]]
        )
        names = rng.sample([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], PEOPLE)
        people = Person.objects.bulk_create(
            [
                Person(
                    username=f"bench{i:05d}",
                    display_name=names[i],
                    force=force,
                    collar_number=str(10_000 + i),
                    password=password,
                )
                for i in range(PEOPLE)
            ],
            batch_size=500,
        )
        frontline = len(nbs) * FRONTLINE_PER_NEIGHBOURHOOD
        postings: list[Posting] = []
        for i, person in enumerate(people):
            start = _day(rng, dt.date(2022, 1, 1), 1_000)
            if i < frontline:
                role = Role.PCSO if i % FRONTLINE_PER_NEIGHBOURHOOD < 5 else Role.OFFICER
                nb = nbs[i // FRONTLINE_PER_NEIGHBOURHOOD]
                postings.append(Posting(person=person, force=force, role=role, neighbourhood=nb, valid_from=start))
            elif i < frontline + len(teams):
                team = teams[i - frontline]
                postings.append(Posting(person=person, force=force, role=Role.SUPERVISOR, team=team, valid_from=start))
            else:
                role = Role.FORCE_ADMIN if i == frontline + len(teams) else rng.choice(FORCE_WIDE_ROLES)
                postings.append(Posting(person=person, force=force, role=role, valid_from=start))
        for person in rng.sample(people[:frontline], ENDED_POSTINGS):
            start = _day(rng, dt.date(2018, 1, 1), 1_000)
            postings.append(
                Posting(
                    person=person,
                    force=force,
                    role=Role.PCSO,
                    neighbourhood=rng.choice(nbs),
                    valid_from=start,
                    valid_to=start + dt.timedelta(days=rng.randint(100, 1_000)),
                )
            )
        Posting.objects.bulk_create(postings, batch_size=1_000)
        # The busy neighbourhood is the PCSO's (people[0]) and in the supervisor's team; each
        # neighbourhood's incidents are recorded by one of its PCSOs.
        incidents = incident_data.build(
            seed=seed + 1,
            force=force,
            neighbourhood=nbs[0],
            others=nbs[1:],
            authors=[people[k * FRONTLINE_PER_NEIGHBOURHOOD + rng.randint(0, 4)] for k in range(len(nbs))],
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would soon do after a bulk load
            cursor.execute("ANALYZE")
    return BenchWorld(
        force=force,
        force_admin=people[frontline + len(teams)],
        pcso=people[0],
        supervisor=people[frontline],
        neighbourhoods=len(nbs),
        teams=len(teams),
        people=len(people),
        postings=len(postings),
        ended_postings=ENDED_POSTINGS,
        build_seconds=time.perf_counter() - started,
        min_lat=ORIGIN_LAT,
        max_lat=ORIGIN_LAT + GRID_ROWS * CELL_LAT,
        min_lng=ORIGIN_LNG,
        max_lng=ORIGIN_LNG + GRID_COLS * CELL_LNG,
        incidents=incidents.incidents,
        incidents_in_neighbourhood=incidents.in_neighbourhood,
        incident_people=incidents.people,
        incidents_build_seconds=incidents.build_seconds,
        incidents_shape=incident_data.describe(),
        incident_world=incidents,
    )
