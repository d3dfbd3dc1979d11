"""Writes of the portfolio: evidence items (write, change while draft, map to criteria, submit,
withdraw), operational records made into evidence (a redacted copy), the assessor's judgement per
criterion, and the PDF export.

Every function: keyword-only, `actor` first, one transaction, the access check first, validation
with field errors, then the audit event (ids, kinds, codes and counts only: never a title, an
account, feedback or anything taken from a record).

Who does what (docs/how-to/portfolio.md):

* the learner writes reflective accounts, products, problem-solving assignments and witness
  testimonies (with the witness's name and role), and proposes records they created or took part
  in; the enrolment's tutor or assessor writes observations and professional discussions;
* the author (or the learner) maps a draft to criteria of the programme, submits or withdraws it;
* the enrolment's assessor, or an assessor of the force (a force-wide assessor posting, which
  gives `learning.oversee`), judges submitted evidence per criterion; never evidence they wrote,
  never their own portfolio. The tutor does not judge: the tutor's part is observing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core.timeutil import today
from beatbook.learning import evidence_sources
from beatbook.learning.models import (
    OBSERVER_KINDS,
    Criterion,
    Enrolment,
    Evidence,
    EvidenceCriterion,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
)
from beatbook.learning.selectors import portfolio as selectors
from beatbook.org import policy
from beatbook.org.models import Person, Role

if TYPE_CHECKING:
    from beatbook.learning.redaction import Party

DENIED = "You do not have permission to do that."
TITLE_MAX = 200
WITNESS_MAX = 200
TEXT_MAX = 8000
FEEDBACK_MAX = 4000
EARLIEST = dt.date(2000, 1, 1)
LEARNER_KINDS = frozenset(
    {
        EvidenceKind.REFLECTIVE_ACCOUNT,
        EvidenceKind.PRODUCT,
        EvidenceKind.PROBLEM_SOLVING_ASSIGNMENT,
        EvidenceKind.WITNESS_TESTIMONY,
    }
)
PDF_TEMPLATE = "learning/portfolio/portfolio_pdf.html"


def _deny() -> PermissionDenied:
    return PermissionDenied(_(DENIED))


def _is(actor: Person, person_id: int | None) -> bool:
    return person_id is not None and actor.pk == person_id


def _require_active(enrolment: Enrolment) -> None:
    if not enrolment.is_active:
        raise ValidationError(_("The enrolment has ended: its portfolio is read-only."))


def evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    return {
        "enrolment": evidence.enrolment_id,
        "kind": evidence.kind,
        "status": evidence.status,
        "occurred_on": evidence.occurred_on.isoformat(),
        "author": evidence.author_id,
        "criteria": sorted(evidence.mappings.values_list("criterion__code", flat=True)) if evidence.pk else [],
    }


# ---- Writing evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceData:
    kind: str
    title: str
    occurred_on: dt.date
    body: str
    witness: str = ""


def kinds_for(actor: Person, enrolment: Enrolment) -> list[str]:
    """The kinds of evidence the actor may write in the enrolment's portfolio (none: not theirs)."""
    kinds: set[str] = set()
    if _is(actor, enrolment.learner_id):
        kinds |= LEARNER_KINDS
    if _is(actor, enrolment.tutor_id) or _is(actor, enrolment.assessor_id):
        kinds |= OBSERVER_KINDS
    return [k for k in EvidenceKind.values if k in kinds]


def _clean(data: EvidenceData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title, body, witness = data.title.strip(), data.body.strip(), data.witness.strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [_("Enter a title of up to 200 characters.")]
    if not body or len(body) > TEXT_MAX:
        errors["body"] = [_("Enter the account, up to 8000 characters.")]
    if data.occurred_on > today():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    elif data.occurred_on < EARLIEST:
        errors["occurred_on"] = [_("Enter a date from 2000 onwards.")]
    if data.kind == EvidenceKind.WITNESS_TESTIMONY:
        if not witness or len(witness) > WITNESS_MAX:
            errors["witness"] = [_("Enter the witness's name and role (for example, Jo Bloggs, school caretaker).")]
    elif witness:
        errors["witness"] = [_("Only a witness testimony names a witness.")]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "witness": witness, "occurred_on": data.occurred_on}


