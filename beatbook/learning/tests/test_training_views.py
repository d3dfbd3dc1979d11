"""The training and course pages: who reaches them, what they store and refuse, and the pinned
query count of the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, CourseKind, TrainingRecord
from beatbook.learning.services import training as services


def course(world: World, code: str = "first-aid", force: Any = None) -> Course:
    return services.course_create(
        actor=world.system,
        force=force or world.force_a,
        code=code,
        title=f"Course {code}",
        kind=CourseKind.FIRST_AID,
        valid_months=12,
    )


class TrainingPagesTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        for url in ("/learning/training/", "/learning/training/new/", "/learning/courses/", "/learning/courses/new/"):
            response = Client().get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_list_is_scoped_and_filtered(self, world: World) -> None:
        aid = course(world)
        for person, days in ((world.alice, 350), (world.charlie, 10)):
            services.training_record_create(
                actor=world.system,
                person=person,
                course=aid,
                completed_on=today() - dt.timedelta(days=days),
                result="passed",
            )
        page = world.client_for(world.erin).get("/learning/training/").content.decode()
        assert "Alice" in page and "Charlie" in page and "Record training" in page
        page = world.client_for(world.alice).get("/learning/training/").content.decode()
        assert "Alice" in page and "Charlie" not in page and "Record training" not in page
        page = world.client_for(world.erin).get("/learning/training/", {"state": "expiring"}).content.decode()
        assert 'data-label="Person">Alice' in page and 'data-label="Person">Charlie' not in page
        assert world.client_for(world.hal).get("/learning/training/").content.decode().count("<tr") == 0
        assert world.client_for(world.erin).post("/learning/training/").status_code == 405

    def test_the_list_costs_the_same_queries_for_one_or_many(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        aid = course(world)
        services.training_record_create(
            actor=world.system, person=world.alice, course=aid, completed_on=today(), result="passed"
        )
        client = world.client_for(world.erin)
        client.get("/learning/training/")
        with django_assert_max_num_queries(14) as one:
            client.get("/learning/training/")
        for person in (world.bob, world.charlie, world.dee, world.fay):
            services.training_record_create(
                actor=world.system, person=person, course=aid, completed_on=today(), result="passed"
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get("/learning/training/")
        assert response.content.decode().count("<tr") == 6

    def test_recording_training(self, world: World) -> None:
        aid = course(world)
        data = {"person": world.alice.pk, "course": aid.pk, "completed_on": today().isoformat(), "result": "passed"}
        for who in (world.alice, world.bob, world.fay):
            assert world.client_for(who).post("/learning/training/new/", data).status_code == 403
        client = world.client_for(world.erin)
        assert client.get("/learning/training/new/").status_code == 200
        bad = {**data, "completed_on": (today() + dt.timedelta(days=2)).isoformat()}
        assert client.post("/learning/training/new/", bad).status_code == 400
        assert client.post("/learning/training/new/", {**data, "person": world.hal.pk}).status_code == 400
        assert TrainingRecord.objects.count() == 0
        assert client.post("/learning/training/new/", data).status_code == 302
        assert TrainingRecord.objects.get().expires_on is not None
        assert AuditEvent.objects.filter(event_type=EventType.TRAINING_RECORDED).count() == 1
        assert client.put("/learning/training/new/").status_code == 405

    def test_courses(self, world: World) -> None:
        course(world, "derby-only", world.force_b)
        client = world.client_for(world.erin)
        data = {"force": world.force_a.pk, "code": "airwave", "title": "Airwave radio", "kind": "airwave"}
        assert world.client_for(world.alice).post("/learning/courses/new/", data).status_code == 403
        assert client.post("/learning/courses/new/", {**data, "code": "Not ok!"}).status_code == 400
        assert client.post("/learning/courses/new/", {**data, "force": world.force_b.pk}).status_code == 400
        assert not Course.objects.filter(force=world.force_a).exists()
        assert client.post("/learning/courses/new/", data).status_code == 302
        assert AuditEvent.objects.filter(event_type=EventType.COURSE_CREATED).count() == 2  # with derby-only's
        page = client.get("/learning/courses/").content.decode()
        assert "Airwave radio" in page and "derby-only" not in page
        assert client.post("/learning/courses/").status_code == 405
