"""Reads of programmes and enrolments, scoped to the actor in SQL, and the learner's risk.

Who sees what (docs/reference/permissions.md, "Programmes and milestones"):

* a programme: everyone posted in its force;
* an enrolment: the learner; the tutor, assessor and line manager named on it; the force's
  trainers, assessors and administrators (`learning.oversee`). Anyone else gets 404;
* the cohort dashboard of a force: those who oversee learners in it; "my learners": the people
  named on enrolments as tutor, assessor or line manager.

Risk is computed, never stored. A learner on programme is at risk when any of these holds:

1. behind plan: today is past the planned end of their current phase (the plan is the phases'
   weeks laid end to end from the start date);
2. a milestone not signed off is due within 4 weeks, or overdue, with needed criteria not met;
3. a scheduled progress review is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beatbook.core.timeutil import today
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    EnrolmentStatus,
    EvidenceCriterion,
    EvidenceStatus,
    Judgement,
    LearningOutcome,
    Milestone,
    MilestoneSignOff,
    Phase,
    Programme,
    ProgressReview,
    ReviewStatus,
    Unit,
)
from beatbook.learning.selectors.portfolio import met_counts
from beatbook.org import policy
from beatbook.org.models import Force, Person
from beatbook.org.selectors import get_visible

DUE_SOON_DAYS = 28


# ---- Programmes ---------------------------------------------------------------------------------


def programmes_visible_to(actor: policy.Actor) -> QuerySet[Programme]:
    if policy.is_system(actor):
        programmes = Programme.objects.all()
    else:
        programmes = Programme.objects.filter(force__in=policy.forces_in_scope(actor))
    return programmes.select_related("force").order_by("force__name", "name", "id")


def programme_get_for(*, actor: policy.Actor, programme_id: Any) -> Programme:
    """A programme the actor sees, with units, outcomes, criteria and phases loaded (404 otherwise)."""
    queryset = programmes_visible_to(actor).prefetch_related(
        Prefetch(
            "units",
            queryset=Unit.objects.prefetch_related(
                Prefetch("outcomes", queryset=LearningOutcome.objects.prefetch_related("criteria"))
            ),
        ),
        "phases",
    )
    return get_visible(queryset, programme_id)


def programmes_to_manage(actor: policy.Actor) -> QuerySet[Programme]:
    forces = policy.forces_where(actor, policy.Action.MANAGE_PROGRAMMES)
    if policy.is_system(actor):
        return Programme.objects.all()
    return Programme.objects.filter(force__in=forces)


# ---- Enrolments ---------------------------------------------------------------------------------


def _overseen_forces(actor: policy.Actor) -> QuerySet[Force]:
    return policy.forces_where(actor, policy.Action.OVERSEE_LEARNERS)


def enrolments_visible_to(actor: policy.Actor) -> QuerySet[Enrolment]:
    if policy.is_system(actor):
        enrolments = Enrolment.objects.all()
    elif not policy.is_person(actor):
        return Enrolment.objects.none()
    else:
        enrolments = Enrolment.objects.filter(
            Q(learner=actor)
            | Q(tutor=actor)
            | Q(assessor=actor)
            | Q(line_manager=actor)
            | Q(force_id__in=_overseen_forces(actor).values("pk"))
        )
    return enrolments.select_related(
        "learner", "tutor", "assessor", "line_manager", "programme", "current_phase"
    ).order_by("learner__display_name", "start_date", "id")


def enrolment_get_for(*, actor: policy.Actor, enrolment_id: Any) -> Enrolment:
    return get_visible(enrolments_visible_to(actor), enrolment_id)


def my_enrolment(actor: policy.Actor) -> Enrolment | None:
    """The actor's own enrolment: the active one, else the latest."""
    if not policy.is_person(actor):
        return None
    own = enrolments_visible_to(actor).filter(learner=actor)
    return own.filter(status=EnrolmentStatus.ACTIVE).first() or own.order_by("-start_date", "-id").first()


def named_enrolments(actor: policy.Actor) -> QuerySet[Enrolment]:
    """Enrolments naming the actor as tutor, assessor or line manager ("my learners")."""
    if not policy.is_person(actor):
        return Enrolment.objects.none()
    return enrolments_visible_to(actor).filter(Q(tutor=actor) | Q(assessor=actor) | Q(line_manager=actor))


def may_oversee(actor: policy.Actor, force: Force | None) -> bool:
    return force is not None and policy.can(actor, policy.Action.OVERSEE_LEARNERS, force)


