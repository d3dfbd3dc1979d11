"""My profile: postings, language and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beatbook.accounts import selectors as account_selectors
from beatbook.accounts import services as account_services
from beatbook.accounts.services import IssuedToken
from beatbook.core.forms import submit

from .. import selectors, services
from ..forms import ApiTokenForm, LanguageForm
from .common import actor_of, crumbs, meta_of


def _render_me(
    request: HttpRequest,
    *,
    language_form: LanguageForm | None = None,
    token_form: ApiTokenForm | None = None,
    issued: IssuedToken | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
    language_form = language_form or LanguageForm(initial={"language": actor.preferred_language})
    token_form = token_form or ApiTokenForm()
    error_form = next((f for f in (language_form, token_form) if f.errors), None)
    context = {
        "person": actor,
        "postings": selectors.postings_of(actor=actor, person=actor),
        "tokens": account_selectors.api_tokens_of(actor),
        "language_form": language_form,
        "token_form": token_form,
        "error_form": error_form,
        "issued": issued,
        "nav_key": "me",
        "breadcrumbs": crumbs((_("My profile"), "")),
    }
    response = render(request, "org/me.html", context, status=status)
    if issued is not None:
        add_never_cache_headers(response)
    return response


@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """My profile and postings, my language, and my API tokens."""
    return _render_me(request)


@require_POST
def me_language(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = LanguageForm(request.POST)
    changed = submit(
        form,
        lambda: services.person_set_language(
            actor=actor, language=form.cleaned_data["language"], meta=meta_of(request)
        ),
    )
    if changed is not None:
        messages.success(request, _("Your language has been changed."))
        response = redirect("org:me")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            changed.preferred_language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
        return response
    actor.refresh_from_db(fields=["preferred_language"])
    return _render_me(request, language_form=form, status=400)


@require_POST
def me_token_create(request: HttpRequest) -> HttpResponse:
    """Issue an API token and show it once: it is never stored, so it cannot be shown again."""
    actor = actor_of(request)
    form = ApiTokenForm(request.POST)
    issued = submit(
        form,
        lambda: account_services.api_token_create(
            actor=actor, name=form.cleaned_data["name"], expires_at=form.expires_at(), meta=meta_of(request)
        ),
    )
    if issued is not None:
        return _render_me(request, issued=issued)
    return _render_me(request, token_form=form, status=400)


@require_POST
def me_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_of(request)
    token = account_selectors.api_token_get_for(actor=actor, token_id=token_id)
    account_services.api_token_revoke(actor=actor, token=token, meta=meta_of(request))
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("org:me")
