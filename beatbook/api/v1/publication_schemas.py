"""Request and response shapes of the publication API (`publication.py`): a force's community
settings, neighbourhood pages and public profiles, as the force administrator manages them.

Like `schemas.py`: every schema is `Strict`; text inputs carry the `max_length` of what they fill.
Rules (the review period's range, web addresses, contact methods, a point in the UK, a required
public name) are the services', answered 400 by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from .schemas import NeighbourhoodRef, Strict, Text

ShortText = Annotated[str, Text, StringConstraints(max_length=120)]
UrlText = Annotated[str, Text, StringConstraints(max_length=500)]
Description = Annotated[str, Text, StringConstraints(max_length=500)]
LongText = Annotated[str, Text, StringConstraints(max_length=4000)]
CONTACTS = (
    "Contact methods by police.uk key (email, telephone, mobile, fax, web, address, facebook, twitter, youtube, "
    "myspace, bebo, flickr, google-plus, forum, e-messaging, blog, rss), each a string; empty ones are left out."
)


# ---- Responses ----------------------------------------------------------------------------------
class EngagementChannelOut(Strict):
    type: str = Field(description="A short word such as `facebook` or `website`.")
    title: str
    url: str
    description: str


class CommunitySettingsOut(Strict):
    force: str = Field(description="The force's police.uk id.")
    priority_review_days: int = Field(description="An open priority with no update for longer is flagged.")
    engagement_methods: list[EngagementChannelOut]
    updated_at: dt.datetime | None = Field(description="Null while the force still has the default settings.")


class PageLinkOut(Strict):
    url: str
    title: str
    description: str


class PageLocationOut(Strict):
    name: str
    address: str
    postcode: str
    type: str = Field(description="e.g. `station`.")
    description: str
    latitude: float | None = Field(description="Null when the place has no point (then longitude is null too).")
    longitude: float | None


class NeighbourhoodPageOut(Strict):
    neighbourhood: NeighbourhoodRef
    force: str = Field(description="The force's police.uk id.")
    is_published: bool
    public_url: str | None = Field(
        description="The public page's address, while it is published and the neighbourhood active; else null."
    )
    url_force: str = Field(description="The neighbourhood's page on the force website.")
    welcome_message: str
    contact_details: dict[str, str] = Field(description=CONTACTS)
    links: list[PageLinkOut]
    locations: list[PageLocationOut]
    updated_at: dt.datetime | None = Field(description="Null while the neighbourhood has never had a page.")


class NeighbourhoodPagesPage(Strict):
    items: list[NeighbourhoodPageOut]
    page: int
    page_size: int
    total: int


class PublicProfileOut(Strict):
    person_id: int
    force: str = Field(description="The person's force (police.uk id).")
    is_published: bool
    is_senior: bool
    public_name: str
    rank: str
    bio: str
    contact_details: dict[str, str] = Field(description=CONTACTS)
    updated_at: dt.datetime | None = Field(description="Null while the person has no public profile.")


class PublicProfilesPage(Strict):
    items: list[PublicProfileOut]
    page: int
    page_size: int
    total: int


# ---- Requests -----------------------------------------------------------------------------------
class EngagementChannelIn(Strict):
    type: Annotated[str, Text, StringConstraints(max_length=30)] = Field(
        description="One short word of lower-case letters, digits or hyphens, e.g. `facebook`."
    )
    title: ShortText
    url: UrlText = Field(description="An http or https address.")
    description: Description = ""


class CommunitySettingsIn(Strict):
    priority_review_days: int = Field(description="7 to 365 days.")
    engagement_methods: list[EngagementChannelIn] = Field(default_factory=list, description="At most 20.")


ContactDetails = dict[
    Annotated[str, StringConstraints(max_length=30)], Annotated[str, StringConstraints(max_length=300)]
]


class PageLinkIn(Strict):
    url: UrlText = Field(description="An http or https address.")
    title: ShortText
    description: Description = ""


class PageLocationIn(Strict):
    name: ShortText
    address: Annotated[str, Text, StringConstraints(max_length=300)] = ""
    postcode: Annotated[str, Text, StringConstraints(max_length=10)] = ""
    type: Annotated[str, Text, StringConstraints(max_length=40)] = ""
    description: Description = ""
    latitude: float | None = Field(
        default=None, description="Give both latitude and longitude (in the UK), or neither."
    )
    longitude: float | None = None


class NeighbourhoodPageIn(Strict):
    """The whole page: what is left out is cleared."""

    is_published: bool
    url_force: Annotated[str, Text, StringConstraints(max_length=200)] = Field(
        default="", description="The neighbourhood's page on the force website (http or https)."
    )
    welcome_message: LongText = ""
    contact_details: ContactDetails = Field(default_factory=dict, description=CONTACTS)
    links: list[PageLinkIn] = Field(default_factory=list, description="At most 20.")
    locations: list[PageLocationIn] = Field(default_factory=list, description="At most 20.")


class PublicProfileIn(Strict):
    """The whole profile: what is left out is cleared."""

    is_published: bool
    is_senior: bool = False
    public_name: Annotated[str, Text, StringConstraints(max_length=120)] = Field(
        description="The name the public sees, e.g. `PCSO Sam Patel` (required)."
    )
    rank: Annotated[str, Text, StringConstraints(max_length=60)] = Field(
        description="e.g. `PCSO`, `PC`, `Sgt`, `Chief Constable` (required)."
    )
    bio: LongText = ""
    contact_details: ContactDetails = Field(default_factory=dict, description=CONTACTS)
