"""Authentication: bearer tokens and the session, on every endpoint, and errors outside them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from beatbook.accounts.models import ApiToken
from beatbook.accounts.services import api_token_create, api_token_revoke
from beatbook.api.urls import api_v1_urls
from beatbook.audit.models import AuditEvent, EventType
from beatbook.cases import services as cases
from beatbook.cases.models import CaseAction, CaseParty, CaseShare, PartnerTask
from beatbook.cases.tests.factories import action_data, agreement, asb_incident, open_case, party_data, share
from beatbook.community.models import EngagementEvent, Priority
from beatbook.community.tests.test_events_services import plan as plan_event
from beatbook.community.tests.test_events_services import soon
from beatbook.community.tests.test_priorities_services import make_priority
from beatbook.core.testing import World, square
from beatbook.core.timeutil import today
from beatbook.enforcement.models import DispersalAuthorisation, EnforcementRecord
from beatbook.enforcement.tests.test_detention_services import refused
from beatbook.enforcement.tests.test_detention_services import start as start_detention
from beatbook.enforcement.tests.test_dispersal import authorise, direct
from beatbook.enforcement.tests.test_penalties import issue as issue_penalty
from beatbook.enforcement.tests.test_seizures import seize_vehicle, warn
from beatbook.incidents import services as incidents
from beatbook.incidents.models import Alert, Incident
from beatbook.incidents.tests.factories import A1_CENTRE, ago
from beatbook.learning.models import Course, CpdEntry
from beatbook.learning.services import development as services_development
from beatbook.learning.services.programmes import milestone_sign_off
from beatbook.learning.tests.test_development import cpd as make_cpd
from beatbook.learning.tests.test_development import item as dev_item
from beatbook.learning.tests.test_development import load_development, open_pdr, ready_pdr, signed_pdr
from beatbook.learning.tests.test_portfolio import Cast as PortfolioCast
from beatbook.learning.tests.test_portfolio import draft as draft_evidence
from beatbook.learning.tests.test_portfolio import incident as personal_incident
from beatbook.learning.tests.test_portfolio import submitted as submitted_evidence
from beatbook.learning.tests.test_programmes import Cast, ips_criteria, meet
from beatbook.opendata.models import CrimeImport
from beatbook.opendata.services.imports import crime_import_start
from beatbook.opendata.tests.staff_builders import last_month, sample_text
from beatbook.org import selectors
from beatbook.org import services as org
from beatbook.org.models import Person, Posting
from beatbook.patrols.tests.helpers import at, plan, start
from beatbook.powers.models import Designation, ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from beatbook.powers.reference import DETAIN, REQUIRE_NAME_ADDRESS
from beatbook.powers.services import catalogue as catalogue_services
from beatbook.powers.testing import powers_world
from beatbook.recruitment.tests import builders as recruitment

from .helpers import Api, assert_error, data, openapi_document


class Multipart(dict[str, Any]):
    """A body sent as multipart/form-data (an upload): its fields, and files as uploaded files."""


Call = tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]  # method, path, query, body (JSON or Multipart)


def _postings_of(person: Person) -> Posting:
    return Posting.objects.filter(person=person).get()


def _recorded(w: World, lat: float = 52.205) -> Incident:
    """An incident in A1 recorded by Alice, with a victim."""
    data = incidents.IncidentData(
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        category="public-order",
        description="Shouting in the street.",
        how_reported="phone-101",
        thrive_threat="low",
        thrive_harm="low",
        thrive_risk="low",
        thrive_investigation="low",
        thrive_vulnerability="low",
        thrive_engagement="low",
        risk_level="low",
        lat=lat,
        lng=0.119,
    )
    victim = incidents.PersonData(involvement="victim", name="Jo Bloggs")
    return incidents.incident_create(actor=w.alice, data=data, people=[victim])


def _alert(w: World) -> Alert:
    """An open repeat-victim alert in A1: three incidents with the same victim, 550 m apart."""
    for lat in (52.200, 52.205, 52.210):
        incident = _recorded(w, lat)
    return Alert.objects.get(incident=incident)


def _party(w: World) -> CaseParty:
    """A party added by Alice to her case in A1 (as well as those copied from its incidents)."""
    return cases.case_add_party(actor=w.alice, case=open_case(w), data=party_data())


def _action(w: World) -> CaseAction:
    """A warning letter planned on Alice's case in A1, owned by her."""
    return cases.case_add_action(actor=w.alice, case=open_case(w), data=action_data(w))


def _shared(w: World) -> CaseShare:
    """Alice's case in A1, shared by Bob with Cambridge City Council (summary, parties, tasks)."""
    return share(w, open_case(w), agreement(w))


def _council_task(w: World) -> PartnerTask:
    """An open task for Cambridge City Council (Gus's organisation) on Alice's case, shared with it."""
    case = _shared(w).case
    return cases.case_add_task(
        actor=w.alice, case=case, partner_id=w.council.pk, description="Visit the tenant.", due_on=today()
    )


NEW_INCIDENT = {
    "occurred_at": "2026-01-02T10:00:00+00:00",
    "lat": 52.205,
    "lng": 0.119,
    "category": "drugs",
    "description": "Cannabis smell in the stairwell.",
    "how_reported": "online",
    "thrive_threat": "low",
    "thrive_harm": "low",
    "thrive_risk": "low",
    "thrive_investigation": "low",
    "thrive_vulnerability": "low",
    "thrive_engagement": "low",
    "risk_level": "low",
}


def _in_days(days: int) -> str:
    """Today, or so many days from today, as the API takes a date."""
    return (today() + dt.timedelta(days=days)).isoformat()


NEW_PARTY = {"role": "victim", "name": "Olive Green", "address": "22 Coldhams Lane"}
FINISHED = {"status": "done", "result": "Delivered by hand."}
NEW_AGREEMENT = {
    "title": "Cambridge Community Safety Partnership ISA",
    "purpose": "Joint work on anti-social behaviour cases in Cambridge.",
    "data_categories": ["summary", "parties", "tasks"],
}


def _new_plan(w: World) -> dict[str, Any]:
    """A hot-spot plan for A1 from today for four weeks, with one place."""
    return {
        "neighbourhood": w.a1.pk,
        "name": "Market evenings",
        "starts_on": _in_days(0),
        "ends_on": _in_days(27),
        "targets": [{"label": "Market square", "lat": 52.205, "lng": 0.119, "radius_m": 71}],
    }


def _new_case(w: World) -> dict[str, Any]:
    """A case to open from an ASB incident Alice recorded in A1."""
    return {
        "incidents": [asb_incident(w.alice).pk],
        "title": "Noise and threats at Mill Road flats",
        "summary": "Loud music late at night and threats to the neighbour at number 14.",
        "risk_level": "medium",
        "risk_notes": "Victim is elderly and lives alone.",
        "review_on": _in_days(28),
    }


def _pw(w: World) -> World:
    """The world with the powers fixtures (catalogues, designations, tariffs), set up once."""
    if not Power.objects.filter(force=w.force_a).exists():
        powers_world(w)
    return w


def _framework_code(w: World) -> str:
    load_development(w)
    return "cvf-2024"


