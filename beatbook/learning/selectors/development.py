"""Reads of the development area (competency frameworks, CPD, PDR), scoped to the actor in SQL.

Who sees what (docs/reference/permissions.md, "CPD and PDR"):

* frameworks and their items: everyone signed in (national reference data);
* a CPD entry: its owner, and the person's line managers;
* a PDR: the person, the line manager who opened it, and the person's current line managers.

A person's *line managers* are the people holding an active supervisor posting whose area (its
neighbourhood, or the neighbourhoods of its team) covers one of the person's active PCSO or
officer postings. A PCSO is never anyone's line manager, so a PCSO sees only their own CPD.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import gettext as _

from beatbook.core.timeutil import today
from beatbook.learning.models import (
    CpdEntry,
    ForceFramework,
    Framework,
    FrameworkItem,
    ItemKind,
    Pdr,
    PdrRating,
    RatingOption,
    TrainingRecord,
)
from beatbook.learning.selectors import training
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person, Posting, Role
from beatbook.org.selectors import get_visible

# The roles whose holders have a line manager, and the role that is one.
MANAGED_ROLES = (Role.PCSO, Role.OFFICER)
LINE_MANAGER_ROLE = Role.SUPERVISOR
EXPORT_LIMIT = 5000


# ---- Frameworks ---------------------------------------------------------------------------------


def frameworks_list() -> QuerySet[Framework]:
    return Framework.objects.select_related("replaced_by").order_by("year", "code")


def framework_get(*, code: str) -> Framework:
    """A framework with its levels, items (and their indicators) and rating scale; 404 if none."""
    queryset = Framework.objects.select_related("replaced_by").prefetch_related(
        "levels", "rating_options", Prefetch("items", queryset=FrameworkItem.objects.prefetch_related("indicators"))
    )
    found = queryset.filter(code=code).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def force_frameworks() -> dict[int, Framework]:
    """Each force's framework in use, by force id (one query)."""
    return {c.force_id: c.framework for c in ForceFramework.objects.select_related("framework")}


def framework_of_force(force_id: int | None) -> Framework | None:
    if force_id is None:
        return None
    choice = ForceFramework.objects.select_related("framework").filter(force_id=force_id).first()
    return choice.framework if choice is not None else None


def items_of(
    framework: Framework | None, *, kinds: tuple[str, ...] = tuple(ItemKind.values)
) -> QuerySet[FrameworkItem]:
    if framework is None:
        return FrameworkItem.objects.none()
    return FrameworkItem.objects.filter(framework=framework, kind__in=kinds).order_by("position", "id")


def rating_options_of(framework: Framework) -> QuerySet[RatingOption]:
    return RatingOption.objects.filter(framework=framework).order_by("position", "id")


def forces_to_choose(actor: policy.Actor) -> Any:
    """Forces where the actor may choose the framework in use (trainers, force administrators)."""
    return policy.forces_where(actor, policy.Action.MANAGE_PROGRAMMES).order_by("name")


# ---- Line management ----------------------------------------------------------------------------


def _active_postings() -> QuerySet[Posting]:
    on = today()
    return Posting.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def managed_people(actor: policy.Actor) -> QuerySet[Person]:
    """The people the actor line-manages (see the module docstring), never the actor themself."""
    if policy.is_system(actor):
        return Person.objects.filter(is_system=False)
    if not policy.is_person(actor):
        return Person.objects.none()
    own = policy.active_postings(actor).filter(role=LINE_MANAGER_ROLE)
    areas = Neighbourhood.objects.filter(
        Q(pk__in=own.filter(neighbourhood__isnull=False).values("neighbourhood_id"))
        | Q(pk__in=policy.TeamArea.objects.filter(team_id__in=own.values("team_id")).values("neighbourhood_id"))
    ).values("pk")
    teams = policy.TeamArea.objects.filter(neighbourhood_id__in=areas).values("team_id")
    managed = (
        _active_postings().filter(role__in=MANAGED_ROLES).filter(Q(neighbourhood_id__in=areas) | Q(team_id__in=teams))
    )
    return Person.objects.filter(pk__in=managed.values("person_id"), is_active=True).exclude(pk=actor.pk)


