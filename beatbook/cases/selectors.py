"""Reads of ASB cases and information-sharing agreements, scoped to the actor in SQL.

Who sees a case:
* people of the force whose postings cover the case's neighbourhood (`policy.neighbourhoods_in_scope`)
  see all of it;
* a partner user (an active partner posting in the case's force) sees it only while it is shared
  with their organisation under an agreement in force today, and then only the data categories
  those agreements allow (`CaseView.allows`). Anyone else gets "not found", as for a case that
  does not exist.

Opening a case (`case_open_for`) is audited, for everyone: the case holds names, addresses and
vulnerabilities, and partners' reads must be accountable to the force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.timeutil import today
from beatbook.incidents import selectors as incident_selectors
from beatbook.incidents.models import Incident
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Person, Role
from beatbook.org.selectors import NOT_FOUND, get_visible

from .models import (
    AsbCase,
    CaseAction,
    CaseConference,
    CaseIncident,
    CaseParty,
    CaseShare,
    PartnerTask,
    RiskAssessment,
    SharingAgreement,
)
from .reference import ActionStatus, CaseStatus, DataCategory, TaskStatus

ALL_CATEGORIES = frozenset(DataCategory.values)


# ---- agreements ----------------------------------------------------------------------------


def agreements_in_force(on: dt.date) -> Q:
    """Agreements that hold on a day (inclusive dates, not ended early before it)."""
    return Q(starts_on__lte=on, ends_on__gte=on) & (Q(ended_early_on__isnull=True) | Q(ended_early_on__gte=on))


def agreements_visible_to(actor: policy.Actor) -> QuerySet[SharingAgreement]:
    """Agreements of the forces where the actor holds a posting; a partner user sees only their
    own organisation's."""
    if policy.is_system(actor):
        agreements = SharingAgreement.objects.all()
    elif not policy.is_person(actor):
        return SharingAgreement.objects.none()
    else:
        agreements = SharingAgreement.objects.filter(partner__in=policy.partners_in_scope(actor).values("pk"))
        if actor.partner_organisation_id is not None:
            agreements = agreements.filter(partner_id=actor.partner_organisation_id)
    return agreements.select_related("force", "partner", "created_by").order_by("partner__name", "-starts_on", "id")


def agreement_get_for(*, actor: policy.Actor, agreement_id: Any) -> SharingAgreement:
    return get_visible(agreements_visible_to(actor), agreement_id)


def agreements_to_share_under(case: AsbCase) -> QuerySet[SharingAgreement]:
    """Agreements of the case's force in force today, not already used to share the case."""
    already = CaseShare.objects.filter(case=case, withdrawn_at__isnull=True).values("agreement_id")
    return (
        SharingAgreement.objects.filter(agreements_in_force(today()), force_id=case.force_id)
        .exclude(pk__in=already)
        .select_related("partner")
        .order_by("partner__name", "title")
    )


# ---- partner access ------------------------------------------------------------------------


def is_partner(actor: policy.Actor) -> bool:
    return policy.is_person(actor) and actor.partner_organisation_id is not None


def _partner_forces(actor: Person) -> QuerySet[Any]:
    return policy.active_postings(actor).filter(role=Role.PARTNER).values("force_id")


def partner_shares(actor: policy.Actor) -> QuerySet[CaseShare]:
    """The open shares that give a partner user access today: their organisation's, under an
    agreement in force, for a case of a force where their partner posting is active."""
    if not is_partner(actor):
        return CaseShare.objects.none()
    assert isinstance(actor, Person)
    on = today()
    in_force = SharingAgreement.objects.filter(agreements_in_force(on), partner_id=actor.partner_organisation_id)
    return CaseShare.objects.filter(
        withdrawn_at__isnull=True,
        partner_id=actor.partner_organisation_id,
        agreement_id__in=in_force.values("pk"),
        case__force_id__in=_partner_forces(actor),
    )


def cases_visible_to(actor: policy.Actor) -> QuerySet[AsbCase]:
    if policy.is_system(actor):
        cases = AsbCase.objects.all()
    elif not policy.is_person(actor):
        return AsbCase.objects.none()
    else:
        scope = Q(neighbourhood__in=policy.neighbourhoods_in_scope(actor).values("pk"))
        if is_partner(actor):
            scope |= Q(pk__in=partner_shares(actor).values("case_id"))
        cases = AsbCase.objects.filter(scope)
    return cases.select_related("force", "neighbourhood", "lead").order_by("-created_at", "-id")


