"""Writes of recruitment: campaigns, eligibility rules, applications (submit with the sift, stage
outcomes, withdrawal, appointment) and the retention purge.

Every staff function: keyword-only, `actor` first, the access check first (`recruitment.manage`,
held by the force's recruiters and administrators), validation with field errors, one
transaction, then the audit event. Audit events carry ids, references, stages, dates and reason
codes, never an applicant's name, contact details or date of birth.

Submitting is public (no actor): the applicant is not a user. A refused submission (campaign
closed, duplicate, invalid answers) is audited too, outside the transaction that was rolled back.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.references import next_reference
from beatbook.core.timeutil import now, today
from beatbook.learning.models import Enrolment, Programme
from beatbook.learning.services import programmes as learning
from beatbook.org import policy
from beatbook.org import services as org
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role, Team

from .models import (
    MIN_AGE_CEILING,
    MIN_AGE_FLOOR,
    RESIDENCY_YEARS_MAX,
    STAGE_ORDER,
    Application,
    ApplicationStatus,
    Campaign,
    EligibilityRules,
    Level2Answer,
    Level2Rule,
    Outcome,
    Stage,
    StageRecord,
)
from .selectors import rules_for, token_digest

EARLIEST = dt.date(2000, 1, 1)
CAMPAIGN_YEARS_AHEAD = 2
START_DAYS_AHEAD = 366
RETENTION_MONTHS = 12  # applicant data is erased this long after an application closes
APPLICANT = "applicant (public form)"
REFERENCE_KIND = "REC"


def may_manage(actor: policy.Actor, obj: Any) -> bool:
    return policy.can(actor, policy.Action.MANAGE_RECRUITMENT, obj)


def _require(actor: policy.Actor, obj: Any) -> None:
    policy.require(actor, policy.Action.MANAGE_RECRUITMENT, obj)


# ---- Campaigns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignData:
    title: str
    opens_on: dt.date
    closes_on: dt.date
    description: str = ""
    next_steps: str = ""
    posts: int = 1


def campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "posts": campaign.posts,
    }


def _check_campaign(data: CampaignData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Enter the campaign's title.")]
    latest = today().replace(year=today().year + CAMPAIGN_YEARS_AHEAD)
    for field, day in (("opens_on", data.opens_on), ("closes_on", data.closes_on)):
        if day < EARLIEST or day > latest:
            errors[field] = [_("Enter a date from 2000 to two years from now.")]
    if "closes_on" not in errors and data.closes_on < data.opens_on:
        errors["closes_on"] = [_("The closing date must not be before the opening date.")]
    if data.posts < 1:
        errors["posts"] = [_("Enter at least one post.")]
    if errors:
        raise ValidationError(errors)


def _apply_campaign(campaign: Campaign, data: CampaignData) -> None:
    campaign.title = data.title.strip()
    campaign.description = data.description.strip()
    campaign.opens_on = data.opens_on
    campaign.closes_on = data.closes_on
    campaign.next_steps = data.next_steps.strip()
    campaign.posts = data.posts


@transaction.atomic
def campaign_create(*, actor: Person, force: Force, data: CampaignData, meta: AuditMeta = NO_META) -> Campaign:
    """Create a campaign in the force (its recruiters and administrators)."""
    _require(actor, force)
    _check_campaign(data)
    campaign = Campaign(force=force)
    _apply_campaign(campaign, data)
    campaign.full_clean()
    campaign.save()
    record(actor=actor, event=EventType.CAMPAIGN_CREATED, obj=campaign, after=campaign_snapshot(campaign), meta=meta)
    return campaign


@transaction.atomic
def campaign_update(*, actor: Person, campaign: Campaign, data: CampaignData, meta: AuditMeta = NO_META) -> Campaign:
    """Change a campaign's title, dates, text or posts."""
    _require(actor, campaign)
    _check_campaign(data)
    before = campaign_snapshot(campaign)
    _apply_campaign(campaign, data)
    campaign.full_clean()
    campaign.save()
    record(
        actor=actor,
        event=EventType.CAMPAIGN_UPDATED,
        obj=campaign,
        before=before,
        after=campaign_snapshot(campaign),
        meta=meta,
    )
    return campaign


# ---- Eligibility rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesData:
    min_age: int = 18
    level3_required: bool = True
    level2_rule: str = Level2Rule.ACHIEVABLE
    residency_years: int = 3
    driving_licence_required: bool = False


