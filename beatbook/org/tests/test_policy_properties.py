"""Property test: the SQL scopes of `policy` agree with a plain-Python reading of the rules,
for random postings (roles, areas, teams and dates) of an actor and of the people around them."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from beatbook.core.testing import square
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org import services as org
from beatbook.org.models import (
    AREA_OPTIONAL_ROLES,
    AREA_REQUIRED_ROLES,
    FORCE_WIDE_ROLES,
    Force,
    Neighbourhood,
    Person,
    Posting,
    Role,
    Team,
)

NON_PARTNER_ROLES = sorted(set(Role) - {Role.PARTNER})

# A posting as drawn: (force index, role, area kind, area index, start offset, end offset or None).
posting_specs = st.tuples(
    st.integers(0, 1),
    st.sampled_from(NON_PARTNER_ROLES),
    st.sampled_from(["neighbourhood", "team", "force"]),
    st.integers(0, 2),
    st.integers(-30, 5),
    st.one_of(st.none(), st.integers(-10, 30)),
)


def _area_kind_allowed(role: Role, kind: str) -> bool:
    if role in AREA_REQUIRED_ROLES:
        return kind != "force"
    if role in FORCE_WIDE_ROLES:
        return kind == "force"
    return role in AREA_OPTIONAL_ROLES


class ScopeAgreesWithTheRules(TestCase):
    system: ClassVar[Person]
    forces: ClassVar[list[Force]]
    areas: ClassVar[list[list[Neighbourhood]]]
    teams: ClassVar[list[list[Team]]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.system = org.system_actor()
        cls.forces = []
        cls.areas = []
        cls.teams = []
        for f in range(2):
            force = org.force_create(
                actor=cls.system, slug=f"force-{f}", name=f"Force {f}", country="england", short_code=f"F{f}"
            )
            areas = [
                org.neighbourhood_create(
                    actor=cls.system,
                    force=force,
                    code=f"N{f}{i}",
                    name=f"N{f}{i}",
                    boundary=square(52.0 + f, -1.0 + i * 0.1, half=0.02),
                )
                for i in range(3)
            ]
            teams = [
                org.team_create(actor=cls.system, force=force, name=f"T{f}{t}", neighbourhoods=areas[t : t + 2])
                for t in range(3)
            ]
            cls.forces.append(force)
            cls.areas.append(areas)
            cls.teams.append(teams)

    def _person(self, name: str, force: Force) -> Person:
        return org.person_create(
            actor=self.system,
            force=force,
            data=org.NewPerson(username=name, display_name=name, password="a-long-test-password-1"),
        )

    def _post(self, person: Person, spec: tuple[int, Role, str, int, int, int | None]) -> Posting | None:
        f, role, kind, index, start, end = spec
        if person.force_id != self.forces[f].pk or not _area_kind_allowed(role, kind):
            return None
        if end is not None and end < start:
            return None
        on = today()
        return org.posting_create(
            actor=self.system,
            person=person,
            role=role,
            neighbourhood=self.areas[f][index] if kind == "neighbourhood" else None,
            team=self.teams[f][index] if kind == "team" else None,
            valid_from=on + dt.timedelta(days=start),
            valid_to=on + dt.timedelta(days=end) if end is not None else None,
        )

    @staticmethod
    def _expected_areas(postings: list[Posting], *, force_wide_counts: bool = True) -> set[int]:
        on = today()
        seen: set[int] = set()
        for p in postings:
            if p.valid_from > on or (p.valid_to is not None and p.valid_to < on):
                continue
            if p.neighbourhood_id:
                seen.add(p.neighbourhood_id)
            elif p.team_id:
                seen |= {nb.pk for nb in Team.objects.get(pk=p.team_id).neighbourhoods.all()}
            elif force_wide_counts:
                seen |= set(Neighbourhood.objects.filter(force_id=p.force_id).values_list("pk", flat=True))
        return seen

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        actor_force=st.integers(0, 1),
        actor_specs=st.lists(posting_specs, max_size=4),
        other_specs=st.lists(st.tuples(st.integers(0, 1), posting_specs), max_size=5),
    )
    def test_scopes_match_the_rules(
        self,
        actor_force: int,
        actor_specs: list[tuple[int, Role, str, int, int, int | None]],
        other_specs: list[tuple[int, tuple[int, Role, str, int, int, int | None]]],
    ) -> None:
        actor = self._person("actor", self.forces[actor_force])
        mine = [p for p in (self._post(actor, s) for s in actor_specs) if p is not None]
        expected_areas = self._expected_areas(mine)
        assert set(policy.neighbourhoods_in_scope(actor).values_list("pk", flat=True)) == expected_areas

        others: list[tuple[Person, list[Posting]]] = []
        for i, (f, spec) in enumerate(other_specs):
            person = self._person(f"other{i}", self.forces[f])
            posted = self._post(person, spec)
            others.append((person, [posted] if posted is not None else []))

        force_wide_forces = {
            p.force_id
            for p in mine
            if not p.neighbourhood_id
            and not p.team_id
            and p.valid_from <= today()
            and (p.valid_to is None or p.valid_to >= today())
        }
        visible_people = set(policy.people_in_scope(actor).values_list("pk", flat=True))
        for person, postings in others:
            # Others are seen through their area postings; a force-wide colleague is not "posted in"
            # a PCSO's neighbourhood, so only force-wide viewers see them.
            their_areas = self._expected_areas(postings, force_wide_counts=False)
            should_see = person.force_id in force_wide_forces or bool(their_areas & expected_areas)
            assert (person.pk in visible_people) == should_see, (person.username, postings)
        assert actor.pk in visible_people
