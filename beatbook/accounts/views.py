"""Log in and log out. Thin: the rules are in services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beatbook.audit.services import AuditMeta
from beatbook.core.middleware import request_id_of

from . import services
from .forms import LoginForm


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = services.account_login(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                meta=AuditMeta(request_id=request_id_of(request)),
            )
            if outcome.person is not None:
                response = redirect(_safe_next(request))
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    outcome.person.preferred_language,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
                return response
            if outcome.locked:
                form.add_error(
                    None,
                    _(
                        "This account is locked after too many failed attempts. Try again in %(m)s minutes, "
                        "or ask your force administrator."
                    )
                    % {"m": settings.LOGIN_LOCKOUT_MINUTES},
                )
            else:
                form.add_error(None, _("The username or password is not right."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.account_logout(request=request, meta=AuditMeta(request_id=request_id_of(request)))
    return redirect(settings.LOGOUT_REDIRECT_URL)
