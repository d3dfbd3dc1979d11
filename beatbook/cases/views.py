"""ASB case pages: the list with filters and CSV; open a case from incidents; the case page
(audited read) with its forms; information-sharing agreements. Thin: forms parse, services decide
and write, selectors read in the actor's scope.

A partner user sees a shared case through `selectors.CaseView`: the template shows only the
parts `view.allows(category)` permits, and the selector does not even read the others.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.csvexport import csv_download
from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.incidents import selectors as incident_selectors
from beatbook.incidents.models import Incident
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.selectors import NOT_FOUND, get_visible, neighbourhoods_visible_to
from beatbook.org.views.common import actor_of, crumbs, history_context, meta_of, posted

from . import selectors, services
from .forms import (
    ActionForm,
    AgreementForm,
    CaseEditForm,
    CaseForm,
    CloseForm,
    ConferenceForm,
    ConfirmForm,
    EndAgreementForm,
    FilterForm,
    FinishForm,
    LinkForm,
    PartyForm,
    RiskForm,
    ShareForm,
    TaskForm,
    incident_label,
)
from .models import AsbCase, PartnerTask, SharingAgreement
from .reference import ActionStatus, DataCategory, TaskStatus, Vulnerability

# The incidents offered as ticks: the newest few of the last weeks (older ones by reference).
RECENT_INCIDENT_DAYS = 90
RECENT_INCIDENT_LIMIT = 25

Choices = list[tuple[Any, str]]


def case_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("ASB cases"), reverse("cases:list")), *trail)


def agreement_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return case_crumbs((_("Information-sharing agreements"), reverse("cases:agreements")), *trail)


def _detail_url(case_id: int, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


# ---- choices (each one query) -------------------------------------------------------------------


def _people(force_ids: Iterable[int]) -> Choices:
    return [(p.pk, str(p)) for fid in sorted(set(force_ids)) for p in selectors.lead_choices(fid)]


def _partners(force_id: int) -> Choices:
    return [(p.pk, p.name) for p in selectors.partners_of(force_id)]


def _recent(incidents: Any, first: Incident | None = None) -> Choices:
    since = timezone.now() - dt.timedelta(days=RECENT_INCIDENT_DAYS)
    rows = list(incidents.filter(occurred_at__gte=since)[:RECENT_INCIDENT_LIMIT])
    if first is not None and first not in rows:
        rows.insert(0, first)
    return [(i.pk, incident_label(i)) for i in rows]


# ---- list and export ----------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> FilterForm:
    actor = actor_of(request)
    form = FilterForm(
        request.GET or None,
        neighbourhoods=neighbourhoods_visible_to(actor),
        partner=selectors.is_partner(actor),
    )
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    return form


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    partner = selectors.is_partner(actor)
    form = _filter_form(request)
    page = paginate(selectors.case_list(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1))
    manages = not partner and selectors.managing_neighbourhoods(actor).exists()
    context = {
        "page": page,
        "form": form,
        "query": request.GET.urlencode(),
        "is_partner": partner,
        "can_open": manages,
        "can_export": manages,
        "nav_key": "cases",
        "breadcrumbs": crumbs((_("ASB cases"), "")),
    }
    return render(request, "cases/list.html", context)


@require_GET
def case_export(request: HttpRequest) -> StreamingHttpResponse:
    export = services.cases_export(
        actor=actor_of(request), filters=_filter_form(request).filters(), meta=meta_of(request)
    )
    return csv_download("asb-cases", services.EXPORT_HEADER, export.rows)


# ---- open a case --------------------------------------------------------------------------------


def _client_uuid(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """Open a case from incidents (`?incident=<id>` ticks one), in a neighbourhood where the
    actor manages cases."""
    actor = actor_of(request)
    managing = list(selectors.managing_neighbourhoods(actor))
    if not managing or selectors.is_partner(actor):
        raise PermissionDenied(_("You do not have permission to do that."))
    visible = incident_selectors.incidents_visible_to(actor)
    wanted = parse_positive_int(request.GET.get("incident"), 0)
    first = visible.filter(pk=wanted).first() if wanted else None
    form = CaseForm(
        posted(request),
        initial={"incidents": [first.pk] if first else [], "copy_people": True},
        incidents=_recent(visible.filter(neighbourhood__in=[nb.pk for nb in managing]), first),
        lookup=visible,
        neighbourhoods=selectors.managing_neighbourhoods(actor),
        people=_people(nb.force_id for nb in managing),
    )
    client_uuid = _client_uuid(request)
    case = submit(
        form,
        lambda: services.case_open(
            actor=actor,
            data=form.case_data(),
            incident_ids=form.incident_ids(),
            copy_people=form.cleaned_data["copy_people"],
            client_uuid=client_uuid,
            meta=meta_of(request),
        ),
    )
    if case is not None:
        messages.success(request, _("Case %(ref)s has been opened.") % {"ref": case.reference})
        return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "client_uuid": client_uuid,
        "single_neighbourhood": len(managing) == 1,
        "nav_key": "cases",
        "breadcrumbs": case_crumbs((_("Open a case"), "")),
    }
    return render(request, "cases/form.html", context, status=form_status(form))


# ---- the case page ------------------------------------------------------------------------------


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_detail(request, case_id)


def _render_detail(
    request: HttpRequest, case_id: int, status: int = 200, failed: forms.Form | None = None, **bound: Any
) -> HttpResponse:
    """The case page, as the actor may see it. The read is audited (also when a refused form
    shows the page again: it shows the case again). `failed` is a form the service or its
    own checks refused: its errors head the page, and it replaces its blank copy."""
    actor = actor_of(request)
    view = selectors.case_open_for(actor=actor, case_id=case_id, meta=meta_of(request))
    case = view.case
    can_manage = case.is_open and selectors.may_manage(actor, case)
    can_share = not view.is_partner_view and selectors.may_share(actor, case)
    context: dict[str, Any] = {
        "view": view,
        "case": case,
        "show": {c: view.allows(c) for c in DataCategory.values},
        "can_manage": can_manage,
        "can_share": can_share,
        "failed": failed,
        "today": timezone.localdate(),
        "parties": [(p, _vulnerability_labels(p.vulnerabilities)) for p in view.parties],
        "nav_key": "cases",
        "breadcrumbs": case_crumbs((case.reference, "")),
        "actions": [(a, None) for a in view.actions],
        "tasks": [(t, None) for t in view.tasks],
    }
    if view.partner is not None:
        context["agreement_titles"] = list(
            selectors.partner_shares(actor)
            .filter(case_id=case.pk)
            .order_by("agreement__title")
            .values_list("agreement__title", flat=True)
            .distinct()
        )
    else:
        context.update(history_context(actor, case))
    if can_manage:
        context.update(_manage_forms(actor, view, bound))
    if case.is_open and (can_manage or view.partner is not None):
        own = view.partner.pk if view.partner is not None and not can_manage else None
        context["tasks"] = [(t, _finish_form(bound, "task", t.pk) if _finishable(t, own) else None) for t in view.tasks]
    if can_share and case.is_open:
        agreements = [(a.pk, f"{a.title} ({a.partner.name})") for a in selectors.agreements_to_share_under(case)]
        share_form = bound.get("share_form") or ShareForm(prefix="share")
        context["share_form"] = share_form.set_choices(agreement=agreements)
    return render(request, "cases/detail.html", context, status=status)


def _vulnerability_labels(codes: list[str]) -> list[str]:
    return [str(Vulnerability(c).label) for c in codes if c in Vulnerability.values]


def _finishable(task: PartnerTask, own_partner_id: int | None) -> bool:
    """Does the page offer a result form for the task: any open one to the case's managers
    (`own_partner_id` None), their own organisation's open ones to a partner user."""
    return task.status == TaskStatus.OPEN and own_partner_id in (None, task.partner_id)


