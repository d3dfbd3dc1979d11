"""The public neighbourhood pages (no login), at /public/."""

from __future__ import annotations

from .views import public

app_name = "public"
urlpatterns = [*public.urlpatterns]
