"""The enforcement register's filters (input shape only: the selector filters in SQL)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood, Person

from ..reference import PenaltyStatus, RecordKind
from ..selectors.register import RegisterFilters


class DateInput(forms.DateInput):
    input_type = "date"


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class OfficerChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        name = obj.display_name or obj.get_username()
        return f"{name} ({obj.collar_number})" if obj.collar_number else name


class RegisterFilterForm(forms.Form):
    """The register's filters. Invalid values are ignored (a filter, not a record)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(RecordKind.choices, _("All")), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All")
    )
    officer = OfficerChoiceField(
        label=_("Officer"), queryset=Person.objects.none(), required=False, empty_label=_("All")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    power = forms.ChoiceField(label=_("Power"), choices=[], required=False)
    reference = forms.CharField(label=_("Reference"), max_length=40, required=False)
    penalty_status = forms.ChoiceField(
        label=_("Penalty notice status"), choices=_blank(PenaltyStatus.choices, _("Any")), required=False
    )

    def __init__(
        self,
        *args: Any,
        neighbourhoods: QuerySet[Neighbourhood],
        officers: QuerySet[Person],
        powers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        nb = self.fields["neighbourhood"]
        assert isinstance(nb, forms.ModelChoiceField)
        nb.queryset = neighbourhoods
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = officers
        power = self.fields["power"]
        assert isinstance(power, forms.ChoiceField)
        power.choices = _blank(powers, _("All"))

    def filters(self) -> RegisterFilters:
        if self.is_bound and self.is_valid():
            data: dict[str, Any] = self.cleaned_data
        else:
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        nb = data.get("neighbourhood")
        officer = data.get("officer")
        return RegisterFilters(
            kind=data.get("kind") or "",
            neighbourhood_id=nb.pk if nb is not None else None,
            officer_id=officer.pk if officer is not None else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            power=data.get("power") or "",
            reference=data.get("reference") or "",
            penalty_status=data.get("penalty_status") or "",
        )
