"""Build the demo world through the organisation services, so every row has its audit event.

Deterministic: the same seed gives the same names, codes, boundaries, numbers and postings
(`random.Random(seed)`, never the global generator; dates are fixed, not relative to today).
One transaction per force.

The one exception to fixed dates is the year of incidents (`incidents.py`), which `seed_demo`
loads after the world: it runs up to yesterday, because alerts, "this week" and the status of
recent incidents only make sense near today. It is deterministic for a given seed and end date.

Password hashing: the services hash every password with the default hasher. Django's
PBKDF2 default costs about 0.6 s a password on a 2-core machine, which would make the seed take
over a minute, so the seed hashes with the same algorithm and fewer iterations
(`DemoSeedHasher`). The stored values are ordinary `pbkdf2_sha256$...` hashes: the default hasher
checks them and re-hashes with its full iteration count at the first login. Accounts that are not
demo logins get a random password nobody knows, so only the demo logins can log in.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.db import transaction
from django.test.utils import override_settings
from shapely.geometry import shape

from beatbook.org import services
from beatbook.org.models import Country, Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role, Team

from .logins import DEMO_LOGINS, DEMO_PASSWORD
from .world import FIRST_NAMES, FORCE_DESCRIPTION, FORCES, SURNAMES, ForceSpec, PlaceSpec

DEFAULT_SEED = 2026
KM_PER_DEGREE_LAT = 111.32
# Current postings start between these dates, earlier ones before them: fixed, so that the same
# seed gives the same postings whatever day it runs (all are in the past).
FIRST_START = dt.date(2021, 1, 4)
LAST_START = dt.date(2025, 9, 29)

RANK_TITLES: dict[Role, str] = {
    Role.PCSO: "PCSO",
    Role.OFFICER: "PC",
    Role.SUPERVISOR: "Sergeant",
    Role.TUTOR: "Tutor Constable",
    Role.ASSESSOR: "Assessor",
    Role.TRAINER: "Trainer",
    Role.ANALYST: "Analyst",
    Role.RECRUITER: "Recruitment Officer",
    Role.FORCE_ADMIN: "Force Administrator",
    Role.AUDITOR: "Auditor",
}
FORCE_WIDE_STAFF = (Role.ASSESSOR, Role.TRAINER, Role.ANALYST, Role.RECRUITER, Role.FORCE_ADMIN, Role.AUDITOR)


@dataclass(frozen=True)
class SeedReport:
    seed: int
    forces: int
    neighbourhoods: int
    teams: int
    partners: int
    people: int
    postings: int
    seconds: float


class DemoSeedHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with few iterations, for seeding only (see the module docstring)."""

    iterations = 1_000  # enough: demo passwords are published, the others random and unknown


@contextmanager
def quick_password_hashing() -> Iterator[None]:
    """Hash with `DemoSeedHasher` while seeding, if the default hasher is Django's PBKDF2 (other
    hashers, such as the tests' MD5, are left alone: they are fast, or would not verify ours)."""
    if type(get_hasher("default")) is not PBKDF2PasswordHasher:
        yield
        return
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.DemoSeedHasher", *settings.PASSWORD_HASHERS]):
        yield


def has_forces() -> bool:
    return Force.objects.exists()


def seed_world(*, seed: int = DEFAULT_SEED) -> SeedReport:
    """Load the demo world into a database with no forces yet. Returns what was created."""
    started = time.perf_counter()
    actor = services.system_actor()
    # Deterministic demo data, not secrets: the seeded generators are the point (S311).
    names = _name_pool(random.Random(seed))  # noqa: S311
    builders = [
        _ForceBuilder(actor, spec, random.Random(f"{seed}:{spec.slug}"), names)  # noqa: S311
        for spec in FORCES
    ]
    with quick_password_hashing():
        for builder in builders:
            with transaction.atomic():
                builder.build()
    return SeedReport(
        seed=seed,
        forces=len(builders),
        neighbourhoods=sum(len(b.neighbourhoods) for b in builders),
        teams=sum(len(b.teams) for b in builders),
        partners=sum(len(b.partners) for b in builders),
        people=sum(b.people for b in builders),
        postings=sum(b.postings for b in builders),
        seconds=time.perf_counter() - started,
    )


