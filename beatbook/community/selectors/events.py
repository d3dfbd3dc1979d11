"""Engagement events: the scope (who sees which) and the lookups the pages and API share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beatbook.org import policy

from ..models import EngagementEvent


def events_visible_to(actor: policy.Actor | None) -> QuerySet[EngagementEvent]:
    """Events of the actor's neighbourhoods, and events the actor created or attends (one query)."""
    if policy.is_system(actor):
        return EngagementEvent.objects.all()
    if not policy.is_person(actor):
        return EngagementEvent.objects.none()
    assert actor is not None
    return EngagementEvent.objects.filter(
        Q(neighbourhood_id__in=policy.neighbourhoods_in_scope(actor).values("pk"))
        | Q(created_by_id=actor.pk)
        | Q(pk__in=EngagementEvent.officers.through.objects.filter(person_id=actor.pk).values("engagementevent_id"))
    )
