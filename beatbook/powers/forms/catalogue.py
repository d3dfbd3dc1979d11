"""Forms of the catalogue pages: a power (new or changed), a penalty tariff, a force designation,
and the last day of a tariff or designation. They parse input; the services decide and write.

Choices (courses, councils, powers) come from the view, already narrowed to the force. Rule
parameters are one whole-number box each; which a power takes, and their bounds, is the
service's rule (`services.catalogue.check_parameters`), whose refusal comes back on the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.core.timeutil import today

from ..models import Power
from ..reference import Extent, PowerKind, Verification
from ..selectors.catalogue import LIMIT_MINUTES, MAX_HOURS, PARAMETER_BOUNDS, WARNING_MONTHS, parameters_allowed
from ..services.catalogue import PowerData

Choices = Sequence[tuple[Any, Any]]

PARAMETER_LABELS = {
    LIMIT_MINUTES: _("Detention limit (minutes)"),
    MAX_HOURS: _("Longest dispersal direction (hours)"),
    WARNING_MONTHS: _("How long a warning counts (months)"),
}


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: Any, *, required: bool = True, message: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"required": message or _("Give the date"), "invalid": _("Give a real date")},
    )


def _parameter_field(key: str) -> forms.IntegerField:
    low, high = PARAMETER_BOUNDS[key]
    return forms.IntegerField(
        label=PARAMETER_LABELS[key],
        required=False,
        help_text=_("From %(low)d to %(high)d.") % {"low": low, "high": high},
        error_messages={"invalid": _("Give a whole number")},
    )


class ParametersMixin(forms.Form):
    """One box per rule parameter the power takes (all of them when the kind is not known yet)."""

    def add_parameter_fields(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.fields[key] = _parameter_field(key)

    def parameters(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in PARAMETER_BOUNDS
            if key in self.fields and self.cleaned_data.get(key) is not None
        }


class PowerForm(ParametersMixin):
    """A power's text, how sure its legal basis is, the course it needs and its parameters. A new
    power also gets its code and kind (`new=True`); they cannot change afterwards."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Lower-case letters, numbers and hyphens; the same code in every force compares them."),
        error_messages={
            "required": _("Give the power a code"),
            "invalid": _("Use lower-case letters, numbers and hyphens"),
        },
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PowerKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=160, error_messages={"required": _("Give the power its title")}
    )
    summary = forms.CharField(
        label=_("What it allows, in plain English"),
        widget=forms.Textarea,
        error_messages={"required": _("Say what the power allows")},
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=300, error_messages={"required": _("Give the power's legal basis")}
    )
    verification = forms.ChoiceField(label=_("Legal basis checked"), choices=Verification.choices)
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea)
    training_course = forms.TypedChoiceField(
        label=_("Training required first"), required=False, coerce=int, empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, courses: Choices, power: Power | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course = self.fields["training_course"]
        assert isinstance(course, forms.ChoiceField)
        course.choices = [("", _("None")), *courses]
        if power is None:
            del self.fields["version"]
            self.add_parameter_fields(list(PARAMETER_BOUNDS))
        else:
            del self.fields["code"], self.fields["kind"]
            self.add_parameter_fields(list(parameters_allowed(kind=power.kind, code=power.code)))

    @staticmethod
    def initial_for(power: Power) -> dict[str, Any]:
        names = ("title", "summary", "legal_basis", "verification", "source", "version")
        return {
            **{name: getattr(power, name) for name in names},
            "training_course": power.training_course_id,
            **dict(power.parameters),
        }

    def power_data(self) -> PowerData:
        d = self.cleaned_data
        return PowerData(
            title=d["title"],
            summary=d["summary"],
            legal_basis=d["legal_basis"],
            verification=d["verification"],
            source=d.get("source") or "",
            parameters=self.parameters(),
            training_course_id=d.get("training_course"),
        )


class TariffForm(forms.Form):
    """What an issuing authority charges for an offence, from a date."""

    issuing_authority = forms.TypedChoiceField(
        label=_("Issuing authority"), required=False, coerce=int, empty_value=None
    )
    amount = forms.DecimalField(
        label=_("Amount (£)"), max_digits=7, decimal_places=2, error_messages={"required": _("Give the amount")}
    )
    discounted_amount = forms.DecimalField(
        label=_("Early-payment amount (£)"), max_digits=7, decimal_places=2, required=False
    )
    discount_days = forms.IntegerField(label=_("Early payment within (days)"), required=False, min_value=1)
    payment_days = forms.IntegerField(
        label=_("Days to pay"), min_value=1, error_messages={"required": _("Give the days allowed to pay")}
    )
    valid_from = _date(_("Applies from"), message=_("Give the date it starts"))
    valid_to = _date(_("Last day it applies (optional)"), required=False)

    def __init__(self, *args: Any, councils: Choices, force_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issuing_authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", force_name), *councils]


class EndForm(forms.Form):
    """The last day a tariff or a designation applies."""

    valid_to = _date(_("Last day it applies"), message=_("Give the last day it applies"))

    @staticmethod
    def initial_today() -> dict[str, dt.date]:
        return {"valid_to": today()}


class ForceDesignationForm(ParametersMixin):
    """The force designates a power to its PCSOs: from when, to what extent, with which
    parameters, on whose decision."""

    power = forms.TypedChoiceField(label=_("Power"), coerce=int, error_messages={"required": _("Choose the power")})
    valid_from = _date(_("From"), message=_("Give the date it starts"))
    valid_to = _date(_("To (optional)"), required=False)
    extent = forms.ChoiceField(label=_("Extent"), choices=Extent.choices, initial=Extent.FULL)
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Needed when the power applies only in the circumstances described."),
    )
    decision_reference = forms.CharField(
        label=_("Chief officer's decision (reference)"), max_length=120, required=False
    )

    def __init__(self, *args: Any, powers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["power"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose")), *powers]
        self.add_parameter_fields(list(PARAMETER_BOUNDS))
        for key in PARAMETER_BOUNDS:
            self.fields[key].help_text = _(
                "Only for powers that take it; leave empty to keep the catalogue's. %(b)s"
            ) % {"b": self.fields[key].help_text}
