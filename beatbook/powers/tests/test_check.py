"""The powers check: `check_power` and `powers_held_at` on the persona world with powers
(`powers.testing.powers_world`): who held what, when, with which parameters, and why not."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from beatbook.core.testing import World
from beatbook.org.models import Person
from beatbook.powers.check import check_power, powers_held_at
from beatbook.powers.models import Designation, DesignationPower, ForceDesignation, Power
from beatbook.powers.reference import DETAIN, DISPERSAL, REQUIRE_NAME_ADDRESS, SEIZE_DRUGS
from beatbook.powers.testing import designate, designate_force, powers_world

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment in UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def title(force_id: int, code: str) -> str:
    return Power.objects.get(force_id=force_id, code=code).title


def newcomer(world: World, username: str = "zed", *, force_b: bool = False) -> Person:
    """A PCSO of the force with no designation yet."""
    return Person.objects.create(
        username=username, display_name=username.capitalize(), force=world.force_b if force_b else world.force_a
    )


class TestHeldOrRefused:
    def test_detention_is_held_in_cambridgeshire(self, pw: World) -> None:
        designation = Designation.objects.get(person=pw.alice)
        check = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=at(2024, 6, 1, 12))
        assert check.held
        assert check.reason == f"Held under designation {designation.reference}."
        assert check.designation == designation
        assert check.power is not None and check.power.code == DETAIN
        assert check.force_designation is not None and check.force_designation.force_id == pw.force_a.pk
        assert check.designation_power is not None and check.designation_power.power_id == check.power.pk
        assert check.parameters == {"limit_minutes": 30}

    def test_detention_is_refused_in_derbyshire_which_does_not_designate_it(self, pw: World) -> None:
        check = check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2024, 6, 1, 12))
        assert not check.held
        assert check.reason == (
            f"Derbyshire Constabulary did not designate “{title(pw.force_b.pk, DETAIN)}” to PCSOs on 1 June 2024."
        )
        assert check.power is not None and check.force_designation is None and check.designation is None
        assert check.parameters == {}

    def test_derbyshire_holds_its_other_powers(self, pw: World) -> None:
        assert check_power(person=pw.hal, force=pw.force_b, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 1)).held

    def test_a_code_missing_from_the_catalogue_is_refused(self, pw: World) -> None:
        check = check_power(person=pw.alice, force=pw.force_a, code="stop-and-search", at=at(2024, 6, 1))
        assert not check.held
        assert check.reason == "Cambridgeshire Constabulary has no power “stop-and-search” in its catalogue."
        assert check.power is None

    def test_a_person_never_designated_is_refused_with_the_moment(self, pw: World) -> None:
        check = check_power(person=pw.bob, force=pw.force_a, code=SEIZE_DRUGS, at=at(2024, 6, 1, 13, 5))
        assert not check.held
        # 13:05 UTC is 14:05 in London in summer.
        assert check.reason == f"Bob was not designated “{title(pw.force_a.pk, SEIZE_DRUGS)}” at 1 June 2024 14:05."
        assert check.force_designation is not None and check.designation is None

    def test_another_forces_power_is_refused_for_a_person_of_a_different_force(self, pw: World) -> None:
        # Hal (Derbyshire) is designated by Derbyshire only; Cambridgeshire's power is not his.
        check = check_power(person=pw.hal, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 1, 12))
        assert not check.held
        assert check.reason.startswith("Hal was not designated “")
        assert check.power is not None and check.power.force_id == pw.force_a.pk
        # ... and the other way round.
        check = check_power(person=pw.alice, force=pw.force_b, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 1, 12))
        assert not check.held and check.designation is None

    def test_the_snapshot_names_the_designation_and_no_person(self, pw: World) -> None:
        designation = Designation.objects.get(person=pw.alice)
        snapshot = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=at(2024, 6, 1, 12)).snapshot()
        assert snapshot["held"] is True
        assert snapshot["designation"] == designation.reference
        assert snapshot["power"] == DETAIN
        assert snapshot["at"] == "2024-06-01T12:00:00+00:00"
        assert snapshot["parameters"] == {"limit_minutes": 30}
        assert "alice" not in repr(snapshot).lower()


class TestTheMomentDecides:
    """Designation dates are Europe/London days: in summer, 23:30 UTC is already the next day."""

    def test_an_act_at_2330_utc_in_summer_falls_on_the_next_london_day(self, pw: World) -> None:
        zed = newcomer(pw)
        designate(pw.system, zed, [REQUIRE_NAME_ADDRESS], valid_from=dt.date(2024, 7, 1))
        assert check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 30, 23, 30)).held
        before = check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 30, 22, 59))
        assert not before.held
        assert before.reason.endswith("at 30 June 2024 23:59.")

    def test_the_last_day_ends_at_london_midnight(self, pw: World) -> None:
        zed = newcomer(pw)
        designate(pw.system, zed, [REQUIRE_NAME_ADDRESS], valid_to=dt.date(2024, 6, 30))
        assert check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 30, 22, 59)).held
        assert not check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 6, 30, 23, 30)).held

    def test_in_winter_london_is_utc(self, pw: World) -> None:
        zed = newcomer(pw)
        designate(pw.system, zed, [REQUIRE_NAME_ADDRESS], valid_to=dt.date(2024, 1, 15))
        assert check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 1, 15, 23, 30)).held
        assert not check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 1, 16)).held

    def test_withdrawal_takes_effect_at_its_moment(self, pw: World) -> None:
        zed = newcomer(pw)
        withdrawn = at(2024, 5, 1, 9)
        designate(pw.system, zed, [REQUIRE_NAME_ADDRESS], withdrawn_at=withdrawn)
        check = check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=withdrawn)
        assert not check.held
        assert check.reason.endswith("at 1 May 2024 10:00.")
        assert check_power(
            person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=withdrawn - dt.timedelta(seconds=1)
        ).held
        assert not check_power(
            person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=withdrawn + dt.timedelta(days=30)
        ).held
        # Withdrawn later in the same London day: still held earlier that day.
        assert check_power(person=zed, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=at(2024, 4, 30, 23, 30)).held

    def test_a_force_designation_ended_before_the_act(self, pw: World) -> None:
        designate_force(pw.system, pw.force_b, [DETAIN], valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 3, 31))
        designate(pw.system, pw.hal, [DETAIN])
        # 31 March 2024 23:30 BST (22:30 UTC): the last day of the force designation.
        assert check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2024, 3, 31, 22, 30)).held
        after = check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2024, 3, 31, 23, 30))
        assert not after.held
        assert after.reason == (
            f"Derbyshire Constabulary did not designate “{title(pw.force_b.pk, DETAIN)}” to PCSOs on 1 April 2024."
        )

    def test_a_force_designation_starting_after_the_act(self, pw: World) -> None:
        designate_force(pw.system, pw.force_b, [DETAIN], valid_from=dt.date(2025, 1, 1))
        designate(pw.system, pw.hal, [DETAIN])
        # 31 December 2024 23:59 GMT is still 2024 in London.
        assert not check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2024, 12, 31, 23, 59)).held
        assert check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2025, 1, 1, 0, 0)).held

    def test_a_designation_made_after_the_act_does_not_reach_back(self, pw: World) -> None:
        zed = newcomer(pw)
        designate(pw.system, zed, [DETAIN], valid_from=dt.date(2024, 6, 1))
        assert not check_power(person=zed, force=pw.force_a, code=DETAIN, at=at(2024, 5, 31, 12)).held


class TestParameters:
    def test_the_force_designation_overrides_the_catalogue(self, pw: World) -> None:
        designate_force(
            pw.system,
            pw.force_b,
            [DETAIN],
            valid_from=dt.date(2024, 1, 1),
            parameters={"limit_minutes": 20, "second_officer": True},
        )
        designate(pw.system, pw.hal, [DETAIN])
        check = check_power(person=pw.hal, force=pw.force_b, code=DETAIN, at=at(2024, 6, 1, 12))
        assert check.held
        assert check.parameters == {"limit_minutes": 20, "second_officer": True}
        assert check.snapshot()["parameters"] == {"limit_minutes": 20, "second_officer": True}

    def test_catalogue_parameters_apply_where_the_force_sets_none(self, pw: World) -> None:
        check = check_power(person=pw.alice, force=pw.force_a, code=DISPERSAL, at=at(2024, 6, 1, 12))
        assert check.held and check.parameters == {"max_hours": 48}

    def test_the_latest_started_force_designation_applies(self, pw: World) -> None:
        # Cambridgeshire's open designation of detention from 2020 is overlapped by a stricter one.
        designate_force(
            pw.system, pw.force_a, [DETAIN], valid_from=dt.date(2024, 3, 1), parameters={"limit_minutes": 15}
        )
        before = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=at(2024, 2, 29, 12))
        after = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=at(2024, 3, 1, 12))
        assert before.parameters == {"limit_minutes": 30}
        assert after.parameters == {"limit_minutes": 15}
        assert after.force_designation is not None and after.force_designation.valid_from == dt.date(2024, 3, 1)
        held = {c.code: c for c in powers_held_at(person=pw.alice, at=at(2024, 3, 1, 12))}
        assert held[DETAIN].parameters == {"limit_minutes": 15}


class TestSupersedingChain:
    def test_a_withdrawn_designation_and_its_successor(self, pw: World) -> None:
        first = Designation.objects.get(person=pw.alice)
        change = at(2024, 5, 1, 9)  # 10:00 in London
        Designation.objects.filter(pk=first.pk).update(
            withdrawn_at=change, withdrawn_by=pw.system, withdrawal_reason="Detention removed"
        )
        second = designate(pw.system, pw.alice, [REQUIRE_NAME_ADDRESS, SEIZE_DRUGS], valid_from=dt.date(2024, 5, 1))
        Designation.objects.filter(pk=second.pk).update(supersedes=first)

        # Before the change, the first designation confers detention.
        early = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=change - dt.timedelta(minutes=1))
        assert early.held and early.designation == first
        # From the change, detention is gone ...
        late = check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=change)
        assert not late.held
        assert late.reason.endswith("at 1 May 2024 10:00.")
        # ... and the powers kept are held under the new designation, from its first day.
        for moment in (change - dt.timedelta(minutes=1), change, at(2025, 1, 1)):
            kept = check_power(person=pw.alice, force=pw.force_a, code=SEIZE_DRUGS, at=moment)
            assert kept.held and kept.designation == second
            assert kept.reason == f"Held under designation {second.reference}."
        # The day before the new one, the old one still confers them.
        assert check_power(person=pw.alice, force=pw.force_a, code=SEIZE_DRUGS, at=at(2024, 4, 30, 12)).designation == (
            first
        )
        assert {c.code for c in powers_held_at(person=pw.alice, at=change)} == {REQUIRE_NAME_ADDRESS, SEIZE_DRUGS}
        assert DETAIN in {c.code for c in powers_held_at(person=pw.alice, at=change - dt.timedelta(minutes=1))}


class TestTies:
    def test_powers_held_at_names_the_designation_check_power_names(self, pw: World) -> None:
        """Two designations of the same power that start the same day: `check_power` names the
        later made (`-designation_id`); "my powers" must name the same one, or a record's stored
        verdict and the person's list of powers disagree about the designation relied on."""
        zed = newcomer(pw)
        designate(pw.system, zed, [SEIZE_DRUGS, REQUIRE_NAME_ADDRESS], valid_from=dt.date(2024, 1, 1))
        later = designate(pw.system, zed, [SEIZE_DRUGS, DETAIN], valid_from=dt.date(2024, 1, 1))
        moment = at(2024, 6, 1, 12)
        single = check_power(person=zed, force=pw.force_a, code=SEIZE_DRUGS, at=moment)
        assert single.designation == later
        listed = {c.code: c for c in powers_held_at(person=zed, at=moment)}
        assert set(listed) == {SEIZE_DRUGS, REQUIRE_NAME_ADDRESS, DETAIN}
        assert listed[SEIZE_DRUGS].designation == later


