"""The audit trail in the admin: look only. No update or delete path exists, the admin included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditChain, AuditEvent


class _LookOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(_LookOnly):
    list_display = ("occurred_at", "event_type", "actor_name", "force", "object_repr", "chain", "seq")
    list_filter = ("event_type", "force")
    list_select_related = ("force",)
    search_fields = ("actor_name", "object_repr", "request_id", "hash")
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(AuditChain)
class AuditChainAdmin(_LookOnly):
    list_display = ("name", "last_seq", "last_hash")
