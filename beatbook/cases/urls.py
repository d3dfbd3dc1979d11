from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export.csv", views.case_export, name="export"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/end/", views.agreement_end, name="agreement_end"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/edit/", views.case_edit, name="edit"),
    path("<int:case_id>/incidents/", views.case_link, name="link"),
    path("<int:case_id>/parties/", views.party_add, name="party_add"),
    path("<int:case_id>/parties/<int:party_id>/edit/", views.party_edit, name="party_edit"),
    path("<int:case_id>/risk/", views.case_assess_risk, name="risk"),
    path("<int:case_id>/actions/", views.action_add, name="action_add"),
    path("<int:case_id>/actions/<int:action_id>/finish/", views.action_finish, name="action_finish"),
    path("<int:case_id>/tasks/", views.task_add, name="task_add"),
    path("<int:case_id>/tasks/<int:task_id>/finish/", views.task_finish, name="task_finish"),
    path("<int:case_id>/conferences/", views.conference_add, name="conference_add"),
    path("<int:case_id>/close/", views.case_close, name="close"),
    path("<int:case_id>/shares/", views.case_share, name="share"),
    path("<int:case_id>/shares/<int:share_id>/withdraw/", views.case_unshare, name="unshare"),
]
