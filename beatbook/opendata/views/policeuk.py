"""The police.uk-compatible public API at /api/: existing police.uk clients read a Beatbook
instance by changing only their base URL (../shared/policeuk-api.md is the wire format).

The rules every endpoint here follows:

* Anonymous and read-only: no login, no session, no CSRF token (nothing here changes anything or
  reads who is asking). Every path works with no trailing slash, and with one (never a redirect:
  a redirected POST would lose its body); duplicate slashes are accepted (`/api//forces`).
* What is public is decided in one place, `community.selectors.public`: forces are all the
  instance's forces; neighbourhoods, people, events and priorities only what a force published.
  Crimes are the published, anonymised `PublicCrime` rows, placed on snap points only.
* Methods: GET (and HEAD) everywhere; POST with a form body as well on `crimes-street/<cat>`,
  `outcomes-at-location` and `stops-street` (form fields override query fields of the same
  name); OPTIONS answers with the methods allowed; anything else is 405.
* Status codes (nothing else):
  - 200 with JSON (a top-level array or object; `[]` when nothing matches);
  - 400 for a malformed query: `date` not `YYYY-MM`; `lat`/`lng`/`q`/`poly`/`location_id` that do
    not parse, are out of range or are missing; `poly` sent more than once (pyrozza's list form);
    a GET URL over 4,094 characters; an unreadable POST body;
  - 404 for an unknown force, neighbourhood (or one not published), category or crime id, for a
    `locate-neighbourhood` point no published neighbourhood covers, and for any other path;
  - 405 for a method the path does not take;
  - 429 over the rate limit (`ratelimit.py`), with `Retry-After` in whole seconds;
  - 503 when a crime or outcome query would return more than `BEATBOOK_PUBLIC_API_CRIME_CAP`
    rows (police.uk: 10,000).
  A malformed query string must never produce a 500: parsers raise `BadQueryError`, and path
  values are checked against their patterns before any query (so no NUL byte or oversized number
  reaches the database).
* Every response is JSON with `Access-Control-Allow-Origin: *`. Errors carry `{"error": ...}` in
  English, police.uk's language (no client reads it).
* `date` left out (or empty, or `undefined` as one npm client sends) means the latest published
  month, the first entry of `crimes-street-dates`. A well-formed month with no data gives `[]`.
* Geometry precedence where several are given: `poly`, then `location_id`, then `lat`+`lng`.
  With `lat`/`lng`, crimes-street, outcomes-at-location and stops-street cover one mile around
  the point; crimes-at-location takes the crimes at the snap point nearest to it.
* Stop and search is not recorded by Beatbook: the four stops endpoints validate their input as
  police.uk does and answer `[]`; `crimes-street-dates` lists no force under `stop-and-search`.
* Names (categories, outcomes) are police.uk's English names whatever the request's language.
* Each endpoint runs a fixed number of queries, whatever the number of rows.
* Route order (`policeuk_urls.py`): the fixed method paths first, then `<force>/neighbourhoods`,
  then `<force>/<neighbourhood>[/...]`. So a force id can never be a method name (`forces`,
  `crimes-street`, ...) and a neighbourhood id never `neighbourhoods`; nor can a force be `v1`,
  since /api/v1/ is the Beatbook API, mounted before this one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from beatbook.community.selectors import public
from beatbook.incidents.reference import Category
from beatbook.org.models import NEIGHBOURHOOD_CODE_PATTERN, Force, Neighbourhood

from .. import ratelimit, serializers
from ..geometry import (
    Area,
    BadQueryError,
    Circle,
    Ring,
    parse_lat_lng,
    parse_location_id,
    parse_month,
    parse_poly,
    parse_q_point,
)
from ..selectors import crimes

MAX_GET_URL = 4094
DEFAULT_CRIME_CAP = 10_000
_FORCE_ID = re.compile(r"^[A-Za-z0-9_-]{1,50}\Z")
_NEIGHBOURHOOD_ID = re.compile(NEIGHBOURHOOD_CODE_PATTERN.removesuffix("$") + r"\Z")
_CATEGORY = re.compile(r"^[a-z0-9-]{1,40}\Z")
_PERSISTENT_ID = re.compile(r"^[A-Za-z0-9]{1,64}\Z")
READ = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")

Json = Any
View = Callable[..., Json]


class NotFoundError(Exception):
    """Answered as 404."""


# ---- Transport -----------------------------------------------------------------------------------
def _json(data: Json, status: int = 200) -> HttpResponse:
    response = JsonResponse(data, status=status, safe=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, message: str) -> HttpResponse:
    return _json({"error": message}, status=status)


def _params(request: HttpRequest) -> QueryDict:
    """The query string, with a POST form's fields over it (BadQueryError for a query string or
    body Django refuses to read: too many fields, too large, a broken multipart body)."""
    try:
        params = request.GET.copy()
        if request.method == "POST":
            form = request.POST
            for key in form:
                params.setlist(key, form.getlist(key))
    except (SuspiciousOperation, MultiPartParserError) as exc:
        raise BadQueryError("the query or the request body is not readable") from exc
    return params


def endpoint(methods: tuple[str, ...] = READ, *, options: bool = True) -> Callable[[View], Callable[..., HttpResponse]]:
    """Make a function of (query parameters, path values) returning JSON data into a public API
    view: no login, no CSRF, the rate limit, the methods (and OPTIONS, unless `options` is
    false), the URL length, English names, and the errors turned into their status codes."""

    def decorate(view: View) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: str) -> HttpResponse:
            wait = ratelimit.retry_after(request)
            if wait is not None:
                response = _error(429, "Too many requests.")
                response["Retry-After"] = str(wait)
                return response
            if request.method == "OPTIONS" and options:
                response = _json({}, status=200)
                response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
                return response
            if request.method not in methods:
                response = _error(405, "Method not allowed.")
                response["Allow"] = ", ".join(methods)
                return response
            if request.method in READ and len(request.get_full_path()) > MAX_GET_URL:
                return _error(400, f"The URL is longer than {MAX_GET_URL} characters: send the query by POST.")
            try:
                params = _params(request)
                with translation.override("en-gb"):
                    data = view(params, **kwargs)
            except BadQueryError as exc:
                return _error(400, str(exc))
            except NotFoundError as exc:
                return _error(404, str(exc) or "Not found.")
            except crimes.OverCapError:
                return _error(503, "Too many results: ask for a smaller area.")
            return _json(data)

        return csrf_exempt(login_not_required(wrapped))

    return decorate


# ---- Query values --------------------------------------------------------------------------------
def _value(params: QueryDict, name: str) -> str | None:
    """One parameter's value (the last, if repeated), or None when absent."""
    value = params.get(name)
    if value is not None and "\x00" in value:
        raise BadQueryError(f"{name} is not readable")
    return value