def _name_pool(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Every (first name, surname) pair once, in a seeded order: nobody shares a name."""
    pairs = list(itertools.product(FIRST_NAMES, SURNAMES))
    rng.shuffle(pairs)
    return iter(pairs)


def boundary_polygon(rng: random.Random, *, lat: float, lng: float, radius_km: float) -> dict[str, Any]:
    """An irregular GeoJSON polygon of 8-16 vertices around (lat, lng).

    Vertices go round the centre at jittered but increasing angles, each at 70-100 % of the
    radius, so the polygon is star-shaped about its centre and therefore simple (valid). The ring
    runs anticlockwise, as GeoJSON's right-hand rule asks of an outer ring.
    """
    count = rng.randint(8, 16)
    step = 2 * math.pi / count
    offset = rng.uniform(0, step)
    km_per_degree_lng = KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
    ring: list[list[float]] = []
    for i in range(count):
        angle = offset + i * step + rng.uniform(-0.3, 0.3) * step
        radius = radius_km * rng.uniform(0.7, 1.0)
        ring.append(
            [
                round(lng + radius * math.cos(angle) / km_per_degree_lng, 6),
                round(lat + radius * math.sin(angle) / KM_PER_DEGREE_LAT, 6),
            ]
        )
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def place_boundary(rng: random.Random, place: PlaceSpec, taken: list[Any]) -> dict[str, Any]:
    """A boundary for the place that overlaps none already drawn in its force (`taken`, shapely
    polygons, which this appends to). Shrinks and redraws if it would overlap."""
    radius = rng.uniform(*place.radius_km)
    for _attempt in range(12):
        geojson = boundary_polygon(rng, lat=place.lat, lng=place.lng, radius_km=radius)
        polygon = shape(geojson)
        if polygon.is_valid and not any(polygon.intersects(other) for other in taken):
            taken.append(polygon)
            return geojson
        radius *= 0.85
    raise RuntimeError(f"Could not draw a boundary for {place.name} clear of its neighbours.")


@dataclass
class _Numbers:
    """Collar and staff numbers, unique within a force: PCSOs 7xxx, constables 1xxx-2xxx,
    sergeants 3xxx, police staff S4xxxx."""

    rng: random.Random
    pools: dict[str, Iterator[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pools = {
            "pcso": iter(self.rng.sample(range(7001, 7999), 60)),
            "constable": iter(self.rng.sample(range(1001, 2999), 60)),
            "sergeant": iter(self.rng.sample(range(3001, 3499), 20)),
            "staff": iter(self.rng.sample(range(40001, 49999), 20)),
        }

    def next(self, role: Role) -> str:
        if role == Role.PCSO:
            return str(next(self.pools["pcso"]))
        if role in (Role.OFFICER, Role.TUTOR):
            return str(next(self.pools["constable"]))
        if role == Role.SUPERVISOR:
            return str(next(self.pools["sergeant"]))
        if role == Role.PARTNER:
            return ""
        return f"S{next(self.pools['staff'])}"


class _ForceBuilder:
    """Builds one force's part of the world. Call `build()` inside a transaction."""

    def __init__(self, actor: Person, spec: ForceSpec, rng: random.Random, names: Iterator[tuple[str, str]]) -> None:
        self.actor = actor
        self.spec = spec
        self.rng = rng
        self.names = names
        self.numbers = _Numbers(rng)
        self.logins = {
            (login.role, login.area): login.username for login in DEMO_LOGINS if login.force_slug == spec.slug
        }
        self.neighbourhoods: dict[str, Neighbourhood] = {}
        self.teams: dict[str, Team] = {}
        self.partners: list[PartnerOrganisation] = []
        self.people = 0
        self.postings = 0
        self.force: Force | None = None

    def build(self) -> None:
        spec, actor = self.spec, self.actor
        force = services.force_create(
            actor=actor,
            slug=spec.slug,
            name=spec.name,
            country=Country.ENGLAND,
            short_code=spec.short_code,
            description=FORCE_DESCRIPTION,
            url=spec.url,
            telephone="101",
        )
        self.force = force
        taken: list[Any] = []
        for place in spec.places:
            self.neighbourhoods[place.code] = services.neighbourhood_create(
                actor=actor,
                force=force,
                code=place.code,
                name=place.name,
                boundary=place_boundary(self.rng, place, taken),
                description=place.description,
                population=int(round(place.population * self.rng.uniform(0.95, 1.05), -1)),
            )
        for team_spec in spec.teams:
            self.teams[team_spec.name] = services.team_create(
                actor=actor,
                force=force,
                name=team_spec.name,
                neighbourhoods=[self.neighbourhoods[code] for code in team_spec.codes],
            )
        self.partners = [
            services.partner_create(actor=actor, force=force, name=partner.name, kind=partner.kind)
            for partner in spec.partners
        ]
        self._frontline()
        self._supervisors()
        self._force_wide()
        self._partner_users()
        self._leaver()

    # People ------------------------------------------------------------------------------------

    def _frontline(self) -> None:
        """Per neighbourhood 2-3 PCSOs and 1-2 constables; about a third moved there from
        another neighbourhood of the force (an ended posting)."""
        codes = list(self.neighbourhoods)
        for code, nb in self.neighbourhoods.items():
            for role, count in ((Role.PCSO, self.rng.choice((2, 3))), (Role.OFFICER, self.rng.choice((1, 2)))):
                for _ in range(count):
                    person, is_login = self._person(role, area=nb.name)
                    start = self._start_date()
                    if is_login or self.rng.random() < 0.35:
                        earlier = self.neighbourhoods[self.rng.choice([c for c in codes if c != code])]
                        self._past_posting(person, role, start, neighbourhood=earlier, moved_to=nb.name)
                    self._posting(person, role, start, neighbourhood=nb)

    def _supervisors(self) -> None:
        """A sergeant per team; half of them were constables in one of its neighbourhoods first."""
        for team_spec in self.spec.teams:
            team = self.teams[team_spec.name]
            person, is_login = self._person(Role.SUPERVISOR, area=team.name)
            start = self._start_date()
            if is_login or self.rng.random() < 0.5:
                earlier = self.neighbourhoods[self.rng.choice(team_spec.codes)]
                self._past_posting(person, Role.OFFICER, start, neighbourhood=earlier, moved_to=team.name)
            self._posting(person, Role.SUPERVISOR, start, team=team)

    def _force_wide(self) -> None:
        """Two tutor constables (one with the first team, one force-wide) and one each of the
        force-wide staff roles."""
        first_team = self.teams[self.spec.teams[0].name]
        tutor, _ = self._person(Role.TUTOR, area=first_team.name)
        self._posting(tutor, Role.TUTOR, self._start_date(), team=first_team)
        for role in (Role.TUTOR, *FORCE_WIDE_STAFF):
            person, _ = self._person(role, area="")
            self._posting(person, role, self._start_date())

    def _partner_users(self) -> None:
        """One user each at the council and the housing association (a demo login's area is its
        partner user's organisation)."""
        for partner, partner_spec in list(zip(self.partners, self.spec.partners, strict=True))[:2]:
            person, _ = self._person(Role.PARTNER, area=partner.name, partner=partner, title=partner_spec.member_title)
            self._posting(person, Role.PARTNER, self._start_date())

    def _leaver(self) -> None:
        """A PCSO who left the force: an ended posting and a deactivated account."""
        nb = self.neighbourhoods[self.rng.choice(list(self.neighbourhoods))]
        person, _ = self._person(Role.PCSO, area="(leaver)")
        start = FIRST_START - dt.timedelta(days=self.rng.randint(700, 1500))
        posting = self._posting(person, Role.PCSO, start, neighbourhood=nb)
        services.posting_end(
            actor=self.actor,
            posting=posting,
            valid_to=start + dt.timedelta(days=self.rng.randint(400, 690)),
            reason="Left the force",
        )
        services.person_deactivate(actor=self.actor, person=person, reason="Left the force")

    def _person(
        self, role: Role, *, area: str, partner: PartnerOrganisation | None = None, title: str = ""
    ) -> tuple[Person, bool]:
        """Create a person; the first of a demo login's role and area becomes that login."""
        assert self.force is not None
        first, last = next(self.names)
        login = self.logins.pop((role, area), None)
        username = login or f"{first}.{last}".lower().replace("'", "")
        password = DEMO_PASSWORD if login else secrets.token_urlsafe(24)
        person = services.person_create(
            actor=self.actor,
            force=self.force,
            data=services.NewPerson(
                username=username,
                display_name=f"{first} {last}",
                password=password,
                collar_number=self.numbers.next(role),
                rank_title=title or RANK_TITLES[role],
                partner_organisation=partner,
            ),
        )
        self.people += 1
        return person, login is not None

    # Postings ----------------------------------------------------------------------------------

    def _start_date(self) -> dt.date:
        return FIRST_START + dt.timedelta(days=self.rng.randint(0, (LAST_START - FIRST_START).days))

    def _posting(
        self,
        person: Person,
        role: Role,
        start: dt.date,
        *,
        neighbourhood: Neighbourhood | None = None,
        team: Team | None = None,
    ) -> Posting:
        self.postings += 1
        return services.posting_create(
            actor=self.actor, person=person, role=role, valid_from=start, neighbourhood=neighbourhood, team=team
        )

    def _past_posting(
        self, person: Person, role: Role, next_start: dt.date, *, neighbourhood: Neighbourhood, moved_to: str
    ) -> None:
        """A posting that ended the day before the person's current one began."""
        start = next_start - dt.timedelta(days=self.rng.randint(540, 1800))
        posting = self._posting(person, role, start, neighbourhood=neighbourhood)
        services.posting_end(
            actor=self.actor, posting=posting, valid_to=next_start - dt.timedelta(days=1), reason=f"Moved to {moved_to}"
        )
