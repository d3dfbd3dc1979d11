"""Model rows to response schemas, field by field (nothing leaves unless it is named here).

The functions read only what the selectors already loaded (`select_related`, the
`active_postings` prefetch), so they add no queries per row.
"""

from __future__ import annotations

from beatbook.audit.models import AuditEvent, EventType
from beatbook.org.models import Force, Neighbourhood, PartnerOrganisation, Person, Posting, Role, Team

from .schemas import (
    ForceDetailOut,
    ForceOut,
    HistoryEventOut,
    LatLng,
    MeOut,
    MultiPolygonGeometry,
    NeighbourhoodFeature,
    NeighbourhoodProperties,
    NeighbourhoodRef,
    PartnerOut,
    PersonDetailOut,
    PersonOut,
    PolygonGeometry,
    PostingOut,
    TeamOut,
    TeamRef,
)


def force_out(force: Force) -> ForceOut:
    return ForceOut(slug=force.slug, name=force.name, country=force.country)


def force_detail_out(force: Force) -> ForceDetailOut:
    return ForceDetailOut(
        slug=force.slug,
        name=force.name,
        country=force.country,
        short_code=force.short_code,
        description=force.description,
        url=force.url,
        telephone=force.telephone,
    )


def posting_out(posting: Posting, *, force_slug: str) -> PostingOut:
    nb = posting.neighbourhood
    team = posting.team
    return PostingOut(
        id=posting.pk,
        person_id=posting.person_id,
        force=force_slug,
        role=Role(posting.role),
        neighbourhood=neighbourhood_ref(nb) if nb is not None else None,
        team=TeamRef(id=team.pk, name=team.name) if team is not None else None,
        valid_from=posting.valid_from,
        valid_to=posting.valid_to,
    )


def _force_slug(person: Person) -> str | None:
    return person.force.slug if person.force is not None else None


def active_postings_out(person: Person) -> list[PostingOut]:
    """The person's active postings, as prefetched by `selectors.people_visible_to`.

    A posting's force is its person's force (the model's clean() insists), so the slug comes
    from the person row already loaded."""
    postings: list[Posting] | None = getattr(person, "active_postings", None)
    assert postings is not None, "load people through selectors.people_visible_to (it prefetches active postings)"
    slug = _force_slug(person) or ""
    return [posting_out(p, force_slug=slug) for p in postings]


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        username=person.username,
        display_name=person.display_name,
        collar_number=person.collar_number,
        rank_title=person.rank_title,
        force=_force_slug(person),
        is_active=person.is_active,
        postings=active_postings_out(person),
    )


def person_detail_out(person: Person) -> PersonDetailOut:
    partner = person.partner_organisation
    return PersonDetailOut(
        **person_out(person).model_dump(exclude={"postings"}),
        postings=active_postings_out(person),
        email=person.email,
        preferred_language=person.preferred_language,
        partner_organisation=partner.name if partner is not None else None,
    )


def me_out(person: Person) -> MeOut:
    return MeOut(
        id=person.pk,
        username=person.username,
        display_name=person.display_name,
        collar_number=person.collar_number,
        rank_title=person.rank_title,
        preferred_language=person.preferred_language,
        force=_force_slug(person),
        postings=active_postings_out(person),
    )


def neighbourhood_feature(nb: Neighbourhood) -> NeighbourhoodFeature:
    boundary = nb.boundary
    geometry: PolygonGeometry | MultiPolygonGeometry
    if boundary.get("type") == "MultiPolygon":
        geometry = MultiPolygonGeometry(type="MultiPolygon", coordinates=boundary["coordinates"])
    else:
        geometry = PolygonGeometry(type="Polygon", coordinates=boundary["coordinates"])
    return NeighbourhoodFeature(
        type="Feature",
        id=nb.pk,
        geometry=geometry,
        properties=NeighbourhoodProperties(
            code=nb.code,
            name=nb.name,
            force=nb.force.slug,
            population=nb.population,
            centre=LatLng(lat=nb.centre_lat, lng=nb.centre_lng),
        ),
    )


def team_out(team: Team) -> TeamOut:
    """A team as loaded by `selectors.teams_with_areas` (force joined, visible areas prefetched)."""
    areas: list[Neighbourhood] | None = getattr(team, "visible_neighbourhoods", None)
    assert areas is not None, "load teams through selectors.teams_with_areas (it prefetches their areas)"
    return TeamOut(
        id=team.pk,
        name=team.name,
        force=team.force.slug,
        neighbourhoods=[neighbourhood_ref(nb) for nb in areas],
    )


def partner_out(partner: PartnerOrganisation) -> PartnerOut:
    return PartnerOut(
        id=partner.pk, name=partner.name, kind=PartnerOrganisation.Kind(partner.kind), force=partner.force.slug
    )


def history_event_out(event: AuditEvent) -> HistoryEventOut:
    """An event of an object's history (content type joined by `audit.selectors.history_of`)."""
    ct = event.content_type
    return HistoryEventOut(
        id=event.pk,
        occurred_at=event.occurred_at,
        event_type=event.event_type,
        event=str(EventType(event.event_type).label),
        actor=event.actor_name,
        actor_id=event.actor_id,
        object_type=f"{ct.app_label}.{ct.model}" if ct is not None else None,
        object_id=event.object_id,
        object=event.object_repr,
        reason=event.reason,
    )


def neighbourhood_ref(nb: Neighbourhood) -> NeighbourhoodRef:
    return NeighbourhoodRef(id=nb.pk, code=nb.code, name=nb.name)
