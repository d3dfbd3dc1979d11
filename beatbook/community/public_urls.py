"""The public neighbourhood pages (no login), at /public/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = []
