"""Writes to patrols and hot-spot plans: start and end a patrol, record a visit, change its
notes; create and end a plan.

Every function: keyword-only, `actor` first, one transaction, the access check, `full_clean()`,
the audit event. Audit snapshots hold times, points, modes and ids, never the free text (notes,
place labels), which is recorded by field name only (see decision 0009).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.core.concurrency import StaleRecordError
from beatbook.org import policy
from beatbook.org.models import Neighbourhood, Person
from beatbook.org.selectors import neighbourhood_containing

from . import selectors
from .models import HotspotPlan, HotspotPlanStatus, HotspotTarget, Mode, Patrol, PatrolVisit

# A clock a little ahead of the server's is not "the future".
CLOCK_SKEW = dt.timedelta(minutes=2)
MAX_TRACE_POINTS = 20_000
MAX_TARGETS = 20
MAX_VISITS_PER_DAY = 48
MAX_RADIUS_M = 1000


class StalePatrolError(StaleRecordError):
    """The patrol was changed by someone else since the caller read it (their version is old)."""


@dataclass(frozen=True)
class PatrolData:
    """A patrol to start: where, how, with whom. No start time means now."""

    neighbourhood: Neighbourhood
    mode: str = Mode.FOOT
    started_at: dt.datetime | None = None
    colleagues: Sequence[Person] = field(default_factory=tuple)
    notes: str = ""


@dataclass(frozen=True)
class VisitData:
    """A stop on a patrol. Give the target (`place`), the point, or both; a target alone puts
    the visit at the target's point."""

    arrived_at: dt.datetime
    left_at: dt.datetime
    lat: float | None = None
    lng: float | None = None
    place: HotspotTarget | None = None
    label: str = ""


@dataclass(frozen=True)
class PlanData:
    neighbourhood: Neighbourhood
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class TargetData:
    label: str
    lat: float
    lng: float
    radius_m: int = 50
    visits_per_day: int = 3
    min_minutes: int = 10
    max_minutes: int = 15


