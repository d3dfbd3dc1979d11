"""Reads of penalty notices: one notice in the actor's scope, and the choices of the issue form
(the offences of the force grouped by power, with today's tariff, and the issuing authorities)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from beatbook.org import policy
from beatbook.org.models import PartnerOrganisation
from beatbook.org.selectors import get_visible
from beatbook.powers.models import PenaltyOffence, PenaltyTariff

from ..models import EnforcementRecord
from ..reference import RecordKind
from .common import records_visible_to


def penalty_get_for(*, actor: policy.Actor | None, pk: object) -> EnforcementRecord:
    """One penalty notice the actor can see, with its offence, power and tariff, or Http404."""
    return get_visible(
        records_visible_to(actor)
        .filter(kind=RecordKind.PENALTY)
        .select_related(
            "force",
            "neighbourhood",
            "officer",
            "power",
            "penalty",
            "penalty__offence",
            "penalty__offence__power",
            "penalty__tariff",
        ),
        pk,
    )


@dataclass(frozen=True)
class OffenceChoice:
    """An offence as the issue form offers it: the amounts charged today, by authority name."""

    id: int
    title: str
    statute: str
    amounts: tuple[tuple[str, Decimal], ...]

    @property
    def label(self) -> str:
        if not self.amounts:
            return f"{self.title} ({self.statute})"
        charged = ", ".join(f"£{amount} {name}" for name, amount in self.amounts)
        return f"{self.title}: {charged}"


@dataclass(frozen=True)
class OffenceGroup:
    power_title: str
    offences: tuple[OffenceChoice, ...]


def offence_groups(*, force_id: int, day: dt.date, force_name: str) -> list[OffenceGroup]:
    """The force's penalty offences, grouped by their power, each with the tariffs in force on
    `day` (two queries)."""
    offences = list(
        PenaltyOffence.objects.filter(force_id=force_id).select_related("power").order_by("power__title", "title", "id")
    )
    tariffs = (
        PenaltyTariff.objects.filter(force_id=force_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("issuing_authority")
        .order_by("offence_id", "issuing_authority__name", "-valid_from", "-id")
    )
    charged: dict[int, dict[str, Decimal]] = {}
    for tariff in tariffs:
        name = tariff.issuing_authority.name if tariff.issuing_authority else force_name
        charged.setdefault(tariff.offence_id, {}).setdefault(name, tariff.amount)
    groups: dict[str, list[OffenceChoice]] = {}
    for offence in offences:
        amounts = tuple(charged.get(offence.pk, {}).items())
        groups.setdefault(offence.power.title, []).append(
            OffenceChoice(id=offence.pk, title=offence.title, statute=offence.statute, amounts=amounts)
        )
    return [OffenceGroup(power_title=title, offences=tuple(items)) for title, items in groups.items()]


def issuing_authorities(*, force_id: int) -> list[PartnerOrganisation]:
    """The partner organisations (councils) that charge a tariff in the force (one query)."""
    return list(
        PartnerOrganisation.objects.filter(
            pk__in=PenaltyTariff.objects.filter(force_id=force_id, issuing_authority__isnull=False).values(
                "issuing_authority_id"
            )
        ).order_by("name", "id")
    )
