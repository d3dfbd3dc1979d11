"""Publishing a force's incidents of a month as anonymised public crimes, the way police.uk does.

`crimes_publish()` (re)builds the `PublicCrime` rows of the force's incidents that happened in
the month (London time) and are marked publishable. It can run any number of times: each
incident has one row (`source_key` "incident:<uuid>"), updated when the incident changed, removed
when the incident is no longer publishable or no longer in the month; imported rows are never
touched. Months still running are refused: police.uk publishes whole months.

What a published crime holds, and what it never holds:

* its category and month; for anything but anti-social behaviour a `persistent_id`, the
  HMAC-SHA256 of the incident's UUID keyed with the SECRET_KEY (stable, 64 hex characters, and
  not reversible to the incident without the key); ASB has none (""), as on police.uk;
* a location: the NEAREST snap point of the force within `BEATBOOK_SNAP_MAX_METRES`, its
  coordinates and its "On or near ..." name; with none that near, no location at all
  (crimes-no-location). Never the incident's own point, its address, description, people or
  reference;
* its neighbourhood (the incident's), for the neighbourhood's crime counts;
* an outcome, from the incident's status (ASB has none, as on police.uk):

  ======================  ===========================  =====================================
  incident status         outcome                      why
  ======================  ===========================  =====================================
  open, attended          under-investigation          not resolved yet
  escalated               under-investigation          an officer is dealing with it
  resolved                local-resolution             the PCSO or officer resolved it
  closed (was resolved)   local-resolution             as above, and closed
  closed (was escalated)  status-update-unavailable    an officer closed it; Beatbook does
                                                       not hold the disposal
  ======================  ===========================  =====================================

  Which way a closed incident went is read from its status changes in the audit trail (one
  indexed query per 1,000 closed incidents). The outcome's month is the month of the incident's
  last change (never before the crime's month); "under investigation" is dated the crime's month.
  When the outcome changes, a new outcome is added to the crime's history (outcomes-for-crime).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.incidents.models import Incident, Status
from beatbook.incidents.reference import Category
from beatbook.org import policy
from beatbook.org.models import Force, Person

from ..geometry import M_PER_DEG
from ..models import OutcomeCategory, PublicCrime, PublicOutcome, SnapPoint
from .common import LONDON, current_month, lock_force, london_bounds, month_start, published_months_recount

PUBLISH_KIND = "opendata.publish"
CHUNK = 1000
# Looked for a little past the limit on the flat-earth metric, then checked on the great circle.
_SEARCH_SLACK = 1.02
_UPDATED_FIELDS = (
    "neighbourhood",
    "month",
    "category",
    "persistent_id",
    "snap_point",
    "lat",
    "lng",
    "outcome",
    "outcome_month",
)


@dataclass(frozen=True)
class PublishReport:
    """What a publication did: counts only."""

    force: str
    month: str  # YYYY-MM
    published: int  # the force's crimes from incidents in the month, after it
    created: int
    updated: int
    unchanged: int
    removed: int
    no_location: int
    month_total: int  # every crime of the force in the month, imported ones included

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Public:
    """What one incident becomes in public."""

    incident_id: int
    source_key: str
    neighbourhood_id: int
    category: str
    persistent_id: str
    snap: tuple[int, float, float] | None  # snap point id, lat, lng
    outcome: str
    outcome_month: dt.date | None


def persistent_id_for(incident_uuid: uuid_lib.UUID | str) -> str:
    """The crime id the public sees for an incident: HMAC-SHA256 of its UUID, keyed with the
    SECRET_KEY (64 lower-case hex characters; stable while the key is)."""
    message = str(incident_uuid).lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def source_key_for(incident_uuid: uuid_lib.UUID | str) -> str:
    return f"incident:{incident_uuid}"


def check_month(month: dt.date) -> dt.date:
    """The month's first day, if it may be published: a whole month, over before this one."""
    first = month_start(month)
    if first >= current_month():
        raise ValidationError({"month": [_("Choose a month that has ended: police.uk publishes whole months only.")]})
    return first


def outcome_for(status: str, *, was_escalated: bool) -> str:
    """The police.uk outcome of a (non-ASB) incident in this status (see the module's table)."""
    if status == Status.RESOLVED:
        return OutcomeCategory.LOCAL_RESOLUTION
    if status == Status.CLOSED:
        return OutcomeCategory.STATUS_UPDATE_UNAVAILABLE if was_escalated else OutcomeCategory.LOCAL_RESOLUTION
    return OutcomeCategory.UNDER_INVESTIGATION


def snap_max_metres() -> float:
    return float(settings.BEATBOOK_SNAP_MAX_METRES)


