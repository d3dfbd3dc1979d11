"""How an audit event is turned into the bytes its hash covers.

Kept apart so that writing (services.record) and checking (chain.verify) cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def normalise_json(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hashed_fields(
    *,
    chain: str,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    event_type: int,
    force_id: int | None,
    neighbourhood_id: int | None,
    content_type_id: int | None,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    request_id: str,
    reason: str,
) -> dict[str, Any]:
    return {
        "chain": chain,
        "seq": seq,
        "occurred_at": timestamp(occurred_at),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "event_type": int(event_type),
        "force_id": force_id,
        "neighbourhood_id": neighbourhood_id,
        "content_type_id": content_type_id,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "request_id": request_id,
        "reason": reason,
    }