def _given(params: QueryDict, name: str) -> bool:
    value = _value(params, name)
    return value is not None and value.strip() != ""


def _poly(params: QueryDict) -> Ring:
    if len(params.getlist("poly")) > 1:
        raise BadQueryError("poly must be one value: lat,lng:lat,lng:lat,lng")
    return Ring(tuple(parse_poly(_value(params, "poly"))))


def _circle(params: QueryDict) -> Circle:
    lat, lng = parse_lat_lng(_value(params, "lat"), _value(params, "lng"))
    return Circle(lat, lng)


def _area(params: QueryDict) -> Area:
    """poly, else lat+lng (one mile around the point); 400 without either."""
    if "poly" in params:
        return _poly(params)
    if _given(params, "lat") or _given(params, "lng"):
        return _circle(params)
    raise BadQueryError("give lat and lng, or poly")


def _month(params: QueryDict) -> dt.date | None:
    """The `date` asked for, or the latest published month (None when nothing is published)."""
    month = parse_month(_value(params, "date"))
    return month if month is not None else crimes.latest_month()


def _cap() -> int:
    return int(getattr(settings, "BEATBOOK_PUBLIC_API_CRIME_CAP", DEFAULT_CRIME_CAP))


def _category(slug: str | None, month: dt.date | None) -> str | None:
    """A category slug as a filter: None for all-crime; NotFoundError for an unknown slug."""
    slug = (slug or "").strip() or serializers.ALL_CRIME
    if slug == serializers.ALL_CRIME:
        return None
    if slug in Category.values:
        return slug
    if "\x00" not in slug and _CATEGORY.match(slug) and month is not None and crimes.category_used(month, slug):
        return slug
    raise NotFoundError("Unknown category.")


