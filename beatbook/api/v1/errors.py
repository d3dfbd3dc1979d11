"""One error format for every API error, and the handlers that produce it.

    {"error": {"status": 404, "code": "not_found", "message": "Not found."}}

`fields` (by field name, `__all__` for the request as a whole) appears only on validation errors:
422 for a request that does not fit its schema, 400 for one a service rule refuses. 409 means the
record changed since the caller read it (an old `version`): nothing was saved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from beatbook.core.concurrency import StaleRecordError
from beatbook.core.middleware import request_id_of
from beatbook.enforcement.services.common import PowerNotHeldError

from .schemas import ErrorOut

logger = logging.getLogger(__name__)

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}


def error_response(
    status: int, message: str, *, code: str | None = None, fields: Mapping[str, Sequence[str]] | None = None
) -> JsonResponse:
    detail: dict[str, Any] = {"status": status, "code": code or CODES.get(status, "error"), "message": str(message)}
    if fields is not None:
        detail["fields"] = {str(name): [str(m) for m in messages] for name, messages in fields.items()}
    return JsonResponse({"error": detail}, status=status)


def not_found_response() -> JsonResponse:
    return error_response(404, _("Not found."))


def unauthenticated_response(message: str = "") -> JsonResponse:
    response = error_response(401, message or _("Authentication required: a bearer token or a signed-in session."))
    response["WWW-Authenticate"] = 'Bearer realm="beatbook"'
    return response


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries that declare an operation's possible errors in the OpenAPI document."""
    return dict.fromkeys((*statuses, 500), ErrorOut)


def _field_name(loc: Iterable[Any]) -> str:
    """("body", "payload", "username") -> "username"; ("query", "lat") -> "lat"; nested -> "a.0.b"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(parts) or NON_FIELD_ERRORS


def schema_error_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return fields


def service_error_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (which answer `{"detail": ...}`, or HTML for a crash)."""

    @api.exception_handler(SchemaValidationError)
    def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> JsonResponse:
        return error_response(422, _("The request does not match the schema."), fields=schema_error_fields(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_service_error(request: HttpRequest, exc: DjangoValidationError) -> JsonResponse:
        return error_response(400, _("The request was refused: see the fields."), fields=service_error_fields(exc))

    @api.exception_handler(StaleRecordError)  # a ValidationError, but the more specific class wins
    def on_stale(request: HttpRequest, exc: StaleRecordError) -> JsonResponse:
        # Someone else changed the record since the caller read it: nothing was saved.
        return error_response(409, " ".join(exc.messages))

    @api.exception_handler(PowerNotHeldError)  # a ValidationError too: the power was not held then
    def on_power_not_held(request: HttpRequest, exc: PowerNotHeldError) -> JsonResponse:
        return error_response(400, exc.check.reason, code="power_not_held", fields=service_error_fields(exc))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> JsonResponse:
        return error_response(403, str(exc) or _("You do not have permission to do that."))

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def on_not_found(request: HttpRequest, exc: Exception) -> JsonResponse:
        return not_found_response()

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
        # ninja's own AuthenticationError (no credentials accepted) says just "Unauthorized".
        return unauthenticated_response("" if exc.message == "Unauthorized" else exc.message)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
        if exc.status_code == 403 and "csrf" in exc.message.lower():
            return error_response(403, _("CSRF check failed: send the X-CSRFToken header."), code="csrf_failed")
        if exc.status_code == 400:  # ninja raises a bare 400 only for a body it cannot parse
            return error_response(400, _("The request body is not valid JSON."), code="malformed_json")
        return error_response(exc.status_code, exc.message)

    @api.exception_handler(RequestDataTooBig)
    def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> JsonResponse:
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a boundary with a great many points, say).
        return error_response(413, _("The request body is too large."))

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> JsonResponse:
        # More query-string or form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): the
        # client's mistake, not ours.
        return error_response(400, _("The request has too many fields."), code="too_many_fields")

    @api.exception_handler(Exception)
    def on_crash(request: HttpRequest, exc: Exception) -> JsonResponse:
        logger.error("Unhandled API error (request %s)", request_id_of(request), exc_info=exc)
        message = _("Something went wrong on our side. Quote the X-Request-ID header if you report it.")
        return error_response(500, message)