def _finish_form(bound: dict[str, Any], kind: str, pk: int) -> FinishForm:
    prefix = f"{kind}-{pk}"
    form = bound.get("finish_form")
    if isinstance(form, FinishForm) and form.prefix == prefix:
        return form
    return FinishForm(prefix=prefix)


def _manage_forms(actor: Person, view: selectors.CaseView, bound: dict[str, Any]) -> dict[str, Any]:
    """The blank forms of the case page (a refused one comes back bound, with its errors)."""
    case = view.case
    people = _people([case.force_id])
    partners = _partners(case.force_id)
    version = {"version": case.version}
    linkable = selectors.linkable_incidents(actor, case).filter(neighbourhood_id=case.neighbourhood_id)
    link_form = bound.get("link_form") or LinkForm(prefix="link", lookup=incident_selectors.incidents_visible_to(actor))
    link_form.setup_incidents(_recent(linkable), link_form.lookup)
    parties = [(p.pk, f"{p.name} ({p.get_role_display()})") for p in view.parties]
    return {
        "link_form": link_form,
        "party_form": bound.get("party_form") or PartyForm(prefix="party"),
        "risk_form": bound.get("risk_form") or RiskForm(prefix="risk", initial=version | {"level": case.risk_level}),
        "action_form": (bound.get("action_form") or ActionForm(prefix="action")).set_choices(
            party=parties, owner=people, owner_partner=partners
        ),
        "task_form": (bound.get("task_form") or TaskForm(prefix="task")).set_choices(partner=partners),
        "conference_form": (bound.get("conference_form") or ConferenceForm(prefix="conference")).set_choices(
            attendees=people, partners=partners
        ),
        "close_form": bound.get("close_form") or CloseForm(prefix="close", initial=version),
        "actions": [
            (a, _finish_form(bound, "action", a.pk) if a.status == ActionStatus.PLANNED else None) for a in view.actions
        ],
    }


