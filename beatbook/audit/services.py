"""Writing the audit trail. Services call `record()` inside their own transaction.

No signals and no request globals: the caller passes the actor and, from a web request, the
request id (`AuditMeta`). Jobs and commands pass the system actor (`org.services.system_actor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from beatbook.org.models import Person

from . import hashing
from .models import AuditChain, AuditEvent, EventType

PLATFORM_CHAIN = "platform"


@dataclass(frozen=True)
class AuditMeta:
    """What a request adds to the events it causes: its id and, where asked for, a reason."""

    request_id: str = ""
    reason: str = ""


NO_META = AuditMeta()


def chain_name(force_id: int | None) -> str:
    """The chain an event of this force belongs to (`platform` for events with no force)."""
    return f"force-{force_id}" if force_id else PLATFORM_CHAIN


def record(
    *,
    actor: Any,
    event: EventType,
    obj: models.Model | None = None,
    force_id: int | None = None,
    neighbourhood_id: int | None = None,
    before: Any = None,
    after: Any = None,
    meta: AuditMeta = NO_META,
    reason: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to its force's chain, in the caller's transaction.

    1. Lock the chain head (one row per force), so concurrent writers of one force queue while
       other forces' writers go on.
    2. Build the event with the next sequence number and the previous event's hash.
    3. Hash the event's fields with that previous hash and move the head on.
    """
    if force_id is None and obj is not None:
        force_id = getattr(obj, "force_id", None)
    person = actor if isinstance(actor, Person) else None
    name = actor_name or (str(person) if person is not None else "anonymous")
    if person is not None and person.collar_number:
        name = f"{name} ({person.collar_number})"
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    chain = chain_name(force_id)
    with transaction.atomic():
        AuditChain.objects.get_or_create(name=chain)
        head = AuditChain.objects.select_for_update().get(name=chain)
        fields = hashing.hashed_fields(
            chain=chain,
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor_id=person.pk if person is not None else None,
            actor_name=name[:160],
            event_type=int(event),
            force_id=force_id,
            neighbourhood_id=neighbourhood_id,
            content_type_id=content_type.pk if content_type else None,
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            before=hashing.normalise_json(before),
            after=hashing.normalise_json(after),
            request_id=meta.request_id,
            reason=reason or meta.reason,
        )
        digest = hashing.event_hash(prev_hash=head.last_hash, fields=fields)
        event_row = AuditEvent(
            chain=chain,
            seq=fields["seq"],
            occurred_at=_parse(fields["occurred_at"]),
            actor=person,
            actor_name=fields["actor_name"],
            event_type=fields["event_type"],
            force_id=force_id,
            neighbourhood_id=neighbourhood_id,
            content_type=content_type,
            object_id=fields["object_id"],
            object_repr=fields["object_repr"],
            before=fields["before"],
            after=fields["after"],
            request_id=fields["request_id"],
            reason=fields["reason"],
            prev_hash=head.last_hash,
            hash=digest,
        )
        event_row.save()
        head.last_seq = fields["seq"]
        head.last_hash = digest
        head.save(update_fields=["last_seq", "last_hash"])
    return event_row


def record_in_forces(
    *, actor: Any, event: EventType, force_ids: Iterable[int], after: Any, meta: AuditMeta = NO_META
) -> None:
    """Append the same event to each force's chain (a search or export that spans forces)."""
    with transaction.atomic():
        for force_id in force_ids:
            record(actor=actor, event=event, force_id=force_id, after=after, meta=meta)


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
