from __future__ import annotations

from .views import catalogue, designations

app_name = "powers"
urlpatterns = [*catalogue.urlpatterns, *designations.urlpatterns]
