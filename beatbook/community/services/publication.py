"""Writes of what a force publishes: its community settings, each neighbourhood's public page, and
the public profiles of its people.

Every function: keyword-only, `actor` first, one transaction, the access check
(`Action.MANAGE_PUBLICATION`: the force administrator), validation with field errors, the write
(create or update: these rows are one per force, neighbourhood or person), and the audit event.
The audit payload holds flags, ids, counts and the names of what changed, never a name, an
address or any other text the force typed (a public name is still a person's name).

What is stored is ready for the public side as it is: contact details map police.uk keys
(`CONTACT_KEYS`) to non-empty strings, in the order of that list; links, locations and
engagement channels are lists of objects whose text members are strings (`""` when not given,
never null), and a location has `latitude` and `longitude` (numbers) only when both are known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Person

from ..models import CONTACT_KEYS, CommunitySettings, NeighbourhoodPage, PublicProfile

REVIEW_DAYS_MIN, REVIEW_DAYS_MAX = 7, 365
LIST_MAX = 20  # engagement channels, links or locations
TITLE_MAX = 120
URL_MAX = 500
URL_FORCE_MAX = 200  # NeighbourhoodPage.url_force
DESCRIPTION_MAX = 500
CONTACT_VALUE_MAX = 300
WELCOME_MAX = 4000
BIO_MAX = 4000
PUBLIC_NAME_MAX = 120
RANK_MAX = 60
NAME_MAX = 120
ADDRESS_MAX = 300
LOCATION_TYPE_MAX = 40
# Contact keys whose value is a web address, and those that are a telephone number.
URL_CONTACT_KEYS = frozenset(
    {"web", "facebook", "twitter", "youtube", "myspace", "bebo", "flickr", "google-plus", "forum", "blog", "rss"}
)
PHONE_CONTACT_KEYS = frozenset({"telephone", "mobile", "fax"})
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{1,28}$")
CHANNEL_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
# A UK postcode, loosely (outward code, a space or not, inward code).
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_http_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class EngagementChannel:
    """One of the force's public engagement channels (police.uk `engagement_methods`)."""

    type: str  # a short lower-case word such as "facebook", "twitter", "website"
    title: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class PageLink:
    url: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class PageLocation:
    """A place the public can go (a police station, a contact point)."""

    name: str
    address: str = ""
    postcode: str = ""
    type: str = ""
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class PageData:
    """Everything a neighbourhood's public page says (an update replaces all of it)."""

    is_published: bool
    url_force: str = ""
    welcome_message: str = ""
    contact_details: Mapping[str, Any] = field(default_factory=dict)
    links: Sequence[PageLink] = ()
    locations: Sequence[PageLocation] = ()


@dataclass(frozen=True)
class ProfileData:
    """How a person appears publicly (an update replaces all of it)."""

    is_published: bool
    public_name: str
    rank: str
    is_senior: bool = False
    bio: str = ""
    contact_details: Mapping[str, Any] = field(default_factory=dict)


