"""Courses and training records.

Reads go through `beatbook.learning.selectors` (the courses of the caller's forces; the records
of the people the caller sees); writes through `beatbook.learning.services` (the force
administrator or a trainer of the force; checked and audited). Records are never edited: a
retake is a new record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, TrainingRecord
from beatbook.learning.selectors import training as selectors
from beatbook.learning.services import training as services
from beatbook.org import policy

from .auth import actor_of, meta_of
from .errors import error_responses
from .training_schemas import (
    CourseIn,
    CourseListQuery,
    CourseOut,
    CoursesPage,
    TrainingCourseRef,
    TrainingListQuery,
    TrainingPersonRef,
    TrainingRecordIn,
    TrainingRecordOut,
    TrainingRecordsPage,
)

router = Router(tags=["training"])


def _course_out(course: Course) -> CourseOut:
    return CourseOut(
        id=course.pk,
        force=course.force.slug,
        code=course.code,
        title=course.title,
        kind=course.kind,  # type: ignore[arg-type]
        valid_months=course.valid_months,
    )


def _record_out(record: TrainingRecord) -> TrainingRecordOut:
    person, course = record.person, record.course
    return TrainingRecordOut(
        id=record.pk,
        person=TrainingPersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number),
        course=TrainingCourseRef(id=course.pk, code=course.code, title=course.title),
        completed_on=record.completed_on,
        result=record.result,  # type: ignore[arg-type]
        expires_on=record.expires_on,
        state=selectors.state_of(record, today()),  # type: ignore[arg-type]
        notes=record.notes,
        recorded_at=record.recorded_at,
    )


@router.get(
    "/courses",
    response={200: CoursesPage, **error_responses(401, 422)},
    summary="The courses of the forces the caller is posted in",
)
def course_list(request: HttpRequest, filters: Query[CourseListQuery]) -> CoursesPage:
    courses = selectors.course_list(actor_of(request))
    if filters.force:
        courses = courses.filter(force__slug=filters.force)
    page = paginate(courses, number=filters.page, size=filters.page_size)
    return CoursesPage(
        items=[_course_out(c) for c in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/courses",
    response={201: CourseOut, **error_responses(400, 401, 403, 422)},
    summary="Add a course to a force (its force administrator or a trainer)",
    description="A code the force already uses is 400 on `code`. A force the caller is not posted in is 400 on "
    "`force`; 403 when the caller may not record training there.",
)
def course_create(request: HttpRequest, payload: CourseIn) -> Status[CourseOut]:
    actor = actor_of(request)
    force = policy.forces_in_scope(actor).filter(slug=payload.force).first()
    if force is None:
        raise ValidationError({"force": [_("Choose one of your forces.")]})
    course = services.course_create(
        actor=actor,
        force=force,
        code=payload.code,
        title=payload.title,
        kind=payload.kind,
        valid_months=payload.valid_months,
        meta=meta_of(request),
    )
    return Status(201, _course_out(selectors.course_get_for(actor=actor, course_id=course.pk)))


@router.get(
    "/training-records",
    response={200: TrainingRecordsPage, **error_responses(401, 422)},
    summary="Training records of the people the caller sees (their own always)",
)
def training_record_list(request: HttpRequest, filters: Query[TrainingListQuery]) -> TrainingRecordsPage:
    records = selectors.training_list(
        actor_of(request),
        selectors.TrainingFilters(
            person_id=filters.person, course_id=filters.course, expiring=filters.expiring, expired=filters.expired
        ),
    )
    page = paginate(records, number=filters.page, size=filters.page_size)
    return TrainingRecordsPage(
        items=[_record_out(r) for r in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/training-records",
    response={201: TrainingRecordOut, **error_responses(400, 401, 403, 422)},
    summary="Record that a person completed a course (the force administrator or a trainer)",
    description="A person the caller cannot see is 400 on `person`; a course the caller cannot see, or of another "
    "force than the person's, is 400 on `course`; a completion date in the future is 400 on `completed_on`. A pass "
    "is valid until `expires_on`, by default the completion date plus the course's validity.",
)
def training_record_create(request: HttpRequest, payload: TrainingRecordIn) -> Status[TrainingRecordOut]:
    actor = actor_of(request)
    person = policy.people_in_scope(actor).filter(pk=payload.person, is_system=False).first()
    if person is None:
        raise ValidationError({"person": [_("Choose a person you can see.")]})
    course = selectors.courses_visible_to(actor).filter(pk=payload.course).first()
    if course is None:
        raise ValidationError({"course": [_("Choose a course of the person's force.")]})
    record = services.training_record_create(
        actor=actor,
        person=person,
        course=course,
        completed_on=payload.completed_on,
        result=payload.result,
        expires_on=payload.expires_on,
        notes=payload.notes,
        meta=meta_of(request),
    )
    fresh = selectors.training_records_visible_to(actor).get(pk=record.pk)
    return Status(201, _record_out(fresh))