def _ips_ready(w: World, *, signed: bool = False) -> int:
    """An enrolment of Alice's (Bob her line manager) with every criterion needed for IPS met."""
    cast = Cast(w)
    enrolment = cast.enrol()
    meet(enrolment, ips_criteria(cast), cast.assessor)
    if signed:
        milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone="ips", note="")
    return enrolment.pk


def _evidence_body(cast: PortfolioCast) -> dict[str, Any]:
    return {
        "kind": "reflective_account",
        "title": "Dealing with a neighbour dispute",
        "occurred_on": today().isoformat(),
        "body": "What I did and what I learnt.",
        "criteria": [cast.criteria(1)[0].pk],
    }


def _from_record(w: World) -> Call:
    """Alice makes an incident she recorded into evidence in her portfolio."""
    cast = PortfolioCast(w)
    body = {"source": "incidents.incident", "id": personal_incident(w).pk, "criteria": [cast.criteria(1)[0].pk]}
    return ("POST", f"/enrolments/{cast.enrolment.pk}/evidence/from-record", None, body)


def _eligible(w: World) -> Call:
    """Alice, on a programme, lists the records she may use (an incident she recorded)."""
    PortfolioCast(w)
    personal_incident(w)
    return ("GET", "/portfolio/eligible-records", None, None)


def _to_judge(w: World) -> Call:
    """Alice's submitted evidence, judged met by Dee, posted force-wide as an assessor as well."""
    cast = PortfolioCast(w)
    org.posting_create(actor=w.system, person=w.dee, role="assessor", valid_from=today() - dt.timedelta(days=1))
    evidence = submitted_evidence(cast)
    body = {"criterion": cast.criteria(1)[0].pk, "judgement": "met"}
    return ("POST", f"/evidence/{evidence.pk}/judgements", None, body)


def _foc_signed(w: World) -> int:
    """An enrolment of Alice's with every criterion met and both milestones signed off."""
    cast = Cast(w)
    enrolment = cast.enrol()
    meet(enrolment, cast.programme.criteria.all(), cast.assessor)
    milestone_sign_off(actor=cast.tutor, enrolment=enrolment, milestone="ips", note="")
    milestone_sign_off(actor=cast.assessor, enrolment=enrolment, milestone="foc", note="")
    return enrolment.pk


def _other_phase(w: World) -> tuple[int, int]:
    """An enrolment's id and the id of a phase of its programme it is not in."""
    enrolment = Cast(w).enrol()
    phase = enrolment.programme.phases.exclude(pk=enrolment.current_phase_id or 0).order_by("position").first()
    assert phase is not None
    return enrolment.pk, phase.pk


def _programme_settings() -> dict[str, Any]:
    return {
        "route": "apprenticeship_england",
        "qualification": "diploma",
        "qualification_title": "Level 4 Diploma in Community Policing Practice",
        "awarding_body": "SFJ Awards",
        "qualification_number": "610/5206/1",
        "ips_due_months": 6,
        "foc_due_months": 12,
        "review_interval_weeks": 4,
    }


def _cpd_body(w: World) -> dict[str, Any]:
    load_development(w)
    return {"occurred_on": _in_days(-2), "title": "Read guidance", "kind": "reading", "hours": "1.5", "items": []}


def _cpd(w: World) -> CpdEntry:
    """A CPD entry of Alice's."""
    load_development(w)
    return make_cpd(w.alice)


def _objective_status(w: World) -> Call:
    pdr = open_pdr(w)
    objective = services_development.pdr_objective_add(
        actor=w.bob, pdr=pdr, text="Objective", due_on=dt.date(2025, 12, 1)
    )
    return ("POST", f"/pdrs/{pdr.pk}/objectives/{objective.pk}/status", None, {"status": "achieved"})


def _power(w: World, code: str = DETAIN) -> Power:
    """A power of Cambridgeshire's catalogue."""
    return Power.objects.get(force=_pw(w).force_a, code=code)


def _new_power(w: World) -> Power:
    """A power Erin adds to Cambridgeshire's catalogue, which the force does not designate yet."""
    data = catalogue_services.PowerData(
        title="Direct traffic", summary="Direct traffic.", legal_basis="Police Reform Act 2002", verification="verified"
    )
    return catalogue_services.power_create(
        actor=w.erin, force=_pw(w).force_a, code="direct-traffic", kind="direct", data=data
    )


def _tariff(w: World) -> PenaltyTariff:
    """Cambridge City Council's litter tariff."""
    return PenaltyTariff.objects.get(offence__force=_pw(w).force_a, offence__code="litter")


def _force_designation(w: World) -> ForceDesignation:
    """Cambridgeshire's designation of detention to its PCSOs."""
    return ForceDesignation.objects.get(power=_power(w))


def _designation(w: World) -> Designation:
    """Alice's designation."""
    return Designation.objects.get(person=_pw(w).alice)


def _grants(w: World) -> list[dict[str, Any]]:
    return [{"power": _power(w, REQUIRE_NAME_ADDRESS).pk}]


def _at(minutes: float) -> str:
    """So many minutes ago, as the API takes a moment."""
    return timezone.localtime(ago(minutes=minutes)).isoformat()


def _where(w: World, **body: Any) -> dict[str, Any]:
    """An enforcement record's body (in the powers world): five minutes ago in A1, and `body`."""
    _pw(w)
    return {"occurred_at": _at(5), "lat": A1_CENTRE[0], "lng": A1_CENTRE[1]} | body


def _refused(w: World) -> EnforcementRecord:
    """A requirement to give a name and address that Alice recorded as refused, 12 minutes ago."""
    return refused(_pw(w).alice, minutes=12)


def _detention(w: World) -> EnforcementRecord:
    """A detention Alice started five minutes ago after a refusal."""
    return start_detention(w.alice, _refused(w))


def _penalty(w: World) -> EnforcementRecord:
    """A litter penalty notice Alice issued in A1."""
    return issue_penalty(_pw(w))


def _seizure(w: World) -> EnforcementRecord:
    """A scooter Alice seized after a warning given a month ago."""
    warn(_pw(w).alice, occurred_at=ago(days=30))
    return seize_vehicle(w.alice)


def _authorisation(w: World) -> DispersalAuthorisation:
    """A dispersal authorisation over A1 that Bob recorded, in force now."""
    return authorise(_pw(w))


def _dispersal(w: World) -> EnforcementRecord:
    """A direction Alice gave under Bob's authorisation."""
    return direct(w, _authorisation(w))


def _direction(w: World) -> dict[str, Any]:
    """A direction to leave Market Square for 24 hours, under an authorisation in force."""
    return _where(
        w,
        authorisation=_authorisation(w).pk,
        subject_name="Kyle Smith",
        exclusion_area="Market Square and Petty Cury",
        excluded_until=timezone.localtime(ago(minutes=5) + dt.timedelta(hours=24)).isoformat(),
        behaviour="Shouting at shoppers.",
        told_offence=True,
    )


def _event(w: World) -> EngagementEvent:
    """A public meeting Alice planned in A1 for a week from today."""
    return plan_event(w)


def _started_event(w: World) -> EngagementEvent:
    """A public meeting Alice planned in A1, which started two days ago (so it may be recorded)."""
    return plan_event(w, starts_at=timezone.now() - dt.timedelta(days=2))


