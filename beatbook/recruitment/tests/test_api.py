"""The recruitment API: every response checked against the OpenAPI document; the same rules and
errors as the pages (404 for another force's application, 403 for the wrong role, 400 by field);
reads audited."""

from __future__ import annotations

import datetime as dt

import pytest

from beatbook.api.tests.helpers import Api, data
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.timeutil import today
from beatbook.recruitment.models import Stage

from .builders import Cast, cast

__all__ = ["cast"]


@pytest.fixture
def api() -> Api:
    return Api()


def test_campaigns_list_create_and_update(api: Api, cast: Cast) -> None:
    listed = data(api.call("GET", "/recruitment/campaigns", as_=cast.rita))
    assert [c["title"] for c in listed["items"]] == ["PCSO apprenticeship 2026"] and listed["items"][0]["is_open"]
    assert data(api.call("GET", "/recruitment/campaigns", as_=cast.world.alice))["items"] == []
    body = {"force": "cambridgeshire", "title": "Autumn", "opens_on": "2026-10-01", "closes_on": "2026-09-01"}
    refused = api.call("POST", "/recruitment/campaigns", as_=cast.rita, body=body)
    assert refused.status_code == 400 and "closes_on" in data(refused)["error"]["fields"]
    assert api.call("POST", "/recruitment/campaigns", as_=cast.world.alice, body=body).status_code == 403
    assert api.call("POST", "/recruitment/campaigns", as_=cast.rex, body=body).status_code == 404
    body["closes_on"] = "2026-10-31"
    made = api.call("POST", "/recruitment/campaigns", as_=cast.rita, body=body)
    assert made.status_code == 201
    url = f"/recruitment/campaigns/{data(made)['id']}"
    changes = {"title": "Autumn intake", "opens_on": "2026-10-01", "closes_on": "2026-11-30", "posts": 6}
    assert api.call("PUT", url, as_=cast.rex, body=changes).status_code == 404
    changed = api.call("PUT", url, as_=cast.rita, body=changes)
    assert changed.status_code == 200 and data(changed)["posts"] == 6


def test_rules_get_and_put(api: Api, cast: Cast) -> None:
    url = "/recruitment/rules/cambridgeshire"
    got = data(api.call("GET", url, as_=cast.rita))
    assert got["min_age"] == 18 and got["residency_years"] == 3 and got["level2_rule"] == "achievable"
    assert api.call("GET", url, as_=cast.rex).status_code == 404
    rules = {
        "min_age": 12,
        "level3_required": False,
        "level2_rule": "required",
        "residency_years": 5,
        "driving_licence_required": True,
    }
    refused = api.call("PUT", url, as_=cast.rita, body=rules)
    assert refused.status_code == 400 and "min_age" in data(refused)["error"]["fields"]
    rules["min_age"] = 18
    saved = data(api.call("PUT", url, as_=cast.world.erin, body=rules))
    assert saved["driving_licence_required"] and saved["residency_years"] == 5


def test_applications_list_detail_and_audit(api: Api, cast: Cast) -> None:
    sifted = cast.apply(has_level3=False)
    listed = data(api.call("GET", "/recruitment/applications", as_=cast.rita, query={"status": "sifted_out"}))
    assert [a["reference"] for a in listed["items"]] == [sifted.reference] and listed["total"] == 1
    assert data(api.call("GET", "/recruitment/applications", as_=cast.rex))["total"] == 0
    assert AuditEvent.objects.filter(event_type=EventType.APPLICATIONS_LISTED).count() == 2
    url = f"/recruitment/applications/{sifted.pk}"
    for outsider in (cast.rex, cast.world.alice, cast.world.ivy):
        assert api.call("GET", url, as_=outsider).status_code == 404
    detail = data(api.call("GET", url, as_=cast.rita))
    assert detail["sift_reasons"] == ["You need a level 3 qualification, such as A levels, or an equivalent."]
    assert detail["stages"][0]["stage"] == "sift" and detail["stages"][0]["outcome"] == "failed"
    assert AuditEvent.objects.filter(event_type=EventType.APPLICATION_VIEWED, actor=cast.rita).count() == 1


def test_stages_and_appointment(api: Api, cast: Cast) -> None:
    application = cast.apply()
    url = f"/recruitment/applications/{application.pk}"
    wrong = api.call(
        "POST", f"{url}/stages", as_=cast.rita, body={"stage": "offer", "on": today().isoformat(), "outcome": "passed"}
    )
    assert wrong.status_code == 400 and "stage" in data(wrong)["error"]["fields"]
    future = (today() + dt.timedelta(days=2)).isoformat()
    late = api.call(
        "POST", f"{url}/stages", as_=cast.rita, body={"stage": "assessment_centre", "on": future, "outcome": "passed"}
    )
    assert late.status_code == 400 and "on" in data(late)["error"]["fields"]
    assert (
        api.call(
            "POST",
            f"{url}/stages",
            as_=cast.rex,
            body={"stage": "assessment_centre", "on": today().isoformat(), "outcome": "passed"},
        ).status_code
        == 404
    )
    done = api.call(
        "POST",
        f"{url}/stages",
        as_=cast.rita,
        body={"stage": "assessment_centre", "on": today().isoformat(), "outcome": "passed"},
    )
    assert done.status_code == 201 and [s["stage"] for s in data(done)["stages"]] == ["sift", "assessment_centre"]
    early = api.call(
        "POST",
        f"{url}/appoint",
        as_=cast.rita,
        body={"start_date": today().isoformat(), "neighbourhood": cast.world.a1.pk},
    )
    assert early.status_code == 400 and "application" in data(early)["error"]["fields"]
    cast.advance(application, until=Stage.OFFER)
    other_force = api.call(
        "POST",
        f"{url}/appoint",
        as_=cast.rita,
        body={"start_date": today().isoformat(), "neighbourhood": cast.world.b1.pk},
    )
    assert other_force.status_code == 400
    appointed = api.call(
        "POST", f"{url}/appoint", as_=cast.rita, body={"start_date": today().isoformat(), "team": cast.world.team_a.pk}
    )
    assert appointed.status_code == 201
    body = data(appointed)
    assert body["application"]["status"] == "appointed" and body["application"]["person"] == body["person"]
    assert body["enrolment"] is None
