from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import Alert, Incident, IncidentPerson, IncidentRules


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "occurred_at", "neighbourhood", "category", "status")
    list_select_related = ("neighbourhood",)


@admin.register(IncidentPerson)
class IncidentPersonAdmin(ReadOnlyAdmin):
    list_display = ("incident", "involvement", "is_unknown")
    list_select_related = ("incident",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("kind", "neighbourhood", "count", "created_at", "acknowledged_at")
    list_select_related = ("neighbourhood",)


@admin.register(IncidentRules)
class IncidentRulesAdmin(ReadOnlyAdmin):
    list_display = ("force", "repeat_count", "repeat_window_days", "repeat_radius_m", "trigger_threshold")
