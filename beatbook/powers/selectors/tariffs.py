"""Which tariff and which statutory amount range applied to a penalty offence on a day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ..models import PenaltyAmountRange, PenaltyOffence, PenaltyTariff


def tariff_on(*, offence: PenaltyOffence, authority_id: int | None, day: dt.date) -> PenaltyTariff | None:
    """The tariff of `offence` charged by the authority (None: the force itself) on `day`, the
    latest started if several are recorded (one query)."""
    tariffs = PenaltyTariff.objects.filter(offence=offence, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if authority_id is None:
        tariffs = tariffs.filter(issuing_authority__isnull=True)
    else:
        tariffs = tariffs.filter(issuing_authority_id=authority_id)
    return tariffs.select_related("issuing_authority").order_by("-valid_from", "-id").first()


def amount_range_on(*, offence: PenaltyOffence, day: dt.date) -> PenaltyAmountRange | None:
    """The statutory range in force on `day`: the latest that started on or before it (one
    query); None where the catalogue holds no range for the offence (amount not verified)."""
    return PenaltyAmountRange.objects.filter(offence=offence, valid_from__lte=day).order_by("-valid_from").first()


def ranges_between(*, offence: PenaltyOffence, start: dt.date, end: dt.date | None) -> list[PenaltyAmountRange]:
    """Every statutory range in force at some day of [start, end] (end None: open-ended)."""
    ranges = list(PenaltyAmountRange.objects.filter(offence=offence).order_by("valid_from"))
    chosen = []
    for i, rng in enumerate(ranges):
        nxt = ranges[i + 1].valid_from if i + 1 < len(ranges) else None
        starts_before_end = end is None or rng.valid_from <= end
        ends_after_start = nxt is None or nxt > start
        if starts_before_end and ends_after_start:
            chosen.append(rng)
    return chosen
