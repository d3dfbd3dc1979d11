"""Officer designations: designating (who may, to whom, which powers, the training rule, dates),
withdrawing (never in the past; the check before and after), changing (the old one kept and
linked), their status, and what a person holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.learning.models import Course, TrainingRecord, TrainingResult
from beatbook.learning.services import training as learning
from beatbook.org.models import Person, Role
from beatbook.powers.check import check_power, powers_held_at
from beatbook.powers.models import Designation, DesignationPower, ForceDesignation, Power
from beatbook.powers.reference import DETAIN, DISPERSAL, REQUIRE_NAME_ADDRESS, Extent
from beatbook.powers.selectors import designations as selectors
from beatbook.powers.services import designations as services
from beatbook.powers.testing import powers_world


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def power(world: World, code: str, force: str = "a") -> Power:
    return Power.objects.get(force=world.force_a if force == "a" else world.force_b, code=code)


def new_pcso(world: World, name: str = "jo") -> Person:
    """A Cambridgeshire PCSO in A1 with no training and no designation."""
    return make_person(world.system, world.force_a, name, Role.PCSO, neighbourhood=world.a1, collar="7100")


def designate(world: World, person: Person, codes: list[str], **overrides: Any) -> Designation:
    force = "b" if person.force_id == world.force_b.pk else "a"
    actor = world.ivy if force == "b" else world.erin
    args: dict[str, Any] = {
        "actor": actor,
        "person": person,
        "powers": [(power(world, c, force), Extent.FULL, "") for c in codes],
        "valid_from": today(),
        "valid_to": None,
        "signed_by_name": "Chief Constable Nick Dean",
        "signed_on": today(),
    }
    args.update(overrides)
    return services.designation_create(**args)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def stored() -> tuple[int, int, int]:
    return Designation.objects.count(), DesignationPower.objects.count(), AuditEvent.objects.count()


class DesignationCreateTests:
    def test_it_designates_numbers_and_audits_without_names(self, pw: World) -> None:
        jo = new_pcso(pw)
        designation = designate(pw, jo, [REQUIRE_NAME_ADDRESS, DISPERSAL], valid_to=today() + dt.timedelta(days=365))
        assert designation.reference.startswith(f"CAMBS-DES-{today().year}-")
        assert designation.force == pw.force_a and designation.created_by == pw.erin
        assert {dp.power.code for dp in designation.designation_powers.select_related("power")} == {
            REQUIRE_NAME_ADDRESS,
            DISPERSAL,
        }
        event = AuditEvent.objects.get(event_type=EventType.DESIGNATION_CREATED, object_id=str(designation.pk))
        assert after_of(event)["person"] == jo.pk and after_of(event)["reference"] == designation.reference
        assert {p["code"] for p in after_of(event)["powers"]} == {REQUIRE_NAME_ADDRESS, DISPERSAL}
        assert "Nick Dean" not in str(event.after) and "Jo" not in str(event.after)
        assert check_power(person=jo, force=pw.force_a, code=DISPERSAL, at=timezone.now()).held

    def test_a_power_that_needs_training_is_refused_without_a_pass_and_allowed_with_one(self, pw: World) -> None:
        jo = new_pcso(pw)
        before = stored()
        with pytest.raises(ValidationError) as exc:
            designate(pw, jo, [DETAIN])
        day = f"{today().day} {today():%B %Y}"
        assert errors_of(exc)["powers"] == [
            "Detain pending the arrival of a constable needs a pass in Officer safety training: "
            f"none on record for {day}"
        ]
        assert stored() == before
        course = Course.objects.get(force=pw.force_a, code="officer-safety")
        learning.training_record_create(
            actor=pw.erin, person=jo, course=course, completed_on=today() - dt.timedelta(days=3), result="passed"
        )
        designation = designate(pw, jo, [DETAIN])
        assert check_power(person=jo, force=pw.force_a, code=DETAIN, at=timezone.now()).held
        assert designation.designation_powers.get().power.code == DETAIN

    def test_an_expired_or_failed_pass_does_not_count(self, pw: World) -> None:
        jo = new_pcso(pw)
        course = Course.objects.get(force=pw.force_a, code="officer-safety")
        TrainingRecord.objects.create(
            force=pw.force_a,
            person=jo,
            course=course,
            completed_on=today() - dt.timedelta(days=800),
            result=TrainingResult.PASSED,
            expires_on=today() - dt.timedelta(days=1),
            recorded_by=pw.system,
        )
        learning.training_record_create(
            actor=pw.erin, person=jo, course=course, completed_on=today(), result=TrainingResult.FAILED
        )
        with pytest.raises(ValidationError) as exc:
            designate(pw, jo, [DETAIN])
        assert any("needs a pass in Officer safety training" in m for m in errors_of(exc)["powers"])
        # The expired pass was valid on a day in the past: a designation from then is allowed.
        earlier = today() - dt.timedelta(days=30)
        designate(pw, jo, [DETAIN], valid_from=earlier, signed_on=earlier, valid_to=earlier)

    def test_derbyshire_does_not_designate_detention_so_hal_cannot_be_designated_it(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.hal, [DETAIN])
        (message,) = errors_of(exc)["powers"]
        assert "does not designate" in message and "Detain" in message
        designate(pw, pw.hal, [REQUIRE_NAME_ADDRESS])  # what Derbyshire designates is fine

    def test_a_power_of_another_force_is_refused(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.alice, [REQUIRE_NAME_ADDRESS], powers=[(power(pw, DISPERSAL, "b"), Extent.FULL, "")])
        assert "not in this force's catalogue" in errors_of(exc)["powers"][0]

    def test_only_the_persons_force_administrator_may_designate(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            designate(pw, pw.alice, [REQUIRE_NAME_ADDRESS], actor=pw.alice)
        with pytest.raises(PermissionDenied):
            designate(pw, pw.alice, [REQUIRE_NAME_ADDRESS], actor=pw.dee)  # sees her, may not designate
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.hal, [REQUIRE_NAME_ADDRESS], actor=pw.erin, powers=[])  # hal is not hers to see
        assert list(errors_of(exc)) == ["person"]

    def test_only_a_pcso_can_be_designated(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.dee, [REQUIRE_NAME_ADDRESS])
        assert "PCSO" in errors_of(exc)["person"][0]

    def test_a_limited_power_needs_circumstances_and_a_force_limited_one_cannot_be_full(self, pw: World) -> None:
        dispersal = power(pw, DISPERSAL)
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.alice, [], powers=[(dispersal, Extent.LIMITED, "  ")])
        assert "describe the circumstances" in errors_of(exc)["powers"][0]
        ForceDesignation.objects.filter(force=pw.force_a, power=dispersal).update(
            extent=Extent.LIMITED, conditions="Only in the city centre."
        )
        with pytest.raises(ValidationError) as exc:
            designate(pw, pw.alice, [DISPERSAL])
        assert "cannot be designated in full" in errors_of(exc)["powers"][0]
        limited = designate(pw, pw.alice, [], powers=[(dispersal, Extent.LIMITED, "Only at football matches.")])
        assert limited.designation_powers.get().conditions == "Only at football matches."

    def test_dates_and_signature_are_checked(self, pw: World) -> None:
        before = stored()
        tomorrow = today() + dt.timedelta(days=1)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"signed_on": tomorrow, "valid_from": tomorrow}, "signed_on"),
            ({"signed_on": today(), "valid_from": today() - dt.timedelta(days=1)}, "signed_on"),
            ({"valid_to": today() - dt.timedelta(days=1)}, "valid_to"),
            ({"signed_by_name": "   "}, "signed_by_name"),
            ({"powers": []}, "powers"),
        ]
        for overrides, field in cases:
            with pytest.raises(ValidationError) as exc:
                designate(pw, pw.alice, [REQUIRE_NAME_ADDRESS], **overrides)
            assert field in errors_of(exc), (overrides, errors_of(exc))
        assert stored() == before

    def test_a_designation_may_start_later_and_is_not_in_force_until_then(self, pw: World) -> None:
        jo = new_pcso(pw)
        later = today() + dt.timedelta(days=10)
        designation = designate(pw, jo, [REQUIRE_NAME_ADDRESS], valid_from=later)
        assert selectors.status_of(designation) == selectors.Status.NOT_YET
        assert not check_power(person=jo, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=timezone.now()).held


class DesignationWithdrawTests:
    def test_withdrawal_keeps_the_powers_before_and_ends_them_after(self, pw: World) -> None:
        jo = new_pcso(pw)
        designation = designate(pw, jo, [REQUIRE_NAME_ADDRESS])
        moment = timezone.now() + dt.timedelta(hours=1)
        withdrawn = services.designation_withdraw(
            actor=pw.erin, designation=designation, reason="Left the force.", at=moment
        )
        assert withdrawn.withdrawn_at == moment and withdrawn.withdrawn_by == pw.erin
        held = check_power(person=jo, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=moment - dt.timedelta(minutes=1))
        assert held.held and held.designation == designation
        after = check_power(person=jo, force=pw.force_a, code=REQUIRE_NAME_ADDRESS, at=moment + dt.timedelta(minutes=1))
        assert not after.held
        event = AuditEvent.objects.get(event_type=EventType.DESIGNATION_WITHDRAWN, object_id=str(designation.pk))
        assert before_of(event)["withdrawn_at"] is None and after_of(event)["withdrawn_at"] is not None
        assert "Left the force" not in str(event.after)
        assert selectors.status_of(withdrawn) == selectors.Status.IN_FORCE  # until the moment comes
        assert selectors.status_of(withdrawn, moment) == selectors.Status.WITHDRAWN

    def test_withdrawing_now_ends_the_powers_now(self, pw: World) -> None:
        designation = selectors.designations_visible_to(pw.system).get(person=pw.alice)
        done = services.designation_withdraw(actor=pw.erin, designation=designation, reason="Misconduct.")
        assert done.withdrawn_at is not None
        assert check_power(
            person=pw.alice, force=pw.force_a, code=DETAIN, at=done.withdrawn_at - dt.timedelta(seconds=1)
        ).held
        assert not check_power(person=pw.alice, force=pw.force_a, code=DETAIN, at=timezone.now()).held
        assert powers_held_at(person=pw.alice, at=timezone.now()) == []

    def test_withdrawal_in_the_past_is_refused_but_clock_skew_is_now(self, pw: World) -> None:
        designation = selectors.designations_visible_to(pw.system).get(person=pw.alice)
        count = AuditEvent.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.designation_withdraw(
                actor=pw.erin, designation=designation, reason="x", at=timezone.now() - dt.timedelta(hours=1)
            )
        assert "at" in errors_of(exc)
        designation.refresh_from_db()
        assert designation.withdrawn_at is None and AuditEvent.objects.count() == count
        just_now = timezone.now() - dt.timedelta(seconds=30)
        done = services.designation_withdraw(actor=pw.erin, designation=designation, reason="x", at=just_now)
        assert done.withdrawn_at is not None and done.withdrawn_at > just_now

    def test_a_reason_is_needed_and_twice_is_refused(self, pw: World) -> None:
        designation = selectors.designations_visible_to(pw.system).get(person=pw.alice)
        with pytest.raises(ValidationError) as exc:
            services.designation_withdraw(actor=pw.erin, designation=designation, reason="  ")
        assert "reason" in errors_of(exc)
        services.designation_withdraw(actor=pw.erin, designation=designation, reason="Retired.")
        with pytest.raises(ValidationError, match="already been withdrawn"):
            services.designation_withdraw(actor=pw.erin, designation=designation, reason="Again.")

    def test_only_the_force_administrator_may_withdraw(self, pw: World) -> None:
        designation = selectors.designations_visible_to(pw.system).get(person=pw.alice)
        for actor in (pw.alice, pw.bob, pw.ivy):
            with pytest.raises(PermissionDenied):
                services.designation_withdraw(actor=actor, designation=designation, reason="No.")


class DesignationChangeTests:
    def test_a_change_keeps_the_old_designation_and_links_the_new(self, pw: World) -> None:
        old = selectors.designations_visible_to(pw.system).get(person=pw.alice)
        old_powers = set(old.designation_powers.values_list("power__code", flat=True))
        new = services.designation_change(
            actor=pw.erin,
            designation=old,
            powers=[(power(pw, REQUIRE_NAME_ADDRESS), Extent.FULL, "")],
            valid_to=None,
            signed_by_name="Chief Constable Nick Dean",
            signed_on=today(),
            reason="Detention removed after review.",
        )
        old.refresh_from_db()
        assert old.withdrawn_at is not None and old.withdrawal_reason == "Detention removed after review."
        assert set(old.designation_powers.values_list("power__code", flat=True)) == old_powers
        assert (old.valid_from, old.valid_to) == (dt.date(2020, 1, 1), None)
        assert new.supersedes == old and new.valid_from == today() and new.person == pw.alice
        assert [d.pk for d in selectors.designation_chain(new)] == [old.pk, new.pk]
        assert [d.pk for d in selectors.designation_chain(old)] == [old.pk, new.pk]
        now = timezone.now()
        assert [c.code for c in powers_held_at(person=pw.alice, at=now)] == [REQUIRE_NAME_ADDRESS]
        assert check_power(
            person=pw.alice, force=pw.force_a, code=DETAIN, at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
        ).held
        created = AuditEvent.objects.get(event_type=EventType.DESIGNATION_CREATED, object_id=str(new.pk))
        assert after_of(created)["supersedes"] == old.reference
        assert AuditEvent.objects.filter(event_type=EventType.DESIGNATION_WITHDRAWN, object_id=str(old.pk)).exists()

    def test_a_refused_change_changes_nothing(self, pw: World) -> None:
        old = selectors.designations_visible_to(pw.system).get(person=pw.hal)
        before = stored()
        with pytest.raises(ValidationError):
            services.designation_change(
                actor=pw.ivy,
                designation=old,
                powers=[(power(pw, DETAIN, "b"), Extent.FULL, "")],
                valid_to=None,
                signed_by_name="Chief Constable",
                signed_on=today(),
                reason="Add detention.",
            )
        old.refresh_from_db()
        assert old.withdrawn_at is None and stored() == before


class StatusTests:
    def test_statuses_and_the_filters_agree(self, pw: World) -> None:
        jo = new_pcso(pw)
        soon = designate(pw, jo, [REQUIRE_NAME_ADDRESS], valid_to=today() + dt.timedelta(days=10))
        later = designate(pw, jo, [REQUIRE_NAME_ADDRESS], valid_from=today() + dt.timedelta(days=20), valid_to=None)
        past_day = today() - dt.timedelta(days=40)
        expired = designate(pw, jo, [REQUIRE_NAME_ADDRESS], valid_from=past_day, signed_on=past_day, valid_to=past_day)
        hal = selectors.designations_visible_to(pw.system).get(person=pw.hal)
        services.designation_withdraw(actor=pw.ivy, designation=hal, reason="Left.")
        expected = {
            soon.pk: selectors.Status.IN_FORCE,
            later.pk: selectors.Status.NOT_YET,
            expired.pk: selectors.Status.EXPIRED,
            hal.pk: selectors.Status.WITHDRAWN,
        }
        for pk, status in expected.items():
            row = Designation.objects.get(pk=pk)
            assert selectors.status_of(row) == status
            assert Designation.objects.filter(selectors.status_q(status), pk=pk).exists()
        expiring = set(
            Designation.objects.filter(selectors.status_q(selectors.Status.EXPIRING)).values_list("pk", flat=True)
        )
        assert expiring == {soon.pk}
        assert selectors.expires_soon(soon) and not selectors.expires_soon(later)

    def test_each_sees_the_designations_of_the_people_they_see(self, pw: World) -> None:
        def people(actor: Person) -> set[str]:
            return set(selectors.designations_visible_to(actor).values_list("person__username", flat=True))

        assert people(pw.alice) == {"alice"}
        assert people(pw.bob) == {"alice", "charlie"}
        assert people(pw.erin) == {"alice", "charlie"}
        assert people(pw.hal) == {"hal"}
        assert people(pw.ivy) == {"hal"}
        assert people(pw.gus) == set()

    def test_limits_are_said_in_words(self) -> None:
        assert selectors.limits_in_words({"limit_minutes": 30}) == ["You may detain for up to 30 minutes."]
        assert selectors.limits_in_words({"max_hours": 48, "other": 1}) == [
            "A direction may last up to 48 hours.",
            "other: 1",
        ]
