"""Writes to ASB cases and sharing agreements: who may do what, validation on the right field with
nothing stored on error, the version check, a closed case refusing every write, and audit rows
that hold no personal data."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.cases import services
from beatbook.cases.models import (
    AsbCase,
    CaseAction,
    CaseConference,
    CaseIncident,
    CaseParty,
    CaseShare,
    PartnerTask,
    RiskAssessment,
    SharingAgreement,
)
from beatbook.cases.reference import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    ClosureReason,
    DataCategory,
    PartyRole,
    TaskStatus,
    Vulnerability,
)
from beatbook.cases.services import CaseChanges, StaleCaseError
from beatbook.core.testing import Days, World, on_the_day, on_the_days
from beatbook.core.timeutil import today
from beatbook.incidents.models import Involvement
from beatbook.incidents.services import PersonData
from beatbook.incidents.tests.factories import A2_CENTRE, B1_CENTRE

from .factories import (
    action_data,
    agreement,
    agreement_data,
    asb_incident,
    case_data,
    derby_partner,
    housing,
    open_case,
    party_data,
    share,
)

pytestmark = pytest.mark.django_db


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


META = AuditMeta(request_id="req-cases-1")
# Personal data and free text the tests put into cases: none of it may reach the audit trail.
SECRETS = (
    "Mary Jones",
    "Kyle Smith",
    "Mill Road",
    "Olive Green",
    "Coldhams Lane",
    "07700",
    "1941",
    "Noise and threats",
    "Loud music",
    "elderly",
    "Hand-deliver",
    "Visit the tenant",
    "Tenancy warning given",
    "Mrs Patel from the residents",
    "Agreed to apply for a CPN",
    "Moved to Leeds",
)
REFERENCE = re.compile(r"^CAMBS-ASB-\d{4}-\d{6}$")


# ---- helpers ----------------------------------------------------------------------------------


def state() -> tuple[Any, ...]:
    """Everything the services write, so that a refused call can be shown to have stored nothing."""
    return (
        {m.__name__: m.objects.count() for m in (AsbCase, CaseIncident, CaseParty, RiskAssessment, CaseAction)},
        {m.__name__: m.objects.count() for m in (PartnerTask, CaseConference, CaseShare, SharingAgreement)},
        AuditEvent.objects.count(),
        list(
            AsbCase.objects.order_by("pk").values_list(
                "pk", "version", "status", "title", "lead_id", "risk_level", "review_on", "updated_by_id"
            )
        ),
        list(CaseParty.objects.order_by("pk").values_list("pk", "role", "name", "address", "vulnerabilities")),
        list(CaseAction.objects.order_by("pk").values_list("pk", "status", "result")),
        list(PartnerTask.objects.order_by("pk").values_list("pk", "status", "result")),
        list(CaseShare.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(
            SharingAgreement.objects.order_by("pk").values_list(
                "pk", "partner_id", "data_categories", "ends_on", "ended_early_on"
            )
        ),
    )


@contextmanager
def nothing_stored() -> Iterator[None]:
    before = state()
    yield
    assert state() == before


def invalid(call: Callable[[], object]) -> dict[str, list[str]]:
    """Call a service that must refuse with field errors and store nothing; the errors by field."""
    with nothing_stored(), pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def denied(call: Callable[[], object]) -> None:
    with nothing_stored(), pytest.raises(PermissionDenied):
        call()


def events(event: EventType, obj: Model | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(event_type=event)
    if obj is not None:
        rows = rows.filter(object_id=str(obj.pk))
    return list(rows.order_by("id"))


def only_event(event: EventType, obj: Model | None = None) -> AuditEvent:
    rows = events(event, obj)
    assert len(rows) == 1, rows
    return rows[0]


def before(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.before, dict)
    return row.before


def after(row: AuditEvent) -> dict[str, Any]:
    assert isinstance(row.after, dict)
    return row.after


def assert_no_personal_data(row: AuditEvent) -> None:
    text = json.dumps([row.object_repr, row.before, row.after, row.reason], default=str)
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), (secret, text)


def closed_message(errors: dict[str, list[str]]) -> None:
    assert set(errors) == {"__all__"}
    assert "closed" in errors["__all__"][0]


def add_task(world: World, case: AsbCase, **overrides: Any) -> PartnerTask:
    values: dict[str, Any] = {
        "partner_id": world.council.pk,
        "description": "Visit the tenant at number 3 about the noise.",
        "due_on": today() + dt.timedelta(days=7),
    }
    return services.case_add_task(actor=world.alice, case=case, **(values | overrides))


# ---- opening a case ---------------------------------------------------------------------------


class CaseOpenTests:
    def test_opens_in_the_first_incidents_area_with_its_first_risk_assessment(self, world: World) -> None:
        first = asb_incident(world.alice, 0, days_ago=3)
        second = asb_incident(world.alice, 1, days_ago=1)
        case = services.case_open(
            actor=world.alice, data=case_data(), incident_ids=[first.pk, second.pk, first.pk], meta=META
        )
        assert REFERENCE.match(case.reference)
        assert case.reference == f"CAMBS-ASB-{today().year}-000001"
        assert case.force == world.force_a and case.neighbourhood == world.a1
        assert case.lead == world.alice and case.created_by == world.alice and case.updated_by == world.alice
        assert case.status == CaseStatus.OPEN and case.version == 1 and case.risk_level == "medium"
        assert list(case.case_incidents.order_by("id").values_list("incident_id", flat=True)) == [first.pk, second.pk]
        (assessment,) = case.risk_assessments.all()
        assert (assessment.level, assessment.review_on, assessment.assessed_by) == (
            "medium",
            case.review_on,
            world.alice,
        )
        row = only_event(EventType.ASB_CASE_OPENED, case)
        assert row.event_type == 701 and row.actor == world.alice and row.request_id == "req-cases-1"
        assert row.force_id == world.force_a.pk and row.neighbourhood_id == world.a1.pk
        assert after(row)["reference"] == case.reference and after(row)["risk_level"] == "medium"
        assert after(row)["incidents"] == [first.reference, second.reference]
        assert sorted(p["role"] for p in after(row)["parties"]) == ["perpetrator", "victim"]
        assert_no_personal_data(row)

    def test_references_count_per_force_and_year(self, world: World) -> None:
        first = open_case(world)
        second = open_case(world, actor=world.bob)
        derby = open_case(world, actor=world.hal, incidents=[asb_incident(world.hal, point=B1_CENTRE)])
        assert first.reference.endswith("-000001") and second.reference.endswith("-000002")
        assert REFERENCE.match(second.reference)
        assert derby.reference == f"DERBYS-ASB-{today().year}-000001"

    def test_named_victims_and_suspects_become_parties_once_each(self, world: World) -> None:
        mary = PersonData(involvement=Involvement.VICTIM, name="Mary Jones", address="14 Mill Road", is_vulnerable=True)
        kyle = PersonData(involvement=Involvement.SUSPECT, name="Kyle Smith", address="3 Mill Road")
        first = asb_incident(
            world.alice,
            0,
            days_ago=3,
            people=[
                mary,
                kyle,
                PersonData(involvement=Involvement.SUSPECT, is_unknown=True, description="Tall, grey hoodie"),
                PersonData(involvement=Involvement.WITNESS, name="Wendy Witt", address="1 Mill Road"),
                PersonData(involvement=Involvement.REPORTING_PERSON, name="Ron Porter", address="2 Mill Road"),
            ],
        )
        # The same two people again (spelt with other spacing and case), and a new victim.
        second = asb_incident(
            world.alice,
            1,
            people=[
                PersonData(involvement=Involvement.VICTIM, name="mary  jones", address="14 Mill Road"),
                PersonData(involvement=Involvement.SUSPECT, name="KYLE SMITH", address="3 mill road"),
                PersonData(involvement=Involvement.VICTIM, name="Peter Brown", address="16 Mill Road"),
            ],
        )
        case = open_case(world, incidents=[first, second])
        parties = list(case.parties.order_by("id"))
        assert [(p.role, p.name) for p in parties] == [
            (PartyRole.VICTIM, "Mary Jones"),
            (PartyRole.PERPETRATOR, "Kyle Smith"),
            (PartyRole.VICTIM, "Peter Brown"),
        ]
        assert all(p.force_id == world.force_a.pk for p in parties)
        mary_party, kyle_party, peter_party = parties
        assert mary_party.vulnerabilities == [Vulnerability.OTHER] and mary_party.vulnerability_notes
        assert mary_party.address == "14 Mill Road"
        assert kyle_party.vulnerabilities == [] and kyle_party.vulnerability_notes == ""
        assert not peter_party.is_vulnerable
        row = only_event(EventType.ASB_CASE_OPENED, case)
        assert [p["id"] for p in after(row)["parties"]] == [p.pk for p in parties]
        assert_no_personal_data(row)

    def test_copy_people_off_leaves_the_parties_empty(self, world: World) -> None:
        incident = asb_incident(world.alice)
        case = services.case_open(actor=world.alice, data=case_data(), incident_ids=[incident.pk], copy_people=False)
        assert not case.parties.exists()
        assert after(only_event(EventType.ASB_CASE_OPENED, case))["parties"] == []

    def test_bob_may_open_one_in_the_other_area_of_his_team(self, world: World) -> None:
        incident = asb_incident(world.bob)
        case = services.case_open(
            actor=world.bob,
            data=case_data(neighbourhood_id=world.a2.pk, lead_id=world.charlie.pk),
            incident_ids=[incident.pk],
        )
        assert case.neighbourhood == world.a2 and case.lead == world.charlie and case.created_by == world.bob

    def test_no_incidents_is_refused(self, world: World) -> None:
        errors = invalid(lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[]))
        assert "incidents" in errors

    @pytest.mark.parametrize("raw", ["x", None, "1.5"])
    def test_incident_ids_that_are_not_numbers_are_refused(self, world: World, raw: Any) -> None:
        errors = invalid(lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[raw]))
        assert "incidents" in errors

    def test_an_incident_she_cannot_see_is_refused(self, world: World) -> None:
        mine = asb_incident(world.alice)
        charlies = asb_incident(world.charlie, point=A2_CENTRE)
        errors = invalid(
            lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[mine.pk, charlies.pk])
        )
        assert "incidents" in errors
        errors = invalid(lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[10**9]))
        assert "incidents" in errors

    def test_incidents_of_another_force_are_refused_even_to_whoever_sees_both(self, world: World) -> None:
        cambs = asb_incident(world.alice)
        derby = asb_incident(world.hal, point=B1_CENTRE)
        errors = invalid(
            lambda: services.case_open(actor=world.system, data=case_data(), incident_ids=[cambs.pk, derby.pk])
        )
        assert "incidents" in errors
        # Alice cannot even see the Derby incident.
        errors = invalid(lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[derby.pk]))
        assert "incidents" in errors

    def test_a_neighbourhood_she_does_not_work_in_is_refused(self, world: World) -> None:
        incident = asb_incident(world.alice)
        errors = invalid(
            lambda: services.case_open(
                actor=world.alice, data=case_data(neighbourhood_id=world.a2.pk), incident_ids=[incident.pk]
            )
        )
        assert "neighbourhood" in errors
        errors = invalid(
            lambda: services.case_open(
                actor=world.alice, data=case_data(neighbourhood_id=10**9), incident_ids=[incident.pk]
            )
        )
        assert "neighbourhood" in errors

    def test_her_own_incident_in_another_area_does_not_open_a_case_there(self, world: World) -> None:
        # Alice recorded it in A2 (so she sees it), but she manages cases in A1 only.
        in_a2 = asb_incident(world.alice, point=A2_CENTRE)
        assert in_a2.neighbourhood == world.a2
        errors = invalid(lambda: services.case_open(actor=world.alice, data=case_data(), incident_ids=[in_a2.pk]))
        assert "neighbourhood" in errors

    def test_a_case_in_another_forces_neighbourhood_is_refused(self, world: World) -> None:
        incident = asb_incident(world.alice)
        errors = invalid(
            lambda: services.case_open(
                actor=world.system, data=case_data(neighbourhood_id=world.b1.pk), incident_ids=[incident.pk]
            )
        )
        assert "incidents" in errors

    @pytest.mark.parametrize(
        ("review_on", "ok"),
        [
            (None, False),
            (Days(-1), False),
            (Days(0), True),
            (Days(366), True),
            (Days(367), False),
            (Days(800), False),
        ],
    )
    def test_the_review_date_is_within_the_coming_year(self, world: World, review_on: Days | None, ok: bool) -> None:
        day = on_the_day(review_on)
        incident = asb_incident(world.alice)
        data = case_data(review_on=day)
        if ok:
            case = services.case_open(actor=world.alice, data=data, incident_ids=[incident.pk])
            assert case.review_on == day
        else:
            errors = invalid(lambda: services.case_open(actor=world.alice, data=data, incident_ids=[incident.pk]))
            assert set(errors) == {"review_on"}

    @pytest.mark.parametrize("level", ["", "critical", "HIGH"])
    def test_a_risk_level_not_on_the_list_is_refused(self, world: World, level: str) -> None:
        incident = asb_incident(world.alice)
        errors = invalid(
            lambda: services.case_open(actor=world.alice, data=case_data(risk_level=level), incident_ids=[incident.pk])
        )
        assert set(errors) == {"risk_level"}

    def test_title_summary_and_risk_notes_are_required(self, world: World) -> None:
        incident = asb_incident(world.alice)
        data = case_data(title="  ", summary="", risk_notes=" ")
        errors = invalid(lambda: services.case_open(actor=world.alice, data=data, incident_ids=[incident.pk]))
        assert set(errors) == {"title", "summary", "risk_notes"}
        errors = invalid(
            lambda: services.case_open(actor=world.alice, data=case_data(title="x" * 161), incident_ids=[incident.pk])
        )
        assert set(errors) == {"title"}

    @pytest.mark.parametrize("lead", ["hal", "gus", "ivy"])
    def test_the_lead_is_a_person_of_the_cases_force_not_a_partner_member(self, world: World, lead: str) -> None:
        incident = asb_incident(world.alice)
        data = case_data(lead_id=getattr(world, lead).pk)
        errors = invalid(lambda: services.case_open(actor=world.alice, data=data, incident_ids=[incident.pk]))
        assert set(errors) == {"lead"}

    def test_an_unknown_lead_is_refused(self, world: World) -> None:
        incident = asb_incident(world.alice)
        data = case_data(lead_id=10**9)
        errors = invalid(lambda: services.case_open(actor=world.alice, data=data, incident_ids=[incident.pk]))
        assert set(errors) == {"lead"}

    def test_the_same_client_uuid_from_the_same_person_returns_the_same_case(self, world: World) -> None:
        incident = asb_incident(world.alice)
        key = uuid.uuid4()
        case = services.case_open(actor=world.alice, data=case_data(), incident_ids=[incident.pk], client_uuid=key)
        assert case.uuid == key
        with nothing_stored():
            again = services.case_open(
                actor=world.alice, data=case_data(title="Another title"), incident_ids=[incident.pk], client_uuid=key
            )
        assert again.pk == case.pk and again.title == case.title

    def test_another_persons_client_uuid_is_refused(self, world: World) -> None:
        incident = asb_incident(world.alice)
        key = uuid.uuid4()
        services.case_open(actor=world.alice, data=case_data(), incident_ids=[incident.pk], client_uuid=key)
        errors = invalid(
            lambda: services.case_open(actor=world.bob, data=case_data(), incident_ids=[incident.pk], client_uuid=key)
        )
        assert set(errors) == {"uuid"}

    @pytest.mark.parametrize("who", ["dee", "fay", "erin", "gus", "ivy"])
    def test_people_who_do_not_manage_cases_are_denied(self, world: World, who: str) -> None:
        incident = asb_incident(world.alice)
        actor = getattr(world, who)
        denied(lambda: services.case_open(actor=actor, data=case_data(), incident_ids=[incident.pk]))
        denied(
            lambda: services.case_open(
                actor=actor, data=case_data(neighbourhood_id=world.a1.pk), incident_ids=[incident.pk]
            )
        )


# ---- changing a case --------------------------------------------------------------------------


class CaseUpdateTests:
    def test_changes_title_and_lead_and_records_only_that_the_text_changed(self, world: World) -> None:
        case = open_case(world)
        services.case_update(
            actor=world.bob,
            case=case,
            changes=CaseChanges(title="Noise and threats at Mill Road, block B", lead_id=world.bob.pk),
            expected_version=1,
            meta=META,
        )
        assert case.version == 2 and case.lead == world.bob and case.updated_by == world.bob
        assert case.title == "Noise and threats at Mill Road, block B"
        row = only_event(EventType.ASB_CASE_UPDATED, case)
        assert row.event_type == 702 and row.actor == world.bob
        assert before(row)["lead"] == world.alice.pk and after(row)["lead"] == world.bob.pk
        assert before(row)["version"] == 1 and after(row)["version"] == 2
        assert after(row)["text_changed"] == ["title"]
        assert_no_personal_data(row)

    def test_a_save_on_an_older_copy_is_refused_and_names_who_changed_it(self, world: World) -> None:
        case = open_case(world)
        alices_copy = AsbCase.objects.get(pk=case.pk)
        services.case_update(
            actor=world.bob, case=case, changes=CaseChanges(summary="Now also graffiti."), expected_version=1
        )
        with nothing_stored(), pytest.raises(StaleCaseError) as info:
            services.case_update(
                actor=world.alice,
                case=alices_copy,
                changes=CaseChanges(title="Alice's title"),
                expected_version=alices_copy.version,
            )
        assert "Bob" in info.value.messages[0]
        assert AsbCase.objects.get(pk=case.pk).title != "Alice's title"

    def test_a_lead_of_another_force_or_a_blank_title_is_refused(self, world: World) -> None:
        case = open_case(world)
        errors = invalid(
            lambda: services.case_update(
                actor=world.alice, case=case, changes=CaseChanges(lead_id=world.hal.pk), expected_version=1
            )
        )
        assert set(errors) == {"lead"}
        errors = invalid(
            lambda: services.case_update(
                actor=world.alice, case=case, changes=CaseChanges(title=" "), expected_version=1
            )
        )
        assert set(errors) == {"title"}

    @pytest.mark.parametrize("who", ["charlie", "dee", "fay", "erin", "gus", "hal"])
    def test_only_those_who_manage_cases_in_its_area_may_change_it(self, world: World, who: str) -> None:
        case = open_case(world)
        actor = getattr(world, who)
        denied(lambda: services.case_update(actor=actor, case=case, changes=CaseChanges(title="x"), expected_version=1))


class LinkIncidentsTests:
    def test_links_new_incidents_once_and_moves_the_version_on(self, world: World) -> None:
        case = open_case(world)
        extra = asb_incident(world.alice, 3)
        already = case.case_incidents.first()
        assert already is not None
        linked = services.case_link_incidents(
            actor=world.alice, case=case, incident_ids=[extra.pk, already.incident_id], meta=META
        )
        assert linked == [extra] and case.case_incidents.count() == 3 and case.version == 2
        row = only_event(EventType.ASB_CASE_INCIDENT_LINKED, case)
        assert row.event_type == 703 and row.after == {"incidents": [extra.reference], "version": 2}
        assert_no_personal_data(row)

    def test_incidents_already_linked_are_refused(self, world: World) -> None:
        case = open_case(world)
        ids = list(case.case_incidents.values_list("incident_id", flat=True))
        errors = invalid(lambda: services.case_link_incidents(actor=world.alice, case=case, incident_ids=ids))
        assert set(errors) == {"incidents"}

    def test_no_incidents_is_refused(self, world: World) -> None:
        case = open_case(world)
        errors = invalid(lambda: services.case_link_incidents(actor=world.alice, case=case, incident_ids=[]))
        assert set(errors) == {"incidents"}

    def test_incidents_of_another_force_are_refused(self, world: World) -> None:
        case = open_case(world)
        derby = asb_incident(world.hal, point=B1_CENTRE)
        errors = invalid(lambda: services.case_link_incidents(actor=world.system, case=case, incident_ids=[derby.pk]))
        assert set(errors) == {"incidents"}
        errors = invalid(lambda: services.case_link_incidents(actor=world.alice, case=case, incident_ids=[derby.pk]))
        assert set(errors) == {"incidents"}

    def test_someone_outside_the_area_may_not_link(self, world: World) -> None:
        case = open_case(world)
        incident = asb_incident(world.charlie, point=A2_CENTRE)
        denied(lambda: services.case_link_incidents(actor=world.charlie, case=case, incident_ids=[incident.pk]))


# ---- parties ----------------------------------------------------------------------------------


class PartyTests:
    def test_adds_a_party_and_records_no_personal_data(self, world: World) -> None:
        case = open_case(world)
        party = services.case_add_party(
            actor=world.alice,
            case=case,
            data=party_data(
                vulnerabilities=(Vulnerability.AGE, Vulnerability.ISOLATION, Vulnerability.AGE),
            ),
            meta=META,
        )
        assert (party.name, party.address, party.case, party.force) == (
            "Olive Green",
            "22 Coldhams Lane",
            case,
            world.force_a,
        )
        assert party.vulnerabilities == ["age", "isolation"] and case.version == 2
        row = only_event(EventType.ASB_CASE_PARTY_ADDED, case)
        assert row.event_type == 704
        assert row.after == {"id": party.pk, "role": "victim", "vulnerabilities": ["age", "isolation"]}
        assert_no_personal_data(row)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"role": "witness"}, "role"),
            ({"role": ""}, "role"),
            ({"name": " "}, "name"),
            ({"name": "x" * 121}, "name"),
            ({"date_of_birth": tomorrow()}, "date_of_birth"),
            ({"vulnerabilities": (Vulnerability.OTHER,)}, "vulnerability_notes"),
            ({"vulnerabilities": (Vulnerability.OTHER,), "vulnerability_notes": "  "}, "vulnerability_notes"),
            ({"vulnerabilities": ("homeless",)}, "vulnerabilities"),
            ({"address": "x" * 201}, "address"),
            ({"phone": "0" * 31}, "phone"),
        ],
    )
    def test_bad_party_data_is_refused_on_its_field(self, world: World, overrides: dict[str, Any], field: str) -> None:
        case = open_case(world)
        errors = invalid(lambda: services.case_add_party(actor=world.alice, case=case, data=party_data(**overrides)))
        assert set(errors) == {field}
        party = case.parties.first()
        assert party is not None
        errors = invalid(
            lambda: services.case_update_party(actor=world.alice, party=party, data=party_data(**overrides))
        )
        assert set(errors) == {field}

    def test_other_vulnerability_with_its_note_is_accepted(self, world: World) -> None:
        case = open_case(world)
        party = services.case_add_party(
            actor=world.alice,
            case=case,
            data=party_data(vulnerabilities=(Vulnerability.OTHER,), vulnerability_notes="Hoarding."),
        )
        assert party.vulnerabilities == ["other"] and party.vulnerability_notes == "Hoarding."

    def test_updates_a_party_naming_only_the_fields_that_changed(self, world: World) -> None:
        case = open_case(world)
        party = case.parties.get(role=PartyRole.VICTIM)
        services.case_update_party(
            actor=world.bob,
            party=party,
            data=party_data(
                name="Olive Green",
                address="22 Coldhams Lane",
                date_of_birth=None,
                phone="",
                vulnerabilities=(Vulnerability.AGE,),
            ),
            meta=META,
        )
        party.refresh_from_db()
        assert party.name == "Olive Green" and party.vulnerabilities == ["age"] and party.vulnerability_notes == ""
        case.refresh_from_db()
        assert case.version == 2 and case.updated_by == world.bob
        row = only_event(EventType.ASB_CASE_PARTY_UPDATED, case)
        assert row.event_type == 705
        assert row.before == {"id": party.pk, "role": "victim", "vulnerabilities": ["other"]}
        assert after(row)["vulnerabilities"] == ["age"]
        assert after(row)["text_changed"] == ["address", "name", "vulnerability_notes"]
        assert_no_personal_data(row)

    def test_someone_outside_the_area_may_not_add_or_change_parties(self, world: World) -> None:
        case = open_case(world)
        party = case.parties.first()
        assert party is not None
        denied(lambda: services.case_add_party(actor=world.charlie, case=case, data=party_data()))
        denied(lambda: services.case_update_party(actor=world.dee, party=party, data=party_data()))


# ---- risk -------------------------------------------------------------------------------------


class RiskTests:
    def test_a_new_assessment_becomes_the_cases_risk_and_keeps_the_history(self, world: World) -> None:
        case = open_case(world)
        first = case.risk_assessments.get()
        review = today() + dt.timedelta(days=7)
        assessment = services.case_assess_risk(
            actor=world.bob,
            case=case,
            level="high",
            notes="Threats now made with a knife.",
            review_on=review,
            expected_version=1,
            meta=META,
        )
        case.refresh_from_db()
        assert (case.risk_level, case.review_on, case.version) == ("high", review, 2)
        assert list(case.risk_assessments.order_by("id")) == [first, assessment]
        first.refresh_from_db()
        assert first.level == "medium" and first.review_on == today() + dt.timedelta(days=28)
        row = only_event(EventType.ASB_CASE_RISK_ASSESSED, case)
        assert row.event_type == 706
        assert (before(row)["risk_level"], after(row)["risk_level"]) == ("medium", "high")
        assert after(row)["review_on"] == review.isoformat()
        assert "knife" not in json.dumps(row.after)

    @pytest.mark.parametrize(
        ("level", "notes", "review_on", "field"),
        [
            ("severe", "Why", Days(1), "level"),
            ("high", " ", Days(1), "notes"),
            ("high", "Why", Days(-1), "review_on"),
            ("high", "Why", Days(367), "review_on"),
            ("high", "Why", None, "review_on"),
        ],
    )
    def test_bad_assessments_are_refused(
        self, world: World, level: str, notes: str, review_on: Days | None, field: str
    ) -> None:
        day = on_the_day(review_on)
        case = open_case(world)
        errors = invalid(
            lambda: services.case_assess_risk(actor=world.alice, case=case, level=level, notes=notes, review_on=day)
        )
        assert set(errors) == {field}

    def test_an_assessment_on_an_older_copy_is_refused(self, world: World) -> None:
        case = open_case(world)
        services.case_update(actor=world.bob, case=case, changes=CaseChanges(title="Renamed"), expected_version=1)
        with nothing_stored(), pytest.raises(StaleCaseError):
            services.case_assess_risk(
                actor=world.alice,
                case=case,
                level="low",
                notes="Calmer.",
                review_on=tomorrow(),
                expected_version=1,
            )


# ---- actions ----------------------------------------------------------------------------------


class ActionTests:
    def test_plans_an_action_owned_by_a_person(self, world: World) -> None:
        case = open_case(world)
        perpetrator = case.parties.get(role=PartyRole.PERPETRATOR)
        action = services.case_add_action(
            actor=world.alice, case=case, data=action_data(world, party_id=perpetrator.pk), meta=META
        )
        assert (action.owner, action.owner_partner, action.party) == (world.alice, None, perpetrator)
        assert action.status == ActionStatus.PLANNED and case.version == 2
        row = only_event(EventType.ASB_CASE_ACTION_ADDED, case)
        assert row.event_type == 707 and after(row)["owner"] == world.alice.pk and after(row)["party"] == perpetrator.pk
        assert_no_personal_data(row)

    def test_plans_an_action_owned_by_a_partner_organisation(self, world: World) -> None:
        case = open_case(world)
        action = services.case_add_action(
            actor=world.alice,
            case=case,
            data=action_data(world, kind=ActionKind.CLOSURE, owner_id=None, owner_partner_id=world.council.pk),
        )
        assert action.owner is None and action.owner_partner == world.council

    def test_a_dispersal_direction_owned_by_the_police_is_accepted(self, world: World) -> None:
        case = open_case(world)
        action = services.case_add_action(
            actor=world.alice, case=case, data=action_data(world, kind=ActionKind.DISPERSAL_DIRECTION)
        )
        assert action.kind == ActionKind.DISPERSAL_DIRECTION

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"owner_id": None}, "owner"),
            ({"owner_partner_id": "council"}, "owner"),
            ({"owner_id": "hal"}, "owner"),
            ({"owner_id": "gus"}, "owner"),
            ({"owner_id": None, "owner_partner_id": "derby"}, "owner_partner"),
            (
                {"owner_id": None, "owner_partner_id": "council", "kind": ActionKind.DISPERSAL_DIRECTION},
                "owner_partner",
            ),
            ({"kind": "asbo"}, "kind"),
            ({"due_on": None}, "due_on"),
            ({"due_on": Days(-30)}, "due_on"),
            ({"party_id": "other case"}, "party"),
            ({"party_id": 10**9}, "party"),
        ],
    )
    def test_bad_actions_are_refused(self, world: World, overrides: dict[str, Any], field: str) -> None:
        case = open_case(world)
        other = open_case(world, actor=world.bob)
        names: dict[Any, Any] = {
            "council": world.council.pk,
            "hal": world.hal.pk,
            "gus": world.gus.pk,
            "derby": derby_partner(world).pk,
            "other case": other.parties.first().pk,  # type: ignore[union-attr]
        }
        values = {k: names.get(v, v) if isinstance(v, str) else on_the_day(v) for k, v in overrides.items()}
        errors = invalid(
            lambda: services.case_add_action(actor=world.alice, case=case, data=action_data(world, **values))
        )
        assert set(errors) == {field}

    def test_finishing_needs_a_result_and_happens_once(self, world: World) -> None:
        case = open_case(world)
        action = services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        errors = invalid(
            lambda: services.case_finish_action(actor=world.alice, action=action, status=ActionStatus.DONE, result=" ")
        )
        assert set(errors) == {"result"}
        errors = invalid(
            lambda: services.case_finish_action(
                actor=world.alice, action=action, status=ActionStatus.PLANNED, result="Delivered."
            )
        )
        assert set(errors) == {"status"}
        errors = invalid(
            lambda: services.case_finish_action(
                actor=world.alice,
                action=action,
                status=ActionStatus.DONE,
                result="Delivered.",
                completed_on=tomorrow(),
            )
        )
        assert set(errors) == {"completed_on"}
        services.case_finish_action(
            actor=world.alice, action=action, status=ActionStatus.DONE, result="Hand-deliver done.", meta=META
        )
        assert (action.status, action.result, action.completed_on) == (ActionStatus.DONE, "Hand-deliver done.", today())
        row = only_event(EventType.ASB_CASE_ACTION_UPDATED, case)
        assert row.event_type == 708
        assert (before(row)["status"], after(row)["status"]) == ("planned", "done")
        assert after(row)["completed_on"] == today().isoformat()
        assert_no_personal_data(row)
        errors = invalid(
            lambda: services.case_finish_action(
                actor=world.alice, action=action, status=ActionStatus.CANCELLED, result="Changed my mind."
            )
        )
        assert set(errors) == {"status"}

    def test_someone_outside_the_area_may_not_plan_or_finish_actions(self, world: World) -> None:
        case = open_case(world)
        action = services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        denied(lambda: services.case_add_action(actor=world.charlie, case=case, data=action_data(world)))
        denied(
            lambda: services.case_finish_action(
                actor=world.gus, action=action, status=ActionStatus.DONE, result="Done."
            )
        )


# ---- partner tasks ----------------------------------------------------------------------------


class TaskTests:
    def test_gives_a_partner_a_task(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case, meta=META)
        assert (task.partner, task.status, task.created_by, task.updated_by) == (
            world.council,
            TaskStatus.OPEN,
            world.alice,
            world.alice,
        )
        assert case.version == 2
        row = only_event(EventType.ASB_CASE_TASK_ADDED, case)
        assert row.event_type == 709 and after(row)["partner"] == world.council.pk
        assert_no_personal_data(row)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"partner_id": "derby"}, "partner"),
            ({"partner_id": 10**9}, "partner"),
            ({"partner_id": "x"}, "partner"),
            ({"partner_id": None}, "partner"),
            ({"description": "  "}, "description"),
            ({"due_on": None}, "due_on"),
        ],
    )
    def test_bad_tasks_are_refused(self, world: World, overrides: dict[str, Any], field: str) -> None:
        case = open_case(world)
        if overrides.get("partner_id") == "derby":
            overrides = {"partner_id": derby_partner(world).pk}
        errors = invalid(lambda: add_task(world, case, **overrides))
        assert set(errors) == {field}

    def test_the_partner_finishes_its_task_while_the_case_is_shared_under_an_agreement_in_force(
        self, world: World
    ) -> None:
        case = open_case(world)
        task = add_task(world, case)
        share(world, case, agreement(world))
        services.task_finish(
            actor=world.gus, task=task, status=TaskStatus.DONE, result="Tenancy warning given.", meta=META
        )
        assert (task.status, task.result, task.updated_by, task.completed_on) == (
            TaskStatus.DONE,
            "Tenancy warning given.",
            world.gus,
            today(),
        )
        case.refresh_from_db()
        assert case.version == 3 and case.updated_by == world.gus
        row = only_event(EventType.ASB_CASE_TASK_UPDATED, case)
        assert row.event_type == 710 and row.actor == world.gus
        assert (before(row)["status"], after(row)["status"]) == ("open", "done")
        assert_no_personal_data(row)

    def test_the_partner_may_not_finish_a_task_of_a_case_not_shared_with_it(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        agreement(world)
        denied(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))

    def test_the_partner_may_not_finish_another_organisations_task(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case, partner_id=housing(world).pk)
        share(world, case, agreement(world))
        denied(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))

    def test_not_once_the_agreement_has_ended_early(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        isa = agreement(world)
        share(world, case, isa)
        services.agreement_update(
            actor=world.erin, agreement=isa, data=agreement_data(world), ended_early_on=yesterday()
        )
        denied(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))

    def test_not_once_the_agreement_has_run_out(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        isa = agreement(world)
        share(world, case, isa)
        ended = agreement_data(world, starts_on=today() - dt.timedelta(days=60), ends_on=yesterday())
        services.agreement_update(actor=world.erin, agreement=isa, data=ended)
        denied(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))

    def test_not_once_the_share_is_withdrawn(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        shared = share(world, case, agreement(world))
        services.case_unshare(actor=world.bob, share=shared)
        denied(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))

    def test_the_cases_managers_finish_tasks_with_a_result_once(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        denied(lambda: services.task_finish(actor=world.charlie, task=task, status=TaskStatus.DONE, result="Done."))
        errors = invalid(lambda: services.task_finish(actor=world.alice, task=task, status=TaskStatus.DONE, result=""))
        assert set(errors) == {"result"}
        errors = invalid(
            lambda: services.task_finish(actor=world.alice, task=task, status=TaskStatus.OPEN, result="Done.")
        )
        assert set(errors) == {"status"}
        services.task_finish(actor=world.alice, task=task, status=TaskStatus.CANCELLED, result="Not needed now.")
        errors = invalid(
            lambda: services.task_finish(actor=world.alice, task=task, status=TaskStatus.DONE, result="Done.")
        )
        assert set(errors) == {"status"}

    def test_someone_outside_the_area_may_not_give_tasks(self, world: World) -> None:
        case = open_case(world)
        denied(
            lambda: services.case_add_task(
                actor=world.gus,
                case=case,
                partner_id=world.council.pk,
                description="Visit.",
                due_on=tomorrow(),
            )
        )


# ---- conferences ------------------------------------------------------------------------------


class ConferenceTests:
    def test_records_a_conference_without_names_or_decisions_in_the_trail(self, world: World) -> None:
        case = open_case(world)
        conference = services.case_record_conference(
            actor=world.alice,
            case=case,
            held_on=today(),
            decisions="Agreed to apply for a CPN.",
            attendee_ids=[world.alice.pk, world.bob.pk],
            partner_ids=[world.council.pk],
            other_attendees="Mrs Patel from the residents' association",
            meta=META,
        )
        assert set(conference.attendees.all()) == {world.alice, world.bob}
        assert list(conference.partners.all()) == [world.council] and case.version == 2
        row = only_event(EventType.ASB_CASE_CONFERENCE_RECORDED, case)
        assert row.event_type == 711
        assert row.after == {
            "id": conference.pk,
            "held_on": today().isoformat(),
            "attendees": sorted([world.alice.pk, world.bob.pk]),
            "partners": [world.council.pk],
        }
        assert_no_personal_data(row)

    def test_an_attendee_named_twice_counts_once(self, world: World) -> None:
        case = open_case(world)
        conference = services.case_record_conference(
            actor=world.alice,
            case=case,
            held_on=today(),
            decisions="Wait.",
            attendee_ids=[world.bob.pk, str(world.bob.pk)],
            partner_ids=[world.council.pk, world.council.pk],
        )
        assert list(conference.attendees.all()) == [world.bob]
        assert list(conference.partners.all()) == [world.council]

    def test_other_attendees_alone_are_enough(self, world: World) -> None:
        case = open_case(world)
        conference = services.case_record_conference(
            actor=world.alice,
            case=case,
            held_on=yesterday(),
            decisions="Wait.",
            other_attendees="Housing officer",
        )
        assert not conference.attendees.exists() and conference.other_attendees == "Housing officer"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"held_on": tomorrow()}, "held_on"),
            ({"held_on": None}, "held_on"),
            ({"decisions": " "}, "decisions"),
            ({"attendee_ids": [], "partner_ids": [], "other_attendees": "  "}, "attendees"),
            ({"attendee_ids": ["alice", "hal"]}, "attendees"),
            ({"attendee_ids": ["gus"]}, "attendees"),
            ({"attendee_ids": [10**9]}, "attendees"),
            ({"partner_ids": ["derby"]}, "partners"),
            ({"attendee_ids": ["x"]}, "attendees"),
            ({"attendee_ids": [None]}, "attendees"),
            ({"partner_ids": ["1.5"]}, "partners"),
        ],
    )
    def test_bad_conferences_are_refused(self, world: World, overrides: dict[str, Any], field: str) -> None:
        case = open_case(world)
        names: dict[str, int] = {"alice": world.alice.pk, "hal": world.hal.pk, "gus": world.gus.pk}
        if overrides.get("partner_ids") == ["derby"]:
            names["derby"] = derby_partner(world).pk
        values: dict[str, Any] = {
            "held_on": today(),
            "decisions": "Agreed to apply for a CPN.",
            "attendee_ids": [world.alice.pk],
            "partner_ids": [],
            "other_attendees": "",
        }
        for key, value in overrides.items():
            values[key] = (
                [names.get(v, v) if isinstance(v, str) else v for v in value] if isinstance(value, list) else value
            )
        errors = invalid(lambda: services.case_record_conference(actor=world.alice, case=case, **values))
        assert set(errors) == {field}

    def test_someone_outside_the_area_may_not_record_one(self, world: World) -> None:
        case = open_case(world)
        denied(
            lambda: services.case_record_conference(
                actor=world.charlie, case=case, held_on=today(), decisions="x", attendee_ids=[world.charlie.pk]
            )
        )


# ---- closing ----------------------------------------------------------------------------------


def close(world: World, case: AsbCase, **overrides: Any) -> AsbCase:
    values: dict[str, Any] = {"reason": ClosureReason.MOVED, "notes": "Moved to Leeds in June."}
    return services.case_close(actor=world.alice, case=case, **(values | overrides))


class CloseTests:
    def test_closes_with_a_reason_and_audits_it_without_the_notes(self, world: World) -> None:
        case = open_case(world)
        close(world, case, expected_version=1, meta=META)
        assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.MOVED
        assert case.closure_notes == "Moved to Leeds in June." and case.closed_at is not None and case.version == 2
        row = only_event(EventType.ASB_CASE_CLOSED, case)
        assert row.event_type == 712
        assert (before(row)["status"], after(row)["status"]) == ("open", "closed")
        assert after(row)["closure_reason"] == "moved"
        assert_no_personal_data(row)

    @pytest.mark.parametrize("reason", ["", "bored"])
    def test_a_reason_from_the_list_is_needed(self, world: World, reason: str) -> None:
        case = open_case(world)
        errors = invalid(lambda: close(world, case, reason=reason))
        assert set(errors) == {"reason"}

    def test_refused_while_an_action_is_open(self, world: World) -> None:
        case = open_case(world)
        action = services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        errors = invalid(lambda: close(world, case))
        assert set(errors) == {"__all__"} and "(1)" in errors["__all__"][0]
        services.case_finish_action(actor=world.alice, action=action, status=ActionStatus.DONE, result="Sent.")
        close(world, case)
        assert case.status == CaseStatus.CLOSED

    def test_refused_while_a_partner_task_is_open(self, world: World) -> None:
        case = open_case(world)
        task = add_task(world, case)
        errors = invalid(lambda: close(world, case))
        assert set(errors) == {"__all__"}
        services.task_finish(actor=world.alice, task=task, status=TaskStatus.CANCELLED, result="Not needed.")
        close(world, case)
        assert case.status == CaseStatus.CLOSED

    def test_a_close_on_an_older_copy_is_refused(self, world: World) -> None:
        case = open_case(world)
        services.case_update(actor=world.bob, case=case, changes=CaseChanges(title="Renamed"), expected_version=1)
        with nothing_stored(), pytest.raises(StaleCaseError):
            close(world, case, expected_version=1)

    @pytest.mark.parametrize("who", ["charlie", "dee", "gus", "hal"])
    def test_others_may_not_close_it(self, world: World, who: str) -> None:
        case = open_case(world)
        actor = getattr(world, who)
        denied(lambda: services.case_close(actor=actor, case=case, reason=ClosureReason.RESOLVED))

    WRITES = (
        "close",
        "update",
        "link",
        "add_party",
        "update_party",
        "risk",
        "action",
        "finish_action",
        "task",
        "conference",
        "share",
    )

    @pytest.mark.parametrize("write", WRITES)
    def test_every_write_to_a_closed_case_is_refused(self, world: World, write: str) -> None:
        case = open_case(world)
        isa = agreement(world)
        action = services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        services.case_finish_action(actor=world.alice, action=action, status=ActionStatus.DONE, result="Sent.")
        party = case.parties.first()
        assert party is not None
        extra = asb_incident(world.alice, 5)
        close(world, case)
        calls: dict[str, Callable[[], object]] = {
            "close": lambda: close(world, case, reason=ClosureReason.RESOLVED),
            "update": lambda: services.case_update(
                actor=world.alice, case=case, changes=CaseChanges(title="Reopened?"), expected_version=case.version
            ),
            "link": lambda: services.case_link_incidents(actor=world.alice, case=case, incident_ids=[extra.pk]),
            "add_party": lambda: services.case_add_party(actor=world.alice, case=case, data=party_data()),
            "update_party": lambda: services.case_update_party(actor=world.alice, party=party, data=party_data()),
            "risk": lambda: services.case_assess_risk(
                actor=world.alice,
                case=case,
                level="high",
                notes="Back again.",
                review_on=tomorrow(),
            ),
            "action": lambda: services.case_add_action(actor=world.alice, case=case, data=action_data(world)),
            "finish_action": lambda: services.case_finish_action(
                actor=world.alice, action=action, status=ActionStatus.CANCELLED, result="x"
            ),
            "task": lambda: add_task(world, case),
            "conference": lambda: services.case_record_conference(
                actor=world.alice, case=case, held_on=today(), decisions="x", attendee_ids=[world.alice.pk]
            ),
            "share": lambda: services.case_share(actor=world.bob, case=case, agreement_id=isa.pk),
        }
        assert set(calls) == set(self.WRITES)
        closed_message(invalid(calls[write]))

    def test_a_task_cannot_be_finished_once_the_case_is_closed(self, world: World) -> None:
        # Closing needs every task finished; a task row left open by other means stays closed too.
        case = open_case(world)
        task = add_task(world, case)
        share(world, case, agreement(world))
        services.task_finish(actor=world.alice, task=task, status=TaskStatus.CANCELLED, result="Not needed.")
        close(world, case)
        PartnerTask.objects.filter(pk=task.pk).update(status=TaskStatus.OPEN, result="")
        task.refresh_from_db()
        closed_message(
            invalid(lambda: services.task_finish(actor=world.gus, task=task, status=TaskStatus.DONE, result="Done."))
        )

    def test_a_closed_case_may_still_be_unshared(self, world: World) -> None:
        case = open_case(world)
        shared = share(world, case, agreement(world))
        close(world, case)
        services.case_unshare(actor=world.bob, share=shared)
        assert shared.withdrawn_at is not None and shared.withdrawn_by == world.bob
        assert only_event(EventType.ASB_CASE_UNSHARED, case).actor == world.bob


# ---- agreements -------------------------------------------------------------------------------


class AgreementTests:
    def test_the_force_admin_records_an_agreement(self, world: World) -> None:
        data = agreement_data(
            world, data_categories=(DataCategory.TASKS, DataCategory.SUMMARY, DataCategory.TASKS), title="  ISA  "
        )
        isa = services.agreement_create(actor=world.erin, force=world.force_a, data=data, meta=META)
        assert (isa.force, isa.partner, isa.title, isa.created_by) == (world.force_a, world.council, "ISA", world.erin)
        assert isa.data_categories == ["summary", "tasks"]
        row = only_event(EventType.SHARING_AGREEMENT_CREATED, isa)
        assert row.event_type == 720 and row.actor == world.erin and row.force_id == world.force_a.pk
        assert after(row)["partner"] == world.council.pk and after(row)["data_categories"] == ["summary", "tasks"]
        assert_no_personal_data(row)

    @pytest.mark.parametrize("who", ["ivy", "bob", "alice", "dee", "fay", "gus"])
    def test_only_that_forces_admin_may_record_one(self, world: World, who: str) -> None:
        actor = getattr(world, who)
        denied(lambda: services.agreement_create(actor=actor, force=world.force_a, data=agreement_data(world)))

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"ends_on": Days(-31)}, "ends_on"),
            ({"ends_on": Days(-30 + 5 * 366 + 1)}, "ends_on"),
            ({"starts_on": None}, "starts_on"),
            ({"ends_on": None}, "ends_on"),
            ({"data_categories": ()}, "data_categories"),
            ({"data_categories": (DataCategory.SUMMARY, "medical")}, "data_categories"),
            ({"title": " "}, "title"),
            ({"purpose": ""}, "purpose"),
            ({"partner_id": 10**9}, "partner"),
        ],
    )
    def test_bad_agreements_are_refused(self, world: World, overrides: dict[str, Any], field: str) -> None:
        data = agreement_data(world, **on_the_days(overrides))
        errors = invalid(lambda: services.agreement_create(actor=world.erin, force=world.force_a, data=data))
        assert set(errors) == {field}

    def test_five_years_to_the_day_is_accepted(self, world: World) -> None:
        starts = today()
        isa = agreement(world, starts_on=starts, ends_on=starts + dt.timedelta(days=5 * 366))
        assert isa.ends_on == starts + dt.timedelta(days=5 * 366)

    def test_a_partner_of_another_force_is_refused(self, world: World) -> None:
        derby = derby_partner(world)
        errors = invalid(
            lambda: services.agreement_create(
                actor=world.erin, force=world.force_a, data=agreement_data(world, partner_id=derby.pk)
            )
        )
        assert set(errors) == {"partner"}
        # Ivy, for her own force, with Cambridgeshire's council.
        errors = invalid(
            lambda: services.agreement_create(actor=world.ivy, force=world.force_b, data=agreement_data(world))
        )
        assert set(errors) == {"partner"}

    def test_an_update_narrows_the_data_and_ends_it_early(self, world: World) -> None:
        isa = agreement(world)
        services.agreement_update(
            actor=world.erin,
            agreement=isa,
            data=agreement_data(world, data_categories=(DataCategory.SUMMARY,)),
            ended_early_on=yesterday(),
            meta=META,
        )
        assert isa.data_categories == ["summary"] and isa.ended_early_on == yesterday()
        assert isa.last_day == yesterday() and not isa.in_force_on(today())
        row = only_event(EventType.SHARING_AGREEMENT_UPDATED, isa)
        assert row.event_type == 721
        assert before(row)["data_categories"] == ["parties", "summary", "tasks"]
        assert after(row)["data_categories"] == ["summary"]
        assert (before(row)["ended_early_on"], after(row)["ended_early_on"]) == (
            None,
            yesterday().isoformat(),
        )
        assert_no_personal_data(row)

    def test_the_partner_of_an_agreement_cannot_be_changed(self, world: World) -> None:
        isa = agreement(world)
        other = housing(world)
        errors = invalid(
            lambda: services.agreement_update(
                actor=world.erin, agreement=isa, data=agreement_data(world, partner_id=other.pk)
            )
        )
        assert set(errors) == {"partner"}

    def test_an_update_is_validated_like_a_new_one(self, world: World) -> None:
        isa = agreement(world)
        errors = invalid(
            lambda: services.agreement_update(
                actor=world.erin, agreement=isa, data=agreement_data(world, data_categories=())
            )
        )
        assert set(errors) == {"data_categories"}
        errors = invalid(
            lambda: services.agreement_update(
                actor=world.erin,
                agreement=isa,
                data=agreement_data(world),
                ended_early_on=today() - dt.timedelta(days=40),
            )
        )
        assert set(errors) == {"ended_early_on"}

    @pytest.mark.parametrize("who", ["ivy", "bob", "gus"])
    def test_only_that_forces_admin_may_change_one(self, world: World, who: str) -> None:
        isa = agreement(world)
        actor = getattr(world, who)
        denied(
            lambda: services.agreement_update(
                actor=actor, agreement=isa, data=agreement_data(world), ended_early_on=yesterday()
            )
        )


# ---- sharing ----------------------------------------------------------------------------------


class SharingTests:
    def test_the_areas_supervisor_shares_a_case_under_an_agreement(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        shared = services.case_share(actor=world.bob, case=case, agreement_id=str(isa.pk), meta=META)
        assert (shared.case, shared.agreement, shared.partner, shared.shared_by) == (
            case,
            isa,
            world.council,
            world.bob,
        )
        assert shared.is_open
        row = only_event(EventType.ASB_CASE_SHARED, case)
        assert row.event_type == 722 and row.neighbourhood_id == world.a1.pk
        assert row.after == {
            "agreement": isa.pk,
            "partner": world.council.pk,
            "categories": ["parties", "summary", "tasks"],
        }
        assert_no_personal_data(row)

    @pytest.mark.parametrize("who", ["alice", "charlie", "dee", "erin", "gus", "hal"])
    def test_only_a_supervisor_of_the_cases_area_may_share_it(self, world: World, who: str) -> None:
        case = open_case(world)
        isa = agreement(world)
        actor = getattr(world, who)
        denied(lambda: services.case_share(actor=actor, case=case, agreement_id=isa.pk))

    @pytest.mark.parametrize(
        ("starts", "ends", "ended_early"),
        [
            (1, 100, None),  # starts tomorrow
            (-100, -1, None),  # ended yesterday
            (-30, 300, -1),  # ended early yesterday
        ],
    )
    def test_an_agreement_not_in_force_today_is_refused(
        self, world: World, starts: int, ends: int, ended_early: int | None
    ) -> None:
        case = open_case(world)
        data = agreement_data(
            world, starts_on=today() + dt.timedelta(days=starts), ends_on=today() + dt.timedelta(days=ends)
        )
        isa = services.agreement_create(actor=world.erin, force=world.force_a, data=data)
        if ended_early is not None:
            services.agreement_update(
                actor=world.erin, agreement=isa, data=data, ended_early_on=today() + dt.timedelta(days=ended_early)
            )
        errors = invalid(lambda: services.case_share(actor=world.bob, case=case, agreement_id=isa.pk))
        assert set(errors) == {"agreement"}

    def test_agreements_that_start_or_end_today_are_in_force(self, world: World) -> None:
        case = open_case(world)
        starting = agreement(world, starts_on=today())
        ending = agreement(world, starts_on=today() - dt.timedelta(days=10), ends_on=today())
        ending_early = agreement(world, title="Third")
        services.agreement_update(
            actor=world.erin, agreement=ending_early, data=agreement_data(world, title="Third"), ended_early_on=today()
        )
        for isa in (starting, ending, ending_early):
            services.case_share(actor=world.bob, case=case, agreement_id=isa.pk)
        assert case.shares.count() == 3

    def test_an_agreement_of_another_force_or_unknown_is_refused(self, world: World) -> None:
        case = open_case(world)
        derby = services.agreement_create(
            actor=world.ivy, force=world.force_b, data=agreement_data(world, partner_id=derby_partner(world).pk)
        )
        for agreement_id in (derby.pk, 10**9, "x", None):
            errors = invalid(partial(services.case_share, actor=world.bob, case=case, agreement_id=agreement_id))
            assert set(errors) == {"agreement"}

    def test_the_same_agreement_twice_is_refused_until_withdrawn(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        first = share(world, case, isa)
        errors = invalid(lambda: services.case_share(actor=world.bob, case=case, agreement_id=isa.pk))
        assert set(errors) == {"agreement"}
        services.case_unshare(actor=world.bob, share=first, meta=META)
        assert first.withdrawn_by == world.bob and first.withdrawn_at is not None and not first.is_open
        row = only_event(EventType.ASB_CASE_UNSHARED, case)
        assert row.event_type == 723 and row.after == {"agreement": isa.pk, "partner": world.council.pk}
        assert_no_personal_data(row)
        again = share(world, case, isa)
        assert again.pk != first.pk and again.is_open
        assert case.shares.count() == 2

    def test_a_share_is_withdrawn_once(self, world: World) -> None:
        case = open_case(world)
        shared = share(world, case, agreement(world))
        services.case_unshare(actor=world.bob, share=shared)
        errors = invalid(lambda: services.case_unshare(actor=world.bob, share=shared))
        assert set(errors) == {"__all__"}

    @pytest.mark.parametrize("who", ["alice", "charlie", "gus", "erin"])
    def test_only_a_supervisor_of_the_area_may_withdraw_a_share(self, world: World, who: str) -> None:
        case = open_case(world)
        shared = share(world, case, agreement(world))
        actor = getattr(world, who)
        denied(lambda: services.case_unshare(actor=actor, share=shared))
