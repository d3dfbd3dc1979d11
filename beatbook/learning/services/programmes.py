"""Writes of programmes: loading a programme from a reference file, its settings, enrolments
(enrol, change, move phase, withdraw, complete), the two milestones (sign off, revoke) and the
progress reviews (schedule, record).

Every function: keyword-only, `actor` first, the access check first, validation with field errors,
one transaction, then the audit event (ids, codes, dates and counts only: no names, no notes).
Who may do what is written in docs/reference/permissions.md ("Programmes and milestones"):

* programme settings, loading, enrolment changes, withdrawal, completion: the force's trainers and
  administrators (`learning.manage_programmes`); enrolling also the force's recruiters (the
  recruitment app enrols an appointed candidate);
* moving a learner to another phase: those, and the enrolment's tutor and line manager;
* Independent Patrol Status: signed off by the enrolment's tutor or line manager; Full Operational
  Competence by the enrolment's assessor only (the independent judgement the end-point needs);
  nobody signs off their own enrolment; a refusal for unmet criteria is itself audited;
* reviews: scheduled and recorded by the enrolment's tutor, assessor or line manager, or by a
  trainer or administrator.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.timeutil import today
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    EnrolmentStatus,
    LearningOutcome,
    Milestone,
    MilestoneSignOff,
    Phase,
    PhaseKind,
    Programme,
    ProgressReview,
    QualificationKind,
    Rag,
    ReviewStatus,
    Route,
    Unit,
    add_months,
)
from beatbook.learning.selectors.portfolio import met_criterion_ids
from beatbook.org import policy
from beatbook.org.models import Force, Person

PROGRAMME_FILE = Path(__file__).resolve().parent.parent / "data" / "programme_example.json"
DENIED = "You do not have permission to do that."
EARLIEST = dt.date(2000, 1, 1)
TEXT_MAX = 4000
REASON_MIN = 10
FOC_MONTHS_MAX = 36
REVIEW_WEEKS_MAX = 26


def _deny() -> PermissionDenied:
    return PermissionDenied(_(DENIED))


def _is(actor: Person, person_id: int | None) -> bool:
    return person_id is not None and person_id == actor.pk


def may_manage(actor: policy.Actor, obj: Any) -> bool:
    """Trainers and force administrators of the object's force (and the system actor)."""
    return policy.can(actor, policy.Action.MANAGE_PROGRAMMES, obj)


def may_enrol(actor: policy.Actor, programme: Programme) -> bool:
    return may_manage(actor, programme) or policy.can(actor, policy.Action.MANAGE_RECRUITMENT, programme)


def may_move_phase(actor: Person, enrolment: Enrolment) -> bool:
    return may_manage(actor, enrolment) or _is(actor, enrolment.tutor_id) or _is(actor, enrolment.line_manager_id)


def may_review(actor: Person, enrolment: Enrolment) -> bool:
    named = (enrolment.tutor_id, enrolment.assessor_id, enrolment.line_manager_id)
    return may_manage(actor, enrolment) or any(_is(actor, pk) for pk in named)


def sign_off_role(actor: Person, enrolment: Enrolment, milestone: str) -> str:
    """The capacity in which the actor may sign off `milestone` of `enrolment` ("" when none)."""
    if policy.is_system(actor):
        return "system"
    if _is(actor, enrolment.learner_id):
        return ""
    if milestone == Milestone.IPS:
        if _is(actor, enrolment.tutor_id):
            return "tutor"
        if _is(actor, enrolment.line_manager_id):
            return "line_manager"
    if milestone == Milestone.FOC and _is(actor, enrolment.assessor_id):
        return "assessor"
    return ""


# ---- Loading a programme ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeLoadResult:
    programme: Programme
    created: bool
    units: int
    outcomes: int
    criteria: int
    phases: int
    criteria_removed: int
    criteria_kept: list[str]


