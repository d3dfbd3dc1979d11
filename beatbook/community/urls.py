"""Staff pages of community engagement (events, priorities, publication settings), at /community/."""

from __future__ import annotations

from .views import events, priorities, publication

app_name = "community"
urlpatterns = [*events.urlpatterns, *priorities.urlpatterns, *publication.urlpatterns]
