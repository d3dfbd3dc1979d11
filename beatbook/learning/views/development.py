"""Development pages: the competency frameworks (browse; choose the one a force uses), the CPD
log (list with totals and filters, record, change, delete, CSV export) and PDRs (list, open,
rate, objectives, sign off, acknowledge, reopen). Thin: forms parse, services decide and write,
selectors read in the actor's scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import add_service_errors, form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.learning.forms.development import (
    CpdEntryForm,
    CpdFilterForm,
    ForceFrameworkForm,
    PdrObjectiveForm,
    PdrObjectiveStatusForm,
    PdrOpenForm,
    PdrRatingForm,
    PdrReopenForm,
)
from beatbook.learning.models import ItemKind, Pdr
from beatbook.learning.selectors import development as selectors
from beatbook.learning.services import development as services
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

NAV = "development"


def dev_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Development"), reverse("learning:cpd")), *trail)


# ---- Frameworks ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def framework_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    frameworks = list(selectors.frameworks_list())
    forces = list(selectors.forces_to_choose(actor))
    if request.method == "POST" and not forces:
        raise PermissionDenied(_("You do not have permission to do that."))
    form = ForceFrameworkForm(posted(request), forces=forces, frameworks=frameworks, initial={"adopted_on": today()})
    done = submit(
        form,
        lambda: services.force_framework_set(
            actor=actor,
            force=form.force_chosen(),
            framework=form.framework_chosen(),
            adopted_on=form.cleaned_data["adopted_on"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The force's framework has been set."))
        return redirect("learning:frameworks")
    in_use = selectors.force_frameworks()
    context = {
        "frameworks": frameworks,
        "choices": [{"force": f, "framework": in_use.get(f.pk)} for f in forces],
        "mine": selectors.framework_of_force(actor.force_id),
        "form": form if forces else None,
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((_("Competency frameworks"), "")),
    }
    return render(request, "learning/development/framework_list.html", context, status=form_status(form))


@require_GET
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    framework = selectors.framework_get(code=code)
    items = list(framework.items.all())
    context = {
        "framework": framework,
        "groups": [
            (kind.label, [i for i in items if i.kind == kind])
            for kind in (ItemKind.VALUE, ItemKind.COMPETENCY, ItemKind.CORE_SKILL)
        ],
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((_("Competency frameworks"), reverse("learning:frameworks")), (framework.name, "")),
    }
    return render(request, "learning/development/framework_detail.html", context)


# ---- CPD ----------------------------------------------------------------------------------------


def _cpd_filter_form(request: HttpRequest) -> CpdFilterForm:
    actor = actor_of(request)
    framework = selectors.framework_of_force(actor.force_id)
    form = CpdFilterForm(
        request.GET or None,
        people=list(selectors.cpd_people(actor)),
        years=selectors.years_with_cpd(selectors.cpd_entries_visible_to(actor)),
        items=list(selectors.items_of(framework).select_related("framework")),
    )
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    return form


@require_GET
def cpd_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _cpd_filter_form(request)
    entries = selectors.cpd_list(actor, form.filters())
    page = paginate(entries, number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "totals": selectors.cpd_totals(entries),
        "form": form,
        "query": request.GET.urlencode(),
        "can_record": selectors.framework_of_force(actor.force_id) is not None,
        "nav_key": NAV,
        "breadcrumbs": crumbs((_("Development"), "")),
    }
    return render(request, "learning/development/cpd_list.html", context)


@require_GET
def cpd_export(request: HttpRequest) -> StreamingHttpResponse:
    actor = actor_of(request)
    rows = services.cpd_export(actor=actor, filters=_cpd_filter_form(request).filters(), meta=meta_of(request))
    return csv_download("cpd", selectors.EXPORT_COLUMNS, (selectors.cpd_export_row(e) for e in rows))


def _cpd_form_page(request: HttpRequest, form: CpdEntryForm, title: str, status: int) -> HttpResponse:
    context = {"form": form, "title": title, "nav_key": NAV, "breadcrumbs": dev_crumbs((title, ""))}
    return render(request, "learning/development/cpd_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cpd_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    framework = selectors.framework_of_force(actor.force_id)
    form = CpdEntryForm(posted(request), items=list(selectors.items_of(framework)), initial={"occurred_on": today()})
    entry = submit(
        form,
        lambda: services.cpd_entry_create(actor=actor, data=_cpd_data(form), meta=meta_of(request)),
    )
    if entry is not None:
        messages.success(request, _("The activity has been added to your CPD log."))
        return redirect("learning:cpd_detail", entry_id=entry.pk)
    return _cpd_form_page(request, form, _("Record a CPD activity"), form_status(form))


def _cpd_data(form: CpdEntryForm) -> services.CpdData:
    data = form.cleaned_data
    return services.CpdData(
        occurred_on=data["occurred_on"],
        title=data["title"],
        kind=data["kind"],
        hours=data["hours"],
        reflection=data["reflection"],
        link=data["link"],
        item_ids=form.item_ids(),
    )


@require_GET
def cpd_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.cpd_get_for(actor=actor, entry_id=entry_id)
    context = {
        "entry": entry,
        "items": list(entry.items.all()),
        "is_mine": entry.person_id == actor.pk,
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((entry.title, "")),
    }
    return render(request, "learning/development/cpd_detail.html", context)


@require_http_methods(["GET", "POST"])
def cpd_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.cpd_get_for(actor=actor, entry_id=entry_id, change=True)
    form = CpdEntryForm(
        posted(request), items=list(selectors.items_of(entry.framework)), initial=CpdEntryForm.initial_of(entry)
    )
    done = submit(
        form, lambda: services.cpd_entry_update(actor=actor, entry=entry, data=_cpd_data(form), meta=meta_of(request))
    )
    if done is not None:
        messages.success(request, _("The activity has been changed."))
        return redirect("learning:cpd_detail", entry_id=entry.pk)
    return _cpd_form_page(request, form, _("Change a CPD activity"), form_status(form))


@require_POST
def cpd_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.cpd_get_for(actor=actor, entry_id=entry_id, change=True)
    try:
        services.cpd_entry_delete(actor=actor, entry=entry, meta=meta_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learning:cpd_detail", entry_id=entry.pk)
    messages.success(request, _("The activity has been deleted."))
    return redirect("learning:cpd")


# ---- PDR ----------------------------------------------------------------------------------------


@require_GET
def pdr_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(selectors.pdrs_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "can_open": selectors.managed_people(actor).exists(),
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((_("PDRs"), "")),
    }
    return render(request, "learning/development/pdr_list.html", context)


@require_http_methods(["GET", "POST"])
def pdr_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    people = list(selectors.managed_people(actor).order_by("display_name", "id"))
    if not people:
        raise PermissionDenied(_("You do not have permission to do that."))
    wanted = parse_positive_int(request.GET.get("person"), 0)
    form = PdrOpenForm(posted(request), people=people, initial={"person": wanted or None, "review_year": today().year})
    pdr = submit(
        form,
        lambda: services.pdr_open(
            actor=actor,
            person=form.person_chosen(),
            review_year=form.cleaned_data["review_year"],
            meta=meta_of(request),
        ),
    )
    if pdr is not None:
        messages.success(request, _("The PDR has been opened."))
        return redirect("learning:pdr_detail", pdr_id=pdr.pk)
    context = {
        "form": form,
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((_("PDRs"), reverse("learning:pdrs")), (_("Open a PDR"), "")),
    }
    return render(request, "learning/development/pdr_form.html", context, status=form_status(form))


def _pdr_page(request: HttpRequest, pdr: Pdr, *, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    can_manage = selectors.may_manage_pdr(actor, pdr)
    editable = can_manage and not pdr.is_signed_off
    rows = selectors.pdr_rows(pdr)
    context: dict[str, Any] = {
        "pdr": pdr,
        "rows": rows,
        "objectives": list(pdr.objectives.all()),
        "can_manage": can_manage,
        "editable": editable,
        "can_acknowledge": pdr.person_id == actor.pk and pdr.is_signed_off and pdr.acknowledged_at is None,
        "nav_key": NAV,
        "breadcrumbs": dev_crumbs((_("PDRs"), reverse("learning:pdrs")), (str(pdr.review_year), "")),
    }
    if editable:
        context["rating_form"] = forms.get("rating_form") or PdrRatingForm(
            competencies=[r["competency"] for r in rows],
            options=list(selectors.rating_options_of(pdr.framework)),
            entries=list(selectors.cpd_entries_of(pdr.person, framework=pdr.framework)),
        )
        context["objective_form"] = forms.get("objective_form") or PdrObjectiveForm(
            initial={"due_on": selectors.default_due_on()}
        )
        context["status_form"] = PdrObjectiveStatusForm()
    if can_manage and pdr.is_signed_off:
        context["reopen_form"] = forms.get("reopen_form") or PdrReopenForm()
    context["sign_off_errors"] = forms.get("sign_off_errors", [])
    return render(request, "learning/development/pdr_detail.html", context, status=status)


@require_GET
def pdr_detail(request: HttpRequest, pdr_id: int) -> HttpResponse:
    return _pdr_page(request, selectors.pdr_get_for(actor=actor_of(request), pdr_id=pdr_id))


def _managed_pdr(request: HttpRequest, pdr_id: int) -> Pdr:
    """The PDR (404 when not visible), if the actor is its line manager (403 otherwise)."""
    pdr = selectors.pdr_get_for(actor=actor_of(request), pdr_id=pdr_id)
    if not selectors.may_manage_pdr(actor_of(request), pdr):
        raise PermissionDenied(_("You do not have permission to do that."))
    return pdr


@require_POST
def pdr_rate(request: HttpRequest, pdr_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = _managed_pdr(request, pdr_id)
    form = PdrRatingForm(
        request.POST,
        competencies=[r["competency"] for r in selectors.pdr_rows(pdr)],
        options=list(selectors.rating_options_of(pdr.framework)),
        entries=list(selectors.cpd_entries_of(pdr.person, framework=pdr.framework)),
    )
    done = submit(
        form,
        lambda: services.pdr_rate(
            actor=actor,
            pdr=pdr,
            competency=form.competency_chosen(),
            rating_code=form.cleaned_data["rating"],
            evidence=form.cleaned_data["evidence"],
            cpd_entry_ids=form.cleaned_data["cpd_entries"],
            meta=meta_of(request),
        ),
    )
    if done is None:
        return _pdr_page(request, pdr, status=400, rating_form=form)
    messages.success(request, _("The rating has been recorded."))
    return redirect("learning:pdr_detail", pdr_id=pdr.pk)


@require_POST
def pdr_objective_add(request: HttpRequest, pdr_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = _managed_pdr(request, pdr_id)
    form = PdrObjectiveForm(request.POST)
    done = submit(
        form,
        lambda: services.pdr_objective_add(
            actor=actor,
            pdr=pdr,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            meta=meta_of(request),
        ),
    )
    if done is None:
        return _pdr_page(request, pdr, status=400, objective_form=form)
    messages.success(request, _("The objective has been added."))
    return redirect("learning:pdr_detail", pdr_id=pdr.pk)


@require_POST
def pdr_objective_status(request: HttpRequest, pdr_id: int, objective_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = _managed_pdr(request, pdr_id)
    objective = next((o for o in pdr.objectives.all() if o.pk == objective_id), None)
    form = PdrObjectiveStatusForm(request.POST)
    if objective is None or not form.is_valid():
        return _pdr_page(request, pdr, status=400)
    try:
        services.pdr_objective_set_status(
            actor=actor, objective=objective, status=form.cleaned_data["status"], meta=meta_of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("learning:pdr_detail", pdr_id=pdr.pk)


@require_POST
def pdr_sign_off(request: HttpRequest, pdr_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = _managed_pdr(request, pdr_id)
    try:
        services.pdr_sign_off(actor=actor, pdr=pdr, meta=meta_of(request))
    except ValidationError as exc:
        return _pdr_page(request, pdr, status=400, sign_off_errors=exc.messages)
    messages.success(request, _("The PDR has been signed off."))
    return redirect("learning:pdr_detail", pdr_id=pdr.pk)


@require_POST
def pdr_acknowledge(request: HttpRequest, pdr_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = selectors.pdr_get_for(actor=actor, pdr_id=pdr_id)
    try:
        services.pdr_acknowledge(actor=actor, pdr=pdr, meta=meta_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learning:pdr_detail", pdr_id=pdr.pk)
    messages.success(request, _("You have acknowledged the PDR."))
    return redirect("learning:pdr_detail", pdr_id=pdr.pk)


@require_POST
def pdr_reopen(request: HttpRequest, pdr_id: int) -> HttpResponse:
    actor = actor_of(request)
    pdr = _managed_pdr(request, pdr_id)
    form = PdrReopenForm(request.POST)
    if form.is_valid():
        try:
            services.pdr_reopen(actor=actor, pdr=pdr, reason=form.cleaned_data["reason"], meta=meta_of(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The PDR has been reopened."))
            return redirect("learning:pdr_detail", pdr_id=pdr.pk)
    return _pdr_page(request, pdr, status=400, reopen_form=form)


urlpatterns = [
    path("development/frameworks/", framework_list, name="frameworks"),
    path("development/frameworks/<slug:code>/", framework_detail, name="framework_detail"),
    path("development/cpd/", cpd_list, name="cpd"),
    path("development/cpd/new/", cpd_new, name="cpd_new"),
    path("development/cpd/export.csv", cpd_export, name="cpd_export"),
    path("development/cpd/<int:entry_id>/", cpd_detail, name="cpd_detail"),
    path("development/cpd/<int:entry_id>/edit/", cpd_edit, name="cpd_edit"),
    path("development/cpd/<int:entry_id>/delete/", cpd_delete, name="cpd_delete"),
    path("development/pdrs/", pdr_list, name="pdrs"),
    path("development/pdrs/new/", pdr_new, name="pdr_new"),
    path("development/pdrs/<int:pdr_id>/", pdr_detail, name="pdr_detail"),
    path("development/pdrs/<int:pdr_id>/rate/", pdr_rate, name="pdr_rate"),
    path("development/pdrs/<int:pdr_id>/objectives/", pdr_objective_add, name="pdr_objective_add"),
    path(
        "development/pdrs/<int:pdr_id>/objectives/<int:objective_id>/",
        pdr_objective_status,
        name="pdr_objective_status",
    ),
    path("development/pdrs/<int:pdr_id>/sign-off/", pdr_sign_off, name="pdr_sign_off"),
    path("development/pdrs/<int:pdr_id>/acknowledge/", pdr_acknowledge, name="pdr_acknowledge"),
    path("development/pdrs/<int:pdr_id>/reopen/", pdr_reopen, name="pdr_reopen"),
]