def _force(slug: str | None) -> Force:
    if slug is None or not slug.strip():
        raise BadQueryError("force is required")
    force = public.public_force(slug) if _FORCE_ID.match(slug) else None
    if force is None:
        raise NotFoundError("Unknown force.")
    return force


def _neighbourhood(force: str, neighbourhood: str) -> Neighbourhood:
    found = None
    if _FORCE_ID.match(force) and len(neighbourhood) <= 30 and _NEIGHBOURHOOD_ID.match(neighbourhood):
        found = public.published_neighbourhood_of(force, neighbourhood)
    if found is None:
        raise NotFoundError("Unknown neighbourhood.")
    return found


# ---- Availability and categories -----------------------------------------------------------------
@endpoint()
def crimes_street_dates(params: QueryDict) -> Json:
    return serializers.availability(crimes.months_available())


@endpoint()
def crime_last_updated(params: QueryDict) -> Json:
    latest = crimes.latest_month()
    if latest is None:
        raise NotFoundError("No crime data has been published.")
    return {"date": f"{latest:%Y-%m}-01"}


@endpoint()
def crime_categories(params: QueryDict) -> Json:
    month = _month(params)
    standard = [c.value for c in Category]
    return serializers.categories(crimes.categories_used(month, besides=standard) if month is not None else ())


# ---- Forces --------------------------------------------------------------------------------------
@endpoint()
def forces(params: QueryDict) -> Json:
    return [serializers.force_link(force) for force in public.public_forces()]


@endpoint()
def force_detail(params: QueryDict, force: str) -> Json:
    found = _force(force)
    return serializers.force_detail(found, public.engagement_methods(found))


@endpoint()
def force_people(params: QueryDict, force: str) -> Json:
    return [serializers.person(profile) for profile in public.senior_officers(_force(force))]


# ---- Crimes --------------------------------------------------------------------------------------
@endpoint(READ_AND_POST)
def crimes_street(params: QueryDict, category: str) -> Json:
    """Crimes within a mile of `lat`/`lng`, inside `poly`, or (as uk-police-api may ask) at the
    snap point `location_id`."""
    if "\x00" in category or not _CATEGORY.match(category):
        raise NotFoundError("Unknown category.")
    month = _month(params)
    wanted = _category(category, month)
    if "poly" in params or not _given(params, "location_id"):
        area = _area(params)
        if month is None:
            return []
        rows = crimes.crimes_in_area(area, month=month, category=wanted, cap=_cap())
    else:
        location_id = parse_location_id(_value(params, "location_id"))
        rows = [] if month is None else crimes.crimes_at_location(location_id, month=month, category=wanted)
    return [serializers.crime(row) for row in rows]


@endpoint()
def crimes_at_location(params: QueryDict) -> Json:
    """The crimes at one snap point: `location_id`, or the one nearest to `lat`/`lng`."""
    month = _month(params)
    if _given(params, "location_id"):
        location_id = parse_location_id(_value(params, "location_id"))
        rows = [] if month is None else crimes.crimes_at_location(location_id, month=month)
    elif _given(params, "lat") or _given(params, "lng"):
        lat, lng = parse_lat_lng(_value(params, "lat"), _value(params, "lng"))
        rows = [] if month is None else crimes.crimes_near_location(lat, lng, month=month)
    else:
        raise BadQueryError("give location_id, or lat and lng")
    return [serializers.crime(row) for row in rows]