def _criteria_of(enrolment: Enrolment, criterion_ids: Iterable[int]) -> list[Criterion]:
    wanted = set(criterion_ids)
    found = list(Criterion.objects.filter(programme_id=enrolment.programme_id, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"criteria": [_("Choose assessment criteria of the learner's programme.")]})
    return found


@transaction.atomic
def evidence_create(
    *,
    actor: Person,
    enrolment: Enrolment,
    data: EvidenceData,
    criterion_ids: Sequence[int] = (),
    meta: AuditMeta = NO_META,
) -> Evidence:
    """Add a draft evidence item to a portfolio. An operational record is not written here: it is
    made from the record itself (`evidence_from_record`)."""
    allowed = kinds_for(actor, enrolment)
    if not allowed:
        raise _deny()
    _require_active(enrolment)
    if data.kind == EvidenceKind.OPERATIONAL_RECORD:
        raise ValidationError({"kind": [_("Use an operational record from the record itself ('Use as evidence').")]})
    if data.kind not in EvidenceKind.values:
        raise ValidationError({"kind": [_("Choose the kind of evidence.")]})
    if data.kind not in allowed:
        if data.kind in OBSERVER_KINDS:
            message = _("Observations and professional discussions are written by the tutor or the assessor.")
        else:
            message = _("Only the learner writes this kind of evidence.")
        raise ValidationError({"kind": [message]})
    fields = _clean(data)
    criteria = _criteria_of(enrolment, criterion_ids)
    evidence = Evidence(force_id=enrolment.force_id, enrolment=enrolment, kind=data.kind, author=actor, **fields)
    evidence.full_clean()
    evidence.save()
    EvidenceCriterion.objects.bulk_create(EvidenceCriterion(evidence=evidence, criterion=c) for c in criteria)
    record(actor=actor, event=EventType.EVIDENCE_CREATED, obj=evidence, after=evidence_snapshot(evidence), meta=meta)
    return evidence


def may_handle(actor: Person, evidence: Evidence) -> bool:
    """Who maps, submits and withdraws an item: its author, and the learner whose portfolio it is,
    except for an observer's kinds (an observation or professional discussion stays the tutor's
    or assessor's who wrote it)."""
    if _is(actor, evidence.author_id):
        return True
    return evidence.kind not in OBSERVER_KINDS and _is(actor, evidence.enrolment.learner_id)


def _draft(evidence: Evidence) -> None:
    if evidence.status != EvidenceStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed: this item is %(status)s.")
            % {"status": evidence.get_status_display().lower()}
        )


@transaction.atomic
def evidence_update(*, actor: Person, evidence: Evidence, data: EvidenceData, meta: AuditMeta = NO_META) -> Evidence:
    """Change a draft the actor wrote (its kind stays). The copy of an operational record cannot be
    changed (it is what the redaction made): withdraw it and propose the record again."""
    if not _is(actor, evidence.author_id):
        raise _deny()
    _require_active(evidence.enrolment)
    _draft(evidence)
    if evidence.kind == EvidenceKind.OPERATIONAL_RECORD:
        raise ValidationError(_("The copy of a record cannot be changed: withdraw it and use the record again."))
    before = evidence_snapshot(evidence)
    fields = _clean(
        EvidenceData(
            kind=evidence.kind, title=data.title, occurred_on=data.occurred_on, body=data.body, witness=data.witness
        )
    )
    changed = sorted(k for k in ("title", "body", "witness") if getattr(evidence, k) != fields[k])
    for name, value in fields.items():
        setattr(evidence, name, value)
    evidence.full_clean()
    evidence.save()
    record(
        actor=actor,
        event=EventType.EVIDENCE_UPDATED,
        obj=evidence,
        before=before,
        after={**evidence_snapshot(evidence), "text_changed": changed},
        meta=meta,
    )
    return evidence


@transaction.atomic
def evidence_map(
    *, actor: Person, evidence: Evidence, criterion_ids: Sequence[int], meta: AuditMeta = NO_META
) -> Evidence:
    """Set the criteria a draft is evidence for (criteria of the enrolment's programme only)."""
    if not may_handle(actor, evidence):
        raise _deny()
    _require_active(evidence.enrolment)
    _draft(evidence)
    criteria = _criteria_of(evidence.enrolment, criterion_ids)
    before = evidence_snapshot(evidence)
    wanted = {c.pk for c in criteria}
    evidence.mappings.exclude(criterion_id__in=wanted).delete()
    have = set(evidence.mappings.values_list("criterion_id", flat=True))
    EvidenceCriterion.objects.bulk_create(
        EvidenceCriterion(evidence=evidence, criterion=c) for c in criteria if c.pk not in have
    )
    record(
        actor=actor,
        event=EventType.EVIDENCE_UPDATED,
        obj=evidence,
        before=before,
        after=evidence_snapshot(evidence),
        meta=meta,
    )
    return evidence