def rules_snapshot(rules: EligibilityRules) -> dict[str, Any]:
    return {
        "min_age": rules.min_age,
        "level3_required": rules.level3_required,
        "level2_rule": rules.level2_rule,
        "residency_years": rules.residency_years,
        "driving_licence_required": rules.driving_licence_required,
    }


@transaction.atomic
def eligibility_rules_update(
    *, actor: Person, force: Force, data: RulesData, meta: AuditMeta = NO_META
) -> EligibilityRules:
    """Set the force's eligibility rules; they apply to applications submitted from now on."""
    _require(actor, force)
    errors: dict[str, list[str]] = {}
    if not MIN_AGE_FLOOR <= data.min_age <= MIN_AGE_CEILING:
        errors["min_age"] = [_("Enter an age from 16 to 70.")]
    if data.level2_rule not in Level2Rule.values:
        errors["level2_rule"] = [_("Choose when level 2 English and maths are needed.")]
    if not 0 <= data.residency_years <= RESIDENCY_YEARS_MAX:
        errors["residency_years"] = [_("Enter a number of years from 0 to 10.")]
    if errors:
        raise ValidationError(errors)
    rules = rules_for(force)
    before = rules_snapshot(rules) if rules.pk else None
    rules.min_age = data.min_age
    rules.level3_required = data.level3_required
    rules.level2_rule = data.level2_rule
    rules.residency_years = data.residency_years
    rules.driving_licence_required = data.driving_licence_required
    rules.full_clean()
    rules.save()
    record(
        actor=actor,
        event=EventType.ELIGIBILITY_RULES_UPDATED,
        obj=rules,
        force_id=force.pk,
        before=before,
        after=rules_snapshot(rules),
        meta=meta,
    )
    return rules


# ---- The sift -----------------------------------------------------------------------------------


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class SiftResult:
    passed: bool
    reasons: list[str]  # plain English, one per rule not met
    codes: list[str]  # stable codes of the rules not met (for the audit trail)


def sift(rules: EligibilityRules, application: Application, on: dt.date) -> SiftResult:
    """Check an application's answers against the force's rules."""
    reasons: list[str] = []
    codes: list[str] = []
    born = application.date_of_birth
    if born is not None and age_on(born, on) < rules.min_age:
        codes.append("age")
        reasons.append(_("You must be at least %(age)d years old on the day you apply.") % {"age": rules.min_age})
    if rules.level3_required and not application.has_level3:
        codes.append("level3")
        reasons.append(_("You need a level 3 qualification, such as A levels, or an equivalent."))
    if rules.level2_rule == Level2Rule.REQUIRED and application.level2 != Level2Answer.HELD:
        codes.append("level2")
        reasons.append(_("You need level 2 English and maths (GCSE grade 4 or C, or an equivalent) before you start."))
    elif rules.level2_rule == Level2Rule.ACHIEVABLE and application.level2 == Level2Answer.NONE:
        codes.append("level2")
        reasons.append(
            _(
                "You need level 2 English and maths (GCSE grade 4 or C, or an equivalent), or to be willing "
                "to achieve them within the apprenticeship."
            )
        )
    if rules.residency_years and application.residency_years < rules.residency_years:
        codes.append("residency")
        reasons.append(
            _("You must have lived in the UK for the last %(years)d years, so that we can carry out vetting.")
            % {"years": rules.residency_years}
        )
    if rules.driving_licence_required and not application.has_driving_licence:
        codes.append("driving_licence")
        reasons.append(_("You need a full driving licence for this role."))
    return SiftResult(passed=not codes, reasons=reasons, codes=codes)


# ---- Applications -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApplication:
    full_name: str
    email: str
    date_of_birth: dt.date
    has_level3: bool
    level2: str
    residency_years: int
    has_driving_licence: bool
    phone: str = ""


@dataclass(frozen=True)
class Submitted:
    application: Application
    token: str  # the secret of the status link: shown once, only its hash is kept


class _RefusedError(Exception):
    def __init__(self, errors: dict[str, list[str]], code: str) -> None:
        super().__init__(code)
        self.errors = errors
        self.code = code


def application_snapshot(application: Application) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "campaign": application.campaign_id,
        "status": application.status,
        "sift_passed": application.sift_passed,
    }


