"""Repeat detection, run by the services whenever an incident is saved.

* **Repeat victim**: a victim of this incident (matched by name, with dates of birth not
  differing, or by address) is a victim in at least N incidents of the force within the M days
  up to this incident.
* **Repeat location**: at least N incidents of the force within R metres of this one, in the
  same M days.
* **ASB case review (community trigger)**: for an ASB incident, a victim or reporting person
  (by name or address) has made at least the force's threshold of ASB complaints within its
  window of months.

Each query is indexed: people by (force, name key) and (force, address key), places by
(force, lat, lng) within a small box; none scans the force's incidents. A hit flags the incident
and raises an alert, or raises the count of the open alert for the same subject.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from beatbook.audit.models import EventType
from beatbook.audit.services import AuditMeta, record
from beatbook.core import geo
from beatbook.org.models import Person

from . import selectors
from .models import Alert, AlertKind, Incident, IncidentPerson, IncidentRules, Involvement
from .reference import Category


@dataclass(frozen=True)
class Hit:
    kind: AlertKind
    subject: str
    subject_key: str
    count: int
    window_days: int


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the day clipped to the month's end)."""
    local = timezone.localtime(moment)
    total = local.year * 12 + local.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    day = local.day
    while day > 28:
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1
    return local.replace(year=year, month=month, day=day)


def _same_person(row: IncidentPerson) -> Q:
    """People records that are the same person as `row` by name: the name keys match and the
    dates of birth do not differ (either may be missing)."""
    match = Q(name_key=row.name_key)
    if row.date_of_birth is not None:
        match &= Q(date_of_birth__isnull=True) | Q(date_of_birth=row.date_of_birth)
    return match


def densest_window(times: list[dt.datetime], moment: dt.datetime, window: dt.timedelta) -> int:
    """The most of `times` that fall in one window of length `window` that also holds `moment`
    (so an incident logged late, older than others, still counts with the ones after it)."""
    ordered = sorted(times)
    best = 0
    for start in ordered:
        if start > moment:
            break
        if start + window < moment:
            continue
        best = max(best, sum(1 for t in ordered if start <= t <= start + window))
    return best


def _incidents_with(
    incident: Incident, match: Q, involvements: list[str], window: dt.timedelta, *, asb_only: bool = False
) -> int:
    """How many incidents of the force, in the densest window around this one, have someone
    matching `match` involved in one of `involvements` (itself included)."""
    people: QuerySet[IncidentPerson] = IncidentPerson.objects.filter(
        match,
        force_id=incident.force_id,
        involvement__in=involvements,
        incident__occurred_at__gte=incident.occurred_at - window,
        incident__occurred_at__lte=incident.occurred_at + window,
    )
    if asb_only:
        people = people.filter(incident__category=Category.ANTI_SOCIAL_BEHAVIOUR)
    times = dict(people.values_list("incident_id", "incident__occurred_at"))
    return densest_window(list(times.values()), incident.occurred_at, window)


def _hit_for(
    incident: Incident,
    person: IncidentPerson,
    *,
    kind: AlertKind,
    involvements: list[str],
    window: dt.timedelta,
    threshold: int,
    asb_only: bool = False,
) -> Hit | None:
    """One hit per person at most: by name first, else by address."""
    days = window.days
    if person.name_key and not person.is_unknown:
        count = _incidents_with(incident, _same_person(person), involvements, window, asb_only=asb_only)
        if count >= threshold:
            key = f"{kind}:name:{person.name_key}"  # one open alert per name, dated or not
            return Hit(kind, person.name, key, count, days)
    if person.address_key:
        count = _incidents_with(incident, Q(address_key=person.address_key), involvements, window, asb_only=asb_only)
        if count >= threshold:
            return Hit(kind, person.address, f"{kind}:address:{person.address_key}", count, days)
    return None


def _person_hits(incident: Incident, rules: IncidentRules) -> list[Hit]:
    window = dt.timedelta(days=rules.repeat_window_days)
    found = (
        _hit_for(
            incident,
            person,
            kind=AlertKind.REPEAT_VICTIM,
            involvements=[Involvement.VICTIM],
            window=window,
            threshold=rules.repeat_count,
        )
        for person in incident.people.all()
        if person.involvement == Involvement.VICTIM
    )
    return [hit for hit in found if hit is not None]


