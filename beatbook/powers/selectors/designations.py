"""Reads of officer designations, scoped to the actor in SQL, and what a person holds.

Who sees a designation: whoever sees its person (`policy.people_in_scope`: themself, the people
posted in their areas, and force-wide roles everyone in their force). A designation's status is
worked out from its dates at a moment (`status_of`), and lists filter by status in SQL
(`status_q`), so both always agree.

Not here: the powers check itself (`beatbook.powers.check`), and the catalogue's own reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.learning.models import TrainingRecord, TrainingResult
from beatbook.org import policy
from beatbook.org.models import Force, Person, Posting, Role
from beatbook.org.selectors import get_visible

from ..check import PowerCheck, powers_held_at
from ..models import Designation, DesignationPower, ForceDesignation, Power
from ..reference import PowerKind

# A designation "expires soon" when its last day is within this many days.
EXPIRING_DAYS = 30


class Status:
    """What a designation is at a moment (the values of the `status` filter)."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    EXPIRING = "expiring"  # a filter only: in force, and its last day within EXPIRING_DAYS

    LABELS: dict[str, Any] = {
        IN_FORCE: _("In force"),
        NOT_YET: _("Not yet in force"),
        EXPIRED: _("Expired"),
        WITHDRAWN: _("Withdrawn"),
        EXPIRING: _("Expires within 30 days"),
    }
    VALUES = (IN_FORCE, NOT_YET, EXPIRED, WITHDRAWN, EXPIRING)

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(value, cls.LABELS[value]) for value in cls.VALUES]


