"""The OpenAPI document: served, 3.1, complete, and honest about errors and input limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.test import Client

from beatbook.api.v1 import schemas
from beatbook.core import geo
from beatbook.core.testing import World
from beatbook.org.models import Neighbourhood, PartnerOrganisation, Person, Role, Team

from .helpers import Api, openapi_document

OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/forces"),
    ("get", "/api/v1/forces/{slug}"),
    ("get", "/api/v1/neighbourhoods"),
    ("post", "/api/v1/neighbourhoods"),
    ("get", "/api/v1/neighbourhoods/locate"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}"),
    ("get", "/api/v1/teams"),
    ("post", "/api/v1/teams"),
    ("get", "/api/v1/teams/{team_id}"),
    ("patch", "/api/v1/teams/{team_id}"),
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/{person_id}"),
    ("get", "/api/v1/people/{person_id}/postings"),
    ("get", "/api/v1/people/{person_id}/history"),
    ("post", "/api/v1/people/{person_id}/postings"),
    ("post", "/api/v1/postings/{posting_id}/end"),
    ("get", "/api/v1/partners"),
    ("post", "/api/v1/partners"),
    ("get", "/api/v1/incidents"),
    ("post", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/map"),
    ("get", "/api/v1/incidents/{incident_id}"),
    ("patch", "/api/v1/incidents/{incident_id}"),
    ("post", "/api/v1/incidents/{incident_id}/status"),
    ("post", "/api/v1/incidents/{incident_id}/neighbourhood"),
    ("post", "/api/v1/incidents/{incident_id}/people"),
    ("get", "/api/v1/alerts"),
    ("post", "/api/v1/alerts/{alert_id}/acknowledge"),
    ("get", "/api/v1/forces/{slug}/incident-rules"),
    ("patch", "/api/v1/forces/{slug}/incident-rules"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{case_id}"),
    ("get", "/api/v1/forces/{slug}/planner-settings"),
    ("get", "/api/v1/hotspot-plans"),
    ("get", "/api/v1/hotspot-plans/{plan_id}"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage/people"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/evaluation"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/visibility"),
    ("get", "/api/v1/patrols"),
    ("get", "/api/v1/patrols/{patrol_id}"),
    ("get", "/api/v1/patrols/{patrol_id}/map"),
    ("get", "/api/v1/planner/cells"),
    ("get", "/api/v1/planner/proposal"),
    ("get", "/api/v1/reference/asb-cases"),
    ("get", "/api/v1/sharing-agreements"),
    ("get", "/api/v1/sharing-agreements/{agreement_id}"),
    ("patch", "/api/v1/cases/{case_id}"),
    ("patch", "/api/v1/patrols/{patrol_id}"),
    ("post", "/api/v1/cases"),
    ("post", "/api/v1/cases/{case_id}/actions"),
    ("post", "/api/v1/cases/{case_id}/actions/{action_id}/finish"),
    ("post", "/api/v1/cases/{case_id}/close"),
    ("post", "/api/v1/cases/{case_id}/conferences"),
    ("post", "/api/v1/cases/{case_id}/incidents"),
    ("post", "/api/v1/cases/{case_id}/parties"),
    ("post", "/api/v1/cases/{case_id}/risk-assessments"),
    ("post", "/api/v1/cases/{case_id}/shares"),
    ("post", "/api/v1/cases/{case_id}/shares/{share_id}/withdraw"),
    ("post", "/api/v1/cases/{case_id}/tasks"),
    ("post", "/api/v1/hotspot-plans"),
    ("post", "/api/v1/hotspot-plans/{plan_id}/end"),
    ("post", "/api/v1/patrols"),
    ("post", "/api/v1/patrols/{patrol_id}/end"),
    ("post", "/api/v1/patrols/{patrol_id}/visits"),
    ("post", "/api/v1/planner/plans"),
    ("post", "/api/v1/sharing-agreements"),
    ("post", "/api/v1/tasks/{task_id}/finish"),
    ("put", "/api/v1/cases/{case_id}/parties/{party_id}"),
    ("put", "/api/v1/forces/{slug}/planner-settings"),
    ("put", "/api/v1/sharing-agreements/{agreement_id}"),
    # Powers: catalogues, penalty offences and tariffs, force designations
    ("get", "/api/v1/powers"),
    ("post", "/api/v1/powers"),
    ("get", "/api/v1/powers/compare"),
    ("get", "/api/v1/powers/{power_id}"),
    ("patch", "/api/v1/powers/{power_id}"),
    ("post", "/api/v1/forces/{slug}/powers/load"),
    ("get", "/api/v1/penalty-offences"),
    ("get", "/api/v1/penalty-tariffs"),
    ("post", "/api/v1/penalty-tariffs"),
    ("post", "/api/v1/penalty-tariffs/{tariff_id}/end"),
    ("get", "/api/v1/force-designations"),
    ("post", "/api/v1/force-designations"),
    ("post", "/api/v1/force-designations/{designation_id}/end"),
    # Designations of PCSOs, and the powers held
    ("get", "/api/v1/designations"),
    ("post", "/api/v1/designations"),
    ("get", "/api/v1/designations/{designation_id}"),
    ("post", "/api/v1/designations/{designation_id}/withdraw"),
    ("post", "/api/v1/designations/{designation_id}/change"),
    ("get", "/api/v1/me/powers"),
    ("get", "/api/v1/people/{person_id}/powers"),
    # Training
    ("get", "/api/v1/courses"),
    ("post", "/api/v1/courses"),
    ("get", "/api/v1/training-records"),
    ("post", "/api/v1/training-records"),
    # Development: competency frameworks, CPD entries, PDRs
    ("get", "/api/v1/frameworks"),
    ("get", "/api/v1/frameworks/{code}"),
    ("get", "/api/v1/cpd-entries"),
    ("post", "/api/v1/cpd-entries"),
    ("get", "/api/v1/cpd-entries/{entry_id}"),
    ("patch", "/api/v1/cpd-entries/{entry_id}"),
    ("delete", "/api/v1/cpd-entries/{entry_id}"),
    ("get", "/api/v1/pdrs"),
    ("post", "/api/v1/pdrs"),
    ("get", "/api/v1/pdrs/{pdr_id}"),
    ("post", "/api/v1/pdrs/{pdr_id}/ratings"),
    ("post", "/api/v1/pdrs/{pdr_id}/objectives"),
    ("post", "/api/v1/pdrs/{pdr_id}/objectives/{objective_id}/status"),
    ("post", "/api/v1/pdrs/{pdr_id}/sign-off"),
    ("post", "/api/v1/pdrs/{pdr_id}/acknowledge"),
    ("post", "/api/v1/pdrs/{pdr_id}/reopen"),
    # Programmes, enrolments, milestones, reviews, the cohort
    ("get", "/api/v1/programmes"),
    ("get", "/api/v1/programmes/{programme_id}"),
    ("put", "/api/v1/programmes/{programme_id}"),
    ("get", "/api/v1/enrolments"),
    ("post", "/api/v1/enrolments"),
    ("get", "/api/v1/enrolments/{enrolment_id}"),
    ("patch", "/api/v1/enrolments/{enrolment_id}"),
    ("post", "/api/v1/enrolments/{enrolment_id}/sign-off"),
    ("post", "/api/v1/enrolments/{enrolment_id}/revoke"),
    ("post", "/api/v1/enrolments/{enrolment_id}/phase"),
    ("post", "/api/v1/enrolments/{enrolment_id}/withdraw"),
    ("post", "/api/v1/enrolments/{enrolment_id}/complete"),
    ("get", "/api/v1/enrolments/{enrolment_id}/reviews"),
    ("post", "/api/v1/enrolments/{enrolment_id}/reviews"),
    ("post", "/api/v1/enrolments/{enrolment_id}/reviews/record"),
    ("get", "/api/v1/cohort"),
    # Portfolio: evidence, judgements, coverage, records as evidence, the PDF
    ("get", "/api/v1/enrolments/{enrolment_id}/portfolio"),
    ("get", "/api/v1/enrolments/{enrolment_id}/portfolio/coverage"),
    ("get", "/api/v1/enrolments/{enrolment_id}/portfolio/pdf"),
    ("post", "/api/v1/enrolments/{enrolment_id}/evidence"),
    ("post", "/api/v1/enrolments/{enrolment_id}/evidence/from-record"),
    ("get", "/api/v1/portfolio/eligible-records"),
    ("get", "/api/v1/evidence/{evidence_id}"),
    ("patch", "/api/v1/evidence/{evidence_id}"),
    ("put", "/api/v1/evidence/{evidence_id}/criteria"),
    ("post", "/api/v1/evidence/{evidence_id}/submit"),
    ("post", "/api/v1/evidence/{evidence_id}/withdraw"),
    ("post", "/api/v1/evidence/{evidence_id}/judgements"),
    # Enforcement
    ("get", "/api/v1/enforcement"),
    ("get", "/api/v1/enforcement/{record_id}"),
    ("post", "/api/v1/enforcement/name-address"),
    ("get", "/api/v1/enforcement/name-address/{record_id}"),
    ("post", "/api/v1/enforcement/detentions"),
    ("get", "/api/v1/enforcement/detentions/{record_id}"),
    ("post", "/api/v1/enforcement/detentions/{record_id}/end"),
    ("post", "/api/v1/enforcement/penalty-notices"),
    ("get", "/api/v1/enforcement/penalty-notices/{record_id}"),
    ("post", "/api/v1/enforcement/penalty-notices/{record_id}/status"),
    ("get", "/api/v1/enforcement/penalty-notices/{record_id}/pdf"),
    ("post", "/api/v1/enforcement/seizures"),
    ("get", "/api/v1/enforcement/seizures/{record_id}"),
    ("post", "/api/v1/enforcement/vehicle-warnings"),
    ("get", "/api/v1/enforcement/vehicle-warnings/search"),
    ("get", "/api/v1/enforcement/vehicle-warnings/{record_id}"),
    ("get", "/api/v1/dispersal-authorisations"),
    ("post", "/api/v1/dispersal-authorisations"),
    ("get", "/api/v1/dispersal-authorisations/{authorisation_id}"),
    ("post", "/api/v1/dispersal-authorisations/{authorisation_id}/end"),
    ("post", "/api/v1/enforcement/dispersals"),
    ("get", "/api/v1/enforcement/dispersals/{record_id}"),
    # Engagement events
    ("get", "/api/v1/events"),
    ("post", "/api/v1/events"),
    ("get", "/api/v1/events/calendar"),
    ("get", "/api/v1/events/{reference}"),
    ("patch", "/api/v1/events/{reference}"),
    ("post", "/api/v1/events/{reference}/record"),
    ("post", "/api/v1/events/{reference}/cancel"),
    # Neighbourhood priorities
    ("get", "/api/v1/priorities"),
    ("post", "/api/v1/priorities"),
    ("get", "/api/v1/priorities/{reference}"),
    ("patch", "/api/v1/priorities/{reference}"),
    ("post", "/api/v1/priorities/{reference}/actions"),
    ("post", "/api/v1/priorities/{reference}/status"),
    ("post", "/api/v1/priorities/{reference}/publish"),
    ("post", "/api/v1/priorities/{reference}/unpublish"),
    ("get", "/api/v1/me/priorities-due"),
    # Publication: community settings, neighbourhood pages, public profiles
    ("get", "/api/v1/forces/{slug}/community-settings"),
    ("put", "/api/v1/forces/{slug}/community-settings"),
    ("get", "/api/v1/neighbourhood-pages"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/public-page"),
    ("put", "/api/v1/neighbourhoods/{neighbourhood_id}/public-page"),
    ("get", "/api/v1/public-profiles"),
    ("get", "/api/v1/people/{person_id}/public-profile"),
    ("put", "/api/v1/people/{person_id}/public-profile"),
    # Open data: police.uk file imports, publishing a month, the months published
    ("post", "/api/v1/crime-imports"),
    ("get", "/api/v1/crime-imports"),
    ("get", "/api/v1/crime-imports/{import_id}"),
    ("post", "/api/v1/crime-publications"),
    ("get", "/api/v1/published-months"),
    # Recruitment: campaigns, eligibility rules, applications, stages, appointment
    ("get", "/api/v1/recruitment/campaigns"),
    ("post", "/api/v1/recruitment/campaigns"),
    ("put", "/api/v1/recruitment/campaigns/{campaign_id}"),
    ("get", "/api/v1/recruitment/rules/{force}"),
    ("put", "/api/v1/recruitment/rules/{force}"),
    ("get", "/api/v1/recruitment/applications"),
    ("get", "/api/v1/recruitment/applications/{application_id}"),
    ("post", "/api/v1/recruitment/applications/{application_id}/stages"),
    ("post", "/api/v1/recruitment/applications/{application_id}/appoint"),
}
WRITES = {op for op in OPERATIONS if op[0] in {"post", "patch", "put"}}
# Writes that create something answer 201; those that start a background job 202 (with the job);
# the others (an update, a step of a flow) 200.
NOT_CREATING = (
    "/end",
    "/status",
    "/neighbourhood",
    "/acknowledge",
    "/finish",
    "/close",
    "/withdraw",
    "/load",
    "/record",
    "/cancel",
    "/publish",
    "/unpublish",
    "/sign-off",
    "/reopen",
    "/revoke",
    "/submit",
    "/phase",
    "/complete",
)
ACCEPTED = {("post", "/api/v1/crime-publications")}
CREATES = {op for op in WRITES if op[0] == "post" and not op[1].endswith(NOT_CREATING)} - ACCEPTED
# 404: an id in the path, a force (or a power, an offence) named in the query or body, or no
# neighbourhood at the point.
MAY_BE_NOT_FOUND = {op for op in OPERATIONS if "{" in op[1]} | {
    ("get", "/api/v1/neighbourhoods"),
    ("get", "/api/v1/neighbourhoods/locate"),
    ("get", "/api/v1/teams"),
    ("get", "/api/v1/partners"),
    ("post", "/api/v1/neighbourhoods"),
    ("post", "/api/v1/teams"),
    ("post", "/api/v1/people"),
    ("post", "/api/v1/partners"),
    ("get", "/api/v1/sharing-agreements"),
    ("post", "/api/v1/sharing-agreements"),
    ("get", "/api/v1/planner/cells"),
    ("get", "/api/v1/planner/proposal"),
    ("post", "/api/v1/planner/plans"),
    ("post", "/api/v1/powers"),
    ("post", "/api/v1/penalty-tariffs"),
    ("post", "/api/v1/force-designations"),
    ("get", "/api/v1/events/calendar"),
    ("get", "/api/v1/neighbourhood-pages"),
    ("get", "/api/v1/public-profiles"),
    ("get", "/api/v1/crime-imports"),
    ("get", "/api/v1/published-months"),
    ("post", "/api/v1/enrolments"),
    ("post", "/api/v1/recruitment/campaigns"),
}  # POST /incidents names no force: its point finds the neighbourhood (400 when none); POST /events,
# /priorities, /crime-imports and /crime-publications answer 400 on the field naming a
# neighbourhood or force the caller cannot use.
# Writes on a record that carry the version read: 409 when someone changed it since.
MAY_CONFLICT = {
    ("patch", "/api/v1/incidents/{incident_id}"),
    ("post", "/api/v1/incidents/{incident_id}/status"),
    ("post", "/api/v1/incidents/{incident_id}/neighbourhood"),
    ("patch", "/api/v1/patrols/{patrol_id}"),
    ("post", "/api/v1/patrols/{patrol_id}/end"),
    ("patch", "/api/v1/cases/{case_id}"),
    ("post", "/api/v1/cases/{case_id}/risk-assessments"),
    ("post", "/api/v1/cases/{case_id}/close"),
    ("patch", "/api/v1/powers/{power_id}"),
    ("post", "/api/v1/enforcement/detentions/{record_id}/end"),
    ("post", "/api/v1/enforcement/penalty-notices/{record_id}/status"),
    ("patch", "/api/v1/events/{reference}"),
    ("post", "/api/v1/events/{reference}/record"),
    ("post", "/api/v1/events/{reference}/cancel"),
    ("patch", "/api/v1/priorities/{reference}"),
    ("post", "/api/v1/priorities/{reference}/status"),
}
# Writes whose body may be large (a boundary): 413 over the size limit.
MAY_BE_TOO_LARGE = {("post", "/api/v1/neighbourhoods")}
# Reads of something shown only to some of those who see its object.
MAY_BE_FORBIDDEN = {
    ("get", "/api/v1/people/{person_id}/history"),
    ("get", "/api/v1/hotspot-plans"),
    ("get", "/api/v1/hotspot-plans/{plan_id}"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage/people"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/visibility"),
    ("get", "/api/v1/planner/cells"),
    ("get", "/api/v1/planner/proposal"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/evaluation"),
    # what a force publishes, for those who manage its publication
    ("get", "/api/v1/forces/{slug}/community-settings"),
    ("get", "/api/v1/neighbourhood-pages"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/public-page"),
    ("get", "/api/v1/public-profiles"),
    ("get", "/api/v1/people/{person_id}/public-profile"),
    # imports of police.uk files, for those who manage the force's open data
    ("get", "/api/v1/crime-imports"),
    ("get", "/api/v1/crime-imports/{import_id}"),
    # the force's cohort, for those who oversee learners or are named on an enrolment
    ("get", "/api/v1/cohort"),
}
# Deletes: 403 when the caller sees the record but it is not theirs, 400 when a rule keeps it.
DELETES = {op for op in OPERATIONS if op[0] == "delete"}
WITH_QUERY = {
    ("get", "/api/v1/neighbourhoods"),
    ("get", "/api/v1/neighbourhoods/locate"),
    ("get", "/api/v1/teams"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{person_id}/postings"),
    ("get", "/api/v1/partners"),
    ("get", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/map"),
    ("get", "/api/v1/alerts"),
    ("get", "/api/v1/patrols"),
    ("get", "/api/v1/hotspot-plans"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage"),
    ("get", "/api/v1/hotspot-plans/{plan_id}/dosage/people"),
    ("get", "/api/v1/neighbourhoods/{neighbourhood_id}/visibility"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/sharing-agreements"),
    ("get", "/api/v1/planner/cells"),
    ("get", "/api/v1/planner/proposal"),
    ("get", "/api/v1/powers"),
    ("get", "/api/v1/powers/compare"),
    ("get", "/api/v1/penalty-offences"),
    ("get", "/api/v1/penalty-tariffs"),
    ("get", "/api/v1/force-designations"),
    ("get", "/api/v1/designations"),
    ("get", "/api/v1/me/powers"),
    ("get", "/api/v1/people/{person_id}/powers"),
    ("get", "/api/v1/courses"),
    ("get", "/api/v1/training-records"),
    ("get", "/api/v1/cpd-entries"),
    ("get", "/api/v1/pdrs"),
    ("get", "/api/v1/enforcement"),
    ("get", "/api/v1/enforcement/vehicle-warnings/search"),
    ("get", "/api/v1/dispersal-authorisations"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/calendar"),
    ("get", "/api/v1/priorities"),
    ("get", "/api/v1/neighbourhood-pages"),
    ("get", "/api/v1/public-profiles"),
    ("get", "/api/v1/crime-imports"),
    ("get", "/api/v1/published-months"),
    ("get", "/api/v1/enrolments"),
    ("get", "/api/v1/cohort"),
    ("get", "/api/v1/recruitment/applications"),
}
# Operations that answer a file rather than JSON, by its media type.
FILES = {
    ("get", "/api/v1/enforcement/penalty-notices/{record_id}/pdf"): "application/pdf",
    ("get", "/api/v1/enrolments/{enrolment_id}/portfolio/pdf"): "application/pdf",
}
# Operations that take an upload (multipart/form-data), with their form's fields; every other body is JSON.
UPLOADS = {("post", "/api/v1/crime-imports"): {"force", "file"}}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def served(world: World, api: Api) -> dict[str, Any]:
    client = Client()
    response = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {api.token_for(world.alice)}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document: dict[str, Any] = json.loads(response.content)
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): op for path, ops in document["paths"].items() for method, op in ops.items()}


def test_the_served_document_is_openapi_3_1_with_every_operation(served: dict[str, Any]) -> None:
    assert served["openapi"].startswith("3.1")
    assert served["info"]["version"] == "1"
    assert set(_operations(served)) == OPERATIONS
    assert served == openapi_document()  # the tests validate responses against this same document


def test_every_operation_needs_a_token_or_the_session(served: dict[str, Any]) -> None:
    schemes = served["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["Session"]["in"] == "cookie"
    for key, operation in _operations(served).items():
        assert operation["security"] == [{"BearerToken": []}, {"Session": []}], key


def test_every_operation_declares_its_errors_in_the_error_format(served: dict[str, Any]) -> None:
    for key, operation in _operations(served).items():
        responses = operation["responses"]
        expected = {"401", "500"}
        if key in WRITES:
            expected |= {"400", "403", "422"}
        if key in MAY_BE_NOT_FOUND:
            expected.add("404")
        if key in WITH_QUERY:
            expected.add("422")
        if key in MAY_BE_FORBIDDEN:
            expected.add("403")
        if key in DELETES:
            expected |= {"400", "403"}
        if key in MAY_BE_TOO_LARGE:
            expected.add("413")
        if key in MAY_CONFLICT:
            expected.add("409")
        errors = {status for status in responses if int(status) >= 400}
        assert errors == expected, key
        for status in errors:
            assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF, (key, status)
        success = {status for status in responses if int(status) < 400}
        assert success == ({"201"} if key in CREATES else {"202"} if key in ACCEPTED else {"200"}), key


def test_every_success_is_json_but_the_files(served: dict[str, Any]) -> None:
    for key, operation in _operations(served).items():
        (answer,) = (response for status, response in operation["responses"].items() if int(status) < 400)
        if key in FILES:
            assert answer["content"] == {FILES[key]: {"schema": {"type": "string", "format": "binary"}}}, key
        else:
            assert set(answer["content"]) == {"application/json"}, key
            assert answer["content"]["application/json"]["schema"], key


def test_every_body_is_json_but_the_uploads(served: dict[str, Any]) -> None:
    components = served["components"]["schemas"]
    with_body = set()
    for key, operation in _operations(served).items():
        if "requestBody" not in operation:
            continue
        with_body.add(key)
        content = operation["requestBody"]["content"]
        if key in UPLOADS:
            (form,) = content.values()
            assert set(content) == {"multipart/form-data"}, key
            schema = form["schema"]
            schema = components[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
            assert set(schema["properties"]) == set(schema["required"]) == UPLOADS[key], key
            assert {"type": "string", "format": "binary"}.items() <= schema["properties"]["file"].items(), key
        else:
            assert set(content) == {"application/json"}, key
    assert set(UPLOADS) <= with_body


def test_the_error_schema_is_the_one_error_format(served: dict[str, Any]) -> None:
    components = served["components"]["schemas"]
    assert components["ErrorOut"]["required"] == ["error"]
    detail = components["ErrorDetail"]
    assert set(detail["properties"]) == {"status", "code", "message", "fields"}
    assert set(detail["required"]) == {"status", "code", "message"}


def test_text_inputs_are_limited_to_their_model_fields_lengths() -> None:
    for name in ("username", "display_name", "email", "collar_number", "rank_title"):
        model_field = Person._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        limit = model_field.max_length
        assert _max_length(schemas.PersonIn, name) == limit, name
    assert _max_length(schemas.PersonIn, "force") == 50  # Force.slug
    structure: list[tuple[type[schemas.Strict], str, type[models.Model], str]] = [
        (schemas.NeighbourhoodIn, "code", Neighbourhood, "code"),
        (schemas.NeighbourhoodIn, "name", Neighbourhood, "name"),
        (schemas.TeamIn, "name", Team, "name"),
        (schemas.PartnerIn, "name", PartnerOrganisation, "name"),
    ]
    for schema, name, model, field_name in structure:
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)
        assert _max_length(schema, name) == field.max_length, (schema, name)
    for schema in (schemas.NeighbourhoodIn, schemas.TeamIn, schemas.PartnerIn):
        assert _max_length(schema, "force") == 50, schema


def _max_length(model: type[schemas.Strict], field: str) -> int | None:
    schema = model.model_json_schema()["properties"][field]
    value = schema.get("maxLength")
    return int(value) if value is not None else None


def test_choices_in_the_schemas_follow_the_settings_and_models() -> None:
    person_in = schemas.PersonIn.model_json_schema()
    assert person_in["properties"]["preferred_language"]["enum"] == [code for code, _ in settings.LANGUAGES]
    assert {role.value for role in schemas.PostingIn.model_fields["role"].annotation} == set(Role.values)  # type: ignore[union-attr]
    kinds = schemas.PartnerIn.model_json_schema()["$defs"]["Kind"]["enum"]
    assert kinds == PartnerOrganisation.Kind.values


def test_locate_bounds_are_the_uk(served: dict[str, Any]) -> None:
    parameters = {p["name"]: p["schema"] for p in served["paths"]["/api/v1/neighbourhoods/locate"]["get"]["parameters"]}
    assert (parameters["lat"]["minimum"], parameters["lat"]["maximum"]) == (geo.UK_MIN_LAT, geo.UK_MAX_LAT)
    assert (parameters["lng"]["minimum"], parameters["lng"]["maximum"]) == (geo.UK_MIN_LNG, geo.UK_MAX_LNG)
    page_size = {p["name"]: p["schema"] for p in served["paths"]["/api/v1/people"]["get"]["parameters"]}["page_size"]
    assert page_size["maximum"] == settings.BEATBOOK_MAX_PAGE_SIZE
