"""The police.uk-compatible public API, at /api/ (no version prefix, no trailing slashes).

Every path matches with no trailing slash (as police.uk clients send it), and also with one or
more, or with doubled slashes between its parts (`/api//forces`, as a client that puts a slash
at the end of its base URL sends it), all without a redirect: a redirected POST would lose its
body. Fixed method paths come first; `<force>/neighbourhoods` and `<force>/<neighbourhood>[/...]`
are catch-alls and come last (and after /api/v1/, which config/urls.py mounts first, so no
force can be served under the id `v1`). Anything else under /api/ is a JSON 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, re_path

from .views import policeuk as api


def route(template: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
    """A pattern for `a/<b>/c`: leading, trailing and doubled slashes allowed; `<b>` is one path
    segment, passed to the view as the keyword `b`."""
    parts = [
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("<") and part.endswith(">") else re.escape(part)
        for part in template.split("/")
    ]
    return re_path(rf"^[/]*{'/+'.join(parts)}/*\Z", view, name=name)


urlpatterns: list[URLPattern | URLResolver] = [
    # Fixed method paths.
    route("crimes-street-dates", api.crimes_street_dates, "policeuk-crimes-street-dates"),
    route("crime-last-updated", api.crime_last_updated, "policeuk-crime-last-updated"),
    route("crime-categories", api.crime_categories, "policeuk-crime-categories"),
    route("forces", api.forces, "policeuk-forces"),
    route("forces/<force>", api.force_detail, "policeuk-force"),
    route("forces/<force>/people", api.force_people, "policeuk-force-people"),
    route("crimes-street/<category>", api.crimes_street, "policeuk-crimes-street"),
    route("crimes-at-location", api.crimes_at_location, "policeuk-crimes-at-location"),
    route("crimes-no-location", api.crimes_no_location, "policeuk-crimes-no-location"),
    route("outcomes-for-crime/<persistent_id>", api.outcomes_for_crime, "policeuk-outcomes-for-crime"),
    route("outcomes-at-location", api.outcomes_at_location, "policeuk-outcomes-at-location"),
    route("stops-street", api.stops_street, "policeuk-stops-street"),
    route("stops-at-location", api.stops_at_location, "policeuk-stops-at-location"),
    route("stops-no-location", api.stops_no_location, "policeuk-stops-no-location"),
    route("stops-force", api.stops_force, "policeuk-stops-force"),
    route("locate-neighbourhood", api.locate_neighbourhood, "policeuk-locate-neighbourhood"),
    # Catch-alls: a force's neighbourhoods, then one neighbourhood and its parts.
    route("<force>/neighbourhoods", api.neighbourhoods, "policeuk-neighbourhoods"),
    route("<force>/<neighbourhood>", api.neighbourhood_detail, "policeuk-neighbourhood"),
    route("<force>/<neighbourhood>/boundary", api.neighbourhood_boundary, "policeuk-neighbourhood-boundary"),
    route("<force>/<neighbourhood>/people", api.neighbourhood_people, "policeuk-neighbourhood-people"),
    route("<force>/<neighbourhood>/events", api.neighbourhood_events, "policeuk-neighbourhood-events"),
    route("<force>/<neighbourhood>/priorities", api.neighbourhood_priorities, "policeuk-neighbourhood-priorities"),
    re_path(r"^[\s\S]*\Z", api.not_found, name="policeuk-not-found"),
]
