"""Writes of the development area: loading the competency frameworks, a force's choice of
framework, CPD entries, and PDRs (open, rate, objectives, sign off, acknowledge, reopen).

Every function: keyword-only, `actor` first, one transaction, the access check first, validation
with field errors, then the audit event (ids, codes and counts only: no names, no free text).
Who may do what is written in docs/reference/permissions.md ("CPD and PDR").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core.timeutil import today
from beatbook.learning.models import (
    BehaviouralIndicator,
    CpdEntry,
    CpdKind,
    ForceFramework,
    Framework,
    FrameworkItem,
    FrameworkLevel,
    ItemKind,
    ObjectiveStatus,
    Pdr,
    PdrObjective,
    PdrRating,
    PdrStatus,
    RatingOption,
)
from beatbook.learning.selectors import development as selectors
from beatbook.org import policy
from beatbook.org.models import Force, Person

FRAMEWORKS_FILE = Path(__file__).resolve().parent.parent / "data" / "frameworks.json"
TITLE_MAX = 160
TEXT_MAX = 4000
REASON_MIN = 10
# An activity lasts more than nothing and at most 80 hours (two working weeks); more is a typo.
HOURS_MAX = Decimal(80)
EARLIEST = dt.date(2000, 1, 1)
DENIED = "You do not have permission to do that."


def _deny() -> PermissionDenied:
    return PermissionDenied(_(DENIED))


# ---- Reference data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    version: str
    created: int
    skipped: int


def read_frameworks_file(path: Path = FRAMEWORKS_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _bool(value: Any) -> bool:
    return value is True


@transaction.atomic
def frameworks_load(*, actor: Person, data: dict[str, Any]) -> LoadResult:
    """Load the frameworks of a reference file (the system actor only: `manage.py load_frameworks`).

    Idempotent and never overwriting: a framework, level, item, indicator set or rating option
    already present (by code or number) is left as it is, so a force's edits and earlier loads
    survive; only what is missing is added.
    """
    if not policy.is_system(actor):
        raise _deny()
    version = str(data.get("version") or "")
    frameworks = data.get("frameworks")
    if not version or not isinstance(frameworks, list):
        raise ValidationError({"data": [_("The file needs a version and a list of frameworks.")]})
    created = skipped = 0
    by_code: dict[str, Framework] = {}
    for spec in frameworks:
        framework = Framework.objects.filter(code=spec["code"]).first()
        if framework is None:
            framework = Framework.objects.create(
                code=spec["code"],
                name=spec["name"],
                year=int(spec["year"]),
                source=spec.get("source", ""),
                verified=_bool(spec.get("verified")),
                note=spec.get("note", ""),
                data_version=version,
            )
            created += 1
        else:
            skipped += 1
        by_code[framework.code] = framework
        for level in spec.get("levels", []):
            _row, made = FrameworkLevel.objects.get_or_create(
                framework=framework, number=int(level["number"]), defaults={"name": level["name"]}
            )
            created, skipped = (created + 1, skipped) if made else (created, skipped + 1)
        for position, item_spec in enumerate(spec.get("items", []), start=1):
            item, made = FrameworkItem.objects.get_or_create(
                framework=framework,
                code=item_spec["code"],
                defaults={
                    "kind": ItemKind(item_spec["kind"]),
                    "name": item_spec["name"],
                    "description": item_spec.get("description", ""),
                    "cluster": item_spec.get("cluster", ""),
                    "level": item_spec.get("level"),
                    "position": position,
                    "source": item_spec.get("source", ""),
                    "verified": _bool(item_spec.get("verified")),
                },
            )
            created, skipped = (created + 1, skipped) if made else (created, skipped + 1)
            indicators = item_spec.get("indicators")
            if indicators and not item.indicators.filter(level=int(indicators["level"])).exists():
                texts: list[str] = indicators["texts"]
                BehaviouralIndicator.objects.bulk_create(
                    BehaviouralIndicator(
                        item=item,
                        level=int(indicators["level"]),
                        position=n,
                        text=text,
                        # Only the last text of a truncated list is cut off.
                        truncated=_bool(indicators.get("truncated")) and n == len(texts),
                        source=indicators.get("source", ""),
                        verified=_bool(indicators.get("verified")),
                    )
                    for n, text in enumerate(texts, start=1)
                )
                created += len(texts)
        for option in spec.get("rating_scale", []):
            _option, made = RatingOption.objects.get_or_create(
                framework=framework,
                code=option["code"],
                defaults={
                    "label": option["label"],
                    "position": int(option["position"]),
                    "source": spec.get("rating_scale_source", ""),
                    "verified": _bool(spec.get("rating_scale_verified")),
                },
            )
            created, skipped = (created + 1, skipped) if made else (created, skipped + 1)
    for spec in frameworks:
        successor = spec.get("replaced_by")
        framework = by_code[spec["code"]]
        if successor and framework.replaced_by_id is None and successor in by_code:
            framework.replaced_by = by_code[successor]
            framework.save(update_fields=["replaced_by"])
    record(
        actor=actor,
        event=EventType.FRAMEWORKS_LOADED,
        after={"version": version, "frameworks": sorted(by_code), "created": created, "skipped": skipped},
    )
    return LoadResult(version=version, created=created, skipped=skipped)


@transaction.atomic
def force_framework_set(
    *, actor: Person, force: Force, framework: Framework, adopted_on: dt.date, meta: AuditMeta = NO_META
) -> ForceFramework:
    """Choose the framework version a force uses for new CPD entries and PDRs (trainers and
    force administrators of the force). Entries and PDRs already made keep their framework."""
    policy.require(actor, policy.Action.MANAGE_PROGRAMMES, force)
    if adopted_on > today() + dt.timedelta(days=366) or adopted_on < EARLIEST:
        raise ValidationError({"adopted_on": [_("Enter a date from 2000 to a year from now.")]})
    choice = ForceFramework.objects.filter(force=force).first()
    before = {"framework": choice.framework.code, "adopted_on": choice.adopted_on.isoformat()} if choice else None
    if choice is None:
        choice = ForceFramework(force=force)
    choice.framework, choice.adopted_on, choice.set_by = framework, adopted_on, actor
    choice.save()
    record(
        actor=actor,
        event=EventType.FORCE_FRAMEWORK_SET,
        obj=choice,
        force_id=force.pk,
        before=before,
        after={"framework": framework.code, "adopted_on": adopted_on.isoformat()},
        meta=meta,
    )
    return choice


# ---- CPD ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpdData:
    occurred_on: dt.date
    title: str
    kind: str
    hours: Decimal | str | float
    reflection: str = ""
    link: str = ""
    item_ids: Sequence[int] = ()


def cpd_snapshot(entry: CpdEntry) -> dict[str, Any]:
    return {
        "person": entry.person_id,
        "framework": entry.framework.code,
        "occurred_on": entry.occurred_on.isoformat(),
        "kind": entry.kind,
        "hours": str(entry.hours),
        "items": sorted(entry.items.values_list("code", flat=True)),
    }


def _clean_cpd(data: CpdData, framework: Framework) -> tuple[dict[str, Any], list[FrameworkItem]]:
    errors: dict[str, list[str]] = {}
    title = data.title.strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [_("Enter a title of up to 160 characters.")]
    if data.occurred_on > today():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    elif data.occurred_on < EARLIEST:
        errors["occurred_on"] = [_("Enter a date from 2000 onwards.")]
    if data.kind not in CpdKind.values:
        errors["kind"] = [_("Choose the kind of activity.")]
    try:
        hours = Decimal(str(data.hours))
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or hours <= 0 or hours > HOURS_MAX or hours != hours.quantize(Decimal("0.01")):
        errors["hours"] = [_("Enter the hours as a number more than 0 and at most 80, to two decimal places.")]
    reflection, link = data.reflection.strip(), data.link.strip()
    if len(reflection) > TEXT_MAX:
        errors["reflection"] = [_("Enter at most 4000 characters.")]
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors["link"] = [_("Enter a web address starting with https:// or http://.")]
        if len(link) > 500:
            errors["link"] = [_("Enter a web address of up to 500 characters.")]
    wanted = set(data.item_ids)
    items = list(FrameworkItem.objects.filter(framework=framework, pk__in=wanted))
    if len(items) != len(wanted):
        errors["items"] = [_("Choose competencies, values and core skills of your force's framework.")]
    if errors:
        raise ValidationError(errors)
    fields = {
        "occurred_on": data.occurred_on,
        "title": title,
        "kind": data.kind,
        "hours": hours.quantize(Decimal("0.01")),
        "reflection": reflection,
        "link": link,
    }
    return fields, items


@transaction.atomic
def cpd_entry_create(*, actor: Person, data: CpdData, meta: AuditMeta = NO_META) -> CpdEntry:
    """Record a CPD activity in the actor's own log, mapped to items of the framework their
    force uses (a force with no framework chosen cannot take entries yet)."""
    if not policy.is_person(actor) or actor.is_system or actor.force_id is None:
        raise _deny()
    framework = selectors.framework_of_force(actor.force_id)
    if framework is None:
        raise ValidationError({"items": [_("Your force has not chosen its competency framework yet.")]})
    fields, items = _clean_cpd(data, framework)
    entry = CpdEntry(force_id=actor.force_id, person=actor, framework=framework, **fields)
    entry.full_clean()
    entry.save()
    entry.items.set(items)
    record(actor=actor, event=EventType.CPD_ENTRY_CREATED, obj=entry, after=cpd_snapshot(entry), meta=meta)
    return entry


def _own(actor: Person, entry: CpdEntry) -> None:
    if entry.person_id != actor.pk:
        raise _deny()


@transaction.atomic
def cpd_entry_update(*, actor: Person, entry: CpdEntry, data: CpdData, meta: AuditMeta = NO_META) -> CpdEntry:
    """Change one of the actor's own CPD entries (items stay within the entry's framework)."""
    _own(actor, entry)
    before = cpd_snapshot(entry)
    fields, items = _clean_cpd(data, entry.framework)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    entry.items.set(items)
    record(
        actor=actor, event=EventType.CPD_ENTRY_UPDATED, obj=entry, before=before, after=cpd_snapshot(entry), meta=meta
    )
    return entry


@transaction.atomic
def cpd_entry_delete(*, actor: Person, entry: CpdEntry, meta: AuditMeta = NO_META) -> None:
    """Delete one of the actor's own CPD entries, unless a PDR cites it as evidence."""
    _own(actor, entry)
    if entry.cited_in.exists():
        raise ValidationError(_("A PDR cites this activity as evidence: it cannot be deleted."))
    before = cpd_snapshot(entry)
    record(actor=actor, event=EventType.CPD_ENTRY_DELETED, obj=entry, before=before, meta=meta)
    entry.items.clear()
    entry.delete()


