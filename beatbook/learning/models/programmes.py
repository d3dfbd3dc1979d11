"""Programmes: a force's PCSO learning programme (route, qualification, the eight mandatory units
with their learning outcomes and assessment criteria, and its phases), each learner's enrolment on
it, the two milestones (Independent Patrol Status and Full Operational Competence) and the progress
reviews with the line manager.

Unit titles are the awarding body's (facts.md §3.1, verified). Learning outcomes and assessment
criteria are the force's own data: the awarding body's handbook is not public, so the reference file
`beatbook/learning/data/programme_example.json` ships an example set, and every outcome and criterion
loaded from it is marked `is_example` until the force replaces it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force


class Route(models.TextChoices):
    APPRENTICESHIP_ENGLAND = "apprenticeship_england", _("Level 4 apprenticeship (England)")
    APPRENTICESHIP_WALES = "apprenticeship_wales", _("Level 4 apprenticeship (Wales)")
    NON_APPRENTICESHIP = "non_apprenticeship", _("Level 4 non-apprenticeship")
    LEGACY_LEVEL3 = "legacy_level3", _("Legacy Level 3")


class QualificationKind(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma")
    CERTIFICATE = "certificate", _("Certificate")


class Programme(models.Model):
    """A force's learning programme for student PCSOs. `ips_due_months` and `foc_due_months` set the
    default milestone due dates of each enrolment (months after its start)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="programmes")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    route = models.CharField(_("route"), max_length=30, choices=Route.choices)
    qualification = models.CharField(_("qualification"), max_length=20, choices=QualificationKind.choices)
    qualification_title = models.CharField(_("qualification title"), max_length=200)
    awarding_body = models.CharField(_("awarding body"), max_length=120)
    qualification_number = models.CharField(_("qualification number"), max_length=20, blank=True)
    ips_due_months = models.PositiveSmallIntegerField(_("Independent Patrol Status due (months)"), default=6)
    foc_due_months = models.PositiveSmallIntegerField(_("Full Operational Competence due (months)"), default=12)
    review_interval_weeks = models.PositiveSmallIntegerField(_("weeks between progress reviews"), default=4)
    is_active = models.BooleanField(_("taking new learners"), default=True)
    data_version = models.CharField(_("reference data version"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force", "name", "id"]
        verbose_name = _("learning programme")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "code"], name="learning_programme_code_per_force"),
            models.CheckConstraint(
                condition=Q(ips_due_months__gte=1) & Q(foc_due_months__gte=F("ips_due_months")),
                name="learning_programme_milestones_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """One of the programme's mandatory units (1 to 8 on the Level 4 Diploma)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveSmallIntegerField(_("unit number"))
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["programme", "number"], name="learning_unit_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class LearningOutcome(models.Model):
    """A learning outcome of a unit ("The learner will ..."); force data, `is_example` when it
    comes from the shipped example set."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField(_("outcome number"))
    text = models.CharField(_("learning outcome"), max_length=300)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        ordering = ["unit", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["unit", "number"], name="learning_outcome_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.number}.{self.number} {self.text}"


class Criterion(models.Model):
    """An assessment criterion of a learning outcome, coded "unit.outcome.criterion" (e.g. 3.1.2).
    `needed_for_ips`: the criterion must be met before Independent Patrol Status can be signed off;
    every criterion must be met for Full Operational Competence."""

    outcome = models.ForeignKey(LearningOutcome, on_delete=models.CASCADE, related_name="criteria")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=12)
    text = models.CharField(_("assessment criterion"), max_length=300)
    needed_for_ips = models.BooleanField(_("needed for Independent Patrol Status"), default=False)
    is_example = models.BooleanField(_("example data"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["programme", "code"], name="learning_criterion_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class PhaseKind(models.TextChoices):
    INITIAL_LEARNING = "initial_learning", _("Initial learning")
    TUTOR_PHASE = "tutor_phase", _("Tutor phase")
    OPERATIONAL_DEPLOYMENT = "operational_deployment", _("Operational deployment")
    END_POINT_ASSESSMENT = "end_point_assessment", _("End-point assessment")
    LEAVE = "leave", _("Leave")


class Phase(models.Model):
    """A phase of the programme, in order, with its planned length; a learner's plan is the phases'
    weeks laid end to end from the enrolment's start date."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=30, choices=PhaseKind.choices)
    name = models.CharField(_("name"), max_length=120)
    planned_weeks = models.PositiveSmallIntegerField(_("planned weeks"))

    class Meta:
        ordering = ["programme", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["programme", "position"], name="learning_phase_order_unique"),
            models.CheckConstraint(condition=Q(planned_weeks__gte=1), name="learning_phase_weeks_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("On programme")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    """A learner on a programme: start date, the tutor, assessor and line manager named for them,
    the phase they are in, and the due dates of the two milestones (defaults from the programme)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="enrolments")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("learner")
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutees",
        verbose_name=_("tutor"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessed_enrolments",
        verbose_name=_("assessor"),
    )
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_enrolments",
        verbose_name=_("line manager"),
    )
    start_date = models.DateField(_("start date"))
    current_phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("current phase")
    )
    phase_started_on = models.DateField(_("phase started on"), null=True, blank=True)
    ips_due_on = models.DateField(_("Independent Patrol Status due"))
    foc_due_on = models.DateField(_("Full Operational Competence due"))
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices, default="active")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force", "start_date", "id"]
        verbose_name = _("enrolment")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["learner", "programme"],
                condition=Q(status="active"),
                name="learning_enrolment_one_active_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(ips_due_on__gt=F("start_date")) & Q(foc_due_on__gte=F("ips_due_on")),
                name="learning_enrolment_due_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="learning_enrolment_end_after_start",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "status"], name="learning_enrolment_force_st"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} - {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE


