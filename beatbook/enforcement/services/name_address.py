"""Requirements to give a name and address (Police Reform Act 2002 Sch 3C para 3).

The officer records why (the "relevant offence"), what they had reason to believe, and whether
the person complied. A requirement that was refused, or answered with a name and address the
officer suspects is false, is what a detention pending a constable may follow
(`services.detention`). Written through the common path (`services.common`): the powers check
runs at the moment of the requirement, and a refusal is audited.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beatbook.audit.services import NO_META, AuditMeta
from beatbook.org.models import Person
from beatbook.powers.reference import REQUIRE_NAME_ADDRESS

from ..models import EnforcementRecord, NameAddressRequirement
from ..reference import Compliance, RecordKind, RelevantOffence
from .common import (
    PowerNotHeldError,
    Prepared,
    RecordData,
    existing,
    open_record,
    prepare_record,
    record_created,
    save_record,
)

OFFENCE_DETAILS_MAX = 5000


def merge_errors(first: dict[str, list[Any]], second: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Field errors of both, the first's first under each name."""
    merged = {name: list(messages) for name, messages in first.items()}
    for name, messages in second.items():
        merged.setdefault(name, []).extend(messages)
    return merged


def prepare_with(*, own: dict[str, list[Any]], **kwargs: Any) -> Prepared:
    """`prepare_record`, with the kind's own field errors added to any it raises, so the officer
    sees every problem at once. A refusal (the power was not held) is raised as it is."""
    try:
        return prepare_record(**kwargs)
    except PowerNotHeldError:
        raise
    except ValidationError as exc:
        raise ValidationError(merge_errors(exc.update_error_dict({}), own)) from exc


def _own_errors(*, data: RecordData, reason: str, offence_details: str, compliance: str) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if reason not in RelevantOffence.values:
        errors["reason"] = [_("Choose the relevant offence.")]
    if not offence_details.strip():
        errors["offence_details"] = [_("Say what you had reason to believe the person had done.")]
    elif len(offence_details) > OFFENCE_DETAILS_MAX:
        errors["offence_details"] = [_("Keep it under %(n)d characters.") % {"n": OFFENCE_DETAILS_MAX}]
    if compliance not in Compliance.values:
        errors["compliance"] = [_("Choose whether the person gave a name and address.")]
    elif compliance == Compliance.COMPLIED:
        if not data.subject_name.strip():
            errors["subject_name"] = [_("Give the name the person gave.")]
        if not data.subject_address.strip():
            errors["subject_address"] = [_("Give the address the person gave.")]
    return errors


def name_address_require(
    *,
    actor: Person,
    data: RecordData,
    reason: RelevantOffence | str,
    offence_details: str,
    compliance: Compliance | str,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> EnforcementRecord:
    """Record a requirement to give a name and address, checked against the power the officer
    held at `data.occurred_at`.

    1. A retried submission (same client UUID) returns the record stored the first time.
    2. The common fields and the power are checked (`prepare_record`; a power not held is
       refused, audited, and nothing is stored); the requirement's own fields are checked with
       them: the relevant offence, what the officer believed, the result, and for a person who
       complied the name and address they gave.
    3. In one transaction: the record, its requirement and the audit event (no personal data).
    """
    found = existing(actor=actor, client_uuid=client_uuid, kind=RecordKind.NAME_ADDRESS)
    if found is not None:
        return found
    own = _own_errors(data=data, reason=str(reason), offence_details=offence_details, compliance=str(compliance))
    prepared = prepare_with(
        own=own,
        actor=actor,
        kind=RecordKind.NAME_ADDRESS,
        code=REQUIRE_NAME_ADDRESS,
        data=data,
        client_uuid=client_uuid,
        meta=meta,
    )
    errors = merge_errors(prepared.errors, own)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enforcement = save_record(prepared)
        requirement = NameAddressRequirement(
            record=enforcement,
            reason=str(reason),
            offence_details=offence_details.strip(),
            compliance=str(compliance),
        )
        requirement.full_clean()
        requirement.save()
        record_created(
            actor=actor,
            enforcement=enforcement,
            detail={"reason": requirement.reason, "compliance": requirement.compliance},
            meta=meta,
        )
    return enforcement


def name_address_open_for(
    *, actor: Person, pk: object, meta: AuditMeta = NO_META, audited: bool = True
) -> EnforcementRecord:
    """One requirement the actor can see, with its detail row (404 for one not visible or of
    another kind, as for one that does not exist). The read is audited (it holds a name and an
    address) unless it is the answer to the write that made it (`audited=False`)."""
    return open_record(actor=actor, pk=pk, kind=RecordKind.NAME_ADDRESS, meta=meta, audited=audited)
