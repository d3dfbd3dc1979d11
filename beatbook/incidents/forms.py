"""Forms of the incident pages: they parse input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood

from .models import Incident, Involvement, Status
from .reference import AsbQualifier, AsbType, Category, HowReported, Level
from .selectors import Flag, IncidentFilters
from .services import IncidentChanges, IncidentData, PersonData, RulesChanges

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (London time)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


LEVELS = _blank(Level.choices, _("Choose"))


def _level(label: Any, hint: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=LEVELS, help_text=hint, error_messages={"required": _("Choose a level")}
    )


class IncidentForm(forms.Form):
    """An incident's details. The point comes from the map (hidden lat/lng, filled by a tap or
    by "use my location") or from a typed OS grid reference."""

    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Enter when it happened"), "invalid": _("Enter a real date and time")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    grid_reference = forms.CharField(
        label=_("OS grid reference"),
        max_length=20,
        required=False,
        help_text=_("Only if you have not placed it on the map, for example TL 4516 5825."),
    )
    location_text = forms.CharField(
        label=_("Address or place"),
        max_length=200,
        required=False,
        help_text=_("For example 14 Mill Road, or the park."),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=_blank(Category.choices, _("Choose a category")),
        error_messages={"required": _("Choose a category")},
    )
    asb_qualifier = forms.ChoiceField(
        label=_("ASB qualifier"), choices=_blank(AsbQualifier.choices, _("Not ASB")), required=False
    )
    asb_type = forms.ChoiceField(label=_("ASB type"), choices=_blank(AsbType.choices, _("Not given")), required=False)
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Say what happened")},
    )
    how_reported = forms.ChoiceField(
        label=_("How was it reported?"),
        choices=_blank(HowReported.choices, _("Choose")),
        error_messages={"required": _("Choose how it was reported")},
    )
    thrive_threat = _level(_("Threat"), _("Intent to harm, communicated or perceived."))
    thrive_harm = _level(_("Harm"), _("Physical or psychological harm, done or likely."))
    thrive_risk = _level(_("Risk"), _("How likely the harm is."))
    thrive_investigation = _level(_("Investigation"), _("What enquiries the incident needs."))
    thrive_vulnerability = _level(_("Vulnerability"), _("Anyone unable to protect themselves."))
    thrive_engagement = _level(_("Engagement"), _("A chance to engage, reassure or prevent."))
    thrive_notes = forms.CharField(label=_("THRIVE notes"), widget=forms.Textarea, max_length=5000, required=False)
    risk_level = forms.ChoiceField(
        label=_("Overall risk"), choices=LEVELS, error_messages={"required": _("Choose the overall risk")}
    )
    is_publishable = forms.BooleanField(
        label=_("Publish on the public crime map"),
        required=False,
        help_text=_(
            "Shown by month as police.uk shows crimes: the category near an anonymous point with a street name. "
            "Never the address, the people or what happened."
        ),
    )

    THRIVE = (
        "thrive_threat",
        "thrive_harm",
        "thrive_risk",
        "thrive_investigation",
        "thrive_vulnerability",
        "thrive_engagement",
    )

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def incident_data(self) -> IncidentData:
        d = self.cleaned_data
        return IncidentData(
            occurred_at=d["occurred_at"],
            lat=d["lat"],
            lng=d["lng"],
            grid_reference=d["grid_reference"],
            location_text=d["location_text"],
            category=d["category"],
            asb_qualifier=d["asb_qualifier"],
            asb_type=d["asb_type"],
            description=d["description"],
            how_reported=d["how_reported"],
            thrive_threat=d["thrive_threat"],
            thrive_harm=d["thrive_harm"],
            thrive_risk=d["thrive_risk"],
            thrive_investigation=d["thrive_investigation"],
            thrive_vulnerability=d["thrive_vulnerability"],
            thrive_engagement=d["thrive_engagement"],
            thrive_notes=d["thrive_notes"],
            risk_level=d["risk_level"],
            is_publishable=d["is_publishable"],
        )


class IncidentEditForm(IncidentForm):
    """The same fields, plus the version the editor started from (a later change by someone
    else makes the save fail rather than overwrite theirs)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_for(incident: Incident) -> dict[str, Any]:
        names = [name for name in IncidentForm.base_fields if name not in {"occurred_at"}]
        initial = {name: getattr(incident, name) for name in names}
        initial["occurred_at"] = timezone.localtime(incident.occurred_at).strftime(DATETIME_FORMAT)
        initial["version"] = incident.version
        return initial

    def changes(self) -> IncidentChanges:
        d = self.incident_data()
        moved = self.initial.get("lat") != d.lat or self.initial.get("lng") != d.lng
        return IncidentChanges(
            occurred_at=d.occurred_at,
            lat=d.lat if moved else None,
            lng=d.lng if moved else None,
            grid_reference=d.grid_reference or None if not moved else None,
            location_text=d.location_text,
            category=d.category,
            asb_qualifier=d.asb_qualifier,
            asb_type=d.asb_type,
            description=d.description,
            how_reported=d.how_reported,
            thrive_threat=d.thrive_threat,
            thrive_harm=d.thrive_harm,
            thrive_risk=d.thrive_risk,
            thrive_investigation=d.thrive_investigation,
            thrive_vulnerability=d.thrive_vulnerability,
            thrive_engagement=d.thrive_engagement,
            thrive_notes=d.thrive_notes,
            risk_level=d.risk_level,
            is_publishable=d.is_publishable,
        )


