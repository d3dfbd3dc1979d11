"""The enforcement register (list with filters and CSV), the record page every kind's partial
plugs into (an audited read), and the "record enforcement" chooser. Thin: forms parse, selectors
read in the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from beatbook.core.csvexport import csv_download
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.org import policy
from beatbook.org.selectors import neighbourhoods_visible_to
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of
from beatbook.powers import reference as powers
from beatbook.powers.check import PowerCheck, powers_held_at
from beatbook.powers.reference import PowerKind

from ..forms.register import RegisterFilterForm
from ..reference import SEIZURE_POWER, RecordKind
from ..selectors import dispersal as dispersal_selectors
from ..selectors import register as selectors


def register_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Enforcement register"), reverse("enforcement:register")), *trail)


def _filter_form(request: HttpRequest) -> RegisterFilterForm:
    actor = actor_of(request)
    form = RegisterFilterForm(
        request.GET or None,
        neighbourhoods=neighbourhoods_visible_to(actor),
        officers=selectors.officer_choices(actor),
        powers=selectors.power_choices(actor),
    )
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    return form


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _filter_form(request)
    page = paginate(
        selectors.register_list(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1)
    )
    context = {
        "page": page,
        "rows": [(r, selectors.outcome_of(r), selectors.verdict_short(r.power_check)) for r in page.items],
        "form": form,
        "query": request.GET.urlencode(),
        "can_export": policy.neighbourhoods_in_scope(actor).exists(),
        "can_record": policy.neighbourhoods_for(actor, policy.Action.ENFORCE).exists(),
        "nav_key": "enforcement",
        "breadcrumbs": crumbs((_("Enforcement register"), "")),
    }
    return render(request, "enforcement/register.html", context)


@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    export = selectors.register_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), meta=meta_of(request)
    )
    return csv_download("enforcement-register", selectors.EXPORT_HEADER, export.rows)


@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.record_open_for(actor=actor, pk=pk, meta=meta_of(request))
    context = {
        "record": record,
        "kind_template": f"enforcement/kinds/{record.kind}.html",
        "verdict": selectors.verdict_of(record.power_check),
        "can_change": selectors.may_change(actor, record),
        "can_process_penalties": selectors.may_process_penalties(actor, record),
        "point": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [record.lng, record.lat]},
                    "properties": {"name": record.reference},
                }
            ],
        },
        "nav_key": "enforcement",
        "breadcrumbs": register_crumbs((record.reference, "")),
        **history_context(actor, record),
    }
    return render(request, "enforcement/detail.html", context)


# ---- the chooser -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindEntry:
    """A kind of record on the chooser: the page that records it (None: reached from another
    record), and the powers that allow it (by code, or any power of these kinds)."""

    kind: RecordKind
    url_name: str | None
    codes: frozenset[str] = frozenset()
    power_kinds: frozenset[str] = frozenset()
    hint: Any = ""

    def held_by(self, checks: list[PowerCheck]) -> bool:
        return any(c.code in self.codes or (c.power is not None and c.power.kind in self.power_kinds) for c in checks)


KINDS = (
    KindEntry(RecordKind.NAME_ADDRESS, "enforcement:name_address_new", frozenset({powers.REQUIRE_NAME_ADDRESS})),
    KindEntry(
        RecordKind.DETENTION,
        None,
        frozenset({powers.DETAIN}),
        hint=gettext_lazy("Start it from the record of a name-and-address requirement that was refused."),
    ),
    KindEntry(RecordKind.PENALTY, "enforcement:penalty_new", power_kinds=frozenset({PowerKind.PENALTY})),
    KindEntry(RecordKind.SEIZURE, "enforcement:seizure_new", frozenset(SEIZURE_POWER.values())),
    KindEntry(RecordKind.VEHICLE_WARNING, "enforcement:vehicle_warning_new", frozenset({powers.SEIZE_VEHICLE})),
    KindEntry(RecordKind.DISPERSAL, "enforcement:dispersal_new", frozenset({powers.DISPERSAL})),
)


def _url(name: str | None) -> str | None:
    return None if name is None else reverse(name)


@require_GET
def record_new(request: HttpRequest) -> HttpResponse:
    """What the actor may record now: the kinds whose power they hold, as buttons; the others
    listed as not designated to them."""
    actor = actor_of(request)
    if not policy.neighbourhoods_for(actor, policy.Action.ENFORCE).exists():
        raise PermissionDenied(_("You do not have permission to do that."))
    now = timezone.now()
    checks = powers_held_at(person=actor, at=now)
    authorised = dispersal_selectors.authorisations_to_direct_under(actor, now).exists()
    incident = request.GET.get("incident", "")
    suffix = f"?incident={incident}" if incident.isdigit() else ""  # the kind's page checks it
    entries = []
    for entry in KINDS:
        held = entry.held_by(checks)
        url = _url(entry.url_name) if held else None
        if url is not None:
            url += suffix
        if entry.kind == RecordKind.DISPERSAL and not authorised:
            url = None
        entries.append({"entry": entry, "label": entry.kind.label, "held": held, "url": url})
    context = {
        "entries": entries,
        "dispersal_authorised": authorised,
        "nav_key": "enforcement",
        "breadcrumbs": register_crumbs((_("Record enforcement"), "")),
    }
    return render(request, "enforcement/new.html", context)


urlpatterns = [
    path("", register, name="register"),
    path("export.csv", register_csv, name="register_csv"),
    path("new/", record_new, name="new"),
    path("<int:pk>/", record_detail, name="detail"),
]
