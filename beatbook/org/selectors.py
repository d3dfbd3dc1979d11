"""Reads of the organisation, always scoped to the actor in SQL (see `policy.py`).

`*_visible_to(actor)` return querysets already filtered; `*_get_for(actor=, ...)` return one row
or raise Http404 (not visible: the same answer as "does not exist") or PermissionDenied (visible,
but the action is not allowed).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from beatbook.core import geo
from beatbook.core.timeutil import today

from . import policy
from .models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Team

M = TypeVar("M", bound=Model)

NOT_FOUND = "Not found."


def get_visible[M: Model](queryset: QuerySet[M], pk: Any) -> M:
    """One row from an already-scoped queryset, or 404 with the same message whether the row is
    absent or merely not the actor's."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_(NOT_FOUND)) from exc


def _checked[M: Model](actor: policy.Actor, obj: M, action: policy.Action) -> M:
    if action != policy.Action.VIEW:
        policy.require(actor, action, obj)
    return obj


def forces_visible_to(actor: policy.Actor) -> QuerySet[Force]:
    return policy.forces_in_scope(actor).order_by("name")


def force_get_for(*, actor: policy.Actor, slug: str, action: policy.Action = policy.Action.VIEW) -> Force:
    try:
        force = forces_visible_to(actor).get(slug=slug)
    except Force.DoesNotExist as exc:
        raise Http404(_(NOT_FOUND)) from exc
    return _checked(actor, force, action)


