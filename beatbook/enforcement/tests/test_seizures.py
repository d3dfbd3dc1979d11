"""Confiscations and seizures and s.59 vehicle warnings: the power of the kind, the age limits,
the earlier warning (found for the same registration or driver within 12 months, named, or
impracticable), the disposal, and the warning lookup's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord, Seizure, VehicleWarning
from beatbook.enforcement.reference import Disposal, SeizureKind
from beatbook.enforcement.selectors.seizures import find_vehicle_warning, months_before, vehicle_warnings_search
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.enforcement.services.seizures import seizure_record, vehicle_warning_record
from beatbook.incidents.tests.factories import A1_CENTRE, A2_CENTRE, B1_CENTRE, ago
from beatbook.org.models import Person
from beatbook.powers.models import Designation
from beatbook.powers.testing import designate, powers_world

pytestmark = pytest.mark.django_db
BORN = dt.date(1990, 5, 17)


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def record_data(point: tuple[float, float] = A1_CENTRE, **overrides: Any) -> RecordData:
    base: dict[str, Any] = {"occurred_at": ago(minutes=10), "lat": point[0], "lng": point[1]}
    return RecordData(**(base | overrides))


def warn(
    actor: Person, registration: str = "AB12CDE", point: tuple[float, float] = A1_CENTRE, **overrides: Any
) -> EnforcementRecord:
    return vehicle_warning_record(
        actor=actor,
        data=record_data(point, **overrides),
        registration=registration,
        vehicle_description="Red scooter",
        manner="Wheelies across the green, scattering walkers.",
    )


def seize_vehicle(actor: Person, registration: str = "ab12 cde", **kwargs: Any) -> EnforcementRecord:
    data = kwargs.pop("data", record_data())
    return seizure_record(
        actor=actor,
        data=data,
        kind=SeizureKind.VEHICLE_S59,
        item="Red scooter",
        quantity="1",
        disposal=Disposal.VEHICLE_REMOVED,
        registration=registration,
        **kwargs,
    )


def seize(actor: Person, kind: str, **overrides: Any) -> EnforcementRecord:
    return seizure_record(
        actor=actor,
        data=record_data(**overrides),
        kind=kind,
        item="Cigarettes",
        quantity="1 packet",
        disposal=Disposal.DESTROYED,
    )


class VehicleWarningTests:
    def test_it_records_the_warning_with_the_registration_normalised(self, pw: World) -> None:
        record = warn(pw.alice, " ab12  cde ")
        assert VehicleWarning.objects.get(record=record).registration == "AB12CDE"
        assert record.power.code == "seize-vehicle-s59"
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(record.pk)).exists()

    def test_it_needs_a_registration_and_the_manner(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            vehicle_warning_record(
                actor=pw.alice, data=record_data(), registration=" ", vehicle_description="", manner=""
            )
        assert set(caught.value.message_dict) >= {"registration", "manner"}
        assert not EnforcementRecord.objects.exists()


class VehicleSeizureTests:
    def test_it_finds_the_warning_given_3_months_earlier_to_the_same_registration(self, pw: World) -> None:
        warning = warn(pw.alice, occurred_at=ago(days=90))
        record = seize_vehicle(pw.alice)
        seizure = Seizure.objects.get(record=record)
        assert seizure.warning_id == warning.pk
        assert seizure.registration == "AB12CDE"
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(record.pk))
        assert (event.after or {})["warning"] == warning.pk
        assert "AB12CDE" not in str(event.after)

    def test_it_finds_the_warning_given_to_the_same_driver_in_another_vehicle(self, pw: World) -> None:
        warning = warn(
            pw.charlie,
            "XY99ZZZ",
            A2_CENTRE,
            occurred_at=ago(days=30),
            subject_name="Kyle Smith",
            subject_date_of_birth=BORN,
        )
        record = seize_vehicle(pw.alice, data=record_data(subject_name="KYLE SMITH", subject_date_of_birth=BORN))
        assert record.seizure.warning_id == warning.pk

    def test_a_warning_13_months_old_is_not_enough(self, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=400))
        with pytest.raises(ValidationError) as caught:
            seize_vehicle(pw.alice)
        message = caught.value.message_dict["warning"][0]
        assert "No s.59 warning for this vehicle or driver in the 12 months before" in message
        assert "impracticable" in message
        assert not Seizure.objects.exists()

    def test_with_a_reason_a_warning_was_impracticable_it_is_accepted(self, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=400))
        record = seize_vehicle(pw.alice, warning_impracticable_reason="Rider fled before a warning could be given")
        assert record.seizure.warning is None
        assert record.seizure.warning_impracticable_reason.startswith("Rider fled")

    def test_a_named_warning_must_cover_this_vehicle_and_be_of_the_force(self, pw: World) -> None:
        other = warn(pw.alice, "ZZ11ZZZ", occurred_at=ago(days=10))
        derby = warn(pw.hal, "AB12CDE", B1_CENTRE, occurred_at=ago(days=10))
        for named in (other, derby):
            with pytest.raises(ValidationError) as caught:
                seize_vehicle(pw.alice, warning_id=named.pk)
            assert "warning" in caught.value.message_dict
        right = warn(pw.alice, occurred_at=ago(days=5))
        assert seize_vehicle(pw.alice, warning_id=right.pk).seizure.warning_id == right.pk

    def test_a_vehicle_seizure_needs_the_registration(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            seize_vehicle(pw.alice, registration="")
        assert "registration" in caught.value.message_dict

    def test_only_a_vehicle_is_removed_and_stored(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            seizure_record(
                actor=pw.alice,
                data=record_data(),
                kind=SeizureKind.CONTROLLED_DRUGS,
                item="Cannabis",
                quantity="2 g",
                disposal=Disposal.VEHICLE_REMOVED,
            )
        assert "disposal" in caught.value.message_dict


class AgeLimitTests:
    def test_tobacco_from_a_17_year_old_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            seize(pw.alice, SeizureKind.TOBACCO_UNDER_16, subject_age=17)
        assert "under 16" in caught.value.message_dict["subject_age"][0]
        assert not Seizure.objects.exists()

    def test_tobacco_from_a_15_year_old_is_recorded(self, pw: World) -> None:
        record = seize(pw.alice, SeizureKind.TOBACCO_UNDER_16, subject_age=15)
        assert record.seizure.kind == SeizureKind.TOBACCO_UNDER_16
        assert record.power.code == "seize-tobacco-under-16"

    def test_alcohol_from_a_person_under_18_needs_the_age(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            seize(pw.alice, SeizureKind.ALCOHOL_UNDER_18)
        assert "subject_age" in caught.value.message_dict
        assert seize(pw.alice, SeizureKind.ALCOHOL_UNDER_18, subject_age=16).seizure.disposal == Disposal.DESTROYED

    def test_a_power_not_held_is_refused_with_the_reason_and_audited(self, pw: World) -> None:
        Designation.objects.filter(person=pw.alice).update(
            withdrawn_at=ago(days=2), withdrawn_by=pw.system, withdrawal_reason="Reissued"
        )
        designate(pw.system, pw.alice, ["require-name-address"])
        with pytest.raises(PowerNotHeldError) as caught:
            seize(pw.alice, SeizureKind.TOBACCO_UNDER_16, subject_age=14)
        assert "was not designated" in caught.value.check.reason
        assert (AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_REFUSED).after or {})["power"] == (
            "seize-tobacco-under-16"
        )
        assert not EnforcementRecord.objects.exists()


class WarningLookupTests:
    def test_find_takes_the_latest_within_the_months(self, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=200))
        latest = warn(pw.alice, occurred_at=ago(days=20))
        found = find_vehicle_warning(
            force_id=pw.force_a.pk, registration="ab12cde", driver_name="", driver_dob=None, before=ago(minutes=1)
        )
        assert found is not None and found.pk == latest.pk

    def test_the_search_shows_only_what_the_actor_sees(self, pw: World) -> None:
        warn(pw.alice, occurred_at=ago(days=20))
        warn(pw.hal, "AB12CDE", B1_CENTRE, occurred_at=ago(days=20))
        assert len(vehicle_warnings_search(actor=pw.alice, registration="AB12 CDE")) == 1
        assert len(vehicle_warnings_search(actor=pw.hal, registration="ab12cde")) == 1
        assert vehicle_warnings_search(actor=pw.gus, registration="AB12CDE") == []
        assert vehicle_warnings_search(actor=pw.alice) == []

    def test_months_before_keeps_to_the_end_of_a_shorter_month(self) -> None:
        moment = dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
        assert months_before(moment, 1) == dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC)
        assert months_before(moment, 12) == dt.datetime(2023, 3, 31, 12, tzinfo=dt.UTC)
