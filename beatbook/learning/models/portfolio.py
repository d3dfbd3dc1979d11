"""The portfolio: a learner's evidence items, each mapped to assessment criteria of their programme
and judged per criterion by an assessor (met / not yet met, with feedback).

An item of kind "operational record" is made from a record in Beatbook (an incident, a patrol, an
engagement event, a penalty notice, ...): the link is generic (content type and id), so any record
type can become evidence, and the item holds a redacted copy of the record (`body`), never the
original's personal data. `redaction` lists what was removed, by category, for the assessor.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force

from .programmes import Criterion, Enrolment


class EvidenceKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation by tutor or assessor")
    WITNESS_TESTIMONY = "witness_testimony", _("Witness testimony")
    REFLECTIVE_ACCOUNT = "reflective_account", _("Reflective account")
    PROFESSIONAL_DISCUSSION = "professional_discussion", _("Professional discussion")
    PRODUCT = "product", _("Product (work output)")
    OPERATIONAL_RECORD = "operational_record", _("Operational record")
    PROBLEM_SOLVING_ASSIGNMENT = "problem_solving_assignment", _("Community-based problem-solving assignment")


# Kinds written by someone watching the learner, not by the learner.
OBSERVER_KINDS = frozenset({EvidenceKind.OBSERVATION, EvidenceKind.PROFESSIONAL_DISCUSSION})


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for assessment")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Evidence(models.Model):
    """One evidence item of an enrolment's portfolio."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=30, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    occurred_on = models.DateField(_("date of the activity"))
    body = models.TextField(_("account"))
    witness = models.CharField(_("witness (name and role)"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    status = models.CharField(_("status"), max_length=20, choices=EvidenceStatus.choices, default="draft")
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField(_("source record"), max_length=200, blank=True)
    redaction = models.JSONField(_("redaction summary"), default=dict, blank=True)
    criteria = models.ManyToManyField(Criterion, through="EvidenceCriterion", related_name="evidence")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment", "-occurred_on", "-id"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=(
                    Q(kind="operational_record", source_type__isnull=False, source_id__isnull=False)
                    | (~Q(kind="operational_record") & Q(source_type__isnull=True, source_id__isnull=True))
                ),
                name="learning_evidence_source_iff_record",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "source_type", "source_id"],
                condition=Q(source_type__isnull=False) & ~Q(status="withdrawn"),
                name="learning_evidence_record_once",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["enrolment", "status"], name="learning_evidence_enr_st"),
            models.Index(fields=["source_type", "source_id"], name="learning_evidence_source"),
        ]

    def __str__(self) -> str:
        # Not the title: the audit trail shows this, and a title is free text.
        return f"Evidence #{self.pk}"


class Judgement(models.TextChoices):
    PENDING = "pending", _("Not yet judged")
    MET = "met", _("Met")
    NOT_YET_MET = "not_yet_met", _("Not yet met")


class EvidenceCriterion(models.Model):
    """An evidence item mapped to one criterion, and the assessor's judgement of it."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="mappings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="mappings")
    judgement = models.CharField(_("judgement"), max_length=20, choices=Judgement.choices, default="pending")
    feedback = models.TextField(_("feedback"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["evidence", "criterion__position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["evidence", "criterion"], name="learning_evidence_criterion_unique"),
            models.CheckConstraint(
                condition=Q(judgement="pending") | Q(judged_by__isnull=False, judged_at__isnull=False),
                name="learning_judgement_has_judge",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["criterion", "judgement"], name="learning_evcrit_judgement"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.get_judgement_display()}"