def is_line_manager_of(actor: policy.Actor, person: Person) -> bool:
    return managed_people(actor).filter(pk=person.pk).exists()


# ---- CPD ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpdFilters:
    person_id: int | None = None
    year: int | None = None
    kind: str = ""
    item_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"person": self.person_id, "year": self.year, "kind": self.kind, "item": self.item_id}


def cpd_entries_visible_to(actor: policy.Actor) -> QuerySet[CpdEntry]:
    if policy.is_system(actor):
        entries = CpdEntry.objects.all()
    elif not policy.is_person(actor):
        return CpdEntry.objects.none()
    else:
        entries = CpdEntry.objects.filter(Q(person=actor) | Q(person__in=managed_people(actor).values("pk")))
    return entries.select_related("person", "framework").order_by("-occurred_on", "-id")


def cpd_list(actor: policy.Actor, filters: CpdFilters) -> QuerySet[CpdEntry]:
    entries = cpd_entries_visible_to(actor)
    if filters.person_id is not None:
        entries = entries.filter(person_id=filters.person_id)
    if filters.year is not None:
        entries = entries.filter(occurred_on__year=filters.year)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.item_id is not None:
        entries = entries.filter(items__id=filters.item_id)
    return entries.prefetch_related("items")


def cpd_get_for(*, actor: policy.Actor, entry_id: Any, change: bool = False) -> CpdEntry:
    """An entry the actor sees (404 otherwise); with `change`, 403 unless it is their own."""
    entry = get_visible(cpd_entries_visible_to(actor).prefetch_related("items"), entry_id)
    if change and not (policy.is_system(actor) or entry.person_id == getattr(actor, "pk", None)):
        raise PermissionDenied(_("You do not have permission to do that."))
    return entry


@dataclass(frozen=True)
class CpdTotals:
    by_year: list[tuple[int, Decimal]]
    by_item: list[tuple[FrameworkItem, Decimal]]
    total: Decimal


