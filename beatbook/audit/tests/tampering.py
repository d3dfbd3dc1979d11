"""Raw SQL for tests that play the attacker: change or remove audit rows behind the ORM's back.

On PostgreSQL a trigger refuses UPDATE and DELETE on the audit table; these helpers switch
triggers off for the statement (`session_replication_role = replica`, superuser only) so that
detection can be tested there too. SQLite has no such guard.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def raw_write(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        bypass = connection.vendor == "postgresql"
        if bypass:
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if bypass:
                cursor.execute("SET session_replication_role = DEFAULT")


def tamper_reason(event_id: int, reason: str) -> None:
    raw_write("UPDATE audit_auditevent SET reason = %s WHERE id = %s", [reason, event_id])


def remove_event(event_id: int) -> None:
    raw_write("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
