"""Courses and training records through the API: scoped reads, writes by the force administrator
(audited), refusals as 400 by field, and the pinned query count of the list."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import training_schemas
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, TrainingRecord
from beatbook.learning.selectors import training as selectors

from .helpers import Api, assert_error, data


def new_course(**overrides: Any) -> dict[str, Any]:
    return {
        "force": "cambridgeshire",
        "code": "first-aid",
        "title": "First aid",
        "kind": "first_aid",
        "valid_months": 12,
    } | overrides


def test_state_values_match_the_selector() -> None:
    assert set(get_args(training_schemas.RecordStateChoice)) == {
        selectors.RecordState.VALID,
        selectors.RecordState.EXPIRING,
        selectors.RecordState.EXPIRED,
        selectors.RecordState.NOT_PASSED,
    }


def test_courses(world: World, api: Api) -> None:
    assert_error(api.post("/courses", new_course()), 401)
    assert_error(api.post("/courses", new_course(), as_=world.alice), 403)
    assert "force" in assert_error(api.post("/courses", new_course(force="derbyshire"), as_=world.erin), 400)["fields"]
    response = api.post("/courses", new_course(), as_=world.erin)
    assert response.status_code == 201 and data(response)["code"] == "first-aid"
    assert AuditEvent.objects.filter(event_type=EventType.COURSE_CREATED, request_id=response["X-Request-ID"]).exists()
    assert "code" in assert_error(api.post("/courses", new_course(), as_=world.erin), 400)["fields"]
    assert_error(api.post("/courses", new_course(valid_months=0), as_=world.erin), 422)
    assert [c["code"] for c in data(api.get("/courses", as_=world.alice))["items"]] == ["first-aid"]
    assert data(api.get("/courses", as_=world.hal))["items"] == []
    assert Course.objects.count() == 1


def test_training_records(world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    course = data(api.post("/courses", new_course(), as_=world.erin))
    record = {"person": world.alice.pk, "course": course["id"], "completed_on": "2024-01-31", "result": "passed"}
    assert_error(api.post("/training-records", record), 401)
    assert_error(api.post("/training-records", record, as_=world.bob), 403)
    assert "person" in assert_error(api.post("/training-records", record, as_=world.ivy), 400)["fields"]
    future = record | {"completed_on": (today() + dt.timedelta(days=1)).isoformat()}
    assert "completed_on" in assert_error(api.post("/training-records", future, as_=world.erin), 400)["fields"]
    assert TrainingRecord.objects.count() == 0
    response = api.post("/training-records", record | {"notes": "Private note"}, as_=world.erin)
    assert response.status_code == 201
    created = data(response)
    assert created["expires_on"] == "2025-01-31" and created["state"] == "expired"
    event = AuditEvent.objects.get(event_type=EventType.TRAINING_RECORDED, request_id=response["X-Request-ID"])
    assert "Private" not in str(event.after)
    fresh = record | {"person": world.charlie.pk, "completed_on": today().isoformat()}
    api.post("/training-records", fresh, as_=world.erin)
    assert data(api.get("/training-records", as_=world.alice))["total"] == 1
    assert data(api.get("/training-records", as_=world.hal))["total"] == 0
    assert (
        data(api.get("/training-records", as_=world.erin, query={"expired": True}))["items"][0]["person"]["id"]
        == world.alice.pk
    )
    assert data(api.get("/training-records", as_=world.erin, query={"person": world.charlie.pk}))["total"] == 1
    for size in (1, 2):
        with django_assert_num_queries(3):  # token, count, rows (person, course joined)
            page = data(api.get("/training-records", as_=world.erin, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 2
