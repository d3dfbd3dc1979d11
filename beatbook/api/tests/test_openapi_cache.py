"""The OpenAPI document is built once per path prefix and language, not on every request."""

from __future__ import annotations

from django.utils import translation

from beatbook.api.v1 import api


def test_the_document_is_built_once_per_language() -> None:
    with translation.override("en"):
        first = api.get_openapi_schema(path_prefix="/api/v1/")
        assert api.get_openapi_schema(path_prefix="/api/v1/") is first
    with translation.override("cy"):
        welsh = api.get_openapi_schema(path_prefix="/api/v1/")
    assert welsh is not first
    assert welsh["paths"].keys() == first["paths"].keys()
