"""The web shell: security headers, request ids, error pages, the deploy check, the home page."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from beatbook.core.testing import World
from config import urls as project_urls

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("kaboom")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


class HeadersTests:
    def test_security_headers_and_csp_are_sent(self, world: World) -> None:
        response = world.client_for(world.alice).get("/")
        csp = response["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"

    def test_every_response_carries_a_request_id(self, world: World) -> None:
        response = Client().get("/accounts/login/")
        assert len(response["X-Request-ID"]) == 32
        echoed = Client().get("/accounts/login/", headers={"X-Request-ID": "proxy-id-12345"})
        assert echoed["X-Request-ID"] == "proxy-id-12345"
        junk = Client().get("/accounts/login/", headers={"X-Request-ID": "<script>"})
        assert junk["X-Request-ID"] != "<script>"


@pytest.mark.urls(__name__)
class ErrorPageTests:
    def test_404_page(self, world: World) -> None:
        response = world.client_for(world.alice).get("/nowhere/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_403_page(self, world: World) -> None:
        response = world.client_for(world.alice).get("/forbidden/")
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()

    def test_500_page_quotes_the_request_id(self, world: World) -> None:
        client = world.client_for(world.alice)
        client.raise_request_exception = False
        response = client.get("/boom/", headers={"X-Request-ID": "trace-me-123456"})
        assert response.status_code == 500
        body = response.content.decode()
        assert "Sorry, something went wrong" in body
        assert "trace-me-123456" in body
        assert "kaboom" not in body


class HomeTests:
    def test_home_shows_my_neighbourhoods_and_team(self, world: World) -> None:
        body = world.client_for(world.alice).get("/").content.decode()
        assert "City Centre" in body
        assert "Cherry Hinton" not in body  # not Alice's
        assert "Bob" in body  # her supervisor, posted to the team
        assert 'data-map data-geojson="boundaries-data"' in body

    def test_partner_user_sees_no_neighbourhood(self, world: World) -> None:
        body = world.client_for(world.gus).get("/").content.decode()
        assert "You have no active posting to a neighbourhood" in body

    def test_home_query_count_does_not_grow_with_the_team(
        self, world: World, django_assert_max_num_queries: object
    ) -> None:
        from beatbook.core.testing import make_person
        from beatbook.org.models import Role

        client = world.client_for(world.bob)
        client.get("/")
        for i in range(10):
            make_person(world.system, world.force_a, f"extra{i}", Role.PCSO, neighbourhood=world.a2)
        # 17: the ASB cases whose risk review is due, the neighbourhood priorities due for
        # review, then the person's expiring and expired training (one query each, however many).
        with django_assert_max_num_queries(17):  # type: ignore[operator]
            client.get("/")

    def test_language_switch_is_available_to_everyone(self, world: World) -> None:
        response = Client().post("/i18n/setlang/", {"language": "cy", "next": "/accounts/login/"})
        assert response.status_code == 302
        assert response.cookies["django_language"].value == "cy"


def test_deploy_check_is_clean_with_production_settings() -> None:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would itself be a deploy warning: not ours.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BEATBOOK_SECRET_KEY": secrets.token_urlsafe(50),
        "BEATBOOK_HTTPS": "1",
        "BEATBOOK_DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_SECRET_KEY")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "BEATBOOK_DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "BEATBOOK_SECRET_KEY" in result.stderr


def test_static_files_collect_with_the_production_storage(tmp_path: Path) -> None:
    """collectstatic with hashed, compressed names fails on any CSS url() that points nowhere
    (it did once: GOV.UK's crest). The production storage must build from a fresh install."""
    from django.core.management import call_command
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "dist/beatbook.css" in manifest
    assert "govuk-crest" not in manifest
