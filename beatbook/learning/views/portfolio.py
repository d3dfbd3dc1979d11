"""Portfolio pages: a learner's portfolio (evidence and coverage per unit and criterion), an
evidence item (mappings, judgements, the assessor's judgement form, the link to the original
record for those allowed to see it), writing and changing evidence, "Use as evidence" from a
record (a preview of the redacted copy, then the copy), the learner's recent records, and the PDF.
Thin: forms parse, services decide and write, selectors read in the actor's scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import form_status, submit
from beatbook.core.timeutil import today
from beatbook.learning.forms.portfolio import EvidenceForm, FromRecordForm, JudgementForm, MappingForm
from beatbook.learning.models import Enrolment, Evidence, EvidenceKind, EvidenceStatus
from beatbook.learning.selectors import portfolio as selectors
from beatbook.learning.services import portfolio as services
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

NAV = "learning"


def enrolment_url(enrolment: Enrolment) -> str:
    """The enrolment's page (another part of the learning area), or "" until it exists."""
    try:
        return reverse("learning:enrolment_detail", args=[enrolment.pk])
    except NoReverseMatch:
        return ""


def portfolio_crumbs(enrolment: Enrolment, *trail: tuple[str, str]) -> list[Any]:
    name = _("Portfolio of %(name)s") % {"name": enrolment.learner.display_name}
    here = reverse("learning:portfolio", args=[enrolment.pk]) if trail else ""
    return crumbs((_("Learning"), enrolment_url(enrolment)), (name, here), *trail)


# ---- The portfolio ------------------------------------------------------------------------------


