"""The organisation's structure: adding neighbourhoods, reading and writing teams and partner
organisations. Reads are scoped to the caller; writes are for force administrators, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, square
from beatbook.org import services as org
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Team

from .helpers import Api, assert_error, data

NEW_NEIGHBOURHOOD: dict[str, Any] = {
    "force": "cambridgeshire",
    "code": "E05013050",
    "name": "Abbey",
    "description": "East of the city centre.",
    "population": 12000,
    "boundary": square(52.21, 0.15),
}


def bow_tie() -> dict[str, Any]:
    ring = [[0.11, 52.20], [0.13, 52.21], [0.13, 52.20], [0.11, 52.21], [0.11, 52.20]]
    return {"type": "Polygon", "coordinates": [ring]}


def _counts() -> tuple[int, int, int, int, int]:
    """Neighbourhoods, teams, team areas, partners and audit events (not the tests' token issues)."""
    events = AuditEvent.objects.exclude(event_type=EventType.API_TOKEN_CREATED)
    return (
        Neighbourhood.objects.count(),
        Team.objects.count(),
        Team.neighbourhoods.through.objects.count(),
        PartnerOrganisation.objects.count(),
        events.count(),
    )


def _audited(response: HttpResponse, event: EventType) -> AuditEvent:
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


def _ids(items: list[dict[str, Any]]) -> list[int]:
    return [int(item["id"]) for item in items]


# ---- POST /neighbourhoods -----------------------------------------------------------------------
def test_a_force_admin_adds_a_neighbourhood(world: World, api: Api) -> None:
    response = api.post("/neighbourhoods", NEW_NEIGHBOURHOOD, as_=world.erin)
    assert response.status_code == 201
    feature = data(response)
    nb = Neighbourhood.objects.get(code="E05013050")
    assert feature["type"] == "Feature" and feature["id"] == nb.pk
    assert feature["geometry"] == NEW_NEIGHBOURHOOD["boundary"]
    assert feature["properties"] | {"centre": None} == {
        "code": "E05013050", "name": "Abbey", "force": "cambridgeshire", "population": 12000, "centre": None,
    }  # fmt: skip
    assert (nb.force, nb.description, nb.min_lat, nb.max_lat) == (
        world.force_a,
        "East of the city centre.",
        52.2,
        52.22,
    )
    event = _audited(response, EventType.NEIGHBOURHOOD_CREATED)
    assert (event.actor_id, event.object_id, event.force_id) == (world.erin.pk, str(nb.pk), world.force_a.pk)
    # The new neighbourhood is in the force-wide scope at once.
    assert data(api.get(f"/neighbourhoods/{nb.pk}", as_=world.dee))["id"] == nb.pk


def test_only_the_required_neighbourhood_fields_are_needed(world: World, api: Api) -> None:
    body = {k: NEW_NEIGHBOURHOOD[k] for k in ("force", "code", "name", "boundary")}
    created = data(api.post("/neighbourhoods", body, as_=world.erin))
    assert created["properties"]["population"] == 0


def test_the_same_code_is_allowed_in_another_force(world: World, api: Api) -> None:
    body = NEW_NEIGHBOURHOOD | {"force": "derbyshire", "code": "CC01", "boundary": square(52.95, -1.5)}
    assert api.post("/neighbourhoods", body, as_=world.ivy).status_code == 201


@pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus"])
def test_adding_a_neighbourhood_without_the_power_is_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.post("/neighbourhoods", NEW_NEIGHBOURHOOD, as_=getattr(world, who)), 403, "permission_denied")
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy"])
def test_adding_to_an_outsiders_force_is_404(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.post("/neighbourhoods", NEW_NEIGHBOURHOOD, as_=getattr(world, who)), 404, "not_found")
    assert_error(api.post("/neighbourhoods", NEW_NEIGHBOURHOOD | {"force": "nowhere"}, as_=world.erin), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"code": "X" * 31}, {"code"}),
        ({"code": "CC 01"}, {"code"}),
        ({"code": "-CC01"}, {"code"}),
        ({"code": ""}, {"code"}),
        ({"name": "n" * 121}, {"name"}),
        ({"name": None}, {"name"}),
        ({"description": "d" * 2001}, {"description"}),
        ({"population": -1}, {"population"}),
        ({"population": "many"}, {"population"}),
        ({"population": 2_147_483_648}, {"population"}),
        ({"boundary": {"type": "Point", "coordinates": [0.12, 52.2]}}, {"boundary"}),
        ({"boundary": {"type": "Polygon", "coordinates": "nonsense"}}, {"boundary.Polygon.coordinates"}),
        ({"boundary": "{not json"}, {"boundary"}),
        ({"force": 7}, {"force"}),
        ({"min_lat": 50.0}, {"min_lat"}),
    ],
)
def test_neighbourhood_schema_errors_are_422_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    error = assert_error(api.post("/neighbourhoods", NEW_NEIGHBOURHOOD | change, as_=world.erin), 422)
    assert set(error["fields"]) == fields
    assert _counts() == before


