"""The recruitment demo: an open and a closed campaign in Cambridgeshire, with applications whose
furthest stage is each of the eight stages, one sifted out with its reason, one appointed.

Seeded once for the module and rolled back after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from beatbook.demo import seeding
from beatbook.demo.recruitment import RecruitmentReport, seed_recruitment
from beatbook.recruitment.models import Application, ApplicationStatus, Campaign, Stage
from beatbook.recruitment.selectors import current_stage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[RecruitmentReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeding.seed_world()
        yield seed_recruitment()
        transaction.set_rollback(True)


def test_an_open_and_a_closed_campaign_with_every_stage(seeded: RecruitmentReport) -> None:
    assert seeded == RecruitmentReport(campaigns=2, applications=12, appointed=1)
    assert Campaign.objects.count() == 2
    furthest = set()
    for application in Application.objects.prefetch_related("stages"):
        stage = current_stage(application)
        assert stage is not None
        furthest.add(stage.stage)
    assert furthest == set(Stage.values)
    sifted = Application.objects.filter(status=ApplicationStatus.SIFTED_OUT)
    assert sifted.count() == 2 and all(a.sift_reasons for a in sifted)
    appointed = Application.objects.get(status=ApplicationStatus.APPOINTED)
    assert appointed.person is not None and appointed.person.postings.exists()


def test_the_careers_page_shows_the_open_campaign(seeded: RecruitmentReport) -> None:
    html = Client().get(reverse("recruitment:careers", args=["cambridgeshire"])).content.decode()
    assert "PCSO apprenticeship: autumn intake" in html and "spring intake" not in html
