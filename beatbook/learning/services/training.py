"""Writes of the learning app: courses, and training records (a person's completion of a course).

Records are never edited: a retake is a new record. Every function: keyword-only, `actor` first,
one transaction, the access check (`Action.RECORD_TRAINING`: the force administrator or a
trainer of the force), validation with field errors, and the audit event (no notes, no names).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, CourseKind, TrainingRecord, TrainingResult
from beatbook.org import policy
from beatbook.org.models import Force, Person

CODE = re.compile(r"^[-a-z0-9_]+$")
CODE_MAX = 40
TITLE_MAX = 160
# The longest a pass may be valid for (ten years), and the most notes a record holds.
VALID_MONTHS_MAX = 120
NOTES_MAX = 2000


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def course_snapshot(course: Course) -> dict[str, Any]:
    return {"code": course.code, "force": course.force_id, "kind": course.kind, "valid_months": course.valid_months}


def training_snapshot(training: TrainingRecord) -> dict[str, Any]:
    return {
        "person": training.person_id,
        "course": training.course.code,
        "completed_on": training.completed_on.isoformat(),
        "result": training.result,
        "expires_on": training.expires_on.isoformat() if training.expires_on else None,
    }


@transaction.atomic
def course_create(
    *,
    actor: Person,
    force: Force,
    code: str,
    title: str,
    kind: str,
    valid_months: int | None,
    meta: AuditMeta = NO_META,
) -> Course:
    """Add a course to the force's list: a code unique in the force, a title, its kind, and how
    many months a pass stays valid (None: it does not expire)."""
    policy.require(actor, policy.Action.RECORD_TRAINING, force)
    code, title = code.strip().lower(), title.strip()
    errors: dict[str, list[str]] = {}
    if not code or len(code) > CODE_MAX or not CODE.match(code):
        errors["code"] = [_("Enter a code of up to 40 lower-case letters, digits and hyphens.")]
    elif Course.objects.filter(force=force, code=code).exists():
        errors["code"] = [_("The force already has a course with this code.")]
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [_("Enter a title of up to 160 characters.")]
    if kind not in CourseKind.values:
        errors["kind"] = [_("Choose the kind of course.")]
    if valid_months is not None and not 1 <= valid_months <= VALID_MONTHS_MAX:
        errors["valid_months"] = [_("A pass is valid for 1 to 120 months, or leave it empty if it does not expire.")]
    if errors:
        raise ValidationError(errors)
    course = Course(force=force, code=code, title=title, kind=kind, valid_months=valid_months)
    course.full_clean()
    course.save()
    record(actor=actor, event=EventType.COURSE_CREATED, obj=course, after=course_snapshot(course), meta=meta)
    return course


@transaction.atomic
def training_record_create(
    *,
    actor: Person,
    person: Person,
    course: Course,
    completed_on: dt.date,
    result: str,
    expires_on: dt.date | None = None,
    notes: str = "",
    meta: AuditMeta = NO_META,
) -> TrainingRecord:
    """Record that `person` completed `course` on `completed_on` with `result`.

    A pass is valid until `expires_on` (inclusive), by default `completed_on` plus the course's
    `valid_months` (never, for a course whose passes do not expire); a result that is not a pass
    has no expiry. The person must be someone the actor sees, of the course's force, and the
    actor record training in that force.
    """
    if not policy.people_in_scope(actor).filter(pk=person.pk, is_system=False).exists():
        raise ValidationError({"person": [_("Choose a person you can see.")]})
    if person.force_id != course.force_id:
        raise ValidationError({"course": [_("Choose a course of the person's force.")]})
    policy.require(actor, policy.Action.RECORD_TRAINING, person)
    errors: dict[str, list[str]] = {}
    if completed_on > today():
        errors["completed_on"] = [_("The date completed cannot be in the future.")]
    if result not in TrainingResult.values:
        errors["result"] = [_("Choose the result.")]
    if result == TrainingResult.PASSED:
        if expires_on is None and course.valid_months:
            expires_on = add_months(completed_on, course.valid_months)
        if expires_on is not None and expires_on < completed_on:
            errors["expires_on"] = [_("A pass cannot expire before it was completed.")]
    elif expires_on is not None:
        errors["expires_on"] = [_("Only a pass has a date it is valid until.")]
    if len(notes) > NOTES_MAX:
        errors["notes"] = [_("Enter at most 2000 characters.")]
    if errors:
        raise ValidationError(errors)
    training = TrainingRecord(
        force_id=course.force_id,
        person=person,
        course=course,
        completed_on=completed_on,
        result=result,
        expires_on=expires_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    training.full_clean()
    training.save()
    record(actor=actor, event=EventType.TRAINING_RECORDED, obj=training, after=training_snapshot(training), meta=meta)
    return training
