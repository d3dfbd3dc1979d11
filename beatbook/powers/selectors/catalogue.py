"""Reads of the powers catalogue, penalty offences and tariffs, and force designations, and the
side-by-side comparison of forces.

Who sees them: forces publish the powers they give their PCSOs, and comparing forces needs every
force's catalogue, so any authenticated, active person holding an active posting other than the
partner role sees the catalogue of every force. Partner users (only partner postings), people
with no active posting and anonymous callers see nothing: lists are empty and a single row is
"not found" (404). The rule is one `EXISTS` in the rows' own query (`_readable`), never a filter
in Python.

Rule parameters are described in words here (`parameter_words`), for the pages and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beatbook.core.timeutil import today
from beatbook.learning.models import Course
from beatbook.org import policy
from beatbook.org.models import Force, PartnerOrganisation, Role
from beatbook.org.selectors import NOT_FOUND, get_visible

from ..models import ForceDesignation, PenaltyAmountRange, PenaltyOffence, PenaltyTariff, Power
from ..reference import DETAIN, DISPERSAL, SEIZE_VEHICLE, PowerKind

# ---- rule parameters --------------------------------------------------------------------------

LIMIT_MINUTES = "limit_minutes"
MAX_HOURS = "max_hours"
WARNING_MONTHS = "warning_months"
# The statutory bounds of each parameter: a force may set less, never more (detention: 30 minutes;
# dispersal direction: 48 hours, ASBCPA 2014 s.35; s.59 warning remembered: 12 months, PRA 2002).
PARAMETER_BOUNDS: dict[str, tuple[int, int]] = {
    LIMIT_MINUTES: (1, 30),
    MAX_HOURS: (1, 48),
    WARNING_MONTHS: (1, 12),
}
PARAMETER_KEYS = tuple(PARAMETER_BOUNDS)


def parameters_allowed(*, kind: str, code: str) -> dict[str, tuple[int, int]]:
    """The parameters a power of this kind and code takes, with their bounds (detention: the
    wait limit; the dispersal direction: its longest duration; s.59 vehicle seizure: how long a
    warning counts). Other powers take none."""
    if kind == PowerKind.DETAIN or code == DETAIN:
        return {LIMIT_MINUTES: PARAMETER_BOUNDS[LIMIT_MINUTES]}
    if code == DISPERSAL:
        return {MAX_HOURS: PARAMETER_BOUNDS[MAX_HOURS]}
    if code == SEIZE_VEHICLE:
        return {WARNING_MONTHS: PARAMETER_BOUNDS[WARNING_MONTHS]}
    return {}


def parameter_words(parameters: Mapping[str, Any]) -> list[str]:
    """Rule parameters in words, e.g. ["Limit: 30 minutes"]."""
    words = []
    for key, value in sorted(parameters.items()):
        if key == LIMIT_MINUTES:
            words.append(ngettext("Limit: %(n)d minute", "Limit: %(n)d minutes", value) % {"n": value})
        elif key == MAX_HOURS:
            words.append(
                ngettext("Direction lasts at most %(n)d hour", "Direction lasts at most %(n)d hours", value)
                % {"n": value}
            )
        elif key == WARNING_MONTHS:
            words.append(
                ngettext("A warning counts for %(n)d month", "A warning counts for %(n)d months", value) % {"n": value}
            )
        else:
            words.append(f"{key}: {value}")
    return words


def parameter_short(parameters: Mapping[str, Any]) -> list[str]:
    """Rule parameters in a few words, for a table cell (e.g. "30 min limit")."""
    words = []
    for key, value in sorted(parameters.items()):
        if key == LIMIT_MINUTES:
            words.append(_("%(n)d min limit") % {"n": value})
        elif key == MAX_HOURS:
            words.append(_("up to %(n)d h") % {"n": value})
        elif key == WARNING_MONTHS:
            words.append(_("warning valid %(n)d months") % {"n": value})
        else:
            words.append(f"{key}: {value}")
    return words


# ---- who reads ---------------------------------------------------------------------------------


def _scoped[T: Any](actor: policy.Actor | None, queryset: QuerySet[T]) -> QuerySet[T]:
    """The rows the actor reads: all of them for the system; for a person, all of them under an
    EXISTS over their non-partner postings active today (in the rows' own query); none for the
    anonymous or inactive."""
    if policy.is_system(actor):
        return queryset
    if not policy.is_person(actor):
        return queryset.none()
    return queryset.filter(Exists(policy.active_postings(actor).exclude(role=Role.PARTNER)))


def reads_catalogue(actor: policy.Actor | None) -> bool:
    return policy.is_system(actor) or (
        policy.is_person(actor) and policy.active_postings(actor).exclude(role=Role.PARTNER).exists()
    )


def in_force_on(day: dt.date, prefix: str = "") -> Q:
    """Rows whose inclusive [valid_from, valid_to] holds `day` (valid_to empty: open-ended)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def forces_published_to(actor: policy.Actor | None) -> QuerySet[Force]:
    """Every force, for those who read the catalogues (the force chooser, the comparison)."""
    return _scoped(actor, Force.objects.all()).order_by("name")


def force_published_get(*, actor: policy.Actor | None, slug: str | None) -> Force:
    """The force of that slug, or the actor's own (their primary posting's, else the first by
    name) when none is asked for; 404 for an unknown slug or a caller who reads nothing."""
    forces = forces_published_to(actor)
    if slug:
        found = forces.filter(slug=slug).first()
    else:
        posting = policy.active_postings(actor).exclude(role=Role.PARTNER).order_by("-valid_from", "-id").first()
        found = forces.filter(pk=posting.force_id).first() if posting is not None else forces.first()
    if found is None:
        raise Http404(_(NOT_FOUND))
    return found


def designated_on(day: dt.date) -> Exists:
    return Exists(ForceDesignation.objects.filter(power=OuterRef("pk")).filter(in_force_on(day)))


def powers_visible_to(actor: policy.Actor | None, *, on: dt.date | None = None) -> QuerySet[Power]:
    """Every force's powers (force and course joined), each annotated `designated` (its force
    designates it on `on`, today by default)."""
    day = on or today()
    return (
        _scoped(actor, Power.objects.all())
        .select_related("force", "training_course")
        .annotate(designated=designated_on(day))
        .order_by("force__name", "kind", "title", "id")
    )


def power_get_for(*, actor: policy.Actor | None, power_id: Any, action: policy.Action = policy.Action.VIEW) -> Power:
    power = get_visible(powers_visible_to(actor), power_id)
    if action != policy.Action.VIEW:
        policy.require(actor, action, power)
    return power


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    powers: list[Power]


def catalogue_of(*, actor: policy.Actor | None, force: Force) -> list[KindGroup]:
    """The force's powers grouped by kind, in the order of `PowerKind` (one query)."""
    powers = list(powers_visible_to(actor).filter(force=force).order_by("kind", "title", "id"))
    groups = []
    for kind in PowerKind:
        members = [p for p in powers if p.kind == kind.value]
        if members:
            groups.append(KindGroup(kind=kind.value, label=str(kind.label), powers=members))
    return groups


@dataclass(frozen=True)
class PowerPage:
    """Everything the power's page shows, each list read in one query."""

    power: Power
    offences: list[PenaltyOffence]
    designations: list[ForceDesignation]


def power_page_for(*, actor: policy.Actor | None, power_id: Any) -> PowerPage:
    power = power_get_for(actor=actor, power_id=power_id)
    offences = list(
        PenaltyOffence.objects.filter(power=power)
        .prefetch_related(
            Prefetch("amount_ranges", queryset=PenaltyAmountRange.objects.order_by("valid_from", "id")),
            Prefetch(
                "tariffs",
                queryset=PenaltyTariff.objects.select_related("issuing_authority").order_by(
                    "issuing_authority__name", "-valid_from", "id"
                ),
            ),
        )
        .order_by("title", "id")
    )
    designations = list(
        ForceDesignation.objects.filter(power=power).select_related("created_by", "ended_by").order_by("-valid_from")
    )
    return PowerPage(power=power, offences=offences, designations=designations)


# ---- offences and tariffs -----------------------------------------------------------------------


def offences_visible_to(actor: policy.Actor | None) -> QuerySet[PenaltyOffence]:
    return (
        _scoped(actor, PenaltyOffence.objects.all())
        .select_related("force", "power")
        .order_by("force__name", "power__title", "title", "id")
    )


def offence_get_for(*, actor: policy.Actor | None, offence_id: Any) -> PenaltyOffence:
    return get_visible(offences_visible_to(actor), offence_id)


def tariffs_visible_to(actor: policy.Actor | None) -> QuerySet[PenaltyTariff]:
    return (
        _scoped(actor, PenaltyTariff.objects.all())
        .select_related("force", "offence", "issuing_authority")
        .order_by("force__name", "offence__title", "issuing_authority__name", "-valid_from", "id")
    )


def tariff_get_for(
    *, actor: policy.Actor | None, tariff_id: Any, action: policy.Action = policy.Action.VIEW
) -> PenaltyTariff:
    tariff = get_visible(tariffs_visible_to(actor), tariff_id)
    if action != policy.Action.VIEW:
        policy.require(actor, action, tariff)
    return tariff


def councils_of(force_id: int) -> QuerySet[PartnerOrganisation]:
    """The councils of a force: the issuing authorities a tariff may name."""
    return PartnerOrganisation.objects.filter(force_id=force_id, kind=PartnerOrganisation.Kind.COUNCIL).order_by(
        "name", "id"
    )


def courses_of(force_id: int) -> QuerySet[Course]:
    """The courses of a force: those a power may require."""
    return Course.objects.filter(force_id=force_id).order_by("title", "id")


# ---- force designations -------------------------------------------------------------------------


def force_designations_visible_to(actor: policy.Actor | None) -> QuerySet[ForceDesignation]:
    return (
        _scoped(actor, ForceDesignation.objects.all())
        .select_related("force", "power", "created_by", "ended_by")
        .order_by("force__name", "power__title", "-valid_from", "id")
    )


def force_designation_get_for(
    *, actor: policy.Actor | None, designation_id: Any, action: policy.Action = policy.Action.VIEW
) -> ForceDesignation:
    designation = get_visible(force_designations_visible_to(actor), designation_id)
    if action != policy.Action.VIEW:
        policy.require(actor, action, designation)
    return designation


# ---- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One force's position on one power on the day."""

    force: Force
    in_catalogue: bool
    designation: ForceDesignation | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def designated(self) -> bool:
        return self.designation is not None

    @property
    def parameter_words(self) -> list[str]:
        return parameter_short(self.parameters)


@dataclass(frozen=True)
class Row:
    code: str
    title: str
    cells: list[Cell]


@dataclass(frozen=True)
class Comparison:
    on: dt.date
    forces: list[Force]
    rows: list[Row]


def _cell(force: Force, power: Power | None, designations: dict[int, ForceDesignation]) -> Cell:
    if power is None:
        return Cell(force=force, in_catalogue=False)
    fd = designations.get(power.pk)
    if fd is None:
        return Cell(force=force, in_catalogue=True)
    return Cell(force=force, in_catalogue=True, designation=fd, parameters={**power.parameters, **fd.parameters})


def comparison(*, actor: policy.Actor | None, on: dt.date | None = None) -> Comparison:
    """Powers (rows, by code) by forces (columns): whether each force designates the power on
    `on` (today by default), to what extent and with what parameters (the catalogue's overridden
    by the designation's). Three queries, whatever the number of forces and powers."""
    day = on or today()
    forces = list(forces_published_to(actor))
    powers = list(
        _scoped(actor, Power.objects.all())
        .only("id", "force_id", "code", "title", "parameters")
        .order_by("code", "force__name", "id")
    )
    designations: dict[int, ForceDesignation] = {}
    for fd in _scoped(actor, ForceDesignation.objects.all()).filter(in_force_on(day)).order_by("valid_from", "id"):
        designations[fd.power_id] = fd  # the latest started wins, as in the powers check
    by_code: dict[str, dict[int, Power]] = {}
    for power in powers:
        by_code.setdefault(power.code, {})[power.force_id] = power
    rows = []
    for code, of_force in by_code.items():
        cells = [_cell(force, of_force.get(force.pk), designations) for force in forces]
        rows.append(Row(code=code, title=next(iter(of_force.values())).title, cells=cells))
    return Comparison(on=day, forces=forces, rows=rows)
