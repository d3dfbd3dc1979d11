"""The hash chain: record() links events, verify() recomputes them, and tampering is found."""

from __future__ import annotations

import itertools

import pytest
from django.db import DatabaseError, connection, transaction

from beatbook.audit import chain, hashing
from beatbook.audit.models import AuditChain, AuditEvent, EventType
from beatbook.audit.services import PLATFORM_CHAIN, AuditMeta, record
from beatbook.core.testing import World

from .tampering import raw_write, remove_event, tamper_reason

pytestmark = pytest.mark.django_db


def force_chain(world: World, which: str = "a") -> str:
    force = world.force_a if which == "a" else world.force_b
    return f"force-{force.pk}"


def events_of(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=name).order_by("seq"))


class RecordTests:
    def test_record_builds_a_linked_chain(self, world: World) -> None:
        for n in range(3):
            record(
                actor=world.alice,
                event=EventType.PERSON_UPDATED,
                obj=world.alice,
                before={"n": n},
                after={"n": n + 1},
                meta=AuditMeta(request_id=f"req-{n:08d}"),
            )
        events = events_of(force_chain(world))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == hashing.GENESIS_HASH
        for earlier, later in itertools.pairwise(events):
            assert later.prev_hash == earlier.hash
        head = AuditChain.objects.get(name=force_chain(world))
        assert head.last_seq == len(events)
        assert head.last_hash == events[-1].hash
        last = events[-1]
        assert last.actor == world.alice
        assert last.actor_name == "Alice (7001)"
        assert last.after == {"n": 3}
        assert last.request_id == "req-00000002"

    def test_events_without_a_force_go_to_the_platform_chain(self, world: World) -> None:
        event = record(actor=world.system, event=EventType.LOGIN_FAILED, actor_name="someone")
        assert event.chain == PLATFORM_CHAIN
        assert event.force_id is None

    def test_verify_reports_ok_for_an_untouched_trail(self, world: World) -> None:
        report = chain.verify()
        assert report.ok
        assert report.broken is None
        assert report.chains == 2  # one per force: the world writes no platform events
        assert report.events == AuditEvent.objects.count()

    def test_verify_can_be_limited_to_named_chains(self, world: World) -> None:
        report = chain.verify([force_chain(world, "b")])
        assert report.ok
        assert report.chains == 1
        assert report.events == AuditEvent.objects.filter(force=world.force_b).count()

    def test_on_event_is_called_for_every_event_checked(self, world: World) -> None:
        calls: list[int] = []
        report = chain.verify([force_chain(world)], on_event=lambda: calls.append(1))
        assert len(calls) == report.events > 0


class TamperingTests:
    def test_a_changed_event_is_found_and_the_first_broken_link_reported(self, world: World) -> None:
        events = events_of(force_chain(world))
        assert len(events) > 6
        tamper_reason(events[2].pk, "nothing to see here")
        tamper_reason(events[5].pk, "nor here")
        report = chain.verify()
        assert not report.ok
        assert report.broken is not None
        assert report.broken.chain == force_chain(world)
        assert report.broken.seq == 3
        assert report.broken.event_id == events[2].pk
        assert "changed" in report.broken.problem

    def test_a_rewritten_and_rehashed_event_breaks_the_next_link(self, world: World) -> None:
        """An attacker who rewrites an event and recomputes its hash cannot fix the link after it."""
        events = events_of(force_chain(world))
        target = events[3]
        fields = hashing.hashed_fields(
            chain=target.chain,
            seq=target.seq,
            occurred_at=target.occurred_at,
            actor_id=target.actor_id,
            actor_name=target.actor_name,
            event_type=target.event_type,
            force_id=target.force_id,
            neighbourhood_id=target.neighbourhood_id,
            content_type_id=target.content_type_id,
            object_id=target.object_id,
            object_repr=target.object_repr,
            before=target.before,
            after=target.after,
            request_id=target.request_id,
            reason="rewritten",
        )
        new_hash = hashing.event_hash(prev_hash=target.prev_hash, fields=fields)
        raw_write(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s", ["rewritten", new_hash, target.pk]
        )
        report = chain.verify([force_chain(world)])
        assert report.broken is not None
        assert report.broken.seq == target.seq + 1
        assert report.broken.event_id == events[4].pk
        assert "does not follow" in report.broken.problem

    def test_a_deleted_event_in_the_middle_is_reported_missing(self, world: World) -> None:
        events = events_of(force_chain(world))
        remove_event(events[4].pk)
        report = chain.verify()
        assert report.broken is not None
        assert report.broken.chain == force_chain(world)
        assert report.broken.seq == 5
        assert report.broken.event_id is None
        assert "missing" in report.broken.problem

    def test_a_deleted_last_event_is_caught_by_the_chain_head(self, world: World) -> None:
        events = events_of(force_chain(world))
        remove_event(events[-1].pk)
        report = chain.verify([force_chain(world)])
        assert report.broken is not None
        assert report.broken.seq == len(events)
        assert "head" in report.broken.problem

    def test_tampering_with_one_force_leaves_the_other_chain_verifiable(self, world: World) -> None:
        tamper_reason(events_of(force_chain(world, "a"))[1].pk, "edited")
        assert chain.verify([force_chain(world, "b")]).ok
        assert not chain.verify([force_chain(world, "a")]).ok


class AppendOnlyTests:
    def test_saving_an_existing_event_is_refused(self, world: World) -> None:
        event = AuditEvent.objects.order_by("id").first()
        assert event is not None
        event.reason = "changed"
        with pytest.raises(PermissionError):
            event.save()

    def test_deleting_an_event_is_refused(self, world: World) -> None:
        event = AuditEvent.objects.order_by("id").first()
        assert event is not None
        with pytest.raises(PermissionError):
            event.delete()

    def test_queryset_update_delete_and_bulk_update_are_refused(self, world: World) -> None:
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(chain=force_chain(world)).update(reason="x")
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().delete()
        events = list(AuditEvent.objects.all()[:2])
        with pytest.raises(PermissionError):
            AuditEvent.objects.bulk_update(events, ["reason"])
        assert chain.verify().ok

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
    def test_postgresql_refuses_raw_update_and_delete(self, world: World) -> None:
        event = AuditEvent.objects.order_by("id").first()
        assert event is not None
        for sql in (
            "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
        assert chain.verify().ok


class IndependentChainsTests:
    def test_interleaved_writes_to_two_forces_make_two_independent_chains(self, world: World) -> None:
        before_a = AuditChain.objects.get(name=force_chain(world, "a")).last_seq
        before_b = AuditChain.objects.get(name=force_chain(world, "b")).last_seq
        for n in range(10):
            who, where = (world.alice, world.a1) if n % 2 == 0 else (world.hal, world.b1)
            record(actor=who, event=EventType.NEIGHBOURHOOD_UPDATED, obj=where, after={"n": n})
        a_events = events_of(force_chain(world, "a"))
        b_events = events_of(force_chain(world, "b"))
        assert len(a_events) == before_a + 5
        assert len(b_events) == before_b + 5
        for events in (a_events, b_events):
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            assert events[0].prev_hash == hashing.GENESIS_HASH
            assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
        assert {e.force_id for e in a_events} == {world.force_a.pk}
        assert {e.force_id for e in b_events} == {world.force_b.pk}
        assert chain.verify().ok
