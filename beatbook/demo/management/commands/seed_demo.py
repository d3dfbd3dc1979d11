"""`manage.py seed_demo [--if-empty] [--seed N]`: load the demo world (see docs/how-to/demo-data.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.demo import seeding


class Command(BaseCommand):
    help = (
        "Load the demo forces, neighbourhoods, teams, partners, people and postings through the "
        "organisation services (every row audited). Deterministic for a given --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, if the database already has any force.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=seeding.DEFAULT_SEED,
            help=f"Seed for names, boundaries and postings (default {seeding.DEFAULT_SEED}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if seeding.has_forces():
            if options["if_empty"]:
                if options["verbosity"] > 0:
                    self.stdout.write("Demo data not loaded: the database already has forces.")
                return
            raise CommandError(
                "The database already has forces. seed_demo loads into an empty database only "
                "(--if-empty skips quietly)."
            )
        report = seeding.seed_world(seed=options["seed"])
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo world (seed {report.seed}) in {report.seconds:.1f} s: "
                    f"{report.forces} forces, {report.neighbourhoods} neighbourhoods, {report.teams} teams, "
                    f"{report.partners} partner organisations, {report.people} people, "
                    f"{report.postings} postings."
                )
            )
            self.stdout.write("The demo logins: manage.py demo_logins")
