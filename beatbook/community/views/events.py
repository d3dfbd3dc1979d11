"""Engagement event pages at /community/events/: the list with filters and its CSV and GeoJSON
downloads, the calendar of a neighbourhood's month, plan an event, its page, change it, record it
as held, cancel it. Thin: forms parse, services decide and write, selectors read in the actor's
scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.core.views import boundaries_geojson
from beatbook.org import policy
from beatbook.org.models import Neighbourhood
from beatbook.org.selectors import neighbourhood_get_for, neighbourhoods_visible_to
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from ..forms.events import CalendarForm, EventCancelForm, EventFilterForm, EventForm, EventRecordForm
from ..models import EngagementEvent, EventStatus
from ..selectors import events as selectors
from ..services import events as services


def _crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Engagement events"), reverse("community:events")), *trail)


def _event_crumbs(event: EngagementEvent, *trail: tuple[str, str]) -> list[Any]:
    return _crumbs((event.reference, reverse("community:event-detail", args=[event.reference])), *trail)


def _filter_form(request: HttpRequest) -> EventFilterForm:
    form = EventFilterForm(request.GET or None, neighbourhoods=neighbourhoods_visible_to(actor_of(request)))
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    return form


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _filter_form(request)
    page = paginate(
        selectors.events_matching(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "can_plan": selectors.planning_neighbourhoods(actor).exists(),
        "can_export": policy.neighbourhoods_in_scope(actor).exists(),
        "nav_key": "events",
        "breadcrumbs": crumbs((_("Engagement events"), "")),
    }
    return render(request, "community/events/list.html", context)


def _export(request: HttpRequest, file_format: str) -> services.EventExport:
    return services.events_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), file_format=file_format, meta=meta_of(request)
    )


@require_GET
def event_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    export = _export(request, "csv")
    return csv_download("engagement-events", selectors.EXPORT_COLUMNS, (selectors.export_row(e) for e in export.events))


@require_GET
def event_export_geojson(request: HttpRequest) -> JsonResponse:
    export = _export(request, "geojson")
    collection = {"type": "FeatureCollection", "features": [selectors.export_feature(e) for e in export.events]}
    response = JsonResponse(collection, content_type="application/geo+json")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="engagement-events-{stamp}.geojson"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A neighbourhood's events of one month (`?neighbourhood=<id>&month=YYYY-MM`; by default the
    first neighbourhood where the actor plans events, or sees, and this month)."""
    actor = actor_of(request)
    visible = neighbourhoods_visible_to(actor)
    wanted = request.GET.get("neighbourhood", "")
    neighbourhood: Neighbourhood | None = (
        neighbourhood_get_for(actor=actor, neighbourhood_id=wanted)
        if wanted
        else selectors.planning_neighbourhoods(actor).first() or visible.first()
    )
    raw_month = request.GET.get("month", "")
    month = selectors.parse_month(raw_month) if raw_month else today().replace(day=1)
    form = CalendarForm(
        initial={
            "neighbourhood": neighbourhood.pk if neighbourhood else None,
            "month": f"{month:%Y-%m}" if month else "",
        },
        neighbourhoods=visible,
    )
    status = 200
    if month is None:
        form.errors["month"] = form.error_class([_("Give the month as a year and month, for example 2026-03.")])
        status = 400
    cal = (
        selectors.event_calendar(actor=actor, neighbourhood=neighbourhood, month=month)
        if neighbourhood is not None and month is not None
        else None
    )
    context = {
        "form": form,
        "calendar": cal,
        "neighbourhood": neighbourhood,
        "can_plan": neighbourhood is not None and policy.can(actor, policy.Action.ENGAGE, neighbourhood),
        "nav_key": "events",
        "breadcrumbs": _crumbs((_("Calendar"), "")),
    }
    return render(request, "community/events/calendar.html", context, status=status)


def _pick_map(neighbourhoods: Any) -> dict[str, Any]:
    return {"boundaries": boundaries_geojson(list(neighbourhoods))}


@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    """Plan an event in one of the actor's neighbourhoods (`?neighbourhood=<id>` chooses it)."""
    actor = actor_of(request)
    areas = selectors.planning_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    initial: dict[str, Any] = {"officers": [actor.pk]}
    wanted = parse_positive_int(request.GET.get("neighbourhood"), 0)
    choices = [nb.pk for nb in areas[:2]]
    if wanted and areas.filter(pk=wanted).exists():
        initial["neighbourhood"] = wanted
    elif len(choices) == 1:  # the only neighbourhood the actor plans in
        initial["neighbourhood"] = choices[0]
    form = EventForm(posted(request), initial=initial, neighbourhoods=areas, officers=selectors.officer_choices(actor))
    saved = submit(form, lambda: services.event_create(actor=actor, data=form.event_data(), meta=meta_of(request)))
    if saved is not None:
        messages.success(request, _("Event %(ref)s has been planned.") % {"ref": saved.reference})
        return redirect("community:event-detail", reference=saved.reference)
    context = {
        "form": form,
        "title": _("Plan an engagement event"),
        "action": reverse("community:event-new"),
        "nav_key": "events",
        "breadcrumbs": _crumbs((_("Plan an event"), "")),
        **_pick_map(areas),
    }
    return render(request, "community/events/form.html", context, status=form_status(form))


