"""Writes to ASB cases: open one from incidents, link more, add and change parties, assess the
risk, plan and finish actions, give partners tasks, record case conferences, close; record
information-sharing agreements and share cases under them.

Every function: keyword-only, `actor` first, one transaction, the access check, validation with
field errors, and the audit event. Nothing can be added to or changed on a closed case.

Audit snapshots hold no personal data (names, addresses, dates of birth, free text), as for
incidents (decision 9): changes to those fields are recorded by name only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid as uuid_lib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.references import next_reference
from beatbook.core.timeutil import today
from beatbook.incidents import selectors as incident_selectors
from beatbook.incidents.models import Incident, IncidentPerson, Involvement
from beatbook.incidents.reference import Level
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person

from . import selectors
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
from .reference import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    ClosureReason,
    DataCategory,
    PartyRole,
    TaskStatus,
    Vulnerability,
)

DENIED = "You do not have permission to do that."
# The most incidents one request may link (a case is a handful of incidents, not a search result).
MAX_LINKED = 50
EXPORT_LIMIT = 20_000


class StaleCaseError(StaleRecordError):
    """The case was changed by someone else since the caller read it."""


# ---- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseData:
    title: str
    summary: str
    risk_level: str
    risk_notes: str
    review_on: dt.date | None
    neighbourhood_id: int | None = None  # default: the first incident's
    lead_id: int | None = None  # default: the actor


@dataclass(frozen=True)
class CaseChanges:
    title: str | None = None
    summary: str | None = None
    lead_id: int | None = None


@dataclass(frozen=True)
class PartyData:
    role: str
    name: str
    date_of_birth: dt.date | None = None
    address: str = ""
    phone: str = ""
    vulnerabilities: tuple[str, ...] = ()
    vulnerability_notes: str = ""


@dataclass(frozen=True)
class ActionData:
    kind: str
    due_on: dt.date | None
    owner_id: int | None = None
    owner_partner_id: int | None = None
    party_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class AgreementData:
    partner_id: int
    title: str
    purpose: str
    data_categories: tuple[str, ...]
    starts_on: dt.date | None
    ends_on: dt.date | None


# ---- snapshots (no personal data) -------------------------------------------------------------


def case_snapshot(case: AsbCase) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "neighbourhood": case.neighbourhood.code if case.neighbourhood_id else None,
        "lead": case.lead_id,
        "status": case.status,
        "risk_level": case.risk_level,
        "review_on": case.review_on.isoformat(),
        "closure_reason": case.closure_reason,
        "version": case.version,
    }


def party_snapshot(party: CaseParty) -> dict[str, Any]:
    return {"id": party.pk, "role": party.role, "vulnerabilities": sorted(party.vulnerabilities)}


def action_snapshot(action: CaseAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "kind": action.kind,
        "party": action.party_id,
        "owner": action.owner_id,
        "owner_partner": action.owner_partner_id,
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
    }


def task_snapshot(task: PartnerTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "partner": task.partner_id,
        "due_on": task.due_on.isoformat(),
        "status": task.status,
        "completed_on": task.completed_on.isoformat() if task.completed_on else None,
    }


def agreement_snapshot(agreement: SharingAgreement) -> dict[str, Any]:
    return {
        "partner": agreement.partner_id,
        "title": agreement.title,
        "data_categories": sorted(agreement.data_categories),
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat(),
        "ended_early_on": agreement.ended_early_on.isoformat() if agreement.ended_early_on else None,
    }


# ---- checks -----------------------------------------------------------------------------------


def _require_manage(actor: Person, case: AsbCase) -> None:
    if not selectors.may_manage(actor, case):
        raise PermissionDenied(_(DENIED))


def _locked(actor: Person, case: AsbCase, expected_version: int | None = None) -> AsbCase:
    """The case locked for this transaction, once the actor may manage it and it is open;
    StaleCaseError when someone changed it since `expected_version`."""
    current = AsbCase.objects.select_for_update().select_related("neighbourhood", "updated_by").get(pk=case.pk)
    _require_manage(actor, current)
    _require_open(current)
    if expected_version is not None and current.version != expected_version:
        when = timezone.localtime(current.updated_at).strftime("%H:%M on %d/%m/%Y")
        raise StaleCaseError(
            _(
                "%(who)s changed this case at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the case to see their change, then make yours again."
            )
            % {"who": current.updated_by, "when": when}
        )
    return current


def _require_open(case: AsbCase) -> None:
    if not case.is_open:
        raise ValidationError({"__all__": [_("This case is closed: nothing can be added to it or changed.")]})


def _touch(actor: Person, case: AsbCase) -> None:
    """Every change to a case or its parts moves its version on (a stale save is refused)."""
    case.version += 1
    case.updated_by = actor
    case.save()


def _add(errors: dict[str, list[Any]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _raise(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_review(review_on: dt.date | None, errors: dict[str, list[Any]], name: str = "review_on") -> None:
    if review_on is None:
        _add(errors, name, _("Give the date by which the risk must be reviewed."))
    elif review_on < today():
        _add(errors, name, _("The review date is in the past."))
    elif review_on > today() + dt.timedelta(days=366):
        _add(errors, name, _("Review the risk at least once a year: choose a date within the next twelve months."))


def _check_level(level: str, errors: dict[str, list[Any]], name: str = "risk_level") -> None:
    if level not in Level.values:
        _add(errors, name, _("Choose low, medium or high."))


def _lead(case_force_id: int, lead_id: int | None, errors: dict[str, list[Any]]) -> Person | None:
    if lead_id is None:
        return None
    lead = selectors.lead_choices(case_force_id).filter(pk=lead_id).first()
    if lead is None:
        _add(errors, "lead", _("Choose a person of the case's force to lead it."))
    return lead


def _text(value: str, name: str, errors: dict[str, list[Any]], message: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        _add(errors, name, message)
    elif limit is not None and len(value) > limit:
        _add(errors, name, _("Keep it to %(n)d characters.") % {"n": limit})
    return value


# ---- cases ------------------------------------------------------------------------------------


def _incidents_for(actor: Person, incident_ids: Sequence[Any]) -> list[Incident]:
    """The incidents, in the order given, each visible to the actor; a field error otherwise."""
    ids: list[int] = []
    for raw in incident_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ValidationError({"incidents": [_("Choose incidents from the list.")]}) from None
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LINKED:
        raise ValidationError({"incidents": [_("Link at most %(n)d incidents at a time.") % {"n": MAX_LINKED}]})
    found = {i.pk: i for i in incident_selectors.incidents_visible_to(actor).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError({"incidents": [_("One of the incidents was not found.")]})
    return [found[i] for i in ids]


def _parties_from(incidents: Sequence[Incident]) -> list[PartyData]:
    """Named victims and suspects of the incidents as parties (each person once: same name and
    date of birth or address). Unknown people are left out: they cannot be a party yet."""
    wanted = {Involvement.VICTIM: PartyRole.VICTIM, Involvement.SUSPECT: PartyRole.PERPETRATOR}
    seen: set[tuple[str, str, str]] = set()
    parties = []
    people = IncidentPerson.objects.filter(
        incident__in=[i.pk for i in incidents], is_unknown=False, involvement__in=list(wanted)
    ).order_by("incident__occurred_at", "id")
    for person in people:
        key = (person.involvement, person.name_key, str(person.date_of_birth or person.address_key))
        if key in seen:
            continue
        seen.add(key)
        parties.append(
            PartyData(
                role=wanted[Involvement(person.involvement)],
                name=person.name,
                date_of_birth=person.date_of_birth,
                address=person.address,
                phone=person.phone,
                vulnerabilities=(Vulnerability.OTHER,) if person.is_vulnerable else (),
                vulnerability_notes=_("Marked vulnerable on an incident.") if person.is_vulnerable else "",
            )
        )
    return parties


@transaction.atomic
def case_open(
    *,
    actor: Person,
    data: CaseData,
    incident_ids: Sequence[Any],
    copy_people: bool = True,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> AsbCase:
    """Open a case from one or more incidents the actor can see, in a neighbourhood where they
    manage cases (by default the first incident's), with its first risk assessment. With
    `copy_people`, the incidents' named victims and suspects become its parties. A `client_uuid`
    already used by the same person returns that case."""
    # Those who manage cases nowhere are refused outright, whatever they send (a partner user,
    # who sees no incident, would otherwise get "incident not found" instead).
    if not policy.neighbourhoods_for(actor, policy.Action.MANAGE_ASB_CASES).exists():
        raise PermissionDenied(_(DENIED))
    if client_uuid is not None:
        existing = AsbCase.objects.filter(uuid=client_uuid).first()
        if existing is not None:
            if existing.created_by_id == actor.pk:
                return existing
            raise ValidationError({"uuid": [_("That identifier belongs to another case.")]})
    errors: dict[str, list[Any]] = {}
    incidents: list[Incident] = []
    if not incident_ids:
        _add(errors, "incidents", _("Open a case from at least one incident."))
    else:
        try:
            incidents = _incidents_for(actor, incident_ids)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    neighbourhood: Neighbourhood | None = None
    if data.neighbourhood_id is not None:
        neighbourhood = Neighbourhood.objects.select_related("force").filter(pk=data.neighbourhood_id).first()
        if neighbourhood is None:
            _add(errors, "neighbourhood", _("Choose a neighbourhood from the list."))
    elif incidents:
        neighbourhood = incidents[0].neighbourhood
    if neighbourhood is not None and not policy.can(actor, policy.Action.MANAGE_ASB_CASES, neighbourhood):
        _add(errors, "neighbourhood", _("You can open cases only in the neighbourhoods you work in."))
    if neighbourhood is not None and any(i.force_id != neighbourhood.force_id for i in incidents):
        _add(errors, "incidents", _("All the incidents must be of the case's force."))
    title = _text(data.title, "title", errors, _("Give the case a title."), 160)
    summary = _text(data.summary, "summary", errors, _("Say what the problem is."))
    risk_notes = _text(data.risk_notes, "risk_notes", errors, _("Say why the risk is what it is."))
    _check_level(data.risk_level, errors)
    _check_review(data.review_on, errors)
    lead = _lead(neighbourhood.force_id, data.lead_id, errors) if neighbourhood is not None else None
    _raise(errors)
    assert neighbourhood is not None and data.review_on is not None
    case = AsbCase(
        uuid=client_uuid or uuid_lib.uuid4(),
        force_id=neighbourhood.force_id,
        neighbourhood=neighbourhood,
        title=title,
        summary=summary,
        lead=lead or actor,
        risk_level=data.risk_level,
        review_on=data.review_on,
        created_by=actor,
        updated_by=actor,
    )
    case.reference = next_reference(force_code=neighbourhood.force.short_code, kind="ASB", year=today().year)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        existing = AsbCase.objects.filter(uuid=case.uuid).first()
        if existing is not None and existing.created_by_id == actor.pk:
            return existing
        raise
    for incident in incidents:
        CaseIncident.objects.create(case=case, incident=incident, linked_by=actor)
    RiskAssessment.objects.create(
        case=case,
        level=data.risk_level,
        notes=risk_notes,
        review_on=data.review_on,
        assessed_by=actor,
        assessed_at=timezone.now(),
    )
    parties = [_new_party(case, p) for p in (_parties_from(incidents) if copy_people else [])]
    record(
        actor=actor,
        event=EventType.ASB_CASE_OPENED,
        obj=case,
        neighbourhood_id=case.neighbourhood_id,
        after=case_snapshot(case)
        | {"incidents": [i.reference for i in incidents], "parties": [party_snapshot(p) for p in parties]},
        meta=meta,
    )
    return case


@transaction.atomic
def case_update(
    *, actor: Person, case: AsbCase, changes: CaseChanges, expected_version: int | None, meta: AuditMeta = NO_META
) -> AsbCase:
    """Change a case's title, summary or lead."""
    current = _locked(actor, case, expected_version)
    before = case_snapshot(current)
    errors: dict[str, list[Any]] = {}
    texts = []
    if changes.title is not None:
        title = _text(changes.title, "title", errors, _("Give the case a title."), 160)
        if title != current.title:
            current.title = title
            texts.append("title")
    if changes.summary is not None:
        summary = _text(changes.summary, "summary", errors, _("Say what the problem is."))
        if summary != current.summary:
            current.summary = summary
            texts.append("summary")
    if changes.lead_id is not None:
        lead = _lead(current.force_id, changes.lead_id, errors)
        if lead is not None:
            current.lead = lead
    _raise(errors)
    current.version += 1
    current.updated_by = actor
    current.save()
    record(
        actor=actor,
        event=EventType.ASB_CASE_UPDATED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=case_snapshot(current) | {"text_changed": texts},
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return current


@transaction.atomic
def case_link_incidents(
    *, actor: Person, case: AsbCase, incident_ids: Sequence[Any], meta: AuditMeta = NO_META
) -> list[Incident]:
    """Add incidents the actor can see, of the case's force, to the case (each once)."""
    current = _locked(actor, case)
    if not incident_ids:
        raise ValidationError({"incidents": [_("Choose at least one incident.")]})
    incidents = _incidents_for(actor, incident_ids)
    if any(i.force_id != current.force_id for i in incidents):
        raise ValidationError({"incidents": [_("All the incidents must be of the case's force.")]})
    linked = set(CaseIncident.objects.filter(case=current).values_list("incident_id", flat=True))
    new = [i for i in incidents if i.pk not in linked]
    if not new:
        raise ValidationError({"incidents": [_("Those incidents are already part of the case.")]})
    for incident in new:
        CaseIncident.objects.create(case=current, incident=incident, linked_by=actor)
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_INCIDENT_LINKED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={"incidents": [i.reference for i in new], "version": current.version},
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return new


# ---- parties ----------------------------------------------------------------------------------


def _party_errors(data: PartyData) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if data.role not in PartyRole.values:
        _add(errors, "role", _("Choose victim, perpetrator or other party."))
    _text(data.name, "name", errors, _("Give the party's name."), 120)
    if data.date_of_birth is not None and data.date_of_birth > today():
        _add(errors, "date_of_birth", _("The date of birth is in the future."))
    unknown = [v for v in data.vulnerabilities if v not in Vulnerability.values]
    if unknown:
        _add(errors, "vulnerabilities", _("Choose vulnerabilities from the list."))
    if Vulnerability.OTHER in data.vulnerabilities and not data.vulnerability_notes.strip():
        _add(errors, "vulnerability_notes", _("Say what the other vulnerability is."))
    if len(data.address.strip()) > 200:
        _add(errors, "address", _("Keep it to %(n)d characters.") % {"n": 200})
    if len(data.phone.strip()) > 30:
        _add(errors, "phone", _("Keep it to %(n)d characters.") % {"n": 30})
    return errors


def _new_party(case: AsbCase, data: PartyData) -> CaseParty:
    return CaseParty.objects.create(
        case=case,
        force_id=case.force_id,
        role=data.role,
        name=data.name.strip(),
        date_of_birth=data.date_of_birth,
        address=data.address.strip(),
        phone=data.phone.strip(),
        vulnerabilities=sorted(set(data.vulnerabilities)),
        vulnerability_notes=data.vulnerability_notes.strip(),
    )


@transaction.atomic
def case_add_party(*, actor: Person, case: AsbCase, data: PartyData, meta: AuditMeta = NO_META) -> CaseParty:
    current = _locked(actor, case)
    _raise(_party_errors(data))
    party = _new_party(current, data)
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_PARTY_ADDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after=party_snapshot(party),
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return party


@transaction.atomic
def case_update_party(*, actor: Person, party: CaseParty, data: PartyData, meta: AuditMeta = NO_META) -> CaseParty:
    current = _locked(actor, party.case)
    _raise(_party_errors(data))
    row = CaseParty.objects.select_for_update().get(pk=party.pk)
    before = party_snapshot(row)
    old_text = {
        name: getattr(row, name) for name in ("name", "date_of_birth", "address", "phone", "vulnerability_notes")
    }
    row.role = data.role
    row.name = data.name.strip()
    row.date_of_birth = data.date_of_birth
    row.address = data.address.strip()
    row.phone = data.phone.strip()
    row.vulnerabilities = sorted(set(data.vulnerabilities))
    row.vulnerability_notes = data.vulnerability_notes.strip()
    row.save()
    _touch(actor, current)
    changed = sorted(name for name, value in old_text.items() if getattr(row, name) != value)
    record(
        actor=actor,
        event=EventType.ASB_CASE_PARTY_UPDATED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=party_snapshot(row) | {"text_changed": changed},
        meta=meta,
    )
    party.refresh_from_db()
    return row


# ---- risk -------------------------------------------------------------------------------------


@transaction.atomic
def case_assess_risk(
    *,
    actor: Person,
    case: AsbCase,
    level: str,
    notes: str,
    review_on: dt.date | None,
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> RiskAssessment:
    """Record a new risk assessment; it becomes the case's current risk and review date."""
    current = _locked(actor, case, expected_version)
    errors: dict[str, list[Any]] = {}
    _check_level(level, errors, "level")
    notes = _text(notes, "notes", errors, _("Say why the risk is what it is."))
    _check_review(review_on, errors)
    _raise(errors)
    assert review_on is not None
    before = case_snapshot(current)
    assessment = RiskAssessment.objects.create(
        case=current, level=level, notes=notes, review_on=review_on, assessed_by=actor, assessed_at=timezone.now()
    )
    current.risk_level, current.review_on = level, review_on
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_RISK_ASSESSED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=case_snapshot(current),
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return assessment


# ---- actions ----------------------------------------------------------------------------------


def _owner_errors(case: AsbCase, data: ActionData, errors: dict[str, list[Any]]) -> None:
    if (data.owner_id is None) == (data.owner_partner_id is None):
        _add(errors, "owner", _("Give the action one owner: a person of the force or a partner organisation."))
        return
    if data.owner_id is not None and not selectors.lead_choices(case.force_id).filter(pk=data.owner_id).exists():
        _add(errors, "owner", _("Choose a person of the case's force."))
    if (
        data.owner_partner_id is not None
        and not selectors.partners_of(case.force_id).filter(pk=data.owner_partner_id).exists()
    ):
        _add(errors, "owner_partner", _("Choose a partner organisation of the case's force."))


@transaction.atomic
def case_add_action(*, actor: Person, case: AsbCase, data: ActionData, meta: AuditMeta = NO_META) -> CaseAction:
    """Plan an action of the toolkit, owned by a person or a partner organisation, due by a date."""
    current = _locked(actor, case)
    errors: dict[str, list[Any]] = {}
    if data.kind not in ActionKind.values:
        _add(errors, "kind", _("Choose an action from the list."))
    if data.due_on is None:
        _add(errors, "due_on", _("Give the date it is due by."))
    elif data.due_on < current.created_at.date() - dt.timedelta(days=1):
        _add(errors, "due_on", _("The due date is before the case was opened."))
    _owner_errors(current, data, errors)
    if data.party_id is not None and not CaseParty.objects.filter(pk=data.party_id, case=current).exists():
        _add(errors, "party", _("Choose a party of this case."))
    if data.kind == ActionKind.DISPERSAL_DIRECTION and data.owner_partner_id is not None:
        _add(errors, "owner_partner", _("A dispersal direction is given by the police: choose a person of the force."))
    _raise(errors)
    assert data.due_on is not None
    action = CaseAction.objects.create(
        case=current,
        kind=data.kind,
        party_id=data.party_id,
        owner_id=data.owner_id,
        owner_partner_id=data.owner_partner_id,
        notes=data.notes.strip(),
        due_on=data.due_on,
        created_by=actor,
    )
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_ACTION_ADDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after=action_snapshot(action),
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return action


def _finish_errors(status: str, result: str, completed_on: dt.date | None, allowed: Sequence[str]) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    if status not in allowed:
        _add(errors, "status", _("Choose a status from the list."))
    if not result.strip():
        _add(errors, "result", _("Say what came of it."))
    if completed_on is not None and completed_on > today():
        _add(errors, "completed_on", _("The date is in the future."))
    return errors


@transaction.atomic
def case_finish_action(
    *,
    actor: Person,
    action: CaseAction,
    status: str,
    result: str,
    completed_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> CaseAction:
    """Record that a planned action was done (or cancelled), with its result."""
    current = _locked(actor, action.case)
    row = CaseAction.objects.select_for_update().get(pk=action.pk)
    if row.status != ActionStatus.PLANNED:
        raise ValidationError(
            {"status": [_("This action is already %(s)s.") % {"s": row.get_status_display().lower()}]}
        )
    _raise(_finish_errors(status, result, completed_on, [ActionStatus.DONE, ActionStatus.CANCELLED]))
    before = action_snapshot(row)
    row.status, row.result, row.completed_on = status, result.strip(), completed_on or today()
    row.save()
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_ACTION_UPDATED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=action_snapshot(row),
        meta=meta,
    )
    action.refresh_from_db()
    return row


# ---- partner tasks ----------------------------------------------------------------------------


@transaction.atomic
def case_add_task(
    *,
    actor: Person,
    case: AsbCase,
    partner_id: Any,
    description: str,
    due_on: dt.date | None,
    meta: AuditMeta = NO_META,
) -> PartnerTask:
    current = _locked(actor, case)
    errors: dict[str, list[Any]] = {}
    partner = None
    with contextlib.suppress(TypeError, ValueError):
        partner = selectors.partners_of(current.force_id).filter(pk=int(partner_id)).first()
    if partner is None:
        _add(errors, "partner", _("Choose a partner organisation of the case's force."))
    description = _text(description, "description", errors, _("Say what the organisation is to do."))
    if due_on is None:
        _add(errors, "due_on", _("Give the date it is due by."))
    _raise(errors)
    assert due_on is not None and partner is not None
    task = PartnerTask.objects.create(
        case=current, partner=partner, description=description, due_on=due_on, created_by=actor, updated_by=actor
    )
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_TASK_ADDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after=task_snapshot(task),
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return task


@transaction.atomic
def task_finish(
    *,
    actor: Person,
    task: PartnerTask,
    status: str,
    result: str,
    completed_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> PartnerTask:
    """Record a partner task's result: by the case's managers, or by a member of the task's
    organisation while the case is shared with it."""
    if not selectors.may_update_task(actor, task):
        raise PermissionDenied(_(DENIED))
    case = AsbCase.objects.select_for_update().get(pk=task.case_id)
    _require_open(case)
    row = PartnerTask.objects.select_for_update().get(pk=task.pk)
    if row.status != TaskStatus.OPEN:
        raise ValidationError({"status": [_("This task is already %(s)s.") % {"s": row.get_status_display().lower()}]})
    _raise(_finish_errors(status, result, completed_on, [TaskStatus.DONE, TaskStatus.CANCELLED]))
    before = task_snapshot(row)
    row.status, row.result, row.completed_on, row.updated_by = status, result.strip(), completed_on or today(), actor
    row.save()
    case.version += 1
    case.updated_by = actor
    case.save(update_fields=["version", "updated_by", "updated_at"])
    record(
        actor=actor,
        event=EventType.ASB_CASE_TASK_UPDATED,
        obj=case,
        neighbourhood_id=case.neighbourhood_id,
        before=before,
        after=task_snapshot(row),
        meta=meta,
    )
    task.refresh_from_db()
    return row


# ---- conferences ------------------------------------------------------------------------------


def _pks(raw: Sequence[Any]) -> list[int] | None:
    """Ids from a form or request, each once; None when one is not a number (a field error, not
    a crash in the query)."""
    try:
        return list(dict.fromkeys(int(value) for value in raw))
    except (TypeError, ValueError):
        return None


@transaction.atomic
def case_record_conference(
    *,
    actor: Person,
    case: AsbCase,
    held_on: dt.date | None,
    decisions: str,
    attendee_ids: Sequence[Any] = (),
    partner_ids: Sequence[Any] = (),
    other_attendees: str = "",
    meta: AuditMeta = NO_META,
) -> CaseConference:
    """Record a case conference: when, who attended, and what was decided."""
    current = _locked(actor, case)
    errors: dict[str, list[Any]] = {}
    if held_on is None:
        _add(errors, "held_on", _("Give the date it was held."))
    elif held_on > today():
        _add(errors, "held_on", _("Record a conference once it has been held."))
    decisions = _text(decisions, "decisions", errors, _("Record what was decided."))
    attendee_pks, partner_pks = _pks(attendee_ids), _pks(partner_ids)
    attendees = list(selectors.lead_choices(current.force_id).filter(pk__in=attendee_pks or []))
    if attendee_pks is None or len(attendees) != len(attendee_pks):
        _add(errors, "attendees", _("Choose attendees from the list."))
    partners = list(selectors.partners_of(current.force_id).filter(pk__in=partner_pks or []))
    if partner_pks is None or len(partners) != len(partner_pks):
        _add(errors, "partners", _("Choose organisations from the list."))
    if not (attendees or partners or other_attendees.strip()):
        _add(errors, "attendees", _("Say who attended."))
    _raise(errors)
    assert held_on is not None
    conference = CaseConference.objects.create(
        case=current,
        held_on=held_on,
        decisions=decisions,
        other_attendees=other_attendees.strip(),
        recorded_by=actor,
    )
    conference.attendees.set(attendees)
    conference.partners.set(partners)
    _touch(actor, current)
    record(
        actor=actor,
        event=EventType.ASB_CASE_CONFERENCE_RECORDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={
            "id": conference.pk,
            "held_on": conference.held_on.isoformat(),
            "attendees": sorted(a.pk for a in attendees),
            "partners": sorted(p.pk for p in partners),
        },
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return conference


# ---- closing ----------------------------------------------------------------------------------


@transaction.atomic
def case_close(
    *,
    actor: Person,
    case: AsbCase,
    reason: str,
    notes: str = "",
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> AsbCase:
    """Close a case with its reason, once no action or partner task is still open."""
    current = _locked(actor, case, expected_version)
    errors: dict[str, list[Any]] = {}
    if reason not in ClosureReason.values:
        _add(errors, "reason", _("Choose why the case is closing."))
    open_actions = current.actions.filter(status=ActionStatus.PLANNED).count()
    open_tasks = current.tasks.filter(status=TaskStatus.OPEN).count()
    if open_actions or open_tasks:
        _add(
            errors,
            "__all__",
            _(
                "Record the result of the open actions (%(a)d) and partner tasks (%(t)d), or cancel them, "
                "before closing the case."
            )
            % {"a": open_actions, "t": open_tasks},
        )
    _raise(errors)
    before = case_snapshot(current)
    current.status = CaseStatus.CLOSED
    current.closure_reason = reason
    current.closure_notes = notes.strip()
    current.closed_at = timezone.now()
    current.version += 1
    current.updated_by = actor
    current.save()
    record(
        actor=actor,
        event=EventType.ASB_CASE_CLOSED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=case_snapshot(current),
        meta=meta,
    )
    case.refresh_from_db()  # the caller's copy shows what was saved
    return current


# ---- sharing ----------------------------------------------------------------------------------


def _agreement_errors(force: Force, data: AgreementData) -> tuple[PartnerOrganisation | None, dict[str, list[Any]]]:
    errors: dict[str, list[Any]] = {}
    partner = PartnerOrganisation.objects.filter(pk=data.partner_id, force=force).first()
    if partner is None:
        _add(errors, "partner", _("Choose a partner organisation of the force."))
    _text(data.title, "title", errors, _("Give the agreement its title."), 160)
    _text(data.purpose, "purpose", errors, _("Say what the data is shared for."))
    if not data.data_categories:
        _add(errors, "data_categories", _("Choose what data the partner may see."))
    elif any(c not in DataCategory.values for c in data.data_categories):
        _add(errors, "data_categories", _("Choose data categories from the list."))
    if data.starts_on is None:
        _add(errors, "starts_on", _("Give the date it starts."))
    if data.ends_on is None:
        _add(errors, "ends_on", _("Give the date it ends: an agreement runs for a set period."))
    elif data.starts_on is not None and data.ends_on < data.starts_on:
        _add(errors, "ends_on", _("The end is before the start."))
    elif data.starts_on is not None and data.ends_on > data.starts_on + dt.timedelta(days=5 * 366):
        _add(errors, "ends_on", _("Agreements run for at most five years: review it and record a new one."))
    return partner, errors


@transaction.atomic
def agreement_create(
    *, actor: Person, force: Force, data: AgreementData, meta: AuditMeta = NO_META
) -> SharingAgreement:
    """Record an information-sharing agreement with a partner organisation (force administrators)."""
    policy.require(actor, policy.Action.MANAGE_SHARING_AGREEMENTS, force)
    partner, errors = _agreement_errors(force, data)
    _raise(errors)
    assert partner is not None and data.starts_on is not None and data.ends_on is not None
    agreement = SharingAgreement.objects.create(
        force=force,
        partner=partner,
        title=data.title.strip(),
        purpose=data.purpose.strip(),
        data_categories=sorted(set(data.data_categories)),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=actor,
    )
    record(
        actor=actor,
        event=EventType.SHARING_AGREEMENT_CREATED,
        obj=agreement,
        after=agreement_snapshot(agreement),
        meta=meta,
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Person,
    agreement: SharingAgreement,
    data: AgreementData,
    ended_early_on: dt.date | None = None,
    meta: AuditMeta = NO_META,
) -> SharingAgreement:
    """Change an agreement (e.g. narrow the data it allows), or end it early: from the day after
    `ended_early_on` the partner sees nothing shared under it."""
    row = SharingAgreement.objects.select_for_update().select_related("force").get(pk=agreement.pk)
    policy.require(actor, policy.Action.MANAGE_SHARING_AGREEMENTS, row)
    if data.partner_id != row.partner_id:
        raise ValidationError({"partner": [_("An agreement stays with its organisation: record a new one.")]})
    _partner, errors = _agreement_errors(row.force, data)
    if (
        ended_early_on is not None
        and data.starts_on is not None
        and ended_early_on < data.starts_on - dt.timedelta(days=1)
    ):
        _add(errors, "ended_early_on", _("The agreement cannot end before it starts."))
    _raise(errors)
    assert data.starts_on is not None and data.ends_on is not None
    before = agreement_snapshot(row)
    row.title, row.purpose = data.title.strip(), data.purpose.strip()
    row.data_categories = sorted(set(data.data_categories))
    row.starts_on, row.ends_on, row.ended_early_on = data.starts_on, data.ends_on, ended_early_on
    row.save()
    record(
        actor=actor,
        event=EventType.SHARING_AGREEMENT_UPDATED,
        obj=row,
        before=before,
        after=agreement_snapshot(row),
        meta=meta,
    )
    agreement.refresh_from_db()
    return row


@transaction.atomic
def case_share(*, actor: Person, case: AsbCase, agreement_id: Any, meta: AuditMeta = NO_META) -> CaseShare:
    """Share an open case with a partner organisation under an agreement of the case's force that
    is in force today (supervisors of the case's neighbourhood)."""
    if not selectors.may_share(actor, case):
        raise PermissionDenied(_(DENIED))
    current = AsbCase.objects.select_for_update().get(pk=case.pk)
    _require_open(current)
    agreement = None
    with contextlib.suppress(TypeError, ValueError):
        agreement = selectors.agreements_to_share_under(current).filter(pk=int(agreement_id)).first()
    if agreement is None:
        raise ValidationError(
            {"agreement": [_("Choose an agreement of the case's force that is in force today and not already used.")]}
        )
    share = CaseShare.objects.create(
        case=current, agreement=agreement, partner_id=agreement.partner_id, shared_by=actor, shared_at=timezone.now()
    )
    record(
        actor=actor,
        event=EventType.ASB_CASE_SHARED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={
            "agreement": agreement.pk,
            "partner": agreement.partner_id,
            "categories": sorted(agreement.data_categories),
        },
        meta=meta,
    )
    return share


@transaction.atomic
def case_unshare(*, actor: Person, share: CaseShare, meta: AuditMeta = NO_META) -> CaseShare:
    """Stop sharing a case with a partner (allowed on a closed case too: it takes access away)."""
    if not selectors.may_share(actor, share.case):
        raise PermissionDenied(_(DENIED))
    row = CaseShare.objects.select_for_update().select_related("case").get(pk=share.pk)
    if row.withdrawn_at is not None:
        raise ValidationError({"__all__": [_("The case is no longer shared under that agreement.")]})
    row.withdrawn_at, row.withdrawn_by = timezone.now(), actor
    row.save()
    record(
        actor=actor,
        event=EventType.ASB_CASE_UNSHARED,
        obj=row.case,
        neighbourhood_id=row.case.neighbourhood_id,
        after={"agreement": row.agreement_id, "partner": row.partner_id},
        meta=meta,
    )
    share.refresh_from_db()
    return row


# ---- export -----------------------------------------------------------------------------------


@dataclass
class CaseExport:
    rows: Iterator[list[Any]]
    count: int
    matched: int


EXPORT_HEADER = [
    "reference",
    "opened",
    "neighbourhood",
    "title",
    "status",
    "risk",
    "review_by",
    "lead",
    "incidents",
    "open_actions",
    "closure_reason",
]


def cases_export(*, actor: Person, filters: selectors.CaseFilters, meta: AuditMeta = NO_META) -> CaseExport:
    """The cases the actor may manage that match the filters, as CSV rows (no parties). Partner
    users cannot export. Audited in each force it covers before a row is produced."""
    if selectors.is_partner(actor) or not policy.neighbourhoods_for(actor, policy.Action.MANAGE_ASB_CASES).exists():
        raise PermissionDenied(_(DENIED))
    cases = selectors.case_list(actor, filters)
    matched = cases.count()
    count = min(matched, EXPORT_LIMIT)
    force_ids = sorted(set(cases.values_list("force_id", flat=True).distinct())) or [
        *policy.forces_in_scope(actor).values_list("pk", flat=True)
    ]
    record_in_forces(
        actor=actor,
        event=EventType.ASB_CASES_EXPORTED,
        force_ids=force_ids,
        after={"filters": filters.as_dict(), "rows": count, "matched": matched, "limit": EXPORT_LIMIT},
        meta=meta,
    )

    def rows() -> Iterator[list[Any]]:
        for case in cases[:count].iterator(chunk_size=500):
            yield [
                case.reference,
                timezone.localtime(case.created_at).strftime("%Y-%m-%d"),
                case.neighbourhood.name,
                case.title,
                case.status,
                case.risk_level,
                case.review_on.isoformat(),
                str(case.lead),
                case.incident_count,  # type: ignore[attr-defined]
                case.open_action_count,  # type: ignore[attr-defined]
                case.closure_reason,
            ]

    return CaseExport(rows=rows(), count=count, matched=matched)
