"""The catalogue's services and selectors: who reads the catalogues, changing and adding powers
(parameters within the law, versions), tariffs (within the statutory range, no overlap), force
designations (no overlap, never in the past), and the comparison of forces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.concurrency import StaleRecordError
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.org import services as org
from beatbook.powers.models import ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from beatbook.powers.reference import DETAIN, DISPERSAL, SEIZE_VEHICLE
from beatbook.powers.selectors import catalogue as selectors
from beatbook.powers.services import catalogue as services
from beatbook.powers.services.loader import catalogue_load
from beatbook.powers.testing import powers_world


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


def day(offset: int = 0) -> dt.date:
    return today() + dt.timedelta(days=offset)


def power(w: World, code: str, force: Any = None) -> Power:
    return Power.objects.get(force=force or w.force_a, code=code)


def offence(w: World, code: str, force: Any = None) -> PenaltyOffence:
    return PenaltyOffence.objects.get(force=force or w.force_a, code=code)


def data_of(p: Power, **changes: Any) -> services.PowerData:
    values: dict[str, Any] = {
        "title": p.title,
        "summary": p.summary,
        "legal_basis": p.legal_basis,
        "verification": p.verification,
        "source": p.source,
        "parameters": dict(p.parameters),
        "training_course_id": p.training_course_id,
    }
    values.update(changes)
    return services.PowerData(**values)


def events(event: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event).order_by("seq", "id"))


def state() -> tuple[int, int, int, int]:
    return (
        Power.objects.count(),
        PenaltyTariff.objects.count(),
        ForceDesignation.objects.count(),
        AuditEvent.objects.count(),
    )


# ---- who reads ----------------------------------------------------------------------------------


class TestVisibility:
    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "erin", "fay", "hal", "ivy"])
    def test_everyone_but_partners_reads_every_forces_catalogue(self, pw: World, who: str) -> None:
        actor = getattr(pw, who)
        forces = set(selectors.powers_visible_to(actor).values_list("force_id", flat=True))
        assert forces == {pw.force_a.pk, pw.force_b.pk}
        assert selectors.power_get_for(actor=actor, power_id=power(pw, DETAIN, pw.force_b).pk).force == pw.force_b
        assert selectors.tariffs_visible_to(actor).filter(force=pw.force_b).exists()
        assert selectors.force_designations_visible_to(actor).filter(force=pw.force_b).exists()

    def test_a_partner_user_reads_nothing(self, pw: World) -> None:
        assert not selectors.powers_visible_to(pw.gus).exists()
        assert not selectors.offences_visible_to(pw.gus).exists()
        assert not selectors.tariffs_visible_to(pw.gus).exists()
        assert not selectors.force_designations_visible_to(pw.gus).exists()
        assert not selectors.forces_published_to(pw.gus).exists()
        assert selectors.comparison(actor=pw.gus).rows == []
        with pytest.raises(Http404):
            selectors.power_get_for(actor=pw.gus, power_id=power(pw, DETAIN).pk)

    def test_someone_whose_posting_ended_reads_nothing(self, pw: World) -> None:
        posting = pw.alice.postings.get()
        org.posting_end(actor=pw.system, posting=posting, valid_to=day(-1))
        assert not selectors.powers_visible_to(pw.alice).exists()

    def test_the_default_force_is_the_actors_own(self, pw: World) -> None:
        assert selectors.force_published_get(actor=pw.hal, slug=None) == pw.force_b
        assert selectors.force_published_get(actor=pw.hal, slug="cambridgeshire") == pw.force_a
        with pytest.raises(Http404):
            selectors.force_published_get(actor=pw.hal, slug="nowhere")

    def test_parameters_in_words(self) -> None:
        assert selectors.parameter_words({"limit_minutes": 30}) == ["Limit: 30 minutes"]
        assert selectors.parameter_short({"limit_minutes": 20}) == ["20 min limit"]


# ---- powers -------------------------------------------------------------------------------------


class TestPowerUpdate:
    def test_an_admin_shortens_the_detention_limit_with_an_audit_row(self, pw: World) -> None:
        detain = power(pw, DETAIN)
        updated = services.power_update(
            actor=pw.erin, power=detain, data=data_of(detain, parameters={"limit_minutes": 20}), expected_version=1
        )
        assert (updated.parameters, updated.version) == ({"limit_minutes": 20}, 2)
        (event,) = events(EventType.POWER_UPDATED)
        assert before_of(event)["parameters"] == {"limit_minutes": 30}
        assert after_of(event)["parameters"] == {"limit_minutes": 20}
        assert (event.actor_id, event.force_id, event.object_id) == (pw.erin.pk, pw.force_a.pk, str(detain.pk))

    @pytest.mark.parametrize(
        ("code", "parameters", "field_text"),
        [
            (DETAIN, {"limit_minutes": 31}, "1 to 30"),
            (DETAIN, {"limit_minutes": 0}, "1 to 30"),
            (DETAIN, {"limit_minutes": "20"}, "1 to 30"),
            (DETAIN, {"limit_minutes": True}, "1 to 30"),
            (DETAIN, {}, "limit_minutes"),
            (DETAIN, {"limit_minutes": 30, "max_hours": 2}, "no parameter"),
            (DISPERSAL, {"max_hours": 49}, "1 to 48"),
            (SEIZE_VEHICLE, {"warning_months": 13}, "1 to 12"),
            ("require-name-address", {"limit_minutes": 10}, "no parameter"),
        ],
    )
    def test_parameters_beyond_the_law_are_refused(
        self, pw: World, code: str, parameters: dict[str, Any], field_text: str
    ) -> None:
        target = power(pw, code)
        before = state()
        with pytest.raises(ValidationError) as exc:
            services.power_update(
                actor=pw.erin, power=target, data=data_of(target, parameters=parameters), expected_version=1
            )
        assert field_text in " ".join(exc.value.message_dict["parameters"])
        assert state() == before

    def test_a_stale_version_is_refused(self, pw: World) -> None:
        target = power(pw, DETAIN)
        services.power_update(actor=pw.erin, power=target, data=data_of(target, title="Detain"), expected_version=1)
        before = state()
        with pytest.raises(StaleRecordError):
            services.power_update(actor=pw.erin, power=target, data=data_of(target, title="Other"), expected_version=1)
        assert state() == before
        assert Power.objects.get(pk=target.pk).title == "Detain"

    @pytest.mark.parametrize("who", ["alice", "bob", "fay", "ivy"])
    def test_only_the_forces_admin_changes_its_powers(self, pw: World, who: str) -> None:
        target = power(pw, DETAIN)
        before = state()
        with pytest.raises(PermissionDenied):
            services.power_update(
                actor=getattr(pw, who), power=target, data=data_of(target, title="X"), expected_version=1
            )
        assert state() == before

    def test_the_course_must_be_of_the_same_force(self, pw: World) -> None:
        target = power(pw, DETAIN)
        other = power(pw, DETAIN, pw.force_b).training_course
        assert other is not None
        with pytest.raises(ValidationError) as exc:
            services.power_update(
                actor=pw.erin, power=target, data=data_of(target, training_course_id=other.pk), expected_version=1
            )
        assert "training_course" in exc.value.message_dict

    def test_nothing_changed_writes_nothing(self, pw: World) -> None:
        target = power(pw, DETAIN)
        before = state()
        services.power_update(actor=pw.erin, power=target, data=data_of(target), expected_version=1)
        assert state() == before


class TestPowerCreate:
    def new(self, **changes: Any) -> services.PowerData:
        values: dict[str, Any] = {
            "title": "Direct traffic",
            "summary": "Direct traffic for purposes other than escorting a load of exceptional dimensions.",
            "legal_basis": "Police Reform Act 2002, designation under s.38",
            "verification": "not_verified",
        }
        values.update(changes)
        return services.PowerData(**values)

    def test_an_admin_adds_a_power_of_the_forces_own(self, pw: World) -> None:
        made = services.power_create(
            actor=pw.erin, force=pw.force_a, code="direct-traffic", kind="direct", data=self.new()
        )
        assert (made.force, made.code, made.catalogue_version) == (pw.force_a, "direct-traffic", "")
        (event,) = events(EventType.POWER_CREATED)
        assert after_of(event)["code"] == "direct-traffic"

    @pytest.mark.parametrize(
        ("code", "kind", "field"),
        [(DETAIN, "detain", "code"), ("Bad Code", "other", "code"), ("", "other", "code"), ("x", "nope", "kind")],
    )
    def test_bad_codes_and_kinds_are_refused(self, pw: World, code: str, kind: str, field: str) -> None:
        before = state()
        with pytest.raises(ValidationError) as exc:
            services.power_create(actor=pw.erin, force=pw.force_a, code=code, kind=kind, data=self.new())
        assert field in exc.value.message_dict
        assert state() == before

    def test_a_new_detention_power_needs_its_limit(self, pw: World) -> None:
        with pytest.raises(ValidationError) as exc:
            services.power_create(actor=pw.erin, force=pw.force_a, code="detain-2", kind="detain", data=self.new())
        assert "parameters" in exc.value.message_dict

    def test_another_forces_admin_is_refused(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            services.power_create(actor=pw.ivy, force=pw.force_a, code="x", kind="other", data=self.new())


# ---- tariffs ------------------------------------------------------------------------------------


def set_tariff(w: World, code: str = "litter", **overrides: Any) -> PenaltyTariff:
    values: dict[str, Any] = {
        "actor": w.erin,
        "offence": offence(w, code),
        "issuing_authority": w.council,
        "amount": Decimal("120.00"),
        "discounted_amount": Decimal("80.00"),
        "discount_days": 14,
        "payment_days": 28,
        "valid_from": day(10),
        "valid_to": None,
    }
    values.update(overrides)
    return services.penalty_tariff_set(**values)


class TestTariffs:
    def test_a_new_tariff_ends_the_open_ended_one_the_day_before(self, pw: World) -> None:
        old = PenaltyTariff.objects.get(offence=offence(pw, "litter"), issuing_authority=pw.council)
        new = set_tariff(pw)
        old.refresh_from_db()
        assert old.valid_to == day(9)
        assert (new.amount, new.valid_from, new.valid_to, new.force) == (Decimal("120.00"), day(10), None, pw.force_a)
        (ended,) = events(EventType.PENALTY_TARIFF_ENDED)
        assert (ended.object_id, before_of(ended)["valid_to"], after_of(ended)["valid_to"]) == (
            str(old.pk),
            None,
            day(9).isoformat(),
        )
        (made,) = events(EventType.PENALTY_TARIFF_SET)
        assert after_of(made)["amount"] == "120.00"
        assert after_of(made)["replaces"] == old.pk

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"amount": Decimal("600.00")}, "amount"),
            ({"amount": Decimal("50.00"), "discounted_amount": None, "discount_days": None}, "amount"),
            ({"amount": Decimal("0")}, "amount"),
            ({"discounted_amount": None}, "discounted_amount"),
            ({"discounted_amount": Decimal("130.00")}, "discounted_amount"),
            ({"discount_days": 28}, "discount_days"),
            ({"valid_from": day(-1)}, "valid_from"),
            ({"valid_to": day(5)}, "valid_to"),
        ],
    )
    def test_bad_tariffs_are_refused_and_nothing_is_stored(
        self, pw: World, overrides: dict[str, Any], field: str
    ) -> None:
        before = state()
        with pytest.raises(ValidationError) as exc:
            set_tariff(pw, **overrides)
        assert field in exc.value.message_dict, exc.value.message_dict
        assert state() == before
        assert PenaltyTariff.objects.get(offence=offence(pw, "litter"), issuing_authority=pw.council).valid_to is None

    def test_the_range_of_every_day_covered_applies(self, pw: World) -> None:
        # £100 for a PSPO breach is the statutory maximum: £101 is refused.
        with pytest.raises(ValidationError):
            set_tariff(pw, "pspo-breach", amount=Decimal("101.00"), discounted_amount=None, discount_days=None)

    def test_an_offence_without_a_range_is_not_range_checked(self, pw: World) -> None:
        made = set_tariff(
            pw, "byelaw", issuing_authority=None, amount=Decimal("900.00"), discounted_amount=None, discount_days=None
        )
        assert made.amount == Decimal("900.00")

    def test_a_council_of_another_force_is_refused(self, pw: World) -> None:
        other = org.partner_create(actor=pw.system, force=pw.force_b, name="Derby City Council", kind="council")
        with pytest.raises(ValidationError) as exc:
            set_tariff(pw, issuing_authority=other)
        assert "issuing_authority" in exc.value.message_dict

    def test_an_overlap_with_a_bounded_tariff_is_refused(self, pw: World) -> None:
        set_tariff(pw, valid_to=day(30))
        before = state()
        with pytest.raises(ValidationError) as exc:
            set_tariff(pw, valid_from=day(20))
        assert "valid_from" in exc.value.message_dict
        assert state() == before

    def test_only_the_admin_sets_tariffs(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            set_tariff(pw, actor=pw.alice)
        with pytest.raises(PermissionDenied):
            set_tariff(pw, actor=pw.ivy)

    def test_ending_a_tariff_never_reaches_into_the_past(self, pw: World) -> None:
        tariff = PenaltyTariff.objects.get(offence=offence(pw, "litter"), issuing_authority=pw.council)
        with pytest.raises(ValidationError):
            services.penalty_tariff_end(actor=pw.erin, tariff=tariff, valid_to=day(-1))
        ended = services.penalty_tariff_end(actor=pw.erin, tariff=tariff, valid_to=day())
        assert ended.valid_to == day()
        (event,) = events(EventType.PENALTY_TARIFF_ENDED)
        assert after_of(event)["valid_to"] == day().isoformat()


# ---- force designations -------------------------------------------------------------------------


def designate(w: World, p: Power, **overrides: Any) -> ForceDesignation:
    values: dict[str, Any] = {
        "actor": w.ivy if p.force_id == w.force_b.pk else w.erin,
        "power": p,
        "valid_from": day(1),
        "valid_to": None,
        "extent": "full",
        "conditions": "",
        "parameters": {},
        "decision_reference": "CC decision 2026/14",
    }
    values.update(overrides)
    return services.force_designation_create(**values)


class TestForceDesignations:
    def test_derbyshire_designates_detention_from_tomorrow(self, pw: World) -> None:
        detain = power(pw, DETAIN, pw.force_b)
        made = designate(pw, detain, parameters={"limit_minutes": 15})
        assert (made.force, made.parameters, made.created_by) == (pw.force_b, {"limit_minutes": 15}, pw.ivy)
        (event,) = events(EventType.FORCE_DESIGNATION_CREATED)
        assert after_of(event)["power"] == DETAIN
        assert event.force_id == pw.force_b.pk
        tomorrow = selectors.comparison(actor=pw.alice, on=day(1))
        cell = next(r for r in tomorrow.rows if r.code == DETAIN).cells[1]
        assert cell.force == pw.force_b and cell.designated and cell.parameter_words == ["15 min limit"]
        assert not next(r for r in selectors.comparison(actor=pw.alice).rows if r.code == DETAIN).cells[1].designated

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"extent": "limited"}, "conditions"),
            ({"parameters": {"limit_minutes": 45}}, "parameters"),
            ({"parameters": {"speed": 3}}, "parameters"),
            ({"valid_to": day(0)}, "valid_to"),
        ],
    )
    def test_bad_designations_are_refused(self, pw: World, overrides: dict[str, Any], field: str) -> None:
        before = state()
        with pytest.raises(ValidationError) as exc:
            designate(pw, power(pw, DETAIN, pw.force_b), **overrides)
        assert field in exc.value.message_dict
        assert state() == before

    def test_a_decision_already_in_force_may_be_entered_with_a_past_start(self, pw: World) -> None:
        # Derbyshire designates no detention: a start in the past overlaps nothing, so it is recorded.
        made = designate(pw, power(pw, DETAIN, pw.force_b), valid_from=day(-400))
        assert made.valid_from == day(-400)
        # Cambridgeshire's detention is designated since 2020: a past start overlapping it is refused.
        before = state()
        with pytest.raises(ValidationError) as exc:
            designate(pw, power(pw, DETAIN), valid_from=day(-1), parameters={"limit_minutes": 20})
        assert "valid_from" in exc.value.message_dict
        assert state() == before

    def test_an_overlap_is_refused_until_the_old_one_is_ended(self, pw: World) -> None:
        detain = power(pw, DETAIN)
        before = state()
        with pytest.raises(ValidationError) as exc:
            designate(pw, detain, parameters={"limit_minutes": 20})
        assert "valid_from" in exc.value.message_dict
        assert state() == before
        current = ForceDesignation.objects.get(power=detain)
        services.force_designation_end(actor=pw.erin, designation=current, valid_to=day())
        made = designate(pw, detain, parameters={"limit_minutes": 20})
        assert made.valid_from == day(1)
        current.refresh_from_db()
        assert (current.valid_to, current.ended_by) == (day(), pw.erin)
        (ended,) = events(EventType.FORCE_DESIGNATION_ENDED)
        assert (before_of(ended)["valid_to"], after_of(ended)["valid_to"]) == (None, day().isoformat())

    def test_an_end_in_the_past_or_into_a_later_designation_is_refused(self, pw: World) -> None:
        current = ForceDesignation.objects.get(power=power(pw, DETAIN))
        with pytest.raises(ValidationError):
            services.force_designation_end(actor=pw.erin, designation=current, valid_to=day(-1))
        services.force_designation_end(actor=pw.erin, designation=current, valid_to=day(5))
        designate(pw, power(pw, DETAIN), valid_from=day(6))
        with pytest.raises(ValidationError) as exc:
            services.force_designation_end(actor=pw.erin, designation=current, valid_to=day(8))
        assert "valid_to" in exc.value.message_dict

    def test_only_the_forces_admin_designates(self, pw: World) -> None:
        with pytest.raises(PermissionDenied):
            designate(pw, power(pw, DETAIN, pw.force_b), actor=pw.erin)
        theirs = ForceDesignation.objects.filter(force=pw.force_b).first()
        assert theirs is not None
        with pytest.raises(PermissionDenied):
            services.force_designation_end(actor=pw.hal, designation=theirs, valid_to=day())


# ---- comparison ---------------------------------------------------------------------------------


class TestComparison:
    def test_cambridgeshire_designates_detention_and_derbyshire_does_not(self, pw: World) -> None:
        result = selectors.comparison(actor=pw.hal)
        assert [f.slug for f in result.forces] == ["cambridgeshire", "derbyshire"]
        row = next(r for r in result.rows if r.code == DETAIN)
        cambs, derbys = row.cells
        assert cambs.designated and cambs.parameter_words == ["30 min limit"]
        assert derbys.in_catalogue and not derbys.designated
        litter = next(r for r in result.rows if r.code == "fpn-litter")
        assert all(c.designated for c in litter.cells)

    def test_before_the_designations_nothing_was_designated(self, pw: World) -> None:
        result = selectors.comparison(actor=pw.alice, on=dt.date(2019, 12, 31))
        assert not any(c.designated for r in result.rows for c in r.cells)

    def test_it_costs_three_queries_whatever_the_size(self, pw: World, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(3):
            selectors.comparison(actor=pw.alice)
        third = org.force_create(
            actor=pw.system, slug="essex", name="Essex Police", country="england", short_code="ESX"
        )
        catalogue_load(actor=pw.system, force=third)
        with django_assert_num_queries(3):
            result = selectors.comparison(actor=pw.alice)
        assert len(result.forces) == 3
