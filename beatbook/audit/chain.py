"""Verifying the audit chains: recompute every hash and report the first broken link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import hashing
from .models import AuditChain, AuditEvent


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"chain {self.chain}, event #{self.seq} (id {self.event_id}): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    chains: int
    events: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _events(chain: str, batch: int = 2000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=batch)


def verify_chain(name: str, on_event: Callable[[], None] | None = None) -> tuple[int, BrokenLink | None]:
    """Walk one chain in sequence order. Returns (events checked, first broken link or None)."""
    expected_prev = hashing.GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events(name):
        if event.seq != expected_seq:
            return checked, BrokenLink(name, expected_seq, None, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return checked, BrokenLink(name, event.seq, event.pk, "does not follow the event before it")
        fields = hashing.hashed_fields(
            chain=event.chain,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_name=event.actor_name,
            event_type=event.event_type,
            force_id=event.force_id,
            neighbourhood_id=event.neighbourhood_id,
            content_type_id=event.content_type_id,
            object_id=event.object_id,
            object_repr=event.object_repr,
            before=event.before,
            after=event.after,
            request_id=event.request_id,
            reason=event.reason,
        )
        if hashing.event_hash(prev_hash=event.prev_hash, fields=fields) != event.hash:
            return checked, BrokenLink(name, event.seq, event.pk, "its content was changed after it was written")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
        if on_event is not None:
            on_event()
    head = AuditChain.objects.filter(name=name).first()
    if head is not None and head.last_seq != checked:
        return checked, BrokenLink(
            name, checked + 1, None, f"the chain head says {head.last_seq} events but {checked} were found"
        )
    return checked, None


def chain_names(chains: list[str] | None = None) -> list[str]:
    names = set(AuditChain.objects.values_list("name", flat=True))
    names |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    if chains is not None:
        names &= set(chains)
    return sorted(names)


def verify(chains: list[str] | None = None, on_event: Callable[[], None] | None = None) -> ChainReport:
    """Verify the named chains (all by default) and stop at the first broken link."""
    total = 0
    names = chain_names(chains)
    for name in names:
        checked, broken = verify_chain(name, on_event)
        total += checked
        if broken is not None:
            return ChainReport(chains=len(names), events=total, broken=broken)
    return ChainReport(chains=len(names), events=total, broken=None)
