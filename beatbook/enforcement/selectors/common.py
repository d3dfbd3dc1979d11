"""The scope of enforcement records and the lookups every kind shares."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.org import policy
from beatbook.org.selectors import get_visible

from ..models import DispersalAuthorisation, EnforcementRecord


def records_visible_to(actor: policy.Actor | None) -> QuerySet[EnforcementRecord]:
    """Records in the actor's neighbourhoods, and the actor's own records (one SQL query)."""
    if policy.is_system(actor):
        return EnforcementRecord.objects.all()
    if not policy.is_person(actor):
        return EnforcementRecord.objects.none()
    assert actor is not None
    return EnforcementRecord.objects.filter(
        Q(neighbourhood_id__in=policy.neighbourhoods_in_scope(actor).values("pk")) | Q(officer_id=actor.pk)
    )


def authorisations_visible_to(actor: policy.Actor | None) -> QuerySet[DispersalAuthorisation]:
    """Dispersal authorisations of the actor's neighbourhoods."""
    if policy.is_system(actor):
        return DispersalAuthorisation.objects.all()
    if not policy.is_person(actor):
        return DispersalAuthorisation.objects.none()
    areas = policy.neighbourhoods_in_scope(actor).values("pk")
    return DispersalAuthorisation.objects.filter(neighbourhood_id__in=areas)


def record_get_for(*, actor: policy.Actor | None, pk: object) -> EnforcementRecord:
    """One record the actor can see, with what its pages show, or Http404 ("not found" for
    absent and not yours alike)."""
    return get_visible(
        records_visible_to(actor).select_related(
            "force", "neighbourhood", "officer", "incident", "power", "designation"
        ),
        pk,
    )


def viewed(*, actor: policy.Actor | None, enforcement: EnforcementRecord, meta: AuditMeta = NO_META) -> None:
    """Audit a read of one record (it holds the subject's name and address): its kind only."""
    record(
        actor=actor,
        event=EventType.ENFORCEMENT_VIEWED,
        obj=enforcement,
        neighbourhood_id=enforcement.neighbourhood_id,
        after={"kind": enforcement.kind},
        meta=meta,
    )
