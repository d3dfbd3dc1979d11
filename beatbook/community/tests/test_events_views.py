"""Engagement event pages: anonymous (to the login page), outsider (404), read-only (403), success
with its audit row, bad input (400, nothing stored), wrong methods (405); the list's filters and
pinned query count; the detail's record, officers and priorities; the calendar's London days and
month links; the CSV and GeoJSON downloads and their audit rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import EngagementEvent, EventKind, EventStatus, Priority
from beatbook.community.services import events as services
from beatbook.core.testing import World, browser_log_in

from .test_events_services import PRIVATE_TEXT, after, at, held, plan, soon

pytestmark = pytest.mark.django_db
LIST = reverse("community:events")
NEW = reverse("community:event-new")
CALENDAR = reverse("community:events-calendar")
CSV = reverse("community:events-export-csv")
GEOJSON = reverse("community:events-export-geojson")
FORMAT = "%Y-%m-%dT%H:%M"


def detail(event: EngagementEvent) -> str:
    return reverse("community:event-detail", args=[event.reference])


def page_of(name: str, event: EngagementEvent) -> str:
    return reverse(f"community:event-{name}", args=[event.reference])


def form(world: World, **overrides: Any) -> dict[str, Any]:
    starts = soon()
    return {
        "neighbourhood": world.a1.pk,
        "kind": EventKind.BEAT_SURGERY,
        "title": "Beat surgery at the library",
        "description": "Come and talk to us.",
        "address": "Central Library, Lion Yard",
        "lat": "52.2045",
        "lng": "0.1218",
        "starts_at": timezone.localtime(starts).strftime(FORMAT),
        "ends_at": timezone.localtime(starts + dt.timedelta(hours=2)).strftime(FORMAT),
        "officers": [world.alice.pk],
        "is_public": "on",
    } | overrides


def body(response: Any) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content.decode()


class AccessTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        event = plan(world)
        urls = [
            LIST,
            NEW,
            CALENDAR,
            CSV,
            GEOJSON,
            detail(event),
            *(page_of(n, event) for n in ("edit", "record", "cancel")),
        ]
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url

    def test_an_outsider_gets_404_and_a_read_only_persona_403(self, world: World) -> None:
        event = plan(world)
        hal, dee = world.client_for(world.hal), world.client_for(world.dee)
        for name in ("edit", "record", "cancel"):
            assert hal.get(page_of(name, event)).status_code == 404
            assert hal.post(page_of(name, event), {}).status_code == 404
            assert dee.get(page_of(name, event)).status_code == 403
            assert dee.post(page_of(name, event), {"reason": "x", "attendance": "1"}).status_code == 403
        assert hal.get(detail(event)).status_code == 404
        assert hal.get(reverse("community:event-detail", args=["CAMBS-EVT-1999-999999"])).status_code == 404
        assert dee.get(detail(event)).status_code == 200
        for who in (world.dee, world.fay, world.gus):
            assert world.client_for(who).get(NEW).status_code == 403
            assert world.client_for(who).post(NEW, form(world)).status_code == 403
        assert EngagementEvent.objects.count() == 1

    def test_wrong_methods_are_405(self, world: World) -> None:
        event = plan(world)
        client = world.client_for(world.alice)
        for url in (LIST, CALENDAR, CSV, GEOJSON, detail(event)):
            assert client.post(url).status_code == 405, url
        for url in (NEW, page_of("edit", event), page_of("record", event), page_of("cancel", event)):
            assert client.put(url).status_code == 405, url


class ListTests:
    def test_it_lists_what_the_actor_sees_with_filters(self, world: World) -> None:
        meeting = plan(world, title="Spring public meeting", kind=EventKind.PUBLIC_MEETING)
        surgery = plan(world, title="Surgery on the green", kind=EventKind.BEAT_SURGERY, is_public=False)
        page = body(world.client_for(world.alice).get(LIST))
        assert meeting.reference in page and surgery.reference in page and 'data-testid="plan"' in page
        page = body(world.client_for(world.alice).get(LIST, {"kind": EventKind.BEAT_SURGERY}))
        assert surgery.reference in page and meeting.reference not in page
        page = body(world.client_for(world.alice).get(LIST, {"public": "no", "q": "green"}))
        assert surgery.reference in page and meeting.reference not in page
        page = body(world.client_for(world.alice).get(LIST, {"kind": "nonsense", "date_from": "31/02"}))
        assert surgery.reference in page and meeting.reference in page  # bad filters are ignored
        page = body(world.client_for(world.hal).get(LIST))
        assert meeting.reference not in page and 'data-testid="event-row"' not in page
        page = body(world.client_for(world.dee).get(LIST))
        assert meeting.reference in page and 'data-testid="plan"' not in page

    def test_the_list_costs_the_same_queries_for_one_or_many(
        self, world: World, django_assert_max_num_queries: Any, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        plan(world, officer_ids=(world.alice.pk, world.bob.pk))
        client = world.client_for(world.alice)
        client.get(LIST)  # warm the session
        # Session and user (2), count, events, officers (3), may plan, may export (2), the menu (about 3),
        # the neighbourhood filter's choices (2), the session's save (3).
        with django_assert_max_num_queries(16) as one:
            client.get(LIST)
        for n in range(6):
            plan(world, officer_ids=(world.alice.pk, world.bob.pk), starts_at=soon(days=n + 2))
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(LIST)
        assert body(response).count('data-testid="event-row"') == 7


class PlanTests:
    def test_it_plans_the_event(self, world: World) -> None:
        client = world.client_for(world.alice)
        page = client.get(NEW, {"neighbourhood": world.a1.pk})
        assert page.status_code == 200 and 'id="pick-map"' in body(page)
        response = client.post(NEW, form(world, officers=[world.alice.pk, world.bob.pk]))
        event = EngagementEvent.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(event)
        assert event.is_public and event.kind == EventKind.BEAT_SURGERY and event.lat == pytest.approx(52.2045)
        assert set(event.officers.values_list("pk", flat=True)) == {world.alice.pk, world.bob.pk}
        assert AuditEvent.objects.filter(
            event_type=EventType.ENGAGEMENT_EVENT_CREATED, object_id=str(event.pk), request_id=response["X-Request-ID"]
        ).exists()

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"title": ""}, "Give the event a title"),
            ({"neighbourhood": "999999"}, "Choose the neighbourhood"),
            ({"lat": ""}, "Give both the latitude and the longitude, or neither."),
            ({"lat": "48.85", "lng": "2.35"}, "Latitude must be within the UK"),
            ({"ends_at": "2020-01-01T10:00"}, "The event cannot end before it starts."),
            ({"starts_at": "not a date"}, "Enter a real date and time"),
        ],
    )
    def test_bad_input_is_shown_and_nothing_is_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        response = world.client_for(world.alice).post(NEW, form(world, **overrides))
        assert response.status_code == 400
        assert message in body(response) and "There is a problem" in body(response)
        assert not EngagementEvent.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENT_CREATED).exists()

    def test_another_neighbourhood_or_officer_is_not_a_choice(self, world: World) -> None:
        client = world.client_for(world.alice)
        assert client.post(NEW, form(world, neighbourhood=world.a2.pk)).status_code == 400
        assert client.post(NEW, form(world, officers=[world.hal.pk])).status_code == 400
        assert f'value="{world.charlie.pk}"' not in body(client.get(NEW))
        assert not EngagementEvent.objects.exists()


class DetailTests:
    def test_it_shows_the_event_the_record_and_links_to_set_priorities(self, world: World) -> None:
        event = held(world, officer_ids=(world.alice.pk,))
        services.event_record(
            actor=world.alice,
            event=event,
            data=services.EventRecord(
                attendance=23,
                issues_raised="Parking outside the school\nASB in the park",
                notes=PRIVATE_TEXT,
                officer_ids=(world.alice.pk, world.bob.pk),
            ),
        )
        set_on = timezone.localdate()
        Priority.objects.create(
            reference="CAMBS-PRI-2026-000001",
            force=world.force_a,
            neighbourhood=world.a1,
            issue="Parking outside the school",
            set_on=set_on,
            source_event=event,
            owner=world.alice,
            review_on=set_on + dt.timedelta(days=90),
            last_update_on=set_on,
            created_by=world.alice,
            updated_by=world.alice,
        )
        page = body(world.client_for(world.alice).get(detail(event)))
        assert 'data-testid="attendance">23<' in page and PRIVATE_TEXT in page
        assert "Alice (7001)" in page and "Bob (1234)" in page
        assert "Priorities set from this event" in page and "CAMBS-PRI-2026-000001" in page
        new = reverse("community:priority-new")
        assert f'href="{new}?event={event.reference}&amp;issue=0"' in page
        assert f'href="{new}?event={event.reference}&amp;issue=1"' in page
        assert 'data-testid="cancel"' not in page and 'data-testid="record"' in page
        # Dee sees the event but may not act on it, nor set priorities from it.
        page = body(world.client_for(world.dee).get(detail(event)))
        assert "CAMBS-PRI-2026-000001" in page and "issue=0" not in page and 'data-testid="edit"' not in page

    def test_a_planned_event_has_no_record_yet(self, world: World) -> None:
        event = plan(world)
        page = body(world.client_for(world.alice).get(detail(event)))
        assert 'data-testid="cancel"' in page and 'data-testid="edit"' in page
        assert 'data-testid="record"' not in page  # not started yet
        assert "Priorities set from this event" not in page


class EditTests:
    def test_it_saves_the_change(self, world: World) -> None:
        event = plan(world)
        client = world.client_for(world.alice)
        shown = body(client.get(page_of("edit", event)))
        assert 'name="version" value="1"' in shown and "Meet your neighbourhood team" in shown
        response = client.post(page_of("edit", event), form(world, title="Changed title", version="1"))
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.title == "Changed title" and event.version == 2
        assert AuditEvent.objects.filter(
            event_type=EventType.ENGAGEMENT_EVENT_UPDATED, object_id=str(event.pk)
        ).exists()

    def test_a_stale_version_says_who_changed_it_and_saves_nothing(self, world: World) -> None:
        event = plan(world)
        services.event_update(
            actor=world.bob,
            event=event,
            data=services.EventData(**{**_data_of(event), "title": "Bob's"}),
            expected_version=1,
        )
        response = world.client_for(world.alice).post(page_of("edit", event), form(world, title="Mine", version="1"))
        assert response.status_code == 400 and "Bob changed this event" in body(response)
        event.refresh_from_db()
        assert event.title == "Bob's" and event.version == 2

    def test_bad_input_saves_nothing(self, world: World) -> None:
        event = plan(world)
        response = world.client_for(world.alice).post(page_of("edit", event), form(world, address="", version="1"))
        assert response.status_code == 400 and "Say where the event takes place" in body(response)
        event.refresh_from_db()
        assert event.version == 1 and event.address


def _data_of(event: EngagementEvent) -> dict[str, Any]:
    return {
        "neighbourhood": event.neighbourhood,
        "kind": event.kind,
        "title": event.title,
        "address": event.address,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
    }


class RecordAndCancelTests:
    def test_recording_an_event_that_has_started(self, world: World) -> None:
        event = plan(world, starts_at=timezone.now() - dt.timedelta(hours=2), officer_ids=(world.alice.pk,))
        client = world.client_for(world.alice)
        shown = body(client.get(page_of("record", event)))
        assert f'value="{world.alice.pk}" checked' in shown
        bad = client.post(page_of("record", event), {"attendance": "-3", "version": "1"})
        assert bad.status_code == 400 and EngagementEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED
        response = client.post(
            page_of("record", event),
            {
                "attendance": "31",
                "issues_raised": "Speeding\nDrug litter",
                "officers": [world.alice.pk],
                "version": "1",
            },
        )
        assert response.status_code == 302
        event.refresh_from_db()
        assert (
            event.status == EventStatus.HELD
            and event.attendance == 31
            and event.issue_lines == ["Speeding", "Drug litter"]
        )
        assert AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENT_RECORDED).count() == 1

    def test_an_event_not_started_cannot_be_recorded(self, world: World) -> None:
        event = plan(world)
        response = world.client_for(world.alice).post(page_of("record", event), {"attendance": "5"})
        assert response.status_code == 400 and "has not started yet" in body(response)
        assert EngagementEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED

    def test_cancelling(self, world: World) -> None:
        event = plan(world)
        client = world.client_for(world.alice)
        blank = client.post(page_of("cancel", event), {"reason": "  ", "version": "1"})
        assert blank.status_code == 400 and EngagementEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED
        response = client.post(page_of("cancel", event), {"reason": "The hall is flooded", "version": "1"})
        assert response.status_code == 302
        page = body(client.get(detail(event)))
        assert "The hall is flooded" in page and 'data-testid="edit"' not in page and 'data-testid="cancel"' not in page
        assert AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENT_CANCELLED).count() == 1


class CalendarTests:
    def test_a_clock_change_month_on_london_days(self, world: World) -> None:
        plan(world, title="Before the change", starts_at=at(2026, 3, 29, 0, 30), ends_at=at(2026, 3, 29, 1, 30))
        plan(world, title="After the change", starts_at=at(2026, 3, 29, 23, 30), ends_at=at(2026, 3, 30, 0, 30))
        plan(world, title="Midnight into April", starts_at=at(2026, 3, 31, 23, 0), ends_at=at(2026, 4, 1, 0, 30))
        client = world.client_for(world.alice)
        response = client.get(CALENDAR, {"neighbourhood": str(world.a1.pk), "month": "2026-03"})
        page = body(response)
        assert response.status_code == 200 and "March 2026" in page
        assert page.count('data-testid="calendar-event"') == 2
        day_29 = page.split('data-day="2026-03-29"')[1].split("</td>")[0]
        day_30 = page.split('data-day="2026-03-30"')[1].split("</td>")[0]
        assert "00:30 Before the change" in day_29 and "01:30 After the change" not in day_29
        assert "00:30 After the change" in day_30
        assert "month=2026-02" in page and "month=2026-04" in page
        april = body(client.get(CALENDAR, {"neighbourhood": str(world.a1.pk), "month": "2026-04"}))
        assert "00:00 Midnight into April" in april.split('data-day="2026-04-01"')[1].split("</td>")[0]

    def test_defaults_scope_and_bad_input(self, world: World) -> None:
        client = world.client_for(world.alice)
        page = body(client.get(CALENDAR))
        assert f"{timezone.localdate():%B %Y}" in page and "City Centre" in page
        assert world.client_for(world.hal).get(CALENDAR, {"neighbourhood": world.a1.pk}).status_code == 404
        assert client.get(CALENDAR, {"neighbourhood": world.a2.pk}).status_code == 404
        assert client.get(CALENDAR, {"neighbourhood": "x"}).status_code == 404
        bad = client.get(CALENDAR, {"neighbourhood": str(world.a1.pk), "month": "2026-13"})
        assert bad.status_code == 400 and "Give the month" in body(bad)
        assert "You see no neighbourhood" in body(world.client_for(world.gus).get(CALENDAR))


class ExportTests:
    def test_the_csv_has_the_columns_and_no_internal_text_and_is_audited(self, world: World) -> None:
        event = held(world)
        services.event_record(
            actor=world.alice,
            event=event,
            data=services.EventRecord(attendance=12, issues_raised="One\nTwo", notes=PRIVATE_TEXT),
        )
        plan(world, kind=EventKind.SCHOOL_VISIT, is_public=False)
        response = world.client_for(world.alice).get(CSV, {"status": "held"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body(response))))
        assert rows[0] == [
            "reference",
            "force",
            "neighbourhood_code",
            "neighbourhood",
            "kind",
            "title",
            "place",
            "starts_at",
            "ends_at",
            "public",
            "status",
            "attendance",
            "issues_raised",
        ]
        start = timezone.localtime(event.starts_at).isoformat()
        assert rows[1:] == [
            [
                event.reference,
                "cambridgeshire",
                "CC01",
                "City Centre",
                "public_meeting",
                event.title,
                event.address,
                start,
                timezone.localtime(event.ends_at).isoformat(),
                "yes",
                "held",
                "12",
                "2",
            ]
        ]
        assert PRIVATE_TEXT not in body(response)
        audit = AuditEvent.objects.get(event_type=EventType.ENGAGEMENT_EVENTS_EXPORTED)
        assert (
            after(audit)["filters"] == {"status": "held"}
            and after(audit)["rows"] == 1
            and after(audit)["format"] == "csv"
        )
        assert audit.request_id == response["X-Request-ID"]

    def test_the_geojson_has_points_and_null_geometries(self, world: World) -> None:
        placed = plan(world, title="In the hall")
        online = plan(world, title="Online", lat=None, lng=None, kind=EventKind.ONLINE, starts_at=soon(days=9))
        response = world.client_for(world.bob).get(GEOJSON)
        assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
        assert "attachment" in response["Content-Disposition"]
        collection = json.loads(body(response))
        features = {f["properties"]["reference"]: f for f in collection["features"]}
        assert collection["type"] == "FeatureCollection" and set(features) == {placed.reference, online.reference}
        assert features[placed.reference]["geometry"] == {"type": "Point", "coordinates": [0.119, 52.205]}
        assert features[online.reference]["geometry"] is None
        assert features[online.reference]["properties"]["public"] is True
        audit = AuditEvent.objects.get(event_type=EventType.ENGAGEMENT_EVENTS_EXPORTED)
        assert after(audit)["rows"] == 2 and after(audit)["format"] == "geojson"

    def test_a_partner_user_cannot_download(self, world: World) -> None:
        assert world.client_for(world.gus).get(CSV).status_code == 403
        assert world.client_for(world.gus).get(GEOJSON).status_code == 403
        assert not AuditEvent.objects.filter(event_type=EventType.ENGAGEMENT_EVENTS_EXPORTED).exists()


def _problems(page: Page) -> list[str]:
    """Console errors (a Content Security Policy refusal shows there) and failed requests."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on(
        "response",
        lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    return found