@transaction.atomic
def evidence_submit(*, actor: Person, evidence: Evidence, meta: AuditMeta = NO_META) -> Evidence:
    """Submit a draft for assessment: it must be mapped to at least one criterion; from then on it
    is read-only."""
    if not may_handle(actor, evidence):
        raise _deny()
    _require_active(evidence.enrolment)
    _draft(evidence)
    if not evidence.mappings.exists():
        raise ValidationError({"criteria": [_("Map the evidence to at least one criterion before submitting it.")]})
    before = evidence_snapshot(evidence)
    evidence.status, evidence.submitted_at = EvidenceStatus.SUBMITTED, timezone.now()
    evidence.save(update_fields=["status", "submitted_at", "updated_at"])
    record(
        actor=actor,
        event=EventType.EVIDENCE_SUBMITTED,
        obj=evidence,
        before=before,
        after=evidence_snapshot(evidence),
        meta=meta,
    )
    return evidence


@transaction.atomic
def evidence_withdraw(*, actor: Person, evidence: Evidence, meta: AuditMeta = NO_META) -> Evidence:
    """Withdraw an item (a draft, or submitted evidence not judged met): it stays in the portfolio,
    marked withdrawn, and counts for nothing. A record withdrawn can be proposed again."""
    if not may_handle(actor, evidence):
        raise _deny()
    _require_active(evidence.enrolment)
    if evidence.status == EvidenceStatus.WITHDRAWN:
        raise ValidationError(_("This evidence is already withdrawn."))
    if evidence.mappings.filter(judgement=Judgement.MET).exists():
        raise ValidationError(_("Evidence judged met cannot be withdrawn: ask the assessor."))
    before = evidence_snapshot(evidence)
    evidence.status = EvidenceStatus.WITHDRAWN
    evidence.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        event=EventType.EVIDENCE_WITHDRAWN,
        obj=evidence,
        before=before,
        after=evidence_snapshot(evidence),
        meta=meta,
    )
    return evidence


# ---- Operational records ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordPreview:
    """The redacted copy of a record, as it would be stored."""

    label: str
    title: str
    occurred_on: dt.date
    body: str
    removed: dict[str, int]
    fields: tuple[str, ...]


def _named(parties: Iterable[Party]) -> tuple[Party, ...]:
    """Parties with something to find (a name, an address or a date of birth)."""
    return tuple(p for p in parties if p.name.strip() or p.address.strip() or p.date_of_birth is not None)


def redacted_copy(record_obj: Any, learner: Person) -> RecordPreview:
    """The copy of a record for a learner's portfolio: structured facts as they are, narrative
    redacted, then checked with `leaks()`: anything of a party still present refuses the copy."""
    from beatbook.learning.redaction import leaks, redact_fields  # imported when used (see evidence_sources)

    source = evidence_sources.source_of(record_obj)
    if source is None:
        raise ValidationError({"record": [_("This kind of record cannot be used as evidence.")]})
    copy = source.copy_of(record_obj, learner)
    parties = _named(copy.parties)
    narrative, removed = redact_fields(copy.narrative, parties=parties)
    lines = [
        _("%(label)s: a copy made for the portfolio. Names, addresses and dates of birth are replaced by roles.")
        % {"label": copy.label},
        "",
        *(f"{name}: {value}" for name, value in copy.facts),
    ]
    for name, text in narrative.items():
        lines += ["", name, text.strip()]
    body = "\n".join(lines).strip()
    title = copy.title[:TITLE_MAX]
    found = leaks(f"{title}\n{body}", parties=parties)
    if found:
        # Never stored, never logged: only how many things leaked.
        raise ValidationError(
            {
                "record": [
                    _(
                        "The copy still holds personal details (%(count)s found) that the redaction did not remove: "
                        "it has not been made. Write a reflective account instead."
                    )
                    % {"count": len(found)}
                ]
            }
        )
    return RecordPreview(
        label=copy.label,
        title=title,
        occurred_on=copy.occurred_on,
        body=body,
        removed=dict(removed),
        fields=copy.fields,
    )