class _Errors:
    """Field errors gathered while checking, raised together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _is_http_url(value: str) -> bool:
    try:
        _http_url(value)
    except ValidationError:
        return False
    return True


def _text(errors: _Errors, name: str, value: str, limit: int, *, label: str, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        errors.add(name, _("%(label)s: this is required.") % {"label": label})
    elif len(text) > limit:
        errors.add(name, _("%(label)s: enter at most %(limit)s characters.") % {"label": label, "limit": limit})
    return text


def _part(label: str, part: str) -> str:
    """ "Link 2" and "title" -> "Link 2 title" (the part's name, translated)."""
    return f"{label} {_PARTS[part]}"


_PARTS: dict[str, Any] = {
    "title": _lazy("title"),
    "url": _lazy("web address"),
    "address": _lazy("address"),
    "text": _lazy("description"),
    "name": _lazy("name"),
    "type": _lazy("type"),
}


def _url(errors: _Errors, name: str, value: str, *, label: str, required: bool = False, limit: int = URL_MAX) -> str:
    url = _text(errors, name, value, limit, label=label, required=required)
    if url and not _is_http_url(url):
        errors.add(name, _("%(label)s: enter a web address starting with http:// or https://.") % {"label": label})
    return url


def clean_contact_details(errors: _Errors, raw: Mapping[str, Any]) -> dict[str, str]:
    """Contact details as stored: known keys only, string values, empty ones left out, in the
    order of `CONTACT_KEYS`. Errors go on `contact_details`, each naming its key."""
    cleaned: dict[str, str] = {}
    for key, value in raw.items():
        if key not in CONTACT_KEYS:
            errors.add(
                "contact_details",
                _("“%(key)s” is not a contact method. Use: %(keys)s.") % {"key": key, "keys": ", ".join(CONTACT_KEYS)},
            )
            continue
        if not isinstance(value, str):
            errors.add("contact_details", _("%(key)s: give it as text.") % {"key": key})
            continue
        text = value.strip()
        if not text:
            continue
        if len(text) > CONTACT_VALUE_MAX:
            errors.add(
                "contact_details",
                _("%(key)s: enter at most %(limit)s characters.") % {"key": key, "limit": CONTACT_VALUE_MAX},
            )
        elif key == "email":
            try:
                validate_email(text)
            except ValidationError:
                errors.add("contact_details", _("email: enter an email address such as name@example.police.uk."))
        elif key in URL_CONTACT_KEYS and not _is_http_url(text):
            errors.add(
                "contact_details", _("%(key)s: enter a web address starting with http:// or https://.") % {"key": key}
            )
        elif key in PHONE_CONTACT_KEYS and not PHONE.match(text):
            errors.add("contact_details", _("%(key)s: enter a telephone number, such as 101.") % {"key": key})
        cleaned[key] = text
    return {key: cleaned[key] for key in CONTACT_KEYS if key in cleaned}


def _too_many(errors: _Errors, name: str, items: Sequence[Any]) -> bool:
    if len(items) > LIST_MAX:
        errors.add(name, _("Give at most %(limit)s.") % {"limit": LIST_MAX})
        return True
    return False


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


# ---- Community settings -------------------------------------------------------------------------


def clean_channels(errors: _Errors, channels: Sequence[EngagementChannel]) -> list[dict[str, str]]:
    name = "engagement_methods"
    if _too_many(errors, name, channels):
        return []
    cleaned: list[dict[str, str]] = []
    for number, channel in enumerate(channels, start=1):
        label = _("Channel %(number)s") % {"number": number}
        kind = channel.type.strip().lower()
        if not CHANNEL_TYPE.match(kind):
            errors.add(
                name,
                _("%(label)s: give its type as one short word of letters, digits or hyphens, such as facebook.")
                % {"label": label},
            )
        cleaned.append(
            {
                "type": kind,
                "title": _text(errors, name, channel.title, TITLE_MAX, label=_part(label, "title"), required=True),
                "url": _url(errors, name, channel.url, label=_part(label, "url"), required=True),
                "description": _text(errors, name, channel.description, DESCRIPTION_MAX, label=_part(label, "text")),
            }
        )
    return cleaned


def _settings_values(settings: CommunitySettings) -> dict[str, Any]:
    return {
        "priority_review_days": settings.priority_review_days,
        "engagement_methods": list(settings.engagement_methods or []),
    }


@transaction.atomic
def community_settings_update(
    *,
    actor: Person,
    force: Force,
    priority_review_days: int,
    engagement_methods: Sequence[EngagementChannel],
    meta: AuditMeta = NO_META,
) -> CommunitySettings:
    """Set the force's priority review period (7 to 365 days: an open priority without an update
    for longer is flagged) and its public engagement channels (each a type, a title, an http(s)
    address and an optional description). Creates the force's settings row the first time."""
    policy.require(actor, policy.Action.MANAGE_PUBLICATION, force)
    errors = _Errors()
    if not REVIEW_DAYS_MIN <= priority_review_days <= REVIEW_DAYS_MAX:
        errors.add("priority_review_days", _("Enter a number of days from 7 to 365."))
    channels = clean_channels(errors, engagement_methods)
    errors.raise_any()
    settings = CommunitySettings.objects.filter(force=force).first()
    created = settings is None
    if settings is None:
        settings = CommunitySettings(force=force)
    before = {} if created else _settings_values(settings)
    settings.priority_review_days = priority_review_days
    settings.engagement_methods = channels
    settings.full_clean()
    settings.save()
    after = _settings_values(settings)
    record(
        actor=actor,
        event=EventType.COMMUNITY_SETTINGS_UPDATED,
        obj=settings,
        force_id=force.pk,
        before=None if created else {"priority_review_days": before["priority_review_days"]},
        after={
            "created": created,
            "priority_review_days": settings.priority_review_days,
            "engagement_methods": len(channels),
            "channel_types": [c["type"] for c in channels],
            "changed": _changed(before, after),
        },
        meta=meta,
    )
    return settings


# ---- Neighbourhood pages ------------------------------------------------------------------------


def clean_links(errors: _Errors, links: Sequence[PageLink]) -> list[dict[str, str]]:
    name = "links"
    if _too_many(errors, name, links):
        return []
    cleaned: list[dict[str, str]] = []
    for number, link in enumerate(links, start=1):
        label = _("Link %(number)s") % {"number": number}
        cleaned.append(
            {
                "url": _url(errors, name, link.url, label=_part(label, "url"), required=True),
                "title": _text(errors, name, link.title, TITLE_MAX, label=_part(label, "title"), required=True),
                "description": _text(errors, name, link.description, DESCRIPTION_MAX, label=_part(label, "text")),
            }
        )
    return cleaned


def clean_locations(errors: _Errors, locations: Sequence[PageLocation]) -> list[dict[str, Any]]:
    name = "locations"
    if _too_many(errors, name, locations):
        return []
    cleaned: list[dict[str, Any]] = []
    for number, place in enumerate(locations, start=1):
        label = _("Location %(number)s") % {"number": number}
        postcode = " ".join(place.postcode.upper().split())
        if postcode and not POSTCODE.match(postcode):
            errors.add(name, _("%(label)s: enter a UK postcode, such as CB1 1AA.") % {"label": label})
        row: dict[str, Any] = {
            "name": _text(errors, name, place.name, NAME_MAX, label=_part(label, "name"), required=True),
            "address": _text(errors, name, place.address, ADDRESS_MAX, label=_part(label, "address")),
            "postcode": postcode,
            "type": _text(errors, name, place.type, LOCATION_TYPE_MAX, label=_part(label, "type")).lower(),
            "description": _text(errors, name, place.description, DESCRIPTION_MAX, label=_part(label, "text")),
        }
        lat, lng = place.latitude, place.longitude
        if (lat is None) != (lng is None):
            errors.add(name, _("%(label)s: give both the latitude and the longitude, or neither.") % {"label": label})
        elif lat is not None and lng is not None:
            if geo.in_uk(lat, lng):
                row["latitude"], row["longitude"] = round(lat, 6), round(lng, 6)
            else:
                errors.add(name, _("%(label)s: the point must be in the UK.") % {"label": label})
        cleaned.append(row)
    return cleaned


def _page_values(page: NeighbourhoodPage) -> dict[str, Any]:
    return {
        "is_published": page.is_published,
        "url_force": page.url_force,
        "welcome_message": page.welcome_message,
        "contact_details": dict(page.contact_details or {}),
        "links": list(page.links or []),
        "locations": list(page.locations or []),
    }


def _page_audit(page: NeighbourhoodPage) -> dict[str, Any]:
    return {
        "is_published": page.is_published,
        "contact_keys": list(page.contact_details),
        "links": len(page.links),
        "locations": len(page.locations),
        "has_welcome_message": bool(page.welcome_message),
        "has_url_force": bool(page.url_force),
    }


@transaction.atomic
def neighbourhood_page_update(
    *, actor: Person, neighbourhood: Neighbourhood, data: PageData, meta: AuditMeta = NO_META
) -> NeighbourhoodPage:
    """Create or replace a neighbourhood's public page: whether it is published, its page on the
    force website (http/https), a welcome message, contact details (keys from `CONTACT_KEYS`;
    an email address, http(s) addresses and telephone numbers checked), links (each an http(s)
    address, a title and an optional description) and locations (each a name, optional address,
    postcode, type and description, and a point in the UK or none)."""
    policy.require(actor, policy.Action.MANAGE_PUBLICATION, neighbourhood)
    errors = _Errors()
    url_force = _url(errors, "url_force", data.url_force, label=_("Page on the force website"), limit=URL_FORCE_MAX)
    welcome = _text(errors, "welcome_message", data.welcome_message, WELCOME_MAX, label=_("Welcome message"))
    contacts = clean_contact_details(errors, data.contact_details)
    links = clean_links(errors, data.links)
    locations = clean_locations(errors, data.locations)
    errors.raise_any()
    page = NeighbourhoodPage.objects.filter(neighbourhood=neighbourhood).first()
    created = page is None
    if page is None:
        page = NeighbourhoodPage(neighbourhood=neighbourhood, force_id=neighbourhood.force_id)
    before_values = {} if created else _page_values(page)
    before = None if created else _page_audit(page)
    page.is_published = data.is_published
    page.url_force = url_force
    page.welcome_message = welcome
    page.contact_details = contacts
    page.links = links
    page.locations = locations
    page.full_clean()
    page.save()
    record(
        actor=actor,
        event=EventType.NEIGHBOURHOOD_PAGE_UPDATED,
        obj=page,
        force_id=neighbourhood.force_id,
        neighbourhood_id=neighbourhood.pk,
        before=before,
        after={
            "created": created,
            "neighbourhood_id": neighbourhood.pk,
            **_page_audit(page),
            "changed": _changed(before_values, _page_values(page)),
        },
        meta=meta,
    )
    return page


# ---- Public profiles ----------------------------------------------------------------------------


def _profile_values(profile: PublicProfile) -> dict[str, Any]:
    return {
        "is_published": profile.is_published,
        "is_senior": profile.is_senior,
        "public_name": profile.public_name,
        "rank": profile.rank,
        "bio": profile.bio,
        "contact_details": dict(profile.contact_details or {}),
    }


def _profile_audit(profile: PublicProfile) -> dict[str, Any]:
    return {
        "is_published": profile.is_published,
        "is_senior": profile.is_senior,
        "contact_keys": list(profile.contact_details),
        "has_bio": bool(profile.bio),
    }


@transaction.atomic
def public_profile_update(
    *, actor: Person, person: Person, data: ProfileData, meta: AuditMeta = NO_META
) -> PublicProfile:
    """Create or replace how a person of the force appears publicly: whether the profile is
    published (only then is the person named on the pages of the neighbourhoods they are posted
    to), whether they are listed among the force's senior officers, the public name and rank or
    role the force chooses (both required, e.g. "PCSO Sam Patel", "PCSO"), a biography and
    contact details (as for a neighbourhood page)."""
    if person.is_system or person.force_id is None:
        raise PermissionDenied(_("You do not have permission to do that."))
    policy.require(actor, policy.Action.MANAGE_PUBLICATION, person)
    errors = _Errors()
    if person.partner_organisation_id is not None:
        errors.add("person", _("Only the force's own people can have a public profile."))
    public_name = _text(errors, "public_name", data.public_name, PUBLIC_NAME_MAX, label=_("Public name"), required=True)
    rank = _text(errors, "rank", data.rank, RANK_MAX, label=_("Rank or role"), required=True)
    bio = _text(errors, "bio", data.bio, BIO_MAX, label=_("Biography"))
    contacts = clean_contact_details(errors, data.contact_details)
    errors.raise_any()
    profile = PublicProfile.objects.filter(person=person).first()
    created = profile is None
    if profile is None:
        profile = PublicProfile(person=person, force_id=person.force_id)
    before_values = {} if created else _profile_values(profile)
    before = None if created else _profile_audit(profile)
    profile.is_published = data.is_published
    profile.is_senior = data.is_senior
    profile.public_name = public_name
    profile.rank = rank
    profile.bio = bio
    profile.contact_details = contacts
    profile.full_clean()
    profile.save()
    record(
        actor=actor,
        event=EventType.PUBLIC_PROFILE_UPDATED,
        obj=profile,
        force_id=person.force_id,
        before=before,
        after={
            "created": created,
            "person_id": person.pk,
            **_profile_audit(profile),
            "changed": _changed(before_values, _profile_values(profile)),
        },
        meta=meta,
    )
    return profile