def _new_event(w: World) -> dict[str, Any]:
    """A beat surgery in A1 a week from today, for two hours."""
    starts = soon()
    return {
        "neighbourhood": w.a1.pk,
        "kind": "beat_surgery",
        "title": "Beat surgery at the library",
        "address": "Central Library, Lion Yard",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
        "officers": [w.alice.pk],
    }


def _priority(w: World, **overrides: Any) -> Priority:
    """An open priority Alice set in A1 five days ago."""
    return make_priority(w, **overrides)


def _crime_import(w: World) -> CrimeImport:
    """The committed sample police.uk file, uploaded for Cambridgeshire by Dee (not run yet)."""
    return crime_import_start(
        actor=w.dee, force=w.force_a, filename="2026-08-street.csv", content=sample_text().encode()
    )


def _street_file() -> Multipart:
    return Multipart(
        force="cambridgeshire",
        file=SimpleUploadedFile("2026-08-street.csv", sample_text().encode(), content_type="text/csv"),
    )


NEW_POWER = {
    "force": "cambridgeshire",
    "code": "direct-traffic",
    "kind": "direct",
    "title": "Direct traffic",
    "summary": "Direct traffic for purposes other than escorting an abnormal load.",
    "legal_basis": "Police Reform Act 2002, designation under s.38",
    "verification": "not_verified",
}
SIGNED = {"signed_by_name": "Chief Constable Nick Dean", "signed_on": _in_days(0)}


