"""Writes to the organisation: forces, neighbourhoods, teams, partners, people and postings.

Every function: keyword-only, `actor` first, one transaction, access check, `full_clean()`, the
audit event, and the saved row returned. HTML views, the JSON API, commands and the demo data
all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record, record_in_forces
from beatbook.core.timeutil import today

from . import policy, selectors
from .models import Country, Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role, Team

SYSTEM_USERNAME = "system"


def system_actor() -> Person:
    """The actor for jobs, commands and demo data: allowed everything, unable to log in."""
    person, created = Person.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"display_name": "Beatbook system", "is_system": True, "is_active": True},
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    return person


def _clean_or_restore(obj: Force | Neighbourhood | Person | Posting, **kwargs: Any) -> None:
    """full_clean() a changed row; if it is refused, put the caller's object back as stored so
    that a failed change never lingers in memory (a form re-shown, a retry)."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError:
        obj.refresh_from_db()
        raise


def _clean_new(obj: Neighbourhood | Team | PartnerOrganisation, *, problems: dict[str, StrOrPromise]) -> None:
    """full_clean() a new or changed row of the structure, adding the `problems` found by hand
    (by field) to the model's own errors, so that every error is reported at once.

    The unique-per-force constraints are among those checked by hand (case-insensitively, so
    that a clash is an error on its field, not on the form as a whole); the database still
    enforces them."""
    errors: dict[str, list[Any]] = {field: [message] for field, message in problems.items()}
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _require_system(actor: Person) -> None:
    if not policy.is_system(actor):
        raise PermissionDenied(_("Only the platform can do that."))


def force_snapshot(force: Force) -> dict[str, Any]:
    return {"slug": force.slug, "name": force.name, "country": force.country, "short_code": force.short_code}


@transaction.atomic
def force_create(
    *,
    actor: Person,
    slug: str,
    name: str,
    country: Country | str,
    short_code: str,
    description: str = "",
    url: str = "",
    telephone: str = "101",
    meta: AuditMeta = NO_META,
) -> Force:
    """Register a force on this Beatbook instance (a platform operation, not a force's own)."""
    _require_system(actor)
    force = Force(
        slug=slug,
        name=name,
        country=country,
        short_code=short_code.upper(),
        description=description,
        url=url,
        telephone=telephone,
    )
    force.full_clean()
    force.save()
    record(
        actor=actor, event=EventType.FORCE_CREATED, obj=force, force_id=force.pk, after=force_snapshot(force), meta=meta
    )
    return force


def neighbourhood_snapshot(nb: Neighbourhood) -> dict[str, Any]:
    return {
        "code": nb.code,
        "name": nb.name,
        "population": nb.population,
        "is_active": nb.is_active,
        "bbox": [nb.min_lat, nb.min_lng, nb.max_lat, nb.max_lng],
    }


@transaction.atomic
def neighbourhood_create(
    *,
    actor: Person,
    force: Force,
    code: str,
    name: str,
    boundary: Any,
    description: str = "",
    population: int = 0,
    meta: AuditMeta = NO_META,
) -> Neighbourhood:
    """Add a neighbourhood with its boundary; the bounding box and centre are derived here."""
    policy.require(actor, policy.Action.MANAGE_STRUCTURE, force)
    nb = Neighbourhood(
        force=force, code=code, name=name, boundary=boundary, description=description, population=population
    )
    problems: dict[str, StrOrPromise] = {}
    if Neighbourhood.objects.filter(force=force, code__iexact=code).exists():
        problems["code"] = _("This force already has a neighbourhood with that id.")
    _clean_new(nb, problems=problems)
    nb.save()
    record(
        actor=actor,
        event=EventType.NEIGHBOURHOOD_CREATED,
        obj=nb,
        neighbourhood_id=nb.pk,
        after=neighbourhood_snapshot(nb),
        meta=meta,
    )
    return nb


