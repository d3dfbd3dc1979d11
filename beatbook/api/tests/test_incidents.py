"""Incidents through the API: recording, reading (scoped; the detail audited), changing with the
version read (409 when stale), the status flow, neighbourhood corrections, people, alerts, the
map and each force's incident rules."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import incident_schemas
from beatbook.api.v1.schemas import Strict
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents import selectors, services
from beatbook.incidents.models import Alert, AlertKind, Incident, IncidentPerson, IncidentRules
from beatbook.org.models import Person

from .helpers import Api, assert_error, data

A1 = (52.205, 0.119)  # the centre of City Centre (A1)
A2 = (52.185, 0.17)  # Cherry Hinton (A2)
B1 = (52.922, -1.476)  # Derby City Centre (another force)


def _when(hours_ago: float = 2) -> str:
    return (timezone.now() - dt.timedelta(hours=hours_ago)).isoformat()


def body(**overrides: Any) -> dict[str, Any]:
    """A valid new incident in A1 (overrides replace or, with None, remove members)."""
    base: dict[str, Any] = {
        "occurred_at": _when(),
        "lat": A1[0],
        "lng": A1[1],
        "location_text": "Market Square",
        "category": "anti-social-behaviour",
        "asb_qualifier": "nuisance",
        "asb_type": "rowdy-inconsiderate",
        "description": "A group shouting and throwing bottles.",
        "how_reported": "phone-101",
        "thrive_threat": "low",
        "thrive_harm": "medium",
        "thrive_risk": "low",
        "thrive_investigation": "low",
        "thrive_vulnerability": "low",
        "thrive_engagement": "high",
        "thrive_notes": "",
        "risk_level": "medium",
        "people": [],
    }
    for name, value in overrides.items():
        if value is None:
            base.pop(name, None)
        else:
            base[name] = value
    return base


def victim(name: str = "Jo Bloggs", **extra: Any) -> dict[str, Any]:
    return {"involvement": "victim", "name": name, "address": "14 Mill Road", **extra}


def create(api: Api, who: Person, **overrides: Any) -> dict[str, Any]:
    response = api.post("/incidents", body(**overrides), as_=who)
    assert response.status_code == 201, response.content
    created: dict[str, Any] = data(response)
    return created


def _audited(response: HttpResponse, event: EventType) -> AuditEvent:
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


def _snapshot(value: Any) -> dict[str, Any]:
    """An audit event's `before` or `after` (JSON, so typed Any)."""
    assert isinstance(value, dict), value
    return value


def _references(items: list[dict[str, Any]]) -> set[str]:
    return {item["reference"] for item in items}


# ---- Authentication and recording ---------------------------------------------------------------
def test_anonymous_callers_get_401(world: World, api: Api) -> None:
    assert_error(api.get("/incidents"), 401, "not_authenticated")
    assert_error(api.post("/incidents", body()), 401, "not_authenticated")
    assert_error(api.get("/alerts"), 401, "not_authenticated")


def test_alice_records_an_incident(world: World, api: Api) -> None:
    people = [victim(date_of_birth="1980-02-03", is_vulnerable=True), {"involvement": "suspect", "is_unknown": True,
              "description": "Tall, red jacket"}]  # fmt: skip
    response = api.post("/incidents", body(people=people), as_=world.alice)
    assert response.status_code == 201
    created = data(response)
    incident = Incident.objects.get(pk=created["id"])
    year = timezone.localtime(incident.occurred_at).year
    assert re.fullmatch(rf"CAMBS-INC-{year}-\d{{6}}", created["reference"])
    assert created["neighbourhood"] == {"id": world.a1.pk, "code": "CC01", "name": "City Centre"}
    assert (incident.neighbourhood, incident.force, incident.created_by) == (world.a1, world.force_a, world.alice)
    assert created["status"] == "open" and created["next_statuses"] == ["attended"]
    assert created["version"] == 1 and created["can_change"] is True
    assert created["created_by"] == "Alice" and created["force"] == "cambridgeshire"
    assert (created["asb_qualifier"], created["asb_type"]) == ("nuisance", "rowdy-inconsiderate")
    assert [(p["involvement"], p["name"], p["is_unknown"]) for p in created["people"]] == [
        ("victim", "Jo Bloggs", False),
        ("suspect", "", True),
    ]
    assert created["people"][0]["date_of_birth"] == "1980-02-03" and created["people"][0]["is_vulnerable"]
    event = _audited(response, EventType.INCIDENT_CREATED)
    assert (event.actor_id, event.object_id, event.neighbourhood_id) == (world.alice.pk, str(incident.pk), world.a1.pk)


