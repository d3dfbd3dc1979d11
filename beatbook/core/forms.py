"""Form handling shared by every app's views: run a service on a valid form, and put the
service's refusals on the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: known fields get their own errors, anything
    else (unknown names, errors without a field) becomes a non-field error."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


def submit[T](form: forms.Form, action: Callable[[], T]) -> T | None:
    """Validate a bound form, then run `action` (a service call reading `form.cleaned_data`).

    Returns what the service returned, or None when nothing was done: the form was not submitted,
    is invalid, or the service refused it (its reasons are then on the form). Either way nothing
    half-done is left: services run in one transaction.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def form_status(form: forms.Form) -> int:
    """200 for a blank form, 400 for a submitted one shown again (it had errors)."""
    return 400 if form.is_bound else 200
