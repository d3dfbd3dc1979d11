"""The public crime downloads: a force's published crimes of a month as a police.uk street-level
CSV file or as GeoJSON, streamed.

Only what is published goes out: the category, the month, the snap point's coordinates and
"On or near" name, the outcome, the crime id, and for imported rows what the police.uk file said
(LSOA, reported by, context). Downloads are public (no login); one made by a signed-in person is
audited (PUBLIC_CRIMES_EXPORTED, counts only), an anonymous one is not (anyone may make any
number of them, and the audit trail would be theirs to fill).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.csvexport import safe_cell
from beatbook.org import policy
from beatbook.org.models import Force

from ..models import PublicCrime
from ..selectors.exports import public_crimes_of
from .common import category_names, outcome_names
from .imports import HEADER

Format = Literal["csv", "geojson"]
NO_LOCATION = "No location"
CHUNK = 2000


@dataclass(frozen=True)
class PublicExport:
    chunks: Iterator[str]
    count: int
    filename: str
    content_type: str


class _Echo:
    def write(self, value: str) -> str:
        return value


def _coordinate(value: float | None) -> str:
    return f"{value:.6f}" if value is not None else ""


def _csv_row(crime: PublicCrime, force: Force) -> list[str]:
    point = crime.snap_point
    return [
        crime.persistent_id,
        f"{crime.month:%Y-%m}",
        safe_cell(crime.reported_by or force.name),
        safe_cell(crime.falls_within or force.name),
        _coordinate(point.lng if point is not None else None),
        _coordinate(point.lat if point is not None else None),
        safe_cell(point.name) if point is not None else NO_LOCATION,
        safe_cell(crime.lsoa_code),
        safe_cell(crime.lsoa_name),
        category_names().get(crime.category, crime.category),
        outcome_names().get(crime.outcome, "") if crime.outcome else "",
        safe_cell(crime.context),
    ]


def _csv_chunks(crimes: Iterator[PublicCrime], force: Force) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(HEADER)
    for crime in crimes:
        yield writer.writerow(_csv_row(crime, force))


def _feature(crime: PublicCrime) -> dict[str, Any]:
    point = crime.snap_point
    assert point is not None
    return {
        "type": "Feature",
        "id": crime.pk,
        "geometry": {"type": "Point", "coordinates": [point.lng, point.lat]},
        "properties": {
            "category": crime.category,
            "category_name": category_names().get(crime.category, crime.category),
            "month": f"{crime.month:%Y-%m}",
            "persistent_id": crime.persistent_id,
            "location_id": point.pk,
            "street": point.name,
            "outcome": outcome_names().get(crime.outcome) if crime.outcome else None,
            "outcome_date": f"{crime.outcome_month:%Y-%m}" if crime.outcome and crime.outcome_month else None,
        },
    }


def _geojson_chunks(crimes: Iterator[PublicCrime]) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    first = True
    for crime in crimes:
        yield ("" if first else ",") + json.dumps(_feature(crime), separators=(",", ":"))
        first = False
    yield "]}\n"


def public_crimes_export(
    *, actor: policy.Actor, force: Force, month: dt.date, fmt: Format, meta: AuditMeta = NO_META
) -> PublicExport:
    """The force's published crimes of the month in the format asked for (GeoJSON leaves out the
    crimes without a location). Audited when a signed-in person asks."""
    crimes = public_crimes_of(force, month)
    if fmt == "geojson":
        crimes = crimes.filter(snap_point__isnull=False)
    count = crimes.count()
    if policy.is_person(actor):
        with transaction.atomic():
            record(
                actor=actor,
                event=EventType.PUBLIC_CRIMES_EXPORTED,
                force_id=force.pk,
                after={"month": f"{month:%Y-%m}", "format": fmt, "rows": count},
                meta=meta,
            )
    rows = crimes.iterator(chunk_size=CHUNK)
    name = f"{force.slug}-{month:%Y-%m}-street"
    if fmt == "geojson":
        return PublicExport(_geojson_chunks(rows), count, f"{name}.geojson", "application/geo+json")
    return PublicExport(_csv_chunks(rows, force), count, f"{name}.csv", "text/csv; charset=utf-8")
