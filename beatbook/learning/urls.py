from __future__ import annotations

from beatbook.learning.views import development, portfolio, programmes, training

app_name = "learning"
urlpatterns = [*training.urlpatterns, *development.urlpatterns, *programmes.urlpatterns, *portfolio.urlpatterns]
