"""The register page, its CSV, the record page and the "record enforcement" chooser: who
reaches them, what they show, what they audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.powers.models import Designation, DesignationPower
from beatbook.powers.reference import REQUIRE_NAME_ADDRESS
from beatbook.powers.testing import designate

from .test_dispersal import authorise, direct
from .test_dispersal import pw as pw  # the fixture


def viewed() -> int:
    return AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED).count()


class TestAccess:
    @pytest.mark.parametrize(
        "url", ["/enforcement/", "/enforcement/export.csv", "/enforcement/new/", "/enforcement/1/"]
    )
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_wrong_methods(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        client = pw.client_for(pw.bob)
        for url in ("/enforcement/", "/enforcement/export.csv", "/enforcement/new/", f"/enforcement/{record.pk}/"):
            assert client.post(url).status_code == 405, url


class TestRegisterPage:
    def test_alices_record_is_shown_to_bob_but_not_to_hal_or_gus(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        for persona in (pw.alice, pw.bob):
            page = pw.client_for(persona).get("/enforcement/")
            assert page.status_code == 200
            assert record.reference in page.content.decode()
        for persona in (pw.hal, pw.gus, pw.charlie):
            page = pw.client_for(persona).get("/enforcement/")
            assert page.status_code == 200
            assert record.reference not in page.content.decode()

    def test_filters_apply(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        client = pw.client_for(pw.bob)
        assert record.reference in client.get("/enforcement/", {"kind": "dispersal"}).content.decode()
        assert record.reference not in client.get("/enforcement/", {"kind": "penalty"}).content.decode()
        assert record.reference not in client.get("/enforcement/", {"neighbourhood": pw.a2.pk}).content.decode()
        # A bad value is ignored, not an error.
        assert record.reference in client.get("/enforcement/", {"date_from": "not-a-date"}).content.decode()

    def test_a_page_is_a_constant_number_of_queries(self, pw: World, django_assert_max_num_queries: Any) -> None:
        authorisation = authorise(pw)
        direct(pw, authorisation)
        client = pw.client_for(pw.bob)
        with django_assert_max_num_queries(17) as one:
            assert client.get("/enforcement/").status_code == 200
        for _n in range(4):
            direct(pw, authorisation)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert client.get("/enforcement/").status_code == 200

    def test_the_export_has_no_subject_data_and_is_audited(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        client = pw.client_for(pw.bob)
        page = client.get("/enforcement/").content.decode()
        assert "leaves out the name, address and date of birth" in page
        response = client.get("/enforcement/export.csv", {"kind": "dispersal"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        assert record.reference in body
        assert "Kyle" not in body and "Mill Road" not in body
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_EXPORTED)
        assert event.after is not None
        assert event.after["rows"] == 1 and event.after["filters"] == {"kind": "dispersal"}

    def test_a_partner_may_not_export(self, pw: World) -> None:
        direct(pw, authorise(pw))
        assert pw.client_for(pw.gus).get("/enforcement/export.csv").status_code == 403
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_EXPORTED).exists()


class TestRecordPage:
    def test_it_shows_the_record_and_its_verdict_and_is_audited(self, pw: World) -> None:
        authorisation = authorise(pw)
        record = direct(pw, authorisation)
        page = pw.client_for(pw.bob).get(f"/enforcement/{record.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert record.reference in body
        assert f"Power held under designation {record.designation.reference} at " in body
        assert "2014 s.35" in body
        assert authorisation.reference in body  # the dispersal partial
        assert "Kyle Smith" in body
        assert viewed() == 1
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_VIEWED)
        assert event.actor == pw.bob and "Kyle" not in str(event.after)
        assert page.context["kind_template"] == "enforcement/kinds/dispersal.html"
        assert page.context["can_change"] is False
        assert page.context["can_process_penalties"] is False

    def test_its_officer_may_change_it_and_a_force_admin_processes_penalties(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        assert pw.client_for(pw.alice).get(f"/enforcement/{record.pk}/").context["can_change"] is True
        assert pw.client_for(pw.erin).get(f"/enforcement/{record.pk}/").context["can_process_penalties"] is True

    def test_outsiders_get_404_and_nothing_is_audited(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        for persona in (pw.hal, pw.gus, pw.charlie):
            assert pw.client_for(persona).get(f"/enforcement/{record.pk}/").status_code == 404
        assert pw.client_for(pw.bob).get("/enforcement/999999/").status_code == 404
        assert viewed() == 0


class TestChooser:
    def test_a_pcso_sees_the_dispersal_button_when_an_authorisation_is_in_force(self, pw: World) -> None:
        authorise(pw)
        page = pw.client_for(pw.alice).get("/enforcement/new/")
        assert page.status_code == 200
        body = page.content.decode()
        assert 'href="/enforcement/dispersal/new/"' in body
        assert "A dispersal authorisation is in force" in body

    def test_without_an_authorisation_there_is_no_dispersal_button(self, pw: World) -> None:
        body = pw.client_for(pw.alice).get("/enforcement/new/").content.decode()
        assert 'href="/enforcement/dispersal/new/"' not in body
        assert "No dispersal authorisation is in force" in body

    def test_a_power_not_designated_is_listed_without_a_link(self, pw: World) -> None:
        authorise(pw)
        DesignationPower.objects.filter(designation__person=pw.alice).delete()
        Designation.objects.filter(person=pw.alice).delete()
        designate(pw.system, pw.alice, [REQUIRE_NAME_ADDRESS])
        page = pw.client_for(pw.alice).get("/enforcement/new/")
        body = page.content.decode()
        assert 'href="/enforcement/dispersal/new/"' not in body
        dispersal = next(i for i in page.context["entries"] if i["entry"].kind == "dispersal")
        assert dispersal["held"] is False and dispersal["url"] is None
        assert "not designated to you" in body

    @pytest.mark.parametrize("persona", ["bob", "fay", "gus"])
    def test_those_who_do_not_enforce_get_403(self, pw: World, persona: str) -> None:
        assert pw.client_for(getattr(pw, persona)).get("/enforcement/new/").status_code == 403
