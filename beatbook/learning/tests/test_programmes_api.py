"""The programmes API: every response checked against the OpenAPI document; the same rules and
errors as the pages (404 for an enrolment not seen, 403 for the wrong role, 400 by field)."""

from __future__ import annotations

import datetime as dt

import pytest

from beatbook.api.tests.helpers import Api, data
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.timeutil import today
from beatbook.learning.models import Enrolment, ProgressReview

from .test_programmes import Cast, cast, ips_criteria, meet

__all__ = ["cast"]


@pytest.fixture
def api() -> Api:
    return Api()


def test_programmes_list_detail_and_update(api: Api, cast: Cast) -> None:
    listed = data(api.call("GET", "/programmes", as_=cast.world.alice))
    assert [p["code"] for p in listed["items"]] == ["l4-diploma-cpp"]
    assert data(api.call("GET", "/programmes", as_=cast.world.hal))["items"] == []
    url = f"/programmes/{cast.programme.pk}"
    detail = data(api.call("GET", url, as_=cast.world.alice))
    assert len(detail["units"]) == 8 and detail["units"][1]["title"] == "Handle information and intelligence"
    assert detail["units"][0]["outcomes"][0]["criteria"][0]["code"] == "1.1.1" and not detail["can_manage"]
    assert api.call("GET", url, as_=cast.world.hal).status_code == 404
    settings = {
        "route": "apprenticeship_wales",
        "qualification": "diploma",
        "qualification_title": "Level 4 Diploma in Community Policing Practice",
        "awarding_body": "SFJ Awards",
        "qualification_number": "610/5206/1",
        "ips_due_months": 6,
        "foc_due_months": 5,
        "review_interval_weeks": 4,
    }
    assert api.call("PUT", url, as_=cast.tutor, body=settings).status_code == 403
    refused = api.call("PUT", url, as_=cast.trainer, body=settings)
    assert refused.status_code == 400 and "foc_due_months" in data(refused)["error"]["fields"]
    settings["foc_due_months"] = 12
    changed = api.call("PUT", url, as_=cast.trainer, body=settings)
    assert changed.status_code == 200 and data(changed)["route"] == "apprenticeship_wales"


def test_enrolment_create_and_rules(api: Api, cast: Cast) -> None:
    body = {
        "programme": cast.programme.pk,
        "person": cast.world.alice.pk,
        "start_date": (today() - dt.timedelta(days=20)).isoformat(),
        "tutor": cast.tutor.pk,
        "assessor": cast.assessor.pk,
        "line_manager": cast.world.bob.pk,
    }
    assert api.call("POST", "/enrolments", as_=cast.tutor, body=body).status_code == 403
    assert api.call("POST", "/enrolments", as_=cast.world.ivy, body=body).status_code == 404
    created = api.call("POST", "/enrolments", as_=cast.trainer, body=body)
    assert created.status_code == 201
    made = data(created)
    assert made["phase"]["kind"] == "initial_learning" and made["ips"]["missing"][0] == "1.1.1"
    assert len(made["plan"]) == 4 and made["next_review_on"] is not None
    again = api.call("POST", "/enrolments", as_=cast.trainer, body=body)
    assert again.status_code == 400 and "person" in data(again)["error"]["fields"]
    outsider = api.call(
        "POST",
        "/enrolments",
        as_=cast.trainer,
        body={**body, "person": cast.world.charlie.pk, "tutor": cast.world.hal.pk},
    )
    assert outsider.status_code == 400 and "tutor" in data(outsider)["error"]["fields"]


