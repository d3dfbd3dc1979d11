"""Reads of the portfolio: which criteria an enrolment has met, and coverage counts.

A criterion is met for an enrolment when at least one of the enrolment's evidence items that is
not withdrawn maps to it with the judgement "met".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from beatbook.learning.models import EvidenceCriterion, EvidenceStatus, Judgement


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
