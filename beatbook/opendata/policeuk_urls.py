"""The police.uk-compatible public API, at /api/ (no version prefix, no trailing slashes).

Fixed method paths come first; `<force>/neighbourhoods` and `<force>/<neighbourhood>[/...]` are
catch-alls and come last (and after /api/v1/, which config/urls.py mounts first).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
