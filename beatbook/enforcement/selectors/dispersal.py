"""Reads of dispersal authorisations and directions, scoped to the actor in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from beatbook.org import policy
from beatbook.org.models import Neighbourhood
from beatbook.org.selectors import get_visible

from ..models import DispersalAuthorisation, EnforcementRecord
from ..reference import RecordKind
from .common import authorisations_visible_to, records_visible_to


def active_q(at: dt.datetime) -> Q:
    """Authorisations in force at `at` (started, not past their end, not ended early by then)."""
    return Q(starts_at__lte=at, ends_at__gt=at) & (Q(ended_at__isnull=True) | Q(ended_at__gt=at))


def authorisation_list(
    actor: policy.Actor | None,
    *,
    active: bool | None = None,
    neighbourhood_id: int | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[DispersalAuthorisation]:
    """Visible authorisations, those in force now first, then the newest (one query a page)."""
    moment = at or timezone.now()
    rows = authorisations_visible_to(actor).select_related("neighbourhood", "force")
    if neighbourhood_id is not None:
        rows = rows.filter(neighbourhood_id=neighbourhood_id)
    if active is True:
        rows = rows.filter(active_q(moment))
    elif active is False:
        rows = rows.exclude(active_q(moment))
    return rows.annotate(
        in_force=Case(When(active_q(moment), then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-in_force", "-starts_at", "-id")


def authorisation_get_for(
    *, actor: policy.Actor | None, authorisation_id: Any, action: policy.Action = policy.Action.VIEW
) -> DispersalAuthorisation:
    """One visible authorisation (404 otherwise); 403 when the action is not allowed on it."""
    found = get_visible(
        authorisations_visible_to(actor).select_related("neighbourhood", "force", "created_by"), authorisation_id
    )
    if action != policy.Action.VIEW:
        policy.require(actor, action, found)
    return found


def authorising_neighbourhoods(actor: policy.Actor | None) -> QuerySet[Neighbourhood]:
    """Neighbourhoods where the actor may record an authorisation (supervisors of them)."""
    return policy.neighbourhoods_for(actor, policy.Action.AUTHORISE_DISPERSAL).select_related("force").order_by("name")


def may_authorise(actor: policy.Actor | None, authorisation: DispersalAuthorisation) -> bool:
    return policy.can(actor, policy.Action.AUTHORISE_DISPERSAL, authorisation)


def authorisations_to_direct_under(actor: policy.Actor | None, at: dt.datetime) -> QuerySet[DispersalAuthorisation]:
    """Authorisations in force at `at` in the neighbourhoods where the actor records enforcement
    (what a direction form offers)."""
    areas = policy.neighbourhoods_for(actor, policy.Action.ENFORCE).values("pk")
    return (
        authorisations_visible_to(actor)
        .filter(active_q(at), neighbourhood_id__in=areas)
        .select_related("neighbourhood")
        .order_by("ends_at", "id")
    )


def directions_under(actor: policy.Actor | None, authorisation: DispersalAuthorisation) -> QuerySet[EnforcementRecord]:
    """The directions given under an authorisation that the actor can see, newest first."""
    return (
        records_visible_to(actor)
        .filter(kind=RecordKind.DISPERSAL, dispersal__authorisation=authorisation)
        .select_related("officer", "neighbourhood", "dispersal")
        .order_by("-occurred_at", "-id")
    )
