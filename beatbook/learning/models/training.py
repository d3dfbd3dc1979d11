"""Training: the courses a force runs and each person's completions of them.

This is the small start of the learning app (the Development issue adds programmes, enrolments,
the portfolio, CPD and PDR). The powers app needs it now: a power that requires training cannot
be designated to a person until they hold a passed, unexpired record of the power's course.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force


class CourseKind(models.TextChoices):
    MANDATORY_ANNUAL = "mandatory_annual", _("Mandatory annual")
    POWER = "power", _("Power-specific")
    FIRST_AID = "first_aid", _("First aid")
    OFFICER_SAFETY = "officer_safety", _("Officer safety")
    AIRWAVE = "airwave", _("Airwave radio")
    INITIAL = "initial", _("Initial course")
    OTHER = "other", _("Other")


class TrainingResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class Course(models.Model):
    """A course of a force, with how long a pass stays valid (`valid_months`; none: it does not
    expire)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="courses")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    valid_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["force", "title", "id"]
        verbose_name = _("course")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "code"], name="learning_course_code_per_force"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """One person's completion of a course: when, the result, and until when a pass is valid
    (`expires_on`, inclusive; none: it does not expire). Records are never edited: a retake is
    a new record."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"))
    result = models.CharField(_("result"), max_length=10, choices=TrainingResult.choices)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-completed_on", "-id"]
        verbose_name = _("training record")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                name="learning_training_expires_after_completion",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["person", "course", "result", "completed_on"], name="learning_training_person"),
            models.Index(fields=["force", "expires_on"], name="learning_training_expiry"),
        ]

    def __str__(self) -> str:
        return f"Training record #{self.pk}"

    def valid_on(self, day: dt.date) -> bool:
        """A pass counts from the day it was completed to its expiry day, both included."""
        return (
            self.result == TrainingResult.PASSED
            and self.completed_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )
