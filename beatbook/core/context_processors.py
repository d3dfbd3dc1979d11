"""What every page's layout needs: who is logged in, in which force and role, and the menu."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from beatbook.org import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


@dataclass(frozen=True)
class Shell:
    force_name: str
    role_label: str
    area_name: str
    nav: list[NavItem]


def _build_shell(request: HttpRequest) -> Shell | None:
    user = request.user
    if not policy.is_person(user):
        return None
    posting = policy.primary_posting(user)
    nav = [
        NavItem(str(_("Home")), reverse("core:home"), "home"),
        NavItem(str(_("Incidents")), reverse("incidents:list"), "incidents"),
        NavItem(str(_("Cases")), reverse("cases:list"), "cases"),
        NavItem(str(_("Patrols")), reverse("patrols:index"), "patrols"),
        NavItem(str(_("Events")), reverse("community:events"), "events"),
        NavItem(str(_("Priorities")), reverse("community:priorities"), "priorities"),
        NavItem(str(_("Enforcement")), reverse("enforcement:register"), "enforcement"),
        NavItem(str(_("Powers")), reverse("powers:mine"), "powers"),
        NavItem(str(_("Learning")), reverse("learning:my_programme"), "learning"),
        NavItem(str(_("Development")), reverse("learning:cpd"), "development"),
        NavItem(str(_("Training")), reverse("learning:training"), "training"),
        NavItem(str(_("Neighbourhoods")), reverse("org:neighbourhoods"), "neighbourhoods"),
        NavItem(str(_("Teams")), reverse("org:teams"), "teams"),
        NavItem(str(_("People")), reverse("org:people"), "people"),
        NavItem(str(_("Partners")), reverse("org:partners"), "partners"),
        NavItem(str(_("My profile")), reverse("org:me"), "me"),
    ]
    if policy.forces_where(user, policy.Action.SEARCH_AUDIT).exists():
        nav.append(NavItem(str(_("Audit")), reverse("audit:search"), "audit"))
    # The other force-level menus, from one query: the actions the actor's force-wide roles hold.
    force_wide = policy.force_wide_actions(user)
    if policy.Action.MANAGE_PUBLICATION in force_wide:
        nav.append(NavItem(str(_("Publishing")), reverse("community:publishing"), "publishing"))
    if policy.Action.MANAGE_OPEN_DATA in force_wide:
        nav.append(NavItem(str(_("Open data")), reverse("opendata:index"), "opendata"))
    if policy.Action.OVERSEE_LEARNERS in force_wide:
        nav.append(NavItem(str(_("Cohort")), reverse("learning:cohort"), "cohort"))
    if policy.Action.MANAGE_RECRUITMENT in force_wide:
        nav.append(NavItem(str(_("Recruitment")), reverse("recruitment:applications"), "recruitment"))
    if policy.Action.VIEW_JOBS in force_wide:
        nav.append(NavItem(str(_("Jobs")), reverse("jobs:list"), "jobs"))
    return Shell(
        force_name=posting.force.name if posting else (user.force.name if user.force_id else ""),  # type: ignore[union-attr]
        role_label=posting.get_role_display() if posting else str(_("No active posting")),
        area_name=posting.area_name if posting else "",
        nav=nav,
    )


def shell(request: HttpRequest) -> dict[str, object]:
    return {
        "shell": SimpleLazyObject(lambda: _build_shell(request)),
        "map_tile_url": settings.BEATBOOK_MAP_TILE_URL,
    }
