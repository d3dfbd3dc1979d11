from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "jobs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("audit-verify/", views.audit_verify, name="audit_verify"),
]
