"""seed_demo and demo_logins on an empty database: deterministic, idempotent with --if-empty, all or
nothing. The year of incidents is stubbed here (test_incidents.py seeds it for real)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from beatbook.audit.models import AuditEvent
from beatbook.demo import seeding
from beatbook.demo.incidents import IncidentSeedReport
from beatbook.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_URL
from beatbook.demo.management.commands import seed_demo
from beatbook.org import services
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Team

pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    """A digest of everything the seed decides (not ids, hashes or timestamps)."""
    world: dict[str, Any] = {
        "forces": list(Force.objects.order_by("slug").values_list("slug", "name", "short_code", "url", "telephone")),
        "neighbourhoods": [
            [nb.force.slug, nb.code, nb.name, nb.population, nb.boundary]
            for nb in Neighbourhood.objects.select_related("force").order_by("force__slug", "code")
        ],
        "teams": [
            [team.force.slug, team.name, sorted(nb.code for nb in team.neighbourhoods.all())]
            for team in Team.objects.select_related("force").prefetch_related("neighbourhoods").order_by("name")
        ],
        "partners": list(PartnerOrganisation.objects.order_by("name").values_list("force__slug", "name", "kind")),
        "people": list(
            Person.objects.order_by("username").values_list(
                "username",
                "display_name",
                "force__slug",
                "collar_number",
                "rank_title",
                "partner_organisation__name",
                "is_active",
            )
        ),
        "postings": [
            [
                p.person.username,
                p.role,
                p.neighbourhood.code if p.neighbourhood else None,
                p.team.name if p.team else None,
                p.valid_from.isoformat(),
                p.valid_to.isoformat() if p.valid_to else None,
            ]
            for p in Posting.objects.select_related("person", "neighbourhood", "team").order_by(
                "person__username", "valid_from", "role"
            )
        ],
    }
    return hashlib.sha256(json.dumps(world, sort_keys=True, default=str).encode()).hexdigest()


def seeded_fingerprint(seed: int) -> str:
    """Seed inside a savepoint, take the fingerprint and roll back: a fresh database each time."""
    with transaction.atomic():
        call_command("seed_demo", seed=seed, no_incidents=True, verbosity=0)
        digest = fingerprint()
        transaction.set_rollback(True)
    assert not Force.objects.exists()
    return digest


def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    first = seeded_fingerprint(7)
    assert seeded_fingerprint(7) == first
    assert seeded_fingerprint(8) != first


@dataclass
class FakeIncidents:
    """Stands in for the year of incidents (tens of seconds; test_incidents.py tests it)."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, *, seed: int, end: dt.date) -> IncidentSeedReport:
        self.calls.append({"seed": seed, "end": end})
        if self.fail:
            raise RuntimeError("incidents failed")
        return IncidentSeedReport(
            seed=seed,
            end=end,
            per_force={"cambridgeshire": 330, "cumbria": 320, "derbyshire": 310},
            people=1300,
            alerts_raised=240,
            alerts_open=19,
            seconds=0.1,
        )


@pytest.fixture
def fake_incidents(monkeypatch: pytest.MonkeyPatch) -> FakeIncidents:
    fake = FakeIncidents()
    monkeypatch.setattr(seed_demo, "seed_incidents", fake)
    return fake


class CommandTests:
    def test_if_empty_loads_once_then_does_nothing(self, fake_incidents: FakeIncidents) -> None:
        call_command("seed_demo", "--if-empty", verbosity=0)
        counts = (Force.objects.count(), Person.objects.count(), Posting.objects.count(), AuditEvent.objects.count())
        out = StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        assert "already has forces" in out.getvalue()
        assert counts == (
            Force.objects.count(),
            Person.objects.count(),
            Posting.objects.count(),
            AuditEvent.objects.count(),
        )
        assert len(fake_incidents.calls) == 1

    def test_if_empty_does_nothing_when_any_force_exists(self, world: object, fake_incidents: FakeIncidents) -> None:
        call_command("seed_demo", "--if-empty", verbosity=0)
        assert not Force.objects.filter(slug="cumbria").exists()
        assert fake_incidents.calls == []

    def test_a_second_load_without_if_empty_is_refused(self, fake_incidents: FakeIncidents) -> None:
        call_command("seed_demo", verbosity=0)
        with pytest.raises(CommandError, match="already has forces"):
            call_command("seed_demo", verbosity=0)

    def test_the_command_reports_what_it_loaded(self, fake_incidents: FakeIncidents) -> None:
        out = StringIO()
        call_command("seed_demo", "--seed", "7", stdout=out)
        assert "3 forces, 18 neighbourhoods" in out.getvalue()
        # Incidents run up to yesterday: the command passes today's London date as the end.
        assert fake_incidents.calls == [{"seed": 7, "end": timezone.localdate()}]
        assert "Recorded 960 demo incidents" in out.getvalue()
        assert "cambridgeshire 330, cumbria 320, derbyshire 310" in out.getvalue()
        assert "19 still open" in out.getvalue()

    def test_no_incidents_loads_the_organisation_only(self, fake_incidents: FakeIncidents) -> None:
        out = StringIO()
        call_command("seed_demo", "--no-incidents", stdout=out)
        assert Force.objects.count() == 3
        assert fake_incidents.calls == []
        assert "incidents" not in out.getvalue()

    def test_a_failure_leaves_the_database_empty_so_the_next_run_loads_again(
        self, fake_incidents: FakeIncidents
    ) -> None:
        fake_incidents.fail = True
        with pytest.raises(RuntimeError):
            call_command("seed_demo", "--if-empty", verbosity=0)
        assert not Force.objects.exists()
        fake_incidents.fail = False
        call_command("seed_demo", "--if-empty", verbosity=0)
        assert Force.objects.count() == 3
        assert len(fake_incidents.calls) == 2


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_with_the_production_hasher_the_quick_seed_hash_logs_in_and_is_upgraded() -> None:
    seeding.seed_world()
    pcso = Person.objects.get(username="pcso")
    assert pcso.password.startswith(f"pbkdf2_sha256${seeding.DemoSeedHasher.iterations}$")
    response = Client().post("/accounts/login/", {"username": "pcso", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    pcso.refresh_from_db()
    assert pcso.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


def test_demo_logins_prints_only_the_accounts_that_exist() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "no demo logins" in out.getvalue()

    seeding.seed_world()
    services.person_deactivate(
        actor=services.system_actor(), person=Person.objects.get(username="trainer"), reason="test"
    )
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    lines = {line.split()[0] for line in text.splitlines() if line.strip()}
    assert {login.username for login in DEMO_LOGINS} - {"trainer"} <= lines
    assert "trainer" not in lines
    assert DEMO_PASSWORD in text
    assert DEMO_URL in text
    assert "Cambridge City Council" in text
