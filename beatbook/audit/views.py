"""Audit pages for auditors: search the trail, see one event, export a search as CSV.

Only people who hold `Action.SEARCH_AUDIT` in some force get in (403 otherwise), and they see
only the events of those forces (selectors filter in SQL). Looking is itself audited: every
search, event view and export appends AUDIT_SEARCHED or AUDIT_EXPORTED to each force's chain.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from beatbook.core.csvexport import csv_download
from beatbook.core.middleware import request_id_of
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.org import policy
from beatbook.org.models import Person

from . import selectors
from .forms import AuditSearchForm
from .models import AuditEvent, EventType
from .selectors import AuditFilters
from .services import AuditMeta, record, record_in_forces

CSV_COLUMNS = [
    "id",
    "occurred_at",
    "event_type",
    "event",
    "actor_id",
    "actor",
    "force",
    "neighbourhood_id",
    "object_type",
    "object_id",
    "object",
    "request_id",
    "reason",
    "before",
    "after",
    "chain",
    "seq",
    "prev_hash",
    "hash",
]


def _actor(request: HttpRequest) -> Person:
    actor = request.user
    assert isinstance(actor, Person)  # LoginRequiredMiddleware lets no one else through
    return actor


def _meta(request: HttpRequest) -> AuditMeta:
    return AuditMeta(request_id=request_id_of(request))


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    home = {"label": _("Home"), "url": reverse("core:home")}
    if not extra:
        return [home, {"label": _("Audit trail"), "url": ""}]
    return [home, {"label": _("Audit trail"), "url": reverse("audit:search")}, *extra]


def _form_error_page(request: HttpRequest, form: AuditSearchForm) -> HttpResponse:
    context = {"form": form, "page": None, "breadcrumbs": _crumbs(), "nav_key": "audit"}
    return render(request, "audit/search.html", context, status=400)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search the audit trail of my forces, newest first."""
    actor = _actor(request)
    forces = selectors.require_auditor(actor)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _form_error_page(request, form)
    filters = form.filters()
    page = paginate(selectors.events_search(actor, filters), number=parse_positive_int(request.GET.get("page"), 1))
    record_in_forces(
        actor=actor,
        event=EventType.AUDIT_SEARCHED,
        force_ids=[f.pk for f in forces],
        after={"filters": filters.used(), "page": page.number, "results": page.total},
        meta=_meta(request),
    )
    verify_forces = list(policy.forces_where(actor, policy.Action.VERIFY_AUDIT).order_by("name"))
    context = {
        "form": form,
        "page": page,
        "filters_used": bool(filters.used()),
        "verify_forces": verify_forces,
        "export_limit": selectors.EXPORT_LIMIT,
        "breadcrumbs": _crumbs(),
        "nav_key": "audit",
    }
    return render(request, "audit/search.html", context)


def _pretty(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event in full: its data before and after, and its place in the hash chain."""
    actor = _actor(request)
    event = selectors.event_get_for(actor=actor, event_id=event_id)
    record(
        actor=actor,
        event=EventType.AUDIT_SEARCHED,
        obj=event,
        force_id=event.force_id,
        after={"event": event.pk},
        meta=_meta(request),
    )
    context = {
        "event": event,
        "before": _pretty(event.before),
        "after": _pretty(event.after),
        "breadcrumbs": _crumbs({"label": _("Event %(id)s") % {"id": event.pk}, "url": ""}),
        "nav_key": "audit",
    }
    return render(request, "audit/event.html", context)


def _row(event: AuditEvent) -> list[Any]:
    values: list[Any] = [
        event.pk,
        timezone.localtime(event.occurred_at).isoformat(),
        event.event_type,
        event.get_event_type_display(),
        event.actor_id,
        event.actor_name,
        event.force.name if event.force is not None else "",
        event.neighbourhood_id,
        ".".join(event.content_type.natural_key()) if event.content_type is not None else "",
        event.object_id,
        event.object_repr,
        event.request_id,
        event.reason,
        json.dumps(event.before, sort_keys=True, ensure_ascii=False) if event.before is not None else "",
        json.dumps(event.after, sort_keys=True, ensure_ascii=False) if event.after is not None else "",
        event.chain,
        event.seq,
        event.prev_hash,
        event.hash,
    ]
    return values


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The same search as CSV (at most EXPORT_LIMIT rows, newest first), streamed."""
    actor = _actor(request)
    forces = selectors.require_auditor(actor)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _form_error_page(request, form)
    filters: AuditFilters = form.filters()
    # Fixed at the start, so that events written meanwhile (this export's own) are not included.
    events = selectors.events_search(actor, filters).filter(occurred_at__lte=timezone.now())
    total = events.count()
    rows = min(total, selectors.EXPORT_LIMIT)
    record_in_forces(
        actor=actor,
        event=EventType.AUDIT_EXPORTED,
        force_ids=[f.pk for f in forces],
        after={"filters": filters.used(), "rows": rows, "matched": total, "limit": selectors.EXPORT_LIMIT},
        meta=_meta(request),
    )
    return csv_download("audit", CSV_COLUMNS, (_row(e) for e in events[:rows].iterator(chunk_size=2000)))
