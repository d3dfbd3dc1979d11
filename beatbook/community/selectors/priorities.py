"""Neighbourhood priorities: the scope and the lookups the pages and API share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beatbook.org import policy

from ..models import Priority


def priorities_visible_to(actor: policy.Actor | None) -> QuerySet[Priority]:
    """Priorities of the actor's neighbourhoods, and those the actor owns (one query)."""
    if policy.is_system(actor):
        return Priority.objects.all()
    if not policy.is_person(actor):
        return Priority.objects.none()
    assert actor is not None
    return Priority.objects.filter(
        Q(neighbourhood_id__in=policy.neighbourhoods_in_scope(actor).values("pk")) | Q(owner_id=actor.pk)
    )