def _fits(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_pcso_plans_records_and_finds_an_event(page: Page, live_server: Any, live_world: World) -> None:
    errors = _problems(page)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{NEW}")
    _fits(page)
    started = timezone.localtime() - dt.timedelta(hours=1)
    page.get_by_label("Neighbourhood", exact=True).select_option(label="City Centre")
    page.get_by_label("Kind of event").select_option(label="Street or beat surgery")
    page.get_by_label("Title", exact=True).fill("Beat surgery outside CAMBS-EVT-LONG-REFERENCE-LIBRARY-ENTRANCE")
    page.get_by_label("Starts", exact=True).fill(started.strftime(FORMAT))
    page.get_by_label("Ends", exact=True).fill((started + dt.timedelta(hours=2)).strftime(FORMAT))
    page.get_by_label("Place", exact=True).fill("Central Library, Lion Yard")
    page.get_by_label("Publish this event").check()
    page.get_by_role("button", name="Plan the event").click()
    expect(page.get_by_test_id("event-status")).to_contain_text("Planned")
    _fits(page)
    page.get_by_test_id("record").click()
    page.get_by_label("How many people came?").fill("14")
    page.get_by_label("Issues raised").fill("Parking outside the school\nDrug litter in the alley")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_test_id("attendance")).to_have_text("14")
    expect(page.get_by_test_id("issues").locator("li")).to_have_count(2)
    _fits(page)
    page.goto(f"{live_server.url}{LIST}")
    expect(page.get_by_test_id("event-row")).to_have_count(1)
    _fits(page)
    page.goto(f"{live_server.url}{CALENDAR}")
    expect(page.get_by_test_id("calendar-event")).to_have_count(1)
    _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.get_by_test_id("calendar").locator("thead")).to_be_visible()  # a grid on a wide screen
    assert errors == [], f"problems: {errors}"
