from __future__ import annotations

from beatbook.learning.views import training

app_name = "learning"
urlpatterns = [*training.urlpatterns]
