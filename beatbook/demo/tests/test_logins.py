"""The demo logins: each logs in with the printed password and sees what its role allows."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from beatbook.demo import seeding
from beatbook.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from beatbook.org import policy
from beatbook.org.models import Force, Person, Role

pytestmark = pytest.mark.django_db

CAMBS_ALL = {"CB01", "CH01", "EL01", "HU01", "PB01", "WI01"}
CAMBRIDGE_AND_SOUTH = {"CB01", "CH01", "EL01"}
# What each demo persona's postings let it see (neighbourhood codes).
EXPECTED_SCOPE = {
    "pcso": {"CB01"},
    "officer": {"CB01"},
    "supervisor": CAMBRIDGE_AND_SOUTH,
    "tutor": CAMBRIDGE_AND_SOUTH,
    "assessor": CAMBS_ALL,
    "trainer": CAMBS_ALL,
    "analyst": CAMBS_ALL,
    "recruiter": CAMBS_ALL,
    "partner": set(),
    "housing": set(),
    "forceadmin": CAMBS_ALL,
    "auditor": CAMBS_ALL,
    "pcso.cumbria": {"CL01"},
    "partner.cumbria": set(),
    "housing.cumbria": set(),
    "pcso.derbyshire": {"DE01"},
    "partner.derbyshire": set(),
    "housing.derbyshire": set(),
}


def person(username: str) -> Person:
    return Person.objects.get(username=username)


def test_the_expectations_cover_every_demo_login() -> None:
    assert set(EXPECTED_SCOPE) == {login.username for login in DEMO_LOGINS}
    assert len(DEMO_LOGINS) == len({login.username for login in DEMO_LOGINS})


def test_the_demo_password_passes_the_password_policy() -> None:
    for login in DEMO_LOGINS:
        validate_password(DEMO_PASSWORD, user=Person(username=login.username, display_name="Demo Person"))


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_demo_login_logs_in_with_the_printed_password(demo_world: seeding.SeedReport, username: str) -> None:
    response = Client().post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_other_seeded_people_cannot_log_in_with_the_demo_password(demo_world: seeding.SeedReport) -> None:
    someone = Person.objects.exclude(username__in=EXPECTED_SCOPE).filter(is_system=False, is_active=True).first()
    assert someone is not None
    response = Client().post("/accounts/login/", {"username": someone.username, "password": DEMO_PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(("username", "codes"), sorted(EXPECTED_SCOPE.items()))
def test_each_persona_sees_what_its_role_allows(demo_world: seeding.SeedReport, username: str, codes: set[str]) -> None:
    assert set(policy.neighbourhoods_in_scope(person(username)).values_list("code", flat=True)) == codes


def test_the_auditor_and_force_admin_see_everyone_in_their_force_and_nobody_else(
    demo_world: seeding.SeedReport,
) -> None:
    cambs = Force.objects.get(slug="cambridgeshire")
    everyone = set(Person.objects.filter(force=cambs))
    for username in ("auditor", "forceadmin"):
        assert set(policy.people_in_scope(person(username))) == everyone


def test_the_partner_sees_only_themself(demo_world: seeding.SeedReport) -> None:
    partner = person("partner")
    assert partner.partner_organisation is not None
    assert partner.partner_organisation.name == "Cambridge City Council"
    assert list(policy.people_in_scope(partner)) == [partner]


def test_each_partner_login_works_for_the_organisation_it_is_listed_under(demo_world: seeding.SeedReport) -> None:
    partners = [login for login in DEMO_LOGINS if login.role == Role.PARTNER]
    assert {login.force_slug for login in partners} == {"cambridgeshire", "cumbria", "derbyshire"}
    for login in partners:
        organisation = person(login.username).partner_organisation
        assert organisation is not None and organisation.name == login.area
        assert organisation.force.slug == login.force_slug


def test_the_pcso_sees_her_colleagues_but_not_the_next_neighbourhood(demo_world: seeding.SeedReport) -> None:
    visible = set(policy.people_in_scope(person("pcso")))
    assert person("officer") in visible
    assert person("supervisor") in visible  # posted to the team that covers her neighbourhood
    assert person("pcso.cumbria") not in visible
    assert person("analyst") not in visible


def test_only_the_force_roles_may_act_on_the_force(demo_world: seeding.SeedReport) -> None:
    cambs = Force.objects.get(slug="cambridgeshire")
    assert policy.can(person("forceadmin"), policy.Action.MANAGE_PEOPLE, cambs)
    assert policy.can(person("auditor"), policy.Action.SEARCH_AUDIT, cambs)
    assert not policy.can(person("auditor"), policy.Action.MANAGE_PEOPLE, cambs)
    assert not policy.can(person("pcso"), policy.Action.MANAGE_PEOPLE, cambs)
    assert not policy.can(person("forceadmin"), policy.Action.MANAGE_PEOPLE, Force.objects.get(slug="cumbria"))
