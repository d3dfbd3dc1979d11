"""Competency frameworks (read), CPD entries and PDRs (see docs/reference/api.md).

Reads go through `beatbook.learning.selectors.development` (frameworks: everyone; a CPD entry:
its owner and their line managers; a PDR: the person, its line manager and the person's current
line managers); writes through `beatbook.learning.services.development`, the same services as the
pages (checked and audited). Only the owner changes or deletes a CPD entry; only the PDR's line
manager rates, adds objectives, signs off or reopens; only the person acknowledges.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.learning.models import CpdEntry, Framework, FrameworkItem, Pdr
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services import development as services
from beatbook.org.models import Person

from .auth import actor_of, meta_of
from .development_schemas import (
    CpdDeletedOut,
    CpdEntriesPage,
    CpdEntryIn,
    CpdEntryOut,
    CpdListQuery,
    FrameworkDetail,
    FrameworkItemDetail,
    FrameworkLevelOut,
    FrameworkList,
    FrameworkOut,
    IndicatorOut,
    ItemRef,
    PdrDetail,
    PdrItem,
    PdrListQuery,
    PdrObjectiveIn,
    PdrObjectiveOut,
    PdrObjectiveStatusIn,
    PdrOpenIn,
    PdrRatingIn,
    PdrRatingOut,
    PdrReopenIn,
    PdrsPage,
    PersonRef,
    RatingOptionOut,
)
from .errors import error_responses

router = Router(tags=["development"])

CHANGE_PDR = "404 when the caller cannot see the PDR; 403 when they see it but are not its line manager. "
READ_ONLY = "A signed-off PDR is read-only: 400 until it is reopened."


def _person(person: Person) -> PersonRef:
    return PersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _item_ref(item: FrameworkItem) -> ItemRef:
    return ItemRef(id=item.pk, kind=item.kind, code=item.code, name=item.name)  # type: ignore[arg-type]


def _framework(framework: Framework) -> FrameworkOut:
    return FrameworkOut(
        code=framework.code,
        name=framework.name,
        year=framework.year,
        replaced_by=framework.replaced_by.code if framework.replaced_by else None,
        source=framework.source,
        verified=framework.verified,
        data_version=framework.data_version,
    )


def _entry(entry: CpdEntry) -> CpdEntryOut:
    return CpdEntryOut(
        id=entry.pk,
        person=_person(entry.person),
        framework=entry.framework.code,
        occurred_on=entry.occurred_on,
        title=entry.title,
        kind=entry.kind,  # type: ignore[arg-type]
        hours=entry.hours,
        reflection=entry.reflection,
        link=entry.link,
        items=[_item_ref(i) for i in entry.items.all()],
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


def _pdr_item(pdr: Pdr) -> PdrItem:
    return PdrItem(
        id=pdr.pk,
        person=_person(pdr.person),
        line_manager=_person(pdr.line_manager),
        framework=pdr.framework.code,
        review_year=pdr.review_year,
        status=pdr.status,  # type: ignore[arg-type]
        signed_off_at=pdr.signed_off_at,
        acknowledged_at=pdr.acknowledged_at,
        reopen_count=pdr.reopen_count,
    )


def _pdr_detail(actor: Person, pdr_id: int) -> PdrDetail:
    pdr = selectors.pdr_get_for(actor=actor, pdr_id=pdr_id)
    return PdrDetail(
        **_pdr_item(pdr).model_dump(),
        reopen_reason=pdr.reopen_reason,
        ratings=[
            PdrRatingOut(
                competency=_item_ref(r.competency),
                rating=RatingOptionOut(code=r.rating.code, label=r.rating.label, position=r.rating.position),
                evidence=r.evidence,
                cpd_entries=sorted(e.pk for e in r.cpd_entries.all()),
            )
            for r in pdr.ratings.all()
        ],
        objectives=[
            PdrObjectiveOut(id=o.pk, text=o.text, due_on=o.due_on, status=o.status)  # type: ignore[arg-type]
            for o in pdr.objectives.all()
        ],
        can_manage=selectors.may_manage_pdr(actor, pdr),
    )


def _managed(actor: Person, pdr_id: int) -> Pdr:
    pdr = selectors.pdr_get_for(actor=actor, pdr_id=pdr_id)
    if not selectors.may_manage_pdr(actor, pdr):
        raise PermissionDenied(_("You do not have permission to do that."))
    return pdr


def _cpd_data(payload: CpdEntryIn) -> services.CpdData:
    return services.CpdData(
        occurred_on=payload.occurred_on,
        title=payload.title,
        kind=payload.kind,
        hours=payload.hours,
        reflection=payload.reflection,
        link=payload.link,
        item_ids=tuple(payload.items),
    )


# ---- Frameworks ---------------------------------------------------------------------------------
@router.get(
    "/frameworks",
    response={200: FrameworkList, **error_responses(401)},
    summary="The competency framework versions (CVF 2016, CVF 2024)",
)
def framework_list(request: HttpRequest) -> FrameworkList:
    actor_of(request)
    return FrameworkList(items=[_framework(f) for f in selectors.frameworks_list()])


@router.get(
    "/frameworks/{code}",
    response={200: FrameworkDetail, **error_responses(401, 404)},
    summary="A framework with its levels, values, competencies, core skills, indicators and rating scale",
    description="Every item says its source and whether it was verified; indicators cut off at the source are "
    "marked `truncated`. The rating scale is Beatbook's example, not the College's.",
)
def framework_detail(request: HttpRequest, code: str) -> FrameworkDetail:
    actor_of(request)
    framework = selectors.framework_get(code=code)
    return FrameworkDetail(
        **_framework(framework).model_dump(),
        note=framework.note,
        levels=[FrameworkLevelOut(number=lv.number, name=lv.name) for lv in framework.levels.all()],
        items=[
            FrameworkItemDetail(
                **_item_ref(i).model_dump(),
                description=i.description,
                cluster=i.cluster,
                level=i.level,
                source=i.source,
                verified=i.verified,
                indicators=[
                    IndicatorOut(
                        level=n.level, text=n.text, truncated=n.truncated, source=n.source, verified=n.verified
                    )
                    for n in i.indicators.all()
                ],
            )
            for i in framework.items.all()
        ],
        rating_scale=[
            RatingOptionOut(code=o.code, label=o.label, position=o.position) for o in framework.rating_options.all()
        ],
    )


# ---- CPD ----------------------------------------------------------------------------------------
@router.get(
    "/cpd-entries",
    response={200: CpdEntriesPage, **error_responses(401, 422)},
    summary="CPD entries the caller sees: their own, and those of the people they line-manage",
    description="A PCSO sees only their own. `person` the caller does not see matches nothing.",
)
def cpd_entry_list(request: HttpRequest, filters: Query[CpdListQuery]) -> CpdEntriesPage:
    entries = selectors.cpd_list(
        actor_of(request),
        selectors.CpdFilters(
            person_id=filters.person, year=filters.year, kind=filters.kind or "", item_id=filters.item
        ),
    )
    page = paginate(entries, number=filters.page, size=filters.page_size)
    return CpdEntriesPage(
        items=[_entry(e) for e in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
        total_hours=selectors.cpd_totals(entries).total,
    )


@router.post(
    "/cpd-entries",
    response={201: CpdEntryOut, **error_responses(400, 401, 403, 422)},
    summary="Record a CPD activity in the caller's own log",
    description="A date in the future or before 2000 is 400 on `occurred_on`; hours of 0 or less, over 80 or with "
    "more than two decimals 400 on `hours`; items not of the caller's force's framework (or a force with none "
    "chosen) 400 on `items`.",
)
def cpd_entry_create(request: HttpRequest, payload: CpdEntryIn) -> Status[CpdEntryOut]:
    actor = actor_of(request)
    entry = services.cpd_entry_create(actor=actor, data=_cpd_data(payload), meta=meta_of(request))
    return Status(201, _entry(selectors.cpd_get_for(actor=actor, entry_id=entry.pk)))


@router.get(
    "/cpd-entries/{entry_id}",
    response={200: CpdEntryOut, **error_responses(401, 404)},
    summary="One CPD entry (404 when the caller does not see it)",
)
def cpd_entry_detail(request: HttpRequest, entry_id: int) -> CpdEntryOut:
    return _entry(selectors.cpd_get_for(actor=actor_of(request), entry_id=entry_id))


@router.patch(
    "/cpd-entries/{entry_id}",
    response={200: CpdEntryOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change one of the caller's own CPD entries (the whole entry is sent)",
    description="404 when the caller cannot see it; 403 when they see it but it is not theirs (a line manager).",
)
def cpd_entry_update(request: HttpRequest, entry_id: int, payload: CpdEntryIn) -> CpdEntryOut:
    actor = actor_of(request)
    entry = selectors.cpd_get_for(actor=actor, entry_id=entry_id, change=True)
    services.cpd_entry_update(actor=actor, entry=entry, data=_cpd_data(payload), meta=meta_of(request))
    return _entry(selectors.cpd_get_for(actor=actor, entry_id=entry_id))


@router.delete(
    "/cpd-entries/{entry_id}",
    response={200: CpdDeletedOut, **error_responses(400, 401, 403, 404)},
    summary="Delete one of the caller's own CPD entries",
    description="404 when the caller cannot see it; 403 when it is not theirs; 400 when a PDR cites it.",
)
def cpd_entry_delete(request: HttpRequest, entry_id: int) -> CpdDeletedOut:
    actor = actor_of(request)
    entry = selectors.cpd_get_for(actor=actor, entry_id=entry_id, change=True)
    services.cpd_entry_delete(actor=actor, entry=entry, meta=meta_of(request))
    return CpdDeletedOut(id=entry_id, deleted=True)


# ---- PDR ----------------------------------------------------------------------------------------
@router.get(
    "/pdrs",
    response={200: PdrsPage, **error_responses(401, 422)},
    summary="PDRs the caller sees: their own, those they opened, those of the people they line-manage",
)
def pdr_list(request: HttpRequest, filters: Query[PdrListQuery]) -> PdrsPage:
    page = paginate(selectors.pdrs_visible_to(actor_of(request)), number=filters.page, size=filters.page_size)
    return PdrsPage(items=[_pdr_item(p) for p in page.items], page=page.number, page_size=page.size, total=page.total)


@router.post(
    "/pdrs",
    response={201: PdrDetail, **error_responses(400, 401, 403, 422)},
    summary="Open a person's PDR for a review year (their line manager)",
    description="A person the caller does not line-manage (or themself) is 400 on `person`; a year before 2000, "
    "after next year or already reviewed 400 on `review_year`.",
)
def pdr_open(request: HttpRequest, payload: PdrOpenIn) -> Status[PdrDetail]:
    actor = actor_of(request)
    person = selectors.managed_people(actor).filter(pk=payload.person).first()
    if person is None:
        raise ValidationError({"person": [_("Choose a person you line-manage.")]})
    pdr = services.pdr_open(actor=actor, person=person, review_year=payload.review_year, meta=meta_of(request))
    return Status(201, _pdr_detail(actor, pdr.pk))


@router.get(
    "/pdrs/{pdr_id}",
    response={200: PdrDetail, **error_responses(401, 404)},
    summary="One PDR with its ratings and objectives",
)
def pdr_detail(request: HttpRequest, pdr_id: int) -> PdrDetail:
    return _pdr_detail(actor_of(request), pdr_id)


@router.post(
    "/pdrs/{pdr_id}/ratings",
    response={201: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Rate one competency with evidence (replaces an earlier rating of it)",
    description=CHANGE_PDR + "A competency not of the PDR's framework is 400 on `competency`, a rating not of its "
    "scale on `rating`, CPD entries not the person's on `cpd_entries`. " + READ_ONLY,
)
def pdr_rate(request: HttpRequest, pdr_id: int, payload: PdrRatingIn) -> Status[PdrDetail]:
    actor = actor_of(request)
    pdr = _managed(actor, pdr_id)
    competency = selectors.items_of(pdr.framework).filter(pk=payload.competency).first()
    if competency is None:
        raise ValidationError({"competency": [_("Choose a competency of the PDR's framework.")]})
    services.pdr_rate(
        actor=actor,
        pdr=pdr,
        competency=competency,
        rating_code=payload.rating,
        evidence=payload.evidence,
        cpd_entry_ids=tuple(payload.cpd_entries),
        meta=meta_of(request),
    )
    return Status(201, _pdr_detail(actor, pdr_id))


@router.post(
    "/pdrs/{pdr_id}/objectives",
    response={201: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Add an objective to a PDR",
    description=CHANGE_PDR + "A due date before the review year or after the end of the year after next is 400 on "
    "`due_on`. " + READ_ONLY,
)
def pdr_objective_add(request: HttpRequest, pdr_id: int, payload: PdrObjectiveIn) -> Status[PdrDetail]:
    actor = actor_of(request)
    pdr = _managed(actor, pdr_id)
    services.pdr_objective_add(actor=actor, pdr=pdr, text=payload.text, due_on=payload.due_on, meta=meta_of(request))
    return Status(201, _pdr_detail(actor, pdr_id))


@router.post(
    "/pdrs/{pdr_id}/objectives/{objective_id}/status",
    response={200: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Change how an objective stands",
    description=CHANGE_PDR + READ_ONLY,
)
def pdr_objective_status(
    request: HttpRequest, pdr_id: int, objective_id: int, payload: PdrObjectiveStatusIn
) -> PdrDetail:
    actor = actor_of(request)
    pdr = _managed(actor, pdr_id)
    objective = next((o for o in pdr.objectives.all() if o.pk == objective_id), None)
    if objective is None:
        raise Http404(_("Not found."))
    services.pdr_objective_set_status(actor=actor, objective=objective, status=payload.status, meta=meta_of(request))
    return _pdr_detail(actor, pdr_id)


@router.post(
    "/pdrs/{pdr_id}/sign-off",
    response={200: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Sign off a PDR: every competency rated, at least one objective; then it is read-only",
    description=CHANGE_PDR + "400 when a competency is not rated, no objective is agreed, or it is signed off.",
)
def pdr_sign_off(request: HttpRequest, pdr_id: int) -> PdrDetail:
    actor = actor_of(request)
    services.pdr_sign_off(actor=actor, pdr=_managed(actor, pdr_id), meta=meta_of(request))
    return _pdr_detail(actor, pdr_id)


@router.post(
    "/pdrs/{pdr_id}/acknowledge",
    response={200: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="The person acknowledges their signed-off PDR",
    description="404 when the caller cannot see it; 403 when it is not theirs; 400 when it is not signed off or "
    "already acknowledged.",
)
def pdr_acknowledge(request: HttpRequest, pdr_id: int) -> PdrDetail:
    actor = actor_of(request)
    pdr = selectors.pdr_get_for(actor=actor, pdr_id=pdr_id)
    services.pdr_acknowledge(actor=actor, pdr=pdr, meta=meta_of(request))
    return _pdr_detail(actor, pdr_id)


@router.post(
    "/pdrs/{pdr_id}/reopen",
    response={200: PdrDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Reopen a signed-off PDR to correct it, with a reason",
    description=CHANGE_PDR + "A reason under 10 characters is 400 on `reason`; 400 when it is not signed off. The "
    "sign-off and acknowledgement are cleared.",
)
def pdr_reopen(request: HttpRequest, pdr_id: int, payload: PdrReopenIn) -> PdrDetail:
    actor = actor_of(request)
    services.pdr_reopen(actor=actor, pdr=_managed(actor, pdr_id), reason=payload.reason, meta=meta_of(request))
    return _pdr_detail(actor, pdr_id)
