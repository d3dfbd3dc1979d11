"""The incident pages: who reaches them, what they show, what they store, and what they refuse."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World
from beatbook.incidents import services
from beatbook.incidents.models import Alert, Incident, IncidentRules

THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")


def form_data(**overrides: Any) -> dict[str, Any]:
    when = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data: dict[str, Any] = {
        "occurred_at": when,
        "lat": "52.205",
        "lng": "0.119",
        "category": "anti-social-behaviour",
        "asb_qualifier": "nuisance",
        "asb_type": "noise",
        "description": "Loud music from a parked car.",
        "how_reported": "phone-101",
        "risk_level": "low",
        "client_uuid": str(uuid.uuid4()),
        **{f"thrive_{name}": "low" for name in THRIVE},
    }
    data.update(overrides)
    return data


def make(world: World, actor: str = "alice", days_ago: float = 1, **kw: Any) -> Incident:
    fields: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(days=days_ago),
        "lat": 52.205,
        "lng": 0.119,
        "category": "criminal-damage-arson",
        "description": "Graffiti on the bus shelter.",
        "how_reported": "patrol",
        "risk_level": "low",
        **{f"thrive_{name}": "low" for name in THRIVE},
    }
    people = kw.pop("people", None)
    fields.update(kw)
    return services.incident_create(actor=getattr(world, actor), data=services.IncidentData(**fields), people=people)


def events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


class TestAccess:
    @pytest.mark.parametrize("url", ["/incidents/", "/incidents/new/", "/incidents/map/", "/incidents/export.csv"])
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_outsiders_get_404_for_an_incident(self, world: World) -> None:
        incident = make(world)
        for persona in (world.charlie, world.hal, world.gus):
            assert world.client_for(persona).get(f"/incidents/{incident.pk}/").status_code == 404
            assert world.client_for(persona).get(f"/incidents/{incident.pk}/edit/").status_code == 404

    def test_readers_who_do_not_record_get_403_on_changes(self, world: World) -> None:
        incident = make(world)
        for persona in (world.dee, world.fay):
            client = world.client_for(persona)
            assert client.get(f"/incidents/{incident.pk}/").status_code == 200
            assert client.get(f"/incidents/{incident.pk}/edit/").status_code == 403
            response = client.post(f"/incidents/{incident.pk}/status/", {"status": "attended", "version": 1})
            assert response.status_code == 403
            assert client.get("/incidents/new/").status_code == 403
        incident.refresh_from_db()
        assert incident.status == "open"

    def test_wrong_methods_are_405(self, world: World) -> None:
        incident = make(world)
        client = world.client_for(world.alice)
        assert client.get(f"/incidents/{incident.pk}/status/").status_code == 405
        assert client.post("/incidents/map.geojson").status_code == 405
        assert client.delete(f"/incidents/{incident.pk}/").status_code == 405

    def test_only_force_admins_set_the_thresholds(self, world: World) -> None:
        assert world.client_for(world.alice).get("/incidents/rules/").status_code == 403
        assert world.client_for(world.erin).get("/incidents/rules/").status_code == 200


class TestLogging:
    def test_a_pcso_logs_an_incident_with_a_victim(self, world: World) -> None:
        client = world.client_for(world.alice)
        data = form_data(**{"person-involvement": "victim", "person-name": "Ann Lee", "person-address": "2 Hills Road"})
        response = client.post("/incidents/new/", data)
        incident = Incident.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/incidents/{incident.pk}/"
        assert incident.neighbourhood == world.a1
        assert incident.reference.startswith("CAMBS-INC-")
        assert [p.name for p in incident.people.all()] == ["Ann Lee"]
        assert events(EventType.INCIDENT_CREATED) == 1

    def test_a_double_submission_is_stored_once(self, world: World) -> None:
        client = world.client_for(world.alice)
        data = form_data()
        assert client.post("/incidents/new/", data).status_code == 302
        assert client.post("/incidents/new/", data).status_code == 302
        assert Incident.objects.count() == 1

    def test_a_grid_reference_places_it_when_the_map_was_not_used(self, world: World) -> None:
        client = world.client_for(world.alice)
        assert (
            client.post("/incidents/new/", form_data(lat="", lng="", grid_reference="TL 4516 5825")).status_code == 302
        )
        assert Incident.objects.get().neighbourhood == world.a1

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"lat": "52.922", "lng": "-1.476"}, "outside your force"),
            ({"lat": "", "lng": ""}, "Give the location"),
            ({"occurred_at": "2099-01-01T10:00"}, "in the future"),
            ({"occurred_at": "not a time"}, "Enter a real date and time"),
            ({"asb_qualifier": ""}, "personal, nuisance or environmental"),
            ({"category": "burglary"}, "only for anti-social behaviour"),
            ({"grid_reference": "XX 12", "lat": "", "lng": ""}, "grid reference"),
            ({"description": ""}, "Say what happened"),
            ({"thrive_harm": ""}, "Choose a level"),
            ({"person-name": "Someone"}, "Choose how the person was involved"),
            ({"person-involvement": "witness"}, "or tick"),
            ({"person-involvement": "suspect", "person-is_unknown": "on"}, "Describe the unknown person"),
        ],
    )
    def test_bad_input_is_refused_with_a_field_error_and_nothing_stored(
        self, world: World, overrides: dict[str, str], message: str
    ) -> None:
        before = AuditEvent.objects.count()
        response = world.client_for(world.alice).post("/incidents/new/", form_data(**overrides))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert Incident.objects.count() == 0
        assert AuditEvent.objects.count() == before

    def test_the_third_incident_against_a_victim_shows_the_flag_and_a_home_page_alert(self, world: World) -> None:
        victim = [services.PersonData(involvement="victim", name="Tom Reed")]
        make(world, days_ago=10, people=victim)
        make(world, days_ago=5, people=victim)
        client = world.client_for(world.alice)
        data = form_data(**{"person-involvement": "victim", "person-name": "Tom Reed"})
        client.post("/incidents/new/", data)
        latest = Incident.objects.order_by("-id").first()
        assert latest is not None and latest.is_repeat_victim
        page = client.get(f"/incidents/{latest.pk}/").content.decode()
        assert 'data-testid="flag-repeat-victim"' in page
        home = client.get("/").content.decode()
        assert "Repeat victim" in home and "Tom Reed" in home
        assert "Tom Reed" not in world.client_for(world.charlie).get("/").content.decode()
        assert "Tom Reed" in world.client_for(world.bob).get("/").content.decode()


class TestReading:
    def test_opening_an_incident_is_audited(self, world: World) -> None:
        incident = make(world)
        world.client_for(world.bob).get(f"/incidents/{incident.pk}/")
        viewed = AuditEvent.objects.get(event_type=EventType.INCIDENT_VIEWED)
        assert viewed.actor == world.bob
        assert viewed.object_id == str(incident.pk)

    def test_the_list_filters(self, world: World) -> None:
        asb = make(world, category="anti-social-behaviour", asb_qualifier="personal", days_ago=3)
        damage = make(world, days_ago=40)
        client = world.client_for(world.alice)

        def refs(query: str) -> set[str]:
            page = client.get(f"/incidents/?{query}").content.decode()
            return {i.reference for i in (asb, damage) if i.reference in page}

        assert refs("") == {asb.reference, damage.reference}
        assert refs("category=anti-social-behaviour") == {asb.reference}
        since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
        assert refs(f"date_from={since}") == {asb.reference}
        assert refs("status=closed") == set()
        assert refs(f"reference={damage.reference}") == {damage.reference}
        assert refs("date_from=rubbish&category=nonsense") == {asb.reference, damage.reference}  # bad filters ignored

    def test_the_list_costs_the_same_queries_for_one_or_many_incidents(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        client = world.client_for(world.bob)
        make(world)
        client.get("/incidents/")  # warm the session and content types
        with django_assert_max_num_queries(16) as one:
            client.get("/incidents/")
        for n in range(15):
            make(world, days_ago=n + 2)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get("/incidents/")
        assert response.status_code == 200

    def test_the_map_data_is_geojson_of_visible_incidents_only(self, world: World) -> None:
        make(world)
        make(world, actor="charlie", lat=52.185, lng=0.17)
        data = world.client_for(world.alice).get("/incidents/map.geojson").json()
        assert data["type"] == "FeatureCollection"
        assert data["total"] == 1
        assert data["features"][0]["geometry"]["type"] == "Point"
        assert world.client_for(world.bob).get("/incidents/map.geojson").json()["total"] == 2

    def test_the_csv_export_is_audited_and_scoped(self, world: World) -> None:
        mine = make(world, people=[services.PersonData(involvement="victim", name="Private Name")])
        theirs = make(world, actor="charlie", lat=52.185, lng=0.17)
        response = world.client_for(world.alice).get("/incidents/export.csv")
        body = response.getvalue().decode()
        assert response["Content-Type"].startswith("text/csv")
        assert mine.reference in body and theirs.reference not in body
        assert "Private Name" not in body
        exported = AuditEvent.objects.get(event_type=EventType.INCIDENTS_EXPORTED)
        assert exported.after is not None and exported.after["rows"] == 1


class TestChanging:
    def test_the_status_flow_and_a_stale_save(self, world: World) -> None:
        incident = make(world)
        alice, bob = world.client_for(world.alice), world.client_for(world.bob)
        assert bob.post(f"/incidents/{incident.pk}/status/", {"status": "attended", "version": 1}).status_code == 302
        stale = alice.post(f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": 1})
        assert stale.status_code == 400
        assert "Bob changed this incident" in stale.content.decode()
        incident.refresh_from_db()
        assert incident.status == "attended"
        closing = alice.post(f"/incidents/{incident.pk}/status/", {"status": "closed", "version": 2})
        assert closing.status_code == 400
        assert alice.post(f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": 2}).status_code == 302
        no_outcome = alice.post(f"/incidents/{incident.pk}/status/", {"status": "closed", "version": 3})
        assert "Give the outcome" in no_outcome.content.decode()
        done = alice.post(
            f"/incidents/{incident.pk}/status/", {"status": "closed", "version": 3, "outcome": "Words of advice."}
        )
        assert done.status_code == 302
        incident.refresh_from_db()
        assert (incident.status, incident.outcome) == ("closed", "Words of advice.")

    def test_edit_keeps_the_version_and_refuses_a_stale_copy(self, world: World) -> None:
        incident = make(world)
        client = world.client_for(world.alice)
        form = client.get(f"/incidents/{incident.pk}/edit/").content.decode()
        assert 'name="version" value="1"' in form
        data = form_data(category="criminal-damage-arson", asb_qualifier="", asb_type="", version="1")
        assert client.post(f"/incidents/{incident.pk}/edit/", data).status_code == 302
        incident.refresh_from_db()
        assert incident.version == 2 and incident.description == "Loud music from a parked car."
        again = client.post(f"/incidents/{incident.pk}/edit/", dict(data, description="Overwrite", version="1"))
        assert again.status_code == 400
        incident.refresh_from_db()
        assert incident.description == "Loud music from a parked car."

    def test_correcting_the_neighbourhood_needs_a_reason(self, world: World) -> None:
        incident = make(world)
        client = world.client_for(world.bob)
        refused = client.post(f"/incidents/{incident.pk}/neighbourhood/", {"neighbourhood": world.a2.pk, "version": 1})
        assert refused.status_code == 400
        data = {"neighbourhood": world.a2.pk, "reason": "The street is policed from Cherry Hinton.", "version": 1}
        assert client.post(f"/incidents/{incident.pk}/neighbourhood/", data).status_code == 302
        incident.refresh_from_db()
        assert incident.neighbourhood == world.a2
        assert AuditEvent.objects.get(event_type=EventType.INCIDENT_NEIGHBOURHOOD_CORRECTED).reason.startswith(
            "The street"
        )

    def test_adding_a_person(self, world: World) -> None:
        incident = make(world)
        client = world.client_for(world.alice)
        assert client.post(f"/incidents/{incident.pk}/people/", {"person-name": "No role"}).status_code == 400
        data = {"person-involvement": "witness", "person-name": "Sam Hart"}
        assert client.post(f"/incidents/{incident.pk}/people/", data).status_code == 302
        assert [p.name for p in incident.people.all()] == ["Sam Hart"]

    def test_acknowledging_an_alert_takes_it_off_the_home_page(self, world: World) -> None:
        victim = [services.PersonData(involvement="victim", name="Lou Park")]
        for days in (9, 6, 3):
            make(world, days_ago=days, people=victim)
        alert = Alert.objects.get(kind="repeat_victim")
        assert world.client_for(world.charlie).post(f"/incidents/alerts/{alert.pk}/acknowledge/").status_code == 404
        response = world.client_for(world.bob).post(
            f"/incidents/alerts/{alert.pk}/acknowledge/", {"next": "https://evil.example/"}
        )
        assert response.status_code == 302 and response["Location"] == "/"
        alert.refresh_from_db()
        assert alert.acknowledged_by == world.bob
        home = world.client_for(world.alice).get("/").content.decode()
        assert f"/incidents/alerts/{alert.pk}/acknowledge/" not in home
        assert world.client_for(world.bob).post(f"/incidents/alerts/{alert.pk}/acknowledge/").status_code == 302
        assert AuditEvent.objects.filter(event_type=EventType.ALERT_ACKNOWLEDGED).count() == 1

    def test_a_force_admin_sets_the_thresholds(self, world: World) -> None:
        client = world.client_for(world.erin)
        bad = client.post("/incidents/rules/", {**self.rules(), "trigger_threshold": 4})
        assert bad.status_code == 400
        assert not IncidentRules.objects.exists()
        assert client.post("/incidents/rules/", self.rules()).status_code == 302
        rules = IncidentRules.objects.get(force=world.force_a)
        assert (rules.repeat_count, rules.repeat_radius_m) == (2, 75)
        assert events(EventType.INCIDENT_RULES_UPDATED) == 1

    @staticmethod
    def rules() -> dict[str, int]:
        return {
            "repeat_count": 2,
            "repeat_window_days": 60,
            "repeat_radius_m": 75,
            "trigger_threshold": 3,
            "trigger_window_months": 6,
        }


def test_a_pcso_cannot_move_someone_elses_incident_out_of_her_own_neighbourhoods(world: World) -> None:
    incident = make(world, actor="bob")
    data = {"neighbourhood": world.a2.pk, "reason": "Wrong side of the road.", "version": 1}
    refused = world.client_for(world.alice).post(f"/incidents/{incident.pk}/neighbourhood/", data)
    assert refused.status_code == 400
    assert "ask a supervisor" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.neighbourhood == world.a1
    mine = make(world)
    assert world.client_for(world.alice).post(f"/incidents/{mine.pk}/neighbourhood/", data).status_code == 302


def test_someone_who_may_not_change_an_incident_is_not_told_who_changed_it(world: World) -> None:
    incident = make(world)
    services.incident_set_status(actor=world.bob, incident=incident, status="attended", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.incident_set_status(actor=world.dee, incident=incident, status="resolved", expected_version=1)
