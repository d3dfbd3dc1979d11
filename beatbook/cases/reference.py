"""Reference data for multi-agency ASB cases, with its sources (../shared facts, §6.4).

* The actions of the Anti-social Behaviour, Crime and Policing Act 2014 toolkit that a
  neighbourhood team takes or asks for, with the part and sections of the Act, and the early
  interventions (warning letter, acceptable behaviour contract, referral) that have no statutory
  basis: they are agreements and letters, so their `legal_basis` is empty on purpose.
* Vulnerability flags for the parties: the headings partner case tools commonly use. They are
  force practice, not law, and a force may need others; "other" takes a note.
* The data categories an information-sharing agreement can allow a partner to see. Each is a
  group of fields of a case; the case's reference, title, status and neighbourhood are always
  shared (a partner cannot work a case without knowing which one it is).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class ActionKind(models.TextChoices):
    WARNING_LETTER = "warning_letter", _("Warning letter")
    ACCEPTABLE_BEHAVIOUR_CONTRACT = "abc", _("Acceptable behaviour contract")
    COMMUNITY_PROTECTION_WARNING = "cpw", _("Community protection warning")
    COMMUNITY_PROTECTION_NOTICE = "cpn", _("Community protection notice")
    DISPERSAL_DIRECTION = "dispersal", _("Dispersal direction")
    CIVIL_INJUNCTION = "civil_injunction", _("Civil injunction application")
    CLOSURE = "closure", _("Closure notice or order")
    REFERRAL = "referral", _("Referral to a support service")


# Where each action comes from: the Act's part and sections (facts §6.4), or nothing for the
# early interventions, which are not statutory.
LEGAL_BASIS: dict[str, StrOrPromise] = {
    ActionKind.WARNING_LETTER: "",
    ActionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT: "",
    ActionKind.COMMUNITY_PROTECTION_WARNING: _(
        "Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 1 (written warning before a notice)"
    ),
    ActionKind.COMMUNITY_PROTECTION_NOTICE: _(
        "Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 1, ss.43-58"
    ),
    ActionKind.DISPERSAL_DIRECTION: _(
        "Anti-social Behaviour, Crime and Policing Act 2014, Part 3, s.35 (authorised under s.34; PCSOs by s.40)"
    ),
    ActionKind.CIVIL_INJUNCTION: _("Anti-social Behaviour, Crime and Policing Act 2014, Part 1, s.1"),
    ActionKind.CLOSURE: _("Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 3, ss.76-93"),
    ActionKind.REFERRAL: "",
}


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    OTHER = "other", _("Other party")


class Vulnerability(models.TextChoices):
    AGE = "age", _("Age (child or older person)")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PHYSICAL_HEALTH = "physical_health", _("Physical health or disability")
    LEARNING_DISABILITY = "learning_disability", _("Learning disability or difficulty")
    SUBSTANCE_MISUSE = "substance_misuse", _("Alcohol or drug misuse")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    ISOLATION = "isolation", _("Lives alone or isolated")
    REPEAT_VICTIM = "repeat_victim", _("Repeat victim")
    OTHER = "other", _("Other (see the note)")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("Behaviour stopped: resolved")
    ENFORCEMENT = "enforcement", _("Enforcement in place (order or injunction)")
    MOVED = "moved", _("Perpetrator moved away")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    NO_ENGAGEMENT = "no_engagement", _("Victim no longer engaging")
    INSUFFICIENT = "insufficient", _("Insufficient evidence to go further")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DataCategory(models.TextChoices):
    """What an information-sharing agreement lets the partner see of a shared case."""

    SUMMARY = "summary", _("What the case is about (summary)")
    PARTIES = "parties", _("Parties: names and roles")
    CONTACT = "contact", _("Parties: addresses, phone numbers, dates of birth")
    VULNERABILITY = "vulnerability", _("Vulnerability of the parties")
    RISK = "risk", _("Risk assessments")
    INCIDENTS = "incidents", _("Linked incidents")
    ACTIONS = "actions", _("Actions taken")
    TASKS = "tasks", _("Partner tasks")
    CONFERENCES = "conferences", _("Case conferences")
