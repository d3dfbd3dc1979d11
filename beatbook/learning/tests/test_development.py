"""Competency frameworks, CPD and PDR services and selectors: the loader's idempotence, what is
refused, who sees and does what (a PCSO never sees another PCSO's CPD; a supervisor of another
area cannot open a PDR), read-only after sign-off, and the audit rows (no free text)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import Days, World, make_person, on_the_days
from beatbook.core.timeutil import today
from beatbook.learning.models import (
    BehaviouralIndicator,
    CpdEntry,
    Framework,
    FrameworkItem,
    ItemKind,
    Pdr,
    PdrStatus,
    RatingOption,
)
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services import development as services
from beatbook.org.models import Person, Role


@pytest.fixture
def dev(world: World) -> World:
    return load_development(world)


def load_development(world: World) -> World:
    """Frameworks loaded; Cambridgeshire on CVF 2024, Derbyshire still on CVF 2016 (once)."""
    if Framework.objects.exists():
        return world
    services.frameworks_load(actor=world.system, data=services.read_frameworks_file())
    services.force_framework_set(
        actor=world.system, force=world.force_a, framework=fw("cvf-2024"), adopted_on=dt.date(2025, 5, 1)
    )
    services.force_framework_set(
        actor=world.system, force=world.force_b, framework=fw("cvf-2016"), adopted_on=dt.date(2018, 4, 1)
    )
    return world


def fw(code: str) -> Framework:
    return Framework.objects.get(code=code)


def item(code: str, framework: str = "cvf-2024") -> FrameworkItem:
    return FrameworkItem.objects.get(framework__code=framework, code=code)


def cpd(actor: Person, **overrides: Any) -> CpdEntry:
    data: dict[str, Any] = {
        "occurred_on": today() - dt.timedelta(days=3),
        "title": "Problem-solving workshop",
        "kind": "course",
        "hours": Decimal("2.5"),
        "reflection": "Used SARA on the Mill Road litter problem with Mr Smith.",
        "item_ids": [item("analyse-critically").pk, item("problem-solving").pk],
    }
    data.update(overrides)
    return services.cpd_entry_create(actor=actor, data=services.CpdData(**data))


def events(kind: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


def open_pdr(world: World, *, person: Person | None = None, year: int = 2025) -> Pdr:
    """Bob opens a PDR for Alice (or `person`) for `year`."""
    load_development(world)
    return services.pdr_open(actor=world.bob, person=person or world.alice, review_year=year)


def ready_pdr(world: World) -> Pdr:
    """Alice's 2025 PDR, every competency rated and one objective: ready to sign off."""
    pdr = open_pdr(world)
    rate_all(world, pdr)
    services.pdr_objective_add(actor=world.bob, pdr=pdr, text="Objective", due_on=dt.date(2025, 12, 1))
    return pdr


def signed_pdr(world: World) -> Pdr:
    return services.pdr_sign_off(actor=world.bob, pdr=ready_pdr(world))


def rate_all(world: World, pdr: Pdr) -> None:
    for competency in selectors.items_of(pdr.framework, kinds=(ItemKind.COMPETENCY,)):
        services.pdr_rate(actor=world.bob, pdr=pdr, competency=competency, rating_code="competent", evidence="Seen.")