class PersonForm(forms.Form):
    """Someone involved. The prefix keeps it apart from the incident's own fields."""

    involvement = forms.ChoiceField(
        label=_("Involved as"), choices=_blank(Involvement.choices, _("Choose")), required=False
    )
    name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    is_unknown = forms.BooleanField(label=_("Name not known"), required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=DateInput, required=False, error_messages={"invalid": _("Enter a real date")}
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, help_text=_("For someone whose name is not known.")
    )
    is_vulnerable = forms.BooleanField(label=_("Vulnerable"), required=False)

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required = required

    def is_blank(self) -> bool:
        d = self.cleaned_data
        return not any(d.get(name) for name in ("involvement", "name", "is_unknown", "address", "description"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (self.required or not self.is_blank()) and not data.get("involvement"):
            self.add_error("involvement", _("Choose how the person was involved"))
        return data

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            involvement=d["involvement"],
            name=d["name"],
            is_unknown=d["is_unknown"],
            date_of_birth=d["date_of_birth"],
            address=d["address"],
            phone=d["phone"],
            description=d["description"],
            is_vulnerable=d["is_vulnerable"],
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        help_text=_("Needed to close the incident."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CorrectionForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(
        label=_("Correct neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        error_messages={"required": _("Choose the neighbourhood")},
    )
    reason = forms.CharField(
        label=_("Why is it being corrected?"),
        widget=forms.Textarea,
        max_length=500,
        error_messages={"required": _("Say why the neighbourhood is being corrected")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class FilterForm(forms.Form):
    """The list's and the map's filters. Invalid values are ignored (a filter, not a record)."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All")
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=_blank(Category.choices, _("All")), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(Status.choices, _("All")), required=False)
    flag = forms.ChoiceField(label=_("Flag"), choices=_blank(Flag.CHOICES, _("Any")), required=False)
    person = forms.CharField(label=_("Person or address"), max_length=100, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=40, required=False)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods

    def filters(self) -> IncidentFilters:
        if not self.is_bound or not self.is_valid():
            data: dict[str, Any] = {
                name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors
            }
        else:
            data = self.cleaned_data
        nb = data.get("neighbourhood")
        return IncidentFilters(
            neighbourhood_id=nb.pk if nb is not None else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            category=data.get("category") or "",
            status=data.get("status") or "",
            flag=data.get("flag") or "",
            person=data.get("person") or "",
            reference=data.get("reference") or "",
        )


class RulesForm(forms.Form):
    repeat_count = forms.IntegerField(
        label=_("Incidents that make a repeat"), min_value=2, max_value=50, help_text=_("N: at least two.")
    )
    repeat_window_days = forms.IntegerField(
        label=_("Repeat window (days)"), min_value=1, max_value=3650, help_text=_("M: repeats are counted within it.")
    )
    repeat_radius_m = forms.IntegerField(
        label=_("Repeat location radius (metres)"),
        min_value=1,
        max_value=5000,
        help_text=_("R: how near is 'the same place'."),
    )
    trigger_threshold = forms.IntegerField(
        label=_("ASB case review threshold (complaints)"),
        min_value=1,
        max_value=3,
        help_text=_("The Act sets it at no more than three."),
    )
    trigger_window_months = forms.IntegerField(label=_("ASB case review window (months)"), min_value=1, max_value=24)

    def changes(self) -> RulesChanges:
        return RulesChanges(**self.cleaned_data)
