"""The API's request and response shapes: explicit pydantic (ninja) schemas, never model dumps.

Text inputs carry the `max_length` of the model field they fill, so over-long text is a schema
error (422) before any service runs. Responses forbid extra keys, so a test validating a
response against its schema also catches a field that leaked into the output.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, field_validator, model_validator

from beatbook.core import geo
from beatbook.org.models import NEIGHBOURHOOD_CODE_PATTERN, POPULATION_MAX, PartnerOrganisation, Role

MAX_PAGE_SIZE = int(settings.BEATBOOK_MAX_PAGE_SIZE)
DEFAULT_PAGE_SIZE = min(int(settings.BEATBOOK_PAGE_SIZE), MAX_PAGE_SIZE)
LanguageCode = Literal["en-gb", "cy"]  # settings.LANGUAGES (checked by a test)


class Strict(Schema):
    """Base of every schema here: unknown keys are an error, in requests and responses alike."""

    model_config = ConfigDict(extra="forbid")


# ---- Errors -----------------------------------------------------------------------------------
class ErrorDetail(Strict):
    status: int = Field(description="The HTTP status code, repeated.")
    code: str = Field(description="A stable, machine-readable slug, e.g. `not_found`.")
    message: str = Field(description="A human-readable explanation, in the caller's language.")
    fields: dict[str, list[str]] | None = Field(
        default=None,
        description="Validation errors by field (`__all__` for the request as a whole); only on 400 and 422.",
    )


class ErrorOut(Strict):
    """Every error response has this shape, whatever its status."""

    error: ErrorDetail


# ---- Query parameters ---------------------------------------------------------------------------
class PageQuery(Strict):
    page: int = Field(default=1, ge=1, description="Page number, from 1; past the last page gives the last.")
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


class NeighbourhoodListQuery(PageQuery):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")


class ForceFilterQuery(PageQuery):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")


class PeopleQuery(PageQuery):
    q: str | None = Field(default=None, max_length=100, description="Part of a name, username or collar number.")


class LocateQuery(Strict):
    lat: float = Field(ge=geo.UK_MIN_LAT, le=geo.UK_MAX_LAT, description="Latitude (WGS84), within the UK.")
    lng: float = Field(ge=geo.UK_MIN_LNG, le=geo.UK_MAX_LNG, description="Longitude (WGS84), within the UK.")


# ---- Organisation -------------------------------------------------------------------------------
class ForceOut(Strict):
    slug: str
    name: str
    country: str


class ForceDetailOut(ForceOut):
    short_code: str
    description: str
    url: str
    telephone: str


class NeighbourhoodRef(Strict):
    id: int
    code: str
    name: str


class TeamRef(Strict):
    id: int
    name: str


class PostingOut(Strict):
    id: int
    person_id: int
    force: str = Field(description="The posting's force (police.uk id).")
    role: Role
    neighbourhood: NeighbourhoodRef | None = Field(description="Set for a posting to one neighbourhood.")
    team: TeamRef | None = Field(description="Set for a posting to a team (all its neighbourhoods).")
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="Last day of the posting; null while open-ended.")


class PersonOut(Strict):
    id: int
    username: str
    display_name: str
    collar_number: str
    rank_title: str
    force: str | None = Field(description="The person's force (police.uk id).")
    is_active: bool
    postings: list[PostingOut] = Field(description="The postings active today.")


class PersonDetailOut(PersonOut):
    email: str
    preferred_language: str
    partner_organisation: str | None


class MeOut(Strict):
    id: int
    username: str
    display_name: str
    collar_number: str
    rank_title: str
    preferred_language: str
    force: str | None = Field(description="The caller's force (police.uk id).")
    postings: list[PostingOut] = Field(description="The caller's postings active today.")


class PeoplePage(Strict):
    items: list[PersonOut]
    page: int
    page_size: int
    total: int


class PostingsPage(Strict):
    items: list[PostingOut]
    page: int
    page_size: int
    total: int


class TeamOut(Strict):
    id: int
    name: str
    force: str = Field(description="The team's force (police.uk id).")
    neighbourhoods: list[NeighbourhoodRef] = Field(
        description="The neighbourhoods the team covers that the caller can see, by name."
    )


class TeamsPage(Strict):
    items: list[TeamOut]
    page: int
    page_size: int
    total: int


class PartnerOut(Strict):
    id: int
    name: str
    kind: PartnerOrganisation.Kind
    force: str = Field(description="The force the organisation works with (police.uk id).")


class PartnersPage(Strict):
    items: list[PartnerOut]
    page: int
    page_size: int
    total: int


# ---- Audit history ------------------------------------------------------------------------------
class HistoryEventOut(Strict):
    id: int
    occurred_at: dt.datetime = Field(description="When it happened (UTC).")
    event_type: int = Field(description="The event's stable number (docs/reference/audit-events.md).")
    event: str = Field(description="What happened, in words.")
    actor: str = Field(description="Who did it, as their name (and collar number) read at the time.")
    actor_id: int | None
    object_type: str | None = Field(description="`app_label.model` of the event's object, e.g. `org.posting`.")
    object_id: str
    object: str = Field(description="The object as it read at the time.")
    reason: str


class HistoryOut(Strict):
    items: list[HistoryEventOut] = Field(description="Newest first.")
    limit: int = Field(description="At most this many events are given: the newest.")


# ---- GeoJSON ------------------------------------------------------------------------------------
Position = list[float]  # [longitude, latitude] as GeoJSON orders them


class PolygonGeometry(Strict):
    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class MultiPolygonGeometry(Strict):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


Geometry = Annotated[PolygonGeometry | MultiPolygonGeometry, Field(discriminator="type")]


class LatLng(Strict):
    lat: float
    lng: float


class NeighbourhoodProperties(Strict):
    code: str
    name: str
    force: str = Field(description="The neighbourhood's force (police.uk id).")
    population: int
    centre: LatLng = Field(description="A point inside the boundary, for labels and map centring.")


class NeighbourhoodFeature(Strict):
    type: Literal["Feature"]
    id: int
    geometry: Geometry
    properties: NeighbourhoodProperties


class NeighbourhoodCollection(Strict):
    """A GeoJSON FeatureCollection with the page's metadata as extra top-level members."""

    type: Literal["FeatureCollection"]
    features: list[NeighbourhoodFeature]
    page: int
    page_size: int
    total: int


