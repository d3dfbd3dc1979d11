"""Forms of the portfolio pages: they parse input; the services decide and write. The view gives
the choices (the kinds the actor may write, the criteria of the learner's programme)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.learning.forms.training import DateField
from beatbook.learning.models import Criterion, Evidence, EvidenceKind, Judgement


def _set_choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def criterion_label(criterion: Criterion) -> str:
    ips = " (IPS)" if criterion.needed_for_ips else ""
    return f"{criterion.code} {criterion.text}{ips}"


class CriteriaField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Assessment criteria this is evidence for"))
        kwargs.setdefault(
            "help_text", _("Choose every criterion the evidence shows. You can change this until you submit it.")
        )
        super().__init__(coerce=int, required=False, widget=forms.CheckboxSelectMultiple(), **kwargs)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"))
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    occurred_on = DateField(label=_("Date of the activity"), error_messages={"required": _("Enter the date")})
    witness = forms.CharField(
        label=_("Witness (name and role)"),
        help_text=_("Only for a witness testimony: who saw you at work, for example Jo Bloggs, school caretaker."),
        required=False,
        max_length=200,
    )
    body = forms.CharField(
        label=_("Account"),
        help_text=_("What happened, what you did and what you learnt. Do not name members of the public."),
        max_length=8000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the account")},
    )
    criteria = CriteriaField()

    def __init__(self, *args: Any, kinds: Sequence[str], criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EvidenceKind.choices)
        _set_choices(self, "kind", [("", _("Choose")), *((k, labels[k]) for k in kinds)])
        _set_choices(self, "criteria", [(c.pk, criterion_label(c)) for c in criteria])

    @staticmethod
    def initial_of(evidence: Evidence) -> dict[str, Any]:
        return {
            "kind": evidence.kind,
            "title": evidence.title,
            "occurred_on": evidence.occurred_on,
            "witness": evidence.witness,
            "body": evidence.body,
            "criteria": [m.criterion_id for m in evidence.mappings.all()],
        }


class MappingForm(forms.Form):
    """The criteria of an item (a draft operational record, whose copy cannot be changed)."""

    criteria = CriteriaField()

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "criteria", [(c.pk, criterion_label(c)) for c in criteria])


class FromRecordForm(MappingForm):
    """Confirm the copy of a record, with the criteria it is evidence for."""


class JudgementForm(forms.Form):
    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int)
    judgement = forms.ChoiceField(
        label=_("Judgement"),
        choices=[
            ("", _("Choose")),
            (Judgement.MET, Judgement.MET.label),
            (Judgement.NOT_YET_MET, Judgement.NOT_YET_MET.label),
        ],
        error_messages={"required": _("Choose met or not yet met")},
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        help_text=_("Needed when the criterion is not yet met: say what is missing."),
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "criterion", [(c.pk, criterion_label(c)) for c in criteria])
