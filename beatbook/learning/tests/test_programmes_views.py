"""Programme pages: who gets 200, 403 and 404; the forms (enrol, settings, reviews, sign-off with
what is missing); the learner's own view; and the cohort dashboard's query count, the same for
one learner as for five."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import make_person
from beatbook.core.timeutil import today
from beatbook.learning.models import Enrolment, Milestone, MilestoneSignOff, Phase, PhaseKind, ProgressReview
from beatbook.learning.services import programmes as services
from beatbook.org.models import Role

from .test_programmes import Cast, cast, ips_criteria, meet

__all__ = ["cast"]


def page(response: Any) -> str:
    return str(response.content.decode())


class ProgrammePageTests:
    def test_list_and_detail(self, cast: Cast) -> None:
        client = cast.world.client_for(cast.world.alice)
        listing = page(client.get("/learning/programmes/"))
        assert "PCSO Level 4 Diploma in Community Policing Practice" in listing
        detail = client.get(f"/learning/programmes/{cast.programme.pk}/")
        assert detail.status_code == 200
        body = page(detail)
        assert "Handle information and intelligence" in body and "610/5206/1" in body
        assert "Needed for IPS" in body and "Example" in body
        assert "Change the settings" not in body
        assert (
            cast.world.client_for(cast.world.hal).get(f"/learning/programmes/{cast.programme.pk}/").status_code == 404
        )

    def test_settings_page(self, cast: Cast) -> None:
        url = f"/learning/programmes/{cast.programme.pk}/edit/"
        assert cast.world.client_for(cast.world.alice).get(url).status_code == 403
        client = cast.world.client_for(cast.trainer)
        assert client.get(url).status_code == 200
        data = {
            "route": "non_apprenticeship",
            "qualification": "certificate",
            "qualification_title": "Level 4 Certificate in Community Policing Practice",
            "awarding_body": "SFJ Awards",
            "qualification_number": "",
            "ips_due_months": "7",
            "foc_due_months": "6",
            "review_interval_weeks": "4",
            "is_active": "on",
        }
        refused = client.post(url, data)
        assert refused.status_code == 400 and "cannot be due before" in page(refused)
        data["foc_due_months"] = "14"
        assert client.post(url, data).status_code == 302
        cast.programme.refresh_from_db()
        assert cast.programme.route == "non_apprenticeship" and cast.programme.foc_due_months == 14

    def test_enrol_form(self, cast: Cast) -> None:
        url = f"/learning/programmes/{cast.programme.pk}/enrol/"
        assert cast.world.client_for(cast.tutor).get(url).status_code == 403
        client = cast.world.client_for(cast.trainer)
        response = client.post(
            url,
            {
                "person": cast.world.alice.pk,
                "start_date": today().isoformat(),
                "tutor": cast.tutor.pk,
                "assessor": cast.assessor.pk,
                "line_manager": cast.world.bob.pk,
            },
        )
        enrolment = Enrolment.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/learning/enrolments/{enrolment.pk}/"
        again = client.post(url, {"person": cast.world.alice.pk, "start_date": today().isoformat()})
        assert again.status_code == 400 and "already on" in page(again)


class EnrolmentPageTests:
    def test_access(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        url = f"/learning/enrolments/{enrolment.pk}/"
        for person in (cast.world.alice, cast.world.bob, cast.tutor, cast.assessor, cast.trainer):
            assert cast.world.client_for(person).get(url).status_code == 200
        for outsider in (cast.world.charlie, cast.world.dee, cast.world.hal):
            assert cast.world.client_for(outsider).get(url).status_code == 404
        # Seen but not allowed: the learner cannot sign off, record a review or withdraw.
        alice = cast.world.client_for(cast.world.alice)
        assert alice.post(url + "sign-off/", {"milestone": "ips"}).status_code == 403
        assert alice.post(url + "reviews/", {"held_on": today().isoformat(), "rag": "green"}).status_code == 403
        assert alice.post(url + "withdraw/", {"reason": "Because I want to."}).status_code == 403
        assert (
            cast.world.client_for(cast.world.charlie).post(url + "sign-off/", {"milestone": "ips"}).status_code == 404
        )

    def test_sign_off_shows_what_is_missing_then_signs(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        url = f"/learning/enrolments/{enrolment.pk}/"
        tutor = cast.world.client_for(cast.tutor)
        body = page(tutor.get(url))
        assert "Sign off Independent Patrol Status" in body and "Sign off Full Operational Competence" not in body
        assert "18 criteria still to meet" in body
        refused = tutor.post(url + "sign-off/", {"milestone": "ips", "note": ""})
        assert refused.status_code == 400 and "needed criteria are not met yet" in page(refused)
        assert AuditEvent.objects.filter(event_type=EventType.MILESTONE_SIGN_OFF_REFUSED).count() == 1
        meet(enrolment, ips_criteria(cast), cast.assessor)
        assert tutor.post(url + "sign-off/", {"milestone": "ips", "note": "Ready to patrol alone."}).status_code == 302
        assert MilestoneSignOff.objects.get().signed_as == "tutor"
        assessor = page(cast.world.client_for(cast.assessor).get(url))
        assert "Sign off Full Operational Competence" in assessor and "Sign off Independent" not in assessor

    def test_record_a_review_and_move_phase(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        url = f"/learning/enrolments/{enrolment.pk}/"
        bob = cast.world.client_for(cast.world.bob)
        bad = bob.post(
            url + "reviews/",
            {
                "held_on": today().isoformat(),
                "rag": "green",
                "next_review_on": (today() - dt.timedelta(days=3)).isoformat(),
            },
        )
        assert bad.status_code == 400 and "must be after the day" in page(bad)
        good = bob.post(
            url + "reviews/",
            {"held_on": today().isoformat(), "rag": "amber", "attendees": [cast.world.bob.pk], "notes": "Fine."},
        )
        assert good.status_code == 302
        assert ProgressReview.objects.filter(enrolment=enrolment, status="held", rag="amber").count() == 1
        tutor_phase = Phase.objects.get(programme=cast.programme, kind=PhaseKind.TUTOR_PHASE)
        moved = cast.world.client_for(cast.tutor).post(
            url + "phase/", {"phase": tutor_phase.pk, "started_on": today().isoformat()}
        )
        assert moved.status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.current_phase == tutor_phase

    def test_edit_refuses_dates_out_of_order(self, cast: Cast) -> None:
        enrolment = cast.enrol()
        url = f"/learning/enrolments/{enrolment.pk}/edit/"
        assert cast.world.client_for(cast.tutor).get(url).status_code == 403
        response = cast.world.client_for(cast.trainer).post(
            url,
            {
                "ips_due_on": enrolment.foc_due_on.isoformat(),
                "foc_due_on": enrolment.ips_due_on.isoformat(),
            },
        )
        assert response.status_code == 400 and "cannot be due before" in page(response)


class MyProgrammeTests:
    def test_the_learners_own_view(self, cast: Cast) -> None:
        client = cast.world.client_for(cast.world.alice)
        assert "not enrolled" in page(client.get("/learning/me/"))
        enrolment = cast.enrol(start=today() - dt.timedelta(weeks=11))
        body = page(client.get("/learning/me/"))
        assert "Initial learning" in body and "0 of 35" in body and "Behind plan" in body
        assert f"/learning/enrolments/{enrolment.pk}/" in body


class CohortTests:
    def test_who_gets_the_cohort(self, cast: Cast) -> None:
        cast.enrol()
        assert cast.world.client_for(cast.world.charlie).get("/learning/cohort/").status_code == 403
        assert cast.world.client_for(cast.world.dee).get("/learning/cohort/").status_code == 403
        for person in (cast.trainer, cast.assessor, cast.world.erin, cast.tutor, cast.world.bob):
            response = cast.world.client_for(person).get("/learning/cohort/")
            assert response.status_code == 200 and "Alice" in page(response)
        viewed = AuditEvent.objects.filter(event_type=EventType.COHORT_VIEWED).order_by("seq")
        assert [(e.after or {})["scope"] for e in viewed] == ["force", "force", "force", "mine", "mine"]
        assert "Alice" not in str(viewed.last().after)  # type: ignore[union-attr]

    def test_the_tutor_sees_only_their_learners(self, cast: Cast) -> None:
        cast.enrol()
        services.enrol(actor=cast.trainer, person=cast.world.charlie, programme=cast.programme, start_date=today())
        tutor = page(cast.world.client_for(cast.tutor).get("/learning/cohort/"))
        assert "Alice" in tutor and "Charlie" not in tutor
        trainer = page(cast.world.client_for(cast.trainer).get("/learning/cohort/"))
        assert "Alice" in trainer and "Charlie" in trainer

    def test_filters_by_risk_and_phase(self, cast: Cast) -> None:
        cast.enrol(start=today() - dt.timedelta(weeks=11))  # behind plan
        services.enrol(actor=cast.trainer, person=cast.world.charlie, programme=cast.programme, start_date=today())
        client = cast.world.client_for(cast.trainer)
        at_risk = page(client.get("/learning/cohort/?risk=at_risk"))
        assert "Alice" in at_risk and "Charlie" not in at_risk and "Behind plan" in at_risk
        on_track = page(client.get("/learning/cohort/?risk=on_track"))
        assert "Charlie" in on_track and "Alice" not in on_track
        assert "No learners match" in page(client.get("/learning/cohort/?phase=tutor_phase"))
        assert "Alice" in page(client.get("/learning/cohort/?phase=nonsense"))  # a bad filter is ignored

    @pytest.mark.parametrize("learners", [1, 5])
    def test_the_query_count_does_not_grow(self, cast: Cast, learners: int, django_assert_num_queries: Any) -> None:
        for n in range(learners):
            person = make_person(
                cast.world.system, cast.world.force_a, f"learner{n}", Role.PCSO, neighbourhood=cast.world.a1
            )
            enrolment = cast.enrol(person, start=today() - dt.timedelta(weeks=3 + 4 * n))
            meet(enrolment, list(ips_criteria(cast))[: n + 1], cast.assessor)
            if n == 0:
                meet(enrolment, ips_criteria(cast), cast.assessor)
                services.milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone=Milestone.IPS, note="")
        client = cast.world.client_for(cast.trainer)
        client.get("/learning/cohort/")  # warm the session and content types
        with django_assert_num_queries(COHORT_QUERIES):
            response = client.get("/learning/cohort/")
        assert page(response).count('data-label="Phase"') == learners


# The cohort page, whatever the number of learners: the session and user, the actor's postings
# (oversight, menus), the enrolments, phases, criteria counts, criteria met (all, and needed for
# IPS), sign-offs, scheduled reviews, and the audit row.
COHORT_QUERIES = 25
