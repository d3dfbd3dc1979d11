"""Portfolio services and selectors: the redacted copy of a record (names, addresses and dates of
birth of the people in it never reach the copy, the audit trail or the PDF), who may propose
which record, duplicates, the final leak check, who writes which kind, drafts only, judging
(never one's own evidence, feedback for "not yet met"), who sees a portfolio and the original,
coverage numbers in a fixed number of queries, and the PDF."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.incidents import services as incidents
from beatbook.incidents.models import Incident
from beatbook.learning import evidence_sources
from beatbook.learning.models import (
    Criterion,
    Enrolment,
    Evidence,
    EvidenceKind,
    EvidenceStatus,
    Judgement,
)
from beatbook.learning.selectors import portfolio as selectors
from beatbook.learning.services import portfolio as services
from beatbook.learning.services import programmes
from beatbook.org.models import Person, Role
from beatbook.patrols import services as patrols

# What the incident says about the people in it: none of it may reach a copy.
VICTIM, SUSPECT, CALLER = "Margaret Thornbury", "Kyle Denholm", "Priya Ramaswamy"
VICTIM_ADDRESS = "14 Mill Road, Cambridge CB1 2AD"
VICTIM_DOB = dt.date(1961, 4, 12)
SUSPECT_ADDRESS = "3 Norfolk Street, Cambridge CB1 2LD"
PERSONAL = (
    VICTIM,
    "Thornbury",
    SUSPECT,
    "Denholm",
    CALLER,
    "Ramaswamy",
    "14 Mill Road",
    "CB1 2AD",
    "3 Norfolk Street",
    "CB1 2LD",
    "12/04/1961",
    "12 April 1961",
    "1961-04-12",
)
THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")


class Cast:
    """The world plus a loaded programme in Cambridgeshire, its learning staff, and Alice (PCSO in
    City Centre) enrolled with tutor Tom, assessor Ada and Sgt Bob as line manager."""

    def __init__(self, world: World) -> None:
        self.world = world
        system, force = world.system, world.force_a
        self.tutor = make_person(system, force, "tom", Role.TUTOR, team=world.team_a)
        self.assessor = make_person(system, force, "ada", Role.ASSESSOR)
        self.trainer = make_person(system, force, "tess", Role.TRAINER)
        self.programme = programmes.programme_load(
            actor=system, force=force, data=programmes.read_programme_file()
        ).programme
        self.enrolment = programmes.enrol(
            actor=self.trainer,
            person=world.alice,
            programme=self.programme,
            start_date=today() - dt.timedelta(days=60),
            tutor=self.tutor,
            assessor=self.assessor,
            line_manager=world.bob,
        )

    @property
    def alice(self) -> Person:
        return self.world.alice

    def criteria(self, n: int = 3, *, ips: bool | None = None) -> list[Criterion]:
        found = Criterion.objects.filter(programme=self.programme).order_by("position", "id")
        if ips is not None:
            found = found.filter(needed_for_ips=ips)
        return list(found[:n])


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


def incident(world: World, actor: Person | None = None, **overrides: Any) -> Incident:
    """An incident in City Centre naming a victim (address, date of birth), a suspect and a caller
    in its people and, again, in its free text."""
    fields: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(days=2),
        "lat": 52.205,
        "lng": 0.119,
        "location_text": VICTIM_ADDRESS,
        "category": "anti-social-behaviour",
        "asb_qualifier": "personal",
        "asb_type": "rowdy-neighbours",
        "description": (
            f"Called by {CALLER}. {VICTIM} (born 12/04/1961) of {VICTIM_ADDRESS} says {SUSPECT} of "
            f"{SUSPECT_ADDRESS} shouted at her again. PCSO Alice spoke to Mrs Thornbury and to Mr Denholm."
        ),
        "how_reported": "phone-101",
        "risk_level": "medium",
        "thrive_notes": f"{VICTIM} lives alone; date of birth 12 April 1961.",
        **{f"thrive_{name}": "medium" for name in THRIVE},
    }
    fields.update(overrides)
    people = [
        incidents.PersonData(
            involvement="victim", name=VICTIM, date_of_birth=VICTIM_DOB, address=VICTIM_ADDRESS, is_vulnerable=True
        ),
        incidents.PersonData(involvement="suspect", name=SUSPECT, address=SUSPECT_ADDRESS),
        incidents.PersonData(involvement="reporting", name=CALLER, phone="07700 900123"),
    ]
    return incidents.incident_create(actor=actor or world.alice, data=incidents.IncidentData(**fields), people=people)


def draft(
    cast: Cast, *, actor: Person | None = None, kind: str = EvidenceKind.REFLECTIVE_ACCOUNT, **kw: Any
) -> Evidence:
    data: dict[str, Any] = {
        "kind": kind,
        "title": "Dealing with a neighbour dispute",
        "occurred_on": today() - dt.timedelta(days=3),
        "body": "What I did and what I learnt.",
        "witness": "",
    }
    criteria = kw.pop("criteria", [c.pk for c in cast.criteria(2)])
    data.update(kw)
    return services.evidence_create(
        actor=actor or cast.alice,
        enrolment=cast.enrolment,
        data=services.EvidenceData(**data),
        criterion_ids=criteria,
    )


def submitted(cast: Cast, **kw: Any) -> Evidence:
    return services.evidence_submit(actor=cast.alice, evidence=draft(cast, **kw))


def assert_no_personal_data(text: str) -> None:
    lowered = text.lower()
    for value in PERSONAL:
        assert value.lower() not in lowered, value


def audit_text() -> str:
    """What the portfolio's audit events (1400s) hold."""
    rows = AuditEvent.objects.filter(event_type__gte=1400, event_type__lt=1500).values("before", "after", "reason")
    return json.dumps(list(rows), default=str)


