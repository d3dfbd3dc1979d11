"""The organisation pages: people, postings, my profile (language, API tokens), neighbourhoods.

Each page: anonymous (login redirect), outsider (404), read-only (403), permitted (success and
the audit row), bad input (field error, nothing stored), wrong method (405).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from beatbook.accounts.models import ApiToken
from beatbook.accounts.services import api_token_create
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person, square
from beatbook.core.timeutil import today
from beatbook.org import services
from beatbook.org.forms import PersonCreateForm
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Person, Posting, Role

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-93"


def audit_rows(event: EventType, obj: Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, object_id=str(obj.pk)))


def assert_audited(event: EventType, obj: Model, *, reason: str = "") -> AuditEvent:
    rows = audit_rows(event, obj)
    assert len(rows) == 1
    row = rows[0]
    assert row.request_id, "views pass the request id to the audit trail"
    if reason:
        assert row.reason == reason
    return row


def assert_login_redirect(response: Response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def field_errors(response: Response, form: str = "form") -> dict[str, Any]:
    return dict(response.context[form].errors)


def alice_posting(world: World) -> Posting:
    return Posting.objects.get(person=world.alice)


# ---- People list -----------------------------------------------------------------------------


class PeopleListTests:
    url = "/org/people/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))

    def test_pcso_sees_her_area_only(self, world: World) -> None:
        response = world.client_for(world.alice).get(self.url)
        assert response.status_code == 200
        seen = {p.username for p in response.context["page"].items}
        assert seen == {"alice", "bob"}
        body = response.content.decode()
        assert "7001" in body and "Supervisor (line manager): Cambridge South NPT" in body
        assert 'class="bb-table-wrap"' in body
        assert response.context["nav_key"] == "people"
        assert "Create a person" not in body

    def test_outsider_sees_nobody_from_another_force(self, world: World) -> None:
        response = world.client_for(world.hal).get(self.url)
        assert {p.username for p in response.context["page"].items} == {"hal"}
        assert "Alice" not in response.content.decode()

    def test_force_admin_sees_the_force_and_the_create_button(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url)
        seen = {p.username for p in response.context["page"].items}
        assert {"alice", "bob", "charlie", "dee", "erin", "fay", "gus"} == seen
        assert reverse("org:person_create") in response.content.decode()

    @pytest.mark.parametrize(("q", "expected"), [("7001", {"alice"}), ("BOB", {"bob"}), ("li", {"alice", "charlie"})])
    def test_search_by_collar_username_or_name(self, world: World, q: str, expected: set[str]) -> None:
        response = world.client_for(world.erin).get(self.url, {"q": q})
        assert {p.username for p in response.context["page"].items} == expected

    def test_search_never_widens_the_scope(self, world: World) -> None:
        response = world.client_for(world.alice).get(self.url, {"q": "charlie"})
        assert response.context["page"].items == []

    def test_htmx_search_returns_only_the_results(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url, {"q": "alice"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<div id="people-results">')
        assert "<html" not in body
        assert "HX-Request" in response["Vary"]

    @pytest.mark.parametrize("page", ["abc", "-3", "0", "999"])
    def test_bad_page_numbers_fall_back(self, world: World, page: str) -> None:
        response = world.client_for(world.alice).get(self.url, {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number == 1

    def test_pages_link_on_keeping_the_search(self, world: World, settings: Any) -> None:
        settings.BEATBOOK_PAGE_SIZE = 2
        response = world.client_for(world.erin).get(self.url, {"q": "a"})
        page = response.context["page"]
        assert page.pages > 1
        assert "?q=a&amp;page=2" in response.content.decode()

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).post(self.url).status_code == 405

    @pytest.mark.parametrize("extra", [0, 28])
    def test_query_count_does_not_grow_with_the_page(
        self, world: World, django_assert_num_queries: Any, extra: int
    ) -> None:
        for i in range(extra):
            make_person(
                world.system, world.force_a, f"pcso{i:02d}", Role.PCSO, neighbourhood=world.a1, collar=f"9{i:03d}"
            )
        client = world.client_for(world.alice)
        # session, user, count, rows, their postings, create button, shell (posting, 2 menus),
        # session save (savepoint, update, release)
        with django_assert_num_queries(12):
            response = client.get(self.url)
        assert response.context["page"].total == 2 + extra
        assert len(response.context["page"].items) == 2 + extra


# ---- One person ------------------------------------------------------------------------------


class PersonDetailTests:
    def url(self, person: Person) -> str:
        return reverse("org:person", args=[person.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url(world.alice)))

    @pytest.mark.parametrize("who", ["hal", "ivy", "charlie", "gus"])
    def test_people_outside_the_scope_get_404(self, world: World, who: str) -> None:
        assert world.client_for(getattr(world, who)).get(self.url(world.alice)).status_code == 404

    def test_unknown_person_is_404(self, world: World) -> None:
        assert world.client_for(world.erin).get("/org/people/999999/").status_code == 404

    def test_colleague_sees_profile_and_postings_without_buttons(self, world: World) -> None:
        response = world.client_for(world.alice).get(self.url(world.bob))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Cambridge South NPT" in body and "1234" in body
        assert reverse("org:posting_create", args=[world.bob.pk]) not in body
        assert "/end/" not in body and "/deactivate/" not in body

    def test_force_admin_sees_the_buttons(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url(world.alice))
        body = response.content.decode()
        assert reverse("org:posting_create", args=[world.alice.pk]) in body
        assert reverse("org:posting_end", args=[alice_posting(world).pk]) in body
        assert reverse("org:person_deactivate", args=[world.alice.pk]) in body

    def test_ended_postings_are_listed_without_an_end_button(self, world: World) -> None:
        posting = alice_posting(world)
        services.posting_end(actor=world.system, posting=posting, valid_to=today() - dt.timedelta(days=1))
        body = world.client_for(world.erin).get(self.url(world.alice)).content.decode()
        assert "Ended" in body
        assert reverse("org:posting_end", args=[posting.pk]) not in body

    def test_admin_cannot_deactivate_themself_from_the_page(self, world: World) -> None:
        body = world.client_for(world.erin).get(self.url(world.erin)).content.decode()
        assert reverse("org:person_deactivate", args=[world.erin.pk]) not in body

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).post(self.url(world.alice)).status_code == 405


# ---- Creating a person -----------------------------------------------------------------------


def person_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newbie",
        "display_name": "New Bie",
        "email": "newbie@example.org",
        "collar_number": "7099",
        "rank_title": "PCSO",
        "preferred_language": "en-gb",
        "partner_organisation": "",
        "password": STRONG,
        "password_confirm": STRONG,
    }
    return data | overrides


class PersonCreateTests:
    url = "/org/people/new/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))
        assert_login_redirect(Client().post(self.url, person_data()))
        assert not Person.objects.filter(username="newbie").exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus"])
    def test_people_who_manage_nobody_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url).status_code == 403
        assert client.post(self.url, person_data()).status_code == 403
        assert not Person.objects.filter(username="newbie").exists()

    def test_form_offers_only_the_admins_force_and_its_partners(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url)
        assert response.status_code == 200
        form = response.context["form"]
        assert "force" not in form.fields
        assert form.only_force == world.force_a
        assert list(form.fields["partner_organisation"].queryset) == [world.council]

    def test_force_admin_creates_a_person(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url, person_data())
        person = Person.objects.get(username="newbie")
        assert response.status_code == 302
        assert response["Location"] == reverse("org:person", args=[person.pk])
        assert person.force == world.force_a and person.collar_number == "7099"
        assert person.check_password(STRONG)
        row = assert_audited(EventType.PERSON_CREATED, person)
        assert row.actor == world.erin and row.force_id == world.force_a.pk

    def test_other_forces_admin_creates_in_her_own_force(self, world: World) -> None:
        world.client_for(world.ivy).post(self.url, person_data())
        assert Person.objects.get(username="newbie").force == world.force_b

    def test_partner_member(self, world: World) -> None:
        world.client_for(world.erin).post(self.url, person_data(partner_organisation=str(world.council.pk)))
        assert Person.objects.get(username="newbie").partner_organisation == world.council

    def test_partner_of_another_force_is_refused(self, world: World) -> None:
        other = services.partner_create(actor=world.system, force=world.force_b, name="Derby Council", kind="council")
        response = world.client_for(world.erin).post(self.url, person_data(partner_organisation=str(other.pk)))
        assert response.status_code == 400
        assert "partner_organisation" in field_errors(response)
        assert not Person.objects.filter(username="newbie").exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"username": ""}, "username"),
            ({"username": "alice"}, "username"),
            ({"username": "bad name!"}, "username"),
            ({"username": "u" * 151}, "username"),
            ({"display_name": ""}, "display_name"),
            ({"display_name": "x" * 121}, "display_name"),
            ({"email": "not-an-email"}, "email"),
            ({"collar_number": "7001"}, "collar_number"),
            ({"collar_number": "1" * 21}, "collar_number"),
            ({"rank_title": "r" * 81}, "rank_title"),
            ({"preferred_language": "fr"}, "preferred_language"),
            ({"partner_organisation": "abc"}, "partner_organisation"),
            ({"password": "password", "password_confirm": "password"}, "password"),
            ({"password": "12345678901234", "password_confirm": "12345678901234"}, "password"),
            ({"password": "short", "password_confirm": "short"}, "password"),
            ({"password_confirm": "something-else-entirely"}, "password_confirm"),
            ({"password": ""}, "password"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, overrides: dict[str, str], field: str
    ) -> None:
        before = Person.objects.count()
        events = AuditEvent.objects.count()
        response = world.client_for(world.erin).post(self.url, person_data(**overrides))
        assert response.status_code == 400
        assert field in field_errors(response), field_errors(response)
        body = response.content.decode()
        assert "govuk-error-summary" in body and f'href="#id_{field}"' in body
        assert Person.objects.count() == before
        assert AuditEvent.objects.count() == events

    def test_missing_everything(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url, {})
        assert response.status_code == 400
        assert {"username", "display_name", "password", "password_confirm"} <= set(field_errors(response))

    def test_duplicate_collar_number_is_allowed_in_another_force(self, world: World) -> None:
        world.client_for(world.ivy).post(self.url, person_data(collar_number="7001"))
        assert Person.objects.get(username="newbie").force == world.force_b

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).put(self.url).status_code == 405

    def test_a_force_choice_appears_for_admins_of_several_forces(self, world: World) -> None:
        forces = [world.force_a, world.force_b]
        partners = PartnerOrganisation.objects.all()
        form = PersonCreateForm(person_data(force=str(world.force_b.pk)), forces=forces, partners=partners)
        assert "force" in form.fields
        assert form.is_valid(), form.errors
        assert form.chosen_force() == world.force_b
        clash = PersonCreateForm(
            person_data(force=str(world.force_b.pk), partner_organisation=str(world.council.pk)),
            forces=forces,
            partners=partners,
        )
        assert not clash.is_valid() and "partner_organisation" in clash.errors


# ---- Postings --------------------------------------------------------------------------------


def posting_data(world: World, **overrides: str) -> dict[str, str]:
    data = {"role": "pcso", "neighbourhood": str(world.a2.pk), "team": "", "valid_from": "2026-01-05", "valid_to": ""}
    return data | overrides


class PostingCreateTests:
    def url(self, person: Person) -> str:
        return reverse("org:posting_create", args=[person.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url(world.alice)))

    @pytest.mark.parametrize("who", ["hal", "ivy"])
    def test_outsiders_get_404(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url(world.alice)).status_code == 404
        assert client.post(self.url(world.alice), posting_data(world)).status_code == 404

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay"])
    def test_people_who_can_see_but_not_manage_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url(world.bob)).status_code == 403
        assert client.post(self.url(world.bob), posting_data(world)).status_code == 403
        assert Posting.objects.filter(person=world.bob).count() == 1

    def test_choices_are_the_persons_force_only(self, world: World) -> None:
        form = world.client_for(world.erin).get(self.url(world.alice)).context["form"]
        assert set(form.fields["neighbourhood"].queryset) == {world.a1, world.a2}
        assert list(form.fields["team"].queryset) == [world.team_a]

    def test_force_admin_adds_a_posting(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url(world.alice), posting_data(world))
        assert response.status_code == 302
        posting = Posting.objects.get(person=world.alice, neighbourhood=world.a2)
        assert posting.valid_from == dt.date(2026, 1, 5) and posting.valid_to is None
        assert_audited(EventType.POSTING_CREATED, posting)

    def test_force_wide_role(self, world: World) -> None:
        data = posting_data(world, role="analyst", neighbourhood="")
        assert world.client_for(world.erin).post(self.url(world.dee), data).status_code == 302
        assert Posting.objects.filter(person=world.dee, role="analyst").count() == 2

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"neighbourhood": ""}, "neighbourhood"),
            ({"role": "analyst"}, "neighbourhood"),
            ({"role": "partner"}, "role"),
            ({"role": "chief"}, "role"),
            ({"role": ""}, "role"),
            ({"team": "TEAM"}, "team"),
            ({"team": "TEAM_ID"}, "team"),
            ({"neighbourhood": "B1"}, "neighbourhood"),
            ({"neighbourhood": "999999"}, "neighbourhood"),
            ({"valid_from": ""}, "valid_from"),
            ({"valid_from": "yesterday"}, "valid_from"),
            ({"valid_from": "2026-02-30"}, "valid_from"),
            ({"valid_to": "2025-01-01"}, "valid_to"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, overrides: dict[str, str], field: str
    ) -> None:
        names = {"TEAM_ID": str(world.team_a.pk), "B1": str(world.b1.pk)}
        data = posting_data(world, **{k: names.get(v, v) for k, v in overrides.items()})
        if overrides.get("team") == "TEAM":  # a neighbourhood and a team at once
            data["team"] = str(world.team_a.pk)
        events = AuditEvent.objects.count()
        response = world.client_for(world.erin).post(self.url(world.alice), data)
        assert response.status_code == 400
        assert field in field_errors(response), field_errors(response)
        assert Posting.objects.filter(person=world.alice).count() == 1
        assert AuditEvent.objects.count() == events

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).delete(self.url(world.alice)).status_code == 405


class PostingEndTests:
    def url(self, posting: Posting) -> str:
        return reverse("org:posting_end", args=[posting.pk])

    def data(self, **overrides: str) -> dict[str, str]:
        return {"valid_to": today().isoformat(), "reason": "Moved to response"} | overrides

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().post(self.url(alice_posting(world)), self.data()))
        assert alice_posting(world).valid_to is None

    @pytest.mark.parametrize("who", ["hal", "ivy"])
    def test_outsiders_get_404(self, world: World, who: str) -> None:
        response = world.client_for(getattr(world, who)).post(self.url(alice_posting(world)), self.data())
        assert response.status_code == 404
        assert alice_posting(world).valid_to is None

    @pytest.mark.parametrize("who", ["alice", "bob", "fay"])
    def test_read_only_get_403(self, world: World, who: str) -> None:
        response = world.client_for(getattr(world, who)).post(self.url(alice_posting(world)), self.data())
        assert response.status_code == 403
        assert alice_posting(world).valid_to is None

    def test_unknown_posting_is_404(self, world: World) -> None:
        assert world.client_for(world.erin).post("/org/postings/999999/end/", self.data()).status_code == 404

    def test_force_admin_ends_a_posting(self, world: World) -> None:
        posting = alice_posting(world)
        response = world.client_for(world.erin).post(self.url(posting), self.data())
        assert response.status_code == 302
        assert response["Location"] == reverse("org:person", args=[world.alice.pk])
        posting.refresh_from_db()
        assert posting.valid_to == today()
        assert_audited(EventType.POSTING_ENDED, posting, reason="Moved to response")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 501}, "reason"),
            ({"valid_to": ""}, "valid_to"),
            ({"valid_to": "31/31/2026"}, "valid_to"),
            ({"valid_to": "1999-01-01"}, "valid_to"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_changes_nothing(
        self, world: World, overrides: dict[str, str], field: str
    ) -> None:
        posting = alice_posting(world)
        response = world.client_for(world.erin).post(self.url(posting), self.data(**overrides))
        assert response.status_code == 400
        assert field in dict(response.context["error_form"].errors)
        assert f'href="#id_end{posting.pk}_{field}"' in response.content.decode()
        assert alice_posting(world).valid_to is None
        assert not audit_rows(EventType.POSTING_ENDED, posting)

    def test_an_ended_posting_cannot_end_again(self, world: World) -> None:
        posting = alice_posting(world)
        client = world.client_for(world.erin)
        client.post(self.url(posting), self.data())
        response = client.post(self.url(posting), self.data(valid_to=(today() + dt.timedelta(days=3)).isoformat()))
        assert response.status_code == 400
        assert "valid_to" in dict(response.context["error_form"].errors)
        assert alice_posting(world).valid_to == today()

    def test_get_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).get(self.url(alice_posting(world))).status_code == 405


class PersonDeactivateTests:
    def url(self, person: Person) -> str:
        return reverse("org:person_deactivate", args=[person.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().post(self.url(world.alice), {"reason": "Left"}))

    @pytest.mark.parametrize("who", ["hal", "ivy"])
    def test_outsiders_get_404(self, world: World, who: str) -> None:
        assert world.client_for(getattr(world, who)).post(self.url(world.alice), {"reason": "x"}).status_code == 404

    @pytest.mark.parametrize("who", ["bob", "fay", "dee"])
    def test_read_only_get_403(self, world: World, who: str) -> None:
        assert world.client_for(getattr(world, who)).post(self.url(world.alice), {"reason": "x"}).status_code == 403
        world.alice.refresh_from_db()
        assert world.alice.is_active

    def test_force_admin_deactivates(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url(world.alice), {"reason": "Left the force"})
        assert response.status_code == 302
        world.alice.refresh_from_db()
        assert not world.alice.is_active
        assert_audited(EventType.PERSON_DEACTIVATED, world.alice, reason="Left the force")
        page = world.client_for(world.erin).get(reverse("org:person", args=[world.alice.pk]))
        assert "Deactivated" in page.content.decode()

    @pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
    def test_a_reason_is_required(self, world: World, reason: str) -> None:
        response = world.client_for(world.erin).post(self.url(world.alice), {"reason": reason})
        assert response.status_code == 400
        assert "reason" in dict(response.context["error_form"].errors)
        assert 'href="#id_deactivate_reason"' in response.content.decode()
        world.alice.refresh_from_db()
        assert world.alice.is_active

    def test_admin_cannot_deactivate_themself(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url(world.erin), {"reason": "Bored"})
        assert response.status_code == 400
        assert response.context["error_form"].non_field_errors()
        assert "You cannot deactivate your own account." in response.content.decode()
        world.erin.refresh_from_db()
        assert world.erin.is_active

    def test_get_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).get(self.url(world.alice)).status_code == 405


# ---- My profile ------------------------------------------------------------------------------


class MeTests:
    url = "/org/me/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))

    def test_profile_postings_language_and_tokens(self, world: World) -> None:
        api_token_create(actor=world.alice, name="Mapping tool")
        api_token_create(actor=world.bob, name="Bob's tool")
        response = world.client_for(world.alice).get(self.url)
        assert response.status_code == 200
        assert response.context["nav_key"] == "me"
        body = response.content.decode()
        assert "City Centre" in body and "7001" in body
        assert reverse("org:me_language") in body
        assert "Mapping tool" in body and "Bob&#x27;s tool" not in body

    def test_partner_user_sees_own_profile(self, world: World) -> None:
        body = world.client_for(world.gus).get(self.url).content.decode()
        assert "Cambridge City Council" in body

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).post(self.url).status_code == 405


class LanguageTests:
    url = "/org/me/language/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().post(self.url, {"language": "cy"}))

    def test_change_language_sets_the_profile_and_the_cookie(self, world: World) -> None:
        response = world.client_for(world.alice).post(self.url, {"language": "cy"})
        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
        world.alice.refresh_from_db()
        assert world.alice.preferred_language == "cy"
        assert_audited(EventType.PERSON_UPDATED, world.alice)

    @pytest.mark.parametrize("language", ["fr", "", "c" * 200])
    def test_unknown_language_is_refused(self, world: World, language: str) -> None:
        response = world.client_for(world.alice).post(self.url, {"language": language})
        assert response.status_code == 400
        assert "language" in dict(response.context["error_form"].errors)
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        world.alice.refresh_from_db()
        assert world.alice.preferred_language == "en-gb"
        assert not audit_rows(EventType.PERSON_UPDATED, world.alice)

    def test_get_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).get(self.url).status_code == 405


class ApiTokenPageTests:
    url = "/org/me/tokens/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().post(self.url, {"name": "x"}))
        assert not ApiToken.objects.exists()

    def test_create_shows_the_token_once(self, world: World) -> None:
        client = world.client_for(world.alice)
        response = client.post(self.url, {"name": "Mapping tool", "expires_on": ""})
        assert response.status_code == 200
        token = ApiToken.objects.get(person=world.alice)
        issued = response.context["issued"]
        assert issued.raw.startswith(token.prefix)
        body = response.content.decode()
        assert issued.raw in body and "will not be shown again" in body
        assert "no-store" in response["Cache-Control"]
        assert_audited(EventType.API_TOKEN_CREATED, token)
        assert issued.raw not in client.get("/org/me/").content.decode()

    def test_expiry_is_the_end_of_the_chosen_day(self, world: World) -> None:
        day = today() + dt.timedelta(days=30)
        world.client_for(world.alice).post(self.url, {"name": "Short-lived", "expires_on": day.isoformat()})
        token = ApiToken.objects.get(person=world.alice)
        assert token.expires_at is not None
        from django.utils import timezone

        assert timezone.localtime(token.expires_at).date() == day + dt.timedelta(days=1)

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "n" * 81}, "name"),
            ({"name": "ok", "expires_on": "2001-01-01"}, "expires_on"),
            ({"name": "ok", "expires_on": "soon"}, "expires_on"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_stores_nothing(
        self, world: World, data: dict[str, str], field: str
    ) -> None:
        response = world.client_for(world.alice).post(self.url, data)
        assert response.status_code == 400
        assert field in dict(response.context["error_form"].errors)
        assert f'href="#id_{field}"' in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_get_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).get(self.url).status_code == 405


class ApiTokenRevokeTests:
    def url(self, token: ApiToken) -> str:
        return reverse("org:me_token_revoke", args=[token.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        token = api_token_create(actor=world.alice, name="tool").token
        assert_login_redirect(Client().post(self.url(token)))

    def test_owner_revokes(self, world: World) -> None:
        token = api_token_create(actor=world.alice, name="tool").token
        response = world.client_for(world.alice).post(self.url(token))
        assert response.status_code == 302 and response["Location"] == reverse("org:me")
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert_audited(EventType.API_TOKEN_REVOKED, token)

    @pytest.mark.parametrize("who", ["bob", "erin", "hal"])
    def test_someone_elses_token_is_404(self, world: World, who: str) -> None:
        token = api_token_create(actor=world.alice, name="tool").token
        assert world.client_for(getattr(world, who)).post(self.url(token)).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_get_is_not_allowed(self, world: World) -> None:
        token = api_token_create(actor=world.alice, name="tool").token
        assert world.client_for(world.alice).get(self.url(token)).status_code == 405


# ---- Neighbourhoods --------------------------------------------------------------------------


class NeighbourhoodListTests:
    url = "/org/neighbourhoods/"

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url))

    @pytest.mark.parametrize(
        ("who", "codes"), [("alice", {"CC01"}), ("bob", {"CC01", "CH02"}), ("hal", {"DC01"}), ("gus", set())]
    )
    def test_lists_the_visible_neighbourhoods(self, world: World, who: str, codes: set[str]) -> None:
        response = world.client_for(getattr(world, who)).get(self.url)
        assert response.status_code == 200
        assert {nb.code for nb in response.context["page"].items} == codes

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).post(self.url).status_code == 405


class NeighbourhoodDetailTests:
    def url(self, nb: Neighbourhood) -> str:
        return reverse("org:neighbourhood", args=[nb.pk])

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url(world.a1)))

    @pytest.mark.parametrize(("who", "nb"), [("alice", "a2"), ("hal", "a1"), ("ivy", "a1"), ("gus", "a1")])
    def test_invisible_neighbourhood_is_404(self, world: World, who: str, nb: str) -> None:
        assert world.client_for(getattr(world, who)).get(self.url(getattr(world, nb))).status_code == 404

    def test_map_teams_and_people(self, world: World) -> None:
        response = world.client_for(world.alice).get(self.url(world.a1))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-map data-geojson="boundary-data"' in body
        assert '<script id="boundary-data" type="application/json">' in body
        assert "dist/vendor/leaflet/leaflet.js" in body
        assert "Cambridge South NPT" in body
        assert {p.person.username for p in response.context["members"]} == {"alice", "bob"}
        assert reverse("org:neighbourhood_edit", args=[world.a1.pk]) not in body
        data = response.context["boundaries"]
        assert data["features"][0]["geometry"] == world.a1.boundary

    def test_force_admin_gets_the_edit_button(self, world: World) -> None:
        body = world.client_for(world.erin).get(self.url(world.a1)).content.decode()
        assert reverse("org:neighbourhood_edit", args=[world.a1.pk]) in body

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.alice).post(self.url(world.a1)).status_code == 405


def bow_tie() -> dict[str, Any]:
    ring = [[0.11, 52.20], [0.13, 52.21], [0.13, 52.20], [0.11, 52.21], [0.11, 52.20]]
    return {"type": "Polygon", "coordinates": [ring]}


class NeighbourhoodEditTests:
    def url(self, nb: Neighbourhood) -> str:
        return reverse("org:neighbourhood_edit", args=[nb.pk])

    def data(self, **overrides: Any) -> dict[str, Any]:
        return {
            "name": "City Centre and Market",
            "description": "The historic centre.",
            "population": "12500",
            "boundary": json.dumps(square(52.206, 0.12, 0.012)),
        } | overrides

    def test_anonymous_is_sent_to_login(self, world: World) -> None:
        assert_login_redirect(Client().get(self.url(world.a1)))
        assert_login_redirect(Client().post(self.url(world.a1), self.data()))

    def test_other_forces_admin_gets_404(self, world: World) -> None:
        client = world.client_for(world.ivy)
        assert client.get(self.url(world.a1)).status_code == 404
        assert client.post(self.url(world.a1), self.data()).status_code == 404

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay"])
    def test_read_only_get_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        assert client.get(self.url(world.a1)).status_code == 403
        assert client.post(self.url(world.a1), self.data()).status_code == 403
        world.a1.refresh_from_db()
        assert world.a1.name == "City Centre"

    def test_form_is_filled_in(self, world: World) -> None:
        response = world.client_for(world.erin).get(self.url(world.a1))
        assert response.status_code == 200
        assert json.loads(response.context["form"].initial["boundary"]) == world.a1.boundary

    def test_force_admin_updates(self, world: World) -> None:
        response = world.client_for(world.erin).post(self.url(world.a1), self.data())
        assert response.status_code == 302
        world.a1.refresh_from_db()
        assert world.a1.name == "City Centre and Market"
        assert world.a1.population == 12500
        assert world.a1.max_lat == pytest.approx(52.218)
        row = assert_audited(EventType.NEIGHBOURHOOD_UPDATED, world.a1)
        assert row.before is not None and row.after is not None
        assert row.before["name"] == "City Centre" and row.after["name"] == "City Centre and Market"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"boundary": "{not json"}, "boundary"),
            ({"boundary": ""}, "boundary"),
            ({"boundary": "[" * 100_000}, "boundary"),
            ({"boundary": json.dumps({"type": "Point", "coordinates": [0.12, 52.2]})}, "boundary"),
            ({"boundary": json.dumps({"type": "Polygon", "coordinates": "nonsense"})}, "boundary"),
            ({"boundary": json.dumps(square(48.857, 2.352))}, "boundary"),
            ({"boundary": json.dumps(bow_tie())}, "boundary"),
            ({"name": ""}, "name"),
            ({"name": "n" * 121}, "name"),
            ({"population": "many"}, "population"),
            ({"population": "-1"}, "population"),
            ({"population": "99999999999"}, "population"),
            ({"description": "d" * 2001}, "description"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_changes_nothing(
        self, world: World, overrides: dict[str, Any], field: str
    ) -> None:
        self.original = json.dumps(world.a1.boundary)
        response = world.client_for(world.erin).post(self.url(world.a1), self.data(**overrides))
        assert response.status_code == 400
        assert field in field_errors(response), field_errors(response)
        assert f'href="#id_{field}"' in response.content.decode()
        stored = Neighbourhood.objects.get(pk=world.a1.pk)
        assert stored.name == "City Centre" and stored.boundary == json.loads(self.original)
        assert response.context["breadcrumbs"][-2]["label"] == "City Centre"
        assert not audit_rows(EventType.NEIGHBOURHOOD_UPDATED, world.a1)

    def test_wrong_method(self, world: World) -> None:
        assert world.client_for(world.erin).delete(self.url(world.a1)).status_code == 405


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/org/people/new/", {"username", "display_name", "password"}),
        ("/org/me/tokens/", {"name"}),
        ("/org/me/language/", {"language"}),
    ],
)
def test_an_empty_post_is_an_error_not_a_blank_form(world: World, url: str, fields: set[str]) -> None:
    response = world.client_for(world.erin).post(url, {})
    assert response.status_code == 400
    form = response.context["form"] if "form" in response.context else response.context["error_form"]
    assert fields <= set(form.errors)


def test_empty_posts_to_the_object_forms_are_errors(world: World) -> None:
    client = world.client_for(world.erin)
    response = client.post(reverse("org:posting_create", args=[world.alice.pk]), {})
    assert response.status_code == 400 and {"role", "valid_from"} <= set(response.context["form"].errors)
    response = client.post(reverse("org:neighbourhood_edit", args=[world.a1.pk]), {})
    assert response.status_code == 400 and {"name", "boundary"} <= set(response.context["form"].errors)
