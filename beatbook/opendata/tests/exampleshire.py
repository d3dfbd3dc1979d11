"""Exampleshire: the deterministic dataset of the public API's tests and conformance tests
(../shared/policeuk-api.md, C.3), built directly with the models (forces, neighbourhoods and
people through the org services).

* Force `exampleshire` ("Exampleshire Police"): telephone 101, a website, a description, one
  engagement method (twitter), one published senior officer (Jane Example, Chief Constable).
* Published neighbourhoods NC04 "City Centre" (a square around 52.630, -1.135) and NC66
  "Cultural Quarter" (the square north of it, 52.64 to 52.66); NC99 "Hidden Heights" exists with
  an unpublished page (it must never appear).
* NC04's team: Sgt Andy Cooper and PCSO Sam Example (published profiles), and a PCSO whose
  profile is not published ("Secret Sally"). One public event next week (with an end), one
  private event; two published priorities set on different days (the older one with a public
  action and an internal one), and one unpublished priority.
* Months 2024-01 (latest) and 2023-12.
* 2024-01 at snap point 1737432 (52.629831, -1.132503, "On or near Marquis Street", in NC04):
  an ASB incident and a burglary with a 64-hex crime id, outcome "Local resolution" and two
  outcomes (both recorded in 2024-01). 2024-01 elsewhere: a robbery at a snap point about 3.9 km
  north (outside the one-mile radius and every neighbourhood) and a bicycle theft with no location.
  2023-12: one vehicle crime at 1737432.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from beatbook.community.models import (
    CommunitySettings,
    EngagementEvent,
    EventKind,
    NeighbourhoodPage,
    Priority,
    PriorityAction,
    PublicProfile,
)
from beatbook.core.testing import make_person, square
from beatbook.opendata.models import OutcomeCategory, PublicCrime, PublicOutcome, PublishedMonth, SnapPoint
from beatbook.org import services as org
from beatbook.org.models import Force, Neighbourhood, Person, Role

LOCATION_ID = 1737432
CENTRE = (52.630, -1.135)
BURGLARY_ID = "bb06e351c7056b9d74fcf5d519cc45e0318f72e1a39bdf45f9551a2743396d58"
NO_LOCATION_ID = "2dfbe17ccd04260ea94db37ae5d759078cd728430c668c84b5b8b1a08ec253ca"
FAR_ID = "e11dade0a92a912d12329b9b2abb856ac9520434ad6845c30f503e9901d140f1"
OLD_ID = "a5a98275facee535b959b236130f5ec05205869fb3d0804c9b14296fcd0bce46"
JAN = dt.date(2024, 1, 1)
DEC = dt.date(2023, 12, 1)
# A square holding NC04's crimes at 1737432 but not the far one (pyrozza's poly string form).
SQUARE_POLY = "52.62,-1.15:52.64,-1.15:52.64,-1.12:52.62,-1.12"
# A point no published neighbourhood covers (inside the UK box the uk-police client checks).
UNCOVERED = (52.80, -1.135)

# Words that are private and must never appear in any API response.
SECRETS = (
    "Secret Sally",
    "Hidden Heights",
    "Private briefing",
    "Unpublished worry",
    "Internal action only",
    "internal-note-xyz",
)


@dataclass
class Exampleshire:
    force: Force
    nc04: Neighbourhood
    nc66: Neighbourhood
    nc99: Neighbourhood
    location: SnapPoint
    far_location: SnapPoint
    asb: PublicCrime
    burglary: PublicCrime
    far: PublicCrime
    no_location: PublicCrime
    old: PublicCrime
    public_event: EngagementEvent
    sergeant: Person
    pcso: Person


def _profile(person: Person, force: Force, name: str, rank: str, **fields: object) -> PublicProfile:
    return PublicProfile.objects.create(person=person, force=force, public_name=name, rank=rank, **fields)


def _crime(
    force: Force, month: dt.date, category: str, key: str, point: SnapPoint | None, **fields: object
) -> PublicCrime:
    return PublicCrime.objects.create(
        force=force,
        month=month,
        category=category,
        snap_point=point,
        lat=point.lat if point else None,
        lng=point.lng if point else None,
        source=PublicCrime.Source.IMPORT,
        source_key=key,
        **fields,
    )


def build_exampleshire() -> Exampleshire:
    system = org.system_actor()
    force = org.force_create(
        actor=system,
        slug="exampleshire",
        name="Exampleshire Police",
        country="england",
        short_code="EXAMP",
        description="A police service for everyone in Exampleshire.\n\nWe are <here> to help & listen.",
        url="https://www.exampleshire.police.uk/",
        telephone="101",
    )
    CommunitySettings.objects.create(
        force=force,
        engagement_methods=[
            {"type": "twitter", "title": "twitter", "url": "https://x.com/exampleshirepolice", "description": ""}
        ],
    )
    nc04 = org.neighbourhood_create(
        actor=system,
        force=force,
        code="NC04",
        name="City Centre",
        boundary=square(*CENTRE),
        description="The City Centre neighbourhood covers the shops and the market.",
        population=12340,
    )
    nc66 = org.neighbourhood_create(
        actor=system, force=force, code="NC66", name="Cultural Quarter", boundary=square(52.650, -1.135)
    )
    nc99 = org.neighbourhood_create(
        actor=system, force=force, code="NC99", name="Hidden Heights", boundary=square(52.610, -1.135)
    )
    NeighbourhoodPage.objects.create(
        neighbourhood=nc04,
        force=force,
        is_published=True,
        url_force="https://www.exampleshire.police.uk/city-centre",
        welcome_message="Welcome to the City Centre team.",
        contact_details={"email": "citycentre@exampleshire.police.uk", "telephone": "101", "fax": ""},
        links=[{"url": "https://www.exampleshire.gov.uk/", "title": "Exampleshire Council", "description": ""}],
        locations=[
            {
                "name": "Central Police Station",
                "address": "1 High Street, Exampleton",
                "postcode": "EX1 1AA",
                "type": "station",
                "description": "",
                "latitude": 52.6301,
                "longitude": -1.1302,
            },
            {"name": "Market Office", "address": "Market Square", "postcode": "EX1 2BB", "type": "office"},
        ],
    )
    NeighbourhoodPage.objects.create(neighbourhood=nc66, force=force, is_published=True)
    NeighbourhoodPage.objects.create(neighbourhood=nc99, force=force, is_published=False)

    chief = make_person(system, force, "chief.example", Role.FORCE_ADMIN)
    _profile(
        chief,
        force,
        "Jane Example",
        "Chief Constable",
        is_published=True,
        is_senior=True,
        bio="Joined the force in 1998.",
        contact_details={"twitter": "https://x.com/exampleshirecc", "email": ""},
    )
    sergeant = make_person(system, force, "sgt.cooper", Role.SUPERVISOR, neighbourhood=nc04, collar="2001")
    _profile(sergeant, force, "Andy Cooper", "Sgt", is_published=True, bio="I lead the City Centre team.")
    pcso = make_person(system, force, "pcso.sam", Role.PCSO, neighbourhood=nc04, collar="7101")
    _profile(
        pcso, force, "Sam Example", "PCSO", is_published=True, contact_details={"email": "sam@exampleshire.police.uk"}
    )
    hidden = make_person(system, force, "pcso.sally", Role.PCSO, neighbourhood=nc04, collar="7102")
    _profile(hidden, force, "Secret Sally", "PCSO", is_published=False)

    next_week = timezone.localdate() + dt.timedelta(days=7)
    starts = timezone.make_aware(dt.datetime.combine(next_week, dt.time(18, 30)))
    public_event = EngagementEvent.objects.create(
        reference="EXAMP-EVT-0001",
        force=force,
        neighbourhood=nc04,
        kind=EventKind.BEAT_SURGERY,
        title="Drop-in beat surgery",
        description="Come and talk to your team.\nTea & biscuits.",
        address="Exampleton Library, 17 Guildhall Lane",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        is_public=True,
        notes="internal-note-xyz",
        issues_raised="internal-note-xyz",
        created_by=pcso,
        updated_by=pcso,
    )
    EngagementEvent.objects.create(
        reference="EXAMP-EVT-0002",
        force=force,
        neighbourhood=nc04,
        kind=EventKind.PARTNER_MEETING,
        title="Private briefing",
        address="Exampleton Police Station",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        is_public=False,
        created_by=pcso,
        updated_by=pcso,
    )
    newer = Priority.objects.create(
        reference="EXAMP-PRI-0001",
        force=force,
        neighbourhood=nc04,
        issue="To reduce anti-social behaviour on Humberstone Gate.",
        set_on=dt.date(2024, 4, 14),
        owner=sergeant,
        review_on=dt.date(2024, 7, 14),
        is_published=True,
        last_update_on=dt.date(2024, 4, 14),
        created_by=sergeant,
        updated_by=sergeant,
    )
    older = Priority.objects.create(
        reference="EXAMP-PRI-0002",
        force=force,
        neighbourhood=nc04,
        issue="To reduce street drinking in Museum Square.",
        set_on=dt.date(2023, 10, 8),
        owner=sergeant,
        review_on=dt.date(2024, 1, 8),
        is_published=True,
        last_update_on=dt.date(2023, 12, 22),
        created_by=sergeant,
        updated_by=sergeant,
    )
    PriorityAction.objects.create(
        priority=older,
        taken_on=dt.date(2023, 12, 22),
        text="Joint patrols with the council & the street wardens.",
        created_by=sergeant,
    )
    PriorityAction.objects.create(
        priority=older,
        taken_on=dt.date(2023, 12, 23),
        text="Internal action only",
        is_public=False,
        created_by=sergeant,
    )
    PriorityAction.objects.create(
        priority=newer, taken_on=dt.date(2024, 4, 20), text="Internal action only", is_public=False, created_by=sergeant
    )
    Priority.objects.create(
        reference="EXAMP-PRI-0003",
        force=force,
        neighbourhood=nc04,
        issue="Unpublished worry",
        set_on=dt.date(2024, 5, 1),
        owner=sergeant,
        review_on=dt.date(2024, 6, 1),
        is_published=False,
        last_update_on=dt.date(2024, 5, 1),
        created_by=sergeant,
        updated_by=sergeant,
    )

    location = SnapPoint.objects.create(
        pk=LOCATION_ID, force=force, lat=52.629831, lng=-1.132503, name="On or near Marquis Street"
    )
    far_location = SnapPoint.objects.create(force=force, lat=52.665, lng=-1.135, name="On or near North Road")
    asb = _crime(force, JAN, "anti-social-behaviour", "asb-1", location)
    burglary = _crime(
        force,
        JAN,
        "burglary",
        "burglary-1",
        location,
        persistent_id=BURGLARY_ID,
        outcome=OutcomeCategory.LOCAL_RESOLUTION,
        outcome_month=JAN,
    )
    PublicOutcome.objects.create(crime=burglary, category=OutcomeCategory.UNDER_INVESTIGATION, month=JAN)
    PublicOutcome.objects.create(crime=burglary, category=OutcomeCategory.LOCAL_RESOLUTION, month=JAN)
    far = _crime(force, JAN, "robbery", "far-1", far_location, persistent_id=FAR_ID)
    no_location = _crime(
        force,
        JAN,
        "bicycle-theft",
        "noloc-1",
        None,
        persistent_id=NO_LOCATION_ID,
        outcome=OutcomeCategory.NO_FURTHER_ACTION,
        outcome_month=dt.date(2024, 2, 1),
    )
    old = _crime(force, DEC, "vehicle-crime", "old-1", location, persistent_id=OLD_ID)
    PublishedMonth.objects.create(force=force, month=JAN, crime_count=4)
    PublishedMonth.objects.create(force=force, month=DEC, crime_count=1)
    return Exampleshire(
        force=force,
        nc04=nc04,
        nc66=nc66,
        nc99=nc99,
        location=location,
        far_location=far_location,
        asb=asb,
        burglary=burglary,
        far=far,
        no_location=no_location,
        old=old,
        public_event=public_event,
        sergeant=sergeant,
        pcso=pcso,
    )


def add_crimes(ex: Exampleshire, count: int, *, month: dt.date = JAN) -> None:
    """More crimes at 1737432 in the month (to go over a small cap)."""
    PublicCrime.objects.bulk_create(
        PublicCrime(
            force=ex.force,
            month=month,
            category="shoplifting",
            snap_point=ex.location,
            lat=ex.location.lat,
            lng=ex.location.lng,
            source=PublicCrime.Source.IMPORT,
            source_key=f"extra-{i}",
            persistent_id=f"{i:064x}",
        )
        for i in range(count)
    )
