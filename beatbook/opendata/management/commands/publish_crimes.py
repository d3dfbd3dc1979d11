"""`manage.py publish_crimes <force> <YYYY-MM> [--as USERNAME]`: publish a force's publishable
incidents of a month as anonymised public crimes, now (the service the publication job runs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beatbook.opendata.geometry import BadQueryError, parse_month
from beatbook.opendata.services.publish import crimes_publish
from beatbook.org.models import Force, Person
from beatbook.org.services import system_actor


class Command(BaseCommand):
    help = "Publish a force's publishable incidents of a whole month as anonymised public crimes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("force", help="The force's police.uk id, e.g. cambridgeshire.")
        parser.add_argument("month", help="The month, YYYY-MM (a month that has ended).")
        parser.add_argument(
            "--as", dest="username", default="", help="Publish as this person (default: the system account)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force {options['force']!r}.")
        try:
            month = parse_month(options["month"])
        except BadQueryError:
            month = None
        if month is None:
            raise CommandError("Give the month as YYYY-MM.")
        actor = system_actor()
        if options["username"]:
            found = Person.objects.filter(username=options["username"], is_active=True).first()
            if found is None:
                raise CommandError(f"No active person {options['username']!r}.")
            actor = found
        try:
            report = crimes_publish(actor=actor, force=force, month=month)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not manage {force.name}'s open data.") from exc
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published {report.published} crimes of {report.month} for {force.name}: {report.created} new, "
                    f"{report.updated} updated, {report.unchanged} unchanged, {report.removed} removed, "
                    f"{report.no_location} without a location."
                )
            )
