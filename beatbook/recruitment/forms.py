"""Forms of the recruitment pages: they parse input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Neighbourhood, Team

from .models import ApplicationStatus, Campaign, EligibilityRules, Level2Answer, Level2Rule, Outcome, Stage

YES_NO = [("", _("Choose an answer")), ("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"


class DateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD (also accepts DD/MM/YYYY)."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", _("Enter a real date"))
        kwargs["error_messages"].setdefault("required", _("Enter the date"))
        super().__init__(input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value


def yes_no(label: Any, required_message: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        error_messages={"required": required_message},
    )


def as_yes_no(value: bool) -> str:
    return "yes" if value else "no"


def whole_number(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        error_messages={
            "required": _("Enter a number"),
            "invalid": _("Enter a whole number"),
            "min_value": _("Enter 0 or more"),
        },
        **kwargs,
    )


class ApplyForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=120, error_messages={"required": _("Enter your full name")}
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={"required": _("Enter your email address"), "invalid": _("Enter a real email address")},
    )
    phone = forms.CharField(label=_("Telephone (optional)"), max_length=30, required=False)
    date_of_birth = DateField(label=_("Date of birth"))
    has_level3 = yes_no(
        _("Do you hold a level 3 qualification, such as A levels, or an equivalent?"), _("Answer the question")
    )
    level2 = forms.ChoiceField(
        label=_("Do you hold level 2 English and maths (GCSE grade 4 or C, or an equivalent)?"),
        choices=[("", _("Choose an answer")), *Level2Answer.choices],
        error_messages={"required": _("Answer the question")},
    )
    residency_years = whole_number(_("How many years in a row, up to today, have you lived in the UK?"), max_value=120)
    has_driving_licence = yes_no(_("Do you hold a full driving licence?"), _("Answer the question"))


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, error_messages={"required": _("Enter the title")})
    opens_on = DateField(label=_("Opens on"))
    closes_on = DateField(label=_("Closes on"), help_text=_("Applications are taken up to and including this day."))
    posts = forms.IntegerField(
        label=_("Number of posts"),
        min_value=1,
        max_value=10000,
        error_messages={"required": _("Enter the number of posts"), "invalid": _("Enter a whole number")},
    )
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea)
    next_steps = forms.CharField(
        label=_("Next steps when closed"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text=_("Shown on the careers page when no campaign is open."),
    )

    @staticmethod
    def initial_of(campaign: Campaign) -> dict[str, Any]:
        return {
            "title": campaign.title,
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "posts": campaign.posts,
            "description": campaign.description,
            "next_steps": campaign.next_steps,
        }


class RulesForm(forms.Form):
    min_age = forms.IntegerField(
        label=_("Minimum age on the day of applying"),
        error_messages={"required": _("Enter the age"), "invalid": _("Enter a whole number")},
    )
    level3_required = yes_no(_("Level 3 qualification (or equivalent) required?"), _("Choose yes or no"))
    level2_rule = forms.ChoiceField(label=_("Level 2 English and maths"), choices=Level2Rule.choices)
    residency_years = whole_number(_("Years of UK residency needed for vetting (0 for none)"))
    driving_licence_required = yes_no(_("Full driving licence required?"), _("Choose yes or no"))

    @staticmethod
    def initial_of(rules: EligibilityRules) -> dict[str, Any]:
        return {
            "min_age": rules.min_age,
            "level3_required": as_yes_no(rules.level3_required),
            "level2_rule": rules.level2_rule,
            "residency_years": rules.residency_years,
            "driving_licence_required": as_yes_no(rules.driving_licence_required),
        }


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[c for c in Stage.choices if c[0] != Stage.START])
    on = DateField(label=_("Date"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    notes = forms.CharField(label=_("Notes (optional)"), max_length=2000, required=False, widget=forms.Textarea)


class AppointForm(forms.Form):
    start_date = DateField(label=_("Start date"))
    area = forms.ChoiceField(label=_("Posted to"), error_messages={"required": _("Choose a neighbourhood or a team")})

    def __init__(
        self, *args: Any, neighbourhoods: Sequence[Neighbourhood], teams: Sequence[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.neighbourhoods = {f"n{n.pk}": n for n in neighbourhoods}
        self.teams = {f"t{t.pk}": t for t in teams}
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose a neighbourhood or a team")),
            *((key, _("Neighbourhood: %(name)s") % {"name": n.name}) for key, n in self.neighbourhoods.items()),
            *((key, _("Team: %(name)s") % {"name": t.name}) for key, t in self.teams.items()),
        ]

    def chosen(self) -> tuple[Neighbourhood | None, Team | None]:
        key = self.cleaned_data["area"]
        return self.neighbourhoods.get(key), self.teams.get(key)


class ApplicationFilterForm(forms.Form):
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ApplicationStatus.choices]
    )

    def __init__(self, *args: Any, campaigns: Sequence[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any campaign")), *((c.pk, c.title) for c in campaigns)]