@dataclass(frozen=True)
class NeighbourhoodChanges:
    name: str | None = None
    description: str | None = None
    population: int | None = None
    boundary: Any = None
    is_active: bool | None = None


@transaction.atomic
def neighbourhood_update(
    *, actor: Person, neighbourhood: Neighbourhood, changes: NeighbourhoodChanges, meta: AuditMeta = NO_META
) -> Neighbourhood:
    """Change a neighbourhood's name, description, population, boundary or active flag."""
    policy.require(actor, policy.Action.MANAGE_STRUCTURE, neighbourhood)
    before = neighbourhood_snapshot(neighbourhood)
    for field in ("name", "description", "population", "boundary", "is_active"):
        value = getattr(changes, field)
        if value is not None:
            setattr(neighbourhood, field, value)
    _clean_or_restore(neighbourhood)
    neighbourhood.save()
    record(
        actor=actor,
        event=EventType.NEIGHBOURHOOD_UPDATED,
        obj=neighbourhood,
        neighbourhood_id=neighbourhood.pk,
        before=before,
        after=neighbourhood_snapshot(neighbourhood),
        meta=meta,
    )
    return neighbourhood


def team_snapshot(team: Team) -> dict[str, Any]:
    """The team's name and the codes of its neighbourhoods (read afresh, never from a prefetch)."""
    return {"name": team.name, "neighbourhoods": sorted(team.neighbourhoods.values_list("code", flat=True))}


def _team_problems(
    *, force_id: int, name: str | None, neighbourhoods: list[Neighbourhood] | None, team: Team | None
) -> dict[str, StrOrPromise]:
    problems: dict[str, StrOrPromise] = {}
    if neighbourhoods is not None and any(nb.force_id != force_id for nb in neighbourhoods):
        problems["neighbourhoods"] = _("Every neighbourhood must belong to the team's force.")
    if name is not None:
        same_name = Team.objects.filter(force_id=force_id, name__iexact=name)
        if team is not None:
            same_name = same_name.exclude(pk=team.pk)
        if same_name.exists():
            problems["name"] = _("This force already has a team with that name.")
    return problems


@transaction.atomic
def team_create(
    *, actor: Person, force: Force, name: str, neighbourhoods: list[Neighbourhood], meta: AuditMeta = NO_META
) -> Team:
    """Create a neighbourhood policing team covering some of its force's neighbourhoods."""
    policy.require(actor, policy.Action.MANAGE_STRUCTURE, force)
    problems = _team_problems(force_id=force.pk, name=name, neighbourhoods=neighbourhoods, team=None)
    team = Team(force=force, name=name)
    _clean_new(team, problems=problems)
    team.save()
    team.neighbourhoods.set(neighbourhoods)
    record(actor=actor, event=EventType.TEAM_CREATED, obj=team, after=team_snapshot(team), meta=meta)
    return team


@dataclass(frozen=True)
class TeamChanges:
    """What to change in a team; None leaves it as it is. `neighbourhoods` replaces the list."""

    name: str | None = None
    neighbourhoods: list[Neighbourhood] | None = None


@transaction.atomic
def team_update(*, actor: Person, team: Team, changes: TeamChanges, meta: AuditMeta = NO_META) -> Team:
    """Rename a team or change the neighbourhoods it covers (within its force)."""
    policy.require(actor, policy.Action.MANAGE_STRUCTURE, team)
    before = team_snapshot(team)
    problems = _team_problems(
        force_id=team.force_id, name=changes.name, neighbourhoods=changes.neighbourhoods, team=team
    )
    if changes.name is not None:
        team.name = changes.name
    try:
        _clean_new(team, problems=problems)
    except ValidationError:
        team.refresh_from_db()
        raise
    team.save()
    if changes.neighbourhoods is not None:
        team.neighbourhoods.set(changes.neighbourhoods)
    record(actor=actor, event=EventType.TEAM_UPDATED, obj=team, before=before, after=team_snapshot(team), meta=meta)
    return team


