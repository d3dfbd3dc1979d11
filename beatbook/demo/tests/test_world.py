"""The demo world's shape: believable forces, areas, people, boundaries, and an audited trail."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from shapely.geometry import shape

from beatbook.audit.chain import verify
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core import geo
from beatbook.demo import seeding
from beatbook.demo.world import FIRST_NAMES, FORCES, SURNAMES
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role, Team

pytestmark = pytest.mark.django_db


class WorldShapeTests:
    def test_the_three_forces(self, demo_world: seeding.SeedReport) -> None:
        forces = {f.slug: f for f in Force.objects.all()}
        assert {slug: (f.name, f.short_code, f.country, f.telephone, f.url) for slug, f in forces.items()} == {
            "cumbria": ("Cumbria Constabulary", "CUMB", "england", "101", "https://www.cumbria.police.uk/"),
            "cambridgeshire": (
                "Cambridgeshire Constabulary",
                "CAMBS",
                "england",
                "101",
                "https://www.cambs.police.uk/",
            ),
            "derbyshire": ("Derbyshire Constabulary", "DERBYS", "england", "101", "https://www.derbyshire.police.uk/"),
        }

    def test_neighbourhoods_teams_and_partners_per_force(self, demo_world: seeding.SeedReport) -> None:
        for force in Force.objects.all():
            nbs = list(force.neighbourhoods.all())
            assert 5 <= len(nbs) <= 6
            assert len({nb.code for nb in nbs}) == len(nbs)
            assert all(nb.code.isalnum() and len(nb.code) <= 6 for nb in nbs)
            assert all(2_000 <= nb.population <= 60_000 for nb in nbs)
            teams = list(force.teams.prefetch_related("neighbourhoods"))
            assert 2 <= len(teams) <= 3
            assert all(2 <= len(team.neighbourhoods.all()) <= 3 for team in teams)
            kinds = set(force.partners.values_list("kind", flat=True))
            assert kinds == set(PartnerOrganisation.Kind.values) - {"other"}

    def test_people_per_neighbourhood_team_and_force(self, demo_world: seeding.SeedReport) -> None:
        current = Posting.objects.filter(valid_to__isnull=True)
        for nb in Neighbourhood.objects.all():
            roles = Counter(current.filter(neighbourhood=nb).values_list("role", flat=True))
            assert 2 <= roles[Role.PCSO] <= 3, nb
            assert 1 <= roles[Role.OFFICER] <= 2, nb
        for team in Team.objects.all():
            assert current.filter(team=team, role=Role.SUPERVISOR).count() == 1
        expected = {Role.TUTOR: 2, Role.ASSESSOR: 1, Role.TRAINER: 1, Role.ANALYST: 1, Role.RECRUITER: 1}
        expected |= {Role.FORCE_ADMIN: 1, Role.AUDITOR: 1, Role.PARTNER: 2}
        for force in Force.objects.all():
            roles = Counter(current.filter(force=force).values_list("role", flat=True))
            assert {role: roles[role] for role in expected} == expected
            assert Person.objects.filter(force=force, partner_organisation__isnull=False).count() == 2

    def test_collar_numbers_are_unique_per_force_and_ranks_are_titled(self, demo_world: seeding.SeedReport) -> None:
        for force in Force.objects.all():
            collars = [c for c in force.people.values_list("collar_number", flat=True) if c]
            assert len(collars) == len(set(collars))
        pcso = Person.objects.get(username="pcso")
        assert pcso.rank_title == "PCSO"
        assert pcso.collar_number.startswith("7")
        assert Person.objects.get(username="supervisor").rank_title == "Sergeant"
        assert Person.objects.get(username="officer").rank_title == "PC"
        assert Person.objects.get(username="tutor").rank_title == "Tutor Constable"
        assert Person.objects.get(username="partner").collar_number == ""

    def test_names_are_unique_and_british(self, demo_world: seeding.SeedReport) -> None:
        names = list(Person.objects.filter(is_system=False).values_list("display_name", flat=True))
        assert len(names) == len(set(names)) == demo_world.people
        for name in names:
            first, last = name.split(" ", 1)
            assert first in FIRST_NAMES and last in SURNAMES, name

    def test_people_have_posting_history(self, demo_world: seeding.SeedReport) -> None:
        ended = Posting.objects.filter(valid_to__isnull=False)
        assert ended.count() >= 10
        pcso = Person.objects.get(username="pcso")
        history = list(pcso.postings.order_by("valid_from"))
        assert len(history) == 2
        assert history[0].valid_to is not None
        assert history[0].neighbourhood != history[1].neighbourhood
        assert Person.objects.filter(is_active=False, is_system=False).count() == 3  # one leaver per force


class BoundaryTests:
    def test_every_boundary_is_valid_in_the_uk_and_believably_sized(self, demo_world: seeding.SeedReport) -> None:
        for nb in Neighbourhood.objects.all():
            polygon = shape(nb.boundary)
            assert polygon.is_valid, nb
            assert 8 <= len(polygon.exterior.coords) - 1 <= 16, nb
            min_lng, min_lat, max_lng, max_lat = polygon.bounds
            assert geo.in_uk(min_lat, min_lng) and geo.in_uk(max_lat, max_lng), nb
            height_km = (max_lat - min_lat) * 111.32
            assert 1.5 <= height_km <= 6.5, (nb, height_km)
            spec = next(p for f in FORCES for p in f.places if p.code == nb.code and f.slug == nb.force.slug)
            assert geo.contains(nb.boundary, spec.lat, spec.lng), nb  # drawn round the real centre

    def test_no_two_boundaries_of_a_force_overlap(self, demo_world: seeding.SeedReport) -> None:
        for force in Force.objects.all():
            shapes = [(nb.name, shape(nb.boundary)) for nb in force.neighbourhoods.all()]
            for i, (name_a, a) in enumerate(shapes):
                for name_b, b in shapes[i + 1 :]:
                    assert not a.intersects(b), (name_a, name_b)

    def test_carlisle_rural_north_lies_north_of_the_city_centre(self, demo_world: seeding.SeedReport) -> None:
        centre = shape(Neighbourhood.objects.get(name="Carlisle City Centre").boundary)
        rural = shape(Neighbourhood.objects.get(name="Carlisle Rural North").boundary)
        assert rural.bounds[1] > centre.bounds[3]  # its southern edge is north of the centre's northern edge

    def test_polygons_are_deterministic_and_star_shaped(self) -> None:
        first = seeding.boundary_polygon(random.Random(1), lat=54.0, lng=-2.0, radius_km=2.0)
        again = seeding.boundary_polygon(random.Random(1), lat=54.0, lng=-2.0, radius_km=2.0)
        assert first == again
        for seed in range(200):
            polygon = shape(seeding.boundary_polygon(random.Random(seed), lat=54.0, lng=-2.0, radius_km=2.0))
            assert polygon.is_valid and polygon.exterior.is_ccw


class AuditTests:
    def test_every_row_has_its_audit_event(self, demo_world: seeding.SeedReport) -> None:
        events = Counter(AuditEvent.objects.values_list("event_type", flat=True))
        assert events[EventType.FORCE_CREATED] == Force.objects.count() == 3
        assert events[EventType.NEIGHBOURHOOD_CREATED] == Neighbourhood.objects.count()
        assert events[EventType.TEAM_CREATED] == Team.objects.count()
        assert events[EventType.PARTNER_CREATED] == PartnerOrganisation.objects.count()
        assert events[EventType.PERSON_CREATED] == Person.objects.filter(is_system=False).count() == demo_world.people
        assert events[EventType.POSTING_CREATED] == Posting.objects.count() == demo_world.postings
        assert events[EventType.POSTING_ENDED] == Posting.objects.filter(valid_to__isnull=False).count()
        assert events[EventType.PERSON_DEACTIVATED] == 3

    def test_the_audit_chain_verifies(self, demo_world: seeding.SeedReport) -> None:
        report = verify()
        assert report.ok, report.broken
        assert report.events == AuditEvent.objects.count()
        assert report.chains == 3  # one per force: every seeded row belongs to a force
