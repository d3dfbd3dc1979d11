"""Fixed vocabularies of enforcement records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beatbook.powers import reference as powers


class RecordKind(models.TextChoices):
    NAME_ADDRESS = "name_address", _("Requirement to give name and address")
    DETENTION = "detention", _("Detention pending a constable")
    PENALTY = "penalty", _("Penalty notice")
    SEIZURE = "seizure", _("Confiscation or seizure")
    VEHICLE_WARNING = "vehicle_warning", _("Vehicle warning (s.59)")
    DISPERSAL = "dispersal", _("Dispersal direction")


class RelevantOffence(models.TextChoices):
    """Why a name and address was required (Police Reform Act 2002 Sch 3C para 3, "relevant
    offence" (a) to (f), and "relevant licensing offence")."""

    PENALTY_OFFENCE = "penalty_offence", _("An offence the officer may give a penalty notice for")
    VAGRANCY = "vagrancy", _("Vagrancy Act 1824 s.3 or s.4")
    PARKS = "parks", _("Parks Regulation Act 1872 offence in a specified park")
    DISPERSAL_BREACH = "dispersal_breach", _("Failing to comply with a dispersal direction (ASBCPA 2014 s.39)")
    BYELAW = "byelaw", _("An offence under a listed byelaw")
    HARM = "harm", _("An offence causing injury, alarm or distress to another person")
    DAMAGE = "damage", _("An offence causing loss of, or damage to, another person's property")
    LICENSING = "licensing", _("A relevant licensing offence (Licensing Act 2003)")


class Compliance(models.TextChoices):
    COMPLIED = "complied", _("Gave a name and address")
    REFUSED = "refused", _("Refused")
    SUSPECTED_FALSE = "suspected_false", _("Gave one the officer suspects is false or inaccurate")


class DetentionOutcome(models.TextChoices):
    CONSTABLE_ARRIVED = "constable_arrived", _("A constable arrived")
    RELEASED = "released", _("Released")
    ELECTED_STATION = "elected_station", _("Went with the officer to a police station")
    MADE_OFF = "made_off", _("Made off")


class PenaltyStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    UNPAID = "unpaid", _("Unpaid")
    REFERRED = "referred", _("Referred for prosecution")
    CANCELLED = "cancelled", _("Cancelled")


# issued → paid | unpaid | cancelled; unpaid → paid | referred | cancelled.
PENALTY_TRANSITIONS: dict[str, frozenset[str]] = {
    PenaltyStatus.ISSUED: frozenset({PenaltyStatus.PAID, PenaltyStatus.UNPAID, PenaltyStatus.CANCELLED}),
    PenaltyStatus.UNPAID: frozenset({PenaltyStatus.PAID, PenaltyStatus.REFERRED, PenaltyStatus.CANCELLED}),
    PenaltyStatus.PAID: frozenset(),
    PenaltyStatus.REFERRED: frozenset(),
    PenaltyStatus.CANCELLED: frozenset(),
}


class SeizureKind(models.TextChoices):
    ALCOHOL_UNDER_18 = "alcohol_under_18", _("Alcohol from a person under 18")
    ALCOHOL_RESTRICTED_AREA = "alcohol_restricted_area", _("Alcohol in a restricted area")
    TOBACCO_UNDER_16 = "tobacco_under_16", _("Tobacco or cigarette papers from a person under 16")
    CONTROLLED_DRUGS = "controlled_drugs", _("Controlled drugs")
    VEHICLE_S59 = "vehicle_s59", _("Vehicle used in an anti-social manner (s.59)")


# The power each kind of seizure needs, and the age under which the subject must be.
SEIZURE_POWER: dict[str, str] = {
    SeizureKind.ALCOHOL_UNDER_18: powers.SEIZE_ALCOHOL_UNDER_18,
    SeizureKind.ALCOHOL_RESTRICTED_AREA: powers.SEIZE_ALCOHOL_RESTRICTED,
    SeizureKind.TOBACCO_UNDER_16: powers.SEIZE_TOBACCO_UNDER_16,
    SeizureKind.CONTROLLED_DRUGS: powers.SEIZE_DRUGS,
    SeizureKind.VEHICLE_S59: powers.SEIZE_VEHICLE,
}
SEIZURE_AGE_BELOW: dict[str, int] = {SeizureKind.ALCOHOL_UNDER_18: 18, SeizureKind.TOBACCO_UNDER_16: 16}


class Disposal(models.TextChoices):
    DESTROYED = "destroyed", _("Destroyed")
    RETAINED = "retained", _("Retained as evidence")
    HANDED_TO_CONSTABLE = "handed_to_constable", _("Handed to a constable")
    RETURNED = "returned", _("Returned to the owner")
    VEHICLE_REMOVED = "vehicle_removed", _("Vehicle removed and stored")


class AuthorisingRank(models.TextChoices):
    """Section 34: an officer of at least the rank of inspector authorises the dispersal power."""

    INSPECTOR = "inspector", _("Inspector")
    CHIEF_INSPECTOR = "chief_inspector", _("Chief inspector")
    SUPERINTENDENT = "superintendent", _("Superintendent")
    CHIEF_SUPERINTENDENT = "chief_superintendent", _("Chief superintendent")
    CHIEF_OFFICER = "chief_officer", _("Chief officer")


class RemovedTo(models.TextChoices):
    HOME = "home", _("Where they live")
    PLACE_OF_SAFETY = "place_of_safety", _("A place of safety")


# Section 34/35: an authorisation and a direction each last no more than 48 hours.
DISPERSAL_MAX_HOURS = 48
# Section 59: a vehicle may be seized without a fresh warning if one was given in the past 12 months.
VEHICLE_WARNING_MONTHS = 12