class FrameworkLoaderTests:
    def test_it_loads_both_versions_with_sources(self, dev: World) -> None:
        assert [f.code for f in selectors.frameworks_list()] == ["cvf-2016", "cvf-2024"]
        old, new = fw("cvf-2016"), fw("cvf-2024")
        assert old.replaced_by == new and new.replaced_by is None
        assert old.items.filter(kind=ItemKind.VALUE).count() == 4
        assert new.items.filter(kind=ItemKind.VALUE).count() == 3
        assert old.items.filter(kind=ItemKind.COMPETENCY).count() == 6
        assert new.items.filter(kind=ItemKind.COMPETENCY).count() == 6
        assert new.items.filter(kind=ItemKind.CORE_SKILL).count() == 9
        assert item("collaborate").name == "We collaborate"
        assert item("collaborative", "cvf-2016").name == "We are collaborative"
        assert item("collaborative", "cvf-2016").cluster == "Inclusive, enabling and visionary leadership"
        # 2024 cluster names are not verified: none stored. Core skills carry no descriptor.
        assert not new.items.exclude(cluster="").exists()
        assert not new.items.filter(kind=ItemKind.CORE_SKILL).exclude(description="").exists()
        assert set(new.items.filter(kind=ItemKind.CORE_SKILL).values_list("level", flat=True)) == {1}
        assert [lv.name for lv in new.levels.all()] == [
            "Practitioner",
            "Supervisor/Middle Manager",
            "Senior Manager/Executive",
        ]
        assert all(i.source for i in FrameworkItem.objects.all())

    def test_truncated_indicators_are_marked(self, dev: World) -> None:
        indicators = list(BehaviouralIndicator.objects.filter(item=item("emotionally-aware", "cvf-2016")))
        assert len(indicators) == 6
        assert [i.truncated for i in indicators] == [False] * 5 + [True]

    def test_the_rating_scale_is_data_marked_as_an_example(self, dev: World) -> None:
        options = list(selectors.rating_options_of(fw("cvf-2024")))
        assert [o.code for o in options] == ["not-yet", "developing", "competent", "exceeds"]
        assert not any(o.verified for o in options)

    def test_it_is_idempotent_and_never_overwrites(self, dev: World) -> None:
        counts = (Framework.objects.count(), FrameworkItem.objects.count(), BehaviouralIndicator.objects.count())
        FrameworkItem.objects.filter(pk=item("planning").pk).update(name="Planning (force wording)")
        result = services.frameworks_load(actor=dev.system, data=services.read_frameworks_file())
        assert result.created == 0 and result.skipped > 0
        assert counts == (
            Framework.objects.count(),
            FrameworkItem.objects.count(),
            BehaviouralIndicator.objects.count(),
        )
        assert item("planning").name == "Planning (force wording)"
        assert len(events(EventType.FRAMEWORKS_LOADED)) == 2

    def test_the_command_loads_and_sets_forces_without_a_choice(self, world: World, tmp_path: Path) -> None:
        call_command("load_frameworks", "--use", "cvf-2024", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
        call_command("load_frameworks", "--use", "cvf-2016", stdout=open(tmp_path / "out2.txt", "w"))  # noqa: SIM115
        assert selectors.framework_of_force(world.force_a.pk) == fw("cvf-2024")
        assert selectors.framework_of_force(world.force_b.pk) == fw("cvf-2024")

    def test_a_bad_file_is_refused(self, world: World, tmp_path: Path) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"frameworks": []}))
        with pytest.raises(ValidationError):
            services.frameworks_load(actor=world.system, data=services.read_frameworks_file(bad))

    def test_only_the_system_loads(self, world: World) -> None:
        with pytest.raises(PermissionDenied):
            services.frameworks_load(actor=world.erin, data=services.read_frameworks_file())


class ForceFrameworkTests:
    def test_a_force_admin_chooses_and_it_is_audited(self, dev: World) -> None:
        services.force_framework_set(
            actor=dev.erin, force=dev.force_a, framework=fw("cvf-2016"), adopted_on=dt.date(2024, 1, 1)
        )
        assert selectors.framework_of_force(dev.force_a.pk) == fw("cvf-2016")
        event = events(EventType.FORCE_FRAMEWORK_SET)[-1]
        assert event.before == {"framework": "cvf-2024", "adopted_on": "2025-05-01"}
        assert event.force_id == dev.force_a.pk

    def test_others_cannot(self, dev: World) -> None:
        for actor, force in ((dev.bob, dev.force_a), (dev.alice, dev.force_a), (dev.ivy, dev.force_a)):
            with pytest.raises(PermissionDenied):
                services.force_framework_set(actor=actor, force=force, framework=fw("cvf-2016"), adopted_on=today())


