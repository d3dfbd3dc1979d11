"""Writes of the hot-spot planner: a force's planner settings, and a plan made from the planner's
proposal (as the supervisor accepted or edited it).

Like `services.py`: keyword-only, `actor` first, one transaction, the access check,
`full_clean()`, the audit event. A plan from the planner is made by `services.hotspot_plan_create`
itself (one place for a plan's rules and its `HOTSPOT_PLAN_CREATED` event); that service takes no
extra audit data, so the planner's parameters go into the event's `reason`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.incidents.reference import Category
from beatbook.org import policy
from beatbook.org.models import Force, Person

from . import planner, services
from .models import PLANNER_WEIGHT_MAX, HotspotPlan, PlannerSettings
from .services import PlanData, TargetData


@dataclass(frozen=True)
class PlannerRun:
    """What the planner was asked when it proposed a plan: the weeks of incidents (London dates,
    inclusive) and the cell size."""

    weeks: int
    cell_m: int
    date_from: dt.date
    date_to: dt.date

    def as_source(self) -> dict[str, Any]:
        """The run's parameters, for the plan's audit event."""
        return {
            "planner": True,
            "weeks": self.weeks,
            "cell_m": self.cell_m,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
        }

    def describe(self) -> str:
        """For the audit trail (not translated: the trail keeps one language)."""
        return (
            f"From the hot-spot planner: {self.weeks} weeks of incidents ({self.date_from.isoformat()} to "
            f"{self.date_to.isoformat()}), {self.cell_m} m cells."
        )


def settings_snapshot(row: PlannerSettings) -> dict[str, Any]:
    return {"cell_m": row.cell_m, "weeks": row.weeks, "category_weights": row.weights()}


def _checked_weights(given: Mapping[str, Any]) -> dict[str, float]:
    errors: list[str] = []
    weights: dict[str, float] = {}
    for slug, value in given.items():
        if slug not in Category.values:
            errors.append(_("“%(slug)s” is not an incident category.") % {"slug": slug})
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= PLANNER_WEIGHT_MAX:
            errors.append(
                _("The weight of %(category)s must be a number from 0 to %(max)s.")
                % {"category": Category(slug).label, "max": f"{PLANNER_WEIGHT_MAX:g}"}
            )
        else:
            weights[slug] = float(value)
    if errors:
        raise ValidationError({"category_weights": errors})
    return weights


@transaction.atomic
def planner_settings_update(
    *,
    actor: Person,
    force: Force,
    cell_m: int | None = None,
    weeks: int | None = None,
    category_weights: Mapping[str, Any] | None = None,
    meta: AuditMeta = NO_META,
) -> PlannerSettings:
    """A force administrator sets the force's planner defaults (cell size, weeks) and the weight
    of each incident category. What is left out (None) stays; categories left out of
    `category_weights` keep their weight."""
    policy.require(actor, policy.Action.MANAGE_INCIDENT_RULES, force)
    row, _created = PlannerSettings.objects.select_for_update().get_or_create(force=force)
    before = settings_snapshot(row)
    errors: dict[str, Any] = {}
    row.cell_m = cell_m if cell_m is not None else row.cell_m
    row.weeks = weeks if weeks is not None else row.weeks
    try:
        planner.check_parameters(weeks=row.weeks, cell_m=row.cell_m)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if category_weights is not None:
        try:
            row.category_weights = row.weights() | _checked_weights(category_weights)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    row.full_clean(validate_constraints=False)
    row.save()
    record(
        actor=actor,
        event=EventType.HOTSPOT_PLANNER_SETTINGS_UPDATED,
        obj=row,
        force_id=force.pk,
        before=before,
        after=settings_snapshot(row),
        meta=meta,
    )
    return row


@transaction.atomic
def plan_from_proposal(
    *, actor: Person, data: PlanData, targets: Sequence[TargetData], run: PlannerRun, meta: AuditMeta = NO_META
) -> HotspotPlan:
    """Make the plan the supervisor accepted (or edited) from the planner's proposal: the plan is
    made by `hotspot_plan_create`, with its rules and its event; the event records that it came
    from the planner, with which weeks and cell size (as data, and in words as its reason)."""
    planner.check_parameters(weeks=run.weeks, cell_m=run.cell_m)
    return services.hotspot_plan_create(
        actor=actor,
        data=data,
        targets=targets,
        source=run.as_source(),
        meta=dataclasses.replace(meta, reason=run.describe()),
    )


__all__ = ["PlannerRun", "plan_from_proposal", "planner_settings_update"]
