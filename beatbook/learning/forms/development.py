"""Forms of the development pages (frameworks, CPD, PDR): they parse input; the services decide
and write. The view gives the choices (the items of the actor's force's framework, the people
they line-manage, the CPD entries of the person reviewed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.learning.forms.training import DateField
from beatbook.learning.models import (
    CpdEntry,
    CpdKind,
    Framework,
    FrameworkItem,
    ItemKind,
    ObjectiveStatus,
    RatingOption,
)
from beatbook.learning.selectors.development import CpdFilters
from beatbook.org.models import Force, Person

# The checkbox groups of the CPD form, one per kind of framework item.
ITEM_FIELDS = {ItemKind.COMPETENCY: "competencies", ItemKind.VALUE: "values", ItemKind.CORE_SKILL: "core_skills"}


def _choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def person_label(person: Person) -> str:
    return f"{person.display_name} ({person.collar_number})" if person.collar_number else person.display_name


class ForceFrameworkForm(forms.Form):
    force = forms.TypedChoiceField(label=_("Force"), coerce=int)
    framework = forms.ChoiceField(label=_("Framework in use"))
    adopted_on = DateField(label=_("In use from"), error_messages={"required": _("Enter the date it is in use from")})

    def __init__(self, *args: Any, forces: Sequence[Force], frameworks: Sequence[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forces = {f.pk: f for f in forces}
        self.frameworks = {f.code: f for f in frameworks}
        _choices(self, "force", [(f.pk, f.name) for f in forces])
        _choices(self, "framework", [(f.code, f.name) for f in frameworks])

    def force_chosen(self) -> Force:
        return self.forces[self.cleaned_data["force"]]

    def framework_chosen(self) -> Framework:
        return self.frameworks[self.cleaned_data["framework"]]


class CpdEntryForm(forms.Form):
    occurred_on = DateField(label=_("Date of the activity"), error_messages={"required": _("Enter the date")})
    title = forms.CharField(label=_("Title"), max_length=160, error_messages={"required": _("Enter a title")})
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=[("", _("Choose")), *CpdKind.choices])
    hours = forms.DecimalField(
        label=_("Hours"),
        help_text=_("For example 1.5 for an hour and a half."),
        max_digits=5,
        decimal_places=2,
        error_messages={"required": _("Enter the hours"), "invalid": _("Enter the hours as a number")},
    )
    competencies = forms.TypedMultipleChoiceField(label=_("Competencies"), coerce=int, required=False)
    values = forms.TypedMultipleChoiceField(label=_("Values"), coerce=int, required=False)
    core_skills = forms.TypedMultipleChoiceField(label=_("Core skills"), coerce=int, required=False)
    reflection = forms.CharField(
        label=_("Reflection"),
        help_text=_("What you learnt and how you will use it. Do not name members of the public."),
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )
    link = forms.CharField(label=_("Link (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, items: Sequence[FrameworkItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, name in ITEM_FIELDS.items():
            field = self.fields[name]
            field.widget = forms.CheckboxSelectMultiple()
            _choices(self, name, [(i.pk, i.name) for i in items if i.kind == kind])

    @staticmethod
    def initial_of(entry: CpdEntry) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "occurred_on": entry.occurred_on,
            "title": entry.title,
            "kind": entry.kind,
            "hours": entry.hours,
            "reflection": entry.reflection,
            "link": entry.link,
        }
        for kind, name in ITEM_FIELDS.items():
            initial[name] = [i.pk for i in entry.items.all() if i.kind == kind]
        return initial

    def item_ids(self) -> list[int]:
        return [pk for name in ITEM_FIELDS.values() for pk in self.cleaned_data[name]]


class CpdFilterForm(forms.Form):
    """The CPD list's filters; invalid values are ignored."""

    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of activity"), required=False, choices=[("", _("All")), *CpdKind.choices])
    item = forms.TypedChoiceField(
        label=_("Competency, value or core skill"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        people: Sequence[Person],
        years: Sequence[int],
        items: Sequence[FrameworkItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "person", [("", _("Everyone I can see")), *((p.pk, person_label(p)) for p in people)])
        _choices(self, "year", [("", _("All years")), *((y, str(y)) for y in years)])
        _choices(self, "item", [("", _("All")), *((i.pk, f"{i.name} ({i.framework.code})") for i in items)])

    def filters(self) -> CpdFilters:
        data: dict[str, Any] = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return CpdFilters(
            person_id=data.get("person"), year=data.get("year"), kind=data.get("kind") or "", item_id=data.get("item")
        )


class PdrOpenForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, error_messages={"required": _("Choose the person")})
    review_year = forms.IntegerField(label=_("Review year"), error_messages={"required": _("Enter the review year")})

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        _choices(self, "person", [("", _("Choose")), *((p.pk, person_label(p)) for p in people)])

    def person_chosen(self) -> Person:
        return self.people[self.cleaned_data["person"]]


class PdrRatingForm(forms.Form):
    competency = forms.TypedChoiceField(label=_("Competency"), coerce=int)
    rating = forms.ChoiceField(label=_("Rating"), error_messages={"required": _("Choose a rating")})
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the evidence")},
    )
    cpd_entries = forms.TypedMultipleChoiceField(label=_("CPD activities cited"), coerce=int, required=False)

    def __init__(
        self,
        *args: Any,
        competencies: Sequence[FrameworkItem],
        options: Sequence[RatingOption],
        entries: Sequence[CpdEntry],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = {c.pk: c for c in competencies}
        _choices(self, "competency", [(c.pk, c.name) for c in competencies])
        _choices(self, "rating", [("", _("Choose")), *((o.code, o.label) for o in options)])
        self.fields["cpd_entries"].widget = forms.CheckboxSelectMultiple()
        _choices(self, "cpd_entries", [(e.pk, f"{e.occurred_on:%d %b %Y}: {e.title} ({e.hours} h)") for e in entries])

    def competency_chosen(self) -> FrameworkItem:
        return self.competencies[self.cleaned_data["competency"]]


class PdrObjectiveForm(forms.Form):
    text = forms.CharField(
        label=_("Objective"),
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the objective")},
    )
    due_on = DateField(label=_("Due on"), error_messages={"required": _("Enter the due date")})


class PdrObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ObjectiveStatus.choices)


class PdrReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it needs reopening"),
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": _("Give the reason")},
    )
