"""Detentions pending a constable (services): the power held at the start (Cambridgeshire
designates it, Derbyshire does not), the requirement it follows, the limit (the force's, at most
30 minutes) and the end."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.testing import World, make_person
from beatbook.enforcement.models import Detention, EnforcementRecord
from beatbook.enforcement.reference import Compliance, DetentionOutcome, RelevantOffence
from beatbook.enforcement.services.common import PowerNotHeldError, RecordData
from beatbook.enforcement.services.detention import (
    detention_end,
    detention_open_for,
    detention_start,
    limit_from,
    must_end_by,
    warning_minutes,
)
from beatbook.incidents.tests.factories import A1_CENTRE, B1_CENTRE, ago
from beatbook.org.models import Person, Role
from beatbook.powers.models import ForceDesignation
from beatbook.powers.reference import DETAIN
from beatbook.powers.testing import designate, pass_courses, powers_world

from .test_name_address import after_of, before_of, require, withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def refused(actor: Person, point: tuple[float, float] = A1_CENTRE, **overrides: Any) -> EnforcementRecord:
    """A requirement the person refused, `minutes` ago (default 10)."""
    minutes = overrides.pop("minutes", 10)
    kwargs: dict[str, Any] = {"compliance": Compliance.REFUSED, "subject_name": "", "subject_address": ""}
    return require(actor, point, occurred_at=ago(minutes=minutes), **(kwargs | overrides))


def start(actor: Person, requirement: EnforcementRecord, *, minutes: float = 5, **kwargs: Any) -> EnforcementRecord:
    return detention_start(
        actor=actor, requirement_id=requirement.pk, data=RecordData(occurred_at=ago(minutes=minutes)), **kwargs
    )


def _stored() -> tuple[int, int]:
    return EnforcementRecord.objects.count(), Detention.objects.count()


class DetentionStartTests:
    def test_a_cambridgeshire_pcso_starts_a_detention(self, pw: World) -> None:
        requirement = refused(pw.alice, location_text="Market Square", subject_name="Kyle")
        enforcement = start(pw.alice, requirement, constable_requested_at=ago(minutes=4))
        detention = Detention.objects.get(record=enforcement)
        assert detention.limit_minutes == 30
        assert detention.is_open
        assert detention.requirement.record == requirement
        assert enforcement.power.code == DETAIN
        assert enforcement.power_check["held"] is True
        # The person, the place and the point are the requirement's.
        assert enforcement.subject_name == "Kyle"
        assert (enforcement.lat, enforcement.lng, enforcement.location_text) == (
            requirement.lat,
            requirement.lng,
            "Market Square",
        )
        assert must_end_by(detention) == enforcement.occurred_at + dt.timedelta(minutes=30)
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_RECORDED, object_id=str(enforcement.pk))
        assert after_of(event)["limit_minutes"] == 30
        assert after_of(event)["requirement"] == requirement.reference
        assert after_of(event)["constable_requested"] is True
        assert "Kyle" not in str(after_of(event))

    def test_a_derbyshire_pcso_is_refused_with_the_reason_and_an_audit_event(self, pw: World) -> None:
        requirement = refused(pw.hal, B1_CENTRE)
        before = _stored()
        with pytest.raises(PowerNotHeldError) as caught:
            start(pw.hal, requirement)
        reason = caught.value.check.reason
        assert "Derbyshire Constabulary did not designate" in reason
        event = AuditEvent.objects.get(event_type=EventType.ENFORCEMENT_REFUSED)
        assert event.reason == reason
        assert after_of(event)["power"] == DETAIN
        assert event.force_id == pw.force_b.pk
        assert _stored() == before

    def test_a_designation_withdrawn_before_the_act_refuses_it(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=40)
        withdraw(pw, ago(minutes=30))
        with pytest.raises(PowerNotHeldError):
            start(pw.alice, requirement, minutes=25)
        assert not Detention.objects.exists()
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED).count() == 1

    def test_a_designation_withdrawn_after_the_act_still_allows_it(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=25)
        withdraw(pw, ago(minutes=5))
        enforcement = start(pw.alice, requirement, minutes=20)
        assert enforcement.power_check["held"] is True

    def test_the_forces_shorter_limit_applies(self, pw: World) -> None:
        ForceDesignation.objects.filter(force=pw.force_a, power__code=DETAIN).update(parameters={"limit_minutes": 20})
        detention = Detention.objects.get(record=start(pw.alice, refused(pw.alice)))
        assert detention.limit_minutes == 20

    @pytest.mark.parametrize(
        ("parameters", "limit"),
        [({}, 30), ({"limit_minutes": 45}, 30), ({"limit_minutes": 20}, 20), ({"limit_minutes": "x"}, 30)],
    )
    def test_the_limit_is_never_above_30_minutes(self, parameters: dict[str, Any], limit: int) -> None:
        assert limit_from(parameters) == limit

    def test_the_warnings_come_earlier_under_a_shorter_limit(self) -> None:
        assert warning_minutes(30) == (20, 25)
        assert warning_minutes(20) == (10, 15)

    @pytest.mark.parametrize("compliance", [Compliance.COMPLIED])
    def test_it_must_follow_a_refused_or_false_requirement(self, pw: World, compliance: str) -> None:
        requirement = require(pw.alice, compliance=compliance, occurred_at=ago(minutes=10))
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, requirement)
        assert caught.value.message_dict["requirement"] == [
            "Detention follows a requirement that was refused or given falsely."
        ]
        assert not Detention.objects.exists()

    def test_a_suspected_false_name_may_be_followed_by_a_detention(self, pw: World) -> None:
        requirement = refused(pw.alice, compliance=Compliance.SUSPECTED_FALSE, subject_name="Mickey Mouse")
        assert start(pw.alice, requirement).subject_name == "Mickey Mouse"

    def test_it_is_not_available_after_a_licensing_offence(self, pw: World) -> None:
        requirement = refused(pw.alice, reason=RelevantOffence.LICENSING)
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, requirement)
        assert "licensing" in caught.value.message_dict["requirement"][0]

    def test_it_starts_at_or_after_the_requirement_and_within_an_hour(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=70)
        with pytest.raises(ValidationError) as too_late:
            start(pw.alice, requirement, minutes=5)
        assert "within 60 minutes" in too_late.value.message_dict["occurred_at"][0]
        with pytest.raises(ValidationError) as too_early:
            start(pw.alice, requirement, minutes=75)
        assert "before the requirement" in too_early.value.message_dict["occurred_at"][0]

    def test_one_detention_per_requirement(self, pw: World) -> None:
        requirement = refused(pw.alice)
        start(pw.alice, requirement)
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, requirement, minutes=4)
        assert "already has a detention" in caught.value.message_dict["requirement"][0]
        assert Detention.objects.count() == 1

    def test_a_retried_client_uuid_stores_once(self, pw: World) -> None:
        requirement = refused(pw.alice)
        key = uuid.uuid4()
        first = start(pw.alice, requirement, client_uuid=key)
        again = start(pw.alice, requirement, client_uuid=key)
        assert first.pk == again.pk
        assert Detention.objects.count() == 1
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_RECORDED).count() == 2

    def test_only_the_officer_who_required_it_may_detain(self, pw: World) -> None:
        pat = make_person(pw.system, pw.force_a, "pat", Role.PCSO, neighbourhood=pw.a1)
        pass_courses(pw.system, pat)
        designate(pw.system, pat)
        requirement = refused(pw.alice)
        with pytest.raises(ValidationError) as caught:
            start(pat, requirement)
        assert "Only the officer" in caught.value.message_dict["requirement"][0]

    def test_a_requirement_not_visible_is_no_such_requirement(self, pw: World) -> None:
        requirement = refused(pw.hal, B1_CENTRE)
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, requirement)
        assert caught.value.message_dict["requirement"] == ["No such requirement to give a name and address."]

    def test_the_whole_detention_may_be_recorded_afterwards(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=45)
        enforcement = start(
            pw.alice,
            requirement,
            minutes=40,
            ended_at=ago(minutes=20),
            outcome=DetentionOutcome.CONSTABLE_ARRIVED,
            constable_arrived_at=ago(minutes=21),
            force_used=True,
            force_details="Held his arm when he tried to run.",
        )
        detention = Detention.objects.get(record=enforcement)
        assert not detention.is_open
        assert detention.outcome == DetentionOutcome.CONSTABLE_ARRIVED
        assert detention.force_details == "Held his arm when he tried to run."

    def test_a_detention_recorded_afterwards_over_the_limit_is_refused(self, pw: World) -> None:
        requirement = refused(pw.alice, minutes=50)
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, requirement, minutes=45, ended_at=ago(minutes=10), outcome=DetentionOutcome.RELEASED)
        assert "Over the limit of 30 minutes" in caught.value.message_dict["ended_at"][0]
        assert not Detention.objects.exists()

    def test_an_outcome_without_an_end_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as caught:
            start(pw.alice, refused(pw.alice), outcome=DetentionOutcome.RELEASED)
        assert "ended_at" in caught.value.message_dict


class DetentionEndTests:
    def test_it_ends_the_officers_open_detention(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice, minutes=12), minutes=11)
        ended = detention_end(
            actor=pw.alice,
            record=enforcement,
            ended_at=ago(minutes=1),
            outcome=DetentionOutcome.ELECTED_STATION,
            expected_version=1,
        )
        detention = Detention.objects.get(record=enforcement)
        assert detention.outcome == DetentionOutcome.ELECTED_STATION
        assert detention.elected_station is True
        assert ended.version == 2
        event = AuditEvent.objects.get(event_type=EventType.DETENTION_ENDED)
        assert after_of(event)["outcome"] == "elected_station"
        assert before_of(event)["ended_at"] is None
        assert after_of(event)["minutes"] == pytest.approx(10, abs=0.2)

    def test_ending_after_31_minutes_is_refused_and_nothing_changes(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice, minutes=35), minutes=31)
        with pytest.raises(ValidationError) as caught:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome=DetentionOutcome.RELEASED)
        message = caught.value.message_dict["ended_at"][0]
        assert message.startswith("Over the limit of 30 minutes: the person had to be released by ")
        assert message.endswith("(Europe/London).")
        assert Detention.objects.get(record=enforcement).is_open
        assert not AuditEvent.objects.filter(event_type=EventType.DETENTION_ENDED).exists()

    def test_a_20_minute_force_limit_refuses_21_minutes(self, pw: World) -> None:
        ForceDesignation.objects.filter(force=pw.force_a, power__code=DETAIN).update(parameters={"limit_minutes": 20})
        enforcement = start(pw.alice, refused(pw.alice, minutes=25), minutes=21)
        with pytest.raises(ValidationError) as caught:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome=DetentionOutcome.RELEASED)
        assert "Over the limit of 20 minutes" in caught.value.message_dict["ended_at"][0]
        detention_end(actor=pw.alice, record=enforcement, ended_at=ago(minutes=2), outcome=DetentionOutcome.RELEASED)
        assert not Detention.objects.get(record=enforcement).is_open

    def test_the_end_is_after_the_start_and_not_in_the_future(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        for ended_at, text in ((ago(minutes=6), "after the start"), (ago(minutes=-5), "in the future")):
            with pytest.raises(ValidationError) as caught:
                detention_end(actor=pw.alice, record=enforcement, ended_at=ended_at, outcome="released")
            assert text in caught.value.message_dict["ended_at"][0]

    def test_a_constables_arrival_needs_its_time_within_the_detention(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice), minutes=8)
        with pytest.raises(ValidationError) as missing:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome="constable_arrived")
        assert "constable_arrived_at" in missing.value.message_dict
        with pytest.raises(ValidationError) as outside:
            detention_end(
                actor=pw.alice,
                record=enforcement,
                ended_at=ago(minutes=2),
                outcome="constable_arrived",
                constable_arrived_at=ago(minutes=1),
            )
        assert "between the start and the end" in outside.value.message_dict["constable_arrived_at"][0]

    def test_force_used_needs_its_details(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        with pytest.raises(ValidationError) as caught:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome="made_off", force_used=True)
        assert "force_details" in caught.value.message_dict

    def test_an_unknown_outcome_is_a_field_error(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        with pytest.raises(ValidationError) as caught:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome="escaped")
        assert "outcome" in caught.value.message_dict

    def test_an_ended_detention_cannot_end_again(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        detention_end(actor=pw.alice, record=enforcement, ended_at=ago(minutes=1), outcome="released")
        with pytest.raises(ValidationError) as caught:
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome="released")
        assert "already ended" in caught.value.message_dict["ended_at"][0]

    def test_a_stale_version_changes_nothing(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        with pytest.raises(StaleRecordError):
            detention_end(actor=pw.alice, record=enforcement, ended_at=ago(), outcome="released", expected_version=7)
        assert Detention.objects.get(record=enforcement).is_open

    def test_only_its_officer_may_end_it(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        with pytest.raises(PermissionDenied):
            detention_end(actor=pw.bob, record=enforcement, ended_at=ago(), outcome="released")

    def test_another_kind_of_record_is_not_a_detention(self, pw: World) -> None:
        requirement = refused(pw.alice)
        with pytest.raises(ValidationError):
            detention_end(actor=pw.alice, record=requirement, ended_at=ago(), outcome="released")
        with pytest.raises(Http404):
            detention_open_for(actor=pw.alice, pk=requirement.pk)

    def test_reading_one_is_audited(self, pw: World) -> None:
        enforcement = start(pw.alice, refused(pw.alice))
        found = detention_open_for(actor=pw.bob, pk=enforcement.pk)
        assert found.detention.limit_minutes == 30
        assert AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_VIEWED, actor=pw.bob).count() == 1
        with pytest.raises(Http404):
            detention_open_for(actor=pw.hal, pk=enforcement.pk)
