"""Audit search, event and export pages: auditors only, own forces only, and every look audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beatbook.audit import selectors
from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta, record
from beatbook.core.testing import World

pytestmark = pytest.mark.django_db

SEARCH = reverse("audit:search")
EXPORT = reverse("audit:export")


def event_url(event: AuditEvent) -> str:
    return reverse("audit:event", args=[event.pk])


def searched(world: World, **filters: str | int) -> list[AuditEvent]:
    response = world.client_for(world.fay).get(SEARCH, filters)
    assert response.status_code == 200
    return list(response.context["page"].items)


def csv_rows(response: HttpResponseBase) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(body)))


def a_force_a_event(world: World) -> AuditEvent:
    event = AuditEvent.objects.filter(force=world.force_a).order_by("id").first()
    assert event is not None
    return event


class AccessTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        for url in (SEARCH, EXPORT, event_url(a_force_a_event(world))):
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "erin", "gus", "hal", "ivy"])
    def test_everyone_but_auditors_gets_403(self, world: World, who: str) -> None:
        client = world.client_for(getattr(world, who))
        for url in (SEARCH, EXPORT, event_url(a_force_a_event(world))):
            assert client.get(url).status_code == 403
        assert not AuditEvent.objects.filter(
            event_type__in=[EventType.AUDIT_SEARCHED, EventType.AUDIT_EXPORTED]
        ).exists()

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.fay).post(SEARCH).status_code == 405


class SearchTests:
    def test_the_auditor_sees_her_forces_events_only_newest_first(self, world: World) -> None:
        items = searched(world)
        assert items
        assert {e.force_id for e in items} == {world.force_a.pk}
        times = [(e.occurred_at, e.pk) for e in items]
        assert times == sorted(times, reverse=True)
        derbyshire = AuditEvent.objects.filter(force=world.force_b)
        assert derbyshire.exists()
        assert not {e.pk for e in derbyshire} & {e.pk for e in items}
        body = world.client_for(world.fay).get(SEARCH).content.decode()
        assert "Derby City Centre" not in body
        assert "Cherry Hinton" in body

    def test_each_search_is_audited_with_its_filters(self, world: World) -> None:
        client = world.client_for(world.fay)
        filters: dict[str, str | int] = {"text": "Cherry", "event_type": int(EventType.NEIGHBOURHOOD_CREATED)}
        response = client.get(SEARCH, filters)
        assert response.status_code == 200
        event = AuditEvent.objects.get(event_type=EventType.AUDIT_SEARCHED)
        assert event.actor == world.fay
        assert event.force_id == world.force_a.pk
        assert event.request_id == response["X-Request-ID"]
        assert event.after == {
            "filters": {"event_type": int(EventType.NEIGHBOURHOOD_CREATED), "text": "Cherry"},
            "page": 1,
            "results": 1,
        }

    def test_filter_by_event_type_and_text(self, world: World) -> None:
        items = searched(world, event_type=int(EventType.NEIGHBOURHOOD_CREATED))
        assert {e.object_repr for e in items} == {"City Centre", "Cherry Hinton"}
        found = searched(world, text="cherry")
        assert "Cherry Hinton" in {e.object_repr for e in found}
        assert all("Cherry Hinton" in e.object_repr for e in found)
        assert [
            e.object_repr for e in searched(world, text="cherry", event_type=int(EventType.NEIGHBOURHOOD_CREATED))
        ] == ["Cherry Hinton"]

    def test_filter_by_actor_username_collar_number_or_name(self, world: World) -> None:
        mine = record(actor=world.alice, event=EventType.PERSON_UPDATED, obj=world.alice, reason="typo fixed")
        for term in ("alice", "7001", "Alice"):
            assert [e.pk for e in searched(world, actor=term)] == [mine.pk]
        assert searched(world, actor="nobody-like-this") == []

    def test_filter_by_object(self, world: World) -> None:
        items = searched(world, object_type="org.neighbourhood", object_id=str(world.a2.pk))
        assert [(e.event_type, e.object_repr) for e in items] == [(EventType.NEIGHBOURHOOD_CREATED, "Cherry Hinton")]

    def test_filter_by_request_id_and_reason(self, world: World) -> None:
        mine = record(
            actor=world.erin,
            event=EventType.PERSON_DEACTIVATED,
            obj=world.charlie,
            reason="Left the force",
            meta=AuditMeta(request_id="abcdef123456"),
        )
        assert [e.pk for e in searched(world, request_id="abcdef123456")] == [mine.pk]
        assert [e.pk for e in searched(world, text="left the FORCE")] == [mine.pk]

    def test_filter_by_london_dates(self, world: World) -> None:
        today = timezone.localdate()

        def everything() -> int:  # each search adds its own AUDIT_SEARCHED event
            return AuditEvent.objects.filter(force=world.force_a).count()

        expected = everything()
        assert len(searched(world, date_from=today.isoformat(), date_to=today.isoformat())) == expected
        assert searched(world, date_from=(today + dt.timedelta(days=1)).isoformat()) == []
        assert searched(world, date_to=(today - dt.timedelta(days=1)).isoformat()) == []
        expected = everything()
        assert len(searched(world, date_from=today.strftime("%d/%m/%Y"))) == expected

    def test_a_london_date_starts_at_london_midnight(self) -> None:
        summer = selectors.london_midnight(dt.date(2025, 7, 1))
        winter = selectors.london_midnight(dt.date(2025, 1, 1))
        assert summer.astimezone(dt.UTC) == dt.datetime(2025, 6, 30, 23, 0, tzinfo=dt.UTC)
        assert winter.astimezone(dt.UTC) == dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.UTC)

    def test_results_are_paginated(self, world: World, settings: Any) -> None:
        settings.BEATBOOK_PAGE_SIZE = 5
        total = AuditEvent.objects.filter(force=world.force_a).count()
        response = world.client_for(world.fay).get(SEARCH, {"page": 2})
        page = response.context["page"]
        assert (page.number, page.total, len(page.items)) == (2, total, 5)
        assert "page=3" in response.content.decode()

    def test_the_search_page_costs_the_same_queries_whatever_it_finds(
        self, world: World, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        client = world.client_for(world.fay)
        client.get(SEARCH)  # warm caches (content types)
        with django_assert_num_queries(20) as few:
            assert client.get(SEARCH, {"text": "Cherry"}).status_code == 200
        for n in range(30):
            record(actor=world.alice, event=EventType.PERSON_UPDATED, obj=world.alice, after={"n": n})
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(SEARCH)
        assert len(response.context["page"].items) > 30


class BadInputTests:
    @pytest.mark.parametrize(
        ("filters", "field"),
        [
            ({"date_from": "2024-13-45"}, "date_from"),
            ({"date_to": "yesterday"}, "date_to"),
            ({"date_from": "0001-01-01"}, "date_from"),
            ({"date_from": "2025-02-02", "date_to": "2025-02-01"}, "date_to"),
            ({"event_type": "999"}, "event_type"),
            ({"event_type": "logged-in"}, "event_type"),
            ({"object_type": "org.nothing"}, "object_type"),
            ({"text": "x" * 201}, "text"),
            ({"actor": "y" * 161}, "actor"),
            ({"request_id": "z" * 65}, "request_id"),
        ],
    )
    def test_bad_filters_are_field_errors_and_nothing_is_recorded(
        self, world: World, filters: dict[str, str], field: str
    ) -> None:
        client = world.client_for(world.fay)
        for url in (SEARCH, EXPORT):
            response = client.get(url, filters)
            assert response.status_code == 400
            assert field in response.context["form"].errors
            assert response.context["page"] is None
            assert "govuk-error-summary" in response.content.decode()
        assert not AuditEvent.objects.filter(
            event_type__in=[EventType.AUDIT_SEARCHED, EventType.AUDIT_EXPORTED]
        ).exists()


class EventTests:
    def test_the_auditor_sees_one_event_in_full(self, world: World) -> None:
        event = record(
            actor=world.erin,
            event=EventType.NEIGHBOURHOOD_UPDATED,
            obj=world.a1,
            before={"name": "Old name"},
            after={"name": "City Centre", "population": 1200},
        )
        response = world.client_for(world.fay).get(event_url(event))
        assert response.status_code == 200
        body = response.content.decode()
        assert event.hash in body
        assert event.prev_hash in body
        assert "&quot;name&quot;: &quot;Old name&quot;" in body
        assert "{\n  &quot;name&quot;: &quot;City Centre&quot;,\n  &quot;population&quot;: 1200\n}" in body

    def test_opening_an_event_is_audited(self, world: World) -> None:
        event = a_force_a_event(world)
        world.client_for(world.fay).get(event_url(event))
        seen = AuditEvent.objects.get(event_type=EventType.AUDIT_SEARCHED)
        assert seen.actor == world.fay
        assert seen.object_id == str(event.pk)
        assert seen.force_id == world.force_a.pk
        assert seen.after == {"event": event.pk}

    def test_other_forces_and_platform_events_are_not_found(self, world: World) -> None:
        derbyshire = AuditEvent.objects.filter(force=world.force_b).first()
        platform = record(actor=world.system, event=EventType.LOGIN_FAILED, actor_name="x")
        assert derbyshire is not None
        client = world.client_for(world.fay)
        assert client.get(event_url(derbyshire)).status_code == 404
        assert client.get(event_url(platform)).status_code == 404
        assert client.get(reverse("audit:event", args=[999_999])).status_code == 404


class ExportTests:
    def test_the_export_is_a_csv_of_the_search_and_is_audited(self, world: World) -> None:
        response = world.client_for(world.fay).get(EXPORT, {"event_type": int(EventType.NEIGHBOURHOOD_CREATED)})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="audit-')
        rows = csv_rows(response)
        assert rows[0][:4] == ["id", "occurred_at", "event_type", "event"]
        assert sorted(r[10] for r in rows[1:]) == ["Cherry Hinton", "City Centre"]
        assert {r[6] for r in rows[1:]} == {world.force_a.name}
        exported = AuditEvent.objects.get(event_type=EventType.AUDIT_EXPORTED)
        assert exported.actor == world.fay
        assert exported.force_id == world.force_a.pk
        assert exported.after == {
            "filters": {"event_type": int(EventType.NEIGHBOURHOOD_CREATED)},
            "rows": 2,
            "matched": 2,
            "limit": selectors.EXPORT_LIMIT,
        }

    def test_the_export_holds_only_the_auditors_forces(self, world: World) -> None:
        rows = csv_rows(world.client_for(world.fay).get(EXPORT))
        ids = {int(r[0]) for r in rows[1:]}
        assert ids == set(
            AuditEvent.objects.filter(force=world.force_a)
            .exclude(event_type=EventType.AUDIT_EXPORTED)
            .values_list("id", flat=True)
        )

    def test_the_export_is_capped(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(selectors, "EXPORT_LIMIT", 3)
        rows = csv_rows(world.client_for(world.fay).get(EXPORT))
        assert len(rows) == 1 + 3
        exported = AuditEvent.objects.get(event_type=EventType.AUDIT_EXPORTED)
        assert exported.after is not None
        assert exported.after["rows"] == 3
        assert exported.after["matched"] > 3

    def test_cells_that_look_like_formulas_are_defused(self, world: World) -> None:
        record(actor=world.erin, event=EventType.PERSON_DEACTIVATED, obj=world.charlie, reason='=HYPERLINK("x")')
        rows = csv_rows(world.client_for(world.fay).get(EXPORT, {"text": "HYPERLINK"}))
        assert rows[1][12] == '\'=HYPERLINK("x")'
