"""The incidents of the benchmark force: 50,000 in one neighbourhood, in a few hot spots, and a
thinner spread over the others, over five years, with the people involved.

Written with bulk_create (benchmark data, not a user's write: no services, no audit events, no
repeat detection). The people's `name_key` and `address_key` are filled as the services fill them
(lower case, letters and digits only), so repeat detection finds them through its indexes.
Deterministic for a given seed, apart from the dates, which end an hour before the run.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from beatbook.demo.world import FIRST_NAMES, SURNAMES
from beatbook.incidents.models import Incident, IncidentPerson, Involvement, Status
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level
from beatbook.org.models import Force, Neighbourhood, Person

HOT_NEIGHBOURHOOD_INCIDENTS = 50_000
OTHER_INCIDENTS = 10_000  # over the force's other neighbourhoods
YEARS = 5
# Hot spots of the busy neighbourhood: (position in the cell as fractions of its height and
# width, spread in metres (one standard deviation), share of the neighbourhood's incidents).
# The rest (27 %) fall uniformly over the cell.
HOT_SPOTS: tuple[tuple[float, float, float, float], ...] = (
    (0.45, 0.40, 100.0, 0.30),  # the town centre's night-time economy
    (0.70, 0.65, 150.0, 0.18),  # a shopping parade
    (0.25, 0.70, 200.0, 0.12),  # an estate
    (0.60, 0.20, 120.0, 0.08),  # the station
    (0.20, 0.30, 250.0, 0.05),  # a park
)
OTHER_SPREAD_M = 300.0  # half of the other incidents gather round their cell's centre
IDENTITIES = 15_000  # the people who turn up in incidents, some far more often than others
ZIPF_OFFSET = 20  # weight of the identity of rank r: 1 / (r + ZIPF_OFFSET)
VICTIM_SHARE, REPORTER_SHARE, SUSPECT_SHARE = 0.35, 0.15, 0.10  # incidents with one of each
METRES_PER_DEGREE = 111_195.0
# police.uk shares (limits.md §2): ASB 35 %, violence 20.5 %, the rest spread.
CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    (Category.ANTI_SOCIAL_BEHAVIOUR, 35.0),
    (Category.VIOLENT_CRIME, 20.5),
    (Category.CRIMINAL_DAMAGE_ARSON, 8.0),
    (Category.PUBLIC_ORDER, 7.0),
    (Category.OTHER_THEFT, 6.0),
    (Category.SHOPLIFTING, 6.0),
    (Category.VEHICLE_CRIME, 4.5),
    (Category.BURGLARY, 4.0),
    (Category.DRUGS, 3.0),
    (Category.OTHER_CRIME, 2.0),
    (Category.BICYCLE_THEFT, 1.5),
    (Category.THEFT_FROM_THE_PERSON, 1.0),
    (Category.ROBBERY, 1.0),
    (Category.POSSESSION_OF_WEAPONS, 0.5),
)
HOUR_WEIGHTS = (3, 2, 2, 1, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 5, 6, 7, 8, 8, 8, 8, 7, 6, 4)  # evenings busiest
STREET_WORDS = ("Mill", "Station", "Church", "Park", "Victoria", "Chapel", "Bridge", "Manor", "Castle", "Market")
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Walk")
DESCRIPTIONS = (
    "Group of youths gathering and shouting outside the shops; residents feel intimidated.",
    "Caller reports loud music and shouting from a neighbouring flat late at night.",
    "Damage to a parked car overnight; wing mirror broken off.",
    "Verbal altercation between two men outside the pub, pushing and shoving.",
    "Items taken from a shop without payment; suspect left on foot.",
)


@dataclass(frozen=True)
class Identity:
    name: str
    date_of_birth: dt.date | None
    address: str


@dataclass(frozen=True)
class IncidentWorld:
    neighbourhood: Neighbourhood  # the busy one: HOT_NEIGHBOURHOOD_INCIDENTS
    incidents: int  # in the force
    in_neighbourhood: int
    people: int  # IncidentPerson rows
    hot_spot: tuple[float, float]  # the centre of the busiest hot spot
    frequent: Identity  # the identity that turns up most (a repeat victim)
    second: Identity  # the next one
    newest: dt.datetime  # the newest incident's time
    build_seconds: float


def describe() -> str:
    """The shape of the incident data, for the report (which runs without Django)."""
    hot = sum(share for *_rest, share in HOT_SPOTS)
    asb = dict(CATEGORY_WEIGHTS)[Category.ANTI_SOCIAL_BEHAVIOUR]
    spreads = ", ".join(f"{spread:.0f}" for _fy, _fx, spread, _share in HOT_SPOTS)
    return (
        f"{len(HOT_SPOTS)} hot spots hold {hot * 100:.0f} % of the busy neighbourhood's incidents (Gaussian, one "
        f"standard deviation {spreads} m; the busiest {HOT_SPOTS[0][3] * 100:.0f} %), the rest fall uniformly over "
        f"it; in the other neighbourhoods half gather round the centre ({OTHER_SPREAD_M:.0f} m) and half "
        f"are uniform. Times are uniform over the {YEARS} years to an hour before the run, evenings "
        f"busiest; categories in police.uk's shares (ASB {asb:.0f} %). "
        f"{VICTIM_SHARE * 100:.0f} % of incidents have a victim, {REPORTER_SHARE * 100:.0f} % a reporting person and "
        f"{SUSPECT_SHARE * 100:.0f} % a suspect (half of them unknown), drawn from {IDENTITIES:,} people (name, "
        f"date of birth for 70 %, address) with weight 1 / (rank + {ZIPF_OFFSET}), so a few are repeat "
        "victims; their `name_key` and `address_key` are made as the services make them."
    )


def key(text: str) -> str:
    """Lower-case letters and digits only, as the services make `name_key` and `address_key`."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _cell(nb: Neighbourhood) -> tuple[float, float, float, float]:
    return nb.min_lat, nb.max_lat, nb.min_lng, nb.max_lng


