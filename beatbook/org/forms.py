"""Forms of the organisation pages: they parse and check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from beatbook.core.timeutil import today

from .models import (
    NEIGHBOURHOOD_CODE_PATTERN,
    POPULATION_MAX,
    Force,
    Neighbourhood,
    PartnerOrganisation,
    Role,
    Team,
)
from .services import NeighbourhoodChanges, NewPerson, TeamChanges

REASON_MAX_LENGTH = 500
SEARCH_MAX_LENGTH = 100
BOUNDARY_MAX_LENGTH = 1_000_000


class DateInput(forms.DateInput):
    """A native date picker (sends ISO dates, which DateField accepts)."""

    input_type = "date"


def _required(message: StrOrPromise) -> dict[str, StrOrPromise]:
    """A specific "missing" message (GOV.UK style: say what to enter, not "This field is required")."""
    return {"required": message}


ENTER_A_DATE = _("Enter a date")


def _date_field(label: StrOrPromise, *, required: bool = True, missing: StrOrPromise = ENTER_A_DATE) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        error_messages={"required": missing, "invalid": _("Enter a real date, for example 2026-03-31")},
    )


class PersonCreateForm(forms.Form):
    force = forms.ModelChoiceField(label=_("Force"), queryset=Force.objects.none(), empty_label=None)
    username = forms.CharField(label=_("Username"), max_length=150, error_messages=_required(_("Enter a username")))
    display_name = forms.CharField(
        label=_("Display name"), max_length=120, error_messages=_required(_("Enter a display name"))
    )
    email = forms.EmailField(label=_("Email address"), max_length=254, required=False)
    collar_number = forms.CharField(label=_("Staff or collar number"), max_length=20, required=False)
    rank_title = forms.CharField(label=_("Rank or role title"), max_length=80, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    partner_organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        empty_label=_("None (works for the force)"),
        help_text=_("Only for people who work for a partner organisation, such as a council."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput,
        error_messages=_required(_("Enter an initial password")),
    )
    password_confirm = forms.CharField(
        label=_("Confirm the password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput,
        error_messages=_required(_("Enter the password again")),
    )

    def __init__(
        self,
        *args: Any,
        forces: list[Force],
        partners: QuerySet[PartnerOrganisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.only_force: Force | None = forces[0] if len(forces) == 1 else None
        force_field = self.fields["force"]
        assert isinstance(force_field, forms.ModelChoiceField)
        if self.only_force is not None:
            del self.fields["force"]
        else:
            force_field.queryset = Force.objects.filter(pk__in=[f.pk for f in forces])
        partner_field = self.fields["partner_organisation"]
        assert isinstance(partner_field, forms.ModelChoiceField)
        partner_field.queryset = partners

    def chosen_force(self) -> Force:
        if self.only_force is not None:
            return self.only_force
        force = self.cleaned_data["force"]
        assert isinstance(force, Force)
        return force

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        assert cleaned is not None
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The passwords do not match."))
        partner = cleaned.get("partner_organisation")
        force = self.only_force or cleaned.get("force")
        if isinstance(partner, PartnerOrganisation) and isinstance(force, Force) and partner.force_id != force.pk:
            self.add_error("partner_organisation", _("The organisation belongs to another force."))
        return cleaned

    def new_person(self) -> NewPerson:
        data = self.cleaned_data
        return NewPerson(
            username=data["username"],
            display_name=data["display_name"],
            password=data["password"],
            email=data["email"],
            collar_number=data["collar_number"],
            rank_title=data["rank_title"],
            preferred_language=data["preferred_language"],
            partner_organisation=data["partner_organisation"],
        )


class PostingForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, error_messages=_required(_("Choose a role")))
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Post to a neighbourhood or to a team, not both. Leave both empty for a force-wide role."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("None"))
    valid_from = _date_field(_("Valid from"), missing=_("Enter the date the posting starts"))
    valid_to = _date_field(_("Valid to (optional)"), required=False)

    def __init__(
        self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"valid_from": today().isoformat()})
        super().__init__(*args, **kwargs)
        nb_field, team_field = self.fields["neighbourhood"], self.fields["team"]
        assert isinstance(nb_field, forms.ModelChoiceField) and isinstance(team_field, forms.ModelChoiceField)
        nb_field.queryset = neighbourhoods
        team_field.queryset = teams


class PostingEndForm(forms.Form):
    valid_to = _date_field(_("End date"), missing=_("Enter the date the posting ends"))
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, error_messages=_required(_("Give a reason"))
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages=_required(_("Give a reason")),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, error_messages=_required(_("Choose a language"))
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. the system that uses it."),
        error_messages=_required(_("Give the token a name")),
    )
    expires_on = _date_field(_("Last day of use (optional)"), required=False)

    def clean_expires_on(self) -> dt.date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value < today():
            raise ValidationError(_("The expiry must be in the future."))
        return value

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen (London) day: the token works throughout that day."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class NeighbourhoodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, error_messages=_required(_("Enter a name")))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False, widget=forms.Textarea)
    population = forms.IntegerField(
        label=_("Population"),
        min_value=0,
        max_value=POPULATION_MAX,
        error_messages=_required(_("Enter the population, or 0 if it is not known")),
    )
    boundary = forms.CharField(
        label=_("Boundary (GeoJSON)"),
        max_length=BOUNDARY_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("A GeoJSON Polygon or MultiPolygon, longitude before latitude, lying within the UK."),
        error_messages=_required(_("Paste the boundary as GeoJSON")),
    )

    @classmethod
    def initial_for(cls, neighbourhood: Neighbourhood) -> dict[str, Any]:
        return {
            "name": neighbourhood.name,
            "description": neighbourhood.description,
            "population": neighbourhood.population,
            "boundary": json.dumps(neighbourhood.boundary),
        }

    def clean_boundary(self) -> Any:
        raw = self.cleaned_data["boundary"]
        try:
            return json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise ValidationError(_("The boundary is not valid JSON.")) from exc

    def changes(self) -> NeighbourhoodChanges:
        data = self.cleaned_data
        return NeighbourhoodChanges(
            name=data["name"],
            description=data["description"],
            population=data["population"],
            boundary=data["boundary"],
        )


class ForceChoiceForm(forms.Form):
    """A form that creates something in one of the actor's forces: with a single force there is
    nothing to choose and the field is left out (the page names the force instead)."""

    force = forms.ModelChoiceField(
        label=_("Force"), queryset=Force.objects.none(), empty_label=None, error_messages=_required(_("Choose a force"))
    )

    def __init__(self, *args: Any, forces: list[Force], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only_force: Force | None = forces[0] if len(forces) == 1 else None
        if self.only_force is not None:
            del self.fields["force"]
        else:
            force_field = self.fields["force"]
            assert isinstance(force_field, forms.ModelChoiceField)
            force_field.queryset = Force.objects.filter(pk__in=[f.pk for f in forces]).order_by("name")

    def chosen_force(self) -> Force | None:
        """The force chosen (or the only one); None while the force field has an error."""
        if self.only_force is not None:
            return self.only_force
        force = self.cleaned_data.get("force") if hasattr(self, "cleaned_data") else None
        return force if isinstance(force, Force) else None


class NeighbourhoodCreateForm(ForceChoiceForm, NeighbourhoodForm):
    code = forms.CharField(
        label=_("police.uk id"),
        max_length=30,
        help_text=_(
            "The neighbourhood's id on police.uk, for example E05001234: letters, digits, hyphens, underscores."
        ),
        validators=[
            RegexValidator(
                NEIGHBOURHOOD_CODE_PATTERN,
                _("Use only letters, digits, hyphens and underscores, for example E05001234."),
            )
        ],
        error_messages=_required(_("Enter the police.uk id")),
    )

    field_order = ["force", "code", "name", "description", "population", "boundary"]


class NeighbourhoodChoiceField(forms.ModelMultipleChoiceField[Neighbourhood]):
    def label_from_instance(self, obj: Neighbourhood) -> str:
        return f"{obj.name} ({obj.code})"


class TeamForm(ForceChoiceForm):
    name = forms.CharField(label=_("Name"), max_length=120, error_messages=_required(_("Enter the team's name")))
    neighbourhoods = NeighbourhoodChoiceField(
        label=_("Neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select the neighbourhoods the team covers. People posted to the team work in all of them."),
        error_messages={
            "invalid_choice": _("Choose from the force's neighbourhoods."),
            "invalid_pk_value": _("Choose from the force's neighbourhoods."),
        },
    )

    field_order = ["force", "name", "neighbourhoods"]

    def __init__(self, *args: Any, forces: list[Force], neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, forces=forces, **kwargs)
        field = self.fields["neighbourhoods"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = neighbourhoods

    @classmethod
    def initial_for(cls, team: Team) -> dict[str, Any]:
        return {"name": team.name, "neighbourhoods": list(team.neighbourhoods.values_list("pk", flat=True))}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        assert cleaned is not None
        force = self.chosen_force()
        chosen = cleaned.get("neighbourhoods") or []
        if force is not None and any(nb.force_id != force.pk for nb in chosen):
            self.add_error("neighbourhoods", _("Every neighbourhood must belong to the team's force."))
        return cleaned

    def chosen_neighbourhoods(self) -> list[Neighbourhood]:
        return list(self.cleaned_data["neighbourhoods"])

    def changes(self) -> TeamChanges:
        return TeamChanges(name=self.cleaned_data["name"], neighbourhoods=self.chosen_neighbourhoods())


class PartnerForm(ForceChoiceForm):
    name = forms.CharField(
        label=_("Name"), max_length=160, error_messages=_required(_("Enter the organisation's name"))
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Choose the kind")), *PartnerOrganisation.Kind.choices],
        error_messages=_required(_("Choose the kind of organisation")),
    )

    field_order = ["force", "name", "kind"]
