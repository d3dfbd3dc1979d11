"""Optimistic locking: a record carries a `version` that goes up at every change; a change made
on an older copy is refused with `StaleRecordError` (the pages show the message, the API answers
409), so that nobody silently overwrites someone else's change."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleRecordError(ValidationError):
    """The record was changed by someone else since the caller read it: nothing was saved."""
