"""Load the baseline powers catalogue into one force, or into every force (`--all`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.org.models import Force
from beatbook.org.services import system_actor

from ...services.loader import BASELINE, catalogue_load, read_catalogue


class Command(BaseCommand):
    help = "Add the baseline powers catalogue's powers, penalty offences and courses that a force lacks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("force", nargs="?", help="the force's slug")
        parser.add_argument("--all", action="store_true", help="every force")
        parser.add_argument("--file", type=Path, default=BASELINE, help="a catalogue file of the same format")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_catalogue(options["file"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the catalogue: {exc}") from exc
        if options["all"]:
            forces = list(Force.objects.order_by("name"))
        elif options["force"]:
            forces = list(Force.objects.filter(slug=options["force"]))
            if not forces:
                raise CommandError(f"No force with the slug {options['force']!r}.")
        else:
            raise CommandError("Name a force's slug, or give --all.")
        actor = system_actor()
        for force in forces:
            result = catalogue_load(actor=actor, force=force, data=data)
            self.stdout.write(
                f"{force.name}: catalogue {result.version}: {result.powers_added} powers added, "
                f"{result.powers_kept} already there, {result.offences_added} penalty offences, "
                f"{result.courses_added} courses."
            )
