"""The enforcement register's selectors: scope, filters, the audited record read, the stored
verdict in words, and the CSV export (audited, without the subject's name, address or date of
birth)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import DispersalAuthorisation, EnforcementRecord
from beatbook.enforcement.reference import PenaltyStatus, RecordKind
from beatbook.enforcement.selectors import register as selectors
from beatbook.enforcement.selectors.register import RegisterFilters
from beatbook.powers.reference import DISPERSAL, REQUIRE_NAME_ADDRESS

from .test_dispersal import A2_CENTRE, ago, authorise, data_at, direct
from .test_dispersal import pw as pw  # the fixture


def two_records(world: World) -> tuple[EnforcementRecord, EnforcementRecord, DispersalAuthorisation]:
    """Alice's direction in A1 (ten minutes ago) and Charlie's in A2 (a day ago)."""
    a1 = authorise(world)
    a2 = authorise(world, neighbourhood=world.a2, starts_at=ago(hours=30), ends_at=ago(hours=1))
    mine = direct(world, a1)
    theirs = direct(world, a2, actor=world.charlie, data=data_at(A2_CENTRE, at=ago(hours=24)))
    return mine, theirs, a1


def refs(actor: object, filters: RegisterFilters | None = None) -> set[str]:
    return {r.reference for r in selectors.register_list(actor, filters or RegisterFilters())}  # type: ignore[arg-type]


class TestRegisterList:
    def test_scope(self, pw: World) -> None:
        mine, theirs, _a = two_records(pw)
        assert refs(pw.alice) == {mine.reference}
        assert refs(pw.bob) == {mine.reference, theirs.reference}
        assert refs(pw.dee) == {mine.reference, theirs.reference}
        assert refs(pw.charlie) == {theirs.reference}
        assert refs(pw.hal) == set()
        assert refs(pw.gus) == set()

    def test_newest_first(self, pw: World) -> None:
        mine, theirs, _a = two_records(pw)
        assert [r.pk for r in selectors.register_list(pw.bob, RegisterFilters())] == [mine.pk, theirs.pk]

    def test_filters(self, pw: World) -> None:
        mine, theirs, _a = two_records(pw)
        bob = pw.bob
        assert refs(bob, RegisterFilters(neighbourhood_id=pw.a2.pk)) == {theirs.reference}
        assert refs(bob, RegisterFilters(officer_id=pw.alice.pk)) == {mine.reference}
        assert refs(bob, RegisterFilters(kind=RecordKind.DISPERSAL)) == {mine.reference, theirs.reference}
        assert refs(bob, RegisterFilters(kind=RecordKind.PENALTY)) == set()
        assert refs(bob, RegisterFilters(power=DISPERSAL)) == {mine.reference, theirs.reference}
        assert refs(bob, RegisterFilters(power=REQUIRE_NAME_ADDRESS)) == set()
        assert refs(bob, RegisterFilters(reference=mine.reference[-6:])) == {mine.reference}
        assert refs(bob, RegisterFilters(penalty_status=PenaltyStatus.ISSUED)) == set()

    def test_dates_are_london_days_inclusive(self, pw: World) -> None:
        mine, theirs, _a = two_records(pw)
        mine_day = timezone.localtime(mine.occurred_at).date()
        theirs_day = timezone.localtime(theirs.occurred_at).date()
        assert refs(pw.bob, RegisterFilters(date_from=mine_day, date_to=mine_day)) == {mine.reference} | (
            {theirs.reference} if theirs_day == mine_day else set()
        )
        assert refs(pw.bob, RegisterFilters(date_to=theirs_day - dt.timedelta(days=1))) == set()
        assert refs(pw.bob, RegisterFilters(date_from=mine_day + dt.timedelta(days=1))) == set()
        assert refs(pw.bob, RegisterFilters(date_from=theirs_day, date_to=theirs_day)) >= {theirs.reference}

    def test_a_page_is_a_constant_number_of_queries(self, pw: World, django_assert_num_queries: object) -> None:
        two_records(pw)
        with django_assert_num_queries(1):  # type: ignore[operator]
            rows = list(selectors.register_list(pw.bob, RegisterFilters()))
            outcomes = [selectors.outcome_of(r) for r in rows]
            names = [(r.neighbourhood.name, str(r.officer), r.incident) for r in rows]
        assert len(outcomes) == len(names) == 2
        assert all(o.startswith("Excluded until") for o in outcomes)


class TestRecordOpenFor:
    def test_the_read_is_audited_without_personal_data(self, pw: World) -> None:
        mine, _theirs, _a = two_records(pw)
        found = selectors.record_open_for(actor=pw.bob, pk=mine.pk)
        assert found == mine
        assert found.dispersal.authorisation.reference.startswith("CAMBS-DSP-")
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_VIEWED)
        assert event.actor == pw.bob and event.object_id == str(mine.pk)
        assert "Kyle" not in str(event.after) and "Mill Road" not in str(event.after)

    def test_outsiders_get_404_and_nothing_is_audited(self, pw: World) -> None:
        mine, _theirs, _a = two_records(pw)
        for persona in (pw.charlie, pw.hal, pw.gus):
            with pytest.raises(Http404):
                selectors.record_open_for(actor=persona, pk=mine.pk)
        with pytest.raises(Http404):
            selectors.record_open_for(actor=pw.bob, pk=mine.pk, kind=RecordKind.PENALTY)
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED).exists()


class TestVerdict:
    def test_the_stored_verdict_in_words(self, pw: World) -> None:
        mine, _theirs, _a = two_records(pw)
        text = selectors.verdict_of(mine.power_check)
        local = timezone.localtime(mine.occurred_at)
        assert text.startswith(f"Power held under designation {mine.designation.reference} at {local:%H:%M} on ")
        assert selectors.verdict_short(mine.power_check) == f"held under designation {mine.designation.reference}"
        with_conditions = mine.power_check | {"conditions": ["Only in the city centre"]}
        assert selectors.verdict_of(with_conditions).endswith("; conditions: Only in the city centre")


class TestExport:
    def test_rows_have_no_subject_data_and_the_export_is_audited(self, pw: World) -> None:
        mine, theirs, authorisation = two_records(pw)
        filters = RegisterFilters(neighbourhood_id=pw.a1.pk)
        export = selectors.register_export(actor=pw.bob, filters=filters)
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_EXPORTED)
        assert event.after is not None
        assert event.after["rows"] == 1 and event.after["filters"] == {"neighbourhood_id": pw.a1.pk}
        assert event.force_id == pw.force_a.pk
        rows = list(export.rows)
        assert len(rows) == 1
        row = dict(zip(selectors.EXPORT_HEADER, rows[0], strict=True))
        assert row["reference"] == mine.reference
        assert row["kind"] == "dispersal"
        assert row["neighbourhood"] == "City Centre"
        assert row["officer"] == "Alice (7001)"
        assert row["power"] == DISPERSAL
        assert "2014 s.35" in row["legal_basis"]
        assert row["verdict"].startswith("held under designation ")
        assert authorisation.reference in row["outcome"]
        flat = " ".join(str(v) for v in rows[0])
        assert "Kyle" not in flat and "Mill Road" not in flat and theirs.reference not in flat

    def test_partners_may_not_export(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            selectors.register_export(actor=pw.gus, filters=RegisterFilters())
        assert not AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_EXPORTED).exists()
