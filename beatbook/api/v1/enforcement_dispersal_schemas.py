"""Request and response shapes of the dispersal API (`enforcement_dispersal.py`): the inspector's
authorisations (ASBCPA 2014 s.34) and the directions given under them (s.35)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import AwareDatetime, StringConstraints

from beatbook.enforcement.reference import AuthorisingRank, RemovedTo

from .enforcement_register_schemas import EnforcementDetailOut, EnforcementRecordIn, LongText, ShortText
from .incident_schemas import StrictIn
from .schemas import Geometry, NeighbourhoodRef, PageQuery, Strict, Text

MediumText = Annotated[str, Text, StringConstraints(max_length=2000)]


class AuthorisationListQuery(PageQuery):
    active: bool | None = Field(default=None, description="Only those in force now (true) or not (false).")
    neighbourhood: int | None = Field(default=None, ge=1, description="Only this neighbourhood's (its id).")


class AuthorisationIn(StrictIn):
    """An inspector's written authorisation, as a supervisor of the neighbourhood records it."""

    neighbourhood: int = Field(ge=1, description="The neighbourhood of the locality (its id).")
    locality: MediumText = Field(description="The streets and places it covers.")
    boundary: Geometry | None = Field(default=None, description="If given, directions only inside it.")
    starts_at: AwareDatetime
    ends_at: AwareDatetime = Field(description="At most 48 hours after `starts_at`.")
    authorised_by_name: Annotated[str, Text, StringConstraints(max_length=160)]
    authorised_by_rank: AuthorisingRank = Field(description="An inspector or above.")
    grounds: LongText


class AuthorisationEndIn(StrictIn):
    reason: MediumText = Field(description="Why it ends early.")


class AuthorisationRef(Strict):
    id: int
    reference: str


class AuthorisationOut(Strict):
    id: int
    reference: str = Field(description="e.g. `CAMBS-DSP-2026-000003`.")
    force: str
    neighbourhood: NeighbourhoodRef
    locality: str
    boundary: Geometry | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    ended_at: dt.datetime | None = Field(description="When it was ended early, if it was.")
    in_force: bool = Field(description="Whether directions can be given under it now.")
    authorised_by_name: str
    authorised_by_rank: AuthorisingRank
    grounds: str
    created_at: dt.datetime


class AuthorisationsPage(Strict):
    items: list[AuthorisationOut]
    page: int
    page_size: int
    total: int


class DispersalIn(EnforcementRecordIn):
    """A dispersal direction, given under an authorisation in force at `occurred_at`."""

    authorisation: int = Field(ge=1, description="The authorisation (its id).")
    exclusion_area: MediumText = Field(description="The area the person must leave and not return to.")
    excluded_until: AwareDatetime = Field(description="At most 48 hours after `occurred_at`.")
    behaviour: LongText
    leave_by: ShortText = Field(default="", description="The time and route of leaving, if set.")
    in_writing: bool = True
    not_in_writing_reason: MediumText = Field(default="", description="Required when not in writing.")
    told_offence: bool = Field(description="Told that failing to comply is an offence (must be true).")
    under_16: bool = False
    removed_to: RemovedTo | None = Field(default=None, description="Under 16 only: where the person was taken.")
    removed_to_address: ShortText = ""


class DispersalDirectionOut(Strict):
    authorisation: AuthorisationRef
    exclusion_area: str
    excluded_until: dt.datetime
    leave_by: str
    behaviour: str
    in_writing: bool
    not_in_writing_reason: str
    told_offence: bool
    under_16: bool
    removed_to: RemovedTo | None
    removed_to_address: str


class DispersalOut(EnforcementDetailOut):
    dispersal: DispersalDirectionOut
