"""What the open data services share: the police.uk names of categories and outcomes, London
months, the per-force lock that puts writers of one force's public crimes in a queue, and the
upkeep of `PublishedMonth`.

The police.uk CSV files name categories and outcomes in English ("Violence and sexual offences",
"Unable to prosecute suspect"); the API uses slugs and codes. The maps below go both ways, from
the labels of `incidents.reference.Category` and `OutcomeCategory` read untranslated, so that one
list is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from django.db.models import Count, F
from django.utils import timezone, translation

from beatbook.incidents.reference import Category
from beatbook.org.models import Force

from ..models import OutcomeCategory, PublicCrime, PublishedMonth

LONDON = ZoneInfo("Europe/London")

# Older or variant spellings seen in police.uk files, by the slug or code they mean.
CATEGORY_ALIASES = {"violent crime": Category.VIOLENT_CRIME.value}
OUTCOME_ALIASES = {
    "offender given penalty notice": OutcomeCategory.PENALTY_NOTICE_ISSUED.value,
    "offender given a penalty notice": OutcomeCategory.PENALTY_NOTICE_ISSUED.value,
    "awaiting court result": OutcomeCategory.AWAITING_COURT_RESULT.value,
    "suspect charged": OutcomeCategory.CHARGED.value,
}


@functools.cache
def category_names() -> dict[str, str]:
    """Slug -> the English name police.uk gives the category."""
    with translation.override(None):
        return {value: str(label) for value, label in Category.choices}


@functools.cache
def outcome_names() -> dict[str, str]:
    """Code -> the English name police.uk gives the outcome."""
    with translation.override(None):
        return {value: str(label) for value, label in OutcomeCategory.choices}


@functools.cache
def category_by_name() -> dict[str, str]:
    """Lower-case English name (or slug) -> slug."""
    found = {name.lower(): slug for slug, name in category_names().items()}
    found.update({slug: slug for slug in category_names()})
    return found | CATEGORY_ALIASES


@functools.cache
def outcome_by_name() -> dict[str, str]:
    """Lower-case English name (or code) -> code."""
    found = {name.lower(): code for code, name in outcome_names().items()}
    found.update({code: code for code in outcome_names()})
    return found | OUTCOME_ALIASES


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def current_month() -> dt.date:
    """The first day of the month now running in London."""
    return month_start(timezone.localdate(timezone.now(), LONDON))


def london_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end) in aware London times (a month with a clock change included)."""
    start = dt.datetime.combine(month_start(month), dt.time.min, tzinfo=LONDON)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=LONDON)


def lock_force(force: Force) -> None:
    """Queue this transaction behind any other writing the force's public crimes (an import's
    batch, a publication). PostgreSQL: `FOR NO KEY UPDATE` on the force's row, which does not
    stop rows that merely point at the force being written. SQLite writes one at a time anyway."""
    list(Force.objects.select_for_update(no_key=True).filter(pk=force.pk).values_list("pk", flat=True))


def published_months_add(force: Force, added: Mapping[dt.date, int]) -> None:
    """Count crimes just added to their months (call with the force locked)."""
    for month, count in sorted(added.items()):
        if not count:
            continue
        if not PublishedMonth.objects.filter(force=force, month=month).update(crime_count=F("crime_count") + count):
            PublishedMonth.objects.create(force=force, month=month, crime_count=count)


def published_months_recount(force: Force, months: Iterable[dt.date]) -> dict[dt.date, int]:
    """Count the force's crimes of these months again, from the crimes (call with the force
    locked). One query to count, one write per month."""
    wanted = sorted(set(months))
    counts = dict.fromkeys(wanted, 0)
    rows = (
        PublicCrime.objects.filter(force=force, month__in=wanted)
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    counts.update(dict(rows))
    for month, count in counts.items():
        PublishedMonth.objects.update_or_create(force=force, month=month, defaults={"crime_count": count})
    return counts
