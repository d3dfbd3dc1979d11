"""The public pages (no login): the forces, a force's page and each published neighbourhood's page.

Everything shown is read through `selectors.public`, the one place that decides what the public
may see. The pages use their own layout (`community/public/base.html`): no staff menu and nothing
about whoever is signed in, so a member of staff sees exactly what the public sees, and the
responses may be cached by anyone for five minutes. An unknown or unpublished force or
neighbourhood gets the public "not found" page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypedDict

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from beatbook.org.models import Neighbourhood

from ..models import CONTACT_KEYS, PublicProfile
from ..selectors import public

CACHE_SECONDS = 300
CONTACT_LABELS: dict[str, Any] = {
    "email": _("Email"),
    "telephone": _("Telephone"),
    "mobile": _("Mobile"),
    "fax": _("Fax"),
    "web": _("Website"),
    "address": _("Address"),
    "facebook": _("Facebook"),
    "twitter": _("X (Twitter)"),
    "youtube": _("YouTube"),
    "myspace": _("Myspace"),
    "bebo": _("Bebo"),
    "flickr": _("Flickr"),
    "google-plus": _("Google+"),
    "forum": _("Forum"),
    "e-messaging": _("E-messaging"),
    "blog": _("Blog"),
    "rss": _("RSS feed"),
}
_WEB = re.compile(r"^https?://", re.IGNORECASE)


class ContactRow(TypedDict):
    key: str
    label: str
    value: str
    href: str  # "" when the value is not a link


def contact_rows(details: Mapping[str, Any]) -> list[ContactRow]:
    """Contact details in police.uk's order, each with a label and, where it is one, a link
    (web addresses only when they are http(s); email as mailto:, telephone numbers as tel:)."""
    rows: list[ContactRow] = []
    for key in CONTACT_KEYS:
        value = details.get(key)
        if not isinstance(value, str) or not value:
            continue
        href = ""
        if key == "email":
            href = f"mailto:{value}"
        elif key in {"telephone", "mobile"}:
            href = "tel:" + re.sub(r"[^0-9+]", "", value)
        elif _WEB.match(value):
            href = value
        rows.append(ContactRow(key=key, label=str(CONTACT_LABELS[key]), value=value, href=href))
    return rows


def web_only(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Links and engagement channels whose address is http(s) (the services allow nothing else)."""
    return [item for item in items if isinstance(item.get("url"), str) and _WEB.match(item["url"])]


def _people(profiles: list[PublicProfile]) -> list[dict[str, Any]]:
    return [{"profile": p, "contacts": contact_rows(p.contact_details or {})} for p in profiles]


def without_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run as if no one were signed in, as far as the session goes.

    The session middleware saves the session of a signed-in person on every request (the idle
    timeout), which would add `Set-Cookie` and `Vary: Cookie` to a response that shared caches
    are told they may keep: a cache could then hand one person's session cookie to others. With
    no `request.session`, the middleware leaves the response alone (and nothing here reads the
    session or the user)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None:
            del request.session
        try:
            return view(request, *args, **kwargs)
        except BaseException:
            if session is not None:  # the error page may use it (its messages, say)
                request.session = session
            raise

    return wrapped


def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No login; GET or HEAD only; no session; cacheable by anyone for five minutes."""
    cached = cache_control(public=True, max_age=CACHE_SECONDS)(view)
    return login_not_required(require_safe(without_session(cached)))


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public/404.html", status=404)


def boundary_map(nb: Neighbourhood) -> dict[str, Any]:
    """The boundary as GeoJSON for the map (no properties: nothing is drawn from text), and its
    extent for the map's text alternative."""
    return {
        "geojson": {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": nb.boundary}]},
        "min_lat": round(nb.min_lat, 4),
        "max_lat": round(nb.max_lat, 4),
        "min_lng": round(nb.min_lng, 4),
        "max_lng": round(nb.max_lng, 4),
        "centre_lat": round(nb.centre_lat, 4),
        "centre_lng": round(nb.centre_lng, 4),
    }


@public_view
def forces(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public/forces.html", {"forces": list(public.public_forces())})


@public_view
def force(request: HttpRequest, force_slug: str) -> HttpResponse:
    found = public.public_force(force_slug)
    if found is None:
        return not_found(request)
    context = {
        "force": found,
        "channels": web_only(public.engagement_methods(found)),
        "seniors": _people(list(public.senior_officers(found))),
        "neighbourhoods": list(public.published_neighbourhoods(found)),
    }
    return render(request, "community/public/force.html", context)


@public_view
def neighbourhood(request: HttpRequest, force_slug: str, code: str) -> HttpResponse:
    found = public.public_force(force_slug)
    nb = public.published_neighbourhood(found, code) if found is not None else None
    if found is None or nb is None:
        return not_found(request)
    page = public.neighbourhood_page(nb)
    context = {
        "force": found,
        "neighbourhood": nb,
        "page": page,
        "contacts": contact_rows(page.contact_details or {}),
        "links": web_only(list(page.links or [])),
        "locations": list(page.locations or []),
        "team": _people(list(public.public_team(nb))),
        "priorities": list(public.public_priorities(nb)),
        "events": list(public.public_events(nb)),
        "map": boundary_map(nb),
    }
    return render(request, "community/public/neighbourhood.html", context)


@public_view
def nothing_here(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other address under /public/ (ending in a slash, so that Django still adds a missing
    one to the addresses above) gets the public "not found" page, not the staff one."""
    return not_found(request)


urlpatterns = [
    path("", forces, name="forces"),
    path("<slug:force_slug>/", force, name="force"),
    path("<slug:force_slug>/<str:code>/", neighbourhood, name="neighbourhood"),
    re_path(r"^(?P<rest>.+/)$", nothing_here),
]