class CpdServiceTests:
    def test_it_records_an_entry_mapped_to_items_and_audits_without_text(self, dev: World) -> None:
        entry = cpd(dev.alice)
        assert entry.framework.code == "cvf-2024" and entry.force_id == dev.force_a.pk
        assert {i.code for i in entry.items.all()} == {"analyse-critically", "problem-solving"}
        (event,) = events(EventType.CPD_ENTRY_CREATED)
        assert event.after == {
            "person": dev.alice.pk,
            "framework": "cvf-2024",
            "occurred_on": entry.occurred_on.isoformat(),
            "kind": "course",
            "hours": "2.50",
            "items": ["analyse-critically", "problem-solving"],
        }
        text = json.dumps([event.after, event.object_repr])
        assert "Smith" not in text and "workshop" not in text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"occurred_on": Days(1)}, "occurred_on"),
            ({"occurred_on": dt.date(1999, 12, 31)}, "occurred_on"),
            ({"hours": Decimal(0)}, "hours"),
            ({"hours": Decimal("-1")}, "hours"),
            ({"hours": Decimal("80.01")}, "hours"),
            ({"hours": Decimal("1.005")}, "hours"),
            ({"hours": "lots"}, "hours"),
            ({"hours": "NaN"}, "hours"),
            ({"title": "  "}, "title"),
            ({"title": "x" * 161}, "title"),
            ({"kind": "holiday"}, "kind"),
            ({"link": "javascript:alert(1)"}, "link"),
            ({"reflection": "x" * 4001}, "reflection"),
        ],
    )
    def test_it_refuses_bad_input(self, dev: World, overrides: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            cpd(dev.alice, **on_the_days(overrides))
        assert field in caught.value.message_dict
        assert not CpdEntry.objects.exists()

    def test_items_of_another_framework_are_refused(self, dev: World) -> None:
        with pytest.raises(ValidationError) as caught:
            cpd(dev.alice, item_ids=[item("integrity", "cvf-2016").pk])
        assert "items" in caught.value.message_dict

    def test_eighty_hours_is_allowed(self, dev: World) -> None:
        assert cpd(dev.alice, hours=Decimal(80)).hours == Decimal(80)

    def test_a_force_without_a_framework_takes_no_entry(self, world: World) -> None:
        with pytest.raises(ValidationError):
            services.cpd_entry_create(
                actor=world.alice,
                data=services.CpdData(occurred_on=today(), title="T", kind="course", hours=Decimal(1)),
            )

    def test_only_the_owner_changes_or_deletes(self, dev: World) -> None:
        entry = cpd(dev.alice)
        data = services.CpdData(occurred_on=today(), title="Changed", kind="reading", hours=Decimal(1))
        with pytest.raises(PermissionDenied):
            services.cpd_entry_update(actor=dev.bob, entry=entry, data=data)
        with pytest.raises(PermissionDenied):
            services.cpd_entry_delete(actor=dev.bob, entry=entry)
        services.cpd_entry_update(actor=dev.alice, entry=entry, data=data)
        entry.refresh_from_db()
        assert entry.title == "Changed" and not entry.items.exists()
        assert events(EventType.CPD_ENTRY_UPDATED)[0].before["items"] == ["analyse-critically", "problem-solving"]  # type: ignore[index]
        services.cpd_entry_delete(actor=dev.alice, entry=entry)
        assert not CpdEntry.objects.exists()
        assert len(events(EventType.CPD_ENTRY_DELETED)) == 1


class CpdScopeTests:
    def test_a_pcso_never_sees_another_pcsos_cpd(self, dev: World) -> None:
        mine, charlies = cpd(dev.alice), cpd(dev.charlie)
        assert list(selectors.cpd_entries_visible_to(dev.alice)) == [mine]
        assert list(selectors.cpd_entries_visible_to(dev.charlie)) == [charlies]
        with pytest.raises(Exception, match=r"Not found|No CpdEntry"):
            selectors.cpd_get_for(actor=dev.alice, entry_id=charlies.pk)

    def test_the_line_manager_sees_but_cannot_change(self, dev: World) -> None:
        entries = {cpd(dev.alice), cpd(dev.charlie)}
        assert set(selectors.cpd_entries_visible_to(dev.bob)) == entries
        with pytest.raises(PermissionDenied):
            selectors.cpd_get_for(actor=dev.bob, entry_id=next(iter(entries)).pk, change=True)

    def test_force_wide_roles_and_outsiders_see_none(self, dev: World) -> None:
        cpd(dev.alice)
        for outsider in (dev.dee, dev.erin, dev.fay, dev.gus, dev.hal, dev.ivy):
            assert not selectors.cpd_entries_visible_to(outsider).exists()

    def test_totals_by_year_and_item(self, dev: World) -> None:
        cpd(dev.alice, occurred_on=dt.date(2024, 3, 1), hours=Decimal(2))
        cpd(dev.alice, occurred_on=dt.date(2024, 6, 1), hours=Decimal("1.5"), item_ids=[item("planning").pk])
        cpd(dev.alice, occurred_on=dt.date(2025, 6, 1), hours=Decimal(3), item_ids=[])
        totals = selectors.cpd_totals(selectors.cpd_entries_visible_to(dev.alice))
        assert totals.by_year == [(2025, Decimal(3)), (2024, Decimal("3.5"))]
        assert {i.code: h for i, h in totals.by_item} == {
            "analyse-critically": Decimal(2),
            "problem-solving": Decimal(2),
            "planning": Decimal("1.5"),
        }
        assert totals.total == Decimal("6.5")

    def test_the_export_is_scoped_and_audited(self, dev: World) -> None:
        cpd(dev.alice)
        cpd(dev.charlie)
        rows = services.cpd_export(actor=dev.alice, filters=selectors.CpdFilters())
        assert [r.person_id for r in rows] == [dev.alice.pk]
        (event,) = events(EventType.CPD_EXPORTED)
        assert event.after == {"filters": selectors.CpdFilters().as_dict(), "rows": 1, "matched": 1}


class PdrTests:
    def test_the_line_manager_opens_rates_adds_objectives_and_signs_off(self, dev: World) -> None:
        entry = cpd(dev.alice)
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=today().year)
        assert pdr.framework.code == "cvf-2024" and pdr.status == PdrStatus.OPEN
        with pytest.raises(ValidationError):
            services.pdr_sign_off(actor=dev.bob, pdr=pdr)
        rate_all(dev, pdr)
        services.pdr_rate(
            actor=dev.bob,
            pdr=pdr,
            competency=item("analyse-critically"),
            rating_code="exceeds",
            evidence="Led the problem-solving plan.",
            cpd_entry_ids=[entry.pk],
        )
        assert pdr.ratings.count() == 6
        with pytest.raises(ValidationError):
            services.pdr_sign_off(actor=dev.bob, pdr=pdr)  # no objective yet
        objective = services.pdr_objective_add(
            actor=dev.bob, pdr=pdr, text="Run a beat surgery.", due_on=today() + dt.timedelta(days=90)
        )
        services.pdr_objective_set_status(actor=dev.bob, objective=objective, status="in_progress")
        services.pdr_sign_off(actor=dev.bob, pdr=pdr)
        pdr.refresh_from_db()
        assert pdr.is_signed_off and pdr.signed_off_at is not None
        services.pdr_acknowledge(actor=dev.alice, pdr=pdr)
        with pytest.raises(ValidationError):
            services.pdr_acknowledge(actor=dev.alice, pdr=pdr)
        kinds = list(
            AuditEvent.objects.filter(event_type__gte=1521, event_type__lte=1527)
            .order_by("seq")
            .values_list("event_type", flat=True)
        )
        assert kinds[0] == EventType.PDR_OPENED and kinds[-2:] == [EventType.PDR_SIGNED_OFF, EventType.PDR_ACKNOWLEDGED]
        for event in AuditEvent.objects.filter(event_type__gte=1521, event_type__lte=1527):
            text = json.dumps([event.before, event.after, event.object_repr, event.reason])
            assert "beat surgery" not in text and "problem-solving plan" not in text and "Alice" not in text

    def test_it_is_read_only_after_sign_off_until_reopened_with_a_reason(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        rate_all(dev, pdr)
        objective = services.pdr_objective_add(actor=dev.bob, pdr=pdr, text="X", due_on=dt.date(2025, 12, 1))
        services.pdr_sign_off(actor=dev.bob, pdr=pdr)
        with pytest.raises(ValidationError):
            services.pdr_rate(
                actor=dev.bob, pdr=pdr, competency=item("collaborate"), rating_code="exceeds", evidence="Later."
            )
        with pytest.raises(ValidationError):
            services.pdr_objective_add(actor=dev.bob, pdr=pdr, text="Y", due_on=dt.date(2025, 12, 1))
        with pytest.raises(ValidationError):
            services.pdr_objective_set_status(actor=dev.bob, objective=objective, status="achieved")
        with pytest.raises(ValidationError):
            services.pdr_sign_off(actor=dev.bob, pdr=pdr)
        with pytest.raises(ValidationError):
            services.pdr_reopen(actor=dev.bob, pdr=pdr, reason="short")
        with pytest.raises(PermissionDenied):
            services.pdr_reopen(actor=dev.alice, pdr=pdr, reason="I disagree with the ratings.")
        services.pdr_reopen(actor=dev.bob, pdr=pdr, reason="Wrong rating for collaboration.")
        pdr.refresh_from_db()
        assert pdr.status == PdrStatus.OPEN and pdr.reopen_count == 1 and pdr.acknowledged_at is None
        (event,) = events(EventType.PDR_REOPENED)
        assert "collaboration" not in json.dumps([event.after, event.reason])

    def test_a_pdr_needs_a_line_manager_who_is_not_the_person(self, dev: World) -> None:
        other_area = make_person(dev.system, dev.force_a, "sgt-cherry", Role.SUPERVISOR, neighbourhood=dev.a2)
        derby = make_person(dev.system, dev.force_b, "sgt-derby", Role.SUPERVISOR, neighbourhood=dev.b1)
        for actor, person in (
            (other_area, dev.alice),  # supervises A2, Alice is posted to A1
            (derby, dev.alice),
            (dev.bob, dev.bob),
            (dev.charlie, dev.alice),  # a PCSO line-manages no one
            (dev.erin, dev.alice),  # the force admin is not a line manager
        ):
            with pytest.raises(ValidationError) as caught:
                services.pdr_open(actor=actor, person=person, review_year=2025)
            assert "person" in caught.value.message_dict
        assert services.pdr_open(actor=other_area, person=dev.charlie, review_year=2025).line_manager == other_area

    @pytest.mark.parametrize("year", [1999, today().year + 2])
    def test_bad_review_years_are_refused(self, dev: World, year: int) -> None:
        with pytest.raises(ValidationError) as caught:
            services.pdr_open(actor=dev.bob, person=dev.alice, review_year=year)
        assert "review_year" in caught.value.message_dict

    def test_one_pdr_per_person_per_year(self, dev: World) -> None:
        services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        with pytest.raises(ValidationError) as caught:
            services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        assert "review_year" in caught.value.message_dict

    def test_ratings_refuse_bad_input(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        charlies = cpd(dev.charlie)
        bad: list[tuple[dict[str, Any], str]] = [
            ({"competency": item("planning")}, "competency"),  # a core skill is not a competency
            ({"competency": item("integrity", "cvf-2016")}, "competency"),
            ({"rating_code": "superb"}, "rating"),
            ({"evidence": "  "}, "evidence"),
            ({"cpd_entry_ids": [charlies.pk]}, "cpd_entries"),
        ]
        for overrides, field in bad:
            args: dict[str, Any] = {"competency": item("collaborate"), "rating_code": "competent", "evidence": "Seen."}
            args.update(overrides)
            with pytest.raises(ValidationError) as caught:
                services.pdr_rate(actor=dev.bob, pdr=pdr, **args)
            assert field in caught.value.message_dict
        assert not pdr.ratings.exists()

    def test_only_the_line_manager_rates_and_only_the_person_acknowledges(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        for actor in (dev.alice, dev.charlie, dev.erin):
            with pytest.raises(PermissionDenied):
                services.pdr_rate(
                    actor=actor, pdr=pdr, competency=item("collaborate"), rating_code="competent", evidence="Seen."
                )
        rate_all(dev, pdr)
        services.pdr_objective_add(actor=dev.bob, pdr=pdr, text="X", due_on=dt.date(2025, 12, 1))
        with pytest.raises(ValidationError):
            services.pdr_acknowledge(actor=dev.alice, pdr=pdr)  # not signed off yet
        services.pdr_sign_off(actor=dev.bob, pdr=pdr)
        with pytest.raises(PermissionDenied):
            services.pdr_acknowledge(actor=dev.bob, pdr=pdr)

    def test_objectives_refuse_bad_input(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        for text, due in (("", dt.date(2025, 6, 1)), ("X", dt.date(2024, 12, 31)), ("X", dt.date(2028, 1, 1))):
            with pytest.raises(ValidationError):
                services.pdr_objective_add(actor=dev.bob, pdr=pdr, text=text, due_on=due)
        objective = services.pdr_objective_add(actor=dev.bob, pdr=pdr, text="X", due_on=dt.date(2025, 6, 1))
        with pytest.raises(ValidationError):
            services.pdr_objective_set_status(actor=dev.bob, objective=objective, status="forgotten")

    def test_scope_of_pdrs(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        assert list(selectors.pdrs_visible_to(dev.alice)) == [pdr]
        assert list(selectors.pdrs_visible_to(dev.bob)) == [pdr]
        for outsider in (dev.charlie, dev.dee, dev.erin, dev.hal):
            assert not selectors.pdrs_visible_to(outsider).exists()

    def test_a_cited_cpd_entry_cannot_be_deleted(self, dev: World) -> None:
        entry = cpd(dev.alice)
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        services.pdr_rate(
            actor=dev.bob,
            pdr=pdr,
            competency=item("collaborate"),
            rating_code="competent",
            evidence="Seen.",
            cpd_entry_ids=[entry.pk],
        )
        with pytest.raises(ValidationError):
            services.cpd_entry_delete(actor=dev.alice, entry=entry)

    def test_the_rating_scale_comes_from_the_framework(self, dev: World) -> None:
        pdr = services.pdr_open(actor=dev.bob, person=dev.alice, review_year=2025)
        RatingOption.objects.create(framework=fw("cvf-2024"), code="outstanding", label="Outstanding", position=5)
        rating = services.pdr_rate(
            actor=dev.bob, pdr=pdr, competency=item("collaborate"), rating_code="outstanding", evidence="Seen."
        )
        assert rating.rating.label == "Outstanding"
