"""Load the competency frameworks reference file (CVF 2016 and 2024); optionally set the
framework in use for forces that have not chosen one yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.core.timeutil import today
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services.development import (
    FRAMEWORKS_FILE,
    force_framework_set,
    frameworks_load,
    read_frameworks_file,
)
from beatbook.org.selectors import forces_visible_to
from beatbook.org.services import system_actor


class Command(BaseCommand):
    help = "Add the frameworks, levels, items, indicators and rating scales that are missing (never overwrites)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=FRAMEWORKS_FILE, help="a reference file of the same format")
        parser.add_argument(
            "--use", metavar="CODE", help="set this framework (e.g. cvf-2024) as in use in forces that have none"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_frameworks_file(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the reference file: {exc}") from exc
        actor = system_actor()
        try:
            result = frameworks_load(actor=actor, data=data)
        except (ValidationError, KeyError, TypeError) as exc:
            raise CommandError(f"Cannot load the reference file: {exc}") from exc
        self.stdout.write(f"Frameworks {result.version}: {result.created} rows added, {result.skipped} already there.")
        code = options.get("use")
        if not code:
            return
        framework = next((f for f in selectors.frameworks_list() if f.code == code), None)
        if framework is None:
            raise CommandError(f"No framework with the code {code!r}.")
        chosen = selectors.force_frameworks()
        for force in forces_visible_to(actor):
            if force.pk not in chosen:
                force_framework_set(actor=actor, force=force, framework=framework, adopted_on=today())
                self.stdout.write(f"{force.name}: now uses {framework.code}.")