@transaction.atomic
def cpd_export(*, actor: Person, filters: selectors.CpdFilters, meta: AuditMeta = NO_META) -> list[CpdEntry]:
    """The CPD entries the actor sees that match the filters, for a CSV download; audited in the
    actor's force (filters and row count) before any row is produced."""
    if not policy.is_person(actor):
        raise _deny()
    entries = selectors.cpd_list(actor, filters)
    matched = entries.count()
    rows = list(entries[: selectors.EXPORT_LIMIT])
    force_ids = sorted({e.force_id for e in rows}) or ([actor.force_id] if actor.force_id else [])
    record_in_forces(
        actor=actor,
        event=EventType.CPD_EXPORTED,
        force_ids=force_ids,
        after={"filters": filters.as_dict(), "rows": len(rows), "matched": matched},
        meta=meta,
    )
    return rows


# ---- PDR ----------------------------------------------------------------------------------------


def pdr_snapshot(pdr: Pdr) -> dict[str, Any]:
    return {
        "person": pdr.person_id,
        "line_manager": pdr.line_manager_id,
        "framework": pdr.framework.code,
        "review_year": pdr.review_year,
        "status": pdr.status,
        "acknowledged": pdr.acknowledged_at is not None,
    }


def _managing(actor: Person, pdr: Pdr, *, open_only: bool = True) -> None:
    if not selectors.may_manage_pdr(actor, pdr):
        raise _deny()
    if open_only and pdr.is_signed_off:
        raise ValidationError(_("This PDR is signed off: it is read-only. Reopen it with a reason to correct it."))


