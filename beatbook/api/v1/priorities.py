"""API operations: priorities (see docs/reference/api.md)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["priorities"])