def read_programme_file(path: Path = PROGRAMME_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _settings_of(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(spec["name"]),
        "route": Route(spec["route"]).value,
        "qualification": QualificationKind(spec["qualification"]).value,
        "qualification_title": str(spec["qualification_title"]),
        "awarding_body": str(spec["awarding_body"]),
        "qualification_number": str(spec.get("qualification_number", "")),
        "ips_due_months": int(spec.get("ips_due_months", 6)),
        "foc_due_months": int(spec.get("foc_due_months", 12)),
        "review_interval_weeks": int(spec.get("review_interval_weeks", 4)),
    }


def programme_snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "route": programme.route,
        "qualification": programme.qualification,
        "awarding_body": programme.awarding_body,
        "qualification_number": programme.qualification_number,
        "ips_due_months": programme.ips_due_months,
        "foc_due_months": programme.foc_due_months,
        "review_interval_weeks": programme.review_interval_weeks,
        "is_active": programme.is_active,
    }


def _load_phases(programme: Programme, specs: list[dict[str, Any]]) -> int:
    existing = {p.position: p for p in programme.phases.all()}
    positions = set()
    for n, spec in enumerate(specs, start=1):
        position = int(spec.get("position", n))
        positions.add(position)
        values = {
            "kind": PhaseKind(spec["kind"]).value,
            "name": str(spec["name"]),
            "planned_weeks": int(spec["planned_weeks"]),
        }
        phase = existing.get(position) or Phase(programme=programme, position=position)
        for field, value in values.items():
            setattr(phase, field, value)
        phase.full_clean()
        phase.save()
    in_use = set(Enrolment.objects.filter(programme=programme).values_list("current_phase_id", flat=True))
    for position, phase in existing.items():
        if position not in positions and phase.pk not in in_use:
            phase.delete()
    return len(positions)


@transaction.atomic
def programme_load(
    *, actor: Person, force: Force, data: dict[str, Any], code: str = "", meta: AuditMeta = NO_META
) -> ProgrammeLoadResult:
    """Load (or reload) a force's programme from a reference file's data.

    Idempotent: run again, it updates unit titles, outcome and criterion texts, the IPS flags and
    the phases; the programme's settings are set only when it is created (a force's later edits
    survive). A criterion no longer in the file is removed only if no evidence maps to it; one with
    evidence is kept and reported."""
    policy.require(actor, policy.Action.MANAGE_PROGRAMMES, force)
    spec = data.get("programme")
    units = data.get("units")
    if not isinstance(spec, dict) or not isinstance(units, list) or not isinstance(data.get("phases"), list):
        raise ValidationError({"data": [_("The file needs a programme, its units and its phases.")]})
    code = code or str(spec.get("code") or "")
    if not code:
        raise ValidationError({"code": [_("Give the programme a code.")]})
    programme = Programme.objects.filter(force=force, code=code).first()
    created = programme is None
    if programme is None:
        programme = Programme(force=force, code=code, **_settings_of(spec))
    programme.data_version = str(data.get("version") or "")
    programme.full_clean()
    programme.save()
    if created:
        record(
            actor=actor,
            event=EventType.PROGRAMME_CREATED,
            obj=programme,
            after=programme_snapshot(programme),
            meta=meta,
        )
    source = str(spec.get("unit_source", ""))
    seen_codes: set[str] = set()
    outcome_count = 0
    position = 0
    for unit_spec in units:
        unit, _made = Unit.objects.update_or_create(
            programme=programme,
            number=int(unit_spec["number"]),
            defaults={"title": str(unit_spec["title"]), "source": source},
        )
        for outcome_spec in unit_spec.get("outcomes", []):
            outcome, _made = LearningOutcome.objects.update_or_create(
                unit=unit,
                number=int(outcome_spec["number"]),
                defaults={"text": str(outcome_spec["text"]), "is_example": outcome_spec.get("is_example") is True},
            )
            outcome_count += 1
            for criterion_spec in outcome_spec.get("criteria", []):
                position += 1
                criterion_code = f"{unit.number}.{outcome.number}.{int(criterion_spec['number'])}"
                seen_codes.add(criterion_code)
                Criterion.objects.update_or_create(
                    programme=programme,
                    code=criterion_code,
                    defaults={
                        "outcome": outcome,
                        "text": str(criterion_spec["text"]),
                        "needed_for_ips": criterion_spec.get("needed_for_ips") is True,
                        "is_example": criterion_spec.get("is_example") is True,
                        "position": position,
                    },
                )
    stale = Criterion.objects.filter(programme=programme).exclude(code__in=seen_codes)
    kept = sorted(stale.filter(mappings__isnull=False).distinct().values_list("code", flat=True))
    removed, _detail = stale.filter(mappings__isnull=True).delete()
    phases = _load_phases(programme, data["phases"])
    result = ProgrammeLoadResult(
        programme=programme,
        created=created,
        units=len(units),
        outcomes=outcome_count,
        criteria=len(seen_codes),
        phases=phases,
        criteria_removed=removed,
        criteria_kept=kept,
    )
    record(
        actor=actor,
        event=EventType.PROGRAMME_UNITS_LOADED,
        obj=programme,
        after={
            "version": programme.data_version,
            "units": result.units,
            "outcomes": result.outcomes,
            "criteria": result.criteria,
            "phases": phases,
            "criteria_removed": removed,
            "criteria_kept": kept,
        },
        meta=meta,
    )
    return result