def test_missing_neighbourhood_fields_are_422(world: World, api: Api) -> None:
    error = assert_error(api.post("/neighbourhoods", {"force": "cambridgeshire"}, as_=world.erin), 422)
    assert set(error["fields"]) == {"code", "name", "boundary"}
    assert_error(api.call("POST", "/neighbourhoods", raw_body="{code:", as_=world.erin), 400, "malformed_json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"boundary": bow_tie()}, "boundary"),  # crosses itself
        ({"boundary": square(48.857, 2.352)}, "boundary"),  # Paris
        ({"boundary": square(52.2, 1.8)}, "boundary"),  # half of it past the eastern edge of the UK
        ({"code": "CC01"}, "code"),  # City Centre's
        ({"code": "cc01"}, "code"),  # the same, differently written
    ],
)
def test_neighbourhood_rules_are_400_by_field_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], field: str
) -> None:
    before = _counts()
    error = assert_error(api.post("/neighbourhoods", NEW_NEIGHBOURHOOD | change, as_=world.erin), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert _counts() == before


def test_a_duplicate_code_and_a_bad_boundary_are_reported_together(world: World, api: Api) -> None:
    body = NEW_NEIGHBOURHOOD | {"code": "CC01", "boundary": bow_tie()}
    assert set(assert_error(api.post("/neighbourhoods", body, as_=world.erin), 400)["fields"]) == {"code", "boundary"}


def test_a_body_over_the_size_limit_is_413(world: World, api: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    ring = [[0.1 + index / 100_000, 52.2 + (index % 2) / 1000] for index in range(1000)]
    body = NEW_NEIGHBOURHOOD | {"boundary": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}
    before = _counts()
    assert_error(api.post("/neighbourhoods", body, as_=world.erin), 413, "too_large")
    assert _counts() == before


def test_a_query_string_with_too_many_fields_is_400_not_500(world: World, api: Api) -> None:
    # Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields when the query is read.
    many = "&".join(f"f{index}=1" for index in range(1_100))
    assert_error(api.get(f"/teams?{many}", as_=world.erin), 400, "too_many_fields")


# ---- GET /teams, /teams/{id} --------------------------------------------------------------------
def test_teams_show_only_the_neighbourhoods_the_caller_sees(world: World, api: Api) -> None:
    [team] = data(api.get("/teams", as_=world.alice))["items"]
    assert team == {
        "id": world.team_a.pk,
        "name": "Cambridge South NPT",
        "force": "cambridgeshire",
        "neighbourhoods": [{"id": world.a1.pk, "code": "CC01", "name": "City Centre"}],
    }
    [team] = data(api.get("/teams", as_=world.erin))["items"]
    assert [nb["code"] for nb in team["neighbourhoods"]] == ["CH02", "CC01"]  # by name: Cherry Hinton, City Centre


@pytest.mark.parametrize(("who", "expected"), [("hal", 0), ("ivy", 0), ("gus", 0), ("bob", 1), ("fay", 1)])
def test_teams_are_scoped_to_the_caller(world: World, api: Api, who: str, expected: int) -> None:
    assert data(api.get("/teams", as_=getattr(world, who)))["total"] == expected


def test_a_force_admin_sees_a_team_that_covers_nothing_yet(world: World, api: Api) -> None:
    empty = org.team_create(actor=world.system, force=world.force_a, name="Rural NPT", neighbourhoods=[])
    assert _ids(data(api.get("/teams", as_=world.erin))["items"]) == [world.team_a.pk, empty.pk]
    assert _ids(data(api.get("/teams", as_=world.alice))["items"]) == [world.team_a.pk]
    assert data(api.get(f"/teams/{empty.pk}", as_=world.erin))["neighbourhoods"] == []
    assert_error(api.get(f"/teams/{empty.pk}", as_=world.alice), 404)


def test_teams_filter_by_a_visible_force(world: World, api: Api) -> None:
    assert data(api.get("/teams", as_=world.erin, query={"force": "cambridgeshire"}))["total"] == 1
    assert_error(api.get("/teams", as_=world.erin, query={"force": "derbyshire"}), 404)
    assert_error(api.get("/teams", as_=world.erin, query={"force": "x" * 51}), 422)
    assert_error(api.get("/teams", as_=world.erin, query={"page_size": 0}), 422)


def test_team_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(6):
        org.team_create(
            actor=world.system, force=world.force_a, name=f"Extra {index}", neighbourhoods=[world.a1, world.a2]
        )
    api.get("/teams", as_=world.dee)  # first use of the token records last_used_at
    for size in (1, 7):
        # token, count, rows (force joined), their visible neighbourhoods
        with django_assert_num_queries(4):
            items = data(api.get("/teams", as_=world.dee, query={"page_size": size}))["items"]
        assert len(items) == size and all(len(team["neighbourhoods"]) == 2 for team in items)


def test_one_team(world: World, api: Api) -> None:
    team = data(api.get(f"/teams/{world.team_a.pk}", as_=world.charlie))
    assert [nb["code"] for nb in team["neighbourhoods"]] == ["CH02"]


@pytest.mark.parametrize("who", ["hal", "ivy", "gus"])
def test_an_invisible_team_is_404(world: World, api: Api, who: str) -> None:
    assert_error(api.get(f"/teams/{world.team_a.pk}", as_=getattr(world, who)), 404, "not_found")
    assert_error(api.get("/teams/99999999", as_=world.erin), 404, "not_found")


# ---- POST /teams --------------------------------------------------------------------------------
def test_a_force_admin_creates_a_team(world: World, api: Api) -> None:
    body = {"force": "cambridgeshire", "name": "  City NPT ", "neighbourhoods": [world.a1.pk]}
    response = api.post("/teams", body, as_=world.erin)
    assert response.status_code == 201
    team = Team.objects.get(name="City NPT")
    assert data(response) == {
        "id": team.pk,
        "name": "City NPT",
        "force": "cambridgeshire",
        "neighbourhoods": [{"id": world.a1.pk, "code": "CC01", "name": "City Centre"}],
    }
    event = _audited(response, EventType.TEAM_CREATED)
    assert (event.actor_id, event.object_id, event.force_id) == (world.erin.pk, str(team.pk), world.force_a.pk)
    assert event.after == {"name": "City NPT", "neighbourhoods": ["CC01"]}


def test_a_team_may_start_with_no_neighbourhood(world: World, api: Api) -> None:
    created = data(api.post("/teams", {"force": "cambridgeshire", "name": "Rural NPT"}, as_=world.erin))
    assert created["neighbourhoods"] == []


@pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus"])
def test_creating_a_team_without_the_power_is_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    body = {"force": "cambridgeshire", "name": "City NPT", "neighbourhoods": [world.a1.pk]}
    assert_error(api.post("/teams", body, as_=getattr(world, who)), 403, "permission_denied")
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy"])
def test_creating_a_team_in_an_outsiders_force_is_404(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.post("/teams", {"force": "cambridgeshire", "name": "X"}, as_=getattr(world, who)), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"force": "cambridgeshire"}, {"name"}),
        ({"force": "cambridgeshire", "name": "   "}, {"name"}),
        ({"force": "cambridgeshire", "name": "n" * 121}, {"name"}),
        ({"force": "cambridgeshire", "name": 12}, {"name"}),
        ({"force": "cambridgeshire", "name": "X", "neighbourhoods": "CC01"}, {"neighbourhoods"}),
        ({"force": "cambridgeshire", "name": "X", "neighbourhoods": ["CC01"]}, {"neighbourhoods.0"}),
        ({"force": "cambridgeshire", "name": "X", "neighbourhoods": [0]}, {"neighbourhoods.0"}),
        ({"name": "X"}, {"force"}),
        ({"force": "cambridgeshire", "name": "X", "is_active": True}, {"is_active"}),
    ],
)
def test_team_schema_errors_are_422_and_store_nothing(
    world: World, api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    assert set(assert_error(api.post("/teams", body, as_=world.erin), 422)["fields"]) == fields
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Cambridge South NPT"}, "name"),
        ({"name": "CAMBRIDGE south npt"}, "name"),
        ({"neighbourhoods": ["b1"]}, "neighbourhoods"),  # Derbyshire's
        ({"neighbourhoods": ["a1", 99999999]}, "neighbourhoods"),
    ],
)
def test_team_rules_are_400_by_field_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], field: str
) -> None:
    if "neighbourhoods" in change:
        change = {
            "neighbourhoods": [getattr(world, n).pk if isinstance(n, str) else n for n in change["neighbourhoods"]]
        }
    before = _counts()
    body = {"force": "cambridgeshire", "name": "City NPT"} | change
    error = assert_error(api.post("/teams", body, as_=world.erin), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert _counts() == before


# ---- PATCH /teams/{id} --------------------------------------------------------------------------
def test_a_force_admin_renames_a_team(world: World, api: Api) -> None:
    response = api.patch(f"/teams/{world.team_a.pk}", {"name": "Cambridge South and East NPT"}, as_=world.erin)
    assert response.status_code == 200
    assert data(response)["name"] == "Cambridge South and East NPT"
    assert len(data(response)["neighbourhoods"]) == 2
    world.team_a.refresh_from_db()
    assert world.team_a.name == "Cambridge South and East NPT"
    event = _audited(response, EventType.TEAM_UPDATED)
    assert event.actor_id == world.erin.pk and event.object_id == str(world.team_a.pk)
    assert event.before == {"name": "Cambridge South NPT", "neighbourhoods": ["CC01", "CH02"]}
    assert event.after == {"name": "Cambridge South and East NPT", "neighbourhoods": ["CC01", "CH02"]}


def test_a_force_admin_replaces_a_teams_neighbourhoods(world: World, api: Api) -> None:
    response = api.patch(f"/teams/{world.team_a.pk}", {"neighbourhoods": [world.a2.pk]}, as_=world.erin)
    assert [nb["code"] for nb in data(response)["neighbourhoods"]] == ["CH02"]
    assert list(world.team_a.neighbourhoods.all()) == [world.a2]
    event = _audited(response, EventType.TEAM_UPDATED)
    assert (event.before or {})["neighbourhoods"] == ["CC01", "CH02"] and (event.after or {})["neighbourhoods"] == [
        "CH02"
    ]
    # Alice, posted to City Centre only, no longer sees the team (it covers nothing of hers).
    assert_error(api.get(f"/teams/{world.team_a.pk}", as_=world.alice), 404)


def test_renaming_to_its_own_name_in_other_letters_is_allowed(world: World, api: Api) -> None:
    response = api.patch(f"/teams/{world.team_a.pk}", {"name": "Cambridge South npt"}, as_=world.erin)
    assert data(response)["name"] == "Cambridge South npt"


@pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay"])
def test_changing_a_team_without_the_power_is_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.patch(f"/teams/{world.team_a.pk}", {"name": "Mine"}, as_=getattr(world, who)), 403)
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy", "gus"])
def test_changing_an_invisible_team_is_404(world: World, api: Api, who: str) -> None:
    before = _counts()
    assert_error(api.patch(f"/teams/{world.team_a.pk}", {"name": "Mine"}, as_=getattr(world, who)), 404)
    assert_error(api.patch("/teams/99999999", {"name": "Mine"}, as_=world.erin), 404)
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"__all__"}),
        ({"name": None}, {"name"}),
        ({"neighbourhoods": None}, {"neighbourhoods"}),
        ({"name": ""}, {"name"}),
        ({"name": "n" * 121}, {"name"}),
        ({"neighbourhoods": [1, "two"]}, {"neighbourhoods.1"}),
        ({"force": "derbyshire"}, {"force"}),
    ],
)
def test_team_patch_schema_errors_are_422_and_change_nothing(
    world: World, api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    assert set(assert_error(api.patch(f"/teams/{world.team_a.pk}", body, as_=world.erin), 422)["fields"]) == fields
    assert _counts() == before
    world.team_a.refresh_from_db()
    assert world.team_a.name == "Cambridge South NPT"


def test_team_patch_rules_are_400_and_change_nothing(world: World, api: Api) -> None:
    other = org.team_create(actor=world.system, force=world.force_a, name="Rural NPT", neighbourhoods=[])
    before = _counts()
    path = f"/teams/{world.team_a.pk}"
    assert list(assert_error(api.patch(path, {"name": "rural npt"}, as_=world.erin), 400)["fields"]) == ["name"]
    body = {"name": "Renamed", "neighbourhoods": [world.a1.pk, world.b1.pk]}
    assert list(assert_error(api.patch(path, body, as_=world.erin), 400)["fields"]) == ["neighbourhoods"]
    assert _counts() == before
    world.team_a.refresh_from_db()
    assert world.team_a.name == "Cambridge South NPT"
    assert set(world.team_a.neighbourhoods.all()) == {world.a1, world.a2}
    assert other.name == "Rural NPT"


def test_wrong_methods_on_teams_are_405(world: World, api: Api) -> None:
    assert_error(api.call("PUT", f"/teams/{world.team_a.pk}", body={"name": "X"}, as_=world.erin), 405)
    assert_error(api.call("DELETE", f"/teams/{world.team_a.pk}", as_=world.erin), 405)
    assert_error(api.call("PATCH", "/teams", body={"name": "X"}, as_=world.erin), 405)


# ---- /partners ----------------------------------------------------------------------------------
@pytest.fixture
def fire(world: World) -> PartnerOrganisation:
    return org.partner_create(actor=world.system, force=world.force_a, name="Cambs Fire and Rescue", kind="fire")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", ["Cambridge City Council", "Cambs Fire and Rescue"]),
        ("erin", ["Cambridge City Council", "Cambs Fire and Rescue"]),
        ("fay", ["Cambridge City Council", "Cambs Fire and Rescue"]),
        ("gus", ["Cambridge City Council"]),  # a partner's member: their own organisation only
        ("hal", []),
        ("ivy", []),
    ],
)
def test_partners_are_those_of_the_callers_forces(
    world: World, api: Api, fire: PartnerOrganisation, who: str, expected: list[str]
) -> None:
    items = data(api.get("/partners", as_=getattr(world, who)))["items"]
    assert [p["name"] for p in items] == expected