@require_GET
def event_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.event_get_for(actor=actor, reference=reference)
    can_change = selectors.may_change(actor, event)
    started = event.starts_at <= timezone.now()
    held = event.status == EventStatus.HELD
    point = (
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [event.lng, event.lat]},
                    "properties": {"name": event.title},
                }
            ],
        }
        if event.lat is not None
        else None
    )
    context = {
        "event": event,
        "officers": list(event.officers.all()),
        "priorities": list(event.priorities.all()),
        "issues": list(enumerate(event.issue_lines)),
        "held": held,
        "cancelled": event.status == EventStatus.CANCELLED,
        "can_edit": can_change and event.status != EventStatus.CANCELLED,
        "can_record": can_change and started and event.status != EventStatus.CANCELLED,
        "can_cancel": can_change and event.status == EventStatus.PLANNED,
        "can_set_priorities": can_change and held,
        "point": point,
        "nav_key": "events",
        "breadcrumbs": _crumbs((event.reference, "")),
        **history_context(actor, event),
    }
    return render(request, "community/events/detail.html", context)


def _changeable(request: HttpRequest, reference: str) -> EngagementEvent:
    return selectors.event_get_for(actor=actor_of(request), reference=reference, action=policy.Action.ENGAGE)


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    event = _changeable(request, reference)
    areas = selectors.planning_neighbourhoods(actor).filter(force_id=event.force_id)
    form = EventForm(
        posted(request),
        initial=EventForm.initial_for(event),
        neighbourhoods=areas,
        officers=selectors.officer_choices_for(actor, event),
    )
    updated = submit(
        form,
        lambda: services.event_update(
            actor=actor,
            event=event,
            data=form.event_data(),
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if updated is not None:
        messages.success(request, _("Event %(ref)s has been updated.") % {"ref": updated.reference})
        return redirect("community:event-detail", reference=updated.reference)
    context = {
        "form": form,
        "event": event,
        "title": _("Change the event"),
        "action": reverse("community:event-edit", args=[event.reference]),
        "nav_key": "events",
        "breadcrumbs": _event_crumbs(event, (_("Change"), "")),
        **_pick_map(areas),
    }
    return render(request, "community/events/form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def event_record(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the event as held (or correct the record): attendance, issues raised, follow-ups."""
    actor = actor_of(request)
    event = _changeable(request, reference)
    form = EventRecordForm(
        posted(request),
        initial=EventRecordForm.initial_for(event),
        officers=selectors.officer_choices_for(actor, event),
    )
    saved = submit(
        form,
        lambda: services.event_record(
            actor=actor,
            event=event,
            data=form.record(),
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Event %(ref)s has been recorded as held.") % {"ref": saved.reference})
        return redirect("community:event-detail", reference=saved.reference)
    context = {
        "form": form,
        "event": event,
        "nav_key": "events",
        "breadcrumbs": _event_crumbs(event, (_("Record as held"), "")),
    }
    return render(request, "community/events/record.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    event = _changeable(request, reference)
    form = EventCancelForm(posted(request), initial={"version": event.version})
    saved = submit(
        form,
        lambda: services.event_cancel(
            actor=actor,
            event=event,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Event %(ref)s has been cancelled.") % {"ref": saved.reference})
        return redirect("community:event-detail", reference=saved.reference)
    context = {
        "form": form,
        "event": event,
        "nav_key": "events",
        "breadcrumbs": _event_crumbs(event, (_("Cancel"), "")),
    }
    return render(request, "community/events/cancel.html", context, status=form_status(form))


urlpatterns = [
    path("events/", event_list, name="events"),
    path("events/export.csv", event_export_csv, name="events-export-csv"),
    path("events/export.geojson", event_export_geojson, name="events-export-geojson"),
    path("events/calendar/", event_calendar, name="events-calendar"),
    path("events/new/", event_new, name="event-new"),
    path("events/<str:reference>/", event_detail, name="event-detail"),
    path("events/<str:reference>/edit/", event_edit, name="event-edit"),
    path("events/<str:reference>/record/", event_record, name="event-record"),
    path("events/<str:reference>/cancel/", event_cancel, name="event-cancel"),
]