@dataclass(frozen=True)
class ProgrammeSettings:
    route: str
    qualification: str
    qualification_title: str
    awarding_body: str
    qualification_number: str
    ips_due_months: int
    foc_due_months: int
    review_interval_weeks: int
    is_active: bool = True


@transaction.atomic
def programme_update(
    *, actor: Person, programme: Programme, data: ProgrammeSettings, meta: AuditMeta = NO_META
) -> Programme:
    """Change a programme's settings (the force's trainers and administrators). New due months
    apply to enrolments made from now on; existing enrolments keep their dates."""
    policy.require(actor, policy.Action.MANAGE_PROGRAMMES, programme)
    errors: dict[str, list[str]] = {}
    if data.route not in Route.values:
        errors["route"] = [_("Choose the route.")]
    if data.qualification not in QualificationKind.values:
        errors["qualification"] = [_("Choose the qualification.")]
    if not data.qualification_title.strip():
        errors["qualification_title"] = [_("Enter the qualification's title.")]
    if not data.awarding_body.strip():
        errors["awarding_body"] = [_("Enter the awarding body.")]
    if not 1 <= data.ips_due_months <= FOC_MONTHS_MAX:
        errors["ips_due_months"] = [_("Enter a number of months from 1 to 36.")]
    if not 1 <= data.foc_due_months <= FOC_MONTHS_MAX:
        errors["foc_due_months"] = [_("Enter a number of months from 1 to 36.")]
    elif data.foc_due_months < data.ips_due_months:
        errors["foc_due_months"] = [_("Full Operational Competence cannot be due before Independent Patrol Status.")]
    if not 1 <= data.review_interval_weeks <= REVIEW_WEEKS_MAX:
        errors["review_interval_weeks"] = [_("Enter a number of weeks from 1 to 26.")]
    if errors:
        raise ValidationError(errors)
    before = programme_snapshot(programme)
    programme.route = data.route
    programme.qualification = data.qualification
    programme.qualification_title = data.qualification_title.strip()
    programme.awarding_body = data.awarding_body.strip()
    programme.qualification_number = data.qualification_number.strip()
    programme.ips_due_months = data.ips_due_months
    programme.foc_due_months = data.foc_due_months
    programme.review_interval_weeks = data.review_interval_weeks
    programme.is_active = data.is_active
    programme.full_clean()
    programme.save()
    record(
        actor=actor,
        event=EventType.PROGRAMME_UPDATED,
        obj=programme,
        before=before,
        after=programme_snapshot(programme),
        meta=meta,
    )
    return programme


# ---- Enrolments ---------------------------------------------------------------------------------


def enrolment_snapshot(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "programme": enrolment.programme_id,
        "learner": enrolment.learner_id,
        "tutor": enrolment.tutor_id,
        "assessor": enrolment.assessor_id,
        "line_manager": enrolment.line_manager_id,
        "start_date": enrolment.start_date.isoformat(),
        "phase": enrolment.current_phase_id,
        "ips_due_on": enrolment.ips_due_on.isoformat(),
        "foc_due_on": enrolment.foc_due_on.isoformat(),
        "status": enrolment.status,
    }


