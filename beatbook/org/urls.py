from django.urls import path

from .views import me, people, structure

app_name = "org"
urlpatterns = [
    path("people/", people.people, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/export.csv", people.people_export, name="people_export"),
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/postings/new/", people.posting_create, name="posting_create"),
    path("people/<int:person_id>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("postings/<int:posting_id>/end/", people.posting_end, name="posting_end"),
    path("me/", me.me, name="me"),
    path("me/language/", me.me_language, name="me_language"),
    path("me/tokens/", me.me_token_create, name="me_token_create"),
    path("me/tokens/<int:token_id>/revoke/", me.me_token_revoke, name="me_token_revoke"),
    path("neighbourhoods/", structure.neighbourhoods, name="neighbourhoods"),
    path("neighbourhoods/new/", structure.neighbourhood_create, name="neighbourhood_create"),
    path("neighbourhoods/<int:neighbourhood_id>/", structure.neighbourhood_detail, name="neighbourhood"),
    path("neighbourhoods/<int:neighbourhood_id>/edit/", structure.neighbourhood_edit, name="neighbourhood_edit"),
    path("teams/", structure.teams, name="teams"),
    path("teams/new/", structure.team_create, name="team_create"),
    path("teams/<int:team_id>/edit/", structure.team_edit, name="team_edit"),
    path("partners/", structure.partners, name="partners"),
    path("partners/new/", structure.partner_create, name="partner_create"),
]
