"""Enforcement records: requirements to give a name and address, detentions pending a constable,
penalty notices, confiscations and seizures, s.59 vehicle warnings and dispersal directions,
and the inspector's dispersal authorisations that directions are given under.

Every record is one `EnforcementRecord` (what is common: who, when, where, the subject, the
power used and the verdict of the powers check at that moment) and one detail row of its kind.
The verdict (`power_check`) is stored when the record is saved and never recomputed, so a later
change to a designation never changes it. Writes go through `services.py`.
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
from beatbook.org.models import Force, Neighbourhood
from beatbook.powers.models import Designation, ForceDesignation, PenaltyOffence, PenaltyTariff, Power

from .reference import (
    AuthorisingRank,
    Compliance,
    DetentionOutcome,
    Disposal,
    PenaltyStatus,
    RecordKind,
    RelevantOffence,
    RemovedTo,
    SeizureKind,
)


class EnforcementRecord(models.Model):
    """What every enforcement record has: the officer, the moment and the place (its
    neighbourhood found from the point), the incident it belongs to if any, the subject, and the
    power used with the verdict of the powers check at that moment (`power_check`, a snapshot
    made by `beatbook.powers.check.PowerCheck.snapshot`). `uuid` is made by the client, so a
    submission sent twice is stored once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="enforcement_records")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="enforcement_records")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enforcement_records", editable=False
    )
    occurred_at = models.DateTimeField(_("when"))
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    location_text = models.CharField(_("place"), max_length=200, blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="enforcement_records"
    )
    subject_name = models.CharField(_("name of the person"), max_length=120, blank=True)
    subject_date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    subject_age = models.PositiveSmallIntegerField(_("apparent age (if date of birth unknown)"), null=True, blank=True)
    subject_address = models.CharField(_("address of the person"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="+", editable=False)
    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="+", editable=False)
    force_designation = models.ForeignKey(ForceDesignation, on_delete=models.PROTECT, related_name="+", editable=False)
    power_check = models.JSONField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("enforcement record")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "-occurred_at"], name="enf_area_time"),
            models.Index(fields=["force", "kind", "-occurred_at"], name="enf_force_kind_time"),
            models.Index(fields=["officer", "-occurred_at"], name="enf_officer_time"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New enforcement record"))

    def subject_age_on(self, day: dt.date) -> int | None:
        """The subject's age on `day`: from the date of birth when known, else the apparent age."""
        born = self.subject_date_of_birth
        if born is None:
            return self.subject_age
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class NameAddressRequirement(models.Model):
    """A requirement to give a name and address (Sch 3C para 3): why, and whether the person
    complied."""

    record = models.OneToOneField(
        EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="name_address"
    )
    reason = models.CharField(_("relevant offence"), max_length=20, choices=RelevantOffence.choices)
    offence_details = models.TextField(_("what the officer had reason to believe"))
    compliance = models.CharField(_("result"), max_length=20, choices=Compliance.choices)

    class Meta:
        verbose_name = _("name and address requirement")

    def __str__(self) -> str:
        return f"Name and address requirement #{self.pk}"


class Detention(models.Model):
    """A detention pending a constable, after a name-and-address requirement that was refused or
    suspected false: started at the record's `occurred_at`, the limit that applied (minutes, from
    the powers check), when a constable was requested, and how it ended."""

    record = models.OneToOneField(
        EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="detention"
    )
    requirement = models.ForeignKey(
        NameAddressRequirement, on_delete=models.PROTECT, related_name="detentions", verbose_name=_("after requirement")
    )
    limit_minutes = models.PositiveSmallIntegerField(_("limit (minutes)"), editable=False)
    constable_requested_at = models.DateTimeField(_("constable requested at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    outcome = models.CharField(_("how it ended"), max_length=20, choices=DetentionOutcome.choices, blank=True)
    constable_arrived_at = models.DateTimeField(_("constable arrived at"), null=True, blank=True)
    elected_station = models.BooleanField(_("chose to go to a police station instead"), default=False)
    force_used = models.BooleanField(_("reasonable force used"), default=False)
    force_details = models.TextField(_("force used: what and why"), blank=True)

    class Meta:
        verbose_name = _("detention")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, outcome="") | Q(ended_at__isnull=False) & ~Q(outcome=""),
                name="enf_detention_end_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(force_used=False) | ~Q(force_details=""), name="enf_detention_force_details"
            ),
        ]

    def __str__(self) -> str:
        return f"Detention #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def must_end_by(self) -> dt.datetime:
        """The moment the limit runs out: the person must be released by then."""
        return self.record.occurred_at + dt.timedelta(minutes=self.limit_minutes)


class PenaltyNotice(models.Model):
    """A penalty notice: the offence, the tariff it was charged under (amount, early-payment
    amount and deadlines fixed when issued), and where it stands."""

    record = models.OneToOneField(EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="penalty")
    offence = models.ForeignKey(PenaltyOffence, on_delete=models.PROTECT, related_name="notices")
    tariff = models.ForeignKey(PenaltyTariff, on_delete=models.PROTECT, related_name="notices")
    issuing_authority_name = models.CharField(_("issuing authority"), max_length=160, editable=False)
    amount = models.DecimalField(_("amount (£)"), max_digits=7, decimal_places=2)
    discounted_amount = models.DecimalField(
        _("early-payment amount (£)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    discount_deadline = models.DateField(_("early payment by"), null=True, blank=True)
    payment_deadline = models.DateField(_("pay by"))
    offence_details = models.TextField(_("what the person did"))
    status = models.CharField(_("status"), max_length=10, choices=PenaltyStatus.choices, default=PenaltyStatus.ISSUED)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("penalty notice")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(status=PenaltyStatus.CANCELLED) | ~Q(status_reason=""),
                name="enf_penalty_cancel_needs_reason",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="enf_penalty_amount_positive"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "payment_deadline"], name="enf_penalty_status_due"),
        ]

    def __str__(self) -> str:
        return f"Penalty notice #{self.pk}"