ENDPOINTS: dict[str, Callable[[World], Call]] = {
    "me": lambda w: ("GET", "/me", None, None),
    "force_list": lambda w: ("GET", "/forces", None, None),
    "force_detail": lambda w: ("GET", "/forces/cambridgeshire", None, None),
    "neighbourhood_list": lambda w: ("GET", "/neighbourhoods", None, None),
    "neighbourhood_detail": lambda w: ("GET", f"/neighbourhoods/{w.a1.pk}", None, None),
    "neighbourhood_locate": lambda w: ("GET", "/neighbourhoods/locate", {"lat": 52.205, "lng": 0.119}, None),
    "person_list": lambda w: ("GET", "/people", None, None),
    "person_detail": lambda w: ("GET", f"/people/{w.alice.pk}", None, None),
    "person_postings": lambda w: ("GET", f"/people/{w.alice.pk}/postings", None, None),
    "person_create": lambda w: (
        "POST",
        "/people",
        None,
        {"force": "cambridgeshire", "username": "zed", "display_name": "Zed", "password": "a-long-passphrase-9"},
    ),
    "posting_create": lambda w: (
        "POST",
        f"/people/{w.charlie.pk}/postings",
        None,
        {"role": "pcso", "neighbourhood": w.a1.pk, "valid_from": "2026-01-01"},
    ),
    "posting_end": lambda w: ("POST", f"/postings/{_postings_of(w.alice).pk}/end", None, {"reason": "Moved"}),
    "person_history": lambda w: ("GET", f"/people/{w.alice.pk}/history", None, None),
    "neighbourhood_create": lambda w: (
        "POST",
        "/neighbourhoods",
        None,
        {"force": "cambridgeshire", "code": "NEW1", "name": "New", "boundary": square(52.3, 0.1)},
    ),
    "team_list": lambda w: ("GET", "/teams", None, None),
    "team_detail": lambda w: ("GET", f"/teams/{w.team_a.pk}", None, None),
    "team_create": lambda w: ("POST", "/teams", None, {"force": "cambridgeshire", "name": "New NPT"}),
    "team_update": lambda w: ("PATCH", f"/teams/{w.team_a.pk}", None, {"name": "Renamed NPT"}),
    "partner_list": lambda w: ("GET", "/partners", None, None),
    "partner_create": lambda w: ("POST", "/partners", None, {"force": "cambridgeshire", "name": "X", "kind": "school"}),
    "incident_list": lambda w: ("GET", "/incidents", None, None),
    "incident_map": lambda w: ("GET", "/incidents/map", None, None),
    "incident_create": lambda w: ("POST", "/incidents", None, NEW_INCIDENT),
    "incident_detail": lambda w: ("GET", f"/incidents/{_recorded(w).pk}", None, None),
    "incident_update": lambda w: ("PATCH", f"/incidents/{_recorded(w).pk}", None, {"version": 1, "risk_level": "high"}),
    "incident_status": lambda w: (
        "POST",
        f"/incidents/{_recorded(w).pk}/status",
        None,
        {"status": "attended", "version": 1},
    ),
    "incident_correct_neighbourhood": lambda w: (
        "POST",
        f"/incidents/{_recorded(w).pk}/neighbourhood",
        None,
        {"neighbourhood": w.a2.pk, "reason": "Over the boundary.", "version": 1},
    ),
    "incident_add_person": lambda w: (
        "POST",
        f"/incidents/{_recorded(w).pk}/people",
        None,
        {"involvement": "witness", "name": "Sam"},
    ),
    "alert_list": lambda w: ("GET", "/alerts", None, None),
    "alert_acknowledge": lambda w: ("POST", f"/alerts/{_alert(w).pk}/acknowledge", None, {"note": "Seen."}),
    "incident_rules_detail": lambda w: ("GET", "/forces/cambridgeshire/incident-rules", None, None),
    "incident_rules_update": lambda w: ("PATCH", "/forces/cambridgeshire/incident-rules", None, {"repeat_count": 4}),
    # Patrols and hot-spot plans
    "patrol_list": lambda w: ("GET", "/patrols", None, None),
    "patrol_start": lambda w: (
        "POST",
        "/patrols",
        None,
        {"neighbourhood": w.a1.pk, "mode": "foot", "started_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()},
    ),
    "patrol_detail": lambda w: ("GET", f"/patrols/{start(w).pk}", None, None),
    "patrol_update": lambda w: (
        "PATCH",
        f"/patrols/{(patrol := start(w)).pk}",
        None,
        {"notes": "Quiet morning.", "version": patrol.version},
    ),
    "patrol_add_visit": lambda w: (
        "POST",
        f"/patrols/{start(w).pk}/visits",
        None,
        {
            "lat": 52.206,
            "lng": 0.12,
            "label": "Park gates",
            "arrived_at": at(10).isoformat(),
            "left_at": at(10, 12).isoformat(),
        },
    ),
    "patrol_end": lambda w: (
        "POST",
        f"/patrols/{(patrol := start(w)).pk}/end",
        None,
        {"ended_at": at(12).isoformat(), "version": patrol.version},
    ),
    "patrol_map": lambda w: ("GET", f"/patrols/{start(w).pk}/map", None, None),
    "hotspot_plan_list": lambda w: ("GET", "/hotspot-plans", None, None),
    "hotspot_plan_create": lambda w: ("POST", "/hotspot-plans", None, _new_plan(w)),
    "hotspot_plan_detail": lambda w: ("GET", f"/hotspot-plans/{plan(w).pk}", None, None),
    "hotspot_plan_end": lambda w: ("POST", f"/hotspot-plans/{plan(w).pk}/end", None, None),
    "hotspot_plan_dosage": lambda w: ("GET", f"/hotspot-plans/{plan(w).pk}/dosage", None, None),
    "hotspot_plan_person_dosage": lambda w: ("GET", f"/hotspot-plans/{plan(w).pk}/dosage/people", None, None),
    "neighbourhood_visibility": lambda w: ("GET", f"/neighbourhoods/{w.a1.pk}/visibility", None, None),
    # The hot-spot planner
    "planner_cells": lambda w: ("GET", "/planner/cells", {"neighbourhood": w.a1.pk}, None),
    "planner_proposal": lambda w: ("GET", "/planner/proposal", {"neighbourhood": w.a1.pk}, None),
    "planner_plan_create": lambda w: ("POST", "/planner/plans", None, _new_plan(w) | {"weeks": 2, "cell_m": 100}),
    "planner_plan_evaluation": lambda w: ("GET", f"/hotspot-plans/{plan(w).pk}/evaluation", None, None),
    "planner_settings_detail": lambda w: ("GET", "/forces/cambridgeshire/planner-settings", None, None),
    "planner_settings_update": lambda w: (
        "PUT",
        "/forces/cambridgeshire/planner-settings",
        None,
        {"cell_m": 150, "weeks": 8, "category_weights": {"anti-social-behaviour": 2}},
    ),
    # ASB cases, partner tasks and sharing
    "case_list": lambda w: ("GET", "/cases", None, None),
    "case_create": lambda w: ("POST", "/cases", None, _new_case(w)),
    "case_detail": lambda w: ("GET", f"/cases/{open_case(w).pk}", None, None),
    "case_update": lambda w: (
        "PATCH",
        f"/cases/{(case := open_case(w)).pk}",
        None,
        {"title": "Mill Road flats", "version": case.version},
    ),
    "case_link_incidents": lambda w: (
        "POST",
        f"/cases/{open_case(w).pk}/incidents",
        None,
        {"incidents": [asb_incident(w.alice, 1).pk]},
    ),
    "case_add_party": lambda w: ("POST", f"/cases/{open_case(w).pk}/parties", None, NEW_PARTY),
    "case_update_party": lambda w: (
        "PUT",
        f"/cases/{(party := _party(w)).case_id}/parties/{party.pk}",
        None,
        NEW_PARTY,
    ),
    "case_assess_risk": lambda w: (
        "POST",
        f"/cases/{(case := open_case(w)).pk}/risk-assessments",
        None,
        {"level": "high", "notes": "Threats now made with a knife.", "review_on": _in_days(7), "version": case.version},
    ),
    "case_add_action": lambda w: (
        "POST",
        f"/cases/{open_case(w).pk}/actions",
        None,
        {"kind": "warning_letter", "due_on": _in_days(14), "owner": w.alice.pk},
    ),
    "case_finish_action": lambda w: (
        "POST",
        f"/cases/{(action := _action(w)).case_id}/actions/{action.pk}/finish",
        None,
        FINISHED,
    ),
    "case_add_task": lambda w: (
        "POST",
        f"/cases/{open_case(w).pk}/tasks",
        None,
        {"partner": w.council.pk, "description": "Visit the tenant.", "due_on": _in_days(7)},
    ),
    "task_finish": lambda w: ("POST", f"/tasks/{_council_task(w).pk}/finish", None, FINISHED),
    "case_record_conference": lambda w: (
        "POST",
        f"/cases/{open_case(w).pk}/conferences",
        None,
        {"held_on": _in_days(0), "decisions": "Warning letter.", "attendees": [w.alice.pk, w.bob.pk]},
    ),
    "case_close": lambda w: (
        "POST",
        f"/cases/{(case := open_case(w)).pk}/close",
        None,
        {"reason": "resolved", "notes": "No reports for two months.", "version": case.version},
    ),
    "case_share": lambda w: ("POST", f"/cases/{open_case(w).pk}/shares", None, {"agreement": agreement(w).pk}),
    "case_unshare": lambda w: (
        "POST",
        f"/cases/{(shared := _shared(w)).case_id}/shares/{shared.pk}/withdraw",
        None,
        None,
    ),
    "agreement_list": lambda w: ("GET", "/sharing-agreements", None, None),
    "agreement_create": lambda w: (
        "POST",
        "/sharing-agreements",
        None,
        {
            "force": "cambridgeshire",
            "partner": w.council.pk,
            **NEW_AGREEMENT,
            "starts_on": _in_days(0),
            "ends_on": _in_days(365),
        },
    ),
    "agreement_detail": lambda w: ("GET", f"/sharing-agreements/{agreement(w).pk}", None, None),
    "agreement_update": lambda w: (
        "PUT",
        f"/sharing-agreements/{(under := agreement(w)).pk}",
        None,
        {
            **NEW_AGREEMENT,
            "starts_on": under.starts_on.isoformat(),
            "ends_on": under.ends_on.isoformat(),
            "ended_early_on": _in_days(0),
        },
    ),
    "case_reference": lambda w: ("GET", "/reference/asb-cases", None, None),
    # Powers: catalogues, penalty offences and tariffs, force designations
    "power_list_api": lambda w: ("GET", "/powers", {"force": "cambridgeshire"}, None),
    "power_compare_api": lambda w: ("GET", "/powers/compare", None, None),
    "power_detail_api": lambda w: ("GET", f"/powers/{_power(w).pk}", None, None),
    "power_create_api": lambda w: ("POST", "/powers", None, NEW_POWER),
    "power_update_api": lambda w: (
        "PATCH",
        f"/powers/{(power := _power(w)).pk}",
        None,
        {"version": power.version, "parameters": {"limit_minutes": 20}},
    ),
    "power_catalogue_load_api": lambda w: ("POST", "/forces/cambridgeshire/powers/load", None, None),
    "penalty_offence_list_api": lambda w: ("GET", "/penalty-offences", None, None),
    "penalty_tariff_list_api": lambda w: ("GET", "/penalty-tariffs", {"offence": "litter"}, None),
    "penalty_tariff_set_api": lambda w: (
        "POST",
        "/penalty-tariffs",
        None,
        {
            "offence": PenaltyOffence.objects.get(force=_pw(w).force_a, code="litter").pk,
            "issuing_authority": w.council.pk,
            "amount": "150.00",
            "discounted_amount": "90.00",
            "discount_days": 14,
            "payment_days": 28,
            "valid_from": _in_days(7),
        },
    ),
    "penalty_tariff_end_api": lambda w: (
        "POST",
        f"/penalty-tariffs/{_tariff(w).pk}/end",
        None,
        {"valid_to": _in_days(30)},
    ),
    "force_designation_list_api": lambda w: ("GET", "/force-designations", {"power": DETAIN}, None),
    "force_designation_create_api": lambda w: (
        "POST",
        "/force-designations",
        None,
        {"power": _new_power(w).pk, "valid_from": _in_days(1), "decision_reference": "Chief Constable's decision"},
    ),
    "force_designation_end_api": lambda w: (
        "POST",
        f"/force-designations/{_force_designation(w).pk}/end",
        None,
        {"valid_to": _in_days(30)},
    ),
    # Designations of PCSOs, and the powers they hold
    "designation_list": lambda w: ("GET", "/designations", None, None),
    "designation_detail": lambda w: ("GET", f"/designations/{_designation(w).pk}", None, None),
    "designation_create": lambda w: (
        "POST",
        "/designations",
        None,
        {"person": w.charlie.pk, "powers": _grants(w), "valid_from": _in_days(0), **SIGNED},
    ),
    "designation_withdraw": lambda w: (
        "POST",
        f"/designations/{_designation(w).pk}/withdraw",
        None,
        {"reason": "Left the force."},
    ),
    "designation_change": lambda w: (
        "POST",
        f"/designations/{_designation(w).pk}/change",
        None,
        {"powers": _grants(w), "reason": "Reviewed.", **SIGNED},
    ),
    "my_powers": lambda w: ("GET", "/me/powers", None, None),
    "person_powers": lambda w: ("GET", f"/people/{_pw(w).alice.pk}/powers", None, None),
    # Training
    "course_list": lambda w: ("GET", "/courses", None, None),
    "course_create": lambda w: (
        "POST",
        "/courses",
        None,
        {"force": "cambridgeshire", "code": "first-aid", "title": "First aid", "kind": "first_aid", "valid_months": 12},
    ),
    "training_record_list": lambda w: ("GET", "/training-records", None, None),
    "training_record_create": lambda w: (
        "POST",
        "/training-records",
        None,
        {
            "person": w.charlie.pk,
            "course": Course.objects.filter(force=_pw(w).force_a).earliest("pk").pk,
            "completed_on": _in_days(-1),
            "result": "passed",
        },
    ),
    # Development: competency frameworks, CPD entries, PDRs
    "framework_list": lambda w: ("GET", "/frameworks", None, None),
    "framework_detail": lambda w: ("GET", (load_development(w), "/frameworks/cvf-2024")[1], None, None),
    "cpd_entry_list": lambda w: ("GET", "/cpd-entries", None, None),
    "cpd_entry_create": lambda w: ("POST", "/cpd-entries", None, _cpd_body(w)),
    "cpd_entry_detail": lambda w: ("GET", f"/cpd-entries/{_cpd(w).pk}", None, None),
    "cpd_entry_update": lambda w: ("PATCH", f"/cpd-entries/{_cpd(w).pk}", None, _cpd_body(w)),
    "cpd_entry_delete": lambda w: ("DELETE", f"/cpd-entries/{_cpd(w).pk}", None, None),
    "pdr_list": lambda w: ("GET", "/pdrs", None, None),
    "pdr_open": lambda w: ("POST", "/pdrs", None, {"person": load_development(w).charlie.pk, "review_year": 2025}),
    "pdr_detail": lambda w: ("GET", f"/pdrs/{open_pdr(w).pk}", None, None),
    "pdr_rate": lambda w: (
        "POST",
        f"/pdrs/{open_pdr(w).pk}/ratings",
        None,
        {"competency": dev_item("collaborate").pk, "rating": "competent", "evidence": "Seen on patrol."},
    ),
    "pdr_objective_add": lambda w: (
        "POST",
        f"/pdrs/{open_pdr(w).pk}/objectives",
        None,
        {"text": "Lead a beat surgery.", "due_on": "2025-11-30"},
    ),
    "pdr_objective_status": lambda w: _objective_status(w),
    "pdr_sign_off": lambda w: ("POST", f"/pdrs/{ready_pdr(w).pk}/sign-off", None, None),
    "pdr_acknowledge": lambda w: ("POST", f"/pdrs/{signed_pdr(w).pk}/acknowledge", None, None),
    "pdr_reopen": lambda w: (
        "POST",
        f"/pdrs/{signed_pdr(w).pk}/reopen",
        None,
        {"reason": "The collaboration rating was wrong."},
    ),
    # Programmes, enrolments, milestones, reviews, the cohort
    "programme_list": lambda w: ("GET", "/programmes", None, None),
    "programme_detail": lambda w: ("GET", f"/programmes/{Cast(w).programme.pk}", None, None),
    "programme_update": lambda w: ("PUT", f"/programmes/{Cast(w).programme.pk}", None, _programme_settings()),
    "enrolment_list": lambda w: ("GET", "/enrolments", None, None),
    "enrolment_create": lambda w: (
        "POST",
        "/enrolments",
        None,
        {"programme": Cast(w).programme.pk, "person": w.alice.pk, "start_date": today().isoformat()},
    ),
    "enrolment_detail": lambda w: ("GET", f"/enrolments/{Cast(w).enrol().pk}", None, None),
    "enrolment_update": lambda w: (
        "PATCH",
        f"/enrolments/{(e := Cast(w).enrol()).pk}",
        None,
        {"ips_due_on": e.ips_due_on.isoformat(), "foc_due_on": e.foc_due_on.isoformat()},
    ),
    "enrolment_milestone_sign_off": lambda w: (
        "POST",
        f"/enrolments/{_ips_ready(w)}/sign-off",
        None,
        {"milestone": "ips"},
    ),
    "enrolment_milestone_revoke": lambda w: (
        "POST",
        f"/enrolments/{_ips_ready(w, signed=True)}/revoke",
        None,
        {"milestone": "ips", "reason": "Signed off in error."},
    ),
    "enrolment_phase_move": lambda w: (
        "POST",
        f"/enrolments/{(ids := _other_phase(w))[0]}/phase",
        None,
        {"phase": ids[1]},
    ),
    "enrolment_withdraw_api": lambda w: (
        "POST",
        f"/enrolments/{Cast(w).enrol().pk}/withdraw",
        None,
        {"reason": "Left the force for another post."},
    ),
    "enrolment_complete_api": lambda w: ("POST", f"/enrolments/{_foc_signed(w)}/complete", None, {}),
    "enrolment_review_list": lambda w: ("GET", f"/enrolments/{Cast(w).enrol().pk}/reviews", None, None),
    "enrolment_review_schedule": lambda w: (
        "POST",
        f"/enrolments/{Cast(w).enrol().pk}/reviews",
        None,
        {"scheduled_for": today().isoformat()},
    ),
    "enrolment_review_record": lambda w: (
        "POST",
        f"/enrolments/{Cast(w).enrol().pk}/reviews/record",
        None,
        {"held_on": today().isoformat(), "rag": "green"},
    ),
    "programme_cohort": lambda w: ("GET", "/cohort", None, None),
    # The portfolio: evidence, judgements, coverage, records as evidence, the PDF
    "portfolio_list": lambda w: ("GET", f"/enrolments/{PortfolioCast(w).enrolment.pk}/portfolio", None, None),
    "portfolio_coverage": lambda w: (
        "GET",
        f"/enrolments/{PortfolioCast(w).enrolment.pk}/portfolio/coverage",
        None,
        None,
    ),
    "portfolio_pdf": lambda w: ("GET", f"/enrolments/{PortfolioCast(w).enrolment.pk}/portfolio/pdf", None, None),
    "evidence_create": lambda w: (
        "POST",
        f"/enrolments/{(c := PortfolioCast(w)).enrolment.pk}/evidence",
        None,
        _evidence_body(c),
    ),
    "evidence_from_record": _from_record,
    "portfolio_eligible_records": _eligible,
    "evidence_detail": lambda w: ("GET", f"/evidence/{draft_evidence(PortfolioCast(w)).pk}", None, None),
    "evidence_update": lambda w: (
        "PATCH",
        f"/evidence/{draft_evidence(c := PortfolioCast(w)).pk}",
        None,
        {k: v for k, v in _evidence_body(c).items() if k not in {"kind", "criteria"}},
    ),
    "evidence_map": lambda w: (
        "PUT",
        f"/evidence/{draft_evidence(c := PortfolioCast(w)).pk}/criteria",
        None,
        {"criteria": [x.pk for x in c.criteria(3)]},
    ),
    "evidence_submit": lambda w: ("POST", f"/evidence/{draft_evidence(PortfolioCast(w)).pk}/submit", None, None),
    "evidence_withdraw": lambda w: ("POST", f"/evidence/{draft_evidence(PortfolioCast(w)).pk}/withdraw", None, None),
    "evidence_judge": _to_judge,
    # Enforcement: the register, and each kind of record
    "enforcement_list": lambda w: ("GET", "/enforcement", None, None),
    "enforcement_detail": lambda w: ("GET", f"/enforcement/{_refused(w).pk}", None, None),
    "name_address_create": lambda w: (
        "POST",
        "/enforcement/name-address",
        None,
        _where(w, reason="harm", offence_details="Kicked a bin over.", compliance="refused"),
    ),
    "name_address_detail": lambda w: ("GET", f"/enforcement/name-address/{_refused(w).pk}", None, None),
    "detention_create": lambda w: (
        "POST",
        "/enforcement/detentions",
        None,
        {"requirement": _refused(w).pk, "occurred_at": _at(11), "constable_requested_at": _at(10)},
    ),
    "detention_detail": lambda w: ("GET", f"/enforcement/detentions/{_detention(w).pk}", None, None),
    "detention_end_api": lambda w: (
        "POST",
        f"/enforcement/detentions/{(detention := _detention(w)).pk}/end",
        None,
        {
            "version": detention.version,
            "ended_at": _at(1),
            "outcome": "constable_arrived",
            "constable_arrived_at": _at(2),
        },
    ),
    "penalty_notice_create": lambda w: (
        "POST",
        "/enforcement/penalty-notices",
        None,
        _where(
            w,
            subject_name="Kyle Smith",
            subject_age=30,
            subject_address="3 Mill Road, Cambridge",
            offence=PenaltyOffence.objects.get(force=_pw(w).force_a, code="litter").pk,
            issuing_authority=w.council.pk,
            offence_details="Dropped a can.",
        ),
    ),
    "penalty_notice_detail": lambda w: ("GET", f"/enforcement/penalty-notices/{_penalty(w).pk}", None, None),
    "penalty_notice_status": lambda w: (
        "POST",
        f"/enforcement/penalty-notices/{(notice := _penalty(w)).pk}/status",
        None,
        {"status": "paid", "version": notice.version},
    ),
    "penalty_notice_pdf": lambda w: ("GET", f"/enforcement/penalty-notices/{_penalty(w).pk}/pdf", None, None),
    "seizure_create": lambda w: (
        "POST",
        "/enforcement/seizures",
        None,
        _where(
            w,
            kind="vehicle_s59",
            item="Red scooter",
            quantity="1",
            disposal="vehicle_removed",
            registration="ab12 cde",
            warning_impracticable_reason="Rider fled before a warning could be given",
        ),
    ),
    "seizure_detail": lambda w: ("GET", f"/enforcement/seizures/{_seizure(w).pk}", None, None),
    "vehicle_warning_create": lambda w: (
        "POST",
        "/enforcement/vehicle-warnings",
        None,
        _where(w, registration="ab12 cde", manner="Wheelies across the green."),
    ),
    "vehicle_warning_search": lambda w: (
        "GET",
        "/enforcement/vehicle-warnings/search",
        {"registration": warn(_pw(w).alice).vehicle_warning.registration},
        None,
    ),
    "vehicle_warning_detail": lambda w: ("GET", f"/enforcement/vehicle-warnings/{warn(_pw(w).alice).pk}", None, None),
    "dispersal_authorisation_list": lambda w: ("GET", "/dispersal-authorisations", None, None),
    "dispersal_authorisation_detail": lambda w: (
        "GET",
        f"/dispersal-authorisations/{_authorisation(w).pk}",
        None,
        None,
    ),
    "dispersal_authorisation_create": lambda w: (
        "POST",
        "/dispersal-authorisations",
        None,
        {
            "neighbourhood": w.a1.pk,
            "locality": "Market Square",
            "starts_at": timezone.localtime(ago(hours=1)).isoformat(),
            "ends_at": timezone.localtime(ago(hours=-20)).isoformat(),
            "authorised_by_name": "Insp. Jane Doe",
            "authorised_by_rank": "inspector",
            "grounds": "Groups causing alarm to shoppers.",
        },
    ),
    "dispersal_authorisation_end": lambda w: (
        "POST",
        f"/dispersal-authorisations/{_authorisation(w).pk}/end",
        None,
        {"reason": "Calm again."},
    ),
    "dispersal_create": lambda w: ("POST", "/enforcement/dispersals", None, _direction(w)),
    "dispersal_detail": lambda w: ("GET", f"/enforcement/dispersals/{_dispersal(w).pk}", None, None),
    # Engagement events
    "events_list": lambda w: ("GET", "/events", None, None),
    "event_create": lambda w: ("POST", "/events", None, _new_event(w)),
    "events_calendar": lambda w: (
        "GET",
        "/events/calendar",
        {"neighbourhood": w.a1.pk, "month": _in_days(0)[:7]},
        None,
    ),
    "event_detail": lambda w: ("GET", f"/events/{_event(w).reference}", None, None),
    "event_update": lambda w: (
        "PATCH",
        f"/events/{(event := _event(w)).reference}",
        None,
        {"version": event.version, "title": "Meet your neighbourhood team (moved)"},
    ),
    "event_record": lambda w: (
        "POST",
        f"/events/{(event := _started_event(w)).reference}/record",
        None,
        {"attendance": 14, "issues_raised": ["Parking outside the school"], "version": event.version},
    ),
    "event_cancel": lambda w: (
        "POST",
        f"/events/{(event := _event(w)).reference}/cancel",
        None,
        {"reason": "The hall is flooded.", "version": event.version},
    ),
    # Neighbourhood priorities
    "priorities_list": lambda w: ("GET", "/priorities", None, None),
    "priority_create": lambda w: (
        "POST",
        "/priorities",
        None,
        {"neighbourhood": w.a1.pk, "issue": "Speeding on Mill Road.", "set_on": _in_days(-1)},
    ),
    "priority_detail": lambda w: ("GET", f"/priorities/{_priority(w).reference}", None, None),
    "priority_update": lambda w: (
        "PATCH",
        f"/priorities/{(priority := _priority(w)).reference}",
        None,
        {"version": priority.version, "review_on": _in_days(30)},
    ),
    "priority_action_add": lambda w: (
        "POST",
        f"/priorities/{_priority(w).reference}/actions",
        None,
        {"taken_on": _in_days(0), "text": "Parking patrols at pick-up time."},
    ),
    "priority_status": lambda w: (
        "POST",
        f"/priorities/{(priority := _priority(w)).reference}/status",
        None,
        {"status": "resolved", "reason": "No more reports.", "version": priority.version},
    ),
    "priority_publish": lambda w: ("POST", f"/priorities/{_priority(w).reference}/publish", None, None),
    "priority_unpublish": lambda w: (
        "POST",
        f"/priorities/{_priority(w, is_published=True).reference}/unpublish",
        None,
        None,
    ),
    "priorities_due": lambda w: ("GET", "/me/priorities-due", None, None),
    # Publication: what a force shows the public
    "publication_settings_get": lambda w: ("GET", "/forces/cambridgeshire/community-settings", None, None),
    "publication_settings_put": lambda w: (
        "PUT",
        "/forces/cambridgeshire/community-settings",
        None,
        {
            "priority_review_days": 60,
            "engagement_methods": [{"type": "facebook", "title": "Facebook", "url": "https://www.facebook.com/x"}],
        },
    ),
    "publication_page_list": lambda w: ("GET", "/neighbourhood-pages", None, None),
    "publication_page_get": lambda w: ("GET", f"/neighbourhoods/{w.a1.pk}/public-page", None, None),
    "publication_page_put": lambda w: (
        "PUT",
        f"/neighbourhoods/{w.a1.pk}/public-page",
        None,
        {
            "is_published": True,
            "welcome_message": "Welcome to the City Centre",
            "contact_details": {"telephone": "101"},
        },
    ),
    "publication_profile_list": lambda w: ("GET", "/public-profiles", None, None),
    "publication_profile_get": lambda w: ("GET", f"/people/{w.alice.pk}/public-profile", None, None),
    "publication_profile_put": lambda w: (
        "PUT",
        f"/people/{w.alice.pk}/public-profile",
        None,
        {"is_published": True, "public_name": "PCSO Alice Example", "rank": "PCSO"},
    ),
    # Open data
    "opendata_crime_import_create": lambda w: ("POST", "/crime-imports", None, _street_file()),
    "opendata_crime_import_list": lambda w: ("GET", "/crime-imports", None, None),
    "opendata_crime_import_detail": lambda w: ("GET", f"/crime-imports/{_crime_import(w).pk}", None, None),
    "opendata_crime_publication_create": lambda w: (
        "POST",
        "/crime-publications",
        None,
        {"force": "cambridgeshire", "month": f"{last_month():%Y-%m}"},
    ),
    "opendata_published_month_list": lambda w: ("GET", "/published-months", None, None),
    # Recruitment (Erin, as the force's administrator, manages its recruitment)
    "recruitment_campaign_list": lambda w: ("GET", "/recruitment/campaigns", None, None),
    "recruitment_campaign_create": lambda w: ("POST", "/recruitment/campaigns", None, recruitment.NEW_CAMPAIGN),
    "recruitment_campaign_update": lambda w: (
        "PUT",
        f"/recruitment/campaigns/{recruitment.api_campaign(w)}",
        None,
        recruitment.CAMPAIGN_CHANGES,
    ),
    "recruitment_rules_get": lambda w: ("GET", "/recruitment/rules/cambridgeshire", None, None),
    "recruitment_rules_put": lambda w: ("PUT", "/recruitment/rules/cambridgeshire", None, recruitment.RULES),
    "recruitment_application_list": lambda w: ("GET", "/recruitment/applications", None, None),
    "recruitment_application_detail": lambda w: (
        "GET",
        f"/recruitment/applications/{recruitment.api_application(w)}",
        None,
        None,
    ),
    "recruitment_stage_record": lambda w: (
        "POST",
        f"/recruitment/applications/{recruitment.api_application(w)}/stages",
        None,
        recruitment.api_next_stage(),
    ),
    "recruitment_applicant_appoint": lambda w: (
        "POST",
        f"/recruitment/applications/{recruitment.api_application(w, until='offer')}/appoint",
        None,
        recruitment.api_appointment(w),
    ),
}
# Who makes each call when a valid token is tried: a persona of the world, by attribute name. The
# default is Erin, Cambridgeshire's force administrator, who administers the force (people, postings,
# teams, partners, incident rules, planner settings, sharing agreements, the powers catalogue, tariffs,
# designations, training, the status of penalty notices, what the force publishes (community settings,
# neighbourhood pages, public profiles, publishing priorities) and its open data); the groups below
# are what only others may do. A later group wins over an earlier one's prefixes.
DEFAULT_CALLER = "erin"
CALLER: dict[str, str] = {
    # Alice, a PCSO in A1, records incidents, goes on patrol and manages ASB cases there.
    **dict.fromkeys(
        [name for name in ENDPOINTS if name.startswith(("incident_", "alert_", "patrol_", "case_"))],
        "alice",
    ),
    # Alice also uses her powers (the enforcement records), reads those records and the register, and
    # the powers she holds.
    **dict.fromkeys(
        [
            name
            for name in ENDPOINTS
            if name.startswith(
                (
                    "enforcement_",
                    "name_address_",
                    "detention_",
                    "penalty_notice_",
                    "seizure_",
                    "vehicle_warning_",
                    "dispersal_",
                )
            )
        ]
        + ["my_powers"],
        "alice",
    ),
    # Alice also engages with the community of A1: she plans and records engagement events there, and
    # sets and works on its priorities (unpublishing one too), and reads those due for review.
    **dict.fromkeys([name for name in ENDPOINTS if name.startswith(("event", "priorit"))], "alice"),
    # Dee, an analyst of Cambridgeshire, manages its open data (police.uk file imports) as Erin
    # does; Alice reads the months published, as anyone posted in the force.
    **dict.fromkeys([name for name in ENDPOINTS if name.startswith("opendata_crime_import_")], "dee"),
    "opendata_published_month_list": "alice",
    # Bob, the supervisor of A1 and A2, plans patrols there (hot-spot plans, their dosage, visibility
    # hours, the planner), shares cases with partners and authorises dispersal in A1.
    **dict.fromkeys(
        [name for name in ENDPOINTS if name.startswith(("hotspot_plan_", "planner_", "dispersal_authorisation_"))]
        + ["neighbourhood_visibility", "case_share", "case_unshare"],
        "bob",
    ),
    # Erin after all for the force's incident rules and planner settings, which only she may change,
    # for the status of penalty notices, which the force processes, and for publishing a priority of A1,
    # as the manager of the force's publication (named here, as their prefixes would give them to Alice
    # and Bob).
    **dict.fromkeys(
        [
            "incident_rules_detail",
            "incident_rules_update",
            "planner_settings_update",
            "penalty_notice_status",
            "priority_publish",
        ],
        "erin",
    ),
    # Alice keeps her own CPD log and acknowledges her PDR; Bob, her line manager, handles PDRs.
    **dict.fromkeys([name for name in ENDPOINTS if name.startswith("cpd_entry_")] + ["pdr_acknowledge"], "alice"),
    **dict.fromkeys([name for name in ENDPOINTS if name.startswith("pdr_") and name != "pdr_acknowledge"], "bob"),
    # Bob, Alice's line manager on her enrolment, signs off her Independent Patrol Status.
    "enrolment_milestone_sign_off": "bob",
    # Alice keeps her portfolio (on the programme with tutor Tom, assessor Ada and Bob as line manager):
    # she reads it, writes and submits evidence, and makes her records into evidence; Dee, posted
    # force-wide as an assessor too, judges it.
    **dict.fromkeys(
        [
            "portfolio_list",
            "portfolio_coverage",
            "portfolio_pdf",
            "portfolio_eligible_records",
            "evidence_create",
            "evidence_from_record",
            "evidence_detail",
            "evidence_update",
            "evidence_map",
            "evidence_submit",
            "evidence_withdraw",
        ],
        "alice",
    ),
    "evidence_judge": "dee",
    # Gus, of Cambridge City Council, finishes his organisation's task on a case shared with it.
    "task_finish": "gus",
}


def _call(api: Api, w: World, name: str, **kwargs: Any) -> Any:
    return _send(api, ENDPOINTS[name](w), **kwargs)


def _send(api: Api, call: Call, **kwargs: Any) -> Any:
    method, path, query, body = call
    if method == "GET":
        return api.get(path, query=query, **kwargs)
    if isinstance(body, Multipart):
        return api.call(method, path, form=body, **kwargs)
    return api.call(method, path, body=body, **kwargs)


def test_every_operation_is_called_here() -> None:
    """The table above covers the whole API, so that every operation is tried without a login."""
    operation_ids = {op["operationId"] for ops in openapi_document()["paths"].values() for op in ops.values()}
    assert operation_ids == set(ENDPOINTS)
    assert set(CALLER) <= set(ENDPOINTS)


def _counts() -> tuple[int, int, int]:
    """People, postings and audit events (leaving out the tests' own token issues)."""
    events = AuditEvent.objects.exclude(event_type=EventType.API_TOKEN_CREATED)
    return Person.objects.count(), Posting.objects.count(), events.count()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_anonymous_calls_get_401_json_not_a_login_redirect(world: World, api: Api, name: str) -> None:
    call = ENDPOINTS[name](world)  # first, so that what the call needs (an incident, say) is not counted
    before = _counts()
    response = _send(api, call)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _counts() == before


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_valid_token_is_accepted_on_every_endpoint(world: World, api: Api, name: str) -> None:
    response = _call(api, world, name, as_=getattr(world, CALLER.get(name, DEFAULT_CALLER)))
    assert response.status_code in {200, 201, 202}, data(response)


def test_anonymous_post_is_401_even_when_csrf_is_enforced(world: World, api: Api) -> None:
    response = _call(api, world, "person_create", client=Client(enforce_csrf_checks=True))
    assert_error(response, 401, "not_authenticated")


@pytest.mark.parametrize(
    "header",
    ["Bearer bbk_not-a-real-token", "Bearer ", "Bearer not-even-the-prefix", "Basic ZXJpbjpwYXNzd29yZA==", "bbk_x"],
)
def test_unknown_or_malformed_credentials_are_401(world: World, api: Api, header: str) -> None:
    assert_error(api.get("/me", headers={"Authorization": header}), 401, "not_authenticated")


def test_a_revoked_token_is_401(world: World, api: Api) -> None:
    issued = api_token_create(actor=world.alice, name="integration")
    headers = {"Authorization": f"Bearer {issued.raw}"}
    assert api.get("/me", headers=headers).status_code == 200
    api_token_revoke(actor=world.alice, token=issued.token)
    assert_error(api.get("/me", headers=headers), 401, "not_authenticated")


def test_an_expired_token_is_401(world: World, api: Api) -> None:
    issued = api_token_create(
        actor=world.alice, name="short-lived", expires_at=timezone.now() + dt.timedelta(minutes=1)
    )
    headers = {"Authorization": f"Bearer {issued.raw}"}
    assert api.get("/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(api.get("/me", headers=headers), 401, "not_authenticated")


def test_a_deactivated_persons_token_is_401(world: World, api: Api) -> None:
    token = api.token_for(world.alice)
    org.person_deactivate(actor=world.erin, person=world.alice, reason="Left the force")
    assert_error(api.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_a_bad_token_is_not_rescued_by_a_session(world: World, api: Api) -> None:
    client = world.client_for(world.alice)
    response = api.get("/me", client=client, headers={"Authorization": "Bearer bbk_revoked-or-unknown"})
    assert_error(response, 401)


def test_the_session_authenticates_reads(world: World, api: Api) -> None:
    response = api.get("/me", client=world.client_for(world.alice))
    assert data(response)["username"] == "alice"


def test_a_session_post_without_a_csrf_token_is_403_and_stores_nothing(world: World, api: Api) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.erin)
    before = _counts()
    response = _call(api, world, "person_create", client=client)
    assert_error(response, 403, "csrf_failed")
    assert _counts() == before


def test_a_session_patch_without_a_csrf_token_is_403_and_changes_nothing(world: World, api: Api) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.erin)
    assert_error(_call(api, world, "team_update", client=client), 403, "csrf_failed")
    world.team_a.refresh_from_db()
    assert world.team_a.name == "Cambridge South NPT"


def test_a_session_post_with_the_csrf_token_succeeds(world: World, api: Api) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.erin)
    request = HttpRequest()
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    response = _call(api, world, "person_create", client=client, headers={"X-CSRFToken": token})
    assert response.status_code == 201, data(response)