def _check_record(actor: Person, enrolment: Enrolment, record_obj: Any) -> evidence_sources.EvidenceSource:
    if not _is(actor, enrolment.learner_id):
        raise _deny()
    _require_active(enrolment)
    source = evidence_sources.source_of(record_obj)
    if source is None:
        raise ValidationError({"record": [_("This kind of record cannot be used as evidence.")]})
    if not source.took_part(record_obj, actor):
        raise ValidationError({"record": [_("You can use only records you created or took part in.")]})
    if selectors.record_in_use(enrolment, record_obj):
        raise ValidationError({"record": [_("This record is already in your portfolio.")]})
    return source


def evidence_preview(*, actor: Person, enrolment: Enrolment, record: Any) -> RecordPreview:
    """What `evidence_from_record` would store, with the same checks; nothing is written."""
    _check_record(actor, enrolment, record)
    return redacted_copy(record, actor)


@transaction.atomic
def evidence_from_record(
    *,
    actor: Person,
    enrolment: Enrolment,
    record: Any,
    criteria: Sequence[int] = (),
    meta: AuditMeta = NO_META,
) -> Evidence:
    """Propose a record the learner created or took part in as evidence: a draft "operational
    record" holding the redacted copy, the link to the original and what was removed (counts).
    Refused when the copy would still hold personal details, and when the record is already in
    the portfolio (not withdrawn)."""
    source = _check_record(actor, enrolment, record)
    chosen = _criteria_of(enrolment, criteria)
    copy = redacted_copy(record, actor)
    evidence = Evidence(
        force_id=enrolment.force_id,
        enrolment=enrolment,
        kind=EvidenceKind.OPERATIONAL_RECORD,
        title=copy.title,
        occurred_on=min(copy.occurred_on, today()),
        body=copy.body,
        author=actor,
        source_type=ContentType.objects.get_for_model(source.model),
        source_id=record.pk,
        source_label=copy.label[:200],
        redaction={"removed": copy.removed, "fields": list(copy.fields)},
    )
    evidence.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError as exc:  # a second tab proposing the same record at the same moment
        raise ValidationError({"record": [_("This record is already in your portfolio.")]}) from exc
    EvidenceCriterion.objects.bulk_create(EvidenceCriterion(evidence=evidence, criterion=c) for c in chosen)
    _record_event(actor, evidence, source, copy, meta)
    return evidence


def _record_event(
    actor: Person, evidence: Evidence, source: evidence_sources.EvidenceSource, copy: RecordPreview, meta: AuditMeta
) -> None:
    after = {**evidence_snapshot(evidence), "source": source.label(), "source_id": evidence.source_id}
    after["removed"] = copy.removed
    record(actor=actor, event=EventType.EVIDENCE_FROM_RECORD, obj=evidence, after=after, meta=meta)


# ---- Judging ------------------------------------------------------------------------------------


def is_force_assessor(actor: Person, force_id: int) -> bool:
    """A force-wide assessor posting in the force (which is what gives them `learning.oversee`)."""
    return Role.ASSESSOR in policy.roles_in_force(actor, force_id, force_wide_only=True)


def may_judge(actor: policy.Actor, evidence: Evidence) -> bool:
    """The enrolment's assessor or an assessor of the force, never the author, never the learner."""
    if not policy.is_person(actor):
        return False
    enrolment = evidence.enrolment
    if _is(actor, evidence.author_id) or _is(actor, enrolment.learner_id):
        return False
    return _is(actor, enrolment.assessor_id) or is_force_assessor(actor, enrolment.force_id)


def require_judge(actor: Person, evidence: Evidence) -> None:
    """PermissionDenied, saying why, unless the actor may judge the evidence (`may_judge`)."""
    if _is(actor, evidence.author_id):
        raise PermissionDenied(_("You wrote this evidence: another assessor must judge it."))
    if _is(actor, evidence.enrolment.learner_id):
        raise PermissionDenied(_("You cannot judge your own portfolio."))
    if not may_judge(actor, evidence):
        raise _deny()