def _hm(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M on %d/%m/%Y")


def patrol_snapshot(patrol: Patrol) -> dict[str, Any]:
    """The patrol for the audit trail: no notes (see the module doc)."""
    return {
        "neighbourhood": patrol.neighbourhood.code if patrol.neighbourhood_id else None,
        "person": patrol.person_id,
        "mode": patrol.mode,
        "started_at": patrol.started_at.isoformat(),
        "ended_at": patrol.ended_at.isoformat() if patrol.ended_at else None,
        "trace_points": len(patrol.trace or []),
        "version": patrol.version,
    }


def visit_snapshot(visit: PatrolVisit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "place": visit.place_id,
        "lat": visit.lat,
        "lng": visit.lng,
        "arrived_at": visit.arrived_at.isoformat(),
        "left_at": visit.left_at.isoformat(),
        "dwell_minutes": round(visit.dwell_minutes, 1),
    }


def plan_snapshot(plan: HotspotPlan, targets: Sequence[HotspotTarget]) -> dict[str, Any]:
    return {
        "neighbourhood": plan.neighbourhood.code,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "status": plan.status,
        "targets": [
            {
                "id": t.pk,
                "lat": t.lat,
                "lng": t.lng,
                "radius_m": t.radius_m,
                "visits_per_day": t.visits_per_day,
                "min_minutes": t.min_minutes,
                "max_minutes": t.max_minutes,
            }
            for t in targets
        ],
    }


def _check_time(name: str, when: dt.datetime, errors: dict[str, list[Any]]) -> bool:
    """Aware and not in the future; adds the field error and answers False otherwise."""
    if timezone.is_naive(when):
        errors.setdefault(name, []).append(_("Give the time with its time zone."))
        return False
    if when > timezone.now() + CLOCK_SKEW:
        errors.setdefault(name, []).append(_("The time is in the future."))
        return False
    return True


def _refuse_overlap(
    person_id: int, start: dt.datetime, end: dt.datetime | None, exclude_id: int | None, errors: dict[str, list[Any]]
) -> None:
    other = (
        selectors.overlapping_patrols(person_id=person_id, start=start, end=end, exclude_id=exclude_id)
        .order_by("started_at")
        .first()
    )
    if other is None:
        return
    if other.ended_at is None:
        message = _("You are already on a patrol, started at %(start)s: end it first.") % {
            "start": _hm(other.started_at)
        }
    else:
        message = _("That overlaps your patrol from %(start)s to %(end)s.") % {
            "start": _hm(other.started_at),
            "end": _hm(other.ended_at),
        }
    errors.setdefault("started_at", []).append(message)


def _lock_person(person: Person) -> None:
    """Queue one person's patrol writes, so two starts at once cannot both pass the overlap check."""
    Person.objects.select_for_update().filter(pk=person.pk).first()


@transaction.atomic
def patrol_start(
    *, actor: Person, data: PatrolData, client_uuid: uuid_lib.UUID | None = None, meta: AuditMeta = NO_META
) -> Patrol:
    """Go on patrol in a neighbourhood where the actor patrols, alone or with colleagues of the
    same force. Refused when it would overlap another of the actor's patrols. A `client_uuid`
    already used by the same person returns that patrol (a retried submission is stored once)."""
    if client_uuid is not None:
        existing = Patrol.objects.filter(uuid=client_uuid).first()
        if existing is not None:
            if existing.person_id == actor.pk:
                return existing
            raise ValidationError({"uuid": _("That identifier belongs to another patrol.")})
    policy.require(actor, policy.Action.PATROL, data.neighbourhood)
    _lock_person(actor)
    errors: dict[str, list[Any]] = {}
    started_at = data.started_at or timezone.now()
    if _check_time("started_at", started_at, errors):
        _refuse_overlap(actor.pk, started_at, None, None, errors)
    colleagues = list(data.colleagues)
    for colleague in colleagues:
        if colleague.pk == actor.pk:
            errors.setdefault("colleagues", []).append(_("You are the patroller: do not name yourself."))
        elif colleague.force_id != data.neighbourhood.force_id or not colleague.is_active or colleague.is_system:
            errors.setdefault("colleagues", []).append(
                _("%(name)s is not a serving member of this force.") % {"name": colleague}
            )
    patrol = Patrol(
        uuid=client_uuid or uuid_lib.uuid4(),
        force_id=data.neighbourhood.force_id,
        neighbourhood=data.neighbourhood,
        person=actor,
        mode=data.mode,
        started_at=started_at,
        notes=data.notes.strip(),
    )
    try:
        patrol.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    patrol.save()
    patrol.colleagues.set(colleagues)
    record(
        actor=actor,
        event=EventType.PATROL_STARTED,
        obj=patrol,
        neighbourhood_id=patrol.neighbourhood_id,
        after=patrol_snapshot(patrol) | {"colleagues": sorted(c.pk for c in colleagues)},
        meta=meta,
    )
    return patrol


def _locked(actor: Person, patrol: Patrol, expected_version: int | None) -> Patrol:
    """The patrol, locked for this transaction, if the actor may change it; StalePatrolError
    when it changed since `expected_version`."""
    current = Patrol.objects.select_for_update().select_related("neighbourhood").get(pk=patrol.pk)
    if not selectors.may_change(actor, current):
        raise PermissionDenied(_("You do not have permission to do that."))
    if expected_version is not None and current.version != expected_version:
        raise StalePatrolError(
            _(
                "This patrol was changed at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the patrol, then make your change again."
            )
            % {"when": _hm(current.updated_at)}
        )
    return current


def _checked_trace(trace: Any, start: dt.datetime, end: dt.datetime) -> list[list[Any]]:
    """A GPS trace as [[lat, lng, ISO time], ...]: points within the UK, at times inside the patrol."""
    if not isinstance(trace, list):
        raise ValidationError({"trace": _("The GPS trace must be a list of [latitude, longitude, time] points.")})
    if len(trace) > MAX_TRACE_POINTS:
        raise ValidationError({"trace": _("The GPS trace has more than %(n)s points.") % {"n": MAX_TRACE_POINTS}})
    points: list[list[Any]] = []
    for n, point in enumerate(trace, start=1):
        bad = _("Point %(n)s of the GPS trace is not [latitude, longitude, time].") % {"n": n}
        if not isinstance(point, list | tuple) or len(point) != 3:
            raise ValidationError({"trace": bad})
        lat, lng, raw = point
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng)):
            raise ValidationError({"trace": bad})
        when = parse_datetime(raw) if isinstance(raw, str) else None
        if when is None or timezone.is_naive(when):
            raise ValidationError({"trace": bad})
        if not geo.in_uk(float(lat), float(lng)):
            raise ValidationError({"trace": _("Point %(n)s of the GPS trace is outside the UK.") % {"n": n}})
        if not start - CLOCK_SKEW <= when <= end + CLOCK_SKEW:
            raise ValidationError({"trace": _("Point %(n)s of the GPS trace is outside the patrol's time.") % {"n": n}})
        points.append([float(lat), float(lng), when.isoformat()])
    return points


