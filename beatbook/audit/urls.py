from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "audit"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:event_id>/", views.event_detail, name="event"),
]
