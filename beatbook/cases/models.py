"""Multi-agency ASB cases: the parties, risk assessments, actions, partner tasks and case
conferences of one problem that several incidents show, and the information-sharing agreements
under which partner organisations see the cases shared with them.

Writes go through `services.py` and reads through `selectors.py`; which fields a partner sees is
decided there, from the agreement's data categories (`reference.DataCategory`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.incidents.models import Incident
from beatbook.incidents.reference import Level
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation

from .reference import ActionKind, ActionStatus, CaseStatus, ClosureReason, DataCategory, PartyRole, TaskStatus


class SharingAgreement(models.Model):
    """An information-sharing agreement between the force and one partner organisation: why data
    is shared (`purpose`), which data (`data_categories`, a list of `DataCategory` values) and
    from when to when (inclusive). Cases are shared under an agreement; outside its dates, or once
    it is ended early, the partner sees nothing of them."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="sharing_agreements")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="sharing_agreements")
    title = models.CharField(_("title"), max_length=160)
    purpose = models.TextField(_("purpose"))
    data_categories = models.JSONField(_("data shared"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner__name", "-starts_on", "id"]
        verbose_name = _("information-sharing agreement")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cases_agreement_ends_after_start"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partner", "starts_on", "ends_on"], name="cases_agreement_partner_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> dt.date:
        return min(self.ends_on, self.ended_early_on) if self.ended_early_on else self.ends_on

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.last_day

    @property
    def categories(self) -> list[DataCategory]:
        return [DataCategory(c) for c in DataCategory.values if c in self.data_categories]


class AsbCase(models.Model):
    """One multi-agency ASB case in a neighbourhood: what the problem is, its current risk (the
    latest assessment, kept here for lists and filters) and the date it must be reviewed by,
    where it stands, and how it was closed. `version` goes up at every change, so that a save
    made on an older copy is refused."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="asb_cases")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="asb_cases")
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("what the problem is"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="asb_cases_led", verbose_name=_("case lead")
    )
    incidents = models.ManyToManyField(Incident, through="CaseIncident", related_name="asb_cases", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(_("risk"), max_length=10, choices=Level.choices)
    review_on = models.DateField(_("review by"))
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_notes = models.TextField(_("closure notes"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ASB case")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN) | (~Q(closure_reason="") & Q(closed_at__isnull=False)),
                name="cases_closed_needs_reason",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "status", "-created_at"], name="cases_area_status_time"),
            models.Index(fields=["force", "status", "review_on"], name="cases_force_review"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New ASB case"))

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseIncident(models.Model):
    """An incident that is part of a case (one incident may be part of several cases)."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="case_incidents")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["case", "incident"], name="cases_incident_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"Case link #{self.pk}"


class CaseParty(models.Model):
    """A victim, perpetrator or other party of a case, with their vulnerabilities (a list of
    `reference.Vulnerability` values and a note)."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="parties")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    vulnerability_notes = models.TextField(_("vulnerability notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "role", "id"]
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")

    def __str__(self) -> str:
        # Not the name: this text goes into the audit trail, which holds no personal data.
        return f"{self.get_role_display()} #{self.pk}"

    @property
    def is_vulnerable(self) -> bool:
        return bool(self.vulnerabilities)


class RiskAssessment(models.Model):
    """One risk assessment of a case: the level, why, and the date by which it must be reviewed.
    The latest one is the case's current risk."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="risk_assessments")
    level = models.CharField(_("risk"), max_length=10, choices=Level.choices)
    notes = models.TextField(_("why"))
    review_on = models.DateField(_("review by"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "-assessed_at", "-id"]
        verbose_name = _("risk assessment")

    def __str__(self) -> str:
        return f"Risk assessment #{self.pk}"


class CaseAction(models.Model):
    """An action of the 2014 Act toolkit or an early intervention, owned by a person of the force
    or by a partner organisation (one or the other), due by a date, and its result once done."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    party = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("against")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asb_case_actions",
        verbose_name=_("owner"),
    )
    owner_partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asb_case_actions",
        verbose_name=_("owning organisation"),
    )
    notes = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    result = models.TextField(_("result"), blank=True)
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "due_on", "id"]
        verbose_name = _("case action")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, owner_partner__isnull=True)
                | Q(owner__isnull=True, owner_partner__isnull=False),
                name="cases_action_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.PLANNED) | ~Q(result=""), name="cases_action_result_when_finished"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PartnerTask(models.Model):
    """Something a partner organisation agreed to do for a case (e.g. the housing provider visits
    the tenant), due by a date; members of that organisation record the result."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="tasks")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="asb_tasks")
    description = models.TextField(_("task"))
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    result = models.TextField(_("result"), blank=True)
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "due_on", "id"]
        verbose_name = _("partner task")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN) | ~Q(result=""), name="cases_task_result_when_finished"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partner", "status", "due_on"], name="cases_task_partner_open"),
        ]

    def __str__(self) -> str:
        return f"Partner task #{self.pk}"


class CaseConference(models.Model):
    """A case conference: when it was held, who attended (people of the force, partner
    organisations, and anyone else by name in `other_attendees`), and what was decided."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="conferences")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees from the force")
    )
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="+", verbose_name=_("organisations attending")
    )
    other_attendees = models.TextField(_("other attendees"), blank=True)
    decisions = models.TextField(_("decisions"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-held_on", "-id"]
        verbose_name = _("case conference")

    def __str__(self) -> str:
        return f"Case conference #{self.pk}"


class CaseShare(models.Model):
    """A case shared with a partner organisation under an agreement, from `shared_at` until it is
    withdrawn (`withdrawn_at`; the row stays, so who shared what, when, is always known)."""

    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="shares")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="shares")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-shared_at", "-id"]
        verbose_name = _("case share")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["case", "agreement"],
                condition=Q(withdrawn_at__isnull=True),
                name="cases_one_open_share_per_agreement",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partner", "withdrawn_at"], name="cases_share_partner_open"),
        ]

    def __str__(self) -> str:
        return f"Case share #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None
