"""Test personas and a small deterministic world, built through the real services.

The world (comments state the relationships tests rely on):

* Cambridgeshire (force A) has neighbourhoods A1 "City Centre" and A2 "Cherry Hinton";
  team "Cambridge South NPT" covers both. Derbyshire (force B) has B1 "Derby City Centre".
* PCSO Alice is posted to A1 only: she sees A1, never A2 or anything in Derbyshire.
* Sgt Bob supervises the team: he sees A1 and A2.
* PCSO Charlie is posted to A2: he must see nothing of A1's people except through the force.
* Analyst Dee is force-wide in Cambridgeshire (reads everything in A).
* Erin is Cambridgeshire's force administrator (creates people and postings in A).
* Fay is Cambridgeshire's auditor (reads force-wide, searches the audit trail, changes nothing).
* Gus works for Cambridge City Council (partner user): he sees nothing until something is shared.
* PCSO Hal is posted to B1 in Derbyshire: an outsider to everything in A.
* Ivy is Derbyshire's force administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.test import Client

from beatbook.org import services as org
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Role, Team

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 (test personas only)


def square(lat: float, lng: float, half: float = 0.01) -> dict[str, object]:
    """A GeoJSON square polygon centred on (lat, lng)."""
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def browser_log_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login page in a Playwright page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@dataclass
class World:
    system: Person
    force_a: Force
    force_b: Force
    a1: Neighbourhood
    a2: Neighbourhood
    b1: Neighbourhood
    team_a: Team
    council: PartnerOrganisation
    alice: Person
    bob: Person
    charlie: Person
    dee: Person
    erin: Person
    fay: Person
    gus: Person
    hal: Person
    ivy: Person

    def client_for(self, person: Person) -> Client:
        client = Client()
        client.force_login(person)
        return client


def make_person(
    system: Person,
    force: Force,
    username: str,
    role: Role,
    *,
    neighbourhood: Neighbourhood | None = None,
    team: Team | None = None,
    partner: PartnerOrganisation | None = None,
    collar: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Person:
    person = org.person_create(
        actor=system,
        force=force,
        data=org.NewPerson(
            username=username,
            display_name=username.capitalize(),
            password=PASSWORD,
            collar_number=collar,
            rank_title=str(role.label),
            partner_organisation=partner,
        ),
    )
    org.posting_create(
        actor=system,
        person=person,
        role=role,
        neighbourhood=neighbourhood,
        team=team,
        valid_from=valid_from or dt.date(2020, 1, 1),
        valid_to=valid_to,
    )
    return person


def build_world() -> World:
    system = org.system_actor()
    force_a = org.force_create(
        actor=system, slug="cambridgeshire", name="Cambridgeshire Constabulary", country="england", short_code="CAMBS"
    )
    force_b = org.force_create(
        actor=system, slug="derbyshire", name="Derbyshire Constabulary", country="england", short_code="DERBYS"
    )
    a1 = org.neighbourhood_create(
        actor=system, force=force_a, code="CC01", name="City Centre", boundary=square(52.205, 0.119)
    )
    a2 = org.neighbourhood_create(
        actor=system, force=force_a, code="CH02", name="Cherry Hinton", boundary=square(52.185, 0.17)
    )
    b1 = org.neighbourhood_create(
        actor=system, force=force_b, code="DC01", name="Derby City Centre", boundary=square(52.922, -1.476)
    )
    team_a = org.team_create(actor=system, force=force_a, name="Cambridge South NPT", neighbourhoods=[a1, a2])
    council = org.partner_create(actor=system, force=force_a, name="Cambridge City Council", kind="council")
    return World(
        system=system,
        force_a=force_a,
        force_b=force_b,
        a1=a1,
        a2=a2,
        b1=b1,
        team_a=team_a,
        council=council,
        alice=make_person(system, force_a, "alice", Role.PCSO, neighbourhood=a1, collar="7001"),
        bob=make_person(system, force_a, "bob", Role.SUPERVISOR, team=team_a, collar="1234"),
        charlie=make_person(system, force_a, "charlie", Role.PCSO, neighbourhood=a2, collar="7002"),
        dee=make_person(system, force_a, "dee", Role.ANALYST),
        erin=make_person(system, force_a, "erin", Role.FORCE_ADMIN),
        fay=make_person(system, force_a, "fay", Role.AUDITOR),
        gus=make_person(system, force_a, "gus", Role.PARTNER, partner=council),
        hal=make_person(system, force_b, "hal", Role.PCSO, neighbourhood=b1, collar="8001"),
        ivy=make_person(system, force_b, "ivy", Role.FORCE_ADMIN),
    )


@dataclass(frozen=True)
class Days:
    """A date as a number of days from today, for `pytest.mark.parametrize`: its values are made
    when the tests are collected, which on a run that crosses midnight is the day before the test
    runs. `on_the_day` turns it into the date when the test runs."""

    days: int

    def date(self) -> dt.date:
        from beatbook.core.timeutil import today

        return today() + dt.timedelta(days=self.days)


def on_the_day(value: Any) -> Any:
    """A `Days` value as the date it means today; anything else as it is."""
    return value.date() if isinstance(value, Days) else value


def on_the_days(values: dict[str, Any]) -> dict[str, Any]:
    """A dict of test values with every `Days` turned into its date."""
    return {key: on_the_day(value) for key, value in values.items()}
