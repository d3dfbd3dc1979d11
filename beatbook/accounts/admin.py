from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "person", "prefix", "created_at", "expires_at", "revoked_at")
    list_select_related = ("person",)
    exclude = ("digest",)
