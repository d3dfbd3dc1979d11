"""`manage.py demo_logins`: the demo accounts present in this database, with their password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beatbook.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_URL, STUDENT_LOGINS
from beatbook.org.models import Person

HEADERS = ("Username", "Role", "Force", "Posted to", "Password")


def login_rows() -> list[tuple[str, str, str, str, str]]:
    """One row per demo login whose account exists and is active, in DEMO_LOGINS order."""
    people = {
        person.username: person
        for person in Person.objects.filter(
            username__in=[login.username for login in (*DEMO_LOGINS, *STUDENT_LOGINS)], is_active=True
        ).select_related("force", "partner_organisation")
    }
    rows = []
    for login in (*DEMO_LOGINS, *STUDENT_LOGINS):
        person = people.get(login.username)
        if person is None:
            continue
        partner = person.partner_organisation
        area = login.area or (partner.name if partner is not None else "the whole force")
        force = person.force.name if person.force is not None else ""
        rows.append((login.username, str(login.role.label), force, area, DEMO_PASSWORD))
    return rows


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database, their roles, forces and password."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write("There are no demo logins in this database. Load them with: manage.py seed_demo")
            return
        widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(line(HEADERS))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(f"Open {DEMO_URL} and log in as any of these (password {DEMO_PASSWORD}).")
