"""Designated powers: the force's catalogue of powers, what its chief officer designates to
PCSOs (force designations), what each person is designated (officer designations), and the
penalty offences with their statutory amount ranges and each issuing authority's tariff.

History is kept, never overwritten: a force designation or an officer designation is ended or
withdrawn (from now on, never in the past) and a new one made, so that the powers a person held
at any past moment can always be found again (`selectors.check_power`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.learning.models import Course
from beatbook.org.models import Force, PartnerOrganisation

from .reference import Extent, PowerKind, Verification


class Power(models.Model):
    """One power in a force's catalogue: its code (the same code in every force, so forces can be
    compared), what it is called and allows in plain English, its legal basis, its kind, how sure
    the catalogue is of the legal basis, and its rule parameters (for example
    `{"limit_minutes": 30}` for detention). `training_course`, when set, is the course a person
    must have passed before the power can be designated to them."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="powers")
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("what it allows"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PowerKind.choices)
    verification = models.CharField(_("legal basis checked"), max_length=20, choices=Verification.choices)
    source = models.TextField(_("source"), blank=True)
    parameters = models.JSONField(_("rule parameters"), default=dict, blank=True)
    training_course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="powers",
        verbose_name=_("training required"),
    )
    catalogue_version = models.CharField(_("catalogue version"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["force", "kind", "title", "id"]
        verbose_name = _("power")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "code"], name="powers_power_code_per_force"),
        ]

    def __str__(self) -> str:
        return self.title


