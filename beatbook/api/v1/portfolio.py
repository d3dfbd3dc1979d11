"""API: portfolio (issue 6)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["portfolio"])
