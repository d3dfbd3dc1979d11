"""Reads of the portfolio: which criteria an enrolment has met, and coverage counts.

A criterion is met for an enrolment when at least one of the enrolment's evidence items that is
not withdrawn maps to it with the judgement "met".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.learning import evidence_sources
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    EnrolmentStatus,
    Evidence,
    EvidenceCriterion,
    EvidenceStatus,
    Judgement,
    Unit,
)
from beatbook.org import policy
from beatbook.org.selectors import get_visible


def met_criterion_ids(enrolment_id: int) -> set[int]:
    """The ids of the criteria the enrolment has met (one query)."""
    return set(
        EvidenceCriterion.objects.filter(evidence__enrolment_id=enrolment_id, judgement=Judgement.MET)
        .exclude(evidence__status=EvidenceStatus.WITHDRAWN)
        .values_list("criterion_id", flat=True)
        .distinct()
    )


def met_counts(enrolment_ids: Iterable[int]) -> dict[int, int]:
    """Enrolment id -> number of distinct criteria met, for many enrolments in one query."""
    rows = (
        EvidenceCriterion.objects.filter(evidence__enrolment_id__in=list(enrolment_ids), judgement=Judgement.MET)
        .exclude(evidence__status=EvidenceStatus.WITHDRAWN)
        .values("evidence__enrolment_id")
        .annotate(met=Count("criterion_id", distinct=True))
    )
    return {row["evidence__enrolment_id"]: row["met"] for row in rows}


# ---- Who sees a portfolio -----------------------------------------------------------------------
#
# A portfolio is seen by whoever sees its enrolment (`programmes.enrolments_visible_to`): the
# learner; the tutor, assessor and line manager named on it; the force's trainers, assessors and
# administrators (`learning.oversee`). Anyone else gets 404.


def _enrolments_visible_to(actor: policy.Actor) -> QuerySet[Enrolment]:
    from beatbook.learning.selectors.programmes import enrolments_visible_to  # imports this module

    return enrolments_visible_to(actor)


def portfolio_get_for(*, actor: policy.Actor, enrolment_id: Any) -> Enrolment:
    """The enrolment whose portfolio the actor sees (404 otherwise), with its programme."""
    return get_visible(_enrolments_visible_to(actor).select_related("programme", "force"), enrolment_id)


def portfolio_open_for(*, actor: policy.Actor, enrolment_id: Any, meta: AuditMeta = NO_META) -> Enrolment:
    """The same, to be shown: the read is audited (PORTFOLIO_VIEWED)."""
    enrolment = portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    record(actor=actor, event=EventType.PORTFOLIO_VIEWED, obj=enrolment, after={"enrolment": enrolment.pk}, meta=meta)
    return enrolment


def active_enrolment_of(person: policy.Actor) -> Enrolment | None:
    """The person's own active enrolment (the one evidence goes to), or None."""
    if not policy.is_person(person):
        return None
    return (
        Enrolment.objects.filter(learner=person, status=EnrolmentStatus.ACTIVE)
        .select_related("programme")
        .order_by("-start_date", "-id")
        .first()
    )


