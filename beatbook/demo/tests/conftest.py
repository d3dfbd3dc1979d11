"""The seeded demo, shared by the tests of this package.

* `demo_world`: the organisation only, loaded once per test module and rolled back after it.
* `seeded` / `seeded_cases`: the organisation, a year of incidents up to a fixed day (`END`), the
  patrols and the ASB cases, loaded once for the whole package (it takes tens of seconds) and
  rolled back after its last test. So that it does not stand in the way of the tests that need an
  empty database (the commands) or seed for themselves, the tests that use it run after all the
  others of the package (`pytest_collection_modifyitems` below).

Tests that only read share the data; each test still runs in its own savepoint, so logins and
other writes in one test are gone before the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from beatbook.demo import seeding
from beatbook.demo.cases import CaseSeedReport, seed_cases
from beatbook.demo.incidents import IncidentSeedReport, seed_incidents
from beatbook.demo.patrols import seed_patrols

SEED = 2026
END = dt.date(2026, 10, 1)  # fixed, so the incident tests do not depend on the day they run
SHARED_FIXTURE = "seeded"


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[seeding.SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seeding.seed_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="package")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[IncidentSeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeding.seed_world(seed=SEED)
        report = seed_incidents(seed=SEED, end=END)
        seed_patrols(seed=SEED, end=END)  # uses the incidents' hot spots
        yield report
        transaction.set_rollback(True)


@pytest.fixture(scope="package")
def seeded_cases(seeded: IncidentSeedReport, django_db_blocker: DjangoDbBlocker) -> CaseSeedReport:
    """The cases, on top of `seeded` and rolled back with it (they are dated from today: the
    services refuse reviews in the past and results in the future)."""
    with django_db_blocker.unblock():
        return seed_cases(seed=SEED)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move this package's tests that use the shared seed after its other tests (keeping the
    order within each group): the seed stays loaded until the package's last test."""
    here = Path(__file__).parent
    positions = [n for n, item in enumerate(items) if Path(item.path).is_relative_to(here)]
    ours = [items[n] for n in positions]
    uses = [SHARED_FIXTURE in getattr(item, "fixturenames", ()) for item in ours]
    ordered = [i for i, u in zip(ours, uses, strict=True) if not u] + [i for i, u in zip(ours, uses, strict=True) if u]
    for n, item in zip(positions, ordered, strict=True):
        items[n] = item
