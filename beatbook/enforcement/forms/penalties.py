"""Forms of penalty notices, and the fields every enforcement record's form shares
(`RecordForm`, also used by the seizure and vehicle warning forms). They parse input; the
services decide (an offence of another force, an amount outside the tariff or a recipient too
young come back from the service as the field's error)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..reference import PenaltyStatus
from ..selectors.penalties import OffenceGroup
from .common import RecordForm


class IdField(forms.TypedChoiceField):
    """One id from a list (or typed): any whole number here; the service says whether it may be
    chosen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class PenaltyForm(RecordForm):
    """A penalty notice: the offence (grouped by power, with the amounts charged today), who
    charges it, and what the person did. The amount is the tariff's; typed, it must match."""

    offence = IdField(label=_("Offence"), error_messages={"required": _("Choose an offence")})
    authority = IdField(
        label=_("Issuing authority"),
        required=False,
        help_text=_("The council whose tariff applies, or the force itself."),
    )
    amount = forms.DecimalField(
        label=_("Amount (£)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        help_text=_("Leave blank to charge the tariff's amount."),
    )
    offence_details = forms.CharField(
        label=_("What the person did"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Say what the person did")},
    )

    def set_choices(
        self, *, groups: list[OffenceGroup], authorities: Sequence[tuple[int, str]], force_name: str
    ) -> None:
        offence = self.fields["offence"]
        assert isinstance(offence, forms.ChoiceField)
        offence.choices = [
            ("", _("Choose an offence")),
            *((g.power_title, [(o.id, o.label) for o in g.offences]) for g in groups),
        ]
        authority = self.fields["authority"]
        assert isinstance(authority, forms.ChoiceField)
        authority.choices = [("", force_name), *authorities]
        self.groups = groups


class PenaltyStatusForm(forms.Form):
    """Move a notice on: the next status and, for a cancellation, why."""

    status = forms.ChoiceField(label=_("New status"), error_messages={"required": _("Choose a status")})
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text=_("Needed to cancel a notice."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, statuses: Sequence[PenaltyStatus] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        # Every status is accepted here (the service says which moves are allowed); the page
        # offers only the allowed ones.
        field.choices = PenaltyStatus.choices
        self.offered = [(s.value, s.label) for s in statuses]