def _hours(value: Any) -> Decimal:
    """Sums come back as Decimal('5') on SQLite and Decimal('5.00') on PostgreSQL: show two places."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def cpd_totals(entries: QuerySet[CpdEntry]) -> CpdTotals:
    """Hours per year and per framework item of the matching entries (two queries)."""
    plain = entries.order_by()
    by_year = [
        (row["year"], _hours(row["hours"]))
        for row in plain.annotate(year=ExtractYear("occurred_on"))
        .values("year")
        .annotate(hours=Sum("hours"))
        .order_by("-year")
    ]
    through = CpdEntry.items.through
    per_item = (
        through.objects.filter(cpdentry_id__in=plain.values("pk"))
        .values("frameworkitem_id")
        .annotate(hours=Sum("cpdentry__hours"))
    )
    hours_of = {row["frameworkitem_id"]: _hours(row["hours"]) for row in per_item}
    items = (
        FrameworkItem.objects.filter(pk__in=list(hours_of)).order_by("framework__year", "position", "id")
        if hours_of
        else []
    )
    return CpdTotals(
        by_year=by_year,
        by_item=[(item, hours_of[item.pk]) for item in items],
        total=_hours(sum((hours for _, hours in by_year), Decimal(0))),
    )


def cpd_people(actor: policy.Actor) -> QuerySet[Person]:
    """The people whose CPD the actor sees (for the list's person filter)."""
    if policy.is_system(actor):
        return Person.objects.filter(is_system=False).order_by("display_name", "id")
    if not policy.is_person(actor):
        return Person.objects.none()
    return Person.objects.filter(Q(pk=actor.pk) | Q(pk__in=managed_people(actor).values("pk"))).order_by(
        "display_name", "id"
    )


EXPORT_COLUMNS = [
    "date",
    "person",
    "collar_number",
    "title",
    "kind",
    "hours",
    "framework",
    "items",
    "link",
    "reflection",
]


def cpd_export_row(entry: CpdEntry) -> list[Any]:
    return [
        entry.occurred_on.isoformat(),
        entry.person.display_name,
        entry.person.collar_number,
        entry.title,
        entry.get_kind_display(),
        entry.hours,
        entry.framework.code,
        "; ".join(item.name for item in entry.items.all()),
        entry.link,
        entry.reflection,
    ]


# ---- PDR ----------------------------------------------------------------------------------------


def pdrs_visible_to(actor: policy.Actor) -> QuerySet[Pdr]:
    if policy.is_system(actor):
        pdrs = Pdr.objects.all()
    elif not policy.is_person(actor):
        return Pdr.objects.none()
    else:
        pdrs = Pdr.objects.filter(
            Q(person=actor) | Q(line_manager=actor) | Q(person__in=managed_people(actor).values("pk"))
        )
    return pdrs.select_related("person", "line_manager", "framework").order_by(
        "-review_year", "person__display_name", "id"
    )


def pdr_get_for(*, actor: policy.Actor, pdr_id: Any) -> Pdr:
    """A PDR the actor sees, with its ratings and objectives loaded (404 otherwise)."""
    queryset = pdrs_visible_to(actor).prefetch_related(
        Prefetch(
            "ratings",
            queryset=PdrRating.objects.select_related("competency", "rating").prefetch_related("cpd_entries"),
        ),
        "objectives",
    )
    return get_visible(queryset, pdr_id)


def may_manage_pdr(actor: policy.Actor, pdr: Pdr) -> bool:
    """The PDR's line manager, while they still line-manage the person."""
    if policy.is_system(actor):
        return True
    return pdr.line_manager_id == getattr(actor, "pk", None) and is_line_manager_of(actor, pdr.person)


def cpd_entries_of(person: Person, *, framework: Framework | None = None) -> QuerySet[CpdEntry]:
    """A person's CPD entries (to cite as PDR evidence), newest first."""
    entries = CpdEntry.objects.filter(person=person)
    if framework is not None:
        entries = entries.filter(framework=framework)
    return entries.order_by("-occurred_on", "-id")


def pdr_rows(pdr: Pdr) -> list[dict[str, Any]]:
    """The framework's competencies with the PDR's rating of each (None if not rated yet); reads
    the prefetched ratings plus one query for the competencies."""
    ratings = {r.competency_id: r for r in pdr.ratings.all()}
    return [
        {"competency": c, "rating": ratings.get(c.pk)} for c in items_of(pdr.framework, kinds=(ItemKind.COMPETENCY,))
    ]


def years_with_cpd(entries: QuerySet[CpdEntry]) -> list[int]:
    return sorted({d.year for d in entries.order_by().dates("occurred_on", "year")}, reverse=True)


def group_items(items: list[FrameworkItem]) -> dict[str, list[FrameworkItem]]:
    grouped: dict[str, list[FrameworkItem]] = defaultdict(list)
    for item in items:
        grouped[item.kind].append(item)
    return dict(grouped)


def current_review_year() -> int:
    return today().year


def default_due_on() -> dt.date:
    return today() + dt.timedelta(days=182)


# ---- Training on the home page ------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingAlert:
    record: TrainingRecord
    state: str


def training_alerts_for(person: policy.Actor) -> list[TrainingAlert]:
    """The signed-in person's own courses whose newest record has expired or expires within
    EXPIRING_DAYS (a retake supersedes an expired pass), soonest first; one query."""
    if not policy.is_person(person):
        return []
    on = today()
    alerts = [
        TrainingAlert(record=r, state=training.state_of(r, on))
        for r in training.latest_training_of(person)
        if training.state_of(r, on) in (training.RecordState.EXPIRED, training.RecordState.EXPIRING)
    ]
    return sorted(alerts, key=lambda a: (a.record.expires_on or on, a.record.pk))
