"""The baseline powers catalogue (`data/baseline.json`), its loader and the
`load_powers_catalogue` command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.learning.models import Course
from beatbook.powers import reference
from beatbook.powers.models import PenaltyAmountRange, PenaltyOffence, Power
from beatbook.powers.reference import PowerKind, Verification
from beatbook.powers.services.loader import BASELINE, catalogue_load, ensure_loaded, read_catalogue

# The powers the enforcement records use, and the kind each must have.
USED_BY_ENFORCEMENT = {
    reference.REQUIRE_NAME_ADDRESS: PowerKind.NAME_ADDRESS,
    reference.DETAIN: PowerKind.DETAIN,
    reference.DISPERSAL: PowerKind.DIRECT,
    reference.SEIZE_DRUGS: PowerKind.SEIZE,
    reference.SEIZE_ALCOHOL_UNDER_18: PowerKind.SEIZE,
    reference.SEIZE_ALCOHOL_RESTRICTED: PowerKind.SEIZE,
    reference.SEIZE_TOBACCO_UNDER_16: PowerKind.SEIZE,
    reference.SEIZE_VEHICLE: PowerKind.SEIZE,
}


def counts(force_id: int) -> tuple[int, int, int, int]:
    return (
        Power.objects.filter(force_id=force_id).count(),
        PenaltyOffence.objects.filter(force_id=force_id).count(),
        PenaltyAmountRange.objects.filter(offence__force_id=force_id).count(),
        Course.objects.filter(force_id=force_id).count(),
    )


def loaded_events(force_id: int) -> list[AuditEvent]:
    """The catalogue loads audited on the force (found by object, whichever chain they are in)."""
    return list(
        AuditEvent.objects.filter(
            event_type=EventType.POWERS_CATALOGUE_LOADED,
            content_type__app_label="org",
            content_type__model="force",
            object_id=str(force_id),
        ).order_by("occurred_at", "id")
    )


class TestTheShippedFile:
    def test_it_reads(self) -> None:
        data = read_catalogue()
        assert data["version"]
        assert len(data["powers"]) >= len(USED_BY_ENFORCEMENT)

    def test_every_code_once_and_every_legal_basis_given(self) -> None:
        powers = read_catalogue()["powers"]
        codes = [p["code"] for p in powers]
        assert len(codes) == len(set(codes))
        for power in powers:
            assert power["legal_basis"].strip(), power["code"]
            assert power["title"].strip() and power["summary"].strip(), power["code"]
            assert power["kind"] in PowerKind.values
            assert power["verification"] in Verification.values

    def test_every_power_the_enforcement_records_use_is_there_with_its_kind(self) -> None:
        kinds = {p["code"]: p["kind"] for p in read_catalogue()["powers"]}
        for code, kind in USED_BY_ENFORCEMENT.items():
            assert kinds.get(code) == kind, code

    def test_every_reference_code_is_checked_here(self) -> None:
        """A new power code in `reference.py` must be added to USED_BY_ENFORCEMENT above."""
        codes = {
            value
            for name, value in vars(reference).items()
            if name.isupper() and isinstance(value, str) and not name.startswith("_")
        }
        assert codes == set(USED_BY_ENFORCEMENT)

    def test_penalty_offences_have_their_statute_and_a_range(self) -> None:
        codes: list[str] = []
        for power in read_catalogue()["powers"]:
            offences = power.get("offences", [])
            if power["kind"] == PowerKind.PENALTY:
                assert offences, power["code"]
            for offence in offences:
                codes.append(offence["code"])
                assert offence["statute"].strip() and offence["notice_provision"].strip(), offence["code"]
                for amount in offence.get("ranges", []):
                    assert amount["maximum"], offence["code"]
        assert len(codes) == len(set(codes))

    def test_a_repeated_code_is_refused(self, tmp_path: Path) -> None:
        data = json.loads(BASELINE.read_text(encoding="utf-8"))
        data["powers"].append(dict(data["powers"][0]))
        bad = tmp_path / "catalogue.json"
        bad.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ValueError, match="appears twice"):
            read_catalogue(bad)

    def test_an_unknown_kind_is_refused(self, tmp_path: Path) -> None:
        data = json.loads(BASELINE.read_text(encoding="utf-8"))
        data["powers"][0]["kind"] = "arrest"
        bad = tmp_path / "catalogue.json"
        bad.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ValueError, match="unknown kind arrest"):
            read_catalogue(bad)


class TestLoading:
    def test_the_force_administrator_loads_it_and_it_is_audited(self, world: World) -> None:
        result = catalogue_load(actor=world.erin, force=world.force_a)
        data = read_catalogue()
        assert result.powers_added == len(data["powers"]) and result.powers_kept == 0
        assert result.courses_added == len(data["courses"])
        powers, offences, ranges, courses = counts(world.force_a.pk)
        assert powers == len(data["powers"])
        assert offences == result.offences_added == sum(len(p.get("offences", [])) for p in data["powers"])
        assert ranges > 0 and courses == len(data["courses"])
        assert counts(world.force_b.pk) == (0, 0, 0, 0)
        detain = Power.objects.get(force=world.force_a, code=reference.DETAIN)
        assert detain.parameters == {"limit_minutes": 30}
        assert detain.training_course is not None and detain.catalogue_version == data["version"]
        (event,) = loaded_events(world.force_a.pk)
        assert event.actor_id == world.erin.pk
        assert event.after == {
            "version": data["version"],
            "powers_added": len(data["powers"]),
            "powers_kept": 0,
            "offences_added": offences,
            "courses_added": len(data["courses"]),
        }

    def test_the_load_is_in_the_forces_audit_trail(self, world: World) -> None:
        """The event belongs to the force's chain, where its auditor searches (as
        `org.services.force_create` records FORCE_CREATED with `force_id=force.pk`)."""
        catalogue_load(actor=world.erin, force=world.force_a)
        (event,) = loaded_events(world.force_a.pk)
        assert event.force_id == world.force_a.pk

    def test_loading_twice_adds_nothing(self, world: World) -> None:
        catalogue_load(actor=world.erin, force=world.force_a)
        before = counts(world.force_a.pk)
        again = catalogue_load(actor=world.erin, force=world.force_a)
        assert (again.powers_added, again.offences_added, again.courses_added) == (0, 0, 0)
        assert again.powers_kept == before[0]
        assert counts(world.force_a.pk) == before
        assert len(loaded_events(world.force_a.pk)) == 2

    def test_a_forces_edits_survive_a_reload(self, world: World) -> None:
        catalogue_load(actor=world.erin, force=world.force_a)
        Power.objects.filter(force=world.force_a, code=reference.DETAIN).update(
            title="Detain (Cambridgeshire wording)", parameters={"limit_minutes": 20}
        )
        catalogue_load(actor=world.erin, force=world.force_a)
        detain = Power.objects.get(force=world.force_a, code=reference.DETAIN)
        assert detain.title == "Detain (Cambridgeshire wording)"
        assert detain.parameters == {"limit_minutes": 20}

    def test_a_partial_catalogue_is_completed(self, world: World) -> None:
        data: dict[str, Any] = read_catalogue()
        first = {**data, "powers": data["powers"][:3]}
        assert catalogue_load(actor=world.erin, force=world.force_a, data=first).powers_added == 3
        rest = catalogue_load(actor=world.erin, force=world.force_a)
        assert (rest.powers_added, rest.powers_kept) == (len(data["powers"]) - 3, 3)
        assert counts(world.force_a.pk)[0] == len(data["powers"])

    @pytest.mark.parametrize("who", ["alice", "bob", "dee", "fay", "gus", "ivy"])
    def test_only_the_forces_administrator_may_load(self, world: World, who: str) -> None:
        with pytest.raises(PermissionDenied):
            catalogue_load(actor=getattr(world, who), force=world.force_a)
        assert counts(world.force_a.pk) == (0, 0, 0, 0)
        assert loaded_events(world.force_a.pk) == []

    def test_ensure_loaded_loads_once(self, world: World) -> None:
        assert ensure_loaded(actor=world.erin, force=world.force_a).powers_added == len(read_catalogue()["powers"])
        again = ensure_loaded(actor=world.erin, force=world.force_a)
        assert again.powers_added == 0 and again.powers_kept == len(read_catalogue()["powers"])
        assert len(loaded_events(world.force_a.pk)) == 1


class TestThroughThePage:
    """The catalogue page's "load the baseline" button (`powers:catalogue_load`) reaches the loader
    only for the force administrator."""

    def test_erin_loads_and_alice_is_refused(self, world: World) -> None:
        url = reverse("powers:catalogue_load")
        refused = world.client_for(world.alice).post(url, {"force": world.force_a.slug})
        assert refused.status_code == 403
        assert counts(world.force_a.pk)[0] == 0 and loaded_events(world.force_a.pk) == []
        loaded = world.client_for(world.erin).post(url, {"force": world.force_a.slug})
        assert loaded.status_code == 302
        assert counts(world.force_a.pk)[0] == len(read_catalogue()["powers"])
        assert len(loaded_events(world.force_a.pk)) == 1


class TestCommand:
    def run(self, *args: str) -> str:
        out = StringIO()
        call_command("load_powers_catalogue", *args, stdout=out)
        return out.getvalue()

    def test_one_force(self, world: World) -> None:
        output = self.run("cambridgeshire")
        total = len(read_catalogue()["powers"])
        assert f"Cambridgeshire Constabulary: catalogue {read_catalogue()['version']}: {total} powers added" in output
        assert counts(world.force_a.pk)[0] == total
        assert counts(world.force_b.pk)[0] == 0
        (event,) = loaded_events(world.force_a.pk)
        assert event.actor is not None and event.actor.is_system
        assert f"0 powers added, {total} already there" in self.run("cambridgeshire")

    def test_every_force(self, world: World) -> None:
        output = self.run("--all")
        total = len(read_catalogue()["powers"])
        assert "Cambridgeshire Constabulary" in output and "Derbyshire Constabulary" in output
        assert counts(world.force_a.pk)[0] == counts(world.force_b.pk)[0] == total
        assert len(loaded_events(world.force_b.pk)) == 1

    def test_an_unknown_slug(self, world: World) -> None:
        with pytest.raises(CommandError, match="No force with the slug 'atlantis'"):
            self.run("atlantis")
        assert Power.objects.count() == 0

    def test_neither_a_slug_nor_all(self, world: World) -> None:
        with pytest.raises(CommandError, match="Name a force"):
            self.run()

    @pytest.mark.parametrize("content", ["{not json", '{"version": "x"}', None])
    def test_a_bad_file(self, world: World, tmp_path: Path, content: str | None) -> None:
        path = tmp_path / "catalogue.json"
        if content is not None:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(CommandError, match="Cannot read the catalogue"):
            self.run("cambridgeshire", "--file", str(path))
        assert Power.objects.count() == 0
        assert loaded_events(world.force_a.pk) == []

    def test_a_file_of_the_same_format(self, world: World, tmp_path: Path) -> None:
        data = read_catalogue()
        path = tmp_path / "catalogue.json"
        path.write_text(json.dumps({**data, "powers": data["powers"][:2]}), encoding="utf-8")
        assert "2 powers added" in self.run("derbyshire", "--file", str(path))
        assert counts(world.force_b.pk)[0] == 2
