"""Forms of confiscations and seizures, s.59 vehicle warnings and the warning lookup. They
parse input; the services decide (the age limits, the earlier warning, the disposal)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..reference import Disposal, SeizureKind
from .common import DateInput, RecordForm


def _blank(choices: list[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class SeizureForm(RecordForm):
    """What was seized, how much, and what was done with it; for a vehicle, its registration and
    the earlier warning (found by the service when not picked), or why one was impracticable."""

    kind = forms.ChoiceField(
        label=_("What was seized"),
        choices=_blank(SeizureKind.choices, _("Choose")),
        error_messages={"required": _("Choose what was seized")},
    )
    item = forms.CharField(label=_("Item"), max_length=160, error_messages={"required": _("Say what was seized")})
    quantity = forms.CharField(
        label=_("Quantity"), max_length=60, error_messages={"required": _("Say how much was seized")}
    )
    disposal = forms.ChoiceField(
        label=_("What was done with it"),
        choices=_blank(Disposal.choices, _("Choose")),
        error_messages={"required": _("Choose what was done with it")},
    )
    disposal_notes = forms.CharField(
        label=_("Disposal details"), widget=forms.Textarea, max_length=2000, required=False
    )
    registration = forms.CharField(
        label=_("Registration"), max_length=20, required=False, help_text=_("Vehicles only.")
    )
    warning = forms.IntegerField(
        label=_("Earlier warning"),
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
    )
    warning_impracticable_reason = forms.CharField(
        label=_("Why giving a warning was impracticable"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text=_("Only when no warning was given to this vehicle or driver in the last 12 months."),
    )


class VehicleWarningForm(RecordForm):
    """A s.59 warning: the vehicle and how it was being used (the driver, when known, as the
    person)."""

    registration = forms.CharField(
        label=_("Registration"), max_length=20, error_messages={"required": _("Give the vehicle's registration")}
    )
    vehicle_description = forms.CharField(
        label=_("Vehicle"), max_length=120, required=False, help_text=_("Make, model and colour.")
    )
    manner = forms.CharField(
        label=_("How it was being used"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Say how the vehicle was being used")},
    )


class WarningSearchForm(forms.Form):
    """Find earlier s.59 warnings by registration, or by the driver's name and date of birth."""

    registration = forms.CharField(label=_("Registration"), max_length=20, required=False)
    name = forms.CharField(label=_("Driver's full name"), max_length=120, required=False)
    date_of_birth = forms.DateField(
        label=_("Driver's date of birth"),
        widget=DateInput,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a real date")},
    )
