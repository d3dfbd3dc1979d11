"""Recruitment services and selectors: the sift (a reason for each rule), refusals (closed campaign,
duplicate, dates out of order), stages in order, appointment (person, posting, enrolment), the
retention purge, and who may read and change what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.timeutil import today
from beatbook.learning.models import Enrolment
from beatbook.learning.services import programmes as learning
from beatbook.org.models import Posting, Role
from beatbook.recruitment import selectors, services
from beatbook.recruitment.models import Application, ApplicationStatus, Level2Answer, Level2Rule, Outcome, Stage

from .builders import Cast, cast, eligible

__all__ = ["cast"]


def events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


class TestCampaigns:
    def test_it_refuses_a_closing_date_before_the_opening_date(self, cast: Cast) -> None:
        data = services.CampaignData(title="Late", opens_on=today(), closes_on=today() - dt.timedelta(days=1))
        with pytest.raises(ValidationError) as caught:
            services.campaign_create(actor=cast.rita, force=cast.world.force_a, data=data)
        assert caught.value.message_dict["closes_on"] == ["The closing date must not be before the opening date."]

    def test_only_the_forces_recruiters_and_admins_manage_campaigns(self, cast: Cast) -> None:
        data = services.CampaignData(title="Spring", opens_on=today(), closes_on=today())
        for outsider in (cast.world.alice, cast.rex, cast.world.ivy, cast.world.fay):
            with pytest.raises(PermissionDenied):
                services.campaign_create(actor=outsider, force=cast.world.force_a, data=data)
        made = services.campaign_create(actor=cast.world.erin, force=cast.world.force_a, data=data)
        summer = services.CampaignData(title="Summer", opens_on=today(), closes_on=today())
        changed = services.campaign_update(actor=cast.rita, campaign=made, data=summer)
        assert changed.title == "Summer"
        assert events(EventType.CAMPAIGN_CREATED) == 2 and events(EventType.CAMPAIGN_UPDATED) == 1


class TestSift:
    def test_an_eligible_applicant_passes_the_sift(self, cast: Cast) -> None:
        application = cast.apply()
        assert application.status == ApplicationStatus.IN_PROGRESS and application.sift_passed
        assert application.reference.startswith("CAMBS-REC-")
        assert [(s.stage, s.outcome) for s in application.stages.all()] == [(Stage.SIFT, Outcome.PASSED)]
        sifted = AuditEvent.objects.get(event_type=EventType.APPLICATION_SIFTED)
        assert sifted.after == {"passed": True, "reasons": []} and sifted.actor is None

    @pytest.mark.parametrize(
        ("changes", "code", "reason"),
        [
            ({"date_of_birth": "17"}, "age", "You must be at least 18 years old on the day you apply."),
            ({"has_level3": False}, "level3", "You need a level 3 qualification, such as A levels, or an equivalent."),
            (
                {"level2": Level2Answer.NONE},
                "level2",
                "You need level 2 English and maths (GCSE grade 4 or C, or an equivalent), or to be willing to "
                "achieve them within the apprenticeship.",
            ),
            (
                {"residency_years": 2},
                "residency",
                "You must have lived in the UK for the last 3 years, so that we can carry out vetting.",
            ),
        ],
    )
    def test_it_sifts_out_with_the_reason(self, cast: Cast, changes: dict[str, object], code: str, reason: str) -> None:
        if changes.get("date_of_birth") == "17":
            changes = {"date_of_birth": today().replace(year=today().year - 17)}
        application = cast.apply(**changes)  # type: ignore[arg-type]
        assert application.status == ApplicationStatus.SIFTED_OUT and application.closed_at is not None
        assert application.sift_reasons == [reason]
        sift = application.stages.get()
        assert sift.outcome == Outcome.FAILED and sift.notes == reason
        assert AuditEvent.objects.get(event_type=EventType.APPLICATION_SIFTED).after == {
            "passed": False,
            "reasons": [code],
        }

    def test_the_forces_rules_decide(self, cast: Cast) -> None:
        force = cast.world.force_a
        strict = services.RulesData(
            min_age=21, level2_rule=Level2Rule.REQUIRED, residency_years=5, driving_licence_required=True
        )
        services.eligibility_rules_update(actor=cast.rita, force=force, data=strict)
        application = cast.apply(
            level2=Level2Answer.WILL_ACHIEVE,
            has_driving_licence=False,
            residency_years=4,
            date_of_birth=today().replace(year=today().year - 20),
        )
        assert application.sift_reasons == [
            "You must be at least 21 years old on the day you apply.",
            "You need level 2 English and maths (GCSE grade 4 or C, or an equivalent) before you start.",
            "You must have lived in the UK for the last 5 years, so that we can carry out vetting.",
            "You need a full driving licence for this role.",
        ]
        relaxed = services.RulesData(level3_required=False, level2_rule=Level2Rule.NOT_REQUIRED, residency_years=0)
        services.eligibility_rules_update(actor=cast.rita, force=force, data=relaxed)
        assert cast.apply("pat@example.org", has_level3=False, level2=Level2Answer.NONE, residency_years=0).sift_passed
        assert events(EventType.ELIGIBILITY_RULES_UPDATED) == 2

    def test_rules_are_checked_and_only_the_forces_recruiters_set_them(self, cast: Cast) -> None:
        with pytest.raises(ValidationError) as caught:
            services.eligibility_rules_update(
                actor=cast.rita, force=cast.world.force_a, data=services.RulesData(min_age=12, residency_years=40)
            )
        assert set(caught.value.message_dict) == {"min_age", "residency_years"}
        with pytest.raises(PermissionDenied):
            services.eligibility_rules_update(actor=cast.rex, force=cast.world.force_a, data=services.RulesData())


class TestRefusals:
    def test_a_duplicate_is_refused_and_audited(self, cast: Cast) -> None:
        cast.apply("Sam@Example.org")
        with pytest.raises(ValidationError) as caught:
            cast.apply("sam@example.org ")
        assert "already been made to this campaign" in caught.value.message_dict["email"][0]
        assert Application.objects.count() == 1
        refused = AuditEvent.objects.get(event_type=EventType.APPLICATION_REFUSED)
        assert refused.after == {"campaign": cast.campaign.pk, "why": "duplicate", "fields": ["email"]}

    def test_a_closed_campaign_is_refused(self, cast: Cast) -> None:
        closed = services.campaign_create(
            actor=cast.rita,
            force=cast.world.force_a,
            data=services.CampaignData(
                title="Last year", opens_on=today() - dt.timedelta(days=60), closes_on=today() - dt.timedelta(days=30)
            ),
        )
        with pytest.raises(ValidationError) as caught:
            cast.apply(campaign=closed)
        assert caught.value.message_dict["campaign"] == ["Applications to this campaign are closed."]
        assert not Application.objects.exists() and events(EventType.APPLICATION_REFUSED) == 1

    def test_a_birth_date_in_the_future_is_refused(self, cast: Cast) -> None:
        with pytest.raises(ValidationError) as caught:
            cast.apply(date_of_birth=today() + dt.timedelta(days=1), full_name=" ")
        assert set(caught.value.message_dict) == {"date_of_birth", "full_name"}


class TestStages:
    def test_stages_go_in_order_with_dates_in_order(self, cast: Cast) -> None:
        application = cast.apply()
        with pytest.raises(ValidationError) as caught:
            services.stage_record(
                actor=cast.rita, application=application, stage=Stage.INTERVIEW, on=today(), outcome=Outcome.PASSED
            )
        assert caught.value.message_dict["stage"] == [
            "Stages go in order: the next stage of this application is Assessment centre."
        ]
        with pytest.raises(ValidationError) as caught:
            services.stage_record(
                actor=cast.rita,
                application=application,
                stage=Stage.ASSESSMENT_CENTRE,
                on=today() - dt.timedelta(days=3),
                outcome=Outcome.PASSED,
            )
        assert "before the application was made" in caught.value.message_dict["on"][0]
        with pytest.raises(ValidationError) as caught:
            services.stage_record(
                actor=cast.rita,
                application=application,
                stage=Stage.ASSESSMENT_CENTRE,
                on=today() + dt.timedelta(days=1),
                outcome=Outcome.PASSED,
            )
        assert caught.value.message_dict["on"] == ["The date must not be in the future."]
        row = services.stage_record(
            actor=cast.rita, application=application, stage=Stage.ASSESSMENT_CENTRE, on=today(), outcome="passed"
        )
        assert row.recorded_by == cast.rita
        recorded = AuditEvent.objects.get(event_type=EventType.APPLICATION_STAGE_RECORDED)
        assert recorded.after == {
            "stage": "assessment_centre",
            "on": today().isoformat(),
            "outcome": "passed",
            "status": "in_progress",
        }

    def test_a_failed_stage_closes_the_application(self, cast: Cast) -> None:
        application = cast.apply()
        services.stage_record(
            actor=cast.rita, application=application, stage=Stage.ASSESSMENT_CENTRE, on=today(), outcome="failed"
        )
        assert application.status == ApplicationStatus.UNSUCCESSFUL
        with pytest.raises(ValidationError, match="closed"):
            services.stage_record(
                actor=cast.rita, application=application, stage=Stage.INTERVIEW, on=today(), outcome="passed"
            )

    def test_the_applicant_withdraws(self, cast: Cast) -> None:
        application = cast.apply()
        services.application_withdraw(actor=None, application=application)
        assert application.status == ApplicationStatus.WITHDRAWN
        with pytest.raises(ValidationError):
            services.application_withdraw(actor=cast.rita, application=application)

    def test_only_the_forces_recruiters_record_stages(self, cast: Cast) -> None:
        application = cast.apply()
        for outsider in (cast.world.alice, cast.world.bob, cast.rex):
            with pytest.raises(PermissionDenied):
                services.stage_record(
                    actor=outsider, application=application, stage="assessment_centre", on=today(), outcome="passed"
                )


class TestAppoint:
    def test_it_needs_an_accepted_offer(self, cast: Cast) -> None:
        application = cast.advance(cast.apply(), until=Stage.FITNESS)
        with pytest.raises(ValidationError) as caught:
            services.applicant_appoint(
                actor=cast.rita, application=application, start_date=today(), neighbourhood=cast.world.a1
            )
        assert caught.value.message_dict["application"] == [
            "Only an applicant who has accepted an offer can be appointed."
        ]

    def test_it_makes_a_person_a_student_pcso_posting_and_an_enrolment(self, cast: Cast) -> None:
        programme = learning.programme_load(
            actor=cast.world.system, force=cast.world.force_a, data=learning.read_programme_file()
        ).programme
        application = cast.advance(cast.apply(), until=Stage.OFFER)
        start = today() + dt.timedelta(days=14)
        with pytest.raises(ValidationError) as caught:
            services.applicant_appoint(actor=cast.rita, application=application, start_date=start)
        assert "neighbourhood" in caught.value.message_dict
        done = services.applicant_appoint(
            actor=cast.rita, application=application, start_date=start, neighbourhood=cast.world.a2
        )
        person = done.person
        assert person.force == cast.world.force_a and person.display_name == "Sam Applicant"
        assert person.email == "sam@example.org" and not person.has_usable_password()
        posting = Posting.objects.get(person=person)
        assert (posting.role, posting.neighbourhood, posting.valid_from) == (Role.PCSO, cast.world.a2, start)
        enrolment = Enrolment.objects.get(learner=person)
        assert enrolment.programme == programme and enrolment.start_date == start
        assert application.status == ApplicationStatus.APPOINTED and application.person == person
        assert application.stages.get(stage=Stage.START).on == start
        appointed = AuditEvent.objects.get(event_type=EventType.APPLICANT_APPOINTED)
        assert appointed.actor == cast.rita and appointed.after is not None
        assert appointed.after["enrolment"] == enrolment.pk

    def test_without_a_programme_there_is_no_enrolment(self, cast: Cast) -> None:
        application = cast.advance(cast.apply(), until=Stage.OFFER)
        done = services.applicant_appoint(
            actor=cast.rita, application=application, start_date=today(), team=cast.world.team_a
        )
        assert done.enrolment is None and done.posting.team == cast.world.team_a


class TestAccess:
    def test_only_the_forces_recruiters_and_admins_see_applications(self, cast: Cast) -> None:
        application = cast.apply()
        assert list(selectors.applications_visible_to(cast.rita)) == [application]
        assert list(selectors.applications_visible_to(cast.world.erin)) == [application]
        for outsider in (cast.world.alice, cast.world.bob, cast.world.dee, cast.rex, cast.world.ivy):
            assert not selectors.applications_visible_to(outsider).exists()
            with pytest.raises(Http404):
                selectors.application_get_for(actor=outsider, application_id=application.pk)

    def test_the_status_token_finds_only_its_application(self, cast: Cast) -> None:
        mine = services.application_submit(campaign=cast.campaign, data=eligible("me@example.org"))
        services.application_submit(campaign=cast.campaign, data=eligible("you@example.org"))
        assert selectors.application_by_token(mine.token) == mine.application
        assert selectors.application_by_token(mine.token[:-1]) is None
        assert selectors.application_by_token("") is None


class TestPurge:
    def test_it_erases_personal_data_after_the_retention_period(self, cast: Cast) -> None:
        old = cast.apply("old@example.org", has_level3=False)
        recent = cast.apply("new@example.org", has_level3=False)
        live = cast.apply("live@example.org")
        Application.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
        call_command("purge_applications")
        old.refresh_from_db()
        recent.refresh_from_db()
        live.refresh_from_db()
        assert (old.full_name, old.email, old.phone, old.date_of_birth) == ("", "", "", None)
        assert old.erased_at is not None and old.stages.get().notes == ""
        assert recent.full_name and live.full_name
        purged = AuditEvent.objects.get(event_type=EventType.APPLICATIONS_PURGED)
        assert purged.after == {"months": 12, "count": 1, "references": [old.reference]}

    def test_a_pcso_cannot_purge(self, cast: Cast) -> None:
        with pytest.raises(PermissionDenied):
            services.applications_purge(actor=cast.world.alice)
