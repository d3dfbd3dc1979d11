"""Fixed vocabularies of the powers app (the powers themselves are data: `data/baseline.json`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PowerKind(models.TextChoices):
    NAME_ADDRESS = "name_address", _("Require name and address")
    DETAIN = "detain", _("Detain pending a constable")
    PENALTY = "penalty", _("Penalty notice for an offence")
    SEIZE = "seize", _("Seize or confiscate")
    DIRECT = "direct", _("Direct")
    ENTER = "enter", _("Enter")
    OTHER = "other", _("Other")


class Verification(models.TextChoices):
    """How sure the catalogue is of a fact (from `domain/facts.md`)."""

    VERIFIED = "verified", _("Verified in the cited source")
    SECONDARY = "secondary", _("From a secondary source")
    NOT_VERIFIED = "not_verified", _("Not verified")


class Extent(models.TextChoices):
    """Schedule 3C para 1: a designation applies a power to its full extent, or only in cases or
    circumstances described in the designation."""

    FULL = "full", _("To its full extent")
    LIMITED = "limited", _("Only in the circumstances described")


# The codes of the powers that Beatbook's enforcement records use (the catalogue may hold more).
REQUIRE_NAME_ADDRESS = "require-name-address"
DETAIN = "detain-pending-constable"
DISPERSAL = "dispersal-direction"
SEIZE_DRUGS = "seize-controlled-drugs"
SEIZE_ALCOHOL_UNDER_18 = "confiscate-alcohol-under-18"
SEIZE_ALCOHOL_RESTRICTED = "confiscate-alcohol-restricted-area"
SEIZE_TOBACCO_UNDER_16 = "seize-tobacco-under-16"
SEIZE_VEHICLE = "seize-vehicle-s59"
