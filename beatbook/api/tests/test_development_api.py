"""The development API: frameworks (read), CPD entries (the caller's own; scoped lists) and PDRs
(open, rate, objectives, sign off, acknowledge, reopen), with the services' rules answered as
400 by field, 403 and 404."""

from __future__ import annotations

from typing import Any

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.learning.models import CpdEntry, PdrStatus
from beatbook.learning.tests.test_development import cpd, item, load_development, open_pdr, ready_pdr
from beatbook.org.models import Role

from .helpers import Api, assert_error, data


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "occurred_on": "2025-03-01",
        "title": "Read the problem-solving guidance",
        "kind": "reading",
        "hours": "1.5",
        "items": [item("analyse-critically").pk, item("problem-solving").pk],
    }
    body.update(overrides)
    return body


class FrameworkApiTests:
    def test_frameworks_read_with_sources(self, world: World, api: Api) -> None:
        load_development(world)
        listed = data(api.get("/frameworks", as_=world.alice))["items"]
        assert [f["code"] for f in listed] == ["cvf-2016", "cvf-2024"]
        assert listed[0]["replaced_by"] == "cvf-2024"
        detail = data(api.get("/frameworks/cvf-2024", as_=world.alice))
        kinds = [i["kind"] for i in detail["items"]]
        assert kinds.count("value") == 3 and kinds.count("competency") == 6 and kinds.count("core_skill") == 9
        assert all(i["cluster"] == "" for i in detail["items"])
        assert [r["code"] for r in detail["rating_scale"]] == ["not-yet", "developing", "competent", "exceeds"]
        assert_error(api.get("/frameworks/cvf-1990", as_=world.alice), 404)


class CpdApiTests:
    def test_own_crud(self, world: World, api: Api) -> None:
        load_development(world)
        created = api.post("/cpd-entries", _body(), as_=world.alice)
        assert created.status_code == 201, data(created)
        entry = data(created)
        assert entry["hours"] == "1.50" and {i["code"] for i in entry["items"]} == {
            "analyse-critically",
            "problem-solving",
        }
        changed = api.patch(f"/cpd-entries/{entry['id']}", _body(title="Changed", items=[]), as_=world.alice)
        assert data(changed)["title"] == "Changed" and data(changed)["items"] == []
        assert api.call("DELETE", f"/cpd-entries/{entry['id']}", as_=world.alice).status_code == 200
        assert not CpdEntry.objects.exists()
        kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
        assert {EventType.CPD_ENTRY_CREATED, EventType.CPD_ENTRY_UPDATED, EventType.CPD_ENTRY_DELETED} <= kinds

    def test_bad_input_is_400_by_field(self, world: World, api: Api) -> None:
        load_development(world)
        for overrides, field in (
            ({"hours": "0"}, "hours"),
            ({"hours": "500"}, "hours"),
            ({"occurred_on": "2999-01-01"}, "occurred_on"),
            ({"items": [item("integrity", "cvf-2016").pk]}, "items"),
            ({"link": "ftp://example.org"}, "link"),
        ):
            error = assert_error(api.post("/cpd-entries", _body(**overrides), as_=world.alice), 400)
            assert field in error["fields"], error
        assert_error(api.post("/cpd-entries", _body(hours="many"), as_=world.alice), 422)
        assert not CpdEntry.objects.exists()

    def test_scope(self, world: World, api: Api) -> None:
        load_development(world)
        alices, charlies = cpd(world.alice), cpd(world.charlie)
        assert [e["id"] for e in data(api.get("/cpd-entries", as_=world.alice))["items"]] == [alices.pk]
        assert_error(api.get(f"/cpd-entries/{charlies.pk}", as_=world.alice), 404)
        assert_error(api.call("DELETE", f"/cpd-entries/{charlies.pk}", as_=world.alice), 404)
        bobs = data(api.get("/cpd-entries", as_=world.bob))
        assert {e["id"] for e in bobs["items"]} == {alices.pk, charlies.pk} and bobs["total_hours"] == "5.00"
        assert_error(api.patch(f"/cpd-entries/{alices.pk}", _body(), as_=world.bob), 403)
        assert_error(api.call("DELETE", f"/cpd-entries/{alices.pk}", as_=world.bob), 403)
        assert data(api.get("/cpd-entries", as_=world.hal))["items"] == []


class PdrApiTests:
    def test_the_flow(self, world: World, api: Api) -> None:
        load_development(world)
        entry = cpd(world.alice)
        opened = api.post("/pdrs", {"person": world.alice.pk, "review_year": 2025}, as_=world.bob)
        assert opened.status_code == 201, data(opened)
        pdr_id = data(opened)["id"]
        rated = api.post(
            f"/pdrs/{pdr_id}/ratings",
            {
                "competency": item("collaborate").pk,
                "rating": "exceeds",
                "evidence": "Led it.",
                "cpd_entries": [entry.pk],
            },
            as_=world.bob,
        )
        assert data(rated)["ratings"][0]["cpd_entries"] == [entry.pk]
        error = assert_error(api.post(f"/pdrs/{pdr_id}/sign-off", as_=world.bob), 400)
        assert error["fields"]
        assert_error(api.post(f"/pdrs/{pdr_id}/sign-off", as_=world.alice), 403)

    def test_read_only_after_sign_off_and_acknowledgement(self, world: World, api: Api) -> None:
        pdr = ready_pdr(world)
        signed = data(api.post(f"/pdrs/{pdr.pk}/sign-off", as_=world.bob))
        assert signed["status"] == PdrStatus.SIGNED_OFF
        body = {"competency": item("collaborate").pk, "rating": "exceeds", "evidence": "Later."}
        assert_error(api.post(f"/pdrs/{pdr.pk}/ratings", body, as_=world.bob), 400)
        assert_error(api.post(f"/pdrs/{pdr.pk}/acknowledge", as_=world.bob), 403)
        assert data(api.post(f"/pdrs/{pdr.pk}/acknowledge", as_=world.alice))["acknowledged_at"]
        assert_error(api.post(f"/pdrs/{pdr.pk}/reopen", {"reason": "short"}, as_=world.bob), 400)
        reopened = data(api.post(f"/pdrs/{pdr.pk}/reopen", {"reason": "Wrong rating given."}, as_=world.bob))
        assert reopened["status"] == PdrStatus.OPEN and reopened["acknowledged_at"] is None

    def test_a_supervisor_of_another_area_cannot_open_or_see(self, world: World, api: Api) -> None:
        pdr = open_pdr(world)
        other = make_person(world.system, world.force_a, "sgt-cherry", Role.SUPERVISOR, neighbourhood=world.a2)
        error = assert_error(api.post("/pdrs", {"person": world.alice.pk, "review_year": 2024}, as_=other), 400)
        assert "person" in error["fields"]
        assert_error(api.get(f"/pdrs/{pdr.pk}", as_=other), 404)
        assert_error(api.get(f"/pdrs/{pdr.pk}", as_=world.charlie), 404)
        assert data(api.get("/pdrs", as_=world.charlie))["items"] == []
