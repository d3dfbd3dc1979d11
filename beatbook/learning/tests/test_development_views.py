"""The development pages (frameworks, CPD log, PDRs): anonymous, outsider 404, forbidden 403,
success with its audit row, bad input shown again, and the pinned query counts of the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.learning.models import CpdEntry, FrameworkItem, ItemKind, Pdr, PdrStatus
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services import development as services

from .test_development import cpd, dev, fw, item

__all__ = ["dev"]  # the fixture, imported for its use below


def pdr_ready(world: World) -> Pdr:
    pdr = services.pdr_open(actor=world.bob, person=world.alice, review_year=2025)
    for competency in selectors.items_of(pdr.framework, kinds=(ItemKind.COMPETENCY,)):
        services.pdr_rate(actor=world.bob, pdr=pdr, competency=competency, rating_code="competent", evidence="Seen.")
    services.pdr_objective_add(actor=world.bob, pdr=pdr, text="Objective", due_on=dt.date(2025, 12, 1))
    return pdr


class FrameworkPagesTests:
    def test_anonymous_is_sent_to_log_in(self, dev: World) -> None:
        for url in ("/learning/development/frameworks/", "/learning/development/cpd/", "/learning/development/pdrs/"):
            response = Client().get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_anyone_browses_them(self, dev: World) -> None:
        client = dev.client_for(dev.alice)
        page = client.get("/learning/development/frameworks/").content.decode()
        assert "Competency and Values Framework (2016)" in page and "Set the framework" not in page
        detail = client.get("/learning/development/frameworks/cvf-2024/").content.decode()
        assert "We support and inspire" in detail and "Use of IT" in detail and "Truncated at the source" in detail
        assert client.get("/learning/development/frameworks/cvf-1999/").status_code == 404

    def test_a_force_admin_sets_the_framework(self, dev: World) -> None:
        client = dev.client_for(dev.erin)
        data = {"force": dev.force_a.pk, "framework": "cvf-2016", "adopted_on": "2024-01-01"}
        response = client.post("/learning/development/frameworks/", data)
        assert response.status_code == 302
        assert selectors.framework_of_force(dev.force_a.pk) == fw("cvf-2016")
        assert client.post("/learning/development/frameworks/", {**data, "adopted_on": "nope"}).status_code == 400
        assert dev.client_for(dev.alice).post("/learning/development/frameworks/", data).status_code == 403


class CpdPagesTests:
    def test_a_pcso_records_an_activity(self, dev: World) -> None:
        client = dev.client_for(dev.alice)
        assert client.get("/learning/development/cpd/new/").status_code == 200
        data: dict[str, Any] = {
            "occurred_on": (today() - dt.timedelta(days=1)).isoformat(),
            "title": "Reading on hot spots",
            "kind": "reading",
            "hours": "1.25",
            "competencies": [item("analyse-critically").pk],
            "core_skills": [item("problem-solving").pk],
            "reflection": "",
            "link": "https://example.org/koper",
        }
        response = client.post("/learning/development/cpd/new/", data)
        assert response.status_code == 302
        entry = CpdEntry.objects.get()
        assert entry.hours == Decimal("1.25") and entry.items.count() == 2
        assert AuditEvent.objects.filter(event_type=EventType.CPD_ENTRY_CREATED).count() == 1
        bad = client.post("/learning/development/cpd/new/", {**data, "hours": "0", "occurred_on": "2999-01-01"})
        assert bad.status_code == 400 and b"error-summary" in bad.content
        assert CpdEntry.objects.count() == 1

    def test_owner_changes_others_are_refused(self, dev: World) -> None:
        entry = cpd(dev.alice)
        url = f"/learning/development/cpd/{entry.pk}/"
        assert dev.client_for(dev.charlie).get(url).status_code == 404
        assert dev.client_for(dev.hal).get(url).status_code == 404
        assert dev.client_for(dev.bob).get(url).status_code == 200
        assert dev.client_for(dev.bob).get(url + "edit/").status_code == 403
        assert dev.client_for(dev.bob).post(url + "delete/").status_code == 403
        assert dev.client_for(dev.alice).post(url + "delete/").status_code == 302
        assert not CpdEntry.objects.exists()

    def test_the_list_is_scoped_totalled_and_pinned(self, dev: World, django_assert_num_queries: Any) -> None:
        for n in range(3):
            cpd(dev.alice, title=f"Alice {n}", occurred_on=dt.date(2024 + n % 2, 5, 1))
        cpd(dev.charlie, title="Charlie's course")
        client = dev.client_for(dev.alice)
        client.get("/learning/development/cpd/")  # warm the session and content types
        with django_assert_num_queries(19):
            page = client.get("/learning/development/cpd/").content.decode()
        assert "Alice 2" in page and "Charlie" not in page
        for n in range(5):
            cpd(dev.alice, title=f"More {n}")
        with django_assert_num_queries(19):
            client.get("/learning/development/cpd/")
        bob = dev.client_for(dev.bob).get("/learning/development/cpd/").content.decode()
        assert "Alice 2" in bob and "Charlie&#x27;s course" in bob

    def test_filters(self, dev: World) -> None:
        cpd(dev.alice, title="Old one", occurred_on=dt.date(2024, 5, 1))
        cpd(dev.alice, title="Planning one", item_ids=[item("planning").pk])
        client = dev.client_for(dev.alice)
        by_year = client.get("/learning/development/cpd/?year=2024").content.decode()
        assert "Old one" in by_year and "Planning one" not in by_year
        by_item = client.get(f"/learning/development/cpd/?item={item('planning').pk}").content.decode()
        assert "Planning one" in by_item and "Old one" not in by_item
        assert client.get("/learning/development/cpd/?year=nonsense").status_code == 200

    def test_the_export_is_audited_and_scoped(self, dev: World) -> None:
        cpd(dev.alice, title="=HYPERLINK(evil)")
        cpd(dev.charlie, title="Charlie's")
        response = dev.client_for(dev.alice).get("/learning/development/cpd/export.csv")
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        assert "'=HYPERLINK" in body and "Charlie" not in body
        assert AuditEvent.objects.filter(event_type=EventType.CPD_EXPORTED).count() == 1


class PdrPagesTests:
    def test_the_supervisor_opens_and_signs_off(self, dev: World) -> None:
        client = dev.client_for(dev.bob)
        response = client.post("/learning/development/pdrs/new/", {"person": dev.alice.pk, "review_year": 2025})
        assert response.status_code == 302
        pdr = Pdr.objects.get()
        url = f"/learning/development/pdrs/{pdr.pk}/"
        assert client.post(url + "sign-off/").status_code == 400
        for competency in FrameworkItem.objects.filter(framework=pdr.framework, kind=ItemKind.COMPETENCY):
            data = {"competency": competency.pk, "rating": "competent", "evidence": "Seen on patrol."}
            assert client.post(url + "rate/", data).status_code == 302
        assert (
            client.post(url + "rate/", {"competency": competency.pk, "rating": "", "evidence": ""}).status_code == 400
        )
        assert client.post(url + "objectives/", {"text": "Lead a surgery", "due_on": "2025-10-01"}).status_code == 302
        assert client.post(url + "sign-off/").status_code == 302
        pdr.refresh_from_db()
        assert pdr.status == PdrStatus.SIGNED_OFF
        page = client.get(url).content.decode()
        assert "read-only" in page and "Save the rating" not in page
        assert client.post(url + "rate/", data).status_code == 400  # read-only
        alice = dev.client_for(dev.alice)
        assert alice.post(url + "acknowledge/").status_code == 302
        pdr.refresh_from_db()
        assert pdr.acknowledged_at is not None
        assert client.post(url + "reopen/", {"reason": "no"}).status_code == 400
        assert client.post(url + "reopen/", {"reason": "Rating for collaboration was wrong."}).status_code == 302

    def test_who_reaches_a_pdr(self, dev: World) -> None:
        pdr = pdr_ready(dev)
        url = f"/learning/development/pdrs/{pdr.pk}/"
        assert dev.client_for(dev.charlie).get(url).status_code == 404
        assert dev.client_for(dev.hal).get(url).status_code == 404
        assert dev.client_for(dev.alice).get(url).status_code == 200
        assert dev.client_for(dev.alice).post(url + "sign-off/").status_code == 403
        assert dev.client_for(dev.alice).get("/learning/development/pdrs/new/").status_code == 403

    def test_the_list_is_pinned(self, dev: World, django_assert_num_queries: Any) -> None:
        pdr_ready(dev)
        services.pdr_open(actor=dev.bob, person=dev.charlie, review_year=2025)
        client = dev.client_for(dev.bob)
        client.get("/learning/development/pdrs/")
        with django_assert_num_queries(11):
            page = client.get("/learning/development/pdrs/").content.decode()
        assert "Alice" in page and "Charlie" in page

    @pytest.mark.parametrize("path", ["", "rate/", "objectives/", "sign-off/", "acknowledge/", "reopen/"])
    def test_missing_pdrs_are_404(self, dev: World, path: str) -> None:
        client = dev.client_for(dev.bob)
        method = client.get if not path else client.post
        assert method(f"/learning/development/pdrs/999/{path}").status_code == 404
