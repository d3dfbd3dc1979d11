"""The portfolio: evidence items, their criteria and judgements, coverage, operational records
made into evidence (a redacted copy), and the PDF (see docs/how-to/portfolio.md).

Reads go through `beatbook.learning.selectors.portfolio` (a portfolio is seen by the learner, the
tutor, assessor and line manager named on the enrolment, and the force's trainers, assessors and
administrators; anyone else gets 404); writes through `beatbook.learning.services.portfolio`, the
same services as the pages (checked and audited).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from beatbook.learning.models import Criterion, Evidence
from beatbook.learning.selectors import portfolio as selectors
from beatbook.learning.services import portfolio as services
from beatbook.org.models import Person

from .auth import actor_of, meta_of
from .development_schemas import PersonRef
from .errors import error_responses
from .portfolio_schemas import (
    CoverageOut,
    CriteriaIn,
    CriterionCoverageOut,
    CriterionRef,
    EligibleRecordOut,
    EligibleRecordsOut,
    EvidenceIn,
    EvidenceOut,
    EvidenceUpdateIn,
    FromRecordIn,
    JudgementIn,
    MappingOut,
    PortfolioOut,
    UnitCoverageOut,
)

router = Router(tags=["portfolio"])

SEE = "404 when the caller does not see the portfolio. "
DRAFT = "Only a draft can be changed: 400 otherwise. "


def _person(person: Person) -> PersonRef:
    return PersonRef(id=person.pk, display_name=person.display_name, collar_number=person.collar_number)


def _criterion(criterion: Criterion) -> CriterionRef:
    return CriterionRef(
        id=criterion.pk, code=criterion.code, text=criterion.text, needed_for_ips=criterion.needed_for_ips
    )


def _source(evidence: Evidence) -> str | None:
    if evidence.source_type is None:
        return None
    return f"{evidence.source_type.app_label}.{evidence.source_type.model}"


def _evidence(actor: Person, evidence: Evidence, *, with_original: bool = False) -> EvidenceOut:
    removed = evidence.redaction.get("removed", {}) if isinstance(evidence.redaction, dict) else {}
    return EvidenceOut(
        id=evidence.pk,
        enrolment=evidence.enrolment_id,
        kind=evidence.kind,  # type: ignore[arg-type]
        title=evidence.title,
        occurred_on=evidence.occurred_on,
        body=evidence.body,
        witness=evidence.witness,
        author=_person(evidence.author),
        status=evidence.status,  # type: ignore[arg-type]
        source=_source(evidence),
        source_label=evidence.source_label,
        redaction={str(k): int(v) for k, v in removed.items()},
        submitted_at=evidence.submitted_at,
        created_at=evidence.created_at,
        updated_at=evidence.updated_at,
        mappings=[
            MappingOut(
                criterion=_criterion(m.criterion),
                judgement=m.judgement,  # type: ignore[arg-type]
                feedback=m.feedback,
                judged_by=_person(m.judged_by) if m.judged_by else None,
                judged_at=m.judged_at,
            )
            for m in evidence.mappings.all()
        ],
        original_url=selectors.original_url(actor, evidence) if with_original and evidence.source_id else None,
        can_judge=services.may_judge(actor, evidence),
    )


def _detail(actor: Person, evidence_id: int) -> EvidenceOut:
    return _evidence(actor, selectors.evidence_get_for(actor=actor, evidence_id=evidence_id), with_original=True)


# ---- The portfolio ------------------------------------------------------------------------------
@router.get(
    "/enrolments/{enrolment_id}/portfolio",
    response={200: PortfolioOut, **error_responses(401, 404)},
    summary="An enrolment's evidence items with their criteria and judgements (the read is audited)",
    description=SEE + "Withdrawn items are included, marked `withdrawn`. `original_url` is given on the detail only.",
)
def portfolio_list(request: HttpRequest, enrolment_id: int) -> PortfolioOut:
    actor = actor_of(request)
    enrolment = selectors.portfolio_open_for(actor=actor, enrolment_id=enrolment_id, meta=meta_of(request))
    return PortfolioOut(
        enrolment=enrolment.pk,
        learner=_person(enrolment.learner),
        programme=enrolment.programme.name,
        items=[_evidence(actor, e) for e in selectors.evidence_of(enrolment)],
    )


@router.get(
    "/enrolments/{enrolment_id}/portfolio/coverage",
    response={200: CoverageOut, **error_responses(401, 404)},
    summary="Coverage per unit and criterion: evidence, judgements met / not yet met / pending, what is missing",
    description=SEE + "A criterion is met when evidence not withdrawn maps to it with the judgement met.",
)
def portfolio_coverage(request: HttpRequest, enrolment_id: int) -> CoverageOut:
    enrolment = selectors.portfolio_get_for(actor=actor_of(request), enrolment_id=enrolment_id)
    coverage = selectors.coverage_of(enrolment)
    return CoverageOut(
        enrolment=enrolment.pk,
        total=coverage.total,
        met=coverage.met,
        pending=coverage.pending,
        not_yet_met=coverage.not_yet_met,
        missing=coverage.missing,
        percent=coverage.percent,
        ips_total=coverage.ips_total,
        ips_met=coverage.ips_met,
        units=[
            UnitCoverageOut(
                number=u.unit.number,
                title=u.unit.title,
                met=u.met,
                total=u.total,
                criteria=[
                    CriterionCoverageOut(
                        criterion=_criterion(c.criterion),
                        evidence=c.evidence,
                        met=c.met,
                        not_yet_met=c.not_yet_met,
                        pending=c.pending,
                        drafts=c.drafts,
                        state=c.state,  # type: ignore[arg-type]
                    )
                    for c in u.criteria
                ],
            )
            for u in coverage.units
        ],
    )


@router.get(
    "/enrolments/{enrolment_id}/portfolio/pdf",
    response=error_responses(401, 404),  # the 200 (a PDF) is declared in openapi_extra
    summary="The whole portfolio as a PDF (redacted copies only); the export is audited",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The portfolio as a PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def portfolio_pdf(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    response = HttpResponse(
        services.portfolio_pdf(actor=actor, enrolment=enrolment, meta=meta_of(request)), "application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="portfolio-{enrolment.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- Writing evidence ---------------------------------------------------------------------------
@router.post(
    "/enrolments/{enrolment_id}/evidence",
    response={201: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add a draft evidence item",
    description=SEE + "403 unless the caller is the learner, or the enrolment's tutor or assessor. The learner "
    "writes reflective accounts, products, problem-solving assignments and witness testimonies (`witness` "
    "needed); the tutor or assessor observations and professional discussions: another kind is 400 on `kind`. "
    "`operational_record` is 400: use from-record. Criteria not of the programme are 400 on `criteria`.",
)
def evidence_create(request: HttpRequest, enrolment_id: int, payload: EvidenceIn) -> Status[EvidenceOut]:
    actor = actor_of(request)
    enrolment = selectors.portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    evidence = services.evidence_create(
        actor=actor,
        enrolment=enrolment,
        data=services.EvidenceData(
            kind=payload.kind,
            title=payload.title,
            occurred_on=payload.occurred_on,
            body=payload.body,
            witness=payload.witness,
        ),
        criterion_ids=tuple(payload.criteria),
        meta=meta_of(request),
    )
    return Status(201, _detail(actor, evidence.pk))


@router.post(
    "/enrolments/{enrolment_id}/evidence/from-record",
    response={201: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Make a record the learner created or took part in into evidence (a redacted copy)",
    description=SEE + "403 unless the caller is the learner. An unknown `source` or a record the caller does not "
    "see is 404; a record they did not create or take part in, one already in the portfolio, or a copy that "
    "would still hold personal details is 400 on `record` (nothing is stored).",
)
def evidence_from_record(request: HttpRequest, enrolment_id: int, payload: FromRecordIn) -> Status[EvidenceOut]:
    actor = actor_of(request)
    enrolment = selectors.portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    _source, original = selectors.record_visible_to(actor=actor, source=payload.source, pk=payload.id)
    evidence = services.evidence_from_record(
        actor=actor, enrolment=enrolment, record=original, criteria=tuple(payload.criteria), meta=meta_of(request)
    )
    return Status(201, _detail(actor, evidence.pk))


@router.get(
    "/portfolio/eligible-records",
    response={200: EligibleRecordsOut, **error_responses(401)},
    summary="The caller's recent records they may use as evidence (created or took part in)",
)
def portfolio_eligible_records(request: HttpRequest) -> EligibleRecordsOut:
    actor = actor_of(request)
    enrolment = selectors.active_enrolment_of(actor)
    records = selectors.eligible_records(actor) if enrolment is not None else []
    return EligibleRecordsOut(
        enrolment=enrolment.pk if enrolment is not None else None,
        items=[
            EligibleRecordOut(source=r.source, id=r.pk, label=r.label, kind=r.noun, when=r.when, in_use=r.in_use)
            for r in records
        ],
    )


# ---- An evidence item ---------------------------------------------------------------------------
@router.get(
    "/evidence/{evidence_id}",
    response={200: EvidenceOut, **error_responses(401, 404)},
    summary="One evidence item with its criteria and judgements",
)
def evidence_detail(request: HttpRequest, evidence_id: int) -> EvidenceOut:
    return _detail(actor_of(request), evidence_id)


@router.patch(
    "/evidence/{evidence_id}",
    response={200: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a draft the caller wrote (title, date, account, witness)",
    description=SEE + "403 unless the caller wrote it. " + DRAFT + "The copy of a record cannot be changed (400).",
)
def evidence_update(request: HttpRequest, evidence_id: int, payload: EvidenceUpdateIn) -> EvidenceOut:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    services.evidence_update(
        actor=actor,
        evidence=evidence,
        data=services.EvidenceData(
            kind=evidence.kind,
            title=payload.title,
            occurred_on=payload.occurred_on,
            body=payload.body,
            witness=payload.witness,
        ),
        meta=meta_of(request),
    )
    return _detail(actor, evidence_id)


@router.put(
    "/evidence/{evidence_id}/criteria",
    response={200: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set the criteria a draft is evidence for",
    description=SEE
    + "403 unless the caller wrote it or is the learner. "
    + DRAFT
    + "Criteria not of the programme are 400 on `criteria`.",
)
def evidence_map(request: HttpRequest, evidence_id: int, payload: CriteriaIn) -> EvidenceOut:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    services.evidence_map(actor=actor, evidence=evidence, criterion_ids=tuple(payload.criteria), meta=meta_of(request))
    return _detail(actor, evidence_id)


@router.post(
    "/evidence/{evidence_id}/submit",
    response={200: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Submit a draft for assessment (it must be mapped to a criterion)",
    description=SEE + "403 unless the caller wrote it or is the learner. " + DRAFT,
)
def evidence_submit(request: HttpRequest, evidence_id: int) -> EvidenceOut:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    services.evidence_submit(actor=actor, evidence=evidence, meta=meta_of(request))
    return _detail(actor, evidence_id)


@router.post(
    "/evidence/{evidence_id}/withdraw",
    response={200: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Withdraw an item (not once judged met)",
    description=SEE + "403 unless the caller wrote it or is the learner; 400 when it is withdrawn already or "
    "judged met.",
)
def evidence_withdraw(request: HttpRequest, evidence_id: int) -> EvidenceOut:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    services.evidence_withdraw(actor=actor, evidence=evidence, meta=meta_of(request))
    return _detail(actor, evidence_id)


@router.post(
    "/evidence/{evidence_id}/judgements",
    response={201: EvidenceOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Judge submitted evidence against one of its criteria: met, or not yet met with feedback",
    description=SEE + "403 unless the caller is the enrolment's assessor or an assessor of the force, and never "
    "for evidence they wrote or their own portfolio. 400 when it is not submitted, the criterion is not mapped "
    "(`criterion`), or `not_yet_met` comes without `feedback`.",
)
def evidence_judge(request: HttpRequest, evidence_id: int, payload: JudgementIn) -> Status[EvidenceOut]:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    services.evidence_judge(
        actor=actor,
        evidence=evidence,
        criterion=payload.criterion,
        judgement=payload.judgement,
        feedback=payload.feedback,
        meta=meta_of(request),
    )
    return Status(201, _detail(actor, evidence_id))
