"""Access policy: who may see and do what, by role x area (postings with dates).

This module is the one place where access is decided. It gives:

* scope querysets (`neighbourhoods_in_scope`, `teams_in_scope`, `people_in_scope`,
  `forces_in_scope`, `partners_in_scope`) that selectors use to filter lists *in SQL*, never after
  the query;
* `can(actor, action, obj)`, the yes/no for an action on an object the actor can already see;
* `require(actor, action, obj)`, which raises PermissionDenied when `can` says no.

The rules (documented as a table in docs/reference/permissions.md):

1. Only active postings count: valid_from <= today <= valid_to (Europe/London dates), for an
   active account.
2. A posting to a neighbourhood gives that neighbourhood; a posting to a team gives all the team's
   neighbourhoods; a force-wide posting (no area) gives all neighbourhoods of its force.
3. Partner users get no area at all: they see only the ASB cases shared with their organisation
   under an information-sharing agreement in force (`beatbook.cases.selectors`), and of those
   only the fields the agreement allows.
4. Auditors see force-wide but only read; they alone search the audit trail.
5. Invisible objects are "not found" (404) and visible-but-forbidden ones are 403, with the same
   message for "absent" and "not yours".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from beatbook.core.timeutil import today

from .models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role, Team

Actor = Person | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    MANAGE_PEOPLE = "org.manage_people"
    MANAGE_STRUCTURE = "org.manage_structure"
    SEARCH_AUDIT = "audit.search"
    VERIFY_AUDIT = "audit.verify"
    VIEW_JOBS = "jobs.view"
    RECORD_INCIDENT = "incidents.record"
    PATROL = "patrols.patrol"
    PLAN_PATROLS = "patrols.plan"
    MANAGE_INCIDENT_RULES = "incidents.manage_rules"
    MANAGE_ASB_CASES = "cases.manage"
    SHARE_ASB_CASES = "cases.share"
    MANAGE_SHARING_AGREEMENTS = "cases.manage_agreements"
    MANAGE_POWERS = "powers.manage"
    DESIGNATE_POWERS = "powers.designate"
    RECORD_TRAINING = "learning.record_training"
    ENFORCE = "enforcement.record"
    AUTHORISE_DISPERSAL = "enforcement.authorise_dispersal"
    PROCESS_PENALTIES = "enforcement.process_penalties"
    ENGAGE = "community.engage"
    MANAGE_PUBLICATION = "community.manage_publication"
    MANAGE_OPEN_DATA = "opendata.manage"
    MANAGE_RECRUITMENT = "recruitment.manage"
    MANAGE_PROGRAMMES = "learning.manage_programmes"
    OVERSEE_LEARNERS = "learning.oversee"


# Roles that make a posting without an area cover its whole force.
FORCE_SCOPE_ROLES = frozenset(set(Role) - {Role.PARTNER})
# What each role may do beyond viewing, within the scope its postings give.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.PCSO: frozenset(
        {Action.RECORD_INCIDENT, Action.PATROL, Action.MANAGE_ASB_CASES, Action.ENFORCE, Action.ENGAGE}
    ),
    Role.OFFICER: frozenset({Action.RECORD_INCIDENT, Action.PATROL, Action.MANAGE_ASB_CASES, Action.ENGAGE}),
    Role.SUPERVISOR: frozenset(
        {
            Action.RECORD_INCIDENT,
            Action.PATROL,
            Action.PLAN_PATROLS,
            Action.MANAGE_ASB_CASES,
            Action.SHARE_ASB_CASES,
            Action.AUTHORISE_DISPERSAL,
            Action.ENGAGE,
        }
    ),
    Role.TUTOR: frozenset(),
    Role.ASSESSOR: frozenset({Action.OVERSEE_LEARNERS}),
    Role.TRAINER: frozenset({Action.RECORD_TRAINING, Action.MANAGE_PROGRAMMES, Action.OVERSEE_LEARNERS}),
    Role.ANALYST: frozenset({Action.MANAGE_OPEN_DATA}),
    Role.RECRUITER: frozenset({Action.MANAGE_RECRUITMENT}),
    Role.PARTNER: frozenset(),
    Role.FORCE_ADMIN: frozenset(
        {
            Action.MANAGE_PEOPLE,
            Action.MANAGE_STRUCTURE,
            Action.VIEW_JOBS,
            Action.MANAGE_INCIDENT_RULES,
            Action.MANAGE_SHARING_AGREEMENTS,
            Action.MANAGE_POWERS,
            Action.DESIGNATE_POWERS,
            Action.RECORD_TRAINING,
            Action.PROCESS_PENALTIES,
            Action.MANAGE_PUBLICATION,
            Action.MANAGE_OPEN_DATA,
            Action.MANAGE_RECRUITMENT,
            Action.MANAGE_PROGRAMMES,
            Action.OVERSEE_LEARNERS,
        }
    ),
    Role.AUDITOR: frozenset({Action.SEARCH_AUDIT, Action.VERIFY_AUDIT, Action.VIEW_JOBS}),
}
# Force-level actions need a force-wide posting of a role that holds them.
FORCE_LEVEL_ACTIONS = frozenset(
    {
        Action.MANAGE_PEOPLE,
        Action.MANAGE_STRUCTURE,
        Action.SEARCH_AUDIT,
        Action.VERIFY_AUDIT,
        Action.VIEW_JOBS,
        Action.MANAGE_INCIDENT_RULES,
        Action.MANAGE_SHARING_AGREEMENTS,
        Action.MANAGE_POWERS,
        Action.DESIGNATE_POWERS,
        Action.RECORD_TRAINING,
        Action.PROCESS_PENALTIES,
        Action.MANAGE_PUBLICATION,
        Action.MANAGE_OPEN_DATA,
        Action.MANAGE_RECRUITMENT,
        Action.MANAGE_PROGRAMMES,
        Action.OVERSEE_LEARNERS,
    }
)
# Area-level actions: allowed in the neighbourhoods that a posting of a role holding the action
# covers (a PCSO records incidents in their own neighbourhood, a supervisor in the team's).
AREA_ACTIONS = frozenset(
    {
        Action.RECORD_INCIDENT,
        Action.PATROL,
        Action.PLAN_PATROLS,
        Action.MANAGE_ASB_CASES,
        Action.SHARE_ASB_CASES,
        Action.ENFORCE,
        Action.AUTHORISE_DISPERSAL,
        Action.ENGAGE,
    }
)


def roles_holding(action: Action) -> list[str]:
    return [role.value for role, actions in ROLE_ACTIONS.items() if action in actions]


def is_person(actor: Actor | None) -> TypeGuard[Person]:
    """An authenticated, active account (what every scope starts from)."""
    return isinstance(actor, Person) and actor.is_active


def is_system(actor: Actor | None) -> TypeGuard[Person]:
    """The system actor (jobs, commands, demo data) is allowed everything and cannot log in."""
    return isinstance(actor, Person) and actor.is_system


def active_postings(actor: Actor | None) -> QuerySet[Posting]:
    """The actor's postings in force today (empty for anonymous or inactive accounts)."""
    if not is_person(actor):
        return Posting.objects.none()
    on = today()
    return Posting.objects.filter(person=actor, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def _force_wide_postings(actor: Actor | None, roles: frozenset[Role] = FORCE_SCOPE_ROLES) -> QuerySet[Posting]:
    return active_postings(actor).filter(
        neighbourhood__isnull=True, team__isnull=True, role__in=[r.value for r in roles]
    )


def _area_postings(actor: Person) -> QuerySet[Posting]:
    return active_postings(actor).exclude(role=Role.PARTNER)


# Scopes are written as uncorrelated `IN (subquery)` filters rather than correlated EXISTS:
# both databases plan them as one semi-join each, and PostgreSQL's cost estimate stays small
# (nested correlated EXISTS once made it JIT-compile every people-list query).
TeamArea = Team.neighbourhoods.through


def _neighbourhoods_of(postings: QuerySet[Posting], force_wide: QuerySet[Posting]) -> QuerySet[Neighbourhood]:
    via_team = TeamArea.objects.filter(team_id__in=postings.filter(team__isnull=False).values("team_id"))
    return Neighbourhood.objects.filter(
        Q(pk__in=postings.filter(neighbourhood__isnull=False).values("neighbourhood_id"))
        | Q(pk__in=via_team.values("neighbourhood_id"))
        | Q(force_id__in=force_wide.values("force_id"))
    )


def neighbourhoods_in_scope(actor: Actor | None) -> QuerySet[Neighbourhood]:
    """Neighbourhoods the actor's active postings cover, as one SQL query (no Python filtering)."""
    if is_system(actor):
        return Neighbourhood.objects.all()
    if not is_person(actor):
        return Neighbourhood.objects.none()
    return _neighbourhoods_of(_area_postings(actor), _force_wide_postings(actor))


def neighbourhoods_for(actor: Actor | None, action: Action) -> QuerySet[Neighbourhood]:
    """Neighbourhoods where the actor may do an area-level action: those covered by an active
    posting of a role that holds it (one SQL query)."""
    if is_system(actor):
        return Neighbourhood.objects.all()
    if not is_person(actor) or action not in AREA_ACTIONS:
        return Neighbourhood.objects.none()
    roles = roles_holding(action)
    holding = frozenset(r for r in FORCE_SCOPE_ROLES if r.value in roles)
    return _neighbourhoods_of(_area_postings(actor).filter(role__in=roles), _force_wide_postings(actor, holding))


def forces_in_scope(actor: Actor | None) -> QuerySet[Force]:
    """Forces in which the actor holds any active posting (partners included: they belong)."""
    if is_system(actor):
        return Force.objects.all()
    if not is_person(actor):
        return Force.objects.none()
    return Force.objects.filter(pk__in=active_postings(actor).values("force_id"))


def teams_in_scope(actor: Actor | None) -> QuerySet[Team]:
    """Teams of which the actor sees at least one neighbourhood, or is posted to, and, for
    force-wide roles, every team of the force (one that covers no neighbourhood yet included)."""
    if is_system(actor):
        return Team.objects.all()
    if not is_person(actor):
        return Team.objects.none()
    areas = neighbourhoods_in_scope(actor).values("pk")
    return Team.objects.filter(
        Q(pk__in=TeamArea.objects.filter(neighbourhood_id__in=areas).values("team_id"))
        | Q(pk__in=active_postings(actor).filter(team__isnull=False).values("team_id"))
        | Q(force_id__in=_force_wide_postings(actor).values("force_id"))
    )


def people_in_scope(actor: Actor | None) -> QuerySet[Person]:
    """People the actor may see: themself, anyone posted in their areas, and, for force-wide
    roles, everyone in that force."""
    if is_system(actor):
        return Person.objects.all()
    if not is_person(actor):
        return Person.objects.none()
    on = today()
    areas = neighbourhoods_in_scope(actor).values("pk")
    teams_in_areas = TeamArea.objects.filter(neighbourhood_id__in=areas).values("team_id")
    posted_in_scope = (
        Posting.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(neighbourhood_id__in=areas) | Q(team_id__in=teams_in_areas))
        .values("person_id")
    )
    return Person.objects.filter(
        Q(pk=actor.pk) | Q(pk__in=posted_in_scope) | Q(force_id__in=_force_wide_postings(actor).values("force_id"))
    )