def _trigger_hits(incident: Incident, rules: IncidentRules) -> list[Hit]:
    if incident.category != Category.ANTI_SOCIAL_BEHAVIOUR:
        return []
    complainants: list[str] = [Involvement.VICTIM, Involvement.REPORTING_PERSON]
    window = incident.occurred_at - months_before(incident.occurred_at, rules.trigger_window_months)
    found = (
        _hit_for(
            incident,
            person,
            kind=AlertKind.COMMUNITY_TRIGGER,
            involvements=complainants,
            window=window,
            threshold=rules.trigger_threshold,
            asb_only=True,
        )
        for person in incident.people.all()
        if person.involvement in complainants
    )
    return [hit for hit in found if hit is not None]


def nearby_count(incident: Incident, rules: IncidentRules) -> int:
    """Incidents of the force within R metres of this one, in the densest M-day window that
    holds it (itself included)."""
    box = geo.box_around(incident.lat, incident.lng, rules.repeat_radius_m)
    window = dt.timedelta(days=rules.repeat_window_days)
    candidates = Incident.objects.filter(
        force_id=incident.force_id,
        lat__gte=box.min_lat,
        lat__lte=box.max_lat,
        lng__gte=box.min_lng,
        lng__lte=box.max_lng,
        occurred_at__gte=incident.occurred_at - window,
        occurred_at__lte=incident.occurred_at + window,
    ).values_list("lat", "lng", "occurred_at")
    radius = rules.repeat_radius_m
    times = [at for lat, lng, at in candidates if geo.distance_m(incident.lat, incident.lng, lat, lng) <= radius]
    return densest_window(times, incident.occurred_at, window)


def _location_hit(incident: Incident, rules: IncidentRules) -> Hit | None:
    count = nearby_count(incident, rules)
    if count < rules.repeat_count:
        return None
    # One open alert per place: an open repeat-location alert within R metres is the same place.
    box = geo.box_around(incident.lat, incident.lng, rules.repeat_radius_m)
    near = Alert.objects.filter(
        force_id=incident.force_id,
        kind=AlertKind.REPEAT_LOCATION,
        acknowledged_at__isnull=True,
        lat__gte=box.min_lat,
        lat__lte=box.max_lat,
        lng__gte=box.min_lng,
        lng__lte=box.max_lng,
    ).first()
    key = near.subject_key if near is not None else f"location:{incident.reference}"
    place = incident.location_text or f"{incident.lat:.5f}, {incident.lng:.5f}"
    subject = near.subject if near is not None else place
    return Hit(AlertKind.REPEAT_LOCATION, subject, key, count, rules.repeat_window_days)


def _raise(actor: Person, incident: Incident, hit: Hit, meta: AuditMeta) -> None:
    alert = (
        Alert.objects.select_for_update()
        .filter(force_id=incident.force_id, kind=hit.kind, subject_key=hit.subject_key, acknowledged_at__isnull=True)
        .first()
    )
    if alert is None:
        alert = Alert(
            force_id=incident.force_id,
            neighbourhood_id=incident.neighbourhood_id,
            incident=incident,
            kind=hit.kind,
            subject=hit.subject[:240],
            subject_key=hit.subject_key[:240],
            count=hit.count,
            window_days=hit.window_days,
            lat=incident.lat,
            lng=incident.lng,
        )
        alert.save()
        event = EventType.ALERT_RAISED
    elif alert.incident_id == incident.pk and alert.count >= hit.count:
        return  # this incident raised it already (an edit, or a person added)
    else:
        alert.incident = incident
        alert.neighbourhood_id = incident.neighbourhood_id
        alert.count = max(alert.count, hit.count)
        alert.save(update_fields=["incident", "neighbourhood", "count"])
        event = EventType.ALERT_UPDATED
    record(
        actor=actor,
        event=event,
        obj=alert,
        neighbourhood_id=alert.neighbourhood_id,
        after={"kind": alert.kind, "incident": incident.reference, "count": alert.count},
        meta=meta,
    )


def detect(*, actor: Person, incident: Incident, meta: AuditMeta) -> list[Hit]:
    """Look for repeats of a saved incident (inside the caller's transaction): set its flags and
    raise or update alerts. Returns what was found."""
    rules = selectors.rules_for(incident.force)
    person_hits = _person_hits(incident, rules)
    location = _location_hit(incident, rules)
    hits = [*person_hits, *([location] if location else []), *_trigger_hits(incident, rules)]
    flags = {"is_repeat_victim": bool(person_hits), "is_repeat_location": location is not None}
    if any(getattr(incident, name) != value for name, value in flags.items()):
        Incident.objects.filter(pk=incident.pk).update(**flags)
        for name, value in flags.items():
            setattr(incident, name, value)
    for hit in hits:
        _raise(actor, incident, hit, meta)
    return hits
