"""Courses and training records: who may record them, the default expiry, what is refused, the
scope of the lists, and the audit rows (no notes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, CourseKind, TrainingRecord, TrainingResult
from beatbook.learning.selectors import training as selectors
from beatbook.learning.services import training as services


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


@pytest.fixture
def course(world: World) -> Course:
    return services.course_create(
        actor=world.erin,
        force=world.force_a,
        code="first-aid",
        title="First aid at work",
        kind=CourseKind.FIRST_AID,
        valid_months=12,
    )


def record(world: World, course: Course, **overrides: Any) -> TrainingRecord:
    args: dict[str, Any] = {
        "actor": world.erin,
        "person": world.alice,
        "course": course,
        "completed_on": dt.date(2024, 1, 31),
        "result": TrainingResult.PASSED,
        "notes": "Struggled with the recovery position.",
    }
    args.update(overrides)
    return services.training_record_create(**args)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


class CourseCreateTests:
    def test_it_creates_and_audits(self, world: World, course: Course) -> None:
        assert (course.force, course.code, course.valid_months) == (world.force_a, "first-aid", 12)
        event = AuditEvent.objects.get(event_type=EventType.COURSE_CREATED)
        assert event.after == {"code": "first-aid", "force": world.force_a.pk, "kind": "first_aid", "valid_months": 12}

    def test_it_refuses_bad_input_and_other_forces(self, world: World, course: Course) -> None:
        args: dict[str, Any] = {"actor": world.erin, "force": world.force_a, "title": "T", "kind": "other"}
        for code, months, field in (
            ("first-aid", None, "code"),
            ("Bad code!", None, "code"),
            ("ok", 0, "valid_months"),
        ):
            with pytest.raises(ValidationError) as exc:
                services.course_create(code=code, valid_months=months, **args)
            assert field in errors_of(exc)
        with pytest.raises(PermissionDenied):
            services.course_create(**{**args, "actor": world.alice}, code="x", valid_months=None)
        with pytest.raises(PermissionDenied):
            services.course_create(**{**args, "force": world.force_b}, code="x", valid_months=None)
        assert Course.objects.filter(force=world.force_a).count() == 1


class TrainingRecordCreateTests:
    def test_a_pass_expires_after_the_course_validity_and_the_audit_has_no_notes(
        self, world: World, course: Course
    ) -> None:
        training = record(world, course)
        assert training.expires_on == dt.date(2025, 1, 31)
        event = AuditEvent.objects.get(event_type=EventType.TRAINING_RECORDED)
        assert after_of(event)["person"] == world.alice.pk and after_of(event)["course"] == "first-aid"
        assert "recovery" not in str(event.after)

    def test_month_ends_are_kept(self) -> None:
        assert services.add_months(dt.date(2024, 3, 31), 11) == dt.date(2025, 2, 28)
        assert services.add_months(dt.date(2023, 12, 15), 1) == dt.date(2024, 1, 15)

    def test_an_explicit_expiry_and_a_fail(self, world: World, course: Course) -> None:
        assert record(world, course, expires_on=dt.date(2024, 6, 1)).expires_on == dt.date(2024, 6, 1)
        failed = record(world, course, result=TrainingResult.FAILED)
        assert failed.expires_on is None

    def test_it_refuses_bad_input(self, world: World, course: Course) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"completed_on": today() + dt.timedelta(days=1)}, "completed_on"),
            ({"expires_on": dt.date(2023, 1, 1)}, "expires_on"),
            ({"result": TrainingResult.FAILED, "expires_on": dt.date(2025, 1, 1)}, "expires_on"),
            ({"result": "maybe"}, "result"),
            ({"person": world.hal}, "person"),
            ({"actor": world.ivy, "person": world.hal}, "course"),
        ]
        for overrides, field in cases:
            with pytest.raises(ValidationError) as exc:
                record(world, course, **overrides)
            assert field in errors_of(exc), overrides
        with pytest.raises(PermissionDenied):
            record(world, course, actor=world.bob)
        assert TrainingRecord.objects.count() == 0


class TrainingListTests:
    def test_scope_and_filters(self, world: World, course: Course) -> None:
        soon = record(world, course, completed_on=today() - dt.timedelta(days=350))
        old = record(world, course, person=world.charlie, completed_on=today() - dt.timedelta(days=400))
        fresh = record(world, course, person=world.bob, completed_on=today())

        def seen(actor: Any, **filters: Any) -> set[int]:
            return {r.pk for r in selectors.training_list(actor, selectors.TrainingFilters(**filters))}

        assert seen(world.erin) == {soon.pk, old.pk, fresh.pk}
        assert seen(world.alice) == {soon.pk, fresh.pk}  # Bob's team covers her neighbourhood
        assert seen(world.charlie) == {old.pk, fresh.pk}
        assert seen(world.hal) == set()
        assert seen(world.erin, expiring=True) == {soon.pk}
        assert seen(world.erin, expired=True) == {old.pk}
        assert seen(world.erin, person_id=world.bob.pk) == {fresh.pk}
        assert selectors.state_of(soon) == selectors.RecordState.EXPIRING
        assert selectors.state_of(old) == selectors.RecordState.EXPIRED
        assert selectors.state_of(fresh) == selectors.RecordState.VALID
