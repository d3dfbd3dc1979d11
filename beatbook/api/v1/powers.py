"""The powers catalogue: every force's powers, penalty offences (with the amounts the law
allows), penalty tariffs and force designations, and the comparison of forces on a date.

Reads go through `beatbook.powers.selectors.catalogue`: any caller with an active posting other
than the partner role reads every force's catalogue (forces publish their PCSOs' powers); a
partner user gets empty lists and 404 on a single row. Writes go through
`beatbook.powers.services` (force administrators of the row's force: 403 for anyone else who
reads it), which validate and audit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.powers.models import ForceDesignation, PenaltyAmountRange, PenaltyOffence, PenaltyTariff, Power
from beatbook.powers.reference import Extent, PowerKind, Verification
from beatbook.powers.selectors import catalogue as selectors
from beatbook.powers.services import catalogue as services
from beatbook.powers.services.loader import catalogue_load

from .auth import actor_of, meta_of
from .errors import error_responses
from .powers_schemas import (
    AmountRangeOut,
    AuthorityRef,
    CompareCellOut,
    CompareForceOut,
    CompareQuery,
    CompareRowOut,
    ComparisonOut,
    CourseRef,
    EndIn,
    ForceDesignationIn,
    ForceDesignationListQuery,
    ForceDesignationOut,
    ForceDesignationsPage,
    LoadResultOut,
    OffenceListQuery,
    OffenceOut,
    OffencesPage,
    PowerIn,
    PowerListQuery,
    PowerOut,
    PowerPatchIn,
    PowersPage,
    TariffIn,
    TariffListQuery,
    TariffOut,
    TariffsPage,
)

router = Router(tags=["powers"])

MANAGE = "Force administrators of the force. 404 when the caller reads no catalogue (a partner user) or the row "
MANAGE_END = "does not exist; 403 when they read it but are not its force's administrator. "


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


# ---- Model rows to response schemas (reading only what the selectors loaded) ---------------------


def _power_out(power: Power) -> PowerOut:
    """A power as `selectors.powers_visible_to` loads it (force, course joined; `designated`)."""
    course = power.training_course
    return PowerOut(
        id=power.pk,
        force=power.force.slug,
        code=power.code,
        title=power.title,
        summary=power.summary,
        legal_basis=power.legal_basis,
        kind=PowerKind(power.kind),
        verification=Verification(power.verification),
        source=power.source,
        parameters=dict(power.parameters),
        parameter_words=selectors.parameter_words(power.parameters),
        training_course=CourseRef(id=course.pk, code=course.code, title=course.title) if course else None,
        catalogue_version=power.catalogue_version,
        designated_today=bool(power.designated),  # type: ignore[attr-defined]
        version=power.version,
    )


def _offence_out(offence: PenaltyOffence) -> OffenceOut:
    return OffenceOut(
        id=offence.pk,
        force=offence.force.slug,
        power=offence.power.code,
        power_id=offence.power_id,
        code=offence.code,
        title=offence.title,
        statute=offence.statute,
        notice_provision=offence.notice_provision,
        minimum_age=offence.minimum_age,
        verification=Verification(offence.verification),
        ranges=[
            AmountRangeOut(
                valid_from=r.valid_from,
                minimum=_money(r.minimum),
                maximum=f"{r.maximum:.2f}",
                verification=Verification(r.verification),
                source=r.source,
            )
            for r in offence.amount_ranges.all()
        ],
    )


def _tariff_out(tariff: PenaltyTariff) -> TariffOut:
    authority = tariff.issuing_authority
    return TariffOut(
        id=tariff.pk,
        force=tariff.force.slug,
        offence=tariff.offence.code,
        offence_id=tariff.offence_id,
        issuing_authority=AuthorityRef(id=authority.pk, name=authority.name) if authority else None,
        amount=f"{tariff.amount:.2f}",
        discounted_amount=_money(tariff.discounted_amount),
        discount_days=tariff.discount_days,
        payment_days=tariff.payment_days,
        valid_from=tariff.valid_from,
        valid_to=tariff.valid_to,
    )


def _designation_out(designation: ForceDesignation) -> ForceDesignationOut:
    return ForceDesignationOut(
        id=designation.pk,
        force=designation.force.slug,
        power=designation.power.code,
        power_id=designation.power_id,
        power_title=designation.power.title,
        valid_from=designation.valid_from,
        valid_to=designation.valid_to,
        extent=Extent(designation.extent),
        conditions=designation.conditions,
        parameters=dict(designation.parameters),
        decision_reference=designation.decision_reference,
        in_force_today=designation.in_force_on(today()),
    )


# ---- Powers -------------------------------------------------------------------------------------


@router.get(
    "/powers",
    response={200: PowersPage, **error_responses(401, 422)},
    summary="Powers of every force's catalogue",
    description="Any caller with a posting other than a partner's reads every force's catalogue (forces publish "
    "their PCSOs' powers); a partner user gets an empty list. `designated_today`: the force designates it today.",
)
def power_list_api(request: HttpRequest, filters: Query[PowerListQuery]) -> PowersPage:
    powers = selectors.powers_visible_to(actor_of(request))
    if filters.force is not None:
        powers = powers.filter(force__slug=filters.force)
    if filters.kind is not None:
        powers = powers.filter(kind=filters.kind)
    page = paginate(powers, number=filters.page, size=filters.page_size)
    return PowersPage(
        items=[_power_out(p) for p in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.get(
    "/powers/compare",
    response={200: ComparisonOut, **error_responses(401, 422)},
    summary="Powers by forces on a date: which force designates what, to what extent, with what limits",
    description="Rows are powers by code; each row has one cell per force, in the order of `forces`. "
    "A partner user gets no forces and no rows.",
)
def power_compare_api(request: HttpRequest, filters: Query[CompareQuery]) -> ComparisonOut:
    result = selectors.comparison(actor=actor_of(request), on=filters.on)
    return ComparisonOut(
        on=result.on,
        forces=[CompareForceOut(slug=f.slug, name=f.name) for f in result.forces],
        rows=[
            CompareRowOut(
                code=row.code,
                title=row.title,
                cells=[
                    CompareCellOut(
                        force=cell.force.slug,
                        in_catalogue=cell.in_catalogue,
                        designated=cell.designated,
                        extent=Extent(cell.designation.extent) if cell.designation else None,
                        conditions=cell.designation.conditions if cell.designation else "",
                        parameters=cell.parameters,
                    )
                    for cell in row.cells
                ],
            )
            for row in result.rows
        ],
    )


@router.get(
    "/powers/{int:power_id}",
    response={200: PowerOut, **error_responses(401, 404)},
    summary="One power",
)
def power_detail_api(request: HttpRequest, power_id: int) -> PowerOut:
    return _power_out(selectors.power_get_for(actor=actor_of(request), power_id=power_id))


@router.post(
    "/powers",
    response={201: PowerOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add a power of the force's own to its catalogue (force administrators)",
    description=MANAGE + "(the force) " + MANAGE_END + "A code the force already has, parameters the power does not "
    "take or beyond the law (detention over 30 minutes), or a course of another force, are 400 by field.",
)
def power_create_api(request: HttpRequest, payload: PowerIn) -> Status[PowerOut]:
    actor = actor_of(request)
    force = selectors.force_published_get(actor=actor, slug=payload.force)
    power = services.power_create(
        actor=actor,
        force=force,
        code=payload.code,
        kind=str(payload.kind),
        data=services.PowerData(
            title=payload.title,
            summary=payload.summary,
            legal_basis=payload.legal_basis,
            verification=str(payload.verification),
            source=payload.source,
            parameters=dict(payload.parameters),
            training_course_id=payload.training_course,
        ),
        meta=meta_of(request),
    )
    return Status(201, _power_out(selectors.power_get_for(actor=actor, power_id=power.pk)))


@router.patch(
    "/powers/{int:power_id}",
    response={200: PowerOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a power (force administrators); its code and kind stay",
    description=MANAGE + MANAGE_END + "409 when the power changed since the caller read it (`version` is old): "
    "nothing is saved. Parameters are replaced as a whole when given.",
)
def power_update_api(request: HttpRequest, power_id: int, payload: PowerPatchIn) -> PowerOut:
    actor = actor_of(request)
    power = selectors.power_get_for(actor=actor, power_id=power_id)
    given = payload.model_fields_set
    data = services.PowerData(
        title=payload.title if payload.title is not None else power.title,
        summary=payload.summary if payload.summary is not None else power.summary,
        legal_basis=payload.legal_basis if payload.legal_basis is not None else power.legal_basis,
        verification=str(payload.verification) if payload.verification is not None else power.verification,
        source=payload.source if payload.source is not None else power.source,
        parameters=dict(payload.parameters) if payload.parameters is not None else dict(power.parameters),
        training_course_id=payload.training_course if "training_course" in given else power.training_course_id,
    )
    services.power_update(actor=actor, power=power, data=data, expected_version=payload.version, meta=meta_of(request))
    return _power_out(selectors.power_get_for(actor=actor, power_id=power.pk))


@router.post(
    "/forces/{slug}/powers/load",
    response={200: LoadResultOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Load the baseline catalogue into a force (force administrators); adds only what it lacks",
    description=MANAGE + "(the force) " + MANAGE_END + "The force's own changes are never overwritten: loading "
    "twice adds nothing.",
)
def power_catalogue_load_api(request: HttpRequest, slug: str) -> LoadResultOut:
    actor = actor_of(request)
    force = selectors.force_published_get(actor=actor, slug=slug)
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    result = catalogue_load(actor=actor, force=force, meta=meta_of(request))
    return LoadResultOut(
        version=result.version,
        powers_added=result.powers_added,
        powers_kept=result.powers_kept,
        offences_added=result.offences_added,
        courses_added=result.courses_added,
    )


# ---- Offences and tariffs -----------------------------------------------------------------------


@router.get(
    "/penalty-offences",
    response={200: OffencesPage, **error_responses(401, 422)},
    summary="Penalty offences of every force, with the amounts the law allows by date",
)
def penalty_offence_list_api(request: HttpRequest, filters: Query[OffenceListQuery]) -> OffencesPage:
    offences = selectors.offences_visible_to(actor_of(request)).prefetch_related(
        Prefetch("amount_ranges", queryset=PenaltyAmountRange.objects.order_by("valid_from", "id"))
    )
    if filters.force is not None:
        offences = offences.filter(force__slug=filters.force)
    if filters.power is not None:
        offences = offences.filter(power__code=filters.power)
    page = paginate(offences, number=filters.page, size=filters.page_size)
    return OffencesPage(
        items=[_offence_out(o) for o in page.items], page=page.number, page_size=page.size, total=page.total
    )


def _tariffs(request: HttpRequest, filters: TariffListQuery) -> QuerySet[PenaltyTariff]:
    tariffs = selectors.tariffs_visible_to(actor_of(request))
    if filters.force is not None:
        tariffs = tariffs.filter(force__slug=filters.force)
    if filters.offence is not None:
        tariffs = tariffs.filter(offence__code=filters.offence)
    if filters.authority == 0:
        tariffs = tariffs.filter(issuing_authority__isnull=True)
    elif filters.authority is not None:
        tariffs = tariffs.filter(issuing_authority_id=filters.authority)
    if filters.on is not None:
        tariffs = tariffs.filter(selectors.in_force_on(filters.on))
    return tariffs


@router.get(
    "/penalty-tariffs",
    response={200: TariffsPage, **error_responses(401, 422)},
    summary="What each issuing authority charges for each penalty offence, by date",
)
def penalty_tariff_list_api(request: HttpRequest, filters: Query[TariffListQuery]) -> TariffsPage:
    page = paginate(_tariffs(request, filters), number=filters.page, size=filters.page_size)
    return TariffsPage(
        items=[_tariff_out(t) for t in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/penalty-tariffs",
    response={201: TariffOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set what an issuing authority charges for an offence from a date (force administrators)",
    description=MANAGE + "(the offence) " + MANAGE_END + "400 by field: an amount outside the law's range on any "
    "day the tariff covers, an incomplete or too-large discount, a start in the past, a council of another force, "
    "or an overlap with another tariff of the offence and authority (one with no end date that started earlier is "
    "ended the day before instead).",
)
def penalty_tariff_set_api(request: HttpRequest, payload: TariffIn) -> Status[TariffOut]:
    actor = actor_of(request)
    offence = selectors.offence_get_for(actor=actor, offence_id=payload.offence)
    authority = None
    if payload.issuing_authority is not None:
        authority = selectors.councils_of(offence.force_id).filter(pk=payload.issuing_authority).first()
        if authority is None:
            policy.require(actor, policy.Action.MANAGE_POWERS, offence)
            raise ValidationError({"issuing_authority": [_("Choose a council of the offence's force, or none.")]})
    tariff = services.penalty_tariff_set(
        actor=actor,
        offence=offence,
        issuing_authority=authority,
        amount=payload.amount,
        discounted_amount=payload.discounted_amount,
        discount_days=payload.discount_days,
        payment_days=payload.payment_days,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        meta=meta_of(request),
    )
    return Status(201, _tariff_out(selectors.tariff_get_for(actor=actor, tariff_id=tariff.pk)))


@router.post(
    "/penalty-tariffs/{int:tariff_id}/end",
    response={200: TariffOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set the last day a tariff applies: today or later (force administrators)",
    description=MANAGE + MANAGE_END + "A day in the past, or after the tariff's own end, is 400.",
)
def penalty_tariff_end_api(request: HttpRequest, tariff_id: int, payload: EndIn) -> TariffOut:
    actor = actor_of(request)
    tariff = selectors.tariff_get_for(actor=actor, tariff_id=tariff_id)
    services.penalty_tariff_end(actor=actor, tariff=tariff, valid_to=payload.valid_to, meta=meta_of(request))
    return _tariff_out(selectors.tariff_get_for(actor=actor, tariff_id=tariff.pk))


# ---- Force designations -------------------------------------------------------------------------


@router.get(
    "/force-designations",
    response={200: ForceDesignationsPage, **error_responses(401, 422)},
    summary="Every force's designations of powers to its PCSOs, current and past",
)
def force_designation_list_api(
    request: HttpRequest, filters: Query[ForceDesignationListQuery]
) -> ForceDesignationsPage:
    designations = selectors.force_designations_visible_to(actor_of(request))
    if filters.force is not None:
        designations = designations.filter(force__slug=filters.force)
    if filters.power is not None:
        designations = designations.filter(power__code=filters.power)
    if filters.on is not None:
        designations = designations.filter(selectors.in_force_on(filters.on))
    page = paginate(designations, number=filters.page, size=filters.page_size)
    return ForceDesignationsPage(
        items=[_designation_out(d) for d in page.items], page=page.number, page_size=page.size, total=page.total
    )


@router.post(
    "/force-designations",
    response={201: ForceDesignationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Designate a power to the force's PCSOs from a date (force administrators of the power's force)",
    description=MANAGE + "(the power) " + MANAGE_END + "400 by field: a start in the past, a limited extent with "
    "no conditions, parameters beyond the law, or an overlap with another designation of the power (end it first).",
)
def force_designation_create_api(request: HttpRequest, payload: ForceDesignationIn) -> Status[ForceDesignationOut]:
    actor = actor_of(request)
    power = selectors.power_get_for(actor=actor, power_id=payload.power)
    designation = services.force_designation_create(
        actor=actor,
        power=power,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        extent=str(payload.extent),
        conditions=payload.conditions,
        parameters=dict(payload.parameters),
        decision_reference=payload.decision_reference,
        meta=meta_of(request),
    )
    return Status(
        201, _designation_out(selectors.force_designation_get_for(actor=actor, designation_id=designation.pk))
    )


@router.post(
    "/force-designations/{int:designation_id}/end",
    response={200: ForceDesignationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set the last day of a force designation: today or later (force administrators)",
    description=MANAGE + MANAGE_END + "A day in the past, before the start, or into a later designation, is 400.",
)
def force_designation_end_api(request: HttpRequest, designation_id: int, payload: EndIn) -> ForceDesignationOut:
    actor = actor_of(request)
    designation = selectors.force_designation_get_for(actor=actor, designation_id=designation_id)
    services.force_designation_end(
        actor=actor, designation=designation, valid_to=payload.valid_to, meta=meta_of(request)
    )
    return _designation_out(selectors.force_designation_get_for(actor=actor, designation_id=designation.pk))
