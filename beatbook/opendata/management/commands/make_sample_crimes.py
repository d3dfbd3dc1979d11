"""`manage.py make_sample_crimes [--seed N] [--rows N] [--malformed] [--output PATH]`: write the
sample police.uk street-level file for Cambridgeshire's demo neighbourhoods (by default the
committed `beatbook/opendata/data/sample-street.csv`, the same text each time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beatbook.demo.world import CAMBRIDGESHIRE
from beatbook.opendata.sample import DEFAULT_ROWS, DEFAULT_SEED, SAMPLE_PATH, Place, sample_street_csv, write_sample


class Command(BaseCommand):
    help = "Write the sample police.uk street-level CSV file (seeded: the same arguments give the same file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Seed (default {DEFAULT_SEED}).")
        parser.add_argument(
            "--rows", type=int, default=DEFAULT_ROWS, help=f"About how many rows (default {DEFAULT_ROWS})."
        )
        parser.add_argument("--malformed", action="store_true", help="Add one bad row of each kind the importer skips.")
        parser.add_argument(
            "--output", type=Path, default=SAMPLE_PATH, help="Where to write it (default: the committed file)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        places = [Place(p.code, p.name, p.lat, p.lng) for p in CAMBRIDGESHIRE.places]
        sample = sample_street_csv(
            force_name=CAMBRIDGESHIRE.name,
            places=places,
            rows=options["rows"],
            seed=options["seed"],
            malformed=options["malformed"],
        )
        output: Path = options["output"]
        write_sample(output, sample)
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Wrote {sample.rows} rows to {output}."))
