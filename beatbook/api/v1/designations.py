"""Officer designations, and the powers a person held at a moment ("my powers").

Reads go through `beatbook.powers.selectors.designations` (the designations of the people the
caller sees; themself always); writes through `beatbook.powers.services.designations` (the force
administrator of the person's force designates, withdraws and changes; everything is checked
again and audited). A designation is never edited: a change withdraws it and makes a new one
that `supersedes` it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.powers.check import PowerCheck, powers_held_at
from beatbook.powers.models import Designation
from beatbook.powers.selectors import designations as selectors
from beatbook.powers.services import designations as services

from .auth import actor_of, meta_of
from .designations_schemas import (
    DesignatedPowerOut,
    DesignationChangeIn,
    DesignationIn,
    DesignationListItem,
    DesignationListQuery,
    DesignationOut,
    DesignationPersonRef,
    DesignationRef,
    DesignationsPage,
    DesignationWithdrawIn,
    GrantIn,
    HeldPowerOut,
    MomentQuery,
    PowersHeldOut,
)
from .errors import error_responses

router = Router(tags=["designations"])

MANAGE = (
    "404 when the caller cannot see the designation; 403 when they see it but are not the force "
    "administrator of its force. "
)


def _person_ref(person: Person) -> DesignationPersonRef:
    return DesignationPersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _ref(designation: Designation) -> DesignationRef:
    return DesignationRef(id=designation.pk, reference=designation.reference)


def _summary(designation: Designation, power_count: int, now: dt.datetime) -> dict[str, object]:
    return {
        "id": designation.pk,
        "reference": designation.reference,
        "force": designation.force.slug,
        "person": _person_ref(designation.person),
        "valid_from": designation.valid_from,
        "valid_to": designation.valid_to,
        "withdrawn_at": designation.withdrawn_at,
        "status": selectors.status_of(designation, now),
        "expires_soon": selectors.expires_soon(designation, now),
        "power_count": power_count,
    }


def _detail(actor: Person, designation: Designation) -> DesignationOut:
    """A designation as `designation_get_for` loaded it (powers prefetched), with its chain."""
    powers = list(designation.designation_powers.all())
    chain = selectors.designation_chain(designation)
    position = next(i for i, d in enumerate(chain) if d.pk == designation.pk)
    later = chain[position + 1] if position + 1 < len(chain) else None
    return DesignationOut(
        **_summary(designation, len(powers), timezone.now()),  # type: ignore[arg-type]
        powers=[
            DesignatedPowerOut(
                id=dp.power.pk,
                code=dp.power.code,
                title=dp.power.title,
                kind=dp.power.kind,  # type: ignore[arg-type]
                summary=dp.power.summary,
                legal_basis=dp.power.legal_basis,
                verification=dp.power.verification,  # type: ignore[arg-type]
                extent=dp.extent,  # type: ignore[arg-type]
                conditions=dp.conditions,
            )
            for dp in powers
        ],
        signed_by_name=designation.signed_by_name,
        signed_on=designation.signed_on,
        withdrawal_reason=designation.withdrawal_reason,
        supersedes=_ref(chain[position - 1]) if position > 0 else None,
        superseded_by=_ref(later) if later is not None else None,
        history=[_ref(d) for d in chain],
        can_manage=policy.can(actor, policy.Action.DESIGNATE_POWERS, designation),
    )


def _fresh(actor: Person, designation_id: int) -> DesignationOut:
    return _detail(actor, selectors.designation_get_for(actor=actor, designation_id=designation_id))


def _grants(force_id: int | None, grants: Sequence[GrantIn]) -> list[services.Grant]:
    """The powers asked for, from the force's catalogue; an id not in it is 400 on `powers`."""
    found = selectors.powers_by_id(force_id, (g.power for g in grants))
    missing = sorted({g.power for g in grants} - set(found))
    if missing:
        raise ValidationError(
            {
                "powers": [
                    _("No power with id %(ids)s in this force's catalogue.") % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    return [(found[g.power], str(g.extent), g.conditions) for g in grants]


# ---- Designations -------------------------------------------------------------------------------
@router.get(
    "/designations",
    response={200: DesignationsPage, **error_responses(401, 422)},
    summary="Designations of the people the caller sees (their own always)",
    description="By person name, newest first for each person. `status` is worked out now; a `person` the caller "
    "does not see matches nothing.",
)
def designation_list(request: HttpRequest, filters: Query[DesignationListQuery]) -> DesignationsPage:
    actor = actor_of(request)
    rows = selectors.designation_list(
        actor, selectors.DesignationFilters(person_id=filters.person, status=filters.status or "")
    )
    page = paginate(rows, number=filters.page, size=filters.page_size)
    now = timezone.now()
    return DesignationsPage(
        items=[
            DesignationListItem(**_summary(d, d.power_count, now))  # type: ignore[attr-defined, arg-type]
            for d in page.items
        ],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/designations/{int:designation_id}",
    response={200: DesignationOut, **error_responses(401, 404)},
    summary="One designation card: its powers, dates, signature, withdrawal and history",
)
def designation_detail(request: HttpRequest, designation_id: int) -> DesignationOut:
    actor = actor_of(request)
    return _detail(actor, selectors.designation_get_for(actor=actor, designation_id=designation_id))


@router.post(
    "/designations",
    response={201: DesignationOut, **error_responses(400, 401, 403, 422)},
    summary="Designate a PCSO (the force administrator of the person's force)",
    description="Each power must be of the person's force's catalogue and designated by the force to its PCSOs on "
    "`valid_from`; a power that requires training needs a pass of its course valid on `valid_from`; a `limited` "
    "power needs its `conditions`. A person the caller cannot see, or who never held a PCSO posting, is 400 on "
    "`person`; 403 when the caller is not the force administrator of the person's force.",
)
def designation_create(request: HttpRequest, payload: DesignationIn) -> Status[DesignationOut]:
    actor = actor_of(request)
    person = policy.people_in_scope(actor).filter(pk=payload.person, is_system=False).select_related("force").first()
    if person is None:
        raise ValidationError({"person": [_("Choose a person you can see.")]})
    designation = services.designation_create(
        actor=actor,
        person=person,
        powers=_grants(person.force_id, payload.powers),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        signed_by_name=payload.signed_by_name,
        signed_on=payload.signed_on,
        meta=meta_of(request),
    )
    return Status(201, _fresh(actor, designation.pk))


@router.post(
    "/designations/{int:designation_id}/withdraw",
    response={200: DesignationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Withdraw a designation from now (or a later moment)",
    description=MANAGE + "A moment in the past is 400 on `at` (history is kept); a blank reason is 400 on `reason`; "
    "a designation already withdrawn or expired is 400.",
)
def designation_withdraw(request: HttpRequest, designation_id: int, payload: DesignationWithdrawIn) -> DesignationOut:
    actor = actor_of(request)
    designation = selectors.designation_get_for(
        actor=actor, designation_id=designation_id, action=policy.Action.DESIGNATE_POWERS
    )
    services.designation_withdraw(
        actor=actor, designation=designation, reason=payload.reason, at=payload.at, meta=meta_of(request)
    )
    return _fresh(actor, designation.pk)


@router.post(
    "/designations/{int:designation_id}/change",
    response={201: DesignationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a designation's powers: withdraw it now and designate again from today",
    description=MANAGE + "The answer is the new designation, which `supersedes` the old one (kept, withdrawn). "
    "The same rules as a new designation apply; if any refuses, nothing changes.",
)
def designation_change(
    request: HttpRequest, designation_id: int, payload: DesignationChangeIn
) -> Status[DesignationOut]:
    actor = actor_of(request)
    designation = selectors.designation_get_for(
        actor=actor, designation_id=designation_id, action=policy.Action.DESIGNATE_POWERS
    )
    new = services.designation_change(
        actor=actor,
        designation=designation,
        powers=_grants(designation.force_id, payload.powers),
        valid_to=payload.valid_to,
        signed_by_name=payload.signed_by_name,
        signed_on=payload.signed_on,
        reason=payload.reason,
        meta=meta_of(request),
    )
    return Status(201, _fresh(actor, new.pk))


# ---- Powers held --------------------------------------------------------------------------------
def _held_out(check: PowerCheck) -> HeldPowerOut:
    power, fd, dp, designation = check.power, check.force_designation, check.designation_power, check.designation
    assert power is not None and fd is not None and dp is not None and designation is not None
    return HeldPowerOut(
        id=power.pk,
        code=power.code,
        title=power.title,
        kind=power.kind,  # type: ignore[arg-type]
        summary=power.summary,
        legal_basis=power.legal_basis,
        verification=power.verification,  # type: ignore[arg-type]
        extent=dp.extent,  # type: ignore[arg-type]
        force_conditions=fd.conditions,
        conditions=dp.conditions,
        parameters=check.parameters,
        limits=selectors.limits_in_words(check.parameters),
        designation=_ref(designation),
        designation_valid_to=designation.valid_to,
    )


def _powers_held(person: Person, at: dt.datetime | None) -> PowersHeldOut:
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return PowersHeldOut(
        person=_person_ref(person),
        at=moment,
        powers=[_held_out(c) for c in powers_held_at(person=person, at=moment)],
    )


@router.get(
    "/me/powers",
    response={200: PowersHeldOut, **error_responses(401, 422)},
    summary="The powers the caller holds now, or held at `at`",
    description="Each with what it allows, its legal basis, the conditions (the force's and the caller's own), "
    "its limits, and the designation it is held under.",
)
def my_powers(request: HttpRequest, query: Query[MomentQuery]) -> PowersHeldOut:
    return _powers_held(actor_of(request), query.at)


@router.get(
    "/people/{int:person_id}/powers",
    response={200: PowersHeldOut, **error_responses(401, 404, 422)},
    summary="The powers a person holds now, or held at `at`",
    description="404 when the caller cannot see the person.",
)
def person_powers(request: HttpRequest, person_id: int, query: Query[MomentQuery]) -> PowersHeldOut:
    person = selectors.person_powers_for(actor=actor_of(request), person_id=person_id)
    return _powers_held(person, query.at)
