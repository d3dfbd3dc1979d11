"""Reads of account security records, always scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from beatbook.org.models import Person
from beatbook.org.selectors import get_visible

from .models import ApiToken


def api_tokens_of(actor: Person) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(person=actor).order_by("-created_at", "-id")


def api_token_get_for(*, actor: Person, token_id: Any) -> ApiToken:
    """One of the actor's own tokens; anyone else's is "not found" (404)."""
    return get_visible(api_tokens_of(actor), token_id)
