"""Reads of recruitment, scoped in SQL.

Who sees what (docs/how-to/recruitment.md):

* campaigns and eligibility rules of a force: the public sees campaigns on the careers page;
  staff pages show them to the force's recruiters and administrators (`recruitment.manage`);
* applications: only the force's recruiters and administrators (anyone else gets 404), and the
  applicant, through the secret status link (one application, never another's).

Reading an application or a list of them is audited by the caller (`services.application_viewed`,
`services.applications_listed`), since a selector never writes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Prefetch, QuerySet

from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Team
from beatbook.org.selectors import get_visible

from .models import Application, Campaign, EligibilityRules, StageRecord


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def recruiting_forces(actor: policy.Actor) -> QuerySet[Force]:
    if policy.is_system(actor):
        return Force.objects.all()
    return policy.forces_where(actor, policy.Action.MANAGE_RECRUITMENT)


def rules_for(force: Force) -> EligibilityRules:
    """The force's rules (the defaults, unsaved, until a recruiter sets them)."""
    rules = EligibilityRules.objects.filter(force=force).first()
    return rules if rules is not None else EligibilityRules(force=force)


# ---- Public ---------------------------------------------------------------------------------


def public_force(slug: str) -> Force | None:
    return Force.objects.filter(slug=slug).first()


def open_campaigns(force: Force) -> QuerySet[Campaign]:
    on = today()
    return Campaign.objects.filter(force=force, opens_on__lte=on, closes_on__gte=on).order_by("closes_on", "id")


def latest_closed_campaign(force: Force) -> Campaign | None:
    """The campaign whose next steps the careers page shows when none is open."""
    return Campaign.objects.filter(force=force, opens_on__lte=today()).order_by("-closes_on", "-id").first()


def open_campaign(force: Force, campaign_id: Any) -> Campaign | None:
    try:
        return open_campaigns(force).filter(pk=int(campaign_id)).first()
    except (TypeError, ValueError):
        return None


def application_by_token(token: str) -> Application | None:
    """The one application whose status link this is (None for anything else)."""
    if not token or len(token) > 100:
        return None
    return (
        Application.objects.filter(token_hash=token_digest(token), erased_at__isnull=True)
        .select_related("campaign", "force")
        .prefetch_related("stages")
        .first()
    )


# ---- Staff ----------------------------------------------------------------------------------


def campaigns_visible_to(actor: policy.Actor) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(force__in=recruiting_forces(actor))
        .select_related("force")
        .order_by("force__name", "-opens_on", "id")
    )


def campaign_get_for(*, actor: policy.Actor, campaign_id: Any) -> Campaign:
    return get_visible(campaigns_visible_to(actor), campaign_id)


def applications_visible_to(actor: policy.Actor) -> QuerySet[Application]:
    return (
        Application.objects.filter(force__in=recruiting_forces(actor))
        .select_related("campaign", "force")
        .order_by("-submitted_at", "-id")
    )


def application_list_for(
    *, actor: policy.Actor, campaign_id: int | None = None, status: str = ""
) -> QuerySet[Application]:
    applications = applications_visible_to(actor)
    if campaign_id is not None:
        applications = applications.filter(campaign_id=campaign_id)
    if status:
        applications = applications.filter(status=status)
    return applications


def application_get_for(*, actor: policy.Actor, application_id: Any) -> Application:
    """An application the actor may read (404 otherwise), with its stages loaded."""
    queryset = applications_visible_to(actor).prefetch_related(
        Prefetch("stages", queryset=StageRecord.objects.select_related("recorded_by").order_by("on", "id"))
    )
    return get_visible(queryset, application_id)


def current_stage(application: Application) -> StageRecord | None:
    """The furthest stage recorded (stages are recorded in order)."""
    stages = sorted(application.stages.all(), key=lambda s: s.position)
    return stages[-1] if stages else None


def neighbourhoods_of(force_id: int) -> QuerySet[Neighbourhood]:
    """Where an appointed applicant may be posted (the appointing recruiter's force only)."""
    return Neighbourhood.objects.filter(force_id=force_id, is_active=True).order_by("name", "id")


def teams_of(force_id: int) -> QuerySet[Team]:
    return Team.objects.filter(force_id=force_id).order_by("name", "id")
