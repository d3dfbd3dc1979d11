"""Logging in and out: sessions, lockout after repeated failures, and their audit events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def events(kind: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("id"))


class LoginTests:
    def test_it_logs_in_and_records_the_event(self, world: World) -> None:
        client = Client()
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.get("/").status_code == 200
        [event] = events(EventType.LOGIN_SUCCEEDED)
        assert event.actor == world.alice
        assert event.force_id == world.force_a.pk
        assert event.request_id  # the request id is carried into the audit row

    def test_it_sets_the_persons_language(self, world: World) -> None:
        world.alice.preferred_language = "cy"
        world.alice.save()
        response = Client().post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"

    def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(self, world: World) -> None:
        response = Client().post(LOGIN, {"username": "alice", "password": "nope-nope-nope"})
        assert response.status_code == 400
        assert "The username or password is not right." in response.content.decode()
        unknown = Client().post(LOGIN, {"username": "nobody", "password": "nope-nope-nope"})
        assert unknown.status_code == 400
        assert "The username or password is not right." in unknown.content.decode()
        assert len(events(EventType.LOGIN_FAILED)) == 2

    def test_missing_fields_are_field_errors(self, world: World) -> None:
        response = Client().post(LOGIN, {"username": ""})
        assert response.status_code == 400
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert not events(EventType.LOGIN_FAILED)

    def test_the_system_account_cannot_log_in(self, world: World) -> None:
        world.system.set_password(PASSWORD)
        world.system.save()
        response = Client().post(LOGIN, {"username": "system", "password": PASSWORD})
        assert response.status_code == 400

    def test_an_inactive_account_cannot_log_in(self, world: World) -> None:
        world.alice.is_active = False
        world.alice.save()
        assert Client().post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 400

    def test_next_is_followed_only_within_beatbook(self, world: World) -> None:
        ok = Client().post(f"{LOGIN}?next=/org/me/", {"username": "alice", "password": PASSWORD, "next": "/org/me/"})
        assert ok["Location"] == "/org/me/"
        evil = Client().post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
        assert evil["Location"] == "/"

    def test_login_page_is_public_and_other_pages_are_not(self, world: World) -> None:
        assert Client().get(LOGIN).status_code == 200
        response = Client().get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_get_only_and_post_only(self, world: World) -> None:
        assert Client().put(LOGIN).status_code == 405
        client = world.client_for(world.alice)
        assert client.get("/accounts/logout/").status_code == 405


class LockoutTests:
    def test_repeated_failures_lock_the_account(self, world: World) -> None:
        client = Client()
        for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
            client.post(LOGIN, {"username": "alice", "password": "wrong-password-x"})
        [locked] = events(EventType.ACCOUNT_LOCKED)
        assert locked.object_id == str(world.alice.pk)
        # Even the right password is refused while locked, and the page says why.
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 400
        assert "locked" in response.content.decode()
        world.alice.refresh_from_db()
        assert world.alice.locked_until is not None

    def test_the_lock_expires(self, world: World) -> None:
        world.alice.locked_until = timezone.now() - dt.timedelta(seconds=1)
        world.alice.save()
        assert Client().post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302

    def test_a_success_resets_the_count(self, world: World) -> None:
        client = Client()
        for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD - 1):
            client.post(LOGIN, {"username": "alice", "password": "wrong-password-x"})
        assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302
        world.alice.refresh_from_db()
        assert world.alice.failed_login_count == 0


class LogoutAndSessionTests:
    def test_logout_ends_the_session_and_is_audited(self, world: World) -> None:
        client = Client()
        client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert client.get("/").status_code == 302
        [event] = events(EventType.LOGGED_OUT)
        assert event.actor == world.alice

    def test_each_request_pushes_the_expiry_forward(self, world: World) -> None:
        client = Client()
        client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
        assert client.get("/").status_code == 200
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry > timezone.now() + dt.timedelta(minutes=settings.SESSION_COOKIE_AGE // 60 - 1)

    def test_an_idle_session_has_expired(self, world: World) -> None:
        client = Client()
        client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        # As if the idle period had passed since the last request.
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
