"""A year of demo incidents, recorded through the incidents services by the people who work each
neighbourhood, so that every incident, status change and alert has its audit event.

What it makes, per force (see docs/how-to/demo-data.md):

* Per neighbourhood a few hot spots (a station forecourt, a park, a parade of shops, ...; invented
  names, fixed points well inside the boundary), where about two thirds of the incidents fall,
  within 40 m; the rest are scattered over the residential streets.
* Busier evenings, Friday and Saturday nights and summers; shoplifting by day, vehicle crime and
  burglary overnight; fireworks around Bonfire Night and New Year.
* Mostly anti-social behaviour (with its NSIR qualifier and type), then criminal damage, public
  order, theft, shoplifting, violence, drugs and the rest. THRIVE mostly low.
* Older incidents closed with an outcome, recent ones open or attended.
* About two in three marked publishable (the open data publication shows them, anonymised).
* Invented people involved: victims (some vulnerable), reporting people, witnesses, named
  suspects and unknown ones described.
* Repeat victims, and in the neighbourhood of each demo PCSO login (Cambridge City Centre for
  `pcso`) an open ASB case review (community trigger) alert at exactly the force's threshold, an
  open repeat-victim alert and an open repeat-location alert.
* Alerts that are a fortnight quiet, or six weeks old, are acknowledged by someone who works the
  neighbourhood, so the home pages show recent alerts only.

Dates: unlike the rest of the demo world (fixed dates, see `seeding.py`), incidents fill the 365
days before `end`, and `seed_demo` passes today's date. Alerts, "this week" and the status of
recent incidents only make sense near today. `end` itself is left out, so that every incident is
in the past whatever time the seed runs. For a given seed and end date the result is the same.

Known limits of doing it through the services: the times of recording (`created_at`) and of
acknowledging an alert are the time the seed ran, not the incident's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import random
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from shapely.geometry import Point, Polygon

from beatbook.core import geo
from beatbook.core.timeutil import today
from beatbook.incidents import selectors as incident_selectors
from beatbook.incidents import services as incident_services
from beatbook.incidents.models import Alert, Incident, IncidentPerson, IncidentRules, Involvement, Status
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level
from beatbook.incidents.services import IncidentData, PersonData
from beatbook.org import policy
from beatbook.org import services as org_services
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role

from . import incident_texts as texts
from .logins import DEMO_LOGINS
from .world import FIRST_NAMES, FORCES, SURNAMES

LONDON = ZoneInfo("Europe/London")
DAYS = 365
METRES_PER_DEGREE = 111_320.0
INCIDENTS_PER_FORCE = (290, 330)  # the random ones; each force adds 18 scripted ones
BUSY_CODES = frozenset({"CL01", "CB01", "PB01", "DE01"})  # city centres: more incidents, more hot spots
QUIET_CODES = frozenset({"CL02"})  # rural: fewer hot spots
HOT_SPOT_SHARE = {True: 0.7, False: 0.6}  # by busy or not
HOT_SPOT_SPREAD_M = 40.0
HOT_SPOT_MARGIN_M = 120.0  # hot spots lie this far inside the boundary, so their incidents do too
STREET_MARGIN_M = 25.0
# An open alert is acknowledged once no incident has touched it for a fortnight, or six weeks
# after it was raised (a busy hot spot keeps raising new ones).
ALERT_QUIET = dt.timedelta(days=14)
ALERT_REVIEWED = dt.timedelta(days=42)
RECORDER_WEIGHTS = {Role.PCSO: 4.0, Role.OFFICER: 2.0, Role.SUPERVISOR: 0.5}
LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)

C = Category
T = AsbType


@dataclass(frozen=True)
class IncidentSeedReport:
    seed: int
    end: dt.date
    per_force: dict[str, int]  # incidents by force slug
    people: int
    alerts_raised: int
    alerts_open: int
    seconds: float

    @property
    def incidents(self) -> int:
        return sum(self.per_force.values())

    @property
    def first_day(self) -> dt.date:
        return self.end - dt.timedelta(days=DAYS)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def seed_incidents(*, seed: int, end: dt.date) -> IncidentSeedReport:
    """Record a year of incidents (the 365 days before `end`) in each demo force of a world that
    has none yet. One transaction per force, each with its own generator."""
    if end > today():
        raise ValueError("The end date is in the future: incidents must have happened already.")
    slugs = [spec.slug for spec in FORCES]
    if Incident.objects.filter(force__slug__in=slugs).exists():
        raise ValueError("The demo forces already have incidents.")
    started = time.perf_counter()
    staff_names = frozenset(Person.objects.values_list("display_name", flat=True))
    per_force: dict[str, int] = {}
    for force in Force.objects.filter(slug__in=slugs).order_by("slug"):
        # Deterministic demo data, not secrets: the seeded generator is the point (S311).
        rng = random.Random(f"{seed}:incidents:{force.slug}")  # noqa: S311
        with transaction.atomic():
            per_force[force.slug] = _ForceIncidents(force, rng, end, staff_names).build()
    return IncidentSeedReport(
        seed=seed,
        end=end,
        per_force=per_force,
        people=IncidentPerson.objects.filter(force__slug__in=slugs).count(),
        alerts_raised=Alert.objects.filter(force__slug__in=slugs).count(),
        alerts_open=Alert.objects.filter(force__slug__in=slugs, acknowledged_at__isnull=True).count(),
        seconds=time.perf_counter() - started,
    )


def _publishable(force_slug: str, order: int) -> bool:
    """About two incidents in three are marked publishable (open data), decided from the force and
    the incident's place in the plan, not by the seeded generator, so that the plan is otherwise the
    same as before the flag existed."""
    digest = hashlib.blake2b(f"{force_slug}:{order}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) % 3 != 0


def _pick[K](rng: random.Random, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _town(neighbourhood: Neighbourhood) -> str:
    name = neighbourhood.name
    for suffix in (" City Centre", " Central", " Rural North"):
        name = name.removesuffix(suffix)
    return name


@dataclass
class _HotSpot:
    kind: texts.HotSpotKind
    name: str
    x: float
    y: float
    weight: float


@dataclass
class _Recorder:
    person: Person
    weight: float
    since: dt.date


@dataclass
class _Home:
    """Someone who turns up in several incidents (a repeat victim, a community-trigger case)."""

    name: str
    date_of_birth: dt.date
    address: str
    house: str
    phone: str
    lat: float
    lng: float


class _Area:
    """One neighbourhood: its shape in local metres, hot spots, streets, addresses and the
    people who record incidents there."""

    def __init__(self, neighbourhood: Neighbourhood, recorders: list[_Recorder]) -> None:
        self.nb = neighbourhood
        self.recorders = recorders
        self.busy = neighbourhood.code in BUSY_CODES
        self.town = _town(neighbourhood)
        ring = geo.exterior_ring(neighbourhood.boundary)
        self.lat0 = sum(lat for lat, _lng in ring) / len(ring)
        self.lng0 = sum(lng for _lat, lng in ring) / len(ring)
        self.m_per_lng = METRES_PER_DEGREE * math.cos(math.radians(self.lat0))
        self.shape = Polygon([self._xy(lat, lng) for lat, lng in ring])
        self.hot_spots: list[_HotSpot] = []
        self.streets: list[str] = []
        self.addresses: Iterator[str] = iter(())

    def _xy(self, lat: float, lng: float) -> tuple[float, float]:
        return (lng - self.lng0) * self.m_per_lng, (lat - self.lat0) * METRES_PER_DEGREE

    def latlng(self, x: float, y: float) -> tuple[float, float] | None:
        """The point, rounded as stored, if the boundary holds it (the services' own test)."""
        lat = round(self.lat0 + y / METRES_PER_DEGREE, 6)
        lng = round(self.lng0 + x / self.m_per_lng, 6)
        return (lat, lng) if geo.contains(self.nb.boundary, lat, lng) else None

    def inner_point(
        self, rng: random.Random, *, margin: float, away_from: Sequence[tuple[float, float]] = (), gap: float = 0
    ) -> tuple[float, float]:
        """A random point at least `margin` metres inside the boundary (and, if it can, `gap`
        metres from the points `away_from`)."""
        min_x, min_y, max_x, max_y = self.shape.bounds
        fallback: tuple[float, float] | None = None
        for _attempt in range(2000):
            x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            point = Point(x, y)
            if not self.shape.contains(point) or self.shape.exterior.distance(point) < margin:
                continue
            if self.latlng(x, y) is None:
                continue
            if all(math.dist((x, y), other) >= gap for other in away_from):
                return x, y
            fallback = fallback or (x, y)
        if fallback is None:
            raise RuntimeError(f"No point {margin} m inside {self.nb.name}.")
        return fallback

    def near(self, rng: random.Random, x: float, y: float, spread: float) -> tuple[float, float]:
        """A point within `spread` metres of (x, y), most within half of it, inside the boundary."""
        for _attempt in range(200):
            distance = min(abs(rng.gauss(0, spread / 2.2)), spread)
            angle = rng.uniform(0, 2 * math.pi)
            found = self.latlng(x + distance * math.cos(angle), y + distance * math.sin(angle))
            if found is not None:
                return found
        raise RuntimeError(f"No point near ({x:.0f}, {y:.0f}) inside {self.nb.name}.")

    def street_point(self, rng: random.Random) -> tuple[float, float]:
        x, y = self.inner_point(rng, margin=STREET_MARGIN_M)
        found = self.latlng(x, y)
        assert found is not None
        return found


class _PublicPeople:
    """Invented members of the public for one force: every name and address used once, apart
    from the repeat victims'; no name that a member of staff has."""

    def __init__(self, rng: random.Random, staff_names: frozenset[str], end: dt.date) -> None:
        self.rng = rng
        self.end = end
        self.younger = self._pool(FIRST_NAMES, staff_names)
        self.older = self._pool(texts.OLDER_FIRST_NAMES, staff_names)

    def _pool(self, first_names: Sequence[str], staff_names: frozenset[str]) -> Iterator[str]:
        names = [f"{first} {last}" for first, last in itertools.product(first_names, SURNAMES)]
        names = [name for name in names if name not in staff_names]
        self.rng.shuffle(names)
        return iter(names)

    def name(self, age: int) -> str:
        return next(self.older if age >= 65 and self.rng.random() < 0.75 else self.younger)

    def date_of_birth(self, age: int) -> dt.date:
        return self.end - dt.timedelta(days=age * 365 + self.rng.randrange(365))

    def phone(self) -> str:
        return f"07700 900{self.rng.randrange(1000):03d}"

    def named(
        self,
        area: _Area,
        involvement: str,
        *,
        ages: tuple[int, int] = (18, 80),
        address: str | None = None,
        vulnerable_chance: float | None = None,
    ) -> PersonData:
        """Someone named, usually with a date of birth, an address and a phone number."""
        rng = self.rng
        age = rng.randint(*ages)
        if vulnerable_chance is None:
            vulnerable_chance = 0.35 if age >= 75 else 0.05
        vulnerable = involvement == Involvement.VICTIM and rng.random() < vulnerable_chance
        return PersonData(
            involvement=involvement,
            name=self.name(age),
            date_of_birth=self.date_of_birth(age) if rng.random() < 0.75 else None,
            address=address if address is not None else f"{next(area.addresses)}, {area.town}",
            phone=self.phone() if involvement != Involvement.SUSPECT and rng.random() < 0.7 else "",
            description=rng.choice(texts.VULNERABILITY_NOTES) if vulnerable else "",
            is_vulnerable=vulnerable,
        )

    def unknown(self, *, group: bool = False) -> PersonData:
        rng = self.rng
        if group:
            low = rng.randint(12, 16)
            text = texts.GROUP_DESCRIPTION.format(n=rng.randint(4, 9), lo=low, hi=low + rng.randint(2, 4))
        else:
            extra = rng.choice(texts.EXTRAS)
            text = (
                f"{rng.choice(texts.SEXES)}, about {rng.randint(14, 45)}, {rng.choice(texts.BUILDS)}, "
                f"{rng.choice(texts.CLOTHES)}." + (f" {extra[0].upper()}{extra[1:]}." if extra else "")
            )
        return PersonData(involvement=Involvement.SUSPECT, is_unknown=True, description=text)

    def home(self, area: _Area, *, ages: tuple[int, int]) -> _Home:
        age = self.rng.randint(*ages)
        house = next(area.addresses)
        lat, lng = area.street_point(self.rng)
        return _Home(
            name=self.name(age),
            date_of_birth=self.date_of_birth(age),
            address=f"{house}, {area.town}",
            house=house,
            phone=self.phone(),
            lat=lat,
            lng=lng,
        )


@dataclass
class _Plan:
    """One incident to record, and the status changes it goes through."""

    occurred_at: dt.datetime
    order: int
    area: _Area
    recorder: Person
    data: IncidentData
    people: list[PersonData]
    steps: list[tuple[str, str, Person]] = field(default_factory=list)


class _ForceIncidents:
    """Plans one force's year of incidents, then records them in time order. Call `build()`
    inside a transaction."""

    def __init__(self, force: Force, rng: random.Random, end: dt.date, staff_names: frozenset[str]) -> None:
        self.force = force
        self.rng = rng
        self.end = end
        self.rules: IncidentRules = incident_selectors.rules_for(force)
        self.public = _PublicPeople(rng, staff_names, end)
        self.areas = [
            _Area(nb, self._recorders(nb))
            for nb in Neighbourhood.objects.filter(force=force, is_active=True).select_related("force").order_by("code")
        ]
        self.plans: list[_Plan] = []
        self.days = [end - dt.timedelta(days=offset) for offset in range(1, DAYS + 1)]
        self.day_weights = list(itertools.accumulate(self._day_weight(day) for day in self.days))
        self.open_alerts: dict[int, tuple[dt.datetime, dt.datetime]] = {}  # id: (raised, last touched)

    # Who records -------------------------------------------------------------------------------

    def _recorders(self, nb: Neighbourhood) -> list[_Recorder]:
        """The PCSOs and officers posted to the neighbourhood today, and its team's sergeant:
        the people who may record incidents there."""
        on = today()
        postings = (
            Posting.objects.filter(valid_from__lte=on, person__is_active=True, role__in=list(RECORDER_WEIGHTS))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .filter(Q(neighbourhood=nb) | Q(team__neighbourhoods=nb))
            .select_related("person")
            .order_by("person__username", "id")
        )
        recorders = [
            _Recorder(posting.person, RECORDER_WEIGHTS[Role(posting.role)], posting.valid_from)
            for posting in postings
            if policy.can(posting.person, policy.Action.RECORD_INCIDENT, nb)
        ]
        # Every demo neighbourhood has its PCSOs; the system actor only if a world has none.
        return recorders or [_Recorder(org_services.system_actor(), 1.0, dt.date.min)]

    def _who(self, area: _Area, on: dt.date) -> Person:
        """Someone who records incidents in the area, preferably posted there by that date."""
        candidates = [r for r in area.recorders if r.since <= on] or area.recorders
        return self.rng.choices([r.person for r in candidates], weights=[r.weight for r in candidates])[0]

    # Places ------------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """Hot spots, streets and addresses for every area (invented names, unique in the force)."""
        rng = self.rng
        words = list(texts.PLACE_WORDS)
        rng.shuffle(words)
        spot_words = iter(words)
        streets = [f"{word} {kind}" for word, kind in itertools.product(texts.PLACE_WORDS, texts.STREET_KINDS)]
        rng.shuffle(streets)
        street_names = iter(streets)
        for area in self.areas:
            if area.busy:
                kinds = rng.sample(texts.BUSY_HOT_SPOTS, 4)
            else:
                kinds = rng.sample(texts.TOWN_HOT_SPOTS, 2 if area.nb.code in QUIET_CODES else 3)
            for kind in kinds:
                x, y = area.inner_point(
                    rng, margin=HOT_SPOT_MARGIN_M, away_from=[(h.x, h.y) for h in area.hot_spots], gap=250
                )
                name = rng.choice(kind.names).format(w=next(spot_words))
                area.hot_spots.append(_HotSpot(kind, name, x, y, rng.uniform(0.6, 1.4)))
            area.streets = [next(street_names) for _ in range(8)]
            houses = [f"{n} {street}" for street in area.streets for n in range(1, 121)]
            houses += [f"Flat {n}, {rng.choice(area.streets).split()[0]} Court" for n in range(1, 41)]
            rng.shuffle(houses)
            area.addresses = iter(houses)

    def _street_place(self, area: _Area) -> str:
        rng = self.rng
        street, other = rng.sample(area.streets, 2)
        return rng.choice(
            (
                f"Outside {rng.randint(1, 120)} {street}",
                street,
                f"Junction of {street} and {other}",
                f"Bus stop on {street}",
                f"Alleyway behind {street}",
            )
        )

    # When --------------------------------------------------------------------------------------

    @staticmethod
    def _day_weight(day: dt.date) -> float:
        summer = 1 + 0.18 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25)
        return texts.WEEKDAY_WEIGHTS[day.weekday()] * summer

    def _time(self, day: dt.date, category: str) -> dt.datetime:
        profile = texts.HOURS[category]
        weights = list(profile)
        if profile in (texts.NIGHT, texts.EVENING):
            if day.weekday() in (4, 5):  # Friday and Saturday evenings
                weights = [w * (1.5 if h >= 20 else 1) for h, w in enumerate(weights)]
            if day.weekday() in (5, 6):  # the small hours of Saturday and Sunday
                weights = [w * (1.8 if h <= 3 else 1) for h, w in enumerate(weights)]
        hour = self.rng.choices(range(24), weights=weights)[0]
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=LONDON)

    @staticmethod
    def _is_fireworks_season(day: dt.date) -> bool:
        return ((10, 20) <= (day.month, day.day) <= (11, 10)) or (day.month, day.day) in {
            (12, 31),
            (1, 1),
        }

    # What --------------------------------------------------------------------------------------

    def _thrive(self, category: str, people: list[PersonData]) -> dict[str, str]:
        """Mostly low; violence and vulnerable victims raise it. The overall risk is the
        assessor's level; the six elements scatter a little around it."""
        rng = self.rng
        base = rng.choices((0, 1, 2), weights=(78, 18, 4))[0]
        if category in (C.VIOLENT_CRIME, C.ROBBERY, C.POSSESSION_OF_WEAPONS) and rng.random() < 0.3:
            base = min(2, base + 1)
        vulnerable = any(p.is_vulnerable for p in people)
        if vulnerable and rng.random() < 0.3:
            base = min(2, base + 1)

        def level(around: int) -> str:
            roll = rng.random()
            shift = -1 if roll < 0.2 else 1 if roll > 0.95 else 0
            return LEVELS[max(0, min(2, around + shift))]

        return {
            "thrive_threat": level(base),
            "thrive_harm": level(base),
            "thrive_risk": level(base),
            "thrive_investigation": level(base),
            "thrive_vulnerability": level(max(base, 1)) if vulnerable else Level.LOW,
            "thrive_engagement": level(base),
            "risk_level": LEVELS[base],
            "thrive_notes": rng.choice(texts.THRIVE_NOTES) if base > 0 else "",
        }

    def _how_reported(self, category: str) -> str:
        how = HowReported
        if category in (C.DRUGS, C.POSSESSION_OF_WEAPONS):
            weights = {how.PATROL: 75, how.PHONE_101: 15, how.IN_PERSON: 10}
        elif category in (C.PUBLIC_ORDER, C.VIOLENT_CRIME, C.ROBBERY):
            weights = {how.PHONE_999: 35, how.PHONE_101: 20, how.PATROL: 25, how.IN_PERSON: 15, how.ONLINE: 5}
        elif category == C.SHOPLIFTING:
            weights = {how.PHONE_101: 40, how.ONLINE: 40, how.IN_PERSON: 15, how.PHONE_999: 5}
        elif category == C.ANTI_SOCIAL_BEHAVIOUR:
            weights = {
                how.PHONE_101: 35,
                how.ONLINE: 20,
                how.IN_PERSON: 16,
                how.PATROL: 15,
                how.PARTNER: 8,
                how.PHONE_999: 4,
                how.FRONT_COUNTER: 2,
            }
        else:
            weights = {
                how.PHONE_101: 35,
                how.ONLINE: 25,
                how.IN_PERSON: 12,
                how.PATROL: 8,
                how.PHONE_999: 8,
                how.FRONT_COUNTER: 5,
                how.PARTNER: 4,
                how.OTHER: 3,
            }
        return _pick(self.rng, weights)

    def _people(
        self, area: _Area, category: str, qualifier: str, asb_type: str, home: str | None, spot: _HotSpot | None
    ) -> list[PersonData]:
        """Who was involved, by the kind of incident."""
        rng, public = self.rng, self.public
        victim, reporter = Involvement.VICTIM, Involvement.REPORTING_PERSON
        witness, suspect = Involvement.WITNESS, Involvement.SUSPECT
        people: list[PersonData] = []
        if category == C.ANTI_SOCIAL_BEHAVIOUR:
            if qualifier == AsbQualifier.PERSONAL:
                people.append(public.named(area, victim, address=home))
                if asb_type == T.ROWDY_NEIGHBOURS and rng.random() < 0.6:
                    people.append(public.named(area, suspect, ages=(19, 60)))
                elif asb_type == T.NUISANCE_COMMUNICATIONS and rng.random() < 0.5:
                    people.append(public.named(area, suspect, ages=(16, 50), address=""))
                elif rng.random() < 0.5:
                    people.append(public.unknown(group=asb_type == T.ROWDY_INCONSIDERATE))
            else:
                if rng.random() < (0.65 if qualifier == AsbQualifier.NUISANCE else 0.5):
                    if spot is not None and spot.kind in (texts.PARADE, texts.SQUARE) and rng.random() < 0.5:
                        shop = f"{spot.name.split()[0]} {rng.choice(texts.SHOP_KINDS)}, {spot.name}"
                        people.append(public.named(area, reporter, ages=(19, 60), address=shop))
                    else:
                        people.append(public.named(area, reporter))
                if asb_type == T.ROWDY_INCONSIDERATE and rng.random() < 0.5:
                    people.append(public.unknown(group=True))
                elif qualifier == AsbQualifier.NUISANCE and rng.random() < 0.3:
                    people.append(public.unknown())
            return people
        if category in (C.DRUGS, C.POSSESSION_OF_WEAPONS):
            return [public.named(area, suspect, ages=(15, 35))]
        if category == C.SHOPLIFTING:
            name = spot.name if spot is not None else rng.choice(area.streets)
            shop = f"{name.split()[0]} {rng.choice(texts.SHOP_KINDS)}, {name}"
            people.append(public.named(area, reporter, ages=(19, 60), address=shop))
            roll = rng.random()
            if roll < 0.6:
                people.append(public.unknown())
            elif roll < 0.9:
                people.append(public.named(area, suspect, ages=(16, 55)))
            return people
        if category == C.PUBLIC_ORDER:
            if rng.random() < 0.5:
                people.append(public.named(area, victim))
            roll = rng.random()
            if roll < 0.5:
                people.append(public.named(area, suspect, ages=(17, 45)))
            elif roll < 0.8:
                people.append(public.unknown())
            if rng.random() < 0.2:
                people.append(public.named(area, witness))
            return people
        ages: tuple[int, int] = {
            C.BICYCLE_THEFT: (18, 45),
            C.BURGLARY: (28, 88),
            C.OTHER_CRIME: (40, 90),
            C.VIOLENT_CRIME: (17, 55),
        }.get(Category(category), (18, 80))
        people.append(public.named(area, victim, ages=ages, address=home))
        if category in (C.VIOLENT_CRIME, C.ROBBERY):
            if category == C.VIOLENT_CRIME and rng.random() < 0.5:
                people.append(public.named(area, suspect, ages=(17, 50)))
            else:
                people.append(public.unknown())
            if rng.random() < 0.3:
                people.append(public.named(area, witness))
        elif rng.random() < {C.CRIMINAL_DAMAGE_ARSON: 0.4, C.THEFT_FROM_THE_PERSON: 0.5}.get(Category(category), 0.2):
            people.append(public.unknown())
        return people

    def _steps(self, area: _Area, occurred: dt.datetime, category: str) -> list[tuple[str, str, Person]]:
        """The status changes that bring the incident to where it stands at `end`: older ones
        closed with an outcome, recent ones open or attended."""
        rng = self.rng
        age = (self.end - occurred.date()).days
        if age > 28:
            final = Status.CLOSED
        elif age > 10:
            final = _pick(rng, {Status.CLOSED: 55, Status.RESOLVED: 20, Status.ESCALATED: 10, Status.ATTENDED: 15})
        elif age > 3:
            final = _pick(rng, {Status.OPEN: 25, Status.ATTENDED: 45, Status.RESOLVED: 20, Status.ESCALATED: 10})
        else:
            final = _pick(rng, {Status.OPEN: 60, Status.ATTENDED: 40})
        if final == Status.OPEN:
            return []
        day = occurred.date()
        steps: list[tuple[str, str, Person]] = [(Status.ATTENDED, "", self._who(area, day))]
        if final == Status.ATTENDED:
            return steps
        asb = category == C.ANTI_SOCIAL_BEHAVIOUR
        escalate = final == Status.ESCALATED or (final == Status.CLOSED and rng.random() < (0.08 if asb else 0.2))
        if escalate:
            steps.append((Status.ESCALATED, rng.choice(texts.ESCALATION_OUTCOMES), self._who(area, day)))
        else:
            if asb:
                outcomes = texts.ASB_OUTCOMES
            elif category in (C.DRUGS, C.POSSESSION_OF_WEAPONS):
                outcomes = texts.POSSESSION_OUTCOMES
            else:
                outcomes = texts.CRIME_OUTCOMES
            steps.append((Status.RESOLVED, rng.choice(outcomes), self._who(area, day)))
        if final == Status.CLOSED:
            steps.append((Status.CLOSED, "", self._who(area, day)))
        return steps

    def _add(
        self,
        area: _Area,
        occurred: dt.datetime,
        *,
        category: str,
        point: tuple[float, float],
        place: str,
        people: list[PersonData],
        description: str,
        qualifier: str = "",
        asb_type: str = "",
        how_reported: str | None = None,
    ) -> None:
        thrive = self._thrive(category, people)
        data = IncidentData(
            is_publishable=_publishable(self.force.slug, len(self.plans)),
            occurred_at=occurred,
            category=category,
            description=description,
            how_reported=how_reported or self._how_reported(category),
            lat=point[0],
            lng=point[1],
            location_text=place,
            asb_qualifier=qualifier,
            asb_type=asb_type,
            **thrive,
        )
        self.plans.append(
            _Plan(
                occurred_at=occurred,
                order=len(self.plans),
                area=area,
                recorder=self._who(area, occurred.date()),
                data=data,
                people=people,
                steps=self._steps(area, occurred, category),
            )
        )

    def _random_incident(self, area: _Area) -> None:
        rng = self.rng
        day = rng.choices(self.days, cum_weights=self.day_weights)[0]
        spot: _HotSpot | None = None
        if rng.random() < HOT_SPOT_SHARE[area.busy]:
            spot = rng.choices(area.hot_spots, weights=[h.weight for h in area.hot_spots])[0]
        kind = spot.kind if spot is not None else texts.STREETS
        category = _pick(rng, {c: w * kind.categories.get(c, 1) for c, w in texts.CATEGORY_WEIGHTS.items()})
        qualifier = asb_type = ""
        if category == C.ANTI_SOCIAL_BEHAVIOUR:
            fireworks = 25.0 if self._is_fireworks_season(day) else 0.3
            weights = {
                t: w * kind.asb_types.get(t, 1) * (fireworks if t == T.FIREWORKS else 1)
                for t, w in texts.ASB_TYPE_WEIGHTS.items()
            }
            asb_type = _pick(rng, weights)
            usual, personal = texts.ASB_QUALIFIER[asb_type]
            qualifier = AsbQualifier.PERSONAL if rng.random() < personal else usual
            description = rng.choice(texts.ASB_DESCRIPTIONS[asb_type])
        else:
            description = rng.choice(texts.CATEGORY_DESCRIPTIONS[category])
        at_home = spot is None and (
            category == C.BURGLARY
            or qualifier == AsbQualifier.PERSONAL
            or (category in (C.CRIMINAL_DAMAGE_ARSON, C.VEHICLE_CRIME) and rng.random() < 0.5)
        )
        home: str | None = None
        if spot is not None:
            point = area.near(rng, spot.x, spot.y, HOT_SPOT_SPREAD_M)
            place = spot.name
        else:
            point = area.street_point(rng)
            if at_home:
                house = next(area.addresses)
                home, place = f"{house}, {area.town}", house
            else:
                place = self._street_place(area)
        people = self._people(area, category, qualifier, asb_type, home, spot)
        self._add(
            area,
            self._time(day, category),
            category=category,
            point=point,
            place=place,
            people=people,
            description=description,
            qualifier=qualifier,
            asb_type=asb_type,
        )

    # Scripted cases ----------------------------------------------------------------------------

    def _at(self, offset: int, hour: int) -> dt.datetime:
        day = self.end - dt.timedelta(days=offset)
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=LONDON)

    def _community_trigger(self, area: _Area, *, latest: int) -> None:
        """A resident who has complained of a neighbour's ASB exactly the force's threshold
        number of times within its window, the last `latest` days ago; spread out so that no
        repeat-victim window holds as many."""
        rules = self.rules
        victim = self.public.home(area, ages=(58, 82))
        number = re.search(r"\d+", victim.house)
        assert number is not None  # every address has a house or flat number
        step = 1 if victim.house.startswith("Flat") else 2
        door = f"{victim.house[: number.start()]}{int(number.group()) + step}{victim.house[number.end() :]}"
        neighbour = self.public.named(area, Involvement.SUSPECT, ages=(22, 45), address=f"{door}, {area.town}")
        count = rules.trigger_threshold
        span = max(0, rules.trigger_window_months * 30 - 25)
        offsets = [latest + round(i * span / (count - 1)) if count > 1 else latest for i in range(count)]
        for n, offset in enumerate(sorted(offsets, reverse=True)):
            complaint = texts.TRIGGER_DESCRIPTIONS[min(n, len(texts.TRIGGER_DESCRIPTIONS) - 1)].format(door=door)
            self._add(
                area,
                self._at(offset, self.rng.choice((19, 21, 22, 23))),
                category=C.ANTI_SOCIAL_BEHAVIOUR,
                qualifier=AsbQualifier.PERSONAL,
                asb_type=T.ROWDY_NEIGHBOURS,
                point=(victim.lat, victim.lng),
                place=victim.house,
                people=[self._returning(victim, Involvement.VICTIM, vulnerable=n > 0), neighbour],
                description=complaint,
                how_reported=HowReported.PHONE_101,
            )

    def _returning(self, home: _Home, involvement: str, *, vulnerable: bool) -> PersonData:
        return PersonData(
            involvement=involvement,
            name=home.name,
            date_of_birth=home.date_of_birth,
            address=home.address,
            phone=home.phone,
            description=texts.VULNERABILITY_NOTES[0] if vulnerable else "",
            is_vulnerable=vulnerable,
        )

    def _repeat_victim(self, area: _Area, *, latest: int) -> None:
        """An older, vulnerable resident who is the victim of the force's repeat count of crimes
        within its window, the last `latest` days ago: at home, then in town."""
        rules = self.rules
        victim = self.public.home(area, ages=(74, 90))
        count = rules.repeat_count
        gap = max(1, min(17, (rules.repeat_window_days - 10) // max(1, count - 1)))
        for n in range(count):
            offset = latest + (count - 1 - n) * gap
            category, description = texts.REPEAT_VICTIM_CRIMES[n % len(texts.REPEAT_VICTIM_CRIMES)]
            if category == C.THEFT_FROM_THE_PERSON and area.hot_spots:
                spot = area.hot_spots[0]
                point, place = area.near(self.rng, spot.x, spot.y, HOT_SPOT_SPREAD_M), spot.name
            else:
                point, place = (victim.lat, victim.lng), victim.house
            people = [self._returning(victim, Involvement.VICTIM, vulnerable=True)]
            if n > 0:
                people.append(self.public.unknown())
            self._add(
                area,
                self._at(offset, self.rng.choice((10, 14, 16, 17))),
                category=category,
                point=point,
                place=place,
                people=people,
                description=description,
            )

    def _repeat_location(self, area: _Area, *, latest: int) -> None:
        """The force's repeat count of incidents within a few metres of a spot that is no hot
        spot, within a fortnight, the last `latest` days ago."""
        rng = self.rng
        spots = [(h.x, h.y) for h in area.hot_spots]
        x, y = area.inner_point(rng, margin=HOT_SPOT_MARGIN_M, away_from=spots, gap=250)
        street = rng.choice(area.streets)
        place = f"Bus shelter on {street}"
        spread = min(15.0, self.rules.repeat_radius_m / 3)
        count = self.rules.repeat_count
        for n in range(count):
            offset = latest + (count - 1 - n) * 4
            category, qualifier, asb_type, description = texts.REPEAT_LOCATION_INCIDENTS[
                n % len(texts.REPEAT_LOCATION_INCIDENTS)
            ]
            people = [self.public.named(area, Involvement.REPORTING_PERSON)]
            if category == C.ANTI_SOCIAL_BEHAVIOUR:
                people.append(self.public.unknown(group=True))
            self._add(
                area,
                self._at(offset, rng.choice((18, 20, 21, 22))),
                category=category,
                qualifier=qualifier,
                asb_type=asb_type,
                point=area.near(rng, x, y, spread),
                place=place,
                people=people,
                description=description,
            )

    def _plan(self) -> None:
        rng = self.rng
        self._lay_out()
        total = rng.randint(*INCIDENTS_PER_FORCE)
        weights = [area.nb.population * (2.2 if area.busy else 1.0) for area in self.areas]
        shares = [total * w / sum(weights) for w in weights]
        counts = [int(s) for s in shares]
        for i in sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])[: total - sum(counts)]:
            counts[i] += 1
        for area, count in zip(self.areas, counts, strict=True):
            for _ in range(count):
                self._random_incident(area)
        # Scripted cases: recent, open alerts where the demo PCSOs work; older ones elsewhere.
        login_areas = {login.area for login in DEMO_LOGINS if login.role == Role.PCSO}
        for area in self.areas:
            if area.nb.name in login_areas:
                self._community_trigger(area, latest=9)
                self._repeat_victim(area, latest=5)
                self._repeat_location(area, latest=2)
        others = [area for area in self.areas if area.nb.name not in login_areas] or self.areas
        for area in rng.sample(others, min(2, len(others))):
            self._repeat_victim(area, latest=rng.randint(60, 300))
        self._community_trigger(rng.choice(others), latest=rng.randint(40, 120))

    # Recording ---------------------------------------------------------------------------------

    def build(self) -> int:
        self._plan()
        for plan in sorted(self.plans, key=lambda p: (p.occurred_at, p.order)):
            self._acknowledge_due(plan.occurred_at)
            incident = incident_services.incident_create(actor=plan.recorder, data=plan.data, people=plan.people)
            for alert_id in Alert.objects.filter(incident=incident, acknowledged_at__isnull=True).values_list(
                "pk", flat=True
            ):
                raised, _touched = self.open_alerts.get(alert_id, (plan.occurred_at, plan.occurred_at))
                self.open_alerts[alert_id] = (raised, plan.occurred_at)
            for status, outcome, actor in plan.steps:
                incident = incident_services.incident_set_status(
                    actor=actor, incident=incident, status=status, outcome=outcome, expected_version=incident.version
                )
        self._acknowledge_due(dt.datetime.combine(self.end, dt.time.min, tzinfo=LONDON))
        return len(self.plans)

    def _acknowledge_due(self, now: dt.datetime) -> None:
        """Acknowledge the alerts that someone would have dealt with by `now`."""
        for alert_id, (raised, touched) in sorted(self.open_alerts.items()):
            if touched >= now - ALERT_QUIET and raised >= now - ALERT_REVIEWED:
                continue
            alert = Alert.objects.select_related("neighbourhood").get(pk=alert_id)
            area = next(a for a in self.areas if a.nb.pk == alert.neighbourhood_id)
            incident_services.alert_acknowledge(
                actor=self._who(area, now.date()), alert=alert, note=self.rng.choice(texts.ACKNOWLEDGEMENT_NOTES)
            )
            del self.open_alerts[alert_id]