def test_an_incident_may_be_placed_by_grid_reference(world: World, api: Api) -> None:
    # TL 4500 5850 lies in Cambridge city centre, inside A1's square.
    created = create(api, world.alice, lat=None, lng=None, grid_reference="TL 4500 5850")
    assert created["neighbourhood"]["id"] == world.a1.pk
    assert created["grid_reference"] == "TL 4500 5850"


def test_a_time_in_the_future_is_400_on_occurred_at(world: World, api: Api) -> None:
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    error = assert_error(api.post("/incidents", body(occurred_at=future), as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"occurred_at"}
    assert not Incident.objects.exists()


def test_a_time_without_its_zone_is_422(world: World, api: Api) -> None:
    naive = (timezone.now() - dt.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    error = assert_error(api.post("/incidents", body(occurred_at=naive), as_=world.alice), 422, "validation_error")
    assert "occurred_at" in error["fields"]


def test_a_location_in_another_force_is_400_on_lat(world: World, api: Api) -> None:
    response = api.post("/incidents", body(lat=B1[0], lng=B1[1]), as_=world.alice)
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"lat"}
    # No location at all is the same field.
    response = api.post("/incidents", body(lat=None, lng=None), as_=world.alice)
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"lat"}
    # Half a point does not fit the schema.
    assert_error(api.post("/incidents", body(lng=None), as_=world.alice), 422, "validation_error")
    assert not Incident.objects.exists()


def test_asb_needs_its_qualifier(world: World, api: Api) -> None:
    response = api.post("/incidents", body(asb_qualifier=None), as_=world.alice)
    assert "asb_qualifier" in assert_error(response, 400, "invalid")["fields"]
    response = api.post("/incidents", body(category="burglary"), as_=world.alice)  # and is for ASB only
    assert "asb_qualifier" in assert_error(response, 400, "invalid")["fields"]
    assert not Incident.objects.exists()


def test_a_person_who_records_no_incidents_gets_403(world: World, api: Api) -> None:
    for who in (world.dee, world.fay, world.gus, world.erin):
        assert_error(api.post("/incidents", body(), as_=who), 403, "permission_denied")
    assert not Incident.objects.exists()


def test_a_person_without_a_name_is_refused_with_the_person_field(world: World, api: Api) -> None:
    people = [{"involvement": "witness"}]
    error = assert_error(api.post("/incidents", body(people=people), as_=world.alice), 400, "invalid")
    assert "people.0.name" in error["fields"]
    error = assert_error(api.post("/incidents", body(people=[{"name": "X"}]), as_=world.alice), 422)
    assert "people.0.involvement" in error["fields"]


def test_unknown_keys_are_422(world: World, api: Api) -> None:
    error = assert_error(api.post("/incidents", body(colour="red"), as_=world.alice), 422, "validation_error")
    assert "colour" in error["fields"]


def test_a_uuid_sent_again_stores_one_incident(world: World, api: Api) -> None:
    client_uuid = str(uuid.uuid4())
    first = api.post("/incidents", body(uuid=client_uuid), as_=world.alice)
    again = api.post("/incidents", body(uuid=client_uuid, description="Sent twice."), as_=world.alice)
    assert (first.status_code, again.status_code) == (201, 201)
    assert data(again)["id"] == data(first)["id"] and data(again)["uuid"] == client_uuid
    assert data(again)["description"] == "A group shouting and throwing bottles."  # the retry's body is not used
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.INCIDENT_CREATED).count() == 1
    # Someone else's incident's identifier is refused.
    error = assert_error(api.post("/incidents", body(uuid=client_uuid), as_=world.bob), 400, "invalid")
    assert set(error["fields"]) == {"uuid"}


