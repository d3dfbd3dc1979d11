"""The home page and the error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from beatbook.cases import selectors as case_selectors
from beatbook.community.selectors import priorities as priority_selectors
from beatbook.incidents import selectors as incident_selectors
from beatbook.learning.selectors import development as development_selectors
from beatbook.org import selectors as org_selectors
from beatbook.org.models import Person
from beatbook.patrols import selectors as patrol_selectors

ALERTS_ON_HOME = 20
CASES_ON_HOME = 20
PRIORITIES_ON_HOME = 20


def boundaries_geojson(neighbourhoods: list[Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of neighbourhood boundaries, for maps."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": nb.pk,
                "geometry": nb.boundary,
                "properties": {"name": nb.name, "code": nb.code, "force": nb.force.name},
            }
            for nb in neighbourhoods
        ],
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My neighbourhoods: open alerts, risk reviews and priorities due, today's hot-spot plan, their
    teams, and a map of their boundaries."""
    actor = request.user
    assert isinstance(actor, Person)
    neighbourhoods = list(org_selectors.my_neighbourhoods(actor))
    members = list(org_selectors.team_members(actor=actor, neighbourhoods=org_selectors.my_neighbourhoods(actor)))
    by_area: dict[int, list[Any]] = {nb.pk: [] for nb in neighbourhoods}
    team_areas: dict[int, set[int]] = {}
    for nb in neighbourhoods:
        for team in nb.teams.all():
            team_areas.setdefault(team.pk, set()).add(nb.pk)
    for posting in members:
        if posting.neighbourhood_id in by_area:
            by_area[posting.neighbourhood_id].append(posting)
        for nb_id in team_areas.get(posting.team_id or 0, set()):
            by_area[nb_id].append(posting)
    areas = [{"neighbourhood": nb, "members": by_area[nb.pk]} for nb in neighbourhoods]
    # One query either way: a partner user's organisation's open tasks, or everyone else's reviews due.
    partner = case_selectors.is_partner(actor)
    partner_tasks = list(case_selectors.open_tasks_for_partner(actor)[:CASES_ON_HOME]) if partner else None
    reviews_due = [] if partner else list(case_selectors.reviews_due_for(actor)[:CASES_ON_HOME])
    # One query: the neighbourhood priorities due for review that the actor owns or supervises.
    priorities_due = [] if partner else list(priority_selectors.priorities_due_for(actor)[:PRIORITIES_ON_HOME])
    context = {
        "areas": areas,
        "boundaries": boundaries_geojson(neighbourhoods),
        "alerts": list(incident_selectors.alerts_open_for(actor)[:ALERTS_ON_HOME]),
        "can_record": incident_selectors.recording_neighbourhoods(actor).exists(),
        "hotspots": patrol_selectors.todays_plans(actor),
        "reviews_due": reviews_due,
        "priorities_due": priorities_due,
        "partner_tasks": partner_tasks,
        # One query: the person's own training that has expired or expires soon.
        "training_alerts": development_selectors.training_alerts_for(actor),
        "nav_key": "home",
    }
    return render(request, "core/home.html", context)


@login_not_required
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    # No header or menu: they query the database, which may be what just failed.
    return render(request, "500.html", {"shell": None}, status=500)
