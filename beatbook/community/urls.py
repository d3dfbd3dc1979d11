"""Staff pages of community engagement (events, priorities, publication settings), at /community/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "community"
urlpatterns: list[URLPattern | URLResolver] = []
