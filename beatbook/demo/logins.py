"""The demo logins: the one list that `seed_demo`, `demo_logins`, the tests and the docs share.

Every account below gets the same published password. It is a demo password: never load the
demo data into a database that real people use.
"""

from __future__ import annotations

from dataclasses import dataclass

from beatbook.org.models import Role

DEMO_PASSWORD = "beatbook-demo-2026"  # noqa: S105 (published on purpose: demo accounts only)
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: who it is, where it is posted and what that lets it see."""

    username: str
    role: Role
    force_slug: str
    area: str  # the neighbourhood or team it is posted to; "" for force-wide roles and partners
    sees: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("pcso", Role.PCSO, "cambridgeshire", "Cambridge City Centre", "Their own neighbourhood only"),
    DemoLogin("officer", Role.OFFICER, "cambridgeshire", "Cambridge City Centre", "Their own neighbourhood only"),
    DemoLogin(
        "supervisor", Role.SUPERVISOR, "cambridgeshire", "Cambridge and South NPT", "The team's three neighbourhoods"
    ),
    DemoLogin("tutor", Role.TUTOR, "cambridgeshire", "Cambridge and South NPT", "The team's three neighbourhoods"),
    DemoLogin("assessor", Role.ASSESSOR, "cambridgeshire", "", "The whole force"),
    DemoLogin("trainer", Role.TRAINER, "cambridgeshire", "", "The whole force"),
    DemoLogin("analyst", Role.ANALYST, "cambridgeshire", "", "The whole force"),
    DemoLogin("recruiter", Role.RECRUITER, "cambridgeshire", "", "The whole force"),
    DemoLogin("partner", Role.PARTNER, "cambridgeshire", "", "Nothing until records are shared with the council"),
    DemoLogin("forceadmin", Role.FORCE_ADMIN, "cambridgeshire", "", "The whole force; manages people and structure"),
    DemoLogin("auditor", Role.AUDITOR, "cambridgeshire", "", "The whole force, read-only; searches the audit trail"),
    DemoLogin("pcso.cumbria", Role.PCSO, "cumbria", "Carlisle City Centre", "Their own neighbourhood only"),
    DemoLogin("pcso.derbyshire", Role.PCSO, "derbyshire", "Derby City Centre", "Their own neighbourhood only"),
)
