"""Forms of the programme pages: they parse input; the services decide and write. The view gives
the choices (people of the learner's force, the programme's phases)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.learning.forms.development import person_label
from beatbook.learning.forms.training import DateField
from beatbook.learning.models import Enrolment, Milestone, Phase, PhaseKind, Programme, QualificationKind, Rag, Route
from beatbook.learning.selectors.programmes import CohortFilters
from beatbook.org.models import Person


def _choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


class PeopleChoices:
    """A form mixin: choose people of a force by id."""

    people: dict[int, Person]

    def chosen(self, form: forms.Form, name: str) -> Person | None:
        pk = form.cleaned_data.get(name)
        return self.people.get(pk) if pk else None


def _optional_person(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=False, empty_value=None)


class ProgrammeSettingsForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    qualification = forms.ChoiceField(label=_("Qualification"), choices=QualificationKind.choices)
    qualification_title = forms.CharField(
        label=_("Qualification title"), max_length=200, error_messages={"required": _("Enter the title")}
    )
    awarding_body = forms.CharField(
        label=_("Awarding body"), max_length=120, error_messages={"required": _("Enter the awarding body")}
    )
    qualification_number = forms.CharField(label=_("Qualification number"), max_length=20, required=False)
    ips_due_months = forms.IntegerField(
        label=_("Independent Patrol Status due (months after the start)"),
        error_messages={"required": _("Enter the months"), "invalid": _("Enter a whole number")},
    )
    foc_due_months = forms.IntegerField(
        label=_("Full Operational Competence due (months after the start)"),
        error_messages={"required": _("Enter the months"), "invalid": _("Enter a whole number")},
    )
    review_interval_weeks = forms.IntegerField(
        label=_("Weeks between progress reviews"),
        error_messages={"required": _("Enter the weeks"), "invalid": _("Enter a whole number")},
    )
    is_active = forms.BooleanField(label=_("Taking new learners"), required=False)

    @staticmethod
    def initial_of(programme: Programme) -> dict[str, Any]:
        return {name: getattr(programme, name) for name in ProgrammeSettingsForm.base_fields}


class EnrolForm(PeopleChoices, forms.Form):
    person = forms.TypedChoiceField(
        label=_("Learner"), coerce=int, error_messages={"required": _("Choose the learner")}
    )
    start_date = DateField(label=_("Start date"), error_messages={"required": _("Enter the start date")})
    tutor = _optional_person(_("Tutor"))
    assessor = _optional_person(_("Assessor"))
    line_manager = _optional_person(_("Line manager"))

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        options = [(p.pk, person_label(p)) for p in people]
        _choices(self, "person", [("", _("Choose")), *options])
        for name in ("tutor", "assessor", "line_manager"):
            _choices(self, name, [("", _("Nobody yet")), *options])


class EnrolmentForm(PeopleChoices, forms.Form):
    tutor = _optional_person(_("Tutor"))
    assessor = _optional_person(_("Assessor"))
    line_manager = _optional_person(_("Line manager"))
    ips_due_on = DateField(
        label=_("Independent Patrol Status due"), error_messages={"required": _("Enter the due date")}
    )
    foc_due_on = DateField(
        label=_("Full Operational Competence due"), error_messages={"required": _("Enter the due date")}
    )

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        options = [(p.pk, person_label(p)) for p in people]
        for name in ("tutor", "assessor", "line_manager"):
            _choices(self, name, [("", _("Nobody")), *options])

    @staticmethod
    def initial_of(enrolment: Enrolment) -> dict[str, Any]:
        return {
            "tutor": enrolment.tutor_id,
            "assessor": enrolment.assessor_id,
            "line_manager": enrolment.line_manager_id,
            "ips_due_on": enrolment.ips_due_on,
            "foc_due_on": enrolment.foc_due_on,
        }


class PhaseForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Move to phase"), coerce=int)
    started_on = DateField(label=_("From"), error_messages={"required": _("Enter the date")})

    def __init__(self, *args: Any, phases: Sequence[Phase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phases = {p.pk: p for p in phases}
        _choices(self, "phase", [(p.pk, p.name) for p in phases])

    def phase_chosen(self) -> Phase:
        return self.phases[self.cleaned_data["phase"]]


class SignOffForm(forms.Form):
    milestone = forms.ChoiceField(choices=Milestone.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=4000, widget=forms.Textarea)


class RevokeForm(forms.Form):
    milestone = forms.ChoiceField(choices=Milestone.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the sign-off is revoked"),
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": _("Give the reason")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea, error_messages={"required": _("Give the reason")}
    )


class ReviewForm(PeopleChoices, forms.Form):
    held_on = DateField(label=_("Held on"), error_messages={"required": _("Enter the date it was held")})
    rag = forms.ChoiceField(
        label=_("Rating"),
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating")},
    )
    attendees = forms.TypedMultipleChoiceField(label=_("Who attended"), coerce=int, required=False)
    other_attendees = forms.CharField(label=_("Others who attended"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        help_text=_("Do not name members of the public."),
        max_length=4000,
        required=False,
        widget=forms.Textarea,
    )
    agreed_actions = forms.CharField(label=_("Agreed actions"), max_length=4000, required=False, widget=forms.Textarea)
    next_review_on = DateField(
        label=_("Next review on"), required=False, help_text=_("Leave blank for the programme's usual interval.")
    )

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["attendees"].widget = forms.CheckboxSelectMultiple()
        _choices(self, "attendees", [(p.pk, person_label(p)) for p in people])

    def attendees_chosen(self) -> list[Person]:
        return [self.people[pk] for pk in self.cleaned_data["attendees"] if pk in self.people]


class ScheduleForm(forms.Form):
    scheduled_for = DateField(label=_("Review on"), error_messages={"required": _("Enter the date")})


class CohortFilterForm(forms.Form):
    """The cohort dashboard's filters; invalid values are ignored."""

    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("All phases")), *PhaseKind.choices])
    risk = forms.ChoiceField(
        label=_("Risk"),
        required=False,
        choices=[("", _("Everyone")), ("at_risk", _("At risk")), ("on_track", _("On track"))],
    )

    def filters(self) -> CohortFilters:
        data: dict[str, Any] = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return CohortFilters(phase_kind=data.get("phase") or "", risk=data.get("risk") or "")
