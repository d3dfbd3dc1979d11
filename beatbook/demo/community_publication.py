"""Demo publication: what each demo force publishes, made through the publication services by the
force's administrator (`forceadmin` in Cambridgeshire), so every write is checked and audited.

`seed_publication` (after the organisation world), in each demo force:

* community settings: priority review period 90 days (60 in Cumbria); engagement channels: the
  force's real website, and Facebook and X links marked in their title and description as
  examples (their addresses are invented);
* a published page for every active neighbourhood with a PCSO posted there (so the three demo PCSO
  logins' neighbourhoods and the others): contact email `<code>.npt@example.police.uk`, telephone
  101, a welcome message, a link to the force's website and a police station at the
  neighbourhood's centre with an invented address and no postcode;
* a published profile for each PCSO posted to a published neighbourhood ("PCSO <first name>
  <surname>", rank "PCSO") and each sergeant of a team covering one ("Sgt <first name> <surname>",
  rank "Sgt");
* one senior officer: an invented chief constable (an account created by the system actor through
  `beatbook.org.services`, with no posting and a password nobody knows) with a published senior
  profile;
* constables posted to those neighbourhoods (the `officer` login among them) get no profile, so
  the public pages show that a person without a published profile does not appear.

Running it again changes nothing but the audit trail (each write replaces the same rows).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from beatbook.community.models import PublicProfile
from beatbook.community.services.publication import (
    EngagementChannel,
    PageData,
    PageLink,
    PageLocation,
    ProfileData,
    community_settings_update,
    neighbourhood_page_update,
    public_profile_update,
)
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org import services as org_services
from beatbook.org.models import Force, Neighbourhood, Person, Posting, Role, Team

from .cases import _staff
from .logins import DEMO_LOGINS
from .seeding import quick_password_hashing

REVIEW_DAYS = 90
REVIEW_DAYS_BY_FORCE = {"cumbria": 60}
# The invented chief constables (first name, surname) of the demo forces.
CHIEFS: dict[str, tuple[str, str]] = {
    "cambridgeshire": ("Helen", "Marshall"),
    "cumbria": ("Gareth", "Bennett"),
    "derbyshire": ("Priya", "Collins"),
}
PUBLIC_RANKS = {Role.PCSO: "PCSO", Role.SUPERVISOR: "Sgt"}


@dataclass(frozen=True)
class PublicationSeedReport:
    forces: int
    pages: int
    profiles: int
    seniors: int
    posted_without_profile: int  # people posted to a published neighbourhood who do not appear
    seconds: float


def _admin(force: Force) -> Person:
    return _staff(
        force, Role.FORCE_ADMIN, "forceadmin", lambda p: policy.can(p, policy.Action.MANAGE_PUBLICATION, force)
    )


def _active(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _channels(force: Force) -> list[EngagementChannel]:
    example = f"example-{force.slug}-police"
    website = [EngagementChannel(type="website", title="Website", url=force.url, description="The force's website")]
    return [
        *(website if force.url else []),
        EngagementChannel(
            type="facebook",
            title="Facebook (example)",
            url=f"https://www.facebook.com/{example}",
            description="An example link in the demo data, not the force's own page.",
        ),
        EngagementChannel(
            type="twitter",
            title="X (example)",
            url=f"https://x.com/{example}",
            description="An example link in the demo data, not the force's own account.",
        ),
    ]


def _page(force: Force, nb: Neighbourhood) -> PageData:
    return PageData(
        is_published=True,
        welcome_message=(
            f"Welcome to the page of the {nb.name} neighbourhood team. We patrol the area, work with residents "
            "and partners on the issues you tell us matter most, and hold regular events where you can meet us."
        ),
        contact_details={"email": f"{nb.code.lower()}.npt@example.police.uk", "telephone": "101"},
        links=[PageLink(url=force.url, title=f"{force.name} website", description="Report a crime online")]
        if force.url
        else [],
        locations=[
            PageLocation(
                name=f"{nb.name} Police Station",
                address=f"1 Example Road, {nb.name}",
                type="station",
                description="Front counter open Monday to Friday, 9am to 5pm (an invented address).",
                latitude=nb.centre_lat,
                longitude=nb.centre_lng,
            )
        ],
    )


def _chief(force: Force, system: Person) -> Person:
    first, last = CHIEFS.get(force.slug, ("Alex", "Example"))
    username = f"chief.{force.slug}"
    existing = Person.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return org_services.person_create(
        actor=system,
        force=force,
        data=org_services.NewPerson(
            username=username,
            display_name=f"{first} {last}",
            password=secrets.token_urlsafe(24),
            rank_title="Chief Constable",
        ),
    )


def _seed_force(force: Force, system: Person) -> tuple[int, int, int]:
    """Settings, pages, profiles and the senior officer of one force: (pages, profiles, unprofiled)."""
    admin = _admin(force)
    on = today()
    community_settings_update(
        actor=admin,
        force=force,
        priority_review_days=REVIEW_DAYS_BY_FORCE.get(force.slug, REVIEW_DAYS),
        engagement_methods=_channels(force),
    )
    postings = Posting.objects.filter(_active(on), force=force, person__is_active=True)
    with_pcso = postings.filter(role=Role.PCSO).values("neighbourhood_id")
    areas = list(Neighbourhood.objects.filter(force=force, is_active=True, pk__in=with_pcso).order_by("code"))
    for nb in areas:
        neighbourhood_page_update(actor=admin, neighbourhood=nb, data=_page(force, nb))
    teams = Team.neighbourhoods.through.objects.filter(neighbourhood__in=areas).values("team_id")
    to_publish = (
        postings.filter(Q(role=Role.PCSO, neighbourhood__in=areas) | Q(role=Role.SUPERVISOR, team_id__in=teams))
        .select_related("person")
        .order_by("person__display_name", "person_id")
    )
    done: set[int] = set()
    for posting in to_publish:
        person = posting.person
        if person.pk in done:
            continue
        done.add(person.pk)
        rank = PUBLIC_RANKS[Role(posting.role)]
        public_profile_update(
            actor=admin,
            person=person,
            data=ProfileData(is_published=True, public_name=f"{rank} {person.display_name}", rank=rank),
        )
    chief = _chief(force, system)
    first, _last = chief.display_name.split(" ", 1)
    public_profile_update(
        actor=admin,
        person=chief,
        data=ProfileData(
            is_published=True,
            is_senior=True,
            public_name=chief.display_name,
            rank="Chief Constable",
            bio=f"{first} leads the force (an invented person in the demonstration data).",
        ),
    )
    posted = postings.filter(Q(neighbourhood__in=areas) | Q(team_id__in=teams)).values("person_id")
    published = PublicProfile.objects.filter(is_published=True).values("person_id")
    unprofiled = Person.objects.filter(pk__in=posted).exclude(pk__in=published).count()
    return len(areas), len(done) + 1, unprofiled


def seed_publication() -> PublicationSeedReport:
    """What each demo force publishes (see the module doc); one transaction per force."""
    started = time.perf_counter()
    slugs = sorted({login.force_slug for login in DEMO_LOGINS})
    forces = list(Force.objects.filter(slug__in=slugs).order_by("name"))
    system = org_services.system_actor()
    pages = profiles = unprofiled = 0
    with quick_password_hashing():
        for force in forces:
            with transaction.atomic():
                made = _seed_force(force, system)
            pages, profiles, unprofiled = pages + made[0], profiles + made[1], unprofiled + made[2]
    return PublicationSeedReport(
        forces=len(forces),
        pages=pages,
        profiles=profiles,
        seniors=len(forces),
        posted_without_profile=unprofiled,
        seconds=time.perf_counter() - started,
    )
