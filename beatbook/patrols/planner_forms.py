"""Forms of the hot-spot planner's pages: they parse input; the planner computes, the services
decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beatbook.incidents.reference import Category
from beatbook.org.models import Neighbourhood

from .forms import NeighbourhoodChoice, PlanForm, TargetForm
from .models import (
    PLANNER_CELL_M_MAX,
    PLANNER_CELL_M_MIN,
    PLANNER_WEEKS_MAX,
    PLANNER_WEEKS_MIN,
    PLANNER_WEIGHT_MAX,
)
from .planner import PROPOSED_TARGETS, Proposal

# The proposal's rows on the page at most: the places proposed, then two empty rows to add others.
PROPOSAL_ROWS = PROPOSED_TARGETS + 2


def _weeks_message() -> str:
    return gettext("Give %(lo)s to %(hi)s weeks.") % {"lo": PLANNER_WEEKS_MIN, "hi": PLANNER_WEEKS_MAX}


def _cell_message() -> str:
    return gettext("Give a cell size of %(lo)s to %(hi)s metres.") % {
        "lo": PLANNER_CELL_M_MIN,
        "hi": PLANNER_CELL_M_MAX,
    }


def _weight_message() -> str:
    return gettext("Give a weight from 0 to %(max)s.") % {"max": f"{PLANNER_WEIGHT_MAX:g}"}


# The same message for every way a number can be wrong, in the language of the request.
WEEKS_MESSAGE = lazy(_weeks_message, str)()
CELL_MESSAGE = lazy(_cell_message, str)()
WEIGHT_MESSAGE = lazy(_weight_message, str)()


def _weeks(*, required: bool, widget: type[forms.Widget] | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Weeks of incidents"),
        required=required,
        min_value=PLANNER_WEEKS_MIN,
        max_value=PLANNER_WEEKS_MAX,
        widget=widget or forms.NumberInput,
        help_text=_("The last weeks, today included."),
        error_messages={
            "required": WEEKS_MESSAGE,
            "invalid": WEEKS_MESSAGE,
            "min_value": WEEKS_MESSAGE,
            "max_value": WEEKS_MESSAGE,
        },
    )


def _cell_m(*, required: bool, widget: type[forms.Widget] | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Cell size (metres)"),
        required=required,
        min_value=PLANNER_CELL_M_MIN,
        max_value=PLANNER_CELL_M_MAX,
        widget=widget or forms.NumberInput,
        help_text=_("The side of each square of the grid."),
        error_messages={
            "required": CELL_MESSAGE,
            "invalid": CELL_MESSAGE,
            "min_value": CELL_MESSAGE,
            "max_value": CELL_MESSAGE,
        },
    )


class PlannerForm(forms.Form):
    """What to look at: a neighbourhood where the actor plans patrols, how many weeks back, and
    the cell size. Weeks and cell size left empty are the force's settings."""

    neighbourhood = NeighbourhoodChoice(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose a neighbourhood where you plan patrols"),
            "invalid_choice": _("Choose a neighbourhood where you plan patrols"),
        },
    )
    weeks = _weeks(required=False)
    cell_m = _cell_m(required=False)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        # Its own ids: the plan form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "query_%s")
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]


class ProposalPlanForm(PlanForm):
    """The plan made from a proposal: PlanForm's name and dates, with the neighbourhood, weeks and
    cell size the proposal was made with carried along (hidden)."""

    weeks = _weeks(required=True, widget=forms.HiddenInput)
    cell_m = _cell_m(required=True, widget=forms.HiddenInput)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, neighbourhoods=neighbourhoods, **kwargs)
        self.fields["neighbourhood"].widget = forms.HiddenInput()


class ProposalTargetForm(TargetForm):
    """One place of the proposal, as proposed or edited; ticking "leave out" drops it, and an
    empty row is ignored (so the last rows can add places of the supervisor's own)."""

    leave_out = forms.BooleanField(label=_("Leave this place out"), required=False)
    # Carried along, so that a page shown again knows which rows the planner proposed.
    proposed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        """Empty, or left out: either way the row is not a place of the plan."""
        left_out = forms.CheckboxInput().value_from_datadict(self.data, self.files, self.add_prefix("leave_out"))
        return bool(left_out) or super().is_blank()


def proposal_rows(data: Any, proposals: list[Proposal] | None = None) -> list[ProposalTargetForm]:
    """The proposal's rows: filled with the proposed places and two empty rows, or bound to the
    posted data (as many rows as were posted, at most PROPOSAL_ROWS)."""
    if proposals is not None:
        count = min(len(proposals) + 2, PROPOSAL_ROWS)
    else:
        count = max((n + 1 for n in range(PROPOSAL_ROWS) if f"t{n}-label" in (data or {})), default=1)
    rows = []
    for n in range(count):
        initial: dict[str, Any] = {}
        if proposals is not None and n < len(proposals):
            p = proposals[n]
            initial = {
                "label": p.label,
                "lat": p.lat,
                "lng": p.lng,
                "radius_m": p.radius_m,
                "visits_per_day": p.visits_per_day,
                "min_minutes": p.min_minutes,
                "max_minutes": p.max_minutes,
                "proposed": True,
            }
        rows.append(ProposalTargetForm(data, prefix=f"t{n}", initial=initial))
    return rows


class PlannerSettingsForm(forms.Form):
    """A force's planner settings: the default cell size and weeks, and each category's weight."""

    cell_m = _cell_m(required=True)
    weeks = _weeks(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = WEIGHT_MESSAGE
        for slug, label in Category.choices:
            self.fields[self.weight_field(slug)] = forms.FloatField(
                label=label,
                min_value=0,
                max_value=PLANNER_WEIGHT_MAX,
                widget=forms.NumberInput(attrs={"step": "0.1"}),
                error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
            )

    @staticmethod
    def weight_field(slug: str) -> str:
        return "weight_" + slug.replace("-", "_")

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[self.weight_field(slug)] for slug in Category.values]

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "cell_m": d["cell_m"],
            "weeks": d["weeks"],
            "category_weights": {slug: d[self.weight_field(slug)] for slug in Category.values},
        }

    @classmethod
    def initial_from(cls, *, cell_m: int, weeks: int, weights: dict[str, float]) -> dict[str, Any]:
        return {"cell_m": cell_m, "weeks": weeks} | {cls.weight_field(slug): w for slug, w in weights.items()}
