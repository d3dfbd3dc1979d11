"""The police.uk JSON shapes of the public API (../shared/policeuk-api.md, Part A and rule C.2).

Plain functions from rows already read (and already filtered by what is public) to the exact
shapes police.uk clients read:

* coordinates and `population` are strings; ids of crimes and locations are integers;
* every documented key is always present: null where police.uk allows null, never left out;
* ASB crimes carry `persistent_id ""` and `outcome_status null`; `context` is a string;
* `contact_details` objects hold string values only (missing methods left out, `{}` for none);
* inside neighbourhood `links` and `locations` nothing is ever null: `""` for an unknown
  description, and a location's latitude/longitude are left out when unknown;
* free text (descriptions, biographies, priorities and actions) goes out as an HTML fragment:
  the text HTML-escaped, in `<p>` paragraphs;
* event times and priority dates are `YYYY-MM-DDTHH:MM:SS` in London local time, no offset;
* priorities carry the hyphenated `issue-date`/`action-date` and underscore copies of both.

Nothing here reads the database: the views pass rows with their relations already fetched.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, NotRequired, TypedDict
from zoneinfo import ZoneInfo

from django.utils.html import linebreaks

from beatbook.community.models import CONTACT_KEYS, EngagementEvent, Priority, PriorityAction, PublicProfile
from beatbook.incidents.reference import Category
from beatbook.org.models import Force, Neighbourhood

from .geometry import boundary_points
from .models import OutcomeCategory, PublicCrime, PublicOutcome

LONDON = ZoneInfo("Europe/London")
ALL_CRIME = "all-crime"
ASB = Category.ANTI_SOCIAL_BEHAVIOUR.value
LOCAL_TIME = "%Y-%m-%dT%H:%M:%S"


# ---- Shapes --------------------------------------------------------------------------------------
class IdName(TypedDict):
    id: str
    name: str


class EngagementMethodJson(TypedDict):
    url: str
    type: str
    description: str | None
    title: str


class ForceJson(TypedDict):
    id: str
    name: str
    description: str | None
    url: str
    telephone: str
    engagement_methods: list[EngagementMethodJson]


class PersonJson(TypedDict):
    name: str
    rank: str
    bio: str | None
    contact_details: dict[str, str]


class PointJson(TypedDict):
    latitude: str
    longitude: str


class LinkJson(TypedDict):
    url: str
    title: str
    description: str


class PlaceJson(TypedDict):
    name: str
    address: str
    postcode: str
    type: str
    description: str
    latitude: NotRequired[str]
    longitude: NotRequired[str]


class NeighbourhoodJson(TypedDict):
    id: str
    name: str
    url_force: str
    description: str | None
    population: str
    centre: PointJson
    contact_details: dict[str, str]
    links: list[LinkJson]
    locations: list[PlaceJson]
    welcome_message: NotRequired[str]


class EventJson(TypedDict):
    title: str
    description: str | None
    address: str
    type: str
    start_date: str
    end_date: str | None
    contact_details: dict[str, str]


PriorityJson = TypedDict(
    "PriorityJson",
    {
        "issue": str,
        "issue-date": str,
        "action": str | None,
        "action-date": str | None,
        "issue_date": str,
        "action_date": str | None,
    },
)


class LocateJson(TypedDict):
    force: str
    neighbourhood: str


class CategoryJson(TypedDict):
    url: str
    name: str


AvailabilityJson = TypedDict("AvailabilityJson", {"date": str, "stop-and-search": list[str]})


class StreetJson(TypedDict):
    id: int
    name: str


class LocationJson(TypedDict):
    latitude: str
    longitude: str
    street: StreetJson


class OutcomeStatusJson(TypedDict):
    category: str
    date: str


class CrimeJson(TypedDict):
    category: str
    persistent_id: str
    id: int
    month: str
    location_type: str | None
    location_subtype: str
    location: LocationJson | None
    context: str
    outcome_status: NotRequired[OutcomeStatusJson | None]


class OutcomeCategoryJson(TypedDict):
    code: str
    name: str


class OutcomeJson(TypedDict):
    category: OutcomeCategoryJson
    date: str
    person_id: int | None
    crime: NotRequired[CrimeJson]


class CrimeOutcomesJson(TypedDict):
    crime: CrimeJson
    outcomes: list[OutcomeJson]


# ---- Values --------------------------------------------------------------------------------------
def html(text: str) -> str | None:
    """Free text as an HTML fragment (escaped, in <p> paragraphs), or None when blank."""
    text = (text or "").strip()
    return linebreaks(text, autoescape=True) if text else None


def coordinate(value: float) -> str:
    """A coordinate as a plain decimal string (never exponent form), up to 10 decimals."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def crime_coordinate(value: float) -> str:
    """A crime's (snap point's) coordinate, to 6 decimals as police.uk gives them."""
    return f"{value:.6f}"


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def local_time(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime(LOCAL_TIME)


def day_time(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}T00:00:00"


def _string(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def contact_details(raw: Any) -> dict[str, str]:
    """The police.uk contact keys that hold a non-blank string, in the police.uk key order."""
    if not isinstance(raw, Mapping):
        return {}
    found = {key: _string(raw.get(key)) for key in CONTACT_KEYS}
    return {key: value for key, value in found.items() if value}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# ---- Forces and people ---------------------------------------------------------------------------
def force_link(force: Force) -> IdName:
    return {"id": force.slug, "name": force.name}


def engagement_method(raw: Any) -> EngagementMethodJson | None:
    if not isinstance(raw, Mapping):
        return None
    url, kind, title = _string(raw.get("url")), _string(raw.get("type")), _string(raw.get("title"))
    if not url:
        return None
    return {
        "url": url,
        "type": kind,
        "description": _string(raw.get("description")) or None,
        "title": title or kind or url,
    }


def force_detail(force: Force, methods: Iterable[Any]) -> ForceJson:
    return {
        "id": force.slug,
        "name": force.name,
        "description": html(force.description),
        "url": force.url or "",
        "telephone": force.telephone or "",
        "engagement_methods": [m for m in (engagement_method(raw) for raw in methods) if m is not None],
    }


def person(profile: PublicProfile) -> PersonJson:
    return {
        "name": profile.public_name,
        "rank": profile.rank,
        "bio": html(profile.bio),
        "contact_details": contact_details(profile.contact_details),
    }


# ---- Neighbourhoods ------------------------------------------------------------------------------
def neighbourhood_link(neighbourhood: Neighbourhood) -> IdName:
    return {"id": neighbourhood.code, "name": neighbourhood.name}


def link(raw: Any) -> LinkJson | None:
    if not isinstance(raw, Mapping) or not _string(raw.get("url")):
        return None
    url = _string(raw.get("url"))
    return {"url": url, "title": _string(raw.get("title")) or url, "description": _string(raw.get("description"))}


def place(raw: Any) -> PlaceJson | None:
    if not isinstance(raw, Mapping):
        return None
    shaped: PlaceJson = {
        "name": _string(raw.get("name")),
        "address": _string(raw.get("address")),
        "postcode": _string(raw.get("postcode")),
        "type": _string(raw.get("type")),
        "description": _string(raw.get("description")),
    }
    lat, lng = _number(raw.get("latitude")), _number(raw.get("longitude"))
    if lat is not None and lng is not None:
        shaped["latitude"], shaped["longitude"] = coordinate(lat), coordinate(lng)
    return shaped


def neighbourhood_detail(neighbourhood: Neighbourhood) -> NeighbourhoodJson:
    """A published neighbourhood with its page (select_related `public_page`)."""
    page = neighbourhood.public_page
    shaped: NeighbourhoodJson = {
        "id": neighbourhood.code,
        "name": neighbourhood.name,
        "url_force": page.url_force or "",
        "description": html(neighbourhood.description),
        "population": str(int(neighbourhood.population or 0)),
        "centre": {
            "latitude": coordinate(neighbourhood.centre_lat),
            "longitude": coordinate(neighbourhood.centre_lng),
        },
        "contact_details": contact_details(page.contact_details),
        "links": [x for x in (link(raw) for raw in _list(page.links)) if x is not None],
        "locations": [x for x in (place(raw) for raw in _list(page.locations)) if x is not None],
    }
    welcome = html(page.welcome_message)
    if welcome:
        shaped["welcome_message"] = welcome
    return shaped


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def boundary(neighbourhood: Neighbourhood) -> list[PointJson]:
    return [
        {"latitude": coordinate(lat), "longitude": coordinate(lng)}
        for lat, lng in boundary_points(neighbourhood.boundary)
    ]


def event(item: EngagementEvent) -> EventJson:
    return {
        "title": item.title,
        "description": html(item.description),
        "address": item.address,
        "type": item.policeuk_type,
        "start_date": local_time(item.starts_at),
        "end_date": local_time(item.ends_at),
        "contact_details": {},
    }


def priority(item: Priority) -> PriorityJson:
    """A published priority with `public_actions` prefetched (newest first): the action is every
    public action, newest first, one paragraph each; its date is the newest one's."""
    actions: list[PriorityAction] = list(getattr(item, "public_actions", []))
    texts = [text for text in (html(a.text) for a in actions) if text]
    issue_date = day_time(item.set_on)
    action_date = day_time(actions[0].taken_on) if actions and texts else None
    return {
        "issue": html(item.issue) or "<p></p>",
        "issue-date": issue_date,
        "action": "\n\n".join(texts) if texts else None,
        "action-date": action_date,
        "issue_date": issue_date,
        "action_date": action_date,
    }


def located(neighbourhood: Neighbourhood) -> LocateJson:
    return {"force": neighbourhood.force.slug, "neighbourhood": neighbourhood.code}


# ---- Crimes --------------------------------------------------------------------------------------
def category_name(slug: str) -> str:
    if slug == ALL_CRIME:
        return "All crime"
    try:
        return str(Category(slug).label)
    except ValueError:
        return slug.replace("-", " ").capitalize()


def categories(used: Iterable[str] = ()) -> list[CategoryJson]:
    """`all-crime`, the standard categories in police.uk order, then any other slug in use."""
    standard = [c.value for c in Category]
    extra = sorted(set(used) - set(standard) - {ALL_CRIME})
    return [{"url": slug, "name": category_name(slug)} for slug in [ALL_CRIME, *standard, *extra]]


def availability(months: Iterable[dt.date]) -> list[AvailabilityJson]:
    return [{"date": month_text(month), "stop-and-search": []} for month in months]


def outcome_category(code: str) -> OutcomeCategoryJson:
    try:
        name = str(OutcomeCategory(code).label)
    except ValueError:
        name = code.replace("-", " ").capitalize()
    return {"code": code, "name": name}


def crime(row: PublicCrime, *, with_status: bool = True) -> CrimeJson:
    """A published crime (with `snap_point` fetched). Its location is the snap point's, never
    anything else; ASB never has a crime id or an outcome."""
    is_asb = row.category == ASB
    point = row.snap_point
    location: LocationJson | None = None
    if point is not None:
        location = {
            "latitude": crime_coordinate(point.lat),
            "longitude": crime_coordinate(point.lng),
            "street": {"id": point.pk, "name": point.name},
        }
    shaped: CrimeJson = {
        "category": row.category,
        "persistent_id": "" if is_asb else row.persistent_id,
        "id": row.pk,
        "month": month_text(row.month),
        "location_type": "Force" if point is not None else None,
        "location_subtype": row.location_subtype if point is not None else "",
        "location": location,
        "context": row.context or "",
    }
    if with_status:
        status: OutcomeStatusJson | None = None
        if row.outcome and not is_asb:
            status = {
                "category": outcome_category(row.outcome)["name"],
                "date": month_text(row.outcome_month or row.month),
            }
        shaped["outcome_status"] = status
    return shaped


def outcome(row: PublicOutcome, *, with_crime: bool) -> OutcomeJson:
    """One outcome; `person_id` is always null (police.uk's suspect numbering is not published)."""
    shaped: OutcomeJson = {"category": outcome_category(row.category), "date": month_text(row.month), "person_id": None}
    if with_crime:
        shaped["crime"] = crime(row.crime, with_status=False)
    return shaped


def crime_with_outcomes(row: PublicCrime) -> CrimeOutcomesJson:
    """outcomes-for-crime: the crime (without outcome_status) and its outcomes in date order
    (prefetched `outcomes`)."""
    outcomes = [] if row.category == ASB else sorted(row.outcomes.all(), key=lambda o: (o.month, o.pk))
    return {"crime": crime(row, with_status=False), "outcomes": [outcome(o, with_crime=False) for o in outcomes]}
