"""Builders for ASB case tests, on the persona world (`beatbook.core.testing`): plain functions
with sensible defaults, overridable by keyword.

* `open_case(world)`: Alice (PCSO in A1) opens a medium-risk case from two ASB incidents in A1
  with a named victim and suspect; the parties are copied from the incidents.
* `agreement(world)`: Cambridgeshire's agreement with Cambridge City Council (Gus's
  organisation), in force from 30 days ago for a year, allowing summary, parties and tasks.
* `share(world, case, agreement)`: Bob (the team's supervisor) shares the case under it.
* `housing(world)` / `derby_partner(world)`: a second partner organisation of Cambridgeshire (not
  Gus's) and one of Derbyshire; `derby_case(world)`: Hal's case in B1.
* `party_data`, `action_data`, `agreement_data`: the services' inputs with sensible defaults.
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
from beatbook.incidents.tests.factories import B1_CENTRE, a1_spot, ago, incident_data
from beatbook.org import services as org
from beatbook.org.models import PartnerOrganisation, Person


def asb_incident(
    actor: Person,
    n: int = 0,
    *,
    days_ago: float = 1,
    people: list[PersonData] | None = None,
    point: tuple[float, float] | None = None,
    category: str = Category.ANTI_SOCIAL_BEHAVIOUR,
) -> Incident:
    lat, lng = point or a1_spot(n)
    asb = category == Category.ANTI_SOCIAL_BEHAVIOUR
    return incident_services.incident_create(
        actor=actor,
        data=incident_data(
            occurred_at=ago(days=days_ago),
            category=category,
            asb_qualifier=AsbQualifier.PERSONAL if asb else "",
            asb_type=AsbType.values[0] if asb else "",
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


def agreement_data(world: World, **overrides: Any) -> services.AgreementData:
    base: dict[str, Any] = {
        "partner_id": world.council.pk,
        "title": "Cambridge Community Safety Partnership ISA",
        "purpose": "Joint work on anti-social behaviour cases in Cambridge.",
        "data_categories": (DataCategory.SUMMARY, DataCategory.PARTIES, DataCategory.TASKS),
        "starts_on": today() - dt.timedelta(days=30),
        "ends_on": today() + dt.timedelta(days=335),
    }
    return services.AgreementData(**(base | overrides))


def agreement(world: World, **overrides: Any) -> SharingAgreement:
    return services.agreement_create(actor=world.erin, force=world.force_a, data=agreement_data(world, **overrides))


def share(world: World, case: AsbCase, under: SharingAgreement) -> CaseShare:
    return services.case_share(actor=world.bob, case=case, agreement_id=under.pk)


def housing(world: World) -> PartnerOrganisation:
    """A second partner organisation of Cambridgeshire (Gus does not work for it)."""
    return org.partner_create(
        actor=world.system, force=world.force_a, name="Sanctuary Housing", kind="housing_association"
    )


def derby_partner(world: World) -> PartnerOrganisation:
    return org.partner_create(actor=world.system, force=world.force_b, name="Derby City Council", kind="council")


def derby_case(world: World, **overrides: Any) -> AsbCase:
    """Hal (PCSO in B1) opens a case from an incident in Derby."""
    incident = asb_incident(world.hal, point=B1_CENTRE)
    return open_case(world, actor=world.hal, incidents=[incident], **overrides)


def party_data(**overrides: Any) -> services.PartyData:
    base: dict[str, Any] = {
        "role": "victim",
        "name": "Olive Green",
        "date_of_birth": dt.date(1941, 3, 2),
        "address": "22 Coldhams Lane",
        "phone": "07700 900456",
    }
    return services.PartyData(**(base | overrides))


def action_data(world: World, **overrides: Any) -> services.ActionData:
    """A warning letter owned by Alice, due in a fortnight."""
    base: dict[str, Any] = {
        "kind": "warning_letter",
        "due_on": today() + dt.timedelta(days=14),
        "owner_id": world.alice.pk,
        "notes": "Hand-deliver to 3 Mill Road.",
    }
    return services.ActionData(**(base | overrides))
