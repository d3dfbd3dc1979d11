"""What the forms of every kind of enforcement record share: the date and time widgets, a
moment field, and `RecordForm` (when, where and who)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..services.common import RecordData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (London time)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"


def moment_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateTimeField:
    """A date and time typed or picked in London time (see `aware`)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Enter the date and time"), "invalid": _("Enter a real date and time")},
    )


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A form's naive London time as an aware datetime (None stays None)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def now_field_value() -> str:
    return timezone.localtime().replace(second=0, microsecond=0).strftime(DATETIME_FORMAT)


class RecordForm(forms.Form):
    """What every enforcement record asks: when, where (map point or the incident's), and who."""

    occurred_at = forms.DateTimeField(
        label=_("When?"),
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Enter when it happened"), "invalid": _("Enter a real date and time")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_text = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("For example the street or the park.")
    )
    incident = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    subject_name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    subject_date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a real date")},
    )
    subject_age = forms.IntegerField(
        label=_("Apparent age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only if the date of birth is not known."),
    )
    subject_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, max_length=5000, required=False)

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def record_data(self) -> RecordData:
        d = self.cleaned_data
        return RecordData(
            occurred_at=d["occurred_at"],
            lat=d["lat"],
            lng=d["lng"],
            location_text=d["location_text"],
            incident_id=d["incident"],
            subject_name=d["subject_name"],
            subject_date_of_birth=d["subject_date_of_birth"],
            subject_age=d["subject_age"],
            subject_address=d["subject_address"],
            notes=d["notes"],
        )
