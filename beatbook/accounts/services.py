"""Logging in and out, lockout after repeated failures, and API tokens.

Every login, failed login, lockout and logout writes an audit event here (not in signals).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.org.models import Person

from .models import ApiToken


@dataclass(frozen=True)
class LoginOutcome:
    person: Person | None
    locked: bool = False


def _lock_window() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.LOGIN_LOCKOUT_MINUTES))


@transaction.atomic
def _record_failure(*, username: str, person: Person | None, meta: AuditMeta) -> bool:
    """Count a failed login against the account (if it exists). Returns True if this locked it."""
    force_id = person.force_id if person else None
    record(
        actor=None,
        actor_name=f"login attempt as {username[:100]!r}",
        event=EventType.LOGIN_FAILED,
        obj=person,
        force_id=force_id,
        meta=meta,
    )
    if person is None:
        return False
    Person.objects.filter(pk=person.pk).update(failed_login_count=F("failed_login_count") + 1)
    person.refresh_from_db(fields=["failed_login_count"])
    if person.failed_login_count < int(settings.LOGIN_LOCKOUT_THRESHOLD):
        return False
    person.locked_until = timezone.now() + _lock_window()
    person.failed_login_count = 0
    person.save(update_fields=["locked_until", "failed_login_count"])
    record(
        actor=None,
        actor_name="Beatbook",
        event=EventType.ACCOUNT_LOCKED,
        obj=person,
        after={"locked_until": person.locked_until.isoformat()},
        reason=_("%(n)s failed logins in a row") % {"n": settings.LOGIN_LOCKOUT_THRESHOLD},
        meta=meta,
    )
    return True


def account_login(*, request: HttpRequest, username: str, password: str, meta: AuditMeta = NO_META) -> LoginOutcome:
    """Check a username and password; on success start a session, else count the failure.

    1. A locked account is refused before its password is checked (and the attempt audited).
    2. A wrong password, an unknown or inactive account, or the system account fails alike.
    3. The failure threshold locks the account for LOGIN_LOCKOUT_MINUTES.
    4. Success clears the counter, starts the session in the person's language and is audited.
    """
    person = Person.objects.filter(username=username).first()
    if person is not None and person.locked_until and person.locked_until > timezone.now():
        record(
            actor=None,
            actor_name=f"login attempt as {username[:100]!r}",
            event=EventType.LOGIN_FAILED,
            obj=person,
            reason="account locked",
            meta=meta,
        )
        return LoginOutcome(person=None, locked=True)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, Person) or user.is_system:
        locked = _record_failure(username=username, person=person, meta=meta)
        return LoginOutcome(person=None, locked=locked)
    with transaction.atomic():
        Person.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        login(request, user)
        record(actor=user, event=EventType.LOGIN_SUCCEEDED, obj=user, meta=meta)
    return LoginOutcome(person=user)


@transaction.atomic
def account_logout(*, request: HttpRequest, meta: AuditMeta = NO_META) -> None:
    """End the session, recording who logged out."""
    user = request.user
    if isinstance(user, Person) and user.is_authenticated:
        record(actor=user, event=EventType.LOGGED_OUT, obj=user, meta=meta)
    logout(request)


TOKEN_PREFIX = "bbk_"  # noqa: S105 (a public prefix, not a secret)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


@transaction.atomic
def api_token_create(
    *, actor: Person, name: str, expires_at: dt.datetime | None = None, meta: AuditMeta = NO_META
) -> IssuedToken:
    """Issue a token for the actor's own account. The raw value is returned once, never stored."""
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person=actor, name=name.strip(), prefix=raw[:12], digest=_digest(raw), expires_at=expires_at)
    token.full_clean()
    token.save()
    record(
        actor=actor,
        event=EventType.API_TOKEN_CREATED,
        obj=token,
        force_id=actor.force_id,
        after={"name": token.name, "prefix": token.prefix},
        meta=meta,
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: Person, token: ApiToken, meta: AuditMeta = NO_META) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    if token.person_id != actor.pk:
        raise PermissionDenied(_("You do not have permission to do that."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, event=EventType.API_TOKEN_REVOKED, obj=token, force_id=actor.force_id, meta=meta)
    return token


def api_token_authenticate(raw: str) -> Person | None:
    """The active person a bearer token belongs to, or None (unknown, revoked or expired)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("person")
        .filter(digest=_digest(raw), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
