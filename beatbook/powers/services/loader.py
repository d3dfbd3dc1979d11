"""Loading the baseline powers catalogue (`data/baseline.json`) into a force.

The loader adds what the force does not have yet (powers, their penalty offences and statutory
amount ranges, and the courses that powers require), by code, and leaves what the force has
alone: a force's own edits are never overwritten by a reload. Loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.learning.models import Course, CourseKind
from beatbook.org import policy
from beatbook.org.models import Force, Person

from ..models import PenaltyAmountRange, PenaltyOffence, Power
from ..reference import PowerKind, Verification

BASELINE = Path(__file__).resolve().parent.parent / "data" / "baseline.json"


@dataclass(frozen=True)
class LoadResult:
    version: str
    powers_added: int
    powers_kept: int
    offences_added: int
    courses_added: int


def read_catalogue(path: Path = BASELINE) -> dict[str, Any]:
    """The catalogue file, checked: every code once, every kind and verification known."""
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = [p["code"] for p in data["powers"]]
    problems = []
    if len(codes) != len(set(codes)):
        problems.append("a power code appears twice")
    course_codes = {c["code"] for c in data.get("courses", [])}
    for power in data["powers"]:
        if power["kind"] not in PowerKind.values:
            problems.append(f"{power['code']}: unknown kind {power['kind']}")
        if power["verification"] not in Verification.values:
            problems.append(f"{power['code']}: unknown verification {power['verification']}")
        if power.get("training_course") and power["training_course"] not in course_codes:
            problems.append(f"{power['code']}: unknown course {power['training_course']}")
        if power.get("offences") and power["kind"] != PowerKind.PENALTY:
            problems.append(f"{power['code']}: only penalty powers have offences")
    if problems:
        raise ValueError("; ".join(problems))
    return dict(data)


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@transaction.atomic
def catalogue_load(
    *, actor: Person, force: Force, data: dict[str, Any] | None = None, meta: AuditMeta = NO_META
) -> LoadResult:
    """Add the catalogue's powers, offences, ranges and courses that `force` lacks."""
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    catalogue = data if data is not None else read_catalogue()
    version = str(catalogue["version"])
    courses_added = 0
    courses: dict[str, Course] = {}
    for spec in catalogue.get("courses", []):
        course, made = Course.objects.get_or_create(
            force=force,
            code=spec["code"],
            defaults={
                "title": spec["title"],
                "kind": CourseKind(spec["kind"]),
                "valid_months": spec.get("valid_months"),
            },
        )
        courses[course.code] = course
        courses_added += int(made)
    existing = set(Power.objects.filter(force=force).values_list("code", flat=True))
    powers_added = offences_added = 0
    for spec in catalogue["powers"]:
        if spec["code"] in existing:
            continue
        power = Power.objects.create(
            force=force,
            code=spec["code"],
            title=spec["title"],
            summary=spec["summary"],
            legal_basis=spec["legal_basis"],
            kind=PowerKind(spec["kind"]),
            verification=Verification(spec["verification"]),
            source=spec.get("source", ""),
            parameters=spec.get("parameters", {}),
            training_course=courses.get(spec.get("training_course") or ""),
            catalogue_version=version,
        )
        powers_added += 1
        for off in spec.get("offences", []):
            if PenaltyOffence.objects.filter(force=force, code=off["code"]).exists():
                continue
            offence = PenaltyOffence.objects.create(
                force=force,
                power=power,
                code=off["code"],
                title=off["title"],
                statute=off["statute"],
                notice_provision=off["notice_provision"],
                minimum_age=off.get("minimum_age"),
                verification=Verification(off["verification"]),
                source=off.get("source", ""),
            )
            offences_added += 1
            for rng in off.get("ranges", []):
                PenaltyAmountRange.objects.create(
                    offence=offence,
                    valid_from=dt.date.fromisoformat(rng["valid_from"]),
                    minimum=_amount(rng.get("minimum")),
                    maximum=_amount(rng["maximum"]) or Decimal(0),
                    verification=Verification(rng["verification"]),
                    source=rng.get("source", ""),
                )
    result = LoadResult(
        version=version,
        powers_added=powers_added,
        powers_kept=len(existing),
        offences_added=offences_added,
        courses_added=courses_added,
    )
    record(
        actor=actor,
        event=EventType.POWERS_CATALOGUE_LOADED,
        obj=force,
        force_id=force.pk,
        after={
            "version": version,
            "powers_added": powers_added,
            "powers_kept": result.powers_kept,
            "offences_added": offences_added,
            "courses_added": courses_added,
        },
        meta=meta,
    )
    return result


def ensure_loaded(*, actor: Person, force: Force, meta: AuditMeta = NO_META) -> LoadResult:
    """Load the baseline unless the force's catalogue already has every baseline power."""
    catalogue = read_catalogue()
    have = set(Power.objects.filter(force=force).values_list("code", flat=True))
    if {p["code"] for p in catalogue["powers"]} <= have:
        return LoadResult(str(catalogue["version"]), 0, len(have), 0, 0)
    try:
        return catalogue_load(actor=actor, force=force, data=catalogue, meta=meta)
    except ValueError as exc:  # pragma: no cover - the shipped file is checked by its tests
        raise ValidationError(_("The catalogue file is not valid: %(e)s") % {"e": exc}) from exc
