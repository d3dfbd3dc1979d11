"""The portfolio API end to end, every response checked against the OpenAPI document: records made
into evidence (a redacted copy: none of the people's details in the response), writing and bad
input by field, submitting, judging (by the assessor, never the learner), coverage, who sees a
portfolio and the original, the PDF, and the records a learner may use."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from beatbook.api.tests.helpers import Api, assert_error, data
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import make_person
from beatbook.core.timeutil import today
from beatbook.learning.models import Criterion, Enrolment, Evidence, EvidenceCriterion, Judgement
from beatbook.learning.selectors import portfolio as selectors
from beatbook.learning.services import portfolio as services
from beatbook.learning.services import programmes
from beatbook.org.models import Role

from .test_portfolio import Cast, assert_no_personal_data, cast, draft, incident, submitted

__all__ = ["cast"]


@pytest.fixture
def api() -> Api:
    return Api()


def _from_record_url(cast: Cast) -> str:
    return f"/enrolments/{cast.enrolment.pk}/evidence/from-record"


def _account(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "reflective_account",
        "title": "A school visit about parking",
        "occurred_on": (today() - dt.timedelta(days=2)).isoformat(),
        "body": "What I did at the school gate and what I learnt.",
        "criteria": [c.pk for c in cast.criteria(2)],
    }
    body.update(overrides)
    return body


class FromRecordTests:
    def test_the_learner_makes_an_incident_into_redacted_evidence(self, api: Api, cast: Cast) -> None:
        record = incident(cast.world)
        first = cast.criteria(1)[0]
        made = api.post(
            _from_record_url(cast),
            {"source": "incidents.incident", "id": record.pk, "criteria": [first.pk]},
            as_=cast.alice,
        )
        assert made.status_code == 201, made.content
        assert_no_personal_data(made.content.decode())
        body = data(made)
        evidence = Evidence.objects.get()
        assert body["id"] == evidence.pk and body["enrolment"] == cast.enrolment.pk
        assert (body["kind"], body["status"], body["source"]) == ("operational_record", "draft", "incidents.incident")
        assert body["source_label"] == f"Incident {record.reference}"
        assert body["body"] == evidence.body and "shouted at her again" in body["body"]
        assert body["redaction"] == {str(k): int(v) for k, v in evidence.redaction["removed"].items()}
        assert sum(body["redaction"].values()) > 0
        assert body["author"]["id"] == cast.alice.pk
        assert [(m["criterion"]["id"], m["judgement"]) for m in body["mappings"]] == [(first.pk, "pending")]
        assert body["original_url"] == f"/incidents/{record.pk}/"
        assert body["can_judge"] is False
        assert evidence.source_id == record.pk

    def test_unknown_sources_others_records_and_duplicates_are_refused(self, api: Api, cast: Cast) -> None:
        world = cast.world
        url = _from_record_url(cast)
        record = incident(world)
        assert_error(api.post(url, {"source": "nowhere.record", "id": record.pk}, as_=cast.alice), 404, "not_found")
        assert_error(api.post(url, {"source": "incidents.incident", "id": 999999}, as_=cast.alice), 404, "not_found")
        bobs = incident(world, actor=world.bob)
        refused = assert_error(api.post(url, {"source": "incidents.incident", "id": bobs.pk}, as_=cast.alice), 400)
        assert set(refused["fields"]) == {"record"}
        assert "created or took part in" in refused["fields"]["record"][0]
        assert not Evidence.objects.exists()
        # Only the learner proposes a record.
        assert_error(api.post(url, {"source": "incidents.incident", "id": record.pk}, as_=cast.tutor), 403)
        assert api.post(url, {"source": "incidents.incident", "id": record.pk}, as_=cast.alice).status_code == 201
        twice = assert_error(api.post(url, {"source": "incidents.incident", "id": record.pk}, as_=cast.alice), 400)
        assert set(twice["fields"]) == {"record"} and "already in your portfolio" in twice["fields"]["record"][0]
        assert Evidence.objects.count() == 1
        # Someone who does not see the portfolio: 404, before anything else.
        assert_error(api.post(url, {"source": "incidents.incident", "id": record.pk}, as_=world.charlie), 404)


class WritingTests:
    def test_the_learner_writes_a_reflective_account(self, api: Api, cast: Cast) -> None:
        first, second = cast.criteria(2)
        made = api.post(f"/enrolments/{cast.enrolment.pk}/evidence", _account(cast), as_=cast.alice)
        assert made.status_code == 201, made.content
        body = data(made)
        evidence = Evidence.objects.get()
        assert body["id"] == evidence.pk and evidence.title == "A school visit about parking"
        assert (body["kind"], body["status"], body["title"]) == (
            "reflective_account",
            "draft",
            "A school visit about parking",
        )
        assert body["occurred_on"] == (today() - dt.timedelta(days=2)).isoformat()
        assert body["author"]["id"] == cast.alice.pk and body["source"] is None and body["original_url"] is None
        assert [m["criterion"]["id"] for m in body["mappings"]] == [first.pk, second.pk]
        assert body["mappings"][0]["criterion"]["code"] == first.code
        assert AuditEvent.objects.filter(event_type=EventType.EVIDENCE_CREATED).count() == 1

    def test_bad_input_is_refused_by_field(self, api: Api, cast: Cast) -> None:
        url = f"/enrolments/{cast.enrolment.pk}/evidence"
        alice = cast.alice
        # A kind the learner does not write, one that does not exist, and the copy of a record.
        observation = assert_error(api.post(url, _account(cast, kind="observation"), as_=alice), 400, "invalid")
        assert set(observation["fields"]) == {"kind"}
        unknown = assert_error(api.post(url, _account(cast, kind="poem"), as_=alice), 422, "validation_error")
        assert set(unknown["fields"]) == {"kind"}
        record = assert_error(api.post(url, _account(cast, kind="operational_record"), as_=alice), 400, "invalid")
        assert set(record["fields"]) == {"kind"} and "from the record" in record["fields"]["kind"][0]
        # Criteria of another force's programme.
        other = programmes.programme_load(
            actor=cast.world.system, force=cast.world.force_b, data=programmes.read_programme_file()
        ).programme
        foreign = Criterion.objects.filter(programme=other).first()
        assert foreign is not None
        criteria = assert_error(api.post(url, _account(cast, criteria=[foreign.pk]), as_=alice), 400, "invalid")
        assert set(criteria["fields"]) == {"criteria"}
        # A title longer than the field, and blank or future values the service refuses.
        long = assert_error(api.post(url, _account(cast, title="x" * 201), as_=alice), 422, "validation_error")
        assert set(long["fields"]) == {"title"}
        blank = api.post(
            url, _account(cast, title=" ", occurred_on=(today() + dt.timedelta(days=1)).isoformat()), as_=alice
        )
        assert set(assert_error(blank, 400, "invalid")["fields"]) == {"title", "occurred_on"}
        # The tutor writes observations, not reflective accounts; a PCSO elsewhere sees nothing.
        assert set(assert_error(api.post(url, _account(cast), as_=cast.tutor), 400)["fields"]) == {"kind"}
        assert_error(api.post(url, _account(cast), as_=cast.world.charlie), 404)
        assert_error(api.post(url, _account(cast), as_=cast.world.bob), 403)  # the line manager reads only
        assert not Evidence.objects.exists()

    def test_a_draft_is_changed_mapped_and_withdrawn(self, api: Api, cast: Cast) -> None:
        evidence = draft(cast)
        url = f"/evidence/{evidence.pk}"
        change = {"title": "Rewritten", "occurred_on": today().isoformat(), "body": "Better.", "witness": ""}
        changed = api.patch(url, change, as_=cast.alice)
        assert changed.status_code == 200 and data(changed)["title"] == "Rewritten"
        evidence.refresh_from_db()
        assert (evidence.title, evidence.body) == ("Rewritten", "Better.")
        assert_error(api.patch(url, change, as_=cast.tutor), 403)
        third = cast.criteria(3)[2]
        mapped = api.call("PUT", f"{url}/criteria", body={"criteria": [third.pk]}, as_=cast.alice)
        assert [m["criterion"]["id"] for m in data(mapped)["mappings"]] == [third.pk]
        assert list(evidence.mappings.values_list("criterion_id", flat=True)) == [third.pk]
        withdrawn = api.post(f"{url}/withdraw", as_=cast.alice)
        assert withdrawn.status_code == 200 and data(withdrawn)["status"] == "withdrawn"
        assert_error(api.post(f"{url}/withdraw", as_=cast.alice), 400)
        assert_error(api.patch(url, change, as_=cast.alice), 400)

    def test_the_copy_of_a_record_cannot_be_rewritten(self, api: Api, cast: Cast) -> None:
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=incident(cast.world)
        )
        change = {"title": "Mine", "occurred_on": today().isoformat(), "body": "Margaret Thornbury again"}
        assert_error(api.patch(f"/evidence/{evidence.pk}", change, as_=cast.alice), 400)
        evidence.refresh_from_db()
        assert "Thornbury" not in evidence.body


class JudgingTests:
    def test_submitted_evidence_is_judged_by_the_assessor_and_coverage_shows_it(self, api: Api, cast: Cast) -> None:
        first, second = cast.criteria(2)
        evidence = draft(cast, criteria=[first.pk, second.pk])
        judge_url = f"/evidence/{evidence.pk}/judgements"
        # A draft is not judged.
        assert_error(api.post(judge_url, {"criterion": first.pk, "judgement": "met"}, as_=cast.assessor), 400)
        sent = api.post(f"/evidence/{evidence.pk}/submit", as_=cast.alice)
        assert sent.status_code == 200 and data(sent)["status"] == "submitted" and data(sent)["submitted_at"]
        assert_error(
            api.patch(
                f"/evidence/{evidence.pk}",
                {"title": "x", "occurred_on": today().isoformat(), "body": "x"},
                as_=cast.alice,
            ),
            400,
        )
        # The learner never judges her own portfolio; nor does her tutor.
        own = assert_error(api.post(judge_url, {"criterion": first.pk, "judgement": "met"}, as_=cast.alice), 403)
        assert "You wrote this evidence" in own["message"]
        assert_error(api.post(judge_url, {"criterion": first.pk, "judgement": "met"}, as_=cast.tutor), 403)
        # "Not yet met" needs feedback; a criterion the evidence is not mapped to is refused.
        bare = api.post(judge_url, {"criterion": second.pk, "judgement": "not_yet_met"}, as_=cast.assessor)
        assert set(assert_error(bare, 400, "invalid")["fields"]) == {"feedback"}
        unmapped = cast.criteria(5)[4]
        stray = api.post(judge_url, {"criterion": unmapped.pk, "judgement": "met"}, as_=cast.assessor)
        assert set(assert_error(stray, 400, "invalid")["fields"]) == {"criterion"}
        assert not EvidenceCriterion.objects.exclude(judgement=Judgement.PENDING).exists()

        met = api.post(judge_url, {"criterion": first.pk, "judgement": "met"}, as_=cast.assessor)
        assert met.status_code == 201, met.content
        body = data(met)
        assert body["can_judge"] is True
        judged = {m["criterion"]["id"]: m for m in body["mappings"]}
        assert judged[first.pk]["judgement"] == "met" and judged[first.pk]["judged_by"]["id"] == cast.assessor.pk
        assert judged[second.pk]["judgement"] == "pending" and judged[second.pk]["judged_by"] is None
        feedback = "Say how you checked the victim was safe."
        not_yet = api.post(
            judge_url, {"criterion": second.pk, "judgement": "not_yet_met", "feedback": feedback}, as_=cast.assessor
        )
        assert not_yet.status_code == 201
        assert {m["criterion"]["id"]: m["feedback"] for m in data(not_yet)["mappings"]}[second.pk] == feedback
        assert selectors.met_criterion_ids(cast.enrolment.pk) == {first.pk}

        coverage = data(api.get(f"/enrolments/{cast.enrolment.pk}/portfolio/coverage", as_=cast.alice))
        rows = {c["criterion"]["id"]: c for u in coverage["units"] for c in u["criteria"]}
        total = Criterion.objects.filter(programme=cast.programme).count()
        assert coverage["enrolment"] == cast.enrolment.pk and coverage["total"] == total == len(rows)
        assert (coverage["met"], coverage["not_yet_met"], coverage["missing"]) == (1, 1, total - 2)
        assert (rows[first.pk]["state"], rows[first.pk]["met"], rows[first.pk]["evidence"]) == ("met", 1, 1)
        assert (rows[second.pk]["state"], rows[second.pk]["not_yet_met"]) == ("not_yet_met", 1)
        assert rows[unmapped.pk]["state"] == "missing"
        assert coverage["percent"] == round(100 / total)
        assert [u["number"] for u in coverage["units"]] == list(range(1, 9))
        # Judged met: no longer withdrawn.
        assert_error(api.post(f"/evidence/{evidence.pk}/withdraw", as_=cast.alice), 400)


class AccessTests:
    def test_who_reads_a_portfolio(self, api: Api, cast: Cast) -> None:
        world = cast.world
        evidence = submitted(cast)
        url = f"/enrolments/{cast.enrolment.pk}/portfolio"
        for actor in (world.charlie, world.hal, world.gus):
            assert_error(api.get(url, as_=actor), 404, "not_found")
            assert_error(api.get(f"{url}/coverage", as_=actor), 404, "not_found")
            assert_error(api.get(f"{url}/pdf", as_=actor), 404, "not_found")
            assert_error(api.get(f"/evidence/{evidence.pk}", as_=actor), 404, "not_found")
        assert not AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_VIEWED).exists()
        listed = data(api.get(url, as_=world.bob))  # the line manager
        assert listed["enrolment"] == cast.enrolment.pk and listed["learner"]["id"] == cast.alice.pk
        assert listed["programme"] == cast.programme.name
        assert [(i["id"], i["status"]) for i in listed["items"]] == [(evidence.pk, "submitted")]
        (event,) = AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_VIEWED)
        assert event.actor_id == world.bob.pk

    def test_the_original_only_for_those_who_may_see_it(self, api: Api, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        evidence = services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=record)
        # An assessor posted in Cherry Hinton only: named on the enrolment, so sees the portfolio, not the incident.
        remote = make_person(world.system, world.force_a, "rita", Role.ASSESSOR, neighbourhood=world.a2)
        Enrolment.objects.filter(pk=cast.enrolment.pk).update(assessor=remote)
        original = f"/incidents/{record.pk}/"
        for actor in (world.alice, world.bob):
            assert data(api.get(f"/evidence/{evidence.pk}", as_=actor))["original_url"] == original
        seen = data(api.get(f"/evidence/{evidence.pk}", as_=remote))
        assert seen["id"] == evidence.pk and seen["original_url"] is None
        # The list never gives it.
        listed = data(api.get(f"/enrolments/{cast.enrolment.pk}/portfolio", as_=world.alice))
        assert [i["original_url"] for i in listed["items"]] == [None]


def test_the_pdf_is_a_pdf_and_its_export_is_audited(api: Api, cast: Cast) -> None:
    submitted(cast)
    response = api.get(f"/enrolments/{cast.enrolment.pk}/portfolio/pdf", as_=cast.assessor)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="portfolio-{cast.enrolment.pk}.pdf"'
    (event,) = AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_EXPORTED)
    assert event.actor_id == cast.assessor.pk


def test_the_eligible_records_are_the_learners_own_marked_in_use(api: Api, cast: Cast) -> None:
    world = cast.world
    old = incident(world, occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=9))
    new = incident(world)
    incident(world, actor=world.bob)
    services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=old)
    response = api.get("/portfolio/eligible-records", as_=world.alice)
    listed = data(response)
    assert listed["enrolment"] == cast.enrolment.pk
    rows = [(r["id"], r["in_use"]) for r in listed["items"] if r["source"] == "incidents.incident"]
    assert rows == [(new.pk, False), (old.pk, True)]
    assert_no_personal_data(response.content.decode())
    assert data(api.get("/portfolio/eligible-records", as_=world.charlie)) == {"enrolment": None, "items": []}
