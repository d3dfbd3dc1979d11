"""Request and response shapes of the powers catalogue API (`powers.py`): powers, penalty
offences with their statutory amount ranges, penalty tariffs, force designations, and the
comparison of forces.

Like `schemas.py`: every schema is `Strict` (unknown keys are an error), text inputs carry the
`max_length` of the model field they fill, and choices are the reference lists of
`beatbook.powers.reference`. Money goes out as a string with two decimals (`"100.00"`), never a
float, and comes in as a number or such a string. Rules (parameter bounds, amounts within the
law, overlapping dates) are the services', which answer 400 by field; the schemas check shape.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from beatbook.powers.reference import Extent, PowerKind, Verification

from .incident_schemas import LONG_TEXT, StrictIn
from .schemas import PageQuery, Strict, Text

Id = Annotated[int, Field(ge=1)]
Money = Annotated[Decimal, Field(gt=0, max_digits=7, decimal_places=2)]
Days = Annotated[int, Field(ge=1, le=3650)]
Parameters = dict[Annotated[str, StringConstraints(max_length=40)], int]
ForceSlug = Annotated[str, Field(max_length=50, description="A force (police.uk id).")]


# ---- Query parameters ---------------------------------------------------------------------------
class PowerListQuery(PageQuery, StrictIn):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")
    kind: PowerKind | None = Field(default=None, description="Only powers of this kind.")


class OffenceListQuery(PageQuery, StrictIn):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")
    power: str | None = Field(default=None, max_length=60, description="Only the offences of this power (its code).")


class TariffListQuery(PageQuery, StrictIn):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")
    offence: str | None = Field(default=None, max_length=60, description="Only this offence's (its code).")
    authority: int | None = Field(
        default=None, ge=0, description="Only this council's (its id); 0 for the force's own tariffs."
    )
    on: dt.date | None = Field(default=None, description="Only tariffs that apply on this date.")


class ForceDesignationListQuery(PageQuery, StrictIn):
    force: str | None = Field(default=None, max_length=50, description="Only this force's (police.uk id).")
    power: str | None = Field(default=None, max_length=60, description="Only this power's (its code).")
    on: dt.date | None = Field(default=None, description="Only designations in force on this date.")


class CompareQuery(StrictIn):
    on: dt.date | None = Field(default=None, description="The date compared (today by default).")


# ---- Powers -------------------------------------------------------------------------------------
class CourseRef(Strict):
    id: int
    code: str
    title: str


class PowerOut(Strict):
    id: int
    force: str = Field(description="The power's force (police.uk id).")
    code: str = Field(description="The same code in every force: what forces are compared by.")
    title: str
    summary: str = Field(description="What the power allows, in plain English.")
    legal_basis: str
    kind: PowerKind
    verification: Verification = Field(description="How sure the catalogue is of the legal basis.")
    source: str
    parameters: dict[str, int] = Field(description='Rule parameters, e.g. `{"limit_minutes": 30}`.')
    parameter_words: list[str] = Field(description="The parameters in words, e.g. `Limit: 30 minutes`.")
    training_course: CourseRef | None = Field(description="The course a person must have passed first.")
    catalogue_version: str = Field(description="The baseline it was loaded from (empty: the force's own).")
    designated_today: bool = Field(description="The force designates it to its PCSOs today.")
    version: int


class PowersPage(Strict):
    items: list[PowerOut]
    page: int
    page_size: int
    total: int


class PowerIn(StrictIn):
    """A power of the force's own."""

    force: ForceSlug
    code: str = Field(max_length=60, description="Lower-case letters, numbers and hyphens; unique in the force.")
    kind: PowerKind
    title: Annotated[str, Text, StringConstraints(max_length=160)]
    summary: Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)]
    legal_basis: Annotated[str, Text, StringConstraints(max_length=300)]
    verification: Verification
    source: Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)] = ""
    parameters: Parameters = Field(
        default_factory=dict,
        description="Detention: `limit_minutes` 1-30; dispersal direction: `max_hours` 1-48; s.59 vehicle "
        "seizure: `warning_months` 1-12. Other powers take none.",
    )
    training_course: Id | None = Field(default=None, description="A course of the force (its id).")


