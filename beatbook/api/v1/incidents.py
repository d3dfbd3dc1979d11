"""Incidents, their alerts and each force's incident rules.

Reads go through `beatbook.incidents.selectors` (scoped to the caller: the incidents of the
neighbourhoods they see, and those they recorded); writes through `beatbook.incidents.services`
(which check permission again, validate, audit and look for repeats). Opening one incident, with
the people involved, is audited (`INCIDENT_VIEWED`); lists and the map carry no personal data.

A change names the `version` of the incident it was made on: when someone else has changed the
incident since, nothing is saved and the answer is 409. A new incident may carry a client `uuid`:
sending it again (a retry after a lost answer) returns the incident already stored, with 201 as
the first time, whatever the body of the retry says.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.incidents import selectors, services
from beatbook.incidents.models import Alert, AlertKind, Incident, IncidentPerson, Involvement
from beatbook.incidents.reference import HowReported, Level
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Force, Neighbourhood, Person

from .auth import actor_of, meta_of
from .errors import error_responses
from .incident_schemas import (
    AcknowledgeIn,
    AlertOut,
    AlertsPage,
    IncidentAlertOut,
    IncidentDetailOut,
    IncidentFilterQuery,
    IncidentIn,
    IncidentListItem,
    IncidentListQuery,
    IncidentMapCollection,
    IncidentNeighbourhoodIn,
    IncidentPatchIn,
    IncidentPersonIn,
    IncidentPersonOut,
    IncidentRef,
    IncidentRulesOut,
    IncidentRulesPatchIn,
    IncidentsPage,
    IncidentStatusIn,
)
from .outputs import neighbourhood_ref
from .schemas import PageQuery

router = Router(tags=["incidents"])

STALE = "409 when the incident changed since the caller read it (`version` is old): nothing is saved."
CHANGE = "404 when the caller cannot see the incident; 403 when they see it but may not change it. "


# ---- Model rows to response schemas (reading only what the selectors loaded) ---------------------


def _summary(incident: Incident) -> dict[str, Any]:
    """The fields of a list item (no people, no free text but the place)."""
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "occurred_at": incident.occurred_at,
        "neighbourhood": neighbourhood_ref(incident.neighbourhood),
        "category": incident.category,
        "asb_qualifier": incident.asb_qualifier or None,
        "asb_type": incident.asb_type or None,
        "status": incident.status,
        "risk_level": incident.risk_level,
        "is_repeat_victim": incident.is_repeat_victim,
        "is_repeat_location": incident.is_repeat_location,
        "lat": incident.lat,
        "lng": incident.lng,
        "location_text": incident.location_text,
        "version": incident.version,
    }


def _list_item(incident: Incident) -> IncidentListItem:
    return IncidentListItem(**_summary(incident))


def _person_out(person: IncidentPerson) -> IncidentPersonOut:
    return IncidentPersonOut(
        id=person.pk,
        involvement=Involvement(person.involvement),
        name=person.name,
        is_unknown=person.is_unknown,
        date_of_birth=person.date_of_birth,
        address=person.address,
        phone=person.phone,
        description=person.description,
        is_vulnerable=person.is_vulnerable,
    )


def _incident_alert_out(alert: Alert) -> IncidentAlertOut:
    return IncidentAlertOut(
        id=alert.pk,
        kind=AlertKind(alert.kind),
        subject=alert.subject,
        count=alert.count,
        window_days=alert.window_days,
        created_at=alert.created_at,
        is_open=alert.is_open,
        acknowledged_at=alert.acknowledged_at,
    )


def _detail(actor: Person, incident: Incident) -> IncidentDetailOut:
    """One incident as loaded by `selectors.incident_get_for` / `incident_open_for` (force,
    neighbourhood and recorder joined; people and alerts prefetched)."""
    return IncidentDetailOut(
        **_summary(incident),
        uuid=incident.uuid,
        force=incident.force.slug,
        neighbourhood_reason=incident.neighbourhood_reason,
        is_publishable=incident.is_publishable,
        grid_reference=incident.grid_reference,
        description=incident.description,
        how_reported=HowReported(incident.how_reported),
        thrive_threat=Level(incident.thrive_threat),
        thrive_harm=Level(incident.thrive_harm),
        thrive_risk=Level(incident.thrive_risk),
        thrive_investigation=Level(incident.thrive_investigation),
        thrive_vulnerability=Level(incident.thrive_vulnerability),
        thrive_engagement=Level(incident.thrive_engagement),
        thrive_notes=incident.thrive_notes,
        outcome=incident.outcome,
        next_statuses=incident.next_statuses,
        can_change=selectors.may_change(actor, incident),
        created_by=str(incident.created_by),
        created_at=incident.created_at,
        updated_at=incident.updated_at,
        people=[_person_out(p) for p in incident.people.all()],
        alerts=[_incident_alert_out(a) for a in incident.alerts.all()],
    )


def _fresh_detail(actor: Person, incident_id: int) -> IncidentDetailOut:
    """The incident as it now stands, after a write (the write's own audit event records the
    access, so this read is not audited again)."""
    return _detail(actor, selectors.incident_get_for(actor=actor, incident_id=incident_id))


def _alert_out(alert: Alert) -> AlertOut:
    """An alert loaded with its incident and neighbourhood (and, if acknowledged, who did)."""
    acknowledged_by = alert.acknowledged_by if alert.acknowledged_by_id is not None else None
    return AlertOut(
        id=alert.pk,
        kind=AlertKind(alert.kind),
        subject=alert.subject,
        count=alert.count,
        window_days=alert.window_days,
        incident=IncidentRef(id=alert.incident.pk, reference=alert.incident.reference),
        neighbourhood=neighbourhood_ref(alert.neighbourhood),
        lat=alert.lat,
        lng=alert.lng,
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=str(acknowledged_by) if acknowledged_by is not None else None,
        acknowledgement_note=alert.acknowledgement_note,
    )


def _filters(query: IncidentFilterQuery) -> selectors.IncidentFilters:
    return selectors.IncidentFilters(
        neighbourhood_id=query.neighbourhood,
        date_from=query.date_from,
        date_to=query.date_to,
        category=query.category or "",
        status=query.status or "",
        person=query.person or "",
        flag=query.flag or "",
        reference=query.reference or "",
    )


def _person_data(person: IncidentPersonIn) -> services.PersonData:
    return services.PersonData(
        involvement=Involvement(person.involvement),
        name=person.name,
        is_unknown=person.is_unknown,
        date_of_birth=person.date_of_birth,
        address=person.address,
        phone=person.phone,
        description=person.description,
        is_vulnerable=person.is_vulnerable,
    )


def _changeable(actor: Person, incident_id: int) -> Incident:
    """The incident, if the caller may change it: 404 when they cannot see it, 403 when they can."""
    return selectors.incident_get_for(actor=actor, incident_id=incident_id, action=policy.Action.RECORD_INCIDENT)


# ---- Incidents ----------------------------------------------------------------------------------
@router.get(
    "/incidents",
    response={200: IncidentsPage, **error_responses(401, 422)},
    summary="Incidents visible to the caller, newest first (no people)",
    description="The incidents of the neighbourhoods the caller sees, and those they recorded. "
    "`person` matches part of the name or address of someone involved; a `neighbourhood` the caller "
    "does not see matches nothing.",
)
def incident_list(request: HttpRequest, filters: Query[IncidentListQuery]) -> IncidentsPage:
    incidents = selectors.incidents_matching(actor_of(request), _filters(filters))
    page = paginate(incidents, number=filters.page, size=filters.page_size)
    return IncidentsPage(
        items=[_list_item(i) for i in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.get(
    "/incidents/map",
    response={200: IncidentMapCollection, **error_responses(401, 422)},
    summary="Incidents visible to the caller as GeoJSON points (the same filters as the list)",
    description=f"The newest {selectors.MAP_POINT_LIMIT} at most; `truncated` says when there were more.",
)
def incident_map(request: HttpRequest, filters: Query[IncidentFilterQuery]) -> IncidentMapCollection:
    return IncidentMapCollection.model_validate(selectors.map_features(actor_of(request), _filters(filters)))


@router.post(
    "/incidents",
    response={201: IncidentDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Record an incident (those who record incidents: PCSOs, officers, supervisors)",
    description="Placed in the neighbourhood of the caller's force that holds the point: a point outside "
    "them is 400 on `lat`. A `uuid` the caller already sent returns that incident (201, as the first time) "
    "and stores nothing; one that another person's incident has is 400 on `uuid`. 403 for those who record "
    "no incidents.",
)
def incident_create(request: HttpRequest, payload: IncidentIn) -> Status[IncidentDetailOut]:
    actor = actor_of(request)
    if not selectors.recording_neighbourhoods(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    incident = services.incident_create(
        actor=actor,
        data=services.IncidentData(
            occurred_at=payload.occurred_at,
            category=payload.category,
            description=payload.description,
            how_reported=payload.how_reported,
            thrive_threat=payload.thrive_threat,
            thrive_harm=payload.thrive_harm,
            thrive_risk=payload.thrive_risk,
            thrive_investigation=payload.thrive_investigation,
            thrive_vulnerability=payload.thrive_vulnerability,
            thrive_engagement=payload.thrive_engagement,
            risk_level=payload.risk_level,
            lat=payload.lat,
            lng=payload.lng,
            grid_reference=payload.grid_reference,
            location_text=payload.location_text,
            asb_qualifier=payload.asb_qualifier or "",
            asb_type=payload.asb_type or "",
            thrive_notes=payload.thrive_notes,
            is_publishable=payload.is_publishable,
        ),
        people=[_person_data(p) for p in payload.people],
        client_uuid=payload.uuid,
        meta=meta_of(request),
    )
    return Status(201, _fresh_detail(actor, incident.pk))


@router.get(
    "/incidents/{int:incident_id}",
    response={200: IncidentDetailOut, **error_responses(401, 404)},
    summary="One incident, with the people involved and its alerts (the read is audited)",
)
def incident_detail(request: HttpRequest, incident_id: int) -> IncidentDetailOut:
    actor = actor_of(request)
    return _detail(actor, selectors.incident_open_for(actor=actor, incident_id=incident_id, meta=meta_of(request)))


@router.patch(
    "/incidents/{int:incident_id}",
    response={200: IncidentDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change what an incident says",
    description=CHANGE + STALE + " Send `version` and the fields to change; what is left out stays. A new "
    "point (or grid reference) moves the incident to the neighbourhood that holds it, undoing a correction.",
)
def incident_update(request: HttpRequest, incident_id: int, payload: IncidentPatchIn) -> IncidentDetailOut:
    actor = actor_of(request)
    incident = _changeable(actor, incident_id)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {}
    for name in sent - {"version"}:
        value = getattr(payload, name)
        changes[name] = "" if value is None else value  # only the ASB choices may be null: cleared
    services.incident_update(
        actor=actor,
        incident=incident,
        changes=services.IncidentChanges(**changes),
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, incident.pk)


@router.post(
    "/incidents/{int:incident_id}/status",
    response={200: IncidentDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Move an incident along its status flow",
    description=CHANGE + STALE + " open → attended → (escalated | resolved) → closed; any other step is 400 "
    "on `status`, and closing without an outcome is 400 on `outcome`.",
)
def incident_status(request: HttpRequest, incident_id: int, payload: IncidentStatusIn) -> IncidentDetailOut:
    actor = actor_of(request)
    incident = _changeable(actor, incident_id)
    services.incident_set_status(
        actor=actor,
        incident=incident,
        status=payload.status,
        outcome=payload.outcome,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, incident.pk)


def _correction_target(actor: Person, incident: Incident, neighbourhood_id: int) -> Neighbourhood:
    """The neighbourhood to move the incident to: its current one (the service then says so), or
    another active one of its force; anything else is a field error, not a 404."""
    if neighbourhood_id == incident.neighbourhood_id:
        return incident.neighbourhood
    try:
        choices = selectors.correction_choices(actor=actor, incident=incident)
        return org_selectors.get_visible(choices, neighbourhood_id)
    except Http404 as exc:
        raise ValidationError({"neighbourhood": _("No such neighbourhood in the incident's force.")}) from exc


@router.post(
    "/incidents/{int:incident_id}/neighbourhood",
    response={200: IncidentDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Correct an incident's neighbourhood, with the reason",
    description=CHANGE + STALE + " A neighbourhood that is not another active one of the incident's force "
    "is 400 on `neighbourhood`; a blank reason is 400 on `reason`.",
)
def incident_correct_neighbourhood(
    request: HttpRequest, incident_id: int, payload: IncidentNeighbourhoodIn
) -> IncidentDetailOut:
    actor = actor_of(request)
    incident = _changeable(actor, incident_id)
    services.incident_correct_neighbourhood(
        actor=actor,
        incident=incident,
        neighbourhood=_correction_target(actor, incident, payload.neighbourhood),
        reason=payload.reason,
        expected_version=payload.version,
        meta=meta_of(request),
    )
    return _fresh_detail(actor, incident.pk)


@router.post(
    "/incidents/{int:incident_id}/people",
    response={201: IncidentDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add someone involved in an incident (the answer is the whole incident)",
    description=CHANGE + "No `version` is needed: adding a person changes nothing anyone else wrote "
    "(the incident's version still goes up). A new victim may make the incident a repeat.",
)
def incident_add_person(request: HttpRequest, incident_id: int, payload: IncidentPersonIn) -> Status[IncidentDetailOut]:
    actor = actor_of(request)
    incident = _changeable(actor, incident_id)
    services.incident_add_person(actor=actor, incident=incident, data=_person_data(payload), meta=meta_of(request))
    return Status(201, _fresh_detail(actor, incident.pk))


# ---- Alerts -------------------------------------------------------------------------------------
@router.get(
    "/alerts",
    response={200: AlertsPage, **error_responses(401, 422)},
    summary="Open alerts in the neighbourhoods where the caller records incidents, newest first",
)
def alert_list(request: HttpRequest, paging: Query[PageQuery]) -> AlertsPage:
    page = paginate(selectors.alerts_open_for(actor_of(request)), number=paging.page, size=paging.page_size)
    return AlertsPage(
        items=[_alert_out(a) for a in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/alerts/{int:alert_id}/acknowledge",
    response={200: AlertOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Acknowledge an alert (someone who records incidents in its neighbourhood)",
    description="404 when the caller cannot see the alert's incident; 403 when they see it but do not record "
    "incidents in its neighbourhood; an alert already acknowledged is 400 on `note`.",
)
def alert_acknowledge(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> AlertOut:
    actor = actor_of(request)
    alert = selectors.alert_get_for(actor=actor, alert_id=alert_id)
    services.alert_acknowledge(actor=actor, alert=alert, note=payload.note, meta=meta_of(request))
    return _alert_out(selectors.alert_get_for(actor=actor, alert_id=alert.pk))


# ---- A force's incident rules -------------------------------------------------------------------
def _rules_out(force: Force) -> IncidentRulesOut:
    rules = selectors.rules_for(force)
    return IncidentRulesOut(
        force=force.slug,
        repeat_count=rules.repeat_count,
        repeat_window_days=rules.repeat_window_days,
        repeat_radius_m=rules.repeat_radius_m,
        trigger_threshold=rules.trigger_threshold,
        trigger_window_months=rules.trigger_window_months,
    )


@router.get(
    "/forces/{slug}/incident-rules",
    response={200: IncidentRulesOut, **error_responses(401, 404)},
    summary="A force's thresholds for repeats and the ASB case review (community trigger)",
    description="The defaults until the force sets its own.",
)
def incident_rules_detail(request: HttpRequest, slug: str) -> IncidentRulesOut:
    return _rules_out(org_selectors.force_get_for(actor=actor_of(request), slug=slug))


@router.patch(
    "/forces/{slug}/incident-rules",
    response={200: IncidentRulesOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set a force's thresholds (force administrators)",
    description="404 when the caller cannot see the force; 403 when they are not its administrator. What is "
    "left out stays. A community-trigger threshold above 3 (the Act's limit), or a repeat count below 2, is 400.",
)
def incident_rules_update(request: HttpRequest, slug: str, payload: IncidentRulesPatchIn) -> IncidentRulesOut:
    actor = actor_of(request)
    force = org_selectors.force_get_for(actor=actor, slug=slug, action=policy.Action.MANAGE_INCIDENT_RULES)
    changes = services.RulesChanges(**payload.model_dump(exclude_unset=True))
    services.incident_rules_update(actor=actor, force=force, changes=changes, meta=meta_of(request))
    return _rules_out(force)