def partners_in_scope(actor: Actor | None) -> QuerySet[PartnerOrganisation]:
    """Partner organisations of the forces in which the actor holds an active posting other than
    the partner role; a partner user sees only their own organisation (while their posting lasts)."""
    if is_system(actor):
        return PartnerOrganisation.objects.all()
    if not is_person(actor):
        return PartnerOrganisation.objects.none()
    postings = active_postings(actor)
    visible = Q(force_id__in=postings.exclude(role=Role.PARTNER).values("force_id"))
    if actor.partner_organisation_id is not None:
        own_forces = postings.filter(role=Role.PARTNER).values("force_id")
        visible |= Q(pk=actor.partner_organisation_id, force_id__in=own_forces)
    return PartnerOrganisation.objects.filter(visible)


def roles_in_force(actor: Actor | None, force_id: int, *, force_wide_only: bool = False) -> set[Role]:
    postings = _force_wide_postings(actor) if force_wide_only else active_postings(actor)
    return {Role(r) for r in postings.filter(force_id=force_id).values_list("role", flat=True)}


def primary_posting(actor: Actor | None) -> Posting | None:
    """The posting shown in the page header: the most recent active one."""
    return (
        active_postings(actor).select_related("force", "neighbourhood", "team").order_by("-valid_from", "-id").first()
    )


