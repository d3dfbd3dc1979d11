"""Patrols (who went out, how, when, where they stopped and for how long) and hot-spot plans
(the places a supervisor wants visited, and how often and how long: the "dose").

What belongs here: a patrol from its start to its end, alone or with named colleagues, with an
optional GPS trace; the visits made on it (arrival, departure, so the dwell time); a
supervisor's hot-spot plan for a neighbourhood and its targets, each with a daily dose in the
shape of the Koper curve ("three visits a day of ten to fifteen minutes"). Writes go through
`services.py`; reads, including the dosage delivered against a plan, through `selectors.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.incidents.reference import Category
from beatbook.org.models import Force, Neighbourhood


class Mode(models.TextChoices):
    FOOT = "foot", _("On foot")
    CYCLE = "cycle", _("Cycle")
    VEHICLE = "vehicle", _("Vehicle")


class Patrol(models.Model):
    """One patrol by one person (the patroller), alone or with named colleagues of the same
    force: the neighbourhood it starts in, how (on foot, cycle, vehicle), when it started and
    ended (no end while it is under way), notes, and optionally the GPS trace the phone kept
    (a list of [latitude, longitude, ISO time] points inside the patrol's time).

    A person is on one patrol at a time: patrols of the same person never overlap (the service
    refuses it; the database holds "one open patrol per person"). `uuid` is made by the client,
    so a start sent twice is stored once; `version` goes up at every change.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="patrols")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="patrols")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols")
    colleagues = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="patrols_joined")
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.FOOT)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    trace = models.JSONField(_("GPS trace"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="patrols_patrol_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="patrols_one_open_patrol_per_person"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # Lists and visibility hours: by neighbourhood, newest first.
            models.Index(fields=["neighbourhood", "-started_at"], name="patrols_area_time"),
            # "My patrols" and the overlap check: by person.
            models.Index(fields=["person", "-started_at"], name="patrols_person_time"),
        ]

    def __str__(self) -> str:
        # Not the person's name or the notes: this text goes into the audit trail.
        return f"Patrol #{self.pk}" if self.pk else str(_("New patrol"))

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def duration(self) -> dt.timedelta | None:
        return self.ended_at - self.started_at if self.ended_at is not None else None


class HotspotPlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class HotspotPlan(models.Model):
    """A supervisor's plan for a neighbourhood's hot spots between two dates (inclusive): the
    targets to visit and the dose each should get every day. Ending a plan takes it off the
    home pages; its record and the visits made under it stay."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="hotspot_plans")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="hotspot_plans")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=HotspotPlanStatus.choices, default=HotspotPlanStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hotspot_plans_created", editable=False
    )
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("hot-spot plan")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="patrols_plan_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status=HotspotPlanStatus.ACTIVE) | Q(ended_at__isnull=False),
                name="patrols_plan_ended_has_time",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "status", "starts_on"], name="patrols_plan_area_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == HotspotPlanStatus.ACTIVE

    def runs_on(self, day: dt.date) -> bool:
        return self.is_active and self.starts_on <= day <= self.ends_on


class HotspotTarget(models.Model):
    """A place in a plan (a point and a radius) and its daily dose: `visits_per_day` visits of
    `min_minutes` to `max_minutes` each. A visit counts towards the dose when it is recorded at
    the target (or within its radius) and lasts at least `min_minutes`; staying past
    `max_minutes` adds little (the Koper curve), so the page shows the range, not a target time."""

    plan = models.ForeignKey(HotspotPlan, on_delete=models.PROTECT, related_name="targets")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("place"), max_length=120)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    radius_m = models.PositiveSmallIntegerField(_("radius (metres)"), default=50)
    visits_per_day = models.PositiveSmallIntegerField(_("visits a day"), default=3)
    min_minutes = models.PositiveSmallIntegerField(_("shortest visit (minutes)"), default=10)
    max_minutes = models.PositiveSmallIntegerField(_("longest useful visit (minutes)"), default=15)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("hot-spot target")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(min_minutes__lte=F("max_minutes")), name="patrols_target_min_le_max"),
            models.CheckConstraint(condition=Q(min_minutes__gte=1), name="patrols_target_min_minutes"),
            models.CheckConstraint(condition=Q(visits_per_day__gte=1), name="patrols_target_visits_min"),
            models.CheckConstraint(condition=Q(radius_m__gte=1), name="patrols_target_radius_min"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "lat", "lng"], name="patrols_target_force_point"),
        ]

    def __str__(self) -> str:
        return f"Target #{self.pk}" if self.pk else str(_("New target"))


class PatrolVisit(models.Model):
    """A stop on a patrol: where (a point, and the plan's target when it was one), when the
    patroller arrived and left. The dwell time is the difference; it lies inside the patrol."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="visits")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        HotspotTarget, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("target")
    )
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    label = models.CharField(_("place"), max_length=120, blank=True)
    arrived_at = models.DateTimeField(_("arrived"))
    left_at = models.DateTimeField(_("left"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["arrived_at", "id"]
        verbose_name = _("patrol visit")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(left_at__gte=F("arrived_at")), name="patrols_visit_left_after_arrival"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # Dosage: a force's visits on a day, then the few near the targets.
            models.Index(fields=["force", "arrived_at"], name="patrols_visit_force_time"),
        ]

    def __str__(self) -> str:
        return f"Visit #{self.pk}" if self.pk else str(_("New visit"))

    @property
    def dwell(self) -> dt.timedelta:
        return self.left_at - self.arrived_at

    @property
    def dwell_minutes(self) -> float:
        return self.dwell.total_seconds() / 60


# The hot-spot planner's limits (the settings' constraints, the forms and the API share them).
PLANNER_CELL_M_MIN, PLANNER_CELL_M_MAX = 50, 500
PLANNER_WEEKS_MIN, PLANNER_WEEKS_MAX = 1, 104
PLANNER_WEIGHT_MAX = 10.0


class PlannerSettings(models.Model):
    """A force's settings for the hot-spot planner: the size of the grid's cells (metres), how
    many weeks of incidents it looks back over, and what each incident category weighs in a
    cell's score (by police.uk slug; a category left out weighs 1, one weighed 0 is counted but
    adds nothing to the score). A force without a row has the defaults (`planner.settings_for`).

    `category_weights` is parsed through `weights()`, never read raw: unknown slugs and values
    out of range are ignored there (the service refuses them on the way in)."""

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="planner_settings")
    cell_m = models.PositiveSmallIntegerField(_("cell size (metres)"), default=100)
    weeks = models.PositiveSmallIntegerField(_("weeks of incidents"), default=12)
    category_weights = models.JSONField(_("weight of each category"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force_id"]
        verbose_name = _("hot-spot planner settings")
        verbose_name_plural = _("hot-spot planner settings")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(cell_m__gte=PLANNER_CELL_M_MIN, cell_m__lte=PLANNER_CELL_M_MAX),
                name="patrols_planner_cell_m_range",
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=PLANNER_WEEKS_MIN, weeks__lte=PLANNER_WEEKS_MAX),
                name="patrols_planner_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force}: hot-spot planner settings" if self.force_id else str(_("Hot-spot planner settings"))

    def weights(self) -> dict[str, float]:
        """The weight of every category (by slug): the stored ones that are valid, 1 for the rest."""
        stored = self.category_weights if isinstance(self.category_weights, dict) else {}
        weights: dict[str, float] = {}
        for slug in Category.values:
            value = stored.get(slug, 1.0)
            valid = isinstance(value, int | float) and not isinstance(value, bool)
            weights[slug] = float(value) if valid and 0 <= value <= PLANNER_WEIGHT_MAX else 1.0
        return weights
