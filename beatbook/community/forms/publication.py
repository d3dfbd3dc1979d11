"""Forms of the publishing pages: they parse input into the services' shapes; the services decide
(`services/publication.py`) and write.

Lists are typed one item per line, parts separated by a vertical bar `|` (the page shows the
format beside each box); blank lines are ignored and trailing parts may be left out:

* engagement channels: `type | title | web address | description`
* links: `title | web address | description`
* locations: `name | address | postcode | type | description | latitude | longitude`
* other contact details: `method: value` (methods from police.uk's list, e.g. `youtube`)

The five common contact methods (email, telephone, web, facebook, twitter) have a box each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import CONTACT_KEYS, CommunitySettings, NeighbourhoodPage, PublicProfile
from ..services.publication import EngagementChannel, PageData, PageLink, PageLocation, ProfileData

SEPARATOR = "|"
# The contact methods with a box of their own; the others go in "other contact details".
COMMON_CONTACT_KEYS = ("email", "telephone", "web", "facebook", "twitter")
OTHER_CONTACT_KEYS = tuple(key for key in CONTACT_KEYS if key not in COMMON_CONTACT_KEYS)
_http = URLValidator(schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://."))


def _rows(text: str, *, at_least: int, at_most: int, message: Any) -> list[list[str]]:
    """The non-blank lines of a box, each split on `|` into `at_most` parts (missing trailing
    parts are ""); a line with fewer than `at_least` filled parts is an error naming its line."""
    rows: list[list[str]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(SEPARATOR)]
        if len(parts) > at_most or sum(1 for part in parts[:at_least] if part) < at_least:
            errors.append(str(_("Line %(number)s: %(message)s")) % {"number": number, "message": message})
            continue
        rows.append(parts + [""] * (at_most - len(parts)))
    if errors:
        raise forms.ValidationError(errors)
    return rows


def _joined(*parts: Any) -> str:
    """One line of a box: the parts joined by " | ", empty trailing parts left out."""
    values = ["" if part is None else str(part) for part in parts]
    while values and not values[-1]:
        values.pop()
    return f" {SEPARATOR} ".join(values)


def _url_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=300, validators=[_http])


class ContactFieldsMixin(forms.Form):
    """The contact details as one box per common method plus a box for the others."""

    email = forms.EmailField(
        label=_("Email address"), required=False, max_length=300, help_text=_("For example npt@example.police.uk")
    )
    telephone = forms.CharField(label=_("Telephone"), required=False, max_length=30, help_text=_("For example 101"))
    web = _url_field(_("Web page"))
    facebook = _url_field(_("Facebook page"))
    twitter = _url_field(_("X (Twitter) account"))
    other_contacts = forms.CharField(
        label=_("Other contact details"),
        required=False,
        widget=forms.Textarea,
        help_text=format_lazy(
            _("One per line, as method: value. Methods: {keys}."), keys=", ".join(OTHER_CONTACT_KEYS)
        ),
    )

    def clean_other_contacts(self) -> dict[str, str]:
        found: dict[str, str] = {}
        errors: list[str] = []
        for number, line in enumerate(self.cleaned_data["other_contacts"].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if not sep or key not in OTHER_CONTACT_KEYS:
                errors.append(
                    str(_("Line %(number)s: start with one of the methods and a colon, such as youtube: https://…"))
                    % {"number": number}
                )
                continue
            found[key] = value.strip()
        if errors:
            raise forms.ValidationError(errors)
        return found

    def contact_details(self) -> dict[str, str]:
        data = self.cleaned_data
        common = {key: data.get(key) or "" for key in COMMON_CONTACT_KEYS}
        return {**common, **data.get("other_contacts", {})}

    @staticmethod
    def contact_initial(details: Mapping[str, Any]) -> dict[str, Any]:
        others = "\n".join(f"{key}: {details[key]}" for key in OTHER_CONTACT_KEYS if details.get(key))
        return {**{key: details.get(key, "") for key in COMMON_CONTACT_KEYS}, "other_contacts": others}


class CommunitySettingsForm(forms.Form):
    priority_review_days = forms.IntegerField(
        label=_("Priority review period (days)"),
        help_text=_("7 to 365. An open priority with no update for longer is flagged to its owner and supervisor."),
    )
    engagement_methods = forms.CharField(
        label=_("Engagement channels"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "One per line: type | title | web address | description (the description may be left out), for "
            "example: facebook | Facebook | https://www.facebook.com/… | News and appeals"
        ),
    )

    def clean_engagement_methods(self) -> list[EngagementChannel]:
        rows = _rows(
            self.cleaned_data["engagement_methods"],
            at_least=3,
            at_most=4,
            message=_("give the type, the title and the web address, separated by |."),
        )
        return [EngagementChannel(type=r[0], title=r[1], url=r[2], description=r[3]) for r in rows]

    @staticmethod
    def initial_from(settings: CommunitySettings) -> dict[str, Any]:
        lines = [
            _joined(c.get("type"), c.get("title"), c.get("url"), c.get("description"))
            for c in settings.engagement_methods or []
        ]
        return {"priority_review_days": settings.priority_review_days, "engagement_methods": "\n".join(lines)}


class NeighbourhoodPageForm(ContactFieldsMixin):
    is_published = forms.BooleanField(label=_("Publish this neighbourhood's public page"), required=False)
    url_force = _url_field(_("Page on the force website"))
    welcome_message = forms.CharField(
        label=_("Welcome message"), required=False, max_length=4000, widget=forms.Textarea
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea,
        help_text=_("One per line: title | web address | description (the description may be left out)."),
    )
    locations = forms.CharField(
        label=_("Places to find us"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "One per line: name | address | postcode | type | description | latitude | longitude. Only the name is "
            "needed; give both the latitude and the longitude or neither. For example: Parkside Police Station | "
            "Parkside, Cambridge | CB1 1JG | station | Front counter open 8am to 8pm | 52.2033 | 0.1313"
        ),
    )

    field_order = [
        "is_published",
        "url_force",
        "welcome_message",
        *COMMON_CONTACT_KEYS,
        "other_contacts",
        "links",
        "locations",
    ]

    def clean_links(self) -> list[PageLink]:
        rows = _rows(
            self.cleaned_data["links"],
            at_least=2,
            at_most=3,
            message=_("give the title and the web address, separated by |."),
        )
        return [PageLink(title=r[0], url=r[1], description=r[2]) for r in rows]

    def clean_locations(self) -> list[PageLocation]:
        rows = _rows(
            self.cleaned_data["locations"],
            at_least=1,
            at_most=7,
            message=_("give at most seven parts separated by |, starting with the name."),
        )
        places: list[PageLocation] = []
        errors: list[str] = []
        for number, r in enumerate(rows, start=1):
            try:
                lat = float(r[5]) if r[5] else None
                lng = float(r[6]) if r[6] else None
            except ValueError:
                errors.append(
                    str(_("Location %(number)s: the latitude and longitude must be numbers, e.g. 52.2033 and 0.1313."))
                    % {"number": number}
                )
                continue
            places.append(
                PageLocation(
                    name=r[0], address=r[1], postcode=r[2], type=r[3], description=r[4], latitude=lat, longitude=lng
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return places

    def page_data(self) -> PageData:
        data = self.cleaned_data
        return PageData(
            is_published=data["is_published"],
            url_force=data["url_force"],
            welcome_message=data["welcome_message"],
            contact_details=self.contact_details(),
            links=data["links"],
            locations=data["locations"],
        )

    @classmethod
    def initial_from(cls, page: NeighbourhoodPage) -> dict[str, Any]:
        links = [_joined(x.get("title"), x.get("url"), x.get("description")) for x in page.links or []]
        places = [
            _joined(
                x.get("name"),
                x.get("address"),
                x.get("postcode"),
                x.get("type"),
                x.get("description"),
                x.get("latitude"),
                x.get("longitude"),
            )
            for x in page.locations or []
        ]
        return {
            "is_published": page.is_published,
            "url_force": page.url_force,
            "welcome_message": page.welcome_message,
            **cls.contact_initial(page.contact_details or {}),
            "links": "\n".join(links),
            "locations": "\n".join(places),
        }


class PublicProfileForm(ContactFieldsMixin):
    is_published = forms.BooleanField(label=_("Publish this profile"), required=False)
    is_senior = forms.BooleanField(label=_("List among the force's senior officers"), required=False)
    public_name = forms.CharField(
        label=_("Public name"), max_length=120, help_text=_("As the public should see it, e.g. PCSO Sam Patel")
    )
    rank = forms.CharField(label=_("Rank or role"), max_length=60, help_text=_("e.g. PCSO, PC, Sgt, Chief Constable"))
    bio = forms.CharField(label=_("Biography"), required=False, max_length=4000, widget=forms.Textarea)

    field_order = ["is_published", "is_senior", "public_name", "rank", "bio", *COMMON_CONTACT_KEYS, "other_contacts"]

    def profile_data(self) -> ProfileData:
        data = self.cleaned_data
        return ProfileData(
            is_published=data["is_published"],
            is_senior=data["is_senior"],
            public_name=data["public_name"],
            rank=data["rank"],
            bio=data["bio"],
            contact_details=self.contact_details(),
        )

    @classmethod
    def initial_from(cls, profile: PublicProfile) -> dict[str, Any]:
        return {
            "is_published": profile.is_published,
            "is_senior": profile.is_senior,
            "public_name": profile.public_name,
            "rank": profile.rank,
            "bio": profile.bio,
            **cls.contact_initial(profile.contact_details or {}),
        }
