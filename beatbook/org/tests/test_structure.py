"""The structure's services and scopes: neighbourhoods, teams and partner organisations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.core.testing import World, square
from beatbook.core.timeutil import today
from beatbook.org import policy, selectors, services
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Posting, Team
from beatbook.org.services import TeamChanges

pytestmark = pytest.mark.django_db

META = AuditMeta(request_id="req-structure")


def events(event: EventType, obj: Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, object_id=str(obj.pk)))


def fields_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


class NeighbourhoodCreateTests:
    def test_codes_are_unique_per_force_whatever_the_case(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.neighbourhood_create(
                actor=world.erin, force=world.force_a, code="cc01", name="Another", boundary=square(52.3, 0.1)
            )
        assert fields_of(exc) == {"code"}
        derby = services.neighbourhood_create(
            actor=world.ivy, force=world.force_b, code="CC01", name="Elsewhere", boundary=square(52.95, -1.5)
        )
        assert derby.force == world.force_b

    @pytest.mark.parametrize("code", ["CC 01", "-CC01", "CC01/2", "é01"])
    def test_codes_are_police_uk_style(self, world: World, code: str) -> None:
        with pytest.raises(ValidationError) as exc:
            services.neighbourhood_create(
                actor=world.erin, force=world.force_a, code=code, name="N", boundary=square(52.3, 0.1)
            )
        assert fields_of(exc) == {"code"}
        assert Neighbourhood.objects.count() == 3

    def test_every_error_at_once(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.neighbourhood_create(
                actor=world.erin, force=world.force_a, code="CC01", name="", boundary=square(48.857, 2.352)
            )
        assert fields_of(exc) == {"code", "name", "boundary"}

    @pytest.mark.parametrize("who", ["alice", "fay", "dee", "ivy", "gus"])
    def test_only_the_forces_admin_may(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            services.neighbourhood_create(
                actor=getattr(world, who), force=world.force_a, code="NEW", name="N", boundary=square(52.3, 0.1)
            )


class TeamServiceTests:
    def test_create_refuses_a_name_in_use_and_another_forces_neighbourhood_together(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.team_create(
                actor=world.erin, force=world.force_a, name="CAMBRIDGE SOUTH NPT", neighbourhoods=[world.b1]
            )
        assert fields_of(exc) == {"name", "neighbourhoods"}
        assert Team.objects.count() == 1

    def test_update_renames_replaces_and_audits_before_and_after(self, world: World) -> None:
        team = services.team_update(
            actor=world.erin,
            team=world.team_a,
            changes=TeamChanges(name="Cherry Hinton NPT", neighbourhoods=[world.a2]),
            meta=META,
        )
        assert team.name == "Cherry Hinton NPT" and list(team.neighbourhoods.all()) == [world.a2]
        [row] = events(EventType.TEAM_UPDATED, team)
        assert (row.actor, row.request_id, row.force_id) == (world.erin, "req-structure", world.force_a.pk)
        assert row.before == {"name": "Cambridge South NPT", "neighbourhoods": ["CC01", "CH02"]}
        assert row.after == {"name": "Cherry Hinton NPT", "neighbourhoods": ["CH02"]}

    def test_what_is_left_out_stays(self, world: World) -> None:
        services.team_update(actor=world.erin, team=world.team_a, changes=TeamChanges(neighbourhoods=[]))
        world.team_a.refresh_from_db()
        assert world.team_a.name == "Cambridge South NPT" and not world.team_a.neighbourhoods.exists()
        services.team_update(actor=world.erin, team=world.team_a, changes=TeamChanges(name="Renamed"))
        assert not world.team_a.neighbourhoods.exists()

    def test_the_snapshot_ignores_a_scoped_prefetch(self, world: World) -> None:
        # Loaded as Alice would see it (one neighbourhood), the audit still records both.
        team = selectors.team_get_for(actor=world.alice, team_id=world.team_a.pk)
        assert team.visible_neighbourhoods == [world.a1]  # type: ignore[attr-defined]
        services.team_update(actor=world.erin, team=team, changes=TeamChanges(name="Renamed"))
        [row] = events(EventType.TEAM_UPDATED, team)
        assert (row.after or {})["neighbourhoods"] == ["CC01", "CH02"]

    @pytest.mark.parametrize(
        ("name", "areas", "fields"),
        [
            ("", None, {"name"}),
            ("n" * 121, None, {"name"}),
            ("rural npt", None, {"name"}),  # another team's
            ("Renamed", ["a1", "b1"], {"neighbourhoods"}),  # Derbyshire's among them
        ],
    )
    def test_a_refused_update_changes_nothing_in_memory_or_stored(
        self, world: World, name: str, areas: list[str] | None, fields: set[str]
    ) -> None:
        services.team_create(actor=world.system, force=world.force_a, name="Rural NPT", neighbourhoods=[])
        neighbourhoods = None if areas is None else [getattr(world, area) for area in areas]
        with pytest.raises(ValidationError) as exc:
            services.team_update(
                actor=world.erin, team=world.team_a, changes=TeamChanges(name=name, neighbourhoods=neighbourhoods)
            )
        assert fields_of(exc) == fields
        assert world.team_a.name == "Cambridge South NPT"
        assert Team.objects.get(pk=world.team_a.pk).name == "Cambridge South NPT"
        assert world.team_a.neighbourhoods.count() == 2
        assert not events(EventType.TEAM_UPDATED, world.team_a)

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "dee", "ivy"])
    def test_only_the_forces_admin_may_update(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            services.team_update(actor=getattr(world, who), team=world.team_a, changes=TeamChanges(name="Mine"))
        assert Team.objects.get(pk=world.team_a.pk).name == "Cambridge South NPT"


class PartnerServiceTests:
    def test_names_are_unique_per_force_whatever_the_case(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.partner_create(actor=world.erin, force=world.force_a, name="cambridge city COUNCIL", kind="other")
        assert fields_of(exc) == {"name"}

    def test_the_kind_is_checked(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.partner_create(actor=world.erin, force=world.force_a, name="Bakery", kind="bakery")
        assert fields_of(exc) == {"kind"}
        assert PartnerOrganisation.objects.count() == 1


class ScopeTests:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("alice", {"Cambridge City Council", "Fire"}),
            ("dee", {"Cambridge City Council", "Fire"}),
            ("erin", {"Cambridge City Council", "Fire"}),
            ("gus", {"Cambridge City Council"}),
            ("hal", {"Derby Council"}),
            ("ivy", {"Derby Council"}),
            ("system", {"Cambridge City Council", "Fire", "Derby Council"}),
        ],
    )
    def test_partners_visible_to(self, world: World, who: str, expected: set[str]) -> None:
        services.partner_create(actor=world.system, force=world.force_a, name="Fire", kind="fire")
        services.partner_create(actor=world.system, force=world.force_b, name="Derby Council", kind="council")
        assert {p.name for p in selectors.partners_visible_to(getattr(world, who))} == expected

    def test_no_partners_without_an_active_posting(self, world: World) -> None:
        assert not selectors.partners_visible_to(AnonymousUser()).exists()
        posting = Posting.objects.get(person=world.gus)
        services.posting_end(actor=world.erin, posting=posting, valid_to=today() - dt.timedelta(days=1))
        assert not selectors.partners_visible_to(world.gus).exists()

    def test_force_wide_roles_see_every_team_of_the_force(self, world: World) -> None:
        empty = services.team_create(actor=world.system, force=world.force_a, name="Rural NPT", neighbourhoods=[])
        assert empty in policy.teams_in_scope(world.dee)
        assert empty in policy.teams_in_scope(world.erin)
        assert empty not in policy.teams_in_scope(world.bob)
        assert empty not in policy.teams_in_scope(world.ivy)

    def test_teams_with_areas_loads_only_the_visible_neighbourhoods(self, world: World) -> None:
        [team] = selectors.teams_with_areas(world.charlie)
        assert team.visible_neighbourhoods == [world.a2]  # type: ignore[attr-defined]

    def test_can_see_with_any(self, world: World) -> None:
        wanted = [policy.Action.MANAGE_PEOPLE, policy.Action.SEARCH_AUDIT]
        assert policy.can_see_with_any(world.erin, world.alice, wanted)
        assert policy.can_see_with_any(world.fay, world.council, wanted)
        assert not policy.can_see_with_any(world.bob, world.alice, wanted)
        assert not policy.can_see_with_any(world.ivy, world.alice, wanted)
        assert not policy.can_see_with_any(world.erin, world.alice, [policy.Action.SEARCH_AUDIT])
        assert not policy.can_see_with_any(world.erin, object(), wanted)
        assert policy.can_see_with_any(world.system, world.hal, wanted)


class ReservedIdTests:
    """Ids the public police.uk-compatible API would shadow are refused, with nothing stored."""

    @pytest.mark.parametrize("slug", ["v1", "forces", "locate-neighbourhood", "crimes-street"])
    def test_a_force_cannot_take_an_api_method_name(self, world: World, slug: str) -> None:
        from beatbook.org.models import Force

        with pytest.raises(ValidationError) as exc:
            services.force_create(actor=world.system, slug=slug, name="Shadowed", country="england", short_code="SHAD")
        assert fields_of(exc) == {"slug"}
        assert not Force.objects.filter(slug=slug).exists()

    def test_a_neighbourhood_cannot_be_called_neighbourhoods(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.neighbourhood_create(
                actor=world.erin, force=world.force_a, code="Neighbourhoods", name="X", boundary=square(52.3, 0.1)
            )
        assert fields_of(exc) == {"code"}
        assert not Neighbourhood.objects.filter(code="Neighbourhoods").exists()
