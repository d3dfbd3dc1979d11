"""The designation pages and "my powers": who reaches them, what they show, what they store, and
what they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.powers.models import Designation, Power
from beatbook.powers.reference import DETAIN, REQUIRE_NAME_ADDRESS
from beatbook.powers.selectors.designations import designations_visible_to
from beatbook.powers.testing import powers_world


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def of(world: World, person: Any) -> Designation:
    return designations_visible_to(world.system).get(person=person)


def new_form(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "person": world.charlie.pk,
        "powers": [Power.objects.get(force=world.force_a, code=REQUIRE_NAME_ADDRESS).pk],
        "valid_from": today().isoformat(),
        "signed_by_name": "Chief Constable Nick Dean",
        "signed_on": today().isoformat(),
    }
    data.update(overrides)
    return data


class MyPowersTests:
    def test_a_pcso_sees_what_each_power_allows_and_its_limits(self, pw: World) -> None:
        response = pw.client_for(pw.alice).get("/powers/")
        assert response.status_code == 200
        page = response.content.decode()
        assert f'data-code="{DETAIN}"' in page and "You may detain for up to 30 minutes." in page
        assert "Police Reform Act 2002" in page and of(pw, pw.alice).reference in page
        assert 'data-testid="my-training"' in page and "Officer safety training" in page

    def test_a_derbyshire_pcso_holds_no_detention(self, pw: World) -> None:
        page = pw.client_for(pw.hal).get("/powers/").content.decode()
        assert f'data-code="{REQUIRE_NAME_ADDRESS}"' in page and f'data-code="{DETAIN}"' not in page

    def test_someone_with_no_powers_is_told_so(self, pw: World) -> None:
        page = pw.client_for(pw.dee).get("/powers/").content.decode()
        assert 'data-testid="no-powers"' in page and "data-code=" not in page

    def test_a_past_moment_shows_what_was_held_then(self, pw: World) -> None:
        client = pw.client_for(pw.alice)
        page = client.get("/powers/", {"at": "2019-06-01T12:00"}).content.decode()
        assert 'data-testid="no-powers"' in page
        page = client.get("/powers/", {"at": "2021-06-01T12:00"}).content.decode()
        assert f'data-code="{DETAIN}"' in page
        assert client.get("/powers/", {"at": "not a time"}).status_code == 400

    def test_it_needs_a_login_and_only_reads(self, pw: World) -> None:
        response = Client().get("/powers/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert pw.client_for(pw.alice).post("/powers/").status_code == 405


class DesignationListTests:
    def test_it_lists_the_designations_in_scope_with_status(self, pw: World) -> None:
        page = pw.client_for(pw.erin).get("/powers/designations/").content.decode()
        assert of(pw, pw.charlie).reference in page and of(pw, pw.hal).reference not in page
        assert "In force" in page and "Designate a PCSO" in page
        alice_page = pw.client_for(pw.alice).get("/powers/designations/").content.decode()
        assert of(pw, pw.alice).reference in alice_page and of(pw, pw.charlie).reference not in alice_page
        assert "Designate a PCSO" not in alice_page

    def test_it_filters_by_status_and_person(self, pw: World) -> None:
        client = pw.client_for(pw.erin)
        page = client.get("/powers/designations/", {"person": pw.alice.pk}).content.decode()
        assert of(pw, pw.alice).reference in page and of(pw, pw.charlie).reference not in page
        page = client.get("/powers/designations/", {"status": "withdrawn"}).content.decode()
        assert of(pw, pw.alice).reference not in page
        assert client.get("/powers/designations/", {"status": "nonsense"}).status_code == 200

    def test_the_list_costs_the_same_queries_for_one_or_many(
        self, pw: World, django_assert_max_num_queries: Any
    ) -> None:
        client = pw.client_for(pw.erin)
        client.get("/powers/designations/")
        with django_assert_max_num_queries(12) as one:
            client.get("/powers/designations/")
        first = len(one.captured_queries)  # read now: the next requests reset the query log
        assert first
        for n in range(4):
            client.post(
                "/powers/designations/new/", new_form(pw, valid_from=(today() + dt.timedelta(days=n + 1)).isoformat())
            )
        with django_assert_max_num_queries(first):
            response = client.get("/powers/designations/")
        assert response.content.decode().count('href="/powers/designations/') >= 6

    def test_it_only_reads(self, pw: World) -> None:
        assert pw.client_for(pw.erin).post("/powers/designations/").status_code == 405


class DesignationDetailTests:
    def test_the_card_shows_person_powers_and_dates(self, pw: World) -> None:
        designation = of(pw, pw.alice)
        response = pw.client_for(pw.alice).get(f"/powers/designations/{designation.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "7001" in page and designation.reference in page and f'data-code="{DETAIN}"' in page
        assert "Chief Constable (test)" in page and "Withdraw" not in page  # alice may not withdraw

    def test_outsiders_get_not_found(self, pw: World) -> None:
        designation = of(pw, pw.alice)
        assert pw.client_for(pw.hal).get(f"/powers/designations/{designation.pk}/").status_code == 404
        assert pw.client_for(pw.charlie).get(f"/powers/designations/{designation.pk}/").status_code == 404
        assert pw.client_for(pw.erin).get("/powers/designations/999999/").status_code == 404


class DesignationNewTests:
    def test_the_force_administrator_designates(self, pw: World) -> None:
        client = pw.client_for(pw.erin)
        form = client.get("/powers/designations/new/")
        assert form.status_code == 200 and "Charlie" in form.content.decode() and "Dee" not in form.content.decode()
        response = client.post("/powers/designations/new/", new_form(pw))
        assert response.status_code == 302
        new = Designation.objects.exclude(reference__startswith="TEST").get()
        assert response["Location"] == f"/powers/designations/{new.pk}/"
        assert AuditEvent.objects.filter(event_type=EventType.DESIGNATION_CREATED, object_id=str(new.pk)).exists()

    def test_a_limited_power_is_stored_with_its_circumstances(self, pw: World) -> None:
        power = Power.objects.get(force=pw.force_a, code=REQUIRE_NAME_ADDRESS)
        response = pw.client_for(pw.erin).post(
            "/powers/designations/new/", new_form(pw, **{f"conditions_{power.pk}": "Only in the city centre."})
        )
        assert response.status_code == 302
        dp = Designation.objects.exclude(reference__startswith="TEST").get().designation_powers.get()
        assert (dp.extent, dp.conditions) == ("limited", "Only in the city centre.")

    def test_bad_input_is_refused_and_nothing_stored(self, pw: World) -> None:
        client = pw.client_for(pw.erin)
        count = Designation.objects.count()
        for bad in (
            new_form(pw, powers=[]),
            new_form(pw, person=""),
            new_form(pw, person=pw.hal.pk),
            new_form(pw, signed_on="2099-01-01"),
            new_form(pw, valid_from="not a date"),
        ):
            response = client.post("/powers/designations/new/", bad)
            assert response.status_code == 400, bad
            assert 'data-testid="error-summary"' in response.content.decode()
        assert Designation.objects.count() == count

    def test_only_force_administrators_may_designate(self, pw: World) -> None:
        for who in (pw.alice, pw.bob, pw.fay):
            client = pw.client_for(who)
            assert client.get("/powers/designations/new/").status_code == 403
            assert client.post("/powers/designations/new/", new_form(pw)).status_code == 403
        assert Client().get("/powers/designations/new/").status_code == 302
        assert pw.client_for(pw.erin).put("/powers/designations/new/").status_code == 405


class DesignationWithdrawAndChangeTests:
    def test_withdraw(self, pw: World) -> None:
        designation = of(pw, pw.alice)
        url = f"/powers/designations/{designation.pk}/withdraw/"
        assert pw.client_for(pw.hal).post(url, {"reason": "x"}).status_code == 404
        assert pw.client_for(pw.alice).post(url, {"reason": "x"}).status_code == 403
        assert pw.client_for(pw.bob).get(url).status_code == 403
        client = pw.client_for(pw.erin)
        assert client.get(url).status_code == 200
        assert client.post(url, {"reason": ""}).status_code == 400
        designation.refresh_from_db()
        assert designation.withdrawn_at is None
        response = client.post(url, {"reason": "Left the force."})
        assert response.status_code == 302
        assert Designation.objects.get(pk=designation.pk).withdrawn_at is not None
        assert AuditEvent.objects.filter(event_type=EventType.DESIGNATION_WITHDRAWN).count() == 1
        assert client.post(url, {"reason": "Again."}).status_code == 400
        page = client.get(f"/powers/designations/{designation.pk}/").content.decode()
        assert 'data-testid="withdrawal"' in page and "Left the force." in page
        assert client.delete(url).status_code == 405

    def test_change(self, pw: World) -> None:
        old = of(pw, pw.alice)
        url = f"/powers/designations/{old.pk}/change/"
        assert pw.client_for(pw.hal).get(url).status_code == 404
        assert pw.client_for(pw.alice).get(url).status_code == 403
        client = pw.client_for(pw.erin)
        assert client.get(url).status_code == 200
        name_address = Power.objects.get(force=pw.force_a, code=REQUIRE_NAME_ADDRESS).pk
        data = {
            "powers": [name_address],
            "signed_by_name": "Chief Constable",
            "signed_on": today().isoformat(),
            "reason": "",
        }
        assert client.post(url, data).status_code == 400
        data["reason"] = "Reviewed."
        response = client.post(url, data)
        assert response.status_code == 302
        new = Designation.objects.get(supersedes=old)
        assert response["Location"] == f"/powers/designations/{new.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="designation-chain"' in page and old.reference in page
