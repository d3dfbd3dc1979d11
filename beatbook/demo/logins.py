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
    area: str  # the neighbourhood or team it is posted to; a partner user's organisation; "" if force-wide
    sees: str


# Partner users see no neighbourhood: only the ASB cases shared with their organisation
# (`demo/cases.py` shares one with each), and of those only what the agreement allows.
COUNCIL_SEES = "The ASB case shared with the council: summary, parties, actions, tasks, conferences"
HOUSING_SEES = "The ASB case shared with the association: summary, parties and contact details, tasks"

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
    DemoLogin("partner", Role.PARTNER, "cambridgeshire", "Cambridge City Council", COUNCIL_SEES),
    DemoLogin("housing", Role.PARTNER, "cambridgeshire", "Fen Edge Housing Association", HOUSING_SEES),
    DemoLogin("forceadmin", Role.FORCE_ADMIN, "cambridgeshire", "", "The whole force; manages people and structure"),
    DemoLogin("auditor", Role.AUDITOR, "cambridgeshire", "", "The whole force, read-only; searches the audit trail"),
    DemoLogin("pcso.cumbria", Role.PCSO, "cumbria", "Carlisle City Centre", "Their own neighbourhood only"),
    DemoLogin("partner.cumbria", Role.PARTNER, "cumbria", "Carlisle City Council", COUNCIL_SEES),
    DemoLogin("housing.cumbria", Role.PARTNER, "cumbria", "Eden Valley Housing Association", HOUSING_SEES),
    DemoLogin("pcso.derbyshire", Role.PCSO, "derbyshire", "Derby City Centre", "Their own neighbourhood only"),
    DemoLogin("partner.derbyshire", Role.PARTNER, "derbyshire", "Derby City Council", COUNCIL_SEES),
    DemoLogin("housing.derbyshire", Role.PARTNER, "derbyshire", "Peak and Dales Housing Association", HOUSING_SEES),
)

# Student PCSOs on the learning programme, created by `demo/programmes.py` (not by the world
# builder, so that `pcso` stays the first PCSO of Cambridge City Centre). `demo_logins` lists them
# after the others; docs/how-to/programmes-and-milestones.md describes where each one stands.
STUDENT_SEES = "Their own neighbourhood; their programme at /learning/me/"
STUDENT_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("student.ahead", Role.PCSO, "cambridgeshire", "Cambridge City Centre", STUDENT_SEES),
    DemoLogin("student.atrisk", Role.PCSO, "cambridgeshire", "Cambridge City Centre", STUDENT_SEES),
    DemoLogin("student.ips", Role.PCSO, "cambridgeshire", "Cambridge City Centre", STUDENT_SEES),
    DemoLogin("student.foc", Role.PCSO, "cambridgeshire", "Cambridge City Centre", STUDENT_SEES),
)
