"""The shared enforcement write path (`services.common`) and the record scope
(`selectors.common`), exercised through a small real kind: the dispersal direction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.testing import World
from beatbook.enforcement.models import EnforcementRecord
from beatbook.enforcement.reference import RecordKind
from beatbook.enforcement.selectors.common import (
    authorisations_visible_to,
    record_get_for,
    records_visible_to,
)
from beatbook.enforcement.services.common import PowerNotHeldError, existing, locked, touch
from beatbook.incidents import services as incident_services
from beatbook.incidents.selectors import neighbourhood_at
from beatbook.incidents.tests.factories import incident_data
from beatbook.powers.models import Designation, DesignationPower, ForceDesignation
from beatbook.powers.reference import DISPERSAL, REQUIRE_NAME_ADDRESS
from beatbook.powers.testing import designate

from .test_dispersal import A1_CENTRE, A2_CENTRE, B1_CENTRE, ago, authorise, data_at, direct, later, nothing_stored
from .test_dispersal import pw as pw  # the fixture

OUTSIDE_ALL = (52.5, -0.5)


def refusals() -> int:
    return AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count()


def redesignate(world: World, codes: list[str] | None, **kwargs: object) -> Designation:
    """Replace alice's designation by one with these powers."""
    DesignationPower.objects.filter(designation__person=world.alice).delete()
    Designation.objects.filter(person=world.alice).delete()
    return designate(world.system, world.alice, codes, **kwargs)  # type: ignore[arg-type]


class TestPowersCheckAtTheMomentOfTheAct:
    def test_a_power_not_designated_is_refused_with_the_reason_and_audited(self, pw: World) -> None:
        authorisation = authorise(pw)
        redesignate(pw, [REQUIRE_NAME_ADDRESS])
        with pytest.raises(PowerNotHeldError) as exc:
            direct(pw, authorisation)
        reason = exc.value.check.reason
        assert "Alice was not designated" in reason and "Dispersal direction" in reason
        assert exc.value.message_dict["__all__"] == [reason]
        assert nothing_stored()
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_REFUSED)
        assert event.reason == reason
        assert event.after is not None
        assert event.after["power"] == DISPERSAL and event.after["kind"] == RecordKind.DISPERSAL
        assert event.neighbourhood_id == pw.a1.pk
        assert "Kyle" not in str(event.after)

    def test_a_force_that_does_not_designate_the_power_is_named_in_the_reason(self, pw: World) -> None:
        authorisation = authorise(pw)
        ForceDesignation.objects.filter(force=pw.force_a, power__code=DISPERSAL).update(valid_to=dt.date(2020, 1, 2))
        with pytest.raises(PowerNotHeldError) as exc:
            direct(pw, authorisation)
        assert "did not designate" in exc.value.check.reason
        assert refusals() == 1

    def test_a_withdrawal_counts_from_its_moment(self, pw: World) -> None:
        authorisation = authorise(pw, starts_at=ago(hours=3))
        redesignate(pw, None, withdrawn_at=ago(hours=1))
        before = direct(pw, authorisation, data=data_at(at=ago(hours=2)))
        assert before.power_check["held"] is True
        with pytest.raises(PowerNotHeldError):
            direct(pw, authorisation, data=data_at(at=ago(minutes=30)))
        assert EnforcementRecord.objects.count() == 1

    def test_the_stored_verdict_does_not_change_when_the_designation_does(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        verdict = dict(record.power_check)
        assert verdict["designation"] == record.designation.reference
        Designation.objects.filter(person=pw.alice).update(
            withdrawn_at=ago(minutes=1), withdrawn_by=pw.system, withdrawal_reason="Moved on."
        )
        record.refresh_from_db()
        assert record.power_check == verdict


class TestCommonFields:
    def test_those_who_do_not_enforce_are_refused(self, pw: World) -> None:
        authorisation = authorise(pw)
        for persona in (pw.bob, pw.dee, pw.gus, pw.fay):
            with pytest.raises(PermissionDenied):
                direct(pw, authorisation, actor=persona)
        assert nothing_stored()
        assert refusals() == 0

    def test_outside_the_officers_neighbourhoods_it_is_forbidden(self, pw: World) -> None:
        authorisation = authorise(pw, neighbourhood=pw.a2)
        with pytest.raises(PermissionDenied):
            direct(pw, authorisation, data=data_at(A2_CENTRE))
        assert nothing_stored()

    def test_a_place_in_no_neighbourhood_of_the_force_is_a_field_error(self, pw: World) -> None:
        authorisation = authorise(pw)
        for point in (OUTSIDE_ALL, B1_CENTRE):
            with pytest.raises(ValidationError) as exc:
                direct(pw, authorisation, data=data_at(point))
            assert "outside your force" in exc.value.message_dict["lat"][0]
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data_at(lat=None, lng=None))
        assert "lat" in exc.value.message_dict
        assert nothing_stored()

    def test_a_future_or_naive_time_is_a_field_error(self, pw: World) -> None:
        authorisation = authorise(pw)
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data_at(at=later(minutes=10)))
        assert "future" in exc.value.message_dict["occurred_at"][0]
        naive = dt.datetime.now()  # noqa: DTZ005 (the point of the test)
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data_at(at=naive), excluded_until=later(hours=1))
        assert "occurred_at" in exc.value.message_dict
        assert nothing_stored()

    def test_the_subject_and_the_kinds_errors_come_together(self, pw: World) -> None:
        authorisation = authorise(pw)
        data = data_at(subject_date_of_birth=dt.date.today() + dt.timedelta(days=3), subject_age=130)  # noqa: DTZ011
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorisation, data=data, told_offence=False)
        assert set(exc.value.message_dict) >= {"subject_date_of_birth", "subject_age", "told_offence"}

    def test_the_incident_links_and_lends_its_point(self, pw: World) -> None:
        incident = incident_services.incident_create(actor=pw.alice, data=incident_data(occurred_at=ago(hours=1)))
        record = direct(pw, authorise(pw), data=data_at(lat=None, lng=None, incident_id=incident.pk))
        assert record.incident == incident
        assert (record.lat, record.lng) == (incident.lat, incident.lng)

    def test_an_incident_the_officer_cannot_see_is_a_field_error(self, pw: World) -> None:
        other = incident_services.incident_create(
            actor=pw.hal, data=incident_data(occurred_at=ago(hours=1), lat=B1_CENTRE[0], lng=B1_CENTRE[1])
        )
        with pytest.raises(ValidationError) as exc:
            direct(pw, authorise(pw), data=data_at(incident_id=other.pk))
        assert "incident" in exc.value.message_dict
        assert nothing_stored()

    def test_a_uuid_of_someone_elses_record_is_a_field_error(self, pw: World) -> None:
        key = uuid.uuid4()
        record = direct(pw, authorise(pw), client_uuid=key)
        assert existing(actor=pw.alice, client_uuid=key, kind=RecordKind.DISPERSAL) == record
        with pytest.raises(ValidationError) as exc:
            existing(actor=pw.charlie, client_uuid=key, kind=RecordKind.DISPERSAL)
        assert "uuid" in exc.value.message_dict
        with pytest.raises(ValidationError):
            existing(actor=pw.alice, client_uuid=key, kind=RecordKind.PENALTY)
        assert existing(actor=pw.alice, client_uuid=None, kind=RecordKind.DISPERSAL) is None


