from __future__ import annotations

from beatbook.learning.views import development, training

app_name = "learning"
urlpatterns = [*training.urlpatterns, *development.urlpatterns]
