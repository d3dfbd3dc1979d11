"""The organisation: forces, neighbourhoods, teams, partner organisations, people and postings.

What belongs here: who works where, in which role, and from when to when. Access decisions built
on these rows live in `policy.py`; writes go through `services.py`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.core import geo


class Country(models.TextChoices):
    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")


# Ids a force may not take: the public police.uk-compatible API serves /api/<force>/... after its
# fixed methods and after /api/v1/, so a force with one of these ids could never be read there.
RESERVED_FORCE_IDS = frozenset(
    {
        "v1",
        "forces",
        "crimes-street",
        "crimes-street-dates",
        "crime-categories",
        "crime-last-updated",
        "crimes-at-location",
        "crimes-no-location",
        "outcomes-for-crime",
        "outcomes-at-location",
        "stops-street",
        "stops-at-location",
        "stops-no-location",
        "stops-force",
        "locate-neighbourhood",
    }
)
# A neighbourhood id that the API's /api/<force>/neighbourhoods path would shadow.
RESERVED_NEIGHBOURHOOD_IDS = frozenset({"neighbourhoods"})


class Force(models.Model):
    """A territorial police force, identified by its police.uk id (e.g. `cambridgeshire`)."""

    slug = models.SlugField(_("police.uk id"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices)
    short_code = models.CharField(
        _("reference prefix"),
        max_length=8,
        unique=True,
        help_text=_("Upper-case prefix of human references, e.g. CAMBS in CAMBS-ASB-2026-000123."),
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    telephone = models.CharField(_("telephone"), max_length=30, blank=True, default="101")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("force")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug and self.slug.lower() in RESERVED_FORCE_IDS:
            raise ValidationError({"slug": _("This id is reserved by the public API; choose another.")})


# A police.uk-style neighbourhood id: letters, digits, hyphens and underscores (e.g. E05001234, NC04).
NEIGHBOURHOOD_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
# The largest population a PositiveIntegerField holds on every supported database.
POPULATION_MAX = 2_147_483_647


class Neighbourhood(models.Model):
    """A policing neighbourhood with its police.uk-style id and boundary polygon.

    The boundary is a GeoJSON geometry; the bounding box and centre are derived from it by the
    service that saves it, so that "which neighbourhood is this point in" pre-filters in SQL.
    """

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="neighbourhoods")
    code = models.CharField(_("police.uk id"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    min_lat = models.FloatField(blank=True, editable=False)  # derived from the boundary
    max_lat = models.FloatField(blank=True, editable=False)  # derived from the boundary
    min_lng = models.FloatField(blank=True, editable=False)  # derived from the boundary
    max_lng = models.FloatField(blank=True, editable=False)  # derived from the boundary
    centre_lat = models.FloatField(blank=True, editable=False)  # derived from the boundary
    centre_lng = models.FloatField(blank=True, editable=False)  # derived from the boundary
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["force__name", "name"]
        verbose_name = _("neighbourhood")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "code"], name="org_neighbourhood_code_per_force"),
            models.CheckConstraint(condition=Q(min_lat__lte=F("max_lat")), name="org_neighbourhood_bbox_lat"),
            models.CheckConstraint(condition=Q(min_lng__lte=F("max_lng")), name="org_neighbourhood_bbox_lng"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"], name="org_nbhd_bbox"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.code and not re.fullmatch(NEIGHBOURHOOD_CODE_PATTERN, self.code):
            errors["code"] = _("Use only letters, digits, hyphens and underscores, for example E05001234.")
        elif self.code and self.code.lower() in RESERVED_NEIGHBOURHOOD_IDS:
            errors["code"] = _("This id is reserved by the public API; choose another.")
        try:
            parsed = geo.parse_boundary(self.boundary)
        except ValidationError as exc:
            raise ValidationError(exc.update_error_dict(errors)) from exc
        if errors:
            raise ValidationError(errors)
        self.boundary = parsed.geometry
        self.min_lat, self.max_lat = parsed.bbox.min_lat, parsed.bbox.max_lat
        self.min_lng, self.max_lng = parsed.bbox.min_lng, parsed.bbox.max_lng
        self.centre_lat, self.centre_lng = parsed.centre_lat, parsed.centre_lng


class Team(models.Model):
    """A neighbourhood policing team covering one or more neighbourhoods of its force."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="teams", blank=True)

    class Meta:
        ordering = ["force__name", "name"]
        verbose_name = _("team")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "name"], name="org_team_name_per_force"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerOrganisation(models.Model):
    """An agency the force works with (council, housing association, school, ...).

    Its users see nothing in Beatbook until a later feature shares records with the
    organisation under a recorded information-sharing agreement.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        HOUSING_ASSOCIATION = "housing_association", _("Housing association")
        SCHOOL = "school", _("School")
        HEALTH = "health", _("Health")
        FIRE = "fire", _("Fire and rescue")
        VOLUNTARY = "voluntary", _("Voluntary organisation")
        OTHER = "other", _("Other")

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["force__name", "name"]
        verbose_name = _("partner organisation")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "name"], name="org_partner_name_per_force"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PCSO = "pcso", _("PCSO")
    OFFICER = "officer", _("Police officer")
    SUPERVISOR = "supervisor", _("Supervisor (line manager)")
    TUTOR = "tutor", _("Tutor")
    ASSESSOR = "assessor", _("Assessor")
    TRAINER = "trainer", _("Trainer")
    ANALYST = "analyst", _("Analyst")
    RECRUITER = "recruiter", _("Recruiter")
    PARTNER = "partner", _("Partner user")
    FORCE_ADMIN = "force_admin", _("Force administrator")
    AUDITOR = "auditor", _("Auditor")


class PersonManager(UserManager["Person"]):
    pass


class Person(AbstractUser):
    """A user account and its profile: force, collar number, name, rank and language.

    Accounts are never deleted (audit events point at them); leavers are deactivated.
    """

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="people", null=True, blank=True)
    collar_number = models.CharField(_("staff or collar number"), max_length=20, blank=True)
    display_name = models.CharField(_("display name"), max_length=120)
    rank_title = models.CharField(_("rank or role title"), max_length=80, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en-gb"
    )
    partner_organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    is_system = models.BooleanField(default=False, editable=False)
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["force", "collar_number"],
                condition=~Q(collar_number=""),
                name="org_person_collar_per_force",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.partner_organisation is not None and self.partner_organisation.force_id != self.force_id:
            raise ValidationError({"partner_organisation": _("The organisation belongs to another force.")})


# Roles whose posting must name a neighbourhood or a team, may name one, or must not.
AREA_REQUIRED_ROLES = frozenset({Role.PCSO, Role.OFFICER, Role.SUPERVISOR})
AREA_OPTIONAL_ROLES = frozenset({Role.TUTOR, Role.ASSESSOR})
FORCE_WIDE_ROLES = frozenset({Role.TRAINER, Role.ANALYST, Role.RECRUITER, Role.FORCE_ADMIN, Role.AUDITOR})


class Posting(models.Model):
    """A person's role in an area of a force, from one date to another (open-ended if no end).

    Area: a neighbourhood, a team (all the team's neighbourhoods), or neither (force-wide, only
    for force-wide roles and for tutors and assessors who work across the force).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="postings")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="postings")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="postings"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="postings")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "id"]
        verbose_name = _("posting")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(neighbourhood__isnull=True) | Q(team__isnull=True),
                name="org_posting_one_area",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="org_posting_dates_in_order",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["person", "valid_from", "valid_to"], name="org_posting_person_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.get_role_display()} - {self.area_name}"

    @property
    def area_name(self) -> str:
        if self.neighbourhood_id:
            return str(self.neighbourhood)
        if self.team_id:
            return str(self.team)
        return str(self.force)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        role = Role(self.role) if self.role in Role.values else None
        has_area = bool(self.neighbourhood_id or self.team_id)
        if self.neighbourhood_id and self.team_id:
            errors["team"] = _("Post to a neighbourhood or to a team, not both.")
        if role in AREA_REQUIRED_ROLES and not has_area:
            errors["neighbourhood"] = _("This role needs a neighbourhood or a team.")
        if role in FORCE_WIDE_ROLES | {Role.PARTNER} and has_area:
            errors["neighbourhood"] = _("This role is force-wide: leave the neighbourhood and team empty.")
        if self.neighbourhood is not None and self.neighbourhood.force_id != self.force_id:
            errors["neighbourhood"] = _("The neighbourhood belongs to another force.")
        if self.team is not None and self.team.force_id != self.force_id:
            errors["team"] = _("The team belongs to another force.")
        if self.person_id and self.person.force_id != self.force_id:
            errors["person"] = _("The person belongs to another force.")
        if role == Role.PARTNER and self.person_id and not self.person.partner_organisation_id:
            errors["role"] = _("Only a member of a partner organisation can hold the partner role.")
        if role != Role.PARTNER and self.person_id and self.person.partner_organisation_id:
            errors["role"] = _("A partner organisation's member can only hold the partner role.")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date must not be before the start date.")
        if errors:
            raise ValidationError(errors)
