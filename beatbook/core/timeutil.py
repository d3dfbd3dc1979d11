"""Time: stored in UTC, shown and reasoned about in Europe/London."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today's date in Europe/London (the date that postings and designations run by)."""
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()