def _managed(request: HttpRequest, case_id: int, action: policy.Action = policy.Action.MANAGE_ASB_CASES) -> AsbCase:
    """The case, once the actor may act on it (404 if they do not see it, 403 if only that)."""
    return selectors.case_get_for(actor=actor_of(request), case_id=case_id, action=action)


def _outcome(
    request: HttpRequest, case_id: int, form: forms.Form, key: str, run: Callable[[], Any], message: str, anchor: str
) -> HttpResponse:
    """Run the service on a valid form: back to the case with a message, or the page again (400)
    with the form's errors."""
    done = submit(form, run)
    if done is not None:
        messages.success(request, message)
        return redirect(_detail_url(case_id, anchor))
    return _render_detail(request, case_id, status=400, failed=form, **{key: form})


def _closed(request: HttpRequest, case: AsbCase) -> HttpResponse:
    messages.error(request, _("This case is closed: nothing can be added to it or changed."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_link(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    visible = incident_selectors.incidents_visible_to(actor)
    form = LinkForm(request.POST, prefix="link", lookup=visible)
    return _outcome(
        request,
        case.pk,
        form,
        "link_form",
        lambda: services.case_link_incidents(
            actor=actor, case=case, incident_ids=form.incident_ids(), meta=meta_of(request)
        ),
        _("The incidents have been linked."),
        "incidents",
    )


@require_POST
def party_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = PartyForm(request.POST, prefix="party")
    return _outcome(
        request,
        case.pk,
        form,
        "party_form",
        lambda: services.case_add_party(actor=actor, case=case, data=form.party_data(), meta=meta_of(request)),
        _("The party has been added."),
        "parties",
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    if not case.is_open and request.method == "GET":
        return _closed(request, case)
    party = get_visible(case.parties.select_related("case"), party_id)
    form = PartyForm(posted(request), initial=PartyForm.initial_for(party))
    saved = submit(
        form,
        lambda: services.case_update_party(actor=actor, party=party, data=form.party_data(), meta=meta_of(request)),
    )
    if saved is not None:
        messages.success(request, _("The party has been updated."))
        return redirect(_detail_url(case.pk, "parties"))
    context = {
        "form": form,
        "case": case,
        "party": party,
        "nav_key": "cases",
        "breadcrumbs": case_crumbs((case.reference, _detail_url(case.pk)), (_("Change a party"), "")),
    }
    return render(request, "cases/party_edit.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    if not case.is_open and request.method == "GET":
        return _closed(request, case)
    initial = {"title": case.title, "summary": case.summary, "lead": case.lead_id, "version": case.version}
    form = CaseEditForm(posted(request), initial=initial, people=_people([case.force_id]))
    saved = submit(
        form,
        lambda: services.case_update(
            actor=actor,
            case=case,
            changes=form.changes(),
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("Case %(ref)s has been updated.") % {"ref": saved.reference})
        return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "nav_key": "cases",
        "breadcrumbs": case_crumbs((case.reference, _detail_url(case.pk)), (_("Edit"), "")),
    }
    return render(request, "cases/edit.html", context, status=form_status(form))


@require_POST
def case_assess_risk(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = RiskForm(request.POST, prefix="risk")
    return _outcome(
        request,
        case.pk,
        form,
        "risk_form",
        lambda: services.case_assess_risk(
            actor=actor,
            case=case,
            level=form.cleaned_data["level"],
            notes=form.cleaned_data["notes"],
            review_on=form.cleaned_data["review_on"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
        _("The risk has been assessed."),
        "risk",
    )


@require_POST
def action_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = ActionForm(request.POST, prefix="action")
    return _outcome(
        request,
        case.pk,
        form,
        "action_form",
        lambda: services.case_add_action(actor=actor, case=case, data=form.action_data(), meta=meta_of(request)),
        _("The action has been added."),
        "actions",
    )


@require_POST
def action_finish(request: HttpRequest, case_id: int, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    action = get_visible(case.actions.select_related("case"), action_id)
    form = FinishForm(request.POST, prefix=f"action-{action.pk}")
    return _outcome(
        request,
        case.pk,
        form,
        "finish_form",
        lambda: services.case_finish_action(
            actor=actor,
            action=action,
            status=form.cleaned_data["status"],
            result=form.cleaned_data["result"],
            completed_on=form.cleaned_data["completed_on"],
            meta=meta_of(request),
        ),
        _("The action's result has been recorded."),
        "actions",
    )


@require_POST
def task_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = TaskForm(request.POST, prefix="task")
    return _outcome(
        request,
        case.pk,
        form,
        "task_form",
        lambda: services.case_add_task(
            actor=actor,
            case=case,
            partner_id=form.cleaned_data["partner"],
            description=form.cleaned_data["description"],
            due_on=form.cleaned_data["due_on"],
            meta=meta_of(request),
        ),
        _("The partner task has been added."),
        "tasks",
    )


@require_POST
def task_finish(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    """The case's managers, or a member of the task's organisation, record a task's result."""
    actor = actor_of(request)
    task = selectors.task_get_for(actor=actor, task_id=task_id)
    if task.case_id != case_id:
        raise Http404(_(NOT_FOUND))
    if not selectors.may_update_task(actor, task):
        raise PermissionDenied(_("You do not have permission to do that."))
    form = FinishForm(request.POST, prefix=f"task-{task.pk}")
    return _outcome(
        request,
        case_id,
        form,
        "finish_form",
        lambda: services.task_finish(
            actor=actor,
            task=task,
            status=form.cleaned_data["status"],
            result=form.cleaned_data["result"],
            completed_on=form.cleaned_data["completed_on"],
            meta=meta_of(request),
        ),
        _("The task's result has been recorded."),
        "tasks",
    )


@require_POST
def conference_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = ConferenceForm(request.POST, prefix="conference")
    return _outcome(
        request,
        case.pk,
        form,
        "conference_form",
        lambda: services.case_record_conference(
            actor=actor,
            case=case,
            held_on=form.cleaned_data["held_on"],
            decisions=form.cleaned_data["decisions"],
            attendee_ids=form.cleaned_data["attendees"],
            partner_ids=form.cleaned_data["partners"],
            other_attendees=form.cleaned_data["other_attendees"],
            meta=meta_of(request),
        ),
        _("The case conference has been recorded."),
        "conferences",
    )


@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id)
    form = CloseForm(request.POST, prefix="close")
    return _outcome(
        request,
        case.pk,
        form,
        "close_form",
        lambda: services.case_close(
            actor=actor,
            case=case,
            reason=form.cleaned_data["reason"],
            notes=form.cleaned_data["notes"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
        _("The case has been closed."),
        "",
    )


@require_POST
def case_share(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = _managed(request, case_id, policy.Action.SHARE_ASB_CASES)
    form = ShareForm(request.POST, prefix="share")
    return _outcome(
        request,
        case.pk,
        form,
        "share_form",
        lambda: services.case_share(
            actor=actor, case=case, agreement_id=form.cleaned_data["agreement"], meta=meta_of(request)
        ),
        _("The case has been shared."),
        "sharing",
    )


@require_POST
def case_unshare(request: HttpRequest, case_id: int, share_id: int) -> HttpResponse:
    """Stop sharing (also on a closed case: it takes access away)."""
    actor = actor_of(request)
    case = _managed(request, case_id, policy.Action.SHARE_ASB_CASES)
    share = get_visible(case.shares.select_related("case"), share_id)
    form = ConfirmForm(request.POST)
    return _outcome(
        request,
        case.pk,
        form,
        "unshare_form",
        lambda: services.case_unshare(actor=actor, share=share, meta=meta_of(request)),
        _("The case is no longer shared under that agreement."),
        "sharing",
    )


# ---- information-sharing agreements ---------------------------------------------------------------


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The agreements of the actor's forces (a partner user: their organisation's, read-only)."""
    actor = actor_of(request)
    page = paginate(selectors.agreements_visible_to(actor), number=parse_positive_int(request.GET.get("page"), 1))
    context = {
        "page": page,
        "today": timezone.localdate(),
        "can_create": policy.forces_where(actor, policy.Action.MANAGE_SHARING_AGREEMENTS).exists(),
        "nav_key": "cases",
        "breadcrumbs": case_crumbs((_("Information-sharing agreements"), "")),
    }
    return render(request, "cases/agreements.html", context)


@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.MANAGE_SHARING_AGREEMENTS)
    force = next((f for f in forces if f.slug == request.GET.get("force")), forces[0])
    form = AgreementForm(posted(request), partners=_partners(force.pk))
    agreement = submit(
        form,
        lambda: services.agreement_create(actor=actor, force=force, data=form.agreement_data(), meta=meta_of(request)),
    )
    if agreement is not None:
        messages.success(request, _("The agreement %(title)s has been recorded.") % {"title": agreement.title})
        return redirect("cases:agreement", agreement_id=agreement.pk)
    context = {
        "form": form,
        "force": force,
        "forces": forces,
        "nav_key": "cases",
        "breadcrumbs": agreement_crumbs((_("Record an agreement"), "")),
    }
    return render(request, "cases/agreement_form.html", context, status=form_status(form))


def _agreement_page(
    request: HttpRequest,
    agreement: SharingAgreement,
    can_manage: bool,
    status: int = 200,
    form: AgreementForm | None = None,
    end_form: EndAgreementForm | None = None,
) -> HttpResponse:
    context = {
        "agreement": agreement,
        "can_manage": can_manage,
        "today": timezone.localdate(),
        "form": form or AgreementForm(initial=AgreementForm.initial_for(agreement)),
        "end_form": end_form or EndAgreementForm(initial={"ended_early_on": timezone.localdate()}),
        "nav_key": "cases",
        "breadcrumbs": agreement_crumbs((agreement.title, "")),
    }
    return render(request, "cases/agreement_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """An agreement; force administrators change it here (its organisation cannot change)."""
    actor = actor_of(request)
    agreement = selectors.agreement_get_for(actor=actor, agreement_id=agreement_id)
    can_manage = policy.can(actor, policy.Action.MANAGE_SHARING_AGREEMENTS, agreement)
    if request.method != "POST":
        return _agreement_page(request, agreement, can_manage)
    if not can_manage:
        raise PermissionDenied(_("You do not have permission to do that."))
    form = AgreementForm(request.POST, initial=AgreementForm.initial_for(agreement))
    saved = submit(
        form,
        lambda: services.agreement_update(
            actor=actor,
            agreement=agreement,
            data=form.agreement_data(partner_id=agreement.partner_id),
            ended_early_on=agreement.ended_early_on,
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("The agreement has been updated."))
        return redirect("cases:agreement", agreement_id=agreement.pk)
    return _agreement_page(request, agreement, can_manage, status=400, form=form)


@require_POST
def agreement_end(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """End an agreement early: from the day after the given one, its partner sees nothing under it."""
    actor = actor_of(request)
    agreement = selectors.agreement_get_for(actor=actor, agreement_id=agreement_id)
    policy.require(actor, policy.Action.MANAGE_SHARING_AGREEMENTS, agreement)
    form = EndAgreementForm(request.POST)
    data = services.AgreementData(
        partner_id=agreement.partner_id,
        title=agreement.title,
        purpose=agreement.purpose,
        data_categories=tuple(agreement.data_categories),
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
    )
    saved = submit(
        form,
        lambda: services.agreement_update(
            actor=actor,
            agreement=agreement,
            data=data,
            ended_early_on=form.cleaned_data["ended_early_on"],
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("The agreement has been ended early."))
        return redirect("cases:agreement", agreement_id=agreement.pk)
    return _agreement_page(request, agreement, True, status=400, end_form=form)
