"""Officer designations and powers held through the API: scoped reads, designating (the training
rule, Derbyshire's detention), withdrawing (never in the past), changing (the old one kept and
linked), what a person held at a moment, and the pinned query count of the list."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import designations_schemas
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.org.models import Role
from beatbook.powers.models import Designation, Power
from beatbook.powers.reference import DETAIN, REQUIRE_NAME_ADDRESS
from beatbook.powers.selectors.designations import Status, designations_visible_to
from beatbook.powers.testing import powers_world

from .helpers import Api, assert_error, data


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def of(world: World, person: Any) -> Designation:
    return designations_visible_to(world.system).get(person=person)


def pid(world: World, code: str, force: Any = None) -> int:
    return Power.objects.get(force=force or world.force_a, code=code).pk


def body(world: World, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "person": world.charlie.pk,
        "powers": [{"power": pid(world, REQUIRE_NAME_ADDRESS)}],
        "valid_from": today().isoformat(),
        "signed_by_name": "Chief Constable Nick Dean",
        "signed_on": today().isoformat(),
    }
    return base | overrides


def test_status_values_match_the_selector() -> None:
    assert set(get_args(designations_schemas.DesignationStatusFilter)) == set(Status.VALUES)


def test_the_list_is_scoped_filtered_and_costs_the_same(
    pw: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    assert_error(api.get("/designations"), 401)

    def refs(who: Any, **q: Any) -> set[str]:
        return {i["reference"] for i in data(api.get("/designations", as_=who, query=q))["items"]}

    assert refs(pw.erin) == {of(pw, pw.alice).reference, of(pw, pw.charlie).reference}
    assert refs(pw.alice) == {of(pw, pw.alice).reference}
    assert refs(pw.erin, person=pw.alice.pk) == {of(pw, pw.alice).reference}
    assert refs(pw.erin, person=pw.hal.pk) == set()
    assert refs(pw.erin, status="withdrawn") == set()
    assert_error(api.get("/designations", as_=pw.erin, query={"status": "nope"}), 422)
    item = data(api.get("/designations", as_=pw.alice))["items"][0]
    assert item["status"] == "in_force" and item["power_count"] == Power.objects.filter(force=pw.force_a).count()
    for size in (1, 2):
        with django_assert_num_queries(3):  # token, count, rows (person, force joined; power count annotated)
            page = data(api.get("/designations", as_=pw.erin, query={"page_size": size}))
        assert len(page["items"]) == size and page["total"] == 2


def test_the_detail_and_its_scope(pw: World, api: Api) -> None:
    designation = of(pw, pw.alice)
    detail = data(api.get(f"/designations/{designation.pk}", as_=pw.alice))
    assert detail["reference"] == designation.reference and not detail["can_manage"]
    assert DETAIN in {p["code"] for p in detail["powers"]}
    assert detail["history"] == [{"id": designation.pk, "reference": designation.reference}]
    assert data(api.get(f"/designations/{designation.pk}", as_=pw.erin))["can_manage"]
    assert_error(api.get(f"/designations/{designation.pk}", as_=pw.hal), 404, "not_found")
    assert_error(api.get(f"/designations/{designation.pk}"), 401)


def test_designating(pw: World, api: Api) -> None:
    response = api.post("/designations", body(pw), as_=pw.erin)
    assert response.status_code == 201
    created = data(response)
    assert created["person"]["id"] == pw.charlie.pk and created["status"] == "in_force"
    event = AuditEvent.objects.get(event_type=EventType.DESIGNATION_CREATED, request_id=response["X-Request-ID"])
    assert event.object_id == str(created["id"])
    assert_error(api.post("/designations", body(pw, person=pw.alice.pk), as_=pw.alice), 403, "permission_denied")
    assert_error(api.post("/designations", body(pw)), 401)


def test_bad_designations_are_400_and_store_nothing(pw: World, api: Api) -> None:
    count = Designation.objects.count()
    jo = make_person(pw.system, pw.force_a, "jo", Role.PCSO, neighbourhood=pw.a1)
    error = assert_error(
        api.post("/designations", body(pw, person=jo.pk, powers=[{"power": pid(pw, DETAIN)}]), as_=pw.erin), 400
    )
    assert "needs a pass in Officer safety training" in error["fields"]["powers"][0]
    error = assert_error(
        api.post(
            "/designations",
            body(pw, person=pw.hal.pk, powers=[{"power": pid(pw, DETAIN, pw.force_b)}]),
            as_=pw.ivy,
        ),
        400,
    )
    assert "does not designate" in error["fields"]["powers"][0]
    assert "person" in assert_error(api.post("/designations", body(pw, person=pw.hal.pk), as_=pw.erin), 400)["fields"]
    wrong_force = body(pw, powers=[{"power": pid(pw, REQUIRE_NAME_ADDRESS, pw.force_b)}])
    assert "powers" in assert_error(api.post("/designations", wrong_force, as_=pw.erin), 400)["fields"]
    limited = body(pw, powers=[{"power": pid(pw, REQUIRE_NAME_ADDRESS), "extent": "limited"}])
    assert "powers" in assert_error(api.post("/designations", limited, as_=pw.erin), 400)["fields"]
    assert_error(api.post("/designations", body(pw, unknown=1), as_=pw.erin), 422)
    assert Designation.objects.count() == count


def test_withdrawing(pw: World, api: Api) -> None:
    designation = of(pw, pw.alice)
    url = f"/designations/{designation.pk}/withdraw"
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert "at" in assert_error(api.post(url, {"reason": "x", "at": past}, as_=pw.erin), 400)["fields"]
    assert "reason" in assert_error(api.post(url, {"reason": ""}, as_=pw.erin), 400)["fields"]
    assert_error(api.post(url, {"reason": "x"}, as_=pw.alice), 403)
    assert_error(api.post(url, {"reason": "x"}, as_=pw.hal), 404)
    designation.refresh_from_db()
    assert designation.withdrawn_at is None
    response = api.post(url, {"reason": "Left the force."}, as_=pw.erin)
    assert response.status_code == 200 and data(response)["status"] == "withdrawn"
    assert AuditEvent.objects.filter(
        event_type=EventType.DESIGNATION_WITHDRAWN, request_id=response["X-Request-ID"]
    ).exists()
    assert_error(api.post(url, {"reason": "Again"}, as_=pw.erin), 400)
    assert data(api.get("/me/powers", as_=pw.alice))["powers"] == []
    assert_error(api.call("GET", url, as_=pw.erin), 405)


def test_changing(pw: World, api: Api) -> None:
    old = of(pw, pw.alice)
    change = {
        "powers": [{"power": pid(pw, REQUIRE_NAME_ADDRESS), "extent": "limited", "conditions": "Only in A1."}],
        "signed_by_name": "Chief Constable",
        "signed_on": today().isoformat(),
        "reason": "Reviewed.",
    }
    assert_error(api.post(f"/designations/{old.pk}/change", change, as_=pw.alice), 403)
    response = api.post(f"/designations/{old.pk}/change", change, as_=pw.erin)
    assert response.status_code == 201
    new = data(response)
    assert new["supersedes"] == {"id": old.pk, "reference": old.reference}
    assert [h["id"] for h in new["history"]] == [old.pk, new["id"]]
    assert new["powers"][0]["extent"] == "limited" and new["powers"][0]["conditions"] == "Only in A1."
    kept = data(api.get(f"/designations/{old.pk}", as_=pw.erin))
    assert kept["status"] == "withdrawn" and kept["superseded_by"]["id"] == new["id"] and len(kept["powers"]) > 1
    held = data(api.get("/me/powers", as_=pw.alice))
    assert [p["code"] for p in held["powers"]] == [REQUIRE_NAME_ADDRESS]
    assert held["powers"][0]["conditions"] == "Only in A1."
    before = data(api.get("/me/powers", as_=pw.alice, query={"at": "2024-05-01T12:00"}))
    assert DETAIN in {p["code"] for p in before["powers"]}


def test_powers_held(pw: World, api: Api) -> None:
    mine = data(api.get("/me/powers", as_=pw.alice))
    detain = next(p for p in mine["powers"] if p["code"] == DETAIN)
    assert detain["parameters"] == {"limit_minutes": 30}
    assert detain["limits"] == ["You may detain for up to 30 minutes."]
    assert detain["designation"]["reference"] == of(pw, pw.alice).reference
    assert DETAIN not in {p["code"] for p in data(api.get("/me/powers", as_=pw.hal))["powers"]}
    assert data(api.get("/me/powers", as_=pw.alice, query={"at": "2019-01-01T00:00:00Z"}))["powers"] == []
    assert_error(api.get("/me/powers", as_=pw.alice, query={"at": "yesterday"}), 422)
    assert_error(api.get("/me/powers"), 401)
    theirs = data(api.get(f"/people/{pw.alice.pk}/powers", as_=pw.bob))
    assert theirs["person"]["id"] == pw.alice.pk and len(theirs["powers"]) == len(mine["powers"])
    assert_error(api.get(f"/people/{pw.alice.pk}/powers", as_=pw.hal), 404)
    assert_error(api.get(f"/people/{pw.alice.pk}/powers", as_=pw.charlie), 404)