def _check_people(
    force_id: int, learner: Person, named: dict[str, Person | None], errors: dict[str, list[str]]
) -> None:
    for field, person in named.items():
        if person is None:
            continue
        if person.force_id != force_id or not person.is_active or person.is_system:
            errors[field] = [_("Choose someone in the learner's force.")]
        elif person.pk == learner.pk:
            errors[field] = [_("The learner cannot be their own tutor, assessor or line manager.")]


def _check_day(day: dt.date, field: str, errors: dict[str, list[str]]) -> None:
    if day < EARLIEST or day > today() + dt.timedelta(days=366):
        errors[field] = [_("Enter a date from 2000 to a year from now.")]


@transaction.atomic
def enrol(
    *,
    actor: Person,
    person: Person,
    programme: Programme,
    start_date: dt.date,
    tutor: Person | None = None,
    assessor: Person | None = None,
    line_manager: Person | None = None,
    meta: AuditMeta = NO_META,
) -> Enrolment:
    """Enrol a person of the programme's force on it from `start_date`: the milestone due dates
    follow from the programme's months, the learner starts in its first phase, and their first
    progress review is scheduled one review interval after the start. A person already on a
    programme (active) cannot be enrolled again."""
    if not may_enrol(actor, programme):
        raise _deny()
    errors: dict[str, list[str]] = {}
    if person.force_id != programme.force_id or not person.is_active or person.is_system:
        errors["person"] = [_("Choose someone in the programme's force.")]
    else:
        current = Enrolment.objects.filter(learner=person, status=EnrolmentStatus.ACTIVE).select_related("programme")
        active = current.first()
        if active is not None:
            errors["person"] = [
                _("%(name)s is already on %(programme)s (since %(start)s): withdraw or complete that first.")
                % {
                    "name": person.display_name,
                    "programme": active.programme.name,
                    "start": f"{active.start_date:%d %b %Y}",
                }
            ]
    if not programme.is_active:
        errors["programme"] = [_("This programme is not taking new learners.")]
    _check_day(start_date, "start_date", errors)
    _check_people(
        programme.force_id, person, {"tutor": tutor, "assessor": assessor, "line_manager": line_manager}, errors
    )
    first_phase = programme.phases.order_by("position").first()
    if first_phase is None:
        errors.setdefault("programme", []).append(_("The programme has no phases yet."))
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment(
        force_id=programme.force_id,
        programme=programme,
        learner=person,
        tutor=tutor,
        assessor=assessor,
        line_manager=line_manager,
        start_date=start_date,
        current_phase=first_phase,
        phase_started_on=start_date,
        ips_due_on=add_months(start_date, programme.ips_due_months),
        foc_due_on=add_months(start_date, programme.foc_due_months),
    )
    enrolment.full_clean()
    enrolment.save()
    record(
        actor=actor, event=EventType.ENROLMENT_CREATED, obj=enrolment, after=enrolment_snapshot(enrolment), meta=meta
    )
    _schedule(actor, enrolment, start_date + dt.timedelta(weeks=programme.review_interval_weeks), meta)
    return enrolment


def _require_active(enrolment: Enrolment) -> None:
    if not enrolment.is_active:
        raise ValidationError({"__all__": [_("The enrolment has ended: it cannot be changed.")]})


