"""The audit trail in the admin: look only. No update or delete path exists, the admin included."""

from __future__ import annotations

from django.contrib import admin

from beatbook.core.admin import ReadOnlyAdmin

from .models import AuditChain, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "event_type", "actor_name", "force", "object_repr", "chain", "seq")
    list_filter = ("event_type", "force")
    list_select_related = ("force",)
    search_fields = ("actor_name", "object_repr", "request_id", "hash")
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(AuditChain)
class AuditChainAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_seq", "last_hash")
