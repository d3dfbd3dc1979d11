"""The catalogue pages: who reaches them, what they show, what they store and refuse, and what
they cost in queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.org import services as org
from beatbook.powers.models import ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from beatbook.powers.reference import DETAIN
from beatbook.powers.services.loader import catalogue_load
from beatbook.powers.testing import powers_world


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def detain(w: World, force: Any = None) -> Power:
    return Power.objects.get(force=force or w.force_a, code=DETAIN)


def stored() -> tuple[int, int, int, int]:
    return (
        Power.objects.count(),
        PenaltyTariff.objects.count(),
        ForceDesignation.objects.count(),
        AuditEvent.objects.count(),
    )


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class TestAccess:
    @pytest.mark.parametrize("url", ["/powers/catalogue/", "/powers/compare/", "/powers/designations/force/"])
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("url", ["/powers/catalogue/", "/powers/compare/", "/powers/designations/force/"])
    def test_a_partner_user_is_refused_the_lists(self, pw: World, url: str) -> None:
        assert pw.client_for(pw.gus).get(url).status_code == 403

    def test_a_partner_user_gets_not_found_for_a_power(self, pw: World) -> None:
        assert pw.client_for(pw.gus).get(f"/powers/catalogue/{detain(pw).pk}/").status_code == 404

    @pytest.mark.parametrize(
        "url",
        ["/powers/catalogue/new/?force=cambridgeshire", "/powers/designations/force/new/?force=cambridgeshire"],
    )
    def test_readers_who_are_not_the_admin_get_403_on_forms(self, pw: World, url: str) -> None:
        assert pw.client_for(pw.alice).get(url).status_code == 403
        assert pw.client_for(pw.ivy).get(url).status_code == 403
        assert pw.client_for(pw.erin).get(url).status_code == 200

    def test_wrong_methods_are_405(self, pw: World) -> None:
        client = pw.client_for(pw.erin)
        assert client.post("/powers/catalogue/").status_code == 405
        assert client.post("/powers/compare/").status_code == 405
        assert client.get("/powers/catalogue/load/").status_code == 405
        assert client.post(f"/powers/catalogue/{detain(pw).pk}/").status_code == 405


class TestCatalogue:
    def test_it_shows_the_users_force_by_kind_with_tags(self, pw: World) -> None:
        page = text(pw.client_for(pw.hal).get("/powers/catalogue/"))
        assert "Derbyshire Constabulary" in page
        assert "Detain pending a constable" in page  # the kind's heading
        row = page[page.index('data-testid="power-detain-pending-constable"') :]
        row = row[: row.index("</tr>")]
        assert "Not verified" in row and "Not designated" in row
        assert "Load the baseline catalogue" not in page

    def test_the_force_chooser_shows_another_force(self, pw: World) -> None:
        page = text(pw.client_for(pw.hal).get("/powers/catalogue/?force=cambridgeshire"))
        row = page[page.index('data-testid="power-detain-pending-constable"') :]
        assert "Designated" in row[: row.index("</tr>")] and "Not designated" not in row[: row.index("</tr>")]
        assert pw.client_for(pw.hal).get("/powers/catalogue/?force=nowhere").status_code == 404

    def test_it_costs_the_same_queries_for_any_force(self, pw: World, django_assert_max_num_queries: Any) -> None:
        client = pw.client_for(pw.alice)
        client.get("/powers/catalogue/")
        with django_assert_max_num_queries(14) as one:
            client.get("/powers/catalogue/?force=cambridgeshire")
        Power.objects.filter(force=pw.force_b, code=DETAIN).update(title="Detain (Derbyshire)")
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert client.get("/powers/catalogue/?force=derbyshire").status_code == 200

    def test_the_admin_loads_the_baseline(self, pw: World) -> None:
        response = pw.client_for(pw.erin).post("/powers/catalogue/load/", {"force": "cambridgeshire"})
        assert response.status_code == 302
        event = AuditEvent.objects.filter(event_type=EventType.POWERS_CATALOGUE_LOADED, actor=pw.erin).get()
        assert after_of(event)["powers_added"] == 0

    def test_a_reader_may_not_load(self, pw: World) -> None:
        before = stored()
        assert pw.client_for(pw.alice).post("/powers/catalogue/load/", {"force": "cambridgeshire"}).status_code == 403
        assert pw.client_for(pw.gus).post("/powers/catalogue/load/", {"force": "cambridgeshire"}).status_code == 404
        assert stored() == before


class TestPowerPage:
    def test_it_shows_everything_about_a_power(self, pw: World) -> None:
        page = text(pw.client_for(pw.hal).get(f"/powers/catalogue/{detain(pw).pk}/"))
        assert "Limit: 30 minutes" in page
        assert "Officer safety training" in page
        assert "Test designation" in page  # the designation history

    def test_a_penalty_power_shows_offences_ranges_and_tariffs(self, pw: World) -> None:
        litter = Power.objects.get(force=pw.force_a, code="fpn-litter")
        page = text(pw.client_for(pw.alice).get(f"/powers/catalogue/{litter.pk}/"))
        assert "Environmental Protection Act 1990" in page
        assert "£500.00" in page and "£65.00" in page  # ranges
        assert "Cambridge City Council" in page and "£60.00 within 14 days" in page
        pnd = Power.objects.get(force=pw.force_a, code="pnd-disorder")
        page = text(pw.client_for(pw.alice).get(f"/powers/catalogue/{pnd.pk}/"))
        assert "18 years" in page and "not checked against the law" in page

    def test_it_costs_a_fixed_number_of_queries(self, pw: World, django_assert_max_num_queries: Any) -> None:
        client = pw.client_for(pw.alice)
        litter = Power.objects.get(force=pw.force_a, code="fpn-litter")
        pnd = Power.objects.get(force=pw.force_a, code="pnd-disorder")
        client.get(f"/powers/catalogue/{litter.pk}/")
        with django_assert_max_num_queries(14) as one:
            client.get(f"/powers/catalogue/{litter.pk}/")
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get(f"/powers/catalogue/{pnd.pk}/")  # seven offences, each with a tariff

    def test_the_admin_changes_the_limit(self, pw: World) -> None:
        power = detain(pw)
        form = {
            "title": power.title,
            "summary": power.summary,
            "legal_basis": power.legal_basis,
            "verification": "secondary",
            "source": power.source,
            "training_course": power.training_course_id,
            "limit_minutes": 20,
            "version": 1,
        }
        response = pw.client_for(pw.erin).post(f"/powers/catalogue/{power.pk}/edit/", form)
        assert response.status_code == 302
        power.refresh_from_db()
        assert (power.parameters, power.verification, power.version) == ({"limit_minutes": 20}, "secondary", 2)
        assert AuditEvent.objects.filter(event_type=EventType.POWER_UPDATED, object_id=str(power.pk)).exists()
        before = stored()
        response = pw.client_for(pw.erin).post(f"/powers/catalogue/{power.pk}/edit/", form | {"limit_minutes": 20})
        assert response.status_code == 400  # version 1 is stale now
        response = pw.client_for(pw.erin).post(
            f"/powers/catalogue/{power.pk}/edit/", form | {"limit_minutes": 40, "version": 2}
        )
        assert response.status_code == 400
        assert "1 to 30" in text(response)
        assert stored() == before
        assert pw.client_for(pw.alice).post(f"/powers/catalogue/{power.pk}/edit/", form).status_code == 403

    def test_the_admin_adds_a_power(self, pw: World) -> None:
        form = {
            "code": "direct-traffic",
            "kind": "direct",
            "title": "Direct traffic",
            "summary": "Direct traffic.",
            "legal_basis": "Police Reform Act 2002",
            "verification": "not_verified",
        }
        response = pw.client_for(pw.erin).post("/powers/catalogue/new/?force=cambridgeshire", form)
        assert response.status_code == 302
        assert AuditEvent.objects.filter(event_type=EventType.POWER_CREATED).count() == 1
        before = stored()
        assert pw.client_for(pw.erin).post("/powers/catalogue/new/?force=cambridgeshire", form).status_code == 400
        assert stored() == before


class TestTariffPages:
    def test_the_admin_sets_and_ends_a_tariff(self, pw: World) -> None:
        litter = PenaltyOffence.objects.get(force=pw.force_a, code="litter")
        client = pw.client_for(pw.erin)
        form = {
            "issuing_authority": pw.council.pk,
            "amount": "150.00",
            "discounted_amount": "",
            "discount_days": "",
            "payment_days": 28,
            "valid_from": day(3),
        }
        assert client.post(f"/powers/catalogue/offences/{litter.pk}/tariffs/new/", form).status_code == 302
        new = PenaltyTariff.objects.get(offence=litter, valid_from=day(3))
        assert AuditEvent.objects.filter(event_type=EventType.PENALTY_TARIFF_SET, object_id=str(new.pk)).exists()
        before = stored()
        response = client.post(f"/powers/catalogue/offences/{litter.pk}/tariffs/new/", form | {"amount": "900"})
        assert response.status_code == 400 and stored() == before
        assert client.post(f"/powers/catalogue/tariffs/{new.pk}/end/", {"valid_to": day(-1)}).status_code == 400
        assert client.post(f"/powers/catalogue/tariffs/{new.pk}/end/", {"valid_to": day(40)}).status_code == 302
        assert PenaltyTariff.objects.get(pk=new.pk).valid_to.isoformat() == day(40)  # type: ignore[union-attr]
        assert pw.client_for(pw.alice).get(f"/powers/catalogue/tariffs/{new.pk}/end/").status_code == 403
        assert pw.client_for(pw.gus).get(f"/powers/catalogue/tariffs/{new.pk}/end/").status_code == 404


class TestForceDesignationPages:
    def test_the_list_shows_a_forces_designations(self, pw: World, django_assert_max_num_queries: Any) -> None:
        client = pw.client_for(pw.alice)
        client.get("/powers/designations/force/?force=derbyshire")
        with django_assert_max_num_queries(14):
            page = text(client.get("/powers/designations/force/?force=derbyshire"))
        assert "Derbyshire Constabulary" in page and "Detain pending the arrival" not in page

    def test_ivy_designates_detention_then_ends_it(self, pw: World) -> None:
        client = pw.client_for(pw.ivy)
        power = detain(pw, pw.force_b)
        form = {"power": power.pk, "valid_from": day(1), "extent": "limited", "conditions": "", "limit_minutes": 15}
        before = stored()
        response = client.post("/powers/designations/force/new/?force=derbyshire", form)
        assert response.status_code == 400 and stored() == before
        response = client.post(
            "/powers/designations/force/new/?force=derbyshire", form | {"conditions": "Only in the city centre."}
        )
        assert response.status_code == 302
        made = ForceDesignation.objects.get(power=power)
        assert made.parameters == {"limit_minutes": 15}
        assert AuditEvent.objects.filter(
            event_type=EventType.FORCE_DESIGNATION_CREATED, object_id=str(made.pk)
        ).exists()
        assert client.post(f"/powers/designations/force/{made.pk}/end/", {"valid_to": day(2)}).status_code == 302
        assert AuditEvent.objects.filter(event_type=EventType.FORCE_DESIGNATION_ENDED, object_id=str(made.pk)).exists()
        assert pw.client_for(pw.erin).get(f"/powers/designations/force/{made.pk}/end/").status_code == 403
        assert pw.client_for(pw.gus).get(f"/powers/designations/force/{made.pk}/end/").status_code == 404

    def test_a_power_of_another_force_is_not_a_choice(self, pw: World) -> None:
        before = stored()
        form = {"power": detain(pw).pk, "valid_from": day(1), "extent": "full"}
        response = pw.client_for(pw.ivy).post("/powers/designations/force/new/?force=derbyshire", form)
        assert response.status_code == 400 and stored() == before


class TestCompare:
    def test_it_shows_who_designates_detention(self, pw: World) -> None:
        page = text(pw.client_for(pw.hal).get("/powers/compare/"))
        cambs = page[page.index('data-testid="cell-detain-pending-constable-cambridgeshire"') :]
        cambs = cambs[: cambs.index("</td>")]
        derbys = page[page.index('data-testid="cell-detain-pending-constable-derbyshire"') :]
        derbys = derbys[: derbys.index("</td>")]
        assert "Designated" in cambs and "30 min limit" in cambs and "Not designated" not in cambs
        assert "Not designated" in derbys
        assert 'class="bb-table-wrap"' in page  # scrolls sideways on a small screen

    def test_on_a_date_before_any_designation(self, pw: World) -> None:
        page = text(pw.client_for(pw.hal).get("/powers/compare/?on=2019-06-01"))
        assert ">Designated<" not in page
        assert pw.client_for(pw.hal).get("/powers/compare/?on=rubbish").status_code == 200

    def test_it_costs_the_same_queries_for_more_forces(self, pw: World, django_assert_max_num_queries: Any) -> None:
        client = pw.client_for(pw.alice)
        client.get("/powers/compare/")
        with django_assert_max_num_queries(12) as one:
            client.get("/powers/compare/")
        third = org.force_create(
            actor=pw.system, slug="essex", name="Essex Police", country="england", short_code="ESX"
        )
        catalogue_load(actor=pw.system, force=third)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert "Essex Police" in client.get("/powers/compare/").content.decode()
