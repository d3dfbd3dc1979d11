"""The enforcement register through the API: scope, filters, the pinned query count, and one
record's common part with the stored verdict (an audited read)."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.tests.test_dispersal import A2_CENTRE, ago, authorise, data_at, direct
from beatbook.org.models import Person
from beatbook.powers.reference import DISPERSAL
from beatbook.powers.testing import powers_world

from .helpers import Api, assert_error, data


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def refs(api: Api, persona: Person, **query: object) -> list[str]:
    return [i["reference"] for i in data(api.get("/enforcement", as_=persona, query=query))["items"]]


class TestRegister:
    def test_anonymous_is_401(self, world: World, api: Api) -> None:
        assert_error(api.get("/enforcement"), 401)
        assert_error(api.get("/enforcement/1"), 401)

    def test_alices_record_is_shown_to_bob_but_not_to_hal_or_gus(self, pw: World, api: Api) -> None:
        record = direct(pw, authorise(pw))
        assert refs(api, pw.alice) == [record.reference]
        assert refs(api, pw.bob) == [record.reference]
        assert refs(api, pw.hal) == []
        assert refs(api, pw.gus) == []
        item = data(api.get("/enforcement", as_=pw.bob))["items"][0]
        assert item["power"] == DISPERSAL and item["held"] is True
        assert item["verdict"] == f"held under designation {record.designation.reference}"
        assert item["detail_url"] == f"/api/v1/enforcement/dispersals/{record.pk}"
        assert item["officer"]["collar_number"] == "7001"
        assert "subject_name" not in item

    def test_filters(self, pw: World, api: Api) -> None:
        mine = direct(pw, authorise(pw))
        a2 = authorise(pw, neighbourhood=pw.a2, starts_at=ago(hours=30), ends_at=ago(hours=1))
        theirs = direct(pw, a2, actor=pw.charlie, data=data_at(A2_CENTRE, at=ago(hours=24)))
        assert refs(api, pw.bob) == [mine.reference, theirs.reference]
        assert refs(api, pw.bob, neighbourhood=pw.a2.pk) == [theirs.reference]
        assert refs(api, pw.bob, officer=pw.alice.pk) == [mine.reference]
        assert refs(api, pw.bob, kind="penalty") == []
        assert refs(api, pw.bob, power=DISPERSAL) == [mine.reference, theirs.reference]
        assert refs(api, pw.bob, reference=theirs.reference) == [theirs.reference]
        assert refs(api, pw.bob, penalty_status="paid") == []
        assert_error(api.get("/enforcement", as_=pw.bob, query={"kind": "arrest"}), 422)
        assert_error(
            api.get("/enforcement", as_=pw.bob, query={"date_from": "2026-03-04", "date_to": "2026-03-03"}), 422
        )

    def test_a_page_is_a_constant_number_of_queries(
        self, pw: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        authorisation = authorise(pw)
        direct(pw, authorisation)
        api.get("/enforcement", as_=pw.bob)  # first use of the token records last_used_at
        with django_assert_num_queries(3):  # token, count, rows (every detail joined)
            api.get("/enforcement", as_=pw.bob)
        for _n in range(4):
            direct(pw, authorisation)
        with django_assert_num_queries(3):
            api.get("/enforcement", as_=pw.bob)

    def test_one_record_is_an_audited_read(self, pw: World, api: Api) -> None:
        record = direct(pw, authorise(pw))
        for persona in (pw.hal, pw.gus, pw.charlie):
            assert_error(api.get(f"/enforcement/{record.pk}", as_=persona), 404)
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED).exists()
        out = data(api.get(f"/enforcement/{record.pk}", as_=pw.bob))
        assert out["reference"] == record.reference
        assert out["power_check"]["designation"] == record.designation.reference
        assert out["verdict"].startswith(f"Power held under designation {record.designation.reference} at ")
        assert out["subject_name"] == "Kyle Smith"
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED, actor=pw.bob).count() == 1

    def test_wrong_method_is_405(self, pw: World, api: Api) -> None:
        record = direct(pw, authorise(pw))
        assert_error(api.call("DELETE", f"/enforcement/{record.pk}", as_=pw.bob), 405)
        assert_error(api.call("PATCH", "/enforcement", as_=pw.bob), 405)
