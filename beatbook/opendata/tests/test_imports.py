"""Importing police.uk street-level files: what a row becomes, idempotence (the same file twice
adds nothing), malformed rows skipped with their line numbers and never half-loaded, progress,
access and the audit trail."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Sum

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.jobs.models import Job
from beatbook.opendata.models import CrimeImport, PublicCrime, PublicOutcome, PublishedMonth, SnapPoint
from beatbook.opendata.services import imports
from beatbook.opendata.services.imports import ImportFileError, crime_import_start, load_rows

from .staff_builders import FORCE_NAME, csv_text, lines_of, malformed_sample, sample_text

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
CRIME_ID = "bb06e351c7056b9d74fcf5d519cc45e0318f72e1a39bdf45f9551a2743396d58"
BURGLARY = (
    f"{CRIME_ID},2026-01,{FORCE_NAME},{FORCE_NAME},0.119000,52.205000,On or near Mill Road,E01017950,"
    "Cambridge 007A,Burglary,Unable to prosecute suspect,"
)
ASB = (
    f",2026-01,{FORCE_NAME},{FORCE_NAME},0.120000,52.206000,On or near Parking Area,E01017950,"
    "Cambridge 007A,Anti-social behaviour,,"
)
NO_PLACE = f"{CRIME_ID[::-1]},2026-01,{FORCE_NAME},{FORCE_NAME},,,No Location,,,Bicycle theft,Under investigation,"


def load(world: World, text: str, **kwargs: Any) -> imports.ImportReport:
    return load_rows(force=world.force_a, lines=lines_of(text), **kwargs)


class TestRows:
    def test_a_row_becomes_a_crime_on_a_snap_point_with_its_outcome(self, world: World) -> None:
        report = load(world, csv_text(BURGLARY, ASB, NO_PLACE))
        assert (report.rows_total, report.rows_loaded, report.rows_skipped) == (3, 3, 0)
        burglary = PublicCrime.objects.select_related("snap_point").get(category="burglary")
        assert burglary.persistent_id == CRIME_ID and f"{burglary.month:%Y-%m}" == "2026-01"
        assert burglary.snap_point is not None and burglary.snap_point.name == "On or near Mill Road"
        assert (burglary.lat, burglary.lng) == (52.205, 0.119) == (burglary.snap_point.lat, burglary.snap_point.lng)
        assert burglary.neighbourhood == world.a1  # found from the point
        assert burglary.lsoa_code == "E01017950" and burglary.falls_within == FORCE_NAME
        assert burglary.source == PublicCrime.Source.IMPORT and len(burglary.source_key) == 64
        assert burglary.outcome == "unable-to-prosecute"
        assert list(burglary.outcomes.values_list("category", "month")) == [("unable-to-prosecute", burglary.month)]
        asb = PublicCrime.objects.get(category="anti-social-behaviour")
        assert asb.persistent_id == "" and asb.outcome == "" and not asb.outcomes.exists()
        bike = PublicCrime.objects.get(category="bicycle-theft")
        assert (bike.snap_point, bike.lat, bike.lng, bike.neighbourhood) == (None, None, None, None)
        assert report.no_location == 1 and report.snap_points_created == SnapPoint.objects.count() == 2
        assert PublishedMonth.objects.get(force=world.force_a).crime_count == 3

    def test_police_uk_names_map_to_slugs_and_codes(self, world: World) -> None:
        rows = [
            BURGLARY.replace("Burglary", "Violence and sexual offences").replace(
                "Unable to prosecute suspect", "Investigation complete; no suspect identified"
            ),
            BURGLARY.replace("Burglary", "criminal damage and arson").replace(
                "Unable to prosecute suspect", "Offender given penalty notice"
            ),
        ]
        load(world, csv_text(*rows))
        assert set(PublicCrime.objects.values_list("category", "outcome")) == {
            ("violent-crime", "no-further-action"),
            ("criminal-damage-arson", "penalty-notice-issued"),
        }

    def test_the_committed_sample_loads_whole(self, world: World) -> None:
        text = sample_text()
        report = load(world, text)
        rows = len(text.splitlines()) - 1
        assert (report.rows_total, report.rows_loaded, report.rows_skipped) == (rows, rows, 0)
        assert PublicCrime.objects.count() == rows
        assert report.no_location == PublicCrime.objects.filter(snap_point__isnull=True).count() > 0
        months = dict(PublishedMonth.objects.values_list("month", "crime_count"))
        assert sorted(f"{m:%Y-%m}" for m in months) == ["2026-06", "2026-07", "2026-08"]
        assert sum(months.values()) == rows
        assert PublicCrime.objects.filter(neighbourhood=world.a1).exists()  # Cambridge's points are in A1


class TestIdempotence:
    def test_the_same_file_twice_adds_nothing(self, world: World) -> None:
        text = sample_text()
        first = load(world, text)
        crimes, outcomes, points = PublicCrime.objects.count(), PublicOutcome.objects.count(), SnapPoint.objects.count()
        months = list(PublishedMonth.objects.order_by("month").values_list("month", "crime_count"))
        second = load(world, text)
        assert second.rows_loaded == 0 and second.rows_already_loaded == first.rows_loaded == crimes
        assert second.snap_points_created == 0
        assert (PublicCrime.objects.count(), PublicOutcome.objects.count(), SnapPoint.objects.count()) == (
            crimes,
            outcomes,
            points,
        )
        assert list(PublishedMonth.objects.order_by("month").values_list("month", "crime_count")) == months

    def test_identical_rows_are_separate_crimes_and_count_by_occurrence(self, world: World) -> None:
        assert load(world, csv_text(ASB, ASB)).rows_loaded == 2
        again = load(world, csv_text(ASB, ASB, ASB))  # one more of the same: only it is new
        assert (again.rows_loaded, again.rows_already_loaded) == (1, 2)
        assert PublicCrime.objects.count() == 3

    def test_a_file_that_overlaps_an_earlier_one_adds_only_its_new_rows(self, world: World) -> None:
        load(world, csv_text(BURGLARY))
        report = load(world, csv_text(NO_PLACE, BURGLARY))
        assert (report.rows_loaded, report.rows_already_loaded) == (1, 1)
        assert PublishedMonth.objects.get().crime_count == 2

    def test_another_force_may_hold_the_same_rows(self, world: World) -> None:
        load(world, csv_text(BURGLARY))
        assert load_rows(force=world.force_b, lines=lines_of(csv_text(BURGLARY))).rows_loaded == 1
        assert PublicCrime.objects.count() == 2 and SnapPoint.objects.count() == 2


class TestMalformedRows:
    def test_bad_rows_are_skipped_with_their_line_numbers_and_why(self, world: World) -> None:
        sample = malformed_sample()
        report = load(world, sample.text)
        assert {p.line for p in report.problems} == set(sample.malformed)
        assert report.rows_skipped == len(sample.malformed) == 9
        assert report.rows_loaded == sample.rows - 9 == PublicCrime.objects.count()
        reasons = {p.line: p.reason for p in report.problems}
        by_kind = {kind: reasons[line] for line, kind in sample.malformed.items() if kind != "month"}
        assert by_kind["columns"] == "expected 12 columns, found 6"
        assert "Jaywalking" in by_kind["crime type"]
        assert "not numbers" in by_kind["coordinates"]
        assert "outside the UK" in by_kind["outside the UK"]
        assert "both longitude and latitude" in by_kind["one coordinate"]
        assert "Sent to the moon" in by_kind["outcome"]
        assert "64 hexadecimal" in by_kind["crime id"]
        assert all("YYYY-MM" in reasons[line] for line, kind in sample.malformed.items() if kind == "month")

    def test_nothing_of_a_bad_row_is_stored(self, world: World) -> None:
        sample = malformed_sample()
        load(world, sample.text)
        assert not SnapPoint.objects.filter(lat__gt=50.0, lng__lt=-10).exists()  # New York's point
        assert not SnapPoint.objects.filter(lat__lt=49).exists()
        assert not PublicCrime.objects.filter(month__month=13).exists()
        assert set(PublicCrime.objects.values_list("category", flat=True)) <= {
            "anti-social-behaviour",
            "bicycle-theft",
            "burglary",
            "criminal-damage-arson",
            "drugs",
            "other-theft",
            "possession-of-weapons",
            "public-order",
            "robbery",
            "shoplifting",
            "theft-from-the-person",
            "vehicle-crime",
            "violent-crime",
            "other-crime",
        }
        assert PublishedMonth.objects.aggregate(n=Sum("crime_count"))["n"] == PublicCrime.objects.count()

    def test_a_row_of_another_force_is_loaded_and_noted(self, world: World) -> None:
        sample = malformed_sample()
        report = load(world, sample.text)
        assert len(sample.other_force) == 1
        assert report.rows_other_force == 1 and report.other_forces == ["Another Force Police"]
        assert PublicCrime.objects.filter(force=world.force_a, falls_within="Another Force Police").count() == 1

    def test_a_failure_while_writing_leaves_nothing_of_its_batch(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*args: Any, **kwargs: Any) -> None:
            assert PublicCrime.objects.exists() and SnapPoint.objects.exists()  # written, not committed
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(imports, "published_months_add", broken)
        with pytest.raises(RuntimeError, match="disk"):
            load(world, csv_text(BURGLARY, ASB))
        assert not PublicCrime.objects.exists() and not SnapPoint.objects.exists()
        assert not PublicOutcome.objects.exists() and not PublishedMonth.objects.exists()

    def test_a_file_without_the_header_is_refused_as_a_whole(self, world: World) -> None:
        with pytest.raises(ImportFileError, match="header"):
            load(world, BURGLARY + "\n")
        with pytest.raises(ImportFileError):
            load(world, "")
        assert not PublicCrime.objects.exists()

    def test_blank_lines_are_not_rows(self, world: World) -> None:
        report = load(world, csv_text(BURGLARY, "", ASB) + "\n\n")
        assert (report.rows_total, report.rows_loaded, report.rows_skipped) == (2, 2, 0)

    def test_a_month_in_the_future_is_skipped(self, world: World) -> None:
        report = load(world, csv_text(BURGLARY.replace("2026-01", "2999-01")))
        assert report.rows_skipped == 1 and "future" in report.problems[0].reason and report.problems[0].line == 2


class TestProgressAndBatches:
    def test_progress_is_reported_after_every_batch(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(imports, "BATCH_ROWS", 50)
        calls: list[tuple[int, int]] = []
        text = sample_text()
        load(world, text, on_progress=lambda done, total: calls.append((done, total)))
        rows = len(text.splitlines()) - 1
        assert [done for done, _total in calls] == [50, 100, 150, 200, 250, 300, 300]
        assert all(total == rows for _done, total in calls)
        assert PublicCrime.objects.count() == rows

    def test_without_a_length_the_total_grows_with_the_rows_read(self, world: World) -> None:
        calls: list[tuple[int, int]] = []
        load_rows(
            force=world.force_a,
            lines=iter(lines_of(csv_text(BURGLARY, ASB))),
            on_progress=lambda done, total: calls.append((done, total)),
        )
        assert calls[-1] == (2, 2)

    def test_the_queries_grow_with_the_batches_not_the_rows(
        self, world: World, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries: Any
    ) -> None:
        monkeypatch.setattr(imports, "BATCH_ROWS", 100)
        text = sample_text()
        with django_assert_max_num_queries(10_000) as counted:
            load(world, text)
        first = len(counted.captured_queries)
        monkeypatch.setattr(imports, "BATCH_ROWS", 50)
        PublicCrime.objects.all().delete()
        with django_assert_max_num_queries(10_000) as counted:
            load(world, text)
        assert len(counted.captured_queries) - first <= 3 * 14  # three more batches: a few queries each
        monkeypatch.setattr(imports, "BATCH_ROWS", 100)
        with django_assert_max_num_queries(first):  # again, all held: no more queries than the first time
            load(world, text)


class TestStartingAnImport:
    def test_analysts_and_force_administrators_may_import(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        sample = malformed_sample(rows=60)
        for who in (world.alice, world.bob, world.fay, world.ivy):
            with pytest.raises(PermissionDenied):
                crime_import_start(actor=who, force=world.force_a, filename="x.csv", content=sample.text.encode())
        assert not CrimeImport.objects.exists() and not Job.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            started = crime_import_start(
                actor=world.dee,
                force=world.force_a,
                filename="C:\\files\\2026-01-street.csv",
                content=sample.text.encode(),
            )
        done = CrimeImport.objects.select_related("job").get(pk=started.pk)
        assert done.filename == "2026-01-street.csv" and done.status == CrimeImport.Status.SUCCEEDED
        assert (done.rows_total, done.rows_loaded, done.rows_skipped) == (sample.rows, sample.rows - 9, 9)
        assert [p["line"] for p in done.problems] == sorted(sample.malformed)
        assert done.finished_at is not None
        job = done.job
        assert job is not None and job.status == Job.Status.SUCCEEDED and job.started_by == world.dee
        assert (job.progress_done, job.progress_total, job.percent) == (sample.rows, sample.rows, 100)
        assert job.result is not None and job.result["rows_loaded"] == sample.rows - 9
        assert job.result["rows_other_force"] == 1 and "skipped" in job.message
        assert PublicCrime.objects.filter(crime_import=done).count() == sample.rows - 9

    def test_the_import_is_audited_with_counts_only(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        text = sample_text()
        with django_capture_on_commit_callbacks(execute=True):
            started = crime_import_start(actor=world.erin, force=world.force_a, filename="s.csv", content=text.encode())
        begun = AuditEvent.objects.get(event_type=EventType.CRIME_IMPORT_STARTED)
        ended = AuditEvent.objects.get(event_type=EventType.CRIME_IMPORT_FINISHED)
        assert begun.force_id == ended.force_id == world.force_a.pk and begun.object_id == str(started.pk)
        assert ended.after is not None and ended.actor == world.erin and ended.after["rows_loaded"] == 300
        trail = str(begun.after) + str(ended.after)
        assert (
            "On or near" not in trail
            and "Constabulary" not in trail
            and not re.search(r"[0-9a-f]{64}.*[0-9a-f]{64}", trail)
        )

    def test_a_second_run_of_the_job_does_nothing(
        self, world: World, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            started = crime_import_start(
                actor=world.erin, force=world.force_a, filename="s.csv", content=sample_text().encode()
            )
        assert imports.crime_import_run(crime_import_id=started.pk) is None
        assert AuditEvent.objects.filter(event_type=EventType.CRIME_IMPORT_FINISHED).count() == 1

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "empty"),
            (b"\xff\xfe\x00B\x00a\x00d", "UTF-8"),
            (b"Crime ID,Month\n1,2\n", "header"),
        ],
    )
    def test_a_bad_file_is_refused_and_nothing_stored(self, world: World, content: bytes, message: str) -> None:
        with pytest.raises(ValidationError) as refused:
            crime_import_start(actor=world.erin, force=world.force_a, filename="bad.csv", content=content)
        assert message in " ".join(refused.value.message_dict["file"])
        assert not CrimeImport.objects.exists() and not Job.objects.exists()

    def test_the_size_cap(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
        with pytest.raises(ValidationError, match="larger than"):
            crime_import_start(actor=world.erin, force=world.force_a, filename="s.csv", content=sample_text().encode())
        assert not CrimeImport.objects.exists()

    def test_the_command_imports_now(self, world: World, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "2026-street.csv"
        path.write_text(malformed_sample(rows=40).text, encoding="utf-8")
        call_command("import_policeuk_csv", "cambridgeshire", str(path), "--as", "erin")
        out, err = capsys.readouterr()
        assert "rows loaded" in out and "9 skipped" in out and re.search(r"line \d+: ", err)
        assert CrimeImport.objects.get().status == CrimeImport.Status.SUCCEEDED
        call_command("import_policeuk_csv", "cambridgeshire", str(path))  # as the system: all held already
        assert "0 rows loaded" in capsys.readouterr().out
        assert Counter(CrimeImport.objects.values_list("uploaded_by__username", flat=True))["erin"] == 1