class TestLockedAndTouch:
    def test_only_the_officer_may_change_and_a_stale_version_is_refused(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        assert locked(actor=pw.alice, enforcement=record, expected_version=1).pk == record.pk
        with pytest.raises(PermissionDenied):
            locked(actor=pw.bob, enforcement=record, expected_version=1)
        touch(actor=pw.alice, enforcement=record)
        record.refresh_from_db()
        assert record.version == 2
        with pytest.raises(StaleRecordError):
            locked(actor=pw.alice, enforcement=record, expected_version=1)


class TestScope:
    def test_records_are_seen_in_the_actors_neighbourhoods_and_by_their_officer(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        for persona in (pw.alice, pw.bob, pw.dee, pw.fay, pw.erin, pw.system):
            assert records_visible_to(persona).filter(pk=record.pk).exists(), persona
        for persona in (pw.charlie, pw.gus, pw.hal, pw.ivy):
            assert not records_visible_to(persona).filter(pk=record.pk).exists(), persona
            with pytest.raises(Http404):
                record_get_for(actor=persona, pk=record.pk)
        assert record_get_for(actor=pw.bob, pk=record.pk) == record

    def test_an_officer_still_sees_their_own_record_after_moving(self, pw: World) -> None:
        record = direct(pw, authorise(pw))
        pw.alice.postings.update(neighbourhood=pw.a2)
        assert records_visible_to(pw.alice).filter(pk=record.pk).exists()

    def test_authorisations_are_seen_in_the_actors_neighbourhoods(self, pw: World) -> None:
        authorisation = authorise(pw)
        for persona in (pw.alice, pw.bob, pw.dee):
            assert authorisations_visible_to(persona).filter(pk=authorisation.pk).exists()
        for persona in (pw.charlie, pw.gus, pw.hal):
            assert not authorisations_visible_to(persona).filter(pk=authorisation.pk).exists()

    def test_the_neighbourhood_is_found_from_the_point_within_the_forces(self, pw: World) -> None:
        assert neighbourhood_at(lat=A1_CENTRE[0], lng=A1_CENTRE[1], force_ids=[pw.force_a.pk]) == pw.a1
        assert neighbourhood_at(lat=A2_CENTRE[0], lng=A2_CENTRE[1], force_ids=[pw.force_a.pk]) == pw.a2
        assert neighbourhood_at(lat=B1_CENTRE[0], lng=B1_CENTRE[1], force_ids=[pw.force_a.pk]) is None
        assert neighbourhood_at(lat=OUTSIDE_ALL[0], lng=OUTSIDE_ALL[1], force_ids=[pw.force_a.pk]) is None
