"""Forms of a detention pending a constable: starting one (now, or recorded afterwards with its
end) and ending one. Input shape only: the service checks the power, the limit and the times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..reference import DetentionOutcome
from .common import aware, moment_field

OUTCOMES = [("", _("Choose how it ended")), *DetentionOutcome.choices]


class EndFields(forms.Form):
    """How a detention ended: when, how, the constable's arrival, and any force used."""

    ended_at = moment_field(_("When did it end?"))
    outcome = forms.ChoiceField(label=_("How did it end?"), choices=OUTCOMES, required=False)
    constable_arrived_at = moment_field(
        _("When did the constable arrive?"), help_text=_("Needed when a constable arrived.")
    )
    force_used = forms.BooleanField(label=_("Reasonable force was used"), required=False)
    force_details = forms.CharField(
        label=_("Force used: what and why"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        help_text=_("Needed when force was used, for example to stop the person making off."),
    )

    def clean_ended_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data["ended_at"])

    def clean_constable_arrived_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data["constable_arrived_at"])


class DetentionStartForm(EndFields):
    """Start a detention: "Start detention now" (`start_now`) takes the time on the server;
    otherwise the start time given (a detention recorded afterwards may give its end too)."""

    occurred_at = moment_field(
        _("When did the detention start?"), help_text=_("Leave blank and press “Start detention now” to start it now.")
    )
    location_text = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Leave blank if it is where you required the name and address."),
    )
    constable_requested_at = moment_field(
        _("When did you ask for a constable?"), help_text=_("Leave blank if you have not asked yet.")
    )
    constable_requested_now = forms.BooleanField(label=_("I have asked for a constable"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, max_length=5000, required=False)

    def __init__(self, *args: Any, start_now: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_now = start_now
        self.fields["ended_at"].label = _("When did it end? (only if it has already ended)")

    def clean_occurred_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data["occurred_at"])

    def clean_constable_requested_at(self) -> dt.datetime | None:
        return aware(self.cleaned_data["constable_requested_at"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.start_now:
            cleaned["occurred_at"] = timezone.now()
        elif cleaned.get("occurred_at") is None and "occurred_at" not in self.errors:
            self.add_error("occurred_at", _("Enter when the detention started, or start it now"))
        if cleaned.get("constable_requested_now") and cleaned.get("constable_requested_at") is None:
            cleaned["constable_requested_at"] = cleaned.get("occurred_at")
        return cleaned


class DetentionEndForm(EndFields):
    """End a detention: "End now" (`end_now`) takes the time on the server. `version` is the
    record's as the officer read it (a change since makes the save fail, not overwrite)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, end_now: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.end_now = end_now
        self.fields["outcome"].required = True
        self.fields["outcome"].error_messages["required"] = _("Choose how the detention ended")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.end_now:
            cleaned["ended_at"] = timezone.now()
        elif cleaned.get("ended_at") is None and "ended_at" not in self.errors:
            self.add_error("ended_at", _("Enter when the detention ended, or end it now"))
        return cleaned