def _force_of(obj: Any) -> int | None:
    if isinstance(obj, Force):
        return obj.pk
    force_id = getattr(obj, "force_id", None)
    return int(force_id) if force_id is not None else None


def _force_level_allowed(actor: Actor, action: Action, obj: Any) -> bool:
    force_id = _force_of(obj)
    if force_id is None:
        return False
    return any(action in ROLE_ACTIONS[role] for role in roles_in_force(actor, force_id, force_wide_only=True))


_VISIBILITY: dict[type, Callable[[Actor], QuerySet[Any]]] = {
    Force: forces_in_scope,
    Neighbourhood: neighbourhoods_in_scope,
    Team: teams_in_scope,
    Person: people_in_scope,
    PartnerOrganisation: partners_in_scope,
}


def register_visibility(model: type, scope: Callable[[Actor], QuerySet[Any]]) -> None:
    """Let a domain app say which of its rows an actor sees (its selector's scope), so that
    `can_see` and the History section work for them. Called from the app's `ready()`."""
    _VISIBILITY[model] = scope


def can_see(actor: Actor | None, obj: Any) -> bool:
    scope = _VISIBILITY.get(type(obj))
    if scope is None or not (is_person(actor) or is_system(actor)):
        return False
    assert actor is not None
    return scope(actor).filter(pk=obj.pk).exists()


