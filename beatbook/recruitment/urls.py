from __future__ import annotations

from beatbook.recruitment import views

app_name = "recruitment"
urlpatterns = [*views.urlpatterns]