def test_a_token_post_needs_no_csrf_token(world: World, api: Api) -> None:
    response = _call(api, world, "person_create", client=Client(enforce_csrf_checks=True), as_=world.erin)
    assert response.status_code == 201


def test_unknown_paths_and_the_api_root_are_404_json(world: World, api: Api) -> None:
    for path in ("/", "/nothing-here", "/people/not-a-number", "/neighbourhoods/99999999/extra"):
        assert_error(api.get(path, as_=world.alice), 404, "not_found")
    assert_error(api.get("/nothing-here"), 404, "not_found")


def test_a_wrong_method_is_405_json(world: World, api: Api) -> None:
    response = api.call("DELETE", "/me", as_=world.alice)
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert_error(api.post("/forces", {}, as_=world.alice), 405)


def test_an_unexpected_failure_is_a_logged_generic_500(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(actor: Any) -> Any:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(selectors, "forces_visible_to", broken)
    with caplog.at_level(logging.ERROR, logger="beatbook.api.v1.errors"):
        response = api.get("/forces", as_=world.alice)
    error = assert_error(response, 500, "server_error")
    assert "secret" not in error["message"]
    assert response["X-Request-ID"] in caplog.text
    assert "database on fire" in caplog.text


def test_the_openapi_document_needs_authentication(world: World) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert isinstance(response, HttpResponse)
    assert_error(response, 401, "not_authenticated")
    assert Client().get("/api/v1/openapi.json", headers={"Authorization": "Bearer bbk_nope"}).status_code == 401
    token = api_token_create(actor=world.alice, name="docs").raw
    assert Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert world.client_for(world.alice).get("/api/v1/openapi.json").status_code == 200


def test_every_api_pattern_but_the_docs_page_is_exempt_from_the_login_middleware() -> None:
    patterns, _app, namespace = api_v1_urls()
    assert namespace == "api-v1"
    views = [p for p in patterns if isinstance(p, URLPattern)]
    exempt = {p.name: getattr(p.callback, "login_required", True) is False for p in views}
    assert exempt.pop("openapi-view") is False
    assert len(exempt) > 10
    assert all(exempt.values()), exempt


def test_the_docs_page_is_for_signed_in_people(world: World) -> None:
    anonymous = Client().get("/api/v1/docs")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    page = world.client_for(world.alice).get("/api/v1/docs")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
