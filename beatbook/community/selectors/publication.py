"""Reads for the staff side of publication: the forces whose publication the actor manages, their
neighbourhoods with the state of each public page, and their people with the state of each
public profile.

Scoped in SQL to the forces where the actor holds `Action.MANAGE_PUBLICATION` (the force
administrator). What the public sees is decided elsewhere, in `public.py`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Person

from ..models import CommunitySettings, NeighbourhoodPage, PublicProfile


def publication_forces(actor: policy.Actor) -> QuerySet[Force]:
    """The forces whose publication the actor manages, by name, with their settings row."""
    return (
        policy.forces_where(actor, policy.Action.MANAGE_PUBLICATION)
        .select_related("community_settings")
        .order_by("name")
    )


def _managed_force_ids(actor: policy.Actor) -> QuerySet[Force, Any]:
    return policy.forces_where(actor, policy.Action.MANAGE_PUBLICATION).values("pk")


def settings_of(force: Force) -> CommunitySettings:
    """The force's settings row, or an unsaved one with the defaults (uses a loaded
    `community_settings` when the force came through `publication_forces`)."""
    try:
        settings: CommunitySettings = force.community_settings
    except CommunitySettings.DoesNotExist:
        return CommunitySettings(force=force)
    return settings


def neighbourhoods_for_publication(actor: policy.Actor, *, force: Force | None = None) -> QuerySet[Neighbourhood]:
    """Neighbourhoods of the forces whose publication the actor manages (active ones first, then
    by name), each with its `public_page` row loaded when it has one (one query)."""
    areas = Neighbourhood.objects.filter(force_id__in=_managed_force_ids(actor))
    if force is not None:
        areas = areas.filter(force=force)
    return areas.select_related("force", "public_page").order_by("force__name", "-is_active", "name", "id")


def page_of(neighbourhood: Neighbourhood) -> NeighbourhoodPage:
    """The neighbourhood's page row, or an unsaved unpublished one (no query when the row was
    loaded with `select_related("public_page")`)."""
    try:
        page: NeighbourhoodPage = neighbourhood.public_page
    except NeighbourhoodPage.DoesNotExist:
        return NeighbourhoodPage(neighbourhood=neighbourhood, force_id=neighbourhood.force_id)
    return page


def people_for_publication(actor: policy.Actor, *, force: Force | None = None, q: str = "") -> QuerySet[Person]:
    """The people (accounts of the force's own staff, not partner users) of the forces whose
    publication the actor manages, by name, each with its `public_profile` row loaded when it
    has one; `q` narrows to a part of the name, username, collar number or public name."""
    people = Person.objects.filter(
        force_id__in=_managed_force_ids(actor), is_system=False, partner_organisation__isnull=True
    )
    if force is not None:
        people = people.filter(force=force)
    term = q.strip()
    if term:
        people = people.filter(
            Q(display_name__icontains=term)
            | Q(username__icontains=term)
            | Q(collar_number__icontains=term)
            | Q(public_profile__public_name__icontains=term)
        )
    return people.select_related("force", "public_profile").order_by("display_name", "id")


def profile_of(person: Person) -> PublicProfile | None:
    """The person's profile row, or None (no query when it was loaded with `select_related`)."""
    try:
        profile: PublicProfile = person.public_profile
    except PublicProfile.DoesNotExist:
        return None
    return profile


def public_profiles_for(actor: policy.Actor, *, force: Force | None = None) -> QuerySet[PublicProfile]:
    """The public profiles (published or not) of the forces whose publication the actor manages,
    by public name, with the person and force loaded."""
    profiles = PublicProfile.objects.filter(force_id__in=_managed_force_ids(actor))
    if force is not None:
        profiles = profiles.filter(force=force)
    return profiles.select_related("person", "force").order_by("force__name", "public_name", "id")
