"""Writes to incidents: access checks, validation on the right field, nothing stored on error,
the version check, and audit rows that hold no personal data."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.core.testing import World
from beatbook.incidents import services
from beatbook.incidents.models import Alert, AlertKind, Incident, IncidentPerson, IncidentRules, Involvement, Status
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, Level
from beatbook.incidents.services import IncidentChanges, RulesChanges, StaleIncidentError
from beatbook.org import services as org
from beatbook.org.services import NeighbourhoodChanges

from .factories import (
    A1_CENTRE,
    A2_CENTRE,
    B1_CENTRE,
    OUTSIDE_ALL,
    a1_spot,
    ago,
    at,
    create,
    incident_data,
    moved,
    person,
    unknown,
    victim,
)

pytestmark = pytest.mark.django_db

META = AuditMeta(request_id="req-incidents-1")
# What the people and free-text fields of `sensitive_incident` say: none of it may reach the trail.
SECRETS = (
    "Jane Doe",
    "janedoe",
    "14 Mill Road",
    "14millroad",
    "07700 900123",
    "1990-04-01",
    "chip shop",
    "Behind the launderette",
    "Grey hoodie",
    "Lives alone",
    "Known to the housing team",
)


def events(event: EventType, obj: Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, object_id=str(obj.pk)).order_by("id"))


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def stored() -> tuple[int, int, int]:
    """How many incidents, people and audit events there are."""
    return Incident.objects.count(), IncidentPerson.objects.count(), AuditEvent.objects.count()


def trail_text(row: AuditEvent) -> str:
    """Everything an audit event says about its object, as one string."""
    return json.dumps([row.object_repr, row.before, row.after, row.reason], default=str)


def sensitive_incident(world: World) -> Incident:
    return create(
        world.alice,
        description="A fight outside the chip shop.",
        location_text="Behind the launderette",
        thrive_notes="Known to the housing team",
        people=[
            victim(
                "Jane Doe",
                address="14 Mill Road",
                phone="07700 900123",
                date_of_birth=dt.date(1990, 4, 1),
                description="Lives alone",
                is_vulnerable=True,
            ),
            unknown(description="Grey hoodie"),
        ],
    )


def rejected(actor: Any, **overrides: Any) -> pytest.ExceptionInfo[ValidationError]:
    """Try to record an incident that should be refused; check that nothing was stored."""
    people = overrides.pop("people", None)
    counts = stored()
    with pytest.raises(ValidationError) as info:
        services.incident_create(actor=actor, data=incident_data(**overrides), people=people)
    assert stored() == counts
    return info


class IncidentCreateTests:
    def test_references_are_per_force_and_year_and_increment(self, world: World) -> None:
        first = create(world.alice)
        second = create(world.bob)
        derby = create(world.hal, **at(B1_CENTRE))
        year = timezone.localtime(first.occurred_at).year
        assert first.reference == f"CAMBS-INC-{year}-000001"
        assert second.reference == f"CAMBS-INC-{year}-000002"
        assert derby.reference == f"DERBYS-INC-{year}-000001"

    def test_the_reference_year_is_the_year_it_happened(self, world: World) -> None:
        last_year = timezone.localtime().year - 1
        old = create(world.alice, occurred_at=dt.datetime(last_year, 6, 1, 14, 0, tzinfo=dt.UTC))
        assert old.reference == f"CAMBS-INC-{last_year}-000001"

    def test_records_what_was_said_with_its_author_and_version_one(self, world: World) -> None:
        incident = create(world.alice, people=[victim(), unknown()])
        assert incident.force == world.force_a and incident.created_by == world.alice
        assert incident.updated_by == world.alice and incident.version == 1 and incident.status == Status.OPEN
        assert (incident.lat, incident.lng) == A1_CENTRE
        rows = list(incident.people.order_by("id"))
        assert [p.involvement for p in rows] == [Involvement.VICTIM, Involvement.SUSPECT]
        assert rows[0].name_key == "janedoe" and rows[0].address_key == "14millroadcambridge"
        assert rows[1].is_unknown and rows[1].name == "" and rows[1].force == world.force_a

    @pytest.mark.parametrize(("point", "code"), [(A1_CENTRE, "CC01"), (A2_CENTRE, "CH02")])
    def test_the_neighbourhood_is_the_one_that_holds_the_point(
        self, world: World, point: tuple[float, float], code: str
    ) -> None:
        # Alice is posted to A1 but records wherever she is in her force: the point decides.
        incident = create(world.alice, **at(point))
        assert incident.neighbourhood.code == code
        assert incident.neighbourhood_reason == ""

    def test_a_grid_reference_gives_the_point(self, world: World) -> None:
        incident = create(world.alice, lat=None, lng=None, grid_reference="TL 4516 5825")
        assert incident.neighbourhood == world.a1
        assert incident.lat == pytest.approx(52.2034, abs=0.0005)
        assert incident.lng == pytest.approx(0.1228, abs=0.0005)
        assert incident.grid_reference == "TL 4516 5825"

    def test_the_point_wins_over_a_grid_reference(self, world: World) -> None:
        incident = create(world.alice, **at(A2_CENTRE), grid_reference="TL 4516 5825")
        assert incident.neighbourhood == world.a2 and (incident.lat, incident.lng) == A2_CENTRE

    def test_a_bad_grid_reference_is_a_field_error(self, world: World) -> None:
        info = rejected(world.alice, lat=None, lng=None, grid_reference="TL 45 582")
        assert error_fields(info) == {"grid_reference"}

    def test_no_location_is_a_field_error(self, world: World) -> None:
        info = rejected(world.alice, lat=None, lng=None)
        assert error_fields(info) == {"lat"}

    @pytest.mark.parametrize("point", [B1_CENTRE, OUTSIDE_ALL], ids=["other-force", "no-neighbourhood"])
    def test_a_point_outside_the_force_is_refused_on_lat(self, world: World, point: tuple[float, float]) -> None:
        info = rejected(world.alice, **at(point))
        assert error_fields(info) == {"lat"}

    def test_a_point_outside_the_uk_is_refused(self, world: World) -> None:
        info = rejected(world.alice, lat=48.8566, lng=2.3522)
        assert error_fields(info) == {"lat", "lng"}

    def test_a_time_in_the_future_is_refused(self, world: World) -> None:
        info = rejected(world.alice, occurred_at=timezone.now() + dt.timedelta(hours=1))
        assert error_fields(info) == {"occurred_at"}

    def test_a_clock_a_little_fast_is_not_the_future(self, world: World) -> None:
        incident = create(world.alice, occurred_at=timezone.now() + dt.timedelta(minutes=1))
        assert incident.pk is not None

    def test_a_time_without_its_zone_is_refused(self, world: World) -> None:
        info = rejected(world.alice, occurred_at=dt.datetime(2026, 1, 5, 14, 30))  # noqa: DTZ001 (the point)
        assert error_fields(info) == {"occurred_at"}

    def test_all_the_errors_are_given_at_once(self, world: World) -> None:
        info = rejected(
            world.alice,
            occurred_at=timezone.now() + dt.timedelta(days=1),
            lat=None,
            lng=None,
            category=Category.ANTI_SOCIAL_BEHAVIOUR,
        )
        assert error_fields(info) == {"occurred_at", "lat", "asb_qualifier"}

    def test_asb_needs_its_qualifier(self, world: World) -> None:
        info = rejected(world.alice, category=Category.ANTI_SOCIAL_BEHAVIOUR)
        assert error_fields(info) == {"asb_qualifier"}

    @pytest.mark.parametrize(
        "asb_fields",
        [
            {"asb_qualifier": AsbQualifier.NUISANCE},
            {"asb_type": AsbType.NOISE},
            {"asb_qualifier": AsbQualifier.PERSONAL, "asb_type": AsbType.NOISE},
        ],
    )
    def test_asb_fields_are_only_for_asb(self, world: World, asb_fields: dict[str, str]) -> None:
        info = rejected(world.alice, category=Category.CRIMINAL_DAMAGE_ARSON, **asb_fields)
        assert "asb_qualifier" in error_fields(info)

    def test_choices_are_checked(self, world: World) -> None:
        info = rejected(world.alice, category="jaywalking", risk_level="extreme")
        assert error_fields(info) == {"category", "risk_level"}

    def test_an_unknown_person_needs_a_description(self, world: World) -> None:
        info = rejected(world.alice, people=[victim(), unknown(description="")])
        assert error_fields(info) == {"people.1.description"}

    def test_an_unknown_person_may_be_described_by_an_address(self, world: World) -> None:
        incident = create(world.alice, people=[unknown(description="", address="The flat above the shop")])
        assert incident.people.get().is_unknown

    def test_a_named_person_needs_a_name(self, world: World) -> None:
        info = rejected(world.alice, people=[person(name="  ")])
        assert error_fields(info) == {"people.0.name"}

    def test_a_date_of_birth_in_the_future_is_refused(self, world: World) -> None:
        info = rejected(world.alice, people=[victim(date_of_birth=timezone.localdate() + dt.timedelta(days=3))])
        assert error_fields(info) == {"people.0.date_of_birth"}

    @pytest.mark.parametrize("who", ["dee", "fay", "gus", "erin", "ivy"])
    def test_only_those_who_record_incidents_may(self, world: World, who: str) -> None:
        counts = stored()
        with pytest.raises(PermissionDenied):
            services.incident_create(actor=getattr(world, who), data=incident_data())
        assert stored() == counts

    def test_an_outsider_cannot_record_in_another_force(self, world: World) -> None:
        info = rejected(world.hal)  # A1's centre: not in Derbyshire
        assert error_fields(info) == {"lat"}
        # ... but records in his own, here by grid reference.
        derby = create(world.hal, lat=None, lng=None, grid_reference="SK 352 362")
        assert derby.neighbourhood == world.b1 and derby.force == world.force_b

    def test_a_retried_submission_is_stored_once(self, world: World) -> None:
        key = uuid.uuid4()
        first = services.incident_create(actor=world.alice, data=incident_data(), client_uuid=key)
        again = services.incident_create(actor=world.alice, data=incident_data(description="Again"), client_uuid=key)
        assert again.pk == first.pk and again.uuid == key
        assert Incident.objects.count() == 1
        assert len(events(EventType.INCIDENT_CREATED, first)) == 1

    def test_another_persons_identifier_is_refused(self, world: World) -> None:
        key = uuid.uuid4()
        services.incident_create(actor=world.alice, data=incident_data(), client_uuid=key)
        with pytest.raises(ValidationError) as info:
            services.incident_create(actor=world.bob, data=incident_data(), client_uuid=key)
        assert error_fields(info) == {"uuid"}
        assert Incident.objects.count() == 1

    def test_the_event_records_the_incident_without_personal_data(self, world: World) -> None:
        incident = services.incident_create(
            actor=world.alice,
            data=incident_data(description="A fight outside the chip shop."),
            people=[victim()],
            meta=META,
        )
        [row] = events(EventType.INCIDENT_CREATED, incident)
        assert row.actor == world.alice and row.request_id == "req-incidents-1"
        assert row.force_id == world.force_a.pk and row.neighbourhood_id == world.a1.pk
        after: dict[str, Any] = row.after  # type: ignore[assignment]
        assert after["reference"] == incident.reference and after["neighbourhood"] == "CC01"
        assert after["people"] == [{"id": incident.people.get().pk, "involvement": "victim", "is_unknown": False}]

    def test_no_personal_data_reaches_the_trail(self, world: World) -> None:
        incident = sensitive_incident(world)
        rows = list(AuditEvent.objects.filter(object_id=str(incident.pk)))
        assert rows
        for row in rows:
            text = trail_text(row)
            for secret in SECRETS:
                assert secret.lower() not in text.lower(), (row, secret)


class IncidentUpdateTests:
    def test_changes_fields_and_bumps_the_version(self, world: World) -> None:
        incident = sensitive_incident(world)
        changed = services.incident_update(
            actor=world.alice,
            incident=incident,
            changes=IncidentChanges(description="It was three men.", risk_level=Level.HIGH),
            expected_version=1,
            meta=META,
        )
        assert changed.version == 2 and changed.updated_by == world.alice
        incident.refresh_from_db()
        assert incident.description == "It was three men." and incident.risk_level == Level.HIGH
        assert incident.neighbourhood == world.a1 and incident.location_text == "Behind the launderette"
        [row] = events(EventType.INCIDENT_UPDATED, incident)
        assert row.before["risk_level"] == "low" and row.after["risk_level"] == "high"  # type: ignore[index]
        assert row.after["text_changed"] == ["description"]  # type: ignore[index]
        assert "three men" not in trail_text(row)

    def test_the_callers_copy_is_brought_up_to_date(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_update(
            actor=world.bob, incident=incident, changes=IncidentChanges(description="New"), expected_version=1
        )
        assert incident.version == 2 and incident.description == "New" and incident.updated_by == world.bob

    def test_a_stale_version_is_refused_naming_who_changed_it(self, world: World) -> None:
        incident = create(world.alice)
        alices_copy = Incident.objects.get(pk=incident.pk)
        services.incident_update(
            actor=world.bob, incident=incident, changes=IncidentChanges(description="Bob's"), expected_version=1
        )
        counts = stored()
        with pytest.raises(StaleIncidentError) as info:
            services.incident_update(
                actor=world.alice,
                incident=alices_copy,
                changes=IncidentChanges(description="Alice's", category=Category.DRUGS),
                expected_version=alices_copy.version,
            )
        assert "Bob" in " ".join(info.value.messages)
        assert stored() == counts
        incident.refresh_from_db()
        assert incident.description == "Bob's" and incident.category == Category.PUBLIC_ORDER
        assert incident.version == 2

    def test_a_new_point_in_a2_moves_it_there(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(**at(A2_CENTRE)), expected_version=1
        )
        assert incident.neighbourhood == world.a2 and (incident.lat, incident.lng) == A2_CENTRE

    def test_a_new_point_undoes_a_correction(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_correct_neighbourhood(
            actor=world.bob, incident=incident, neighbourhood=world.a2, reason="The street is A2's", expected_version=1
        )
        assert incident.neighbourhood_reason == "The street is A2's"
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(**at(a1_spot(5))), expected_version=2
        )
        assert incident.neighbourhood == world.a1 and incident.neighbourhood_reason == ""

    def test_a_new_point_in_the_corrected_neighbourhood_clears_the_reason(self, world: World) -> None:
        # The neighbourhood now comes from the point again, so the correction's reason no longer applies.
        incident = create(world.alice)
        services.incident_correct_neighbourhood(
            actor=world.bob, incident=incident, neighbourhood=world.a2, reason="The street is A2's", expected_version=1
        )
        services.incident_update(
            actor=world.bob, incident=incident, changes=IncidentChanges(**at(A2_CENTRE)), expected_version=2
        )
        assert incident.neighbourhood == world.a2 and incident.neighbourhood_reason == ""

    def test_a_new_grid_reference_moves_it_and_is_kept(self, world: World) -> None:
        incident = create(world.alice, **at(A2_CENTRE))
        services.incident_update(
            actor=world.alice,
            incident=incident,
            changes=IncidentChanges(grid_reference="TL 4516 5825"),
            expected_version=1,
        )
        assert incident.neighbourhood == world.a1 and incident.lat == pytest.approx(52.2034, abs=0.0005)
        assert incident.grid_reference == "TL 4516 5825"

    def test_the_same_grid_reference_sent_again_does_not_move_it(self, world: World) -> None:
        # Recorded from a tap on the map, with a grid reference too: an edit that leaves the grid
        # reference as it was keeps the tapped point (not the centre of the grid square).
        point = moved((52.2034, 0.1228), north_m=30)
        incident = create(world.alice, **at(point), grid_reference="TL 4516 5825")
        services.incident_update(
            actor=world.alice,
            incident=incident,
            changes=IncidentChanges(grid_reference="TL 4516 5825", description="Edited"),
            expected_version=1,
        )
        assert (incident.lat, incident.lng) == point and incident.description == "Edited"

    def test_a_point_in_another_force_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            services.incident_update(
                actor=world.alice, incident=incident, changes=IncidentChanges(**at(B1_CENTRE)), expected_version=1
            )
        assert error_fields(info) == {"lat"}
        incident.refresh_from_db()
        assert incident.neighbourhood == world.a1 and incident.version == 1

    def test_a_time_in_the_future_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            services.incident_update(
                actor=world.alice,
                incident=incident,
                changes=IncidentChanges(occurred_at=timezone.now() + dt.timedelta(days=1)),
                expected_version=1,
            )
        assert error_fields(info) == {"occurred_at"}

    def test_an_invalid_change_saves_nothing(self, world: World) -> None:
        incident = create(world.alice)
        counts = stored()
        with pytest.raises(ValidationError) as info:
            services.incident_update(
                actor=world.alice,
                incident=incident,
                changes=IncidentChanges(category=Category.ANTI_SOCIAL_BEHAVIOUR, description="Changed"),
                expected_version=1,
            )
        assert error_fields(info) == {"asb_qualifier"}
        assert stored() == counts
        assert incident.category == Category.PUBLIC_ORDER and incident.description != "Changed"
        incident.refresh_from_db()
        assert incident.version == 1 and incident.description != "Changed"

    @pytest.mark.parametrize("who", ["charlie", "dee", "fay", "gus", "hal"])
    def test_others_cannot_change_an_a1_incident(self, world: World, who: str) -> None:
        incident = create(world.alice)
        with pytest.raises(PermissionDenied):
            services.incident_update(
                actor=getattr(world, who),
                incident=incident,
                changes=IncidentChanges(description="Not mine"),
                expected_version=1,
            )
        incident.refresh_from_db()
        assert incident.description != "Not mine" and incident.version == 1

    def test_the_author_may_change_it_after_it_moved_out_of_her_area(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_correct_neighbourhood(
            actor=world.bob, incident=incident, neighbourhood=world.a2, reason="Wrong side", expected_version=1
        )
        services.incident_update(
            actor=world.alice, incident=incident, changes=IncidentChanges(description="Mine"), expected_version=2
        )
        assert incident.description == "Mine" and incident.neighbourhood == world.a2
        # Charlie works A2 now that it is there.
        services.incident_update(
            actor=world.charlie, incident=incident, changes=IncidentChanges(description="Ours"), expected_version=3
        )
        assert incident.description == "Ours"

    def test_leaving_asb_clears_the_asb_fields(self, world: World) -> None:
        incident = create(world.alice, asb=True)
        assert incident.asb_qualifier == AsbQualifier.NUISANCE
        services.incident_update(
            actor=world.alice,
            incident=incident,
            changes=IncidentChanges(category=Category.CRIMINAL_DAMAGE_ARSON),
            expected_version=1,
        )
        assert incident.category == Category.CRIMINAL_DAMAGE_ARSON
        assert incident.asb_qualifier == "" and incident.asb_type == ""


def set_status(world: World, incident: Incident, status: str, outcome: str = "", actor: Any = None) -> Incident:
    return services.incident_set_status(
        actor=actor or world.alice, incident=incident, status=status, outcome=outcome, expected_version=incident.version
    )


class IncidentSetStatusTests:
    def test_the_full_flow(self, world: World) -> None:
        incident = create(world.alice)
        for status in (Status.ATTENDED, Status.RESOLVED):
            set_status(world, incident, status)
        set_status(world, incident, Status.CLOSED, outcome="Words of advice given to both.")
        assert incident.status == Status.CLOSED and incident.version == 4
        assert incident.outcome == "Words of advice given to both."
        assert incident.next_statuses == []
        rows = events(EventType.INCIDENT_STATUS_CHANGED, incident)
        assert [(r.before["status"], r.after["status"]) for r in rows] == [  # type: ignore[index]
            ("open", "attended"),
            ("attended", "resolved"),
            ("resolved", "closed"),
        ]
        assert rows[-1].after["text_changed"] == ["outcome"]  # type: ignore[index]
        assert "advice" not in trail_text(rows[-1])

    def test_escalation_then_closing(self, world: World) -> None:
        incident = create(world.alice)
        set_status(world, incident, Status.ATTENDED)
        assert incident.next_statuses == [Status.ESCALATED, Status.RESOLVED]
        set_status(world, incident, Status.ESCALATED, actor=world.bob)
        set_status(world, incident, Status.CLOSED, outcome="Passed to CID.", actor=world.bob)
        assert incident.status == Status.CLOSED

    def test_open_cannot_jump_to_closed(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            set_status(world, incident, Status.CLOSED, outcome="Done")
        assert error_fields(info) == {"status"}
        incident.refresh_from_db()
        assert incident.status == Status.OPEN and incident.version == 1

    def test_closing_needs_the_outcome(self, world: World) -> None:
        incident = create(world.alice)
        set_status(world, incident, Status.ATTENDED)
        set_status(world, incident, Status.RESOLVED)
        with pytest.raises(ValidationError) as info:
            set_status(world, incident, Status.CLOSED, outcome="   ")
        assert error_fields(info) == {"outcome"}
        incident.refresh_from_db()
        assert incident.status == Status.RESOLVED

    @pytest.mark.parametrize("status", [*Status.values, "reopened"])
    def test_closed_is_the_end(self, world: World, status: str) -> None:
        incident = create(world.alice)
        set_status(world, incident, Status.ATTENDED)
        set_status(world, incident, Status.RESOLVED)
        set_status(world, incident, Status.CLOSED, outcome="Resolved by mediation.")
        with pytest.raises(ValidationError) as info:
            set_status(world, incident, status)
        assert error_fields(info) == {"status"}

    def test_a_stale_version_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(StaleIncidentError):
            services.incident_set_status(
                actor=world.alice, incident=incident, status=Status.ATTENDED, expected_version=7
            )
        incident.refresh_from_db()
        assert incident.status == Status.OPEN

    def test_charlie_cannot_move_an_a1_incident_on(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(PermissionDenied):
            set_status(world, incident, Status.ATTENDED, actor=world.charlie)


class IncidentCorrectNeighbourhoodTests:
    def correct(self, world: World, incident: Incident, **kwargs: Any) -> Incident:
        values: dict[str, Any] = {
            "actor": world.bob,
            "incident": incident,
            "neighbourhood": world.a2,
            "reason": "The boundary cuts Mill Road in two; this end is Cherry Hinton's.",
            "expected_version": incident.version,
        }
        return services.incident_correct_neighbourhood(**(values | kwargs))

    def test_moves_it_with_the_reason_audited(self, world: World) -> None:
        incident = create(world.alice)
        self.correct(world, incident, meta=META)
        assert incident.neighbourhood == world.a2 and incident.version == 2
        assert (incident.lat, incident.lng) == A1_CENTRE  # the point stays where it was
        assert incident.neighbourhood_reason.startswith("The boundary cuts")
        [row] = events(EventType.INCIDENT_NEIGHBOURHOOD_CORRECTED, incident)
        assert row.reason.startswith("The boundary cuts") and row.request_id == "req-incidents-1"
        assert row.before["neighbourhood"] == "CC01" and row.after["neighbourhood"] == "CH02"  # type: ignore[index]
        assert row.neighbourhood_id == world.a2.pk

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_needs_a_reason(self, world: World, reason: str) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            self.correct(world, incident, reason=reason)
        assert error_fields(info) == {"reason"}
        incident.refresh_from_db()
        assert incident.neighbourhood == world.a1

    def test_the_same_neighbourhood_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            self.correct(world, incident, neighbourhood=world.a1)
        assert error_fields(info) == {"neighbourhood"}

    def test_another_forces_neighbourhood_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            self.correct(world, incident, neighbourhood=world.b1)
        assert error_fields(info) == {"neighbourhood"}
        incident.refresh_from_db()
        assert incident.neighbourhood == world.a1 and incident.version == 1

    def test_an_inactive_neighbourhood_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        org.neighbourhood_update(
            actor=world.system, neighbourhood=world.a2, changes=NeighbourhoodChanges(is_active=False)
        )
        world.a2.refresh_from_db()
        with pytest.raises(ValidationError) as info:
            self.correct(world, incident)
        assert error_fields(info) == {"neighbourhood"}

    def test_charlie_cannot_correct_an_a1_incident(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(PermissionDenied):
            self.correct(world, incident, actor=world.charlie)

    def test_a_stale_version_is_refused(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(StaleIncidentError):
            self.correct(world, incident, expected_version=0)


class IncidentAddPersonTests:
    def test_adds_bumps_the_version_and_audits_without_the_name(self, world: World) -> None:
        incident = create(world.alice)
        row = services.incident_add_person(
            actor=world.alice, incident=incident, data=person(Involvement.WITNESS, name="Jane Doe"), meta=META
        )
        assert row.incident == incident and row.force == world.force_a and row.name_key == "janedoe"
        assert incident.version == 2 and incident.updated_by == world.alice
        [event] = events(EventType.INCIDENT_PERSON_ADDED, incident)
        assert event.after == {
            "person": {"id": row.pk, "involvement": "witness", "is_unknown": False},
            "version": 2,
        }
        assert "Jane" not in trail_text(event) and "Mill" not in trail_text(event)

    def test_field_errors_name_the_field(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(ValidationError) as info:
            services.incident_add_person(actor=world.alice, incident=incident, data=person(name=""))
        assert error_fields(info) == {"name"}
        incident.refresh_from_db()
        assert incident.version == 1 and not incident.people.exists()

    def test_can_make_the_incident_a_repeat_victim(self, world: World) -> None:
        for n, days in enumerate((40, 20)):
            create(world.alice, occurred_at=ago(days=days), people=[victim()], **at(a1_spot(n)))
        incident = create(world.alice, occurred_at=ago(days=1), **at(a1_spot(2)))
        assert not Incident.objects.get(pk=incident.pk).is_repeat_victim
        services.incident_add_person(actor=world.alice, incident=incident, data=victim())
        assert incident.is_repeat_victim
        [alert] = Alert.objects.filter(kind=AlertKind.REPEAT_VICTIM)
        assert alert.incident == incident and alert.count == 3

    def test_charlie_cannot_add_to_an_a1_incident(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(PermissionDenied):
            services.incident_add_person(actor=world.charlie, incident=incident, data=victim())
        assert not incident.people.exists()


def a1_location_alert(world: World) -> Alert:
    """Three incidents within a few metres in A1 raise a repeat-location alert there."""
    for north in (0, 10, 20):
        create(world.alice, **at(moved(A1_CENTRE, north_m=north)))
    return Alert.objects.get(kind=AlertKind.REPEAT_LOCATION)


class AlertAcknowledgeTests:
    def test_a_supervisor_of_the_area_acknowledges(self, world: World) -> None:
        alert = a1_location_alert(world)
        services.alert_acknowledge(actor=world.bob, alert=alert, note="  Patrol plan set.  ", meta=META)
        assert alert.acknowledged_by == world.bob and alert.acknowledged_at is not None and not alert.is_open
        assert alert.acknowledgement_note == "Patrol plan set."
        [row] = events(EventType.ALERT_ACKNOWLEDGED, alert)
        assert row.after == {"kind": "repeat_location", "incident": alert.incident_id, "noted": True}
        assert row.neighbourhood_id == world.a1.pk and "Patrol" not in trail_text(row)

    @pytest.mark.parametrize("who", ["charlie", "dee", "fay", "gus", "hal"])
    def test_others_cannot(self, world: World, who: str) -> None:
        alert = a1_location_alert(world)
        with pytest.raises(PermissionDenied):
            services.alert_acknowledge(actor=getattr(world, who), alert=alert)
        alert.refresh_from_db()
        assert alert.is_open

    def test_a_second_acknowledgement_is_refused(self, world: World) -> None:
        alert = a1_location_alert(world)
        services.alert_acknowledge(actor=world.alice, alert=alert)
        with pytest.raises(ValidationError) as info:
            services.alert_acknowledge(actor=world.bob, alert=alert)
        assert error_fields(info) == {"note"}
        alert.refresh_from_db()
        assert alert.acknowledged_by == world.alice


class IncidentRulesUpdateTests:
    def test_the_force_admin_sets_them_audited(self, world: World) -> None:
        rules = services.incident_rules_update(
            actor=world.erin, force=world.force_a, changes=RulesChanges(repeat_count=4, repeat_radius_m=75), meta=META
        )
        assert (rules.repeat_count, rules.repeat_radius_m, rules.repeat_window_days) == (4, 75, 90)
        [row] = events(EventType.INCIDENT_RULES_UPDATED, rules)
        assert row.force_id == world.force_a.pk
        assert row.before["repeat_count"] == 3 and row.after["repeat_count"] == 4  # type: ignore[index]
        # A second change updates the same row.
        services.incident_rules_update(actor=world.erin, force=world.force_a, changes=RulesChanges(trigger_threshold=2))
        assert IncidentRules.objects.get(force=world.force_a).trigger_threshold == 2
        assert IncidentRules.objects.count() == 1

    @pytest.mark.parametrize(
        ("who", "force"),
        [("alice", "force_a"), ("bob", "force_a"), ("dee", "force_a"), ("fay", "force_a"), ("ivy", "force_a"),
         ("erin", "force_b")],
    )  # fmt: skip
    def test_only_the_forces_admin_may(self, world: World, who: str, force: str) -> None:
        with pytest.raises(PermissionDenied):
            services.incident_rules_update(
                actor=getattr(world, who), force=getattr(world, force), changes=RulesChanges(repeat_count=5)
            )
        assert not IncidentRules.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            (RulesChanges(trigger_threshold=4), "trigger_threshold"),
            (RulesChanges(trigger_threshold=0), "trigger_threshold"),
            (RulesChanges(repeat_count=1), "repeat_count"),
            (RulesChanges(repeat_window_days=0), "repeat_window_days"),
            (RulesChanges(repeat_radius_m=0), "repeat_radius_m"),
            (RulesChanges(trigger_window_months=0), "trigger_window_months"),
        ],
    )
    def test_out_of_range_values_are_field_errors(self, world: World, changes: RulesChanges, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            services.incident_rules_update(actor=world.erin, force=world.force_a, changes=changes)
        assert error_fields(info) == {field}
        assert not IncidentRules.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_RULES_UPDATED).exists()