class RecordCopyTests:
    def test_the_copy_of_an_incident_holds_no_names_addresses_or_dates_of_birth(self, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=record, criteria=[cast.criteria(1)[0].pk]
        )
        evidence.refresh_from_db()
        assert evidence.kind == EvidenceKind.OPERATIONAL_RECORD and evidence.status == EvidenceStatus.DRAFT
        assert evidence.source_type is not None
        assert evidence.source_id == record.pk and evidence.source_type.model == "incident"
        assert evidence.source_label == f"Incident {record.reference}"
        assert_no_personal_data(evidence.title)
        assert_no_personal_data(evidence.body)
        assert "Alice" not in evidence.body  # the learner is "the student PCSO"
        # The structured facts are copied as they are; the narrative is kept, redacted.
        assert "Anti-social behaviour" in evidence.body and "City Centre" in evidence.body
        assert "shouted at her again" in evidence.body
        assert sum(evidence.redaction["removed"].values()) > 0
        # The audit trail holds counts, never the people's details.
        (event,) = AuditEvent.objects.filter(event_type=EventType.EVIDENCE_FROM_RECORD)
        assert event.after is not None and event.after["removed"] == evidence.redaction["removed"]
        assert_no_personal_data(audit_text())

    def test_someone_elses_record_is_refused(self, cast: Cast) -> None:
        record = incident(cast.world, actor=cast.world.bob)
        with pytest.raises(ValidationError) as refused:
            services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=record)
        assert "created or took part in" in str(refused.value)
        assert not Evidence.objects.exists()

    def test_only_the_learner_proposes_a_record(self, cast: Cast) -> None:
        record = incident(cast.world)
        with pytest.raises(PermissionDenied):
            services.evidence_from_record(actor=cast.tutor, enrolment=cast.enrolment, record=record)

    def test_the_same_record_twice_is_refused_until_withdrawn(self, cast: Cast) -> None:
        record = incident(cast.world)
        first = services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=record)
        with pytest.raises(ValidationError) as refused:
            services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=record)
        assert "already in your portfolio" in str(refused.value)
        services.evidence_withdraw(actor=cast.alice, evidence=first)
        again = services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=record)
        assert again.pk != first.pk

    def test_a_copy_that_still_leaks_is_refused_and_never_stored(
        self, cast: Cast, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from beatbook.learning import redaction

        record = incident(cast.world)
        # A redaction that removes nothing: the final check must catch it.
        monkeypatch.setattr(redaction, "redact_fields", lambda fields, **kw: (dict(fields), {}))
        with pytest.raises(ValidationError) as refused:
            services.evidence_from_record(actor=cast.alice, enrolment=cast.enrolment, record=record)
        assert "personal details" in str(refused.value)
        assert_no_personal_data(str(refused.value))
        assert not Evidence.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.EVIDENCE_FROM_RECORD).exists()

    def test_a_patrol_the_learner_joined_can_be_used_and_its_notes_are_redacted(self, cast: Cast) -> None:
        world = cast.world
        start = timezone.now() - dt.timedelta(days=1, hours=3)
        patrol = patrols.patrol_start(
            actor=world.bob,
            data=patrols.PatrolData(
                neighbourhood=world.a1,
                started_at=start,
                colleagues=(world.alice,),
                notes=f"Spoke to {VICTIM} at {VICTIM_ADDRESS} about the dispute.",
            ),
        )
        patrols.patrol_end(actor=world.bob, patrol=patrol, ended_at=start + dt.timedelta(hours=2))
        source = evidence_sources.source_of(patrol)
        assert source is not None and source.took_part(patrol, world.alice)
        assert not source.took_part(patrol, world.charlie)
        # The notes name no party in structured fields: only the officers are parties, so the
        # final check passes; the victim's name is still redacted only if the redaction finds it.
        preview = services.evidence_preview(actor=world.alice, enrolment=cast.enrolment, record=patrol)
        assert "Minutes on patrol: 120" in preview.body
        assert "Bob" not in preview.body and "Alice" not in preview.body

    def test_eligible_records_are_the_learners_own_newest_first(self, cast: Cast) -> None:
        world = cast.world
        old = incident(world, occurred_at=timezone.now() - dt.timedelta(days=9))
        new = incident(world)
        incident(world, actor=world.bob)
        services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=old)
        rows = [r for r in selectors.eligible_records(world.alice) if r.source == "incidents.incident"]
        assert [(r.pk, r.in_use) for r in rows] == [(new.pk, False), (old.pk, True)]
        assert selectors.eligible_records(world.charlie) == []


