"""What every organisation page shares: the actor, audit metadata, breadcrumbs, history."""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from beatbook.audit import selectors as audit_selectors
from beatbook.audit.services import AuditMeta
from beatbook.core.middleware import request_id_of

from .. import policy
from ..models import Force, Person
from ..policy import Action


class Crumb(TypedDict):
    label: str
    url: str


def actor_of(request: HttpRequest) -> Person:
    actor = request.user
    assert isinstance(actor, Person)
    return actor


def meta_of(request: HttpRequest) -> AuditMeta:
    return AuditMeta(request_id=request_id_of(request))


def crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return [Crumb(label=str(_("Home")), url=reverse("core:home")), *(Crumb(label=lb, url=u) for lb, u in trail)]


def people_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return crumbs((_("People"), reverse("org:people")), *trail)


def neighbourhood_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return crumbs((_("Neighbourhoods"), reverse("org:neighbourhoods")), *trail)


def team_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return crumbs((_("Teams"), reverse("org:teams")), *trail)


def partner_crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    return crumbs((_("Partner organisations"), reverse("org:partners")), *trail)


def history_context(actor: Person, obj: Model) -> dict[str, Any]:
    """The "History" section's context: the object's audit events, or None (no section) for
    those who may not see them. `history_type_id` tells events about the object itself from
    those about a related row (a person's postings)."""
    return {
        "history": audit_selectors.history_of(actor, obj),
        "history_type_id": ContentType.objects.get_for_model(obj).pk,
        "history_limit": audit_selectors.HISTORY_LIMIT,
    }


def structure_forces(actor: Person) -> list[Force]:
    """The forces whose structure the actor manages; 403 when there are none."""
    return policy.require_forces(actor, Action.MANAGE_STRUCTURE)


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (not a history restore, which needs it all)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
