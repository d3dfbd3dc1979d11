"""Reads for the public crime downloads (no login: published crimes are public data)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from beatbook.org.models import Force

from ..models import PublicCrime, PublishedMonth


def public_force(slug: str) -> Force:
    """A force by its police.uk id, or 404."""
    force = Force.objects.filter(slug=slug).first()
    if force is None:
        raise Http404(_("Not found."))
    return force


def latest_month_of(force: Force) -> dt.date | None:
    """The force's newest month with published crimes."""
    return (
        PublishedMonth.objects.filter(force=force, crime_count__gt=0)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def public_crimes_of(force: Force, month: dt.date) -> QuerySet[PublicCrime]:
    """The force's published crimes of the month, with their snap points, by id."""
    return PublicCrime.objects.filter(force=force, month=month).select_related("snap_point").order_by("id")