class WritingTests:
    def test_the_learner_writes_their_kinds_and_the_tutor_observations(self, cast: Cast) -> None:
        mine = draft(cast)
        assert mine.author == cast.alice and mine.mappings.count() == 2
        seen = draft(cast, actor=cast.tutor, kind=EvidenceKind.OBSERVATION, title="Observed at a school visit")
        assert seen.author == cast.tutor
        with pytest.raises(ValidationError) as refused:
            draft(cast, kind=EvidenceKind.OBSERVATION)
        assert "tutor or the assessor" in str(refused.value)
        with pytest.raises(ValidationError):
            draft(cast, actor=cast.tutor, kind=EvidenceKind.REFLECTIVE_ACCOUNT)
        with pytest.raises(ValidationError):
            draft(cast, kind=EvidenceKind.OPERATIONAL_RECORD)
        with pytest.raises(PermissionDenied):
            draft(cast, actor=cast.world.charlie)
        with pytest.raises(PermissionDenied):
            draft(cast, actor=cast.world.bob)  # the line manager reads, does not write
        created = AuditEvent.objects.filter(event_type=EventType.EVIDENCE_CREATED)
        assert created.count() == 2
        assert "What I did" not in audit_text()

    def test_a_witness_testimony_names_its_witness(self, cast: Cast) -> None:
        with pytest.raises(ValidationError) as refused:
            draft(cast, kind=EvidenceKind.WITNESS_TESTIMONY)
        assert "witness" in refused.value.message_dict
        done = draft(cast, kind=EvidenceKind.WITNESS_TESTIMONY, witness="Jo Bloggs, school caretaker")
        assert done.witness == "Jo Bloggs, school caretaker"

    def test_bad_input_is_refused_by_field(self, cast: Cast) -> None:
        with pytest.raises(ValidationError) as refused:
            draft(cast, title=" ", body="", occurred_on=today() + dt.timedelta(days=1))
        assert set(refused.value.message_dict) == {"title", "body", "occurred_on"}
        assert not Evidence.objects.exists()

    def test_criteria_must_be_of_the_programme(self, cast: Cast) -> None:
        other = programmes.programme_load(
            actor=cast.world.system, force=cast.world.force_b, data=programmes.read_programme_file()
        ).programme
        foreign = Criterion.objects.filter(programme=other).first()
        assert foreign is not None
        with pytest.raises(ValidationError) as refused:
            draft(cast, criteria=[foreign.pk])
        assert "criteria" in refused.value.message_dict
        evidence = draft(cast)
        with pytest.raises(ValidationError):
            services.evidence_map(actor=cast.alice, evidence=evidence, criterion_ids=[foreign.pk])
        mapped = services.evidence_map(actor=cast.alice, evidence=evidence, criterion_ids=[cast.criteria(3)[2].pk])
        assert list(mapped.mappings.values_list("criterion_id", flat=True)) == [cast.criteria(3)[2].pk]

    def test_only_drafts_change_and_submitting_needs_a_criterion(self, cast: Cast) -> None:
        bare = draft(cast, criteria=[])
        with pytest.raises(ValidationError) as refused:
            services.evidence_submit(actor=cast.alice, evidence=bare)
        assert "criteria" in refused.value.message_dict
        evidence = submitted(cast)
        assert evidence.submitted_at is not None
        data = services.EvidenceData(kind=evidence.kind, title="New", occurred_on=today(), body="New")
        with pytest.raises(ValidationError):
            services.evidence_update(actor=cast.alice, evidence=evidence, data=data)
        with pytest.raises(ValidationError):
            services.evidence_map(actor=cast.alice, evidence=evidence, criterion_ids=[])
        with pytest.raises(PermissionDenied):
            services.evidence_update(actor=cast.tutor, evidence=draft(cast), data=data)

    def test_a_copy_of_a_record_cannot_be_rewritten(self, cast: Cast) -> None:
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=incident(cast.world)
        )
        data = services.EvidenceData(kind=evidence.kind, title="Mine", occurred_on=today(), body=f"{VICTIM} again")
        with pytest.raises(ValidationError):
            services.evidence_update(actor=cast.alice, evidence=evidence, data=data)


