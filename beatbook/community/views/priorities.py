"""Community pages: neighbourhood priorities ("you said, we did"). The list with its filters, the
"due for review" flag and the CSV and GeoJSON exports; set a priority (from an issue raised at an
engagement event: `?event=<reference>&issue=<n>`); its page with the timeline, and edit, add an
action, change the status, publish. Thin: forms parse, services decide and write, selectors read
in the actor's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.selectors import neighbourhoods_visible_to
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from ..forms.priorities import ActionForm, PriorityEditForm, PriorityFilterForm, PriorityForm, StatusForm
from ..models import EngagementEvent, Priority, PriorityStatus
from ..selectors import priorities as selectors
from ..selectors.events import events_visible_to
from ..services import priorities as services


def _crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Neighbourhood priorities"), reverse("community:priorities")), *trail)


def _filter_form(request: HttpRequest) -> PriorityFilterForm:
    actor = actor_of(request)
    areas = neighbourhoods_visible_to(actor)
    return PriorityFilterForm(
        request.GET or None,
        neighbourhoods=areas,
        owners=selectors.possible_owners(policy.neighbourhoods_in_scope(actor)),
    )


@require_GET
def priority_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _filter_form(request)
    page = paginate(
        selectors.priorities_matching(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1)
    )
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": export_query.urlencode(),
        "due_count": selectors.due_for_review(selectors.priorities_visible_to(actor)).count(),
        "can_create": selectors.engaging_neighbourhoods(actor).exists(),
        "nav_key": "priorities",
        "breadcrumbs": crumbs((_("Neighbourhood priorities"), "")),
    }
    return render(request, "community/priorities/list.html", context)


@require_GET
def priorities_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    export = services.priorities_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), fmt="csv", meta=meta_of(request)
    )
    return csv_download("priorities", services.EXPORT_COLUMNS, export.rows())


@require_GET
def priorities_export_geojson(request: HttpRequest) -> JsonResponse:
    export = services.priorities_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), fmt="geojson", meta=meta_of(request)
    )
    response = JsonResponse(export.feature_collection(), content_type="application/geo+json")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="priorities-{stamp}.geojson"'
    response["Cache-Control"] = "no-store"
    return response


def _prefill(actor: Person, request: HttpRequest) -> tuple[dict[str, Any], EngagementEvent | None]:
    """The new form's starting values; with `?event=<reference>&issue=<n>`, the neighbourhood,
    the issue (line n, from 0, of the issues raised) and the link back to the event."""
    initial: dict[str, Any] = {"set_on": today().isoformat()}  # ISO: what a date input shows
    reference = request.GET.get("event", "").strip()
    events = events_visible_to(actor).select_related("neighbourhood")
    event = events.filter(reference=reference).first() if reference else None
    if event is not None:
        initial |= {"neighbourhood": event.neighbourhood_id, "source_event": event.reference}
        lines, wanted = event.issue_lines, request.GET.get("issue", "")
        if wanted.isdecimal() and int(wanted) < len(lines):
            initial["issue"] = lines[int(wanted)]
    return initial, event


@require_http_methods(["GET", "POST"])
def priority_new(request: HttpRequest) -> HttpResponse:
    """Set a priority in one of the actor's neighbourhoods (PCSOs, officers, supervisors)."""
    actor = actor_of(request)
    areas = selectors.engaging_neighbourhoods(actor)
    if not areas.exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    initial, event = _prefill(actor, request)
    events = events_visible_to(actor).select_related("neighbourhood")
    form = PriorityForm(
        posted(request),
        initial=initial,
        neighbourhoods=areas,
        owners=selectors.possible_owners(areas),
        events=events,
    )
    saved = submit(
        form,
        lambda: services.priority_create(
            actor=actor,
            neighbourhood=form.cleaned_data["neighbourhood"],
            issue=form.cleaned_data["issue"],
            set_on=form.cleaned_data["set_on"],
            owner=form.cleaned_data["owner"],
            review_on=form.cleaned_data["review_on"],
            source_event=form.cleaned_data["source_event"],
            is_published=form.cleaned_data["is_published"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Priority %(ref)s has been set.") % {"ref": saved.reference})
        return redirect("community:priority", reference=saved.reference)
    if form.is_bound:
        reference = str(form.data.get("source_event", "")).strip()
        event = events.filter(reference=reference).first() if reference else None
    context = {
        "form": form,
        "event": event,
        "nav_key": "priorities",
        "breadcrumbs": _crumbs((_("Set a priority"), "")),
    }
    return render(request, "community/priorities/form.html", context, status=form_status(form))


# The events pages' detail URL name (the second is the name those pages were first written with).
EVENT_URL_NAMES = ("community:event", "community:event-detail")


def event_url(event: EngagementEvent) -> str:
    """The event's page, or "" if the events pages do not provide one."""
    for name in EVENT_URL_NAMES:
        try:
            return reverse(name, kwargs={"reference": event.reference})
        except NoReverseMatch:
            continue
    return ""


def _render_detail(request: HttpRequest, priority: Priority, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    can_change = selectors.may_act_on(actor, priority)
    can_publish = selectors.may_act_on(actor, priority, policy.Action.MANAGE_PUBLICATION)
    event = priority.source_event
    event_link = event_url(event) if event and events_visible_to(actor).filter(pk=event.pk).exists() else ""
    version = {"version": priority.version}
    next_statuses = [s for s in PriorityStatus if s.value in services.TRANSITIONS[priority.status]]
    status_form = forms.get("status_form") or StatusForm(initial=version | {"status": next_statuses[0].value})
    context = {
        "priority": priority,
        "actions": list(selectors.actions_of(priority)),
        "event": event,
        "event_link": event_link,
        "can_change": can_change,
        "can_publish": can_publish and priority.status != PriorityStatus.WITHDRAWN,
        "can_unpublish": can_publish,
        "next_statuses": next_statuses,
        "status_form": status_form,
        "action_form": forms.get("action_form")
        or ActionForm(initial={"taken_on": today().isoformat(), "is_public": True}),
        "nav_key": "priorities",
        "breadcrumbs": _crumbs((priority.reference, "")),
        **history_context(actor, priority),
    }
    return render(request, "community/priorities/detail.html", context, status=status)


@require_GET
def priority_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_detail(request, selectors.priority_get_for(actor=actor_of(request), reference=reference))


def _changeable(request: HttpRequest, reference: str, action: policy.Action = policy.Action.ENGAGE) -> Priority:
    return selectors.priority_get_for(actor=actor_of(request), reference=reference, action=action)


@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    priority = _changeable(request, reference)
    initial = {
        "issue": priority.issue,
        "owner": priority.owner_id,
        "review_on": priority.review_on.isoformat(),
        "version": priority.version,
    }
    form = PriorityEditForm(posted(request), initial=initial, owners=selectors.owners_for(priority))
    saved = submit(
        form,
        lambda: services.priority_update(
            actor=actor,
            priority=priority,
            expected_version=form.cleaned_data["version"],
            issue=form.cleaned_data["issue"],
            owner=form.cleaned_data["owner"],
            review_on=form.cleaned_data["review_on"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Priority %(ref)s has been updated.") % {"ref": saved.reference})
        return redirect("community:priority", reference=saved.reference)
    context = {
        "form": form,
        "priority": priority,
        "nav_key": "priorities",
        "breadcrumbs": _crumbs(
            (priority.reference, reverse("community:priority", kwargs={"reference": priority.reference})),
            (_("Edit"), ""),
        ),
    }
    return render(request, "community/priorities/edit.html", context, status=form_status(form))


@require_POST
def priority_action_add(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    priority = _changeable(request, reference)
    form = ActionForm(request.POST)
    done = submit(
        form,
        lambda: services.priority_add_action(
            actor=actor,
            priority=priority,
            taken_on=form.cleaned_data["taken_on"],
            text=form.cleaned_data["text"],
            is_public=form.cleaned_data["is_public"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The action has been recorded."))
        return redirect("community:priority", reference=priority.reference)
    return _render_detail(request, priority, status=400, action_form=form)


@require_POST
def priority_status(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    priority = _changeable(request, reference)
    form = StatusForm(request.POST)
    done = submit(
        form,
        lambda: services.priority_set_status(
            actor=actor,
            priority=priority,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The priority is now %(status)s.") % {"status": done.get_status_display().lower()})
        return redirect("community:priority", reference=priority.reference)
    return _render_detail(request, priority, status=400, status_form=form)


def _publication(request: HttpRequest, reference: str, *, publish: bool) -> HttpResponse:
    actor = actor_of(request)
    priority = _changeable(request, reference, policy.Action.MANAGE_PUBLICATION)
    change = services.priority_publish if publish else services.priority_unpublish
    try:
        change(actor=actor, priority=priority, meta=meta_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("community:priority", reference=priority.reference)
    if publish:
        messages.success(request, _("The priority is published: it shows on the neighbourhood's public page."))
    else:
        messages.success(request, _("The priority is no longer published."))
    return redirect("community:priority", reference=priority.reference)


@require_POST
def priority_publish(request: HttpRequest, reference: str) -> HttpResponse:
    return _publication(request, reference, publish=True)


@require_POST
def priority_unpublish(request: HttpRequest, reference: str) -> HttpResponse:
    return _publication(request, reference, publish=False)


urlpatterns: list[URLPattern | URLResolver] = [
    path("priorities/", priority_list, name="priorities"),
    path("priorities/new/", priority_new, name="priority-new"),
    path("priorities/export.csv", priorities_export_csv, name="priorities-export-csv"),
    path("priorities/export.geojson", priorities_export_geojson, name="priorities-export-geojson"),
    path("priorities/<str:reference>/", priority_detail, name="priority"),
    path("priorities/<str:reference>/edit/", priority_edit, name="priority-edit"),
    path("priorities/<str:reference>/actions/", priority_action_add, name="priority-action"),
    path("priorities/<str:reference>/status/", priority_status, name="priority-status"),
    path("priorities/<str:reference>/publish/", priority_publish, name="priority-publish"),
    path("priorities/<str:reference>/unpublish/", priority_unpublish, name="priority-unpublish"),
]
