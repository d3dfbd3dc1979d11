"""The JSON API's URL patterns (filled in by beatbook.api.v1)."""

from typing import Any


def api_v1_urls() -> Any:
    from django.urls import include

    return include([])
