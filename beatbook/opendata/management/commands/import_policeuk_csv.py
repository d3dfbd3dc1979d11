"""`manage.py import_policeuk_csv <force> <file> [--as USERNAME]`: import a police.uk street-level
CSV file for a force, now, through the same service and job as the page (the job runs in this
process), and print how it went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from beatbook.opendata.models import CrimeImport
from beatbook.opendata.services.imports import crime_import_start
from beatbook.opendata.tasks import crime_import_task
from beatbook.org.models import Force, Person
from beatbook.org.services import system_actor

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Import a police.uk street-level crime file (*-street.csv) for a force, and report the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("force", help="The force's police.uk id, e.g. cambridgeshire.")
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument(
            "--as", dest="username", default="", help="Import as this person (default: the system account)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force {options['force']!r}.")
        actor = system_actor()
        if options["username"]:
            found = Person.objects.filter(username=options["username"], is_active=True).first()
            if found is None:
                raise CommandError(f"No active person {options['username']!r}.")
            actor = found
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            with override_settings(TASKS=IMMEDIATE):  # the job runs here, when the upload commits
                started = crime_import_start(actor=actor, force=force, filename=path.name, content=content)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not manage {force.name}'s open data.") from exc
        if started.job is not None:  # inside an outer transaction the commit has not come yet: run it now
            crime_import_task.call(started.job.pk, started.pk)
        done = CrimeImport.objects.select_related("job").defer("content").get(pk=started.pk)
        if done.status != CrimeImport.Status.SUCCEEDED:
            message = done.job.message if done.job is not None else ""
            raise CommandError(f"The import {done.get_status_display().lower()}: {message}")
        for problem in done.problems:
            self.stderr.write(f"line {problem['line']}: {problem['reason']}")
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {path.name} into {force.name}: {done.rows_loaded} rows loaded, "
                    f"{done.rows_already_loaded} already loaded, {done.rows_skipped} skipped "
                    f"(of {done.rows_total})."
                )
            )
