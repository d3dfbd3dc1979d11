"""Reads of incidents and alerts, scoped to the actor in SQL.

An actor sees the incidents of the neighbourhoods in their scope (`policy.neighbourhoods_in_scope`)
and those they recorded themselves. Partner users see none (ASB cases shared with them come in a
later part). Opening one incident, with the people involved, is a sensitive read: it is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood
from beatbook.org.selectors import NOT_FOUND, get_visible

from .models import Alert, Incident, IncidentPerson, IncidentRules

# The map draws at most this many points; the response says when there were more.
MAP_POINT_LIMIT = 5000


def rules_for(force: Force) -> IncidentRules:
    """The force's thresholds, or the defaults when it has set none (an unsaved row)."""
    rules = IncidentRules.objects.filter(force=force).first()
    return rules if rules is not None else IncidentRules(force=force)


def neighbourhood_at(*, lat: float, lng: float, force_ids: list[int]) -> Neighbourhood | None:
    """The active neighbourhood of one of these forces whose boundary holds the point."""
    candidates = Neighbourhood.objects.filter(
        force_id__in=force_ids,
        is_active=True,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lng__lte=lng,
        max_lng__gte=lng,
    ).select_related("force")
    for nb in candidates.order_by("id"):
        if geo.contains(nb.boundary, lat, lng):
            return nb
    return None


def _scope(actor: policy.Actor) -> Q:
    scope = Q(neighbourhood__in=policy.neighbourhoods_in_scope(actor).values("pk"))
    if policy.is_person(actor):
        scope |= Q(created_by=actor)
    return scope


def incidents_visible_to(actor: policy.Actor) -> QuerySet[Incident]:
    if not (policy.is_person(actor) or policy.is_system(actor)):
        return Incident.objects.none()
    return (
        Incident.objects.filter(_scope(actor))
        .select_related("force", "neighbourhood", "created_by")
        .order_by("-occurred_at", "-id")
    )


class Flag:
    REPEAT_VICTIM = "repeat_victim"
    REPEAT_LOCATION = "repeat_location"
    ANY_REPEAT = "any_repeat"
    VULNERABLE = "vulnerable"
    HIGH_RISK = "high_risk"

    CHOICES = (
        (REPEAT_VICTIM, gettext_lazy("Repeat victim")),
        (REPEAT_LOCATION, gettext_lazy("Repeat location")),
        (ANY_REPEAT, gettext_lazy("Any repeat")),
        (VULNERABLE, gettext_lazy("Vulnerable person involved")),
        (HIGH_RISK, gettext_lazy("High risk")),
    )


