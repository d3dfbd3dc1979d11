"""API operations: publication (see docs/reference/api.md)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["publication"])