@transaction.atomic
def pdr_open(*, actor: Person, person: Person, review_year: int, meta: AuditMeta = NO_META) -> Pdr:
    """Open a person's PDR for a review year: the actor must be their line manager (never the
    person themself), and the person's force must have chosen its framework. One per year."""
    if person.pk == actor.pk or not selectors.is_line_manager_of(actor, person):
        raise ValidationError({"person": [_("Choose a person you line-manage.")]})
    errors: dict[str, list[str]] = {}
    this_year = today().year
    if not 2000 <= review_year <= this_year + 1:
        errors["review_year"] = [_("Enter a review year from 2000 to next year.")]
    elif Pdr.objects.filter(person=person, review_year=review_year).exists():
        errors["review_year"] = [_("This person already has a PDR for that year.")]
    framework = selectors.framework_of_force(person.force_id)
    if framework is None:
        errors["person"] = [_("The person's force has not chosen its competency framework yet.")]
    if errors:
        raise ValidationError(errors)
    assert framework is not None and person.force_id is not None
    pdr = Pdr(force_id=person.force_id, person=person, line_manager=actor, framework=framework, review_year=review_year)
    pdr.full_clean()
    pdr.save()
    record(actor=actor, event=EventType.PDR_OPENED, obj=pdr, after=pdr_snapshot(pdr), meta=meta)
    return pdr


