"""Reads: /me, forces, neighbourhoods (GeoJSON) and people, each scoped to the caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from beatbook.core.testing import World, make_person, square
from beatbook.core.timeutil import today
from beatbook.org import services as org
from beatbook.org.models import Person, Posting, Role

from .helpers import Api, assert_error, data


def _ids(items: list[dict[str, Any]]) -> set[int]:
    return {int(item["id"]) for item in items}


# ---- /me ----------------------------------------------------------------------------------------
def test_me_is_the_callers_profile_and_active_postings(world: World, api: Api) -> None:
    me = data(api.get("/me", as_=world.alice))
    assert me == {
        "id": world.alice.pk,
        "username": "alice",
        "display_name": "Alice",
        "collar_number": "7001",
        "rank_title": "PCSO",
        "preferred_language": "en-gb",
        "force": "cambridgeshire",
        "postings": [
            {
                "id": Posting.objects.get(person=world.alice).pk,
                "person_id": world.alice.pk,
                "force": "cambridgeshire",
                "role": "pcso",
                "neighbourhood": {"id": world.a1.pk, "code": "CC01", "name": "City Centre"},
                "team": None,
                "valid_from": "2020-01-01",
                "valid_to": None,
            }
        ],
    }


def test_me_leaves_out_ended_and_future_postings(world: World, api: Api) -> None:
    org.posting_create(
        actor=world.system, person=world.bob, role=Role.PCSO, neighbourhood=world.a1,
        valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2019, 1, 1),
    )  # fmt: skip
    org.posting_create(
        actor=world.system, person=world.bob, role=Role.TUTOR, valid_from=today() + dt.timedelta(days=30)
    )
    postings = data(api.get("/me", as_=world.bob))["postings"]
    assert [p["role"] for p in postings] == ["supervisor"]
    assert postings[0]["team"] == {"id": world.team_a.pk, "name": "Cambridge South NPT"}


# ---- /forces ------------------------------------------------------------------------------------
def test_forces_are_those_the_caller_is_posted_in(world: World, api: Api) -> None:
    assert data(api.get("/forces", as_=world.alice)) == [
        {"slug": "cambridgeshire", "name": "Cambridgeshire Constabulary", "country": "england"}
    ]
    assert [f["slug"] for f in data(api.get("/forces", as_=world.hal))] == ["derbyshire"]


def test_force_detail(world: World, api: Api) -> None:
    force = data(api.get("/forces/cambridgeshire", as_=world.gus))
    assert force["short_code"] == "CAMBS"
    assert force["telephone"] == "101"


@pytest.mark.parametrize("slug", ["cambridgeshire", "no-such-force"])
def test_an_outsider_or_absent_force_is_the_same_404(world: World, api: Api, slug: str) -> None:
    error = assert_error(api.get(f"/forces/{slug}", as_=world.hal), 404, "not_found")
    assert error["message"] == "Not found."


# ---- /neighbourhoods ----------------------------------------------------------------------------
def test_neighbourhoods_are_a_geojson_feature_collection_in_scope(world: World, api: Api) -> None:
    collection = data(api.get("/neighbourhoods", as_=world.alice))
    assert collection["type"] == "FeatureCollection"
    assert (collection["page"], collection["page_size"], collection["total"]) == (1, 50, 1)
    [feature] = collection["features"]
    assert feature == {
        "type": "Feature",
        "id": world.a1.pk,
        "geometry": world.a1.boundary,
        "properties": {
            "code": "CC01",
            "name": "City Centre",
            "force": "cambridgeshire",
            "population": 0,
            "centre": {"lat": 52.205, "lng": 0.119},
        },
    }
    assert _ids(data(api.get("/neighbourhoods", as_=world.bob))["features"]) == {world.a1.pk, world.a2.pk}
    assert _ids(data(api.get("/neighbourhoods", as_=world.hal))["features"]) == {world.b1.pk}
    assert data(api.get("/neighbourhoods", as_=world.gus))["features"] == []


def test_neighbourhoods_filter_by_a_visible_force(world: World, api: Api) -> None:
    response = api.get("/neighbourhoods", as_=world.dee, query={"force": "cambridgeshire"})
    assert data(response)["total"] == 2
    assert_error(api.get("/neighbourhoods", as_=world.hal, query={"force": "cambridgeshire"}), 404)
    assert_error(api.get("/neighbourhoods", as_=world.hal, query={"force": "x" * 51}), 422)


def test_neighbourhoods_page(world: World, api: Api) -> None:
    first = data(api.get("/neighbourhoods", as_=world.dee, query={"page_size": 1}))
    second = data(api.get("/neighbourhoods", as_=world.dee, query={"page_size": 1, "page": 2}))
    assert (first["total"], len(first["features"]), second["page"]) == (2, 1, 2)
    assert _ids(first["features"]) | _ids(second["features"]) == {world.a1.pk, world.a2.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "first"}, "page"),
    ],
)
def test_bad_paging_is_422(world: World, api: Api, query: dict[str, Any], field: str) -> None:
    for path in ("/neighbourhoods", "/people", f"/people/{world.alice.pk}/postings"):
        error = assert_error(api.get(path, as_=world.dee, query=query), 422, "validation_error")
        assert list(error["fields"]) == [field]


def test_neighbourhood_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(6):
        org.neighbourhood_create(
            actor=world.system, force=world.force_a, code=f"X{index}", name=f"Extra {index}",
            boundary=square(52.3 + index / 10, 0.2),
        )  # fmt: skip
    api.get("/neighbourhoods", as_=world.dee)  # first use of the token records last_used_at
    for size in (1, 8):
        # token, count, rows (force joined)
        with django_assert_num_queries(3):
            assert len(data(api.get("/neighbourhoods", as_=world.dee, query={"page_size": size}))["features"]) == size
    with django_assert_num_queries(4):  # + the force named in the filter
        api.get("/neighbourhoods", as_=world.dee, query={"force": "cambridgeshire"})


def test_one_neighbourhood_is_a_feature(world: World, api: Api) -> None:
    feature = data(api.get(f"/neighbourhoods/{world.a2.pk}", as_=world.charlie))
    assert (feature["type"], feature["id"], feature["properties"]["code"]) == ("Feature", world.a2.pk, "CH02")


@pytest.mark.parametrize("who", ["alice", "hal", "gus"])
def test_an_invisible_neighbourhood_is_404(world: World, api: Api, who: str) -> None:
    person: Person = getattr(world, who)
    assert_error(api.get(f"/neighbourhoods/{world.a2.pk}", as_=person), 404, "not_found")
    assert_error(api.get("/neighbourhoods/99999999", as_=person), 404, "not_found")


def test_locate_finds_the_visible_neighbourhood_containing_a_point(world: World, api: Api) -> None:
    at_a1 = {"lat": 52.2051, "lng": 0.1192}
    assert data(api.get("/neighbourhoods/locate", as_=world.alice, query=at_a1))["id"] == world.a1.pk
    assert data(api.get("/neighbourhoods/locate", as_=world.bob, query=at_a1))["id"] == world.a1.pk
    for outsider in (world.charlie, world.hal, world.gus):
        assert_error(api.get("/neighbourhoods/locate", as_=outsider, query=at_a1), 404, "not_found")


def test_locate_in_the_uk_but_in_no_neighbourhood_is_404(world: World, api: Api) -> None:
    assert_error(api.get("/neighbourhoods/locate", as_=world.dee, query={"lat": 51.5, "lng": -0.12}), 404)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"lat": 48.85, "lng": 2.35}, {"lat", "lng"}),  # Paris
        ({"lat": 40.0, "lng": 0.119}, {"lat"}),
        ({"lat": 52.2, "lng": 12.5}, {"lng"}),
        ({"lat": 52.2}, {"lng"}),
        ({"lat": "north", "lng": 0.1}, {"lat"}),
    ],
)
def test_locate_outside_the_uk_or_malformed_is_422(
    world: World, api: Api, query: dict[str, Any], fields: set[str]
) -> None:
    error = assert_error(api.get("/neighbourhoods/locate", as_=world.dee, query=query), 422, "validation_error")
    assert set(error["fields"]) == fields


# ---- /people ------------------------------------------------------------------------------------
def test_people_are_scoped_to_the_caller(world: World, api: Api) -> None:
    page = data(api.get("/people", as_=world.alice))
    assert _ids(page["items"]) == {world.alice.pk, world.bob.pk}
    assert (page["page"], page["total"]) == (1, 2)
    bob = next(item for item in page["items"] if item["id"] == world.bob.pk)
    assert bob["postings"][0]["team"]["name"] == "Cambridge South NPT"
    everyone_in_a = data(api.get("/people", as_=world.dee))
    assert world.hal.pk not in _ids(everyone_in_a["items"])
    assert _ids(data(api.get("/people", as_=world.hal))["items"]) == {world.hal.pk}
    assert _ids(data(api.get("/people", as_=world.gus))["items"]) == {world.gus.pk}


def test_people_search(world: World, api: Api) -> None:
    assert [p["username"] for p in data(api.get("/people", as_=world.dee, query={"q": "BO"}))["items"]] == ["bob"]
    assert [p["username"] for p in data(api.get("/people", as_=world.dee, query={"q": "7002"}))["items"]] == ["charlie"]
    assert data(api.get("/people", as_=world.hal, query={"q": "alice"}))["items"] == []
    assert_error(api.get("/people", as_=world.dee, query={"q": "x" * 101}), 422, "validation_error")


def test_people_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(5):
        make_person(world.system, world.force_a, f"extra{index}", Role.PCSO, team=world.team_a)
    api.get("/people", as_=world.dee)
    for size in (1, 10):
        # token, count, rows (force and partner joined), active postings (areas joined)
        with django_assert_num_queries(4):
            assert len(data(api.get("/people", as_=world.dee, query={"page_size": size}))["items"]) == size


def test_person_detail(world: World, api: Api) -> None:
    gus = data(api.get(f"/people/{world.gus.pk}", as_=world.dee))
    assert gus["partner_organisation"] == "Cambridge City Council"
    assert gus["postings"][0]["role"] == "partner"
    assert data(api.get(f"/people/{world.bob.pk}", as_=world.alice))["username"] == "bob"


@pytest.mark.parametrize("who", ["hal", "charlie", "gus"])
def test_an_invisible_person_is_404(world: World, api: Api, who: str) -> None:
    person: Person = getattr(world, who)
    for path in (f"/people/{world.alice.pk}", f"/people/{world.alice.pk}/postings"):
        assert_error(api.get(path, as_=person), 404, "not_found")
    assert_error(api.get("/people/99999999", as_=person), 404, "not_found")
    assert_error(api.get(f"/people/{world.system.pk}", as_=world.dee), 404, "not_found")


def test_a_persons_postings_include_past_and_future_ones(world: World, api: Api) -> None:
    old = org.posting_create(
        actor=world.system, person=world.alice, role=Role.PCSO, neighbourhood=world.a2,
        valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2019, 12, 31),
    )  # fmt: skip
    page = data(api.get(f"/people/{world.alice.pk}/postings", as_=world.bob))
    assert page["total"] == 2
    ended = next(p for p in page["items"] if p["id"] == old.pk)
    assert (ended["valid_to"], ended["neighbourhood"]["code"]) == ("2019-12-31", "CH02")
    assert len(data(api.get(f"/people/{world.alice.pk}", as_=world.bob))["postings"]) == 1
