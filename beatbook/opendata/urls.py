"""Staff pages of open data (crime imports, publication of incidents) and the public crime
downloads, at /open-data/."""

from __future__ import annotations

from .views import exports, imports

app_name = "opendata"
urlpatterns = [*imports.urlpatterns, *exports.urlpatterns]