def _near(rng: random.Random, lat: float, lng: float, spread_m: float) -> tuple[float, float]:
    dlat = rng.gauss(0.0, spread_m) / METRES_PER_DEGREE
    dlng = rng.gauss(0.0, spread_m) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def _clip(lat: float, lng: float, cell: tuple[float, float, float, float]) -> tuple[float, float]:
    """Keep the point inside the cell (a hair inside its edges), so its neighbourhood is right."""
    min_lat, max_lat, min_lng, max_lng = cell
    eps = 1e-6
    return (
        round(min(max(lat, min_lat + eps), max_lat - eps), 6),
        round(min(max(lng, min_lng + eps), max_lng - eps), 6),
    )


def _hot_points(rng: random.Random, nb: Neighbourhood, n: int) -> list[tuple[float, float]]:
    cell = _cell(nb)
    min_lat, max_lat, min_lng, max_lng = cell
    centres = [
        (min_lat + fy * (max_lat - min_lat), min_lng + fx * (max_lng - min_lng), spread, share)
        for fy, fx, spread, share in HOT_SPOTS
    ]
    points = []
    for _ in range(n):
        u = rng.random()
        for lat, lng, spread, share in centres:
            if u < share:
                points.append(_clip(*_near(rng, lat, lng, spread), cell))
                break
            u -= share
        else:
            points.append(_clip(rng.uniform(min_lat, max_lat), rng.uniform(min_lng, max_lng), cell))
    return points


def _other_points(rng: random.Random, nbs: Sequence[Neighbourhood], n: int) -> list[tuple[Neighbourhood, float, float]]:
    out = []
    for _ in range(n):
        nb = rng.choice(nbs)
        cell = _cell(nb)
        if rng.random() < 0.5:
            lat, lng = _near(rng, (cell[0] + cell[1]) / 2, (cell[2] + cell[3]) / 2, OTHER_SPREAD_M)
        else:
            lat, lng = rng.uniform(cell[0], cell[1]), rng.uniform(cell[2], cell[3])
        out.append((nb, *_clip(lat, lng, cell)))
    return out


def _identities(rng: random.Random) -> list[Identity]:
    streets = [f"{a} {b}" for a in STREET_WORDS for b in STREET_KINDS]
    out = []
    for _ in range(IDENTITIES):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 68 * 365)) if rng.random() < 0.7 else None
        flat = f"Flat {rng.randint(1, 12)}, " if rng.random() < 0.3 else ""
        out.append(Identity(name, born, f"{flat}{rng.randint(1, 200)} {rng.choice(streets)}"))
    return out


def _status(rng: random.Random, age: dt.timedelta) -> tuple[str, str]:
    """Older incidents are mostly closed; the last month's are mostly still being worked."""
    u = rng.random()
    if age > dt.timedelta(days=30):
        if u < 0.85:
            return Status.CLOSED, "Words of advice given; no further action."
        return (Status.RESOLVED, "") if u < 0.95 else (Status.ESCALATED, "")
    if u < 0.4:
        return Status.OPEN, ""
    if u < 0.8:
        return Status.ATTENDED, ""
    return (Status.ESCALATED, "") if u < 0.9 else (Status.RESOLVED, "")