# ---- Reading ------------------------------------------------------------------------------------
def test_the_list_is_scoped_to_the_caller(world: World, api: Api) -> None:
    in_a1 = create(api, world.alice)
    in_a2 = create(api, world.charlie, lat=A2[0], lng=A2[1])
    in_b1 = create(api, world.hal, lat=B1[0], lng=B1[1])

    def seen(who: Person) -> set[str]:
        page = data(api.get("/incidents", as_=who))
        assert page["total"] == len(page["items"])
        return _references(page["items"])

    assert seen(world.alice) == {in_a1["reference"]}
    assert seen(world.charlie) == {in_a2["reference"]}
    assert seen(world.bob) == {in_a1["reference"], in_a2["reference"]}
    assert seen(world.dee) == {in_a1["reference"], in_a2["reference"]}
    assert seen(world.hal) == {in_b1["reference"]}
    assert seen(world.gus) == set()


def test_list_items_carry_no_personal_data(world: World, api: Api) -> None:
    create(api, world.alice, people=[victim()])
    (item,) = data(api.get("/incidents", as_=world.alice))["items"]
    assert set(item) == {
        "id", "reference", "occurred_at", "neighbourhood", "category", "asb_qualifier", "asb_type", "status",
        "risk_level", "is_repeat_victim", "is_repeat_location", "lat", "lng", "location_text", "version",
    }  # fmt: skip
    assert "Jo Bloggs" not in str(item) and "Mill Road" not in str(item)


