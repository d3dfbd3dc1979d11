from django.urls import path

from . import views

app_name = "patrols"
urlpatterns = [
    path("", views.patrol_index, name="index"),
    path("start/", views.patrol_start, name="start"),
    path("<int:patrol_id>/", views.patrol_detail, name="detail"),
    path("<int:patrol_id>/visits/", views.patrol_add_visit, name="add_visit"),
    path("<int:patrol_id>/end/", views.patrol_end, name="end"),
    path("<int:patrol_id>/notes/", views.patrol_notes, name="notes"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/end/", views.plan_end, name="plan_end"),
]
