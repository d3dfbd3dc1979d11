"""Reference data for incidents, with its sources (see ../shared facts, §6 and §8.2).

* The police.uk street-level categories: the 14 slugs the police.uk API uses (`all-crime` is a
  query value, not a category, so it is not here). Labels as the API commonly returns them.
* The NSIR qualifiers for anti-social behaviour (personal, nuisance, environmental), in the
  Metropolitan Police's published wording.
* The 13 ASB type headings the Metropolitan Police publishes with its ASB data.
* THRIVE: the six elements of the risk assessment (no statutory basis; force practice).

One module, imported wherever these lists are needed, so that a change is made once. The
version string changes whenever a list does; records keep the slug they were saved with.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

REFERENCE_VERSION = "2026-11"


class Category(models.TextChoices):
    """police.uk street-level categories (slugs as in the police.uk API)."""

    ANTI_SOCIAL_BEHAVIOUR = "anti-social-behaviour", _("Anti-social behaviour")
    BICYCLE_THEFT = "bicycle-theft", _("Bicycle theft")
    BURGLARY = "burglary", _("Burglary")
    CRIMINAL_DAMAGE_ARSON = "criminal-damage-arson", _("Criminal damage and arson")
    DRUGS = "drugs", _("Drugs")
    OTHER_THEFT = "other-theft", _("Other theft")
    POSSESSION_OF_WEAPONS = "possession-of-weapons", _("Possession of weapons")
    PUBLIC_ORDER = "public-order", _("Public order")
    ROBBERY = "robbery", _("Robbery")
    SHOPLIFTING = "shoplifting", _("Shoplifting")
    THEFT_FROM_THE_PERSON = "theft-from-the-person", _("Theft from the person")
    VEHICLE_CRIME = "vehicle-crime", _("Vehicle crime")
    VIOLENT_CRIME = "violent-crime", _("Violence and sexual offences")
    OTHER_CRIME = "other-crime", _("Other crime")


class AsbQualifier(models.TextChoices):
    """The National Standard for Incident Recording's three ASB qualifiers."""

    PERSONAL = "personal", _("Personal")
    NUISANCE = "nuisance", _("Nuisance")
    ENVIRONMENTAL = "environmental", _("Environmental")


class AsbType(models.TextChoices):
    """ASB type headings (Metropolitan Police, London Datastore)."""

    VEHICLE_ABANDONED = "vehicle-abandoned", _("Vehicle abandoned (not stolen)")
    VEHICLE_NUISANCE = "vehicle-nuisance", _("Vehicle nuisance or inappropriate use")
    ROWDY_INCONSIDERATE = "rowdy-inconsiderate", _("Rowdy or inconsiderate behaviour")
    ROWDY_NEIGHBOURS = "rowdy-neighbours", _("Rowdy or nuisance neighbours")
    LITTERING_DRUGS = "littering-drug-paraphernalia", _("Littering or drug paraphernalia")
    ANIMAL_PROBLEMS = "animal-problems", _("Animal problems")
    TRESPASS = "trespass", _("Trespass")
    NUISANCE_COMMUNICATIONS = "nuisance-communications", _("Malicious or nuisance communications")
    STREET_DRINKING = "street-drinking", _("Street drinking")
    PROSTITUTION = "prostitution-related", _("Prostitution-related activity")
    NOISE = "noise", _("Noise")
    BEGGING_VAGRANCY = "begging-vagrancy", _("Begging or vagrancy")
    FIREWORKS = "fireworks", _("Fireworks")


class HowReported(models.TextChoices):
    PHONE_101 = "phone-101", _("101 call")
    PHONE_999 = "phone-999", _("999 call")
    ONLINE = "online", _("Online report")
    IN_PERSON = "in-person", _("In person to an officer or PCSO")
    FRONT_COUNTER = "front-counter", _("At a police station front counter")
    PATROL = "patrol", _("Found on patrol")
    PARTNER = "partner", _("Referred by a partner agency")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """A THRIVE element's assessment, and the overall risk level."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# THRIVE's six elements: (field name, label, what the assessor considers).
THRIVE_ELEMENTS: tuple[tuple[str, StrOrPromise, StrOrPromise], ...] = (
    ("thrive_threat", _("Threat"), _("A communicated or perceived intent to inflict harm or loss.")),
    ("thrive_harm", _("Harm"), _("Physical or psychological injury or damage, done or likely.")),
    ("thrive_risk", _("Risk"), _("The likelihood of the harm occurring.")),
    ("thrive_investigation", _("Investigation"), _("What enquiries or action the incident needs.")),
    (
        "thrive_vulnerability",
        _("Vulnerability"),
        _("Whether anyone is unable to protect themselves or others from harm or exploitation."),
    ),
    ("thrive_engagement", _("Engagement"), _("The chance to engage, reassure or prevent.")),
)
THRIVE_FIELDS = tuple(name for name, _label, _hint in THRIVE_ELEMENTS)
