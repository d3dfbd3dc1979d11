"""Neighbourhood priorities: the scope and the lookups the pages and API share.

An actor sees the priorities of the neighbourhoods in their scope and those they own. A
priority is *due for review* when it is open and its last update (`last_update_on`, the date of
its latest action or the date it was set) is older than today minus the force's review period
(`CommunitySettings.priority_review_days`, 90 days for a force without settings). The flag is
computed in SQL, per force, so that lists, filters and counts agree and cost no extra query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person, Posting, Role
from beatbook.org.selectors import NOT_FOUND

from ..models import CommunitySettings, Priority, PriorityAction, PriorityStatus

# The review period of a force that has no community settings row (the model's default).
DEFAULT_REVIEW_DAYS = 90


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


# ---- the review period and the flag ---------------------------------------------------------


def review_days_of(force_id: int) -> int:
    """The force's review period in days (90 when the force has no settings row)."""
    days = CommunitySettings.objects.filter(force_id=force_id).values_list("priority_review_days", flat=True).first()
    return int(days) if days is not None else DEFAULT_REVIEW_DAYS


def _review_days() -> Coalesce:
    """The review period of the row's force, as an SQL expression (a subquery, 90 without one)."""
    days = CommunitySettings.objects.filter(force_id=OuterRef("force_id")).values("priority_review_days")[:1]
    return Coalesce(Subquery(days), Value(DEFAULT_REVIEW_DAYS), output_field=IntegerField())


def _stale_before(on: dt.date) -> ExpressionWrapper[Any]:
    """The date before which a priority's last update makes it due: `on` minus the force's review
    period (a date on SQLite, a timestamp at midnight on PostgreSQL: both compare with a date)."""
    period = ExpressionWrapper(Value(dt.timedelta(days=1)) * _review_days(), output_field=DurationField())
    return ExpressionWrapper(Value(on) - period, output_field=DateField())


def _due_condition(on: dt.date) -> Q:
    return Q(status=PriorityStatus.OPEN, last_update_on__lt=_stale_before(on))