class VehicleWarning(models.Model):
    """A warning under Police Reform Act 2002 s.59 that a vehicle is being used in an anti-social
    manner: a later seizure of the same vehicle, or from the same driver, within 12 months needs
    no fresh warning. `registration` is stored normalised (upper case, no spaces)."""

    record = models.OneToOneField(
        EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="vehicle_warning"
    )
    registration = models.CharField(_("registration"), max_length=12, db_index=True)
    vehicle_description = models.CharField(_("vehicle"), max_length=120, blank=True)
    manner = models.TextField(_("how it was being used"))

    class Meta:
        verbose_name = _("vehicle warning")

    def __str__(self) -> str:
        return f"Vehicle warning #{self.pk}"


class Seizure(models.Model):
    """A confiscation or seizure: what, how much, and what was done with it. A s.59 vehicle
    seizure names the earlier warning it relies on, or why a warning was impracticable."""

    record = models.OneToOneField(EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="seizure")
    kind = models.CharField(_("kind"), max_length=30, choices=SeizureKind.choices)
    item = models.CharField(_("item"), max_length=160)
    quantity = models.CharField(_("quantity"), max_length=60)
    disposal = models.CharField(_("disposal"), max_length=20, choices=Disposal.choices)
    disposal_notes = models.TextField(_("disposal details"), blank=True)
    registration = models.CharField(_("registration"), max_length=12, blank=True, db_index=True)
    warning = models.ForeignKey(
        VehicleWarning, on_delete=models.PROTECT, null=True, blank=True, related_name="seizures"
    )
    warning_impracticable_reason = models.TextField(_("why a warning was impracticable"), blank=True)

    class Meta:
        verbose_name = _("seizure")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(kind=SeizureKind.VEHICLE_S59)
                | (~Q(registration="") & (Q(warning__isnull=False) | ~Q(warning_impracticable_reason=""))),
                name="enf_vehicle_seizure_needs_warning",
            ),
        ]

    def __str__(self) -> str:
        return f"Seizure #{self.pk}"


class DispersalAuthorisation(models.Model):
    """An authorisation under ASBCPA 2014 s.34: an officer of at least inspector rank authorises
    the dispersal power in a locality for at most 48 hours, in writing, with the grounds. Ended
    early by setting `ended_at` (never in the past)."""

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="dispersal_authorisations")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="dispersal_authorisations")
    locality = models.TextField(_("locality"))
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"), null=True, blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    authorised_by_name = models.CharField(_("authorised by"), max_length=160)
    authorised_by_rank = models.CharField(_("rank"), max_length=30, choices=AuthorisingRank.choices)
    grounds = models.TextField(_("grounds"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("dispersal authorisation")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="enf_authorisation_ends_after_start"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "starts_at", "ends_at"], name="enf_authorisation_area_time"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New dispersal authorisation"))

    @property
    def last_moment(self) -> dt.datetime:
        return min(self.ends_at, self.ended_at) if self.ended_at else self.ends_at

    def active_at(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment < self.last_moment


class DispersalDirection(models.Model):
    """A direction under s.35 to leave the locality and not return until `excluded_until` (at most
    48 hours), given under an authorisation in force at that moment; in writing unless not
    reasonably practicable; a person under 16 may be taken home or to a place of safety."""

    record = models.OneToOneField(
        EnforcementRecord, on_delete=models.PROTECT, primary_key=True, related_name="dispersal"
    )
    authorisation = models.ForeignKey(DispersalAuthorisation, on_delete=models.PROTECT, related_name="directions")
    exclusion_area = models.TextField(_("area the person must leave and not return to"))
    excluded_until = models.DateTimeField(_("not to return until"))
    leave_by = models.CharField(_("time and route of leaving"), max_length=200, blank=True)
    behaviour = models.TextField(_("the behaviour that led to the direction"))
    in_writing = models.BooleanField(_("given in writing"), default=True)
    not_in_writing_reason = models.TextField(_("why not in writing"), blank=True)
    told_offence = models.BooleanField(_("told that failing to comply is an offence"), default=False)
    under_16 = models.BooleanField(_("believed to be under 16"), default=False)
    removed_to = models.CharField(_("taken to"), max_length=20, choices=RemovedTo.choices, blank=True)
    removed_to_address = models.CharField(_("address taken to"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dispersal direction")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(in_writing=True) | ~Q(not_in_writing_reason=""), name="enf_direction_writing_reason"
            ),
            models.CheckConstraint(
                condition=Q(removed_to="") | Q(under_16=True), name="enf_direction_removal_only_under_16"
            ),
        ]

    def __str__(self) -> str:
        return f"Dispersal direction #{self.pk}"
