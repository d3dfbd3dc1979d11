"""The seeded demo world, loaded once per test module and rolled back after it.

Tests that only read the world share it (`demo_world`); each test still runs in its own
savepoint, so logins and other writes in one test are gone before the next. Tests that need an
empty database (the command, determinism) seed for themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from beatbook.demo import seeding


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[seeding.SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seeding.seed_world()
        transaction.set_rollback(True)