@transaction.atomic
def patrol_end(
    *,
    actor: Person,
    patrol: Patrol,
    ended_at: dt.datetime | None = None,
    trace: Any = None,
    expected_version: int | None = None,
    meta: AuditMeta = NO_META,
) -> Patrol:
    """End a patrol (now, or at a given time), with the GPS trace if the phone kept one."""
    current = _locked(actor, patrol, expected_version)
    if current.ended_at is not None:
        raise ValidationError({"ended_at": _("This patrol has already ended.")})
    before = patrol_snapshot(current)
    errors: dict[str, list[Any]] = {}
    end = ended_at or timezone.now()
    if _check_time("ended_at", end, errors):
        if end < current.started_at:
            errors["ended_at"] = [_("The end is before the start (%(start)s).") % {"start": _hm(current.started_at)}]
        else:
            last = current.visits.filter(left_at__gt=end).order_by("-left_at").first()
            if last is not None:
                errors["ended_at"] = [
                    _("A visit on this patrol lasted until %(left)s: the patrol cannot end before it.")
                    % {"left": _hm(last.left_at)}
                ]
            _refuse_overlap(current.person_id, current.started_at, end, current.pk, errors)
            if "started_at" in errors:
                errors.setdefault("ended_at", []).extend(errors.pop("started_at"))
    if trace is not None and "ended_at" not in errors:
        try:
            current.trace = _checked_trace(trace, current.started_at, end)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    current.ended_at = end
    current.version += 1
    current.full_clean(validate_constraints=False)
    current.save()
    record(
        actor=actor,
        event=EventType.PATROL_ENDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before=before,
        after=patrol_snapshot(current),
        meta=meta,
    )
    if patrol is not current:
        patrol.refresh_from_db()
    return current


@transaction.atomic
def patrol_add_visit(
    *,
    actor: Person,
    patrol: Patrol,
    data: VisitData,
    client_uuid: uuid_lib.UUID | None = None,
    meta: AuditMeta = NO_META,
) -> PatrolVisit:
    """Record a stop on a patrol: where, and when the patroller arrived and left. The visit lies
    inside the patrol's time; leaving before arriving is refused."""
    if client_uuid is not None:
        existing = PatrolVisit.objects.filter(uuid=client_uuid).first()
        if existing is not None:
            if existing.patrol_id == patrol.pk:
                return existing
            raise ValidationError({"uuid": _("That identifier belongs to another visit.")})
    current = _locked(actor, patrol, None)
    errors: dict[str, list[Any]] = {}
    lat, lng = data.lat, data.lng
    if data.place is not None:
        if data.place.force_id != current.force_id:
            errors["place"] = [_("Choose a place of this patrol's force.")]
        elif lat is None or lng is None:
            lat, lng = data.place.lat, data.place.lng
    if lat is None or lng is None:
        if "place" not in errors:
            errors["lat"] = [_("Give the location: choose a hot spot, or give the point.")]
    else:
        try:
            geo.validate_point(lat, lng)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    arrived_ok = _check_time("arrived_at", data.arrived_at, errors)
    left_ok = _check_time("left_at", data.left_at, errors)
    if arrived_ok and data.arrived_at < current.started_at:
        errors.setdefault("arrived_at", []).append(
            _("The patrol started at %(start)s: the visit cannot begin before it.") % {"start": _hm(current.started_at)}
        )
    if arrived_ok and left_ok and data.left_at < data.arrived_at:
        errors.setdefault("left_at", []).append(_("The time you left is before the time you arrived."))
    if left_ok and current.ended_at is not None and data.left_at > current.ended_at:
        errors.setdefault("left_at", []).append(
            _("The patrol ended at %(end)s: the visit cannot end after it.") % {"end": _hm(current.ended_at)}
        )
    if errors:
        raise ValidationError(errors)
    assert lat is not None and lng is not None
    visit = PatrolVisit(
        uuid=client_uuid or uuid_lib.uuid4(),
        patrol=current,
        force_id=current.force_id,
        place=data.place,
        lat=lat,
        lng=lng,
        label=data.label.strip() or (data.place.label if data.place is not None else ""),
        arrived_at=data.arrived_at,
        left_at=data.left_at,
    )
    visit.full_clean(validate_constraints=False)
    visit.save()
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    record(
        actor=actor,
        event=EventType.PATROL_VISIT_RECORDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={"visit": visit_snapshot(visit), "version": current.version},
        meta=meta,
    )
    return visit


@transaction.atomic
def patrol_update_notes(
    *, actor: Person, patrol: Patrol, notes: str, expected_version: int | None = None, meta: AuditMeta = NO_META
) -> Patrol:
    """Change a patrol's notes (recorded in the trail by field name only)."""
    current = _locked(actor, patrol, expected_version)
    current.notes = notes.strip()
    current.full_clean(validate_constraints=False)
    current.version += 1
    current.save()
    record(
        actor=actor,
        event=EventType.PATROL_UPDATED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        after={"text_changed": ["notes"], "version": current.version},
        meta=meta,
    )
    if patrol is not current:
        patrol.refresh_from_db()
    return current