class JudgingTests:
    def test_the_assessor_judges_met_and_not_yet_met_with_feedback(self, cast: Cast) -> None:
        evidence = submitted(cast)
        first, second = cast.criteria(2)
        services.evidence_judge(actor=cast.assessor, evidence=evidence, criterion=first, judgement=Judgement.MET)
        with pytest.raises(ValidationError) as refused:
            services.evidence_judge(
                actor=cast.assessor, evidence=evidence, criterion=second, judgement=Judgement.NOT_YET_MET
            )
        assert "feedback" in refused.value.message_dict
        services.evidence_judge(
            actor=cast.assessor,
            evidence=evidence,
            criterion=second,
            judgement=Judgement.NOT_YET_MET,
            feedback="Say how you checked the victim was safe.",
        )
        assert selectors.met_criterion_ids(cast.enrolment.pk) == {first.pk}
        judged = AuditEvent.objects.filter(event_type=EventType.EVIDENCE_JUDGED).order_by("seq")
        assert [(e.after or {}).get("judgement") for e in judged] == ["met", "not_yet_met"]
        assert "victim was safe" not in audit_text()

    def test_an_assessor_never_judges_evidence_they_wrote(self, cast: Cast) -> None:
        observed = draft(cast, actor=cast.assessor, kind=EvidenceKind.OBSERVATION)
        services.evidence_submit(actor=cast.assessor, evidence=observed)
        criterion = cast.criteria(1)[0]
        with pytest.raises(PermissionDenied) as refused:
            services.evidence_judge(actor=cast.assessor, evidence=observed, criterion=criterion, judgement="met")
        assert "You wrote this evidence" in str(refused.value)
        # Another assessor of the force may.
        other = make_person(cast.world.system, cast.world.force_a, "otto", Role.ASSESSOR)
        services.evidence_judge(actor=other, evidence=observed, criterion=criterion, judgement="met")

    def test_no_one_judges_their_own_portfolio_and_tutors_do_not_judge(self, cast: Cast) -> None:
        evidence = submitted(cast)
        criterion = cast.criteria(1)[0]
        for actor in (cast.alice, cast.tutor, cast.world.bob, cast.trainer):
            with pytest.raises(PermissionDenied):
                services.evidence_judge(actor=actor, evidence=evidence, criterion=criterion, judgement="met")
        assert not services.may_judge(cast.alice, evidence)

    def test_only_submitted_evidence_on_its_own_criteria_is_judged(self, cast: Cast) -> None:
        pending = draft(cast)
        first = cast.criteria(1)[0]
        with pytest.raises(ValidationError):
            services.evidence_judge(actor=cast.assessor, evidence=pending, criterion=first, judgement="met")
        evidence = submitted(cast)
        unmapped = cast.criteria(5)[4]
        with pytest.raises(ValidationError) as refused:
            services.evidence_judge(actor=cast.assessor, evidence=evidence, criterion=unmapped, judgement="met")
        assert "criterion" in refused.value.message_dict

    def test_evidence_judged_met_cannot_be_withdrawn(self, cast: Cast) -> None:
        evidence = submitted(cast)
        services.evidence_judge(actor=cast.assessor, evidence=evidence, criterion=cast.criteria(1)[0], judgement="met")
        with pytest.raises(ValidationError):
            services.evidence_withdraw(actor=cast.alice, evidence=evidence)


