"""A seeded generator of police.uk street-level CSV files (`*-street.csv`), for tests and the demo.

`sample_street_csv()` writes months of crimes for some places (a force's neighbourhoods, by
their centres): per place a handful of snap points with invented "On or near <street>" names
(and police.uk's generic ones, "On or near Parking Area" and the like) within a few hundred
metres of the centre, so inside the neighbourhood; crimes in roughly the proportions police.uk
shows nationally (violence and ASB the most, robbery and weapons the fewest); last outcomes as
they stand some months on (older months mostly complete, the latest more "under
investigation"); a few crimes without a location. Nothing in it is real: the crime ids are
random, the streets invented, the LSOA codes in a range no real LSOA uses.

With `malformed=True` it adds one bad row of each kind the importer must skip, and one row of
another force (which it must load and note), at the line numbers given in `SampleFile.malformed`
and `SampleFile.other_force`.

The committed file `data/sample-street.csv` is `sample_street_csv()` with its defaults for
Cambridgeshire's demo neighbourhoods (`manage.py make_sample_crimes` writes it again).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_PATH = DATA_DIR / "sample-street.csv"
DEFAULT_SEED = 2026
DEFAULT_MONTHS = ("2026-06", "2026-07", "2026-08")
DEFAULT_ROWS = 300
METRES_PER_DEGREE = 111_320.0
SPREAD_M = 450.0  # snap points lie within this of a place's centre
NO_LOCATION_SHARE = 0.02

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

# Crime types (police.uk's names) by rough national share, in per cent.
CRIME_TYPES: dict[str, float] = {
    "Violence and sexual offences": 31.0,
    "Anti-social behaviour": 21.0,
    "Criminal damage and arson": 8.0,
    "Shoplifting": 7.5,
    "Other theft": 7.0,
    "Public order": 6.5,
    "Vehicle crime": 6.0,
    "Burglary": 4.5,
    "Drugs": 2.5,
    "Other crime": 1.5,
    "Bicycle theft": 1.5,
    "Theft from the person": 1.5,
    "Robbery": 1.0,
    "Possession of weapons": 1.0,
}
# Last outcomes of a crime some months old, and of one in the latest month.
SETTLED_OUTCOMES: dict[str, float] = {
    "Investigation complete; no suspect identified": 38.0,
    "Unable to prosecute suspect": 30.0,
    "Under investigation": 6.0,
    "Status update unavailable": 5.0,
    "Awaiting court outcome": 5.0,
    "Local resolution": 4.0,
    "Court result unavailable": 3.0,
    "Offender given a caution": 2.0,
    "Action to be taken by another organisation": 2.5,
    "Further investigation is not in the public interest": 2.0,
    "Formal action is not in the public interest": 1.5,
    "Offender fined": 1.0,
}
RECENT_OUTCOMES: dict[str, float] = {
    "Under investigation": 45.0,
    "Investigation complete; no suspect identified": 25.0,
    "Unable to prosecute suspect": 18.0,
    "Status update unavailable": 4.0,
    "Awaiting court outcome": 3.0,
    "Local resolution": 3.0,
    "Action to be taken by another organisation": 2.0,
}
GENERIC_PLACES = (
    "Parking Area",
    "Supermarket",
    "Petrol Station",
    "Shopping Area",
    "Sports/Recreation Area",
    "Nightclub",
    "Further/Higher Educational Building",
    "Bus/Coach Station",
)
STREET_WORDS = (
    "Alder",
    "Bramble",
    "Chalk",
    "Dovecote",
    "Elmfield",
    "Fernhill",
    "Garnet",
    "Hazel",
    "Ivydene",
    "Juniper",
    "Kingfisher",
    "Larkspur",
    "Meadowsweet",
    "Nettlecombe",
    "Oriel",
    "Pennyroyal",
    "Quarry",
    "Rushmere",
    "Sorrel",
    "Teasel",
    "Umber",
    "Vetch",
    "Wagtail",
    "Yarrow",
)
STREET_KINDS = ("Road", "Street", "Close", "Lane", "Way", "Avenue", "Crescent", "Grove", "Walk", "Drive")


@dataclass(frozen=True)
class Place:
    """Where crimes are placed: a neighbourhood by its code, name and centre."""

    code: str
    name: str
    lat: float
    lng: float


@dataclass
class SampleFile:
    text: str
    rows: int  # data rows (not the header)
    malformed: dict[int, str] = field(default_factory=dict)  # line number -> what is wrong
    other_force: list[int] = field(default_factory=list)  # line numbers of rows of another force
    no_location: int = 0


@dataclass(frozen=True)
class _Point:
    lat: float
    lng: float
    name: str
    lsoa_code: str
    lsoa_name: str


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _points(rng: random.Random, places: Sequence[Place], per_place: int) -> list[list[_Point]]:
    """Per place, `per_place` snap points near its centre with distinct invented names."""
    streets = [f"{word} {kind}" for word in STREET_WORDS for kind in STREET_KINDS]
    rng.shuffle(streets)
    names = iter(streets)
    result: list[list[_Point]] = []
    for n, place in enumerate(places):
        town = place.name.removesuffix(" City Centre").removesuffix(" Central")
        points: list[_Point] = []
        for k in range(per_place):
            distance = SPREAD_M * math.sqrt(rng.random())
            angle = rng.uniform(0, 2 * math.pi)
            lat = place.lat + distance * math.sin(angle) / METRES_PER_DEGREE
            lng = place.lng + distance * math.cos(angle) / (METRES_PER_DEGREE * math.cos(math.radians(place.lat)))
            name = rng.choice(GENERIC_PLACES) if k % 4 == 3 else next(names)
            lsoa = k % 3
            points.append(
                _Point(
                    lat=round(lat, 6),
                    lng=round(lng, 6),
                    name=f"On or near {name}",
                    lsoa_code=f"E0109{n:02d}{lsoa:02d}",
                    lsoa_name=f"{town} 9{n:01d}{lsoa:01d}{'ABC'[lsoa]}",
                )
            )
        result.append(points)
    return result


def sample_street_csv(
    *,
    force_name: str,
    places: Sequence[Place],
    months: Sequence[str] = DEFAULT_MONTHS,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    malformed: bool = False,
) -> SampleFile:
    """A police.uk street-level CSV file of about `rows` crimes spread over `months` (YYYY-MM,
    oldest first) and `places`; the same arguments give the same text."""
    if not places or not months:
        raise ValueError("Give at least one place and one month.")
    rng = random.Random(f"{seed}:sample-street:{force_name}")  # noqa: S311 (sample data, not secrets)
    points = _points(rng, places, per_place=8)
    records: list[list[str]] = []
    no_location = 0
    for index, month in enumerate(months):
        recent = index == len(months) - 1
        for _n in range(rows // len(months) + (1 if index < rows % len(months) else 0)):
            crime_type = _weighted(rng, CRIME_TYPES)
            asb = crime_type == "Anti-social behaviour"
            crime_id = "" if asb else f"{rng.getrandbits(256):064x}"
            outcome = "" if asb else _weighted(rng, RECENT_OUTCOMES if recent else SETTLED_OUTCOMES)
            if rng.random() < NO_LOCATION_SHARE and not asb:
                no_location += 1
                records.append(
                    [crime_id, month, force_name, force_name, "", "", "No Location", "", "", crime_type, outcome, ""]
                )
                continue
            place_points = points[rng.randrange(len(places))]
            point = place_points[min(int(rng.expovariate(0.45)), len(place_points) - 1)]  # some points busier
            records.append(
                [
                    crime_id,
                    month,
                    force_name,
                    force_name,
                    f"{point.lng:.6f}",
                    f"{point.lat:.6f}",
                    point.name,
                    point.lsoa_code,
                    point.lsoa_name,
                    crime_type,
                    outcome,
                    "",
                ]
            )
    sample = SampleFile(text="", rows=len(records), no_location=no_location)
    if malformed:
        records = _with_bad_rows(rng, records, force_name, sample)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for record in records:
        if record and record[0] == "\x00raw":
            buffer.write(record[1] + "\n")
        else:
            writer.writerow(record)
    sample.text = buffer.getvalue()
    sample.rows = len(records)
    return sample


def _with_bad_rows(
    rng: random.Random, records: list[list[str]], force_name: str, sample: SampleFile
) -> list[list[str]]:
    """The records with one bad row of each kind (and one of another force) spread through them;
    notes their line numbers (the header is line 1) in `sample`."""
    good = next(r for r in records if r[4] and r[0])
    bad: list[tuple[str, list[str]]] = [
        ("columns", ["\x00raw", ",".join(good[:6])]),
        ("month", [good[0], "2026-13", *good[2:]]),
        ("month", [good[0], "June 2026", *good[2:]]),
        ("crime type", [*good[:9], "Jaywalking", *good[10:]]),
        ("coordinates", [*good[:4], "east", good[5], *good[6:]]),
        ("outside the UK", [*good[:4], "-74.006000", "40.712800", *good[6:]]),
        ("one coordinate", [*good[:4], good[4], "", *good[6:]]),
        ("outcome", [*good[:10], "Sent to the moon", good[11]]),
        ("crime id", ["not-a-crime-id", *good[1:]]),
    ]
    other = [*good]
    other[3] = "Another Force Police"
    other[0] = f"{rng.getrandbits(256):064x}"
    result = list(records)
    step = max(1, len(result) // (len(bad) + 2))
    inserts: list[tuple[int, str, list[str]]] = [(step * (n + 1), kind, row) for n, (kind, row) in enumerate(bad)]
    inserts.append((step * (len(bad) + 1), "other force", other))
    for position, _kind, row in sorted(inserts, key=lambda item: item[0], reverse=True):
        result.insert(min(position, len(result)), row)
    kinds = {id(row): kind for _position, kind, row in inserts}
    for line, row in enumerate(result, start=2):  # one line a row, after the header
        kind = kinds.get(id(row))
        if kind == "other force":
            sample.other_force.append(line)
        elif kind is not None:
            sample.malformed[line] = kind
    return result


def write_sample(path: Path, sample: SampleFile) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sample.text, encoding="utf-8", newline="")
