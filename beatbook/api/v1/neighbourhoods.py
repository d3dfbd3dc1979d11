"""Neighbourhoods as GeoJSON: a paginated FeatureCollection, one Feature, point lookup, and
adding one (force administrators)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.org import policy, selectors, services

from .auth import actor_of, meta_of
from .errors import error_responses
from .outputs import neighbourhood_feature
from .schemas import (
    LocateQuery,
    NeighbourhoodCollection,
    NeighbourhoodFeature,
    NeighbourhoodIn,
    NeighbourhoodListQuery,
)

router = Router(tags=["neighbourhoods"])


@router.get(
    "/neighbourhoods",
    response={200: NeighbourhoodCollection, **error_responses(401, 404, 422)},
    summary="Neighbourhoods visible to the caller (GeoJSON FeatureCollection)",
    description="404 when `force` names a force the caller cannot see.",
)
def neighbourhood_list(request: HttpRequest, filters: Query[NeighbourhoodListQuery]) -> NeighbourhoodCollection:
    actor = actor_of(request)
    neighbourhoods = selectors.neighbourhoods_visible_to(actor)
    if filters.force is not None:
        force = selectors.force_get_for(actor=actor, slug=filters.force)
        neighbourhoods = neighbourhoods.filter(force=force)
    page = paginate(neighbourhoods, number=filters.page, size=filters.page_size)
    return NeighbourhoodCollection(
        type="FeatureCollection",
        features=[neighbourhood_feature(nb) for nb in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/neighbourhoods/locate",
    response={200: NeighbourhoodFeature, **error_responses(401, 404, 422)},
    summary="The neighbourhood containing a point",
    description="404 when no neighbourhood contains the point, or the caller cannot see the one that does.",
)
def neighbourhood_locate(request: HttpRequest, point: Query[LocateQuery]) -> NeighbourhoodFeature:
    actor = actor_of(request)
    found = selectors.neighbourhood_containing(lat=point.lat, lng=point.lng)
    if found is None:
        raise Http404
    return neighbourhood_feature(selectors.neighbourhood_get_for(actor=actor, neighbourhood_id=found.pk))


@router.get(
    "/neighbourhoods/{int:neighbourhood_id}",
    response={200: NeighbourhoodFeature, **error_responses(401, 404)},
    summary="One neighbourhood (GeoJSON Feature)",
)
def neighbourhood_detail(request: HttpRequest, neighbourhood_id: int) -> NeighbourhoodFeature:
    return neighbourhood_feature(
        selectors.neighbourhood_get_for(actor=actor_of(request), neighbourhood_id=neighbourhood_id)
    )


@router.post(
    "/neighbourhoods",
    response={201: NeighbourhoodFeature, **error_responses(400, 401, 403, 404, 413, 422)},
    summary="Add a neighbourhood with its boundary (force administrators)",
    description="404 when the force is not one the caller can see; 403 when they cannot manage its structure. "
    "A boundary that is not a valid polygon, or not within the UK, and an id the force already uses are 400; "
    "a body over the size limit (2.5 MB by default) is 413.",
)
def neighbourhood_create(request: HttpRequest, payload: NeighbourhoodIn) -> Status[NeighbourhoodFeature]:
    actor = actor_of(request)
    force = selectors.force_get_for(actor=actor, slug=payload.force, action=policy.Action.MANAGE_STRUCTURE)
    nb = services.neighbourhood_create(
        actor=actor,
        force=force,
        code=payload.code,
        name=payload.name,
        description=payload.description,
        population=payload.population,
        boundary=payload.boundary.model_dump(),
        meta=meta_of(request),
    )
    return Status(201, neighbourhood_feature(nb))
