"""The organisation's structure in the browser: adding neighbourhoods, the teams list, creating
and editing teams, the partner organisations list and adding one.

Each page: anonymous (login redirect), outsider (404), read-only (403), permitted (success and
the audit row), bad input (field error, nothing stored), wrong method (405).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, square
from beatbook.org import services
from beatbook.org.forms import NeighbourhoodCreateForm, PartnerForm, TeamForm
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Team

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


def audit_rows(event: EventType, obj: Model | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(event_type=event)
    if obj is not None:
        rows = rows.filter(object_id=str(obj.pk))
    return list(rows)


def assert_audited(event: EventType, obj: Model) -> AuditEvent:
    [row] = audit_rows(event, obj)
    assert row.request_id, "views pass the request id to the audit trail"
    return row


def assert_login_redirect(response: Response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def field_errors(response: Response) -> dict[str, Any]:
    return dict(response.context["form"].errors)


def counts() -> tuple[int, int, int, int]:
    return (
        Neighbourhood.objects.count(),
        Team.objects.count(),
        Team.neighbourhoods.through.objects.count(),
        PartnerOrganisation.objects.count(),
    )


def bow_tie() -> dict[str, Any]:
    ring = [[0.11, 52.20], [0.13, 52.21], [0.13, 52.20], [0.11, 52.21], [0.11, 52.20]]
    return {"type": "Polygon", "coordinates": [ring]}


# ---- Adding a neighbourhood ------------------------------------------------------------------


class NeighbourhoodCreateTests:
    url = "/org/neighbourhoods/new/"

    def data(self, **overrides: Any) -> dict[str, Any]:
        return {
            "code": "E05013050",
            "name": "Abbey",
            "description": "East of the city centre.",
            "population": "12000",
            "boundary": json.dumps(square(52.21, 0.15)),
        } | overrides

    def test_the_url_is_named(self) -> None:
        assert reverse("org:neighbourhood_create") == self.url

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))
        assert_login_redirect(Client().post(self.url, self.data()))
        assert not Neighbourhood.objects.filter(code="E05013050").exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus", "hal"])
    def test_people_who_manage_no_structure_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url).status_code == 403
        assert client.post(self.url, self.data()).status_code == 403
        assert not Neighbourhood.objects.filter(code="E05013050").exists()

    def test_the_form_names_the_admins_force(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Cambridgeshire Constabulary" in body and 'name="force"' not in body
        assert 'name="code"' in body and 'name="boundary"' in body
        assert response.context["nav_key"] == "neighbourhoods"

    def test_force_admin_adds_a_neighbourhood(self, world: World) -> None:
        client = world.client_for(world.erin)
        response = client.post(self.url, self.data())
        nb = Neighbourhood.objects.get(code="E05013050")
        assert response.status_code == 302
        assert response["Location"] == reverse("org:neighbourhood", args=[nb.pk])
        assert (nb.force, nb.name, nb.population, nb.description) == (
            world.force_a,
            "Abbey",
            12000,
            "East of the city centre.",
        )
        assert nb.min_lat == pytest.approx(52.2) and nb.max_lng == pytest.approx(0.16)
        row = assert_audited(EventType.NEIGHBOURHOOD_CREATED, nb)
        assert row.actor == world.erin and row.force_id == world.force_a.pk
        page = client.get(response["Location"])
        assert "The neighbourhood Abbey has been added." in page.content.decode()

    def test_another_forces_admin_adds_to_her_own_force(self, world: World) -> None:
        response = world.client_for(world.ivy).post(
            self.url, self.data(code="CC01", boundary=json.dumps(square(52.95, -1.5)))
        )
        assert response.status_code == 302
        assert Neighbourhood.objects.get(force=world.force_b, code="CC01").name == "Abbey"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"code": ""}, "code"),
            ({"code": "X" * 31}, "code"),
            ({"code": "CC 01"}, "code"),
            ({"code": "CC01"}, "code"),  # City Centre's
            ({"code": "cc01"}, "code"),
            ({"name": ""}, "name"),
            ({"name": "n" * 121}, "name"),
            ({"description": "d" * 2001}, "description"),
            ({"population": "many"}, "population"),
            ({"population": "-5"}, "population"),
            ({"boundary": ""}, "boundary"),
            ({"boundary": "{not json"}, "boundary"),
            ({"boundary": json.dumps({"type": "Point", "coordinates": [0.12, 52.2]})}, "boundary"),
            ({"boundary": json.dumps(bow_tie())}, "boundary"),
            ({"boundary": json.dumps(square(48.857, 2.352))}, "boundary"),  # Paris
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        before = counts()
        response = world.client_for(world.erin).post(self.url, self.data(**overrides))
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]
        assert f'href="#id_{field}"' in response.content.decode()
        assert counts() == before
        assert len(audit_rows(EventType.NEIGHBOURHOOD_CREATED)) == 3  # the world's

    def test_an_empty_post_lists_every_missing_field(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url, {})
        assert response.status_code == 400
        assert {"code", "name", "population", "boundary"} <= set(field_errors(response))

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).delete(self.url).status_code == 405

    def test_a_force_choice_for_admins_of_several_forces(self, world: World) -> None:
        forces = [world.force_a, world.force_b]
        form = NeighbourhoodCreateForm(self.data(force=str(world.force_b.pk)), forces=forces)
        assert "force" in form.fields and form.is_valid(), form.errors
        assert form.chosen_force() == world.force_b
        refused = NeighbourhoodCreateForm(self.data(force="999999"), forces=forces)
        assert not refused.is_valid() and list(refused.errors) == ["force"]
        assert refused.chosen_force() is None

    def test_the_list_offers_the_button_to_admins_only(self, world: World) -> None:
        url = reverse("org:neighbourhoods")
        assert self.url in world.client_for(world.erin).get(url).content.decode()
        assert self.url not in world.client_for(world.alice).get(url).content.decode()
        assert self.url not in world.client_for(world.fay).get(url).content.decode()


# ---- Teams -----------------------------------------------------------------------------------


class TeamListTests:
    url = "/org/teams/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))

    def test_a_pcso_sees_her_team_with_her_neighbourhood_only(self, world: World) -> None:
        response = world.client_for(world.alice).get(self.url)
        assert response.status_code == 200
        [team] = response.context["page"].items
        assert team == world.team_a and team.visible_neighbourhoods == [world.a1]
        body = response.content.decode()
        assert "Cambridge South NPT" in body and "City Centre" in body and "Cherry Hinton" not in body
        assert 'class="bb-table-wrap"' in body
        assert reverse("org:team_create") not in body
        assert reverse("org:team_edit", args=[world.team_a.pk]) not in body
        assert response.context["nav_key"] == "teams"

    @pytest.mark.parametrize("who", ["hal", "ivy", "gus"])
    def test_outsiders_see_no_team(self, world: World, who: str) -> None:
        response = world.client_for(getattr(world, who)).get(self.url)
        assert response.context["page"].items == []
        assert "Cambridge South NPT" not in response.content.decode()

    def test_force_admin_gets_the_buttons(self, world: World) -> None:
        body = world.client_for(world.erin).get(self.url).content.decode()
        assert reverse("org:team_create") in body
        assert reverse("org:team_edit", args=[world.team_a.pk]) in body
        assert "Cherry Hinton" in body and "City Centre" in body

    def test_the_auditor_reads_without_buttons(self, world: World) -> None:
        body = world.client_for(world.fay).get(self.url).content.decode()
        assert "Cambridge South NPT" in body
        assert reverse("org:team_create") not in body and "/edit/" not in body

    def test_pages(self, world: World, settings: Any) -> None:
        settings.BEATBOOK_PAGE_SIZE = 2
        for index in range(3):
            services.team_create(actor=world.system, force=world.force_a, name=f"Team {index}", neighbourhoods=[])
        response = world.client_for(world.erin).get(self.url, {"page": "2"})
        assert response.context["page"].number == 2 and response.context["page"].pages == 2
        assert "?page=1" in response.content.decode()

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).post(self.url).status_code == 405

    @pytest.mark.parametrize("extra", [0, 20])
    def test_query_count_does_not_grow_with_the_page(
        self, world: World, django_assert_num_queries: Any, extra: int
    ) -> None:
        for index in range(extra):
            services.team_create(
                actor=world.system, force=world.force_a, name=f"Team {index:02d}", neighbourhoods=[world.a1, world.a2]
            )
        client = world.client_for(world.erin)
        # session, user, count, rows (force joined), their neighbourhoods, the forces she manages,
        # shell (posting, 2 menus), session save (savepoint, update, release)
        with django_assert_num_queries(12):
            response = client.get(self.url)
        assert len(response.context["page"].items) == 1 + extra


def team_data(world: World, *areas: Neighbourhood, **overrides: Any) -> dict[str, Any]:
    return {"name": "City NPT", "neighbourhoods": [str(nb.pk) for nb in areas]} | overrides


class TeamCreateTests:
    url = "/org/teams/new/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))
        assert_login_redirect(Client().post(self.url, team_data(world, world.a1)))

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus", "hal"])
    def test_people_who_manage_no_structure_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url).status_code == 403
        assert client.post(self.url, team_data(world, world.a1)).status_code == 403
        assert not Team.objects.filter(name="City NPT").exists()

    def test_the_form_offers_the_forces_neighbourhoods_as_govuk_checkboxes(self, world: World) -> None:
        body = world.client_for(world.erin).get(self.url).content.decode()
        assert '<fieldset class="govuk-fieldset"' in body and "govuk-fieldset__legend" in body
        assert 'class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"' in body
        boxes = re.findall(r'<input class="govuk-checkboxes__input" id="([^"]+)" name="neighbourhoods"', body)
        assert boxes == ["id_neighbourhoods", "id_neighbourhoods-2"]  # the first carries the field's id
        assert 'for="id_neighbourhoods-2"' in body
        assert "Cherry Hinton (CH02)" in body and "City Centre (CC01)" in body and "Derby" not in body

    def test_force_admin_creates_a_team(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url, team_data(world, world.a1, world.a2))
        assert response.status_code == 302 and response["Location"] == reverse("org:teams")
        team = Team.objects.get(name="City NPT")
        assert team.force == world.force_a and set(team.neighbourhoods.all()) == {world.a1, world.a2}
        row = assert_audited(EventType.TEAM_CREATED, team)
        assert row.actor == world.erin and row.after == {"name": "City NPT", "neighbourhoods": ["CC01", "CH02"]}

    def test_a_team_may_start_with_no_neighbourhood(self, world: World) -> None:
        assert world.client_for(world.erin).post(self.url, {"name": "Rural NPT"}).status_code == 302
        assert list(Team.objects.get(name="Rural NPT").neighbourhoods.all()) == []

    def test_another_forces_admin_creates_in_her_own_force_only(self, world: World) -> None:
        client = world.client_for(world.ivy)
        assert client.post(self.url, team_data(world, world.b1)).status_code == 302
        assert Team.objects.get(name="City NPT").force == world.force_b
        response = client.post(self.url, team_data(world, world.a1, name="Derby North NPT"))
        assert response.status_code == 400 and list(field_errors(response)) == ["neighbourhoods"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "n" * 121}, "name"),
            ({"name": "Cambridge South NPT"}, "name"),
            ({"name": "cambridge SOUTH npt"}, "name"),
            ({"neighbourhoods": ["abc"]}, "neighbourhoods"),
            ({"neighbourhoods": ["99999999"]}, "neighbourhoods"),
            ({"neighbourhoods": ["b1"]}, "neighbourhoods"),  # Derbyshire's
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        if overrides.get("neighbourhoods") == ["b1"]:
            overrides = {"neighbourhoods": [str(world.b1.pk)]}
        before = counts()
        response = world.client_for(world.erin).post(self.url, team_data(world, world.a1) | overrides)
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]
        body = response.content.decode()
        assert f'href="#id_{field}"' in body and f'id="id_{field}"' in body
        assert counts() == before
        assert len(audit_rows(EventType.TEAM_CREATED)) == 1  # the world's

    def test_the_choices_survive_an_error(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url, team_data(world, world.a2, name=""))
        body = response.content.decode()
        checked = re.findall(r'value="(\d+)" checked', body)
        assert checked == [str(world.a2.pk)]

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).put(self.url).status_code == 405

    def test_a_force_choice_for_admins_of_several_forces(self, world: World) -> None:
        areas = Neighbourhood.objects.all()
        forces = [world.force_a, world.force_b]
        form = TeamForm(team_data(world, world.b1, force=str(world.force_b.pk)), forces=forces, neighbourhoods=areas)
        assert form.is_valid(), form.errors
        assert form.chosen_force() == world.force_b
        mixed = TeamForm(
            team_data(world, world.a1, world.b1, force=str(world.force_b.pk)), forces=forces, neighbourhoods=areas
        )
        assert not mixed.is_valid() and list(mixed.errors) == ["neighbourhoods"]


class TeamEditTests:
    def url(self, team: Team) -> str:
        return reverse("org:team_edit", args=[team.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url(world.team_a)))
        assert_login_redirect(Client().post(self.url(world.team_a), team_data(world, world.a1)))

    @pytest.mark.parametrize("who", ["hal", "ivy", "gus"])
    def test_outsiders_get_404(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url(world.team_a)).status_code == 404
        assert client.post(self.url(world.team_a), team_data(world, world.a1)).status_code == 404
        assert world.client_for(world.erin).get("/org/teams/999999/edit/").status_code == 404

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay"])
    def test_read_only_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url(world.team_a)).status_code == 403
        assert client.post(self.url(world.team_a), team_data(world, world.a1, name="Mine")).status_code == 403
        world.team_a.refresh_from_db()
        assert world.team_a.name == "Cambridge South NPT"
        assert not audit_rows(EventType.TEAM_UPDATED)

    def test_the_form_is_filled_in(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url(world.team_a))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'value="Cambridge South NPT"' in body
        assert set(re.findall(r'value="(\d+)" checked', body)) == {str(world.a1.pk), str(world.a2.pk)}
        assert 'id="history"' in body
        assert response.context["breadcrumbs"][-1]["label"] == "Cambridge South NPT"

    def test_force_admin_renames_and_changes_the_neighbourhoods(self, world: World) -> None:
        data = team_data(world, world.a2, name="Cherry Hinton NPT")
        response = world.client_for(world.erin).post(self.url(world.team_a), data)
        assert response.status_code == 302 and response["Location"] == reverse("org:teams")
        world.team_a.refresh_from_db()
        assert world.team_a.name == "Cherry Hinton NPT" and list(world.team_a.neighbourhoods.all()) == [world.a2]
        row = assert_audited(EventType.TEAM_UPDATED, world.team_a)
        assert row.before == {"name": "Cambridge South NPT", "neighbourhoods": ["CC01", "CH02"]}
        assert row.after == {"name": "Cherry Hinton NPT", "neighbourhoods": ["CH02"]}

    def test_unticking_every_neighbourhood(self, world: World) -> None:
        assert world.client_for(world.erin).post(self.url(world.team_a), {"name": "Empty"}).status_code == 302
        assert list(world.team_a.neighbourhoods.all()) == []
        # The force administrator still sees (and can edit) the team; Alice no longer does.
        assert world.client_for(world.erin).get(self.url(world.team_a)).status_code == 200
        assert world.client_for(world.alice).get(reverse("org:teams")).context["page"].items == []

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "n" * 121}, "name"),
            ({"name": "rural npt"}, "name"),  # another team's
            ({"neighbourhoods": ["abc"]}, "neighbourhoods"),
            ({"neighbourhoods": ["b1"]}, "neighbourhoods"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_changes_nothing(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        services.team_create(actor=world.system, force=world.force_a, name="Rural NPT", neighbourhoods=[])
        if overrides.get("neighbourhoods") == ["b1"]:
            overrides = {"neighbourhoods": [str(world.a1.pk), str(world.b1.pk)]}
        response = world.client_for(world.erin).post(
            self.url(world.team_a), team_data(world, world.a1, name="Renamed") | overrides
        )
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]
        assert f'href="#id_{field}"' in response.content.decode()
        stored = Team.objects.get(pk=world.team_a.pk)
        assert stored.name == "Cambridge South NPT"
        assert set(stored.neighbourhoods.all()) == {world.a1, world.a2}
        assert not audit_rows(EventType.TEAM_UPDATED)
        assert response.context["breadcrumbs"][-1]["label"] == "Cambridge South NPT"

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).delete(self.url(world.team_a)).status_code == 405


# ---- Partner organisations -------------------------------------------------------------------


class PartnerListTests:
    url = "/org/partners/"

    @pytest.fixture
    def fire(self, world: World) -> PartnerOrganisation:
        return services.partner_create(actor=world.system, force=world.force_a, name="Cambs Fire", kind="fire")

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))

    @pytest.mark.parametrize(
        ("who", "names"),
        [
            ("alice", ["Cambridge City Council", "Cambs Fire"]),
            ("fay", ["Cambridge City Council", "Cambs Fire"]),
            ("gus", ["Cambridge City Council"]),
            ("hal", []),
            ("ivy", []),
        ],
    )
    def test_partners_of_the_actors_forces(
        self, world: World, fire: PartnerOrganisation, who: str, names: list[str]
    ) -> None:
        response = world.client_for(getattr(world, who)).get(self.url)
        assert response.status_code == 200
        assert [p.name for p in response.context["page"].items] == names
        body = response.content.decode()
        assert (reverse("org:partner_create") in body) == (who == "ivy")  # Derbyshire's administrator
        assert response.context["nav_key"] == "partners"

    def test_force_admin_gets_the_button(self, world: World) -> None:
        body = world.client_for(world.erin).get(self.url).content.decode()
        assert reverse("org:partner_create") in body
        assert "Cambridge City Council" in body and "Council" in body and 'class="bb-table-wrap"' in body

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).post(self.url).status_code == 405

    @pytest.mark.parametrize("extra", [0, 20])
    def test_query_count_does_not_grow_with_the_page(
        self, world: World, django_assert_num_queries: Any, extra: int
    ) -> None:
        for index in range(extra):
            services.partner_create(actor=world.system, force=world.force_a, name=f"School {index}", kind="school")
        client = world.client_for(world.alice)
        # session, user, count, rows (force joined), create button, shell (posting, 2 menus),
        # session save (savepoint, update, release)
        with django_assert_num_queries(11):
            response = client.get(self.url)
        assert len(response.context["page"].items) == 1 + extra


class PartnerCreateTests:
    url = "/org/partners/new/"

    def data(self, **overrides: str) -> dict[str, str]:
        return {"name": "Sanctuary Housing", "kind": "housing_association"} | overrides

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))
        assert_login_redirect(Client().post(self.url, self.data()))

    @pytest.mark.parametrize("who", ["alice", "dee", "fay", "gus", "hal"])
    def test_people_who_manage_no_structure_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url).status_code == 403
        assert client.post(self.url, self.data()).status_code == 403
        assert not PartnerOrganisation.objects.filter(name="Sanctuary Housing").exists()

    def test_force_admin_adds_a_partner(self, world: World) -> None:
        client = world.client_for(world.erin)
        body = client.get(self.url).content.decode()
        assert '<option value="">Choose the kind</option>' in body and "Housing association" in body
        response = client.post(self.url, self.data())
        assert response.status_code == 302 and response["Location"] == reverse("org:partners")
        partner = PartnerOrganisation.objects.get(name="Sanctuary Housing")
        assert (partner.force, partner.kind) == (world.force_a, "housing_association")
        row = assert_audited(EventType.PARTNER_CREATED, partner)
        assert row.actor == world.erin and row.after == {"name": "Sanctuary Housing", "kind": "housing_association"}

    def test_another_forces_admin_adds_to_her_own_force(self, world: World) -> None:
        response = world.client_for(world.ivy).post(self.url, self.data(name="Cambridge City Council"))
        assert response.status_code == 302
        assert PartnerOrganisation.objects.get(force=world.force_b).name == "Cambridge City Council"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "n" * 161}, "name"),
            ({"name": "Cambridge City Council"}, "name"),
            ({"name": "CAMBRIDGE CITY COUNCIL"}, "name"),
            ({"kind": ""}, "kind"),
            ({"kind": "bakery"}, "kind"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, overrides: dict[str, str], field: str
    ) -> None:
        before = counts()
        response = world.client_for(world.erin).post(self.url, self.data(**overrides))
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]
        assert f'href="#id_{field}"' in response.content.decode()
        assert counts() == before
        assert len(audit_rows(EventType.PARTNER_CREATED)) == 1  # the world's council

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).delete(self.url).status_code == 405

    def test_a_force_choice_for_admins_of_several_forces(self, world: World) -> None:
        form = PartnerForm(self.data(force=str(world.force_b.pk)), forces=[world.force_a, world.force_b])
        assert form.is_valid() and form.chosen_force() == world.force_b


# ---- The menu --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "gus", "erin"])
def test_the_menu_leads_to_teams_and_partners(world: World, who: str) -> None:
    body = world.client_for(getattr(world, who)).get(reverse("org:teams")).content.decode()
    assert f'href="{reverse("org:teams")}" aria-current="page">Teams</a>' in body
    assert f'href="{reverse("org:partners")}">Partners</a>' in body