class _Snapper:
    """The nearest snap point of a force to each of many points, within a distance: the force's
    points around them in an R-tree, in local metres (flat earth about their mean latitude), the
    distance then checked on the great circle."""

    def __init__(self, force: Force, points: Sequence[tuple[float, float]], within_m: float) -> None:
        self.within_m = within_m
        self.ids: list[int] = []
        self.coords: list[tuple[float, float]] = []
        self.tree: shapely.STRtree | None = None
        if not points or within_m <= 0:
            return
        lats = [lat for lat, _lng in points]
        lngs = [lng for _lat, lng in points]
        self.lat0, self.lng0 = sum(lats) / len(lats), sum(lngs) / len(lngs)
        self.scale = M_PER_DEG * math.cos(math.radians(self.lat0))
        reach = within_m * _SEARCH_SLACK
        widest = max(abs(min(lats)), abs(max(lats)))
        dlat, dlng = reach / M_PER_DEG, reach / (M_PER_DEG * math.cos(math.radians(widest)))
        rows = (
            SnapPoint.objects.filter(
                force=force,
                lat__gte=min(lats) - dlat,
                lat__lte=max(lats) + dlat,
                lng__gte=min(lngs) - dlng,
                lng__lte=max(lngs) + dlng,
            )
            .order_by("id")
            .values_list("id", "lat", "lng")
        )
        for pk, lat, lng in rows:
            self.ids.append(pk)
            self.coords.append((lat, lng))
        if self.ids:
            self.tree = shapely.STRtree(shapely.points(self._xy(self.coords)))

    def _xy(self, points: Sequence[tuple[float, float]]) -> Any:
        return np.asarray(
            [((lng - self.lng0) * self.scale, (lat - self.lat0) * M_PER_DEG) for lat, lng in points], dtype=float
        )

    def nearest(self, points: Sequence[tuple[float, float]]) -> list[tuple[int, float, float] | None]:
        """Per point: (snap point id, lat, lng) of the nearest within the distance (the lowest id
        of those equally near), or None."""
        found: list[tuple[int, float, float] | None] = [None] * len(points)
        if self.tree is None or not points:
            return found
        pairs = self.tree.query_nearest(
            shapely.points(self._xy(points)), max_distance=self.within_m * _SEARCH_SLACK, all_matches=True
        )
        best: dict[int, tuple[float, int]] = {}
        for point_index, tree_index in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            lat, lng = points[point_index]
            snap_lat, snap_lng = self.coords[tree_index]
            distance = geo.distance_m(lat, lng, snap_lat, snap_lng)
            if distance <= self.within_m and (point_index not in best or (distance, tree_index) < best[point_index]):
                best[point_index] = (distance, tree_index)
        for point_index, (_distance, tree_index) in best.items():
            found[point_index] = (self.ids[tree_index], *self.coords[tree_index])
        return found


def _escalated(incident_ids: Sequence[int]) -> set[int]:
    """Of these (closed) incidents, those that were escalated to an officer on the way."""
    if not incident_ids:
        return set()
    content_type = ContentType.objects.get_for_model(Incident)
    found: set[int] = set()
    for start in range(0, len(incident_ids), CHUNK):
        chunk = [str(pk) for pk in incident_ids[start : start + CHUNK]]
        rows = AuditEvent.objects.filter(
            content_type=content_type,
            object_id__in=chunk,
            event_type=EventType.INCIDENT_STATUS_CHANGED,
            after__status=Status.ESCALATED,
        ).values_list("object_id", flat=True)
        found.update(int(pk) for pk in rows)
    return found


def _outcome_month(month: dt.date, outcome: str, updated_at: dt.datetime) -> dt.date:
    if outcome == OutcomeCategory.UNDER_INVESTIGATION:
        return month
    changed = month_start(timezone.localtime(updated_at, LONDON).date())
    return min(max(changed, month), current_month())


