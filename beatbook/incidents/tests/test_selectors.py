"""Reads of incidents and alerts: scoped in SQL to the actor, filters, the audited read, the map;
and the policy's area-level actions for every persona."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.core.testing import World
from beatbook.incidents import selectors, services
from beatbook.incidents.models import Alert, AlertKind, Incident, Status
from beatbook.incidents.reference import Category, Level
from beatbook.incidents.selectors import Flag, IncidentFilters
from beatbook.org import policy
from beatbook.org.models import Neighbourhood

from .factories import A1_CENTRE, A2_CENTRE, B1_CENTRE, a1_spot, ago, at, create, moved, person, victim

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "charlie", "dee", "erin", "fay", "gus", "hal", "ivy"]


def refs(incidents: Any) -> set[str]:
    return {incident.reference for incident in incidents}


class Incidents:
    """One incident in each neighbourhood, recorded by those who work there."""

    def __init__(self, world: World) -> None:
        self.a1 = create(world.alice)
        self.a2 = create(world.charlie, **at(A2_CENTRE))
        self.b1 = create(world.hal, **at(B1_CENTRE))
        # Alice recorded this one in A2 (a call she took on the way through Cherry Hinton).
        self.alices_a2 = create(world.alice, **at(A2_CENTRE), description="On the way back")


class VisibilityTests:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("alice", {"a1", "alices_a2"}),
            ("charlie", {"a2", "alices_a2"}),
            ("bob", {"a1", "a2", "alices_a2"}),
            ("dee", {"a1", "a2", "alices_a2"}),
            ("fay", {"a1", "a2", "alices_a2"}),
            ("erin", {"a1", "a2", "alices_a2"}),
            ("gus", set()),
            ("hal", {"b1"}),
            ("ivy", {"b1"}),
        ],
    )
    def test_scope(self, world: World, who: str, expected: set[str]) -> None:
        made = Incidents(world)
        wanted = {getattr(made, name).reference for name in expected}
        assert refs(selectors.incidents_visible_to(getattr(world, who))) == wanted

    def test_anonymous_sees_none_and_the_system_all(self, world: World) -> None:
        Incidents(world)
        assert not selectors.incidents_visible_to(AnonymousUser()).exists()
        assert selectors.incidents_visible_to(world.system).count() == 4

    def test_an_incident_she_recorded_stays_hers_when_moved_away(self, world: World) -> None:
        incident = create(world.alice)
        services.incident_correct_neighbourhood(
            actor=world.bob, incident=incident, neighbourhood=world.a2, reason="Wrong side", expected_version=1
        )
        assert incident in selectors.incidents_visible_to(world.alice)
        assert incident in selectors.incidents_visible_to(world.charlie)

    def test_one_incident_out_of_scope_is_not_found(self, world: World) -> None:
        made = Incidents(world)
        with pytest.raises(Http404):
            selectors.incident_get_for(actor=world.charlie, incident_id=made.a1.pk)
        with pytest.raises(Http404):
            selectors.incident_by_reference(actor=world.gus, reference=made.a1.reference)
        found = selectors.incident_by_reference(actor=world.bob, reference=f" {made.a1.reference.lower()} ")
        assert found == made.a1

    def test_may_change_follows_recording_not_seeing(self, world: World) -> None:
        made = Incidents(world)
        assert selectors.may_change(world.alice, made.a1) and selectors.may_change(world.alice, made.alices_a2)
        assert not selectors.may_change(world.alice, made.a2)
        assert selectors.may_change(world.bob, made.a2)
        for who in ("dee", "erin", "fay", "gus", "hal"):
            assert not selectors.may_change(getattr(world, who), made.a1), who


class OpenForTests:
    def test_opening_an_incident_is_audited(self, world: World) -> None:
        incident = create(world.alice, people=[victim()])
        opened = selectors.incident_open_for(
            actor=world.dee, incident_id=incident.pk, meta=AuditMeta(request_id="req-view-1")
        )
        assert opened == incident and [p.name for p in opened.people.all()] == ["Jane Doe"]
        [row] = AuditEvent.objects.filter(event_type=EventType.INCIDENT_VIEWED, object_id=str(incident.pk))
        assert row.actor == world.dee and row.request_id == "req-view-1"
        assert row.neighbourhood_id == world.a1.pk and row.after is None

    def test_out_of_scope_is_not_found_and_not_audited(self, world: World) -> None:
        incident = create(world.alice)
        with pytest.raises(Http404):
            selectors.incident_open_for(actor=world.hal, incident_id=incident.pk)
        assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_VIEWED).exists()


def london_time(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


class FilterTests:
    def test_dates_are_london_dates_inclusive(self, world: World) -> None:
        late = create(world.alice, occurred_at=london_time(2025, 6, 1, 23, 30))  # 22:30 UTC
        small_hours = create(world.alice, occurred_at=london_time(2025, 6, 2, 0, 30))  # 23:30 UTC on 1 June
        next_day = create(world.alice, occurred_at=london_time(2025, 6, 3, 12, 0))

        def matching(**kwargs: Any) -> set[str]:
            return refs(selectors.incidents_matching(world.alice, IncidentFilters(**kwargs)))

        first, second = dt.date(2025, 6, 1), dt.date(2025, 6, 2)
        assert matching(date_from=first, date_to=first) == {late.reference}
        assert matching(date_from=second, date_to=second) == {small_hours.reference}
        assert matching(date_from=second) == {small_hours.reference, next_day.reference}
        assert matching(date_to=second) == {late.reference, small_hours.reference}

    def test_category_status_neighbourhood_and_reference(self, world: World) -> None:
        drugs = create(world.bob, category=Category.DRUGS)
        asb = create(world.bob, asb=True, **at(A2_CENTRE))
        services.incident_set_status(actor=world.bob, incident=asb, status=Status.ATTENDED, expected_version=1)

        def matching(**kwargs: Any) -> set[str]:
            return refs(selectors.incidents_matching(world.bob, IncidentFilters(**kwargs)))

        assert matching(category=Category.DRUGS) == {drugs.reference}
        assert matching(status=Status.ATTENDED) == {asb.reference}
        assert matching(status=Status.OPEN) == {drugs.reference}
        assert matching(neighbourhood_id=world.a2.pk) == {asb.reference}
        assert matching(reference=asb.reference[-6:]) == {asb.reference}
        assert matching(reference=" cambs-inc ") == {drugs.reference, asb.reference}
        assert matching(category=Category.DRUGS, neighbourhood_id=world.a2.pk) == set()

    def test_a_filter_never_widens_the_scope(self, world: World) -> None:
        made = Incidents(world)
        found = selectors.incidents_matching(world.charlie, IncidentFilters(neighbourhood_id=world.a1.pk))
        assert refs(found) == set()
        found = selectors.incidents_matching(world.charlie, IncidentFilters(reference=made.b1.reference))
        assert refs(found) == set()

    def test_person_by_name_or_address(self, world: World) -> None:
        jane = create(world.alice, people=[victim("Jane Doe", address="14 Mill Road")])
        ron = create(world.alice, people=[person(name="Ron Porter", address="3 Station Road")], **at(a1_spot(1)))
        create(world.alice, **at(a1_spot(2)))

        def matching(term: str) -> set[str]:
            return refs(selectors.incidents_matching(world.alice, IncidentFilters(person=term)))

        assert matching("doe") == {jane.reference}
        assert matching("  station road ") == {ron.reference}
        assert matching("road") == {jane.reference, ron.reference}
        assert matching("nobody") == set()

    def test_flags(self, world: World) -> None:
        plain = create(world.alice)
        victim_flagged = create(world.alice, **at(a1_spot(1)))
        place_flagged = create(world.alice, **at(a1_spot(2)))
        vulnerable = create(world.alice, people=[victim(is_vulnerable=True)], **at(a1_spot(3)))
        high = create(world.alice, risk_level=Level.HIGH, **at(a1_spot(4)))
        Incident.objects.filter(pk=victim_flagged.pk).update(is_repeat_victim=True)
        Incident.objects.filter(pk=place_flagged.pk).update(is_repeat_location=True)

        def matching(flag: str) -> set[str]:
            return refs(selectors.incidents_matching(world.alice, IncidentFilters(flag=flag)))

        assert matching(Flag.REPEAT_VICTIM) == {victim_flagged.reference}
        assert matching(Flag.REPEAT_LOCATION) == {place_flagged.reference}
        assert matching(Flag.ANY_REPEAT) == {victim_flagged.reference, place_flagged.reference}
        assert matching(Flag.VULNERABLE) == {vulnerable.reference}
        assert matching(Flag.HIGH_RISK) == {high.reference}
        assert len(matching("")) == 5 and plain.reference in matching("")

    def test_as_dict_keeps_only_what_was_set(self) -> None:
        filters = IncidentFilters(date_from=dt.date(2025, 6, 1), category=Category.DRUGS, neighbourhood_id=3)
        assert filters.as_dict() == {"date_from": "2025-06-01", "category": "drugs", "neighbourhood_id": 3}


def location_alert(world: World, point: tuple[float, float], actor: Any) -> Alert:
    for north in (0, 10, 20):
        create(actor, occurred_at=ago(days=north + 1), **at(moved(point, north_m=north)))
    return Alert.objects.filter(kind=AlertKind.REPEAT_LOCATION).latest("id")


class AlertsOpenForTests:
    def test_each_sees_the_open_alerts_of_where_they_record(self, world: World) -> None:
        in_a1 = location_alert(world, A1_CENTRE, world.alice)
        in_a2 = location_alert(world, A2_CENTRE, world.charlie)
        location_alert(world, B1_CENTRE, world.hal)

        def open_for(who: str) -> set[int]:
            return {alert.pk for alert in selectors.alerts_open_for(getattr(world, who))}

        assert open_for("alice") == {in_a1.pk}
        assert open_for("charlie") == {in_a2.pk}
        assert open_for("bob") == {in_a1.pk, in_a2.pk}
        for who in ("dee", "erin", "fay", "gus", "ivy"):  # analysts and the rest do not record incidents
            assert open_for(who) == set(), who
        services.alert_acknowledge(actor=world.bob, alert=in_a1)
        assert open_for("alice") == set() and open_for("bob") == {in_a2.pk}
        # Acknowledged alerts stay visible with their incident.
        assert in_a1 in selectors.alerts_visible_to(world.dee)
        assert in_a1 not in selectors.alerts_visible_to(world.charlie)
        assert selectors.alert_get_for(actor=world.alice, alert_id=in_a1.pk) == in_a1
        with pytest.raises(Http404):
            selectors.alert_get_for(actor=world.charlie, alert_id=in_a1.pk)


class MapFeaturesTests:
    def test_a_feature_collection_of_points(self, world: World) -> None:
        incident = create(world.alice, category=Category.DRUGS)
        Incident.objects.filter(pk=incident.pk).update(is_repeat_location=True)
        collection = selectors.map_features(world.alice, IncidentFilters())
        assert collection["type"] == "FeatureCollection"
        assert (collection["total"], collection["truncated"]) == (1, False)
        [feature] = collection["features"]
        assert feature == {
            "type": "Feature",
            "id": incident.pk,
            "geometry": {"type": "Point", "coordinates": [A1_CENTRE[1], A1_CENTRE[0]]},
            "properties": {
                "reference": incident.reference,
                "category": "drugs",
                "status": "open",
                "occurred_at": incident.occurred_at.isoformat(),
                "repeat": True,
            },
        }

    def test_truncated_at_the_limit_newest_first(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 2)
        made = [create(world.alice, occurred_at=ago(days=d), **at(a1_spot(d))) for d in (3, 1, 2)]
        collection = selectors.map_features(world.alice, IncidentFilters())
        assert collection["truncated"] is True and collection["total"] == 3
        assert [f["id"] for f in collection["features"]] == [made[1].pk, made[2].pk]

    def test_exactly_at_the_limit_is_not_truncated(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 2)
        for d in (1, 2):
            create(world.alice, occurred_at=ago(days=d), **at(a1_spot(d)))
        collection = selectors.map_features(world.alice, IncidentFilters())
        assert (collection["total"], collection["truncated"], len(collection["features"])) == (2, False, 2)

    def test_nothing_for_a_partner(self, world: World) -> None:
        create(world.alice)
        collection = selectors.map_features(world.gus, IncidentFilters())
        assert collection["features"] == [] and collection["total"] == 0


class NeighbourhoodAtTests:
    def test_finds_the_neighbourhood_of_the_given_forces(self, world: World) -> None:
        force_a = [world.force_a.pk]
        assert selectors.neighbourhood_at(lat=A1_CENTRE[0], lng=A1_CENTRE[1], force_ids=force_a) == world.a1
        assert selectors.neighbourhood_at(lat=A2_CENTRE[0], lng=A2_CENTRE[1], force_ids=force_a) == world.a2
        assert selectors.neighbourhood_at(lat=B1_CENTRE[0], lng=B1_CENTRE[1], force_ids=force_a) is None

    def test_an_edge_belongs_and_an_inactive_neighbourhood_does_not(self, world: World) -> None:
        force_a = [world.force_a.pk]
        edge = (A1_CENTRE[0] + 0.01, A1_CENTRE[1])
        assert selectors.neighbourhood_at(lat=edge[0], lng=edge[1], force_ids=force_a) == world.a1
        Neighbourhood.objects.filter(pk=world.a1.pk).update(is_active=False)
        assert selectors.neighbourhood_at(lat=A1_CENTRE[0], lng=A1_CENTRE[1], force_ids=force_a) is None


class RecordIncidentPolicyTests:
    """RECORD_INCIDENT is area-level: PCSOs, officers and supervisors, where their postings cover."""

    @pytest.mark.parametrize(
        ("who", "codes"),
        [
            ("alice", {"CC01"}),
            ("bob", {"CC01", "CH02"}),
            ("charlie", {"CH02"}),
            ("dee", set()),
            ("erin", set()),
            ("fay", set()),
            ("gus", set()),
            ("hal", {"DC01"}),
            ("ivy", set()),
        ],
    )
    def test_neighbourhoods_for(self, world: World, who: str, codes: set[str]) -> None:
        found = policy.neighbourhoods_for(getattr(world, who), policy.Action.RECORD_INCIDENT)
        assert {nb.code for nb in found} == codes
        assert {nb.code for nb in selectors.recording_neighbourhoods(getattr(world, who))} == codes

    @pytest.mark.parametrize("who", PERSONAS)
    def test_can_matches_neighbourhoods_for(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        allowed = set(policy.neighbourhoods_for(actor, policy.Action.RECORD_INCIDENT))
        for area in (world.a1, world.a2, world.b1):
            assert policy.can(actor, policy.Action.RECORD_INCIDENT, area) == (area in allowed), (who, area)

    def test_on_an_incident_it_is_the_incidents_neighbourhood(self, world: World) -> None:
        incident = create(world.bob, **at(A2_CENTRE))
        assert policy.can(world.charlie, policy.Action.RECORD_INCIDENT, incident)
        assert not policy.can(world.alice, policy.Action.RECORD_INCIDENT, incident)

    def test_force_level_actions_give_no_areas_and_the_system_records_anywhere(self, world: World) -> None:
        assert not policy.neighbourhoods_for(world.erin, policy.Action.MANAGE_INCIDENT_RULES).exists()
        assert not policy.neighbourhoods_for(AnonymousUser(), policy.Action.RECORD_INCIDENT).exists()
        assert policy.neighbourhoods_for(world.system, policy.Action.RECORD_INCIDENT).count() == 3

    @pytest.mark.parametrize("who", PERSONAS)
    def test_manage_incident_rules_is_the_force_admins(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        expected = {"erin": {"cambridgeshire"}, "ivy": {"derbyshire"}}.get(who, set())
        assert {f.slug for f in policy.forces_where(actor, policy.Action.MANAGE_INCIDENT_RULES)} == expected
        assert policy.can(actor, policy.Action.MANAGE_INCIDENT_RULES, world.force_a) == (who == "erin")