def _evidence_loaded(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    mappings = EvidenceCriterion.objects.select_related("criterion", "judged_by").order_by(
        "criterion__position", "criterion_id"
    )
    return evidence.select_related("author", "source_type", "enrolment", "enrolment__learner").prefetch_related(
        Prefetch("mappings", queryset=mappings)
    )


def evidence_of(enrolment: Enrolment, *, include_withdrawn: bool = True) -> QuerySet[Evidence]:
    """An enrolment's evidence, newest activity first, with mappings and judges loaded (2 queries)."""
    items = Evidence.objects.filter(enrolment=enrolment)
    if not include_withdrawn:
        items = items.exclude(status=EvidenceStatus.WITHDRAWN)
    return _evidence_loaded(items).order_by("-occurred_on", "-id")


def evidence_visible_to(actor: policy.Actor) -> QuerySet[Evidence]:
    return Evidence.objects.filter(enrolment__in=_enrolments_visible_to(actor).values("pk"))


def evidence_get_for(*, actor: policy.Actor, evidence_id: Any) -> Evidence:
    """One evidence item of a portfolio the actor sees (404 otherwise)."""
    return get_visible(_evidence_loaded(evidence_visible_to(actor)), evidence_id)


def record_in_use(enrolment: Enrolment, record_obj: models.Model) -> bool:
    """Is the record already evidence in the enrolment's portfolio (not withdrawn)?"""
    return (
        Evidence.objects.filter(
            enrolment=enrolment,
            source_type=ContentType.objects.get_for_model(record_obj),
            source_id=record_obj.pk,
        )
        .exclude(status=EvidenceStatus.WITHDRAWN)
        .exists()
    )


# ---- Coverage -----------------------------------------------------------------------------------


@dataclass
class CriterionCoverage:
    criterion: Criterion
    evidence: int = 0
    met: int = 0
    not_yet_met: int = 0
    pending: int = 0
    drafts: int = 0

    @property
    def state(self) -> str:
        """met / pending (submitted, awaiting judgement) / not_yet_met / draft / missing."""
        if self.met:
            return "met"
        if self.pending:
            return "pending"
        if self.not_yet_met:
            return "not_yet_met"
        if self.drafts:
            return "draft"
        return "missing"


@dataclass
class UnitCoverage:
    unit: Unit
    criteria: list[CriterionCoverage] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for c in self.criteria if c.state == "met")

    @property
    def total(self) -> int:
        return len(self.criteria)


@dataclass(frozen=True)
class Coverage:
    units: list[UnitCoverage]
    total: int
    met: int
    pending: int
    not_yet_met: int
    missing: int
    ips_total: int
    ips_met: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def ips_missing(self) -> int:
        return self.ips_total - self.ips_met


def coverage_of(enrolment: Enrolment) -> Coverage:
    """Per unit and criterion of the programme: how much evidence maps to it (not withdrawn), how
    many judgements are met / not yet met / pending, and its state; with the totals. Two queries,
    whatever the number of units, criteria and evidence items."""
    criteria = list(
        Criterion.objects.filter(programme_id=enrolment.programme_id)
        .select_related("outcome__unit")
        .order_by("outcome__unit__number", "position", "id")
    )
    rows = (
        EvidenceCriterion.objects.filter(evidence__enrolment_id=enrolment.pk)
        .exclude(evidence__status=EvidenceStatus.WITHDRAWN)
        .values("criterion_id", "judgement", "evidence__status")
        .annotate(n=Count("id"))
        .order_by()
    )
    cover = {c.pk: CriterionCoverage(criterion=c) for c in criteria}
    for row in rows:
        entry = cover.get(row["criterion_id"])
        if entry is None:
            continue
        n = row["n"]
        entry.evidence += n
        if row["judgement"] == Judgement.MET:
            entry.met += n
        elif row["judgement"] == Judgement.NOT_YET_MET:
            entry.not_yet_met += n
        elif row["evidence__status"] == EvidenceStatus.SUBMITTED:
            entry.pending += n
        else:
            entry.drafts += n
    units: dict[int, UnitCoverage] = {}
    for criterion in criteria:
        unit = criterion.outcome.unit
        units.setdefault(unit.pk, UnitCoverage(unit=unit)).criteria.append(cover[criterion.pk])
    states = [c.state for c in cover.values()]
    ips = [c for c in cover.values() if c.criterion.needed_for_ips]
    return Coverage(
        units=list(units.values()),
        total=len(states),
        met=states.count("met"),
        pending=states.count("pending"),
        not_yet_met=states.count("not_yet_met"),
        missing=states.count("missing") + states.count("draft"),
        ips_total=len(ips),
        ips_met=sum(1 for c in ips if c.state == "met"),
    )


def criteria_choices(enrolment: Enrolment) -> list[Criterion]:
    """The programme's criteria in order, with their unit (for the mapping checkboxes)."""
    return list(
        Criterion.objects.filter(programme_id=enrolment.programme_id)
        .select_related("outcome__unit")
        .order_by("outcome__unit__number", "position", "id")
    )


