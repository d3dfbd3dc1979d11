"""Builders for incident tests: plain functions with sensible defaults, overridable by keyword.

Points are inside the test world's neighbourhoods (`beatbook.core.testing`): A1 is a square of
half-size 0.01 degrees centred on (52.205, 0.119), A2 on (52.185, 0.17), B1 on (52.922, -1.476).
Times are relative to now, so that nothing is in the future and windows are easy to reason about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from django.utils import timezone

from beatbook.incidents import services
from beatbook.incidents.models import Incident, Involvement
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level
from beatbook.incidents.services import IncidentData, PersonData
from beatbook.org.models import Person

A1_CENTRE = (52.205, 0.119)
A2_CENTRE = (52.185, 0.17)
B1_CENTRE = (52.922, -1.476)
OUTSIDE_ALL = (52.5, -0.5)  # in England, in no neighbourhood of the world

_METRES_PER_DEGREE = 111_320.0


def ago(*, days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    """A moment before now (aware)."""
    return timezone.now() - dt.timedelta(days=days, hours=hours, minutes=minutes)


def moved(point: tuple[float, float], *, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    """The point `north_m` metres north and `east_m` metres east of `point` (small distances)."""
    lat, lng = point
    return (
        lat + north_m / _METRES_PER_DEGREE,
        lng + east_m / (_METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def a1_spot(n: int) -> tuple[float, float]:
    """The n-th of 16 points in A1, each at least 200 metres from the others (so incidents at
    different spots never make a repeat location)."""
    assert 0 <= n < 16
    row, col = divmod(n, 4)
    return moved(A1_CENTRE, north_m=(row - 1.5) * 220, east_m=(col - 1.5) * 200)


def incident_data(**overrides: Any) -> IncidentData:
    """A low-risk public-order incident in the middle of A1, an hour ago."""
    base = IncidentData(
        occurred_at=ago(hours=1),
        category=Category.PUBLIC_ORDER,
        description="Two men shouting and pushing outside the chip shop.",
        how_reported=HowReported.PHONE_101,
        thrive_threat=Level.LOW,
        thrive_harm=Level.LOW,
        thrive_risk=Level.LOW,
        thrive_investigation=Level.LOW,
        thrive_vulnerability=Level.LOW,
        thrive_engagement=Level.MEDIUM,
        risk_level=Level.LOW,
        lat=A1_CENTRE[0],
        lng=A1_CENTRE[1],
    )
    return dataclasses.replace(base, **overrides)


def asb_data(**overrides: Any) -> IncidentData:
    """An anti-social behaviour incident (nuisance, rowdy behaviour) in the middle of A1."""
    values: dict[str, Any] = {
        "category": Category.ANTI_SOCIAL_BEHAVIOUR,
        "asb_qualifier": AsbQualifier.NUISANCE,
        "asb_type": AsbType.ROWDY_INCONSIDERATE,
        "description": "Youths kicking a ball against parked cars.",
    }
    return incident_data(**(values | overrides))


def person(involvement: str = Involvement.VICTIM, **overrides: Any) -> PersonData:
    """A named person (a victim unless told otherwise)."""
    base = PersonData(involvement=involvement, name="Jane Doe", address="14 Mill Road, Cambridge")
    return dataclasses.replace(base, **overrides)


def victim(name: str = "Jane Doe", **overrides: Any) -> PersonData:
    return person(Involvement.VICTIM, name=name, **overrides)


def reporter(name: str = "Ron Porter", **overrides: Any) -> PersonData:
    values: dict[str, Any] = {"name": name, "address": "3 Station Road, Cambridge"}
    return person(Involvement.REPORTING_PERSON, **(values | overrides))


def unknown(involvement: str = Involvement.SUSPECT, **overrides: Any) -> PersonData:
    """Someone whose name is not known, described instead."""
    values: dict[str, Any] = {
        "name": "",
        "address": "",
        "is_unknown": True,
        "description": "Tall, grey hoodie, on a bike.",
    }
    return person(involvement, **(values | overrides))


def create(actor: Person, *, people: list[PersonData] | None = None, asb: bool = False, **overrides: Any) -> Incident:
    """Record an incident through the service, as `actor`."""
    data = asb_data(**overrides) if asb else incident_data(**overrides)
    return services.incident_create(actor=actor, data=data, people=people)


def at(point: tuple[float, float]) -> dict[str, Any]:
    """Keyword arguments that place an incident at `point`: `create(actor, **at(A2_CENTRE))`."""
    return {"lat": point[0], "lng": point[1]}