@transaction.atomic
def enrolment_update(
    *,
    actor: Person,
    enrolment: Enrolment,
    tutor: Person | None,
    assessor: Person | None,
    line_manager: Person | None,
    ips_due_on: dt.date,
    foc_due_on: dt.date,
    meta: AuditMeta = NO_META,
) -> Enrolment:
    """Change the people named on an enrolment and its milestone due dates."""
    if not may_manage(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    errors: dict[str, list[str]] = {}
    _check_people(
        enrolment.force_id,
        enrolment.learner,
        {"tutor": tutor, "assessor": assessor, "line_manager": line_manager},
        errors,
    )
    if ips_due_on <= enrolment.start_date:
        errors["ips_due_on"] = [_("Independent Patrol Status must be due after the start date.")]
    if foc_due_on < ips_due_on:
        errors["foc_due_on"] = [_("Full Operational Competence cannot be due before Independent Patrol Status.")]
    if foc_due_on > add_months(enrolment.start_date, FOC_MONTHS_MAX):
        errors["foc_due_on"] = [_("Full Operational Competence must be due within 36 months of the start.")]
    if errors:
        raise ValidationError(errors)
    before = enrolment_snapshot(enrolment)
    enrolment.tutor, enrolment.assessor, enrolment.line_manager = tutor, assessor, line_manager
    enrolment.ips_due_on, enrolment.foc_due_on = ips_due_on, foc_due_on
    enrolment.full_clean()
    enrolment.save()
    record(
        actor=actor,
        event=EventType.ENROLMENT_UPDATED,
        obj=enrolment,
        before=before,
        after=enrolment_snapshot(enrolment),
        meta=meta,
    )
    return enrolment


@transaction.atomic
def enrolment_move_phase(
    *,
    actor: Person,
    enrolment: Enrolment,
    phase: Phase | int,
    started_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> Enrolment:
    """Move a learner to another phase of their programme (the phase, or its id as the API sends
    it; from `started_on`, default today)."""
    if not may_move_phase(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    started_on = started_on or today()
    errors: dict[str, list[str]] = {}
    chosen = phase if isinstance(phase, Phase) else Phase.objects.filter(pk=phase).first()
    if chosen is None or chosen.programme_id != enrolment.programme_id:
        errors["phase"] = [_("Choose a phase of the learner's programme.")]
    elif chosen.pk == enrolment.current_phase_id:
        errors["phase"] = [_("The learner is already in this phase.")]
    if started_on < enrolment.start_date:
        errors["started_on"] = [_("The phase cannot start before the enrolment's start date.")]
    elif started_on > today():
        errors["started_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert chosen is not None
    before = {"phase": enrolment.current_phase_id}
    enrolment.current_phase, enrolment.phase_started_on = chosen, started_on
    enrolment.save(update_fields=["current_phase", "phase_started_on", "updated_at"])
    record(
        actor=actor,
        event=EventType.ENROLMENT_PHASE_CHANGED,
        obj=enrolment,
        before=before,
        after={"phase": chosen.pk, "kind": chosen.kind, "started_on": started_on.isoformat()},
        meta=meta,
    )
    return enrolment


def _end_day(enrolment: Enrolment, ended_on: dt.date | None) -> dt.date:
    day = ended_on or today()
    if day < enrolment.start_date:
        raise ValidationError({"ended_on": [_("The end date cannot be before the start date.")]})
    if day > today():
        raise ValidationError({"ended_on": [_("The date cannot be in the future.")]})
    return day


def _cancel_scheduled(enrolment: Enrolment) -> int:
    return ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.SCHEDULED).update(
        status=ReviewStatus.CANCELLED, updated_at=timezone.now()
    )


@transaction.atomic
def enrolment_withdraw(
    *, actor: Person, enrolment: Enrolment, reason: str, ended_on: dt.date | None = None, meta: AuditMeta = NO_META
) -> Enrolment:
    """End an enrolment early, with a reason (kept in the audit event's reason, not its data).
    Reviews still scheduled are cancelled."""
    if not may_manage(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    reason = reason.strip()
    if len(reason) < REASON_MIN or len(reason) > TEXT_MAX:
        raise ValidationError({"reason": [_("Give the reason in 10 to 4000 characters.")]})
    day = _end_day(enrolment, ended_on)
    enrolment.status, enrolment.ended_on = EnrolmentStatus.WITHDRAWN, day
    enrolment.save(update_fields=["status", "ended_on", "updated_at"])
    cancelled = _cancel_scheduled(enrolment)
    record(
        actor=actor,
        event=EventType.ENROLMENT_WITHDRAWN,
        obj=enrolment,
        before={"status": EnrolmentStatus.ACTIVE},
        after={"status": enrolment.status, "ended_on": day.isoformat(), "reviews_cancelled": cancelled},
        reason=reason,
        meta=meta,
    )
    return enrolment


def standing_signoff(enrolment: Enrolment, milestone: str) -> MilestoneSignOff | None:
    return MilestoneSignOff.objects.filter(enrolment=enrolment, milestone=milestone, revoked_at__isnull=True).first()


@transaction.atomic
def enrolment_complete(
    *, actor: Person, enrolment: Enrolment, ended_on: dt.date | None = None, meta: AuditMeta = NO_META
) -> Enrolment:
    """Mark the programme completed: only once Full Operational Competence is signed off."""
    if not may_manage(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    if standing_signoff(enrolment, Milestone.FOC) is None:
        raise ValidationError(
            {"__all__": [_("Full Operational Competence must be signed off before the programme is completed.")]}
        )
    day = _end_day(enrolment, ended_on)
    enrolment.status, enrolment.ended_on = EnrolmentStatus.COMPLETED, day
    enrolment.save(update_fields=["status", "ended_on", "updated_at"])
    cancelled = _cancel_scheduled(enrolment)
    record(
        actor=actor,
        event=EventType.ENROLMENT_COMPLETED,
        obj=enrolment,
        before={"status": EnrolmentStatus.ACTIVE},
        after={"status": enrolment.status, "ended_on": day.isoformat(), "reviews_cancelled": cancelled},
        meta=meta,
    )
    return enrolment


# ---- Milestones ---------------------------------------------------------------------------------


def needed_criteria(enrolment: Enrolment, milestone: str) -> list[Criterion]:
    """The criteria a milestone needs: IPS those flagged `needed_for_ips`, FOC every one."""
    criteria = Criterion.objects.filter(programme_id=enrolment.programme_id)
    if milestone == Milestone.IPS:
        criteria = criteria.filter(needed_for_ips=True)
    return list(criteria.order_by("position", "id"))


def missing_criteria(enrolment: Enrolment, milestone: str) -> tuple[list[Criterion], list[Criterion]]:
    """(met, missing) of the criteria the milestone needs (two queries)."""
    met_ids = met_criterion_ids(enrolment.pk)
    needed = needed_criteria(enrolment, milestone)
    return [c for c in needed if c.pk in met_ids], [c for c in needed if c.pk not in met_ids]


def milestone_sign_off(
    *, actor: Person, enrolment: Enrolment, milestone: str, note: str = "", meta: AuditMeta = NO_META
) -> MilestoneSignOff:
    """Sign off a milestone of an enrolment.

    IPS: by the enrolment's tutor or line manager, once every criterion needed for IPS is met.
    FOC: by the enrolment's assessor, once IPS is signed off and every criterion is met. Nobody
    signs off their own enrolment. Refused for unmet criteria, the refusal is audited (committed on
    its own, with the missing codes) and the error lists them."""
    if milestone not in Milestone.values:
        raise ValidationError({"milestone": [_("Choose IPS or FOC.")]})
    role = sign_off_role(actor, enrolment, milestone)
    if not role:
        raise _deny()
    _require_active(enrolment)
    note = note.strip()
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": [_("Enter at most 4000 characters.")]})
    if standing_signoff(enrolment, milestone) is not None:
        raise ValidationError({"milestone": [_("This milestone is already signed off.")]})
    if milestone == Milestone.FOC and standing_signoff(enrolment, Milestone.IPS) is None:
        raise ValidationError(
            {"milestone": [_("Independent Patrol Status must be signed off before Full Operational Competence.")]}
        )
    met, missing = missing_criteria(enrolment, milestone)
    if missing:
        codes = [c.code for c in missing]
        with transaction.atomic():
            record(
                actor=actor,
                event=EventType.MILESTONE_SIGN_OFF_REFUSED,
                obj=enrolment,
                after={"milestone": milestone, "missing": codes, "met": len(met)},
                meta=meta,
            )
        raise ValidationError(
            {
                "milestone": [
                    _("%(count)s needed criteria are not met yet: %(codes)s.")
                    % {"count": len(codes), "codes": ", ".join(codes)}
                ]
            }
        )
    with transaction.atomic():
        signoff = MilestoneSignOff(
            enrolment=enrolment,
            milestone=milestone,
            signed_by=actor,
            signed_as=role,
            signed_on=today(),
            note=note,
            criteria_met=[c.code for c in met],
        )
        signoff.full_clean()
        signoff.save()
        record(
            actor=actor,
            event=EventType.MILESTONE_SIGNED_OFF,
            obj=enrolment,
            after={"milestone": milestone, "signed_as": role, "signoff": signoff.pk, "criteria_met": len(met)},
            meta=meta,
        )
    return signoff


@transaction.atomic
def milestone_revoke(
    *, actor: Person, enrolment: Enrolment, milestone: str, reason: str, meta: AuditMeta = NO_META
) -> MilestoneSignOff:
    """Revoke a standing sign-off, with a reason (kept on the sign-off, not in the trail): by
    whoever may sign that milestone off, or a trainer or administrator. IPS cannot be revoked
    while FOC stands."""
    if milestone not in Milestone.values:
        raise ValidationError({"milestone": [_("Choose IPS or FOC.")]})
    if not (sign_off_role(actor, enrolment, milestone) or may_manage(actor, enrolment)):
        raise _deny()
    _require_active(enrolment)
    reason = reason.strip()
    if len(reason) < REASON_MIN or len(reason) > TEXT_MAX:
        raise ValidationError({"reason": [_("Give the reason in 10 to 4000 characters.")]})
    signoff = standing_signoff(enrolment, milestone)
    if signoff is None:
        raise ValidationError({"milestone": [_("This milestone is not signed off.")]})
    if milestone == Milestone.IPS and standing_signoff(enrolment, Milestone.FOC) is not None:
        raise ValidationError({"milestone": [_("Revoke Full Operational Competence first.")]})
    signoff.revoked_at, signoff.revoked_by, signoff.revoke_reason = timezone.now(), actor, reason
    signoff.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        actor=actor,
        event=EventType.MILESTONE_SIGN_OFF_REVOKED,
        obj=enrolment,
        before={"milestone": milestone, "signoff": signoff.pk, "signed_on": signoff.signed_on.isoformat()},
        after={"milestone": milestone, "revoked": True},
        meta=meta,
    )
    return signoff


# ---- Reviews ------------------------------------------------------------------------------------


def _schedule(actor: Person, enrolment: Enrolment, on: dt.date, meta: AuditMeta) -> ProgressReview:
    review = ProgressReview(enrolment=enrolment, scheduled_for=on)
    review.full_clean()
    review.save()
    record(
        actor=actor,
        event=EventType.REVIEW_SCHEDULED,
        obj=enrolment,
        after={"review": review.pk, "scheduled_for": on.isoformat()},
        meta=meta,
    )
    return review


@transaction.atomic
def review_schedule(
    *, actor: Person, enrolment: Enrolment, scheduled_for: dt.date, meta: AuditMeta = NO_META
) -> ProgressReview:
    """Schedule a progress review (the enrolment's tutor, assessor or line manager, a trainer or
    an administrator); not before the start, nor more than a year ahead."""
    if not may_review(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    if scheduled_for < enrolment.start_date:
        raise ValidationError({"scheduled_for": [_("The review cannot be before the enrolment's start date.")]})
    if scheduled_for > today() + dt.timedelta(days=366):
        raise ValidationError({"scheduled_for": [_("Schedule the review within a year from now.")]})
    if ProgressReview.objects.filter(
        enrolment=enrolment, status=ReviewStatus.SCHEDULED, scheduled_for=scheduled_for
    ).exists():
        raise ValidationError({"scheduled_for": [_("A review is already scheduled for that day.")]})
    return _schedule(actor, enrolment, scheduled_for, meta)


@transaction.atomic
def review_record(
    *,
    actor: Person,
    review_or_enrolment: ProgressReview | Enrolment,
    held_on: dt.date,
    attendees: Sequence[Person] = (),
    other_attendees: str = "",
    rag: str,
    notes: str = "",
    agreed_actions: str = "",
    next_review_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> ProgressReview:
    """Record a held progress review. Given a scheduled review, that one is marked held; given an
    enrolment, its earliest scheduled review is (or a new one is made for the day). The next review
    is scheduled for `next_review_on` (default: held on + the programme's review interval); it
    cannot be before the day the review was held."""
    if isinstance(review_or_enrolment, ProgressReview):
        review: ProgressReview | None = review_or_enrolment
        enrolment = review_or_enrolment.enrolment
        if review_or_enrolment.status != ReviewStatus.SCHEDULED:
            raise ValidationError({"__all__": [_("This review is not scheduled: it was held or cancelled.")]})
    else:
        enrolment = review_or_enrolment
        review = None
    if not may_review(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    errors: dict[str, list[str]] = {}
    if held_on > today():
        errors["held_on"] = [_("The date cannot be in the future.")]
    elif held_on < enrolment.start_date:
        errors["held_on"] = [_("The review cannot be before the enrolment's start date.")]
    if rag not in Rag.values:
        errors["rag"] = [_("Choose a rating: red, amber or green.")]
    for name, value, limit in (
        ("other_attendees", other_attendees, 300),
        ("notes", notes, TEXT_MAX),
        ("agreed_actions", agreed_actions, TEXT_MAX),
    ):
        if len(value.strip()) > limit:
            errors[name] = [_("Enter at most %(n)s characters.") % {"n": limit}]
    people = list(attendees)
    if any(p.force_id != enrolment.force_id for p in people):
        errors["attendees"] = [_("Choose attendees of the learner's force.")]
    next_on = next_review_on or held_on + dt.timedelta(weeks=enrolment.programme.review_interval_weeks)
    if next_on <= held_on:
        errors["next_review_on"] = [_("The next review must be after the day this one was held.")]
    elif next_on > held_on + dt.timedelta(days=366):
        errors["next_review_on"] = [_("Schedule the next review within a year.")]
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = (
            ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.SCHEDULED)
            .order_by("scheduled_for", "id")
            .first()
        ) or ProgressReview(enrolment=enrolment, scheduled_for=held_on)
    review.status, review.held_on, review.rag = ReviewStatus.HELD, held_on, rag
    review.other_attendees = other_attendees.strip()
    review.notes, review.agreed_actions = notes.strip(), agreed_actions.strip()
    review.recorded_by = actor
    review.full_clean()
    review.save()
    review.attendees.set(people)
    record(
        actor=actor,
        event=EventType.REVIEW_RECORDED,
        obj=enrolment,
        after={
            "review": review.pk,
            "scheduled_for": review.scheduled_for.isoformat(),
            "held_on": held_on.isoformat(),
            "rag": rag,
            "attendees": sorted(p.pk for p in people),
            "next_review_on": next_on.isoformat(),
        },
        meta=meta,
    )
    if not ProgressReview.objects.filter(
        enrolment=enrolment, status=ReviewStatus.SCHEDULED, scheduled_for=next_on
    ).exists():
        _schedule(actor, enrolment, next_on, meta)
    return review


def cohort_viewed(
    *, actor: Person, force: Force | None, scope: str, filters: dict[str, Any], rows: int, meta: AuditMeta = NO_META
) -> None:
    """Audit a view of the cohort dashboard (the force's, or the actor's own learners): the
    filters and the number of learners shown, never who they are."""
    with transaction.atomic():
        record(
            actor=actor,
            event=EventType.COHORT_VIEWED,
            force_id=force.pk if force is not None else actor.force_id,
            after={"scope": scope, "filters": filters, "rows": rows},
            meta=meta,
        )


@transaction.atomic
def review_reschedule(
    *, actor: Person, review: ProgressReview, scheduled_for: dt.date, meta: AuditMeta = NO_META
) -> ProgressReview:
    """Move a scheduled review to another day (same people and limits as scheduling one)."""
    enrolment = review.enrolment
    if not may_review(actor, enrolment):
        raise _deny()
    _require_active(enrolment)
    if review.status != ReviewStatus.SCHEDULED:
        raise ValidationError({"__all__": [_("This review is not scheduled: it was held or cancelled.")]})
    if scheduled_for < enrolment.start_date:
        raise ValidationError({"scheduled_for": [_("The review cannot be before the enrolment's start date.")]})
    if scheduled_for > today() + dt.timedelta(days=366):
        raise ValidationError({"scheduled_for": [_("Schedule the review within a year from now.")]})
    before = {"review": review.pk, "scheduled_for": review.scheduled_for.isoformat()}
    review.scheduled_for = scheduled_for
    review.save(update_fields=["scheduled_for", "updated_at"])
    record(
        actor=actor,
        event=EventType.REVIEW_UPDATED,
        obj=enrolment,
        before=before,
        after={"review": review.pk, "scheduled_for": scheduled_for.isoformat()},
        meta=meta,
    )
    return review