def _check_new(campaign: Campaign, data: NewApplication, on: dt.date) -> str:
    errors: dict[str, list[str]] = {}
    if not campaign.is_open_on(on):
        raise _RefusedError({"campaign": [_("Applications to this campaign are closed.")]}, "closed")
    if not data.full_name.strip():
        errors["full_name"] = [_("Enter your full name.")]
    email = data.email.strip().lower()
    if not email:
        errors["email"] = [_("Enter your email address.")]
    if data.date_of_birth > on or data.date_of_birth < dt.date(1900, 1, 1):
        errors["date_of_birth"] = [_("Enter your date of birth: it must be in the past.")]
    if data.level2 not in Level2Answer.values:
        errors["level2"] = [_("Say whether you hold level 2 English and maths.")]
    if not 0 <= data.residency_years <= 120:  # a human lifetime
        errors["residency_years"] = [_("Enter the number of years you have lived in the UK.")]
    if errors:
        raise _RefusedError(errors, "invalid")
    if Application.objects.filter(campaign=campaign, email=email).exists():
        raise _RefusedError({"email": [_(DUPLICATE)]}, "duplicate")
    return email


DUPLICATE = (
    "An application from this email address has already been made to this campaign. "
    "Use the status link you were given to follow it."
)


@transaction.atomic
def _submit(campaign: Campaign, data: NewApplication, meta: AuditMeta) -> Submitted:
    on = today()
    email = _check_new(campaign, data, on)
    force = campaign.force
    token = secrets.token_urlsafe(32)
    application = Application(
        force=force,
        campaign=campaign,
        reference=next_reference(force_code=force.short_code, kind=REFERENCE_KIND, year=on.year),
        token_hash=token_digest(token),
        full_name=data.full_name.strip(),
        email=email,
        phone=data.phone.strip(),
        date_of_birth=data.date_of_birth,
        has_level3=data.has_level3,
        level2=data.level2,
        residency_years=data.residency_years,
        has_driving_licence=data.has_driving_licence,
        submitted_at=now(),
    )
    result = sift(rules_for(force), application, on)
    application.sift_passed = result.passed
    application.sift_reasons = result.reasons
    if not result.passed:
        application.status = ApplicationStatus.SIFTED_OUT
        application.closed_at = application.submitted_at
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same email in a concurrent submission
        raise _RefusedError({"email": [_(DUPLICATE)]}, "duplicate") from exc
    StageRecord.objects.create(
        application=application,
        stage=Stage.SIFT,
        on=on,
        outcome=Outcome.PASSED if result.passed else Outcome.FAILED,
        notes="\n".join(result.reasons),
    )
    record(
        actor=None,
        actor_name=APPLICANT,
        event=EventType.APPLICATION_SUBMITTED,
        obj=application,
        after=application_snapshot(application),
        meta=meta,
    )
    record(
        actor=None,
        actor_name=APPLICANT,
        event=EventType.APPLICATION_SIFTED,
        obj=application,
        after={"passed": result.passed, "reasons": result.codes},
        meta=meta,
    )
    return Submitted(application=application, token=token)


def application_submit(*, campaign: Campaign, data: NewApplication, meta: AuditMeta = NO_META) -> Submitted:
    """An applicant applies through the public form. The application is sifted at once against
    the force's eligibility rules; one that fails is closed as sifted out, with its reasons.
    Refused (nothing saved, but audited): the campaign is not open today, the answers are
    invalid, or this email address has already applied to the campaign."""
    try:
        return _submit(campaign, data, meta)
    except _RefusedError as exc:
        with transaction.atomic():
            record(
                actor=None,
                actor_name=APPLICANT,
                event=EventType.APPLICATION_REFUSED,
                obj=campaign,
                after={"campaign": campaign.pk, "why": exc.code, "fields": sorted(exc.errors)},
                meta=meta,
            )
        raise ValidationError(exc.errors) from exc


def _close(application: Application, status: str) -> None:
    application.status = status
    application.closed_at = now()


def _furthest(application: Application) -> StageRecord | None:
    stages = sorted(application.stages.all(), key=lambda s: s.position)
    return stages[-1] if stages else None


def _require_open(application: Application) -> None:
    if application.status != ApplicationStatus.IN_PROGRESS:
        raise ValidationError(
            {"stage": [_("This application is closed (%(status)s).") % {"status": application.get_status_display()}]}
        )


def _check_stage_day(application: Application, previous: StageRecord | None, on: dt.date) -> dict[str, list[str]]:
    submitted_on = timezone.localdate(application.submitted_at)
    if on < submitted_on:
        return {"on": [_("The date must not be before the application was made (%(day)s).") % {"day": submitted_on}]}
    if previous is not None and on < previous.on:
        return {
            "on": [
                _("The date must not be before the previous stage (%(stage)s on %(day)s).")
                % {"stage": previous.get_stage_display(), "day": previous.on}
            ]
        }
    return {}


