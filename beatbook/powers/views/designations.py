"""Pages of officer designations: "my powers" (phone first), the list with filters, the
designation card, and designating, withdrawing and changing (the force administrator). Thin:
forms parse, services decide and write, selectors read in the actor's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.learning.selectors import training as learning_selectors
from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms.designations import ChangeForm, DesignationForm, FilterForm, MomentForm, WithdrawForm
from ..models import Designation
from ..reference import Extent
from ..selectors import designations as selectors
from ..services import designations as services

DENIED = "You do not have permission to do that."


def designation_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Designations"), reverse("powers:designations")), *trail)


# ---- My powers ------------------------------------------------------------------------------------


@require_GET
def my_powers(request: HttpRequest) -> HttpResponse:
    """The powers the signed-in person holds now (or held at `?at=`), with what each allows, and
    their training."""
    actor = actor_of(request)
    form = MomentForm(request.GET if "at" in request.GET else None)
    asked = form.moment()
    at = asked or timezone.now()
    groups = [
        {
            "label": group.label,
            "rows": [
                {
                    "check": check,
                    "limits": selectors.limits_in_words(check.parameters),
                    "limited_by_force": check.force_designation is not None
                    and check.force_designation.extent == Extent.LIMITED,
                }
                for check in group.checks
            ],
        }
        for group in selectors.powers_held_grouped(actor, at)
    ]
    training = [
        {"record": record, "state": learning_selectors.state_of(record)}
        for record in learning_selectors.latest_training_of(actor)
    ]
    context = {
        "groups": groups,
        "at": at,
        "asked": asked is not None,
        "form": form,
        "training": training,
        "states": learning_selectors.RecordState,
        "nav_key": "powers",
        "breadcrumbs": crumbs((_("My powers"), "")),
    }
    return render(request, "powers/mine.html", context, status=400 if form.errors else 200)


# ---- The list and the card ------------------------------------------------------------------------


def _row(designation: Designation, now: dt.datetime) -> dict[str, Any]:
    status = selectors.status_of(designation, now)
    return {
        "designation": designation,
        "status": status,
        "label": selectors.Status.LABELS[status],
        "soon": selectors.expires_soon(designation, now),
    }


@require_GET
def designation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = FilterForm(request.GET or None, people=list(selectors.people_in_view(actor)))
    if form.is_bound:
        form.is_valid()  # fills cleaned_data; bad values are ignored by filters()
    page = paginate(
        selectors.designation_list(actor, form.filters()), number=parse_positive_int(request.GET.get("page"), 1)
    )
    now = timezone.now()
    context = {
        "page": page,
        "rows": [_row(d, now) for d in page.items],
        "form": form,
        "query": request.GET.urlencode(),
        "can_designate": policy.forces_where(actor, policy.Action.DESIGNATE_POWERS).exists(),
        "nav_key": "powers",
        "breadcrumbs": crumbs((_("Designations"), "")),
    }
    return render(request, "powers/designations/list.html", context)


@require_GET
def designation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    designation = selectors.designation_get_for(actor=actor, designation_id=pk)
    status = selectors.status_of(designation)
    force_designations = selectors.power_descriptions(designation, max(designation.valid_from, today()))
    powers = [
        {
            "dp": dp,
            "force_designation": force_designations.get(dp.power_id),
            "limits": selectors.limits_in_words(
                {**dp.power.parameters, **getattr(force_designations.get(dp.power_id), "parameters", {})}
            ),
        }
        for dp in designation.designation_powers.all()
    ]
    standing = status in (selectors.Status.IN_FORCE, selectors.Status.NOT_YET) and designation.withdrawn_at is None
    context = {
        "designation": designation,
        "status": status,
        "status_label": selectors.Status.LABELS[status],
        "soon": selectors.expires_soon(designation),
        "powers": powers,
        "chain": selectors.designation_chain(designation),
        "can_manage": standing and policy.can(actor, policy.Action.DESIGNATE_POWERS, designation),
        "nav_key": "powers",
        "breadcrumbs": designation_crumbs((designation.reference, "")),
    }
    return render(request, "powers/designations/detail.html", context)


# ---- Designate, withdraw, change ------------------------------------------------------------------


def _force_for(request: HttpRequest) -> tuple[Force, list[Force]]:
    """The force to designate in (`?force=<slug>` among those the actor administers; 403 if none)."""
    forces = policy.require_forces(actor_of(request), policy.Action.DESIGNATE_POWERS)
    wanted = request.GET.get("force", "")
    return next((f for f in forces if f.slug == wanted), forces[0]), forces


@require_http_methods(["GET", "POST"])
def designation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    force, forces = _force_for(request)
    people = list(selectors.people_to_designate(actor, force))
    on = today()
    wanted = parse_positive_int(request.GET.get("person"), 0)
    form = DesignationForm(
        posted(request),
        people=people,
        offered=selectors.force_designated_powers(force, on),
        initial={"valid_from": on, "signed_on": on, "person": wanted or None},
    )
    designation = submit(
        form,
        lambda: services.designation_create(
            actor=actor,
            person=form.person_chosen(),
            powers=form.grants(),
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
            signed_by_name=form.cleaned_data["signed_by_name"],
            signed_on=form.cleaned_data["signed_on"],
            meta=meta_of(request),
        ),
    )
    if designation is not None:
        messages.success(request, _("Designation %(ref)s has been recorded.") % {"ref": designation.reference})
        return redirect("powers:designation_detail", pk=designation.pk)
    context = {
        "form": form,
        "force": force,
        "forces": forces,
        "nav_key": "powers",
        "breadcrumbs": designation_crumbs((_("Designate a PCSO"), "")),
    }
    return render(request, "powers/designations/form.html", context, status=form_status(form))


def _managed(request: HttpRequest, pk: int) -> Designation:
    """The designation, if the actor may withdraw or change it: 404 unseen, 403 not theirs to manage."""
    return selectors.designation_get_for(
        actor=actor_of(request), designation_id=pk, action=policy.Action.DESIGNATE_POWERS
    )


@require_http_methods(["GET", "POST"])
def designation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    designation = _managed(request, pk)
    form = WithdrawForm(posted(request))
    done = submit(
        form,
        lambda: services.designation_withdraw(
            actor=actor_of(request), designation=designation, reason=form.cleaned_data["reason"], meta=meta_of(request)
        ),
    )
    if done is not None:
        messages.success(request, _("Designation %(ref)s has been withdrawn.") % {"ref": done.reference})
        return redirect("powers:designation_detail", pk=done.pk)
    context = {
        "form": form,
        "designation": designation,
        "nav_key": "powers",
        "breadcrumbs": designation_crumbs(
            (designation.reference, reverse("powers:designation_detail", args=[pk])), (_("Withdraw"), "")
        ),
    }
    return render(request, "powers/designations/withdraw.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def designation_change(request: HttpRequest, pk: int) -> HttpResponse:
    designation = _managed(request, pk)
    on = today()
    current = list(designation.designation_powers.all())
    initial: dict[str, Any] = {
        "powers": [dp.power_id for dp in current],
        "valid_to": designation.valid_to,
        "signed_on": on,
        **{f"conditions_{dp.power_id}": dp.conditions for dp in current},
    }
    form = ChangeForm(
        posted(request),
        offered=selectors.force_designated_powers(designation.force, max(on, designation.valid_from)),
        initial=initial,
    )
    new = submit(
        form,
        lambda: services.designation_change(
            actor=actor_of(request),
            designation=designation,
            powers=form.grants(),
            valid_to=form.cleaned_data["valid_to"],
            signed_by_name=form.cleaned_data["signed_by_name"],
            signed_on=form.cleaned_data["signed_on"],
            reason=form.cleaned_data["reason"],
            meta=meta_of(request),
        ),
    )
    if new is not None:
        messages.success(
            request,
            _("Designation %(old)s has been withdrawn and %(new)s made in its place.")
            % {"old": designation.reference, "new": new.reference},
        )
        return redirect("powers:designation_detail", pk=new.pk)
    context = {
        "form": form,
        "designation": designation,
        "nav_key": "powers",
        "breadcrumbs": designation_crumbs(
            (designation.reference, reverse("powers:designation_detail", args=[pk])), (_("Change"), "")
        ),
    }
    return render(request, "powers/designations/change.html", context, status=form_status(form))


urlpatterns = [
    path("", my_powers, name="mine"),
    path("designations/", designation_list, name="designations"),
    path("designations/new/", designation_new, name="designation_new"),
    path("designations/<int:pk>/", designation_detail, name="designation_detail"),
    path("designations/<int:pk>/withdraw/", designation_withdraw, name="designation_withdraw"),
    path("designations/<int:pk>/change/", designation_change, name="designation_change"),
]