class AccessTests:
    def test_who_sees_a_portfolio(self, cast: Cast) -> None:
        world = cast.world
        evidence = draft(cast)
        for actor in (world.alice, cast.tutor, cast.assessor, world.bob, cast.trainer, world.erin):
            assert selectors.portfolio_get_for(actor=actor, enrolment_id=cast.enrolment.pk) == cast.enrolment
            assert selectors.evidence_get_for(actor=actor, evidence_id=evidence.pk) == evidence
        for actor in (world.charlie, world.dee, world.hal, world.ivy, world.gus):
            with pytest.raises(Http404):
                selectors.portfolio_get_for(actor=actor, enrolment_id=cast.enrolment.pk)
            with pytest.raises(Http404):
                selectors.evidence_get_for(actor=actor, evidence_id=evidence.pk)

    def test_opening_a_portfolio_is_audited(self, cast: Cast) -> None:
        selectors.portfolio_open_for(actor=cast.tutor, enrolment_id=cast.enrolment.pk)
        (event,) = AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_VIEWED)
        assert event.actor_id == cast.tutor.pk

    def test_the_original_only_for_those_who_see_it_under_its_own_rules(self, cast: Cast) -> None:
        world = cast.world
        record = incident(world)
        evidence = services.evidence_from_record(actor=world.alice, enrolment=cast.enrolment, record=record)
        # An assessor posted in Cherry Hinton only: sees the portfolio (named on it), not the incident.
        remote = make_person(world.system, world.force_a, "rita", Role.ASSESSOR, neighbourhood=world.a2)
        Enrolment.objects.filter(pk=cast.enrolment.pk).update(assessor=remote)
        assert selectors.original_url(world.alice, evidence) == f"/incidents/{record.pk}/"
        assert selectors.original_url(world.bob, evidence) == f"/incidents/{record.pk}/"
        assert selectors.evidence_get_for(actor=remote, evidence_id=evidence.pk) == evidence
        assert selectors.original_url(remote, evidence) is None
        with pytest.raises(Http404):
            selectors.original_open_for(actor=remote, evidence=evidence)
        assert selectors.original_open_for(actor=world.bob, evidence=evidence) == f"/incidents/{record.pk}/"
        (event,) = AuditEvent.objects.filter(event_type=EventType.EVIDENCE_ORIGINAL_VIEWED)
        assert event.actor_id == world.bob.pk


