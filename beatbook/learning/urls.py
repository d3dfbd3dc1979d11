from __future__ import annotations

from . import views

app_name = "learning"
urlpatterns = [*views.urlpatterns]