def _moment(at: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    moment = at or timezone.now()
    return moment, timezone.localtime(moment).date()


def status_q(status: str, at: dt.datetime | None = None) -> Q:
    """The designations that have `status` at `at` (now by default), as a filter."""
    moment, day = _moment(at)
    withdrawn = Q(withdrawn_at__isnull=False, withdrawn_at__lte=moment)
    standing = ~withdrawn
    started = Q(valid_from__lte=day)
    not_ended = Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    if status == Status.WITHDRAWN:
        return withdrawn
    if status == Status.NOT_YET:
        return standing & Q(valid_from__gt=day)
    if status == Status.EXPIRED:
        return standing & Q(valid_to__lt=day)
    if status == Status.IN_FORCE:
        return standing & started & not_ended
    if status == Status.EXPIRING:
        soon = day + dt.timedelta(days=EXPIRING_DAYS)
        return standing & started & Q(valid_to__gte=day, valid_to__lte=soon)
    raise ValueError(status)


def status_of(designation: Designation, at: dt.datetime | None = None) -> str:
    """The designation's status at `at` (now by default): withdrawn, not yet in force, expired
    or in force (the same rules as `status_q`)."""
    moment, day = _moment(at)
    if designation.withdrawn_at is not None and designation.withdrawn_at <= moment:
        return Status.WITHDRAWN
    if designation.valid_from > day:
        return Status.NOT_YET
    if designation.valid_to is not None and designation.valid_to < day:
        return Status.EXPIRED
    return Status.IN_FORCE


def expires_soon(designation: Designation, at: dt.datetime | None = None) -> bool:
    """In force, and its last day within EXPIRING_DAYS."""
    day = _moment(at)[1]
    return (
        status_of(designation, at) == Status.IN_FORCE
        and designation.valid_to is not None
        and designation.valid_to <= day + dt.timedelta(days=EXPIRING_DAYS)
    )


@dataclass(frozen=True)
class DesignationFilters:
    person_id: int | None = None
    status: str = ""
    force_id: int | None = None


def designations_visible_to(actor: policy.Actor) -> QuerySet[Designation]:
    """Designations of the people the actor sees (themself included), person and force joined."""
    if policy.is_system(actor):
        designations = Designation.objects.all()
    elif not policy.is_person(actor):
        return Designation.objects.none()
    else:
        designations = Designation.objects.filter(person__in=policy.people_in_scope(actor).values("pk"))
    return designations.select_related("person", "force").order_by("person__display_name", "-valid_from", "-id")


def designation_list(actor: policy.Actor, filters: DesignationFilters) -> QuerySet[Designation]:
    """The visible designations narrowed by the filters, each with its number of powers."""
    designations = designations_visible_to(actor).annotate(power_count=Count("designation_powers"))
    if filters.person_id is not None:
        designations = designations.filter(person_id=filters.person_id)
    if filters.force_id is not None:
        designations = designations.filter(force_id=filters.force_id)
    if filters.status:
        designations = designations.filter(status_q(filters.status))
    return designations


def _with_powers(designations: QuerySet[Designation]) -> QuerySet[Designation]:
    return designations.select_related("supersedes", "withdrawn_by", "created_by").prefetch_related(
        Prefetch(
            "designation_powers",
            queryset=DesignationPower.objects.select_related("power").order_by("power__kind", "power__title", "id"),
        )
    )


def designation_get_for(
    *, actor: policy.Actor, designation_id: Any, action: policy.Action = policy.Action.VIEW
) -> Designation:
    """One visible designation with its powers (404 when not visible; 403 when visible but the
    action is not allowed in its force)."""
    designation = get_visible(_with_powers(designations_visible_to(actor)), designation_id)
    if action != policy.Action.VIEW:
        policy.require(actor, action, designation)
    return designation


def designation_chain(designation: Designation) -> list[Designation]:
    """The designations of the same person linked to this one by `supersedes`, oldest first
    (this one included): one query, whatever the chain's length."""
    rows = {
        d.pk: d
        for d in Designation.objects.filter(person_id=designation.person_id, force_id=designation.force_id).only(
            "pk", "reference", "valid_from", "valid_to", "withdrawn_at", "supersedes_id", "person_id", "force_id"
        )
    }
    by_superseded = {d.supersedes_id: d for d in rows.values() if d.supersedes_id is not None}
    first = rows.get(designation.pk, designation)
    while first.supersedes_id is not None and first.supersedes_id in rows:
        first = rows[first.supersedes_id]
    chain = [first]
    while chain[-1].pk in by_superseded and len(chain) <= len(rows):
        chain.append(by_superseded[chain[-1].pk])
    return chain


def power_descriptions(designation: Designation, day: dt.date) -> dict[int, ForceDesignation]:
    """The force designation in force on `day` of each of the designation's powers (one query):
    the force's conditions and parameters shown beside the person's."""
    found: dict[int, ForceDesignation] = {}
    powers = [dp.power_id for dp in designation.designation_powers.all()]
    for fd in (
        ForceDesignation.objects.filter(power_id__in=powers, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("valid_from", "id")
    ):
        found[fd.power_id] = fd  # the latest started wins, as in the powers check
    return found


# ---- What a designation may confer ----------------------------------------------------------------


def people_to_designate(actor: policy.Actor, force: Force) -> QuerySet[Person]:
    """People of `force` whom the actor sees and who hold or have held a PCSO posting there."""
    pcso = Posting.objects.filter(force=force, role=Role.PCSO).values("person_id")
    return (
        policy.people_in_scope(actor).filter(force=force, is_system=False, pk__in=pcso).order_by("display_name", "id")
    )


def has_pcso_posting(person: Person) -> bool:
    if person.force_id is None:
        return False
    return Posting.objects.filter(person=person, force_id=person.force_id, role=Role.PCSO).exists()


def force_designated_powers(force: Force, day: dt.date) -> list[tuple[Power, ForceDesignation]]:
    """The powers of the force's catalogue that the force designates to its PCSOs on `day`, with
    that force designation (two queries), by kind and title."""
    designations: dict[int, ForceDesignation] = {}
    for fd in (
        ForceDesignation.objects.filter(force=force, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("valid_from", "id")
    ):
        designations[fd.power_id] = fd
    powers = Power.objects.filter(force=force, pk__in=list(designations)).select_related("training_course")
    return [(power, designations[power.pk]) for power in powers.order_by("kind", "title", "id")]


def powers_by_id(force_id: int | None, ids: Iterable[int]) -> dict[int, Power]:
    """The powers of a force's catalogue with these ids (the others are left out)."""
    wanted = list(ids)
    if force_id is None or not wanted:
        return {}
    return {p.pk: p for p in Power.objects.filter(force_id=force_id, pk__in=wanted).select_related("training_course")}


def passed_training_on(person: Person, course_ids: Sequence[int], day: dt.date) -> set[int]:
    """The courses (of `course_ids`) of which the person holds a pass valid on `day` (one query)."""
    if not course_ids:
        return set()
    records = (
        TrainingRecord.objects.filter(
            person=person, course_id__in=list(course_ids), result=TrainingResult.PASSED, completed_on__lte=day
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        .values_list("course_id", flat=True)
    )
    return set(records)


# ---- What a person holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class HeldGroup:
    kind: str
    label: str
    checks: list[PowerCheck]


def powers_held_grouped(person: Person, at: dt.datetime) -> list[HeldGroup]:
    """The powers the person held at `at`, grouped by kind in the order of `PowerKind`."""
    checks = powers_held_at(person=person, at=at)
    groups: list[HeldGroup] = []
    for kind, label in PowerKind.choices:
        of_kind = [c for c in checks if c.power is not None and c.power.kind == kind]
        if of_kind:
            groups.append(HeldGroup(kind=str(kind), label=str(label), checks=of_kind))
    return groups


def person_powers_for(*, actor: policy.Actor, person_id: Any) -> Person:
    """A person the actor sees (404 otherwise), to read what powers they held."""
    return get_visible(policy.people_in_scope(actor).filter(is_system=False).select_related("force"), person_id)


def limits_in_words(parameters: dict[str, Any]) -> list[str]:
    """A power's rule parameters as sentences for the person holding it (unknown ones as they
    are, so nothing is hidden)."""
    words: list[str] = []
    for key, value in sorted(parameters.items()):
        if key == "limit_minutes":
            words.append(str(_("You may detain for up to %(n)s minutes.")) % {"n": value})
        elif key == "max_hours":
            words.append(str(_("A direction may last up to %(n)s hours.")) % {"n": value})
        elif key == "warning_months":
            words.append(
                str(
                    _(
                        "A vehicle may be seized only after a warning in the previous %(n)s months, "
                        "unless a warning was impracticable."
                    )
                )
                % {"n": value}
            )
        else:
            words.append(f"{key}: {value}")
    return words


def people_in_view(actor: policy.Actor) -> QuerySet[Person]:
    """The people with a designation the actor sees (for the list's person filter)."""
    designated = designations_visible_to(actor).values("person_id")
    return Person.objects.filter(pk__in=designated).order_by("display_name", "id")
