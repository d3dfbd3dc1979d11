"""ASB cases and information-sharing agreements through the API: opening and reading cases
(scoped; the detail audited, for partner users too), changing them with the version read (409 when
stale), their parties, risk assessments, actions, partner tasks, conferences, closing and sharing;
what a partner user sees of a shared case (what their agreements do not share is null); the
agreements; the reference lists; and the pinned query counts of the list and the detail."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.http import HttpResponse
from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import case_schemas
from beatbook.api.v1.schemas import Strict
from beatbook.audit.models import AuditEvent, EventType
from beatbook.cases import selectors, services
from beatbook.cases.models import (
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
from beatbook.cases.reference import ActionKind, ClosureReason, DataCategory, Vulnerability
from beatbook.cases.tests.factories import agreement, open_case, share
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.incidents import services as incident_services
from beatbook.incidents.models import Incident, Involvement
from beatbook.incidents.reference import AsbQualifier, AsbType, Category
from beatbook.incidents.services import PersonData
from beatbook.incidents.tests.factories import A2_CENTRE, B1_CENTRE, a1_spot, ago, incident_data
from beatbook.org import services as org
from beatbook.org.models import PartnerOrganisation, Person

from .helpers import Api, assert_error, data, openapi_document


def _days(n: int) -> str:
    return (today() + dt.timedelta(days=n)).isoformat()


def _incident(actor: Person, point: tuple[float, float] | None = None, *, n: int = 0) -> Incident:
    """An ASB incident (a named victim and suspect) at a point, or at the n-th spot of A1."""
    lat, lng = point or a1_spot(n)
    return incident_services.incident_create(
        actor=actor,
        data=incident_data(
            occurred_at=ago(days=1),
            category=Category.ANTI_SOCIAL_BEHAVIOUR,
            asb_qualifier=AsbQualifier.PERSONAL,
            asb_type=AsbType.values[0],
            lat=lat,
            lng=lng,
        ),
        people=[
            PersonData(involvement=Involvement.VICTIM, name="Mary Jones", address="14 Mill Road", is_vulnerable=True),
            PersonData(involvement=Involvement.SUSPECT, name="Kyle Smith", address="3 Mill Road"),
        ],
    )


def _housing(world: World) -> PartnerOrganisation:
    """A second partner organisation of Cambridgeshire (Gus does not work for it)."""
    return org.partner_create(
        actor=world.system, force=world.force_a, name="Sanctuary Housing", kind="housing_association"
    )


def _derby_case(world: World) -> AsbCase:
    return open_case(world, actor=world.hal, incidents=[_incident(world.hal, B1_CENTRE)])


def _a2_case(world: World) -> AsbCase:
    return open_case(world, actor=world.charlie, incidents=[_incident(world.charlie, A2_CENTRE)])


def new_case(**overrides: Any) -> dict[str, Any]:
    """A valid new case (without its incidents: give `incidents`)."""
    base: dict[str, Any] = {
        "incidents": [],
        "title": "Noise and threats at Mill Road flats",
        "summary": "Loud music late at night and threats to the neighbour at number 14.",
        "risk_level": "medium",
        "risk_notes": "Victim is elderly and lives alone.",
        "review_on": _days(28),
    }
    return base | overrides


def _audited(response: HttpResponse, event: EventType) -> AuditEvent:
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


def _snapshot(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict), value
    return value


def _counts() -> tuple[int, ...]:
    """Every row a case write may store, and the audit events (not the tests' token issues)."""
    stored: list[type[models.Model]] = [
        AsbCase, CaseIncident, CaseParty, RiskAssessment, CaseAction, PartnerTask, CaseConference, CaseShare,
        SharingAgreement,
    ]  # fmt: skip
    events = AuditEvent.objects.exclude(event_type__in=[EventType.API_TOKEN_CREATED])
    return (*(m._default_manager.count() for m in stored), events.count())


def _version(case: AsbCase) -> int:
    case.refresh_from_db()
    return case.version


# ---- A case with one of everything --------------------------------------------------------------
@dataclass
class Full:
    """Alice's case in A1 with a party, a planned action, an open task for the council, shared
    with the council under an agreement (summary, parties, tasks), and a spare incident in A1."""

    case: AsbCase
    party: CaseParty
    action: CaseAction
    task: PartnerTask
    agreement: SharingAgreement
    share: CaseShare
    spare: Incident


def _full(world: World) -> Full:
    case = open_case(world)
    party = services.case_add_party(
        actor=world.alice, case=case, data=services.PartyData(role="other", name="Pat Brown", address="1 High St")
    )
    action = services.case_add_action(
        actor=world.alice,
        case=case,
        data=services.ActionData(
            kind="warning_letter", due_on=today() + dt.timedelta(days=14), owner_id=world.alice.pk
        ),
    )
    task = services.case_add_task(
        actor=world.alice,
        case=case,
        partner_id=world.council.pk,
        description="Visit the tenant at number 3.",
        due_on=today() + dt.timedelta(days=7),
    )
    under = agreement(world)
    shared = share(world, case, under)
    return Full(case, party, action, task, under, shared, _incident(world.alice, n=5))


def _writes(full: Full, version: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every write on a case, with a valid body."""
    c = full.case.pk
    party = {"role": "victim", "name": "Olive Green", "address": "22 Coldhams Lane"}
    finish = {"status": "done", "result": "Delivered by hand."}
    return [
        ("PATCH", f"/cases/{c}", {"version": version, "title": "Mill Road flats"}),
        ("POST", f"/cases/{c}/incidents", {"incidents": [full.spare.pk]}),
        ("POST", f"/cases/{c}/parties", party),
        ("PUT", f"/cases/{c}/parties/{full.party.pk}", party),
        (
            "POST",
            f"/cases/{c}/risk-assessments",
            {"level": "high", "notes": "Worse.", "review_on": _days(7), "version": version},
        ),
        ("POST", f"/cases/{c}/actions", {"kind": "cpw", "due_on": _days(10), "owner_partner": full.task.partner_id}),
        ("POST", f"/cases/{c}/actions/{full.action.pk}/finish", finish),
        (
            "POST",
            f"/cases/{c}/tasks",
            {"partner": full.task.partner_id, "description": "Mediation.", "due_on": _days(5)},
        ),
        ("POST", f"/tasks/{full.task.pk}/finish", finish),
        (
            "POST",
            f"/cases/{c}/conferences",
            {"held_on": _days(0), "decisions": "Warning letter.", "other_attendees": "Housing officer"},
        ),
        ("POST", f"/cases/{c}/close", {"reason": "resolved", "version": version}),
        ("POST", f"/cases/{c}/shares", {"agreement": full.agreement.pk}),
        ("POST", f"/cases/{c}/shares/{full.share.pk}/withdraw", {}),
    ]


def _reads(full: Full) -> list[tuple[str, str, dict[str, Any]]]:
    return [("GET", f"/cases/{full.case.pk}", {})]


# ---- Authentication -----------------------------------------------------------------------------
def test_anonymous_callers_get_401(world: World, api: Api) -> None:
    full = _full(world)
    calls = [
        ("GET", "/cases", {}),
        ("POST", "/cases", new_case(incidents=[full.spare.pk])),
        *_reads(full),
        *_writes(full, 1),
        ("GET", "/sharing-agreements", {}),
        ("POST", "/sharing-agreements", {}),
        ("GET", f"/sharing-agreements/{full.agreement.pk}", {}),
        ("PUT", f"/sharing-agreements/{full.agreement.pk}", {}),
        ("GET", "/reference/asb-cases", {}),
    ]
    before = _counts()
    for method, path, body in calls:
        assert_error(api.call(method, path, body=body), 401, "not_authenticated")
    assert _counts() == before


# ---- Opening a case -----------------------------------------------------------------------------
def test_alice_opens_a_case_from_incidents(world: World, api: Api) -> None:
    first, second = _incident(world.alice, n=0), _incident(world.alice, n=1)
    response = api.post("/cases", new_case(incidents=[first.pk, second.pk]), as_=world.alice)
    assert response.status_code == 201, response.content
    created = data(response)
    case = AsbCase.objects.get(pk=created["id"])
    assert created["reference"] == case.reference and case.reference.startswith("CAMBS-ASB-")
    assert (case.neighbourhood, case.lead, case.created_by) == (world.a1, world.alice, world.alice)
    assert created["neighbourhood"] == {"id": world.a1.pk, "code": "CC01", "name": "City Centre"}
    assert created["lead"]["display_name"] == "Alice" and created["force"] == "cambridgeshire"
    assert (created["status"], created["risk_level"], created["version"]) == ("open", "medium", 1)
    assert created["categories"] == list(DataCategory.values)
    assert created["can_manage"] is True and created["can_share"] is False  # a PCSO does not share
    assert {i["reference"] for i in created["incidents"]} == {first.reference, second.reference}
    assert set(created["incidents"][0]) == {"id", "reference", "occurred_at", "category"}
    assert created["incident_count"] == 2 and created["open_action_count"] == 0
    # The incidents' named victim and suspect became parties (once each), with their addresses.
    assert [(p["role"], p["name"], p["address"]) for p in created["parties"]] == [
        ("perpetrator", "Kyle Smith", "3 Mill Road"),
        ("victim", "Mary Jones", "14 Mill Road"),
    ]
    assert created["parties"][1]["vulnerabilities"] == ["other"]
    (assessment,) = created["risk_assessments"]
    assert (assessment["level"], assessment["notes"]) == ("medium", "Victim is elderly and lives alone.")
    assert created["actions"] == [] and created["tasks"] == [] and created["conferences"] == []
    assert created["shares"] == []
    event = _audited(response, EventType.ASB_CASE_OPENED)
    assert (event.actor_id, event.object_id, event.neighbourhood_id) == (world.alice.pk, str(case.pk), world.a1.pk)
    assert "Mary" not in str(event.after) and "Mill Road" not in str(event.after)
    assert not AuditEvent.objects.filter(event_type=EventType.ASB_CASE_VIEWED).exists()  # the write is the record


def test_a_case_may_be_opened_without_copying_people_and_with_another_lead(world: World, api: Api) -> None:
    incident = _incident(world.alice)
    body = new_case(incidents=[incident.pk], copy_people=False, lead=world.bob.pk)
    created = data(api.post("/cases", body, as_=world.alice))
    assert created["parties"] == [] and created["lead"]["id"] == world.bob.pk


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"title": "   "}, {"title"}),
        ({"summary": ""}, {"summary"}),
        ({"risk_notes": " "}, {"risk_notes"}),
        ({"review_on": "2020-01-01"}, {"review_on"}),
        ({"review_on": "2099-01-01"}, {"review_on"}),
        ({"incidents": []}, {"incidents"}),
        ({"incidents": [999999]}, {"incidents"}),
        ({"lead": 999999}, {"lead"}),
    ],
)
def test_opening_a_case_with_bad_values_is_400_and_stores_nothing(
    world: World, api: Api, change: dict[str, Any], fields: set[str]
) -> None:
    incident = _incident(world.alice)
    before = _counts()
    body = new_case(incidents=[incident.pk]) | change
    error = assert_error(api.post("/cases", body, as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == fields
    assert _counts() == before


def test_an_incident_the_caller_cannot_see_is_400(world: World, api: Api) -> None:
    in_a2 = _incident(world.charlie, A2_CENTRE)
    before = _counts()
    error = assert_error(api.post("/cases", new_case(incidents=[in_a2.pk]), as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"incidents"}
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"title": None}, "title"),
        ({"title": "t" * 161}, "title"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"review_on": "2026-02-30"}, "review_on"),
        ({"incidents": ["x"]}, "incidents.0"),
        ({"incidents": [0]}, "incidents.0"),
        ({"uuid": "not-a-uuid"}, "uuid"),
    ],
)
def test_opening_a_case_that_does_not_fit_the_schema_is_422(
    world: World, api: Api, change: dict[str, Any], field: str
) -> None:
    incident = _incident(world.alice)
    before = _counts()
    error = assert_error(api.post("/cases", new_case(incidents=[incident.pk]) | change, as_=world.alice), 422)
    assert field in error["fields"], error
    assert _counts() == before


def test_a_uuid_sent_again_stores_one_case(world: World, api: Api) -> None:
    incident = _incident(world.alice)
    client_uuid = str(uuid.uuid4())
    first = api.post("/cases", new_case(incidents=[incident.pk], uuid=client_uuid), as_=world.alice)
    again = api.post("/cases", new_case(incidents=[incident.pk], uuid=client_uuid, title="Sent twice"), as_=world.alice)
    assert (first.status_code, again.status_code) == (201, 201)
    assert data(again)["id"] == data(first)["id"] and data(again)["uuid"] == client_uuid
    assert data(again)["title"] == "Noise and threats at Mill Road flats"  # the retry's body is not used
    assert AsbCase.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.ASB_CASE_OPENED).count() == 1
    error = assert_error(api.post("/cases", new_case(incidents=[incident.pk], uuid=client_uuid), as_=world.bob), 400)
    assert set(error["fields"]) == {"uuid"}


@pytest.mark.parametrize("who", ["dee", "fay", "erin", "gus"])
def test_who_manages_no_cases_may_not_open_one(world: World, api: Api, who: str) -> None:
    incident = _incident(world.alice)
    before = _counts()
    response = api.post("/cases", new_case(incidents=[incident.pk]), as_=getattr(world, who))
    assert_error(response, 403, "permission_denied")
    assert _counts() == before


# ---- Reading ------------------------------------------------------------------------------------
def test_the_list_is_scoped_to_the_caller(world: World, api: Api) -> None:
    in_a1, in_a2, in_b1 = open_case(world), _a2_case(world), _derby_case(world)

    def seen(who: Person) -> set[str]:
        page = data(api.get("/cases", as_=who))
        assert page["total"] == len(page["items"])
        return {item["reference"] for item in page["items"]}

    assert seen(world.alice) == {in_a1.reference}
    assert seen(world.charlie) == {in_a2.reference}
    assert seen(world.bob) == seen(world.dee) == {in_a1.reference, in_a2.reference}
    assert seen(world.hal) == seen(world.ivy) == {in_b1.reference}  # Ivy: Derbyshire's force-wide admin
    assert seen(world.gus) == set()


def test_list_items_carry_no_personal_data(world: World, api: Api) -> None:
    open_case(world)
    (item,) = data(api.get("/cases", as_=world.alice))["items"]
    assert set(item) == {
        "id", "reference", "title", "status", "neighbourhood", "lead", "risk_level", "review_on", "incident_count",
        "open_action_count", "created_at", "closed_at", "version",
    }  # fmt: skip
    assert "Mary" not in str(item) and "14 Mill Road" not in str(item)
    assert (item["incident_count"], item["open_action_count"], item["risk_level"]) == (2, 0, "medium")


def test_the_list_filters(world: World, api: Api) -> None:
    mill = open_case(world)
    high = open_case(
        world, actor=world.bob, incidents=[_incident(world.charlie, A2_CENTRE)], risk_level="high", title="Other"
    )

    def refs(**query: Any) -> set[str]:
        return {item["reference"] for item in data(api.get("/cases", as_=world.bob, query=query))["items"]}

    assert refs(flag="high_risk") == {high.reference}
    assert refs(neighbourhood=world.a1.pk) == {mill.reference}
    assert refs(neighbourhood=world.b1.pk) == set()  # one the caller does not see matches nothing
    assert refs(person="kyle") == {mill.reference, high.reference}
    assert refs(reference=mill.reference[-6:]) == {mill.reference}
    assert refs(status="closed") == set()
    assert refs(category="anti-social-behaviour") == {mill.reference, high.reference}
    assert refs(date_from=today().isoformat(), date_to=today().isoformat()) == {mill.reference, high.reference}
    for bad in ({"flag": "nonsense"}, {"status": "pending"}, {"date_from": "2026-02-30"}, {"page_size": 0}):
        assert_error(api.get("/cases", as_=world.bob, query=bad), 422, "validation_error")
    later = {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    assert_error(api.get("/cases", as_=world.bob, query=later), 422, "validation_error")


def test_the_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    incidents = [_incident(world.alice, n=n) for n in range(6)]
    under = agreement(world, data_categories=("summary", "risk", "incidents"))
    for incident in incidents:
        share(world, open_case(world, incidents=[incident]), under)
    for who in (world.bob, world.gus):
        api.get("/cases", as_=who)  # first use of the token records last_used_at
    for size in (1, 6):
        with django_assert_num_queries(3):  # token, count, rows (neighbourhood, lead joined; counts annotated)
            page = data(api.get("/cases", as_=world.bob, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 6
        # A partner user: and the categories of the page's shares, in one query.
        with django_assert_num_queries(4):
            page = data(api.get("/cases", as_=world.gus, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 6
        assert all(item["incident_count"] == 1 and item["open_action_count"] is None for item in page["items"])


def test_the_detail_shows_everything_and_audits_the_read(world: World, api: Api) -> None:
    full = _full(world)
    response = api.get(f"/cases/{full.case.pk}", as_=world.bob)
    assert response.status_code == 200
    detail = data(response)
    assert detail["summary"].startswith("Loud music") and detail["can_manage"] and detail["can_share"]
    assert {p["name"] for p in detail["parties"]} == {"Mary Jones", "Kyle Smith", "Pat Brown"}
    (action,) = detail["actions"]
    assert (action["kind"], action["owner"]["id"], action["owner_partner"], action["legal_basis"]) == (
        "warning_letter", world.alice.pk, None, "",
    )  # fmt: skip
    (task,) = detail["tasks"]
    assert task["partner"] == {"id": world.council.pk, "name": "Cambridge City Council"}
    (shared,) = detail["shares"]
    assert (
        shared["agreement"]["id"] == full.agreement.pk
        and shared["is_open"]
        and shared["shared_by"]["id"] == world.bob.pk
    )
    assert detail["open_action_count"] == 1 and detail["version"] == _version(full.case)
    event = _audited(response, EventType.ASB_CASE_VIEWED)
    assert (event.actor_id, event.object_id, event.after) == (world.bob.pk, str(full.case.pk), None)
    # Dee (analyst) reads it, audited too, but may change nothing.
    viewed = api.get(f"/cases/{full.case.pk}", as_=world.dee)
    assert (data(viewed)["can_manage"], data(viewed)["can_share"]) == (False, False)
    assert _audited(viewed, EventType.ASB_CASE_VIEWED).actor_id == world.dee.pk


def test_the_detail_costs_the_same_queries_however_much_the_case_holds(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small, big = open_case(world), _full(world)
    services.case_record_conference(actor=world.alice, case=small, held_on=today(), decisions="x", other_attendees="Jo")
    for n in range(3):
        services.case_record_conference(
            actor=world.alice, case=big.case, held_on=today(), decisions=f"Decision {n}.",
            attendee_ids=[world.alice.pk, world.bob.pk], partner_ids=[world.council.pk],
        )  # fmt: skip
        services.case_add_action(
            actor=world.alice,
            case=big.case,
            data=services.ActionData(
                kind="cpn", due_on=today(), owner_partner_id=world.council.pk, party_id=big.party.pk
            ),
        )
    api.get("/cases", as_=world.bob)  # first use of the token records last_used_at
    # token; the case; parties, incidents, risk, actions, tasks, conferences (+ their attendees and partners),
    # shares; the audit event (savepoint, chain head twice, insert, chain update, release); may manage, may share
    for case in (small, big.case):
        with django_assert_num_queries(19):
            detail = data(api.get(f"/cases/{case.pk}", as_=world.bob))
        assert detail["id"] == case.pk
    assert len(detail["conferences"]) == 3 and len(detail["conferences"][0]["attendees"]) == 2
    # A partner user (summary, parties, tasks shared): the parts not shared are not read at all.
    under = agreement(world, title="Second ISA")
    share(world, small, under)
    api.get("/cases", as_=world.gus)
    # token; the case; the categories; their organisation; parties, tasks; the audit event (six, as above);
    # may manage, may share
    for case in (small, big.case):
        with django_assert_num_queries(14):
            detail = data(api.get(f"/cases/{case.pk}", as_=world.gus))
        assert detail["id"] == case.pk and detail["conferences"] is None


@pytest.mark.parametrize("who", ["hal", "ivy", "charlie", "gus"])
def test_an_invisible_case_is_404_everywhere(world: World, api: Api, who: str) -> None:
    full = _full(world)
    services.case_unshare(actor=world.bob, share=full.share)  # Gus no longer sees it
    person = getattr(world, who)
    before = _counts()
    for method, path, body in [*_reads(full), *_writes(full, _version(full.case))]:
        assert_error(api.call(method, path, body=body, as_=person), 404, "not_found")
    assert _counts() == before
    assert not AuditEvent.objects.filter(event_type=EventType.ASB_CASE_VIEWED).exists()


def test_an_absent_case_is_404(world: World, api: Api) -> None:
    assert_error(api.get("/cases/999999", as_=world.alice), 404, "not_found")
    assert_error(api.post("/tasks/999999/finish", {"status": "done", "result": "x"}, as_=world.alice), 404)


@pytest.mark.parametrize("who", ["dee", "fay"])
def test_who_sees_but_may_not_change_gets_403_and_nothing_is_stored(world: World, api: Api, who: str) -> None:
    full = _full(world)
    version = _version(full.case)
    before = _counts()
    for method, path, body in _writes(full, version):
        assert_error(api.call(method, path, body=body, as_=getattr(world, who)), 403, "permission_denied")
    assert _counts() == before and _version(full.case) == version


def test_a_pcso_may_not_share(world: World, api: Api) -> None:
    full = _full(world)
    c = full.case.pk
    assert_error(api.post(f"/cases/{c}/shares", {"agreement": full.agreement.pk}, as_=world.alice), 403)
    assert_error(api.post(f"/cases/{c}/shares/{full.share.pk}/withdraw", as_=world.alice), 403)
    assert CaseShare.objects.get().is_open


# ---- Changing -----------------------------------------------------------------------------------
def test_a_change_with_the_current_version(world: World, api: Api) -> None:
    case = open_case(world)
    body = {"version": 1, "title": " Mill Road flats ", "lead": world.bob.pk}
    response = api.patch(f"/cases/{case.pk}", body, as_=world.alice)
    assert response.status_code == 200
    changed = data(response)
    assert (changed["title"], changed["lead"]["id"], changed["version"]) == ("Mill Road flats", world.bob.pk, 2)
    assert changed["summary"].startswith("Loud music")  # left out: kept
    event = _audited(response, EventType.ASB_CASE_UPDATED)
    assert _snapshot(event.after)["text_changed"] == ["title"] and _snapshot(event.after)["lead"] == world.bob.pk


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"version": 1, "title": "  "}, {"title"}),
        ({"version": 1, "summary": ""}, {"summary"}),
        ({"version": 1, "lead": 999999}, {"lead"}),
        ({"version": 1, "lead": "gus"}, {"lead"}),  # a partner's member cannot lead a case
        ({"version": 1, "lead": "hal"}, {"lead"}),  # nor someone of another force
    ],
)
def test_a_bad_change_is_400_and_saves_nothing(world: World, api: Api, body: dict[str, Any], fields: set[str]) -> None:
    case = open_case(world)
    before = _counts()
    if isinstance(body.get("lead"), str):
        body = body | {"lead": getattr(world, body["lead"]).pk}
    assert set(assert_error(api.patch(f"/cases/{case.pk}", body, as_=world.alice), 400, "invalid")["fields"]) == fields
    assert _counts() == before and _version(case) == 1


def test_a_change_must_change_something_and_keep_to_the_schema(world: World, api: Api) -> None:
    case = open_case(world)
    url = f"/cases/{case.pk}"
    assert_error(api.patch(url, {"version": 1}, as_=world.alice), 422, "validation_error")
    assert "version" in assert_error(api.patch(url, {"title": "No version."}, as_=world.alice), 422)["fields"]
    assert_error(api.patch(url, {"version": 1, "title": None}, as_=world.alice), 422, "validation_error")
    assert_error(api.patch(url, {"version": 0, "title": "x"}, as_=world.alice), 422, "validation_error")
    assert _version(case) == 1


def test_a_change_made_on_an_old_version_is_409_and_saves_nothing(world: World, api: Api) -> None:
    case = open_case(world)
    url = f"/cases/{case.pk}"
    assert api.patch(url, {"version": 1, "title": "Bob's title"}, as_=world.bob).status_code == 200
    before = _counts()
    error = assert_error(api.patch(url, {"version": 1, "title": "Alice's title"}, as_=world.alice), 409, "conflict")
    assert "Bob changed this case" in error["message"]
    risk = {"level": "high", "notes": "Worse.", "review_on": _days(7), "version": 1}
    assert_error(api.post(f"{url}/risk-assessments", risk, as_=world.alice), 409, "conflict")
    assert_error(api.post(f"{url}/close", {"reason": "resolved", "version": 1}, as_=world.alice), 409, "conflict")
    assert _counts() == before
    case.refresh_from_db()
    assert (case.title, case.risk_level, case.status, case.version) == ("Bob's title", "medium", "open", 2)


def _bad_writes(full: Full, version: int) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    """Every write on a case with a body a service refuses, and the fields it names."""
    c = full.case.pk
    blank_result = {"status": "done", "result": "  "}
    return [
        ("PATCH", f"/cases/{c}", {"version": version, "title": " "}, {"title"}),
        ("POST", f"/cases/{c}/incidents", {"incidents": [999999]}, {"incidents"}),
        ("POST", f"/cases/{c}/parties", {"role": "victim", "name": " "}, {"name"}),
        (
            "PUT",
            f"/cases/{c}/parties/{full.party.pk}",
            {"role": "victim", "name": "X", "vulnerabilities": ["other"]},
            {"vulnerability_notes"},
        ),
        (
            "POST",
            f"/cases/{c}/risk-assessments",
            {"level": "high", "notes": "x", "review_on": _days(-1), "version": version},
            {"review_on"},
        ),
        ("POST", f"/cases/{c}/actions", {"kind": "warning_letter", "due_on": _days(3)}, {"owner"}),
        ("POST", f"/cases/{c}/actions/{full.action.pk}/finish", blank_result, {"result"}),
        ("POST", f"/cases/{c}/tasks", {"partner": 999999, "description": "x", "due_on": _days(3)}, {"partner"}),
        ("POST", f"/tasks/{full.task.pk}/finish", blank_result, {"result"}),
        (
            "POST",
            f"/cases/{c}/conferences",
            {"held_on": _days(1), "decisions": "x", "other_attendees": "Jo"},
            {"held_on"},
        ),
        ("POST", f"/cases/{c}/close", {"reason": "resolved", "version": version}, {"__all__"}),  # open action, task
        ("POST", f"/cases/{c}/shares", {"agreement": 999999}, {"agreement"}),
    ]


def test_every_write_refused_by_a_rule_is_400_by_field_and_stores_nothing(world: World, api: Api) -> None:
    full = _full(world)
    version = _version(full.case)
    before = _counts()
    for method, path, body, fields in _bad_writes(full, version):
        error = assert_error(api.call(method, path, body=body, as_=world.bob), 400, "invalid")
        assert set(error["fields"]) == fields, (method, path, error)
    assert _counts() == before and _version(full.case) == version


def test_every_write_that_does_not_fit_its_schema_is_422(world: World, api: Api) -> None:
    full = _full(world)
    version = _version(full.case)
    before = _counts()
    for method, path, body in _writes(full, version):
        if path.endswith("/withdraw"):
            continue  # takes no body
        error = assert_error(api.call(method, path, body=body | {"colour": "red"}, as_=world.bob), 422)
        assert "colour" in error["fields"], (method, path)
    assert _counts() == before and _version(full.case) == version


def test_nothing_can_be_added_to_or_changed_on_a_closed_case(world: World, api: Api) -> None:
    full = _full(world)
    services.case_finish_action(actor=world.alice, action=full.action, status="done", result="Delivered.")
    services.task_finish(actor=world.gus, task=full.task, status="done", result="Visited.")
    services.case_close(actor=world.alice, case=full.case, reason=ClosureReason.RESOLVED)
    version = _version(full.case)
    other = agreement(world, title="A second agreement")
    before = _counts()
    for method, path, body in _writes(full, version):
        if path.endswith("/withdraw"):
            continue  # withdrawing a share takes access away: allowed on a closed case (below)
        body = body | {"agreement": other.pk} if path.endswith("/shares") else body
        error = assert_error(api.call(method, path, body=body, as_=world.bob), 400, "invalid")
        assert set(error["fields"]) & {"__all__", "status"}, (method, path, error)
    assert _counts() == before and _version(full.case) == version
    response = api.post(f"/cases/{full.case.pk}/shares/{full.share.pk}/withdraw", as_=world.bob)
    assert response.status_code == 200 and data(response)["shares"][0]["is_open"] is False


# ---- Parts of a case ----------------------------------------------------------------------------
def test_linking_incidents(world: World, api: Api) -> None:
    case = open_case(world)
    extra = _incident(world.alice, n=4)
    url = f"/cases/{case.pk}/incidents"
    response = api.post(url, {"incidents": [extra.pk]}, as_=world.alice)
    assert response.status_code == 201
    assert extra.reference in {i["reference"] for i in data(response)["incidents"]}
    assert data(response)["incident_count"] == 3
    event = _audited(response, EventType.ASB_CASE_INCIDENT_LINKED)
    assert _snapshot(event.after)["incidents"] == [extra.reference]
    for again in ([extra.pk], [_incident(world.hal, B1_CENTRE).pk]):  # already linked; another force's
        assert set(assert_error(api.post(url, {"incidents": again}, as_=world.bob), 400)["fields"]) == {"incidents"}


def test_adding_and_replacing_a_party(world: World, api: Api) -> None:
    case = open_case(world)
    body = {
        "role": "victim", "name": "Olive Green", "date_of_birth": "1941-03-02", "address": "22 Coldhams Lane",
        "phone": "07700 900456", "vulnerabilities": ["age", "isolation"],
    }  # fmt: skip
    response = api.post(f"/cases/{case.pk}/parties", body, as_=world.alice)
    assert response.status_code == 201
    (olive,) = [p for p in data(response)["parties"] if p["name"] == "Olive Green"]
    assert (olive["date_of_birth"], olive["phone"], olive["vulnerabilities"]) == (
        "1941-03-02", "07700 900456", ["age", "isolation"],
    )  # fmt: skip
    event = _audited(response, EventType.ASB_CASE_PARTY_ADDED)
    assert "Olive" not in str(event.after) and "Coldhams" not in str(event.after)
    url = f"/cases/{case.pk}/parties/{olive['id']}"
    response = api.call("PUT", url, body={"role": "victim", "name": "Olive Green"}, as_=world.alice)
    assert response.status_code == 200
    (olive,) = [p for p in data(response)["parties"] if p["name"] == "Olive Green"]
    assert (olive["address"], olive["vulnerabilities"], olive["date_of_birth"]) == ("", [], None)  # replaced
    event = _audited(response, EventType.ASB_CASE_PARTY_UPDATED)
    assert _snapshot(event.after)["text_changed"] == ["address", "date_of_birth", "phone"]
    # A party of another case is not found through this one.
    other = _a2_case(world)
    other_party = other.parties.first()
    assert other_party is not None
    assert_error(api.call("PUT", f"/cases/{case.pk}/parties/{other_party.pk}", body=body, as_=world.bob), 404)
    assert_error(api.post(f"/cases/{case.pk}/parties", body | {"vulnerabilities": ["lonely"]}, as_=world.bob), 422)


def test_assessing_the_risk_again(world: World, api: Api) -> None:
    case = open_case(world)
    body = {"level": "high", "notes": "Threats now made with a knife.", "review_on": _days(7), "version": 1}
    response = api.post(f"/cases/{case.pk}/risk-assessments", body, as_=world.alice)
    assert response.status_code == 201
    detail = data(response)
    assert (detail["risk_level"], detail["review_on"], detail["version"]) == ("high", _days(7), 2)
    assert [r["level"] for r in detail["risk_assessments"]] == ["high", "medium"]  # newest first
    event = _audited(response, EventType.ASB_CASE_RISK_ASSESSED)
    assert (_snapshot(event.before)["risk_level"], _snapshot(event.after)["risk_level"]) == ("medium", "high")


def test_planning_and_finishing_actions(world: World, api: Api) -> None:
    case = open_case(world)
    party = case.parties.get(role="perpetrator")
    url = f"/cases/{case.pk}/actions"
    body = {"kind": "cpn", "due_on": _days(14), "owner": world.alice.pk, "party": party.pk, "notes": "Noise."}
    response = api.post(url, body, as_=world.alice)
    assert response.status_code == 201
    (action,) = data(response)["actions"]
    assert (action["kind"], action["party"], action["status"]) == ("cpn", party.pk, "planned")
    assert "Part 4" in action["legal_basis"] and data(response)["open_action_count"] == 1
    assert _snapshot(_audited(response, EventType.ASB_CASE_ACTION_ADDED).after)["kind"] == "cpn"
    both = body | {"owner_partner": world.council.pk}
    assert set(assert_error(api.post(url, both, as_=world.alice), 400)["fields"]) == {"owner"}
    police_only = {"kind": "dispersal", "due_on": _days(1), "owner_partner": world.council.pk}
    assert set(assert_error(api.post(url, police_only, as_=world.alice), 400)["fields"]) == {"owner_partner"}
    finish = f"{url}/{action['id']}/finish"
    assert_error(api.post(finish, {"status": "planned", "result": "x"}, as_=world.alice), 422)
    response = api.post(finish, {"status": "done", "result": "Notice served."}, as_=world.alice)
    assert response.status_code == 200
    (done,) = data(response)["actions"]
    assert (done["status"], done["result"], done["completed_on"]) == ("done", "Notice served.", _days(0))
    assert _audited(response, EventType.ASB_CASE_ACTION_UPDATED).actor_id == world.alice.pk
    error = assert_error(api.post(finish, {"status": "cancelled", "result": "x"}, as_=world.alice), 400)
    assert set(error["fields"]) == {"status"}
    # An action of another case is not found through this one.
    other = _a2_case(world)
    elsewhere = f"/cases/{other.pk}/actions/{action['id']}/finish"
    assert_error(api.post(elsewhere, {"status": "done", "result": "x"}, as_=world.bob), 404, "not_found")


def test_giving_a_partner_a_task(world: World, api: Api) -> None:
    case = open_case(world)
    url = f"/cases/{case.pk}/tasks"
    response = api.post(url, {"partner": world.council.pk, "description": "Visit.", "due_on": _days(7)}, as_=world.bob)
    assert response.status_code == 201
    (task,) = data(response)["tasks"]
    assert (task["partner"]["id"], task["status"], task["description"]) == (world.council.pk, "open", "Visit.")
    assert _audited(response, EventType.ASB_CASE_TASK_ADDED).actor_id == world.bob.pk
    derby = org.partner_create(actor=world.system, force=world.force_b, name="Derby City Council", kind="council")
    body = {"partner": derby.pk, "description": "Visit.", "due_on": _days(7)}
    assert set(assert_error(api.post(url, body, as_=world.bob), 400)["fields"]) == {"partner"}
    assert PartnerTask.objects.count() == 1


def test_recording_a_conference(world: World, api: Api) -> None:
    case = open_case(world)
    url = f"/cases/{case.pk}/conferences"
    body = {"held_on": _days(0), "decisions": "CPW to be issued.", "attendees": [world.alice.pk, world.bob.pk],
            "partners": [world.council.pk], "other_attendees": "GP surgery"}  # fmt: skip
    response = api.post(url, body, as_=world.alice)
    assert response.status_code == 201
    (conference,) = data(response)["conferences"]
    assert [a["display_name"] for a in conference["attendees"]] == ["Alice", "Bob"]
    assert conference["partners"] == [{"id": world.council.pk, "name": "Cambridge City Council"}]
    after = _snapshot(_audited(response, EventType.ASB_CASE_CONFERENCE_RECORDED).after)
    assert after["attendees"] == sorted([world.alice.pk, world.bob.pk])
    nobody = {"held_on": _days(0), "decisions": "x"}
    assert set(assert_error(api.post(url, nobody, as_=world.alice), 400)["fields"]) == {"attendees"}
    outsider = body | {"attendees": [world.hal.pk]}
    assert set(assert_error(api.post(url, outsider, as_=world.alice), 400)["fields"]) == {"attendees"}
    assert CaseConference.objects.count() == 1


def test_closing_a_case(world: World, api: Api) -> None:
    full = _full(world)
    url = f"/cases/{full.case.pk}/close"
    version = _version(full.case)
    error = assert_error(api.post(url, {"reason": "resolved", "version": version}, as_=world.alice), 400)
    assert "(1)" in error["fields"]["__all__"][0]  # one open action and one open task
    assert_error(api.post(url, {"reason": "bored", "version": version}, as_=world.alice), 422)
    services.case_finish_action(actor=world.alice, action=full.action, status="cancelled", result="Not needed.")
    services.task_finish(actor=world.alice, task=full.task, status="done", result="Visited.")
    version = _version(full.case)
    body = {"reason": "resolved", "notes": "No reports for two months.", "version": version}
    response = api.post(url, body, as_=world.alice)
    assert response.status_code == 200
    closed = data(response)
    assert (closed["status"], closed["closure_reason"], closed["closure_notes"]) == (
        "closed", "resolved", "No reports for two months.",
    )  # fmt: skip
    assert closed["closed_at"] is not None and closed["can_manage"] is True
    event = _audited(response, EventType.ASB_CASE_CLOSED)
    assert _snapshot(event.after)["status"] == "closed" and "months" not in str(event.after)
    assert [i["reference"] for i in data(api.get("/cases", as_=world.alice, query={"status": "closed"}))["items"]] == [
        full.case.reference
    ]


def test_sharing_and_withdrawing(world: World, api: Api) -> None:
    case = open_case(world)
    under = agreement(world)
    url = f"/cases/{case.pk}/shares"
    assert_error(api.get(f"/cases/{case.pk}", as_=world.gus), 404)
    response = api.post(url, {"agreement": under.pk}, as_=world.bob)
    assert response.status_code == 201
    (shared,) = data(response)["shares"]
    assert (shared["partner"]["id"], shared["is_open"], shared["withdrawn_by"]) == (world.council.pk, True, None)
    after = _snapshot(_audited(response, EventType.ASB_CASE_SHARED).after)
    assert (after["agreement"], after["partner"]) == (under.pk, world.council.pk)
    assert data(api.get(f"/cases/{case.pk}", as_=world.gus))["id"] == case.pk
    # The same agreement again, and one of another force, are refused.
    assert set(assert_error(api.post(url, {"agreement": under.pk}, as_=world.bob), 400)["fields"]) == {"agreement"}
    response = api.post(f"{url}/{shared['id']}/withdraw", as_=world.bob)
    assert response.status_code == 200
    (withdrawn,) = data(response)["shares"]
    assert withdrawn["is_open"] is False and withdrawn["withdrawn_by"]["id"] == world.bob.pk
    assert _audited(response, EventType.ASB_CASE_UNSHARED).actor_id == world.bob.pk
    assert_error(api.post(f"{url}/{shared['id']}/withdraw", as_=world.bob), 400, "invalid")
    assert_error(api.get(f"/cases/{case.pk}", as_=world.gus), 404)
    # A share of another case is not found through this one.
    other = _a2_case(world)
    assert_error(api.post(f"/cases/{other.pk}/shares/{shared['id']}/withdraw", as_=world.bob), 404)


# ---- Partner users ------------------------------------------------------------------------------
def test_a_partner_lists_exactly_the_cases_shared_with_them(world: World, api: Api) -> None:
    shared, _not_shared = open_case(world), open_case(world, incidents=[_incident(world.alice, n=3)])
    share(world, shared, agreement(world))
    page = data(api.get("/cases", as_=world.gus))
    assert page["total"] == 1
    (item,) = page["items"]
    assert (item["id"], item["reference"], item["title"]) == (shared.pk, shared.reference, shared.title)
    # Summary, parties and tasks are shared: not the risk, the incidents or the actions.
    assert (item["risk_level"], item["review_on"], item["incident_count"], item["open_action_count"]) == (
        None, None, None, None,
    )  # fmt: skip
    # Filters on what they may not see match nothing; on the parties (shared), they work.
    assert data(api.get("/cases", as_=world.gus, query={"flag": "high_risk"}))["total"] == 0
    assert data(api.get("/cases", as_=world.gus, query={"flag": "shared"}))["total"] == 0
    assert data(api.get("/cases", as_=world.gus, query={"person": "kyle"}))["total"] == 1


def test_a_partner_sees_only_what_the_agreement_shares_and_every_read_is_audited(world: World, api: Api) -> None:
    full = _full(world)  # shared under summary, parties and tasks
    services.case_add_task(
        actor=world.alice, case=full.case, partner_id=_housing(world).pk, description="Housing visit.",
        due_on=today() + dt.timedelta(days=3),
    )  # fmt: skip
    url = f"/cases/{full.case.pk}"
    response = api.get(url, as_=world.gus)
    assert response.status_code == 200
    detail = data(response)
    assert detail["categories"] == ["summary", "parties", "tasks"]
    assert detail["summary"].startswith("Loud music")
    assert {p["name"] for p in detail["parties"]} == {"Mary Jones", "Kyle Smith", "Pat Brown"}
    for party in detail["parties"]:
        assert (party["address"], party["phone"], party["date_of_birth"]) == (None, None, None)  # no `contact`
        assert (party["vulnerabilities"], party["vulnerability_notes"]) == (None, None)  # no `vulnerability`
    body = response.content.decode()
    assert "14 Mill Road" not in body and "3 Mill Road" not in body and "1 High St" not in body
    assert detail["risk_assessments"] is None and (detail["risk_level"], detail["review_on"]) == (None, None)
    assert detail["incidents"] is None and detail["incident_count"] is None
    assert detail["actions"] is None and detail["open_action_count"] is None
    assert detail["conferences"] is None and detail["shares"] is None
    assert len(detail["tasks"]) == 2  # `tasks` shared: every organisation's
    assert (detail["can_manage"], detail["can_share"]) == (False, False)
    event = _audited(response, EventType.ASB_CASE_VIEWED)
    assert event.actor_id == world.gus.pk
    assert event.after == {"partner": "Cambridge City Council", "categories": ["parties", "summary", "tasks"]}
    # Every read is audited, not only the first.
    api.get(url, as_=world.gus)
    viewed = AuditEvent.objects.filter(
        event_type=EventType.ASB_CASE_VIEWED, actor=world.gus, object_id=str(full.case.pk)
    )
    assert viewed.count() == 2


def test_a_partner_with_contact_and_risk_sees_them(world: World, api: Api) -> None:
    case = open_case(world)
    share(world, case, agreement(world, data_categories=("parties", "contact", "risk", "vulnerability")))
    detail = data(api.get(f"/cases/{case.pk}", as_=world.gus))
    assert detail["summary"] is None and detail["closure_notes"] is None  # no `summary`
    mary = next(p for p in detail["parties"] if p["name"] == "Mary Jones")
    assert (mary["address"], mary["vulnerabilities"]) == ("14 Mill Road", ["other"])
    assert [r["level"] for r in detail["risk_assessments"]] == ["medium"] and detail["risk_level"] == "medium"
    assert detail["tasks"] == []


def test_a_partner_without_tasks_sees_and_finishes_only_their_own(world: World, api: Api) -> None:
    case = open_case(world)
    share(world, case, agreement(world, data_categories=("summary",)))
    own = services.case_add_task(
        actor=world.alice, case=case, partner_id=world.council.pk, description="Council visit.", due_on=today()
    )
    theirs = services.case_add_task(
        actor=world.alice, case=case, partner_id=_housing(world).pk, description="Housing visit.", due_on=today()
    )
    detail = data(api.get(f"/cases/{case.pk}", as_=world.gus))
    assert [t["id"] for t in detail["tasks"]] == [own.pk] and detail["parties"] is None
    body = {"status": "done", "result": "Visited; music off."}
    assert_error(api.post(f"/tasks/{theirs.pk}/finish", body, as_=world.gus), 404, "not_found")
    response = api.post(f"/tasks/{own.pk}/finish", body, as_=world.gus)
    assert response.status_code == 200
    (task,) = data(response)["tasks"]
    assert (task["status"], task["result"]) == ("done", "Visited; music off.")
    event = _audited(response, EventType.ASB_CASE_TASK_UPDATED)
    assert (event.actor_id, _snapshot(event.after)["status"]) == (world.gus.pk, "done")
    assert_error(api.post(f"/tasks/{own.pk}/finish", body, as_=world.gus), 400, "invalid")  # already done


def test_a_partner_with_tasks_may_not_finish_another_organisations(world: World, api: Api) -> None:
    case = open_case(world)
    share(world, case, agreement(world))  # tasks shared
    theirs = services.case_add_task(
        actor=world.alice, case=case, partner_id=_housing(world).pk, description="Housing visit.", due_on=today()
    )
    assert_error(api.post(f"/tasks/{theirs.pk}/finish", {"status": "done", "result": "x"}, as_=world.gus), 403)
    assert PartnerTask.objects.get().status == "open"


def test_a_partner_may_change_nothing_else(world: World, api: Api) -> None:
    full = _full(world)
    version = _version(full.case)
    before = _counts()
    for method, path, body in _writes(full, version):
        if path.startswith("/tasks/"):
            continue  # their own organisation's task: allowed (above)
        assert_error(api.call(method, path, body=body, as_=world.gus), 403, "permission_denied")
    assert _counts() == before


def test_an_agreement_ended_early_hides_the_case(world: World, api: Api) -> None:
    case = open_case(world)
    under = agreement(world)
    share(world, case, under)
    assert data(api.get("/cases", as_=world.gus))["total"] == 1
    body = {
        "title": under.title, "purpose": under.purpose, "data_categories": under.data_categories,
        "starts_on": under.starts_on.isoformat(), "ends_on": under.ends_on.isoformat(), "ended_early_on": _days(-1),
    }  # fmt: skip
    response = api.call("PUT", f"/sharing-agreements/{under.pk}", body=body, as_=world.erin)
    assert response.status_code == 200 and data(response)["in_force"] is False
    assert data(api.get("/cases", as_=world.gus))["total"] == 0
    assert_error(api.get(f"/cases/{case.pk}", as_=world.gus), 404)


# ---- Information-sharing agreements -------------------------------------------------------------
def new_agreement(world: World, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "force": "cambridgeshire",
        "partner": world.council.pk,
        "title": "Cambridge Community Safety Partnership ISA",
        "purpose": "Joint work on anti-social behaviour cases in Cambridge.",
        "data_categories": ["summary", "parties", "tasks"],
        "starts_on": _days(0),
        "ends_on": _days(365),
    }
    return base | overrides


def test_a_force_admin_records_an_agreement(world: World, api: Api) -> None:
    response = api.post(
        "/sharing-agreements", new_agreement(world, data_categories=["tasks", "summary"]), as_=world.erin
    )
    assert response.status_code == 201
    created = data(response)
    stored = SharingAgreement.objects.get()
    assert created["id"] == stored.pk and created["partner"] == {
        "id": world.council.pk,
        "name": "Cambridge City Council",
    }
    assert created["data_categories"] == ["summary", "tasks"] and created["in_force"] is True
    assert (created["force"], created["created_by"], created["ended_early_on"]) == ("cambridgeshire", "Erin", None)
    event = _audited(response, EventType.SHARING_AGREEMENT_CREATED)
    assert (event.actor_id, event.object_id) == (world.erin.pk, str(stored.pk))


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 403), ("bob", 403), ("dee", 403), ("gus", 403), ("hal", 404), ("ivy", 404)]
)
def test_only_the_force_admin_records_agreements(world: World, api: Api, who: str, status: int) -> None:
    before = _counts()
    assert_error(api.post("/sharing-agreements", new_agreement(world), as_=getattr(world, who)), status)
    assert_error(api.post("/sharing-agreements", new_agreement(world, force="nowhere"), as_=world.erin), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"partner": 999999}, {"partner"}),
        ({"title": " "}, {"title"}),
        ({"purpose": ""}, {"purpose"}),
        ({"data_categories": []}, {"data_categories"}),
        ({"ends_on": _days(-1)}, {"ends_on"}),
        ({"ends_on": _days(6 * 365)}, {"ends_on"}),
    ],
)
def test_a_bad_agreement_is_400_and_stores_nothing(
    world: World, api: Api, change: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    error = assert_error(api.post("/sharing-agreements", new_agreement(world, **change), as_=world.erin), 400)
    assert set(error["fields"]) == fields
    assert _counts() == before


def test_an_agreement_that_does_not_fit_the_schema_is_422(world: World, api: Api) -> None:
    for change in ({"data_categories": ["everything"]}, {"starts_on": "soon"}, {"title": "t" * 161}, {"x": 1}):
        assert_error(api.post("/sharing-agreements", new_agreement(world, **change), as_=world.erin), 422)
    assert not SharingAgreement.objects.exists()


def test_agreements_are_read_in_scope(world: World, api: Api) -> None:
    council = agreement(world)
    housing = agreement(world, partner_id=_housing(world).pk, title="Housing ISA")

    def ids(who: Person, **query: Any) -> list[int]:
        return [a["id"] for a in data(api.get("/sharing-agreements", as_=who, query=query))["items"]]

    assert ids(world.alice) == ids(world.erin) == [council.pk, housing.pk]  # by organisation: Cambridge, Sanctuary
    assert ids(world.gus) == [council.pk]  # their own organisation's only
    assert ids(world.hal) == [] and ids(world.ivy) == []
    assert ids(world.erin, force="cambridgeshire") == [council.pk, housing.pk]
    assert_error(api.get("/sharing-agreements", as_=world.erin, query={"force": "derbyshire"}), 404)
    assert data(api.get(f"/sharing-agreements/{council.pk}", as_=world.gus))["title"] == council.title
    assert_error(api.get(f"/sharing-agreements/{housing.pk}", as_=world.gus), 404, "not_found")
    assert_error(api.get(f"/sharing-agreements/{council.pk}", as_=world.hal), 404, "not_found")


def test_changing_an_agreement(world: World, api: Api) -> None:
    under = agreement(world)
    url = f"/sharing-agreements/{under.pk}"
    body = {
        "title": "Narrowed ISA", "purpose": under.purpose, "data_categories": ["summary"],
        "starts_on": under.starts_on.isoformat(), "ends_on": under.ends_on.isoformat(),
    }  # fmt: skip
    for who, status in ((world.alice, 403), (world.gus, 403), (world.dee, 403), (world.hal, 404), (world.ivy, 404)):
        assert_error(api.call("PUT", url, body=body, as_=who), status)
    error = assert_error(api.call("PUT", url, body=body | {"partner": _housing(world).pk}, as_=world.erin), 400)
    assert set(error["fields"]) == {"partner"}
    assert_error(api.call("PUT", url, body={"title": "Only this"}, as_=world.erin), 422)
    response = api.call("PUT", url, body=body | {"partner": world.council.pk}, as_=world.erin)
    assert response.status_code == 200
    changed = data(response)
    assert (changed["title"], changed["data_categories"], changed["ended_early_on"]) == (
        "Narrowed ISA",
        ["summary"],
        None,
    )
    event = _audited(response, EventType.SHARING_AGREEMENT_UPDATED)
    assert _snapshot(event.before)["data_categories"] == ["parties", "summary", "tasks"]
    assert _snapshot(event.after)["data_categories"] == ["summary"]
    ended = data(api.call("PUT", url, body=body | {"ended_early_on": _days(0)}, as_=world.erin))
    assert (ended["ended_early_on"], ended["last_day"], ended["in_force"]) == (_days(0), _days(0), True)


# ---- Reference data -----------------------------------------------------------------------------
def test_the_reference_lists(world: World, api: Api) -> None:
    for who in (world.alice, world.gus, world.hal):
        reference = data(api.get("/reference/asb-cases", as_=who))
        kinds = {k["value"]: k for k in reference["action_kinds"]}
        assert list(kinds) == list(ActionKind.values)
        assert kinds["warning_letter"]["legal_basis"] == "" and kinds["referral"]["legal_basis"] == ""
        assert "s.35" in kinds["dispersal"]["legal_basis"] and "Part 1, s.1" in kinds["civil_injunction"]["legal_basis"]
        assert [v["value"] for v in reference["vulnerabilities"]] == list(Vulnerability.values)
        assert [v["value"] for v in reference["closure_reasons"]] == list(ClosureReason.values)
        assert [v["value"] for v in reference["data_categories"]] == list(DataCategory.values)
        assert [v["value"] for v in reference["party_roles"]] == ["victim", "perpetrator", "other"]
        assert [v["value"] for v in reference["case_flags"]] == [v for v, _label in selectors.CaseFlag.CHOICES]
    assert_error(api.get("/reference/asb-cases"), 401)


# ---- The contract -------------------------------------------------------------------------------
def test_the_flag_choices_are_the_selectors() -> None:
    flag = case_schemas.CaseFilterQuery.model_json_schema()["properties"]["flag"]
    (choices,) = (option["enum"] for option in flag["anyOf"] if "enum" in option)
    assert choices == [value for value, _label in selectors.CaseFlag.CHOICES]


def test_text_inputs_are_limited_to_their_model_fields_lengths() -> None:
    checks: list[tuple[type[Strict], str, type[models.Model], str]] = [
        (case_schemas.CaseIn, "title", AsbCase, "title"),
        (case_schemas.CasePatchIn, "title", AsbCase, "title"),
        (case_schemas.CasePartyIn, "name", CaseParty, "name"),
        (case_schemas.CasePartyIn, "address", CaseParty, "address"),
        (case_schemas.CasePartyIn, "phone", CaseParty, "phone"),
        (case_schemas.AgreementIn, "title", SharingAgreement, "title"),
        (case_schemas.AgreementPutIn, "title", SharingAgreement, "title"),
        (case_schemas.CaseFilterQuery, "reference", AsbCase, "reference"),
    ]
    for schema, name, model, field_name in checks:
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)
        prop = schema.model_json_schema()["properties"][name]
        limits = [o["maxLength"] for o in prop.get("anyOf", [prop]) if "maxLength" in o]
        assert limits == [field.max_length], (schema, name)


CASE_PATHS = ("/api/v1/cases", "/api/v1/tasks/", "/api/v1/sharing-agreements", "/api/v1/reference/asb-cases")
NOT_CREATING = ("/finish", "/close", "/withdraw")
MAY_CONFLICT = {
    ("patch", "/api/v1/cases/{case_id}"),
    ("post", "/api/v1/cases/{case_id}/risk-assessments"),
    ("post", "/api/v1/cases/{case_id}/close"),
}
WITH_QUERY = {("get", "/api/v1/cases"), ("get", "/api/v1/sharing-agreements")}
NAMES_A_FORCE = {("get", "/api/v1/sharing-agreements"), ("post", "/api/v1/sharing-agreements")}


def test_every_operation_declares_its_errors_as_the_rest_of_the_api() -> None:
    """The rules of test_openapi, for this module's operations (PUT is a write that creates nothing)."""
    operations = {
        (method, path): op
        for path, ops in openapi_document()["paths"].items()
        if path.startswith(CASE_PATHS)
        for method, op in ops.items()
    }
    assert len(operations) == 21
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        expected = {"401", "500"}
        if method in {"post", "patch", "put"}:
            expected |= {"400", "403", "422"}
        if "{" in path or (method, path) in NAMES_A_FORCE:
            expected.add("404")
        if (method, path) in WITH_QUERY:
            expected.add("422")
        if (method, path) in MAY_CONFLICT:
            expected.add("409")
        assert {s for s in responses if int(s) >= 400} == expected, (method, path)
        creates = method == "post" and not path.endswith(NOT_CREATING)
        assert {s for s in responses if int(s) < 400} == ({"201"} if creates else {"200"}), (method, path)
