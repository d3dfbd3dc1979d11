"""The form of a requirement to give a name and address (input shape only: the service decides
whether the power was held, and whether a person who complied gave a name and address)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..reference import Compliance, RelevantOffence
from .common import RecordForm


class NameAddressForm(RecordForm):
    """When and where, why the name and address was required, and what the person did. The
    name and address fields hold what the person gave (needed when they complied)."""

    reason = forms.ChoiceField(
        label=_("Relevant offence"),
        choices=[("", _("Choose the relevant offence")), *RelevantOffence.choices],
        help_text=_("What you had reason to believe the person had committed (Police Reform Act 2002 Sch 3C para 3)."),
        error_messages={"required": _("Choose the relevant offence")},
    )
    offence_details = forms.CharField(
        label=_("What you had reason to believe"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Say what you had reason to believe the person had done")},
    )
    compliance = forms.ChoiceField(
        label=_("Did the person give a name and address?"),
        choices=Compliance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the person gave a name and address")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_name"].label = _("Name given")
        self.fields["subject_address"].label = _("Address given")
        self.fields["occurred_at"].label = _("When did you require it?")
