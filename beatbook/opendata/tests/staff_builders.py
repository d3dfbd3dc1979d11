"""Builders for the open data tests of imports, publication and the staff pages: sample files,
snap points, and incidents in a whole month that has ended.

The test world (`beatbook.core.testing`) has Cambridgeshire's A1 "City Centre" around (52.205,
0.119); the sample file's Cambridge City Centre points lie inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from beatbook.demo.world import CAMBRIDGESHIRE
from beatbook.incidents.models import Incident
from beatbook.incidents.tests.factories import A1_CENTRE, create, moved
from beatbook.opendata.models import SnapPoint
from beatbook.opendata.sample import SAMPLE_PATH, Place, SampleFile, sample_street_csv
from beatbook.org.models import Force, Person

LONDON = ZoneInfo("Europe/London")
HEADER_LINE = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
FORCE_NAME = "Cambridgeshire Constabulary"


def sample_text() -> str:
    """The committed sample file."""
    return SAMPLE_PATH.read_text(encoding="utf-8")


def malformed_sample(rows: int = 120) -> SampleFile:
    places = [Place(p.code, p.name, p.lat, p.lng) for p in CAMBRIDGESHIRE.places]
    return sample_street_csv(force_name=FORCE_NAME, places=places, rows=rows, malformed=True)


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER_LINE, *rows]) + "\n"


def last_month() -> dt.date:
    """The first day of the last whole month (London)."""
    first = timezone.localdate(timezone.now(), LONDON).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def in_month(month: dt.date, day: int = 10, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(month.replace(day=day), dt.time(hour), tzinfo=LONDON)


def snap(force: Force, point: tuple[float, float], name: str) -> SnapPoint:
    return SnapPoint.objects.create(force=force, lat=point[0], lng=point[1], name=name, source=SnapPoint.Source.LOADED)


def published_incident(actor: Person, *, month: dt.date | None = None, **overrides: Any) -> Incident:
    """A publishable incident in the middle of A1, on the 10th of the month (by default the last
    whole month), with a description and a place that must never be published."""
    values: dict[str, Any] = {
        "occurred_at": in_month(month or last_month()),
        "is_publishable": True,
        "location_text": "Flat 9, 14 Secret Mews",
        "description": "Confidential: Jane Doe was threatened at her door.",
    }
    return create(actor, **(values | overrides))


__all__ = ["A1_CENTRE", "moved"]
