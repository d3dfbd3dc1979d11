"""The audit search form: every filter optional, bad input a field error (never a crash)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import EventType
from .selectors import AuditFilters

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Outside these years a London date cannot be turned into an instant safely; nobody needs them.
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(9998, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


def object_type_choices() -> list[tuple[str, str]]:
    """Beatbook's models as "app_label.model" (no query: read from the app registry)."""
    choices = [
        (model._meta.label_lower, f"{model._meta.app_config.verbose_name}: {model._meta.verbose_name}")
        for model in apps.get_models()
        if model.__module__.startswith("beatbook.")
    ]
    return [("", str(_("Any"))), *sorted(choices, key=lambda c: c[1].lower())]


def _event_type(value: Any) -> EventType:
    return EventType(int(value))


class AuditSearchForm(forms.Form):
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("To (date)"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    event_type = forms.TypedChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("Any")), *list(EventType.choices)],
        coerce=_event_type,
        empty_value=None,
    )
    actor = forms.CharField(
        label=_("Who"), required=False, max_length=160, help_text=_("Username, collar number or name.")
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    request_id = forms.CharField(label=_("Request reference"), required=False, max_length=64)
    text = forms.CharField(
        label=_("Text"), required=False, max_length=200, help_text=_("Found in the reason or the object's name.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()  # type: ignore[attr-defined]

    def _clean_date(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(_("Enter a date between 1970 and 9998."))
        return value

    def clean_date_from(self) -> dt.date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start is not None and end is not None and end < start:
            self.add_error("date_to", _("The end date must be the same as or after the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            event_type=data.get("event_type"),
            actor=(data.get("actor") or "").strip(),
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
            request_id=(data.get("request_id") or "").strip(),
            text=(data.get("text") or "").strip(),
        )
