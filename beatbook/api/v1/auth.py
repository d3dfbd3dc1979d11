"""Who is calling: a bearer token (integrations) or the browser session (Beatbook's own pages).

The two are tried in that order. A request that sends an Authorization header is judged on it
alone: a revoked, expired or malformed token is 401 even if a session cookie came with it.
The session check enforces CSRF on unsafe methods, but only for a request that is signed in,
so an anonymous POST is 401 (not a CSRF 403) like any anonymous call.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from beatbook.accounts.services import api_token_authenticate
from beatbook.audit.services import AuditMeta
from beatbook.core.middleware import request_id_of
from beatbook.org import policy
from beatbook.org.models import Person


class BearerToken(HttpBearer):
    """`Authorization: Bearer bbk_...`, a token issued to a person (acts with their access)."""

    def __call__(self, request: HttpRequest) -> Person | None:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError(message=_("Only bearer tokens are accepted in the Authorization header."))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = api_token_authenticate(token)
        if person is None or person.is_system:
            raise AuthenticationError(message=_("The token is not valid: unknown, revoked or expired."))
        return person


class Session(SessionAuth):
    """The signed-in browser session (Django's session cookie), with CSRF on unsafe methods."""

    def __call__(self, request: HttpRequest) -> Person | None:
        user = getattr(request, "user", None)
        if not policy.is_person(user) or user.is_system:
            return None
        result: Any = super().__call__(request)  # checks CSRF, then the session
        return user if result is not None else None


def actor_of(request: HttpRequest) -> Person:
    """The authenticated person (set by one of the schemes above before any endpoint runs)."""
    person = getattr(request, "auth", None)
    if not isinstance(person, Person):
        raise AuthenticationError
    return person


def meta_of(request: HttpRequest) -> AuditMeta:
    """What the request adds to the audit events its writes cause (its id)."""
    return AuditMeta(request_id=request_id_of(request))


AUTH = [BearerToken(), Session()]
