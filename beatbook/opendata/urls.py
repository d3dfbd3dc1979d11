"""Staff pages of open data (crime imports, publication of incidents, exports), at /open-data/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = []
