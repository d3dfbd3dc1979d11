"""Repeat detection: repeat victims (by name, date of birth and address), repeat locations, the
ASB case review (community trigger), one open alert per subject, and each force's thresholds."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents import repeats, services
from beatbook.incidents.models import Alert, AlertKind, Incident, Involvement
from beatbook.incidents.reference import Category
from beatbook.incidents.services import IncidentChanges, RulesChanges

from .factories import A1_CENTRE, B1_CENTRE, a1_spot, ago, at, create, moved, person, reporter, victim

LONDON = zoneinfo.ZoneInfo("Europe/London")
db = pytest.mark.django_db


def alerts(kind: AlertKind) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind).order_by("id"))


def alert_events(alert: Alert) -> list[int]:
    rows = AuditEvent.objects.filter(object_id=str(alert.pk), event_type__in=[520, 521, 522]).order_by("id")
    return [row.event_type for row in rows]


def victim_at(world: World, days: float, n: int, **person: Any) -> Incident:
    """An incident `days` ago at A1 spot `n` (spots are 200 m apart: no repeat location), with one victim."""
    return create(world.alice, occurred_at=ago(days=days), people=[victim(**person)], **at(a1_spot(n)))


@db
class RepeatVictimTests:
    def test_the_third_incident_in_ninety_days_makes_a_repeat_victim(self, world: World) -> None:
        first, second = victim_at(world, 60, 0), victim_at(world, 30, 1)
        assert not first.is_repeat_victim and not second.is_repeat_victim
        assert not Alert.objects.exists()
        third = victim_at(world, 1, 2)
        assert third.is_repeat_victim and not third.is_repeat_location
        assert Incident.objects.get(pk=third.pk).is_repeat_victim  # stored, not only on the object
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        assert (alert.incident, alert.neighbourhood, alert.count, alert.window_days) == (third, world.a1, 3, 90)
        assert alert.subject == "Jane Doe" and alert.is_open
        assert alert_events(alert) == [EventType.ALERT_RAISED]
        assert not alerts(AlertKind.REPEAT_LOCATION)

    def test_names_match_whatever_their_case_and_spacing(self, world: World) -> None:
        victim_at(world, 20, 0, name="Jane Doe", address="")
        victim_at(world, 10, 1, name="  JANE   DOE ", address="")
        assert victim_at(world, 1, 2, name="jane-doe", address="").is_repeat_victim

    def test_a_late_logged_older_incident_counts_with_those_after_it(self, world: World) -> None:
        victim_at(world, 80, 0)
        victim_at(world, 10, 1)
        late = victim_at(world, 50, 2)  # logged last, but happened between the two
        assert late.is_repeat_victim
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        assert alert.incident == late and alert.count == 3

    def test_incidents_outside_the_window_do_not_count(self, world: World) -> None:
        victim_at(world, 200, 0)
        victim_at(world, 100, 1)
        assert not victim_at(world, 1, 2).is_repeat_victim  # 99 days after the second
        assert not Alert.objects.exists()

    def test_three_in_a_longer_span_are_not_three_in_one_window(self, world: World) -> None:
        victim_at(world, 150, 0)
        victim_at(world, 80, 1)
        assert not victim_at(world, 10, 2).is_repeat_victim  # 70 days apart each, 140 in all

    def test_by_address_when_the_names_differ(self, world: World) -> None:
        victim_at(world, 30, 0, name="Jane Doe", address="Flat 2, 14 Mill Road")
        victim_at(world, 20, 1, name="John Doe", address="flat 2 14 mill road")
        third = victim_at(world, 1, 2, name="Jo Doe", address="FLAT 2, 14 MILL ROAD")
        assert third.is_repeat_victim
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        assert alert.subject == "FLAT 2, 14 MILL ROAD" and "address" in alert.subject_key

    def test_different_dates_of_birth_are_different_people(self, world: World) -> None:
        victim_at(world, 30, 0, address="", date_of_birth=dt.date(1990, 4, 1))
        victim_at(world, 20, 1, address="", date_of_birth=dt.date(1962, 11, 30))
        assert not victim_at(world, 1, 2, address="", date_of_birth=dt.date(1990, 4, 1)).is_repeat_victim

    def test_a_missing_date_of_birth_matches(self, world: World) -> None:
        victim_at(world, 30, 0, address="")
        victim_at(world, 20, 1, address="", date_of_birth=dt.date(1990, 4, 1))
        assert victim_at(world, 1, 2, address="", date_of_birth=dt.date(1990, 4, 1)).is_repeat_victim

    def test_only_victims_count(self, world: World) -> None:
        for n, days in enumerate((30, 20)):
            create(
                world.alice,
                occurred_at=ago(days=days),
                people=[person(Involvement.WITNESS)],
                **at(a1_spot(n)),
            )
        assert not victim_at(world, 1, 2).is_repeat_victim

    def test_another_forces_incidents_do_not_count(self, world: World) -> None:
        for n, days in enumerate((30, 20)):
            create(world.hal, occurred_at=ago(days=days), people=[victim()], **at(moved(B1_CENTRE, north_m=300 * n)))
        assert not victim_at(world, 1, 2).is_repeat_victim

    def test_an_unknown_victim_is_matched_by_address_only(self, world: World) -> None:
        for n, days in enumerate((30, 20, 1)):
            incident = create(
                world.alice,
                occurred_at=ago(days=days),
                people=[victim(name="", is_unknown=True, address="", description="Elderly man")],
                **at(a1_spot(n)),
            )
        assert not incident.is_repeat_victim

    def test_alert_audit_rows_hold_no_names_or_addresses(self, world: World) -> None:
        victim_at(world, 20, 0)
        victim_at(world, 10, 1)
        victim_at(world, 1, 2)
        victim_at(world, 0.5, 3)  # an update of the same alert
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        services.alert_acknowledge(actor=world.bob, alert=alert)
        rows = AuditEvent.objects.filter(object_id=str(alert.pk), event_type__in=[520, 521, 522])
        assert rows.count() == 3
        for row in rows:
            text = json.dumps([row.object_repr, row.before, row.after, row.reason]).lower()
            assert "jane" not in text and "doe" not in text and "mill road" not in text


@db
class RepeatLocationTests:
    def test_three_within_fifty_metres_make_a_repeat_location(self, world: World) -> None:
        create(world.alice, occurred_at=ago(days=40), **at(A1_CENTRE))
        create(world.alice, occurred_at=ago(days=20), **at(moved(A1_CENTRE, north_m=10)))
        third = create(world.alice, occurred_at=ago(days=1), location_text="Mill Road car park", **at(
            moved(A1_CENTRE, east_m=45)))  # fmt: skip
        assert third.is_repeat_location and not third.is_repeat_victim
        [alert] = alerts(AlertKind.REPEAT_LOCATION)
        assert (alert.incident, alert.count, alert.window_days) == (third, 3, 90)
        assert alert.subject == "Mill Road car park"
        assert (alert.lat, alert.lng) == (third.lat, third.lng)

    def test_two_hundred_metres_away_is_another_place(self, world: World) -> None:
        create(world.alice, occurred_at=ago(days=20), **at(A1_CENTRE))
        create(world.alice, occurred_at=ago(days=10), **at(moved(A1_CENTRE, north_m=20)))
        far = create(world.alice, occurred_at=ago(days=1), **at(moved(A1_CENTRE, north_m=200)))
        assert not far.is_repeat_location
        assert not Alert.objects.exists()

    def test_outside_the_window_does_not_count(self, world: World) -> None:
        create(world.alice, occurred_at=ago(days=150), **at(A1_CENTRE))
        create(world.alice, occurred_at=ago(days=20), **at(A1_CENTRE))
        assert not create(world.alice, occurred_at=ago(days=1), **at(A1_CENTRE)).is_repeat_location

    def test_moving_an_incident_next_to_two_others_makes_a_repeat(self, world: World) -> None:
        create(world.alice, occurred_at=ago(days=20), **at(A1_CENTRE))
        create(world.alice, occurred_at=ago(days=10), **at(A1_CENTRE))
        incident = create(world.alice, occurred_at=ago(days=1), **at(a1_spot(0)))
        assert not Incident.objects.get(pk=incident.pk).is_repeat_location
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(**at(A1_CENTRE)), expected_version=1
        )
        assert incident.is_repeat_location
        assert len(alerts(AlertKind.REPEAT_LOCATION)) == 1


@db
class OneOpenAlertTests:
    def test_a_fourth_incident_raises_the_count_of_the_open_alert(self, world: World) -> None:
        for n, days in enumerate((40, 30, 20)):
            victim_at(world, days, n)
        fourth = victim_at(world, 1, 3)
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        assert alert.count == 4 and alert.incident == fourth and alert.is_open
        assert alert_events(alert) == [EventType.ALERT_RAISED, EventType.ALERT_UPDATED]
        [updated] = AuditEvent.objects.filter(object_id=str(alert.pk), event_type=EventType.ALERT_UPDATED)
        assert updated.after == {"kind": "repeat_victim", "incident": fourth.reference, "count": 4}

    def test_editing_the_incident_that_raised_it_changes_nothing(self, world: World) -> None:
        for n, days in enumerate((40, 30)):
            victim_at(world, days, n)
        third = victim_at(world, 1, 2)
        services.incident_update(
            actor=world.alice, incident=third, changes=IncidentChanges(description="Edited"), expected_version=1
        )
        [alert] = alerts(AlertKind.REPEAT_VICTIM)
        assert alert.count == 3 and alert_events(alert) == [EventType.ALERT_RAISED]
        assert third.is_repeat_victim

    def test_after_acknowledgement_a_new_alert_is_raised(self, world: World) -> None:
        for n, days in enumerate((40, 30, 20)):
            victim_at(world, days, n)
        [first] = alerts(AlertKind.REPEAT_VICTIM)
        services.alert_acknowledge(actor=world.alice, alert=first, note="Visited; safety plan agreed.")
        fourth = victim_at(world, 1, 3)
        first_again, second = alerts(AlertKind.REPEAT_VICTIM)
        assert first_again.pk == first.pk and not first_again.is_open and first_again.count == 3
        assert second.is_open and second.incident == fourth and second.count == 4
        assert second.subject_key == first.subject_key


@db
class CommunityTriggerTests:
    def asb(self, world: World, days: float, n: int, *, category: str = Category.ANTI_SOCIAL_BEHAVIOUR) -> Incident:
        """An incident `days` ago at A1 spot `n`, reported by Ron Porter."""
        return create(
            world.alice,
            asb=category == Category.ANTI_SOCIAL_BEHAVIOUR,
            occurred_at=ago(days=days),
            category=category,
            people=[reporter()],
            **at(a1_spot(n)),
        )

    def test_three_asb_complaints_in_six_months_reach_the_threshold(self, world: World) -> None:
        self.asb(world, 150, 0)
        self.asb(world, 80, 1)
        assert not alerts(AlertKind.COMMUNITY_TRIGGER)
        third = self.asb(world, 2, 2)
        [alert] = alerts(AlertKind.COMMUNITY_TRIGGER)
        assert alert.incident == third and alert.count == 3 and alert.subject == "Ron Porter"
        assert 181 <= alert.window_days <= 184  # six calendar months, in days
        # A reporting person is not a victim: no repeat-victim flag.
        assert not third.is_repeat_victim and not alerts(AlertKind.REPEAT_VICTIM)

    def test_complaints_before_the_six_months_do_not_count(self, world: World) -> None:
        self.asb(world, 200, 0)
        self.asb(world, 100, 1)
        self.asb(world, 2, 2)
        assert not alerts(AlertKind.COMMUNITY_TRIGGER)

    def test_other_categories_do_not_count(self, world: World) -> None:
        self.asb(world, 60, 0)
        self.asb(world, 30, 1, category=Category.CRIMINAL_DAMAGE_ARSON)
        self.asb(world, 2, 2)
        assert not alerts(AlertKind.COMMUNITY_TRIGGER)
        self.asb(world, 1, 3, category=Category.PUBLIC_ORDER)  # a non-ASB incident raises no trigger
        assert not alerts(AlertKind.COMMUNITY_TRIGGER)

    def test_a_force_may_set_a_lower_threshold(self, world: World) -> None:
        services.incident_rules_update(actor=world.erin, force=world.force_a, changes=RulesChanges(trigger_threshold=2))
        self.asb(world, 60, 0)
        self.asb(world, 2, 1)
        [alert] = alerts(AlertKind.COMMUNITY_TRIGGER)
        assert alert.count == 2


@db
class PerForceRulesTests:
    def test_a_force_with_repeat_count_two_flags_at_two(self, world: World) -> None:
        services.incident_rules_update(actor=world.erin, force=world.force_a, changes=RulesChanges(repeat_count=2))
        victim_at(world, 20, 0)
        assert victim_at(world, 1, 1).is_repeat_victim
        # Derbyshire keeps the default of three.
        create(world.hal, occurred_at=ago(days=20), people=[victim()], **at(B1_CENTRE))
        derby = create(world.hal, occurred_at=ago(days=1), people=[victim()], **at(moved(B1_CENTRE, north_m=300)))
        assert not derby.is_repeat_victim

    def test_a_shorter_window_and_a_wider_radius(self, world: World) -> None:
        services.incident_rules_update(
            actor=world.erin, force=world.force_a, changes=RulesChanges(repeat_window_days=10, repeat_radius_m=250)
        )
        victim_at(world, 20, 0, address="")
        victim_at(world, 5, 1, address="")
        assert not victim_at(world, 1, 2, address="").is_repeat_victim  # only two in ten days
        create(world.alice, occurred_at=ago(days=3), **at(A1_CENTRE))
        create(world.alice, occurred_at=ago(days=2), **at(moved(A1_CENTRE, north_m=100)))
        assert create(world.alice, occurred_at=ago(days=1), **at(moved(A1_CENTRE, east_m=200))).is_repeat_location


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


class MonthsBeforeTests:
    @pytest.mark.parametrize(
        ("moment", "months", "expected"),
        [
            (london(2025, 3, 31, 12), 1, london(2025, 2, 28, 12)),
            (london(2024, 3, 31, 12), 1, london(2024, 2, 29, 12)),  # a leap year
            (london(2025, 5, 31, 9, 30), 1, london(2025, 4, 30, 9, 30)),
            (london(2026, 1, 15, 8), 2, london(2025, 11, 15, 8)),  # across a year
            (london(2026, 1, 31, 8), 13, london(2024, 12, 31, 8)),
            (london(2026, 2, 10, 8), 12, london(2025, 2, 10, 8)),
            (london(2025, 8, 31, 23, 30), 6, london(2025, 2, 28, 23, 30)),
            (london(2025, 6, 10, 12), 0, london(2025, 6, 10, 12)),
        ],
    )
    def test_calendar_months_with_the_day_clipped(
        self, moment: dt.datetime, months: int, expected: dt.datetime
    ) -> None:
        assert repeats.months_before(moment, months) == expected

    def test_london_time_is_kept_across_summer_time(self) -> None:
        # 15 January, 12:00 GMT; six months before is 15 July, 12:00 BST (11:00 UTC).
        got = repeats.months_before(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), 6)
        assert got == dt.datetime(2025, 7, 15, 11, tzinfo=dt.UTC)
        assert timezone.localtime(got).hour == 12

    def test_the_london_date_counts_not_the_utc_one(self) -> None:
        # 23:30 UTC on 30 April is 00:30 on 1 May in London: a month before is 1 April.
        got = repeats.months_before(dt.datetime(2025, 4, 30, 23, 30, tzinfo=dt.UTC), 1)
        assert got == london(2025, 4, 1, 0, 30)


BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def days(*offsets: float) -> list[dt.datetime]:
    return [BASE + dt.timedelta(days=d) for d in offsets]


class DensestWindowTests:
    WINDOW = dt.timedelta(days=90)

    @pytest.mark.parametrize(
        ("offsets", "moment", "expected"),
        [
            ((0,), 0, 1),
            ((0, 0, 0), 0, 3),  # incidents at the same moment all count
            ((-100, -50, 0), 0, 2),
            ((-90, -45, 0), 0, 3),  # both ends of the window are in it
            ((-90.01, -45, 0), 0, 2),
            ((-40, 0, 40), 0, 3),  # a late-logged incident between others
            ((-80, 0, 80), 0, 2),  # 160 days in all: two windows of two
            ((0, 30, 60, 89), 0, 4),  # all after the moment
            ((-200, -199, -198, 0), 0, 1),  # a dense window that does not hold the moment
            ((-200, -199, -198, 0), -199, 3),
        ],
    )
    def test_examples(self, offsets: tuple[float, ...], moment: float, expected: int) -> None:
        assert repeats.densest_window(days(*offsets), BASE + dt.timedelta(days=moment), self.WINDOW) == expected

    def test_order_does_not_matter(self) -> None:
        times = days(10, -30, 0, -60, 5)
        assert repeats.densest_window(times, BASE, self.WINDOW) == 5
        assert repeats.densest_window(list(reversed(times)), BASE, self.WINDOW) == 5


def brute_force(hours: list[int], moment: int, window: int) -> int:
    """The most of `hours` in any closed window [start, start + window] that holds `moment`, trying
    every whole-hour start (enough: the times are whole hours)."""
    return max(sum(1 for h in hours if start <= h <= start + window) for start in range(moment - window, moment + 1))


@given(
    hours=st.lists(st.integers(min_value=0, max_value=2000), min_size=1, max_size=25),
    pick=st.integers(min_value=0),
    window=st.integers(min_value=0, max_value=800),
)
def test_densest_window_agrees_with_brute_force(hours: list[int], pick: int, window: int) -> None:
    """The moment is one of the times, as for every caller (the incident itself is among them)."""
    moment = hours[pick % len(hours)]
    times = [BASE + dt.timedelta(hours=h) for h in hours]
    got = repeats.densest_window(times, BASE + dt.timedelta(hours=moment), dt.timedelta(hours=window))
    assert got == brute_force(hours, moment, window)
