"""Dispersal pages: the authorisations (list, record, page, end early) and the direction form:
who reaches them, what they store and audit, and what they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import DispersalAuthorisation, DispersalDirection, EnforcementRecord
from beatbook.incidents import services as incident_services
from beatbook.incidents.tests.factories import incident_data

from .test_dispersal import A1_CENTRE, ago, authorise, direct, later
from .test_dispersal import pw as pw  # the fixture

FORMAT = "%Y-%m-%dT%H:%M"


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(FORMAT)


def authorisation_post(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "neighbourhood": world.a1.pk,
        "locality": "Market Square",
        "boundary": "",
        "starts_at": local(ago(hours=1)),
        "ends_at": local(later(hours=20)),
        "authorised_by_name": "Insp. Jane Doe",
        "authorised_by_rank": "inspector",
        "grounds": "Groups causing alarm to shoppers.",
    }
    data.update(overrides)
    return data


def direction_post(authorisation: DispersalAuthorisation, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "authorisation": authorisation.pk,
        "occurred_at": local(ago(minutes=15)),
        "lat": A1_CENTRE[0],
        "lng": A1_CENTRE[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_age": "17",
        "behaviour": "Shouting at shoppers.",
        "exclusion_area": "Market Square and Petty Cury",
        "excluded_until": local(later(hours=12)),
        "in_writing": "on",
        "told_offence": "on",
        "removed_to": "",
        "client_uuid": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestAccess:
    @pytest.mark.parametrize(
        "url",
        [
            "/enforcement/dispersal/authorisations/",
            "/enforcement/dispersal/authorisations/new/",
            "/enforcement/dispersal/authorisations/1/",
            "/enforcement/dispersal/new/",
        ],
    )
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_anonymous_posts_store_nothing(self, pw: World) -> None:
        authorisation = authorise(pw)
        before = AuditEvent.objects.count()
        for url, data in (
            ("/enforcement/dispersal/authorisations/new/", authorisation_post(pw)),
            (f"/enforcement/dispersal/authorisations/{authorisation.pk}/end/", {"reason": "x"}),
            ("/enforcement/dispersal/new/", direction_post(authorisation)),
        ):
            response = Client().post(url, data)
            assert response.status_code == 302
        assert AuditEvent.objects.count() == before
        assert DispersalAuthorisation.objects.count() == 1 and not EnforcementRecord.objects.exists()


class TestAuthorisationPages:
    def test_the_list_shows_in_force_first_in_scope(self, pw: World) -> None:
        over = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=7))
        active = authorise(pw)
        page = pw.client_for(pw.alice).get("/enforcement/dispersal/authorisations/")
        assert page.status_code == 200
        body = page.content.decode()
        assert body.index(active.reference) < body.index(over.reference)
        assert "Record an authorisation" not in body
        assert (
            "Record an authorisation"
            in pw.client_for(pw.bob).get("/enforcement/dispersal/authorisations/").content.decode()
        )
        outsider = pw.client_for(pw.hal).get("/enforcement/dispersal/authorisations/")
        assert outsider.status_code == 200 and active.reference not in outsider.content.decode()

    def test_the_list_is_a_constant_number_of_queries(self, pw: World, django_assert_max_num_queries: Any) -> None:
        authorise(pw)
        client = pw.client_for(pw.bob)
        with django_assert_max_num_queries(14) as one:
            client.get("/enforcement/dispersal/authorisations/")
        for _n in range(3):
            authorise(pw)
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get("/enforcement/dispersal/authorisations/")

    def test_a_supervisor_records_one(self, pw: World) -> None:
        response = pw.client_for(pw.bob).post("/enforcement/dispersal/authorisations/new/", authorisation_post(pw))
        authorisation = DispersalAuthorisation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/enforcement/dispersal/authorisations/{authorisation.pk}/"
        assert AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISED).count() == 1
        page = pw.client_for(pw.bob).get(response["Location"])
        assert page.status_code == 200 and "Insp. Jane Doe" in page.content.decode()

    @pytest.mark.parametrize("persona", ["alice", "fay", "dee", "gus"])
    def test_others_get_403(self, pw: World, persona: str) -> None:
        client = pw.client_for(getattr(pw, persona))
        assert client.get("/enforcement/dispersal/authorisations/new/").status_code == 403
        assert client.post("/enforcement/dispersal/authorisations/new/", authorisation_post(pw)).status_code == 403
        assert not DispersalAuthorisation.objects.exists()

    def test_over_48_hours_is_refused_with_the_field_error(self, pw: World) -> None:
        start = later(hours=1)
        data = authorisation_post(pw, starts_at=local(start), ends_at=local(start + dt.timedelta(hours=49)))
        response = pw.client_for(pw.bob).post("/enforcement/dispersal/authorisations/new/", data)
        assert response.status_code == 400
        assert "48 hours" in response.content.decode()
        assert not DispersalAuthorisation.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISED).exists()

    def test_a_boundary_that_is_not_json_is_refused(self, pw: World) -> None:
        data = authorisation_post(pw, boundary="{not json")
        assert pw.client_for(pw.bob).post("/enforcement/dispersal/authorisations/new/", data).status_code == 400
        assert not DispersalAuthorisation.objects.exists()

    def test_wrong_methods(self, pw: World) -> None:
        authorisation = authorise(pw)
        client = pw.client_for(pw.bob)
        assert client.put("/enforcement/dispersal/authorisations/new/").status_code == 405
        assert client.post(f"/enforcement/dispersal/authorisations/{authorisation.pk}/").status_code == 405
        assert client.get(f"/enforcement/dispersal/authorisations/{authorisation.pk}/end/").status_code == 405

    def test_the_page_shows_the_directions_under_it_and_outsiders_get_404(self, pw: World) -> None:
        authorisation = authorise(pw)
        record = direct(pw, authorisation)
        page = pw.client_for(pw.bob).get(f"/enforcement/dispersal/authorisations/{authorisation.pk}/")
        assert page.status_code == 200
        assert record.reference in page.content.decode()
        assert "End the authorisation now" in page.content.decode()
        assert (
            "End the authorisation now"
            not in pw.client_for(pw.alice)
            .get(f"/enforcement/dispersal/authorisations/{authorisation.pk}/")
            .content.decode()
        )
        for persona in (pw.hal, pw.charlie, pw.gus):
            assert (
                pw.client_for(persona).get(f"/enforcement/dispersal/authorisations/{authorisation.pk}/").status_code
                == 404
            )

    def test_ending_it_early(self, pw: World) -> None:
        authorisation = authorise(pw)
        url = f"/enforcement/dispersal/authorisations/{authorisation.pk}/end/"
        assert pw.client_for(pw.hal).post(url, {"reason": "x"}).status_code == 404
        assert pw.client_for(pw.alice).post(url, {"reason": "x"}).status_code == 403
        assert pw.client_for(pw.bob).post(url, {"reason": ""}).status_code == 400
        authorisation.refresh_from_db()
        assert authorisation.ended_at is None
        response = pw.client_for(pw.bob).post(url, {"reason": "Calm again."})
        assert response.status_code == 302
        assert DispersalAuthorisation.objects.get(pk=authorisation.pk).ended_at is not None
        assert AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISATION_ENDED).count() == 1
        assert pw.client_for(pw.bob).post(url, {"reason": "Again."}).status_code == 400


class TestDirectionForm:
    def test_a_pcso_gives_a_direction(self, pw: World) -> None:
        authorisation = authorise(pw)
        client = pw.client_for(pw.alice)
        form = client.get("/enforcement/dispersal/new/")
        assert form.status_code == 200
        assert authorisation.reference in form.content.decode()
        response = client.post("/enforcement/dispersal/new/", direction_post(authorisation))
        record = EnforcementRecord.objects.get()
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == f"/enforcement/{record.pk}/"
        assert DispersalDirection.objects.get().authorisation == authorisation
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED).count() == 1

    def test_the_same_form_sent_twice_is_stored_once(self, pw: World) -> None:
        authorisation = authorise(pw)
        client = pw.client_for(pw.alice)
        data = direction_post(authorisation, client_uuid="0d6f4b7e-5c1a-4f6e-9a43-3d3b0b6f2a11")
        assert client.post("/enforcement/dispersal/new/", data).status_code == 302
        assert client.post("/enforcement/dispersal/new/", data).status_code == 302
        assert EnforcementRecord.objects.count() == 1

    def test_an_incident_lends_its_point(self, pw: World) -> None:
        authorisation = authorise(pw)
        incident = incident_services.incident_create(actor=pw.alice, data=incident_data(occurred_at=ago(hours=1)))
        client = pw.client_for(pw.alice)
        assert incident.reference in client.get(f"/enforcement/dispersal/new/?incident={incident.pk}").content.decode()
        data = direction_post(authorisation, lat="", lng="", incident=incident.pk)
        assert client.post(f"/enforcement/dispersal/new/?incident={incident.pk}", data).status_code == 302
        assert EnforcementRecord.objects.get().incident == incident

    def test_refusals_show_the_reasons_and_store_nothing(self, pw: World) -> None:
        authorisation = authorise(pw)
        client = pw.client_for(pw.alice)
        response = client.post(
            "/enforcement/dispersal/new/",
            direction_post(authorisation, told_offence=None, excluded_until=local(later(hours=60))),
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "is an offence" in body and "48 hours" in body
        assert not EnforcementRecord.objects.exists()

    def test_without_an_authorisation_in_force_no_direction_can_be_given(self, pw: World) -> None:
        over = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=7))
        client = pw.client_for(pw.alice)
        page = client.get("/enforcement/dispersal/new/")
        assert 'data-testid="no-authorisation"' in page.content.decode()
        assert client.post("/enforcement/dispersal/new/", direction_post(over)).status_code == 400
        assert not EnforcementRecord.objects.exists()

    @pytest.mark.parametrize("persona", ["bob", "dee", "fay", "gus"])
    def test_those_who_do_not_enforce_get_403(self, pw: World, persona: str) -> None:
        authorisation = authorise(pw)
        client = pw.client_for(getattr(pw, persona))
        assert client.get("/enforcement/dispersal/new/").status_code == 403
        assert client.post("/enforcement/dispersal/new/", direction_post(authorisation)).status_code == 403
        assert not EnforcementRecord.objects.exists()

    def test_wrong_method(self, pw: World) -> None:
        assert pw.client_for(pw.alice).delete("/enforcement/dispersal/new/").status_code == 405