def neighbourhoods_visible_to(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    return policy.neighbourhoods_in_scope(actor).select_related("force").order_by("force__name", "name")


def neighbourhood_get_for(
    *, actor: policy.Actor, neighbourhood_id: Any, action: policy.Action = policy.Action.VIEW
) -> Neighbourhood:
    return _checked(actor, get_visible(neighbourhoods_visible_to(actor), neighbourhood_id), action)


def teams_visible_to(actor: policy.Actor) -> QuerySet[Team]:
    return policy.teams_in_scope(actor).select_related("force").order_by("force__name", "name")


def teams_with_areas(actor: policy.Actor) -> QuerySet[Team]:
    """Visible teams with the neighbourhoods of theirs that the actor can see, in
    `visible_neighbourhoods` (one prefetch query, whatever the number of teams)."""
    areas = policy.neighbourhoods_in_scope(actor).order_by("name", "id")
    return teams_visible_to(actor).prefetch_related(
        Prefetch("neighbourhoods", queryset=areas, to_attr="visible_neighbourhoods")
    )


def team_get_for(*, actor: policy.Actor, team_id: Any, action: policy.Action = policy.Action.VIEW) -> Team:
    """One visible team, with its visible neighbourhoods loaded (see `teams_with_areas`)."""
    return _checked(actor, get_visible(teams_with_areas(actor), team_id), action)


def _active_postings_prefetch() -> Prefetch[Any]:
    on = today()
    active = (
        Posting.objects.filter(valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("neighbourhood", "team")
        .order_by("-valid_from", "id")
    )
    return Prefetch("postings", queryset=active, to_attr="active_postings")


def people_visible_to(actor: policy.Actor) -> QuerySet[Person]:
    """People in the actor's scope, with their force and active postings loaded (no N+1)."""
    return (
        policy.people_in_scope(actor)
        .filter(is_system=False)
        .select_related("force", "partner_organisation")
        .prefetch_related(_active_postings_prefetch())
        .order_by("display_name", "id")
    )


def person_get_for(*, actor: policy.Actor, person_id: Any, action: policy.Action = policy.Action.VIEW) -> Person:
    return _checked(actor, get_visible(people_visible_to(actor), person_id), action)


def postings_of(*, actor: policy.Actor, person: Person) -> QuerySet[Posting]:
    """All postings (past, present and future) of a person the actor can see."""
    get_visible(policy.people_in_scope(actor), person.pk)
    return person.postings.select_related("force", "neighbourhood", "team").order_by("-valid_from", "-id")


def neighbourhood_containing(*, lat: float, lng: float, force: Force | None = None) -> Neighbourhood | None:
    """The active neighbourhood whose boundary contains the point (public information: police.uk
    answers the same question for anyone). Bounding boxes pre-filter in SQL; shapely decides."""
    candidates = Neighbourhood.objects.filter(
        is_active=True, min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng
    ).select_related("force")
    if force is not None:
        candidates = candidates.filter(force=force)
    for nb in candidates.order_by("id"):
        if geo.contains(nb.boundary, lat, lng):
            return nb
    return None


def my_neighbourhoods(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    """The neighbourhoods of the actor's own postings (directly or through a team), with teams.

    For force-wide roles this is every neighbourhood of the force, as their scope is."""
    return neighbourhoods_visible_to(actor).prefetch_related("teams")


def team_members(*, actor: policy.Actor, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Posting]:
    """Active postings in the given neighbourhoods (narrowed to the actor's scope), directly or
    through a team, for the home page's team list. One query."""
    on = today()
    area_ids = neighbourhoods.filter(pk__in=policy.neighbourhoods_in_scope(actor).values("pk")).values("pk")
    return (
        Posting.objects.filter(valid_from__lte=on, person__is_active=True)
        .exclude(valid_to__lt=on)
        .filter(Q(neighbourhood__in=area_ids) | Q(team__neighbourhoods__in=area_ids))
        .distinct()
        .select_related("person", "neighbourhood", "team")
        .order_by("role", "person__display_name", "id")
    )


def people_matching(actor: policy.Actor, q: str = "") -> QuerySet[Person]:
    """People in the actor's scope whose display name, username or collar number contains `q`."""
    people = people_visible_to(actor)
    term = q.strip()
    if term:
        people = people.filter(
            Q(display_name__icontains=term) | Q(username__icontains=term) | Q(collar_number__icontains=term)
        )
    return people


def postings_visible_to(actor: policy.Actor) -> QuerySet[Posting]:
    """Postings of the people the actor can see (past, present and future)."""
    people = policy.people_in_scope(actor).filter(is_system=False)
    return Posting.objects.filter(person__in=people).select_related("person", "force", "neighbourhood", "team")


def posting_get_for(*, actor: policy.Actor, posting_id: Any, action: policy.Action = policy.Action.VIEW) -> Posting:
    """One posting of a visible person (404 otherwise); other actions are checked on the person."""
    posting = get_visible(postings_visible_to(actor), posting_id)
    _checked(actor, posting.person, action)
    return posting


def neighbourhoods_of_force(*, actor: policy.Actor, force_id: int | None) -> QuerySet[Neighbourhood]:
    """The actor's visible neighbourhoods in one force (for form choices)."""
    if force_id is None:
        return Neighbourhood.objects.none()
    return neighbourhoods_visible_to(actor).filter(force_id=force_id)


def teams_of_force(*, actor: policy.Actor, force_id: int | None) -> QuerySet[Team]:
    """The actor's visible teams in one force (for form choices)."""
    if force_id is None:
        return Team.objects.none()
    return teams_visible_to(actor).filter(force_id=force_id)


def teams_covering(*, actor: policy.Actor, neighbourhood: Neighbourhood) -> QuerySet[Team]:
    """Visible teams that cover a neighbourhood."""
    return teams_visible_to(actor).filter(neighbourhoods=neighbourhood)


def partners_where(actor: policy.Actor, action: policy.Action) -> QuerySet[PartnerOrganisation]:
    """Partner organisations of the forces in which the actor may do `action` (form choices)."""
    return (
        PartnerOrganisation.objects.filter(force__in=policy.forces_where(actor, action))
        .select_related("force")
        .order_by("force__name", "name")
    )


def partners_visible_to(actor: policy.Actor) -> QuerySet[PartnerOrganisation]:
    """Partner organisations of the actor's forces (see `policy.partners_in_scope`): every one
    for people who work for the force, only their own for a partner organisation's member."""
    return policy.partners_in_scope(actor).select_related("force").order_by("force__name", "name")


def neighbourhoods_where(actor: policy.Actor, action: policy.Action) -> QuerySet[Neighbourhood]:
    """Visible neighbourhoods of the forces in which the actor may do `action` (form choices)."""
    return neighbourhoods_visible_to(actor).filter(force__in=policy.forces_where(actor, action))
