"""The development demo: frameworks in every force (CVF 2024), the demo courses, CPD entries for
the demo PCSOs, a signed-off and an open PDR for `pcso` with `supervisor`, and `pcso`'s home page
showing their expired and expiring training.

Seeded once for the module (organisation, powers, development) and rolled back after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from beatbook.demo import seeding
from beatbook.demo.development import DevelopmentSeedReport, seed_development
from beatbook.demo.powers import seed_powers
from beatbook.learning.models import Course, CpdEntry, ForceFramework, Pdr, PdrStatus
from beatbook.learning.selectors import development as selectors
from beatbook.org.models import Force, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DevelopmentSeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeding.seed_world()
        seed_powers()
        yield seed_development()
        transaction.set_rollback(True)


def test_every_force_uses_cvf_2024(seeded: DevelopmentSeedReport) -> None:
    assert ForceFramework.objects.count() == Force.objects.count() == seeded.forces
    assert set(ForceFramework.objects.values_list("framework__code", flat=True)) == {"cvf-2024"}


def test_demo_courses(seeded: DevelopmentSeedReport) -> None:
    cambs = set(Course.objects.filter(force__slug="cambridgeshire").values_list("code", flat=True))
    assert {"initial-law", "initial-airwave", "initial-first-aid", "mandatory-annual", "first-aid", "airwave"} <= cambs
    assert "officer-safety" in cambs  # the powers catalogue's, kept
    assert not Course.objects.filter(force__slug="cumbria", code="initial-law").exists()


def test_cpd_and_pdrs_of_pcso(seeded: DevelopmentSeedReport) -> None:
    pcso = Person.objects.get(username="pcso")
    assert CpdEntry.objects.filter(person=pcso).count() == 4
    assert seeded.cpd_entries >= 4 and seeded.pdrs == 2
    pdrs = list(Pdr.objects.filter(person=pcso).order_by("review_year"))
    assert [p.status for p in pdrs] == [PdrStatus.SIGNED_OFF, PdrStatus.OPEN]
    assert pdrs[0].acknowledged_at is not None and pdrs[0].line_manager.username == "supervisor"


def test_pcsos_home_shows_their_training_to_renew(
    seeded: DevelopmentSeedReport, django_assert_num_queries: Any
) -> None:
    pcso = Person.objects.get(username="pcso")
    alerts = selectors.training_alerts_for(pcso)
    assert [(a.record.course.code, a.state) for a in alerts] == [
        ("first-aid", "expired"),
        ("mandatory-annual", "expiring"),
    ]
    client = Client()
    client.force_login(pcso)
    client.get("/")  # warm the session
    with django_assert_num_queries(17):  # the whole home page, the panel adds one
        page = client.get("/").content.decode()
    assert 'data-testid="training-alerts"' in page and "Mandatory annual refresher" in page
    with django_assert_num_queries(1):
        selectors.training_alerts_for(pcso)
    officer = Person.objects.get(username="officer")
    assert 'data-testid="training-alerts"' not in _home(officer)


def _home(person: Person) -> str:
    client = Client()
    client.force_login(person)
    return client.get("/").content.decode()