class CoverageTests:
    def test_coverage_counts_per_criterion_and_in_total(self, cast: Cast, django_assert_num_queries: Any) -> None:
        c1, c2, c3 = cast.criteria(3)
        judged = submitted(cast, criteria=[c1.pk, c2.pk])
        services.evidence_judge(actor=cast.assessor, evidence=judged, criterion=c1, judgement="met")
        services.evidence_judge(
            actor=cast.assessor, evidence=judged, criterion=c2, judgement="not_yet_met", feedback="More detail."
        )
        submitted(cast, criteria=[c2.pk])  # c2: not yet met once, and once awaiting judgement
        draft(cast, criteria=[c3.pk])  # c3: a draft only
        gone = draft(cast, criteria=[c3.pk])
        services.evidence_withdraw(actor=cast.alice, evidence=gone)  # withdrawn: counts for nothing
        with django_assert_num_queries(2):
            coverage = selectors.coverage_of(cast.enrolment)
        rows = {c.criterion.pk: c for u in coverage.units for c in u.criteria}
        assert (rows[c1.pk].evidence, rows[c1.pk].met, rows[c1.pk].state) == (1, 1, "met")
        assert (rows[c2.pk].evidence, rows[c2.pk].not_yet_met, rows[c2.pk].pending, rows[c2.pk].state) == (
            2,
            1,
            1,
            "pending",
        )
        assert (rows[c3.pk].evidence, rows[c3.pk].drafts, rows[c3.pk].state) == (1, 1, "draft")
        total = Criterion.objects.filter(programme=cast.programme).count()
        assert coverage.total == total and coverage.met == 1 and coverage.pending == 1
        assert coverage.missing == total - 2 and coverage.percent == round(100 / total)
        assert coverage.ips_total == Criterion.objects.filter(programme=cast.programme, needed_for_ips=True).count()
        assert [u.unit.number for u in coverage.units] == list(range(1, 9))

    def test_the_query_count_does_not_grow_with_the_evidence(self, cast: Cast, django_assert_num_queries: Any) -> None:
        for criterion in cast.criteria(10):
            evidence = submitted(cast, criteria=[criterion.pk])
            services.evidence_judge(actor=cast.assessor, evidence=evidence, criterion=criterion, judgement="met")
        with django_assert_num_queries(2):
            coverage = selectors.coverage_of(cast.enrolment)
        assert coverage.met == 10
        with django_assert_num_queries(2):  # the evidence, then the mappings with criteria and judges
            items = list(selectors.evidence_of(cast.enrolment))
            assert sum(len(i.mappings.all()) for i in items) == 10


class PdfTests:
    def test_the_pdf_holds_the_redacted_copy_only_and_its_export_is_audited(self, cast: Cast) -> None:
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=incident(cast.world), criteria=[cast.criteria(1)[0].pk]
        )
        services.evidence_submit(actor=cast.alice, evidence=evidence)
        services.evidence_judge(
            actor=cast.assessor,
            evidence=evidence,
            criterion=cast.criteria(1)[0],
            judgement="not_yet_met",
            feedback="Add what you did next.",
        )
        html = services.portfolio_html(cast.enrolment, generated_by=cast.assessor)
        assert_no_personal_data(html)
        assert "Add what you did next." in html and cast.programme.qualification_title in html
        assert evidence.body.splitlines()[0][:40] in html
        pdf = services.portfolio_pdf(actor=cast.assessor, enrolment=cast.enrolment)
        assert pdf.startswith(b"%PDF")
        (event,) = AuditEvent.objects.filter(event_type=EventType.PORTFOLIO_EXPORTED)
        assert event.after is not None
        assert event.actor_id == cast.assessor.pk and event.after["enrolment"] == cast.enrolment.pk