@transaction.atomic
def evidence_judge(
    *,
    actor: Person,
    evidence: Evidence,
    criterion: Criterion | int,
    judgement: str,
    feedback: str = "",
    meta: AuditMeta = NO_META,
) -> EvidenceCriterion:
    """Judge submitted evidence against one criterion it is mapped to (the criterion, or its id as
    the API sends it): met, or not yet met with feedback. A judgement can be changed (audited with
    before and after)."""
    enrolment = evidence.enrolment
    require_judge(actor, evidence)
    _require_active(enrolment)
    errors: dict[str, list[str]] = {}
    if evidence.status != EvidenceStatus.SUBMITTED:
        errors["__all__"] = [_("Only evidence submitted for assessment can be judged.")]
    criterion_id = criterion if isinstance(criterion, int) else criterion.pk
    mapping = evidence.mappings.select_related("criterion").filter(criterion_id=criterion_id).first()
    if mapping is None:
        errors["criterion"] = [_("The evidence is not mapped to this criterion.")]
    if judgement not in (Judgement.MET, Judgement.NOT_YET_MET):
        errors["judgement"] = [_("Choose met or not yet met.")]
    feedback = feedback.strip()
    if judgement == Judgement.NOT_YET_MET and not feedback:
        errors["feedback"] = [_("Say what is missing: feedback is needed when a criterion is not yet met.")]
    if len(feedback) > FEEDBACK_MAX:
        errors["feedback"] = [_("Enter at most 4000 characters.")]
    if errors:
        raise ValidationError(errors)
    assert mapping is not None
    code = mapping.criterion.code
    before = {"criterion": code, "judgement": mapping.judgement, "judged_by": mapping.judged_by_id}
    mapping.judgement, mapping.feedback = judgement, feedback
    mapping.judged_by, mapping.judged_at = actor, timezone.now()
    mapping.full_clean()
    mapping.save()
    record(
        actor=actor,
        event=EventType.EVIDENCE_JUDGED,
        obj=evidence,
        before=before,
        after={
            "enrolment": enrolment.pk,
            "criterion": code,
            "judgement": judgement,
            "has_feedback": bool(feedback),
            "as": "assessor" if _is(actor, enrolment.assessor_id) else "force_assessor",
        },
        meta=meta,
    )
    return mapping


# ---- Export -------------------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError("The portfolio PDF loads nothing from outside.")


def portfolio_html(enrolment: Enrolment, *, generated_by: Person) -> str:
    """The HTML the PDF is made from: the cover (learner, programme, qualification, coverage),
    then per unit the criteria with the evidence mapped to each, its judgement and feedback, then
    the evidence items (a record's copy as redacted, never the original; withdrawn items left out)."""
    items = list(selectors.evidence_of(enrolment, include_withdrawn=False))
    coverage = selectors.coverage_of(enrolment)
    by_criterion: dict[int, list[tuple[Evidence, EvidenceCriterion]]] = {}
    for item in items:
        for mapping in item.mappings.all():
            by_criterion.setdefault(mapping.criterion_id, []).append((item, mapping))
    sections = [
        {
            "unit": unit.unit,
            "met": unit.met,
            "total": unit.total,
            "criteria": [{"row": row, "entries": by_criterion.get(row.criterion.pk, [])} for row in unit.criteria],
        }
        for unit in coverage.units
    ]
    return render_to_string(
        PDF_TEMPLATE,
        {
            "enrolment": enrolment,
            "coverage": coverage,
            "sections": sections,
            "items": items,
            "generated_at": timezone.localtime(),
            "generated_by": generated_by,
        },
    )


def portfolio_pdf(*, actor: Person, enrolment: Enrolment, meta: AuditMeta = NO_META) -> bytes:
    """The whole portfolio as a PDF, for someone who sees it (the caller fetched the enrolment in
    their scope); audited before the file is handed over."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # loads native libraries: imported when used

    html = portfolio_html(enrolment, generated_by=actor)
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    assert isinstance(pdf, bytes)
    with transaction.atomic():
        record(
            actor=actor,
            event=EventType.PORTFOLIO_EXPORTED,
            obj=enrolment,
            after={"enrolment": enrolment.pk, "bytes": len(pdf)},
            meta=meta,
        )
    return pdf


def counts_text(removed: Mapping[str, int]) -> str:
    """ "2 names, 1 address" for the redaction summary shown to the assessor."""
    return ", ".join(f"{count} {kind}" for kind, count in sorted(removed.items()) if count) or _("nothing")
