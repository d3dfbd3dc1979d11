"""The force's enforcement register: every record the actor can see, filtered in SQL; the record
page's audited read; the CSV export (audited, no personal data of the subject).

What a row says of its kind (`outcome_of`) and of the powers check (`verdict_of`) is formatted
from what the list query loaded, with no further queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record_in_forces
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.selectors import get_visible
from beatbook.powers.models import Power

from ..models import EnforcementRecord
from ..reference import Compliance, DetentionOutcome, Disposal, PenaltyStatus, RecordKind, SeizureKind
from .common import records_visible_to, viewed

EXPORT_LIMIT = 50_000
# Everything a record page or a register row shows, in the one query that reads the rows.
RELATED = (
    "force",
    "neighbourhood",
    "officer",
    "incident",
    "power",
    "name_address",
    "detention",
    "detention__requirement__record",
    "penalty",
    "penalty__offence",
    "penalty__tariff",
    "seizure",
    "seizure__warning__record",
    "vehicle_warning",
    "dispersal",
    "dispersal__authorisation",
)
LIST_RELATED = (
    "neighbourhood",
    "officer",
    "incident",
    "name_address",
    "detention",
    "penalty",
    "penalty__offence",
    "seizure",
    "dispersal",
    "dispersal__authorisation",
)


@dataclass(frozen=True)
class RegisterFilters:
    """What the register is narrowed to (empty values: no filter). Dates are London days, both
    inclusive."""

    kind: str = ""
    neighbourhood_id: int | None = None
    officer_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    power: str = ""
    reference: str = ""
    penalty_status: str = ""

    def as_dict(self) -> dict[str, Any]:
        """For the audit trail: what was asked for (no personal data in any filter)."""
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items() if v not in ("", None)
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def register_list(actor: policy.Actor | None, filters: RegisterFilters) -> QuerySet[EnforcementRecord]:
    """The visible records matching the filters, newest first, with what a row shows joined."""
    rows = records_visible_to(actor)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.neighbourhood_id is not None:
        rows = rows.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.officer_id is not None:
        rows = rows.filter(officer_id=filters.officer_id)
    if filters.date_from is not None:
        rows = rows.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        rows = rows.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.power:
        rows = rows.filter(power__code=filters.power)
    if filters.reference:
        rows = rows.filter(reference__icontains=filters.reference.strip())
    if filters.penalty_status:
        rows = rows.filter(kind=RecordKind.PENALTY, penalty__status=filters.penalty_status)
    return rows.select_related(*LIST_RELATED).order_by("-occurred_at", "-id")


def officer_choices(actor: policy.Actor | None) -> QuerySet[Person]:
    """The officers who made a record the actor can see (for the filter), by name."""
    return Person.objects.filter(pk__in=records_visible_to(actor).values("officer_id")).order_by(
        "display_name", "username"
    )


def power_choices(actor: policy.Actor | None) -> list[tuple[str, str]]:
    """The powers of the actor's forces' catalogues, by code (one query)."""
    rows = (
        Power.objects.filter(force_id__in=policy.forces_in_scope(actor).values("pk"))
        .order_by("title", "code")
        .values_list("code", "title")
    )
    seen: dict[str, str] = {}
    for code, title in rows:
        seen.setdefault(code, title)
    return list(seen.items())


def record_with_details(*, actor: policy.Actor | None, pk: Any, kind: str = "") -> EnforcementRecord:
    """One visible record (of `kind`, if given) with every detail loaded, or 404; not audited
    (for the answer to a write, which is audited itself)."""
    rows = records_visible_to(actor).select_related(*RELATED)
    if kind:
        rows = rows.filter(kind=kind)
    return get_visible(rows, pk)


def record_open_for(
    *, actor: policy.Actor | None, pk: Any, meta: AuditMeta = NO_META, kind: str = ""
) -> EnforcementRecord:
    """One visible record (of `kind`, if given) with every detail the record page shows, or 404;
    the read is audited (`ENFORCEMENT_VIEWED`: the record holds the subject's name and address)."""
    found = record_with_details(actor=actor, pk=pk, kind=kind)
    viewed(actor=actor, enforcement=found, meta=meta)
    return found


def may_change(actor: policy.Actor | None, enforcement: EnforcementRecord) -> bool:
    """The officer who made the record, while they may still record enforcement there."""
    return (
        isinstance(actor, Person)
        and enforcement.officer_id == actor.pk
        and policy.can(actor, policy.Action.ENFORCE, enforcement)
    )


def may_process_penalties(actor: policy.Actor | None, enforcement: EnforcementRecord) -> bool:
    return policy.can(actor, policy.Action.PROCESS_PENALTIES, enforcement)


# ---- formatting what was loaded ------------------------------------------------------------------


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


def _checked_at(power_check: dict[str, Any]) -> dt.datetime | None:
    raw = power_check.get("at")
    return parse_datetime(raw) if isinstance(raw, str) else None


def verdict_short(power_check: dict[str, Any]) -> str:
    """ "held under designation X" (the CSV and the list)."""
    if not power_check.get("held"):
        return _("not held")
    return _("held under designation %(ref)s") % {"ref": power_check.get("designation") or "?"}


def verdict_of(power_check: dict[str, Any]) -> str:
    """The stored verdict in words: "Power held under designation X at 14:05 on 3 March 2026;
    conditions: ..." (never recomputed: a later change to a designation does not change it)."""
    at = _checked_at(power_check)
    when = (
        _("at %(time)s on %(day)s")
        % {
            "time": date_format(timezone.localtime(at), "H:i"),
            "day": date_format(timezone.localtime(at), "j F Y"),
        }
        if at is not None
        else ""
    )
    if power_check.get("held"):
        text = _("Power held under designation %(ref)s %(when)s") % {
            "ref": power_check.get("designation") or "?",
            "when": when,
        }
    else:
        text = str(power_check.get("reason", ""))
    conditions = [str(c) for c in power_check.get("conditions") or [] if c]
    if conditions:
        text += "; " + _("conditions: %(conditions)s") % {"conditions": "; ".join(conditions)}
    return text.strip()


def _detail(enforcement: EnforcementRecord, name: str) -> Any:
    try:
        return getattr(enforcement, name)
    except ObjectDoesNotExist:
        return None


def outcome_of(enforcement: EnforcementRecord) -> str:
    """A short outcome of the record's kind, with no personal data of the subject."""
    kind = enforcement.kind
    if kind == RecordKind.NAME_ADDRESS:
        requirement = _detail(enforcement, "name_address")
        return str(Compliance(requirement.compliance).label) if requirement else ""
    if kind == RecordKind.DETENTION:
        detention = _detail(enforcement, "detention")
        if detention is None:
            return ""
        if detention.ended_at is None:
            return _("Still detained (limit %(limit)d minutes)") % {"limit": detention.limit_minutes}
        minutes = int((detention.ended_at - enforcement.occurred_at).total_seconds() // 60)
        return _("%(minutes)d minutes; %(outcome)s") % {
            "minutes": minutes,
            "outcome": DetentionOutcome(detention.outcome).label if detention.outcome else "",
        }
    if kind == RecordKind.PENALTY:
        penalty = _detail(enforcement, "penalty")
        if penalty is None:
            return ""
        return _("%(offence)s; £%(amount)s; %(status)s") % {
            "offence": penalty.offence.title,
            "amount": penalty.amount,
            "status": PenaltyStatus(penalty.status).label,
        }
    if kind == RecordKind.SEIZURE:
        seizure = _detail(enforcement, "seizure")
        if seizure is None:
            return ""
        return "; ".join(
            str(part) for part in (SeizureKind(seizure.kind).label, seizure.item, Disposal(seizure.disposal).label)
        )
    if kind == RecordKind.VEHICLE_WARNING:
        return _("Warning given")
    if kind == RecordKind.DISPERSAL:
        direction = _detail(enforcement, "dispersal")
        if direction is None:
            return ""
        return _("Excluded until %(until)s (authorisation %(ref)s)") % {
            "until": _local(direction.excluded_until),
            "ref": direction.authorisation.reference,
        }
    return ""


# ---- export ----------------------------------------------------------------------------------------


EXPORT_HEADER = [
    "reference",
    "kind",
    "occurred_at",
    "neighbourhood",
    "officer",
    "power",
    "legal_basis",
    "verdict",
    "incident",
    "outcome",
]


@dataclass
class RegisterExport:
    rows: Iterator[list[Any]]
    count: int
    matched: int


def _officer(person: Person) -> str:
    name = person.display_name or person.get_username()
    return f"{name} ({person.collar_number})" if person.collar_number else name


def register_export(*, actor: Person, filters: RegisterFilters, meta: AuditMeta = NO_META) -> RegisterExport:
    """The register rows matching the filters as CSV rows, with no name, address or date of birth
    of the subject (data minimisation). Those with no neighbourhood in scope (partner users)
    cannot export. Audited in each force it covers before a row is produced."""
    if not policy.is_system(actor) and not policy.neighbourhoods_in_scope(actor).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    rows = register_list(actor, filters)
    matched = rows.count()
    count = min(matched, EXPORT_LIMIT)
    force_ids = sorted(set(rows.order_by().values_list("force_id", flat=True).distinct())) or [
        *policy.forces_in_scope(actor).values_list("pk", flat=True)
    ]
    record_in_forces(
        actor=actor,
        event=EventType.ENFORCEMENT_EXPORTED,
        force_ids=force_ids,
        after={"filters": filters.as_dict(), "rows": count, "matched": matched, "limit": EXPORT_LIMIT},
        meta=meta,
    )

    def lines() -> Iterator[list[Any]]:
        for row in rows[:count].iterator(chunk_size=500):
            check = row.power_check
            yield [
                row.reference,
                row.kind,
                timezone.localtime(row.occurred_at).strftime("%Y-%m-%d %H:%M"),
                row.neighbourhood.name,
                _officer(row.officer),
                check.get("power", ""),
                check.get("legal_basis", ""),
                verdict_short(check),
                row.incident.reference if row.incident is not None else "",
                outcome_of(row),
            ]

    return RegisterExport(rows=lines(), count=count, matched=matched)