class TestPowersHeldAt:
    def test_every_designated_power_of_the_force(self, pw: World) -> None:
        checks = powers_held_at(person=pw.alice, at=at(2024, 6, 1, 12))
        codes = [c.code for c in checks]
        assert len(codes) == len(set(codes))
        assert set(codes) == set(Power.objects.filter(force=pw.force_a).values_list("code", flat=True))
        designation = Designation.objects.get(person=pw.alice)
        for check in checks:
            assert check.held and check.designation == designation
            assert check.reason == f"Held under designation {designation.reference}."
            single = check_power(person=pw.alice, force=pw.force_a, code=check.code, at=check.at)
            assert single.held and single.parameters == check.parameters
            assert single.force_designation == check.force_designation

    def test_hal_holds_everything_but_detention(self, pw: World) -> None:
        codes = {c.code for c in powers_held_at(person=pw.hal, at=at(2024, 6, 1, 12))}
        assert DETAIN not in codes
        assert codes == set(Power.objects.filter(force=pw.force_b).exclude(code=DETAIN).values_list("code", flat=True))

    def test_nothing_before_the_designations(self, pw: World) -> None:
        assert powers_held_at(person=pw.alice, at=at(2019, 12, 31, 12)) == []

    def test_nobody_without_a_designation_or_a_force(self, pw: World) -> None:
        assert powers_held_at(person=pw.bob, at=at(2024, 6, 1)) == []
        assert powers_held_at(person=pw.system, at=at(2024, 6, 1)) == []

    def test_a_designated_power_the_force_no_longer_designates_is_not_held(self, pw: World) -> None:
        ForceDesignation.objects.filter(force=pw.force_a, power__code=SEIZE_DRUGS).update(
            valid_to=dt.date(2023, 12, 31)
        )
        codes = {c.code for c in powers_held_at(person=pw.alice, at=at(2024, 6, 1, 12))}
        assert SEIZE_DRUGS not in codes and DETAIN in codes
        assert SEIZE_DRUGS in {c.code for c in powers_held_at(person=pw.alice, at=at(2023, 12, 31, 12))}


