"""Forms of the ASB case pages: they parse input; the services decide and write.

Choices of people, organisations, parties and agreements are given by the view (already
narrowed to what the actor may pick). The id fields accept any whole number: whether the actor may
pick it is the service's rule, and its refusal comes back as the field's error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, ClassVar, Self

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beatbook.incidents.models import Incident
from beatbook.incidents.reference import Category, Level
from beatbook.org.models import Neighbourhood

from .reference import ActionKind, ActionStatus, CaseStatus, ClosureReason, DataCategory, PartyRole, Vulnerability
from .selectors import CaseFilters, CaseFlag
from .services import ActionData, AgreementData, CaseChanges, CaseData, PartyData

Choices = Sequence[tuple[Any, Any]]

# What separates incident references typed into one box.
REFERENCE_SEPARATORS = re.compile(r"[\s,;]+")


def _blank(choices: Choices, label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


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


class IdChoiceField(forms.TypedChoiceField):
    """One id from a list. Any whole number is accepted here; the service says whether it may be chosen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class IdsField(forms.TypedMultipleChoiceField):
    """Ids ticked in a list: any whole numbers here; the service checks each one."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


def _text(label: Any, *, required_message: Any = None, max_length: int | None = None, area: bool = False) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        widget=forms.Textarea if area else None,
        error_messages={"required": required_message} if required_message is not None else None,
    )


class ChoicesForm(forms.Form):
    """A form whose id fields list what the view gives: when the page is shown, and again when a
    refused form is shown back (the posted form needs no list: the service checks the ids)."""

    blanks: ClassVar[dict[str, Any]] = {}

    def set_choices(self, **choices: Choices) -> Self:
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            blank = self.blanks.get(name)
            field.choices = _blank(options, blank) if blank is not None else list(options)
        return self


def incident_label(incident: Incident) -> str:
    """How an incident reads in a list of ticks."""
    when = timezone.localtime(incident.occurred_at).strftime("%d/%m/%Y")
    return f"{incident.reference} · {when} · {incident.get_category_display()} · {incident.neighbourhood.name}"


class IncidentChoiceMixin(forms.Form):
    """Incidents ticked from a short list of recent ones, or typed by reference (for older ones).
    The references are looked up among the incidents the actor sees (`lookup`)."""

    lookup: QuerySet[Incident]
    incidents = IdsField(label=_("Recent incidents"))
    references = forms.CharField(
        label=_("Other incidents, by reference"),
        max_length=1000,
        required=False,
        help_text=_("Separate references with commas or spaces, for example CAMBS-INC-2025-000123."),
    )

    def setup_incidents(self, choices: Choices, lookup: QuerySet[Incident]) -> None:
        field = self.fields["incidents"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        self.lookup = lookup

    def clean_references(self) -> list[int]:
        raw = self.cleaned_data.get("references") or ""
        references = [r.upper() for r in REFERENCE_SEPARATORS.split(raw) if r]
        if not references:
            return []
        found = dict(self.lookup.filter(reference__in=references).values_list("reference", "pk"))
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(
                _("No incident you can see has the reference %(refs)s."), params={"refs": ", ".join(missing)}
            )
        return [found[r] for r in references]

    def incident_ids(self) -> list[int]:
        ticked = list(self.cleaned_data.get("incidents") or [])
        return list(dict.fromkeys([*ticked, *self.cleaned_data.get("references", [])]))


class CaseForm(IncidentChoiceMixin):
    """Open a case: from which incidents, what the problem is, the first risk assessment, who leads."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("The first incident's neighbourhood"),
    )
    title = _text(_("Title"), required_message=_("Give the case a title"), max_length=160)
    summary = _text(_("What is the problem?"), required_message=_("Say what the problem is"), area=True)
    risk_level = forms.ChoiceField(
        label=_("Risk"),
        choices=_blank(Level.choices, _("Choose")),
        error_messages={"required": _("Choose low, medium or high")},
    )
    risk_notes = _text(_("Why is the risk at that level?"), required_message=_("Say why"), area=True)
    review_on = DateField(
        label=_("Review the risk by"), error_messages={"required": _("Give the date by which to review the risk")}
    )
    lead = IdChoiceField(label=_("Case lead"), required=False)
    copy_people = forms.BooleanField(
        label=_("Add the incidents' named victims and suspects as the case's parties"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        incidents: Choices,
        lookup: QuerySet[Incident],
        neighbourhoods: QuerySet[Neighbourhood],
        people: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_incidents(incidents, lookup)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = _blank(people, _("You"))

    def case_data(self) -> CaseData:
        d = self.cleaned_data
        return CaseData(
            title=d["title"],
            summary=d["summary"],
            risk_level=d["risk_level"],
            risk_notes=d["risk_notes"],
            review_on=d["review_on"],
            neighbourhood_id=d["neighbourhood"].pk if d["neighbourhood"] is not None else None,
            lead_id=d["lead"],
        )


class CaseEditForm(forms.Form):
    """A case's title, summary and lead, with the version the editor started from."""

    title = _text(_("Title"), required_message=_("Give the case a title"), max_length=160)
    summary = _text(_("What is the problem?"), required_message=_("Say what the problem is"), area=True)
    lead = IdChoiceField(label=_("Case lead"), error_messages={"required": _("Choose who leads the case")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = list(people)

    def changes(self) -> CaseChanges:
        d = self.cleaned_data
        return CaseChanges(title=d["title"], summary=d["summary"], lead_id=d["lead"])


class LinkForm(IncidentChoiceMixin):
    """More incidents for a case."""

    def __init__(self, *args: Any, lookup: QuerySet[Incident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_incidents([], lookup)


class PartyForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=_blank(PartyRole.choices, _("Choose")),
        error_messages={"required": _("Choose victim, perpetrator or other party")},
    )
    name = _text(_("Full name"), required_message=_("Give the party's name"), max_length=120)
    date_of_birth = DateField(label=_("Date of birth"), required=False)
    address = _text(_("Address"), max_length=200)
    phone = _text(_("Phone"), max_length=30)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    vulnerability_notes = _text(_("Vulnerability notes"), area=True, max_length=2000)

    @staticmethod
    def initial_for(party: Any) -> dict[str, Any]:
        return {name: getattr(party, name) for name in PartyForm.base_fields}

    def party_data(self) -> PartyData:
        d = self.cleaned_data
        return PartyData(
            role=d["role"],
            name=d["name"],
            date_of_birth=d["date_of_birth"],
            address=d["address"],
            phone=d["phone"],
            vulnerabilities=tuple(d["vulnerabilities"]),
            vulnerability_notes=d["vulnerability_notes"],
        )


class RiskForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk"),
        choices=_blank(Level.choices, _("Choose")),
        error_messages={"required": _("Choose low, medium or high")},
    )
    notes = _text(_("Why is the risk at that level?"), required_message=_("Say why"), area=True)
    review_on = DateField(
        label=_("Review the risk by"), error_messages={"required": _("Give the date by which to review the risk")}
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ActionForm(ChoicesForm):
    """An action of the toolkit: owned by a person of the force or by a partner organisation."""

    kind = forms.ChoiceField(
        label=_("Action"),
        choices=_blank(ActionKind.choices, _("Choose")),
        error_messages={"required": _("Choose an action from the list")},
    )
    party = IdChoiceField(label=_("Against (optional)"), required=False)
    owner = IdChoiceField(label=_("Owner in the force"), required=False)
    owner_partner = IdChoiceField(label=_("Or owning organisation"), required=False)
    due_on = DateField(label=_("Due by"), error_messages={"required": _("Give the date it is due by")})
    notes = _text(_("Details"), area=True, max_length=5000)

    blanks: ClassVar[dict[str, Any]] = {"party": _("None"), "owner": _("None"), "owner_partner": _("None")}

    def action_data(self) -> ActionData:
        d = self.cleaned_data
        return ActionData(
            kind=d["kind"],
            due_on=d["due_on"],
            owner_id=d["owner"],
            owner_partner_id=d["owner_partner"],
            party_id=d["party"],
            notes=d["notes"],
        )


class FinishForm(forms.Form):
    """The result of an action or a partner task (done or cancelled)."""

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(ActionStatus.DONE, _("Done")), (ActionStatus.CANCELLED, _("Cancelled"))],
        error_messages={"required": _("Choose done or cancelled")},
    )
    result = _text(_("Result"), required_message=_("Say what came of it"), area=True, max_length=5000)
    completed_on = DateField(label=_("On (leave blank for today)"), required=False)


class TaskForm(ChoicesForm):
    partner = IdChoiceField(label=_("Organisation"), error_messages={"required": _("Choose the organisation")})
    description = _text(
        _("What is the organisation to do?"), required_message=_("Say what the organisation is to do"), area=True
    )
    due_on = DateField(label=_("Due by"), error_messages={"required": _("Give the date it is due by")})

    blanks: ClassVar[dict[str, Any]] = {"partner": _("Choose")}


class ConferenceForm(ChoicesForm):
    held_on = DateField(label=_("Held on"), error_messages={"required": _("Give the date it was held")})
    attendees = IdsField(label=_("Attendees from the force"))
    partners = IdsField(label=_("Organisations attending"))
    other_attendees = _text(_("Other attendees"), area=True, max_length=2000)
    decisions = _text(_("Decisions"), required_message=_("Record what was decided"), area=True)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the case closing?"),
        choices=_blank(ClosureReason.choices, _("Choose")),
        error_messages={"required": _("Choose why the case is closing")},
    )
    notes = _text(_("Closure notes"), area=True, max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ShareForm(ChoicesForm):
    agreement = IdChoiceField(label=_("Agreement"), error_messages={"required": _("Choose an agreement")})

    blanks: ClassVar[dict[str, Any]] = {"agreement": _("Choose")}


class ConfirmForm(forms.Form):
    """A button with nothing to fill in (withdraw a share)."""


class AgreementForm(forms.Form):
    """An information-sharing agreement: with whom, why, which data, from when to when."""

    partner = IdChoiceField(label=_("Partner organisation"), error_messages={"required": _("Choose the organisation")})
    title = _text(_("Title"), required_message=_("Give the agreement its title"), max_length=160)
    purpose = _text(_("What is the data shared for?"), required_message=_("Say what the data is shared for"), area=True)
    data_categories = forms.MultipleChoiceField(
        label=_("Data the partner may see"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The case's reference, title, status and neighbourhood are always shared."),
        error_messages={"required": _("Choose what data the partner may see")},
    )
    starts_on = DateField(label=_("Starts on"), error_messages={"required": _("Give the date it starts")})
    ends_on = DateField(label=_("Ends on"), error_messages={"required": _("Give the date it ends")})

    def __init__(self, *args: Any, partners: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partners is None:
            del self.fields["partner"]  # an agreement stays with its organisation
        else:
            field = self.fields["partner"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _blank(partners, _("Choose"))

    @staticmethod
    def initial_for(agreement: Any) -> dict[str, Any]:
        names = ("title", "purpose", "data_categories", "starts_on", "ends_on")
        return {name: getattr(agreement, name) for name in names}

    def agreement_data(self, partner_id: int | None = None) -> AgreementData:
        d = self.cleaned_data
        return AgreementData(
            partner_id=partner_id if partner_id is not None else d["partner"],
            title=d["title"],
            purpose=d["purpose"],
            data_categories=tuple(d["data_categories"]),
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        )


class EndAgreementForm(forms.Form):
    ended_early_on = DateField(
        label=_("Last day it holds"), error_messages={"required": _("Give the last day the agreement holds")}
    )


class FilterForm(forms.Form):
    """The list's filters. Invalid values are ignored (a filter, not a record). A partner user
    gets no neighbourhood filter (they have none) and no "shared" flag (all theirs are)."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All")
    )
    date_from = DateField(label=_("Opened from"), required=False)
    date_to = DateField(label=_("Opened to"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(CaseStatus.choices, _("All")), required=False)
    flag = forms.ChoiceField(label=_("Flag"), choices=_blank(CaseFlag.CHOICES, _("Any")), required=False)
    person = forms.CharField(label=_("Party's name"), max_length=100, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=40, required=False)
    category = forms.ChoiceField(
        label=_("Incident category"), choices=_blank(Category.choices, _("All")), required=False
    )

    def __init__(
        self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], partner: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods
        if partner:
            del self.fields["neighbourhood"]
            flag = self.fields["flag"]
            assert isinstance(flag, forms.ChoiceField)
            flag.choices = _blank([c for c in CaseFlag.CHOICES if c[0] != CaseFlag.SHARED], _("Any"))

    def filters(self) -> CaseFilters:
        if self.is_bound and self.is_valid():
            data: dict[str, Any] = self.cleaned_data
        else:
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        nb = data.get("neighbourhood")
        return CaseFilters(
            neighbourhood_id=nb.pk if nb is not None else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            status=data.get("status") or "",
            person=data.get("person") or "",
            flag=data.get("flag") or "",
            reference=data.get("reference") or "",
            category=data.get("category") or "",
        )