def test_enrolment_access_and_update(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}"
    for person in (cast.world.alice, cast.world.bob, cast.tutor, cast.assessor, cast.trainer):
        assert api.call("GET", url, as_=person).status_code == 200
    assert api.call("GET", url, as_=cast.world.charlie).status_code == 404
    assert data(api.call("GET", "/enrolments", as_=cast.world.charlie))["total"] == 0
    assert data(api.call("GET", "/enrolments", as_=cast.tutor))["total"] == 1
    change = {
        "tutor": cast.tutor.pk,
        "assessor": cast.assessor.pk,
        "line_manager": cast.world.bob.pk,
        "ips_due_on": enrolment.foc_due_on.isoformat(),
        "foc_due_on": enrolment.ips_due_on.isoformat(),
    }
    assert api.call("PATCH", url, as_=cast.tutor, body=change).status_code == 403
    refused = api.call("PATCH", url, as_=cast.trainer, body=change)
    assert refused.status_code == 400 and "foc_due_on" in data(refused)["error"]["fields"]


def test_sign_off_and_revoke(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}"
    assert api.call("POST", url + "/sign-off", as_=cast.world.alice, body={"milestone": "ips"}).status_code == 403
    assert api.call("POST", url + "/sign-off", as_=cast.world.charlie, body={"milestone": "ips"}).status_code == 404
    refused = api.call("POST", url + "/sign-off", as_=cast.tutor, body={"milestone": "ips"})
    assert refused.status_code == 400 and "1.1.1" in data(refused)["error"]["fields"]["milestone"][0]
    assert AuditEvent.objects.filter(event_type=EventType.MILESTONE_SIGN_OFF_REFUSED).count() == 1
    meet(enrolment, ips_criteria(cast), cast.assessor)
    signed = api.call("POST", url + "/sign-off", as_=cast.tutor, body={"milestone": "ips", "note": "Ready."})
    assert signed.status_code == 200 and data(signed)["ips"]["signed_as"] == "tutor"
    short = api.call("POST", url + "/revoke", as_=cast.tutor, body={"milestone": "ips", "reason": "oops"})
    assert short.status_code == 400 and "reason" in data(short)["error"]["fields"]
    revoked = api.call("POST", url + "/revoke", as_=cast.tutor, body={"milestone": "ips", "reason": "Signed in error."})
    assert revoked.status_code == 200 and not data(revoked)["ips"]["signed"]


def test_reviews(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}/reviews"
    assert len(data(api.call("GET", url, as_=cast.world.alice))["items"]) == 1
    scheduled = api.call(
        "POST", url, as_=cast.tutor, body={"scheduled_for": (today() + dt.timedelta(days=9)).isoformat()}
    )
    assert scheduled.status_code == 201
    assert api.call("POST", url, as_=cast.world.alice, body={"scheduled_for": today().isoformat()}).status_code == 403
    bad = api.call(
        "POST",
        url + "/record",
        as_=cast.world.bob,
        body={"held_on": today().isoformat(), "rag": "green", "next_review_on": today().isoformat()},
    )
    assert bad.status_code == 400 and "next_review_on" in data(bad)["error"]["fields"]
    held = api.call(
        "POST",
        url + "/record",
        as_=cast.world.bob,
        body={"held_on": today().isoformat(), "rag": "red", "attendees": [cast.world.bob.pk], "notes": "Behind."},
    )
    assert held.status_code == 200 and data(held)["status"] == "held"
    assert ProgressReview.objects.filter(enrolment=enrolment, status="scheduled").count() == 2


def test_cohort(api: Api, cast: Cast) -> None:
    cast.enrol(start=today() - dt.timedelta(weeks=11))
    cohort = data(api.call("GET", "/cohort", as_=cast.assessor))
    assert cohort["scope"] == "force" and cohort["learners"] == 1 and cohort["at_risk"] == 1
    assert cohort["items"][0]["risk_reasons"][0].startswith("Behind plan")
    mine = data(api.call("GET", "/cohort", as_=cast.tutor))
    assert mine["scope"] == "mine" and mine["learners"] == 1
    assert api.call("GET", "/cohort", as_=cast.world.charlie).status_code == 403
    assert data(api.call("GET", "/cohort", as_=cast.trainer, query={"risk": "on_track"}))["learners"] == 0
    assert api.call("GET", "/cohort", as_=cast.trainer, query={"risk": "bad"}).status_code == 422
    assert AuditEvent.objects.filter(event_type=EventType.COHORT_VIEWED).count() == 3
    assert Enrolment.objects.count() == 1


