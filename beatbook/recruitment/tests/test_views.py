"""Recruitment pages: the public careers page (open or closed), applying (sifted out with the
reason shown), the status page (only the one application), and the recruiter pages (403 for
other roles, 404 for another force's applications, every list and view audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.timeutil import today
from beatbook.recruitment import services
from beatbook.recruitment.models import Application, ApplicationStatus, Stage

from .builders import Cast, cast, eligible

__all__ = ["cast"]


def answers(email: str = "sam@example.org", **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": "Sam Applicant",
        "email": email,
        "phone": "",
        "date_of_birth": today().replace(year=today().year - 30).isoformat(),
        "has_level3": "yes",
        "level2": "held",
        "residency_years": "12",
        "has_driving_licence": "no",
    }
    data.update(changes)
    return data


def apply_url(cast: Cast) -> str:
    return reverse("recruitment:apply", args=[cast.world.force_a.slug, cast.campaign.pk])


class TestCareersPage:
    def test_it_lists_open_campaigns_without_login(self, cast: Cast) -> None:
        page = Client().get(reverse("recruitment:careers", args=["cambridgeshire"]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "PCSO apprenticeship 2026" in html and apply_url(cast) in html
        assert "You must be at least 18 years old" in html

    def test_it_says_applications_are_closed_with_the_next_steps(self, cast: Cast) -> None:
        services.campaign_update(
            actor=cast.rita,
            campaign=cast.campaign,
            data=services.CampaignData(
                title="PCSO apprenticeship 2026",
                opens_on=today() - dt.timedelta(days=30),
                closes_on=today() - dt.timedelta(days=1),
                next_steps="Check this page and our social media for the next campaign in the spring.",
            ),
        )
        html = Client().get(reverse("recruitment:careers", args=["cambridgeshire"])).content.decode()
        assert "Applications are currently closed." in html
        assert "next campaign in the spring" in html and apply_url(cast) not in html
        assert Client().get(apply_url(cast)).status_code == 404

    def test_an_unknown_force_is_not_found(self, cast: Cast) -> None:
        assert Client().get(reverse("recruitment:careers", args=["nowhere"])).status_code == 404


class TestApplying:
    def test_an_applicant_applies_and_is_sifted_out_with_the_reason(self, cast: Cast) -> None:
        client = Client()
        assert client.get(apply_url(cast)).status_code == 200
        sent = client.post(apply_url(cast), answers(has_level3="no", residency_years="1"))
        assert sent.status_code == 302
        status_page = client.get(sent["Location"])
        assert status_page.status_code == 200 and status_page["Referrer-Policy"] == "no-referrer"
        html = status_page.content.decode()
        assert "Sifted out" in html
        assert "You need a level 3 qualification, such as A levels, or an equivalent." in html
        assert "You must have lived in the UK for the last 3 years, so that we can carry out vetting." in html
        application = Application.objects.get()
        assert application.status == ApplicationStatus.SIFTED_OUT

    def test_a_duplicate_and_bad_answers_get_clear_errors(self, cast: Cast) -> None:
        client = Client()
        assert client.post(apply_url(cast), answers()).status_code == 302
        again = client.post(apply_url(cast), answers())
        assert again.status_code == 400
        assert "already been made to this campaign" in again.content.decode()
        bad = client.post(apply_url(cast), answers("x@example.org", date_of_birth="", level2=""))
        assert bad.status_code == 400 and "Enter the date" in bad.content.decode()
        assert Application.objects.count() == 1

    def test_the_status_page_shows_only_that_application(self, cast: Cast) -> None:
        mine = services.application_submit(campaign=cast.campaign, data=_data("me@example.org", "Mia Mine"))
        services.application_submit(campaign=cast.campaign, data=_data("you@example.org", "Yusuf Yours"))
        html = Client().get(reverse("recruitment:status", args=[mine.token])).content.decode()
        assert "Mia Mine" in html and mine.application.reference in html
        assert "Yusuf Yours" not in html and "you@example.org" not in html
        assert Client().get(reverse("recruitment:status", args=["not-a-real-token"])).status_code == 404

    def test_the_applicant_withdraws_from_the_status_page(self, cast: Cast) -> None:
        mine = services.application_submit(campaign=cast.campaign, data=_data("me@example.org", "Mia Mine"))
        url = reverse("recruitment:status", args=[mine.token])
        assert Client().post(url).status_code == 302
        mine.application.refresh_from_db()
        assert mine.application.status == ApplicationStatus.WITHDRAWN
        assert AuditEvent.objects.filter(event_type=EventType.APPLICATION_WITHDRAWN).count() == 1


def _data(email: str, name: str) -> services.NewApplication:
    return eligible(email, full_name=name)


class TestRecruiterPages:
    def test_the_list_is_for_recruiters_only_and_audited(self, cast: Cast) -> None:
        cast.apply()
        url = reverse("recruitment:applications")
        assert Client().get(url).status_code == 302  # to the login page
        for outsider in (cast.world.alice, cast.world.bob, cast.world.fay):
            assert cast.world.client_for(outsider).get(url).status_code == 403
        page = cast.world.client_for(cast.rita).get(url, {"status": "in_progress"})
        assert page.status_code == 200 and "Sam Applicant" in page.content.decode()
        assert "Sam Applicant" not in cast.world.client_for(cast.rex).get(url).content.decode()
        listed = AuditEvent.objects.filter(event_type=EventType.APPLICATIONS_LISTED)
        assert listed.count() == 2 and listed.filter(actor=cast.rita).get().after == {
            "campaign": None,
            "status": "in_progress",
            "page": 1,
            "count": 1,
        }

    def test_the_detail_is_audited_and_hidden_from_others(self, cast: Cast) -> None:
        application = cast.apply()
        url = reverse("recruitment:application_detail", args=[application.pk])
        for outsider in (cast.rex, cast.world.ivy, cast.world.alice):
            assert cast.world.client_for(outsider).get(url).status_code == 404
        page = cast.world.client_for(cast.rita).get(url)
        assert page.status_code == 200 and "sam@example.org" in page.content.decode()
        viewed = AuditEvent.objects.get(event_type=EventType.APPLICATION_VIEWED)
        assert viewed.actor == cast.rita and viewed.object_id == str(application.pk)

    def test_a_recruiter_records_stages_and_appoints(self, cast: Cast) -> None:
        application = cast.apply()
        client = cast.world.client_for(cast.rita)
        url = reverse("recruitment:application_detail", args=[application.pk])
        wrong = client.post(url, {"stage": "vetting", "on": today().isoformat(), "outcome": "passed"})
        assert wrong.status_code == 400 and "Stages go in order" in wrong.content.decode()
        for stage in ("assessment_centre", "interview", "vetting", "medical", "fitness", "offer"):
            done = client.post(url, {"stage": stage, "on": today().isoformat(), "outcome": "passed"})
            assert done.status_code == 302, done.content.decode()
        assert "Appoint as a student PCSO" in client.get(url).content.decode()
        appoint_url = reverse("recruitment:appoint", args=[application.pk])
        assert cast.world.client_for(cast.world.alice).get(appoint_url).status_code == 404
        assert client.get(appoint_url).status_code == 200
        done = client.post(appoint_url, {"start_date": today().isoformat(), "area": f"n{cast.world.a1.pk}"})
        assert done.status_code == 302
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPOINTED and application.person is not None
        assert application.stages.filter(stage=Stage.START).exists()

    def test_campaign_and_rules_pages(self, cast: Cast) -> None:
        client = cast.world.client_for(cast.rita)
        assert client.get(reverse("recruitment:campaigns")).status_code == 200
        assert cast.world.client_for(cast.world.alice).get(reverse("recruitment:campaigns")).status_code == 403
        create = reverse("recruitment:campaign_create", args=["cambridgeshire"])
        bad = client.post(
            create, {"title": "Autumn", "opens_on": "2026-10-01", "closes_on": "2026-09-01", "posts": "4"}
        )
        assert bad.status_code == 400 and "must not be before the opening date" in bad.content.decode()
        assert client.get(reverse("recruitment:campaign_create", args=["derbyshire"])).status_code == 404
        rules = reverse("recruitment:rules", args=["cambridgeshire"])
        saved = client.post(
            rules,
            {
                "min_age": "18",
                "level3_required": "yes",
                "level2_rule": "required",
                "residency_years": "3",
                "driving_licence_required": "yes",
            },
        )
        assert saved.status_code == 302
        html = Client().get(reverse("recruitment:careers", args=["cambridgeshire"])).content.decode()
        assert "You need a full driving licence for this role." in html
        edit = reverse("recruitment:campaign_edit", args=[cast.campaign.pk])
        assert cast.world.client_for(cast.rex).get(edit).status_code == 404
        assert client.get(edit).status_code == 200


@pytest.mark.parametrize("name", ["applications", "campaigns"])
def test_anonymous_staff_pages_redirect_to_login(cast: Cast, name: str) -> None:
    response = Client().get(reverse(f"recruitment:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
