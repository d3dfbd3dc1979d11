"""The access policy as a matrix: who sees which neighbourhoods and people, and who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from beatbook.core.testing import World, make_person
from beatbook.org import policy
from beatbook.org.models import Role

pytestmark = pytest.mark.django_db


def codes(qs: object) -> set[str]:
    return {nb.code for nb in qs}  # type: ignore[attr-defined]


class NeighbourhoodScopeTests:
    def test_pcso_sees_only_her_neighbourhood(self, world: World) -> None:
        assert codes(policy.neighbourhoods_in_scope(world.alice)) == {"CC01"}

    def test_supervisor_sees_his_teams_areas(self, world: World) -> None:
        assert codes(policy.neighbourhoods_in_scope(world.bob)) == {"CC01", "CH02"}

    def test_force_roles_see_the_whole_force_and_nothing_else(self, world: World) -> None:
        for person in (world.dee, world.erin, world.fay):
            assert codes(policy.neighbourhoods_in_scope(person)) == {"CC01", "CH02"}

    def test_partner_user_sees_nothing(self, world: World) -> None:
        assert codes(policy.neighbourhoods_in_scope(world.gus)) == set()
        assert set(policy.people_in_scope(world.gus)) == {world.gus}

    def test_outsider_sees_only_own_force(self, world: World) -> None:
        assert codes(policy.neighbourhoods_in_scope(world.hal)) == {"DC01"}

    def test_anonymous_sees_nothing(self, world: World) -> None:
        from django.contrib.auth.models import AnonymousUser

        assert not policy.neighbourhoods_in_scope(AnonymousUser()).exists()
        assert not policy.can(AnonymousUser(), policy.Action.VIEW, world.a1)

    def test_ended_and_future_postings_give_nothing(self, world: World) -> None:
        past = make_person(
            world.system,
            world.force_a,
            "past",
            Role.PCSO,
            neighbourhood=world.a1,
            valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2021, 1, 1),
        )
        future = make_person(
            world.system, world.force_a, "future", Role.PCSO, neighbourhood=world.a1, valid_from=dt.date(2099, 1, 1)
        )
        assert not policy.neighbourhoods_in_scope(past).exists()
        assert not policy.neighbourhoods_in_scope(future).exists()

    def test_inactive_account_sees_nothing(self, world: World) -> None:
        world.alice.is_active = False
        world.alice.save()
        assert not policy.neighbourhoods_in_scope(world.alice).exists()

    def test_scope_is_one_query(self, world: World, django_assert_num_queries: object) -> None:
        with django_assert_num_queries(1):  # type: ignore[operator]
            list(policy.neighbourhoods_in_scope(world.bob))


class PeopleScopeTests:
    def test_pcso_sees_colleagues_in_her_area_and_the_team(self, world: World) -> None:
        seen = set(policy.people_in_scope(world.alice))
        assert {world.alice, world.bob} <= seen
        assert world.charlie not in seen
        assert world.hal not in seen
        assert world.erin not in seen

    def test_force_admin_sees_everyone_in_force(self, world: World) -> None:
        seen = set(policy.people_in_scope(world.erin))
        assert {world.alice, world.bob, world.charlie, world.dee, world.fay, world.gus} <= seen
        assert world.hal not in seen and world.ivy not in seen


class ActionTests:
    @pytest.mark.parametrize(
        ("who", "allowed"),
        [("erin", True), ("fay", False), ("bob", False), ("alice", False), ("dee", False), ("ivy", False)],
    )
    def test_only_the_forces_admin_manages_people(self, world: World, who: str, allowed: bool) -> None:
        assert policy.can(getattr(world, who), policy.Action.MANAGE_PEOPLE, world.alice) is allowed

    @pytest.mark.parametrize(("who", "allowed"), [("fay", True), ("erin", False), ("alice", False), ("ivy", False)])
    def test_only_the_auditor_searches_the_audit_trail(self, world: World, who: str, allowed: bool) -> None:
        assert policy.can(getattr(world, who), policy.Action.SEARCH_AUDIT, world.force_a) is allowed

    def test_require_raises_permission_denied(self, world: World) -> None:
        with pytest.raises(PermissionDenied):
            policy.require(world.fay, policy.Action.MANAGE_PEOPLE, world.alice)

    def test_system_actor_may_do_anything(self, world: World) -> None:
        assert policy.can(world.system, policy.Action.MANAGE_PEOPLE, world.hal)
