"""Portfolio pages through the test client: the "Use as evidence" button on a record page, the
redacted preview and the copy, the portfolio with its coverage, changing, submitting and
withdrawing evidence, the assessor's judgement, who gets 403 and 404, the original record (only
for those allowed, audited), the PDF, that refused or forged posts store nothing, and the
portfolio page's query count, the same for one evidence item as for five."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import make_person
from beatbook.core.timeutil import today
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    Evidence,
    EvidenceCriterion,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
)
from beatbook.learning.selectors import portfolio as selectors
from beatbook.learning.services import portfolio as services
from beatbook.org.models import Person, Role

from .test_portfolio import PERSONAL, Cast, assert_no_personal_data, cast, draft, incident, submitted

__all__ = ["cast"]

INCIDENT = "incidents.incident"


def page(response: Any) -> str:
    return str(response.content.decode())


def url(name: str, *args: Any) -> str:
    return reverse(f"learning:{name}", args=args)


def from_record_url(record: Any) -> str:
    return url("evidence_from_record", INCIDENT, record.pk)


def csrf_client(person: Person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def stored() -> tuple[int, int, list[tuple[Any, ...]]]:
    """Everything a portfolio post could write: evidence, mappings (with their judgements) and
    the evidence audit events."""
    evidence = list(Evidence.objects.order_by("pk").values_list("pk", "status", "title", "body"))
    mappings = list(
        EvidenceCriterion.objects.order_by("pk").values_list(
            "pk", "criterion_id", "judgement", "feedback", "judged_by_id"
        )
    )
    events = AuditEvent.objects.filter(event_type__gte=1400, event_type__lt=1420).count()
    return len(evidence), events, [*evidence, *mappings]


class UseAsEvidenceButtonTests:
    def test_the_learner_sees_the_button_on_their_incident_and_others_do_not(self, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        detail = f"/incidents/{record.pk}/"
        mine = world.client_for(world.alice).get(detail)
        assert mine.status_code == 200
        assert 'data-testid="use-as-evidence"' in page(mine) and from_record_url(record) in page(mine)
        # The sergeant sees the incident but is no learner; the tutor neither took part.
        for other in (world.bob, cast.tutor):
            response = world.client_for(other).get(detail)
            assert response.status_code == 200 and 'data-testid="use-as-evidence"' not in page(response)
        # Bob's own incident: Alice did not take part, so no button for her either.
        theirs = incident(world, actor=world.bob)
        response = world.client_for(world.alice).get(f"/incidents/{theirs.pk}/")
        assert response.status_code == 200 and 'data-testid="use-as-evidence"' not in page(response)
        # Once the record is in the portfolio, the button goes.
        services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=record)
        assert 'data-testid="use-as-evidence"' not in page(world.client_for(world.alice).get(detail))

    def test_the_list_of_records_links_to_the_preview(self, cast: Cast) -> None:
        record = incident(cast.world)
        body = page(cast.world.client_for(cast.alice).get(url("evidence_records")))
        assert from_record_url(record) in body and f"Incident {record.reference}" in body
        assert_no_personal_data(body)
        outsider = page(cast.world.client_for(cast.world.charlie).get(url("evidence_records")))
        assert "not on a learning programme" in outsider


class FromRecordTests:
    def test_the_preview_is_redacted_and_posting_makes_the_draft(self, cast: Cast) -> None:
        record = incident(cast.world)
        client = cast.world.client_for(cast.alice)
        preview = client.get(from_record_url(record))
        assert preview.status_code == 200
        body = page(preview)
        assert 'data-testid="preview"' in body and "shouted at her again" in body
        assert_no_personal_data(body)
        assert not Evidence.objects.exists()
        criterion = cast.criteria(1)[0]
        response = client.post(from_record_url(record), {"criteria": [criterion.pk]})
        evidence = Evidence.objects.get()
        assert response.status_code == 302 and response["Location"] == url("evidence_detail", evidence.pk)
        assert evidence.kind == EvidenceKind.OPERATIONAL_RECORD and evidence.status == EvidenceStatus.DRAFT
        assert list(evidence.mappings.values_list("criterion_id", flat=True)) == [criterion.pk]
        detail = page(client.get(response["Location"]))
        assert "has been added to your portfolio" in detail and 'data-testid="redaction"' in detail
        assert_no_personal_data(detail)
        # The same record again is refused on the page, and nothing more is stored.
        again = client.get(from_record_url(record))
        assert again.status_code == 400 and "already in your portfolio" in page(again)
        assert client.post(from_record_url(record), {}).status_code == 400
        assert Evidence.objects.count() == 1

    def test_bad_input_and_others_records_store_nothing(self, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        client = world.client_for(cast.alice)
        before = stored()
        bad = client.post(from_record_url(record), {"criteria": ["999999"]})
        assert bad.status_code == 400 and "govuk-error-summary" in page(bad)
        assert_no_personal_data(page(bad))
        assert client.post(from_record_url(record), {"criteria": ["nonsense"]}).status_code == 400
        assert client.get(url("evidence_from_record", "nonsense.model", record.pk)).status_code == 404
        assert client.post(url("evidence_from_record", INCIDENT, 999999), {}).status_code == 404
        # Bob's incident, which Alice sees but did not take part in: refused with the reason.
        theirs = incident(world, actor=world.bob)
        refused = client.post(url("evidence_from_record", INCIDENT, theirs.pk), {})
        assert refused.status_code == 400 and "created or took part in" in page(refused)
        # Not a learner: the tutor cannot propose Alice's record; Charlie cannot see it.
        assert world.client_for(cast.tutor).post(from_record_url(record), {}).status_code == 403
        assert world.client_for(world.charlie).post(from_record_url(record), {}).status_code == 404
        assert stored() == before


class PortfolioPageTests:
    def test_the_portfolio_shows_the_evidence_and_its_coverage(self, cast: Cast) -> None:
        c1 = cast.criteria(1)[0]
        evidence = draft(cast, title="Reassurance visit on Mill Lane", criteria=[c1.pk])
        client = cast.world.client_for(cast.alice)
        mine = client.get(url("my_portfolio"))
        assert mine.status_code == 302 and mine["Location"] == url("portfolio", cast.enrolment.pk)
        response = client.get(url("portfolio", cast.enrolment.pk))
        assert response.status_code == 200
        body = page(response)
        assert "Reassurance visit on Mill Lane" in body and url("evidence_detail", evidence.pk) in body
        assert f"{c1.code} " in body and "Draft evidence only" in body
        assert "0 of " in body and "criteria met" in body
        assert url("evidence_new", cast.enrolment.pk) in body and url("evidence_records") in body
        assert AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_VIEWED, actor=cast.alice).exists()
        # Someone not on a programme has no portfolio of their own.
        assert cast.world.client_for(cast.world.charlie).get(url("my_portfolio")).status_code == 404

    def test_writing_evidence_on_the_page(self, cast: Cast) -> None:
        client = cast.world.client_for(cast.alice)
        new = url("evidence_new", cast.enrolment.pk)
        assert client.get(new).status_code == 200
        c1 = cast.criteria(1)[0]
        bad = client.post(new, {"kind": EvidenceKind.REFLECTIVE_ACCOUNT, "title": " ", "body": ""})
        assert bad.status_code == 400 and "Enter a title" in page(bad) and "Enter the account" in page(bad)
        forbidden = client.post(
            new,
            {
                "kind": EvidenceKind.OBSERVATION,
                "title": "Mine",
                "occurred_on": today().isoformat(),
                "body": "Text",
            },
        )
        assert forbidden.status_code == 400
        future = client.post(
            new,
            {
                "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
                "title": "Later",
                "occurred_on": (today() + dt.timedelta(days=2)).isoformat(),
                "body": "Text",
            },
        )
        assert future.status_code == 400
        assert not Evidence.objects.exists()
        done = client.post(
            new,
            {
                "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
                "title": "School visit",
                "occurred_on": today().isoformat(),
                "body": "What I did.",
                "criteria": [c1.pk],
            },
        )
        evidence = Evidence.objects.get()
        assert done.status_code == 302 and done["Location"] == url("evidence_detail", evidence.pk)
        assert evidence.author == cast.alice and evidence.title == "School visit"
        # The line manager reads the portfolio but writes nothing.
        assert cast.world.client_for(cast.world.bob).get(new).status_code == 403


class EvidenceLifecycleTests:
    def test_edit_submit_and_withdraw_as_the_learner(self, cast: Cast) -> None:
        c1, c2 = cast.criteria(2)
        evidence = draft(cast, criteria=[c1.pk])
        client = cast.world.client_for(cast.alice)
        edit = url("evidence_edit", evidence.pk)
        detail = page(client.get(url("evidence_detail", evidence.pk)))
        assert edit in detail and url("evidence_submit", evidence.pk) in detail
        assert client.get(edit).status_code == 200
        data = {
            "kind": evidence.kind,
            "title": "A better title",
            "occurred_on": evidence.occurred_on.isoformat(),
            "body": "A longer account.",
            "witness": "",
            "criteria": [c1.pk, c2.pk],
        }
        bad = client.post(edit, {**data, "title": ""})
        assert bad.status_code == 400 and "Enter a title" in page(bad)
        evidence.refresh_from_db()
        assert evidence.title == "Dealing with a neighbour dispute" and evidence.mappings.count() == 1
        changed = client.post(edit, data)
        assert changed.status_code == 302 and changed["Location"] == url("evidence_detail", evidence.pk)
        evidence.refresh_from_db()
        assert evidence.title == "A better title" and evidence.body == "A longer account."
        assert set(evidence.mappings.values_list("criterion_id", flat=True)) == {c1.pk, c2.pk}

        submitting = client.post(url("evidence_submit", evidence.pk))
        assert submitting.status_code == 302
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.SUBMITTED and evidence.submitted_at is not None
        body = page(client.get(url("evidence_detail", evidence.pk)))
        assert "submitted for assessment" in body and edit not in body
        assert client.post(edit, data).status_code == 400  # only drafts change

        withdrawing = client.post(url("evidence_withdraw", evidence.pk))
        assert withdrawing.status_code == 302
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.WITHDRAWN
        assert "has been withdrawn" in page(client.get(url("evidence_detail", evidence.pk)))

    def test_submitting_without_criteria_is_refused_and_stores_nothing(self, cast: Cast) -> None:
        evidence = draft(cast, criteria=[])
        client = cast.world.client_for(cast.alice)
        before = stored()
        response = client.post(url("evidence_submit", evidence.pk), follow=True)
        assert response.status_code == 200
        assert "Map the evidence to at least one criterion before submitting it." in page(response)
        assert stored() == before
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.DRAFT
        # Only posts: a GET of an action changes nothing.
        assert client.get(url("evidence_submit", evidence.pk)).status_code == 405
        assert client.get(url("evidence_withdraw", evidence.pk)).status_code == 405
        assert client.get(url("evidence_judge", evidence.pk)).status_code == 405
        assert stored() == before

    def test_a_copy_of_a_record_changes_its_criteria_only(self, cast: Cast) -> None:
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=incident(cast.world)
        )
        client = cast.world.client_for(cast.alice)
        edit = url("evidence_edit", evidence.pk)
        form = page(client.get(edit))
        assert 'name="body"' not in form and 'name="criteria"' in form
        c1 = cast.criteria(1)[0]
        response = client.post(edit, {"criteria": [c1.pk], "title": "Mine", "body": "Rewritten"})
        assert response.status_code == 302
        after = Evidence.objects.get(pk=evidence.pk)
        assert after.body == evidence.body and after.title == evidence.title
        assert list(after.mappings.values_list("criterion_id", flat=True)) == [c1.pk]


class JudgingTests:
    def test_the_assessor_judges_met_and_the_portfolio_shows_it(self, cast: Cast) -> None:
        evidence = submitted(cast)
        c1, _c2 = cast.criteria(2)
        client = cast.world.client_for(cast.assessor)
        detail = page(client.get(url("evidence_detail", evidence.pk)))
        assert "Judge this evidence" in detail and url("evidence_judge", evidence.pk) in detail
        response = client.post(url("evidence_judge", evidence.pk), {"criterion": c1.pk, "judgement": Judgement.MET})
        assert response.status_code == 302 and response["Location"] == url("evidence_detail", evidence.pk)
        assert selectors.met_criterion_ids(cast.enrolment.pk) == {c1.pk}
        portfolio = page(client.get(url("portfolio", cast.enrolment.pk)))
        assert "1 of " in portfolio and "criteria met" in portfolio
        assert f"{c1.code} (met)" in portfolio
        assert 'govuk-tag--green">Met</strong>' in portfolio
        # The learner sees the judgement and may no longer withdraw met evidence.
        learner = cast.world.client_for(cast.alice)
        assert "Met" in page(learner.get(url("evidence_detail", evidence.pk)))
        before = stored()
        learner.post(url("evidence_withdraw", evidence.pk))
        assert stored() == before

    def test_not_yet_met_without_feedback_shows_the_error_and_stores_nothing(self, cast: Cast) -> None:
        evidence = submitted(cast)
        c1 = cast.criteria(1)[0]
        client = cast.world.client_for(cast.assessor)
        before = stored()
        response = client.post(
            url("evidence_judge", evidence.pk), {"criterion": c1.pk, "judgement": Judgement.NOT_YET_MET, "feedback": ""}
        )
        assert response.status_code == 400
        body = page(response)
        assert "govuk-error-summary" in body and "feedback" in body.lower() and "Error:" in body
        assert "Judge this evidence" in body
        assert stored() == before
        for bad in (
            {},
            {"criterion": c1.pk, "judgement": "excellent"},
            {"criterion": 999999, "judgement": Judgement.MET},
            {"criterion": "x", "judgement": Judgement.MET},
            {"criterion": cast.criteria(5)[4].pk, "judgement": Judgement.MET},
        ):
            assert client.post(url("evidence_judge", evidence.pk), bad).status_code == 400, bad
        assert stored() == before
        done = client.post(
            url("evidence_judge", evidence.pk),
            {"criterion": c1.pk, "judgement": Judgement.NOT_YET_MET, "feedback": "Say what you did next."},
        )
        assert done.status_code == 302
        assert "Say what you did next." in page(
            cast.world.client_for(cast.alice).get(url("evidence_detail", evidence.pk))
        )

    def test_judging_evidence_withdrawn_meanwhile_shows_why(self, cast: Cast) -> None:
        evidence = submitted(cast)
        c1 = cast.criteria(1)[0]
        client = cast.world.client_for(cast.assessor)
        assert "Judge this evidence" in page(client.get(url("evidence_detail", evidence.pk)))
        services.evidence_withdraw(actor=cast.alice, evidence=evidence)  # while the page is open
        before = stored()
        response = client.post(url("evidence_judge", evidence.pk), {"criterion": c1.pk, "judgement": "met"})
        assert response.status_code == 400
        body = page(response)
        assert "Only evidence submitted for assessment can be judged." in body and "Error:" in body
        assert "Judge this evidence" not in body
        assert stored() == before

    def test_those_who_may_not_judge_get_403(self, cast: Cast) -> None:
        evidence = submitted(cast)
        c1 = cast.criteria(1)[0]
        before = stored()
        for person in (cast.alice, cast.tutor, cast.world.bob):
            client = cast.world.client_for(person)
            response = client.post(url("evidence_judge", evidence.pk), {"criterion": c1.pk, "judgement": "met"})
            assert response.status_code == 403, person
            assert "Judge this evidence" not in page(client.get(url("evidence_detail", evidence.pk)))
        outsider = cast.world.client_for(cast.world.charlie)
        assert (
            outsider.post(url("evidence_judge", evidence.pk), {"criterion": c1.pk, "judgement": "met"}).status_code
            == 404
        )
        assert stored() == before


class AccessTests:
    def test_another_pcso_gets_404_everywhere(self, cast: Cast) -> None:
        evidence = draft(cast)
        before = stored()
        for person in (cast.world.charlie, cast.world.hal):
            client = cast.world.client_for(person)
            for name, args in (
                ("portfolio", [cast.enrolment.pk]),
                ("portfolio_pdf", [cast.enrolment.pk]),
                ("evidence_new", [cast.enrolment.pk]),
                ("evidence_detail", [evidence.pk]),
                ("evidence_edit", [evidence.pk]),
                ("evidence_original", [evidence.pk]),
            ):
                assert client.get(url(name, *args)).status_code == 404, (person, name)
            for name in ("evidence_edit", "evidence_submit", "evidence_withdraw"):
                assert client.post(url(name, evidence.pk), {"title": "Mine"}).status_code == 404, (person, name)
        assert stored() == before
        assert not AuditEvent.objects.filter(
            event_type__in=[EventType.PORTFOLIO_VIEWED, EventType.PORTFOLIO_EXPORTED]
        ).exists()

    def test_those_on_the_portfolio_see_it(self, cast: Cast) -> None:
        evidence = draft(cast)
        for person in (cast.alice, cast.tutor, cast.assessor, cast.world.bob, cast.trainer):
            client = cast.world.client_for(person)
            assert client.get(url("portfolio", cast.enrolment.pk)).status_code == 200, person
            assert client.get(url("evidence_detail", evidence.pk)).status_code == 200, person
        # Seen, but another's draft is not changed, submitted or withdrawn by the tutor.
        tutor = cast.world.client_for(cast.tutor)
        assert tutor.get(url("evidence_edit", evidence.pk)).status_code == 403
        before = stored()
        tutor.post(url("evidence_submit", evidence.pk))
        tutor.post(url("evidence_withdraw", evidence.pk))
        assert stored() == before

    def test_the_original_only_for_those_allowed_and_audited(self, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        evidence = services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=record)
        remote = make_person(world.system, world.force_a, "rita", Role.ASSESSOR, neighbourhood=world.a2)
        Enrolment.objects.filter(pk=cast.enrolment.pk).update(assessor=remote)
        original = url("evidence_original", evidence.pk)
        # The assessor sees the evidence but not the incident: no link, and 404 with no audit row.
        rita = world.client_for(remote)
        detail = rita.get(url("evidence_detail", evidence.pk))
        assert detail.status_code == 200 and 'data-testid="view-original"' not in page(detail)
        assert rita.get(original).status_code == 404
        assert not AuditEvent.objects.filter(event_type=EventType.EVIDENCE_ORIGINAL_VIEWED).exists()
        bob = world.client_for(world.bob)
        assert 'data-testid="view-original"' in page(bob.get(url("evidence_detail", evidence.pk)))
        response = bob.get(original)
        assert response.status_code == 302 and response["Location"] == f"/incidents/{record.pk}/"
        (event,) = AuditEvent.objects.filter(event_type=EventType.EVIDENCE_ORIGINAL_VIEWED)
        assert event.actor_id == world.bob.pk
        assert_no_personal_data(str(event.after))
        assert bob.post(original).status_code == 405


class PdfTests:
    def test_the_pdf(self, cast: Cast) -> None:
        services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=incident(cast.world))
        response = cast.world.client_for(cast.assessor).get(url("portfolio_pdf", cast.enrolment.pk))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
        (event,) = AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_EXPORTED)
        assert event.actor_id == cast.assessor.pk


class ForgedPostTests:
    def test_posts_without_the_csrf_token_store_nothing(self, cast: Cast) -> None:
        record = incident(cast.world)
        evidence = draft(cast)
        judged = submitted(cast, title="Submitted one")
        c1 = cast.criteria(1)[0]
        before = stored()
        alice = csrf_client(cast.alice)
        posts = [
            (
                url("evidence_new", cast.enrolment.pk),
                {
                    "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
                    "title": "Forged",
                    "occurred_on": today().isoformat(),
                    "body": "Forged",
                },
            ),
            (from_record_url(record), {"criteria": [c1.pk]}),
            (url("evidence_edit", evidence.pk), {"kind": evidence.kind, "title": "Forged", "body": "Forged"}),
            (url("evidence_submit", evidence.pk), {}),
            (url("evidence_withdraw", evidence.pk), {}),
        ]
        for target, data in posts:
            assert alice.post(target, data).status_code == 403, target
        assessor = csrf_client(cast.assessor)
        forged = assessor.post(url("evidence_judge", judged.pk), {"criterion": c1.pk, "judgement": "met"})
        assert forged.status_code == 403
        assert stored() == before
        # With the token (from the page's form), the same post goes through.
        assessor.get(url("evidence_detail", judged.pk))
        token = assessor.cookies["csrftoken"].value
        done = assessor.post(
            url("evidence_judge", judged.pk), {"criterion": c1.pk, "judgement": "met", "csrfmiddlewaretoken": token}
        )
        assert done.status_code == 302


class QueryCountTests:
    @pytest.mark.parametrize("items", [1, 5])
    def test_the_portfolio_page_query_count_does_not_grow(
        self, cast: Cast, items: int, django_assert_num_queries: Any
    ) -> None:
        criteria = cast.criteria(items * 2)
        for n in range(items):
            first, second = criteria[2 * n], criteria[2 * n + 1]
            evidence = submitted(cast, title=f"Evidence {n}", criteria=[first.pk, second.pk])
            services.evidence_judge(actor=cast.assessor, evidence=evidence, criterion=first, judgement="met")
        client = cast.world.client_for(cast.assessor)
        client.get(url("portfolio", cast.enrolment.pk))  # warm the session and content types
        with django_assert_num_queries(PORTFOLIO_QUERIES):
            response = client.get(url("portfolio", cast.enrolment.pk))
        body = page(response)
        assert sum(f"Evidence {n}</a>" in body for n in range(items)) == items
        total = Criterion.objects.filter(programme=cast.programme).count()
        assert f"{items} of {total} criteria met" in body


# The portfolio page, whatever the number of evidence items: the session and user, the enrolment,
# the audit row (savepoint, chain, insert, chain update, release), the evidence, their mappings
# with criteria and judges, the coverage (criteria, then the mappings' states), the actor's
# postings (the kinds they may write, the menus) and the session's save.
PORTFOLIO_QUERIES = 19


def test_no_personal_values_anywhere_on_the_learners_pages(cast: Cast) -> None:
    record = incident(cast.world)
    client = cast.world.client_for(cast.alice)
    client.post(from_record_url(record), {"criteria": [cast.criteria(1)[0].pk]})
    evidence = Evidence.objects.get()
    for target in (
        url("portfolio", cast.enrolment.pk),
        url("evidence_detail", evidence.pk),
        url("evidence_edit", evidence.pk),
        url("evidence_records"),
    ):
        body = page(client.get(target))
        for value in PERSONAL:
            assert value.lower() not in body.lower(), (target, value)
