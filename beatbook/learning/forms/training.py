"""Forms of the training pages: they parse input; the services decide and write. The view gives
the choices (forces, people and courses where the actor records training)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.learning.models import Course, CourseKind, TrainingResult
from beatbook.learning.selectors.training import TrainingFilters
from beatbook.org.models import Force, Person


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"


class DateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD; shown back in that form (what a date input needs)."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", _("Enter a real date"))
        super().__init__(input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value


def _person_label(person: Person) -> str:
    return f"{person.display_name} ({person.collar_number})" if person.collar_number else person.display_name


def _set_choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


class CourseForm(forms.Form):
    force = forms.TypedChoiceField(label=_("Force"), coerce=int)
    code = forms.CharField(label=_("Code (lower-case letters, digits and hyphens)"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose")), *CourseKind.choices])
    valid_months = forms.IntegerField(
        label=_("A pass is valid for (months; leave empty if it does not expire)"), required=False
    )

    def __init__(self, *args: Any, forces: Sequence[Force], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forces = {f.pk: f for f in forces}
        _set_choices(self, "force", [(f.pk, f.name) for f in forces])

    def force_chosen(self) -> Force:
        return self.forces[self.cleaned_data["force"]]


class TrainingRecordForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, error_messages={"required": _("Choose the person")})
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, error_messages={"required": _("Choose the course")})
    completed_on = DateField(label=_("Completed on"), error_messages={"required": _("Enter the date completed")})
    result = forms.ChoiceField(label=_("Result"), choices=TrainingResult.choices)
    expires_on = DateField(label=_("Valid until (leave empty to count from the course's validity)"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, people: Sequence[Person], courses: Sequence[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.courses = {c.pk: c for c in courses}
        _set_choices(self, "person", [("", _("Choose")), *((p.pk, _person_label(p)) for p in people)])
        _set_choices(self, "course", [("", _("Choose")), *((c.pk, f"{c.title} ({c.force.name})") for c in courses)])

    def person_chosen(self) -> Person:
        return self.people[self.cleaned_data["person"]]

    def course_chosen(self) -> Course:
        return self.courses[self.cleaned_data["course"]]


class TrainingFilterForm(forms.Form):
    """The list's filters; invalid values are ignored."""

    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("Any")), ("expiring", _("Expires within 30 days")), ("expired", _("Expired"))],
    )

    def __init__(self, *args: Any, people: Sequence[Person], courses: Sequence[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "person", [("", _("Everyone")), *((p.pk, _person_label(p)) for p in people)])
        _set_choices(self, "course", [("", _("All")), *((c.pk, f"{c.title} ({c.force.name})") for c in courses)])

    def filters(self) -> TrainingFilters:
        data: dict[str, Any] = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        state = data.get("state") or ""
        return TrainingFilters(
            person_id=data.get("person"),
            course_id=data.get("course"),
            expiring=state == "expiring",
            expired=state == "expired",
        )
