"""Forms of dispersal: an authorisation, ending it early, and a direction given under one. They
parse input; the services decide and write."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood

from ..models import DispersalAuthorisation
from ..reference import AuthorisingRank, RemovedTo
from ..services.common import RecordData
from .common import DateInput, aware, moment_field


class AuthorisationForm(forms.Form):
    """An inspector's written authorisation (s.34), as a supervisor records it."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the neighbourhood"), "invalid_choice": _("Choose the neighbourhood")},
    )
    locality = forms.CharField(
        label=_("Locality"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("The streets and places the authorisation covers, as the inspector wrote them."),
        error_messages={"required": _("Describe the locality")},
    )
    boundary = forms.CharField(
        label=_("Boundary (GeoJSON polygon, optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=100_000,
        help_text=_("If given, directions can only be given inside it."),
    )
    starts_at = moment_field(_("From"), required=True)
    ends_at = moment_field(_("Until"), help_text=_("At most 48 hours after the start (s.34)."), required=True)
    authorised_by_name = forms.CharField(
        label=_("Authorised by"), max_length=160, error_messages={"required": _("Give the authorising officer's name")}
    )
    authorised_by_rank = forms.ChoiceField(
        label=_("Rank"),
        choices=AuthorisingRank.choices,
        help_text=_("An inspector or above."),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_(
            "Why it may be necessary to remove or reduce the likelihood of harassment, alarm or distress, "
            "or crime or disorder, in the locality."
        ),
        error_messages={"required": _("Give the grounds")},
    )

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods

    def clean_starts_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data.get("starts_at"))

    def clean_ends_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data.get("ends_at"))

    def clean_boundary(self) -> dict[str, Any] | None:
        raw = (self.cleaned_data.get("boundary") or "").strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("The boundary is not readable JSON.")) from exc
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
        return value


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it end early?"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Say why the authorisation ends early")},
    )


class DispersalForm(forms.Form):
    """A dispersal direction (s.35): the common fields of an enforcement record, and the
    direction's own."""

    authorisation = forms.ChoiceField(
        label=_("Authorisation"),
        choices=[],
        error_messages={"required": _("Choose the authorisation"), "invalid_choice": _("Choose the authorisation")},
    )
    occurred_at = moment_field(_("When was the direction given?"), required=True)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_text = forms.CharField(label=_("Place"), max_length=200, required=False)
    incident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject_name = forms.CharField(label=_("Name of the person"), max_length=120, required=False)
    subject_date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    subject_age = forms.IntegerField(
        label=_("Apparent age (if date of birth unknown)"), required=False, min_value=0, max_value=120
    )
    subject_address = forms.CharField(label=_("Address of the person"), max_length=200, required=False)
    behaviour = forms.CharField(
        label=_("The behaviour that led to the direction"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Describe the behaviour")},
    )
    exclusion_area = forms.CharField(
        label=_("Area the person must leave and not return to"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Say which area the person must leave")},
    )
    excluded_until = moment_field(
        _("Not to return until"), help_text=_("At most 48 hours after the direction."), required=True
    )
    leave_by = forms.CharField(label=_("Time and route of leaving (optional)"), max_length=200, required=False)
    in_writing = forms.BooleanField(label=_("Given in writing"), required=False, initial=True)
    not_in_writing_reason = forms.CharField(
        label=_("If not in writing: why it was not reasonably practicable"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    told_offence = forms.BooleanField(
        label=_("I told the person that failing to comply without reasonable excuse is an offence"), required=False
    )
    under_16 = forms.BooleanField(label=_("Believed to be under 16"), required=False)
    removed_to = forms.ChoiceField(
        label=_("Taken to (under 16 only)"), choices=[("", _("Not taken anywhere")), *RemovedTo.choices], required=False
    )
    removed_to_address = forms.CharField(label=_("Address taken to"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, max_length=5000, required=False)

    def __init__(self, *args: Any, authorisations: list[DispersalAuthorisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authorisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                a.pk,
                _("%(ref)s: %(area)s (until %(until)s)")
                % {
                    "ref": a.reference,
                    "area": a.neighbourhood.name,
                    "until": date_format(timezone.localtime(a.last_moment), "j M H:i"),
                },
            )
            for a in authorisations
        ]

    def clean_occurred_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data.get("occurred_at"))

    def clean_excluded_until(self) -> dt.datetime | None:
        return aware(self.cleaned_data.get("excluded_until"))

    def record_data(self) -> RecordData:
        d = self.cleaned_data
        return RecordData(
            occurred_at=d["occurred_at"],
            lat=d.get("lat"),
            lng=d.get("lng"),
            location_text=d.get("location_text") or "",
            incident_id=d.get("incident"),
            subject_name=d.get("subject_name") or "",
            subject_date_of_birth=d.get("subject_date_of_birth"),
            subject_age=d.get("subject_age"),
            subject_address=d.get("subject_address") or "",
            notes=d.get("notes") or "",
        )

    def direction(self) -> dict[str, Any]:
        """The direction's own arguments of `services.dispersal.dispersal_direct`."""
        d = self.cleaned_data
        return {
            "authorisation_id": int(d["authorisation"]),
            "exclusion_area": d["exclusion_area"],
            "excluded_until": d["excluded_until"],
            "behaviour": d["behaviour"],
            "leave_by": d.get("leave_by") or "",
            "in_writing": bool(d.get("in_writing")),
            "not_in_writing_reason": d.get("not_in_writing_reason") or "",
            "told_offence": bool(d.get("told_offence")),
            "under_16": bool(d.get("under_16")),
            "removed_to": d.get("removed_to") or "",
            "removed_to_address": d.get("removed_to_address") or "",
        }
