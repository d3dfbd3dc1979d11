"""Jobs in the admin: read-only, like every model (writes go through services)."""

from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "kind", "status", "force", "started_by", "created_at", "finished_at")
    list_filter = ("status", "kind", "force")
    list_select_related = ("force", "started_by")
    search_fields = ("title", "kind", "task_result_id")
    date_hierarchy = "created_at"
