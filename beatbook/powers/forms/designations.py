"""Forms of the officer designation pages: they parse input; the services decide and write.

The view gives the choices (people the actor may designate, the powers the force designates to
its PCSOs), already narrowed. A power's circumstances box, when filled, makes that power
limited to those circumstances; empty, it is designated to its full extent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Person

from ..models import ForceDesignation, Power
from ..reference import Extent
from ..selectors.designations import DesignationFilters, Status
from ..services.designations import Grant


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"


class DateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD; shown back in that form (what a date input needs)."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", _("Enter a real date"))
        super().__init__(input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True)
class PowerChoice:
    """A power offered on the form, with the force's designation of it and its circumstances box."""

    power: Power
    force_designation: ForceDesignation
    ticked: bool
    conditions: forms.BoundField


def _conditions_name(power: Power) -> str:
    return f"conditions_{power.pk}"


class _PowersForm(forms.Form):
    powers = forms.TypedMultipleChoiceField(
        label=_("Powers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says "choose at least one power"
    )
    valid_to = DateField(label=_("Last day (leave empty if it has no end date)"), required=False)
    signed_by_name = forms.CharField(
        label=_("Signed by (the chief officer or who signed for them)"),
        max_length=160,
        error_messages={"required": _("Enter who signed the designation")},
    )
    signed_on = DateField(label=_("Signed on"), error_messages={"required": _("Enter the date it was signed")})

    def __init__(self, *args: Any, offered: Sequence[tuple[Power, ForceDesignation]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        field = self.fields["powers"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(p.pk, p.title) for p, _fd in self.offered]
        for power, fd in self.offered:
            self.fields[_conditions_name(power)] = forms.CharField(
                label=_("Only in these circumstances (leave empty for its full extent)")
                if fd.extent == Extent.FULL
                else _("Only in these circumstances (required: the force designates it only in limited circumstances)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea,
            )

    def choices(self) -> list[PowerChoice]:
        ticked = {str(v) for v in (self["powers"].value() or [])}
        return [
            PowerChoice(power=p, force_designation=fd, ticked=str(p.pk) in ticked, conditions=self[_conditions_name(p)])
            for p, fd in self.offered
        ]

    def grants(self) -> list[Grant]:
        by_id = {p.pk: p for p, _fd in self.offered}
        grants: list[Grant] = []
        for pk in self.cleaned_data["powers"]:
            power = by_id[pk]
            conditions = (self.cleaned_data.get(_conditions_name(power)) or "").strip()
            grants.append((power, Extent.LIMITED if conditions else Extent.FULL, conditions))
        return grants


class DesignationForm(_PowersForm):
    """A new designation: the person, the powers, the dates, who signed it and when."""

    person = forms.TypedChoiceField(
        label=_("Person (PCSOs you can see)"), coerce=int, error_messages={"required": _("Choose the person")}
    )
    valid_from = DateField(label=_("First day"), error_messages={"required": _("Enter the first day")})

    field_order = ("person", "powers", "valid_from", "valid_to", "signed_by_name", "signed_on")

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose")), *((p.pk, _person_label(p)) for p in people)]

    def person_chosen(self) -> Person:
        return self.people[self.cleaned_data["person"]]


class ChangeForm(_PowersForm):
    """A change: the new set of powers (from today), who signed it, and why the old one goes."""

    reason = forms.CharField(
        label=_("Why the designation changes"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Say why the designation changes")},
    )

    field_order = ("powers", "valid_to", "signed_by_name", "signed_on", "reason")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Say why the designation is withdrawn")},
    )


def _person_label(person: Person) -> str:
    return f"{person.display_name} ({person.collar_number})" if person.collar_number else person.display_name


class FilterForm(forms.Form):
    """The list's filters; invalid values are ignored (a filter, not a record)."""

    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices()], required=False)
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Everyone")), *((p.pk, _person_label(p)) for p in people)]

    def filters(self) -> DesignationFilters:
        data: dict[str, Any] = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return DesignationFilters(person_id=data.get("person"), status=data.get("status") or "")


class MomentForm(forms.Form):
    """`?at=YYYY-MM-DDTHH:MM`: the moment to show the powers held at (London time)."""

    at = forms.DateTimeField(
        label=_("At"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": _("Enter a date and time like 2026-03-01T14:30")},
    )

    def moment(self) -> dt.datetime | None:
        """The moment asked for (aware), or None for now (nothing asked, or not a real moment)."""
        if not self.is_bound or not self.is_valid() or self.cleaned_data["at"] is None:
            return None
        at: dt.datetime = self.cleaned_data["at"]
        return at if timezone.is_aware(at) else timezone.make_aware(at)
