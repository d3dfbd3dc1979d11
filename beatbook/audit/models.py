"""The audit trail: an append-only, hash-chained record of who did and saw what.

What belongs here: the event row, its chain heads, and the guards that make it append-only.
Writing events is `audit.services.record()`; verifying is `audit.chain`.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.IntegerChoices):
    """Audit event types, numbered in ranges per domain (100s accounts, 200s organisation, ...).

    Numbers are stable: they are part of the hashed record. Add new ones; never renumber.
    """

    LOGIN_SUCCEEDED = 101, _("Logged in")
    LOGIN_FAILED = 102, _("Failed login")
    LOGGED_OUT = 103, _("Logged out")
    ACCOUNT_LOCKED = 104, _("Account locked after failed logins")
    PASSWORD_CHANGED = 105, _("Password changed")
    API_TOKEN_CREATED = 110, _("API token created")
    API_TOKEN_REVOKED = 111, _("API token revoked")

    FORCE_CREATED = 201, _("Force created")
    NEIGHBOURHOOD_CREATED = 210, _("Neighbourhood created")
    NEIGHBOURHOOD_UPDATED = 211, _("Neighbourhood updated")
    TEAM_CREATED = 220, _("Team created")
    TEAM_UPDATED = 221, _("Team updated")
    PARTNER_CREATED = 230, _("Partner organisation created")
    PERSON_CREATED = 240, _("Person created")
    PERSON_UPDATED = 241, _("Person updated")
    PERSON_DEACTIVATED = 242, _("Person deactivated")
    POSTING_CREATED = 250, _("Posting created")
    POSTING_ENDED = 251, _("Posting ended")
    PEOPLE_EXPORTED = 260, _("People exported")

    AUDIT_SEARCHED = 301, _("Audit trail searched")
    AUDIT_EXPORTED = 302, _("Audit trail exported")
    AUDIT_CHAIN_VERIFIED = 303, _("Audit chain verified")

    JOB_STARTED = 401, _("Job started")

    INCIDENT_CREATED = 501, _("Incident recorded")
    INCIDENT_UPDATED = 502, _("Incident updated")
    INCIDENT_STATUS_CHANGED = 503, _("Incident status changed")
    INCIDENT_NEIGHBOURHOOD_CORRECTED = 504, _("Incident neighbourhood corrected")
    INCIDENT_PERSON_ADDED = 505, _("Person added to an incident")
    INCIDENT_VIEWED = 506, _("Incident viewed")
    INCIDENTS_EXPORTED = 507, _("Incidents exported")
    ALERT_RAISED = 520, _("Alert raised")
    ALERT_ACKNOWLEDGED = 521, _("Alert acknowledged")
    ALERT_UPDATED = 522, _("Alert updated by a further incident")
    INCIDENT_RULES_UPDATED = 530, _("Incident rules updated")

    PATROL_STARTED = 601, _("Patrol started")
    PATROL_ENDED = 602, _("Patrol ended")
    PATROL_VISIT_RECORDED = 603, _("Patrol visit recorded")
    PATROL_UPDATED = 604, _("Patrol updated")
    HOTSPOT_PLAN_CREATED = 610, _("Hot-spot plan created")
    HOTSPOT_PLAN_UPDATED = 611, _("Hot-spot plan updated")
    HOTSPOT_PLAN_ENDED = 612, _("Hot-spot plan ended")
    HOTSPOT_PLANNER_SETTINGS_UPDATED = 613, _("Hot-spot planner settings updated")

    ASB_CASE_OPENED = 701, _("ASB case opened")
    ASB_CASE_UPDATED = 702, _("ASB case updated")
    ASB_CASE_INCIDENT_LINKED = 703, _("Incident linked to an ASB case")
    ASB_CASE_PARTY_ADDED = 704, _("Party added to an ASB case")
    ASB_CASE_PARTY_UPDATED = 705, _("ASB case party updated")
    ASB_CASE_RISK_ASSESSED = 706, _("ASB case risk assessed")
    ASB_CASE_ACTION_ADDED = 707, _("ASB case action added")
    ASB_CASE_ACTION_UPDATED = 708, _("ASB case action updated")
    ASB_CASE_TASK_ADDED = 709, _("Partner task added to an ASB case")
    ASB_CASE_TASK_UPDATED = 710, _("ASB case partner task updated")
    ASB_CASE_CONFERENCE_RECORDED = 711, _("ASB case conference recorded")
    ASB_CASE_CLOSED = 712, _("ASB case closed")
    ASB_CASE_VIEWED = 713, _("ASB case viewed")
    ASB_CASES_EXPORTED = 714, _("ASB cases exported")
    SHARING_AGREEMENT_CREATED = 720, _("Information-sharing agreement recorded")
    SHARING_AGREEMENT_UPDATED = 721, _("Information-sharing agreement updated")
    ASB_CASE_SHARED = 722, _("ASB case shared with a partner")
    ASB_CASE_UNSHARED = 723, _("ASB case no longer shared with a partner")

    POWERS_CATALOGUE_LOADED = 801, _("Powers catalogue loaded")
    POWER_CREATED = 802, _("Power added to the catalogue")
    POWER_UPDATED = 803, _("Power updated")
    PENALTY_TARIFF_SET = 810, _("Penalty tariff set")
    PENALTY_TARIFF_ENDED = 811, _("Penalty tariff ended")
    FORCE_DESIGNATION_CREATED = 820, _("Power designated to the force's PCSOs")
    FORCE_DESIGNATION_ENDED = 821, _("Force designation ended")
    DESIGNATION_CREATED = 830, _("Person designated")
    DESIGNATION_WITHDRAWN = 831, _("Designation withdrawn")
    COURSE_CREATED = 840, _("Course created")
    TRAINING_RECORDED = 841, _("Training recorded")

    ENFORCEMENT_RECORDED = 901, _("Enforcement recorded")
    ENFORCEMENT_REFUSED = 902, _("Enforcement refused: power not held")
    ENFORCEMENT_UPDATED = 903, _("Enforcement record updated")
    ENFORCEMENT_VIEWED = 904, _("Enforcement record viewed")
    ENFORCEMENT_EXPORTED = 905, _("Enforcement register exported")
    DETENTION_ENDED = 910, _("Detention ended")
    PENALTY_STATUS_CHANGED = 920, _("Penalty notice status changed")
    PENALTY_PRINTED = 921, _("Penalty notice printed")
    DISPERSAL_AUTHORISED = 930, _("Dispersal authorisation recorded")
    DISPERSAL_AUTHORISATION_ENDED = 931, _("Dispersal authorisation ended early")

    ENGAGEMENT_EVENT_CREATED = 1001, _("Engagement event planned")
    ENGAGEMENT_EVENT_UPDATED = 1002, _("Engagement event updated")
    ENGAGEMENT_EVENT_RECORDED = 1003, _("Engagement event recorded as held")
    ENGAGEMENT_EVENT_CANCELLED = 1004, _("Engagement event cancelled")
    ENGAGEMENT_EVENTS_EXPORTED = 1005, _("Engagement events exported")
    PRIORITY_CREATED = 1011, _("Neighbourhood priority set")
    PRIORITY_UPDATED = 1012, _("Neighbourhood priority updated")
    PRIORITY_ACTION_ADDED = 1013, _("Action recorded on a priority")
    PRIORITY_STATUS_CHANGED = 1014, _("Neighbourhood priority status changed")
    PRIORITY_PUBLISHED = 1015, _("Neighbourhood priority published")
    PRIORITY_UNPUBLISHED = 1016, _("Neighbourhood priority withdrawn from publication")
    PRIORITIES_EXPORTED = 1017, _("Neighbourhood priorities exported")
    COMMUNITY_SETTINGS_UPDATED = 1021, _("Community settings updated")
    NEIGHBOURHOOD_PAGE_UPDATED = 1022, _("Public neighbourhood page updated")
    PUBLIC_PROFILE_UPDATED = 1023, _("Public profile updated")

    CRIME_IMPORT_STARTED = 1101, _("police.uk crime file import started")
    CRIME_IMPORT_FINISHED = 1102, _("police.uk crime file imported")
    CRIMES_PUBLISHED = 1103, _("Incidents published as open data")
    PUBLIC_CRIMES_EXPORTED = 1104, _("Public crimes exported")
    SNAP_POINTS_LOADED = 1105, _("Snap points loaded")

    CAMPAIGN_CREATED = 1201, _("Recruitment campaign created")
    CAMPAIGN_UPDATED = 1202, _("Recruitment campaign changed")
    ELIGIBILITY_RULES_UPDATED = 1203, _("Eligibility rules changed")
    APPLICATION_SUBMITTED = 1211, _("Application submitted")
    APPLICATION_REFUSED = 1212, _("Application refused (duplicate or invalid)")
    APPLICATION_SIFTED = 1213, _("Application sifted against eligibility rules")
    APPLICATION_VIEWED = 1214, _("Application viewed")
    APPLICATION_STAGE_RECORDED = 1215, _("Application stage outcome recorded")
    APPLICATION_WITHDRAWN = 1216, _("Application withdrawn")
    APPLICATIONS_LISTED = 1217, _("Applications listed")
    APPLICATIONS_EXPORTED = 1218, _("Applications exported")
    APPLICANT_APPOINTED = 1221, _("Applicant appointed as a student PCSO")
    APPLICATIONS_PURGED = 1231, _("Applicant data erased at the end of retention")

    PROGRAMME_CREATED = 1301, _("Learning programme created")
    PROGRAMME_UPDATED = 1302, _("Learning programme changed")
    PROGRAMME_UNITS_LOADED = 1303, _("Programme units and criteria loaded")
    ENROLMENT_CREATED = 1311, _("Learner enrolled")
    ENROLMENT_UPDATED = 1312, _("Enrolment changed")
    ENROLMENT_PHASE_CHANGED = 1313, _("Learner moved to another phase")
    ENROLMENT_WITHDRAWN = 1314, _("Enrolment withdrawn")
    ENROLMENT_COMPLETED = 1315, _("Programme completed")
    MILESTONE_SIGNED_OFF = 1321, _("Milestone signed off (IPS or FOC)")
    MILESTONE_SIGN_OFF_REFUSED = 1322, _("Milestone sign-off refused")
    MILESTONE_SIGN_OFF_REVOKED = 1323, _("Milestone sign-off revoked")
    REVIEW_RECORDED = 1331, _("Progress review recorded")
    REVIEW_SCHEDULED = 1332, _("Progress review scheduled")
    REVIEW_UPDATED = 1333, _("Progress review changed")
    COHORT_VIEWED = 1341, _("Cohort dashboard viewed")

    EVIDENCE_CREATED = 1401, _("Portfolio evidence added")
    EVIDENCE_UPDATED = 1402, _("Portfolio evidence changed")
    EVIDENCE_WITHDRAWN = 1403, _("Portfolio evidence withdrawn")
    EVIDENCE_FROM_RECORD = 1404, _("Operational record proposed as evidence (redacted copy made)")
    EVIDENCE_SUBMITTED = 1405, _("Portfolio evidence submitted for assessment")
    EVIDENCE_JUDGED = 1411, _("Evidence judged against a criterion")
    EVIDENCE_ORIGINAL_VIEWED = 1412, _("Original record behind evidence viewed")
    PORTFOLIO_VIEWED = 1421, _("Portfolio viewed")
    PORTFOLIO_EXPORTED = 1422, _("Portfolio exported as PDF")

    FRAMEWORKS_LOADED = 1501, _("Competency frameworks loaded")
    FORCE_FRAMEWORK_SET = 1502, _("Force's competency framework chosen")
    CPD_ENTRY_CREATED = 1511, _("CPD activity recorded")
    CPD_ENTRY_UPDATED = 1512, _("CPD activity changed")
    CPD_ENTRY_DELETED = 1513, _("CPD activity deleted")
    CPD_EXPORTED = 1514, _("CPD log exported")
    PDR_OPENED = 1521, _("PDR opened")
    PDR_RATING_RECORDED = 1522, _("PDR competency rated")
    PDR_OBJECTIVE_ADDED = 1523, _("PDR objective added")
    PDR_OBJECTIVE_UPDATED = 1524, _("PDR objective updated")
    PDR_SIGNED_OFF = 1525, _("PDR signed off")
    PDR_ACKNOWLEDGED = 1526, _("PDR acknowledged")
    PDR_REOPENED = 1527, _("PDR reopened")


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events are append-only: they cannot be deleted.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise PermissionError("Audit events are append-only: they cannot be updated.")


class AuditChain(models.Model):
    """The head of one hash chain (one per force, plus `platform` for events with no force).

    Writers lock this row while they append, so chains never share one global lock.
    """

    name = models.CharField(max_length=60, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """One thing that happened: an actor did (or saw) something to an object, at a time.

    Each event carries the hash of the one before it in its chain; `hash` covers every field
    below and `prev_hash`, so changing or removing any event breaks the chain from there on.
    """

    chain = models.CharField(max_length=60)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=160)
    event_type = models.PositiveSmallIntegerField(choices=EventType.choices)
    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    neighbourhood = models.ForeignKey(
        "org.Neighbourhood", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "occurred_at"], name="audit_force_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["content_type", "object_id", "occurred_at"], name="audit_object_time"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.get_event_type_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only: they cannot be deleted.")
