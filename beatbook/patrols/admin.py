from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import HotspotPlan, HotspotTarget, Patrol, PatrolVisit


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "person", "neighbourhood", "mode", "started_at", "ended_at")
    list_select_related = ("person", "neighbourhood")


@admin.register(PatrolVisit)
class PatrolVisitAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "patrol", "place", "arrived_at", "left_at")
    list_select_related = ("patrol", "place")


@admin.register(HotspotPlan)
class HotspotPlanAdmin(ReadOnlyAdmin):
    list_display = ("name", "neighbourhood", "starts_on", "ends_on", "status")
    list_select_related = ("neighbourhood",)


@admin.register(HotspotTarget)
class HotspotTargetAdmin(ReadOnlyAdmin):
    list_display = ("label", "plan", "visits_per_day", "min_minutes", "max_minutes", "radius_m")
    list_select_related = ("plan",)
