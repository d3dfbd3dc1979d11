"""Detention pages: start one after a requirement ("Start detention now"), end one, and the
record page's part (`kinds/detention.html`: the live timer and the end form). Each page: the
anonymous user, the outsider (404), the read-only role (403), success with its audit row, bad
input (400, nothing stored) and the wrong method (405)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import Detention, EnforcementRecord
from beatbook.enforcement.reference import DetentionOutcome
from beatbook.incidents.tests.factories import B1_CENTRE, ago
from beatbook.powers.testing import powers_world

from .test_detention_services import refused, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def _new(pk: int) -> str:
    return reverse("enforcement:detention_new", args=[pk])


def _end(pk: int) -> str:
    return reverse("enforcement:detention_end", args=[pk])


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class DetentionNewPageTests:
    def test_anonymous_is_sent_to_log_in(self, pw: World, client: Any) -> None:
        response = client.get(_new(refused(pw.alice).pk))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_an_outsider_gets_404(self, pw: World) -> None:
        requirement = refused(pw.alice)
        assert pw.client_for(pw.hal).get(_new(requirement.pk)).status_code == 404
        assert pw.client_for(pw.hal).post(_new(requirement.pk), {"start_now": "1"}).status_code == 404
        assert not Detention.objects.exists()

    def test_read_only_roles_get_403(self, pw: World) -> None:
        requirement = refused(pw.alice)
        for person in (pw.dee, pw.bob):
            assert pw.client_for(person).get(_new(requirement.pk)).status_code == 403
            assert pw.client_for(person).post(_new(requirement.pk), {"start_now": "1"}).status_code == 403
        assert not Detention.objects.exists()

    def test_a_record_of_another_kind_is_404(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        assert pw.client_for(pw.alice).get(_new(detention.pk)).status_code == 404

    def test_it_offers_the_big_start_button(self, pw: World) -> None:
        requirement = refused(pw.alice)
        response = pw.client_for(pw.alice).get(_new(requirement.pk))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="start_now"' in body
        assert "Start detention now" in body
        assert requirement.reference in body

    def test_start_now_starts_it_and_sends_the_officer_to_the_record(self, pw: World) -> None:
        requirement = refused(pw.alice)
        before = timezone.now()
        response = pw.client_for(pw.alice).post(
            _new(requirement.pk), {"start_now": "1", "constable_requested_now": "on", "client_uuid": ""}
        )
        detention = Detention.objects.select_related("record").get()
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[detention.record_id])
        assert detention.record.occurred_at >= before - dt.timedelta(seconds=1)
        assert detention.constable_requested_at == detention.record.occurred_at
        assert AuditEvent.objects.filter(
            event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(detention.record_id)
        ).exists()

    def test_a_second_visit_goes_to_the_detention_already_started(self, pw: World) -> None:
        requirement = refused(pw.alice)
        detention = start(pw.alice, requirement)
        response = pw.client_for(pw.alice).get(_new(requirement.pk))
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[detention.pk])

    def test_a_derbyshire_pcso_is_refused_with_the_reason_and_nothing_is_stored(self, pw: World) -> None:
        requirement = refused(pw.hal, B1_CENTRE)
        response = pw.client_for(pw.hal).post(_new(requirement.pk), {"start_now": "1"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "You did not hold this power" in body
        assert "Derbyshire Constabulary did not designate" in body
        assert not Detention.objects.exists()
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED, force=pw.force_b).count() == 1

    def test_without_start_now_the_start_time_is_required(self, pw: World) -> None:
        response = pw.client_for(pw.alice).post(_new(refused(pw.alice).pk), {"occurred_at": ""})
        assert response.status_code == 400
        assert "Enter when the detention started" in response.content.decode()
        assert not Detention.objects.exists()

    def test_a_service_refusal_shows_on_the_form(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=15)
        response = pw.client_for(pw.alice).post(_new(requirement.pk), {"occurred_at": _local(ago(minutes=30))})
        assert response.status_code == 400
        assert "before the requirement" in response.content.decode()
        assert not Detention.objects.exists()

    def test_wrong_method_is_405(self, pw: World) -> None:
        assert pw.client_for(pw.alice).delete(_new(refused(pw.alice).pk)).status_code == 405


class DetentionEndPageTests:
    def test_anonymous_is_sent_to_log_in(self, pw: World, client: Any) -> None:
        response = client.get(_end(start(pw.alice, refused(pw.alice)).pk))
        assert response.status_code == 302

    def test_an_outsider_gets_404_and_a_read_only_role_403(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        assert pw.client_for(pw.hal).get(_end(detention.pk)).status_code == 404
        assert pw.client_for(pw.dee).get(_end(detention.pk)).status_code == 403
        assert pw.client_for(pw.dee).post(_end(detention.pk), {"end_now": "1"}).status_code == 403
        assert Detention.objects.get().is_open

    def test_a_requirement_is_not_a_detention(self, pw: World) -> None:
        assert pw.client_for(pw.alice).get(_end(refused(pw.alice).pk)).status_code == 404

    def test_it_shows_the_timer_with_the_deadline(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice), minutes=3)
        response = pw.client_for(pw.alice).get(_end(detention.pk))
        assert response.status_code == 200
        body = response.content.decode()
        deadline = timezone.localtime(detention.occurred_at + dt.timedelta(minutes=30)).strftime("%H:%M")
        assert f'data-testid="timer-deadline">{deadline}<' in body
        assert 'data-limit-minutes="30"' in body
        assert 'data-warn-minutes="20" data-urgent-minutes="25"' in body
        assert "js/detention-timer.js" in body

    def test_end_now_ends_it(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice), minutes=3)
        response = pw.client_for(pw.alice).post(
            _end(detention.pk), {"end_now": "1", "outcome": "released", "version": "1"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("enforcement:detail", args=[detention.pk])
        ended = Detention.objects.get()
        assert ended.outcome == DetentionOutcome.RELEASED
        assert AuditEvent.objects.filter(event_type=EventType.DETENTION_ENDED, object_id=str(detention.pk)).exists()

    def test_over_the_limit_is_refused_with_the_release_time(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice, minutes=35), minutes=31)
        response = pw.client_for(pw.alice).post(
            _end(detention.pk), {"end_now": "1", "outcome": "released", "version": "1"}
        )
        assert response.status_code == 400
        assert "Over the limit of 30 minutes" in response.content.decode()
        assert Detention.objects.get().is_open

    def test_bad_input_is_400(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        response = pw.client_for(pw.alice).post(_end(detention.pk), {"end_now": "1", "outcome": ""})
        assert response.status_code == 400
        assert "Choose how the detention ended" in response.content.decode()
        assert Detention.objects.get().is_open

    def test_a_stale_version_is_refused(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        response = pw.client_for(pw.alice).post(
            _end(detention.pk), {"end_now": "1", "outcome": "released", "version": "9"}
        )
        assert response.status_code == 400
        assert "changed after you opened it" in response.content.decode()

    def test_an_ended_detention_sends_the_officer_to_the_record(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice), minutes=4)
        pw.client_for(pw.alice).post(_end(detention.pk), {"end_now": "1", "outcome": "made_off"})
        response = pw.client_for(pw.alice).get(_end(detention.pk))
        assert response.status_code == 302

    def test_wrong_method_is_405(self, pw: World) -> None:
        assert pw.client_for(pw.alice).put(_end(start(pw.alice, refused(pw.alice)).pk)).status_code == 405


class DetentionPartialTests:
    def _render(self, pk: int, *, can_change: bool) -> str:
        record = EnforcementRecord.objects.select_related("detention__requirement__record").get(pk=pk)
        return render_to_string(
            "enforcement/kinds/detention.html",
            {"record": record, "can_change": can_change, "request": RequestFactory().get("/")},
        )

    def test_an_open_detention_has_the_timer_and_the_end_form(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice), minutes=3)
        html = self._render(detention.pk, can_change=True)
        utc = detention.occurred_at.astimezone(dt.UTC).isoformat()
        assert f'data-start="{utc}"' in html
        assert 'data-limit-minutes="30"' in html
        assert 'aria-live="assertive"' in html
        assert "Limit reached: release the person now" in html
        assert timezone.localtime(detention.occurred_at).strftime("%H:%M") in html
        assert f'action="{_end(detention.pk)}"' in html
        for outcome in DetentionOutcome.values:  # the form's radios are written out: they must match
            assert f'value="{outcome}"' in html
        assert "js/detention-timer.js" in html

    def test_no_end_form_for_someone_who_may_not_change_it(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice))
        html = self._render(detention.pk, can_change=False)
        assert "data-detention-timer" in html
        assert _end(detention.pk) not in html

    def test_an_ended_detention_shows_how_it_ended_and_no_timer(self, pw: World) -> None:
        detention = start(pw.alice, refused(pw.alice), minutes=4)
        pw.client_for(pw.alice).post(_end(detention.pk), {"end_now": "1", "outcome": "elected_station"})
        html = self._render(detention.pk, can_change=True)
        assert "data-detention-timer" not in html
        assert "Went with the officer to a police station" in html