def _person(rng: random.Random, incident: Incident, involvement: str, who: Identity | None) -> IncidentPerson:
    if who is None:  # an unknown suspect: a description instead of a name
        return IncidentPerson(
            incident=incident,
            force_id=incident.force_id,
            involvement=involvement,
            is_unknown=True,
            description="Male, late teens, dark hoodie, on a bicycle.",
        )
    return IncidentPerson(
        incident=incident,
        force_id=incident.force_id,
        involvement=involvement,
        name=who.name,
        date_of_birth=who.date_of_birth,
        address=who.address,
        phone=f"07700 9{rng.randint(0, 99_999):05d}",
        is_vulnerable=rng.random() < 0.1,
        name_key=key(who.name),
        address_key=key(who.address),
    )


def build(
    *, seed: int, force: Force, neighbourhood: Neighbourhood, others: Sequence[Neighbourhood], authors: list[Person]
) -> IncidentWorld:
    """`authors[i]` records the incidents of the neighbourhood `([neighbourhood, *others])[i]`."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    span = int(dt.timedelta(days=365 * YEARS).total_seconds())
    author_of = {nb.pk: authors[i] for i, nb in enumerate([neighbourhood, *others])}
    placed = [(neighbourhood, lat, lng) for lat, lng in _hot_points(rng, neighbourhood, HOT_NEIGHBOURHOOD_INCIDENTS)]
    placed += _other_points(rng, others, OTHER_INCIDENTS)
    categories = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS], k=len(placed))
    levels = [Level.LOW] * 6 + [Level.MEDIUM] * 3 + [Level.HIGH]
    timed = []
    for (nb, lat, lng), category in zip(placed, categories, strict=True):
        day = now - dt.timedelta(seconds=rng.randint(3600, span))
        at = day.replace(hour=rng.choices(range(24), HOUR_WEIGHTS)[0])
        timed.append((min(at, now - dt.timedelta(hours=1)), nb, lat, lng, category))
    timed.sort(key=lambda row: row[0])  # ids in time order, as incidents are logged
    counters: dict[int, int] = {}
    incidents = []
    for at, nb, lat, lng, category in timed:
        year = timezone.localtime(at).year
        counters[year] = counters.get(year, 0) + 1
        status, outcome = _status(rng, now - at)
        author = author_of[nb.pk]
        asb = category == Category.ANTI_SOCIAL_BEHAVIOUR
        incidents.append(
            Incident(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                reference=f"{force.short_code}-INC-{year}-{counters[year]:06d}",
                force=force,
                neighbourhood=nb,
                occurred_at=at,
                lat=lat,
                lng=lng,
                location_text=f"On or near {rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}",
                category=category,
                asb_qualifier=rng.choice(AsbQualifier.values) if asb else "",
                asb_type=rng.choice(AsbType.values) if asb else "",
                description=rng.choice(DESCRIPTIONS),
                how_reported=rng.choice(HowReported.values),
                thrive_threat=rng.choice(levels),
                thrive_harm=rng.choice(levels),
                thrive_risk=rng.choice(levels),
                thrive_investigation=rng.choice(levels),
                thrive_vulnerability=rng.choice(levels),
                thrive_engagement=rng.choice(levels),
                risk_level=rng.choice(levels),
                status=status,
                outcome=outcome,
                is_repeat_victim=rng.random() < 0.03,
                is_repeat_location=rng.random() < 0.05,
                created_by=author,
                updated_by=author,
            )
        )
    incidents = Incident.objects.bulk_create(incidents, batch_size=1_000)
    identities = _identities(rng)
    cum_weights = []
    total = 0.0
    for rank in range(IDENTITIES):
        total += 1 / (rank + ZIPF_OFFSET)
        cum_weights.append(total)
    people = []
    for incident in incidents:
        for involvement, share in (
            (Involvement.VICTIM, VICTIM_SHARE),
            (Involvement.REPORTING_PERSON, REPORTER_SHARE),
            (Involvement.SUSPECT, SUSPECT_SHARE),
        ):
            if rng.random() < share:
                unknown = involvement == Involvement.SUSPECT and rng.random() < 0.5
                who = None if unknown else rng.choices(identities, cum_weights=cum_weights)[0]
                people.append(_person(rng, incident, involvement, who))
    IncidentPerson.objects.bulk_create(people, batch_size=1_000)
    lat0, lng0 = neighbourhood.min_lat, neighbourhood.min_lng
    fy, fx = HOT_SPOTS[0][:2]
    hot = (lat0 + fy * (neighbourhood.max_lat - lat0), lng0 + fx * (neighbourhood.max_lng - lng0))
    return IncidentWorld(
        neighbourhood=neighbourhood,
        incidents=len(incidents),
        in_neighbourhood=HOT_NEIGHBOURHOOD_INCIDENTS,
        people=len(people),
        hot_spot=hot,
        frequent=identities[0],
        second=identities[1],
        newest=timed[-1][0],
        build_seconds=time.perf_counter() - started,
    )
