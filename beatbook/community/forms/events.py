"""Forms of the engagement event pages: they parse input (choices narrowed to what the actor may
pick); the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood, Person

from ..models import EngagementEvent, EventKind, EventStatus
from ..selectors.events import EventFilters
from ..services.events import LONG_TEXT, MAX_ATTENDANCE, EventData, EventRecord

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUTS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (London time)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"


class MonthInput(forms.TextInput):
    input_type = "month"


class CoordinateInput(forms.NumberInput):
    def __init__(self) -> None:
        super().__init__(attrs={"step": "any", "inputmode": "decimal"})


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A form's naive London time as an aware datetime (None stays None)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


class OfficerChoiceField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        name = obj.display_name or obj.get_username()
        return f"{name} ({obj.collar_number})" if obj.collar_number else name


class NeighbourhoodChoiceField(forms.ModelChoiceField[Neighbourhood]):
    def label_from_instance(self, obj: Neighbourhood) -> str:
        return obj.name


def _narrow(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


PUBLIC_CHOICES = [("", _("Public or not")), ("yes", _("Public")), ("no", _("Not public"))]


class EventFilterForm(forms.Form):
    """The list's filters. Invalid values are ignored (a filter, not a record)."""

    neighbourhood = NeighbourhoodChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(EventKind.choices, _("All")), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(EventStatus.choices, _("Any")), required=False)
    public = forms.ChoiceField(label=_("Public"), choices=PUBLIC_CHOICES, required=False)
    date_from = forms.DateField(label=_("Starting from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Starting until"), required=False, widget=DateInput)
    q = forms.CharField(label=_("Title or reference"), max_length=100, required=False)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "neighbourhood", neighbourhoods)

    def filters(self) -> EventFilters:
        if self.is_bound and self.is_valid():
            data: dict[str, Any] = self.cleaned_data
        else:
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        nb = data.get("neighbourhood")
        public = data.get("public") or ""
        return EventFilters(
            neighbourhood_id=nb.pk if nb is not None else None,
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            is_public=None if not public else public == "yes",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=data.get("q") or "",
        )


class EventForm(forms.Form):
    """Plan an event, or change a planned one (`version` is the version the page was shown with)."""

    neighbourhood = NeighbourhoodChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=_("Choose a neighbourhood"),
        error_messages={"required": _("Choose the neighbourhood"), "invalid_choice": _("Choose the neighbourhood")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        choices=_blank(EventKind.choices, _("Choose a kind")),
        error_messages={"required": _("Choose what kind of event it is")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        help_text=_("For example: Beat surgery at the library."),
        error_messages={"required": _("Give the event a title")},
    )
    description = forms.CharField(
        label=_("Description for the public"),
        widget=forms.Textarea,
        max_length=LONG_TEXT,
        required=False,
        help_text=_("Shown on the neighbourhood's public page when the event is public."),
    )
    address = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("The venue and its address, or 'Online'."),
        error_messages={"required": _("Say where the event takes place")},
    )
    lat = forms.FloatField(
        label=_("Latitude (optional)"), required=False, widget=CoordinateInput(), help_text=_("For example 52.2053.")
    )
    lng = forms.FloatField(
        label=_("Longitude (optional)"), required=False, widget=CoordinateInput(), help_text=_("For example 0.1218.")
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=DateTimeInput(),
        input_formats=DATETIME_INPUTS,
        error_messages={"required": _("Enter when it starts"), "invalid": _("Enter a real date and time")},
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=DateTimeInput(),
        input_formats=DATETIME_INPUTS,
        error_messages={"required": _("Enter when it ends"), "invalid": _("Enter a real date and time")},
    )
    officers = OfficerChoiceField(
        label=_("Officers attending"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(label=_("Publish this event on the neighbourhood's public page"), required=False)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], officers: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "neighbourhood", neighbourhoods)
        _narrow(self, "officers", officers)

    def clean_starts_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("starts_at"))

    def clean_ends_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("ends_at"))

    @staticmethod
    def initial_for(event: EngagementEvent) -> dict[str, Any]:
        """The form's values for an event (its officers as loaded by the selector)."""
        return {
            "neighbourhood": event.neighbourhood_id,
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "address": event.address,
            "lat": event.lat,
            "lng": event.lng,
            "starts_at": timezone.localtime(event.starts_at).strftime(DATETIME_FORMAT),
            "ends_at": timezone.localtime(event.ends_at).strftime(DATETIME_FORMAT),
            "officers": [p.pk for p in event.officers.all()],
            "is_public": event.is_public,
            "version": event.version,
        }

    def event_data(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            neighbourhood=d["neighbourhood"],
            kind=d["kind"],
            title=d["title"],
            description=d["description"],
            address=d["address"],
            lat=d["lat"],
            lng=d["lng"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            officer_ids=tuple(p.pk for p in d["officers"]),
            is_public=d["is_public"],
        )


class EventRecordForm(forms.Form):
    """What happened at the event (recording it again corrects the record)."""

    attendance = forms.IntegerField(
        label=_("How many people came?"),
        min_value=0,
        max_value=MAX_ATTENDANCE,
        error_messages={"required": _("Give the number of people who came"), "invalid": _("Give a whole number")},
    )
    issues_raised = forms.CharField(
        label=_("Issues raised"),
        widget=forms.Textarea,
        max_length=LONG_TEXT,
        required=False,
        help_text=_("One issue per line: each can become a neighbourhood priority."),
    )
    follow_ups = forms.CharField(label=_("Follow-ups"), widget=forms.Textarea, max_length=LONG_TEXT, required=False)
    notes = forms.CharField(
        label=_("Internal notes"),
        widget=forms.Textarea,
        max_length=LONG_TEXT,
        required=False,
        help_text=_("Never published."),
    )
    officers = OfficerChoiceField(
        label=_("Officers who attended"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, officers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "officers", officers)

    @staticmethod
    def initial_for(event: EngagementEvent) -> dict[str, Any]:
        return {
            "attendance": event.attendance,
            "issues_raised": event.issues_raised,
            "follow_ups": event.follow_ups,
            "notes": event.notes,
            "officers": [p.pk for p in event.officers.all()],
            "version": event.version,
        }

    def record(self) -> EventRecord:
        d = self.cleaned_data
        return EventRecord(
            attendance=d["attendance"],
            issues_raised=d["issues_raised"],
            follow_ups=d["follow_ups"],
            notes=d["notes"],
            officer_ids=tuple(p.pk for p in d["officers"]),
        )


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        widget=forms.Textarea,
        max_length=LONG_TEXT,
        error_messages={"required": _("Say why the event is cancelled")},
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CalendarForm(forms.Form):
    """The calendar's neighbourhood and month (`YYYY-MM`)."""

    neighbourhood = NeighbourhoodChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), empty_label=None
    )
    month = forms.CharField(label=_("Month"), max_length=7, required=False, widget=MonthInput)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "neighbourhood", neighbourhoods)
