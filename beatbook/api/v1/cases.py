"""Multi-agency ASB cases, and the information-sharing agreements they are shared under.

Reads go through `beatbook.cases.selectors` (scoped to the caller: the cases of the
neighbourhoods they see, and, for a partner user, the cases shared with their organisation under
an agreement in force today); writes through `beatbook.cases.services` (which check permission
again, refuse any change to a closed case, validate and audit). Opening one case is audited
(`ASB_CASE_VIEWED`), for everyone: it holds names, addresses and vulnerabilities.

A partner user gets the same endpoints, with what their agreements do not share set to **null**
(never left out: see `case_schemas`); a case not shared with them is 404, as one that does not
exist. They may change nothing but their own organisation's tasks (`POST /tasks/{id}/finish`).

A change that can overwrite someone else's (the case's text or lead, a risk assessment, closing)
names the `version` of the case it was made on: when the case has changed since, nothing is saved
and the answer is 409. A new case may carry a client `uuid`: sending it again returns the case
stored the first time, with 201 as then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.cases import selectors, services
from beatbook.cases.models import (
    AsbCase,
    CaseAction,
    CaseConference,
    CaseParty,
    CaseShare,
    PartnerTask,
    RiskAssessment,
    SharingAgreement,
)
from beatbook.cases.reference import (
    LEGAL_BASIS,
    ActionKind,
    ActionStatus,
    ClosureReason,
    DataCategory,
    PartyRole,
    TaskStatus,
    Vulnerability,
)
from beatbook.core.pagination import paginate
from beatbook.core.timeutil import today
from beatbook.incidents.models import Incident
from beatbook.incidents.reference import Category, Level
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import PartnerOrganisation, Person

from .auth import actor_of, meta_of
from .case_schemas import (
    ActionKindOut,
    AgreementIn,
    AgreementListQuery,
    AgreementOut,
    AgreementPutIn,
    AgreementsPage,
    CaseActionIn,
    CaseActionOut,
    CaseAgreementRef,
    CaseCloseIn,
    CaseConferenceIn,
    CaseConferenceOut,
    CaseDetailOut,
    CaseFilterQuery,
    CaseIn,
    CaseIncidentOut,
    CaseIncidentsIn,
    CaseListItem,
    CaseListQuery,
    CasePartnerRef,
    CasePartyIn,
    CasePartyOut,
    CasePatchIn,
    CasePersonRef,
    CaseReferenceOut,
    CaseShareIn,
    CaseShareOut,
    CasesPage,
    ChoiceOut,
    FinishIn,
    PartnerTaskIn,
    PartnerTaskOut,
    RiskAssessmentIn,
    RiskAssessmentOut,
)
from .errors import error_responses
from .outputs import neighbourhood_ref

router = Router(tags=["asb-cases"])

STALE = "409 when the case changed since the caller read it (`version` is old): nothing is saved."
CHANGE = (
    "404 when the caller cannot see the case; 403 when they see it but do not manage cases in its "
    "neighbourhood (analysts, auditors, partner users). A closed case is 400: nothing can be added or changed. "
)
WHOLE = "The answer is the whole case as the caller now sees it (not audited as a view: the write is). "
AGREEMENTS = "404 when the caller cannot see the agreement's force; 403 when they are not its force administrator. "


# ---- Model rows to response schemas (reading only what the selectors loaded) ---------------------


def _person_ref(person: Person) -> CasePersonRef:
    return CasePersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _partner_ref(partner: PartnerOrganisation) -> CasePartnerRef:
    return CasePartnerRef(id=partner.pk, name=partner.name)


def _summary(
    case: AsbCase, categories: frozenset[str], *, incident_count: int | None, open_action_count: int | None
) -> dict[str, Any]:
    """The members of a list item; what the categories do not allow is null."""
    risk = DataCategory.RISK in categories
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "neighbourhood": neighbourhood_ref(case.neighbourhood),
        "lead": _person_ref(case.lead),
        "risk_level": case.risk_level if risk else None,
        "review_on": case.review_on if risk else None,
        "incident_count": incident_count if DataCategory.INCIDENTS in categories else None,
        "open_action_count": open_action_count if DataCategory.ACTIONS in categories else None,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "version": case.version,
    }


def _list_item(case: AsbCase, categories: frozenset[str]) -> CaseListItem:
    """A row of `selectors.case_list` (neighbourhood and lead joined, counts annotated)."""
    return CaseListItem(
        **_summary(
            case,
            categories,
            incident_count=case.incident_count,  # type: ignore[attr-defined]
            open_action_count=case.open_action_count,  # type: ignore[attr-defined]
        )
    )


def _categories_by_case(actor: Person, cases: Sequence[AsbCase]) -> dict[int, frozenset[str]]:
    """What the caller may see of each case of a page: everything for the force's own people; for
    a partner user, the union of the categories of the agreements each case is shared under (one
    query for the page, where `selectors.categories_for` would take one per case)."""
    if not selectors.is_partner(actor):
        return {case.pk: selectors.ALL_CATEGORIES for case in cases}
    found: dict[int, set[str]] = {case.pk: set() for case in cases}
    if cases:
        shares = selectors.partner_shares(actor).filter(case_id__in=list(found))
        for case_id, categories in shares.values_list("case_id", "agreement__data_categories"):
            found[case_id].update(c for c in categories or [] if c in selectors.ALL_CATEGORIES)
    return {pk: frozenset(categories) for pk, categories in found.items()}


def _party_out(party: CaseParty, categories: frozenset[str]) -> CasePartyOut:
    contact = DataCategory.CONTACT in categories
    vulnerability = DataCategory.VULNERABILITY in categories
    return CasePartyOut(
        id=party.pk,
        role=PartyRole(party.role),
        name=party.name,
        date_of_birth=party.date_of_birth if contact else None,
        address=party.address if contact else None,
        phone=party.phone if contact else None,
        vulnerabilities=[Vulnerability(v) for v in party.vulnerabilities] if vulnerability else None,
        vulnerability_notes=party.vulnerability_notes if vulnerability else None,
    )


def _incident_out(incident: Incident) -> CaseIncidentOut:
    return CaseIncidentOut(
        id=incident.pk,
        reference=incident.reference,
        occurred_at=incident.occurred_at,
        category=Category(incident.category),
    )


def _risk_out(assessment: RiskAssessment) -> RiskAssessmentOut:
    return RiskAssessmentOut(
        id=assessment.pk,
        level=Level(assessment.level),
        notes=assessment.notes,
        review_on=assessment.review_on,
        assessed_by=_person_ref(assessment.assessed_by),
        assessed_at=assessment.assessed_at,
    )


def _action_out(action: CaseAction) -> CaseActionOut:
    owner = action.owner if action.owner_id is not None else None
    owner_partner = action.owner_partner if action.owner_partner_id is not None else None
    return CaseActionOut(
        id=action.pk,
        kind=ActionKind(action.kind),
        legal_basis=str(LEGAL_BASIS.get(action.kind, "")),
        party=action.party_id,
        owner=_person_ref(owner) if owner is not None else None,
        owner_partner=_partner_ref(owner_partner) if owner_partner is not None else None,
        notes=action.notes,
        due_on=action.due_on,
        status=ActionStatus(action.status),
        result=action.result,
        completed_on=action.completed_on,
    )


def _task_out(task: PartnerTask) -> PartnerTaskOut:
    return PartnerTaskOut(
        id=task.pk,
        partner=_partner_ref(task.partner),
        description=task.description,
        due_on=task.due_on,
        status=TaskStatus(task.status),
        result=task.result,
        completed_on=task.completed_on,
    )


def _conference_out(conference: CaseConference) -> CaseConferenceOut:
    return CaseConferenceOut(
        id=conference.pk,
        held_on=conference.held_on,
        attendees=[_person_ref(p) for p in conference.attendees.all()],  # prefetched by the selector
        partners=[_partner_ref(p) for p in conference.partners.all()],
        other_attendees=conference.other_attendees,
        decisions=conference.decisions,
    )


def _share_out(share: CaseShare) -> CaseShareOut:
    withdrawn_by = share.withdrawn_by if share.withdrawn_by_id is not None else None
    return CaseShareOut(
        id=share.pk,
        agreement=CaseAgreementRef(id=share.agreement.pk, title=share.agreement.title),
        partner=_partner_ref(share.partner),
        shared_by=_person_ref(share.shared_by),
        shared_at=share.shared_at,
        withdrawn_by=_person_ref(withdrawn_by) if withdrawn_by is not None else None,
        withdrawn_at=share.withdrawn_at,
        is_open=share.is_open,
    )


def _detail(actor: Person, view: selectors.CaseView) -> CaseDetailOut:
    """One case as `selectors.case_view` loaded it: each part the caller's categories allow, read
    in one query; the rest null."""
    case, allows = view.case, view.allows
    open_actions = sum(1 for a in view.actions if a.status == ActionStatus.PLANNED)
    return CaseDetailOut(
        **_summary(case, view.categories, incident_count=len(view.incidents), open_action_count=open_actions),
        uuid=case.uuid,
        force=case.force.slug,
        summary=case.summary if allows(DataCategory.SUMMARY) else None,
        closure_reason=ClosureReason(case.closure_reason) if case.closure_reason else None,
        closure_notes=case.closure_notes if allows(DataCategory.SUMMARY) else None,
        categories=[DataCategory(c) for c in DataCategory.values if c in view.categories],
        can_manage=selectors.may_manage(actor, case),
        can_share=selectors.may_share(actor, case),
        updated_at=case.updated_at,
        parties=[_party_out(p, view.categories) for p in view.parties] if allows(DataCategory.PARTIES) else None,
        incidents=[_incident_out(i) for i in view.incidents] if allows(DataCategory.INCIDENTS) else None,
        risk_assessments=[_risk_out(r) for r in view.risk_assessments] if allows(DataCategory.RISK) else None,
        actions=[_action_out(a) for a in view.actions] if allows(DataCategory.ACTIONS) else None,
        tasks=[_task_out(t) for t in view.tasks],
        conferences=[_conference_out(c) for c in view.conferences] if allows(DataCategory.CONFERENCES) else None,
        shares=None if view.is_partner_view else [_share_out(s) for s in view.shares],
    )


def _fresh_detail(actor: Person, case_id: int) -> CaseDetailOut:
    """The case as it now stands, after a write (the write's own audit event records the access,
    so this read is not audited again)."""
    return _detail(actor, selectors.case_view(actor, selectors.case_get_for(actor=actor, case_id=case_id)))


def _manageable(actor: Person, case_id: int) -> AsbCase:
    """The case, if the caller may change it: 404 when they cannot see it, 403 when they can."""
    return selectors.case_get_for(actor=actor, case_id=case_id, action=policy.Action.MANAGE_ASB_CASES)


def _shareable(actor: Person, case_id: int) -> AsbCase:
    return selectors.case_get_for(actor=actor, case_id=case_id, action=policy.Action.SHARE_ASB_CASES)


def _filters(query: CaseFilterQuery) -> selectors.CaseFilters:
    return selectors.CaseFilters(
        neighbourhood_id=query.neighbourhood,
        date_from=query.date_from,
        date_to=query.date_to,
        status=query.status or "",
        person=query.person or "",
        flag=query.flag or "",
        reference=query.reference or "",
        category=query.category or "",
    )


# ---- Cases --------------------------------------------------------------------------------------
@router.get(
    "/cases",
    response={200: CasesPage, **error_responses(401, 422)},
    summary="ASB cases visible to the caller, newest first (no parties)",
    description="The cases of the neighbourhoods the caller sees; for a partner user, those shared with their "
    "organisation under an agreement in force today, with what the agreements do not share set to null. "
    "A `neighbourhood` the caller does not see matches nothing.",
)
def case_list(request: HttpRequest, filters: Query[CaseListQuery]) -> CasesPage:
    actor = actor_of(request)
    page = paginate(selectors.case_list(actor, _filters(filters)), number=filters.page, size=filters.page_size)
    categories = _categories_by_case(actor, page.items)
    return CasesPage(
        items=[_list_item(c, categories[c.pk]) for c in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.post(
    "/cases",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Open an ASB case from incidents (those who manage cases: PCSOs, officers, supervisors)",
    description="In a neighbourhood where the caller manages cases, by default the first incident's, with its "
    "first risk assessment; with `copy_people` the incidents' named victims and suspects become its parties. An "
    "incident the caller cannot see is 400 on `incidents`. A `uuid` the caller already sent returns that case "
    "(201, as the first time) and stores nothing; one that another person's case has is 400 on `uuid`. 403 for "
    "those who manage no cases.",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    if not selectors.managing_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    case = services.case_open(
        actor=actor,
        data=services.CaseData(
            title=payload.title,
            summary=payload.summary,
            risk_level=payload.risk_level,
            risk_notes=payload.risk_notes,
            review_on=payload.review_on,
            neighbourhood_id=payload.neighbourhood,
            lead_id=payload.lead,
        ),
        incident_ids=payload.incidents,
        copy_people=payload.copy_people,
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, case.pk))


@router.get(
    "/cases/{int:case_id}",
    response={200: CaseDetailOut, **error_responses(401, 404)},
    summary="One ASB case, with the parts the caller may see (the read is audited)",
    description="Parties, linked incidents, risk assessments, actions, partner tasks, conferences and (for the "
    "force) shares. For a partner user, a part their agreements do not share is null, and `categories` says what "
    "they may see; the read is audited with their organisation and those categories.",
)
def case_detail(request: HttpRequest, case_id: int) -> CaseDetailOut:
    actor = actor_of(request)
    return _detail(actor, selectors.case_open_for(actor=actor, case_id=case_id, meta=meta_of(request)))


@router.patch(
    "/cases/{int:case_id}",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a case's title, summary or lead",
    description=CHANGE + STALE + " Send `version` and the fields to change; what is left out stays.",
)
def case_update(request: HttpRequest, case_id: int, payload: CasePatchIn) -> CaseDetailOut:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_update(
        actor=actor,
        case=case,
        changes=services.CaseChanges(title=payload.title, summary=payload.summary, lead_id=payload.lead),
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, case.pk)


@router.post(
    "/cases/{int:case_id}/incidents",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Link more incidents to a case",
    description=CHANGE + WHOLE + "Incidents the caller cannot see, of another force, or all already linked, "
    "are 400 on `incidents`.",
)
def case_link_incidents(request: HttpRequest, case_id: int, payload: CaseIncidentsIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_link_incidents(actor=actor, case=case, incident_ids=payload.incidents, meta=meta_of(request))
    return Status(201, _fresh_detail(actor, case.pk))


def _party_data(payload: CasePartyIn) -> services.PartyData:
    return services.PartyData(
        role=payload.role,
        name=payload.name,
        date_of_birth=payload.date_of_birth,
        address=payload.address,
        phone=payload.phone,
        vulnerabilities=tuple(payload.vulnerabilities),
        vulnerability_notes=payload.vulnerability_notes,
    )


@router.post(
    "/cases/{int:case_id}/parties",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add a victim, perpetrator or other party to a case",
    description=CHANGE + WHOLE + "A blank name is 400 on `name`; the `other` vulnerability needs "
    "`vulnerability_notes`.",
)
def case_add_party(request: HttpRequest, case_id: int, payload: CasePartyIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_add_party(actor=actor, case=case, data=_party_data(payload), meta=meta_of(request))
    return Status(201, _fresh_detail(actor, case.pk))


@router.put(
    "/cases/{int:case_id}/parties/{int:party_id}",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Replace what a case says about a party",
    description=CHANGE + WHOLE + "Every member is replaced (what is left out is cleared). 404 also for a party "
    "of another case.",
)
def case_update_party(request: HttpRequest, case_id: int, party_id: int, payload: CasePartyIn) -> CaseDetailOut:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    party = org_selectors.get_visible(case.parties.all(), party_id)
    services.case_update_party(actor=actor, party=party, data=_party_data(payload), meta=meta_of(request))
    return _fresh_detail(actor, case.pk)


@router.post(
    "/cases/{int:case_id}/risk-assessments",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Assess a case's risk again (it becomes the case's current risk and review date)",
    description=CHANGE + STALE + " " + WHOLE + "A review date in the past, or more than a year away, is 400 on "
    "`review_on`.",
)
def case_assess_risk(request: HttpRequest, case_id: int, payload: RiskAssessmentIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_assess_risk(
        actor=actor,
        case=case,
        level=payload.level,
        notes=payload.notes,
        review_on=payload.review_on,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, case.pk))


@router.post(
    "/cases/{int:case_id}/actions",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Plan an action of the 2014 Act toolkit or an early intervention",
    description=CHANGE + WHOLE + "Give one owner: `owner` (a member of the case's force) or `owner_partner` (a "
    "partner organisation of the force); both or neither is 400 on `owner`. A dispersal direction is owned by "
    "the police. The kinds and their legal basis: `GET /reference/asb-cases`.",
)
def case_add_action(request: HttpRequest, case_id: int, payload: CaseActionIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_add_action(
        actor=actor,
        case=case,
        data=services.ActionData(
            kind=payload.kind,
            due_on=payload.due_on,
            owner_id=payload.owner,
            owner_partner_id=payload.owner_partner,
            party_id=payload.party,
            notes=payload.notes,
        ),
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, case.pk))


@router.post(
    "/cases/{int:case_id}/actions/{int:action_id}/finish",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record that a planned action was done, or cancelled, with its result",
    description=CHANGE + WHOLE + "An action already finished is 400 on `status`; a blank result 400 on `result`. "
    "404 also for an action of another case.",
)
def case_finish_action(request: HttpRequest, case_id: int, action_id: int, payload: FinishIn) -> CaseDetailOut:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    action = org_selectors.get_visible(case.actions.all(), action_id)
    services.case_finish_action(
        actor=actor,
        action=action,
        status=payload.status,
        result=payload.result,
        completed_on=payload.completed_on,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, case.pk)


@router.post(
    "/cases/{int:case_id}/tasks",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Give a partner organisation a task on a case",
    description=CHANGE + WHOLE + "An organisation not of the case's force is 400 on `partner`.",
)
def case_add_task(request: HttpRequest, case_id: int, payload: PartnerTaskIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_add_task(
        actor=actor,
        case=case,
        partner_id=payload.partner,
        description=payload.description,
        due_on=payload.due_on,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, case.pk))


@router.post(
    "/tasks/{int:task_id}/finish",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a partner task's result (the case's managers, or a member of the task's organisation)",
    description="404 when the caller cannot see the task (a partner user without `tasks` sees only their own "
    "organisation's); 403 when they see it but may not finish it. A partner user may finish their own "
    "organisation's tasks while the case is shared with it. A closed case, or a task already finished, is 400. "
    + WHOLE,
)
def task_finish(request: HttpRequest, task_id: int, payload: FinishIn) -> CaseDetailOut:
    actor = actor_of(request)
    task = selectors.task_get_for(actor=actor, task_id=task_id)
    services.task_finish(
        actor=actor,
        task=task,
        status=payload.status,
        result=payload.result,
        completed_on=payload.completed_on,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, task.case_id)


@router.post(
    "/cases/{int:case_id}/conferences",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a case conference: when, who attended, what was decided",
    description=CHANGE + WHOLE + "A date in the future is 400 on `held_on`; attendees not of the case's force "
    "are 400 on `attendees` or `partners`; nobody at all is 400 on `attendees`.",
)
def case_record_conference(request: HttpRequest, case_id: int, payload: CaseConferenceIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_record_conference(
        actor=actor,
        case=case,
        held_on=payload.held_on,
        decisions=payload.decisions,
        attendee_ids=payload.attendees,
        partner_ids=payload.partners,
        other_attendees=payload.other_attendees,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, case.pk))


@router.post(
    "/cases/{int:case_id}/close",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Close a case with its reason",
    description=CHANGE + STALE + " Every action and partner task must be finished first (400 otherwise).",
)
def case_close(request: HttpRequest, case_id: int, payload: CaseCloseIn) -> CaseDetailOut:
    actor = actor_of(request)
    case = _manageable(actor, case_id)
    services.case_close(
        actor=actor,
        case=case,
        reason=payload.reason,
        notes=payload.notes,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, case.pk)


@router.post(
    "/cases/{int:case_id}/shares",
    response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Share an open case with a partner organisation under an agreement (supervisors)",
    description="404 when the caller cannot see the case; 403 when they do not supervise its neighbourhood. "
    "An agreement not of the case's force, not in force today, or already used for the case, is 400 on "
    "`agreement`; a closed case is 400. " + WHOLE,
)
def case_share(request: HttpRequest, case_id: int, payload: CaseShareIn) -> Status[CaseDetailOut]:
    actor = actor_of(request)
    case = _shareable(actor, case_id)
    services.case_share(actor=actor, case=case, agreement_id=payload.agreement, meta=meta_of(request))
    return Status(201, _fresh_detail(actor, case.pk))


@router.post(
    "/cases/{int:case_id}/shares/{int:share_id}/withdraw",
    response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Stop sharing a case with a partner (supervisors; closed cases too)",
    description="404 when the caller cannot see the case, or the share is of another case; 403 when they do not "
    "supervise its neighbourhood. A share already withdrawn is 400. The row stays, with who withdrew it. " + WHOLE,
)
def case_unshare(request: HttpRequest, case_id: int, share_id: int) -> CaseDetailOut:
    actor = actor_of(request)
    case = _shareable(actor, case_id)
    share = org_selectors.get_visible(case.shares.all(), share_id)
    services.case_unshare(actor=actor, share=share, meta=meta_of(request))
    return _fresh_detail(actor, case.pk)


# ---- Information-sharing agreements -------------------------------------------------------------
def _agreement_out(agreement: SharingAgreement) -> AgreementOut:
    """An agreement as `selectors.agreements_visible_to` loads it (force, partner, recorder joined)."""
    return AgreementOut(
        id=agreement.pk,
        force=agreement.force.slug,
        partner=_partner_ref(agreement.partner),
        title=agreement.title,
        purpose=agreement.purpose,
        data_categories=agreement.categories,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        ended_early_on=agreement.ended_early_on,
        last_day=agreement.last_day,
        in_force=agreement.in_force_on(today()),
        created_by=str(agreement.created_by),
        created_at=agreement.created_at,
        updated_at=agreement.updated_at,
    )


@router.get(
    "/sharing-agreements",
    response={200: AgreementsPage, **error_responses(401, 404, 422)},
    summary="Information-sharing agreements of the caller's forces (a partner user: their organisation's)",
    description="By organisation, newest first. 404 when `force` names a force the caller cannot see.",
)
def agreement_list(request: HttpRequest, filters: Query[AgreementListQuery]) -> AgreementsPage:
    actor = actor_of(request)
    agreements = selectors.agreements_visible_to(actor)
    if filters.force is not None:
        agreements = agreements.filter(force=org_selectors.force_get_for(actor=actor, slug=filters.force))
    page = paginate(agreements, number=filters.page, size=filters.page_size)
    return AgreementsPage(
        items=[_agreement_out(a) for a in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/sharing-agreements",
    response={201: AgreementOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record an information-sharing agreement with a partner organisation (force administrators)",
    description=AGREEMENTS + "An organisation of another force is 400 on `partner`; an end before the start, or "
    "more than five years after it, 400 on `ends_on`; no data categories 400 on `data_categories`.",
)
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[AgreementOut]:
    actor = actor_of(request)
    force = org_selectors.force_get_for(actor=actor, slug=payload.force, action=policy.Action.MANAGE_SHARING_AGREEMENTS)
    agreement = services.agreement_create(
        actor=actor,
        force=force,
        data=services.AgreementData(
            partner_id=payload.partner,
            title=payload.title,
            purpose=payload.purpose,
            data_categories=tuple(payload.data_categories),
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
        ),
        meta=meta_of(request),
    )
    return Status(201, _agreement_out(selectors.agreement_get_for(actor=actor, agreement_id=agreement.pk)))


@router.get(
    "/sharing-agreements/{int:agreement_id}",
    response={200: AgreementOut, **error_responses(401, 404)},
    summary="One information-sharing agreement",
)
def agreement_detail(request: HttpRequest, agreement_id: int) -> AgreementOut:
    return _agreement_out(selectors.agreement_get_for(actor=actor_of(request), agreement_id=agreement_id))


@router.put(
    "/sharing-agreements/{int:agreement_id}",
    response={200: AgreementOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change an agreement, or end it early (force administrators)",
    description="404 when the caller cannot see the agreement; 403 when they are not its force's administrator. "
    "Every member is replaced. Narrowing `data_categories` narrows at once what partners see of the cases shared "
    "under it; `ended_early_on` ends it (from the next day they see nothing of them). Another `partner` is 400: "
    "record a new agreement.",
)
def agreement_update(request: HttpRequest, agreement_id: int, payload: AgreementPutIn) -> AgreementOut:
    actor = actor_of(request)
    agreement = selectors.agreement_get_for(actor=actor, agreement_id=agreement_id)
    services.agreement_update(
        actor=actor,
        agreement=agreement,
        data=services.AgreementData(
            partner_id=payload.partner if payload.partner is not None else agreement.partner_id,
            title=payload.title,
            purpose=payload.purpose,
            data_categories=tuple(payload.data_categories),
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
        ),
        ended_early_on=payload.ended_early_on,
        meta=meta_of(request),
    )
    return _agreement_out(selectors.agreement_get_for(actor=actor, agreement_id=agreement.pk))


# ---- Reference data -----------------------------------------------------------------------------
def _choices(pairs: Sequence[tuple[Any, Any]]) -> list[ChoiceOut]:
    return [ChoiceOut(value=str(value), label=str(label)) for value, label in pairs]


@router.get(
    "/reference/asb-cases",
    response={200: CaseReferenceOut, **error_responses(401)},
    summary="The choices of ASB cases: action kinds with their legal basis, vulnerabilities, closure reasons, "
    "data categories, party roles and list flags",
    description="Labels are in the caller's language. An action's `legal_basis` is the part and sections of the "
    "Anti-social Behaviour, Crime and Policing Act 2014; it is empty for the early interventions (warning letter, "
    "acceptable behaviour contract, referral), which are not statutory.",
)
def case_reference(request: HttpRequest) -> CaseReferenceOut:
    return CaseReferenceOut(
        action_kinds=[
            ActionKindOut(value=kind.value, label=str(kind.label), legal_basis=str(LEGAL_BASIS.get(kind, "")))
            for kind in ActionKind
        ],
        vulnerabilities=_choices(Vulnerability.choices),
        closure_reasons=_choices(ClosureReason.choices),
        data_categories=_choices(DataCategory.choices),
        party_roles=_choices(PartyRole.choices),
        case_flags=_choices(selectors.CaseFlag.CHOICES),
    )
