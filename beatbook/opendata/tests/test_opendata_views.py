"""The open data pages: who reaches them, uploading a file and following its import (progress bar
that polls, a refresh link, the result with the rows skipped), publishing a month, the pinned
query count of the index, and the public downloads (no login, anonymised, police.uk's format)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.jobs.models import Job
from beatbook.opendata.models import CrimeImport, PublicCrime
from beatbook.opendata.services.imports import HEADER, crime_import_start, load_rows
from beatbook.opendata.services.publish import crimes_publish

from .staff_builders import (
    A1_CENTRE,
    last_month,
    lines_of,
    malformed_sample,
    moved,
    published_incident,
    sample_text,
    snap,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
INDEX = reverse("opendata:index")
NEW = reverse("opendata:import_new")
PUBLISH = reverse("opendata:publish")


def upload(text: str, name: str = "2026-08-cambridgeshire-street.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def queued_import(world: World) -> CrimeImport:
    """An import whose job never runs (its on_commit callback does not fire in a test)."""
    return crime_import_start(actor=world.dee, force=world.force_a, filename="s.csv", content=sample_text().encode())


def body(response: Any) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    content: bytes = response.content
    return content.decode()


class TestAccess:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        crime_import = queued_import(world)
        urls = [
            INDEX,
            NEW,
            reverse("opendata:import_detail", args=[crime_import.pk]),
            reverse("opendata:import_progress", args=[crime_import.pk]),
        ]
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert Client().post(PUBLISH).status_code == 302

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "gus", "hal"])
    def test_those_who_do_not_manage_open_data_are_refused(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        for url in (INDEX, NEW):
            assert client.get(url).status_code == 403
        assert client.post(PUBLISH, {"force": world.force_a.pk, "month": f"{last_month():%Y-%m}"}).status_code == 403

    def test_an_import_is_403_inside_its_force_and_404_outside(self, world: World) -> None:
        crime_import = queued_import(world)
        for url in (
            reverse("opendata:import_detail", args=[crime_import.pk]),
            reverse("opendata:import_progress", args=[crime_import.pk]),
        ):
            assert world.client_for(world.alice).get(url).status_code == 403
            assert world.client_for(world.fay).get(url).status_code == 403
            assert world.client_for(world.ivy).get(url).status_code == 404
            assert world.client_for(world.hal).get(url).status_code == 404
            assert world.client_for(world.erin).get(url).status_code == 200
        assert world.client_for(world.dee).get(reverse("opendata:import_detail", args=[999_999])).status_code == 404

    def test_wrong_methods(self, world: World) -> None:
        client = world.client_for(world.erin)
        assert client.get(PUBLISH).status_code == 405
        assert client.post(INDEX).status_code == 405
        assert client.put(NEW).status_code == 405
        assert Client().post(reverse("opendata:crimes_csv", args=["cambridgeshire"])).status_code == 405


class TestImportPages:
    def test_uploading_a_file_and_following_its_import(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        sample = malformed_sample(rows=60)
        client = world.client_for(world.dee)
        assert client.get(NEW).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(NEW, {"force": world.force_a.pk, "file": upload(sample.text)})
        crime_import = CrimeImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("opendata:import_detail", args=[crime_import.pk])
        assert AuditEvent.objects.get(event_type=EventType.CRIME_IMPORT_STARTED).request_id
        page = client.get(response["Location"]).content.decode()
        assert "The file has been stored and its import has started." in page
        assert 'data-status="succeeded"' in page and "hx-get" not in page and 'data-testid="refresh"' not in page
        assert f'data-testid="rows-loaded">{sample.rows - 9}<' in page
        assert 'data-testid="rows-skipped">9<' in page
        for line in sample.malformed:
            assert f'data-label="Line">{line}</td>' in page
        assert "Jaywalking" in page and "Another Force Police" in page

    def test_a_running_import_polls_and_offers_a_refresh_link(self, world: World) -> None:
        crime_import = queued_import(world)
        client = world.client_for(world.erin)
        page = client.get(reverse("opendata:import_detail", args=[crime_import.pk])).content.decode()
        progress = reverse("opendata:import_progress", args=[crime_import.pk])
        assert f'hx-get="{progress}"' in page and 'hx-trigger="load delay:1s, every 2s"' in page
        assert 'data-testid="refresh"' in page and 'data-status="queued"' in page
        assert crime_import.job is not None
        Job.objects.filter(pk=crime_import.job.pk).update(
            status=Job.Status.RUNNING, progress_done=120, progress_total=300
        )
        partial = client.get(progress)
        assert partial["Cache-Control"] == "no-store"
        text = partial.content.decode()
        assert "40% done" in text and "120 of 300 rows" in text and "<html" not in text and "hx-get" in text
        Job.objects.filter(pk=crime_import.job.pk).update(status=Job.Status.FAILED, message="The worker stopped.")
        text = client.get(progress).content.decode()
        assert 'data-status="failed"' in text and "The worker stopped." in text and "hx-get" not in text

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("Crime ID,Month\n1,2\n", "This is not a police.uk street-level crime file"),
            ("", "The file is empty"),
        ],
    )
    def test_a_bad_file_is_refused_with_a_field_error(self, world: World, text: str, message: str) -> None:
        response = world.client_for(world.erin).post(NEW, {"force": world.force_a.pk, "file": upload(text)})
        assert response.status_code == 400 and message in response.content.decode()
        assert not CrimeImport.objects.exists() and not Job.objects.exists()

    def test_a_force_not_managed_is_a_form_error(self, world: World) -> None:
        response = world.client_for(world.erin).post(NEW, {"force": world.force_b.pk, "file": upload(sample_text())})
        assert response.status_code == 400 and not CrimeImport.objects.exists()

    def test_the_index_lists_imports_and_months_in_a_fixed_number_of_queries(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        queued_import(world)
        client = world.client_for(world.erin)
        client.get(INDEX)
        with django_assert_max_num_queries(30) as one:
            client.get(INDEX)
        for _n in range(3):
            queued_import(world)
        load_rows(force=world.force_a, lines=lines_of(sample_text()))
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = client.get(INDEX).content.decode()
        assert page.count('data-label="File"') == 4
        assert page.count('data-label="Month"') == 3 and "June 2026" in page
        assert f"{reverse('opendata:crimes_csv', args=['cambridgeshire'])}?month=2026-06" in page
        derby = world.client_for(world.ivy).get(INDEX).content.decode()
        assert 'data-label="File"' not in derby and 'data-label="Month"' not in derby


class TestPublishPage:
    def test_publishing_a_month_starts_the_job(self, world: World, django_capture_on_commit_callbacks: Capture) -> None:
        published_incident(world.alice)
        client = world.client_for(world.dee)
        assert f'value="{last_month():%Y-%m}"' in client.get(INDEX).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(PUBLISH, {"force": world.force_a.pk, "month": f"{last_month():%Y-%m}"})
        job = Job.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED and PublicCrime.objects.count() == 1
        assert "1 crime published" in client.get(response["Location"]).content.decode()

    def test_a_month_not_offered_is_refused(self, world: World) -> None:
        client = world.client_for(world.dee)
        for month in ("2099-01", "nonsense", ""):
            response = client.post(PUBLISH, {"force": world.force_a.pk, "month": month})
            assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
        assert client.post(PUBLISH, {"force": world.force_b.pk, "month": f"{last_month():%Y-%m}"}).status_code == 400
        assert not Job.objects.exists()


class TestPublicDownloads:
    def publish(self, world: World) -> Any:
        snap(world.force_a, moved(A1_CENTRE, east_m=150), "On or near Market Street")
        incident = published_incident(world.alice)
        far = moved(A1_CENTRE, north_m=1000)  # over 1,000 m from the snap point: no location
        published_incident(world.alice, lat=far[0], lng=far[1])
        crimes_publish(actor=world.erin, force=world.force_a, month=last_month())
        return incident

    def test_csv_in_the_police_uk_format_without_login_and_anonymised(self, world: World) -> None:
        incident = self.publish(world)
        response = Client().get(
            reverse("opendata:crimes_csv", args=["cambridgeshire"]), {"month": f"{last_month():%Y-%m}"}
        )
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"].startswith("text/csv") and response["Access-Control-Allow-Origin"] == "*"
        assert f"cambridgeshire-{last_month():%Y-%m}-street.csv" in response["Content-Disposition"]
        text = body(response)
        rows = list(csv.reader(io.StringIO(text)))
        assert tuple(rows[0]) == HEADER and len(rows) == 3
        located = next(r for r in rows[1:] if r[6] != "No location")
        crime = PublicCrime.objects.select_related("snap_point").get(snap_point__isnull=False)
        assert crime.snap_point is not None
        assert located[0] == crime.persistent_id and located[1] == f"{last_month():%Y-%m}"
        assert located[2] == located[3] == "Cambridgeshire Constabulary"
        assert (located[4], located[5]) == (f"{crime.snap_point.lng:.6f}", f"{crime.snap_point.lat:.6f}")
        assert located[6] == "On or near Market Street" and located[9] == "Public order"
        assert located[10] == "Under investigation"
        for secret in (incident.reference, "Secret Mews", "Confidential", f"{incident.lng:.6f}", str(incident.uuid)):
            assert secret not in text

    def test_geojson_points_only_with_the_street_and_outcome(self, world: World) -> None:
        incident = self.publish(world)
        response = Client().get(reverse("opendata:crimes_geojson", args=["cambridgeshire"]))  # the latest month
        assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
        text = body(response)
        collection = json.loads(text)
        assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
        feature = collection["features"][0]
        assert feature["geometry"]["type"] == "Point"
        assert feature["properties"]["street"] == "On or near Market Street"
        assert (
            feature["properties"]["category"] == "public-order"
            and feature["properties"]["outcome"] == "Under investigation"
        )
        assert feature["properties"]["month"] == f"{last_month():%Y-%m}"
        for secret in (incident.reference, "Secret Mews", "Confidential", str(incident.uuid)):
            assert secret not in text
        assert [incident.lng, incident.lat] != feature["geometry"]["coordinates"]

    def test_bad_month_unknown_force_and_nothing_published(self, world: World) -> None:
        client = Client()
        csv_url = reverse("opendata:crimes_csv", args=["cambridgeshire"])
        assert client.get(csv_url, {"month": "2026-13"}).status_code == 400
        assert client.get(csv_url, {"month": "yesterday"}).status_code == 400
        assert client.get(reverse("opendata:crimes_csv", args=["nowhere"])).status_code == 404
        assert client.get(csv_url).status_code == 404  # nothing published yet, no month given
        empty = client.get(csv_url, {"month": "2020-01"})
        assert empty.status_code == 200 and body(empty).strip() == ",".join(HEADER)

    def test_a_signed_in_download_is_audited_an_anonymous_one_is_not(self, world: World) -> None:
        self.publish(world)
        url = reverse("opendata:crimes_csv", args=["cambridgeshire"])
        body(Client().get(url))
        assert not AuditEvent.objects.filter(event_type=EventType.PUBLIC_CRIMES_EXPORTED).exists()
        body(world.client_for(world.dee).get(url))
        event = AuditEvent.objects.get(event_type=EventType.PUBLIC_CRIMES_EXPORTED)
        assert event.actor == world.dee and event.after == {
            "month": f"{last_month():%Y-%m}",
            "format": "csv",
            "rows": 2,
        }
