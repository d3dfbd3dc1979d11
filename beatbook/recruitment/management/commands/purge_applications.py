"""Erase the personal data of applications closed longer ago than the retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beatbook.org.services import system_actor
from beatbook.recruitment import services


class Command(BaseCommand):
    help = "Erase applicants' personal data from applications closed more than --months ago (default 12)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=services.RETENTION_MONTHS)

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.applications_purge(actor=system_actor(), months=int(options["months"]))
        self.stdout.write(f"Erased the personal data of {result.erased} application(s).")
