"""Teams: read by anyone who sees them, created and changed by force administrators.

A team is shown with the neighbourhoods of its that the caller can see (a PCSO in one of a
team's neighbourhoods sees the team, but not its other neighbourhoods).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.org import policy, selectors, services
from beatbook.org.models import Force, Neighbourhood, Person

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import team_out
from .schemas import ForceFilterQuery, TeamIn, TeamOut, TeamPatchIn, TeamsPage

router = Router(tags=["teams"])


def _neighbourhoods(actor: Person, force: Force, ids: list[int]) -> list[Neighbourhood]:
    """The force's neighbourhoods with these ids, from the caller's scope: an id that is unknown,
    not visible or of another force is a field error (400), not a 404 of the whole request."""
    wanted = set(ids)
    found = list(selectors.neighbourhoods_of_force(actor=actor, force_id=force.pk).filter(pk__in=wanted))
    missing = sorted(wanted - {nb.pk for nb in found})
    if missing:
        message = _("No such neighbourhood in the team's force: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        raise ValidationError({"neighbourhoods": message})
    return found


@router.get(
    "/teams",
    response={200: TeamsPage, **error_responses(401, 404, 422)},
    summary="Teams visible to the caller, with their visible neighbourhoods",
    description="404 when `force` names a force the caller cannot see.",
)
def team_list(request: HttpRequest, filters: Query[ForceFilterQuery]) -> TeamsPage:
    actor = actor_of(request)
    teams = selectors.teams_with_areas(actor)
    if filters.force is not None:
        teams = teams.filter(force=selectors.force_get_for(actor=actor, slug=filters.force))
    page = paginate(teams, number=filters.page, size=filters.page_size)
    return TeamsPage(items=[team_out(t) for t in page.items], page=page.number, page_size=page.size, total=page.total)


@router.get("/teams/{int:team_id}", response={200: TeamOut, **error_responses(401, 404)}, summary="One team")
def team_detail(request: HttpRequest, team_id: int) -> TeamOut:
    return team_out(selectors.team_get_for(actor=actor_of(request), team_id=team_id))


@router.post(
    "/teams",
    response={201: TeamOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create a team (force administrators)",
    description="404 when the force is not one the caller can see; 403 when they cannot manage its structure. "
    "A name the force already uses, or a neighbourhood that is not the force's, is 400.",
)
def team_create(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    actor = actor_of(request)
    force = selectors.force_get_for(actor=actor, slug=payload.force, action=policy.Action.MANAGE_STRUCTURE)
    team = services.team_create(
        actor=actor,
        force=force,
        name=payload.name,
        neighbourhoods=_neighbourhoods(actor, force, payload.neighbourhoods),
        meta=meta_of(request),
    )
    return Status(201, team_out(selectors.team_get_for(actor=actor, team_id=team.pk)))


@router.patch(
    "/teams/{int:team_id}",
    response={200: TeamOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Rename a team or replace its neighbourhoods (force administrators)",
    description="Send `name`, `neighbourhoods` or both; what is left out stays as it is.",
)
def team_update(request: HttpRequest, team_id: int, payload: TeamPatchIn) -> TeamOut:
    actor = actor_of(request)
    team = selectors.team_get_for(actor=actor, team_id=team_id, action=policy.Action.MANAGE_STRUCTURE)
    neighbourhoods = None
    if payload.neighbourhoods is not None:
        neighbourhoods = _neighbourhoods(actor, team.force, payload.neighbourhoods)
    changes = services.TeamChanges(name=payload.name, neighbourhoods=neighbourhoods)
    services.team_update(actor=actor, team=team, changes=changes, meta=meta_of(request))
    return team_out(selectors.team_get_for(actor=actor, team_id=team.pk))