def _public_rows(force: Force, month: dt.date) -> list[_Public]:
    """What each of the force's publishable incidents of the month becomes."""
    start, end = london_bounds(month)
    incidents = list(
        Incident.objects.filter(force=force, is_publishable=True, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("id")
        .values_list("id", "uuid", "category", "status", "lat", "lng", "neighbourhood_id", "updated_at")
    )
    points = [(lat, lng) for _id, _uuid, _cat, _status, lat, lng, _nb, _upd in incidents]
    snaps = _Snapper(force, points, snap_max_metres()).nearest(points)
    escalated = _escalated([row[0] for row in incidents if row[3] == Status.CLOSED])
    rows: list[_Public] = []
    for (pk, uuid, category, status, _lat, _lng, neighbourhood_id, updated_at), snap in zip(
        incidents, snaps, strict=True
    ):
        is_asb = category == Category.ANTI_SOCIAL_BEHAVIOUR
        outcome = "" if is_asb else outcome_for(status, was_escalated=pk in escalated)
        rows.append(
            _Public(
                incident_id=pk,
                source_key=source_key_for(uuid),
                neighbourhood_id=neighbourhood_id,
                category=category,
                persistent_id="" if is_asb else persistent_id_for(uuid),
                snap=snap,
                outcome=outcome,
                outcome_month=_outcome_month(month, outcome, updated_at) if outcome else None,
            )
        )
    return rows


def _existing(force: Force, month: dt.date, incident_ids: Sequence[int]) -> dict[int, PublicCrime]:
    """The force's rows from incidents that are in the month now or were published in it, by
    incident id, with their outcomes."""
    found: dict[int, PublicCrime] = {}
    queries = [Q(month=month)] + [
        Q(incident_id__in=incident_ids[start : start + CHUNK]) for start in range(0, len(incident_ids), CHUNK)
    ]
    for query in queries:
        rows = (
            PublicCrime.objects.filter(force=force, source=PublicCrime.Source.INCIDENT, incident__isnull=False)
            .filter(query)
            .prefetch_related("outcomes")
        )
        for crime in rows:
            assert crime.incident_id is not None
            found[crime.incident_id] = crime
    return found


def _apply(crime: PublicCrime, public: _Public, month: dt.date) -> bool:
    """Set the crime's fields from what the incident now is; True if anything changed."""
    snap_id, lat, lng = public.snap if public.snap is not None else (None, None, None)
    wanted = {
        "neighbourhood_id": public.neighbourhood_id,
        "month": month,
        "category": public.category,
        "persistent_id": public.persistent_id,
        "snap_point_id": snap_id,
        "lat": lat,
        "lng": lng,
        "outcome": public.outcome,
        "outcome_month": public.outcome_month,
    }
    changed = False
    for name, value in wanted.items():
        if getattr(crime, name) != value:
            setattr(crime, name, value)
            changed = True
    return changed


@transaction.atomic
def crimes_publish(*, actor: Person, force: Force, month: dt.date, meta: AuditMeta = NO_META) -> PublishReport:
    """(Re)build the force's public crimes from its publishable incidents of the month (force
    administrators and analysts). Refused on `month` for a month not yet over. Audited
    (CRIMES_PUBLISHED, counts only)."""
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, force)
    month = check_month(month)
    lock_force(force)
    publics = _public_rows(force, month)
    existing = _existing(force, month, [p.incident_id for p in publics])
    touched_months = {month}
    created: list[PublicCrime] = []
    changed: list[PublicCrime] = []
    new_outcomes: list[PublicOutcome] = []
    cleared: list[int] = []
    unchanged = 0
    for public in publics:
        crime = existing.pop(public.incident_id, None)
        if crime is None:
            crime = PublicCrime(
                force=force,
                source=PublicCrime.Source.INCIDENT,
                source_key=public.source_key,
                incident_id=public.incident_id,
            )
            _apply(crime, public, month)
            created.append(crime)
            continue
        touched_months.add(crime.month)
        history = list(crime.outcomes.all())
        if _apply(crime, public, month):
            changed.append(crime)
        else:
            unchanged += 1
        if not public.outcome:
            if history:
                cleared.append(crime.pk)
        elif not history or history[-1].category != public.outcome:
            assert public.outcome_month is not None
            new_outcomes.append(PublicOutcome(crime=crime, category=public.outcome, month=public.outcome_month))
    removed = [crime.pk for crime in existing.values()]
    touched_months.update(crime.month for crime in existing.values())
    for start in range(0, len(removed), CHUNK):
        PublicCrime.objects.filter(pk__in=removed[start : start + CHUNK]).delete()
    for start in range(0, len(cleared), CHUNK):
        PublicOutcome.objects.filter(crime_id__in=cleared[start : start + CHUNK]).delete()
    PublicCrime.objects.bulk_create(created, batch_size=CHUNK)
    PublicCrime.objects.bulk_update(changed, fields=list(_UPDATED_FIELDS), batch_size=CHUNK)
    new_outcomes += [
        PublicOutcome(crime=crime, category=crime.outcome, month=crime.outcome_month or month)
        for crime in created
        if crime.outcome
    ]
    PublicOutcome.objects.bulk_create(new_outcomes, batch_size=CHUNK)
    counts = published_months_recount(force, touched_months)
    report = PublishReport(
        force=force.slug,
        month=f"{month:%Y-%m}",
        published=len(publics),
        created=len(created),
        updated=len(changed),
        unchanged=unchanged,
        removed=len(removed),
        no_location=sum(1 for p in publics if p.snap is None),
        month_total=counts[month],
    )
    record(actor=actor, event=EventType.CRIMES_PUBLISHED, force_id=force.pk, after=report.as_dict(), meta=meta)
    return report


def months_to_offer(*, count: int = 24) -> list[dt.date]:
    """The whole months a publication may choose from, newest first."""
    months: list[dt.date] = []
    month = current_month()
    for _n in range(count):
        month = month_start(month - dt.timedelta(days=1))
        months.append(month)
    return months


__all__ = [
    "PUBLISH_KIND",
    "PublishReport",
    "check_month",
    "crimes_publish",
    "months_to_offer",
    "outcome_for",
    "persistent_id_for",
]