def _history(world: World, person: Person, count: int) -> None:
    """`count` designations over the years: some expired, some withdrawn, one in force now."""
    assert person.force_id is not None
    codes = list(Power.objects.filter(force_id=person.force_id).values_list("code", flat=True))
    for n in range(count - 1):
        start = dt.date(2000 + n % 20, 1 + n % 12, 1)
        if n % 2:
            designate(
                world.system, person, codes[: 1 + n % len(codes)], valid_from=start, valid_to=start.replace(day=28)
            )
        else:
            designate(
                world.system,
                person,
                codes[n % len(codes) :],
                valid_from=start,
                withdrawn_at=dt.datetime(start.year, start.month, 20, tzinfo=UTC),
            )
    designate(world.system, person, valid_from=dt.date(2021, 1, 1))


class TestQueryCounts:
    @pytest.mark.parametrize("count", [1, 50])
    def test_check_power_is_three_queries(
        self, pw: World, count: int, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        zed = newcomer(pw)
        _history(pw, zed, count)
        assert Designation.objects.filter(person=zed).count() == count
        with django_assert_num_queries(3):
            held = check_power(person=zed, force=pw.force_a, code=DETAIN, at=at(2024, 6, 1, 12))
            assert held.reason and held.designation is not None and held.power is not None
        assert held.held
        with django_assert_num_queries(3):
            refused = check_power(person=zed, force=pw.force_a, code=DETAIN, at=at(2020, 12, 31, 12))
            assert refused.reason
        assert not refused.held
        with django_assert_num_queries(1):
            check_power(person=zed, force=pw.force_a, code="no-such-power", at=at(2024, 6, 1, 12))

    @pytest.mark.parametrize("count", [1, 50])
    def test_powers_held_at_is_two_queries(
        self, pw: World, count: int, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        zed = newcomer(pw)
        _history(pw, zed, count)
        assert DesignationPower.objects.filter(designation__person=zed).count() >= count
        with django_assert_num_queries(2):
            checks = powers_held_at(person=zed, at=at(2024, 6, 1, 12))
            snapshots = [c.snapshot() for c in checks]
        assert len(snapshots) == Power.objects.filter(force=pw.force_a).count()
