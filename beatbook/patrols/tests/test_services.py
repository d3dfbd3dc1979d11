"""The patrol and hot-spot plan services: each rule, who may act, and the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.patrols import services
from beatbook.patrols.models import HotspotPlan, HotspotTarget, Patrol, PatrolVisit

from .helpers import BUS_STATION, MARKET, at, end, plan, start, targets_of, visit


def events(event: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event).order_by("id"))


def data(snapshot: object) -> dict[str, Any]:
    assert isinstance(snapshot, dict)
    return snapshot


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


class TestStart:
    def test_a_pcso_starts_a_patrol_with_a_colleague_and_it_is_audited(self, world: World) -> None:
        patrol = start(world, colleagues=(world.bob,), notes="Private note about a caller", mode="cycle")
        assert (patrol.person, patrol.neighbourhood, patrol.force, patrol.mode) == (
            world.alice,
            world.a1,
            world.force_a,
            "cycle",
        )
        assert list(patrol.colleagues.all()) == [world.bob]
        (event,) = events(EventType.PATROL_STARTED)
        assert data(event.after)["colleagues"] == [world.bob.pk]
        assert data(event.after)["neighbourhood"] == "CC01"
        assert "Private note" not in str(event.after)

    def test_no_start_time_means_now(self, world: World) -> None:
        before = timezone.now()
        patrol = services.patrol_start(actor=world.alice, data=services.PatrolData(neighbourhood=world.a1))
        assert patrol.started_at >= before and patrol.is_open

    def test_a_start_in_the_future_is_refused(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            start(world, when=timezone.now() + dt.timedelta(hours=1))
        assert "in the future" in field_errors(exc)["started_at"][0]
        assert not Patrol.objects.exists()

    def test_colleagues_must_be_of_the_same_force(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            start(world, colleagues=(world.hal,))
        assert "not a serving member of this force" in field_errors(exc)["colleagues"][0]
        with pytest.raises(ValidationError):
            start(world, colleagues=(world.alice,))
        assert not Patrol.objects.exists()
        assert not events(EventType.PATROL_STARTED)

    @pytest.mark.parametrize("who", ["charlie", "dee", "fay", "gus", "hal", "erin"])
    def test_only_those_who_patrol_the_neighbourhood_may_start_there(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            start(world, who)
        assert not Patrol.objects.exists()

    def test_a_supervisor_patrols_across_the_team(self, world: World) -> None:
        assert start(world, "bob", neighbourhood=world.a2).neighbourhood == world.a2

    def test_overlapping_patrols_of_one_person_are_refused(self, world: World) -> None:
        first = start(world, when=at(9))
        end(world, first, at(12))
        with pytest.raises(ValidationError) as exc:
            start(world, when=at(11))
        assert "overlaps your patrol" in field_errors(exc)["started_at"][0]
        with pytest.raises(ValidationError):
            start(world, when=at(8))  # [8:00, now] covers the whole first patrol
        assert Patrol.objects.count() == 1
        assert start(world, when=at(12)).started_at == at(12)  # touching ends do not overlap

    def test_a_second_patrol_while_on_one_is_refused(self, world: World) -> None:
        start(world, when=at(9))
        with pytest.raises(ValidationError) as exc:
            start(world, when=timezone.now())
        assert "already on a patrol" in field_errors(exc)["started_at"][0]
        assert start(world, "charlie", neighbourhood=world.a2).person == world.charlie  # others are not blocked

    def test_a_retried_start_is_stored_once(self, world: World) -> None:
        key = uuid.uuid4()
        data = services.PatrolData(neighbourhood=world.a1, started_at=at(9))
        first = services.patrol_start(actor=world.alice, data=data, client_uuid=key)
        assert services.patrol_start(actor=world.alice, data=data, client_uuid=key) == first
        with pytest.raises(ValidationError):
            services.patrol_start(actor=world.bob, data=data, client_uuid=key)
        assert Patrol.objects.count() == 1


class TestEnd:
    def test_the_patroller_ends_it_and_it_is_audited(self, world: World) -> None:
        patrol = end(world, start(world))
        assert patrol.ended_at == at(17) and patrol.duration == dt.timedelta(hours=8)
        (event,) = events(EventType.PATROL_ENDED)
        assert data(event.before)["ended_at"] is None and data(event.after)["ended_at"] == at(17).isoformat()
        assert patrol.version == 2

    def test_an_end_before_the_start_is_refused(self, world: World) -> None:
        patrol = start(world)
        with pytest.raises(ValidationError) as exc:
            end(world, patrol, at(8))
        assert "before the start" in field_errors(exc)["ended_at"][0]
        patrol.refresh_from_db()
        assert patrol.is_open

    def test_an_end_in_the_future_is_refused(self, world: World) -> None:
        patrol = start(world)
        with pytest.raises(ValidationError) as exc:
            end(world, patrol, timezone.now() + dt.timedelta(hours=2))
        assert "in the future" in field_errors(exc)["ended_at"][0]

    def test_ending_an_ended_patrol_is_refused(self, world: World) -> None:
        patrol = end(world, start(world))
        with pytest.raises(ValidationError) as exc:
            end(world, patrol, at(18))
        assert "already ended" in field_errors(exc)["ended_at"][0]
        assert len(events(EventType.PATROL_ENDED)) == 1

    def test_an_end_before_a_visit_left_is_refused(self, world: World) -> None:
        patrol = start(world)
        visit(world, patrol, at(10), 30, lat=52.205, lng=0.119)
        with pytest.raises(ValidationError) as exc:
            end(world, patrol, at(10, 15))
        assert "cannot end before it" in field_errors(exc)["ended_at"][0]

    def test_a_supervisor_of_the_area_may_end_it_others_may_not(self, world: World) -> None:
        patrol = start(world)
        for who in ("charlie", "dee", "fay", "hal"):
            with pytest.raises(PermissionDenied):
                end(world, patrol, who=who)
        assert end(world, patrol, who="bob").ended_at == at(17)
        assert events(EventType.PATROL_ENDED)[0].actor == world.bob

    def test_a_stale_copy_is_refused(self, world: World) -> None:
        patrol = start(world)
        visit(world, patrol, at(10), 10, lat=52.205, lng=0.119)  # version 2
        with pytest.raises(services.StalePatrolError):
            end(world, patrol, expected_version=1)
        assert end(world, patrol, expected_version=2).version == 3

    def test_a_gps_trace_is_kept(self, world: World) -> None:
        trace = [[52.205, 0.119, at(9, 5).isoformat()], [52.206, 0.12, at(16, 55).isoformat()]]
        patrol = end(world, start(world), trace=trace)
        assert patrol.trace == trace
        assert data(events(EventType.PATROL_ENDED)[0].after)["trace_points"] == 2

    @pytest.mark.parametrize(
        ("trace", "message"),
        [
            ([[48.0, 0.119, "T"]], "not [latitude, longitude, time]"),
            ([[48.0, 0.119, "2020-01-01T10:00:00+00:00"]], "outside the UK"),
            ([[52.205, 0.119, "2001-01-01T10:00:00+00:00"]], "outside the patrol's time"),
            ([[52.205, 0.119]], "not [latitude, longitude, time]"),
            ([[52.205, True, "2020-01-01T10:00:00+00:00"]], "not [latitude, longitude, time]"),
            ({"lat": 52.2}, "must be a list"),
        ],
    )
    def test_a_bad_trace_is_refused(self, world: World, trace: object, message: str) -> None:
        patrol = start(world)
        with pytest.raises(ValidationError) as exc:
            end(world, patrol, trace=trace)
        assert message in field_errors(exc)["trace"][0]
        patrol.refresh_from_db()
        assert patrol.is_open and patrol.trace == []


class TestVisits:
    def test_a_visit_is_recorded_with_its_dwell_and_audited(self, world: World) -> None:
        patrol = start(world)
        v = visit(world, patrol, at(10), 12, lat=52.205, lng=0.119)
        assert v.dwell == dt.timedelta(minutes=12) and v.force == world.force_a
        (event,) = events(EventType.PATROL_VISIT_RECORDED)
        assert event.object_id == str(patrol.pk)
        assert data(event.after)["visit"]["dwell_minutes"] == 12.0

    def test_a_visit_to_a_target_takes_its_point(self, world: World) -> None:
        market, _bus = targets_of(plan(world))
        v = visit(world, start(world), at(10), 12, place=market)
        assert (v.lat, v.lng, v.label) == (market.lat, market.lng, "Market square")

    @pytest.mark.parametrize(
        ("arrived", "minutes", "field", "message"),
        [
            ((10, 0), -5, "left_at", "before the time you arrived"),
            ((8, 30), 10, "arrived_at", "cannot begin before it"),
            ((16, 55), 10, "left_at", "cannot end after it"),
        ],
    )
    def test_a_visit_outside_the_patrol_or_leaving_before_arriving_is_refused(
        self, world: World, arrived: tuple[int, int], minutes: int, field: str, message: str
    ) -> None:
        patrol = end(world, start(world))
        with pytest.raises(ValidationError) as exc:
            visit(world, patrol, at(*arrived), minutes, lat=52.205, lng=0.119)
        assert message in field_errors(exc)[field][0]
        assert not PatrolVisit.objects.exists()
        assert not events(EventType.PATROL_VISIT_RECORDED)

    def test_a_visit_leaving_in_the_future_is_refused(self, world: World) -> None:
        patrol = start(world)
        with pytest.raises(ValidationError) as exc:
            visit(world, patrol, timezone.now() - dt.timedelta(minutes=5), 60, lat=52.205, lng=0.119)
        assert "in the future" in field_errors(exc)["left_at"][0]

    def test_a_visit_needs_a_place_in_the_uk_and_the_patrols_force(self, world: World) -> None:
        patrol = start(world)
        with pytest.raises(ValidationError) as exc:
            visit(world, patrol, at(10), 10)
        assert "Give the location" in field_errors(exc)["lat"][0]
        with pytest.raises(ValidationError) as exc:
            visit(world, patrol, at(10), 10, lat=48.0, lng=0.119)
        assert "within the UK" in field_errors(exc)["lat"][0]
        derby_plan = plan(
            world,
            "system",
            neighbourhood=world.b1,
            targets=[services.TargetData(label="Derby market", lat=52.922, lng=-1.476)],
        )
        (derby_market,) = derby_plan.targets.all()
        with pytest.raises(ValidationError) as exc:
            visit(world, patrol, at(10), 10, place=derby_market)
        assert "this patrol's force" in field_errors(exc)["place"][0]
        assert not PatrolVisit.objects.exists()

    def test_only_the_patroller_or_a_supervisor_records_visits(self, world: World) -> None:
        patrol = start(world)
        for who in ("charlie", "dee", "hal"):
            with pytest.raises(PermissionDenied):
                visit(world, patrol, at(10), 10, lat=52.205, lng=0.119, who=who)
        visit(world, patrol, at(10), 10, lat=52.205, lng=0.119, who="bob")
        assert patrol.visits.count() == 1

    def test_a_retried_visit_is_stored_once(self, world: World) -> None:
        patrol = start(world)
        data = services.VisitData(arrived_at=at(10), left_at=at(10, 12), lat=52.205, lng=0.119)
        key = uuid.uuid4()
        first = services.patrol_add_visit(actor=world.alice, patrol=patrol, data=data, client_uuid=key)
        assert services.patrol_add_visit(actor=world.alice, patrol=patrol, data=data, client_uuid=key) == first
        assert PatrolVisit.objects.count() == 1


class TestNotes:
    def test_notes_change_is_audited_by_field_name_only(self, world: World) -> None:
        patrol = start(world)
        services.patrol_update_notes(actor=world.alice, patrol=patrol, notes="Spoke to Mr Smith", expected_version=1)
        patrol.refresh_from_db()
        assert patrol.notes == "Spoke to Mr Smith" and patrol.version == 2
        (event,) = events(EventType.PATROL_UPDATED)
        assert event.after == {"text_changed": ["notes"], "version": 2}
        with pytest.raises(services.StalePatrolError):
            services.patrol_update_notes(actor=world.alice, patrol=patrol, notes="Again", expected_version=1)
        with pytest.raises(PermissionDenied):
            services.patrol_update_notes(actor=world.charlie, patrol=patrol, notes="Mine")


class TestPlans:
    def test_a_supervisor_makes_a_plan_and_it_is_audited(self, world: World) -> None:
        p = plan(world)
        assert (p.force, p.neighbourhood, p.created_by, p.status) == (world.force_a, world.a1, world.bob, "active")
        market, bus = targets_of(p)
        assert (market.visits_per_day, market.min_minutes, market.max_minutes, market.radius_m) == (3, 10, 15, 50)
        assert bus.visits_per_day == 2
        (event,) = events(EventType.HOTSPOT_PLAN_CREATED)
        assert [t["id"] for t in data(event.after)["targets"]] == [market.pk, bus.pk]
        assert "Market square" not in str(event.after)

    @pytest.mark.parametrize("who", ["alice", "charlie", "dee", "erin", "hal"])
    def test_only_supervisors_of_the_area_plan(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            plan(world, who)
        assert not HotspotPlan.objects.exists()

    @pytest.mark.parametrize(
        ("targets", "field", "message"),
        [
            ([], "targets", "at least one place"),
            (
                [services.TargetData(label="X", lat=52.205, lng=0.119, min_minutes=20)],
                "targets.0.max_minutes",
                "shorter",
            ),
            (
                [MARKET, services.TargetData(label="Derby", lat=52.922, lng=-1.476)],
                "targets.1.lat",
                "outside Cambridge",
            ),
            ([services.TargetData(label="Sea", lat=48.0, lng=0.1)], "targets.0.lat", "within the UK"),
            ([services.TargetData(label="", lat=52.205, lng=0.119)], "targets.0.label", "Name the place"),
            (
                [services.TargetData(label="X", lat=52.205, lng=0.119, visits_per_day=0)],
                "targets.0.visits_per_day",
                "1 to",
            ),
            ([services.TargetData(label="X", lat=52.205, lng=0.119, radius_m=0)], "targets.0.radius_m", "radius"),
        ],
    )
    def test_bad_targets_are_refused_and_nothing_is_stored(
        self, world: World, targets: list[services.TargetData], field: str, message: str
    ) -> None:
        with pytest.raises(ValidationError) as exc:
            plan(world, targets=targets)
        assert message in field_errors(exc)[field][0]
        assert not HotspotPlan.objects.exists() and not HotspotTarget.objects.exists()
        assert not events(EventType.HOTSPOT_PLAN_CREATED)

    def test_a_plan_cannot_end_before_it_starts(self, world: World) -> None:
        today = timezone.localdate()
        with pytest.raises(ValidationError) as exc:
            plan(world, starts_on=today, ends_on=today - dt.timedelta(days=1))
        assert "cannot end before it starts" in field_errors(exc)["ends_on"][0]
        assert not HotspotPlan.objects.exists()

    def test_ending_a_plan(self, world: World) -> None:
        p = plan(world, targets=[BUS_STATION])
        with pytest.raises(PermissionDenied):
            services.hotspot_plan_end(actor=world.alice, plan=p)
        services.hotspot_plan_end(actor=world.bob, plan=p)
        p.refresh_from_db()
        assert p.status == "ended" and p.ended_at is not None
        with pytest.raises(ValidationError):
            services.hotspot_plan_end(actor=world.bob, plan=p)
        assert len(events(EventType.HOTSPOT_PLAN_ENDED)) == 1