@transaction.atomic
def stage_record(
    *,
    actor: Person,
    application: Application,
    stage: str,
    on: dt.date,
    outcome: str,
    notes: str = "",
    meta: AuditMeta = NO_META,
) -> StageRecord:
    """Record the date and outcome of the application's next stage. Stages go in order; a stage
    not passed closes the application (unsuccessful, or withdrawn)."""
    _require(actor, application)
    _require_open(application)
    previous = _furthest(application)
    expected = STAGE_ORDER[previous.position + 1] if previous is not None else Stage.SIFT
    errors: dict[str, list[str]] = {}
    if stage not in Stage.values:
        errors["stage"] = [_("Choose the stage.")]
    elif stage == Stage.START:
        errors["stage"] = [_("The start is recorded by appointing the applicant.")]
    elif stage != expected:
        errors["stage"] = [
            _("Stages go in order: the next stage of this application is %(stage)s.") % {"stage": Stage(expected).label}
        ]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if on > today():
        errors["on"] = [_("The date must not be in the future.")]
    else:
        errors.update(_check_stage_day(application, previous, on))
    if errors:
        raise ValidationError(errors)
    row = StageRecord(
        application=application, stage=stage, on=on, outcome=outcome, notes=notes.strip(), recorded_by=actor
    )
    row.full_clean()
    row.save()
    if outcome == Outcome.FAILED:
        _close(application, ApplicationStatus.UNSUCCESSFUL)
    elif outcome == Outcome.WITHDREW:
        _close(application, ApplicationStatus.WITHDRAWN)
    application.save(update_fields=["status", "closed_at"])
    record(
        actor=actor,
        event=EventType.APPLICATION_STAGE_RECORDED,
        obj=application,
        after={"stage": stage, "on": on.isoformat(), "outcome": outcome, "status": application.status},
        meta=meta,
    )
    return row


@transaction.atomic
def application_withdraw(*, actor: Person | None, application: Application, meta: AuditMeta = NO_META) -> Application:
    """Withdraw an application in progress: by the applicant through their status link (no
    actor: the view has checked the link's secret), or by a recruiter."""
    if actor is not None:
        _require(actor, application)
    if application.status != ApplicationStatus.IN_PROGRESS:
        raise ValidationError(_("This application is already closed."))
    _close(application, ApplicationStatus.WITHDRAWN)
    application.save(update_fields=["status", "closed_at"])
    record(
        actor=actor,
        actor_name="" if actor is not None else APPLICANT,
        event=EventType.APPLICATION_WITHDRAWN,
        obj=application,
        after=application_snapshot(application),
        meta=meta,
    )
    return application


# ---- Appointment --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appointed:
    application: Application
    person: Person
    posting: Posting
    enrolment: Enrolment | None


def _programme_of(force_id: int) -> Programme | None:
    return (
        Programme.objects.filter(force_id=force_id, is_active=True, phases__isnull=False)
        .distinct()
        .order_by("name", "id")
        .first()
    )


