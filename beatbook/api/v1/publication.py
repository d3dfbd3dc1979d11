"""API operations: what a force publishes (its community settings, the public page of each
neighbourhood and the public profiles of its people), for the force administrator.

Reads go through `beatbook.community.selectors.publication` (the forces where the caller manages
publication) and the organisation's selectors (404 for what the caller cannot see, 403 for what
they see but may not manage); writes through `beatbook.community.services.publication` (checked
and audited). What the public then sees is served elsewhere (the public pages and the
police.uk-compatible API).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from beatbook.community.models import CommunitySettings, NeighbourhoodPage, PublicProfile
from beatbook.community.selectors import publication as selectors
from beatbook.community.services import publication as services
from beatbook.core.pagination import paginate
from beatbook.org import policy
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Force, Neighbourhood, Person

from .auth import actor_of, meta_of
from .errors import error_responses
from .publication_schemas import (
    CommunitySettingsIn,
    CommunitySettingsOut,
    EngagementChannelOut,
    NeighbourhoodPageIn,
    NeighbourhoodPageOut,
    NeighbourhoodPagesPage,
    PageLinkOut,
    PageLocationOut,
    PublicProfileIn,
    PublicProfileOut,
    PublicProfilesPage,
)
from .schemas import ForceFilterQuery, NeighbourhoodRef

router = Router(tags=["publication"])

MANAGE = policy.Action.MANAGE_PUBLICATION
WHO = (
    "For the force's administrators: 404 for a force, neighbourhood or person the caller cannot see, 403 when "
    "they can see it but not manage the force's publication."
)


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def _number(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _contacts(details: Any) -> dict[str, str]:
    return {k: v for k, v in (details or {}).items() if isinstance(v, str)}


def _settings_out(force: Force, settings: CommunitySettings) -> CommunitySettingsOut:
    return CommunitySettingsOut(
        force=force.slug,
        priority_review_days=settings.priority_review_days,
        engagement_methods=[
            EngagementChannelOut(
                type=_text(c, "type"), title=_text(c, "title"), url=_text(c, "url"), description=_text(c, "description")
            )
            for c in settings.engagement_methods or []
        ],
        updated_at=settings.updated_at if settings.pk else None,
    )


def _page_out(nb: Neighbourhood, page: NeighbourhoodPage) -> NeighbourhoodPageOut:
    public = page.is_published and nb.is_active
    return NeighbourhoodPageOut(
        neighbourhood=NeighbourhoodRef(id=nb.pk, code=nb.code, name=nb.name),
        force=nb.force.slug,
        is_published=page.is_published,
        public_url=reverse("public:neighbourhood", args=[nb.force.slug, nb.code]) if public else None,
        url_force=page.url_force,
        welcome_message=page.welcome_message,
        contact_details=_contacts(page.contact_details),
        links=[
            PageLinkOut(url=_text(x, "url"), title=_text(x, "title"), description=_text(x, "description"))
            for x in page.links or []
        ],
        locations=[
            PageLocationOut(
                name=_text(x, "name"),
                address=_text(x, "address"),
                postcode=_text(x, "postcode"),
                type=_text(x, "type"),
                description=_text(x, "description"),
                latitude=_number(x, "latitude"),
                longitude=_number(x, "longitude"),
            )
            for x in page.locations or []
        ],
        updated_at=page.updated_at if page.pk else None,
    )


def _profile_out(person_id: int, force: str, profile: PublicProfile | None) -> PublicProfileOut:
    if profile is None:
        return PublicProfileOut(
            person_id=person_id,
            force=force,
            is_published=False,
            is_senior=False,
            public_name="",
            rank="",
            bio="",
            contact_details={},
            updated_at=None,
        )
    return PublicProfileOut(
        person_id=person_id,
        force=force,
        is_published=profile.is_published,
        is_senior=profile.is_senior,
        public_name=profile.public_name,
        rank=profile.rank,
        bio=profile.bio,
        contact_details=_contacts(profile.contact_details),
        updated_at=profile.updated_at,
    )


def _slug_of(person: Person) -> str:
    return person.force.slug if person.force is not None else ""


def _managed_force(request: HttpRequest, slug: str | None) -> Force | None:
    if slug is None:
        return None
    return org_selectors.force_get_for(actor=actor_of(request), slug=slug, action=MANAGE)


@router.get(
    "/forces/{slug}/community-settings",
    response={200: CommunitySettingsOut, **error_responses(401, 403, 404)},
    summary="A force's community settings: the priority review period and its engagement channels",
    description=WHO + " A force that never saved its settings answers the defaults (`updated_at` null).",
)
def publication_settings_get(request: HttpRequest, slug: str) -> CommunitySettingsOut:
    force = org_selectors.force_get_for(actor=actor_of(request), slug=slug, action=MANAGE)
    return _settings_out(force, selectors.settings_of(force))


@router.put(
    "/forces/{slug}/community-settings",
    response={200: CommunitySettingsOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Replace a force's community settings",
    description=WHO + " A review period outside 7 to 365 days is 400 on `priority_review_days`; a channel without "
    "a title or an http(s) address, or more than 20 channels, is 400 on `engagement_methods`.",
)
def publication_settings_put(request: HttpRequest, slug: str, payload: CommunitySettingsIn) -> CommunitySettingsOut:
    actor = actor_of(request)
    force = org_selectors.force_get_for(actor=actor, slug=slug, action=MANAGE)
    settings = services.community_settings_update(
        actor=actor,
        force=force,
        priority_review_days=payload.priority_review_days,
        engagement_methods=[
            services.EngagementChannel(type=c.type, title=c.title, url=c.url, description=c.description)
            for c in payload.engagement_methods
        ],
        meta=meta_of(request),
    )
    return _settings_out(force, settings)


@router.get(
    "/neighbourhood-pages",
    response={200: NeighbourhoodPagesPage, **error_responses(401, 403, 404, 422)},
    summary="The public page of every neighbourhood of the forces whose publication the caller manages",
    description="One item per neighbourhood (active ones first, then by name), published or not; a neighbourhood "
    "that never had a page answers an empty, unpublished one (`updated_at` null). Empty for callers who manage "
    "no force's publication. With `force`: 404 for a force the caller cannot see, 403 for one whose publication "
    "they do not manage.",
)
def publication_page_list(request: HttpRequest, filters: Query[ForceFilterQuery]) -> NeighbourhoodPagesPage:
    force = _managed_force(request, filters.force)
    areas = selectors.neighbourhoods_for_publication(actor_of(request), force=force)
    page = paginate(areas, number=filters.page, size=filters.page_size)
    return NeighbourhoodPagesPage(
        items=[_page_out(nb, selectors.page_of(nb)) for nb in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/neighbourhoods/{int:neighbourhood_id}/public-page",
    response={200: NeighbourhoodPageOut, **error_responses(401, 403, 404)},
    summary="A neighbourhood's public page (published or not)",
    description=WHO + " A neighbourhood that never had a page answers an empty, unpublished one (`updated_at` null).",
)
def publication_page_get(request: HttpRequest, neighbourhood_id: int) -> NeighbourhoodPageOut:
    nb = org_selectors.neighbourhood_get_for(actor=actor_of(request), neighbourhood_id=neighbourhood_id, action=MANAGE)
    return _page_out(nb, selectors.page_of(nb))


@router.put(
    "/neighbourhoods/{int:neighbourhood_id}/public-page",
    response={200: NeighbourhoodPageOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create or replace a neighbourhood's public page",
    description=WHO + " Everything is replaced (what is left out is cleared). Refused, as 400 by field: a "
    "`url_force` or link that is not an http(s) address; a contact method not in police.uk's list, an email "
    "address that is not one, a web contact that is not http(s), a telephone number with letters; a location "
    "without a name, with a latitude but no longitude (or the reverse), a point outside the UK or a postcode that "
    "is not a UK one; more than 20 links or locations.",
)
def publication_page_put(
    request: HttpRequest, neighbourhood_id: int, payload: NeighbourhoodPageIn
) -> NeighbourhoodPageOut:
    actor = actor_of(request)
    nb = org_selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=neighbourhood_id, action=MANAGE)
    data = services.PageData(
        is_published=payload.is_published,
        url_force=payload.url_force,
        welcome_message=payload.welcome_message,
        contact_details=payload.contact_details,
        links=[services.PageLink(url=x.url, title=x.title, description=x.description) for x in payload.links],
        locations=[
            services.PageLocation(
                name=x.name,
                address=x.address,
                postcode=x.postcode,
                type=x.type,
                description=x.description,
                latitude=x.latitude,
                longitude=x.longitude,
            )
            for x in payload.locations
        ],
    )
    page = services.neighbourhood_page_update(actor=actor, neighbourhood=nb, data=data, meta=meta_of(request))
    return _page_out(nb, page)


@router.get(
    "/public-profiles",
    response={200: PublicProfilesPage, **error_responses(401, 403, 404, 422)},
    summary="The public profiles (published or not) of the forces whose publication the caller manages",
    description="By force, then public name. Only people who have a profile are listed (see "
    "`/people/{id}/public-profile` for anyone else). Empty for callers who manage no force's publication. With "
    "`force`: 404 for a force the caller cannot see, 403 for one whose publication they do not manage.",
)
def publication_profile_list(request: HttpRequest, filters: Query[ForceFilterQuery]) -> PublicProfilesPage:
    force = _managed_force(request, filters.force)
    page = paginate(
        selectors.public_profiles_for(actor_of(request), force=force), number=filters.page, size=filters.page_size
    )
    return PublicProfilesPage(
        items=[_profile_out(p.person_id, p.force.slug, p) for p in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/people/{int:person_id}/public-profile",
    response={200: PublicProfileOut, **error_responses(401, 403, 404)},
    summary="A person's public profile (published or not)",
    description=WHO + " A person without a profile answers an empty, unpublished one (`updated_at` null).",
)
def publication_profile_get(request: HttpRequest, person_id: int) -> PublicProfileOut:
    person = org_selectors.person_get_for(actor=actor_of(request), person_id=person_id, action=MANAGE)
    return _profile_out(person.pk, _slug_of(person), selectors.profile_of(person))


@router.put(
    "/people/{int:person_id}/public-profile",
    response={200: PublicProfileOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create or replace a person's public profile",
    description=WHO + " Everything is replaced (what is left out is cleared). A blank `public_name` or `rank` is "
    "400 on that field; contact details are checked as for a neighbourhood page (400 on `contact_details`); a "
    "partner organisation's member cannot have a profile (400 on `person`).",
)
def publication_profile_put(request: HttpRequest, person_id: int, payload: PublicProfileIn) -> PublicProfileOut:
    actor = actor_of(request)
    person = org_selectors.person_get_for(actor=actor, person_id=person_id, action=MANAGE)
    profile = services.public_profile_update(
        actor=actor,
        person=person,
        data=services.ProfileData(
            is_published=payload.is_published,
            is_senior=payload.is_senior,
            public_name=payload.public_name,
            rank=payload.rank,
            bio=payload.bio,
            contact_details=payload.contact_details,
        ),
        meta=meta_of(request),
    )
    return _profile_out(person.pk, _slug_of(person), profile)
