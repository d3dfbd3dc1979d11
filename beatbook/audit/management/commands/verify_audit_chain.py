"""`manage.py verify_audit_chain [--chain NAME ...]`: recompute every hash and check every link.

Prints how many chains and events were checked and "OK"; or the first broken link (chain,
sequence number, event id, problem) and exits with status 1, for cron jobs and monitoring.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.audit import chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains (all of them, or those named with --chain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain",
            action="append",
            dest="chains",
            metavar="NAME",
            help="A chain to verify (for example force-3 or platform); repeat for more. Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names: list[str] | None = options.get("chains")
        if names:
            unknown = sorted(set(names) - set(chain.chain_names(names)))
            if unknown:
                raise CommandError(f"No such chain: {', '.join(unknown)}")
        report = chain.verify(names or None)
        summary = f"Checked {report.chains} chain(s), {report.events} event(s)"
        if report.broken is not None:
            broken = report.broken
            raise CommandError(
                f"{summary}: BROKEN at chain {broken.chain}, seq {broken.seq}, "
                f"event id {broken.event_id if broken.event_id is not None else '-'}: {broken.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"{summary}: OK"))
