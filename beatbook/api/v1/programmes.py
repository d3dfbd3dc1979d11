"""Learning programmes, enrolments, milestones (IPS, FOC), progress reviews and the cohort
dashboard (see docs/how-to/programmes-and-milestones.md).

Reads go through `beatbook.learning.selectors.programmes` (a programme: everyone in its force; an
enrolment: the learner, the tutor, assessor and line manager named on it, and the force's
trainers, assessors and administrators; anyone else 404); writes through
`beatbook.learning.services.programmes`, the same services as the pages (checked and audited).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.learning.models import Enrolment, Phase, Programme, ProgressReview
from beatbook.learning.selectors import programmes as selectors
from beatbook.learning.services import programmes as services
from beatbook.org.models import Person

from .auth import actor_of, meta_of
from .development_schemas import PersonRef
from .errors import error_responses
from .programmes_schemas import (
    CohortOut,
    CohortQuery,
    EnrolmentCompleteIn,
    EnrolmentDetail,
    EnrolmentIn,
    EnrolmentItem,
    EnrolmentListQuery,
    EnrolmentMilestoneOut,
    EnrolmentPlanStep,
    EnrolmentsPage,
    EnrolmentUpdateIn,
    EnrolmentWithdrawIn,
    MilestoneRevokeIn,
    MilestoneSignOffIn,
    PhaseMoveIn,
    ProgrammeCriterionOut,
    ProgrammeDetail,
    ProgrammeList,
    ProgrammeOut,
    ProgrammeOutcomeOut,
    ProgrammePhaseOut,
    ProgrammeSettingsIn,
    ProgrammeUnitOut,
    ReviewList,
    ReviewOut,
    ReviewRecordIn,
    ReviewScheduleIn,
)

router = Router(tags=["programmes"])

SEEN = "404 when the caller cannot see the enrolment; 403 when they see it but may not do this. "


def _person(person: Person | None) -> PersonRef | None:
    if person is None:
        return None
    return PersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _learner(person: Person) -> PersonRef:
    ref = _person(person)
    assert ref is not None
    return ref


def _programme(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.pk,
        force=programme.force.slug,
        code=programme.code,
        name=programme.name,
        route=programme.route,  # type: ignore[arg-type]
        qualification=programme.qualification,  # type: ignore[arg-type]
        qualification_title=programme.qualification_title,
        awarding_body=programme.awarding_body,
        qualification_number=programme.qualification_number,
        ips_due_months=programme.ips_due_months,
        foc_due_months=programme.foc_due_months,
        review_interval_weeks=programme.review_interval_weeks,
        is_active=programme.is_active,
        data_version=programme.data_version,
    )


def _phase(phase: Phase | None) -> ProgrammePhaseOut | None:
    if phase is None:
        return None
    return ProgrammePhaseOut(
        id=phase.pk,
        position=phase.position,
        kind=phase.kind,  # type: ignore[arg-type]
        name=phase.name,
        planned_weeks=phase.planned_weeks,
    )


def _milestone(state: selectors.MilestoneState, missing: list[str] | None) -> EnrolmentMilestoneOut:
    signoff = state.signoff
    return EnrolmentMilestoneOut(
        milestone=state.milestone,  # type: ignore[arg-type]
        due_on=state.due_on,
        signed=signoff is not None,
        signed_on=signoff.signed_on if signoff else None,
        signed_by=_person(signoff.signed_by) if signoff else None,
        signed_as=signoff.signed_as if signoff else "",
        needed=state.needed,
        met=state.met,
        missing=missing,
    )


def _item(status: selectors.LearnerStatus, missing: dict[str, list[str]] | None = None) -> EnrolmentItem:
    e = status.enrolment
    return EnrolmentItem(
        id=e.pk,
        programme=e.programme_id,
        learner=_learner(e.learner),
        tutor=_person(e.tutor),
        assessor=_person(e.assessor),
        line_manager=_person(e.line_manager),
        start_date=e.start_date,
        status=e.status,  # type: ignore[arg-type]
        ended_on=e.ended_on,
        phase=_phase(e.current_phase),
        phase_started_on=e.phase_started_on,
        ips=_milestone(status.ips, missing["ips"] if missing else None),
        foc=_milestone(status.foc, missing["foc"] if missing else None),
        criteria_met=status.met,
        criteria_total=status.total,
        coverage=status.coverage,
        next_review_on=status.next_review.scheduled_for if status.next_review else None,
        at_risk=status.at_risk,
        risk_reasons=status.reasons,
    )


def _detail(actor: Person, enrolment_id: int) -> EnrolmentDetail:
    enrolment = selectors.enrolment_get_for(actor=actor, enrolment_id=enrolment_id)
    status = selectors.status_of(enrolment)
    missing = {
        state.milestone: [c.code for c in services.missing_criteria(enrolment, state.milestone)[1]]
        for state in (status.ips, status.foc)
    }
    plan = [
        EnrolmentPlanStep(phase=p, starts_on=s.starts_on, ends_on=s.ends_on, is_current=s.is_current)
        for s in status.plan
        if (p := _phase(s.phase)) is not None
    ]
    return EnrolmentDetail(**_item(status, missing).model_dump(), plan=plan)


def _people_of(force_id: int, ids: dict[str, int | None]) -> dict[str, Person | None]:
    """The people named by id, of the force; an unknown id is 400 on its field."""
    wanted = {pk for pk in ids.values() if pk is not None}
    found = {p.pk: p for p in selectors.people_of_force(force_id).filter(pk__in=wanted)}
    errors = {name: [_("Choose someone in the learner's force.")] for name, pk in ids.items() if pk and pk not in found}
    if errors:
        raise ValidationError(errors)
    return {name: found[pk] if pk else None for name, pk in ids.items()}


def _review(review: ProgressReview) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        status=review.status,  # type: ignore[arg-type]
        scheduled_for=review.scheduled_for,
        held_on=review.held_on,
        rag=review.rag,  # type: ignore[arg-type]
        attendees=[_learner(p) for p in review.attendees.all()],
        other_attendees=review.other_attendees,
        notes=review.notes,
        agreed_actions=review.agreed_actions,
    )


def _visible(actor: Person, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get_for(actor=actor, enrolment_id=enrolment_id)


# ---- Programmes ---------------------------------------------------------------------------------
@router.get(
    "/programmes",
    response={200: ProgrammeList, **error_responses(401)},
    summary="The learning programmes of the caller's forces",
)
def programme_list(request: HttpRequest) -> ProgrammeList:
    return ProgrammeList(items=[_programme(p) for p in selectors.programmes_visible_to(actor_of(request))])


def _programme_detail(actor: Person, programme_id: int) -> ProgrammeDetail:
    programme = selectors.programme_get_for(actor=actor, programme_id=programme_id)
    return ProgrammeDetail(
        **_programme(programme).model_dump(),
        units=[
            ProgrammeUnitOut(
                number=u.number,
                title=u.title,
                source=u.source,
                outcomes=[
                    ProgrammeOutcomeOut(
                        number=o.number,
                        text=o.text,
                        is_example=o.is_example,
                        criteria=[
                            ProgrammeCriterionOut(
                                id=c.pk,
                                code=c.code,
                                text=c.text,
                                needed_for_ips=c.needed_for_ips,
                                is_example=c.is_example,
                            )
                            for c in o.criteria.all()
                        ],
                    )
                    for o in u.outcomes.all()
                ],
            )
            for u in programme.units.all()
        ],
        phases=[p for phase in programme.phases.all() if (p := _phase(phase)) is not None],
        can_manage=services.may_manage(actor, programme),
    )


@router.get(
    "/programmes/{programme_id}",
    response={200: ProgrammeDetail, **error_responses(401, 404)},
    summary="A programme with its units, learning outcomes, assessment criteria and phases",
    description="Outcomes and criteria marked `is_example` are Beatbook's examples, not the awarding body's.",
)
def programme_detail(request: HttpRequest, programme_id: int) -> ProgrammeDetail:
    return _programme_detail(actor_of(request), programme_id)


@router.put(
    "/programmes/{programme_id}",
    response={200: ProgrammeDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a programme's settings (the force's trainers and administrators)",
    description="Due months from 1 to 36 with FOC not before IPS (400 on `foc_due_months`), a review interval "
    "from 1 to 26 weeks. Existing enrolments keep their due dates.",
)
def programme_update(request: HttpRequest, programme_id: int, payload: ProgrammeSettingsIn) -> ProgrammeDetail:
    actor = actor_of(request)
    programme = selectors.programme_get_for(actor=actor, programme_id=programme_id)
    services.programme_update(
        actor=actor, programme=programme, data=services.ProgrammeSettings(**payload.model_dump()), meta=meta_of(request)
    )
    return _programme_detail(actor, programme_id)


# ---- Enrolments ---------------------------------------------------------------------------------
@router.get(
    "/enrolments",
    response={200: EnrolmentsPage, **error_responses(401, 422)},
    summary="Enrolments the caller sees, with milestones, coverage and risk",
    description="The caller's own; those naming them as tutor, assessor or line manager; every enrolment of the "
    "forces where they oversee learners (trainers, assessors, administrators).",
)
def enrolment_list(request: HttpRequest, filters: Query[EnrolmentListQuery]) -> EnrolmentsPage:
    enrolments = selectors.enrolments_visible_to(actor_of(request))
    if filters.status:
        enrolments = enrolments.filter(status=filters.status)
    if filters.programme:
        enrolments = enrolments.filter(programme_id=filters.programme)
    page = paginate(enrolments, number=filters.page, size=filters.page_size)
    return EnrolmentsPage(
        items=[_item(s) for s in selectors.statuses_of(list(page.items))],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.post(
    "/enrolments",
    response={201: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Enrol a person on a programme (trainers, administrators, recruiters of the force)",
    description="The due dates follow from the programme; the learner starts in its first phase; the first review "
    "is scheduled. 400 on `person` when they are already on a programme or not of the force; 400 on "
    "`tutor`, `assessor` or `line_manager` for someone not of the force.",
)
def enrolment_create(request: HttpRequest, payload: EnrolmentIn) -> Status[EnrolmentDetail]:
    actor = actor_of(request)
    programme = selectors.programmes_visible_to(actor).filter(pk=payload.programme).first()
    if programme is None:
        raise Http404(_("Not found."))
    if not services.may_enrol(actor, programme):
        raise PermissionDenied(_("You do not have permission to do that."))
    people = _people_of(
        programme.force_id,
        {
            "person": payload.person,
            "tutor": payload.tutor,
            "assessor": payload.assessor,
            "line_manager": payload.line_manager,
        },
    )
    learner = people["person"]
    assert learner is not None
    enrolment = services.enrol(
        actor=actor,
        person=learner,
        programme=programme,
        start_date=payload.start_date,
        tutor=people["tutor"],
        assessor=people["assessor"],
        line_manager=people["line_manager"],
        meta=meta_of(request),
    )
    return Status(201, _detail(actor, enrolment.pk))


@router.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentDetail, **error_responses(401, 404)},
    summary="One enrolment: people, plan, milestones with the criteria still missing, risk",
)
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> EnrolmentDetail:
    return _detail(actor_of(request), enrolment_id)


@router.patch(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Change the people named and the due dates (the whole set is sent)",
    description=SEEN + "IPS due on or before the start is 400 on `ips_due_on`; FOC before IPS 400 on `foc_due_on`.",
)
def enrolment_update(request: HttpRequest, enrolment_id: int, payload: EnrolmentUpdateIn) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    if not services.may_manage(actor, enrolment):
        raise PermissionDenied(_("You do not have permission to do that."))
    people = _people_of(
        enrolment.force_id,
        {"tutor": payload.tutor, "assessor": payload.assessor, "line_manager": payload.line_manager},
    )
    services.enrolment_update(
        actor=actor,
        enrolment=enrolment,
        tutor=people["tutor"],
        assessor=people["assessor"],
        line_manager=people["line_manager"],
        ips_due_on=payload.ips_due_on,
        foc_due_on=payload.foc_due_on,
        meta=meta_of(request),
    )
    return _detail(actor, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/sign-off",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Sign off IPS (the tutor or line manager) or FOC (the assessor)",
    description=SEEN + "Never one's own enrolment. 400 on `milestone` when needed criteria are not met (the "
    "message lists their codes; the refusal is audited), when it is signed off already, or FOC before IPS.",
)
def enrolment_milestone_sign_off(
    request: HttpRequest, enrolment_id: int, payload: MilestoneSignOffIn
) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    services.milestone_sign_off(
        actor=actor, enrolment=enrolment, milestone=payload.milestone, note=payload.note, meta=meta_of(request)
    )
    return _detail(actor, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/phase",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Move the learner to another phase of their programme",
    description=SEEN + "The tutor, the line manager or those who manage the programme. A phase of another "
    "programme, the phase they are in, or a start before the enrolment's is 400 on `phase` or `started_on`.",
)
def enrolment_phase_move(request: HttpRequest, enrolment_id: int, payload: PhaseMoveIn) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    services.enrolment_move_phase(
        actor=actor, enrolment=enrolment, phase=payload.phase, started_on=payload.started_on, meta=meta_of(request)
    )
    return _detail(actor, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/withdraw",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="End an enrolment early, with a reason",
    description=SEEN + "Those who manage the programme (trainers, administrators). A reason under 10 characters "
    "is 400 on `reason`; an end date in the future or before the start is 400 on `ended_on`; an enrolment "
    "no longer active is 400.",
)
def enrolment_withdraw_api(request: HttpRequest, enrolment_id: int, payload: EnrolmentWithdrawIn) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    services.enrolment_withdraw(
        actor=actor, enrolment=enrolment, reason=payload.reason, ended_on=payload.ended_on, meta=meta_of(request)
    )
    return _detail(actor, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/complete",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Mark the programme completed (once Full Operational Competence is signed off)",
    description=SEEN + "Those who manage the programme. 400 before FOC is signed off or when the enrolment is "
    "no longer active; an end date in the future or before the start is 400 on `ended_on`.",
)
def enrolment_complete_api(request: HttpRequest, enrolment_id: int, payload: EnrolmentCompleteIn) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    services.enrolment_complete(actor=actor, enrolment=enrolment, ended_on=payload.ended_on, meta=meta_of(request))
    return _detail(actor, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/revoke",
    response={200: EnrolmentDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Revoke a milestone's sign-off, with a reason",
    description=SEEN + "A reason under 10 characters is 400 on `reason`; IPS cannot be revoked while FOC stands.",
)
def enrolment_milestone_revoke(request: HttpRequest, enrolment_id: int, payload: MilestoneRevokeIn) -> EnrolmentDetail:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    services.milestone_revoke(
        actor=actor, enrolment=enrolment, milestone=payload.milestone, reason=payload.reason, meta=meta_of(request)
    )
    return _detail(actor, enrolment_id)


# ---- Reviews ------------------------------------------------------------------------------------
@router.get(
    "/enrolments/{enrolment_id}/reviews",
    response={200: ReviewList, **error_responses(401, 404)},
    summary="An enrolment's progress reviews, newest first",
)
def enrolment_review_list(request: HttpRequest, enrolment_id: int) -> ReviewList:
    enrolment = _visible(actor_of(request), enrolment_id)
    return ReviewList(items=[_review(r) for r in selectors.reviews_of(enrolment)])


@router.post(
    "/enrolments/{enrolment_id}/reviews",
    response={201: ReviewOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Schedule a progress review (the tutor, assessor, line manager, trainers, administrators)",
    description=SEEN + "A date before the start or more than a year ahead is 400 on `scheduled_for`.",
)
def enrolment_review_schedule(request: HttpRequest, enrolment_id: int, payload: ReviewScheduleIn) -> Status[ReviewOut]:
    actor = actor_of(request)
    review = services.review_schedule(
        actor=actor,
        enrolment=_visible(actor, enrolment_id),
        scheduled_for=payload.scheduled_for,
        meta=meta_of(request),
    )
    return Status(201, _review(review))


@router.post(
    "/enrolments/{enrolment_id}/reviews/record",
    response={200: ReviewOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a held review; the next one is scheduled",
    description=SEEN + "A next review on or before the day held is 400 on `next_review_on`; a date in the future "
    "400 on `held_on`; attendees not of the force 400 on `attendees`.",
)
def enrolment_review_record(request: HttpRequest, enrolment_id: int, payload: ReviewRecordIn) -> ReviewOut:
    actor = actor_of(request)
    enrolment = _visible(actor, enrolment_id)
    target: ProgressReview | Enrolment = enrolment
    if payload.review is not None:
        found = ProgressReview.objects.filter(enrolment=enrolment, pk=payload.review).first()
        if found is None:
            raise ValidationError({"review": [_("Choose a review of this enrolment.")]})
        target = found
    attendees = list(selectors.people_of_force(enrolment.force_id).filter(pk__in=payload.attendees))
    if len(attendees) != len(set(payload.attendees)):
        raise ValidationError({"attendees": [_("Choose attendees of the learner's force.")]})
    review = services.review_record(
        actor=actor,
        review_or_enrolment=target,
        held_on=payload.held_on,
        attendees=attendees,
        other_attendees=payload.other_attendees,
        rag=payload.rag,
        notes=payload.notes,
        agreed_actions=payload.agreed_actions,
        next_review_on=payload.next_review_on,
        meta=meta_of(request),
    )
    return _review(review)


# ---- Cohort -------------------------------------------------------------------------------------
@router.get(
    "/cohort",
    response={200: CohortOut, **error_responses(401, 403, 422)},
    summary="The cohort dashboard: each learner's phase, milestones, coverage, next review and risk",
    description="`scope=force` (default) needs oversight of the caller's force (trainers, assessors, "
    "administrators); anyone else gets their own learners (`mine`), or 403 when they are named on none. Audited.",
)
def programme_cohort(request: HttpRequest, filters: Query[CohortQuery]) -> CohortOut:
    actor = actor_of(request)
    force = actor.force
    scope = filters.scope if selectors.may_oversee(actor, force) else "mine"
    if scope == "mine" and not selectors.named_enrolments(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    chosen = selectors.CohortFilters(phase_kind=filters.phase or "", risk=filters.risk or "")
    if scope == "force":
        assert force is not None
        rows = selectors.force_cohort(actor, force, chosen)
    else:
        rows = selectors.my_learners(actor, chosen)
    services.cohort_viewed(
        actor=actor, force=force, scope=scope, filters=chosen.as_dict(), rows=len(rows), meta=meta_of(request)
    )
    return CohortOut(
        scope=scope,
        learners=len(rows),
        at_risk=sum(1 for r in rows if r.at_risk),
        items=[_item(r) for r in rows],
    )