def test_the_list_filters(world: World, api: Api) -> None:
    asb = create(api, world.alice, people=[victim()])
    burglary = create(
        api, world.bob, category="burglary", asb_qualifier=None, asb_type=None, risk_level="high",
        occurred_at=_when(hours_ago=72), lat=A2[0], lng=A2[1],
    )  # fmt: skip

    def refs(**query: Any) -> set[str]:
        return _references(data(api.get("/incidents", as_=world.bob, query=query))["items"])

    assert refs(category="burglary") == {burglary["reference"]}
    assert refs(neighbourhood=world.a1.pk) == {asb["reference"]}
    assert refs(flag="high_risk") == {burglary["reference"]}
    assert refs(person="bloggs") == {asb["reference"]}
    assert refs(status="open") == {asb["reference"], burglary["reference"]}
    assert refs(reference=asb["reference"][-6:]) == {asb["reference"]}
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    assert refs(date_from=three_days_ago.isoformat(), date_to=three_days_ago.isoformat()) == {burglary["reference"]}
    assert refs(neighbourhood=world.b1.pk) == set()  # one the caller does not see matches nothing
    for bad in ({"flag": "nonsense"}, {"category": "murder"}, {"date_from": "2026-02-30"}):
        assert_error(api.get("/incidents", as_=world.bob, query=bad), 422, "validation_error")
    later = {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    assert_error(api.get("/incidents", as_=world.bob, query=later), 422, "validation_error")


def test_the_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(6):
        services.incident_create(
            actor=world.alice,
            data=services.IncidentData(
                occurred_at=timezone.now() - dt.timedelta(days=index + 1),
                category="burglary",
                description="A shed broken into.",
                how_reported="online",
                thrive_threat="low",
                thrive_harm="low",
                thrive_risk="low",
                thrive_investigation="low",
                thrive_vulnerability="low",
                thrive_engagement="low",
                risk_level="low",
                lat=A1[0] - 0.008 + index * 0.003,
                lng=A1[1],
            ),
            people=[services.PersonData(involvement="victim", name=f"Person {index}")],
        )
    api.get("/incidents", as_=world.bob)  # first use of the token records last_used_at
    for size in (1, 6):
        with django_assert_num_queries(3):  # token, count, rows (force, neighbourhood, recorder joined)
            page = data(api.get("/incidents", as_=world.bob, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 6


def test_the_detail_shows_everything_and_audits_the_read(world: World, api: Api) -> None:
    created = create(api, world.alice, people=[victim()])
    response = api.get(f"/incidents/{created['id']}", as_=world.bob)
    assert response.status_code == 200
    detail = data(response)
    assert detail["people"][0]["name"] == "Jo Bloggs" and detail["description"].startswith("A group")
    assert detail["created_by"] == "Alice" and detail["neighbourhood_reason"] == ""
    assert detail["can_change"] is True  # bob supervises A1
    event = _audited(response, EventType.INCIDENT_VIEWED)
    assert (event.actor_id, event.object_id) == (world.bob.pk, str(created["id"]))
    # Dee (analyst) reads it, audited too, but may not change it.
    viewed = api.get(f"/incidents/{created['id']}", as_=world.dee)
    assert data(viewed)["can_change"] is False
    assert _audited(viewed, EventType.INCIDENT_VIEWED).actor_id == world.dee.pk


@pytest.mark.parametrize("who", ["hal", "charlie", "gus", "ivy"])
def test_an_invisible_incident_is_404(world: World, api: Api, who: str) -> None:
    created = create(api, world.alice)
    person = getattr(world, who)
    assert_error(api.get(f"/incidents/{created['id']}", as_=person), 404, "not_found")
    patch = {"version": 1, "description": "Mine now."}
    assert_error(api.patch(f"/incidents/{created['id']}", patch, as_=person), 404, "not_found")
    assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_VIEWED).exists()


def test_an_absent_incident_is_404(world: World, api: Api) -> None:
    assert_error(api.get("/incidents/999999", as_=world.alice), 404, "not_found")


# ---- Changing -----------------------------------------------------------------------------------
def test_a_change_with_the_current_version(world: World, api: Api) -> None:
    created = create(api, world.alice)
    patch = {"version": 1, "description": "Bottles thrown at a bus shelter.", "asb_type": None, "risk_level": "high"}
    response = api.patch(f"/incidents/{created['id']}", patch, as_=world.alice)
    assert response.status_code == 200
    changed = data(response)
    assert changed["version"] == 2 and changed["risk_level"] == "high"
    assert changed["description"] == "Bottles thrown at a bus shelter."
    assert (changed["asb_qualifier"], changed["asb_type"]) == ("nuisance", None)  # null cleared the type
    event = _audited(response, EventType.INCIDENT_UPDATED)
    assert _snapshot(event.after)["text_changed"] == ["description"]
    # Changing the category away from ASB clears the qualifier.
    response = api.patch(f"/incidents/{created['id']}", {"version": 2, "category": "drugs"}, as_=world.bob)
    assert (data(response)["category"], data(response)["asb_qualifier"]) == ("drugs", None)


def test_a_change_made_on_an_old_version_is_409_and_saves_nothing(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}"
    assert api.patch(url, {"version": 1, "description": "Bob's change."}, as_=world.bob).status_code == 200
    events = AuditEvent.objects.count()
    response = api.patch(url, {"version": 1, "description": "Alice's change.", "risk_level": "high"}, as_=world.alice)
    error = assert_error(response, 409, "conflict")
    assert "Bob changed this incident" in error["message"]
    incident = Incident.objects.get(pk=created["id"])
    assert (incident.description, incident.risk_level, incident.version) == ("Bob's change.", "medium", 2)
    assert AuditEvent.objects.count() == events  # no event for the refused change
    # The same for a step of the status flow and a correction.
    assert_error(api.post(f"{url}/status", {"status": "attended", "version": 1}, as_=world.alice), 409, "conflict")
    move = {"neighbourhood": world.a2.pk, "reason": "Wrong side of the road.", "version": 1}
    assert_error(api.post(f"{url}/neighbourhood", move, as_=world.alice), 409, "conflict")
    assert Incident.objects.get(pk=created["id"]).version == 2


def test_a_change_must_change_something_and_keep_to_the_schema(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}"
    assert_error(api.patch(url, {"version": 1}, as_=world.alice), 422, "validation_error")
    assert "version" in assert_error(api.patch(url, {"description": "No version."}, as_=world.alice), 422)["fields"]
    assert_error(api.patch(url, {"version": 1, "description": None}, as_=world.alice), 422, "validation_error")
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    error = assert_error(api.patch(url, {"version": 1, "occurred_at": future}, as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"occurred_at"}
    assert Incident.objects.get(pk=created["id"]).version == 1


def test_a_new_point_moves_the_incident(world: World, api: Api) -> None:
    created = create(api, world.bob)
    moved = data(api.patch(f"/incidents/{created['id']}", {"version": 1, "lat": A2[0], "lng": A2[1]}, as_=world.bob))
    assert moved["neighbourhood"]["id"] == world.a2.pk and (moved["lat"], moved["lng"]) == A2


def test_who_sees_but_may_not_change_gets_403(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}"
    assert_error(api.patch(url, {"version": 1, "description": "Analyst edit."}, as_=world.dee), 403)
    assert_error(api.post(f"{url}/status", {"status": "attended", "version": 1}, as_=world.dee), 403)
    assert_error(api.post(f"{url}/people", victim(), as_=world.fay), 403, "permission_denied")
    assert Incident.objects.get(pk=created["id"]).version == 1


def test_the_status_flow(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}/status"
    error = assert_error(api.post(url, {"status": "closed", "outcome": "Done.", "version": 1}, as_=world.alice), 400)
    assert set(error["fields"]) == {"status"}
    attended = data(api.post(url, {"status": "attended", "version": 1}, as_=world.alice))
    assert attended["status"] == "attended" and attended["next_statuses"] == ["escalated", "resolved"]
    resolved = data(api.post(url, {"status": "resolved", "version": 2}, as_=world.alice))
    assert resolved["next_statuses"] == ["closed"]
    error = assert_error(api.post(url, {"status": "closed", "version": 3}, as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"outcome"}
    response = api.post(url, {"status": "closed", "outcome": "Words of advice given.", "version": 3}, as_=world.alice)
    closed = data(response)
    assert (closed["status"], closed["outcome"], closed["next_statuses"], closed["version"]) == (
        "closed", "Words of advice given.", [], 4,
    )  # fmt: skip
    event = _audited(response, EventType.INCIDENT_STATUS_CHANGED)
    assert _snapshot(event.after)["status"] == "closed" and "Words" not in str(event.after)
    assert_error(api.post(url, {"status": "nonsense", "version": 4}, as_=world.alice), 422, "validation_error")


def test_the_neighbourhood_correction_needs_a_reason(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}/neighbourhood"
    no_reason = {"neighbourhood": world.a2.pk, "reason": "  ", "version": 1}
    assert set(assert_error(api.post(url, no_reason, as_=world.alice), 400, "invalid")["fields"]) == {"reason"}
    for elsewhere in (world.b1.pk, 999999):
        move = {"neighbourhood": elsewhere, "reason": "Boundary.", "version": 1}
        assert set(assert_error(api.post(url, move, as_=world.alice), 400)["fields"]) == {"neighbourhood"}
    same = {"neighbourhood": world.a1.pk, "reason": "Boundary.", "version": 1}
    assert set(assert_error(api.post(url, same, as_=world.alice), 400)["fields"]) == {"neighbourhood"}
    response = api.post(url, {"neighbourhood": world.a2.pk, "reason": "The shop is in Cherry Hinton.", "version": 1},
                        as_=world.alice)  # fmt: skip
    assert response.status_code == 200
    corrected = data(response)
    assert corrected["neighbourhood"]["id"] == world.a2.pk and corrected["version"] == 2
    assert corrected["neighbourhood_reason"] == "The shop is in Cherry Hinton."
    event = _audited(response, EventType.INCIDENT_NEIGHBOURHOOD_CORRECTED)
    assert event.reason == "The shop is in Cherry Hinton."
    # Charlie (A2) sees it now; Alice still does, as she recorded it.
    assert data(api.get(f"/incidents/{created['id']}", as_=world.charlie))["id"] == created["id"]
    assert data(api.get(f"/incidents/{created['id']}", as_=world.alice))["id"] == created["id"]


def test_adding_a_person(world: World, api: Api) -> None:
    created = create(api, world.alice)
    url = f"/incidents/{created['id']}/people"
    response = api.post(url, {"involvement": "witness", "name": "Sam Smith", "phone": "01223 000000"}, as_=world.alice)
    assert response.status_code == 201
    detail = data(response)
    assert [(p["involvement"], p["name"], p["phone"]) for p in detail["people"]] == [
        ("witness", "Sam Smith", "01223 000000")
    ]
    assert detail["version"] == 2
    event = _audited(response, EventType.INCIDENT_PERSON_ADDED)
    assert "Sam" not in str(event.after)
    error = assert_error(api.post(url, {"involvement": "witness"}, as_=world.alice), 400, "invalid")
    assert set(error["fields"]) == {"name"}
    unknown = {"involvement": "suspect", "is_unknown": True, "description": "Grey hoodie"}
    assert api.post(url, unknown, as_=world.alice).status_code == 201
    assert IncidentPerson.objects.filter(incident_id=created["id"]).count() == 2


# ---- Repeats and alerts -------------------------------------------------------------------------
def test_a_third_incident_with_the_same_victim_raises_an_alert(world: World, api: Api) -> None:
    # Points 550 m apart, so that only the victim repeats, not the place; not ASB, so that the
    # community trigger (three ASB complaints) does not fire as well.
    not_asb = {"category": "criminal-damage-arson", "asb_qualifier": None, "asb_type": None}
    for index, lat in enumerate((52.200, 52.205, 52.210)):
        when = _when(hours_ago=48 - index)
        last = create(api, world.alice, lat=lat, people=[victim()], occurred_at=when, **not_asb)
    detail = data(api.get(f"/incidents/{last['id']}", as_=world.alice))
    assert detail["is_repeat_victim"] is True and detail["is_repeat_location"] is False
    (alert,) = detail["alerts"]
    assert (alert["kind"], alert["count"], alert["is_open"]) == ("repeat_victim", 3, True)

    def open_alerts(who: Person) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = data(api.get("/alerts", as_=who))["items"]
        return items

    (listed,) = open_alerts(world.alice)
    assert listed["id"] == alert["id"] and listed["subject"] == "Jo Bloggs"
    assert listed["incident"] == {"id": last["id"], "reference": last["reference"]}
    assert listed["neighbourhood"]["id"] == world.a1.pk and listed["acknowledged_by"] is None
    assert [a["id"] for a in open_alerts(world.bob)] == [alert["id"]]
    assert open_alerts(world.charlie) == [] and open_alerts(world.dee) == [] and open_alerts(world.hal) == []
    flagged = data(api.get("/incidents", as_=world.alice, query={"flag": "repeat_victim"}))["items"]
    assert [i["id"] for i in flagged] == [last["id"]]


def test_acknowledging_an_alert_works_once(world: World, api: Api) -> None:
    for lat in (52.200, 52.205, 52.210):
        create(api, world.alice, lat=lat, people=[victim()])
    alert = Alert.objects.get(kind=AlertKind.REPEAT_VICTIM)
    url = f"/alerts/{alert.pk}/acknowledge"
    assert_error(api.post(url, {"note": "Seen."}, as_=world.dee), 403, "permission_denied")  # sees it, records nothing
    assert_error(api.post(url, {"note": "Seen."}, as_=world.charlie), 404, "not_found")  # cannot see the incident
    assert_error(api.post(url, {"note": "Seen."}, as_=world.hal), 404, "not_found")
    response = api.post(url, {"note": "Spoken to the victim."}, as_=world.alice)
    assert response.status_code == 200
    done = data(response)
    assert done["acknowledged_by"] == "Alice" and done["acknowledgement_note"] == "Spoken to the victim."
    assert done["acknowledged_at"] is not None
    assert _audited(response, EventType.ALERT_ACKNOWLEDGED).object_id == str(alert.pk)
    error = assert_error(api.post(url, {}, as_=world.bob), 400, "invalid")
    assert set(error["fields"]) == {"note"}
    # Still open: the ASB case review alert (three ASB complaints by the same person).
    assert [a["kind"] for a in data(api.get("/alerts", as_=world.bob))["items"]] == ["community_trigger"]


# ---- The map ------------------------------------------------------------------------------------
def test_the_map_gives_the_visible_incidents_as_points(world: World, api: Api) -> None:
    in_a1 = create(api, world.alice)
    create(api, world.charlie, lat=A2[0], lng=A2[1], category="drugs", asb_qualifier=None, asb_type=None)
    collection = data(api.get("/incidents/map", as_=world.alice))
    assert collection["type"] == "FeatureCollection" and collection["total"] == 1 and not collection["truncated"]
    (feature,) = collection["features"]
    assert feature["type"] == "Feature" and feature["id"] == in_a1["id"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [A1[1], A1[0]]}
    assert feature["properties"]["reference"] == in_a1["reference"]
    bob = data(api.get("/incidents/map", as_=world.bob, query={"category": "drugs"}))
    assert [f["properties"]["category"] for f in bob["features"]] == ["drugs"]
    assert data(api.get("/incidents/map", as_=world.gus))["features"] == []


# ---- Incident rules -----------------------------------------------------------------------------
def test_anyone_who_sees_the_force_reads_its_rules(world: World, api: Api) -> None:
    for who in (world.alice, world.gus, world.fay):
        rules = data(api.get("/forces/cambridgeshire/incident-rules", as_=who))
        assert rules == {
            "force": "cambridgeshire", "repeat_count": 3, "repeat_window_days": 90, "repeat_radius_m": 50,
            "trigger_threshold": 3, "trigger_window_months": 6,
        }  # fmt: skip
    assert_error(api.get("/forces/cambridgeshire/incident-rules", as_=world.hal), 404, "not_found")
    assert_error(api.get("/forces/nowhere/incident-rules", as_=world.alice), 404, "not_found")


def test_a_force_admin_sets_the_rules(world: World, api: Api) -> None:
    url = "/forces/cambridgeshire/incident-rules"
    response = api.patch(url, {"trigger_threshold": 2, "repeat_radius_m": 100}, as_=world.erin)
    assert response.status_code == 200
    assert (data(response)["trigger_threshold"], data(response)["repeat_radius_m"]) == (2, 100)
    rules = IncidentRules.objects.get(force=world.force_a)
    assert (rules.trigger_threshold, rules.repeat_radius_m, rules.repeat_count) == (2, 100, 3)
    event = _audited(response, EventType.INCIDENT_RULES_UPDATED)
    assert _snapshot(event.before)["trigger_threshold"] == 3 and _snapshot(event.after)["trigger_threshold"] == 2
    assert data(api.get(url, as_=world.alice))["trigger_threshold"] == 2


def test_only_force_admins_set_the_rules_and_within_the_act(world: World, api: Api) -> None:
    url = "/forces/cambridgeshire/incident-rules"
    for who in (world.alice, world.bob, world.dee, world.fay):
        assert_error(api.patch(url, {"repeat_count": 4}, as_=who), 403, "permission_denied")
    assert_error(api.patch(url, {"repeat_count": 4}, as_=world.ivy), 404, "not_found")  # another force's admin
    error = assert_error(api.patch(url, {"trigger_threshold": 4}, as_=world.erin), 400, "invalid")
    assert set(error["fields"]) == {"trigger_threshold"}
    assert set(assert_error(api.patch(url, {"repeat_count": 1}, as_=world.erin), 400)["fields"]) == {"repeat_count"}
    assert_error(api.patch(url, {}, as_=world.erin), 422, "validation_error")
    assert_error(api.patch(url, {"repeat_window_days": 0}, as_=world.erin), 422, "validation_error")
    assert_error(api.patch(url, {"repeat_count": None}, as_=world.erin), 422, "validation_error")
    assert not IncidentRules.objects.exists()


# ---- The schemas follow the models --------------------------------------------------------------
def test_text_inputs_are_limited_to_their_model_fields_lengths() -> None:
    checks: list[tuple[type[Strict], str, type[models.Model], str]] = [
        (incident_schemas.IncidentIn, "location_text", Incident, "location_text"),
        (incident_schemas.IncidentIn, "grid_reference", Incident, "grid_reference"),
        (incident_schemas.IncidentPersonIn, "name", IncidentPerson, "name"),
        (incident_schemas.IncidentPersonIn, "address", IncidentPerson, "address"),
        (incident_schemas.IncidentPersonIn, "phone", IncidentPerson, "phone"),
        (incident_schemas.IncidentFilterQuery, "reference", Incident, "reference"),
    ]
    for schema, name, model, field_name in checks:
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)
        assert _max_length(schema, name) == field.max_length, (schema, name)


def _max_length(model: type[Strict], field: str) -> int | None:
    schema = model.model_json_schema()["properties"][field]
    options = schema.get("anyOf", [schema])
    limits = [option["maxLength"] for option in options if "maxLength" in option]
    return int(limits[0]) if limits else None


def test_the_flag_choices_are_the_selectors() -> None:
    flag = incident_schemas.IncidentFilterQuery.model_json_schema()["properties"]["flag"]
    (choices,) = (option["enum"] for option in flag["anyOf"] if "enum" in option)
    assert choices == [value for value, _label in selectors.Flag.CHOICES]