# ---- The original record ------------------------------------------------------------------------


def _source_record(evidence: Evidence) -> tuple[evidence_sources.EvidenceSource, Any] | None:
    if evidence.source_type_id is None or evidence.source_id is None:
        return None
    source_type = ContentType.objects.get_for_id(evidence.source_type_id)
    source = evidence_sources.source_for(f"{source_type.app_label}.{source_type.model}")
    if source is None:
        return None
    return source, evidence.source_id


def original_url(actor: policy.Actor, evidence: Evidence) -> str | None:
    """The address of the original record, only for someone who sees it under its own app's
    rules (that app's selector); else None. Not audited: opening it is (`original_open_for`)."""
    found = _source_record(evidence)
    if found is None:
        return None
    source, record_id = found
    original = source.visible_to(actor).filter(pk=record_id).first()
    return source.url_of(original) if original is not None else None


def record_visible_to(*, actor: policy.Actor, source: str, pk: Any) -> tuple[evidence_sources.EvidenceSource, Any]:
    """A record by its source's model label and id, and its adapter, when the actor sees the record
    under its own app's rules (404 otherwise: an unknown label, an unknown id or one not seen)."""
    adapter = evidence_sources.source_for(source)
    original = adapter.visible_to(actor).filter(pk=pk).first() if adapter is not None else None
    if adapter is None or original is None:
        raise Http404(_("Not found."))
    return adapter, original


def original_open_for(*, actor: policy.Actor, evidence: Evidence, meta: AuditMeta = NO_META) -> str:
    """The original's address for someone allowed to see it (404 otherwise); audited."""
    url = original_url(actor, evidence)
    if url is None:
        raise Http404(_("Not found."))
    record(
        actor=actor,
        event=EventType.EVIDENCE_ORIGINAL_VIEWED,
        obj=evidence,
        after={"enrolment": evidence.enrolment_id, "source_id": evidence.source_id, "source": evidence.source_label},
        meta=meta,
    )
    return url


# ---- A learner's records ------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibleRecord:
    source: str
    pk: int
    label: str
    noun: str
    when: dt.datetime
    in_use: bool


RECENT_PER_SOURCE = 20


def eligible_records(person: policy.Actor, *, per_source: int = RECENT_PER_SOURCE) -> list[EligibleRecord]:
    """The person's most recent records of each kind they created or took part in, newest first,
    marked when already evidence in their active portfolio (one query per kind, plus one)."""
    if not policy.is_person(person):
        return []
    enrolment = active_enrolment_of(person)
    used: set[tuple[int, int]] = set()
    if enrolment is not None:
        used = {
            (type_id, source_id)
            for type_id, source_id in Evidence.objects.filter(enrolment=enrolment, source_type__isnull=False)
            .exclude(status=EvidenceStatus.WITHDRAWN)
            .values_list("source_type_id", "source_id")
            if source_id is not None
        }
    found: list[EligibleRecord] = []
    for source in evidence_sources.sources():
        type_id = ContentType.objects.get_for_model(source.model).pk
        found.extend(
            EligibleRecord(
                source=source.label(),
                pk=obj.pk,
                label=source.short_label(obj),
                noun=source.noun,
                when=source.when(obj),
                in_use=(type_id, obj.pk) in used,
            )
            for obj in source.recent(source.records_for(person))[:per_source]
        )
    return sorted(found, key=lambda r: r.when, reverse=True)


def may_use_as_evidence(actor: policy.Actor, record_obj: models.Model) -> Enrolment | None:
    """The actor's active enrolment when they may propose this record (they took part in it and
    it is not in their portfolio yet); else None. For the "Use as evidence" button."""
    source = evidence_sources.source_of(record_obj)
    if source is None or not policy.is_person(actor):
        return None
    enrolment = active_enrolment_of(actor)
    if enrolment is None or not source.took_part(record_obj, actor) or record_in_use(enrolment, record_obj):
        return None
    return enrolment
