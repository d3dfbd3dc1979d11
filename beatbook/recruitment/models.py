"""Recruitment of PCSOs: a force's eligibility rules, its campaigns, the applications made to them
and each application's stage records (sift, assessment centre, interview, vetting, medical,
fitness, offer, start).

Applicant data is personal data: only the force's recruiters and administrators read it (through
`selectors`, every read audited), the applicant reads their own through a secret status link, and
`services.applications_purge` erases it once the retention period after closing has passed.
Writes go through `services`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIN_AGE_FLOOR = 16  # no force may set a lower minimum age
MIN_AGE_CEILING = 70
RESIDENCY_YEARS_MAX = 10


class Level2Rule(models.TextChoices):
    """When level 2 English and maths must be held."""

    REQUIRED = "required", _("Required before starting")
    ACHIEVABLE = "achievable", _("May be achieved within the apprenticeship")
    NOT_REQUIRED = "not_required", _("Not required")


class Level2Answer(models.TextChoices):
    HELD = "held", _("Yes, I hold level 2 English and maths (or equivalent)")
    WILL_ACHIEVE = "will_achieve", _("Not yet, but I am willing to achieve them within the apprenticeship")
    NONE = "none", _("No")


class Stage(models.TextChoices):
    """The stages of a PCSO recruitment, in order."""

    SIFT = "sift", _("Sift")
    ASSESSMENT_CENTRE = "assessment_centre", _("Assessment centre")
    INTERVIEW = "interview", _("Interview")
    VETTING = "vetting", _("Vetting")
    MEDICAL = "medical", _("Medical")
    FITNESS = "fitness", _("Fitness test")
    OFFER = "offer", _("Offer")
    START = "start", _("Start")


STAGE_ORDER: list[str] = list(Stage.values)


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not successful")
    WITHDREW = "withdrew", _("Withdrew")


class ApplicationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SIFTED_OUT = "sifted_out", _("Sifted out")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPOINTED = "appointed", _("Appointed")


CLOSED_STATUSES = frozenset(
    {
        ApplicationStatus.SIFTED_OUT,
        ApplicationStatus.UNSUCCESSFUL,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.APPOINTED,
    }
)


class EligibilityRules(models.Model):
    """A force's eligibility rules, applied by the sift to every application it receives."""

    force = models.OneToOneField("org.Force", on_delete=models.PROTECT, related_name="eligibility_rules")
    min_age = models.PositiveSmallIntegerField(_("minimum age on the day of applying"), default=18)
    level3_required = models.BooleanField(_("level 3 qualification (or equivalent) required"), default=True)
    level2_rule = models.CharField(
        _("level 2 English and maths"), max_length=20, choices=Level2Rule.choices, default=Level2Rule.ACHIEVABLE
    )
    residency_years = models.PositiveSmallIntegerField(
        _("years of UK residency needed for vetting"),
        default=3,
        help_text=_("Continuous years lived in the UK up to the day of applying; 0 for no rule."),
    )
    driving_licence_required = models.BooleanField(_("full driving licence required"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force__name"]
        verbose_name = _("eligibility rules")
        verbose_name_plural = _("eligibility rules")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(min_age__gte=MIN_AGE_FLOOR) & Q(min_age__lte=MIN_AGE_CEILING),
                name="recruitment_rules_min_age_range",
            ),
            models.CheckConstraint(
                condition=Q(residency_years__lte=RESIDENCY_YEARS_MAX), name="recruitment_rules_residency_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force}: eligibility rules"


class Campaign(models.Model):
    """A recruitment campaign: open for applications from `opens_on` to `closes_on` (inclusive)."""

    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    next_steps = models.TextField(
        _("next steps when closed"),
        blank=True,
        max_length=2000,
        help_text=_("Shown on the careers page when no campaign is open."),
    )
    posts = models.PositiveSmallIntegerField(_("number of posts"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "id"]
        verbose_name = _("campaign")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="recruitment_campaign_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: Any) -> bool:
        return bool(self.opens_on <= day <= self.closes_on)

    def clean(self) -> None:
        opens, closes = getattr(self, "opens_on", None), getattr(self, "closes_on", None)
        if opens is not None and closes is not None and closes < opens:
            raise ValidationError({"closes_on": _("The closing date must not be before the opening date.")})


class Application(models.Model):
    """One person's application to a campaign, with their answers to the eligibility questions.

    The applicant follows it through a secret status link; only the hash of its token is kept."""

    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="applications")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("email address"), max_length=254)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    has_level3 = models.BooleanField(_("holds a level 3 qualification or equivalent"), default=False)
    level2 = models.CharField(_("level 2 English and maths"), max_length=20, choices=Level2Answer.choices)
    residency_years = models.PositiveSmallIntegerField(_("years lived in the UK"), default=0)
    has_driving_licence = models.BooleanField(_("holds a full driving licence"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.IN_PROGRESS
    )
    sift_passed = models.BooleanField(default=False)
    sift_reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )

    class Meta:
        ordering = ["-submitted_at", "id"]
        verbose_name = _("application")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["campaign", "email"], condition=~Q(email=""), name="recruitment_application_once"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "status"], name="recruitment_app_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class StageRecord(models.Model):
    """The date and outcome of one stage of an application (the sift is recorded automatically)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "on", "id"]
        verbose_name = _("stage record")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["application", "stage"], name="recruitment_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_stage_display()} {self.get_outcome_display()}"

    @property
    def position(self) -> int:
        return STAGE_ORDER.index(self.stage)