def people_of_force(force_id: int) -> QuerySet[Person]:
    """Active people of a force (choices of tutor, assessor, line manager, learner)."""
    return Person.objects.filter(force_id=force_id, is_active=True, is_system=False).order_by("display_name", "id")


# ---- Plan and risk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    phase: Phase
    starts_on: dt.date
    ends_on: dt.date  # the planned last day
    is_current: bool
    is_past: bool


def plan_of(enrolment: Enrolment, phases: list[Phase]) -> list[PlanStep]:
    """The phases laid end to end from the start date: each planned start and end."""
    steps = []
    start = enrolment.start_date
    current_position = enrolment.current_phase.position if enrolment.current_phase else None
    for phase in phases:
        end = start + dt.timedelta(weeks=phase.planned_weeks) - dt.timedelta(days=1)
        steps.append(
            PlanStep(
                phase=phase,
                starts_on=start,
                ends_on=end,
                is_current=phase.pk == enrolment.current_phase_id,
                is_past=current_position is not None and phase.position < current_position,
            )
        )
        start = end + dt.timedelta(days=1)
    return steps


@dataclass(frozen=True)
class MilestoneState:
    milestone: str
    label: str
    due_on: dt.date
    signoff: MilestoneSignOff | None
    needed: int
    met: int

    @property
    def signed(self) -> bool:
        return self.signoff is not None

    @property
    def missing(self) -> int:
        return self.needed - self.met

    def days_left(self, on: dt.date) -> int:
        return (self.due_on - on).days


@dataclass
class LearnerStatus:
    enrolment: Enrolment
    plan: list[PlanStep]
    ips: MilestoneState
    foc: MilestoneState
    met: int
    total: int
    next_review: ProgressReview | None
    overdue_reviews: int
    reasons: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)


def _milestone_reason(state: MilestoneState, on: dt.date) -> str:
    if state.signed or state.missing <= 0:
        return ""
    days = state.days_left(on)
    if days > DUE_SOON_DAYS:
        return ""
    missing = ngettext("%(n)s needed criterion not met", "%(n)s needed criteria not met", state.missing) % {
        "n": state.missing
    }
    if days < 0:
        return _("%(milestone)s overdue since %(due)s: %(missing)s.") % {
            "milestone": state.label,
            "due": f"{state.due_on:%d %b %Y}",
            "missing": missing,
        }
    return _("%(milestone)s due on %(due)s (in %(days)s days): %(missing)s.") % {
        "milestone": state.label,
        "due": f"{state.due_on:%d %b %Y}",
        "days": days,
        "missing": missing,
    }


def risk_reasons(status: LearnerStatus, on: dt.date | None = None) -> list[str]:
    """The reasons a learner on programme is at risk (empty when not, or when the enrolment ended)."""
    on = on or today()
    if not status.enrolment.is_active:
        return []
    reasons = []
    current = next((s for s in status.plan if s.is_current), None)
    if current is not None and on > current.ends_on:
        late = (on - current.ends_on).days
        reasons.append(
            _("Behind plan: %(phase)s was planned to end on %(end)s (%(days)s days ago).")
            % {"phase": current.phase.name, "end": f"{current.ends_on:%d %b %Y}", "days": late}
        )
    for state in (status.ips, status.foc):
        reason = _milestone_reason(state, on)
        if reason:
            reasons.append(reason)
    if status.overdue_reviews:
        reasons.append(
            ngettext("A progress review is overdue.", "%(n)s progress reviews are overdue.", status.overdue_reviews)
            % {"n": status.overdue_reviews}
        )
    return reasons


