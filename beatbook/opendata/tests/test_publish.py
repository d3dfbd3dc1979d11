"""Publishing a month of incidents as anonymised public crimes: what is published (and what never
is), snapping to the nearest snap point, outcomes, idempotence, an incident withdrawn, imported
rows left alone, whole months only, access, the audit trail, the job and the command."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents import services as incident_services
from beatbook.incidents.models import Incident, Status
from beatbook.incidents.services import IncidentChanges
from beatbook.incidents.tests.factories import B1_CENTRE, person
from beatbook.jobs.models import Job
from beatbook.opendata import tasks
from beatbook.opendata.models import PublicCrime, PublishedMonth
from beatbook.opendata.services.imports import load_rows
from beatbook.opendata.services.publish import crimes_publish, outcome_for, persistent_id_for

from .staff_builders import (
    A1_CENTRE,
    FORCE_NAME,
    csv_text,
    in_month,
    last_month,
    lines_of,
    moved,
    published_incident,
    snap,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def publish(world: World, month: dt.date | None = None) -> Any:
    return crimes_publish(actor=world.erin, force=world.force_a, month=month or last_month())


def string_values(crime: PublicCrime) -> str:
    return " ".join(str(getattr(crime, f.attname)) for f in PublicCrime._meta.concrete_fields)


def change(world: World, incident: Incident, **changes: Any) -> Incident:
    incident.refresh_from_db()
    return incident_services.incident_update(
        actor=world.alice, incident=incident, changes=IncidentChanges(**changes), expected_version=incident.version
    )


def move_status(world: World, incident: Incident, *statuses: str) -> Incident:
    for status in statuses:
        incident.refresh_from_db()
        incident = incident_services.incident_set_status(
            actor=world.bob,
            incident=incident,
            status=status,
            outcome="Words of advice given." if status in (Status.RESOLVED, Status.ESCALATED) else "",
            expected_version=incident.version,
        )
    return incident


class TestWhatIsPublished:
    def test_the_nearest_snap_point_of_the_force_and_nothing_of_the_incident(self, world: World) -> None:
        near = snap(world.force_a, moved(A1_CENTRE, north_m=120), "On or near Near Street")
        snap(world.force_a, moved(A1_CENTRE, north_m=400), "On or near Far Street")
        snap(world.force_b, moved(A1_CENTRE, north_m=10), "On or near Other Force Street")  # nearer, not ours
        incident = published_incident(world.alice, people=[person(name="Jane Doe", address="14 Secret Mews")])
        report = publish(world)
        assert (report.published, report.created, report.no_location) == (1, 1, 0)
        crime = PublicCrime.objects.get()
        assert crime.snap_point == near and (crime.lat, crime.lng) == (near.lat, near.lng)
        assert (crime.lat, crime.lng) != (incident.lat, incident.lng)
        assert crime.incident == incident and crime.source == PublicCrime.Source.INCIDENT
        assert crime.source_key == f"incident:{incident.uuid}" and crime.neighbourhood == world.a1
        assert crime.month == last_month() and crime.category == incident.category
        text = string_values(crime)
        for secret in (
            incident.reference,
            "Secret Mews",
            "Jane Doe",
            "Confidential",
            f"{incident.lat}",
            str(incident.uuid),
        ):
            assert secret not in text.replace(crime.source_key, "")

    def test_with_no_snap_point_near_the_crime_has_no_location(self, world: World, settings: Any) -> None:
        settings.BEATBOOK_SNAP_MAX_METRES = 200
        snap(world.force_a, moved(A1_CENTRE, north_m=260), "On or near Too Far Street")
        published_incident(world.alice)
        assert publish(world).no_location == 1
        crime = PublicCrime.objects.get()
        assert (crime.snap_point, crime.lat, crime.lng) == (None, None, None)

    def test_asb_has_no_crime_id_and_no_outcome(self, world: World) -> None:
        published_incident(world.alice, asb=True)
        publish(world)
        crime = PublicCrime.objects.get()
        assert crime.category == "anti-social-behaviour" and crime.persistent_id == "" and crime.outcome == ""
        assert not crime.outcomes.exists()

    def test_a_crime_id_is_a_keyed_hash_of_the_incident(self, world: World) -> None:
        incident = published_incident(world.alice)
        publish(world)
        crime = PublicCrime.objects.get()
        expected = hmac.new(settings.SECRET_KEY.encode(), str(incident.uuid).encode(), hashlib.sha256).hexdigest()
        assert crime.persistent_id == expected == persistent_id_for(incident.uuid)
        assert (
            len(crime.persistent_id) == 64
            and crime.persistent_id != hashlib.sha256(str(incident.uuid).encode()).hexdigest()
        )

    def test_only_publishable_incidents_of_the_month_of_the_force(self, world: World) -> None:
        month = last_month()
        published_incident(world.alice, is_publishable=False)
        published_incident(world.alice, occurred_at=in_month(month, day=1, hour=0) - dt.timedelta(minutes=30))
        published_incident(world.hal, lat=B1_CENTRE[0], lng=B1_CENTRE[1])  # Derbyshire's
        inside = published_incident(world.alice, occurred_at=in_month(month, day=1, hour=0))  # London midnight
        publish(world)
        assert list(PublicCrime.objects.values_list("incident", flat=True)) == [inside.pk]


class TestOutcomes:
    def test_the_outcome_follows_the_status(self, world: World) -> None:
        opened = published_incident(world.alice)
        resolved = move_status(world, published_incident(world.alice), Status.ATTENDED, Status.RESOLVED)
        closed_escalated = move_status(
            world, published_incident(world.alice), Status.ATTENDED, Status.ESCALATED, Status.CLOSED
        )
        closed_resolved = move_status(
            world, published_incident(world.alice), Status.ATTENDED, Status.RESOLVED, Status.CLOSED
        )
        publish(world)
        outcomes = dict(PublicCrime.objects.values_list("incident", "outcome"))
        assert outcomes == {
            opened.pk: "under-investigation",
            resolved.pk: "local-resolution",
            closed_escalated.pk: "status-update-unavailable",
            closed_resolved.pk: "local-resolution",
        }
        assert outcome_for(Status.ESCALATED, was_escalated=True) == "under-investigation"
        under = PublicCrime.objects.get(incident=opened)
        assert under.outcome_month == last_month()

    def test_a_new_outcome_is_added_to_the_history(self, world: World) -> None:
        incident = published_incident(world.alice)
        publish(world)
        crime = PublicCrime.objects.get()
        assert list(crime.outcomes.values_list("category", flat=True)) == ["under-investigation"]
        move_status(world, incident, Status.ATTENDED, Status.RESOLVED)
        report = publish(world)
        assert (report.updated, report.created) == (1, 0)
        assert list(crime.outcomes.values_list("category", flat=True)) == ["under-investigation", "local-resolution"]
        resolved = crime.outcomes.get(category="local-resolution")
        assert resolved.month >= last_month()


class TestRepublishing:
    def test_publishing_again_changes_nothing(self, world: World) -> None:
        snap(world.force_a, A1_CENTRE, "On or near Market Street")
        published_incident(world.alice)
        published_incident(world.alice, asb=True)
        publish(world)
        before = list(PublicCrime.objects.order_by("id").values())
        report = publish(world)
        assert (report.created, report.updated, report.removed, report.unchanged) == (0, 0, 0, 2)
        assert list(PublicCrime.objects.order_by("id").values()) == before

    def test_an_incident_made_unpublishable_disappears_at_the_next_publication(self, world: World) -> None:
        keep = published_incident(world.alice)
        withdrawn = published_incident(world.alice)
        publish(world)
        change(world, withdrawn, is_publishable=False)
        assert PublicCrime.objects.count() == 2  # until the month is published again
        report = publish(world)
        assert report.removed == 1 and list(PublicCrime.objects.values_list("incident", flat=True)) == [keep.pk]
        assert PublishedMonth.objects.get(force=world.force_a, month=last_month()).crime_count == 1

    def test_a_changed_incident_is_updated(self, world: World) -> None:
        incident = published_incident(world.alice)
        publish(world)
        change(world, incident, category="drugs")
        publish(world)
        assert PublicCrime.objects.get().category == "drugs"
        change(world, incident, category="anti-social-behaviour", asb_qualifier="nuisance")
        publish(world)
        crime = PublicCrime.objects.get()
        assert (crime.persistent_id, crime.outcome, crime.outcomes.count()) == ("", "", 0)

    def test_an_incident_moved_to_another_month_moves_with_it(self, world: World) -> None:
        month = last_month()
        earlier = (month - dt.timedelta(days=1)).replace(day=1)
        incident = published_incident(world.alice, month=earlier)
        publish(world, earlier)
        change(world, incident, occurred_at=in_month(month))
        publish(world, month)
        crime = PublicCrime.objects.get()
        assert crime.month == month
        months = dict(PublishedMonth.objects.filter(force=world.force_a).values_list("month", "crime_count"))
        assert months == {earlier: 0, month: 1}

    def test_imported_rows_are_never_touched(self, world: World) -> None:
        month = last_month()
        row = f",{month:%Y-%m},{FORCE_NAME},{FORCE_NAME},0.119000,52.205000,On or near Mill Road,,,Drugs,,"
        load_rows(force=world.force_a, lines=lines_of(csv_text(row)))
        imported = PublicCrime.objects.get()
        published_incident(world.alice)
        report = publish(world)
        assert report.month_total == 2 and PublicCrime.objects.filter(pk=imported.pk).exists()
        assert PublishedMonth.objects.get(force=world.force_a, month=month).crime_count == 2


class TestRules:
    def test_only_whole_months(self, world: World) -> None:
        published_incident(world.alice)
        for month in (timezone.localdate().replace(day=1), timezone.localdate() + dt.timedelta(days=40)):
            with pytest.raises(ValidationError) as refused:
                publish(world, month)
            assert "month" in refused.value.message_dict
        assert not PublicCrime.objects.exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "gus", "ivy", "hal"])
    def test_only_the_forces_administrators_and_analysts(self, world: World, who: str) -> None:
        published_incident(world.alice)
        with pytest.raises(PermissionDenied):
            crimes_publish(actor=getattr(world, who), force=world.force_a, month=last_month())
        crimes_publish(actor=world.dee, force=world.force_a, month=last_month())
        assert PublicCrime.objects.count() == 1

    def test_the_publication_is_audited_with_counts_only(self, world: World) -> None:
        incident = published_incident(world.alice)
        publish(world)
        event = AuditEvent.objects.get(event_type=EventType.CRIMES_PUBLISHED)
        assert event.actor == world.erin and event.force_id == world.force_a.pk
        assert event.after is not None
        assert event.after["created"] == 1 and event.after["month"] == f"{last_month():%Y-%m}"
        assert incident.reference not in str(event.after) and "Secret" not in str(event.after)


class TestJobAndCommand:
    def test_the_job_publishes_and_reports(self, world: World, django_capture_on_commit_callbacks: Capture) -> None:
        published_incident(world.alice)
        with pytest.raises(ValidationError):
            tasks.crimes_publish_start(actor=world.dee, force=world.force_a, month=timezone.localdate())
        with pytest.raises(PermissionDenied):
            tasks.crimes_publish_start(actor=world.alice, force=world.force_a, month=last_month())
        assert not Job.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.crimes_publish_start(actor=world.dee, force=world.force_a, month=last_month())
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED and job.result is not None and job.result["created"] == 1
        assert job.percent == 100 and "1 crime published" in job.message
        assert AuditEvent.objects.get(event_type=EventType.CRIMES_PUBLISHED).actor == world.dee

    def test_the_command(self, world: World, capsys: pytest.CaptureFixture[str]) -> None:
        published_incident(world.alice)
        call_command("publish_crimes", "cambridgeshire", f"{last_month():%Y-%m}")
        assert "Published 1 crimes" in capsys.readouterr().out
        for arguments in (
            ("nowhere", "2026-01"),
            ("cambridgeshire", "2026-13"),
            ("cambridgeshire", f"{timezone.localdate():%Y-%m}"),
        ):
            with pytest.raises(CommandError):
                call_command("publish_crimes", *arguments)
        with pytest.raises(CommandError, match="may not"):
            call_command("publish_crimes", "cambridgeshire", f"{last_month():%Y-%m}", "--as", "alice")
