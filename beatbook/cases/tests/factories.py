"""Builders for ASB case tests, on the persona world (`beatbook.core.testing`): plain functions
with sensible defaults, overridable by keyword.

* `open_case(world)`: Alice (PCSO in A1) opens a medium-risk case from two ASB incidents in A1
  with a named victim and suspect; the parties are copied from the incidents.
* `agreement(world)`: Cambridgeshire's agreement with Cambridge City Council (Gus's
  organisation), in force from 30 days ago for a year, allowing summary, parties and tasks.
* `share(world, case, agreement)`: Bob (the team's supervisor) shares the case under it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from beatbook.cases import services
from beatbook.cases.models import AsbCase, CaseShare, SharingAgreement
from beatbook.cases.reference import DataCategory
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.incidents import services as incident_services
from beatbook.incidents.models import Incident, Involvement
from beatbook.incidents.reference import AsbQualifier, AsbType, Category
from beatbook.incidents.services import PersonData
from beatbook.incidents.tests.factories import a1_spot, ago, incident_data
from beatbook.org.models import Person


def asb_incident(actor: Person, n: int = 0, *, days_ago: float = 1, people: list[PersonData] | None = None) -> Incident:
    lat, lng = a1_spot(n)
    return incident_services.incident_create(
        actor=actor,
        data=incident_data(
            occurred_at=ago(days=days_ago),
            category=Category.ANTI_SOCIAL_BEHAVIOUR,
            asb_qualifier=AsbQualifier.PERSONAL,
            asb_type=AsbType.values[0],
            lat=lat,
            lng=lng,
        ),
        people=people
        if people is not None
        else [
            PersonData(involvement=Involvement.VICTIM, name="Mary Jones", address="14 Mill Road", is_vulnerable=True),
            PersonData(involvement=Involvement.SUSPECT, name="Kyle Smith", address="3 Mill Road"),
        ],
    )


def case_data(**overrides: Any) -> services.CaseData:
    base: dict[str, Any] = {
        "title": "Noise and threats at Mill Road flats",
        "summary": "Loud music late at night and threats to the neighbour at number 14.",
        "risk_level": "medium",
        "risk_notes": "Victim is elderly and lives alone; threats are escalating.",
        "review_on": today() + dt.timedelta(days=28),
    }
    return services.CaseData(**(base | overrides))


def open_case(
    world: World, *, actor: Person | None = None, incidents: list[Incident] | None = None, **overrides: Any
) -> AsbCase:
    actor = actor or world.alice
    if incidents is None:
        incidents = [asb_incident(actor, 0, days_ago=3), asb_incident(actor, 0, days_ago=1)]
    return services.case_open(actor=actor, data=case_data(**overrides), incident_ids=[i.pk for i in incidents])


def agreement(world: World, **overrides: Any) -> SharingAgreement:
    base: dict[str, Any] = {
        "partner_id": world.council.pk,
        "title": "Cambridge Community Safety Partnership ISA",
        "purpose": "Joint work on anti-social behaviour cases in Cambridge.",
        "data_categories": (DataCategory.SUMMARY, DataCategory.PARTIES, DataCategory.TASKS),
        "starts_on": today() - dt.timedelta(days=30),
        "ends_on": today() + dt.timedelta(days=335),
    }
    return services.agreement_create(
        actor=world.erin, force=world.force_a, data=services.AgreementData(**(base | overrides))
    )


def share(world: World, case: AsbCase, under: SharingAgreement) -> CaseShare:
    return services.case_share(actor=world.bob, case=case, agreement_id=under.pk)
