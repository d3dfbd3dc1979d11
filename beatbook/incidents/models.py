"""Incidents of low-level ASB and disorder, the people involved, and the alerts they raise.

What belongs here: what happened, where and when, who was involved, the THRIVE assessment,
where the incident stands (its status), and the repeat-victim, repeat-location and ASB case
review (community trigger) alerts that saving an incident can raise, with each force's
thresholds for them. Writes go through `services.py`; reads through `selectors.py`.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force, Neighbourhood

from .reference import AsbQualifier, AsbType, Category, HowReported, Level


class IncidentRules(models.Model):
    """A force's thresholds for repeat detection and the ASB case review (community trigger).

    Repeat victim: the same person or address is a victim in `repeat_count` incidents within
    `repeat_window_days`. Repeat location: `repeat_count` incidents within `repeat_radius_m`
    metres in the same window. Community trigger: `trigger_threshold` ASB incidents reported by
    or against the same person or address within `trigger_window_months` (the Act lets the
    threshold be set no higher than three complaints; three in six months is the usual one).
    """

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="incident_rules")
    repeat_count = models.PositiveSmallIntegerField(_("incidents that make a repeat"), default=3)
    repeat_window_days = models.PositiveSmallIntegerField(_("repeat window (days)"), default=90)
    repeat_radius_m = models.PositiveSmallIntegerField(_("repeat location radius (metres)"), default=50)
    trigger_threshold = models.PositiveSmallIntegerField(_("community trigger threshold (complaints)"), default=3)
    trigger_window_months = models.PositiveSmallIntegerField(_("community trigger window (months)"), default=6)

    class Meta:
        verbose_name = _("incident rules")
        verbose_name_plural = _("incident rules")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(repeat_count__gte=2), name="incidents_rules_repeat_count_min"),
            models.CheckConstraint(condition=Q(repeat_window_days__gte=1), name="incidents_rules_window_min"),
            models.CheckConstraint(condition=Q(repeat_radius_m__gte=1), name="incidents_rules_radius_min"),
            models.CheckConstraint(
                condition=Q(trigger_threshold__gte=1, trigger_threshold__lte=3), name="incidents_rules_trigger_range"
            ),
            models.CheckConstraint(condition=Q(trigger_window_months__gte=1), name="incidents_rules_trigger_months"),
        ]

    def __str__(self) -> str:
        return f"{self.force}: incident rules"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ATTENDED = "attended", _("Attended")
    ESCALATED = "escalated", _("Escalated to an officer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The status flow: open → attended → (escalated | resolved) → closed.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.ATTENDED}),
    Status.ATTENDED: frozenset({Status.ESCALATED, Status.RESOLVED}),
    Status.ESCALATED: frozenset({Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Incident(models.Model):
    """One incident: when and where, its police.uk category (and for ASB its NSIR qualifier and
    type), how it was reported, the THRIVE assessment and where it stands.

    The neighbourhood is found from the point by the service; an officer may correct it, with a
    reason. `version` goes up by one at every change, so that a save made on an older copy is
    refused rather than overwriting someone else's change. `uuid` is made by the client, so a
    submission sent twice (a flaky signal) is stored once.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="incidents")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="incidents")
    neighbourhood_reason = models.TextField(_("why the neighbourhood was corrected"), blank=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    location_text = models.CharField(_("address or place"), max_length=200, blank=True)
    grid_reference = models.CharField(_("grid reference"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    asb_qualifier = models.CharField(_("ASB qualifier"), max_length=20, choices=AsbQualifier.choices, blank=True)
    asb_type = models.CharField(_("ASB type"), max_length=40, choices=AsbType.choices, blank=True)
    description = models.TextField(_("what happened"))
    how_reported = models.CharField(_("how it was reported"), max_length=20, choices=HowReported.choices)
    thrive_threat = models.CharField(_("threat"), max_length=10, choices=Level.choices)
    thrive_harm = models.CharField(_("harm"), max_length=10, choices=Level.choices)
    thrive_risk = models.CharField(_("risk"), max_length=10, choices=Level.choices)
    thrive_investigation = models.CharField(_("investigation"), max_length=10, choices=Level.choices)
    thrive_vulnerability = models.CharField(_("vulnerability"), max_length=10, choices=Level.choices)
    thrive_engagement = models.CharField(_("engagement"), max_length=10, choices=Level.choices)
    thrive_notes = models.TextField(_("THRIVE notes"), blank=True)
    risk_level = models.CharField(_("overall risk"), max_length=10, choices=Level.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    is_publishable = models.BooleanField(
        _("publish on the public crime map"),
        default=False,
        help_text=_(
            "Published by month as police.uk does: the category and an anonymous nearby point with a street name, "
            "never the address, the people or the description."
        ),
    )
    is_repeat_victim = models.BooleanField(_("repeat victim"), default=False)
    is_repeat_location = models.BooleanField(_("repeat location"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents_created", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(category=Category.ANTI_SOCIAL_BEHAVIOUR) | Q(asb_qualifier="", asb_type=""),
                name="incidents_asb_fields_only_for_asb",
            ),
            models.CheckConstraint(
                condition=~Q(category=Category.ANTI_SOCIAL_BEHAVIOUR) | ~Q(asb_qualifier=""),
                name="incidents_asb_needs_qualifier",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | ~Q(outcome=""), name="incidents_closed_needs_outcome"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # Lists: always by neighbourhood (the scope), newest first.
            models.Index(fields=["neighbourhood", "-occurred_at"], name="incidents_area_time"),
            models.Index(fields=["force", "-occurred_at"], name="incidents_force_time"),
            # Repeat-location detection: a small box around the point, in one force.
            models.Index(fields=["force", "lat", "lng"], name="incidents_force_point"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New incident"))

    @property
    def is_asb(self) -> bool:
        return self.category == Category.ANTI_SOCIAL_BEHAVIOUR

    @property
    def next_statuses(self) -> list[Status]:
        return [Status(s) for s in Status.values if s in TRANSITIONS[self.status]]


class Involvement(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    SUSPECT = "suspect", _("Suspect")
    REPORTING_PERSON = "reporting", _("Reporting person")


class IncidentPerson(models.Model):
    """Someone involved in an incident, in one role. A person may be unknown (a description
    instead of a name).

    `name_key` and `address_key` are normalised forms (lower case, letters and digits only) that
    repeat detection matches on, through indexes: two records are the same person when their name
    keys match and their dates of birth do not differ, the same address when the address keys
    match. A force's person index would be better; Beatbook has none yet.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="people")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    involvement = models.CharField(_("involved as"), max_length=12, choices=Involvement.choices)
    is_unknown = models.BooleanField(_("not known"), default=False)
    name = models.CharField(_("name"), max_length=120, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_vulnerable = models.BooleanField(_("vulnerable"), default=False)
    name_key = models.CharField(max_length=120, blank=True, editable=False)
    address_key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "id"]
        verbose_name = _("person involved")
        verbose_name_plural = _("people involved")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(is_unknown=True) | ~Q(name=""), name="incidents_person_named_unless_unknown"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "name_key"], name="incidents_person_name_key"),
            models.Index(fields=["force", "address_key"], name="incidents_person_address_key"),
        ]

    def __str__(self) -> str:
        who = self.name if not self.is_unknown else str(_("Unknown person"))
        return f"{who} ({self.get_involvement_display()})"


class AlertKind(models.TextChoices):
    REPEAT_VICTIM = "repeat_victim", _("Repeat victim")
    REPEAT_LOCATION = "repeat_location", _("Repeat location")
    COMMUNITY_TRIGGER = "community_trigger", _("ASB case review (community trigger) threshold reached")


class Alert(models.Model):
    """A flag raised by saving an incident, shown on the home page of those who work the
    neighbourhood until one of them acknowledges it. One open alert per subject and kind: a
    further incident for the same subject raises its count instead of a second alert."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="alerts")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    subject = models.CharField(_("subject"), max_length=240)
    subject_key = models.CharField(max_length=240)
    count = models.PositiveIntegerField(_("incidents"))
    window_days = models.PositiveIntegerField(_("within days"))
    lat = models.FloatField()
    lng = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["force", "kind", "subject_key"],
                condition=Q(acknowledged_at__isnull=True),
                name="incidents_one_open_alert_per_subject",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "acknowledged_at"], name="incidents_alert_area_open"),
        ]

    def __str__(self) -> str:
        # Not the subject: this text goes into the audit trail, which holds no names or addresses.
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