def with_review_flag(priorities: QuerySet[Priority], *, on: dt.date | None = None) -> QuerySet[Priority]:
    """Annotate `review_days` (the force's period) and `is_due_review` (open, and no update for
    longer than the period on `on`, today by default)."""
    day = on or today()
    return priorities.annotate(
        review_days=_review_days(),
        is_due_review=Case(
            When(_due_condition(day), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


def due_for_review(priorities: QuerySet[Priority], *, on: dt.date | None = None) -> QuerySet[Priority]:
    return priorities.filter(_due_condition(on or today()))


# ---- lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityFilters:
    """What a list or an export is narrowed to."""

    neighbourhood_id: int | None = None
    status: str = ""
    published: bool | None = None
    owner_id: int | None = None
    due: bool = False
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The filters that narrow something (for the audit trail)."""
        given = {k: v for k, v in self.__dict__.items() if v is not None and v != ""}
        if not self.due:
            given.pop("due")
        return given


def _latest(field: str, *, public_only: bool = False) -> Subquery:
    actions = PriorityAction.objects.filter(priority_id=OuterRef("pk"))
    if public_only:
        actions = actions.filter(is_public=True)
    return Subquery(actions.order_by("-taken_on", "-id").values(field)[:1])


def _action_count() -> Coalesce:
    counts = (
        PriorityAction.objects.filter(priority_id=OuterRef("pk"))
        .order_by()
        .values("priority_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), Value(0), output_field=IntegerField())


def priority_list(actor: policy.Actor | None) -> QuerySet[Priority]:
    """The visible priorities with what a list row shows, newest first, in one query:
    neighbourhood, owner and source event joined; `review_days`, `is_due_review`,
    `action_count`, the latest action (`latest_action_on`, `latest_action_text`,
    `latest_action_public`) and the latest public one (`latest_public_on`, `latest_public_text`)
    annotated."""
    return with_review_flag(
        priorities_visible_to(actor)
        .select_related("force", "neighbourhood", "owner", "source_event")
        .annotate(
            action_count=_action_count(),
            latest_action_on=_latest("taken_on"),
            latest_action_text=_latest("text"),
            latest_action_public=_latest("is_public"),
            latest_public_on=_latest("taken_on", public_only=True),
            latest_public_text=_latest("text", public_only=True),
        )
        .order_by("-set_on", "-id")
    )


def priorities_matching(actor: policy.Actor | None, filters: PriorityFilters) -> QuerySet[Priority]:
    priorities = priority_list(actor)
    if filters.neighbourhood_id is not None:
        priorities = priorities.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.status:
        priorities = priorities.filter(status=filters.status)
    if filters.published is not None:
        priorities = priorities.filter(is_published=filters.published)
    if filters.owner_id is not None:
        priorities = priorities.filter(owner_id=filters.owner_id)
    if filters.due:
        priorities = due_for_review(priorities)
    term = filters.text.strip()
    if term:
        priorities = priorities.filter(Q(issue__icontains=term) | Q(reference__icontains=term))
    return priorities


def priority_get_for(
    *, actor: policy.Actor | None, reference: str, action: policy.Action = policy.Action.VIEW
) -> Priority:
    """One visible priority by reference (404 otherwise, the same for absent and not yours), with
    the list's annotations; PermissionDenied when the actor may not do `action` on it."""
    # References are upper case (`CAMBS-PRI-2026-000012`): an exact match uses the unique index.
    priority = priority_list(actor).filter(reference=str(reference).strip().upper()).first()
    if priority is None:
        raise Http404(_(NOT_FOUND))
    if action != policy.Action.VIEW and not may_act_on(actor, priority, action):
        policy.require(actor, action, priority)
    return priority


def may_act_on(actor: policy.Actor | None, priority: Priority, action: policy.Action = policy.Action.ENGAGE) -> bool:
    """May the actor change the priority? ENGAGE in its neighbourhood; publication may also be
    changed by whoever manages the force's publication (`MANAGE_PUBLICATION`)."""
    if policy.can(actor, policy.Action.ENGAGE, priority):
        return True
    return action == policy.Action.MANAGE_PUBLICATION and policy.can(actor, action, priority)


def actions_of(priority: Priority) -> QuerySet[PriorityAction]:
    """The priority's actions in date order (the "we did" timeline), with who recorded each."""
    return priority.actions.select_related("created_by").order_by("taken_on", "id")


# ---- due for review: flagged to the owner and the supervisors ---------------------------------


def supervised_neighbourhoods(actor: policy.Actor | None) -> QuerySet[Neighbourhood]:
    """Neighbourhoods covered by the actor's active supervisor postings: directly, through a team,
    or force-wide (one query when used as a subquery)."""
    postings = policy.active_postings(actor).filter(role=Role.SUPERVISOR)
    via_team = policy.TeamArea.objects.filter(team_id__in=postings.filter(team__isnull=False).values("team_id"))
    force_wide = postings.filter(neighbourhood__isnull=True, team__isnull=True)
    return Neighbourhood.objects.filter(
        Q(pk__in=postings.filter(neighbourhood__isnull=False).values("neighbourhood_id"))
        | Q(pk__in=via_team.values("neighbourhood_id"))
        | Q(force_id__in=force_wide.values("force_id"))
    )


def priorities_due_for(actor: policy.Actor | None) -> QuerySet[Priority]:
    """The open priorities due for review that are the actor's to act on: those they own, and
    those of the neighbourhoods they supervise; the longest without an update first, with the
    list's annotations (one query)."""
    if not policy.is_person(actor) or policy.is_system(actor):
        return Priority.objects.none()
    assert actor is not None
    mine = Q(owner_id=actor.pk) | Q(neighbourhood_id__in=supervised_neighbourhoods(actor).values("pk"))
    return due_for_review(priority_list(actor).filter(mine)).order_by("last_update_on", "id")


# ---- choices for forms and the API --------------------------------------------------------


def engaging_neighbourhoods(actor: policy.Actor | None) -> QuerySet[Neighbourhood]:
    """The active neighbourhoods where the actor may set priorities, by force and name."""
    return (
        policy.neighbourhoods_for(actor, policy.Action.ENGAGE)
        .filter(is_active=True)
        .select_related("force")
        .order_by("force__name", "name")
    )


def possible_owners(neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Person]:
    """People who engage in at least one of these neighbourhoods today (an active posting of a
    role that holds ENGAGE there: directly, through a team, or force-wide), by name. The service
    checks the chosen owner against the priority's own neighbourhood."""
    on = today()
    areas = neighbourhoods.values("pk")
    teams = policy.TeamArea.objects.filter(neighbourhood_id__in=areas).values("team_id")
    postings = (
        Posting.objects.filter(role__in=policy.roles_holding(policy.Action.ENGAGE), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(
            Q(neighbourhood_id__in=areas)
            | Q(team_id__in=teams)
            | Q(neighbourhood__isnull=True, team__isnull=True, force_id__in=neighbourhoods.values("force_id"))
        )
    )
    return Person.objects.filter(pk__in=postings.values("person_id"), is_active=True, is_system=False).order_by(
        "display_name", "id"
    )


def owners_for(priority: Priority) -> QuerySet[Person]:
    """Who may own this priority: the people who engage in its neighbourhood today, and its
    current owner (who may have moved on: the priority can still be edited without a new one)."""
    engaging = possible_owners(Neighbourhood.objects.filter(pk=priority.neighbourhood_id))
    return (engaging | Person.objects.filter(pk=priority.owner_id)).order_by("display_name", "id")
