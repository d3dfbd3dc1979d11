"""Forms of the patrol and hot-spot plan pages: they parse input; the services decide and write."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood, Person

from .models import HotspotTarget, Mode
from .services import PatrolData, PlanData, TargetData, VisitData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TARGET_ROWS = 5


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (London time)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"


def _datetime(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Enter the date and time"), "invalid": _("Enter a real date and time")},
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


class NeighbourhoodChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.force.name})"


class PersonChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.collar_number})" if obj.collar_number else str(obj.display_name)


class TargetChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.plan.name})"


class StartForm(forms.Form):
    """Go on patrol: where, how, with whom; the start time is now unless given."""

    neighbourhood = NeighbourhoodChoice(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the neighbourhood"), "invalid_choice": _("Choose the neighbourhood")},
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.FOOT)
    started_at = _datetime(_("Started"), required=False, help_text=_("Leave empty to start now."))
    colleagues = PersonChoices(
        label=_("With colleagues"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if you are patrolling alone."),
        error_messages={"invalid_choice": _("Choose colleagues from the list")},
    )

    def __init__(
        self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], colleagues: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]
        self.fields["colleagues"].queryset = colleagues  # type: ignore[attr-defined]

    def clean_started_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data["started_at"])

    def patrol_data(self) -> PatrolData:
        d = self.cleaned_data
        return PatrolData(
            neighbourhood=d["neighbourhood"],
            mode=d["mode"],
            started_at=d["started_at"],
            colleagues=tuple(d["colleagues"]),
        )


class VisitForm(forms.Form):
    """A stop on the patrol: a hot spot from the plan, or a point; when you arrived and left."""

    place = TargetChoice(
        label=_("Hot spot"),
        queryset=HotspotTarget.objects.none(),
        required=False,
        empty_label=_("Not a hot spot"),
        error_messages={"invalid_choice": _("Choose a hot spot from the list")},
    )
    label = forms.CharField(
        label=_("Place"), max_length=120, required=False, help_text=_("For example the park gates.")
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, error_messages={"invalid": _("Enter a number")})
    lng = forms.FloatField(label=_("Longitude"), required=False, error_messages={"invalid": _("Enter a number")})
    arrived_at = _datetime(_("Arrived"))
    left_at = _datetime(_("Left"))

    def __init__(self, *args: Any, places: QuerySet[HotspotTarget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]

    def clean_arrived_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data["arrived_at"])

    def clean_left_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data["left_at"])

    def visit_data(self) -> VisitData:
        d = self.cleaned_data
        return VisitData(
            arrived_at=d["arrived_at"],
            left_at=d["left_at"],
            lat=d["lat"],
            lng=d["lng"],
            place=d["place"],
            label=d["label"],
        )


class EndForm(forms.Form):
    """End the patrol, now unless a time is given; a phone may send its GPS trace (JSON)."""

    ended_at = _datetime(_("Ended"), required=False, help_text=_("Leave empty to end now."))
    trace = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_ended_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data["ended_at"])

    def clean_trace(self) -> Any:
        raw = self.cleaned_data["trace"].strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ValidationError(_("The GPS trace is not readable.")) from exc


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, max_length=5000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.Form):
    """A hot-spot plan's neighbourhood, name and dates (its places are `TargetForm`s)."""

    neighbourhood = NeighbourhoodChoice(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the neighbourhood"), "invalid_choice": _("Choose the neighbourhood")},
    )
    name = forms.CharField(label=_("Name of the plan"), max_length=120, error_messages={"required": _("Name the plan")})
    starts_on = forms.DateField(
        label=_("Starts on"),
        widget=DateInput,
        error_messages={"required": _("Enter the first day"), "invalid": _("Enter a real date")},
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=DateInput,
        error_messages={"required": _("Enter the last day"), "invalid": _("Enter a real date")},
    )

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]

    def plan_data(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(
            neighbourhood=d["neighbourhood"], name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"]
        )


def _count(label: Any, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=initial,
        min_value=0,
        required=False,
        error_messages={"invalid": _("Enter a whole number"), "min_value": _("Enter a whole number")},
    )


class TargetForm(forms.Form):
    """One place in a plan and its daily dose. A row left empty is ignored."""

    label = forms.CharField(label=_("Place"), max_length=120, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, error_messages={"invalid": _("Enter a number")})
    lng = forms.FloatField(label=_("Longitude"), required=False, error_messages={"invalid": _("Enter a number")})
    radius_m = _count(_("Radius (metres)"), 50)
    visits_per_day = _count(_("Visits a day"), 3)
    min_minutes = _count(_("Shortest visit (minutes)"), 10)
    max_minutes = _count(_("Longest useful visit (minutes)"), 15)

    @property
    def number(self) -> int:
        """The row's number on the page, from 1 (its prefix is `t0`, `t1`, ...)."""
        return int((self.prefix or "t0")[1:]) + 1

    def is_blank(self) -> bool:
        return not any(self.data.get(self.add_prefix(name), "").strip() for name in ("label", "lat", "lng"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank():
            for name in ("lat", "lng"):
                if name in data and data[name] is None:
                    self.add_error(name, _("Enter the latitude and longitude"))
        return data

    def target_data(self) -> TargetData:
        d = self.cleaned_data

        def number(name: str) -> int:
            value = d.get(name)
            return int(value if value is not None else self.fields[name].initial)

        return TargetData(
            label=d["label"],
            lat=d["lat"],
            lng=d["lng"],
            radius_m=number("radius_m"),
            visits_per_day=number("visits_per_day"),
            min_minutes=number("min_minutes"),
            max_minutes=number("max_minutes"),
        )


def target_forms(data: Any) -> list[TargetForm]:
    return [TargetForm(data, prefix=f"t{n}") for n in range(TARGET_ROWS)]
