from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export.csv", views.people_export, name="people_export"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/postings/new/", views.posting_create, name="posting_create"),
    path("people/<int:person_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("postings/<int:posting_id>/end/", views.posting_end, name="posting_end"),
    path("me/", views.me, name="me"),
    path("me/language/", views.me_language, name="me_language"),
    path("me/tokens/", views.me_token_create, name="me_token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.me_token_revoke, name="me_token_revoke"),
    path("neighbourhoods/", views.neighbourhoods, name="neighbourhoods"),
    path("neighbourhoods/new/", views.neighbourhood_create, name="neighbourhood_create"),
    path("neighbourhoods/<int:neighbourhood_id>/", views.neighbourhood_detail, name="neighbourhood"),
    path("neighbourhoods/<int:neighbourhood_id>/edit/", views.neighbourhood_edit, name="neighbourhood_edit"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_create, name="partner_create"),
]
