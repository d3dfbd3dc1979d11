"""Forms of the priority pages: they parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood, Person

from ..models import EngagementEvent, PriorityStatus
from ..selectors.priorities import PriorityFilters
from ..services.priorities import ACTION_MAX, ISSUE_MAX, REASON_MAX

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        error_messages={"required": _("Enter the date"), "invalid": _("Enter a real date")},
    )


def issue_field() -> forms.CharField:
    return forms.CharField(
        label=_("The issue (you said)"),
        widget=forms.Textarea,
        max_length=ISSUE_MAX,
        help_text=_("In words the public would recognise: the public page shows it once the priority is published."),
        error_messages={"required": _("Describe the issue the public raised")},
    )


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        return f"{person.display_name} ({person.collar_number})" if person.collar_number else person.display_name


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


PUBLISHED_CHOICES = [("", _("Published or not")), ("yes", _("Published")), ("no", _("Not published"))]


class PriorityFilterForm(forms.Form):
    """The list's filters (also the exports'). Invalid values are ignored (a filter, not a record)."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *PriorityStatus.choices], required=False)
    published = forms.ChoiceField(label=_("Published"), choices=PUBLISHED_CHOICES, required=False)
    owner = OwnerChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone"))
    due = forms.BooleanField(label=_("Only those due for review"), required=False)
    q = forms.CharField(label=_("Words in the issue, or the reference"), max_length=100, required=False)

    def __init__(
        self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], owners: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "neighbourhood", neighbourhoods)
        _set_queryset(self, "owner", owners)

    def filters(self) -> PriorityFilters:
        if not self.is_bound:
            return PriorityFilters()
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        nb, owner, published = data.get("neighbourhood"), data.get("owner"), data.get("published") or ""
        return PriorityFilters(
            neighbourhood_id=nb.pk if nb is not None else None,
            status=data.get("status") or "",
            published={"yes": True, "no": False}.get(published),
            owner_id=owner.pk if owner is not None else None,
            due=bool(data.get("due")),
            text=data.get("q") or "",
        )


class PriorityForm(forms.Form):
    """A new priority. `source_event` (hidden) is the reference of the engagement event where the
    issue was raised, when the priority is set from one."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the neighbourhood"), "invalid_choice": _("Choose the neighbourhood")},
    )
    issue = issue_field()
    set_on = date_field(_("Date set"))
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Me"),
        help_text=_("Who keeps it moving: a PCSO, officer or supervisor of the neighbourhood."),
    )
    review_on = date_field(
        _("Review date (optional)"),
        required=False,
        help_text=_("By default, the date set plus the force's review period."),
    )
    source_event = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    is_published = forms.BooleanField(label=_("Publish it on the neighbourhood's public page now"), required=False)

    def __init__(
        self,
        *args: Any,
        neighbourhoods: QuerySet[Neighbourhood],
        owners: QuerySet[Person],
        events: QuerySet[EngagementEvent],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "neighbourhood", neighbourhoods)
        _set_queryset(self, "owner", owners)
        self.events = events

    def clean_source_event(self) -> EngagementEvent | None:
        reference = (self.cleaned_data.get("source_event") or "").strip()
        if not reference:
            return None
        event = self.events.filter(reference=reference).first()
        if event is None:
            raise forms.ValidationError(_("Choose an engagement event you can see."))
        return event


class PriorityEditForm(forms.Form):
    issue = issue_field()
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=Person.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the owner"), "invalid_choice": _("Choose the owner")},
    )
    review_on = date_field(_("Review date"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, owners: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", owners)


class ActionForm(forms.Form):
    """An action taken ("we did")."""

    taken_on = date_field(_("Date"))
    text = forms.CharField(
        label=_("What was done (we did)"),
        widget=forms.Textarea,
        max_length=ACTION_MAX,
        error_messages={"required": _("Say what was done")},
    )
    is_public = forms.BooleanField(
        label=_("Public: show it on the public page when the priority is published"), required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=PriorityStatus.choices,
        error_messages={"required": _("Choose the status"), "invalid_choice": _("Choose the status")},
    )
    reason = forms.CharField(
        label=_("Outcome or reason"),
        widget=forms.Textarea,
        max_length=REASON_MAX,
        error_messages={"required": _("Give the outcome, or the reason for the change")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
