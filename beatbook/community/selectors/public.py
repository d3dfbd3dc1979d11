"""What the public may see: the one place that decides it.

The public neighbourhood pages and the police.uk-compatible API read only through these
functions, and each one filters in SQL on an explicit publication flag:

* a neighbourhood only with a `NeighbourhoodPage` that is published (and the neighbourhood active);
* an event only when `is_public`, not cancelled, in a published neighbourhood;
* a priority only when `is_published` and not withdrawn, and of its actions only the public ones;
* a person only with a published `PublicProfile`, under the public name and rank chosen there,
  and on a neighbourhood's team only while posted there in an area role.

Nothing here returns internal notes, issues raised, follow-ups, attendance or account names.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from beatbook.core import geo
from beatbook.core.timeutil import today
from beatbook.org.models import Force, Neighbourhood, Posting, Role, Team

from ..models import (
    EngagementEvent,
    EventStatus,
    NeighbourhoodPage,
    Priority,
    PriorityAction,
    PriorityStatus,
    PublicProfile,
)

# Roles whose published profile appears on the team of the neighbourhoods they are posted to.
TEAM_ROLES = (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)


def public_forces() -> QuerySet[Force]:
    """Every force of this instance (a force's name and id are public), by name."""
    return Force.objects.order_by("name")


def public_force(slug: str) -> Force | None:
    return Force.objects.filter(slug=slug).select_related("community_settings").first()


def published_neighbourhoods(force: Force) -> QuerySet[Neighbourhood]:
    """The force's active neighbourhoods that have a published page, by name."""
    return Neighbourhood.objects.filter(force=force, is_active=True, public_page__is_published=True).order_by(
        "name", "code"
    )


def published_neighbourhood(force: Force, code: str) -> Neighbourhood | None:
    """One published neighbourhood of the force, with its page, or None."""
    return published_neighbourhoods(force).filter(code=code).select_related("public_page", "force").first()


def published_neighbourhood_of(force_slug: str, code: str) -> Neighbourhood | None:
    """One published neighbourhood by its force's police.uk id and its own, with its force and
    page, or None (one query)."""
    return (
        Neighbourhood.objects.filter(force__slug=force_slug, code=code, is_active=True, public_page__is_published=True)
        .select_related("public_page", "force")
        .first()
    )


def published_neighbourhood_at(lat: float, lng: float) -> Neighbourhood | None:
    """The published neighbourhood (of any force) whose boundary holds the point, with its force;
    None when no published neighbourhood covers it. One query: the bounding boxes pre-filter in
    SQL, the boundaries decide (the lowest id wins where published boundaries overlap)."""
    candidates = Neighbourhood.objects.filter(
        is_active=True,
        public_page__is_published=True,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lng__lte=lng,
        max_lng__gte=lng,
    ).select_related("force")
    for neighbourhood in candidates.order_by("id"):
        if geo.contains(neighbourhood.boundary, lat, lng):
            return neighbourhood
    return None


def neighbourhood_page(neighbourhood: Neighbourhood) -> NeighbourhoodPage:
    page: NeighbourhoodPage = neighbourhood.public_page
    return page


def public_events(neighbourhood: Neighbourhood, *, now: dt.datetime | None = None) -> QuerySet[EngagementEvent]:
    """Public, not cancelled events of a published neighbourhood that have not yet ended,
    soonest first."""
    moment = now or timezone.now()
    return (
        EngagementEvent.objects.filter(
            neighbourhood=neighbourhood,
            neighbourhood__public_page__is_published=True,
            is_public=True,
            ends_at__gte=moment,
        )
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def public_priorities(neighbourhood: Neighbourhood) -> QuerySet[Priority]:
    """Published priorities of a published neighbourhood (not withdrawn), newest first, each with
    `public_actions` (its public actions, newest first) prefetched: two queries in all."""
    actions = PriorityAction.objects.filter(is_public=True).order_by("-taken_on", "-id")
    return (
        Priority.objects.filter(
            neighbourhood=neighbourhood,
            neighbourhood__public_page__is_published=True,
            is_published=True,
        )
        .exclude(status=PriorityStatus.WITHDRAWN)
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="public_actions"))
        .order_by("-set_on", "-id")
    )


def _posted_to(neighbourhood: Neighbourhood, on: dt.date) -> QuerySet[Posting]:
    teams = Team.neighbourhoods.through.objects.filter(neighbourhood_id=neighbourhood.pk).values("team_id")
    return (
        Posting.objects.filter(role__in=[r.value for r in TEAM_ROLES], valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(neighbourhood_id=neighbourhood.pk) | Q(team_id__in=teams))
    )


def public_team(neighbourhood: Neighbourhood) -> QuerySet[PublicProfile]:
    """The published profiles of the people posted to this neighbourhood today (directly or
    through a team), by public name (one query)."""
    on = today()
    return PublicProfile.objects.filter(
        force_id=neighbourhood.force_id,
        is_published=True,
        person__is_active=True,
        person_id__in=_posted_to(neighbourhood, on).values("person_id"),
    ).order_by("public_name", "id")


def senior_officers(force: Force) -> QuerySet[PublicProfile]:
    """The force's published senior officers, by public name."""
    return PublicProfile.objects.filter(
        force=force, is_published=True, is_senior=True, person__is_active=True
    ).order_by("public_name", "id")


def engagement_methods(force: Force) -> list[dict[str, str]]:
    settings = getattr(force, "community_settings", None)
    if settings is None:
        return []
    methods: list[dict[str, str]] = settings.engagement_methods or []
    return methods
