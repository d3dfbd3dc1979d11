"""Writes to the organisation: access checks, validation, nothing stored on error, audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.core.testing import World, square
from beatbook.core.timeutil import today
from beatbook.org import services
from beatbook.org.models import Neighbourhood, Person, Posting, Role
from beatbook.org.services import NeighbourhoodChanges, NewPerson

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-93"
META = AuditMeta(request_id="req-12345678")


def events(event: EventType, obj: Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event, object_id=str(obj.pk)))


def new_person(**overrides: object) -> NewPerson:
    values: dict[str, object] = {"username": "newbie", "display_name": "New Bie", "password": STRONG}
    return NewPerson(**(values | overrides))  # type: ignore[arg-type]


def before(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.before, dict)
    return row.before


def after(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.after, dict)
    return row.after


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


class PersonCreateTests:
    def test_creates_with_a_hashed_password_and_an_audit_row(self, world: World) -> None:
        person = services.person_create(
            actor=world.erin, force=world.force_a, data=new_person(collar_number="7100"), meta=META
        )
        assert person.force == world.force_a and person.check_password(STRONG)
        assert person.password != STRONG
        [row] = events(EventType.PERSON_CREATED, person)
        assert row.actor == world.erin and row.request_id == "req-12345678"
        assert row.force_id == world.force_a.pk
        assert after(row)["username"] == "newbie" and "password" not in after(row)

    @pytest.mark.parametrize("who", ["alice", "dee", "fay", "ivy", "hal"])
    def test_only_the_forces_admin_may(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            services.person_create(actor=getattr(world, who), force=world.force_a, data=new_person())
        assert not Person.objects.filter(username="newbie").exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"password": "password"}, "password"),
            ({"password": "short"}, "password"),
            ({"username": "alice"}, "username"),
            ({"username": ""}, "username"),
            ({"collar_number": "7001"}, "collar_number"),
            ({"email": "nope"}, "email"),
            ({"preferred_language": "fr"}, "preferred_language"),
        ],
    )
    def test_bad_data_is_refused_on_its_field(self, world: World, overrides: dict[str, object], field: str) -> None:
        count = Person.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.person_create(actor=world.erin, force=world.force_a, data=new_person(**overrides))
        assert field in error_fields(exc)
        assert Person.objects.count() == count
        assert not AuditEvent.objects.filter(event_type=EventType.PERSON_CREATED, actor=world.erin).exists()

    def test_partner_of_another_force_is_refused(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.person_create(
                actor=world.ivy, force=world.force_b, data=new_person(partner_organisation=world.council)
            )
        assert error_fields(exc) == {"partner_organisation"}

    def test_collar_numbers_are_unique_per_force_only(self, world: World) -> None:
        person = services.person_create(actor=world.ivy, force=world.force_b, data=new_person(collar_number="7001"))
        assert person.collar_number == "7001"


class PostingCreateTests:
    def test_posts_and_audits(self, world: World) -> None:
        posting = services.posting_create(
            actor=world.erin,
            person=world.charlie,
            role=Role.PCSO,
            neighbourhood=world.a1,
            valid_from=dt.date(2026, 1, 1),
            meta=META,
        )
        [row] = events(EventType.POSTING_CREATED, posting)
        assert row.neighbourhood_id == world.a1.pk and row.request_id == META.request_id
        assert after(row)["role"] == "pcso"

    @pytest.mark.parametrize(
        ("role", "area", "field"),
        [
            (Role.PCSO, None, "neighbourhood"),
            (Role.SUPERVISOR, None, "neighbourhood"),
            (Role.ANALYST, "a1", "neighbourhood"),
            (Role.PCSO, "b1", "neighbourhood"),
            (Role.PCSO, "both", "team"),
            (Role.PARTNER, None, "role"),
        ],
    )
    def test_area_rules(self, world: World, role: Role, area: str | None, field: str) -> None:
        neighbourhood = world.a1 if area in {"a1", "both"} else world.b1 if area == "b1" else None
        team = world.team_a if area == "both" else None
        with pytest.raises(ValidationError) as exc:
            services.posting_create(
                actor=world.erin,
                person=world.charlie,
                role=role,
                neighbourhood=neighbourhood,
                team=team,
                valid_from=dt.date(2026, 1, 1),
            )
        assert field in error_fields(exc)
        assert Posting.objects.filter(person=world.charlie).count() == 1

    def test_partner_member_holds_only_the_partner_role(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.posting_create(
                actor=world.erin, person=world.gus, role=Role.PCSO, neighbourhood=world.a1, valid_from=today()
            )
        assert "role" in error_fields(exc)

    def test_dates_in_order(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.posting_create(
                actor=world.erin,
                person=world.dee,
                role=Role.ANALYST,
                valid_from=dt.date(2026, 2, 1),
                valid_to=dt.date(2026, 1, 1),
            )
        assert "valid_to" in error_fields(exc)

    @pytest.mark.parametrize(("who", "error"), [("fay", PermissionDenied), ("ivy", PermissionDenied)])
    def test_only_the_forces_admin_may(self, world: World, who: str, error: type[Exception]) -> None:
        with pytest.raises(error):
            services.posting_create(
                actor=getattr(world, who),
                person=world.alice,
                role=Role.PCSO,
                neighbourhood=world.a2,
                valid_from=today(),
            )


class PostingEndTests:
    def test_ends_today_by_default_and_audits_the_reason(self, world: World) -> None:
        posting = Posting.objects.get(person=world.alice)
        services.posting_end(actor=world.erin, posting=posting, reason="Transferred", meta=META)
        posting.refresh_from_db()
        assert posting.valid_to == today()
        [row] = events(EventType.POSTING_ENDED, posting)
        assert row.reason == "Transferred" and before(row)["valid_to"] is None
        assert after(row)["valid_to"] == today().isoformat()

    def test_an_ended_posting_cannot_be_ended_later(self, world: World) -> None:
        posting = Posting.objects.get(person=world.alice)
        services.posting_end(actor=world.erin, posting=posting)
        with pytest.raises(ValidationError) as exc:
            services.posting_end(actor=world.erin, posting=posting, valid_to=today() + dt.timedelta(days=1))
        assert "valid_to" in error_fields(exc)
        assert len(events(EventType.POSTING_ENDED, posting)) == 1

    def test_end_before_start_is_refused(self, world: World) -> None:
        posting = Posting.objects.get(person=world.alice)
        with pytest.raises(ValidationError) as exc:
            services.posting_end(actor=world.erin, posting=posting, valid_to=dt.date(2019, 1, 1))
        assert "valid_to" in error_fields(exc)
        posting.refresh_from_db()
        assert posting.valid_to is None

    def test_ending_removes_access(self, world: World) -> None:
        from beatbook.org import policy

        posting = Posting.objects.get(person=world.alice)
        services.posting_end(actor=world.erin, posting=posting, valid_to=today() - dt.timedelta(days=1))
        assert not policy.neighbourhoods_in_scope(world.alice).exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "ivy"])
    def test_only_the_forces_admin_may(self, world: World, who: str) -> None:
        posting = Posting.objects.get(person=world.alice)
        with pytest.raises(PermissionDenied):
            services.posting_end(actor=getattr(world, who), posting=posting)


class PersonDeactivateTests:
    def test_deactivates_and_audits(self, world: World) -> None:
        services.person_deactivate(actor=world.erin, person=world.alice, reason="Left", meta=META)
        world.alice.refresh_from_db()
        assert not world.alice.is_active
        [row] = events(EventType.PERSON_DEACTIVATED, world.alice)
        assert row.reason == "Left" and before(row)["is_active"] is True and after(row)["is_active"] is False

    def test_not_yourself(self, world: World) -> None:
        with pytest.raises(ValidationError):
            services.person_deactivate(actor=world.erin, person=world.erin, reason="x")
        world.erin.refresh_from_db()
        assert world.erin.is_active

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_needs_a_reason(self, world: World, reason: str) -> None:
        with pytest.raises(ValidationError) as exc:
            services.person_deactivate(actor=world.erin, person=world.alice, reason=reason)
        assert error_fields(exc) == {"reason"}

    @pytest.mark.parametrize("who", ["bob", "fay", "ivy"])
    def test_only_the_forces_admin_may(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            services.person_deactivate(actor=getattr(world, who), person=world.alice, reason="x")


class NeighbourhoodUpdateTests:
    def test_updates_derived_fields_and_audits_before_and_after(self, world: World) -> None:
        services.neighbourhood_update(
            actor=world.erin,
            neighbourhood=world.a1,
            changes=NeighbourhoodChanges(name="Centre", population=9000, boundary=square(52.21, 0.12, 0.02)),
            meta=META,
        )
        nb = Neighbourhood.objects.get(pk=world.a1.pk)
        assert nb.name == "Centre" and nb.population == 9000
        assert nb.min_lat == pytest.approx(52.19) and nb.max_lat == pytest.approx(52.23)
        [row] = events(EventType.NEIGHBOURHOOD_UPDATED, nb)
        assert before(row)["name"] == "City Centre" and after(row)["name"] == "Centre"
        assert row.neighbourhood_id == nb.pk

    def test_unchanged_fields_are_kept(self, world: World) -> None:
        services.neighbourhood_update(actor=world.erin, neighbourhood=world.a1, changes=NeighbourhoodChanges())
        nb = Neighbourhood.objects.get(pk=world.a1.pk)
        assert nb.name == "City Centre" and nb.boundary == world.a1.boundary

    @pytest.mark.parametrize(
        "boundary",
        [
            square(48.857, 2.352),  # Paris
            {"type": "Point", "coordinates": [0.12, 52.2]},
            {"type": "Polygon", "coordinates": [[[0.11, 52.2], [0.13, 52.21], [0.13, 52.2], [0.11, 52.21]]]},
            "not a dict",
        ],
    )
    def test_bad_boundaries_are_refused_on_the_boundary_field(self, world: World, boundary: object) -> None:
        stored = world.a1.boundary
        with pytest.raises(ValidationError) as exc:
            services.neighbourhood_update(
                actor=world.erin, neighbourhood=world.a1, changes=NeighbourhoodChanges(boundary=boundary)
            )
        assert error_fields(exc) == {"boundary"}
        assert Neighbourhood.objects.get(pk=world.a1.pk).boundary == stored
        assert not events(EventType.NEIGHBOURHOOD_UPDATED, world.a1)

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "ivy"])
    def test_only_the_forces_admin_may(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            services.neighbourhood_update(
                actor=getattr(world, who), neighbourhood=world.a1, changes=NeighbourhoodChanges(name="X")
            )


class PersonSetLanguageTests:
    def test_sets_and_audits(self, world: World) -> None:
        services.person_set_language(actor=world.alice, language="cy", meta=META)
        world.alice.refresh_from_db()
        assert world.alice.preferred_language == "cy"
        [row] = events(EventType.PERSON_UPDATED, world.alice)
        assert before(row)["preferred_language"] == "en-gb" and after(row)["preferred_language"] == "cy"

    def test_unknown_language_is_refused(self, world: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.person_set_language(actor=world.alice, language="fr")
        assert "preferred_language" in error_fields(exc)
        world.alice.refresh_from_db()
        assert world.alice.preferred_language == "en-gb"
