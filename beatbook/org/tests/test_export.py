"""The people CSV export: force administrators only, their force only, always audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.org.models import Role

pytestmark = pytest.mark.django_db
URL = "/org/people/export.csv"


def rows_of(response: HttpResponseBase) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(body)))


class PeopleExportTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        response = Client().get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "gus"])
    def test_people_who_manage_no_one_are_refused(self, world: World, who: str) -> None:
        assert world.client_for(getattr(world, who)).get(URL).status_code == 403
        assert not AuditEvent.objects.filter(event_type=EventType.PEOPLE_EXPORTED).exists()

    def test_the_admin_gets_her_force_and_the_export_is_audited(self, world: World) -> None:
        response = world.client_for(world.erin).get(URL, headers={"X-Request-ID": "export-trace-1"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Cache-Control"] == "no-store"
        rows = rows_of(response)
        assert rows[0][0] == "username"
        usernames = {row[0] for row in rows[1:]}
        assert {"alice", "bob", "charlie", "dee", "erin", "fay", "gus"} <= usernames
        assert "hal" not in usernames and "ivy" not in usernames
        alice = next(row for row in rows if row[0] == "alice")
        assert alice[-1] == "PCSO @ City Centre"
        [event] = AuditEvent.objects.filter(event_type=EventType.PEOPLE_EXPORTED)
        assert event.actor == world.erin
        assert event.force_id == world.force_a.pk
        assert event.request_id == "export-trace-1"
        assert event.after == {"q": "", "rows": len(rows) - 1, "matched": len(rows) - 1, "limit": 20000}

    def test_the_search_narrows_the_export(self, world: World) -> None:
        rows = rows_of(world.client_for(world.erin).get(URL, {"q": "7001"}))
        assert [row[0] for row in rows[1:]] == ["alice"]

    def test_cells_that_look_like_formulas_are_defused(self, world: World) -> None:
        make_person(world.system, world.force_a, "formula", Role.PCSO, neighbourhood=world.a1)
        person = world.system.__class__.objects.get(username="formula")
        person.display_name = '=HYPERLINK("http://evil.example")'
        person.save()
        rows = rows_of(world.client_for(world.erin).get(URL, {"q": "formula"}))
        assert rows[1][1].startswith("'=")

    def test_post_is_not_allowed(self, world: World) -> None:
        assert world.client_for(world.erin).post(URL).status_code == 405