class PenaltyOffence(models.Model):
    """An offence that a penalty power covers: the offence's statute, the provision that gives
    the penalty notice, and the youngest recipient allowed (18 for a penalty notice for
    disorder)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="offences")
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("offence"), max_length=160)
    statute = models.CharField(_("offence under"), max_length=200)
    notice_provision = models.CharField(_("penalty notice under"), max_length=200)
    minimum_age = models.PositiveSmallIntegerField(_("youngest recipient (years)"), null=True, blank=True)
    verification = models.CharField(_("checked"), max_length=20, choices=Verification.choices)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["force", "title", "id"]
        verbose_name = _("penalty offence")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "code"], name="powers_offence_code_per_force"),
        ]

    def __str__(self) -> str:
        return self.title


class PenaltyAmountRange(models.Model):
    """The statutory range of a penalty offence's amount from a date (until the next range of the
    same offence starts). `minimum` is empty where the law sets only a maximum."""

    offence = models.ForeignKey(PenaltyOffence, on_delete=models.PROTECT, related_name="amount_ranges")
    valid_from = models.DateField(_("from"))
    minimum = models.DecimalField(_("lowest amount (£)"), max_digits=7, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("highest amount (£)"), max_digits=7, decimal_places=2)
    verification = models.CharField(_("checked"), max_length=20, choices=Verification.choices)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["offence", "valid_from", "id"]
        verbose_name = _("penalty amount range")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["offence", "valid_from"], name="powers_range_once_per_date"),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True) | Q(maximum__gte=F("minimum")), name="powers_range_min_below_max"
            ),
        ]

    def __str__(self) -> str:
        return f"Amount range #{self.pk}"

    def allows(self, amount: Decimal) -> bool:
        return (self.minimum is None or amount >= self.minimum) and amount <= self.maximum


class PenaltyTariff(models.Model):
    """What an issuing authority (a council, or the force itself when `issuing_authority` is
    empty) charges for an offence from `valid_from` to `valid_to` (inclusive; open-ended when
    empty): the amount, the discounted amount for early payment within `discount_days`, and the
    days allowed to pay."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="penalty_tariffs")
    offence = models.ForeignKey(PenaltyOffence, on_delete=models.PROTECT, related_name="tariffs")
    issuing_authority = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penalty_tariffs",
        verbose_name=_("issuing authority"),
    )
    amount = models.DecimalField(_("amount (£)"), max_digits=7, decimal_places=2)
    discounted_amount = models.DecimalField(
        _("early-payment amount (£)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    discount_days = models.PositiveSmallIntegerField(_("early payment within (days)"), null=True, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("days to pay"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["force", "offence", "issuing_authority", "-valid_from", "id"]
        verbose_name = _("penalty tariff")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="powers_tariff_dates"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="powers_tariff_amount_positive"),
            models.CheckConstraint(
                condition=Q(discounted_amount__isnull=True, discount_days__isnull=True)
                | Q(discounted_amount__isnull=False, discount_days__isnull=False, discounted_amount__lt=F("amount")),
                name="powers_tariff_discount_complete",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["offence", "issuing_authority", "valid_from"], name="powers_tariff_lookup"),
        ]

    def __str__(self) -> str:
        return f"Tariff #{self.pk}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ForceDesignation(models.Model):
    """The force's chief officer designates a power to the force's PCSOs from `valid_from` to
    `valid_to` (inclusive; open-ended when empty), to its full extent or only in the conditions
    described, with rule parameters that override the catalogue's (for example a shorter
    detention limit). Rows are never rewritten: a change ends this row and starts a new one."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="force_designations")
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="force_designations")
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    extent = models.CharField(_("extent"), max_length=10, choices=Extent.choices, default=Extent.FULL)
    conditions = models.TextField(_("conditions"), blank=True)
    parameters = models.JSONField(_("rule parameters"), default=dict, blank=True)
    decision_reference = models.CharField(_("chief officer's decision"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["force", "power", "-valid_from", "id"]
        verbose_name = _("force designation")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="powers_force_des_dates"
            ),
            models.CheckConstraint(
                condition=Q(extent=Extent.FULL) | ~Q(conditions=""), name="powers_force_des_limited_needs_conditions"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["power", "valid_from"], name="powers_force_des_lookup"),
        ]

    def __str__(self) -> str:
        return f"Force designation #{self.pk}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Designation(models.Model):
    """A chief officer's designation of one person (the designation card): the powers it confers
    (`DesignationPower`), from `valid_from` to `valid_to` (inclusive; open-ended when empty), who
    signed it and when; withdrawn at a moment (`withdrawn_at`, never in the past) with a reason.
    A change to someone's powers withdraws this designation and makes a new one that
    `supersedes` it."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="designations")
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations")
    powers = models.ManyToManyField(Power, through="DesignationPower", related_name="designations")
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    signed_by_name = models.CharField(_("signed by"), max_length=160)
    signed_on = models.DateField(_("signed on"))
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-valid_from", "-id"]
        verbose_name = _("designation")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="powers_designation_dates"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="powers_designation_withdrawal_reason",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["person", "valid_from"], name="powers_designation_person"),
            models.Index(fields=["force", "valid_to"], name="powers_designation_expiry"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New designation"))

    def in_force_at(self, moment: dt.datetime, day: dt.date) -> bool:
        """In force at `moment`, whose Europe/London date is `day`."""
        return (
            self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
            and (self.withdrawn_at is None or moment < self.withdrawn_at)
        )


class DesignationPower(models.Model):
    """One power conferred by a designation, to its full extent or only in the circumstances
    described."""

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="designation_powers")
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="+")
    extent = models.CharField(_("extent"), max_length=10, choices=Extent.choices, default=Extent.FULL)
    conditions = models.TextField(_("conditions"), blank=True)

    class Meta:
        ordering = ["designation", "power", "id"]
        verbose_name = _("designated power")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["designation", "power"], name="powers_power_once_per_designation"),
            models.CheckConstraint(
                condition=Q(extent=Extent.FULL) | ~Q(conditions=""), name="powers_des_power_limited_needs_conditions"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["power", "designation"], name="powers_des_power_lookup"),
        ]

    def __str__(self) -> str:
        return f"Designated power #{self.pk}"
