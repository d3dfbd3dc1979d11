"""Recruitment: campaigns, eligibility rules, applications and their stages, appointment (see
docs/how-to/recruitment.md).

Only the force's recruiters and administrators (`recruitment.manage`) use these operations: an
application of any other force is 404, and the lists are empty for anyone else. Every list and
every read of an application is audited. Writes go through `beatbook.recruitment.services`, the
same services as the pages. Applying is done on the public careers pages, not here: every
operation of this API needs a signed-in member of staff.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beatbook.core.pagination import paginate
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Force, Person
from beatbook.recruitment import selectors, services
from beatbook.recruitment.models import Application, Campaign, EligibilityRules

from .auth import actor_of, meta_of
from .errors import error_responses
from .recruitment_schemas import (
    ApplicationDetail,
    ApplicationItem,
    ApplicationListQuery,
    ApplicationsPage,
    AppointIn,
    AppointOut,
    CampaignCreateIn,
    CampaignIn,
    CampaignList,
    CampaignOut,
    RulesIn,
    RulesOut,
    StageIn,
    StageOut,
)

router = Router(tags=["recruitment"])


def _campaign(campaign: Campaign) -> CampaignOut:
    return CampaignOut(
        id=campaign.pk,
        force=campaign.force.slug,
        title=campaign.title,
        description=campaign.description,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        next_steps=campaign.next_steps,
        posts=campaign.posts,
        is_open=campaign.is_open_on(today()),
    )


def _rules(force: Force, rules: EligibilityRules) -> RulesOut:
    return RulesOut(
        force=force.slug,
        min_age=rules.min_age,
        level3_required=rules.level3_required,
        level2_rule=rules.level2_rule,  # type: ignore[arg-type]
        residency_years=rules.residency_years,
        driving_licence_required=rules.driving_licence_required,
    )


def _item_fields(a: Application) -> dict[str, object]:
    return {
        "id": a.pk,
        "reference": a.reference,
        "campaign": a.campaign_id,
        "force": a.force.slug,
        "full_name": a.full_name,
        "status": a.status,
        "sift_passed": a.sift_passed,
        "submitted_at": a.submitted_at,
        "closed_at": a.closed_at,
        "erased": a.erased_at is not None,
    }


def _detail(a: Application) -> ApplicationDetail:
    stages = sorted(a.stages.all(), key=lambda s: s.position)
    return ApplicationDetail.model_validate(
        {
            **_item_fields(a),
            "email": a.email,
            "phone": a.phone,
            "date_of_birth": a.date_of_birth,
            "has_level3": a.has_level3,
            "level2": a.level2,
            "residency_years": a.residency_years,
            "has_driving_licence": a.has_driving_licence,
            "sift_reasons": list(a.sift_reasons or []),
            "stages": [
                StageOut.model_validate(
                    {
                        "stage": s.stage,
                        "on": s.on,
                        "outcome": s.outcome,
                        "notes": s.notes,
                        "recorded_by": s.recorded_by_id,
                    }
                )
                for s in stages
            ],
            "person": a.person_id,
        }
    )


def _recruiting_force(actor: Person, slug: str) -> Force:
    force = selectors.recruiting_forces(actor).filter(slug=slug).first()
    if force is None:
        raise Http404(_("Not found."))
    return force


def _read(request: HttpRequest, application_id: int) -> Application:
    """An application the caller may read (404 otherwise), its read audited."""
    actor = actor_of(request)
    application = selectors.application_get_for(actor=actor, application_id=application_id)
    services.application_viewed(actor=actor, application=application, meta=meta_of(request))
    return application


# ---- Campaigns ----------------------------------------------------------------------------------
@router.get(
    "/recruitment/campaigns",
    response={200: CampaignList, **error_responses(401)},
    summary="Recruitment campaigns of the forces where the caller manages recruitment",
)
def recruitment_campaign_list(request: HttpRequest) -> CampaignList:
    return CampaignList(items=[_campaign(c) for c in selectors.campaigns_visible_to(actor_of(request))])


@router.post(
    "/recruitment/campaigns",
    response={201: CampaignOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create a campaign (the force's recruiters and administrators)",
    description="400 on `closes_on` when it is before `opens_on`.",
)
def recruitment_campaign_create(request: HttpRequest, payload: CampaignCreateIn) -> Status[CampaignOut]:
    actor = actor_of(request)
    force = Force.objects.filter(slug=payload.force, pk__in=policy.forces_in_scope(actor)).first()
    if force is None:
        raise Http404(_("Not found."))
    data = services.CampaignData(**payload.model_dump(exclude={"force"}))
    campaign = services.campaign_create(actor=actor, force=force, data=data, meta=meta_of(request))
    return Status(201, _campaign(campaign))


@router.put(
    "/recruitment/campaigns/{campaign_id}",
    response={200: CampaignOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a campaign's title, dates, text or posts",
)
def recruitment_campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignIn) -> CampaignOut:
    actor = actor_of(request)
    campaign = selectors.campaign_get_for(actor=actor, campaign_id=campaign_id)
    services.campaign_update(
        actor=actor, campaign=campaign, data=services.CampaignData(**payload.model_dump()), meta=meta_of(request)
    )
    return _campaign(campaign)


# ---- Eligibility rules --------------------------------------------------------------------------
@router.get(
    "/recruitment/rules/{force}",
    response={200: RulesOut, **error_responses(401, 404)},
    summary="A force's eligibility rules (the defaults until set)",
)
def recruitment_rules_get(request: HttpRequest, force: str) -> RulesOut:
    found = _recruiting_force(actor_of(request), force)
    return _rules(found, selectors.rules_for(found))


@router.put(
    "/recruitment/rules/{force}",
    response={200: RulesOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set a force's eligibility rules (applied by the sift to applications from now on)",
    description="Minimum age 16 to 70 (400 on `min_age`); residency 0 to 10 years (400 on `residency_years`).",
)
def recruitment_rules_put(request: HttpRequest, force: str, payload: RulesIn) -> RulesOut:
    actor = actor_of(request)
    found = _recruiting_force(actor, force)
    rules = services.eligibility_rules_update(
        actor=actor, force=found, data=services.RulesData(**payload.model_dump()), meta=meta_of(request)
    )
    return _rules(found, rules)


# ---- Applications -------------------------------------------------------------------------------
@router.get(
    "/recruitment/applications",
    response={200: ApplicationsPage, **error_responses(401, 422)},
    summary="Applications to the caller's forces' campaigns (audited)",
)
def recruitment_application_list(request: HttpRequest, filters: Query[ApplicationListQuery]) -> ApplicationsPage:
    actor = actor_of(request)
    status = str(filters.status.value) if filters.status else ""
    queryset = selectors.application_list_for(actor=actor, campaign_id=filters.campaign, status=status)
    page = paginate(queryset, number=filters.page, size=filters.page_size)
    forces = list(selectors.recruiting_forces(actor).values_list("pk", flat=True))
    services.applications_listed(
        actor=actor,
        force_ids=forces,
        filters={"campaign": filters.campaign, "status": status, "page": page.number},
        count=page.total,
        meta=meta_of(request),
    )
    return ApplicationsPage(
        items=[ApplicationItem.model_validate(_item_fields(a)) for a in page.items],
        page=page.number,
        page_size=page.size,
        total=page.total,
    )


@router.get(
    "/recruitment/applications/{application_id}",
    response={200: ApplicationDetail, **error_responses(401, 404)},
    summary="An application with the applicant's details, answers, sift result and stages (audited)",
)
def recruitment_application_detail(request: HttpRequest, application_id: int) -> ApplicationDetail:
    return _detail(_read(request, application_id))


@router.post(
    "/recruitment/applications/{application_id}/stages",
    response={201: ApplicationDetail, **error_responses(400, 401, 403, 404, 422)},
    summary="Record the date and outcome of the application's next stage",
    description="Stages go in order (400 on `stage`); the date must not be in the future or before the application "
    "or the previous stage (400 on `on`). A stage not passed closes the application.",
)
def recruitment_stage_record(request: HttpRequest, application_id: int, payload: StageIn) -> Status[ApplicationDetail]:
    actor = actor_of(request)
    application = _read(request, application_id)
    services.stage_record(actor=actor, application=application, meta=meta_of(request), **payload.model_dump())
    return Status(201, _detail(selectors.application_get_for(actor=actor, application_id=application_id)))


@router.post(
    "/recruitment/applications/{application_id}/appoint",
    response={201: AppointOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Appoint an applicant who accepted the offer as a student PCSO",
    description="Creates the person, a PCSO posting from `start_date` to the neighbourhood or team, and an "
    "enrolment on the force's active programme if it has one.",
)
def recruitment_applicant_appoint(request: HttpRequest, application_id: int, payload: AppointIn) -> Status[AppointOut]:
    actor = actor_of(request)
    application = _read(request, application_id)
    force_id = application.force_id
    neighbourhood = (
        selectors.neighbourhoods_of(force_id).filter(pk=payload.neighbourhood).first()
        if payload.neighbourhood
        else None
    )
    team = selectors.teams_of(force_id).filter(pk=payload.team).first() if payload.team else None
    if (payload.neighbourhood and neighbourhood is None) or (payload.team and team is None):
        raise ValidationError({"neighbourhood": [_("Choose a neighbourhood or team of the force.")]})
    done = services.applicant_appoint(
        actor=actor,
        application=application,
        start_date=payload.start_date,
        neighbourhood=neighbourhood,
        team=team,
        meta=meta_of(request),
    )
    fresh = selectors.application_get_for(actor=actor, application_id=application_id)
    return Status(
        201,
        AppointOut(
            application=_detail(fresh),
            person=done.person.pk,
            posting=done.posting.pk,
            enrolment=done.enrolment.pk if done.enrolment else None,
        ),
    )
