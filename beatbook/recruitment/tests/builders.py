"""Test builders for recruitment: a recruiter per force, campaigns and applications made through
the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.org.models import Person, Role
from beatbook.recruitment import services
from beatbook.recruitment.models import Application, Campaign, Level2Answer, Outcome, Stage


def eligible(email: str = "sam@example.org", **changes: object) -> services.NewApplication:
    """Answers that pass the default rules (18+, level 3, level 2 held, 3 years in the UK)."""
    answers = services.NewApplication(
        full_name="Sam Applicant",
        email=email,
        date_of_birth=today().replace(year=today().year - 25),
        has_level3=True,
        level2=Level2Answer.HELD,
        residency_years=10,
        has_driving_licence=True,
        phone="07700 900123",
    )
    return replace(answers, **changes)  # type: ignore[arg-type]


class Cast:
    """The world plus Rita, Cambridgeshire's recruiter, Rex, Derbyshire's recruiter, and an open
    campaign in Cambridgeshire."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rita = make_person(world.system, world.force_a, "rita", Role.RECRUITER)
        self.rex = make_person(world.system, world.force_b, "rex", Role.RECRUITER)
        self.campaign = services.campaign_create(
            actor=self.rita,
            force=world.force_a,
            data=services.CampaignData(
                title="PCSO apprenticeship 2026",
                opens_on=today() - dt.timedelta(days=10),
                closes_on=today() + dt.timedelta(days=20),
                posts=12,
            ),
        )

    def apply(self, email: str = "sam@example.org", campaign: Campaign | None = None, **changes: object) -> Application:
        submitted = services.application_submit(campaign=campaign or self.campaign, data=eligible(email, **changes))
        return submitted.application

    def advance(self, application: Application, until: str, actor: Person | None = None) -> Application:
        """Pass every stage after the sift up to and including `until`."""
        done = set(application.stages.values_list("stage", flat=True))
        for stage in list(Stage)[1:]:
            if stage == Stage.START:
                break
            if stage in done:
                continue
            services.stage_record(
                actor=actor or self.rita, application=application, stage=stage, on=today(), outcome=Outcome.PASSED
            )
            if stage == until:
                break
        return application


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


# ---- For the API's table of every operation (beatbook/api/tests/test_auth.py) -------------------
NEW_CAMPAIGN = {
    "force": "cambridgeshire",
    "title": "Autumn intake",
    "opens_on": "2026-10-01",
    "closes_on": "2026-10-31",
}
CAMPAIGN_CHANGES = {"title": "Spring intake", "opens_on": "2026-03-01", "closes_on": "2026-03-31", "posts": 4}
RULES = {
    "min_age": 18,
    "level3_required": True,
    "level2_rule": "achievable",
    "residency_years": 3,
    "driving_licence_required": False,
}


def api_campaign(world: World) -> int:
    return Cast(world).campaign.pk


def api_application(world: World, until: str = "") -> int:
    """An application in Cambridgeshire: at the sift, or passed up to `until`."""
    cast = Cast(world)
    application = cast.apply()
    return (cast.advance(application, until=until) if until else application).pk


def api_next_stage() -> dict[str, str]:
    return {"stage": "assessment_centre", "on": today().isoformat(), "outcome": "passed"}


def api_appointment(world: World) -> dict[str, object]:
    return {"start_date": today().isoformat(), "neighbourhood": world.a1.pk}