class Milestone(models.TextChoices):
    IPS = "ips", _("Independent Patrol Status")
    FOC = "foc", _("Full Operational Competence")


class MilestoneSignOff(models.Model):
    """The sign-off of a milestone by the role the programme names (IPS: the tutor or the line
    manager; FOC: the assessor), with the criteria met at that moment. A sign-off can be revoked
    (with a reason), never deleted; only one standing sign-off per milestone."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="signoffs")
    milestone = models.CharField(_("milestone"), max_length=10, choices=Milestone.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_as = models.CharField(_("signed as"), max_length=20)
    signed_on = models.DateField(_("signed on"))
    note = models.TextField(_("note"), blank=True)
    criteria_met = models.JSONField(_("criteria met (codes)"), default=list)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["enrolment", "milestone"],
                condition=Q(revoked_at__isnull=True),
                name="learning_signoff_one_standing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()} - {self.enrolment}"


class Rag(models.TextChoices):
    RED = "red", _("Red: off track")
    AMBER = "amber", _("Amber: some concerns")
    GREEN = "green", _("Green: on track")


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ProgressReview(models.Model):
    """A progress meeting with the learner: scheduled for a date, then held (attendees, RAG rating,
    notes and agreed actions); recording one schedules the next."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default="scheduled")
    scheduled_for = models.DateField(_("scheduled for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    other_attendees = models.CharField(_("other attendees"), max_length=300, blank=True)
    rag = models.CharField(_("rating"), max_length=10, choices=Rag.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment", "scheduled_for", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(status="held", held_on__isnull=False) | ~Q(status="held"),
                name="learning_review_held_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="held", rag__in=["red", "amber", "green"]) | ~Q(status="held"),
                name="learning_review_held_has_rating",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["enrolment", "status", "scheduled_for"], name="learning_review_next"),
        ]

    def __str__(self) -> str:
        return f"Review {self.scheduled_for:%d %b %Y} - {self.enrolment}"


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists
