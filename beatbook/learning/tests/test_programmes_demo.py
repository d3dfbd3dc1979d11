"""The programme demo: four student PCSOs in Cambridgeshire at different points of the programme,
with held reviews and the next ones scheduled, the right ones at risk, and the milestones signed
off through the service once their criteria are met.

Seeded once for the module (organisation, programme, sign-offs) and rolled back after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from beatbook.core.timeutil import today
from beatbook.demo import seeding
from beatbook.demo.logins import DEMO_PASSWORD
from beatbook.demo.programmes import ProgrammeSeedReport, SignOffSeedReport, seed_programmes, seed_signoffs
from beatbook.learning.models import Enrolment, Milestone, PhaseKind, ProgressReview, ReviewStatus
from beatbook.learning.selectors import programmes as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[ProgrammeSeedReport, SignOffSeedReport]]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeding.seed_world()
        report = seed_programmes()
        yield report, seed_signoffs()
        transaction.set_rollback(True)


def status(username: str) -> selectors.LearnerStatus:
    enrolment = Enrolment.objects.select_related("programme", "current_phase").get(learner__username=username)
    return selectors.status_of(enrolment)


def test_four_students_enrolled_with_the_demo_staff(seeded: tuple[ProgrammeSeedReport, SignOffSeedReport]) -> None:
    report, signoffs = seeded
    assert report.enrolments == 4 and report.reviews > 10
    assert signoffs.signoffs == 3
    for enrolment in Enrolment.objects.select_related("tutor", "assessor", "line_manager"):
        assert (enrolment.tutor.username, enrolment.assessor.username, enrolment.line_manager.username) == (  # type: ignore[union-attr]
            "tutor",
            "assessor",
            "supervisor",
        )
        upcoming = ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.SCHEDULED)
        assert upcoming.count() == 1 and upcoming.get().scheduled_for >= today()
        assert ProgressReview.objects.filter(enrolment=enrolment, status=ReviewStatus.HELD).exists()


def test_each_student_where_the_demo_says(seeded: tuple[ProgrammeSeedReport, SignOffSeedReport]) -> None:
    ahead, atrisk, ips, foc = (status(f"student.{n}") for n in ("ahead", "atrisk", "ips", "foc"))
    assert ahead.enrolment.current_phase.kind == PhaseKind.TUTOR_PHASE and not ahead.at_risk  # type: ignore[union-attr]
    assert atrisk.enrolment.current_phase.kind == PhaseKind.TUTOR_PHASE  # type: ignore[union-attr]
    assert 0 <= atrisk.ips.days_left(today()) <= 28
    assert any(r.startswith("Behind plan") for r in atrisk.reasons)
    assert any(r.startswith("Independent Patrol Status due") for r in atrisk.reasons)
    assert ips.ips.signed and not ips.foc.signed and not ips.at_risk
    assert ips.enrolment.current_phase.kind == PhaseKind.OPERATIONAL_DEPLOYMENT  # type: ignore[union-attr]
    assert foc.ips.signed and foc.foc.signed and not foc.at_risk
    assert foc.foc.signoff is not None and foc.foc.signoff.signed_as == "assessor"
    assert foc.enrolment.current_phase.kind == PhaseKind.END_POINT_ASSESSMENT  # type: ignore[union-attr]
    latest = ProgressReview.objects.filter(enrolment=atrisk.enrolment, status=ReviewStatus.HELD).latest("held_on")
    assert latest.rag == "red"
    assert foc.foc.signoff.criteria_met and foc.foc.milestone == Milestone.FOC


def test_the_students_log_in_and_see_their_programme(seeded: tuple[ProgrammeSeedReport, SignOffSeedReport]) -> None:
    client = Client()
    assert client.login(username="student.atrisk", password=DEMO_PASSWORD)
    page = client.get("/learning/me/").content.decode()
    assert "Tutor phase" in page and "Behind plan" in page
    supervisor = Client()
    assert supervisor.login(username="supervisor", password=DEMO_PASSWORD)
    cohort = supervisor.get("/learning/cohort/").content.decode()
    assert all(name in cohort for name in ("Priya Shah", "Liam Doyle", "Grace Okafor", "Tom Whitfield"))


def test_demo_logins_lists_the_students(
    seeded: tuple[ProgrammeSeedReport, SignOffSeedReport], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo_logins")
    assert "student.foc" in capsys.readouterr().out