@require_GET
def my_portfolio(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's own portfolio (their active enrolment)."""
    enrolment = selectors.active_enrolment_of(actor_of(request))
    if enrolment is None:
        raise Http404(_("You are not on a learning programme."))
    return redirect("learning:portfolio", enrolment_id=enrolment.pk)


@require_GET
def portfolio(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.portfolio_open_for(actor=actor, enrolment_id=enrolment_id, meta=meta_of(request))
    items = list(selectors.evidence_of(enrolment))
    context = {
        "enrolment": enrolment,
        "items": items,
        "coverage": selectors.coverage_of(enrolment),
        "can_write": bool(services.kinds_for(actor, enrolment)) and enrolment.is_active,
        "is_learner": enrolment.learner_id == actor.pk,
        "enrolment_url": enrolment_url(enrolment),
        "nav_key": NAV,
        "breadcrumbs": portfolio_crumbs(enrolment),
    }
    return render(request, "learning/portfolio/portfolio.html", context)


@require_GET
def portfolio_pdf(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    pdf = services.portfolio_pdf(actor=actor, enrolment=enrolment, meta=meta_of(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{enrolment.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- Writing evidence ---------------------------------------------------------------------------


def _data(form: EvidenceForm, kind: str) -> services.EvidenceData:
    data = form.cleaned_data
    return services.EvidenceData(
        kind=kind, title=data["title"], occurred_on=data["occurred_on"], body=data["body"], witness=data["witness"]
    )


def _form_page(request: HttpRequest, enrolment: Enrolment, form: Any, title: str, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "enrolment": enrolment,
        "nav_key": NAV,
        "breadcrumbs": portfolio_crumbs(enrolment, (title, "")),
        **extra,
    }
    return render(request, "learning/portfolio/evidence_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def evidence_new(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.portfolio_get_for(actor=actor, enrolment_id=enrolment_id)
    kinds = services.kinds_for(actor, enrolment)
    if not kinds:
        raise PermissionDenied(_("You do not have permission to do that."))
    initial = {"occurred_on": today(), "kind": kinds[0] if len(kinds) == 1 else ""}
    form = EvidenceForm(posted(request), kinds=kinds, criteria=selectors.criteria_choices(enrolment), initial=initial)
    evidence = submit(
        form,
        lambda: services.evidence_create(
            actor=actor,
            enrolment=enrolment,
            data=_data(form, form.cleaned_data["kind"]),
            criterion_ids=form.cleaned_data["criteria"],
            meta=meta_of(request),
        ),
    )
    if evidence is not None:
        messages.success(request, _("The evidence has been added to the portfolio as a draft."))
        return redirect("learning:evidence_detail", evidence_id=evidence.pk)
    return _form_page(request, enrolment, form, _("Add evidence"))


@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, evidence_id: int) -> HttpResponse:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    if not services.may_handle(actor, evidence):
        raise PermissionDenied(_("You do not have permission to do that."))
    enrolment = evidence.enrolment
    criteria = selectors.criteria_choices(enrolment)
    initial = EvidenceForm.initial_of(evidence)
    meta = meta_of(request)
    form: EvidenceForm | MappingForm
    if evidence.kind == EvidenceKind.OPERATIONAL_RECORD or evidence.author_id != actor.pk:
        form = MappingForm(posted(request), criteria=criteria, initial=initial)
        done = submit(
            form,
            lambda: services.evidence_map(
                actor=actor, evidence=evidence, criterion_ids=form.cleaned_data["criteria"], meta=meta
            ),
        )
    else:
        form = EvidenceForm(posted(request), kinds=[evidence.kind], criteria=criteria, initial=initial)

        def save() -> Evidence:
            with transaction.atomic():
                assert isinstance(form, EvidenceForm)
                services.evidence_update(actor=actor, evidence=evidence, data=_data(form, evidence.kind), meta=meta)
                return services.evidence_map(
                    actor=actor, evidence=evidence, criterion_ids=form.cleaned_data["criteria"], meta=meta
                )

        done = submit(form, save)
    if done is not None:
        messages.success(request, _("The evidence has been changed."))
        return redirect("learning:evidence_detail", evidence_id=evidence.pk)
    return _form_page(request, enrolment, form, _("Change evidence"), evidence=evidence)


# ---- An evidence item ---------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest, evidence: Evidence, *, status: int = 200, judgement_form: JudgementForm | None = None
) -> HttpResponse:
    actor = actor_of(request)
    mappings = list(evidence.mappings.all())
    may_judge = services.may_judge(actor, evidence) and evidence.status == EvidenceStatus.SUBMITTED
    handles = services.may_handle(actor, evidence)
    is_draft = evidence.status == EvidenceStatus.DRAFT
    context = {
        "evidence": evidence,
        "enrolment": evidence.enrolment,
        "mappings": mappings,
        "removed": services.counts_text(evidence.redaction.get("removed", {})) if evidence.source_id else "",
        "original_allowed": selectors.original_url(actor, evidence) is not None,
        "judgement_form": (judgement_form or JudgementForm(criteria=[m.criterion for m in mappings]))
        if may_judge
        else None,
        # A refused judgement's errors, shown even when the form is no longer offered (the
        # evidence was withdrawn while the assessor had the page open).
        "judgement_errors": judgement_form,
        "can_change": handles and is_draft and evidence.enrolment.is_active,
        "can_submit": handles and is_draft and evidence.enrolment.is_active,
        "can_withdraw": handles and evidence.status != EvidenceStatus.WITHDRAWN and evidence.enrolment.is_active,
        "nav_key": NAV,
        "breadcrumbs": portfolio_crumbs(evidence.enrolment, (evidence.title, "")),
    }
    return render(request, "learning/portfolio/evidence_detail.html", context, status=status)


@require_GET
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = selectors.evidence_get_for(actor=actor_of(request), evidence_id=evidence_id)
    return _detail_page(request, evidence)


def _act(request: HttpRequest, evidence_id: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    service = services.evidence_submit if action == "submit" else services.evidence_withdraw
    try:
        service(actor=actor, evidence=evidence, meta=meta_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learning:evidence_detail", evidence_id=evidence.pk)
    if action == "submit":
        messages.success(request, _("The evidence has been submitted for assessment."))
    else:
        messages.success(request, _("The evidence has been withdrawn."))
    return redirect("learning:evidence_detail", evidence_id=evidence.pk)


@require_POST
def evidence_submit(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return _act(request, evidence_id, "submit")


@require_POST
def evidence_withdraw(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return _act(request, evidence_id, "withdraw")


@require_POST
def evidence_judge(request: HttpRequest, evidence_id: int) -> HttpResponse:
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    if not services.may_judge(actor, evidence):
        raise PermissionDenied(_("You do not have permission to do that."))
    criteria = {m.criterion_id: m.criterion for m in evidence.mappings.all()}
    form = JudgementForm(request.POST, criteria=list(criteria.values()))
    done = submit(
        form,
        lambda: services.evidence_judge(
            actor=actor,
            evidence=evidence,
            criterion=criteria[form.cleaned_data["criterion"]],
            judgement=form.cleaned_data["judgement"],
            feedback=form.cleaned_data["feedback"],
            meta=meta_of(request),
        ),
    )
    if done is not None:
        messages.success(request, _("The judgement has been recorded."))
        return redirect("learning:evidence_detail", evidence_id=evidence.pk)
    fresh = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    return _detail_page(request, fresh, status=400, judgement_form=form)


@require_GET
def evidence_original(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """To the original record, for someone who may see it under its own app's rules (audited)."""
    actor = actor_of(request)
    evidence = selectors.evidence_get_for(actor=actor, evidence_id=evidence_id)
    return redirect(selectors.original_open_for(actor=actor, evidence=evidence, meta=meta_of(request)))


# ---- Records as evidence ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evidence_from_record(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    actor = actor_of(request)
    adapter, original = selectors.record_visible_to(actor=actor, source=source, pk=pk)
    enrolment = selectors.active_enrolment_of(actor)
    if enrolment is None:
        raise PermissionDenied(_("Only a learner on a programme can use a record as evidence."))
    title = _("Use as evidence")
    context: dict[str, Any] = {
        "title": title,
        "enrolment": enrolment,
        "label": adapter.short_label(original),
        "back_url": adapter.url_of(original),
        "nav_key": NAV,
        "breadcrumbs": portfolio_crumbs(enrolment, (title, "")),
    }
    try:
        context["preview"] = services.evidence_preview(actor=actor, enrolment=enrolment, record=original)
    except ValidationError as exc:
        context["refusal"] = exc.messages
        return render(request, "learning/portfolio/from_record.html", context, status=400)
    form = FromRecordForm(posted(request), criteria=selectors.criteria_choices(enrolment))
    evidence = submit(
        form,
        lambda: services.evidence_from_record(
            actor=actor,
            enrolment=enrolment,
            record=original,
            criteria=form.cleaned_data["criteria"],
            meta=meta_of(request),
        ),
    )
    if evidence is not None:
        messages.success(request, _("A redacted copy of the record has been added to your portfolio as a draft."))
        return redirect("learning:evidence_detail", evidence_id=evidence.pk)
    context["form"] = form
    return render(request, "learning/portfolio/from_record.html", context, status=form_status(form))


@require_GET
def evidence_records(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    enrolment = selectors.active_enrolment_of(actor)
    title = _("Your records to use as evidence")
    context = {
        "title": title,
        "enrolment": enrolment,
        "records": selectors.eligible_records(actor) if enrolment is not None else [],
        "nav_key": NAV,
        "breadcrumbs": portfolio_crumbs(enrolment, (title, "")) if enrolment else crumbs((title, "")),
    }
    return render(request, "learning/portfolio/records.html", context)


urlpatterns: list[URLPattern] = [
    path("portfolio/", my_portfolio, name="my_portfolio"),
    path("enrolments/<int:enrolment_id>/portfolio/", portfolio, name="portfolio"),
    path("enrolments/<int:enrolment_id>/portfolio.pdf", portfolio_pdf, name="portfolio_pdf"),
    path("enrolments/<int:enrolment_id>/evidence/new/", evidence_new, name="evidence_new"),
    path("evidence/records/", evidence_records, name="evidence_records"),
    path("evidence/from/<str:source>/<int:pk>/", evidence_from_record, name="evidence_from_record"),
    path("evidence/<int:evidence_id>/", evidence_detail, name="evidence_detail"),
    path("evidence/<int:evidence_id>/edit/", evidence_edit, name="evidence_edit"),
    path("evidence/<int:evidence_id>/submit/", evidence_submit, name="evidence_submit"),
    path("evidence/<int:evidence_id>/withdraw/", evidence_withdraw, name="evidence_withdraw"),
    path("evidence/<int:evidence_id>/judge/", evidence_judge, name="evidence_judge"),
    path("evidence/<int:evidence_id>/original/", evidence_original, name="evidence_original"),
]
