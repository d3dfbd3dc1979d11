"""The powers catalogue API: reads of every force's catalogue (nothing for partner users), the
writes of force administrators (audited; refusals store nothing), and pinned query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import HttpResponse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.powers.models import ForceDesignation, PenaltyOffence, PenaltyTariff, Power
from beatbook.powers.reference import DETAIN
from beatbook.powers.testing import powers_world

from .helpers import Api, assert_error, data


@pytest.fixture
def pw(world: World) -> World:
    return powers_world(world)


def after_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def detain(w: World, force: Any = None) -> Power:
    return Power.objects.get(force=force or w.force_a, code=DETAIN)


def stored() -> tuple[int, int, int, int]:
    events = AuditEvent.objects.exclude(event_type=EventType.API_TOKEN_CREATED)
    return (Power.objects.count(), PenaltyTariff.objects.count(), ForceDesignation.objects.count(), events.count())


def audited(response: HttpResponse, event: EventType) -> AuditEvent:
    return AuditEvent.objects.get(request_id=response["X-Request-ID"], event_type=event)


class TestReads:
    def test_anonymous_is_401(self, pw: World, api: Api) -> None:
        for path in ("/powers", "/powers/compare", "/penalty-offences", "/penalty-tariffs", "/force-designations"):
            assert_error(api.get(path), 401, "not_authenticated")
        assert_error(api.get(f"/powers/{detain(pw).pk}"), 401)

    def test_a_pcso_reads_every_forces_powers(self, pw: World, api: Api) -> None:
        body = data(api.get("/powers", as_=pw.hal, query={"force": "cambridgeshire", "kind": "detain"}))
        assert body["total"] == 1
        (item,) = body["items"]
        assert (item["code"], item["designated_today"], item["parameter_words"]) == (
            DETAIN,
            True,
            ["Limit: 30 minutes"],
        )
        assert item["training_course"]["code"] == "officer-safety"
        mine = data(api.get(f"/powers/{detain(pw, pw.force_b).pk}", as_=pw.hal))
        assert (mine["force"], mine["designated_today"]) == ("derbyshire", False)

    def test_a_partner_user_sees_nothing(self, pw: World, api: Api) -> None:
        for path in ("/powers", "/penalty-offences", "/penalty-tariffs", "/force-designations"):
            assert data(api.get(path, as_=pw.gus))["total"] == 0
        assert data(api.get("/powers/compare", as_=pw.gus)) == {"on": day(), "forces": [], "rows": []}
        assert_error(api.get(f"/powers/{detain(pw).pk}", as_=pw.gus), 404, "not_found")

    def test_offences_tariffs_and_designations_filter(self, pw: World, api: Api) -> None:
        offences = data(
            api.get("/penalty-offences", as_=pw.alice, query={"force": "cambridgeshire", "power": "fpn-litter"})
        )
        (litter,) = offences["items"]
        assert [r["maximum"] for r in litter["ranges"]] == ["150.00", "500.00"]
        tariffs = data(
            api.get("/penalty-tariffs", as_=pw.alice, query={"offence": "litter", "authority": pw.council.pk})
        )
        (tariff,) = tariffs["items"]
        assert (tariff["amount"], tariff["discounted_amount"], tariff["issuing_authority"]["name"]) == (
            "100.00",
            "60.00",
            "Cambridge City Council",
        )
        own = data(
            api.get(
                "/penalty-tariffs", as_=pw.alice, query={"force": "derbyshire", "authority": 0, "offence": "litter"}
            )
        )
        assert own["total"] == 1
        assert data(api.get("/penalty-tariffs", as_=pw.alice, query={"on": "2019-01-01"}))["total"] == 0
        designations = data(api.get("/force-designations", as_=pw.alice, query={"power": DETAIN}))
        assert [d["force"] for d in designations["items"]] == ["cambridgeshire"]
        assert data(api.get("/force-designations", as_=pw.alice, query={"on": "2019-01-01"}))["total"] == 0
        assert_error(api.get("/penalty-tariffs", as_=pw.alice, query={"on": "soon"}), 422)

    def test_the_comparison(self, pw: World, api: Api) -> None:
        body = data(api.get("/powers/compare", as_=pw.alice))
        assert [f["slug"] for f in body["forces"]] == ["cambridgeshire", "derbyshire"]
        row = next(r for r in body["rows"] if r["code"] == DETAIN)
        cambs, derbys = row["cells"]
        assert (cambs["designated"], cambs["extent"], cambs["parameters"]) == (True, "full", {"limit_minutes": 30})
        assert (derbys["designated"], derbys["in_catalogue"], derbys["extent"]) == (False, True, None)
        past = data(api.get("/powers/compare", as_=pw.alice, query={"on": "2019-01-01"}))
        assert not any(c["designated"] for r in past["rows"] for c in r["cells"])

    @pytest.mark.parametrize(
        "path", ["/powers", "/penalty-offences", "/penalty-tariffs", "/force-designations", "/powers/compare"]
    )
    def test_lists_cost_a_fixed_number_of_queries(
        self, pw: World, api: Api, path: str, django_assert_max_num_queries: Any
    ) -> None:
        api.get(path, as_=pw.alice, query={"page_size": 1} if path != "/powers/compare" else {})
        with django_assert_max_num_queries(8) as one:
            api.get(path, as_=pw.alice, query={"page_size": 1} if path != "/powers/compare" else {})
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert (
                api.get(path, as_=pw.alice, query={"page_size": 50} if path != "/powers/compare" else {}).status_code
                == 200
            )


NEW_POWER = {
    "force": "cambridgeshire",
    "code": "direct-traffic",
    "kind": "direct",
    "title": "Direct traffic",
    "summary": "Direct traffic for purposes other than escorting an abnormal load.",
    "legal_basis": "Police Reform Act 2002, designation under s.38",
    "verification": "not_verified",
}


class TestPowerWrites:
    def test_the_admin_adds_a_power(self, pw: World, api: Api) -> None:
        response = api.post("/powers", NEW_POWER, as_=pw.erin)
        assert response.status_code == 201
        body = data(response)
        assert (body["code"], body["designated_today"], body["version"]) == ("direct-traffic", False, 1)
        event = audited(response, EventType.POWER_CREATED)
        assert event.object_id == str(body["id"])

    @pytest.mark.parametrize(("who", "status"), [("alice", 403), ("ivy", 403), ("gus", 404)])
    def test_others_may_not_add(self, pw: World, api: Api, who: str, status: int) -> None:
        before = stored()
        assert_error(api.post("/powers", NEW_POWER, as_=getattr(pw, who)), status)
        assert stored() == before

    def test_a_duplicate_code_or_bad_parameters_are_400(self, pw: World, api: Api) -> None:
        before = stored()
        error = assert_error(api.post("/powers", NEW_POWER | {"code": DETAIN}, as_=pw.erin), 400, "invalid")
        assert "code" in error["fields"]
        error = assert_error(api.post("/powers", NEW_POWER | {"parameters": {"max_hours": 3}}, as_=pw.erin), 400)
        assert "parameters" in error["fields"]
        assert_error(api.post("/powers", NEW_POWER | {"colour": "red"}, as_=pw.erin), 422)
        assert stored() == before

    def test_patch_with_version_and_conflict(self, pw: World, api: Api) -> None:
        power = detain(pw)
        response = api.patch(f"/powers/{power.pk}", {"version": 1, "parameters": {"limit_minutes": 20}}, as_=pw.erin)
        body = data(response)
        assert (body["parameters"], body["version"], body["parameter_words"]) == (
            {"limit_minutes": 20},
            2,
            ["Limit: 20 minutes"],
        )
        event = audited(response, EventType.POWER_UPDATED)
        assert (before_of(event)["parameters"], after_of(event)["parameters"]) == (
            {"limit_minutes": 30},
            {"limit_minutes": 20},
        )
        before = stored()
        assert_error(api.patch(f"/powers/{power.pk}", {"version": 1, "title": "X"}, as_=pw.erin), 409, "conflict")
        error = assert_error(
            api.patch(f"/powers/{power.pk}", {"version": 2, "parameters": {"limit_minutes": 31}}, as_=pw.erin), 400
        )
        assert "parameters" in error["fields"]
        assert_error(api.patch(f"/powers/{power.pk}", {"version": 2, "title": "X"}, as_=pw.alice), 403)
        assert_error(api.patch(f"/powers/{power.pk}", {"version": 2, "title": "X"}, as_=pw.gus), 404)
        assert_error(api.patch(f"/powers/{power.pk}", {"title": "X"}, as_=pw.erin), 422)
        assert stored() == before
        cleared = data(api.patch(f"/powers/{power.pk}", {"version": 2, "training_course": None}, as_=pw.erin))
        assert cleared["training_course"] is None

    def test_wrong_methods_are_405(self, pw: World, api: Api) -> None:
        assert_error(api.call("DELETE", f"/powers/{detain(pw).pk}", as_=pw.erin), 405)
        assert_error(api.call("PUT", "/powers", as_=pw.erin), 405)
        assert_error(api.call("GET", "/forces/cambridgeshire/powers/load", as_=pw.erin), 405)

    def test_loading_the_baseline(self, pw: World, api: Api) -> None:
        response = api.post("/forces/cambridgeshire/powers/load", as_=pw.erin)
        assert data(response)["powers_added"] == 0
        assert audited(response, EventType.POWERS_CATALOGUE_LOADED).actor_id == pw.erin.pk
        assert_error(api.post("/forces/cambridgeshire/powers/load", as_=pw.alice), 403)
        assert_error(api.post("/forces/cambridgeshire/powers/load", as_=pw.gus), 404)
        assert_error(api.post("/forces/nowhere/powers/load", as_=pw.erin), 404)


class TestTariffWrites:
    def body(self, w: World, **overrides: Any) -> dict[str, Any]:
        litter = PenaltyOffence.objects.get(force=w.force_a, code="litter")
        values: dict[str, Any] = {
            "offence": litter.pk,
            "issuing_authority": w.council.pk,
            "amount": "150.00",
            "discounted_amount": "90.00",
            "discount_days": 14,
            "payment_days": 28,
            "valid_from": day(7),
        }
        values.update(overrides)
        return values

    def test_the_admin_sets_a_tariff_that_ends_the_old_one(self, pw: World, api: Api) -> None:
        response = api.post("/penalty-tariffs", self.body(pw), as_=pw.erin)
        assert response.status_code == 201
        body = data(response)
        assert (body["amount"], body["valid_from"], body["valid_to"]) == ("150.00", day(7), None)
        audited(response, EventType.PENALTY_TARIFF_SET)
        ended = audited(response, EventType.PENALTY_TARIFF_ENDED)
        assert after_of(ended)["valid_to"] == day(6)
        response = api.post(f"/penalty-tariffs/{body['id']}/end", {"valid_to": day(30)}, as_=pw.erin)
        assert data(response)["valid_to"] == day(30)
        audited(response, EventType.PENALTY_TARIFF_ENDED)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"amount": "600.00"}, "amount"),
            ({"discount_days": None}, "discounted_amount"),
            ({"valid_from": day(-3)}, "valid_from"),
        ],
    )
    def test_bad_tariffs_are_400(self, pw: World, api: Api, overrides: dict[str, Any], field: str) -> None:
        before = stored()
        error = assert_error(api.post("/penalty-tariffs", self.body(pw, **overrides), as_=pw.erin), 400)
        assert field in error["fields"]
        assert stored() == before

    def test_others_are_refused(self, pw: World, api: Api) -> None:
        before = stored()
        assert_error(api.post("/penalty-tariffs", self.body(pw), as_=pw.alice), 403)
        assert_error(api.post("/penalty-tariffs", self.body(pw), as_=pw.ivy), 403)
        assert_error(api.post("/penalty-tariffs", self.body(pw), as_=pw.gus), 404)
        tariff = PenaltyTariff.objects.filter(force=pw.force_a).first()
        assert tariff is not None
        assert_error(api.post(f"/penalty-tariffs/{tariff.pk}/end", {"valid_to": day()}, as_=pw.alice), 403)
        assert_error(api.post(f"/penalty-tariffs/{tariff.pk}/end", {"valid_to": day(-1)}, as_=pw.erin), 400)
        assert stored() == before


class TestDesignationWrites:
    def test_ivy_designates_detention_in_derbyshire(self, pw: World, api: Api) -> None:
        power = detain(pw, pw.force_b)
        body = {
            "power": power.pk,
            "valid_from": day(1),
            "extent": "limited",
            "conditions": "City centre only.",
            "parameters": {"limit_minutes": 15},
        }
        response = api.post("/force-designations", body, as_=pw.ivy)
        assert response.status_code == 201
        made = data(response)
        assert (made["force"], made["extent"], made["parameters"], made["in_force_today"]) == (
            "derbyshire",
            "limited",
            {"limit_minutes": 15},
            False,
        )
        audited(response, EventType.FORCE_DESIGNATION_CREATED)
        before = stored()
        error = assert_error(api.post("/force-designations", body, as_=pw.ivy), 400)
        assert "valid_from" in error["fields"]
        assert stored() == before
        response = api.post(f"/force-designations/{made['id']}/end", {"valid_to": day(3)}, as_=pw.ivy)
        assert data(response)["valid_to"] == day(3)
        audited(response, EventType.FORCE_DESIGNATION_ENDED)

    def test_refusals(self, pw: World, api: Api) -> None:
        power = detain(pw, pw.force_b)
        body = {"power": power.pk, "valid_from": day(1)}
        before = stored()
        assert_error(api.post("/force-designations", body, as_=pw.erin), 403)
        assert_error(api.post("/force-designations", body, as_=pw.hal), 403)
        assert_error(api.post("/force-designations", body, as_=pw.gus), 404)
        assert_error(api.post("/force-designations", body | {"parameters": {"limit_minutes": 60}}, as_=pw.ivy), 400)
        assert_error(api.post("/force-designations", body | {"extent": "limited"}, as_=pw.ivy), 400)
        assert_error(api.post("/force-designations", body | {"extent": "partly"}, as_=pw.ivy), 422)
        current = ForceDesignation.objects.filter(force=pw.force_a).first()
        assert current is not None
        assert_error(api.post(f"/force-designations/{current.pk}/end", {"valid_to": day(-1)}, as_=pw.erin), 400)
        assert_error(api.post(f"/force-designations/{current.pk}/end", {"valid_to": day()}, as_=pw.ivy), 403)
        assert_error(api.post("/force-designations/999999/end", {"valid_to": day()}, as_=pw.erin), 404)
        assert stored() == before