@transaction.atomic
def pdr_rate(
    *,
    actor: Person,
    pdr: Pdr,
    competency: FrameworkItem,
    rating_code: str,
    evidence: str,
    cpd_entry_ids: Sequence[int] = (),
    meta: AuditMeta = NO_META,
) -> PdrRating:
    """Record (or change, while open) the rating of one competency with its evidence, which may
    cite the person's own CPD entries."""
    _managing(actor, pdr)
    errors: dict[str, list[str]] = {}
    if competency.framework_id != pdr.framework_id or competency.kind != ItemKind.COMPETENCY:
        errors["competency"] = [_("Choose a competency of the PDR's framework.")]
    option = RatingOption.objects.filter(framework_id=pdr.framework_id, code=rating_code).first()
    if option is None:
        errors["rating"] = [_("Choose a rating of the framework's scale.")]
    evidence = evidence.strip()
    if not evidence or len(evidence) > TEXT_MAX:
        errors["evidence"] = [_("Enter the evidence, up to 4000 characters.")]
    wanted = set(cpd_entry_ids)
    entries = list(CpdEntry.objects.filter(person_id=pdr.person_id, pk__in=wanted))
    if len(entries) != len(wanted):
        errors["cpd_entries"] = [_("Cite only CPD activities of the person reviewed.")]
    if errors:
        raise ValidationError(errors)
    assert option is not None
    rating, _created = PdrRating.objects.update_or_create(
        pdr=pdr, competency=competency, defaults={"rating": option, "evidence": evidence}
    )
    rating.cpd_entries.set(entries)
    record(
        actor=actor,
        event=EventType.PDR_RATING_RECORDED,
        obj=pdr,
        after={"competency": competency.code, "rating": option.code, "cpd_entries": sorted(e.pk for e in entries)},
        meta=meta,
    )
    return rating


@transaction.atomic
def pdr_objective_add(
    *, actor: Person, pdr: Pdr, text: str, due_on: dt.date, meta: AuditMeta = NO_META
) -> PdrObjective:
    """Add an objective (what, due by when) to an open PDR."""
    _managing(actor, pdr)
    errors: dict[str, list[str]] = {}
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        errors["text"] = [_("Enter the objective, up to 4000 characters.")]
    if due_on < dt.date(pdr.review_year, 1, 1) or due_on > dt.date(pdr.review_year + 2, 12, 31):
        errors["due_on"] = [_("Enter a due date from the start of the review year to the end of the year after next.")]
    if errors:
        raise ValidationError(errors)
    objective = PdrObjective.objects.create(pdr=pdr, text=text, due_on=due_on)
    record(
        actor=actor,
        event=EventType.PDR_OBJECTIVE_ADDED,
        obj=pdr,
        after={"objective": objective.pk, "due_on": due_on.isoformat(), "status": objective.status},
        meta=meta,
    )
    return objective