@transaction.atomic
def partner_create(
    *, actor: Person, force: Force, name: str, kind: PartnerOrganisation.Kind | str, meta: AuditMeta = NO_META
) -> PartnerOrganisation:
    """Register a partner organisation (council, housing association, school, ...)."""
    policy.require(actor, policy.Action.MANAGE_STRUCTURE, force)
    partner = PartnerOrganisation(force=force, name=name, kind=kind)
    problems: dict[str, StrOrPromise] = {}
    if PartnerOrganisation.objects.filter(force=force, name__iexact=name).exists():
        problems["name"] = _("This force already has a partner organisation of that name.")
    _clean_new(partner, problems=problems)
    partner.save()
    record(
        actor=actor,
        event=EventType.PARTNER_CREATED,
        obj=partner,
        after={"name": partner.name, "kind": partner.kind},
        meta=meta,
    )
    return partner


def person_snapshot(person: Person) -> dict[str, Any]:
    return {
        "username": person.username,
        "display_name": person.display_name,
        "collar_number": person.collar_number,
        "rank_title": person.rank_title,
        "email": person.email,
        "preferred_language": person.preferred_language,
        "partner_organisation_id": person.partner_organisation_id,
        "is_active": person.is_active,
    }


@dataclass(frozen=True)
class NewPerson:
    """What a force administrator gives to create an account."""

    username: str
    display_name: str
    password: str
    email: str = ""
    collar_number: str = ""
    rank_title: str = ""
    preferred_language: str = "en-gb"
    partner_organisation: PartnerOrganisation | None = None


@transaction.atomic
def person_create(*, actor: Person, force: Force, data: NewPerson, meta: AuditMeta = NO_META) -> Person:
    """Create a person's account in a force. The password must pass the password policy."""
    policy.require(actor, policy.Action.MANAGE_PEOPLE, force)
    if data.partner_organisation is not None and data.partner_organisation.force_id != force.pk:
        raise ValidationError({"partner_organisation": _("The organisation belongs to another force.")})
    if data.collar_number and Person.objects.filter(force=force, collar_number=data.collar_number).exists():
        raise ValidationError({"collar_number": _("Someone in this force already has that number.")})
    person = Person(
        force=force,
        username=data.username,
        display_name=data.display_name,
        email=data.email,
        collar_number=data.collar_number,
        rank_title=data.rank_title,
        preferred_language=data.preferred_language,
        partner_organisation=data.partner_organisation,
    )
    try:
        validate_password(data.password, user=person)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    person.set_password(data.password)
    person.full_clean()
    person.save()
    record(actor=actor, event=EventType.PERSON_CREATED, obj=person, after=person_snapshot(person), meta=meta)
    return person


@transaction.atomic
def person_set_language(*, actor: Person, language: str, meta: AuditMeta = NO_META) -> Person:
    """A person chooses the language Beatbook speaks to them in."""
    before = person_snapshot(actor)
    actor.preferred_language = language
    _clean_or_restore(actor, exclude=["password"])
    actor.save(update_fields=["preferred_language"])
    record(
        actor=actor,
        event=EventType.PERSON_UPDATED,
        obj=actor,
        before=before,
        after=person_snapshot(actor),
        meta=meta,
    )
    return actor