# ---- Requests that write ------------------------------------------------------------------------
Text = StringConstraints(strip_whitespace=True)


class PersonIn(Strict):
    force: Annotated[str, Text, StringConstraints(min_length=1, max_length=50)] = Field(
        description="The force to create the account in (police.uk id)."
    )
    username: Annotated[str, Text, StringConstraints(min_length=1, max_length=150)]
    display_name: Annotated[str, Text, StringConstraints(min_length=1, max_length=120)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)] = Field(
        description="Must pass the password policy (length, not common, not like the username)."
    )
    email: Annotated[str, Text, StringConstraints(max_length=254)] = ""
    collar_number: Annotated[str, Text, StringConstraints(max_length=20)] = ""
    rank_title: Annotated[str, Text, StringConstraints(max_length=80)] = ""
    preferred_language: LanguageCode = "en-gb"


class PostingIn(Strict):
    role: Role
    neighbourhood: int | None = Field(default=None, ge=1, description="Id of a neighbourhood (or give a team).")
    team: int | None = Field(default=None, ge=1, description="Id of a team (or give a neighbourhood).")
    valid_from: dt.date
    valid_to: dt.date | None = None


class PostingEndIn(Strict):
    valid_to: dt.date | None = Field(default=None, description="The last day of the posting; today if omitted.")
    reason: Annotated[str, Text, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="Why the posting ends (kept in the audit trail)."
    )


ForceSlug = Annotated[str, Text, StringConstraints(min_length=1, max_length=50)]
TeamName = Annotated[str, Text, StringConstraints(min_length=1, max_length=120)]
Id = Annotated[int, Field(ge=1)]


class NeighbourhoodIn(Strict):
    force: ForceSlug = Field(description="The force to add the neighbourhood to (police.uk id).")
    code: Annotated[str, Text, StringConstraints(min_length=1, max_length=30, pattern=NEIGHBOURHOOD_CODE_PATTERN)] = (
        Field(description="The police.uk id, unique in the force: letters, digits, hyphens, underscores.")
    )
    name: Annotated[str, Text, StringConstraints(min_length=1, max_length=120)]
    description: Annotated[str, Text, StringConstraints(max_length=2000)] = ""
    population: int = Field(default=0, ge=0, le=POPULATION_MAX)
    boundary: Geometry = Field(
        description="A GeoJSON Polygon or MultiPolygon, longitude before latitude, lying within the UK."
    )


class TeamIn(Strict):
    force: ForceSlug = Field(description="The force to create the team in (police.uk id).")
    name: TeamName
    neighbourhoods: list[Id] = Field(
        default_factory=list, max_length=1000, description="Ids of the force's neighbourhoods the team covers."
    )


class TeamPatchIn(Strict):
    """Only the members sent are changed; at least one must be sent, and neither may be null."""

    name: TeamName | None = None
    neighbourhoods: list[Id] | None = Field(
        default=None, max_length=1000, description="Replaces the team's neighbourhoods (ids of its force's)."
    )

    @field_validator("name", "neighbourhoods", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value

    @model_validator(mode="after")
    def _something(self) -> TeamPatchIn:
        if not self.model_fields_set:
            raise ValueError("give the name, the neighbourhoods, or both")
        return self


class PartnerIn(Strict):
    force: ForceSlug = Field(description="The force the organisation works with (police.uk id).")
    name: Annotated[str, Text, StringConstraints(min_length=1, max_length=160)]
    kind: PartnerOrganisation.Kind
