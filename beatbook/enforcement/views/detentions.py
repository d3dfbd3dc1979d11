"""Pages of a detention pending a constable: start one after the officer's own requirement to
give a name and address ("Start detention now", or recorded afterwards with its end), and end
one. The live timer and the end form also show on the record's page (`kinds/detention.html`).
Thin: forms parse, `services.detention` checks the power, the limit and the times, and writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.views.common import actor_of, meta_of, posted

from ..forms.common import now_field_value
from ..forms.detention import DetentionEndForm, DetentionStartForm
from ..models import Detention, EnforcementRecord, NameAddressRequirement
from ..reference import RecordKind
from ..selectors.common import record_get_for
from ..services.common import RecordData
from ..services.detention import detention_end, detention_start, must_end_by, warning_minutes
from .name_address import client_uuid_of, enforcement_crumbs, noting_refusal


def _own(actor: Person, pk: int, kind: RecordKind) -> EnforcementRecord:
    """The actor's own record of this kind: 404 when not visible or of another kind, 403 when
    visible but another officer's (or the actor may no longer record enforcement there)."""
    enforcement = record_get_for(actor=actor, pk=pk)
    if enforcement.kind != kind:
        raise Http404(_("Not found."))
    if enforcement.officer_id != actor.pk or not policy.can(actor, policy.Action.ENFORCE, enforcement):
        raise PermissionDenied(_("Only the officer who made this record may do that."))
    return enforcement


@require_http_methods(["GET", "POST"])
def detention_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a detention after requirement `pk` (the officer's own, refused or suspected false)."""
    actor = actor_of(request)
    source = _own(actor, pk, RecordKind.NAME_ADDRESS)
    requirement = NameAddressRequirement.objects.get(record=source)
    earlier = Detention.objects.filter(requirement=requirement).values_list("record_id", flat=True).first()
    if earlier is not None:
        messages.info(request, _("This requirement already has a detention."))
        return redirect("enforcement:detail", pk=earlier)
    form = DetentionStartForm(
        posted(request), start_now="start_now" in request.POST, initial={"occurred_at": now_field_value()}
    )
    client_uuid = client_uuid_of(request)
    refusal: list[str] = []

    def start() -> EnforcementRecord:
        d = form.cleaned_data
        return detention_start(
            actor=actor,
            requirement_id=source.pk,
            data=RecordData(occurred_at=d["occurred_at"], location_text=d["location_text"], notes=d["notes"]),
            constable_requested_at=d["constable_requested_at"],
            ended_at=d["ended_at"],
            outcome=d["outcome"],
            constable_arrived_at=d["constable_arrived_at"],
            force_used=d["force_used"],
            force_details=d["force_details"],
            client_uuid=client_uuid,
            meta=meta_of(request),
        )

    enforcement = submit(form, noting_refusal(refusal, start))
    if enforcement is not None:
        messages.success(request, _("Detention %(ref)s has started.") % {"ref": enforcement.reference})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context = {
        "form": form,
        "source": source,
        "requirement": requirement,
        "client_uuid": client_uuid,
        "refusal": refusal[0] if refusal else "",
        "nav_key": "enforcement",
        "breadcrumbs": enforcement_crumbs((source.reference, _detail(source)), (_("Start a detention"), "")),
    }
    return render(request, "enforcement/detention_form.html", context, status=form_status(form))


def _detail(enforcement: EnforcementRecord) -> str:
    return reverse("enforcement:detail", args=[enforcement.pk])


@require_http_methods(["GET", "POST"])
def detention_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End the officer's own open detention `pk` (its live timer shows above the form)."""
    actor = actor_of(request)
    enforcement = _own(actor, pk, RecordKind.DETENTION)
    detention = Detention.objects.select_related("requirement__record").get(record=enforcement)
    detention.record = enforcement
    if not detention.is_open and request.method == "GET":
        messages.info(request, _("This detention has already ended."))
        return redirect("enforcement:detail", pk=enforcement.pk)
    form = DetentionEndForm(
        posted(request),
        end_now="end_now" in request.POST,
        initial={"version": enforcement.version, "ended_at": now_field_value()},
    )
    ended = submit(
        form,
        lambda: detention_end(
            actor=actor,
            record=enforcement,
            ended_at=form.cleaned_data["ended_at"],
            outcome=form.cleaned_data["outcome"],
            constable_arrived_at=form.cleaned_data["constable_arrived_at"],
            force_used=form.cleaned_data["force_used"],
            force_details=form.cleaned_data["force_details"],
            expected_version=form.cleaned_data["version"],
            meta=meta_of(request),
        ),
    )
    if ended is not None:
        messages.success(request, _("Detention %(ref)s has ended.") % {"ref": ended.reference})
        return redirect("enforcement:detail", pk=ended.pk)
    warn, urgent = warning_minutes(detention.limit_minutes)
    context: dict[str, Any] = {
        "form": form,
        "record": enforcement,
        "detention": detention,
        "deadline": must_end_by(detention),
        "warn_minutes": warn,
        "urgent_minutes": urgent,
        "nav_key": "enforcement",
        "breadcrumbs": enforcement_crumbs((enforcement.reference, _detail(enforcement)), (_("End the detention"), "")),
    }
    return render(request, "enforcement/detention_end.html", context, status=form_status(form))


urlpatterns: list[URLPattern] = [
    path("<int:pk>/detention/new/", detention_new, name="detention_new"),
    path("<int:pk>/detention/end/", detention_end_view, name="detention_end"),
]