class PowerPatchIn(StrictIn):
    """What to change (members left out stay as they are; `training_course: null` removes it)."""

    version: int = Field(ge=1, description="The `version` of the power as the caller last read it (409 if old).")
    title: Annotated[str, Text, StringConstraints(max_length=160)] | None = None
    summary: Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)] | None = None
    legal_basis: Annotated[str, Text, StringConstraints(max_length=300)] | None = None
    verification: Verification | None = None
    source: Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)] | None = None
    parameters: Parameters | None = None
    training_course: Id | None = None


class LoadResultOut(Strict):
    version: str = Field(description="The baseline's version.")
    powers_added: int
    powers_kept: int = Field(description="Powers the force had already (never overwritten).")
    offences_added: int
    courses_added: int


# ---- Offences and tariffs -----------------------------------------------------------------------
class AmountRangeOut(Strict):
    valid_from: dt.date = Field(description="Applies from this date until the next range starts.")
    minimum: str | None = Field(description="The lowest amount (£), null where the law sets only a maximum.")
    maximum: str
    verification: Verification
    source: str


class OffenceOut(Strict):
    id: int
    force: str
    power: str = Field(description="The penalty power's code.")
    power_id: int
    code: str
    title: str
    statute: str = Field(description="The offence is under this.")
    notice_provision: str = Field(description="The penalty notice is given under this.")
    minimum_age: int | None = Field(description="The youngest recipient (years).")
    verification: Verification
    ranges: list[AmountRangeOut] = Field(description="Statutory amounts by date; empty: amounts are not checked.")


class OffencesPage(Strict):
    items: list[OffenceOut]
    page: int
    page_size: int
    total: int


class AuthorityRef(Strict):
    id: int
    name: str


class TariffOut(Strict):
    id: int
    force: str
    offence: str = Field(description="The offence's code.")
    offence_id: int
    issuing_authority: AuthorityRef | None = Field(description="The council; null: the force itself.")
    amount: str
    discounted_amount: str | None
    discount_days: int | None
    payment_days: int
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="The last day it applies (inclusive); null: no end date.")


class TariffsPage(Strict):
    items: list[TariffOut]
    page: int
    page_size: int
    total: int


class TariffIn(StrictIn):
    offence: Id = Field(description="The penalty offence (its id).")
    issuing_authority: Id | None = Field(default=None, description="A council of the force (its id); null: the force.")
    amount: Money
    discounted_amount: Money | None = None
    discount_days: Days | None = None
    payment_days: Days
    valid_from: dt.date = Field(description="Today or later.")
    valid_to: dt.date | None = None


class EndIn(StrictIn):
    valid_to: dt.date = Field(description="The last day it applies: today or later.")


# ---- Force designations -------------------------------------------------------------------------
class ForceDesignationOut(Strict):
    id: int
    force: str
    power: str = Field(description="The power's code.")
    power_id: int
    power_title: str
    valid_from: dt.date
    valid_to: dt.date | None
    extent: Extent
    conditions: str
    parameters: dict[str, int] = Field(description="Overrides of the catalogue's rule parameters.")
    decision_reference: str
    in_force_today: bool


class ForceDesignationsPage(Strict):
    items: list[ForceDesignationOut]
    page: int
    page_size: int
    total: int


class ForceDesignationIn(StrictIn):
    power: Id = Field(description="The power (its id); the designation is of its force.")
    valid_from: dt.date = Field(description="Today or later.")
    valid_to: dt.date | None = None
    extent: Extent = Extent.FULL
    conditions: Annotated[str, Text, StringConstraints(max_length=LONG_TEXT)] = Field(
        default="", description="Needed when `extent` is `limited`."
    )
    parameters: Parameters = Field(default_factory=dict, description="Narrower rule parameters than the catalogue's.")
    decision_reference: Annotated[str, Text, StringConstraints(max_length=120)] = ""


# ---- Comparison ---------------------------------------------------------------------------------
class CompareForceOut(Strict):
    slug: str
    name: str


class CompareCellOut(Strict):
    force: str
    in_catalogue: bool
    designated: bool
    extent: Extent | None
    conditions: str
    parameters: dict[str, int] = Field(description="The catalogue's, overridden by the designation's.")


class CompareRowOut(Strict):
    code: str
    title: str
    cells: list[CompareCellOut] = Field(description="One per force, in the order of `forces`.")


class ComparisonOut(Strict):
    on: dt.date
    forces: list[CompareForceOut]
    rows: list[CompareRowOut]
