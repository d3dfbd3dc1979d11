from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Team


@admin.register(Force)
class ForceAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "country", "short_code")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "force", "is_active")
    list_filter = ("force",)
    list_select_related = ("force",)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "force")
    list_select_related = ("force",)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "force")
    list_select_related = ("force",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "collar_number", "force", "is_active")
    list_filter = ("force", "is_active")
    list_select_related = ("force",)
    exclude = ("password",)
    search_fields = ("username", "display_name", "collar_number")


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("person", "role", "force", "neighbourhood", "team", "valid_from", "valid_to")
    list_filter = ("force", "role")
    list_select_related = ("person", "force", "neighbourhood", "team")