def categories_for(actor: policy.Actor, case: AsbCase) -> frozenset[str]:
    """The data categories of the case the actor may see: all of them for the force's own people
    who see the case, the union of the categories of the agreements it is shared under for a
    partner user (one query)."""
    if not is_partner(actor):
        return ALL_CATEGORIES
    found: set[str] = set()
    for categories in partner_shares(actor).filter(case=case).values_list("agreement__data_categories", flat=True):
        found.update(c for c in categories or [] if c in ALL_CATEGORIES)
    return frozenset(found)


# ---- filters and lists ---------------------------------------------------------------------


class CaseFlag:
    VULNERABLE = "vulnerable"
    REVIEW_DUE = "review_due"
    HIGH_RISK = "high_risk"
    SHARED = "shared"

    CHOICES = (
        (VULNERABLE, gettext_lazy("Vulnerable party")),
        (REVIEW_DUE, gettext_lazy("Risk review due")),
        (HIGH_RISK, gettext_lazy("High risk")),
        (SHARED, gettext_lazy("Shared with a partner")),
    )


@dataclass(frozen=True)
class CaseFilters:
    """What a case list or export is narrowed to. Dates (when the case was opened) are London
    dates, inclusive."""

    neighbourhood_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    person: str = ""
    flag: str = ""
    reference: str = ""
    category: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items() if v not in (None, "")
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cases_matching(actor: policy.Actor, filters: CaseFilters) -> QuerySet[AsbCase]:
    """The visible cases that match. A partner's search by person only looks at names when their
    agreements let them see the parties; a flag they may not see matches nothing."""
    cases = cases_visible_to(actor)
    if filters.neighbourhood_id is not None:
        cases = cases.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.date_from is not None:
        cases = cases.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        cases = cases.filter(created_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.reference.strip():
        cases = cases.filter(reference__icontains=filters.reference.strip())
    if filters.category:
        linked = CaseIncident.objects.filter(incident__category=filters.category).values("case_id")
        cases = cases.filter(pk__in=linked)
    partner = is_partner(actor)
    if filters.person.strip():
        term = filters.person.strip()
        if partner:
            cases = cases.filter(pk__in=_partner_cases_with(actor, DataCategory.PARTIES))
        parties = CaseParty.objects.filter(name__icontains=term)
        cases = cases.filter(pk__in=parties.values("case_id"))
    match filters.flag:
        case CaseFlag.VULNERABLE:
            if partner:
                cases = cases.filter(pk__in=_partner_cases_with(actor, DataCategory.VULNERABILITY))
            cases = cases.filter(pk__in=CaseParty.objects.exclude(vulnerabilities=[]).values("case_id"))
        case CaseFlag.REVIEW_DUE:
            if partner:
                cases = cases.filter(pk__in=_partner_cases_with(actor, DataCategory.RISK))
            cases = cases.filter(status=CaseStatus.OPEN, review_on__lte=today())
        case CaseFlag.HIGH_RISK:
            if partner:
                cases = cases.filter(pk__in=_partner_cases_with(actor, DataCategory.RISK))
            cases = cases.filter(risk_level="high")
        case CaseFlag.SHARED:
            if partner:
                return cases.none()
            cases = cases.filter(pk__in=CaseShare.objects.filter(withdrawn_at__isnull=True).values("case_id"))
    return cases


def _partner_cases_with(actor: policy.Actor, category: str) -> QuerySet[Any]:
    """Ids of the cases shared with a partner under an agreement that allows a data category
    (matched in Python-free SQL on the JSON list: a JSON containment test differs between the
    databases, so the agreements are listed first; there are few)."""
    allowed = [
        pk
        for pk, categories in SharingAgreement.objects.filter(
            pk__in=partner_shares(actor).values("agreement_id")
        ).values_list("pk", "data_categories")
        if category in (categories or [])
    ]
    return partner_shares(actor).filter(agreement_id__in=allowed).values("case_id")


def case_list(actor: policy.Actor, filters: CaseFilters) -> QuerySet[AsbCase]:
    """The list page's rows, with counts for the columns (one query)."""
    return cases_matching(actor, filters).annotate(
        incident_count=Count("case_incidents", distinct=True),
        open_action_count=Count("actions", filter=Q(actions__status=ActionStatus.PLANNED), distinct=True),
    )


# ---- one case ------------------------------------------------------------------------------


@dataclass
class CaseView:
    """A case as one actor may see it: the case, with its parts loaded, and which data
    categories they may see (templates and the API ask `allows`)."""

    case: AsbCase
    categories: frozenset[str]
    partner: PartnerOrganisation | None = None
    parties: list[CaseParty] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    risk_assessments: list[RiskAssessment] = field(default_factory=list)
    actions: list[CaseAction] = field(default_factory=list)
    tasks: list[PartnerTask] = field(default_factory=list)
    conferences: list[CaseConference] = field(default_factory=list)
    shares: list[CaseShare] = field(default_factory=list)

    def allows(self, category: str) -> bool:
        return category in self.categories

    @property
    def is_partner_view(self) -> bool:
        return self.partner is not None


CONTACT_FIELDS = ("address", "phone", "date_of_birth")
VULNERABILITY_FIELDS = ("vulnerabilities", "vulnerability_notes")


def _parties_within(case: AsbCase, categories: frozenset[str]) -> list[CaseParty]:
    """The case's parties, with the fields the categories do not allow neither read from the
    database nor present on the rows (blank), so no template or API schema can show them."""
    hidden: list[str] = []
    if DataCategory.CONTACT not in categories:
        hidden += CONTACT_FIELDS
    if DataCategory.VULNERABILITY not in categories:
        hidden += VULNERABILITY_FIELDS
    parties = list(case.parties.defer(*hidden).order_by("role", "id"))
    for party in parties:
        for name in hidden:
            blank: Any = None if name == "date_of_birth" else ([] if name == "vulnerabilities" else "")
            setattr(party, name, blank)
    return parties


def case_get_for(*, actor: policy.Actor, case_id: Any, action: policy.Action = policy.Action.VIEW) -> AsbCase:
    """One visible case (404 otherwise); for the pages that act on it (not audited)."""
    case = get_visible(cases_visible_to(actor), case_id)
    if action != policy.Action.VIEW:
        policy.require(actor, action, case)
    return case


def case_view(actor: policy.Actor, case: AsbCase) -> CaseView:
    """The case's parts the actor may see, each loaded in one query (a part their categories do
    not allow is not read at all)."""
    categories = categories_for(actor, case)
    partner_org = None
    if is_partner(actor):
        assert isinstance(actor, Person)
        partner_org = actor.partner_organisation
    view = CaseView(case=case, categories=categories, partner=partner_org)
    if DataCategory.PARTIES in categories:
        view.parties = _parties_within(case, categories)
    if DataCategory.INCIDENTS in categories:
        view.incidents = list(
            Incident.objects.filter(pk__in=case.case_incidents.values("incident_id"))
            .select_related("neighbourhood")
            .order_by("-occurred_at", "-id")
        )
    if DataCategory.RISK in categories:
        view.risk_assessments = list(
            case.risk_assessments.select_related("assessed_by").order_by("-assessed_at", "-id")
        )
    if DataCategory.ACTIONS in categories:
        view.actions = list(
            case.actions.select_related("owner", "owner_partner", "party").order_by("status", "due_on", "id")
        )
    tasks = case.tasks.select_related("partner").order_by("status", "due_on", "id")
    if DataCategory.TASKS not in categories:
        # A partner always sees the tasks given to their own organisation: they have to do them.
        tasks = tasks.filter(partner=partner_org) if partner_org is not None else tasks.none()
    view.tasks = list(tasks)
    if DataCategory.CONFERENCES in categories:
        view.conferences = list(
            case.conferences.prefetch_related(
                Prefetch("attendees", queryset=Person.objects.order_by("display_name", "id")),
                Prefetch("partners", queryset=PartnerOrganisation.objects.order_by("name")),
            ).order_by("-held_on", "-id")
        )
    if partner_org is None:
        view.shares = list(
            case.shares.select_related("agreement", "partner", "shared_by", "withdrawn_by").order_by(
                "-shared_at", "-id"
            )
        )
    return view


def case_open_for(*, actor: policy.Actor, case_id: Any, meta: AuditMeta = NO_META) -> CaseView:
    """One visible case, with what the actor may see of it: the read is audited (for a partner,
    with their organisation and the categories they were shown)."""
    case = case_get_for(actor=actor, case_id=case_id)
    view = case_view(actor, case)
    after: dict[str, Any] | None = None
    if view.partner is not None:
        after = {"partner": view.partner.name, "categories": sorted(view.categories)}
    record(
        actor=actor,
        event=EventType.ASB_CASE_VIEWED,
        obj=case,
        neighbourhood_id=case.neighbourhood_id,
        after=after,
        meta=meta,
    )
    return view


def may_manage(actor: policy.Actor, case: AsbCase) -> bool:
    return policy.can(actor, policy.Action.MANAGE_ASB_CASES, case)


def may_share(actor: policy.Actor, case: AsbCase) -> bool:
    return policy.can(actor, policy.Action.SHARE_ASB_CASES, case)


def may_update_task(actor: policy.Actor, task: PartnerTask) -> bool:
    """The case's managers, or a member of the task's organisation while the case is shared
    with it."""
    if may_manage(actor, task.case):
        return True
    if not is_partner(actor):
        return False
    assert isinstance(actor, Person)
    return (
        task.partner_id == actor.partner_organisation_id and partner_shares(actor).filter(case_id=task.case_id).exists()
    )


def task_get_for(*, actor: policy.Actor, task_id: Any) -> PartnerTask:
    """A partner task of a visible case; a partner without the tasks category sees only their
    organisation's tasks."""
    tasks = PartnerTask.objects.filter(case__in=cases_visible_to(actor).values("pk")).select_related(
        "case", "case__neighbourhood", "partner"
    )
    task = get_visible(tasks, task_id)
    if is_partner(actor) and DataCategory.TASKS not in categories_for(actor, task.case):
        assert isinstance(actor, Person)
        if task.partner_id != actor.partner_organisation_id:
            raise Http404(_(NOT_FOUND))
    return task


def managing_neighbourhoods(actor: policy.Actor) -> QuerySet[Neighbourhood]:
    return (
        policy.neighbourhoods_for(actor, policy.Action.MANAGE_ASB_CASES)
        .select_related("force")
        .order_by("force__name", "name")
    )


def linkable_incidents(actor: policy.Actor, case: AsbCase) -> QuerySet[Incident]:
    """Incidents the actor sees in the case's force and not yet linked to it."""
    return (
        incident_selectors.incidents_visible_to(actor)
        .filter(force_id=case.force_id)
        .exclude(pk__in=case.case_incidents.values("incident_id"))
    )


def lead_choices(case_force_id: int) -> QuerySet[Person]:
    """People who can lead a case in a force: its active staff (no partner members)."""
    return Person.objects.filter(
        force_id=case_force_id, is_active=True, is_system=False, partner_organisation=None
    ).order_by("display_name", "id")


def partners_of(force_id: int) -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(force_id=force_id).order_by("name")


def open_tasks_for_partner(actor: policy.Actor) -> QuerySet[PartnerTask]:
    """A partner user's organisation's open tasks on the cases shared with them (their home page)."""
    if not is_partner(actor):
        return PartnerTask.objects.none()
    assert isinstance(actor, Person)
    return (
        PartnerTask.objects.filter(
            partner_id=actor.partner_organisation_id,
            status=TaskStatus.OPEN,
            case_id__in=partner_shares(actor).values("case_id"),
        )
        .select_related("case")
        .order_by("due_on", "id")
    )


def reviews_due_for(actor: policy.Actor) -> QuerySet[AsbCase]:
    """Open cases in the actor's managing neighbourhoods whose risk review is due (home page)."""
    areas = policy.neighbourhoods_for(actor, policy.Action.MANAGE_ASB_CASES).values("pk")
    return (
        AsbCase.objects.filter(status=CaseStatus.OPEN, review_on__lte=today(), neighbourhood__in=areas)
        .select_related("neighbourhood")
        .order_by("review_on", "id")
    )
