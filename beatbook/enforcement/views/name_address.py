"""The page that records a requirement to give a name and address (phone first). Thin: the form
parses, `services.name_address` checks the power held at that moment and writes; a refusal (the
power was not held) is shown with its reason, and nothing is stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import parse_positive_int
from beatbook.core.views import boundaries_geojson
from beatbook.incidents.selectors import incidents_visible_to
from beatbook.org import policy
from beatbook.org.selectors import get_visible
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms.common import now_field_value
from ..forms.name_address import NameAddressForm
from ..reference import RecordKind
from ..services.common import PowerNotHeldError
from ..services.name_address import name_address_require


def client_uuid_of(request: HttpRequest) -> uuid.UUID:
    """The form's own identifier: made when the form is shown, sent back with it, so that a
    submission sent twice is stored once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return uuid.uuid4()


def noting_refusal[T](refusal: list[str], action: Callable[[], T]) -> Callable[[], T]:
    """`action`, keeping the reason of a refusal (the power was not held) for the page to show
    prominently; the refusal still reaches the form as its error."""

    def run() -> T:
        try:
            return action()
        except PowerNotHeldError as exc:
            refusal.append(exc.check.reason)
            raise

    return run


def enforcement_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Enforcement"), reverse("enforcement:register")), *trail)


@require_http_methods(["GET", "POST"])
def name_address_new(request: HttpRequest) -> HttpResponse:
    """Record a requirement to give a name and address (`?incident=<id>` links an incident)."""
    actor = actor_of(request)
    areas = list(policy.neighbourhoods_for(actor, policy.Action.ENFORCE).select_related("force"))
    if not areas:
        raise PermissionDenied(_("You do not have permission to do that."))
    wanted = parse_positive_int(request.GET.get("incident"), 0)
    incident = get_visible(incidents_visible_to(actor), wanted) if wanted else None
    form = NameAddressForm(
        posted(request), initial={"occurred_at": now_field_value(), "incident": incident.pk if incident else None}
    )
    client_uuid = client_uuid_of(request)
    refusal: list[str] = []
    enforcement = submit(
        form,
        noting_refusal(
            refusal,
            lambda: name_address_require(
                actor=actor,
                data=form.record_data(),
                reason=form.cleaned_data["reason"],
                offence_details=form.cleaned_data["offence_details"],
                compliance=form.cleaned_data["compliance"],
                client_uuid=client_uuid,
                meta=meta_of(request),
            ),
        ),
    )
    if enforcement is not None:
        messages.success(request, _("Requirement %(ref)s has been recorded.") % {"ref": enforcement.reference})
        return redirect("enforcement:detail", pk=enforcement.pk)
    context = {
        "form": form,
        "client_uuid": client_uuid,
        "incident": incident,
        "refusal": refusal[0] if refusal else "",
        "kind_label": RecordKind.NAME_ADDRESS.label,
        "boundaries": boundaries_geojson(areas),
        "nav_key": "enforcement",
        "breadcrumbs": enforcement_crumbs((str(RecordKind.NAME_ADDRESS.label), "")),
    }
    return render(request, "enforcement/name_address_form.html", context, status=form_status(form))


urlpatterns: list[URLPattern] = [
    path("name-address/new/", name_address_new, name="name_address_new"),
]