def test_a_partner_is_shown_by_name_kind_and_force(world: World, api: Api) -> None:
    [council] = data(api.get("/partners", as_=world.alice))["items"]
    assert council == {
        "id": world.council.pk,
        "name": "Cambridge City Council",
        "kind": "council",
        "force": "cambridgeshire",
    }


def test_partners_filter_by_a_visible_force(world: World, api: Api) -> None:
    assert data(api.get("/partners", as_=world.erin, query={"force": "cambridgeshire"}))["total"] == 1
    assert_error(api.get("/partners", as_=world.erin, query={"force": "derbyshire"}), 404)
    assert_error(api.get("/partners", as_=world.erin, query={"page": "first"}), 422)


def test_partner_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(6):
        org.partner_create(actor=world.system, force=world.force_a, name=f"School {index}", kind="school")
    api.get("/partners", as_=world.alice)
    for size in (1, 7):
        with django_assert_num_queries(3):  # token, count, rows (force joined)
            assert len(data(api.get("/partners", as_=world.alice, query={"page_size": size}))["items"]) == size


def test_a_force_admin_registers_a_partner(world: World, api: Api) -> None:
    body = {"force": "cambridgeshire", "name": "Sanctuary Housing", "kind": "housing_association"}
    response = api.post("/partners", body, as_=world.erin)
    assert response.status_code == 201
    partner = PartnerOrganisation.objects.get(name="Sanctuary Housing")
    assert data(response) == {
        "id": partner.pk, "name": "Sanctuary Housing", "kind": "housing_association", "force": "cambridgeshire",
    }  # fmt: skip
    event = _audited(response, EventType.PARTNER_CREATED)
    assert (event.actor_id, event.object_id, event.force_id) == (world.erin.pk, str(partner.pk), world.force_a.pk)


