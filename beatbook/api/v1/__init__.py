"""Beatbook's JSON API, version 1 (django-ninja), mounted at /api/v1/.

Every operation needs a bearer token or a signed-in session (`auth.py`), reads through the
selectors (scoped to the caller) and writes through the services (checked and audited) of the
org and incidents apps.
Errors share one shape (`errors.py`); the OpenAPI document is /api/v1/openapi.json and its
browsable form /api/v1/docs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from . import (
    cases,
    designations,
    development,
    enforcement_detentions,
    enforcement_dispersal,
    enforcement_penalties,
    enforcement_register,
    enforcement_seizures,
    errors,
    events,
    forces,
    incidents,
    me,
    neighbourhoods,
    opendata,
    partners,
    patrols,
    people,
    planner,
    portfolio,
    powers,
    priorities,
    programmes,
    publication,
    recruitment,
    teams,
    training,
)
from .auth import AUTH


def _docs_need_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and its viewer need the same authentication as the API."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for scheme in AUTH:
            try:
                if scheme(request) is not None:
                    return view(request, *args, **kwargs)
            except HttpError:  # a bad token is a 401, like no token
                break
        return errors.unauthenticated_response()

    return wrapped


DESCRIPTION = """Beatbook's records of neighbourhood policing, for integrations and Beatbook's own pages.

**Authentication.** Every operation needs either a bearer token (`Authorization: Bearer bbk_...`,
issued to a person in Beatbook; it acts with exactly that person's access) or a signed-in browser
session, which must send the `X-CSRFToken` header on POST.

**Scope.** You see what your postings give you. Something outside your scope is answered exactly
as something that does not exist: 404 `Not found.`. Something you can see but may not change is 403.

**Errors** all have one shape: `{"error": {"status", "code", "message", "fields"}}`, where
`fields` (by field name, `__all__` for the request as a whole) comes only with 422 (the request
does not match the schema) and 400 (a rule refused it).

**Versions.** A change to an incident sends the `version` it was made on; if someone else has
changed the incident since, nothing is saved and the answer is 409 `conflict`.

**Lists** are paginated with `page` (from 1) and `page_size`, and say the `total`.
"""


class BeatbookApi(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The OpenAPI document, built once per path prefix and language (it is about half a
        megabyte and only changes when the code does), not on every request."""
        prefix = self.get_root_path(path_params or {}) if path_prefix is None else path_prefix
        key = (prefix, translation.get_language() or "")
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(path_prefix=prefix, path_params=path_params)
        return self._schemas[key]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Short operation ids (the view's name, unique across the API) for generated clients."""
        return operation.view_func.__name__


def build_api() -> NinjaAPI:
    api = BeatbookApi(
        title="Beatbook API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        auth=AUTH,
        docs_decorator=_docs_need_auth,
    )
    errors.install(api)
    for module in (
        me,
        forces,
        neighbourhoods,
        teams,
        people,
        partners,
        incidents,
        patrols,
        planner,
        cases,
        powers,
        designations,
        training,
        development,
        programmes,
        portfolio,
        recruitment,
        enforcement_register,
        enforcement_detentions,
        enforcement_penalties,
        enforcement_seizures,
        enforcement_dispersal,
        events,
        priorities,
        publication,
        opendata,
    ):
        api.add_router("", module.router)
    return api


api = build_api()
