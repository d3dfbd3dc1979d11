"""Open data through the API: importing a police.uk file (multipart), following it, publishing a
month (a job), and the months published; who may call what (401, 403, 404), refusals (400 by
field, 422), wrong methods (405), and the pinned query count of the lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.api.v1 import opendata_schemas
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.jobs.models import Job
from beatbook.opendata.models import CrimeImport, PublicCrime
from beatbook.opendata.services.imports import crime_import_start, load_rows
from beatbook.opendata.tests.staff_builders import (
    last_month,
    lines_of,
    malformed_sample,
    published_incident,
    sample_text,
)
from beatbook.org.models import Person

from .helpers import PREFIX, Api, assert_error, check_against_document, data

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def post_file(api: Api, as_: Person | None, *, force: str = "cambridgeshire", text: str | None = None) -> HttpResponse:
    """POST /crime-imports as multipart, checked against the document like every other call."""
    headers = {"Authorization": f"Bearer {api.token_for(as_)}"} if as_ is not None else {}
    content = (text if text is not None else sample_text()).encode()
    payload: dict[str, Any] = {"file": SimpleUploadedFile("2026-08-street.csv", content, content_type="text/csv")}
    if force:
        payload["force"] = force
    response = Client().post(f"{PREFIX}/crime-imports", payload, headers=headers)
    assert isinstance(response, HttpResponse)
    check_against_document("POST", f"{PREFIX}/crime-imports", response)
    return response


def test_status_values_match_the_models() -> None:
    assert set(get_args(opendata_schemas.RunStatus)) == set(Job.Status.values) == set(CrimeImport.Status.values)


def test_importing_a_file(world: World, api: Api, django_capture_on_commit_callbacks: Capture) -> None:
    assert_error(post_file(api, None), 401)
    assert_error(post_file(api, world.alice), 403)
    assert_error(post_file(api, world.fay), 403)
    assert "force" in assert_error(post_file(api, world.hal), 400)["fields"]
    assert "force" in assert_error(post_file(api, world.erin, force="derbyshire"), 400)["fields"]
    assert "file" in assert_error(post_file(api, world.erin, text="Crime ID,Month\n"), 400)["fields"]
    assert "file" in assert_error(post_file(api, world.erin, text=""), 400)["fields"]
    assert_error(post_file(api, world.erin, force=""), 422)
    assert not CrimeImport.objects.exists() and not Job.objects.exists()
    sample = malformed_sample(rows=60)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, world.dee, text=sample.text)
    assert response.status_code == 201
    created = data(response)
    assert created["force"] == "cambridgeshire" and created["filename"] == "2026-08-street.csv"
    assert AuditEvent.objects.filter(
        event_type=EventType.CRIME_IMPORT_STARTED, request_id=response["X-Request-ID"]
    ).exists()
    detail = data(api.get(f"/crime-imports/{created['id']}", as_=world.dee))
    assert detail["status"] == "succeeded" and detail["job"]["percent"] == 100
    assert (detail["rows_loaded"], detail["rows_skipped"], detail["rows_other_force"]) == (sample.rows - 9, 9, 1)
    assert [p["line"] for p in detail["problems"]] == sorted(sample.malformed)
    finished = AuditEvent.objects.get(event_type=EventType.CRIME_IMPORT_FINISHED)
    assert finished.request_id == response["X-Request-ID"]


def test_reading_imports(world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    first = crime_import_start(actor=world.erin, force=world.force_a, filename="a.csv", content=sample_text().encode())
    url = f"/crime-imports/{first.pk}"
    assert_error(api.get(url), 401)
    assert_error(api.get(url, as_=world.alice), 403)
    assert_error(api.get(url, as_=world.ivy), 404)
    assert_error(api.get("/crime-imports/999999", as_=world.erin), 404)
    assert data(api.get(url, as_=world.dee))["status"] == "queued"
    assert_error(api.get("/crime-imports", as_=world.alice, query={"force": "cambridgeshire"}), 403)
    assert_error(api.get("/crime-imports", as_=world.ivy, query={"force": "cambridgeshire"}), 404)
    assert data(api.get("/crime-imports", as_=world.ivy))["items"] == []
    assert data(api.get("/crime-imports", as_=world.alice))["total"] == 0
    crime_import_start(actor=world.dee, force=world.force_a, filename="b.csv", content=sample_text().encode())
    listed = data(api.get("/crime-imports", as_=world.erin, query={"force": "cambridgeshire"}))
    assert [i["filename"] for i in listed["items"]] == ["b.csv", "a.csv"] and listed["total"] == 2
    for size in (1, 2):
        with django_assert_num_queries(3):  # token, count, rows (force, uploader, job joined)
            page = data(api.get("/crime-imports", as_=world.erin, query={"page_size": size}))
        assert len(page["items"]) == size


def test_publishing_a_month(world: World, api: Api, django_capture_on_commit_callbacks: Capture) -> None:
    published_incident(world.alice)
    month = f"{last_month():%Y-%m}"
    body = {"force": "cambridgeshire", "month": month}
    assert_error(api.post("/crime-publications", body), 401)
    assert_error(api.post("/crime-publications", body, as_=world.alice), 403)
    assert "force" in assert_error(api.post("/crime-publications", body, as_=world.ivy), 400)["fields"]
    current = f"{timezone.localdate():%Y-%m}"
    assert (
        "month"
        in assert_error(api.post("/crime-publications", body | {"month": current}, as_=world.erin), 400)["fields"]
    )
    assert_error(api.post("/crime-publications", body | {"month": "2026-13"}, as_=world.erin), 422)
    # A year Python cannot make a date of (0000) is refused by the schema, not a server error.
    assert_error(api.post("/crime-publications", body | {"month": "0000-01"}, as_=world.erin), 422)
    assert_error(api.post("/crime-publications", body | {"extra": 1}, as_=world.erin), 422)
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/crime-publications", body, as_=world.erin)
    assert response.status_code == 202
    answer = data(response)
    assert answer["force"] == "cambridgeshire" and answer["month"] == month
    job = Job.objects.get(pk=answer["job"]["id"])
    assert job.status == Job.Status.SUCCEEDED and PublicCrime.objects.count() == 1
    assert AuditEvent.objects.get(event_type=EventType.CRIMES_PUBLISHED).request_id == response["X-Request-ID"]


def test_published_months(world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    load_rows(force=world.force_a, lines=lines_of(sample_text()))
    assert_error(api.get("/published-months"), 401)
    assert_error(api.get("/published-months", as_=world.hal, query={"force": "cambridgeshire"}), 404)
    assert data(api.get("/published-months", as_=world.hal))["items"] == []
    months = data(api.get("/published-months", as_=world.alice, query={"force": "cambridgeshire"}))
    assert [m["month"] for m in months["items"]] == ["2026-08", "2026-07", "2026-06"]
    assert sum(m["crime_count"] for m in months["items"]) == 300
    for size in (1, 3):
        with django_assert_num_queries(3):  # token, count, rows (force joined)
            assert len(data(api.get("/published-months", as_=world.alice, query={"page_size": size}))["items"]) == size


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/crime-imports"),
        ("DELETE", "/crime-imports/1"),
        ("POST", "/crime-imports/1"),
        ("GET", "/crime-publications"),
        ("POST", "/published-months"),
    ],
)
def test_wrong_methods(world: World, api: Api, method: str, path: str) -> None:
    response = api.call(method, path, as_=world.erin)
    assert response.status_code == 405
    assert json.loads(response.content)["error"]["status"] == 405