@pytest.mark.parametrize("who", ["alice", "dee", "fay", "gus"])
def test_registering_a_partner_without_the_power_is_403(world: World, api: Api, who: str) -> None:
    before = _counts()
    body = {"force": "cambridgeshire", "name": "X", "kind": "school"}
    assert_error(api.post("/partners", body, as_=getattr(world, who)), 403)
    assert _counts() == before


@pytest.mark.parametrize("who", ["hal", "ivy"])
def test_registering_a_partner_in_an_outsiders_force_is_404(world: World, api: Api, who: str) -> None:
    before = _counts()
    body = {"force": "cambridgeshire", "name": "X", "kind": "school"}
    assert_error(api.post("/partners", body, as_=getattr(world, who)), 404, "not_found")
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "bakery"}, {"kind"}),
        ({"kind": None}, {"kind"}),
        ({"name": "n" * 161}, {"name"}),
        ({"name": ""}, {"name"}),
        ({"name": ["A"]}, {"name"}),
        ({"members": []}, {"members"}),
    ],
)
def test_partner_schema_errors_are_422_and_store_nothing(
    world: World, api: Api, change: dict[str, Any], fields: set[str]
) -> None:
    before = _counts()
    body = {"force": "cambridgeshire", "name": "Sanctuary Housing", "kind": "housing_association"} | change
    assert set(assert_error(api.post("/partners", body, as_=world.erin), 422)["fields"]) == fields
    assert _counts() == before


@pytest.mark.parametrize("name", ["Cambridge City Council", "cambridge city council "])
def test_a_partner_name_the_force_uses_is_400(world: World, api: Api, name: str) -> None:
    before = _counts()
    body = {"force": "cambridgeshire", "name": name, "kind": "council"}
    assert list(assert_error(api.post("/partners", body, as_=world.erin), 400, "invalid")["fields"]) == ["name"]
    assert _counts() == before
    # Derbyshire may work with an organisation of the same name.
    assert api.post("/partners", body | {"force": "derbyshire"}, as_=world.ivy).status_code == 201


def test_wrong_methods_on_partners_are_405(world: World, api: Api) -> None:
    response = api.call("DELETE", "/partners", as_=world.erin)
    assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_another_forces_partners_are_its_own(world: World, api: Api) -> None:
    derby = org.partner_create(actor=world.system, force=world.force_b, name="Derby City Council", kind="council")
    assert [p["id"] for p in data(api.get("/partners", as_=world.ivy))["items"]] == [derby.pk]