def _validated_targets(plan: HotspotPlan, targets: Sequence[TargetData]) -> list[HotspotTarget]:
    rows: list[HotspotTarget] = []
    errors: dict[str, list[Any]] = {}

    def add(n: int, name: str, message: Any) -> None:
        errors.setdefault(f"targets.{n}.{name}", []).append(message)

    if not targets:
        errors["targets"] = [_("Add at least one place to visit.")]
    elif len(targets) > MAX_TARGETS:
        errors["targets"] = [_("A plan has at most %(n)s places.") % {"n": MAX_TARGETS}]
    for n, data in enumerate(targets):
        row = HotspotTarget(
            plan=plan,
            force_id=plan.force_id,
            label=data.label.strip(),
            lat=data.lat,
            lng=data.lng,
            radius_m=data.radius_m,
            visits_per_day=data.visits_per_day,
            min_minutes=data.min_minutes,
            max_minutes=data.max_minutes,
        )
        if not row.label:
            add(n, "label", _("Name the place."))
        if not geo.in_uk(data.lat, data.lng):
            add(n, "lat", _("The place must be within the UK."))
        elif neighbourhood_containing(lat=data.lat, lng=data.lng, force=plan.neighbourhood.force) is None:
            add(n, "lat", _("The place is outside %(force)s.") % {"force": plan.neighbourhood.force.name})
        if not 1 <= data.radius_m <= MAX_RADIUS_M:
            add(n, "radius_m", _("Give a radius of 1 to %(max)s metres.") % {"max": MAX_RADIUS_M})
        if not 1 <= data.visits_per_day <= MAX_VISITS_PER_DAY:
            add(n, "visits_per_day", _("Give 1 to %(max)s visits a day.") % {"max": MAX_VISITS_PER_DAY})
        if data.min_minutes < 1:
            add(n, "min_minutes", _("A visit lasts at least a minute."))
        elif data.min_minutes > data.max_minutes:
            add(n, "max_minutes", _("The longest visit cannot be shorter than the shortest."))
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def hotspot_plan_create(
    *,
    actor: Person,
    data: PlanData,
    targets: Sequence[TargetData],
    source: Mapping[str, Any] | None = None,
    meta: AuditMeta = NO_META,
) -> HotspotPlan:
    """A supervisor plans the hot spots of a neighbourhood where they plan patrols: the places,
    each with its daily dose, between two dates. `source` says where the plan came from (the
    planner's parameters) and goes into the audit event as it is."""
    policy.require(actor, policy.Action.PLAN_PATROLS, data.neighbourhood)
    plan = HotspotPlan(
        force_id=data.neighbourhood.force_id,
        neighbourhood=data.neighbourhood,
        name=data.name.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=actor,
    )
    errors: dict[str, list[Any]] = {}
    if not plan.name:
        errors["name"] = [_("Name the plan.")]
    if data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The plan cannot end before it starts.")]
    try:
        plan.full_clean(exclude=["created_by", "name"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        rows = _validated_targets(plan, targets)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    plan.save()
    for row in rows:
        row.plan = plan
        row.save()
    record(
        actor=actor,
        event=EventType.HOTSPOT_PLAN_CREATED,
        obj=plan,
        neighbourhood_id=plan.neighbourhood_id,
        after=plan_snapshot(plan, rows) | ({"source": dict(source)} if source else {}),
        meta=meta,
    )
    return plan


@transaction.atomic
def hotspot_plan_end(*, actor: Person, plan: HotspotPlan, meta: AuditMeta = NO_META) -> HotspotPlan:
    """End a plan early (or tidy one up): it leaves the home pages; its record stays."""
    current = HotspotPlan.objects.select_for_update().select_related("neighbourhood").get(pk=plan.pk)
    policy.require(actor, policy.Action.PLAN_PATROLS, current)
    if current.status == HotspotPlanStatus.ENDED:
        raise ValidationError({"status": _("This plan has already ended.")})
    current.status = HotspotPlanStatus.ENDED
    current.ended_at = timezone.now()
    current.save()
    record(
        actor=actor,
        event=EventType.HOTSPOT_PLAN_ENDED,
        obj=current,
        neighbourhood_id=current.neighbourhood_id,
        before={"status": HotspotPlanStatus.ACTIVE},
        after={"status": current.status, "ended_at": current.ended_at.isoformat()},
        meta=meta,
    )
    if plan is not current:
        plan.refresh_from_db()
    return current


__all__ = [
    "PatrolData",
    "PlanData",
    "StalePatrolError",
    "TargetData",
    "VisitData",
    "hotspot_plan_create",
    "hotspot_plan_end",
    "patrol_add_visit",
    "patrol_end",
    "patrol_start",
    "patrol_update_notes",
]