@dataclass(frozen=True)
class IncidentFilters:
    """What a list, a map or an export is narrowed to. Dates are London dates, inclusive."""

    neighbourhood_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: str = ""
    status: str = ""
    person: str = ""
    flag: str = ""
    reference: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items() if v not in (None, "")
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def incidents_matching(actor: policy.Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    incidents = incidents_visible_to(actor)
    if filters.neighbourhood_id is not None:
        incidents = incidents.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.date_from is not None:
        incidents = incidents.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        incidents = incidents.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.reference:
        incidents = incidents.filter(reference__icontains=filters.reference.strip())
    if filters.person.strip():
        term = filters.person.strip()
        people = IncidentPerson.objects.filter(Q(name__icontains=term) | Q(address__icontains=term))
        incidents = incidents.filter(pk__in=people.values("incident_id"))
    match filters.flag:
        case Flag.REPEAT_VICTIM:
            incidents = incidents.filter(is_repeat_victim=True)
        case Flag.REPEAT_LOCATION:
            incidents = incidents.filter(is_repeat_location=True)
        case Flag.ANY_REPEAT:
            incidents = incidents.filter(Q(is_repeat_victim=True) | Q(is_repeat_location=True))
        case Flag.VULNERABLE:
            incidents = incidents.filter(pk__in=IncidentPerson.objects.filter(is_vulnerable=True).values("incident_id"))
        case Flag.HIGH_RISK:
            incidents = incidents.filter(risk_level="high")
    return incidents


def incident_get_for(*, actor: policy.Actor, incident_id: Any, action: policy.Action = policy.Action.VIEW) -> Incident:
    """One visible incident (404 otherwise), with its people and alerts loaded. Not audited:
    for the pages that act on it; `incident_open_for` is the audited read."""
    incidents = incidents_visible_to(actor).prefetch_related(
        Prefetch("people", queryset=IncidentPerson.objects.order_by("id")),
        Prefetch("alerts", queryset=Alert.objects.order_by("-created_at", "-id")),
    )
    incident = get_visible(incidents, incident_id)
    if action != policy.Action.VIEW and not may_change(actor, incident):
        policy.require(actor, action, incident)
    return incident


def incident_by_reference(*, actor: policy.Actor, reference: str) -> Incident:
    incident = incidents_visible_to(actor).filter(reference__iexact=reference.strip()).first()
    if incident is None:
        raise Http404(_(NOT_FOUND))
    return incident


def incident_open_for(*, actor: policy.Actor, incident_id: Any, meta: AuditMeta = NO_META) -> Incident:
    """One visible incident, to be shown with the people involved: the read is audited."""
    incident = incident_get_for(actor=actor, incident_id=incident_id)
    record(
        actor=actor,
        event=EventType.INCIDENT_VIEWED,
        obj=incident,
        neighbourhood_id=incident.neighbourhood_id,
        meta=meta,
    )
    return incident


def may_change(actor: policy.Actor, incident: Incident) -> bool:
    """Does the actor record incidents where this one is (or did they record it, in a force
    where they still record incidents)? The services check the same rule."""
    if policy.can(actor, policy.Action.RECORD_INCIDENT, incident):
        return True
    if not policy.is_person(actor) or incident.created_by_id != actor.pk:
        return False
    areas = policy.neighbourhoods_for(actor, policy.Action.RECORD_INCIDENT)
    return areas.filter(force_id=incident.force_id).exists()


def recording_neighbourhoods(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    """The neighbourhoods where the actor records incidents (for the map's starting view)."""
    return (
        policy.neighbourhoods_for(actor, policy.Action.RECORD_INCIDENT)
        .select_related("force")
        .order_by("force__name", "name")
    )


def correction_choices(*, actor: policy.Actor, incident: Incident) -> QuerySet[Neighbourhood]:
    """Neighbourhoods an incident can be moved to: the other active ones of its force."""
    return (
        Neighbourhood.objects.filter(force_id=incident.force_id, is_active=True)
        .exclude(pk=incident.neighbourhood_id)
        .order_by("name")
    )


def alerts_open_for(actor: policy.Actor) -> QuerySet[Alert]:
    """Unacknowledged alerts in the neighbourhoods where the actor records incidents (PCSOs,
    officers and supervisors see them on their home page)."""
    areas = policy.neighbourhoods_for(actor, policy.Action.RECORD_INCIDENT).values("pk")
    return (
        Alert.objects.filter(acknowledged_at__isnull=True, neighbourhood__in=areas)
        .select_related("incident", "neighbourhood")
        .order_by("-created_at", "-id")
    )


def alerts_visible_to(actor: policy.Actor) -> QuerySet[Alert]:
    """Alerts (open or acknowledged) of the incidents the actor can see."""
    return (
        Alert.objects.filter(incident__in=incidents_visible_to(actor).values("pk"))
        .select_related("incident", "neighbourhood", "acknowledged_by")
        .order_by("-created_at", "-id")
    )


def alert_get_for(*, actor: policy.Actor, alert_id: Any) -> Alert:
    return get_visible(alerts_visible_to(actor), alert_id)


def map_features(actor: policy.Actor, filters: IncidentFilters) -> dict[str, Any]:
    """The matching incidents as a GeoJSON FeatureCollection of points (newest first, at most
    MAP_POINT_LIMIT), with `total` and `truncated`. One query for the rows, one for the count."""
    incidents = incidents_matching(actor, filters)
    rows = list(
        incidents.values_list(
            "pk", "reference", "lat", "lng", "category", "status", "occurred_at", "is_repeat_victim",
            "is_repeat_location",
        )[: MAP_POINT_LIMIT + 1]
    )  # fmt: skip
    truncated = len(rows) > MAP_POINT_LIMIT
    rows = rows[:MAP_POINT_LIMIT]
    total = incidents.count() if truncated else len(rows)
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {
                "reference": ref,
                "category": category,
                "status": status,
                "occurred_at": occurred.isoformat(),
                "repeat": bool(rv or rl),
            },
        }
        for pk, ref, lat, lng, category, status, occurred, rv, rl in rows
    ]
    return {"type": "FeatureCollection", "features": features, "total": total, "truncated": truncated}
