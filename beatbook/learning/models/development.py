"""Development: the Competency and Values Framework (CVF) reference data, each force's choice of
framework version, a person's CPD log, and the annual professional development review (PDR).

Reference data (frameworks, their levels, items, behavioural indicators and PDR rating scale)
comes from `beatbook/learning/data/frameworks.json` through `manage.py load_frameworks`; it is
national, not per force. Every item keeps its source and whether it was verified.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force


class Framework(models.Model):
    """A version of the Competency and Values Framework (CVF 2016, CVF 2024), as loaded from the
    reference file (`data_version` is the file's version when this framework was first loaded)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    year = models.PositiveSmallIntegerField(_("year"))
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces", verbose_name=_("replaced by")
    )
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)
    note = models.TextField(_("note"), blank=True)
    data_version = models.CharField(_("reference data version"), max_length=40)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("competency framework")

    def __str__(self) -> str:
        return self.name


class FrameworkLevel(models.Model):
    """A level of a framework (Level 1 Practitioner, ...); levels are cumulative."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["framework", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["framework", "number"], name="learning_framework_level_unique"),
        ]

    def __str__(self) -> str:
        return f"Level {self.number}"


class ItemKind(models.TextChoices):
    VALUE = "value", _("Value")
    COMPETENCY = "competency", _("Competency")
    CORE_SKILL = "core_skill", _("Core skill")


class FrameworkItem(models.Model):
    """A value, competency or core skill of a framework. `cluster` is blank where the source gives
    none or it is not verified; `level` is the level the PCSO role profile names (none for values,
    which are not split into levels)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    cluster = models.CharField(_("cluster"), max_length=160, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["framework", "position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_framework_item_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class BehaviouralIndicator(models.Model):
    """One behavioural indicator of a competency at a level, as retrieved (`truncated`: the text
    was cut off at the source and is stored as it was found)."""

    item = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="indicators")
    level = models.PositiveSmallIntegerField(_("level"))
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("text"))
    truncated = models.BooleanField(_("truncated"), default=False)
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["item", "level", "position", "id"]

    def __str__(self) -> str:
        return f"Indicator #{self.pk}"


class RatingOption(models.Model):
    """One point of a framework's PDR rating scale (reference data, not a constant in code)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rating_options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["framework", "position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_rating_option_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ForceFramework(models.Model):
    """The framework version a force uses for new CPD entries and PDRs (from `adopted_on`)."""

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="framework_choice")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(_("in use from"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force"]

    def __str__(self) -> str:
        return f"Framework choice #{self.pk}"


class CpdKind(models.TextChoices):
    COURSE = "course", _("Course or workshop")
    ELEARNING = "elearning", _("E-learning")
    READING = "reading", _("Reading or research")
    COACHING = "coaching", _("Coaching or mentoring")
    SHADOWING = "shadowing", _("Shadowing or secondment")
    PRACTICE = "practice", _("Reflective practice")
    EVENT = "event", _("Conference or event")
    OTHER = "other", _("Other")


class CpdEntry(models.Model):
    """One continuing professional development activity a person records for themself, mapped
    to items (competencies, values, core skills) of the framework their force used then."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cpd_entries")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=CpdKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    reflection = models.TextField(_("reflection"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    items = models.ManyToManyField(FrameworkItem, related_name="cpd_entries", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "-occurred_on", "-id"]
        verbose_name = _("CPD entry")
        verbose_name_plural = _("CPD entries")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_cpd_hours_positive"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["person", "occurred_on"], name="learning_cpd_person_date"),
        ]

    def __str__(self) -> str:
        return f"CPD entry #{self.pk}"


class PdrStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    SIGNED_OFF = "signed_off", _("Signed off")


class Pdr(models.Model):
    """A person's professional development review for one review year, opened and signed off by
    their line manager and acknowledged by the person. Signed off, it is read-only until the line
    manager reopens it with a reason (audited)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pdrs")
    line_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    review_year = models.PositiveSmallIntegerField(_("review year"))
    status = models.CharField(_("status"), max_length=20, choices=PdrStatus.choices, default=PdrStatus.OPEN)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    reopen_reason = models.TextField(_("reason for the last reopening"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-review_year", "person", "id"]
        verbose_name = _("PDR")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "review_year"], name="learning_pdr_one_per_year"),
            models.CheckConstraint(condition=~Q(person=models.F("line_manager")), name="learning_pdr_not_self"),
        ]

    def __str__(self) -> str:
        return f"PDR #{self.pk}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == PdrStatus.SIGNED_OFF


class PdrRating(models.Model):
    """The line manager's rating of one competency in a PDR, with the evidence (text, and CPD
    entries of the person cited)."""

    pdr = models.ForeignKey(Pdr, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    rating = models.ForeignKey(RatingOption, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField(_("evidence"))
    cpd_entries = models.ManyToManyField(CpdEntry, related_name="cited_in", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pdr", "competency__position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["pdr", "competency"], name="learning_pdr_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"PDR rating #{self.pk}"


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class PdrObjective(models.Model):
    """An objective agreed in a PDR: what, by when, and how it stands."""

    pdr = models.ForeignKey(Pdr, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField(_("objective"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pdr", "due_on", "id"]

    def __str__(self) -> str:
        return f"PDR objective #{self.pk}"
