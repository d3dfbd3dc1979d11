"""Programme services and selectors: the loader's idempotence (texts updated, criteria with
evidence kept), enrolment rules (one active enrolment, people of the force, dates in order), the
milestone rules (who signs, needed criteria, refusals audited with the missing codes), reviews,
the risk rules, and who sees which enrolment."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    EnrolmentStatus,
    Evidence,
    EvidenceCriterion,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
    Milestone,
    MilestoneSignOff,
    Phase,
    PhaseKind,
    Programme,
    ProgressReview,
    ReviewStatus,
    add_months,
)
from beatbook.learning.selectors import programmes as selectors
from beatbook.learning.services import programmes as services
from beatbook.org.models import Person, Role


class Cast:
    """The world plus a loaded programme in Cambridgeshire and its learning staff."""

    def __init__(self, world: World) -> None:
        self.world = world
        system, force = world.system, world.force_a
        self.tutor = make_person(system, force, "tom", Role.TUTOR, team=world.team_a)
        self.assessor = make_person(system, force, "ada", Role.ASSESSOR)
        self.trainer = make_person(system, force, "tess", Role.TRAINER)
        self.programme = services.programme_load(
            actor=system, force=force, data=services.read_programme_file()
        ).programme

    def enrol(self, learner: Person | None = None, *, start: dt.date | None = None) -> Enrolment:
        return services.enrol(
            actor=self.trainer,
            person=learner or self.world.alice,
            programme=self.programme,
            start_date=start or today() - dt.timedelta(days=30),
            tutor=self.tutor,
            assessor=self.assessor,
            line_manager=self.world.bob,
        )


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


def events(kind: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


def last_after(kind: EventType) -> dict[str, Any]:
    after: dict[str, Any] = events(kind)[-1].after or {}
    return after


def meet(enrolment: Enrolment, criteria: Any, judge: Person) -> None:
    """Evidence judged met for each criterion (written through the models: the portfolio's
    services are another app's concern)."""
    evidence = Evidence.objects.create(
        force_id=enrolment.force_id,
        enrolment=enrolment,
        kind=EvidenceKind.REFLECTIVE_ACCOUNT,
        title="Reflective account",
        occurred_on=today(),
        body="What I did.",
        author=enrolment.learner,
        status=EvidenceStatus.SUBMITTED,
    )
    for criterion in criteria:
        EvidenceCriterion.objects.create(
            evidence=evidence, criterion=criterion, judgement=Judgement.MET, judged_by=judge, judged_at=timezone.now()
        )


def ips_criteria(cast: Cast) -> Any:
    return Criterion.objects.filter(programme=cast.programme, needed_for_ips=True)


class LoaderTests:
    def test_it_loads_the_example_programme(self, cast: Cast) -> None:
        programme = cast.programme
        assert programme.qualification_number == "610/5206/1" and programme.awarding_body == "SFJ Awards"
        assert programme.units.all()[0].title == "Engage with the community"
        assert programme.units.count() == 8
        assert programme.criteria.count() == 35 and programme.criteria.filter(needed_for_ips=True).count() == 18
        assert not programme.criteria.filter(is_example=False).exists()
        assert [(p.kind, p.planned_weeks) for p in programme.phases.all()] == [
            (PhaseKind.INITIAL_LEARNING, 10),
            (PhaseKind.TUTOR_PHASE, 10),
            (PhaseKind.OPERATIONAL_DEPLOYMENT, 31),
            (PhaseKind.END_POINT_ASSESSMENT, 12),
        ]
        assert len(events(EventType.PROGRAMME_CREATED)) == 1
        assert len(events(EventType.PROGRAMME_UNITS_LOADED)) == 1

    def test_reloading_updates_texts_and_keeps_criteria_with_evidence(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        with_evidence = Criterion.objects.get(programme=cast.programme, code="1.1.2")
        meet(enrolment, [with_evidence], cast.assessor)
        data = copy.deepcopy(services.read_programme_file())
        outcome = data["units"][0]["outcomes"][0]
        outcome["criteria"][0]["text"] = "A changed text"
        outcome["criteria"] = outcome["criteria"][:1]  # 1.1.2 dropped from the file
        data["units"][1]["outcomes"][0]["criteria"] = data["units"][1]["outcomes"][0]["criteria"][:1]  # 2.1.2
        result = services.programme_load(actor=cast.world.system, force=cast.world.force_a, data=data)
        assert not result.created and result.criteria_kept == ["1.1.2"] and result.criteria_removed == 1
        codes = set(cast.programme.criteria.values_list("code", flat=True))
        assert "1.1.2" in codes and "2.1.2" not in codes
        assert Criterion.objects.get(programme=cast.programme, code="1.1.1").text == "A changed text"
        assert Programme.objects.count() == 1 and len(events(EventType.PROGRAMME_CREATED)) == 1

    def test_the_command_loads_idempotently(self, cast: Cast, capsys: Any) -> None:
        call_command("load_programme", "--force", "cambridgeshire")
        assert "Updated" in capsys.readouterr().out
        assert Programme.objects.count() == 1 and Criterion.objects.count() == 35

    def test_only_trainers_and_admins_load_or_edit(self, cast: Cast) -> None:
        with pytest.raises(PermissionDenied):
            services.programme_load(actor=cast.world.bob, force=cast.world.force_a, data={})
        settings = services.ProgrammeSettings(
            route="apprenticeship_england",
            qualification="diploma",
            qualification_title="Level 4 Diploma in Community Policing Practice",
            awarding_body="SFJ Awards",
            qualification_number="610/5206/1",
            ips_due_months=5,
            foc_due_months=12,
            review_interval_weeks=6,
        )
        with pytest.raises(PermissionDenied):
            services.programme_update(actor=cast.tutor, programme=cast.programme, data=settings)
        with pytest.raises(PermissionDenied):  # another force's administrator
            services.programme_update(actor=cast.world.ivy, programme=cast.programme, data=settings)
        services.programme_update(actor=cast.world.erin, programme=cast.programme, data=settings)
        cast.programme.refresh_from_db()
        assert cast.programme.ips_due_months == 5 and cast.programme.review_interval_weeks == 6
        event = events(EventType.PROGRAMME_UPDATED)[-1]
        assert (event.before or {})["ips_due_months"] == 6 and (event.after or {})["ips_due_months"] == 5

    def test_settings_out_of_order_are_refused(self, cast: Cast) -> None:
        bad = services.ProgrammeSettings(
            route="apprenticeship_england",
            qualification="diploma",
            qualification_title="x",
            awarding_body="SFJ Awards",
            qualification_number="",
            ips_due_months=12,
            foc_due_months=6,
            review_interval_weeks=0,
        )
        with pytest.raises(ValidationError) as exc:
            services.programme_update(actor=cast.trainer, programme=cast.programme, data=bad)
        assert set(exc.value.message_dict) == {"foc_due_months", "review_interval_weeks"}


class EnrolTests:
    def test_enrol_sets_due_dates_phase_and_first_review(self, cast: Cast) -> None:
        start = dt.date(2026, 8, 31)
        enrolment = cast.enrol(start=start)
        assert enrolment.ips_due_on == add_months(start, 6) == dt.date(2027, 2, 28)
        assert enrolment.foc_due_on == dt.date(2027, 8, 31)
        assert enrolment.current_phase is not None and enrolment.current_phase.kind == PhaseKind.INITIAL_LEARNING
        review = ProgressReview.objects.get(enrolment=enrolment)
        assert review.scheduled_for == start + dt.timedelta(weeks=4) and review.status == ReviewStatus.SCHEDULED
        created = last_after(EventType.ENROLMENT_CREATED)
        assert created["learner"] == cast.world.alice.pk and created["tutor"] == cast.tutor.pk

    def test_a_second_active_enrolment_is_refused(self, cast: Cast) -> None:
        cast.enrol()
        with pytest.raises(ValidationError) as exc:
            cast.enrol()
        assert "already on" in exc.value.message_dict["person"][0]

    def test_people_must_belong_to_the_force(self, cast: Cast) -> None:
        with pytest.raises(ValidationError) as exc:
            services.enrol(
                actor=cast.trainer,
                person=cast.world.hal,
                programme=cast.programme,
                start_date=today(),
                tutor=cast.world.ivy,
            )
        assert set(exc.value.message_dict) == {"person", "tutor"}
        with pytest.raises(ValidationError) as exc:
            services.enrol(
                actor=cast.trainer,
                person=cast.world.alice,
                programme=cast.programme,
                start_date=today(),
                line_manager=cast.world.alice,
            )
        assert "line_manager" in exc.value.message_dict

    def test_wrong_role_cannot_enrol(self, cast: Cast) -> None:
        for actor in (cast.world.bob, cast.tutor, cast.world.alice, cast.world.ivy):
            with pytest.raises(PermissionDenied):
                services.enrol(actor=actor, person=cast.world.charlie, programme=cast.programme, start_date=today())

    def test_a_recruiter_may_enrol(self, cast: Cast) -> None:
        recruiter = make_person(cast.world.system, cast.world.force_a, "rita", Role.RECRUITER)
        enrolment = services.enrol(
            actor=recruiter, person=cast.world.charlie, programme=cast.programme, start_date=today()
        )
        assert enrolment.is_active

    def test_update_refuses_dates_out_of_order(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        with pytest.raises(ValidationError) as exc:
            services.enrolment_update(
                actor=cast.trainer,
                enrolment=enrolment,
                tutor=cast.tutor,
                assessor=cast.assessor,
                line_manager=cast.world.bob,
                ips_due_on=enrolment.start_date - dt.timedelta(days=1),
                foc_due_on=enrolment.start_date - dt.timedelta(days=10),
            )
        assert set(exc.value.message_dict) == {"ips_due_on", "foc_due_on"}
        with pytest.raises(PermissionDenied):
            services.enrolment_update(
                actor=cast.tutor,
                enrolment=enrolment,
                tutor=None,
                assessor=None,
                line_manager=None,
                ips_due_on=enrolment.ips_due_on,
                foc_due_on=enrolment.foc_due_on,
            )
        services.enrolment_update(
            actor=cast.trainer,
            enrolment=enrolment,
            tutor=None,
            assessor=cast.assessor,
            line_manager=cast.world.bob,
            ips_due_on=enrolment.ips_due_on + dt.timedelta(days=14),
            foc_due_on=enrolment.foc_due_on,
        )
        enrolment.refresh_from_db()
        assert enrolment.tutor is None and last_after(EventType.ENROLMENT_UPDATED)["tutor"] is None

    def test_move_phase_withdraw_and_complete(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        tutor_phase = Phase.objects.get(programme=cast.programme, kind=PhaseKind.TUTOR_PHASE)
        with pytest.raises(PermissionDenied):
            services.enrolment_move_phase(actor=cast.world.alice, enrolment=enrolment, phase=tutor_phase)
        services.enrolment_move_phase(actor=cast.tutor, enrolment=enrolment, phase=tutor_phase)
        assert enrolment.current_phase == tutor_phase and enrolment.phase_started_on == today()
        with pytest.raises(ValidationError):
            services.enrolment_move_phase(actor=cast.tutor, enrolment=enrolment, phase=tutor_phase)
        with pytest.raises(ValidationError) as exc:
            services.enrolment_complete(actor=cast.trainer, enrolment=enrolment)
        assert "Full Operational Competence" in exc.value.messages[0]
        with pytest.raises(ValidationError):
            services.enrolment_withdraw(actor=cast.trainer, enrolment=enrolment, reason="short")
        services.enrolment_withdraw(actor=cast.trainer, enrolment=enrolment, reason="Left to join another force.")
        assert enrolment.status == EnrolmentStatus.WITHDRAWN
        assert not ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.SCHEDULED).exists()
        assert events(EventType.ENROLMENT_WITHDRAWN)[-1].reason == "Left to join another force."
        cast.enrol()  # a withdrawn enrolment no longer blocks a new one


class MilestoneTests:
    def test_ips_refused_with_missing_codes_and_audited(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        needed = list(ips_criteria(cast))
        meet(enrolment, needed[1:], cast.assessor)
        with pytest.raises(ValidationError) as exc:
            services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")
        assert needed[0].code in exc.value.message_dict["milestone"][0]
        refused = events(EventType.MILESTONE_SIGN_OFF_REFUSED)[-1]
        assert refused.after == {"milestone": "ips", "missing": [needed[0].code], "met": len(needed) - 1}
        assert not MilestoneSignOff.objects.exists()

    def test_ips_by_tutor_or_line_manager_when_criteria_met(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        meet(enrolment, ips_criteria(cast), cast.assessor)
        for wrong in (cast.world.alice, cast.assessor, cast.trainer, cast.world.charlie):
            with pytest.raises(PermissionDenied):
                services.milestone_sign_off(actor=wrong, enrolment=enrolment, milestone=Milestone.IPS, note="")
        signoff = services.milestone_sign_off(
            actor=cast.world.bob, enrolment=enrolment, milestone=Milestone.IPS, note="Ready."
        )
        assert signoff.signed_as == "line_manager" and len(signoff.criteria_met) == 18
        assert last_after(EventType.MILESTONE_SIGNED_OFF)["milestone"] == "ips"
        with pytest.raises(ValidationError):
            services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")

    def test_foc_by_assessor_only_after_ips_and_all_criteria(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        meet(enrolment, ips_criteria(cast), cast.assessor)
        with pytest.raises(ValidationError) as exc:  # IPS first
            services.milestone_sign_off(actor=cast.assessor, enrolment=enrolment, milestone=Milestone.FOC, note="")
        assert "Independent Patrol Status" in exc.value.messages[0]
        services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")
        with pytest.raises(PermissionDenied):
            services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.FOC, note="")
        with pytest.raises(ValidationError):  # 17 criteria not met
            services.milestone_sign_off(actor=cast.assessor, enrolment=enrolment, milestone=Milestone.FOC, note="")
        assert len(last_after(EventType.MILESTONE_SIGN_OFF_REFUSED)["missing"]) == 17
        meet(enrolment, Criterion.objects.filter(programme=cast.programme, needed_for_ips=False), cast.assessor)
        foc = services.milestone_sign_off(actor=cast.assessor, enrolment=enrolment, milestone=Milestone.FOC, note="")
        assert foc.signed_as == "assessor" and len(foc.criteria_met) == 35
        services.enrolment_complete(actor=cast.trainer, enrolment=enrolment)
        assert enrolment.status == EnrolmentStatus.COMPLETED

    def test_nobody_signs_off_their_own_enrolment(self, cast: Cast) -> None:
        # The tutor is themself a learner whose tutor is... themself: refused.
        enrolment = services.enrol(
            actor=cast.trainer, person=cast.world.charlie, programme=cast.programme, start_date=today()
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(tutor=cast.world.charlie)
        enrolment.refresh_from_db()
        meet(enrolment, ips_criteria(cast), cast.assessor)
        with pytest.raises(PermissionDenied):
            services.milestone_sign_off(actor=cast.world.charlie, enrolment=enrolment, milestone=Milestone.IPS, note="")

    def test_withdrawn_evidence_does_not_count(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        meet(enrolment, ips_criteria(cast), cast.assessor)
        Evidence.objects.filter(enrolment=enrolment).update(status=EvidenceStatus.WITHDRAWN)
        with pytest.raises(ValidationError):
            services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")

    def test_revoke_with_a_reason(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        meet(enrolment, ips_criteria(cast), cast.assessor)
        services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")
        with pytest.raises(ValidationError):
            services.milestone_revoke(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, reason="no")
        with pytest.raises(PermissionDenied):
            services.milestone_revoke(
                actor=cast.world.alice, enrolment=enrolment, milestone=Milestone.IPS, reason="Signed in error."
            )
        services.milestone_revoke(
            actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, reason="Signed in error."
        )
        assert services.standing_signoff(enrolment, Milestone.IPS) is None
        revoked = events(EventType.MILESTONE_SIGN_OFF_REVOKED)[-1]
        assert revoked.reason == "" and "Signed in error." not in str(revoked.after)
        assert MilestoneSignOff.objects.get(revoked_at__isnull=False).revoke_reason == "Signed in error."
        # It can be signed off again.
        services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")


class ReviewTests:
    def test_record_marks_held_and_schedules_the_next(self, cast: Cast) -> None:
        enrolment = cast.enrol(start=today() - dt.timedelta(days=40))
        first = ProgressReview.objects.get(enrolment=enrolment)
        held_on = today() - dt.timedelta(days=2)
        review = services.review_record(
            actor=cast.world.bob,
            review_or_enrolment=first,
            held_on=held_on,
            attendees=[cast.world.bob, cast.world.alice],
            other_attendees="",
            rag="amber",
            notes="Good progress on unit 1.",
            agreed_actions="Shadow the schools officer.",
            next_review_on=None,
        )
        assert review.pk == first.pk and review.status == ReviewStatus.HELD and review.rag == "amber"
        upcoming = ProgressReview.objects.get(enrolment=enrolment, status=ReviewStatus.SCHEDULED)
        assert upcoming.scheduled_for == held_on + dt.timedelta(weeks=4)
        recorded = last_after(EventType.REVIEW_RECORDED)
        assert recorded["rag"] == "amber" and "notes" not in recorded

    def test_bad_review_input_is_refused(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        with pytest.raises(ValidationError) as exc:
            services.review_record(
                actor=cast.tutor,
                review_or_enrolment=enrolment,
                held_on=today(),
                attendees=[cast.world.hal],
                other_attendees="",
                rag="purple",
                notes="",
                agreed_actions="",
                next_review_on=today() - dt.timedelta(days=1),
            )
        assert set(exc.value.message_dict) == {"rag", "attendees", "next_review_on"}
        with pytest.raises(PermissionDenied):
            services.review_record(
                actor=cast.world.charlie,
                review_or_enrolment=enrolment,
                held_on=today(),
                attendees=[],
                other_attendees="",
                rag="green",
                notes="",
                agreed_actions="",
                next_review_on=None,
            )
        with pytest.raises(ValidationError):
            services.review_schedule(
                actor=cast.tutor, enrolment=enrolment, scheduled_for=enrolment.start_date - dt.timedelta(days=1)
            )

    def test_reschedule(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        review = ProgressReview.objects.get(enrolment=enrolment)
        new_day = review.scheduled_for + dt.timedelta(days=3)
        with pytest.raises(PermissionDenied):
            services.review_reschedule(actor=cast.world.alice, review=review, scheduled_for=new_day)
        services.review_reschedule(actor=cast.tutor, review=review, scheduled_for=new_day)
        assert ProgressReview.objects.get(pk=review.pk).scheduled_for == new_day
        assert last_after(EventType.REVIEW_UPDATED)["scheduled_for"] == new_day.isoformat()


class RiskTests:
    def test_a_new_learner_is_on_track(self, cast: Cast) -> None:
        status = selectors.status_of(cast.enrol(start=today() - dt.timedelta(days=10)))
        assert not status.at_risk and status.coverage == 0 and status.total == 35

    def test_behind_plan(self, cast: Cast) -> None:
        # 11 weeks in and still in initial learning (10 weeks planned).
        enrolment = cast.enrol(start=today() - dt.timedelta(weeks=11))
        ProgressReview.objects.filter(enrolment=enrolment).update(scheduled_for=today())
        status = selectors.status_of(enrolment)
        assert len(status.reasons) == 1 and status.reasons[0].startswith("Behind plan: Initial learning")

    def test_ips_due_soon_with_criteria_missing(self, cast: Cast) -> None:
        enrolment = cast.enrol(start=today() - dt.timedelta(weeks=8))
        tutor_phase = Phase.objects.get(programme=cast.programme, kind=PhaseKind.TUTOR_PHASE)
        services.enrolment_move_phase(actor=cast.tutor, enrolment=enrolment, phase=tutor_phase)
        Enrolment.objects.filter(pk=enrolment.pk).update(ips_due_on=today() + dt.timedelta(days=20))
        ProgressReview.objects.filter(enrolment=enrolment).update(scheduled_for=today() + dt.timedelta(days=3))
        enrolment.refresh_from_db()
        status = selectors.status_of(enrolment)
        assert [r.split(" due on")[0] for r in status.reasons] == ["Independent Patrol Status"]
        assert "18 needed criteria not met" in status.reasons[0]
        meet(enrolment, ips_criteria(cast), cast.assessor)
        assert not selectors.status_of(enrolment).at_risk  # criteria met: not at risk though unsigned

    def test_an_overdue_milestone_and_an_overdue_review(self, cast: Cast) -> None:
        enrolment = cast.enrol(start=today() - dt.timedelta(weeks=8))
        Enrolment.objects.filter(pk=enrolment.pk).update(ips_due_on=today() - dt.timedelta(days=1))
        ProgressReview.objects.filter(enrolment=enrolment).update(scheduled_for=today() - dt.timedelta(days=1))
        enrolment.refresh_from_db()
        reasons = selectors.status_of(enrolment).reasons
        assert any("overdue since" in r for r in reasons) and "A progress review is overdue." in reasons

    def test_a_signed_milestone_is_no_risk(self, cast: Cast) -> None:
        enrolment = cast.enrol(start=today() - dt.timedelta(weeks=8))
        meet(enrolment, ips_criteria(cast), cast.assessor)
        services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")
        Evidence.objects.filter(enrolment=enrolment).update(status=EvidenceStatus.WITHDRAWN)
        Enrolment.objects.filter(pk=enrolment.pk).update(ips_due_on=today() + dt.timedelta(days=3))
        ProgressReview.objects.filter(enrolment=enrolment).update(scheduled_for=today())
        enrolment.refresh_from_db()
        assert not selectors.status_of(enrolment).at_risk


class AccessTests:
    def test_who_sees_an_enrolment(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        w = cast.world
        for person in (w.alice, w.bob, cast.tutor, cast.assessor, cast.trainer, w.erin):
            assert selectors.enrolment_get_for(actor=person, enrolment_id=enrolment.pk) == enrolment
        for outsider in (w.charlie, w.dee, w.fay, w.gus, w.hal, w.ivy):
            with pytest.raises(Http404):
                selectors.enrolment_get_for(actor=outsider, enrolment_id=enrolment.pk)

    def test_a_tutor_not_named_does_not_see_it(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        other = make_person(cast.world.system, cast.world.force_a, "otto", Role.TUTOR, team=cast.world.team_a)
        with pytest.raises(Http404):
            selectors.enrolment_get_for(actor=other, enrolment_id=enrolment.pk)
        assert list(selectors.named_enrolments(cast.tutor)) == [enrolment]
        assert list(selectors.named_enrolments(other)) == []

    def test_oversight_is_per_force(self, cast: Cast) -> None:
        assert selectors.may_oversee(cast.assessor, cast.world.force_a)
        assert not selectors.may_oversee(cast.assessor, cast.world.force_b)
        assert not selectors.may_oversee(cast.tutor, cast.world.force_a)
        assert not selectors.may_oversee(cast.world.bob, cast.world.force_a)
