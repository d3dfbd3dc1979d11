"""Dispersal services: an inspector's authorisation (s.34) recorded by a supervisor, ended early,
and the directions (s.35) given only inside an authorisation in force (and its boundary), with
the exclusion of at most 48 hours, the offence told, writing or why not, and the under-16 path.

The helpers here (`authorise`, `direct`, `data_at`) are used by the other dispersal and register
tests too."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, square
from beatbook.enforcement.models import DispersalAuthorisation, DispersalDirection, EnforcementRecord
from beatbook.enforcement.reference import AuthorisingRank, RecordKind, RemovedTo
from beatbook.enforcement.services import dispersal as services
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.powers.models import DesignationPower, ForceDesignation, Power
from beatbook.powers.reference import DISPERSAL
from beatbook.powers.testing import powers_world

A1_CENTRE = (52.205, 0.119)
A2_CENTRE = (52.185, 0.17)
B1_CENTRE = (52.922, -1.476)


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def later(**kwargs: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**kwargs)


@pytest.fixture
def pw(world: World) -> World:
    """The persona world with catalogues and designations (alice, charlie, hal hold dispersal)."""
    return powers_world(world)


def authorise(world: World, **overrides: Any) -> DispersalAuthorisation:
    """Bob records a 24-hour authorisation over A1 that started two hours ago."""
    values: dict[str, Any] = {
        "actor": world.bob,
        "neighbourhood": world.a1,
        "locality": "Market Square and the streets around it",
        "starts_at": ago(hours=2),
        "ends_at": later(hours=22),
        "authorised_by_name": "Insp. Jane Doe",
        "authorised_by_rank": AuthorisingRank.INSPECTOR,
        "grounds": "Repeated groups causing alarm to shoppers in the evenings.",
    }
    values.update(overrides)
    return services.authorisation_create(**values)


def data_at(point: tuple[float, float] = A1_CENTRE, *, at: dt.datetime | None = None, **overrides: Any) -> RecordData:
    values: dict[str, Any] = {
        "occurred_at": at or ago(minutes=10),
        "lat": point[0],
        "lng": point[1],
        "location_text": "Market Square",
        "subject_name": "Kyle Smith",
        "subject_age": 17,
        "subject_address": "3 Mill Road",
    }
    values.update(overrides)
    return RecordData(**values)


def direct(world: World, authorisation: DispersalAuthorisation | None, **overrides: Any) -> EnforcementRecord:
    """Alice directs a person away from Market Square for 24 hours under `authorisation`."""
    data = overrides.pop("data", None) or data_at()
    values: dict[str, Any] = {
        "actor": world.alice,
        "data": data,
        "authorisation_id": authorisation.pk if authorisation is not None else None,
        "exclusion_area": "Market Square and Petty Cury",
        "excluded_until": data.occurred_at + dt.timedelta(hours=24),
        "behaviour": "Shouting at shoppers and kicking bins.",
        "told_offence": True,
    }
    values.update(overrides)
    return services.dispersal_direct(**values)


def nothing_stored() -> bool:
    return not EnforcementRecord.objects.exists() and not DispersalDirection.objects.exists()


class TestAuthorisationCreate:
    def test_a_supervisor_records_it_and_it_is_audited_without_names(self, pw: World) -> None:
        authorisation = authorise(pw)
        assert authorisation.reference.startswith("CAMBS-DSP-")
        assert authorisation.force_id == pw.force_a.pk
        assert authorisation.created_by == pw.bob
        event = AuditEvent.objects.get(event_type=EventType.DISPERSAL_AUTHORISED)
        assert event.object_id == str(authorisation.pk)
        assert event.neighbourhood_id == pw.a1.pk
        assert "Jane Doe" not in str(event.after)
        assert event.after is not None
        assert event.after["reference"] == authorisation.reference

    @pytest.mark.parametrize("persona", ["alice", "dee", "fay", "gus", "hal", "erin"])
    def test_others_may_not_record_one(self, pw: World, persona: str) -> None:
        with pytest.raises(PermissionDenied):
            authorise(pw, actor=getattr(pw, persona))
        assert not DispersalAuthorisation.objects.exists()

    def test_more_than_48_hours_is_refused(self, pw: World) -> None:
        start = later(hours=1)
        with pytest.raises(ValidationError) as exc:
            authorise(pw, starts_at=start, ends_at=start + dt.timedelta(hours=48, minutes=1))
        assert "48 hours" in exc.value.message_dict["ends_at"][0]
        assert not DispersalAuthorisation.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISED).exists()

    def test_exactly_48_hours_is_accepted(self, pw: World) -> None:
        start = later(hours=1)
        assert authorise(pw, starts_at=start, ends_at=start + dt.timedelta(hours=48)).pk

    def test_an_end_before_the_start_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            authorise(pw, starts_at=later(hours=2), ends_at=later(hours=1))
        assert "ends_at" in exc.value.message_dict

    def test_naive_times_and_a_rank_below_inspector_are_refused(self, pw: World) -> None:
        naive = dt.datetime(2026, 3, 3, 14, 0)  # noqa: DTZ001 (the point of the test)
        with pytest.raises(ValidationError) as exc:
            authorise(pw, starts_at=naive, ends_at=naive + dt.timedelta(hours=1), authorised_by_rank="sergeant")
        assert set(exc.value.message_dict) >= {"starts_at", "ends_at", "authorised_by_rank"}

    def test_blank_locality_grounds_and_name_are_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            authorise(pw, locality=" ", grounds="", authorised_by_name="")
        assert set(exc.value.message_dict) >= {"locality", "grounds", "authorised_by_name"}

    def test_a_bad_boundary_is_refused_and_a_good_one_stored(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            authorise(pw, boundary={"type": "Point", "coordinates": [0.119, 52.205]})
        assert "boundary" in exc.value.message_dict
        authorisation = authorise(pw, boundary=square(*A1_CENTRE, half=0.002))
        assert authorisation.boundary is not None
        assert authorisation.boundary["type"] == "Polygon"


class TestAuthorisationEnd:
    def test_it_ends_now_and_is_audited(self, pw: World) -> None:
        authorisation = authorise(pw)
        ended = services.authorisation_end(actor=pw.bob, authorisation=authorisation, reason="Calm again.")
        assert ended.ended_at is not None
        assert abs((ended.ended_at - timezone.now()).total_seconds()) < 5
        event = AuditEvent.objects.get(event_type=EventType.DISPERSAL_AUTHORISATION_ENDED)
        assert event.reason == "Calm again."
        assert event.before is not None
        assert event.after is not None
        assert event.before["ended_at"] is None
        assert event.after["ended_at"] is not None

    def test_an_authorisation_already_over_cannot_be_ended(self, pw: World) -> None:
        authorisation = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=6))
        with pytest.raises(ValidationError):
            services.authorisation_end(actor=pw.bob, authorisation=authorisation, reason="Late.")
        services.authorisation_end(actor=pw.bob, authorisation=authorise(pw), reason="Calm.")
        again = DispersalAuthorisation.objects.filter(ended_at__isnull=False).get()
        with pytest.raises(ValidationError):
            services.authorisation_end(actor=pw.bob, authorisation=again, reason="Twice.")
        assert AuditEvent.objects.filter(event_type=EventType.DISPERSAL_AUTHORISATION_ENDED).count() == 1

    def test_a_reason_is_needed_and_a_pcso_may_not_end_it(self, pw: World) -> None:
        authorisation = authorise(pw)
        with pytest.raises(ValidationError) as exc:
            services.authorisation_end(actor=pw.bob, authorisation=authorisation, reason=" ")
        assert "reason" in exc.value.message_dict
        with pytest.raises(PermissionDenied):
            services.authorisation_end(actor=pw.alice, authorisation=authorisation, reason="No.")
        authorisation.refresh_from_db()
        assert authorisation.ended_at is None


class TestDispersalDirect:
    def test_a_direction_inside_an_active_authorisation_is_stored_and_audited(self, pw: World) -> None:
        authorisation = authorise(pw)
        record = direct(pw, authorisation)
        assert record.kind == RecordKind.DISPERSAL
        assert record.reference.startswith("CAMBS-ENF-")
        assert record.neighbourhood == pw.a1
        assert record.power_check["held"] is True
        assert record.power_check["power"] == DISPERSAL
        direction = DispersalDirection.objects.get(record=record)
        assert direction.authorisation == authorisation
        assert direction.told_offence is True
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_RECORDED)
        assert event.after is not None
        assert event.after["authorisation"] == authorisation.reference
        assert "Kyle" not in str(event.after) and "Mill Road" not in str(event.after)

    def test_outside_the_period_it_is_refused_with_the_field_error(self, pw: World) -> None:
        authorisation = authorise(pw, starts_at=ago(hours=30), ends_at=ago(hours=7))
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation)
        message = exc.value.message_dict["authorisation"][0]
        assert message.startswith("No dispersal authorisation in force at ")
        assert "inside an authorised area and period" in message
        assert nothing_stored()

    def test_before_the_start_it_is_refused(self, pw: World) -> None:
        authorisation = authorise(pw, starts_at=later(hours=1), ends_at=later(hours=5))
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation)
        assert "authorisation" in exc.value.message_dict
        assert nothing_stored()

    def test_after_it_was_ended_early_it_is_refused_but_before_that_accepted(self, pw: World) -> None:
        authorisation = authorise(pw)
        services.authorisation_end(actor=pw.bob, authorisation=authorisation, reason="Calm again.")
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data_at(at=timezone.now()))
        assert "authorisation" in exc.value.message_dict
        assert nothing_stored()
        # A direction given before the early end (recorded afterwards) was inside it.
        assert direct(pw, authorisation, data=data_at(at=ago(minutes=30))).pk

    def test_outside_its_boundary_it_is_refused(self, pw: World) -> None:
        authorisation = authorise(pw, boundary=square(*A1_CENTRE, half=0.002))
        outside = (A1_CENTRE[0] + 0.005, A1_CENTRE[1])  # still in A1, not in the authorised square
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data_at(outside))
        assert "outside the locality" in exc.value.message_dict["lat"][0]
        assert nothing_stored()
        assert direct(pw, authorisation).pk

    def test_an_authorisation_of_another_force_or_unknown_is_refused(self, pw: World) -> None:
        derby = authorise(
            pw,
            actor=pw.system,
            neighbourhood=pw.b1,
            authorised_by_name="Insp. Derby",
        )
        with pytest.raises(ValidationError) as exc:
            direct(pw, derby)
        assert "authorisation" in exc.value.message_dict
        with pytest.raises(ValidationError):
            direct(pw, None)
        assert nothing_stored()

    def test_an_exclusion_beyond_48_hours_is_refused(self, pw: World) -> None:
        authorisation = authorise(pw)
        data = data_at()
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data, excluded_until=data.occurred_at + dt.timedelta(hours=48, minutes=1))
        assert "48 hours" in exc.value.message_dict["excluded_until"][0]
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data, excluded_until=data.occurred_at - dt.timedelta(minutes=1))
        assert "excluded_until" in exc.value.message_dict
        assert nothing_stored()
        assert direct(pw, authorisation, data=data, excluded_until=data.occurred_at + dt.timedelta(hours=48)).pk

    def test_the_force_may_set_a_shorter_maximum_never_a_longer_one(self, pw: World) -> None:
        authorisation = authorise(pw)
        power = Power.objects.get(force=pw.force_a, code=DISPERSAL)
        ForceDesignation.objects.filter(power=power).update(parameters={"max_hours": 12})
        data = data_at()
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data, excluded_until=data.occurred_at + dt.timedelta(hours=13))
        assert "12 hours" in exc.value.message_dict["excluded_until"][0]
        ForceDesignation.objects.filter(power=power).update(parameters={"max_hours": 72})
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data, excluded_until=data.occurred_at + dt.timedelta(hours=49))
        assert "48 hours" in exc.value.message_dict["excluded_until"][0]

    def test_the_person_must_be_told_of_the_offence(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorise(pw), told_offence=False)
        assert "offence" in exc.value.message_dict["told_offence"][0]
        assert nothing_stored()

    def test_not_in_writing_needs_a_reason(self, pw: World) -> None:
        authorisation = authorise(pw)
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, in_writing=False)
        assert "not_in_writing_reason" in exc.value.message_dict
        record = direct(pw, authorisation, in_writing=False, not_in_writing_reason="Heavy rain: the pad was soaked.")
        assert record.dispersal.not_in_writing_reason.startswith("Heavy rain")

    def test_removal_only_under_16_and_with_an_address(self, pw: World) -> None:
        authorisation = authorise(pw)
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, removed_to=RemovedTo.HOME, removed_to_address="3 Mill Road")
        assert "under 16" in exc.value.message_dict["removed_to"][0]
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, under_16=True, removed_to=RemovedTo.HOME)
        assert "removed_to_address" in exc.value.message_dict
        assert nothing_stored()
        record = direct(
            pw,
            authorisation,
            under_16=True,
            removed_to=RemovedTo.PLACE_OF_SAFETY,
            removed_to_address="Parkside station",
        )
        assert record.dispersal.removed_to == RemovedTo.PLACE_OF_SAFETY

    def test_behaviour_and_area_are_required_and_all_errors_come_at_once(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            direct(pw, None, behaviour=" ", exclusion_area="", told_offence=False)
        assert set(exc.value.message_dict) >= {"authorisation", "behaviour", "exclusion_area", "told_offence"}
        assert nothing_stored()

    def test_a_pcso_without_the_power_is_refused_with_the_reason_and_an_audit_row(self, pw: World) -> None:
        authorisation = authorise(pw)
        power = Power.objects.get(force=pw.force_a, code=DISPERSAL)
        DesignationPower.objects.filter(designation__person=pw.alice, power=power).delete()
        with pytest.raises(PowerNotHeldError) as exc:
            direct(pw, authorisation)
        assert "was not designated" in exc.value.check.reason
        assert nothing_stored()
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1

    def test_a_retried_submission_is_stored_once(self, pw: World) -> None:
        authorisation = authorise(pw)
        key = uuid.uuid4()
        first = direct(pw, authorisation, client_uuid=key)
        second = direct(pw, authorisation, client_uuid=key)
        assert first.pk == second.pk
        assert EnforcementRecord.objects.count() == 1
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED).count() == 1

    def test_a_supervisor_may_not_give_directions(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            direct(pw, authorise(pw), actor=pw.bob)
        assert nothing_stored()