def can(actor: Actor | None, action: Action | str, obj: Any) -> bool:
    """May `actor` do `action` on `obj`? Viewing needs the object in scope; other actions need a
    force-wide posting of a role that holds the action, in the object's force."""
    if is_system(actor):
        return True
    if not is_person(actor):
        return False
    assert actor is not None
    act = Action(action)
    if act == Action.VIEW:
        return can_see(actor, obj)
    if act in FORCE_LEVEL_ACTIONS:
        return _force_level_allowed(actor, act, obj)
    if act in AREA_ACTIONS:
        area_id = obj.pk if isinstance(obj, Neighbourhood) else getattr(obj, "neighbourhood_id", None)
        return area_id is not None and neighbourhoods_for(actor, act).filter(pk=area_id).exists()
    return False


def can_see_with_any(actor: Actor | None, obj: Any, actions: Iterable[Action]) -> bool:
    """Can the actor see `obj` and do at least one of the force-level `actions` in its force?
    One query (used for things shown only to some of those who see the object, e.g. its history)."""
    if is_system(actor):
        return True
    scope = _VISIBILITY.get(type(obj))
    force_id = _force_of(obj)
    if not is_person(actor) or scope is None or force_id is None:
        return False
    wanted = set(actions) & FORCE_LEVEL_ACTIONS
    roles = [role.value for role, allowed in ROLE_ACTIONS.items() if allowed & wanted]
    holds = _force_wide_postings(actor).filter(force_id=force_id, role__in=roles)
    return scope(actor).filter(pk=obj.pk).filter(Exists(holds)).exists()


def require(actor: Actor | None, action: Action | str, obj: Any) -> None:
    """Raise PermissionDenied unless `can(actor, action, obj)`."""
    if not can(actor, action, obj):
        raise PermissionDenied(_("You do not have permission to do that."))


def require_forces(actor: Actor | None, action: Action) -> list[Force]:
    """The forces where the actor may do a force-level action, by name; PermissionDenied if none
    (for pages that act in "one of my forces": create a person, search the audit trail, ...)."""
    forces = list(forces_where(actor, action).order_by("name"))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    return forces


def force_wide_actions(actor: Actor | None) -> frozenset[Action]:
    """The force-level actions the actor may do in at least one force (one query; for menus)."""
    if not is_person(actor):
        return frozenset()
    held: set[Action] = set()
    for role in _force_wide_postings(actor).values_list("role", flat=True).distinct():
        held |= ROLE_ACTIONS[Role(role)] & FORCE_LEVEL_ACTIONS
    return frozenset(held)


def forces_where(actor: Actor | None, action: Action) -> QuerySet[Force]:
    """Forces in which the actor may do a force-level action (for menus and form choices)."""
    roles = roles_holding(action)
    if not is_person(actor) or not roles:
        return Force.objects.none()
    return Force.objects.filter(Exists(_force_wide_postings(actor).filter(force=OuterRef("pk"), role__in=roles)))