@endpoint()
def crimes_no_location(params: QueryDict) -> Json:
    force = _force(_value(params, "force"))
    month = _month(params)
    wanted = _category(_value(params, "category"), month)
    if month is None:
        return []
    return [serializers.crime(row) for row in crimes.crimes_without_location(force, month=month, category=wanted)]


@endpoint()
def outcomes_for_crime(params: QueryDict, persistent_id: str) -> Json:
    row = crimes.crime_by_persistent_id(persistent_id) if _PERSISTENT_ID.match(persistent_id) else None
    if row is None:
        raise NotFoundError("Unknown crime.")
    return serializers.crime_with_outcomes(row)


@endpoint(READ_AND_POST)
def outcomes_at_location(params: QueryDict) -> Json:
    """Outcomes recorded in the month for the crimes at `location_id`, within a mile of
    `lat`/`lng`, or inside `poly`, each with its crime."""
    month = _month(params)
    if "poly" in params:
        ring = _poly(params)
        rows = [] if month is None else crimes.outcomes_in_area(ring, month=month, cap=_cap())
    elif _given(params, "location_id"):
        location_id = parse_location_id(_value(params, "location_id"))
        rows = [] if month is None else crimes.outcomes_at_location(location_id, month=month, cap=_cap())
    elif _given(params, "lat") or _given(params, "lng"):
        circle = _circle(params)
        rows = [] if month is None else crimes.outcomes_in_area(circle, month=month, cap=_cap())
    else:
        raise BadQueryError("give location_id, lat and lng, or poly")
    return [serializers.outcome(row, with_crime=True) for row in rows]


# ---- Stop and search (not recorded: validated, then empty) ---------------------------------------
@endpoint(READ_AND_POST)
def stops_street(params: QueryDict) -> Json:
    _area(params)
    parse_month(_value(params, "date"))
    return []


@endpoint()
def stops_at_location(params: QueryDict) -> Json:
    parse_location_id(_value(params, "location_id"))
    parse_month(_value(params, "date"))
    return []


@endpoint()
def stops_no_location(params: QueryDict) -> Json:
    parse_month(_value(params, "date"))
    _force(_value(params, "force"))
    return []


@endpoint()
def stops_force(params: QueryDict) -> Json:
    parse_month(_value(params, "date"))
    _force(_value(params, "force"))
    return []


# ---- Neighbourhoods ------------------------------------------------------------------------------
@endpoint()
def neighbourhoods(params: QueryDict, force: str) -> Json:
    found = _force(force)
    return [serializers.neighbourhood_link(nb) for nb in public.published_neighbourhoods(found)]


@endpoint()
def neighbourhood_detail(params: QueryDict, force: str, neighbourhood: str) -> Json:
    return serializers.neighbourhood_detail(_neighbourhood(force, neighbourhood))


@endpoint()
def neighbourhood_boundary(params: QueryDict, force: str, neighbourhood: str) -> Json:
    return serializers.boundary(_neighbourhood(force, neighbourhood))


@endpoint()
def neighbourhood_people(params: QueryDict, force: str, neighbourhood: str) -> Json:
    return [serializers.person(p) for p in public.public_team(_neighbourhood(force, neighbourhood))]


@endpoint()
def neighbourhood_events(params: QueryDict, force: str, neighbourhood: str) -> Json:
    return [serializers.event(e) for e in public.public_events(_neighbourhood(force, neighbourhood))]


@endpoint()
def neighbourhood_priorities(params: QueryDict, force: str, neighbourhood: str) -> Json:
    return [serializers.priority(p) for p in public.public_priorities(_neighbourhood(force, neighbourhood))]


@endpoint()
def locate_neighbourhood(params: QueryDict) -> Json:
    lat, lng = parse_q_point(_value(params, "q"))
    found = public.published_neighbourhood_at(lat, lng)
    if found is None:
        raise NotFoundError("No published neighbourhood covers this point.")
    return serializers.located(found)


# ---- Anything else under /api/ -------------------------------------------------------------------
@endpoint(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"), options=False)
def not_found(params: QueryDict, **kwargs: str) -> Json:
    raise NotFoundError("Not found.")