def statuses_of(enrolments: list[Enrolment], on: dt.date | None = None) -> list[LearnerStatus]:
    """Each enrolment's plan, milestones, coverage, next review and risk, in a constant number of
    queries (five, whatever the number of enrolments). The enrolments need `programme` and
    `current_phase` loaded (as `enrolments_visible_to` does)."""
    on = on or today()
    if not enrolments:
        return []
    ids = [e.pk for e in enrolments]
    programme_ids = {e.programme_id for e in enrolments}
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(programme_id__in=programme_ids).order_by("position"):
        phases[phase.programme_id].append(phase)
    counts = {
        row["programme_id"]: (row["total"], row["ips"])
        for row in Criterion.objects.filter(programme_id__in=programme_ids)
        .values("programme_id")
        .annotate(total=Count("id"), ips=Count("id", filter=Q(needed_for_ips=True)))
    }
    met = met_counts(ids)
    met_ips = {
        row["evidence__enrolment_id"]: row["met"]
        for row in EvidenceCriterion.objects.filter(
            evidence__enrolment_id__in=ids, judgement=Judgement.MET, criterion__needed_for_ips=True
        )
        .exclude(evidence__status=EvidenceStatus.WITHDRAWN)
        .values("evidence__enrolment_id")
        .annotate(met=Count("criterion_id", distinct=True))
    }
    signoffs: dict[tuple[int, str], MilestoneSignOff] = {
        (s.enrolment_id, s.milestone): s
        for s in MilestoneSignOff.objects.filter(enrolment_id__in=ids, revoked_at__isnull=True).select_related(
            "signed_by"
        )
    }
    scheduled: dict[int, list[ProgressReview]] = defaultdict(list)
    for review in ProgressReview.objects.filter(enrolment_id__in=ids, status=ReviewStatus.SCHEDULED).order_by(
        "scheduled_for", "id"
    ):
        scheduled[review.enrolment_id].append(review)
    statuses = []
    for enrolment in enrolments:
        total, ips_total = counts.get(enrolment.programme_id, (0, 0))
        met_all = met.get(enrolment.pk, 0)
        reviews = scheduled.get(enrolment.pk, [])
        status = LearnerStatus(
            enrolment=enrolment,
            plan=plan_of(enrolment, phases.get(enrolment.programme_id, [])),
            ips=MilestoneState(
                milestone=Milestone.IPS,
                label=str(Milestone.IPS.label),
                due_on=enrolment.ips_due_on,
                signoff=signoffs.get((enrolment.pk, Milestone.IPS)),
                needed=ips_total,
                met=met_ips.get(enrolment.pk, 0),
            ),
            foc=MilestoneState(
                milestone=Milestone.FOC,
                label=str(Milestone.FOC.label),
                due_on=enrolment.foc_due_on,
                signoff=signoffs.get((enrolment.pk, Milestone.FOC)),
                needed=total,
                met=met_all,
            ),
            met=met_all,
            total=total,
            next_review=next((r for r in reviews if r.scheduled_for >= on), None),
            overdue_reviews=sum(1 for r in reviews if r.scheduled_for < on),
        )
        status.reasons = risk_reasons(status, on)
        statuses.append(status)
    return statuses


def status_of(enrolment: Enrolment, on: dt.date | None = None) -> LearnerStatus:
    return statuses_of([enrolment], on)[0]


# ---- Cohort -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortFilters:
    phase_kind: str = ""
    risk: str = ""  # "", "at_risk" or "on_track"
    status: str = EnrolmentStatus.ACTIVE

    def as_dict(self) -> dict[str, Any]:
        return {"phase": self.phase_kind, "risk": self.risk, "status": self.status}


def cohort_statuses(enrolments: QuerySet[Enrolment], filters: CohortFilters) -> list[LearnerStatus]:
    """The rows of a cohort (six queries whatever its size), filtered by phase, status and risk."""
    if filters.status:
        enrolments = enrolments.filter(status=filters.status)
    if filters.phase_kind:
        enrolments = enrolments.filter(current_phase__kind=filters.phase_kind)
    rows = statuses_of(list(enrolments))
    if filters.risk == "at_risk":
        rows = [r for r in rows if r.at_risk]
    elif filters.risk == "on_track":
        rows = [r for r in rows if not r.at_risk]
    return rows


def force_cohort(actor: policy.Actor, force: Force, filters: CohortFilters) -> list[LearnerStatus]:
    """A force's learners for the cohort dashboard (those who oversee learners in the force;
    the caller checks `may_oversee`)."""
    return cohort_statuses(enrolments_visible_to(actor).filter(force=force), filters)


def my_learners(actor: policy.Actor, filters: CohortFilters) -> list[LearnerStatus]:
    return cohort_statuses(named_enrolments(actor), filters)


def reviews_of(enrolment: Enrolment) -> list[ProgressReview]:
    return list(
        ProgressReview.objects.filter(enrolment=enrolment)
        .select_related("recorded_by")
        .prefetch_related("attendees")
        .order_by("-scheduled_for", "-id")
    )


def signoffs_of(enrolment: Enrolment) -> list[MilestoneSignOff]:
    return list(
        MilestoneSignOff.objects.filter(enrolment=enrolment)
        .select_related("signed_by", "revoked_by")
        .order_by("-created_at", "-id")
    )
