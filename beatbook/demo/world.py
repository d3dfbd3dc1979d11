"""The fixed facts of the demo world: forces, places, teams, partner organisations and names.

The forces' names, websites and the 101 number are real. Neighbourhood centres are the real
centres of the places they are named after; their boundaries are drawn around those centres by
`seeding.py` and are approximate. Partner organisations have generic names so that no real body
appears to hold demo data (the councils and fire services are named after their areas). Every
person is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from beatbook.org.models import PartnerOrganisation

Kind = PartnerOrganisation.Kind


@dataclass(frozen=True)
class PlaceSpec:
    code: str  # police.uk-style id, unique within the force
    name: str
    lat: float  # the real centre of the place
    lng: float
    radius_km: tuple[float, float]  # the boundary's radius is drawn from this range
    population: int  # roughly; the seed varies it by up to 5 %
    description: str


@dataclass(frozen=True)
class TeamSpec:
    name: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: Kind
    member_title: str  # the job title of the demo user who works there (only the first two have one)


@dataclass(frozen=True)
class ForceSpec:
    slug: str
    name: str
    short_code: str
    url: str
    places: tuple[PlaceSpec, ...]
    teams: tuple[TeamSpec, ...]
    partners: tuple[PartnerSpec, ...]


FORCE_DESCRIPTION = (
    "Demonstration data. The force's name, website and 101 number are real; its neighbourhood "
    "boundaries are approximate and its people, teams and partner users are invented."
)

CUMBRIA = ForceSpec(
    slug="cumbria",
    name="Cumbria Constabulary",
    short_code="CUMB",
    url="https://www.cumbria.police.uk/",
    places=(
        PlaceSpec(
            "CL01",
            "Carlisle City Centre",
            54.8925,
            -2.9329,
            (1.1, 1.6),
            12400,
            "The shopping streets, the castle, the cathedral and the railway station.",
        ),
        # North of the city centre, clear of it: the villages and farmland towards the border.
        PlaceSpec(
            "CL02",
            "Carlisle Rural North",
            54.9480,
            -2.9450,
            (2.2, 3.0),
            8900,
            "Villages and farmland north of the River Eden towards the Scottish border.",
        ),
        PlaceSpec("PN01", "Penrith", 54.6641, -2.7521, (1.3, 2.2), 16200, "The market town and its estates."),
        PlaceSpec("KD01", "Kendal", 54.3280, -2.7463, (1.4, 2.4), 28600, "The town centre and the Kent valley."),
        PlaceSpec("WK01", "Workington", 54.6425, -3.5483, (1.4, 2.4), 25200, "The town, the harbour and the coast."),
        PlaceSpec(
            "BF01",
            "Barrow-in-Furness",
            54.1108,
            -3.2261,
            (1.5, 2.8),
            34500,
            "The town centre, the docks and the shipyard.",
        ),
    ),
    teams=(
        TeamSpec("Carlisle NPT", ("CL01", "CL02")),
        TeamSpec("Eden and West Cumbria NPT", ("PN01", "WK01")),
        TeamSpec("South Cumbria NPT", ("KD01", "BF01")),
    ),
    partners=(
        PartnerSpec("Carlisle City Council", Kind.COUNCIL, "Community Safety Officer"),
        PartnerSpec("Eden Valley Housing Association", Kind.HOUSING_ASSOCIATION, "Tenancy Enforcement Officer"),
        PartnerSpec("Castle Way Academy", Kind.SCHOOL, ""),
        PartnerSpec("North Cumbria Community Health Partnership", Kind.HEALTH, ""),
        PartnerSpec("Cumbria Fire and Rescue Service", Kind.FIRE, ""),
        PartnerSpec("Fellside Community Trust", Kind.VOLUNTARY, ""),
    ),
)

CAMBRIDGESHIRE = ForceSpec(
    slug="cambridgeshire",
    name="Cambridgeshire Constabulary",
    short_code="CAMBS",
    url="https://www.cambs.police.uk/",
    places=(
        PlaceSpec(
            "CB01",
            "Cambridge City Centre",
            52.2053,
            0.1218,
            (1.0, 1.5),
            14800,
            "The colleges, the market square, the shopping centres and the night-time economy.",
        ),
        PlaceSpec(
            "CH01",
            "Cherry Hinton",
            52.1880,
            0.1760,
            (1.0, 1.5),
            10300,
            "The village, its estates and the edge of the city.",
        ),
        PlaceSpec("EL01", "Ely", 52.3990, 0.2620, (1.3, 2.2), 20300, "The cathedral city and the riverside."),
        PlaceSpec("HU01", "Huntingdon", 52.3310, -0.1820, (1.3, 2.2), 25000, "The town centre and Hartford."),
        PlaceSpec(
            "PB01",
            "Peterborough Central",
            52.5725,
            -0.2430,
            (1.2, 1.8),
            18700,
            "The city centre, the cathedral precincts and the station quarter.",
        ),
        PlaceSpec("WI01", "Wisbech", 52.6660, 0.1590, (1.3, 2.2), 31600, "The Fenland town and its port."),
    ),
    teams=(
        TeamSpec("Cambridge and South NPT", ("CB01", "CH01", "EL01")),
        TeamSpec("Peterborough and North NPT", ("HU01", "PB01", "WI01")),
    ),
    partners=(
        PartnerSpec("Cambridge City Council", Kind.COUNCIL, "Community Safety Officer"),
        PartnerSpec("Fen Edge Housing Association", Kind.HOUSING_ASSOCIATION, "Neighbourhood Officer"),
        PartnerSpec("Mill Road Community College", Kind.SCHOOL, ""),
        PartnerSpec("Cambridge and Fens Community Health Partnership", Kind.HEALTH, ""),
        PartnerSpec("Cambridgeshire Fire and Rescue Service", Kind.FIRE, ""),
        PartnerSpec("Cam Valley Volunteers", Kind.VOLUNTARY, ""),
    ),
)

DERBYSHIRE = ForceSpec(
    slug="derbyshire",
    name="Derbyshire Constabulary",
    short_code="DERBYS",
    url="https://www.derbyshire.police.uk/",
    places=(
        PlaceSpec(
            "DE01",
            "Derby City Centre",
            52.9225,
            -1.4746,
            (1.0, 1.6),
            16900,
            "The cathedral quarter, the shopping centre and the bus and railway stations.",
        ),
        PlaceSpec("CF01", "Chesterfield", 53.2350, -1.4210, (1.5, 2.6), 27400, "The market town and its estates."),
        PlaceSpec("BX01", "Buxton", 53.2590, -1.9110, (1.3, 2.2), 22100, "The spa town in the Peak District."),
        PlaceSpec("MT01", "Matlock", 53.1380, -1.5550, (1.2, 2.0), 9800, "The county town and Matlock Bath."),
        PlaceSpec("IK01", "Ilkeston", 52.9710, -1.3090, (1.3, 2.2), 24300, "The town centre and the Erewash valley."),
        PlaceSpec("SW01", "Swadlincote", 52.7740, -1.5570, (1.3, 2.2), 21500, "The town and the National Forest."),
    ),
    teams=(
        TeamSpec("Derby and South NPT", ("DE01", "IK01", "SW01")),
        TeamSpec("North Derbyshire and Peak NPT", ("CF01", "BX01", "MT01")),
    ),
    partners=(
        PartnerSpec("Derby City Council", Kind.COUNCIL, "Anti-social Behaviour Officer"),
        PartnerSpec("Peak and Dales Housing Association", Kind.HOUSING_ASSOCIATION, "Tenancy Support Officer"),
        PartnerSpec("Derwent Park Academy", Kind.SCHOOL, ""),
        PartnerSpec("Derbyshire Dales Community Health Partnership", Kind.HEALTH, ""),
        PartnerSpec("Derbyshire Fire and Rescue Service", Kind.FIRE, ""),
        PartnerSpec("Derwent Valley Community Trust", Kind.VOLUNTARY, ""),
    ),
)

FORCES: tuple[ForceSpec, ...] = (CUMBRIA, CAMBRIDGESHIRE, DERBYSHIRE)

FIRST_NAMES: tuple[str, ...] = (
    "Amelia", "Olivia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Chloe", "Lucy", "Hannah",
    "Megan", "Ellie", "Rhiannon", "Siobhan", "Priya", "Aisha", "Zara", "Fatima", "Niamh", "Catherine",
    "Rachel", "Joanne", "Helen", "Sarah", "Laura", "Gemma", "Kirsty", "Abigail", "Jessica", "Charlotte",
    "Oliver", "Harry", "George", "Jack", "Thomas", "James", "William", "Daniel", "Samuel", "Joshua",
    "Callum", "Rhys", "Owen", "Liam", "Connor", "Ryan", "Mohammed", "Arjun", "Kwame", "Tomasz",
    "David", "Mark", "Paul", "Richard", "Stuart", "Gareth", "Craig", "Andrew", "Matthew", "Ben",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Hughes", "Edwards", "Lewis", "Harris", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "Scott",
    "Phillips", "Watson", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Marshall",
    "Simpson", "Ellis", "Adams", "Singh", "Begum", "Hussain", "Ahmed", "Graham", "Armstrong", "Atkinson",
    "Dixon", "Fletcher", "Nowak", "Mensah", "O'Brien",
)  # fmt: skip