@transaction.atomic
def pdr_objective_set_status(
    *, actor: Person, objective: PdrObjective, status: str, meta: AuditMeta = NO_META
) -> PdrObjective:
    """Change how an objective of an open PDR stands."""
    pdr = objective.pdr
    _managing(actor, pdr)
    if status not in ObjectiveStatus.values:
        raise ValidationError({"status": [_("Choose the objective's status.")]})
    before = {"objective": objective.pk, "status": objective.status}
    objective.status = status
    objective.save(update_fields=["status"])
    record(
        actor=actor,
        event=EventType.PDR_OBJECTIVE_UPDATED,
        obj=pdr,
        before=before,
        after={"objective": objective.pk, "status": status},
        meta=meta,
    )
    return objective


@transaction.atomic
def pdr_sign_off(*, actor: Person, pdr: Pdr, meta: AuditMeta = NO_META) -> Pdr:
    """Sign off an open PDR: every competency of its framework rated, at least one objective.
    From then on it is read-only."""
    _managing(actor, pdr)
    competencies = set(selectors.items_of(pdr.framework, kinds=(ItemKind.COMPETENCY,)).values_list("pk", flat=True))
    rated = set(pdr.ratings.values_list("competency_id", flat=True))
    errors: list[str] = []
    if competencies - rated:
        errors.append(_("Rate every competency before signing off."))
    if not pdr.objectives.exists():
        errors.append(_("Agree at least one objective before signing off."))
    if errors:
        raise ValidationError(errors)
    before = pdr_snapshot(pdr)
    pdr.status, pdr.signed_off_at = PdrStatus.SIGNED_OFF, timezone.now()
    pdr.save(update_fields=["status", "signed_off_at"])
    record(actor=actor, event=EventType.PDR_SIGNED_OFF, obj=pdr, before=before, after=pdr_snapshot(pdr), meta=meta)
    return pdr


@transaction.atomic
def pdr_acknowledge(*, actor: Person, pdr: Pdr, meta: AuditMeta = NO_META) -> Pdr:
    """The person acknowledges their signed-off PDR (once)."""
    if pdr.person_id != actor.pk:
        raise _deny()
    if not pdr.is_signed_off:
        raise ValidationError(_("Only a signed-off PDR can be acknowledged."))
    if pdr.acknowledged_at is not None:
        raise ValidationError(_("You have already acknowledged this PDR."))
    pdr.acknowledged_at = timezone.now()
    pdr.save(update_fields=["acknowledged_at"])
    record(actor=actor, event=EventType.PDR_ACKNOWLEDGED, obj=pdr, after=pdr_snapshot(pdr), meta=meta)
    return pdr


@transaction.atomic
def pdr_reopen(*, actor: Person, pdr: Pdr, reason: str, meta: AuditMeta = NO_META) -> Pdr:
    """Reopen a signed-off PDR to correct it, with a reason (kept on the PDR, shown on its page;
    the audit event holds no free text). The sign-off and acknowledgement are cleared: it must be
    signed off and acknowledged again."""
    _managing(actor, pdr, open_only=False)
    if not pdr.is_signed_off:
        raise ValidationError(_("This PDR is not signed off."))
    reason = reason.strip()
    if len(reason) < REASON_MIN or len(reason) > TEXT_MAX:
        raise ValidationError({"reason": [_("Give the reason in 10 to 4000 characters.")]})
    before = pdr_snapshot(pdr)
    pdr.status, pdr.signed_off_at, pdr.acknowledged_at = PdrStatus.OPEN, None, None
    pdr.reopen_count += 1
    pdr.reopen_reason = reason
    pdr.save(update_fields=["status", "signed_off_at", "acknowledged_at", "reopen_count", "reopen_reason"])
    record(
        actor=actor,
        event=EventType.PDR_REOPENED,
        obj=pdr,
        before=before,
        after={**pdr_snapshot(pdr), "reopen_count": pdr.reopen_count},
        meta=meta,
    )
    return pdr