@transaction.atomic
def person_deactivate(*, actor: Person, person: Person, reason: str, meta: AuditMeta = NO_META) -> Person:
    """Switch an account off (leavers). The row stays: audit events point at it."""
    policy.require(actor, policy.Action.MANAGE_PEOPLE, person)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    before = person_snapshot(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    record(
        actor=actor,
        event=EventType.PERSON_DEACTIVATED,
        obj=person,
        before=before,
        after=person_snapshot(person),
        reason=reason,
        meta=meta,
    )
    return person


def posting_snapshot(posting: Posting) -> dict[str, Any]:
    return {
        "person_id": posting.person_id,
        "role": posting.role,
        "neighbourhood_id": posting.neighbourhood_id,
        "team_id": posting.team_id,
        "valid_from": posting.valid_from.isoformat(),
        "valid_to": posting.valid_to.isoformat() if posting.valid_to else None,
    }


@transaction.atomic
def posting_create(
    *,
    actor: Person,
    person: Person,
    role: Role | str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    neighbourhood: Neighbourhood | None = None,
    team: Team | None = None,
    meta: AuditMeta = NO_META,
) -> Posting:
    """Post a person to a role in an area (a neighbourhood, a team, or force-wide)."""
    policy.require(actor, policy.Action.MANAGE_PEOPLE, person)
    if person.force_id is None:
        raise ValidationError({"person": _("The person has no force.")})
    posting = Posting(
        person=person,
        force_id=person.force_id,
        role=role,
        neighbourhood=neighbourhood,
        team=team,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    posting.full_clean()
    posting.save()
    record(
        actor=actor,
        event=EventType.POSTING_CREATED,
        obj=posting,
        neighbourhood_id=posting.neighbourhood_id,
        after=posting_snapshot(posting),
        meta=meta,
    )
    return posting


@transaction.atomic
def posting_end(
    *, actor: Person, posting: Posting, valid_to: dt.date | None = None, reason: str = "", meta: AuditMeta = NO_META
) -> Posting:
    """End a posting on a date (today by default)."""
    policy.require(actor, policy.Action.MANAGE_PEOPLE, posting.person)
    end = valid_to or today()
    if posting.valid_to is not None and posting.valid_to <= end:
        raise ValidationError({"valid_to": _("The posting has already ended.")})
    before = posting_snapshot(posting)
    posting.valid_to = end
    _clean_or_restore(posting)
    posting.save(update_fields=["valid_to"])
    record(
        actor=actor,
        event=EventType.POSTING_ENDED,
        obj=posting,
        neighbourhood_id=posting.neighbourhood_id,
        before=before,
        after=posting_snapshot(posting),
        reason=reason,
        meta=meta,
    )
    return posting


PEOPLE_EXPORT_LIMIT = 20_000
PEOPLE_EXPORT_COLUMNS = (
    "username",
    "display name",
    "collar number",
    "rank or role title",
    "email",
    "force",
    "partner organisation",
    "active",
    "active postings",
)


@dataclass(frozen=True)
class PeopleExport:
    rows: Iterator[list[Any]]
    count: int
    matched: int


def _export_row(person: Person) -> list[Any]:
    postings = "; ".join(f"{p.get_role_display()} @ {p.area_name}" for p in getattr(person, "active_postings", []))
    return [
        person.username,
        person.display_name,
        person.collar_number,
        person.rank_title,
        person.email,
        person.force.name if person.force is not None else "",
        person.partner_organisation.name if person.partner_organisation is not None else "",
        "yes" if person.is_active else "no",
        postings,
    ]


@transaction.atomic
def people_export(*, actor: Person, q: str = "", meta: AuditMeta = NO_META) -> PeopleExport:
    """The people list of the forces the actor administers, as rows for a CSV download.

    An export is audited (who, which search, how many rows) before a row is produced."""
    forces = list(policy.forces_where(actor, policy.Action.MANAGE_PEOPLE).values_list("pk", flat=True))
    if not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    people = selectors.people_matching(actor, q).filter(force_id__in=forces)
    matched = people.count()
    count = min(matched, PEOPLE_EXPORT_LIMIT)
    record_in_forces(
        actor=actor,
        event=EventType.PEOPLE_EXPORTED,
        force_ids=forces,
        after={"q": q, "rows": count, "matched": matched, "limit": PEOPLE_EXPORT_LIMIT},
        meta=meta,
    )
    return PeopleExport(
        rows=(_export_row(p) for p in people[:count].iterator(chunk_size=500)), count=count, matched=matched
    )