class HandlingTests:
    def test_the_learner_does_not_withdraw_or_submit_a_tutors_observation(self, cast: Cast) -> None:
        observation = draft(cast, actor=cast.tutor, kind=EvidenceKind.OBSERVATION)
        with pytest.raises(PermissionDenied):
            services.evidence_submit(actor=cast.alice, evidence=observation)
        with pytest.raises(PermissionDenied):
            services.evidence_withdraw(actor=cast.alice, evidence=observation)
        submitted_by_tutor = services.evidence_submit(actor=cast.tutor, evidence=observation)
        assert submitted_by_tutor.status == EvidenceStatus.SUBMITTED

    def test_nothing_is_withdrawn_once_the_enrolment_has_ended(self, cast: Cast) -> None:
        evidence = submitted(cast)
        Enrolment.objects.filter(pk=cast.enrolment.pk).update(status="withdrawn", ended_on=today())
        evidence.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            services.evidence_withdraw(actor=cast.alice, evidence=evidence)
        assert "read-only" in str(refused.value)
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.SUBMITTED

    def test_the_audit_trail_never_shows_an_items_title(self, cast: Cast) -> None:
        evidence = submitted(cast, title="Helping Mrs Thornbury")
        reprs = list(
            AuditEvent.objects.filter(event_type__gte=1400, event_type__lt=1500).values_list("object_repr", flat=True)
        )
        assert reprs and all("Thornbury" not in r for r in reprs)
        assert str(evidence) == f"Evidence #{evidence.pk}"


class OtherRecordCopyTests:
    """The engagement event and the penalty notice: their free text about members of the public is
    redacted by pattern (titles, house numbers and streets, postcodes, phones, emails), and the
    recipient of a notice, named in its fields, by role."""

    def test_an_engagement_events_free_text_is_redacted(self, cast: Cast) -> None:
        from beatbook.community.services import events as community
        from beatbook.community.tests.test_events_services import plan

        event = plan(cast.world, starts_at=timezone.now() - dt.timedelta(days=2))
        community.event_record(
            actor=cast.alice,
            event=event,
            data=community.EventRecord(
                attendance=14,
                issues_raised="Mrs Thornbury of 14 Mill Road, Cambridge CB1 2AD: parking outside the school",
                follow_ups="Call Mr Denholm on 07700 900123 or kyle.denholm@example.org about the park",
                notes="Mrs Thornbury was upset.",
            ),
        )
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=event, criteria=[cast.criteria(1)[0].pk]
        )
        assert evidence.source_label.startswith("Engagement event")
        assert_no_personal_data(evidence.body)
        for leaked in ("07700 900123", "kyle.denholm@example.org"):
            assert leaked not in evidence.body
        assert "parking outside the school" in evidence.body
        assert sum(evidence.redaction["removed"].values()) >= 5

    def test_a_penalty_notices_recipient_is_replaced_by_their_role(self, cast: Cast) -> None:
        from beatbook.enforcement.models import PenaltyNotice
        from beatbook.enforcement.tests.test_penalties import issue
        from beatbook.powers.testing import powers_world

        world = powers_world(cast.world)
        record = issue(
            world,
            subject_name=SUSPECT,
            subject_address=SUSPECT_ADDRESS,
            subject_date_of_birth=VICTIM_DOB,
            notes=f"{SUSPECT} gave his date of birth as 12/04/1961 and lives at {SUSPECT_ADDRESS}.",
        )
        notice = PenaltyNotice.objects.get(record=record)
        evidence = services.evidence_from_record(
            actor=cast.alice, enrolment=cast.enrolment, record=notice, criteria=[cast.criteria(1)[0].pk]
        )
        assert evidence.source_label == f"Penalty notice {record.reference}"
        assert_no_personal_data(evidence.title + evidence.body)
        assert "[the recipient]" in evidence.body
        assert "Dropped a drinks can" in evidence.body  # the offence, without the person
