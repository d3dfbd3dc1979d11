"""The priority pages: who reaches them (anonymous, outsider 404, read-only 403), the list with its
"due for review" badge and filter and its pinned query count, setting a priority from an event
(prefilled, linked back), the timeline with internal actions marked, the changes and their
refusals (nothing stored), publication, the audited exports, and the home page's panel."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import CommunitySettings, Priority, PriorityAction
from beatbook.community.services import priorities as services
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.org.models import Posting

from .test_priorities_services import ISSUE, days_ago, make_event, make_priority

LIST = "/community/priorities/"
NEW = "/community/priorities/new/"


def page_of(reference: str, suffix: str = "") -> str:
    return f"/community/priorities/{reference}/{suffix}"


class AccessTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        priority = make_priority(world)
        urls = [LIST, NEW, page_of(priority.reference), page_of(priority.reference, "edit/")]
        urls += ["/community/priorities/export.csv", "/community/priorities/export.geojson"]
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        response = Client().post(page_of(priority.reference, "actions/"), {"taken_on": today(), "text": "x"})
        assert response.status_code == 302
        assert not PriorityAction.objects.exists()

    def test_outsiders_get_404_and_read_only_personas_403(self, world: World) -> None:
        priority = make_priority(world)
        data = {"taken_on": today().isoformat(), "text": "Patrols", "is_public": "on"}
        for outsider in (world.hal, world.charlie, world.gus):
            client = world.client_for(outsider)
            assert client.get(page_of(priority.reference)).status_code == 404
            assert client.get(page_of(priority.reference, "edit/")).status_code == 404
            assert client.post(page_of(priority.reference, "actions/"), data).status_code == 404
        assert world.client_for(world.alice).get(page_of("CAMBS-PRI-1999-999999")).status_code == 404
        for reader in (world.dee, world.fay):
            client = world.client_for(reader)
            body = client.get(page_of(priority.reference)).content.decode()
            assert ISSUE.replace("'", "&#x27;") in body and "Edit the priority" not in body
            assert client.get(NEW).status_code == 403
            assert client.get(page_of(priority.reference, "edit/")).status_code == 403
            assert client.post(page_of(priority.reference, "actions/"), data).status_code == 403
            assert client.post(page_of(priority.reference, "publish/")).status_code == 403
        assert not PriorityAction.objects.exists()

    def test_wrong_methods(self, world: World) -> None:
        priority = make_priority(world)
        client = world.client_for(world.alice)
        for suffix in ("actions/", "status/", "publish/", "unpublish/"):
            assert client.get(page_of(priority.reference, suffix)).status_code == 405
        assert client.post(LIST).status_code == 405
        assert client.post(page_of(priority.reference)).status_code == 405


class ListTests:
    def test_the_list_is_scoped_with_a_due_badge_and_filter(self, world: World) -> None:
        due = make_priority(world, set_on=days_ago(100), issue="Speeding on Mill Road")
        make_priority(world, set_on=days_ago(3), issue="Litter in the park")
        make_priority(world, actor=world.charlie, neighbourhood=world.a2, issue="Graffiti on the bridge")
        body = world.client_for(world.alice).get(LIST).content.decode()
        assert "Speeding" in body and "Litter" in body and "Graffiti" not in body
        assert body.count('data-testid="due-review"') == 1 and 'data-testid="due-count"' in body
        assert "Set a priority" in body
        only_due = world.client_for(world.alice).get(LIST, {"due": "on"}).content.decode()
        assert due.reference in only_due and "Litter" not in only_due
        bob = world.client_for(world.bob).get(LIST, {"q": "graffiti"}).content.decode()
        assert "Graffiti" in bob and "Speeding" not in bob
        dee = world.client_for(world.dee).get(LIST).content.decode()
        assert "Graffiti" in dee and "Set a priority" not in dee
        assert world.client_for(world.hal).get(LIST).content.decode().count("<tr") == 0
        assert world.client_for(world.alice).get(LIST, {"status": "nonsense"}).status_code == 200

    def test_the_list_costs_the_same_queries_for_one_or_many(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        make_priority(world)
        client = world.client_for(world.bob)
        client.get(LIST)
        with django_assert_max_num_queries(16) as one:
            client.get(LIST)
        for n in range(6):
            priority = make_priority(world, actor=world.bob, neighbourhood=world.a2, owner=world.charlie)
            services.priority_add_action(actor=world.bob, priority=priority, taken_on=today(), text=f"Step {n}")
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(LIST)
        assert response.content.decode().count("<tr") == 8


class CreateTests:
    def test_setting_a_priority(self, world: World) -> None:
        client = world.client_for(world.alice)
        form = client.get(NEW)
        assert form.status_code == 200 and f'type="date" value="{today().isoformat()}"' in form.content.decode()
        data = {"neighbourhood": world.a1.pk, "issue": ISSUE, "set_on": days_ago(1).isoformat(), "is_published": "on"}
        response = client.post(NEW, data)
        priority = Priority.objects.get()
        assert response.status_code == 302 and response["Location"] == page_of(priority.reference)
        assert priority.is_published and priority.owner == world.alice and priority.source_event is None
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_CREATED, object_id=str(priority.pk)).exists()

    def test_dates_in_the_wrong_order_are_refused_with_nothing_stored(self, world: World) -> None:
        client = world.client_for(world.alice)
        data = {
            "neighbourhood": world.a1.pk,
            "issue": ISSUE,
            "set_on": days_ago(1).isoformat(),
            "review_on": days_ago(2).isoformat(),
        }
        response = client.post(NEW, data)
        assert response.status_code == 400
        assert "The review date cannot be before the date set." in response.content.decode()
        future = data | {"set_on": (today() + dt.timedelta(days=1)).isoformat(), "review_on": ""}
        response = client.post(NEW, future)
        assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
        response = client.post(NEW, data | {"neighbourhood": world.a2.pk, "review_on": ""})
        assert response.status_code == 400  # not one of hers
        assert not Priority.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.PRIORITY_CREATED).exists()

    def test_set_from_an_event_prefills_and_links_back(self, world: World) -> None:
        event = make_event(
            world, world.a1, on=days_ago(4), issues="Speeding on Mill Road\n\nParking outside the school"
        )
        client = world.client_for(world.alice)
        body = client.get(reverse("community:priority-new"), {"event": event.reference, "issue": "1"}).content.decode()
        assert "Parking outside the school</textarea>" in body
        assert f'name="source_event" value="{event.reference}"' in body
        assert f'<option value="{world.a1.pk}" selected>' in body
        assert 'data-testid="source-event"' in body and event.title in body
        for junk in ("9", "-1", "x"):  # an issue that is not there prefills no text, but keeps the event
            body = client.get(NEW, {"event": event.reference, "issue": junk}).content.decode()
            assert "></textarea>" in body and f'value="{event.reference}"' in body
        hidden = make_event(world, world.a2, by=world.charlie)  # not Alice's: no prefill at all
        body = client.get(NEW, {"event": hidden.reference, "issue": "0"}).content.decode()
        assert f'value="{hidden.reference}"' not in body and "Speeding" not in body
        data = {
            "neighbourhood": world.a1.pk,
            "issue": "Parking outside the school",
            "set_on": days_ago(5).isoformat(),  # before the event: refused
            "source_event": event.reference,
        }
        response = client.post(NEW, data)
        assert response.status_code == 400 and "before the event that raised it" in response.content.decode()
        assert not Priority.objects.exists()
        assert client.post(NEW, data | {"source_event": hidden.reference}).status_code == 400
        response = client.post(NEW, data | {"set_on": days_ago(4).isoformat()})
        priority = Priority.objects.get()
        assert response.status_code == 302 and priority.source_event == event
        body = client.get(page_of(priority.reference)).content.decode()
        assert f'href="/community/events/{event.reference}/"' in body and event.title in body

    def test_the_event_link_shows_only_to_those_who_see_the_event(self, world: World) -> None:
        event = make_event(world, world.a1, on=days_ago(4), by=world.bob)
        priority = make_priority(world, source_event=event, set_on=days_ago(4))
        link = f'href="/community/events/{event.reference}/"'
        assert link in world.client_for(world.dee).get(page_of(priority.reference)).content.decode()
        # Alice moves on: she still sees the priority she owns, but no longer the event.
        Posting.objects.filter(person=world.alice).update(valid_to=days_ago(1))
        body = world.client_for(world.alice).get(page_of(priority.reference)).content.decode()
        assert event.title in body and link not in body


class DetailTests:
    def test_the_timeline_marks_internal_actions(self, world: World) -> None:
        CommunitySettings.objects.create(force=world.force_a, priority_review_days=14)
        priority = make_priority(world, set_on=days_ago(40))
        services.priority_add_action(actor=world.alice, priority=priority, taken_on=days_ago(30), text="Leaflet drop")
        services.priority_add_action(
            actor=world.bob, priority=priority, taken_on=days_ago(20), text="Met the head teacher", is_public=False
        )
        body = world.client_for(world.alice).get(page_of(priority.reference)).content.decode()
        assert "You said" in body and "We did" in body
        assert body.index("Leaflet drop") < body.index("Met the head teacher")  # oldest first
        assert body.count('govuk-tag--grey">Internal') == 1
        assert "review period of 14 days" in body and 'data-testid="due-review"' in body
        assert "Edit the priority" in body and "Record an action" in body and "Publish" in body

    def test_adding_an_action(self, world: World) -> None:
        priority = make_priority(world, set_on=days_ago(10))
        client = world.client_for(world.alice)
        url = page_of(priority.reference, "actions/")
        response = client.post(url, {"taken_on": (today() + dt.timedelta(days=1)).isoformat(), "text": "Patrols"})
        assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
        response = client.post(url, {"taken_on": days_ago(11).isoformat(), "text": "Patrols"})
        assert response.status_code == 400 and "before the priority was set" in response.content.decode()
        assert not PriorityAction.objects.exists()
        response = client.post(url, {"taken_on": days_ago(2).isoformat(), "text": "Patrols"})
        assert response.status_code == 302
        action = PriorityAction.objects.get()
        assert not action.is_public  # the box was not ticked
        priority.refresh_from_db()
        assert priority.last_update_on == days_ago(2)
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_ACTION_ADDED).count() == 1

    def test_editing_with_a_stale_version(self, world: World) -> None:
        priority = make_priority(world)
        client = world.client_for(world.alice)
        form = {
            "issue": "Parking",
            "owner": world.bob.pk,
            "review_on": today().isoformat(),
            "version": 1,
        }
        edit = client.get(page_of(priority.reference, "edit/")).content.decode()
        assert f'type="date" value="{priority.review_on.isoformat()}"' in edit
        services.priority_update(actor=world.bob, priority=priority, expected_version=1, review_on=today())
        response = client.post(page_of(priority.reference, "edit/"), form)
        assert response.status_code == 400 and "after you opened it" in response.content.decode()
        priority.refresh_from_db()
        assert priority.issue == ISSUE and priority.owner == world.alice
        response = client.post(page_of(priority.reference, "edit/"), form | {"version": 2})
        assert response.status_code == 302
        priority.refresh_from_db()
        assert (priority.issue, priority.owner, priority.version) == ("Parking", world.bob, 3)
        response = client.post(page_of(priority.reference, "edit/"), form | {"version": 3, "owner": world.charlie.pk})
        assert response.status_code == 400  # Charlie does not work in A1

    def test_status_and_publication(self, world: World) -> None:
        priority = make_priority(world)
        client = world.client_for(world.alice)
        status = page_of(priority.reference, "status/")
        response = client.post(status, {"status": "resolved", "reason": "", "version": 1})
        assert response.status_code == 400
        response = client.post(status, {"status": "resolved", "reason": "Cones placed", "version": 1})
        assert response.status_code == 302
        body = client.get(page_of(priority.reference)).content.decode()
        assert "Cones placed" in body and "Record an action" not in body and "Reopen" in body
        assert client.post(page_of(priority.reference, "publish/")).status_code == 302
        priority.refresh_from_db()
        assert priority.is_published
        assert client.post(page_of(priority.reference, "unpublish/")).status_code == 302
        priority.refresh_from_db()
        assert not Priority.objects.get().is_published
        client.post(status, {"status": "open", "reason": "Back again", "version": priority.version})
        client.post(status, {"status": "withdrawn", "reason": "Duplicate", "version": priority.version + 1})
        response = client.post(page_of(priority.reference, "publish/"), follow=True)
        assert "A withdrawn priority cannot be published" in response.content.decode()
        assert Priority.objects.values_list("status", "is_published").get() == ("withdrawn", False)
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_PUBLISHED).count() == 1
        assert AuditEvent.objects.filter(event_type=EventType.PRIORITY_STATUS_CHANGED).count() == 3


class ExportTests:
    def test_csv_and_geojson_follow_the_filters_and_are_audited(self, world: World) -> None:
        event = make_event(world, world.a1, on=days_ago(3), lat=52.2051, lng=0.1191)
        make_priority(world, source_event=event, set_on=days_ago(2), issue="=cmd|' /C calc'!A0")
        make_priority(world, actor=world.charlie, neighbourhood=world.a2, issue="Graffiti")
        client = world.client_for(world.alice)
        response = client.get("/community/priorities/export.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        lines = text.strip().splitlines()
        assert lines[0] == ",".join(services.EXPORT_COLUMNS)
        assert len(lines) == 2 and "'=cmd" in lines[1] and "Graffiti" not in text  # scoped; formula made safe
        response = world.client_for(world.bob).get("/community/priorities/export.geojson", {"q": "graffiti"})
        assert response["Content-Type"] == "application/geo+json"
        features = json.loads(response.content)["features"]
        assert [f["properties"]["issue"] for f in features] == ["Graffiti"]
        assert features[0]["geometry"]["coordinates"] == [world.a2.centre_lng, world.a2.centre_lat]
        audits = AuditEvent.objects.filter(event_type=EventType.PRIORITIES_EXPORTED).order_by("id")
        assert [e.after["format"] for e in audits] == ["csv", "geojson"]  # type: ignore[index]
        assert audits[1].after["filters"] == {"text": "graffiti"}  # type: ignore[index]


class HomeTests:
    def test_the_owner_and_the_supervisor_see_the_panel_another_pcso_does_not(self, world: World) -> None:
        due = make_priority(world, set_on=days_ago(100))
        make_priority(world, set_on=days_ago(10))
        for who in (world.alice, world.bob):
            body = world.client_for(who).get("/").content.decode()
            assert 'data-testid="priorities-due"' in body and due.reference in body
            assert body.count("/community/priorities/CAMBS-PRI-") == 1
        for who in (world.charlie, world.dee, world.gus, world.hal):
            assert 'data-testid="priorities-due"' not in world.client_for(who).get("/").content.decode()
