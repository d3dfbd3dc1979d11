from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("export.csv", views.incident_export, name="export"),
    path("map/", views.incident_map, name="map"),
    path("rules/", views.incident_rules, name="rules"),
    path("map.geojson", views.incident_map_data, name="map_data"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/edit/", views.incident_edit, name="edit"),
    path("<int:incident_id>/status/", views.incident_status, name="status"),
    path("<int:incident_id>/neighbourhood/", views.incident_correct, name="correct"),
    path("<int:incident_id>/people/", views.incident_add_person, name="add_person"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
