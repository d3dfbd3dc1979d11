"""Property test: the powers check agrees with a plain-Python reading of its rules.

Random histories (force designations of a few powers, and officer designations with start and
end days and withdrawal moments, over a week around a change of the clocks) are stored, and for
every person, force, power and one of several random moments (many near midnight in London),
`check_power` must say "held" exactly when the reference below does, and `powers_held_at` must
list exactly the codes the reference holds. The reference is written from the rules in
`beatbook.powers.check`'s docstring, without the ORM:

    A person holds power P of force F at moment t (Europe/London date d) when F's catalogue has
    P, a force designation of P by F is in force on d, and a designation of the person by F that
    confers P is in force at t (valid_from <= d <= valid_to, and not withdrawn by t).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from beatbook.org import services as org
from beatbook.org.models import Force, Person
from beatbook.powers.check import check_power, powers_held_at
from beatbook.powers.models import Designation, DesignationPower, ForceDesignation, Power
from beatbook.powers.reference import PowerKind, Verification

LONDON = ZoneInfo("Europe/London")
CODES = ("alpha", "beta", "gamma")
# Force 1's catalogue lacks "gamma": a check of it there is always refused.
CATALOGUES = (CODES, CODES[:2])
# Weeks with a change of the clocks (30 March 2025 and 26 October 2025, both at 01:00 UTC).
WEEK_STARTS = (dt.date(2025, 3, 27), dt.date(2025, 10, 23))
DAYS = 8
# Minutes of the UTC day: any, or those near midnight in London (23:00 UTC in summer, 00:00 in
# winter) and near the change of the clocks (01:00 UTC).
MINUTES = st.one_of(
    st.integers(0, 24 * 60 - 1),
    st.sampled_from([0, 1, 59, 60, 61, 22 * 60 + 59, 23 * 60 - 1, 23 * 60, 23 * 60 + 1, 23 * 60 + 30, 24 * 60 - 1]),
)
MOMENT = st.tuples(st.integers(0, DAYS - 1), MINUTES)  # (day of the window, minute of the UTC day)


@dataclass(frozen=True)
class ForceSpec:
    force: int
    code: str
    start: int
    length: int | None  # days after the start of the last day; None: open-ended


@dataclass(frozen=True)
class DesignationSpec:
    person: int
    force: int
    start: int
    length: int | None
    withdrawn: tuple[int, int] | None  # a moment
    codes: frozenset[str]


force_specs = st.builds(
    ForceSpec,
    force=st.integers(0, 1),
    code=st.sampled_from(CODES),
    start=st.integers(0, DAYS - 1),
    length=st.one_of(st.none(), st.integers(0, DAYS)),
)
designation_specs = st.builds(
    DesignationSpec,
    person=st.integers(0, 2),
    # Mostly the person's own force; sometimes the other one.
    force=st.sampled_from([-1, -1, -1, 0, 1]),
    start=st.integers(0, DAYS - 1),
    length=st.one_of(st.none(), st.integers(0, DAYS)),
    withdrawn=st.one_of(st.none(), MOMENT),
    codes=st.frozensets(st.sampled_from(CODES), min_size=1),
)


def _moment(week: dt.date, moment: tuple[int, int]) -> dt.datetime:
    day, minute = moment
    return dt.datetime(week.year, week.month, week.day, tzinfo=dt.UTC) + dt.timedelta(days=day, minutes=minute)


@dataclass(frozen=True)
class Interval:
    """What the reference knows of a stored designation: plain values, no ORM."""

    force: int
    first: dt.date
    last: dt.date | None
    withdrawn: dt.datetime | None
    codes: frozenset[str]
    person: int = -1


def london_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def on_day(interval: Interval, day: dt.date) -> bool:
    return interval.first <= day and (interval.last is None or day <= interval.last)


def reference_held(
    *, person: int, force: int, code: str, moment: dt.datetime, forces: list[Interval], designations: list[Interval]
) -> bool:
    day = london_day(moment)
    if code not in CATALOGUES[force]:
        return False
    if not any(f.force == force and code in f.codes and on_day(f, day) for f in forces):
        return False
    return any(
        d.person == person
        and d.force == force
        and code in d.codes
        and on_day(d, day)
        and (d.withdrawn is None or moment < d.withdrawn)
        for d in designations
    )


class CheckAgreesWithTheRules(TestCase):
    system: ClassVar[Person]
    forces: ClassVar[list[Force]]
    people: ClassVar[list[Person]]
    powers: ClassVar[dict[tuple[int, str], Power]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.system = org.system_actor()
        cls.forces = [
            org.force_create(
                actor=cls.system, slug=f"force-{f}", name=f"Force {f}", country="england", short_code=f"F{f}"
            )
            for f in range(2)
        ]
        cls.powers = {
            (f, code): Power.objects.create(
                force=cls.forces[f],
                code=code,
                title=f"Power {code}",
                summary="A power for the property test.",
                legal_basis="Test Act 2025 s.1",
                kind=PowerKind.OTHER,
                verification=Verification.NOT_VERIFIED,
            )
            for f in range(2)
            for code in CATALOGUES[f]
        }
        # People 0 and 1 serve in force 0, person 2 in force 1.
        cls.people = [
            Person.objects.create(username=f"p{n}", display_name=f"P{n}", force=cls.forces[0 if n < 2 else 1])
            for n in range(3)
        ]

    def _person_force(self, person: int) -> int:
        return 0 if person < 2 else 1

    def _store(
        self, week: dt.date, force_list: list[ForceSpec], designation_list: list[DesignationSpec]
    ) -> tuple[list[Interval], list[Interval]]:
        forces: list[Interval] = []
        for spec in force_list:
            if (spec.force, spec.code) not in self.powers:
                continue
            first = week + dt.timedelta(days=spec.start)
            last = None if spec.length is None else first + dt.timedelta(days=spec.length)
            ForceDesignation.objects.create(
                force=self.forces[spec.force],
                power=self.powers[spec.force, spec.code],
                valid_from=first,
                valid_to=last,
                created_by=self.system,
            )
            forces.append(Interval(spec.force, first, last, None, frozenset([spec.code])))
        designations: list[Interval] = []
        for n, des in enumerate(designation_list):
            force = self._person_force(des.person) if des.force < 0 else des.force
            codes = frozenset(c for c in des.codes if (force, c) in self.powers)
            first = week + dt.timedelta(days=des.start)
            last = None if des.length is None else first + dt.timedelta(days=des.length)
            withdrawn = None if des.withdrawn is None else _moment(week, des.withdrawn)
            designation = Designation.objects.create(
                force=self.forces[force],
                reference=f"PROP-{n:04d}",
                person=self.people[des.person],
                valid_from=first,
                valid_to=last,
                signed_by_name="Chief Constable",
                signed_on=first,
                withdrawn_at=withdrawn,
                withdrawn_by=self.system if withdrawn else None,
                withdrawal_reason="Withdrawn" if withdrawn else "",
                created_by=self.system,
            )
            DesignationPower.objects.bulk_create(
                DesignationPower(designation=designation, power=self.powers[force, code]) for code in sorted(codes)
            )
            designations.append(Interval(force, first, last, withdrawn, codes, person=des.person))
        return forces, designations

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        week=st.sampled_from(WEEK_STARTS),
        force_list=st.lists(force_specs, max_size=6),
        designation_list=st.lists(designation_specs, max_size=5),
        moments=st.lists(MOMENT, min_size=1, max_size=4, unique=True),
    )
    def test_check_and_powers_held_match_the_rules(
        self,
        week: dt.date,
        force_list: list[ForceSpec],
        designation_list: list[DesignationSpec],
        moments: list[tuple[int, int]],
    ) -> None:
        forces, designations = self._store(week, force_list, designation_list)
        # The moments drawn, and each withdrawal's moment and the second before it.
        instants = {_moment(week, m) for m in moments}
        for d in designations:
            if d.withdrawn is not None:
                instants |= {d.withdrawn, d.withdrawn - dt.timedelta(seconds=1)}
        for moment in sorted(instants):
            for p, person in enumerate(self.people):
                for f, force in enumerate(self.forces):
                    for code in CODES:
                        expected = reference_held(
                            person=p, force=f, code=code, moment=moment, forces=forces, designations=designations
                        )
                        check = check_power(person=person, force=force, code=code, at=moment)
                        assert check.held == expected, (p, f, code, moment, forces, designations, check.reason)
                        if check.held:
                            # What it is based on is in force at the moment, and confers the power.
                            assert check.designation is not None and check.force_designation is not None
                            assert check.designation.person_id == person.pk
                            assert check.designation.in_force_at(moment, london_day(moment))
                            assert check.force_designation.in_force_on(london_day(moment))
                            assert check.designation.reference == check.snapshot()["designation"]
                held = powers_held_at(person=person, at=moment)
                expected_codes = {
                    code
                    for code in CODES
                    if reference_held(
                        person=p,
                        force=self._person_force(p),
                        code=code,
                        moment=moment,
                        forces=forces,
                        designations=designations,
                    )
                }
                codes = [c.code for c in held]
                assert len(codes) == len(set(codes))
                assert set(codes) == expected_codes, (p, moment, forces, designations)
                for c in held:
                    single = check_power(
                        person=person, force=self.forces[self._person_force(p)], code=c.code, at=moment
                    )
                    # The same force designation as the single check names, and a designation
                    # that started the same day (which of two started the same day is
                    # `test_check.TestTies`'s concern).
                    assert c.force_designation == single.force_designation
                    assert c.designation is not None and single.designation is not None
                    assert c.designation.valid_from == single.designation.valid_from
                    assert c.designation.in_force_at(moment, london_day(moment))