def test_moving_phase(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}/phase"
    phases = list(cast.programme.phases.order_by("position"))
    tutor_phase = phases[1]
    assert api.call("POST", url, as_=cast.world.alice, body={"phase": tutor_phase.pk}).status_code == 403
    assert api.call("POST", url, as_=cast.world.charlie, body={"phase": tutor_phase.pk}).status_code == 404
    assert api.call("POST", url, as_=cast.world.alice, body={"phase": 10**9}).status_code == 403
    unknown = api.call("POST", url, as_=cast.tutor, body={"phase": 10**9})
    assert unknown.status_code == 400 and "phase" in data(unknown)["error"]["fields"]
    same = api.call("POST", url, as_=cast.tutor, body={"phase": enrolment.current_phase_id})
    assert same.status_code == 400 and "phase" in data(same)["error"]["fields"]
    early = enrolment.start_date - dt.timedelta(days=1)
    before = api.call("POST", url, as_=cast.tutor, body={"phase": tutor_phase.pk, "started_on": early.isoformat()})
    assert before.status_code == 400 and "started_on" in data(before)["error"]["fields"]
    moved = api.call("POST", url, as_=cast.tutor, body={"phase": tutor_phase.pk})
    assert moved.status_code == 200
    body = data(moved)
    assert body["phase"]["id"] == tutor_phase.pk and body["phase_started_on"] == today().isoformat()
    enrolment.refresh_from_db()
    assert enrolment.current_phase_id == tutor_phase.pk
    assert AuditEvent.objects.filter(event_type=EventType.ENROLMENT_PHASE_CHANGED).count() == 1


def test_withdrawing(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}/withdraw"
    reason = {"reason": "Left the force for another job."}
    assert api.call("POST", url, as_=cast.tutor, body=reason).status_code == 403
    assert api.call("POST", url, as_=cast.world.charlie, body=reason).status_code == 404
    short = api.call("POST", url, as_=cast.trainer, body={"reason": "Left."})
    assert short.status_code == 400 and "reason" in data(short)["error"]["fields"]
    future = api.call(
        "POST", url, as_=cast.trainer, body={**reason, "ended_on": (today() + dt.timedelta(days=1)).isoformat()}
    )
    assert future.status_code == 400 and "ended_on" in data(future)["error"]["fields"]
    assert Enrolment.objects.get(pk=enrolment.pk).status == "active"
    done = api.call("POST", url, as_=cast.trainer, body=reason)
    assert done.status_code == 200
    assert (data(done)["status"], data(done)["ended_on"]) == ("withdrawn", today().isoformat())
    event = AuditEvent.objects.get(event_type=EventType.ENROLMENT_WITHDRAWN)
    assert event.reason == reason["reason"]
    assert api.call("POST", url, as_=cast.trainer, body=reason).status_code == 400  # no longer active


def test_completing_needs_foc(api: Api, cast: Cast) -> None:
    enrolment = cast.enrol()
    url = f"/enrolments/{enrolment.pk}/complete"
    assert api.call("POST", url, as_=cast.tutor, body={}).status_code == 403
    early = api.call("POST", url, as_=cast.trainer, body={})
    assert early.status_code == 400 and "Full Operational Competence" in str(data(early))
    meet(enrolment, cast.programme.criteria.all(), cast.assessor)
    sign = f"/enrolments/{enrolment.pk}/sign-off"
    assert api.call("POST", sign, as_=cast.tutor, body={"milestone": "ips"}).status_code == 200
    assert api.call("POST", sign, as_=cast.assessor, body={"milestone": "foc"}).status_code == 200
    done = api.call("POST", url, as_=cast.trainer, body={})
    assert done.status_code == 200 and data(done)["status"] == "completed"
    assert AuditEvent.objects.filter(event_type=EventType.ENROLMENT_COMPLETED).count() == 1
