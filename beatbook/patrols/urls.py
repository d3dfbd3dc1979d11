from django.urls import path

from . import planner_views, views

app_name = "patrols"
urlpatterns = [
    path("", views.patrol_index, name="index"),
    path("start/", views.patrol_start, name="start"),
    path("<int:patrol_id>/", views.patrol_detail, name="detail"),
    path("<int:patrol_id>/visits/", views.patrol_add_visit, name="add_visit"),
    path("<int:patrol_id>/end/", views.patrol_end, name="end"),
    path("<int:patrol_id>/notes/", views.patrol_notes, name="notes"),
    path("<int:patrol_id>/map.geojson", views.patrol_map_geojson, name="map"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/end/", views.plan_end, name="plan_end"),
    path("plans/<int:plan_id>/evaluation/", planner_views.plan_evaluation, name="plan_evaluation"),
    path("planner/", planner_views.planner_page, name="planner"),
    path("planner/plan/", planner_views.planner_plan, name="planner_plan"),
    path("planner/settings/", planner_views.planner_settings, name="planner_settings"),
]
