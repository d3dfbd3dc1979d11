"""The fixed words of the demo incidents: place names, what happened, outcomes, descriptions of
unknown people, and when in the day each kind of incident tends to happen.

Every place, street, shop and person here is invented; street and place names are generic
English ones, so some will exist somewhere, but none is meant to be a real address. Phone numbers
are in the 07700 900xxx range that Ofcom keeps for drama.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from beatbook.incidents.reference import AsbQualifier, AsbType, Category

C = Category
T = AsbType
Q = AsbQualifier

# Words that invented street, park and parade names are made of.
PLACE_WORDS: tuple[str, ...] = (
    "Heron", "Kingfisher", "Willow", "Foundry", "Beacon", "Tanners", "Larkspur", "Osier", "Juniper", "Saxon",
    "Orchard", "Brookside", "Meadowsweet", "Sedge", "Alder", "Harrier", "Wren", "Maltings", "Ropewalk", "Granary",
    "Quarry", "Fleece", "Tollgate", "Coronation", "Jubilee", "Pinfold", "Ashcombe", "Rowan", "Hawthorn", "Linnet",
    "Cobbler", "Wheelwright", "Falcon", "Plover", "Bramble", "Chandlers", "Ferrymans", "Weavers", "Mill Pond",
    "Sandpiper", "Barley", "Cooper", "Lantern", "Otter", "Glebe", "Paddock", "Carters", "Kestrel", "Damson",
)  # fmt: skip
STREET_KINDS: tuple[str, ...] = ("Road", "Street", "Close", "Avenue", "Way", "Gardens", "Lane", "Crescent", "Drive")

# Public first names for older people (the world's list is mostly younger names).
OLDER_FIRST_NAMES: tuple[str, ...] = (
    "Margaret", "Brian", "Doreen", "Keith", "Jean", "Barbara", "Dennis", "Pauline", "Colin", "Maureen",
    "Derek", "Sheila", "Raymond", "Brenda", "Trevor", "Irene",
)  # fmt: skip


@dataclass(frozen=True)
class HotSpotKind:
    """A kind of place where incidents cluster, and what happens there more (multipliers of the
    usual category and ASB type weights; missing ones are 1)."""

    key: str
    names: tuple[str, ...]  # "{w}" is replaced by an invented word
    categories: dict[str, float] = field(default_factory=dict)
    asb_types: dict[str, float] = field(default_factory=dict)


STATION = HotSpotKind(
    "station",
    ("Railway station forecourt", "Bus station forecourt"),
    {C.PUBLIC_ORDER: 2, C.THEFT_FROM_THE_PERSON: 3, C.BICYCLE_THEFT: 4, C.SHOPLIFTING: 0.3, C.BURGLARY: 0},
    {T.BEGGING_VAGRANCY: 4, T.STREET_DRINKING: 2, T.ROWDY_NEIGHBOURS: 0, T.NOISE: 0.3},
)
SQUARE = HotSpotKind(
    "square",
    ("{w} Square (bars and takeaways)", "{w} Street night-time strip"),
    {C.PUBLIC_ORDER: 3, C.VIOLENT_CRIME: 3, C.THEFT_FROM_THE_PERSON: 2, C.BURGLARY: 0, C.SHOPLIFTING: 0.3},
    {T.ROWDY_INCONSIDERATE: 2, T.STREET_DRINKING: 2, T.ROWDY_NEIGHBOURS: 0, T.NOISE: 1.5},
)
PARADE = HotSpotKind(
    "parade",
    ("{w} Parade shops", "{w} Road shopping parade"),
    {C.SHOPLIFTING: 4, C.CRIMINAL_DAMAGE_ARSON: 1.3, C.ROBBERY: 1.5, C.BURGLARY: 0.3},
    {T.ROWDY_INCONSIDERATE: 2, T.BEGGING_VAGRANCY: 1.5, T.ROWDY_NEIGHBOURS: 0},
)
PARK = HotSpotKind(
    "park",
    ("{w} Park", "{w} Recreation Ground", "Skate park, {w} Rec"),
    {C.DRUGS: 2.5, C.CRIMINAL_DAMAGE_ARSON: 1.5, C.SHOPLIFTING: 0, C.BURGLARY: 0, C.VEHICLE_CRIME: 0.2},
    {T.ROWDY_INCONSIDERATE: 2, T.LITTERING_DRUGS: 2.5, T.FIREWORKS: 2, T.ANIMAL_PROBLEMS: 2, T.ROWDY_NEIGHBOURS: 0},
)
CAR_PARK = HotSpotKind(
    "car_park",
    ("{w} Centre multi-storey car park", "{w} Retail Park car park"),
    {C.VEHICLE_CRIME: 5, C.CRIMINAL_DAMAGE_ARSON: 1.3, C.BURGLARY: 0},
    {T.VEHICLE_NUISANCE: 5, T.VEHICLE_ABANDONED: 2, T.ROWDY_NEIGHBOURS: 0, T.NOISE: 0.3},
)
PATH = HotSpotKind(
    "path",
    ("Riverside path by {w} Bridge", "Underpass below {w} Road"),
    {C.DRUGS: 2, C.ROBBERY: 2, C.CRIMINAL_DAMAGE_ARSON: 2, C.SHOPLIFTING: 0, C.BURGLARY: 0},
    {T.LITTERING_DRUGS: 3, T.ROWDY_INCONSIDERATE: 1.5, T.ROWDY_NEIGHBOURS: 0},
)
# Not a hot spot: the residential streets, where incidents are scattered.
STREETS = HotSpotKind(
    "streets",
    (),
    {C.BURGLARY: 2.5, C.VEHICLE_CRIME: 1.5, C.SHOPLIFTING: 0.1, C.THEFT_FROM_THE_PERSON: 0.3, C.PUBLIC_ORDER: 0.6},
    {
        T.ROWDY_NEIGHBOURS: 2.5,
        T.NOISE: 2,
        T.NUISANCE_COMMUNICATIONS: 2,
        T.BEGGING_VAGRANCY: 0.2,
        T.STREET_DRINKING: 0.4,
    },
)
BUSY_HOT_SPOTS: tuple[HotSpotKind, ...] = (STATION, SQUARE, PARADE, CAR_PARK, PARK)  # four of these
TOWN_HOT_SPOTS: tuple[HotSpotKind, ...] = (PARADE, PARK, CAR_PARK, PATH, SQUARE)  # three of these

# How often each category is recorded by neighbourhood teams (ASB first, as in their work).
CATEGORY_WEIGHTS: dict[str, float] = {
    C.ANTI_SOCIAL_BEHAVIOUR: 40,
    C.CRIMINAL_DAMAGE_ARSON: 11,
    C.PUBLIC_ORDER: 8,
    C.OTHER_THEFT: 8,
    C.SHOPLIFTING: 7,
    C.VIOLENT_CRIME: 6,
    C.DRUGS: 5,
    C.BICYCLE_THEFT: 4,
    C.VEHICLE_CRIME: 4,
    C.BURGLARY: 2,
    C.THEFT_FROM_THE_PERSON: 1.5,
    C.OTHER_CRIME: 1.5,
    C.ROBBERY: 0.6,
    C.POSSESSION_OF_WEAPONS: 0.6,
}

ASB_TYPE_WEIGHTS: dict[str, float] = {
    T.ROWDY_INCONSIDERATE: 30,
    T.STREET_DRINKING: 9,
    T.VEHICLE_NUISANCE: 9,
    T.ROWDY_NEIGHBOURS: 9,
    T.NOISE: 8,
    T.LITTERING_DRUGS: 7,
    T.BEGGING_VAGRANCY: 5,
    T.TRESPASS: 4,
    T.ANIMAL_PROBLEMS: 4,
    T.NUISANCE_COMMUNICATIONS: 3,
    T.VEHICLE_ABANDONED: 3,
    T.FIREWORKS: 2,  # much more around Bonfire Night and New Year (see incidents.py)
    T.PROSTITUTION: 0.5,
}

# The NSIR qualifier each ASB type usually gets, and the chance it is personal instead
# (aimed at someone in particular).
ASB_QUALIFIER: dict[str, tuple[str, float]] = {
    T.ROWDY_INCONSIDERATE: (Q.NUISANCE, 0.15),
    T.STREET_DRINKING: (Q.NUISANCE, 0.05),
    T.VEHICLE_NUISANCE: (Q.NUISANCE, 0.05),
    T.ROWDY_NEIGHBOURS: (Q.PERSONAL, 1.0),
    T.NOISE: (Q.NUISANCE, 0.5),
    T.LITTERING_DRUGS: (Q.ENVIRONMENTAL, 0.0),
    T.BEGGING_VAGRANCY: (Q.NUISANCE, 0.05),
    T.TRESPASS: (Q.NUISANCE, 0.2),
    T.ANIMAL_PROBLEMS: (Q.NUISANCE, 0.2),
    T.NUISANCE_COMMUNICATIONS: (Q.PERSONAL, 1.0),
    T.VEHICLE_ABANDONED: (Q.ENVIRONMENTAL, 0.0),
    T.FIREWORKS: (Q.NUISANCE, 0.1),
    T.PROSTITUTION: (Q.NUISANCE, 0.0),
}

# When in the day (weights for hours 0-23).
EVENING: tuple[float, ...] = (
    3,
    2,
    1,
    0.5,
    0.3,
    0.3,
    0.5,
    0.8,
    1,
    1,
    1.2,
    1.3,
    1.5,
    1.5,
    1.6,
    2.2,
    3,
    3.5,
    4,
    4.5,
    4.5,
    4.2,
    3.8,
    3.2,
)
NIGHT: tuple[float, ...] = (
    4,
    3.5,
    2.5,
    1.2,
    0.5,
    0.2,
    0.2,
    0.3,
    0.5,
    0.6,
    0.7,
    0.8,
    1,
    1,
    1,
    1.2,
    1.5,
    1.8,
    2.2,
    2.6,
    3,
    3.6,
    4.2,
    4.5,
)
DAYTIME: tuple[float, ...] = (
    0.1,
    0.1,
    0,
    0,
    0,
    0,
    0.2,
    0.6,
    1.5,
    2.5,
    3,
    3.3,
    3.6,
    3.6,
    3.6,
    3.8,
    3.8,
    3.4,
    2.6,
    1.6,
    1,
    0.6,
    0.3,
    0.2,
)
OVERNIGHT: tuple[float, ...] = (
    3,
    3,
    3,
    2.5,
    2,
    1.2,
    0.8,
    0.6,
    0.5,
    0.5,
    0.5,
    0.5,
    0.6,
    0.6,
    0.6,
    0.7,
    0.8,
    1,
    1.3,
    1.6,
    2,
    2.4,
    2.8,
    3,
)
HOURS: dict[str, tuple[float, ...]] = {
    C.ANTI_SOCIAL_BEHAVIOUR: EVENING,
    C.CRIMINAL_DAMAGE_ARSON: EVENING,
    C.DRUGS: EVENING,
    C.PUBLIC_ORDER: NIGHT,
    C.VIOLENT_CRIME: NIGHT,
    C.POSSESSION_OF_WEAPONS: NIGHT,
    C.ROBBERY: NIGHT,
    C.SHOPLIFTING: DAYTIME,
    C.OTHER_THEFT: DAYTIME,
    C.BICYCLE_THEFT: DAYTIME,
    C.THEFT_FROM_THE_PERSON: DAYTIME,
    C.OTHER_CRIME: DAYTIME,
    C.VEHICLE_CRIME: OVERNIGHT,
    C.BURGLARY: OVERNIGHT,
}
# Busier days (Monday first); late-night incidents are busier still on Friday and Saturday.
WEEKDAY_WEIGHTS = (0.85, 0.85, 0.9, 1.0, 1.35, 1.45, 1.05)

# What happened. Several per category or ASB type, chosen at random.
ASB_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    T.ROWDY_INCONSIDERATE: (
        "Group of youths on bikes gathering, shouting and swearing at passers-by. Dispersed on arrival.",
        "Youths kicking a football against shop shutters and climbing on the bus shelter.",
        "Group throwing stones at passing buses; one window cracked. Group had left before patrol arrived.",
        "Large group drinking and playing loud music late at night; residents unable to sleep.",
        "Youths banging on windows and running off, repeatedly through the evening.",
    ),
    T.STREET_DRINKING: (
        "Three adults drinking cans on the benches and shouting at shoppers. Alcohol poured away.",
        "Street drinkers leaving empties and urinating in doorways; shop staff asked for a patrol.",
    ),
    T.VEHICLE_NUISANCE: (
        "Cars gathering late at night, revving engines and doing doughnuts.",
        "Off-road motorbike ridden on the footpath at speed; riders had no helmets.",
        "Moped riders circling the area and riding at pedestrians.",
    ),
    T.ROWDY_NEIGHBOURS: (
        "Neighbours shouting abuse over the fence and banging on the shared wall late at night.",
        "Ongoing dispute: neighbour's visitors blocking the drive and swearing at the caller.",
        "Neighbour playing music loudly into the early hours and threatening the caller when asked to stop.",
    ),
    T.NOISE: (
        "Loud party with music audible from the street after midnight.",
        "Repeated loud music and shouting from a flat; caller says it happens most weekends.",
    ),
    T.LITTERING_DRUGS: (
        "Needles and foil found near the play area. Council asked to clear them.",
        "Nitrous oxide canisters and drug litter left behind the benches.",
    ),
    T.BEGGING_VAGRANCY: (
        "Person begging at the cash machine and following people who refused.",
        "Rough sleeper's tent in the doorway; outreach team informed.",
    ),
    T.TRESPASS: (
        "Youths climbing onto the roof of the empty building.",
        "People getting into the fenced-off site after dark.",
    ),
    T.ANIMAL_PROBLEMS: (
        "Dog off its lead jumping at children; owner abusive when asked to control it.",
        "Dog barking for hours while the owner is out; ongoing complaint.",
    ),
    T.NUISANCE_COMMUNICATIONS: (
        "Caller receiving abusive messages on social media from a former friend.",
        "Repeated silent calls and abusive texts late at night.",
    ),
    T.VEHICLE_ABANDONED: (
        "Untaxed car left for weeks with a flat tyre; not reported stolen. Council informed.",
        "Burnt-out moped dumped in the verge; not reported stolen.",
    ),
    T.FIREWORKS: (
        "Fireworks being let off in the street and thrown at cars.",
        "Youths letting off rockets towards houses; a resident's pet badly distressed.",
    ),
    T.PROSTITUTION: ("Kerb-crawling reported; vehicle seen circling several times.",),
}
CATEGORY_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    C.CRIMINAL_DAMAGE_ARSON: (
        "Car wing mirror snapped off and paintwork scratched overnight.",
        "Graffiti sprayed across the shop shutters and the bus shelter.",
        "Wheelie bin set alight and pushed against a fence; fire service attended.",
        "Front window smashed with a stone; no one hurt.",
    ),
    C.PUBLIC_ORDER: (
        "Customer shouting threats and abuse at door staff after being refused entry.",
        "Two groups squaring up outside the takeaway; threats made, no injuries.",
        "Passer-by verbally abused in the street for no apparent reason.",
    ),
    C.OTHER_THEFT: (
        "Handbag taken from a café table while the owner was paying.",
        "Parcel taken from the doorstep shortly after delivery.",
        "Garden tools taken from an unlocked shed.",
    ),
    C.SHOPLIFTING: (
        "Suspect filled a bag with meat and alcohol and walked out without paying.",
        "Cosmetics taken from the display by someone who walked straight out; staff did not challenge.",
        "Regular shoplifter seen taking coffee and chocolate; known to staff.",
    ),
    C.VIOLENT_CRIME: (
        "Victim punched in the face outside the bar; minor injuries, declined hospital.",
        "Assault after an argument in the queue for a taxi.",
        "Victim pushed to the ground and kicked; suspect left before police arrived.",
    ),
    C.DRUGS: (
        "Strong smell of cannabis; suspect searched and found in possession of a small amount.",
        "Suspected drug deal seen from the patrol car; suspect searched.",
    ),
    C.BICYCLE_THEFT: (
        "Bicycle stolen from the stands; the lock was cut.",
        "Electric bike taken from outside the shop while the owner was inside.",
    ),
    C.VEHICLE_CRIME: (
        "Car window smashed and a bag taken from the back seat.",
        "Catalytic converter cut from a parked car overnight.",
        "Several cars tried overnight; one unlocked car searched and coins taken.",
    ),
    C.BURGLARY: (
        "Shed broken into overnight and power tools taken.",
        "Rear door forced while the occupant was at work; jewellery and a laptop taken.",
    ),
    C.THEFT_FROM_THE_PERSON: (
        "Phone taken from the victim's back pocket in the crowd.",
        "Purse taken from an open shopping bag; victim did not feel a thing.",
    ),
    C.ROBBERY: ("Victim threatened and made to hand over their phone and cash.",),
    C.POSSESSION_OF_WEAPONS: ("Suspect stopped and searched; a lock knife found in a waistband.",),
    C.OTHER_CRIME: (
        "Bank card found and used for contactless payments by someone else.",
        "Fraudulent caller claimed to be from the bank; victim lost a small sum.",
    ),
}

ASB_OUTCOMES: tuple[str, ...] = (
    "Group moved on and words of advice given; location added to the patrol plan.",
    "Parents of two of the youths visited and given advice.",
    "Community Protection Warning issued to the person responsible.",
    "Referred to the council's anti-social behaviour team.",
    "Area patrolled, no one found; the caller was updated.",
    "Acceptable behaviour contract agreed through the housing association.",
    "Council cleared the site the next morning; caller updated.",
)
CRIME_OUTCOMES: tuple[str, ...] = (
    "No lines of enquiry; victim given a crime reference and crime-prevention advice.",
    "Suspect identified from CCTV and interviewed; community resolution agreed with the victim.",
    "Suspect arrested, charged and bailed to court.",
    "Penalty notice issued.",
    "Property recovered and returned to the victim.",
    "Victim did not support a prosecution; advice given and the crime filed.",
)
POSSESSION_OUTCOMES: tuple[str, ...] = (
    "Drugs seized; community resolution with a referral to a drugs service.",
    "Arrested and charged; bailed to court.",
    "Item seized; suspect interviewed and cautioned.",
)
ESCALATION_OUTCOMES: tuple[str, ...] = (
    "Passed to response officers; suspect arrested.",
    "Passed to CID for investigation.",
    "Referred to the safeguarding hub; partner agencies informed.",
    "Passed to the neighbourhood sergeant for a problem-solving plan with the council.",
)
ACKNOWLEDGEMENT_NOTES: tuple[str, ...] = (
    "Seen. Added to the patrol plan for the next fortnight.",
    "Discussed at the neighbourhood tasking meeting.",
    "Victim contacted and reassured; a welfare visit booked.",
    "Passed to the council's community safety team.",
    "",
)
THRIVE_NOTES: tuple[str, ...] = (
    "Caller distressed; follow-up visit arranged.",
    "Suspect known to police; risk of escalation.",
    "Victim lives alone; neighbours asked to look in.",
    "Ongoing problem at this location; partners to be told.",
)

# Unknown people: "Male, about 16, slim, black hooded top and grey joggers."
SEXES: tuple[str, ...] = ("Male", "Male", "Male", "Female")
BUILDS: tuple[str, ...] = ("slim", "medium build", "stocky", "tall and thin", "short")
CLOTHES: tuple[str, ...] = (
    "black hooded top and grey joggers",
    "dark puffer jacket, face covering",
    "white trainers, black tracksuit",
    "green parka with the hood up",
    "grey hoodie, black cap",
    "high-visibility vest",
)
EXTRAS: tuple[str, ...] = ("", "", "on a black BMX", "carrying a rucksack", "Local accent", "on an electric scooter")
GROUP_DESCRIPTION = "Group of {n} youths, aged about {lo}-{hi}, mostly in dark hoodies; some on bikes."
VULNERABILITY_NOTES: tuple[str, ...] = (
    "Lives alone; early-stage dementia (per family).",
    "Has learning difficulties; support worker visits weekly.",
    "Recently bereaved; low mood.",
    "Uses a wheelchair.",
)
SHOP_KINDS: tuple[str, ...] = ("Convenience Store", "Pharmacy", "Off-Licence", "Food Hall", "Discount Store")

# The scripted cases (see incidents.py).
TRIGGER_DESCRIPTIONS: tuple[str, ...] = (
    "Neighbour at {door} shouting abuse over the landing and playing music into the early hours.",
    "Neighbour at {door} kicked the caller's door and threatened them on the stairs.",
    "Further abuse from the neighbour at {door}; the caller is now afraid to leave home and asks "
    "what more can be done.",
)
REPEAT_VICTIM_CRIMES: tuple[tuple[str, str], ...] = (
    (C.CRIMINAL_DAMAGE_ARSON, "Victim's front window smashed overnight; nothing taken."),
    (C.OTHER_THEFT, "Victim's mobility scooter battery taken from the front garden."),
    (C.THEFT_FROM_THE_PERSON, "Victim's purse taken from a trolley bag while queuing for the bus."),
)
REPEAT_LOCATION_INCIDENTS: tuple[tuple[str, str, str, str], ...] = (
    (
        C.ANTI_SOCIAL_BEHAVIOUR,
        Q.NUISANCE,
        T.ROWDY_INCONSIDERATE,
        "Youths gathering in the bus shelter, shouting at passers-by and kicking the panels.",
    ),
    (C.CRIMINAL_DAMAGE_ARSON, "", "", "Bus shelter glass panel smashed; glass all over the pavement."),
    (
        C.ANTI_SOCIAL_BEHAVIOUR,
        Q.NUISANCE,
        T.ROWDY_INCONSIDERATE,
        "Group back at the bus shelter, setting light to litter in the bin.",
    ),
)
