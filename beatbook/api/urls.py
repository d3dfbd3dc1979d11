"""The JSON API's URL patterns (the API itself is beatbook.api.v1).

Every pattern is exempt from LoginRequiredMiddleware: the API answers an anonymous call with a
401 in its error format, never with a redirect to the login page. Unknown paths under /api/v1/
and wrong methods get the same error format too. The one exception is the docs page
(/api/v1/docs), a page for people in a browser: signed out, they are sent to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _

from .v1 import api
from .v1.errors import error_response, not_found_response

UrlList = list[URLPattern | URLResolver]


def _json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return not_found_response()


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(405, _("Method not allowed: use %(allowed)s.") % {"allowed": allowed})
            response["Allow"] = allowed
        return response

    return wrapped


DOCS_PAGE = "openapi-view"


def _exempt(patterns: UrlList) -> UrlList:
    """Mark every view (but the docs page) as not needing the login middleware."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _exempt(entry.url_patterns)
        elif entry.name == DOCS_PAGE:
            continue
        elif entry.name == "api-root":
            # ninja needs this named pattern to work out the API's root; answer it as a 404.
            entry.callback = login_not_required(_json_not_found)
        else:
            entry.callback = login_not_required(_json_method_not_allowed(entry.callback))
    return patterns


def api_v1_urls() -> tuple[UrlList, str, str]:
    patterns, app_name, namespace = api.urls
    catch_all = re_path(r"^.*$", login_not_required(_json_not_found), name="not-found")
    return _exempt([*patterns, catch_all]), app_name, namespace