@transaction.atomic
def applicant_appoint(
    *,
    actor: Person,
    application: Application,
    start_date: dt.date,
    neighbourhood: Neighbourhood | None = None,
    team: Team | None = None,
    meta: AuditMeta = NO_META,
) -> Appointed:
    """Appoint an applicant who has accepted the offer: their account (a person, without a usable
    password until an administrator sets one), a student PCSO posting to the neighbourhood or
    team from the start date, and an enrolment on the force's programme if it has one. The start
    stage is recorded with the start date.

    The account and posting are written as the system (a recruiter does not manage people); the
    appointment event names the recruiter and the records made."""
    _require(actor, application)
    _require_open(application)
    errors: dict[str, list[str]] = {}
    previous = _furthest(application)
    if previous is None or previous.stage != Stage.OFFER or previous.outcome != Outcome.PASSED:
        errors["application"] = [_("Only an applicant who has accepted an offer can be appointed.")]
    elif start_date < previous.on:
        errors["start_date"] = [_("The start date must not be before the offer (%(day)s).") % {"day": previous.on}]
    if start_date > today() + dt.timedelta(days=START_DAYS_AHEAD):
        errors["start_date"] = [_("Enter a start date within a year from now.")]
    if (neighbourhood is None) == (team is None):
        errors["neighbourhood"] = [_("Choose a neighbourhood or a team (one of them).")]
    for area in (neighbourhood, team):
        if area is not None and area.force_id != application.force_id:
            errors["neighbourhood"] = [_("Choose a neighbourhood or team of the force.")]
    if errors:
        raise ValidationError(errors)
    system = org.system_actor()
    force = application.force
    person = org.person_create(
        actor=system,
        force=force,
        data=org.NewPerson(
            username=application.reference.lower(),
            display_name=application.full_name,
            password=secrets.token_urlsafe(24),
            email=application.email,
            rank_title=_("Student PCSO"),
        ),
        meta=meta,
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    posting = org.posting_create(
        actor=system,
        person=person,
        role=Role.PCSO,
        valid_from=start_date,
        neighbourhood=neighbourhood,
        team=team,
        meta=meta,
    )
    programme = _programme_of(force.pk)
    enrolment = None
    if programme is not None:
        enrolment = learning.enrol(actor=actor, person=person, programme=programme, start_date=start_date, meta=meta)
    StageRecord.objects.create(
        application=application, stage=Stage.START, on=start_date, outcome=Outcome.PASSED, recorded_by=actor
    )
    application.person = person
    _close(application, ApplicationStatus.APPOINTED)
    application.save(update_fields=["person", "status", "closed_at"])
    record(
        actor=actor,
        event=EventType.APPLICANT_APPOINTED,
        obj=application,
        after={
            "reference": application.reference,
            "person": person.pk,
            "posting": posting.pk,
            "enrolment": enrolment.pk if enrolment else None,
            "start_date": start_date.isoformat(),
        },
        meta=meta,
    )
    return Appointed(application=application, person=person, posting=posting, enrolment=enrolment)


# ---- Reads that are audited ---------------------------------------------------------------------


def application_viewed(*, actor: Person, application: Application, meta: AuditMeta = NO_META) -> None:
    """Note that a member of staff has read an application (every read is audited)."""
    record(actor=actor, event=EventType.APPLICATION_VIEWED, obj=application, meta=meta)


def applications_listed(
    *, actor: Person, force_ids: list[int], filters: dict[str, Any], count: int, meta: AuditMeta = NO_META
) -> None:
    """Note that a member of staff has listed applications (in each force the list covers)."""
    with transaction.atomic():
        for force_id in force_ids:
            record(
                actor=actor,
                event=EventType.APPLICATIONS_LISTED,
                force_id=force_id,
                after={**filters, "count": count},
                meta=meta,
            )


# ---- Retention ----------------------------------------------------------------------------------


def _months_before(day: dt.datetime, months: int) -> dt.datetime:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    return day.replace(year=year, month=month, day=28)


@dataclass(frozen=True)
class PurgeResult:
    erased: int
    references: list[str]


@transaction.atomic
def applications_purge(*, actor: Person, months: int = RETENTION_MONTHS, meta: AuditMeta = NO_META) -> PurgeResult:
    """Erase the personal data (name, contact details, date of birth, stage notes) of applications
    closed more than `months` ago, in the forces where the actor manages recruitment (all, for the
    system actor). The reference, campaign, answers, stages and outcomes stay, for statistics."""
    if months < 1:
        raise ValidationError({"months": [_("Keep applicant data for at least one month.")]})
    if policy.is_system(actor):
        forces = list(Force.objects.values_list("pk", flat=True))
    else:
        forces = list(policy.forces_where(actor, policy.Action.MANAGE_RECRUITMENT).values_list("pk", flat=True))
        if not forces:
            raise PermissionDenied(_("You do not have permission to do that."))
    cutoff = _months_before(now(), months)
    due = Application.objects.filter(Q(force_id__in=forces), closed_at__lt=cutoff, erased_at__isnull=True).order_by(
        "force_id", "id"
    )
    rows = list(due.values_list("pk", "force_id", "reference"))
    if not rows:
        return PurgeResult(erased=0, references=[])
    ids = [pk for pk, _force, _ref in rows]
    StageRecord.objects.filter(application_id__in=ids).update(notes="")
    Application.objects.filter(pk__in=ids).update(full_name="", email="", phone="", date_of_birth=None, erased_at=now())
    by_force: dict[int, list[str]] = {}
    for _pk, force_id, reference in rows:
        by_force.setdefault(force_id, []).append(reference)
    for force_id, references in by_force.items():
        record(
            actor=actor,
            event=EventType.APPLICATIONS_PURGED,
            force_id=force_id,
            after={"months": months, "count": len(references), "references": references},
            meta=meta,
        )
    return PurgeResult(erased=len(rows), references=[ref for _pk, _f, ref in rows])
