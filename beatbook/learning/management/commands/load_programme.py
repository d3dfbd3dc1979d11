"""`manage.py load_programme --force <slug> [--file PATH] [--code CODE]`: load (or reload) a force's
learning programme from a reference file (default: the example Level 4 Diploma programme)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.learning.services.programmes import PROGRAMME_FILE, programme_load, read_programme_file
from beatbook.org.models import Force
from beatbook.org.services import system_actor


class Command(BaseCommand):
    help = (
        "Load a force's learning programme (units, outcomes, criteria, phases) from a reference file. "
        "Idempotent: texts are updated; criteria with evidence are never removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", required=True, metavar="SLUG", help="the force's slug, e.g. cambridgeshire")
        parser.add_argument("--file", type=Path, default=PROGRAMME_FILE, help="a reference file of the same format")
        parser.add_argument("--code", default="", help="the programme's code (default: the file's)")

    def handle(self, *args: Any, **options: Any) -> None:
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with the slug {options['force']!r}.")
        try:
            data = read_programme_file(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the reference file: {exc}") from exc
        try:
            result = programme_load(actor=system_actor(), force=force, data=data, code=options["code"])
        except (ValidationError, KeyError, TypeError) as exc:
            raise CommandError(f"Cannot load the reference file: {exc}") from exc
        verb = "Created" if result.created else "Updated"
        self.stdout.write(
            f"{verb} {result.programme.name} ({result.programme.code}) in {force.name}: {result.units} units, "
            f"{result.outcomes} outcomes, {result.criteria} criteria, {result.phases} phases."
        )
        if result.criteria_removed:
            self.stdout.write(f"Removed {result.criteria_removed} criteria no longer in the file.")
        if result.criteria_kept:
            self.stdout.write(
                "Kept criteria no longer in the file because evidence maps to them: " + ", ".join(result.criteria_kept)
            )
