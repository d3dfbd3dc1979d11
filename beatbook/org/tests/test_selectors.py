"""Reads of the organisation: scoped in SQL to the actor, 404 for the invisible, 403 for the forbidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from beatbook.accounts import selectors as account_selectors
from beatbook.accounts.services import api_token_create
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.org import selectors, services
from beatbook.org.models import Role
from beatbook.org.policy import Action

pytestmark = pytest.mark.django_db


def usernames(people: Any) -> set[str]:
    return {p.username for p in people}


class PeopleVisibleToTests:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("alice", {"alice", "bob"}),
            ("charlie", {"charlie", "bob"}),
            ("bob", {"alice", "bob", "charlie"}),
            ("erin", {"alice", "bob", "charlie", "dee", "erin", "fay", "gus"}),
            ("gus", {"gus"}),
            ("hal", {"hal"}),
            ("ivy", {"hal", "ivy"}),
        ],
    )
    def test_scope(self, world: World, who: str, expected: set[str]) -> None:
        assert usernames(selectors.people_visible_to(getattr(world, who))) == expected

    def test_never_the_system_actor_and_nobody_for_anonymous(self, world: World) -> None:
        assert "system" not in usernames(selectors.people_visible_to(world.system))
        assert not selectors.people_visible_to(AnonymousUser()).exists()

    def test_active_postings_are_loaded_in_one_query(self, world: World, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(2):
            people = list(selectors.people_visible_to(world.erin))
            areas = [p.area_name for person in people for p in vars(person)["active_postings"] if p.neighbourhood_id]
        assert "City Centre" in areas

    def test_ended_postings_are_not_active(self, world: World) -> None:
        posting = world.alice.postings.get()
        services.posting_end(actor=world.system, posting=posting, valid_to=today() - dt.timedelta(days=1))
        alice = selectors.people_visible_to(world.erin).get(pk=world.alice.pk)
        assert vars(alice)["active_postings"] == []  # set by the Prefetch
        assert world.alice.pk not in {p.pk for p in selectors.people_visible_to(world.bob)}

    @pytest.mark.parametrize(("q", "expected"), [("", {"alice", "bob"}), ("ALI", {"alice"}), ("1234", {"bob"})])
    def test_people_matching_searches_within_the_scope(self, world: World, q: str, expected: set[str]) -> None:
        assert usernames(selectors.people_matching(world.alice, q)) == expected
        assert not selectors.people_matching(world.alice, "charlie").exists()

    def test_person_get_for(self, world: World) -> None:
        assert selectors.person_get_for(actor=world.alice, person_id=world.bob.pk) == world.bob
        with pytest.raises(Http404):
            selectors.person_get_for(actor=world.hal, person_id=world.alice.pk)
        with pytest.raises(Http404):
            selectors.person_get_for(actor=world.alice, person_id="not-a-number")
        with pytest.raises(PermissionDenied):
            selectors.person_get_for(actor=world.alice, person_id=world.bob.pk, action=Action.MANAGE_PEOPLE)


class PostingSelectorTests:
    def test_posting_get_for(self, world: World) -> None:
        posting = world.alice.postings.get()
        assert (
            selectors.posting_get_for(actor=world.erin, posting_id=posting.pk, action=Action.MANAGE_PEOPLE) == posting
        )
        with pytest.raises(Http404):
            selectors.posting_get_for(actor=world.ivy, posting_id=posting.pk, action=Action.MANAGE_PEOPLE)
        with pytest.raises(PermissionDenied):
            selectors.posting_get_for(actor=world.bob, posting_id=posting.pk, action=Action.MANAGE_PEOPLE)

    def test_postings_of_includes_past_and_future(self, world: World) -> None:
        future = make_person(
            world.system, world.force_a, "future", Role.PCSO, neighbourhood=world.a1, valid_from=dt.date(2099, 1, 1)
        )
        assert selectors.postings_of(actor=world.erin, person=future).count() == 1
        with pytest.raises(Http404):
            selectors.postings_of(actor=world.hal, person=future)

    def test_form_choices_are_limited_to_one_force(self, world: World) -> None:
        assert set(selectors.neighbourhoods_of_force(actor=world.erin, force_id=world.force_a.pk)) == {
            world.a1,
            world.a2,
        }
        assert not selectors.neighbourhoods_of_force(actor=world.erin, force_id=world.force_b.pk).exists()
        assert not selectors.neighbourhoods_of_force(actor=world.erin, force_id=None).exists()
        assert list(selectors.teams_of_force(actor=world.erin, force_id=world.force_a.pk)) == [world.team_a]
        assert not selectors.teams_of_force(actor=world.erin, force_id=None).exists()
        assert list(selectors.partners_where(world.erin, Action.MANAGE_PEOPLE)) == [world.council]
        assert not selectors.partners_where(world.ivy, Action.MANAGE_PEOPLE).exists()
        assert not selectors.partners_where(world.fay, Action.MANAGE_PEOPLE).exists()

    def test_teams_covering(self, world: World) -> None:
        assert list(selectors.teams_covering(actor=world.alice, neighbourhood=world.a1)) == [world.team_a]
        assert not selectors.teams_covering(actor=world.hal, neighbourhood=world.a1).exists()


class NeighbourhoodContainingTests:
    @pytest.mark.parametrize(
        ("lat", "lng", "code"),
        [
            (52.205, 0.119, "CC01"),  # centre of A1
            (52.2149, 0.1289, "CC01"),  # just inside A1's corner
            (52.185, 0.17, "CH02"),
            (52.922, -1.476, "DC01"),
            (52.3, 0.3, None),  # in the UK but in no neighbourhood
            (48.857, 2.352, None),  # Paris
        ],
    )
    def test_finds_the_neighbourhood(self, world: World, lat: float, lng: float, code: str | None) -> None:
        found = selectors.neighbourhood_containing(lat=lat, lng=lng)
        assert (found.code if found else None) == code

    def test_a_point_on_the_edge_is_inside(self, world: World) -> None:
        lng, lat = world.a1.boundary["coordinates"][0][0]
        found = selectors.neighbourhood_containing(lat=lat, lng=lng)
        assert found is not None and found.code == "CC01"

    def test_can_be_limited_to_a_force(self, world: World) -> None:
        assert selectors.neighbourhood_containing(lat=52.205, lng=0.119, force=world.force_b) is None

    def test_inactive_neighbourhoods_are_skipped(self, world: World) -> None:
        services.neighbourhood_update(
            actor=world.system, neighbourhood=world.a1, changes=services.NeighbourhoodChanges(is_active=False)
        )
        assert selectors.neighbourhood_containing(lat=52.205, lng=0.119) is None

    def test_bounding_box_pre_filter_is_not_the_answer(self, world: World) -> None:
        triangle = {"type": "Polygon", "coordinates": [[[0.0, 52.0], [0.1, 52.0], [0.0, 52.1], [0.0, 52.0]]]}
        services.neighbourhood_create(actor=world.system, force=world.force_a, code="TRI", name="T", boundary=triangle)
        # inside the triangle's bounding box but outside the triangle
        assert selectors.neighbourhood_containing(lat=52.09, lng=0.09) is None
        found = selectors.neighbourhood_containing(lat=52.01, lng=0.01)
        assert found is not None and found.code == "TRI"


class ApiTokenSelectorTests:
    def test_only_the_actors_own_tokens(self, world: World) -> None:
        mine = api_token_create(actor=world.alice, name="mine").token
        theirs = api_token_create(actor=world.bob, name="theirs").token
        assert list(account_selectors.api_tokens_of(world.alice)) == [mine]
        assert account_selectors.api_token_get_for(actor=world.alice, token_id=mine.pk) == mine
        with pytest.raises(Http404):
            account_selectors.api_token_get_for(actor=world.alice, token_id=theirs.pk)
