"""Reads of courses and training records, scoped to the actor in SQL.

Who sees what: the courses of the forces the actor holds a posting in; the training records of
the people the actor sees (`policy.people_in_scope`: themself, the people posted in their areas,
and for force-wide roles everyone in their force).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from beatbook.core.timeutil import today
from beatbook.learning.models import Course, TrainingRecord, TrainingResult
from beatbook.org import policy
from beatbook.org.models import Force, Person
from beatbook.org.selectors import get_visible

# A pass "expires soon" when its last valid day is within this many days.
EXPIRING_DAYS = 30


class RecordState:
    """What a training record is on a day (shown beside it; the list's filters use the same
    rules in SQL)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_PASSED = "not_passed"

    LABELS: dict[str, Any] = {
        VALID: _("Valid"),
        EXPIRING: _("Expires within 30 days"),
        EXPIRED: _("Expired"),
        NOT_PASSED: _("Not passed"),
    }


def state_of(record: TrainingRecord, on: dt.date | None = None) -> str:
    day = on or today()
    if record.result != TrainingResult.PASSED:
        return RecordState.NOT_PASSED
    if record.expires_on is not None and record.expires_on < day:
        return RecordState.EXPIRED
    if record.expires_on is not None and record.expires_on <= day + dt.timedelta(days=EXPIRING_DAYS):
        return RecordState.EXPIRING
    return RecordState.VALID


def expiring_q(on: dt.date | None = None) -> Q:
    """Passes whose last valid day is from `on` (today) to EXPIRING_DAYS later."""
    day = on or today()
    return Q(result=TrainingResult.PASSED, expires_on__gte=day, expires_on__lte=day + dt.timedelta(days=EXPIRING_DAYS))


def expired_q(on: dt.date | None = None) -> Q:
    return Q(result=TrainingResult.PASSED, expires_on__lt=on or today())


def courses_visible_to(actor: policy.Actor) -> QuerySet[Course]:
    return Course.objects.filter(force__in=policy.forces_in_scope(actor).values("pk")).select_related("force")


def course_list(actor: policy.Actor, *, force_id: int | None = None) -> QuerySet[Course]:
    courses = courses_visible_to(actor)
    if force_id is not None:
        courses = courses.filter(force_id=force_id)
    return courses.order_by("force__name", "title", "id")


def course_get_for(*, actor: policy.Actor, course_id: Any) -> Course:
    return get_visible(courses_visible_to(actor), course_id)


def courses_to_record(actor: policy.Actor) -> QuerySet[Course]:
    """Courses of the forces where the actor records training (for form choices)."""
    forces = policy.forces_where(actor, policy.Action.RECORD_TRAINING).values("pk")
    return Course.objects.filter(force__in=forces).select_related("force").order_by("force__name", "title", "id")


def people_to_train(actor: policy.Actor) -> QuerySet[Person]:
    """People the actor sees in the forces where they record training (for form choices)."""
    forces = policy.forces_where(actor, policy.Action.RECORD_TRAINING).values("pk")
    return policy.people_in_scope(actor).filter(force__in=forces, is_system=False).order_by("display_name", "id")


def forces_to_record(actor: policy.Actor) -> QuerySet[Force]:
    return policy.forces_where(actor, policy.Action.RECORD_TRAINING).order_by("name")


@dataclass(frozen=True)
class TrainingFilters:
    person_id: int | None = None
    course_id: int | None = None
    expiring: bool = False
    expired: bool = False


def training_records_visible_to(actor: policy.Actor) -> QuerySet[TrainingRecord]:
    if policy.is_system(actor):
        records = TrainingRecord.objects.all()
    elif not policy.is_person(actor):
        return TrainingRecord.objects.none()
    else:
        records = TrainingRecord.objects.filter(person__in=policy.people_in_scope(actor).values("pk"))
    return records.select_related("person", "course", "recorded_by").order_by(
        "person__display_name", "-completed_on", "-id"
    )


def training_list(actor: policy.Actor, filters: TrainingFilters) -> QuerySet[TrainingRecord]:
    records = training_records_visible_to(actor)
    if filters.person_id is not None:
        records = records.filter(person_id=filters.person_id)
    if filters.course_id is not None:
        records = records.filter(course_id=filters.course_id)
    if filters.expiring:
        records = records.filter(expiring_q())
    if filters.expired:
        records = records.filter(expired_q())
    return records


def latest_training_of(person: Person) -> list[TrainingRecord]:
    """The person's newest record of each course (one query), by course title."""
    latest: dict[int, TrainingRecord] = {}
    for record in (
        TrainingRecord.objects.filter(person=person)
        .select_related("course")
        .order_by("course__title", "-completed_on", "-id")
    ):
        latest.setdefault(record.course_id, record)
    return list(latest.values())


def people_with_records(actor: policy.Actor) -> QuerySet[Person]:
    """The people with a training record the actor sees (for the list's person filter)."""
    return Person.objects.filter(pk__in=training_records_visible_to(actor).values("person_id")).order_by(
        "display_name", "id"
    )
