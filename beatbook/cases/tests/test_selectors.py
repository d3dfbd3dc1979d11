"""Reads of ASB cases: the police scope, what a partner user sees (exactly the cases shared with
their organisation under an agreement in force, and of those only the data it allows), the audited
read, the list filters and the list's query count; and a property test of partner visibility."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import AuditMeta
from beatbook.cases import selectors, services
from beatbook.cases.models import AsbCase, CaseShare, SharingAgreement
from beatbook.cases.reference import ActionStatus, CaseStatus, ClosureReason, DataCategory
from beatbook.cases.selectors import CaseFilters, CaseFlag
from beatbook.core.testing import World, build_world
from beatbook.core.timeutil import today
from beatbook.incidents.models import Involvement
from beatbook.incidents.reference import Category
from beatbook.incidents.services import PersonData
from beatbook.incidents.tests.factories import A2_CENTRE
from beatbook.org import policy
from beatbook.org import services as org
from beatbook.org.models import PartnerOrganisation, Person, Posting, Role

from .factories import (
    action_data,
    agreement,
    agreement_data,
    asb_incident,
    derby_case,
    derby_partner,
    housing,
    open_case,
    party_data,
    share,
)

pytestmark = pytest.mark.django_db


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


ALL = frozenset(DataCategory.values)


def refs(cases: Any) -> set[str]:
    return {case.reference for case in cases}


def visible(actor: Any) -> set[str]:
    return refs(selectors.cases_visible_to(actor))


def viewed(case: AsbCase) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.ASB_CASE_VIEWED, object_id=str(case.pk)).order_by("id"))


def a2_case(world: World, **overrides: Any) -> AsbCase:
    """Charlie's case in A2, from a public-order incident with a named victim."""
    incident = asb_incident(
        world.charlie,
        point=A2_CENTRE,
        category=Category.PUBLIC_ORDER,
        people=[PersonData(involvement=Involvement.VICTIM, name="Tom Baker", address="5 High Street")],
    )
    return open_case(world, actor=world.charlie, incidents=[incident], **overrides)


def end_agreement(world: World, isa: SharingAgreement, **overrides: Any) -> None:
    data = agreement_data(world, data_categories=tuple(isa.data_categories), title=isa.title, **overrides)
    services.agreement_update(actor=world.erin, agreement=isa, data=data, ended_early_on=isa.ended_early_on)


def end_early(world: World, isa: SharingAgreement, on: dt.date) -> None:
    data = agreement_data(
        world,
        data_categories=tuple(isa.data_categories),
        title=isa.title,
        starts_on=isa.starts_on,
        ends_on=isa.ends_on,
    )
    services.agreement_update(actor=world.erin, agreement=isa, data=data, ended_early_on=on)


# ---- the police scope ------------------------------------------------------------------------


class PoliceScopeTests:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("alice", {"a1"}),
            ("charlie", {"a2"}),
            ("bob", {"a1", "a2"}),
            ("dee", {"a1", "a2"}),
            ("erin", {"a1", "a2"}),
            ("fay", {"a1", "a2"}),
            ("gus", set()),
            ("hal", {"b1"}),
            ("ivy", {"b1"}),
        ],
    )
    def test_each_persona_sees_the_cases_of_their_areas(self, world: World, who: str, expected: set[str]) -> None:
        made = {"a1": open_case(world), "a2": a2_case(world), "b1": derby_case(world)}
        actor = getattr(world, who)
        assert visible(actor) == {made[name].reference for name in expected}
        for name, case in made.items():
            if name in expected:
                assert selectors.case_get_for(actor=actor, case_id=case.pk) == case
            else:
                with pytest.raises(Http404):
                    selectors.case_get_for(actor=actor, case_id=case.pk)

    def test_anonymous_sees_none_and_the_system_all(self, world: World) -> None:
        open_case(world)
        derby_case(world)
        assert visible(AnonymousUser()) == set()
        assert len(visible(world.system)) == 2

    def test_an_inactive_account_sees_nothing(self, world: World) -> None:
        case = open_case(world)
        org.person_deactivate(actor=world.system, person=world.alice, reason="Left the force")
        assert visible(world.alice) == set()
        with pytest.raises(Http404):
            selectors.case_get_for(actor=world.alice, case_id=case.pk)

    @pytest.mark.parametrize("case_id", ["x", None, 10**9, "1; DROP TABLE"])
    def test_a_bad_or_unknown_id_is_not_found(self, world: World, case_id: Any) -> None:
        open_case(world)
        with pytest.raises(Http404):
            selectors.case_get_for(actor=world.bob, case_id=case_id)

    def test_an_action_beyond_viewing_is_checked(self, world: World) -> None:
        case = open_case(world)
        assert selectors.case_get_for(actor=world.bob, case_id=case.pk, action=policy.Action.SHARE_ASB_CASES) == case
        with pytest.raises(PermissionDenied):
            selectors.case_get_for(actor=world.dee, case_id=case.pk, action=policy.Action.MANAGE_ASB_CASES)
        with pytest.raises(PermissionDenied):
            selectors.case_get_for(actor=world.alice, case_id=case.pk, action=policy.Action.SHARE_ASB_CASES)

    def test_who_may_manage_and_share(self, world: World) -> None:
        case = open_case(world)
        managers = {p.username for p in (world.alice, world.bob) if selectors.may_manage(p, case)}
        sharers = {p.username for p in (world.alice, world.bob) if selectors.may_share(p, case)}
        assert managers == {"alice", "bob"} and sharers == {"bob"}
        for outsider in (world.charlie, world.dee, world.erin, world.fay, world.gus, world.hal, world.ivy):
            assert not selectors.may_manage(outsider, case) and not selectors.may_share(outsider, case)


# ---- what a partner sees ---------------------------------------------------------------------


class PartnerVisibilityTests:
    def test_the_partner_sees_exactly_the_cases_shared_with_it(self, world: World) -> None:
        shared, kept = open_case(world), open_case(world, actor=world.bob)
        other_area = a2_case(world)
        isa = agreement(world)
        share(world, shared, isa)
        share(world, other_area, isa)
        assert visible(world.gus) == {shared.reference, other_area.reference}
        assert selectors.case_get_for(actor=world.gus, case_id=shared.pk) == shared
        with pytest.raises(Http404):
            selectors.case_get_for(actor=world.gus, case_id=kept.pk)
        with pytest.raises(Http404):
            selectors.case_open_for(actor=world.gus, case_id=kept.pk)
        assert viewed(kept) == []

    def test_nothing_before_anything_is_shared(self, world: World) -> None:
        open_case(world)
        agreement(world)
        assert visible(world.gus) == set()

    def test_not_after_the_share_is_withdrawn(self, world: World) -> None:
        case = open_case(world)
        shared = share(world, case, agreement(world))
        services.case_unshare(actor=world.bob, share=shared)
        assert visible(world.gus) == set()
        with pytest.raises(Http404):
            selectors.case_open_for(actor=world.gus, case_id=case.pk)
        assert viewed(case) == []

    def test_not_after_the_agreements_end(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        share(world, case, isa)
        end_agreement(world, isa, starts_on=today() - dt.timedelta(days=60), ends_on=today())
        assert visible(world.gus) == {case.reference}  # the last day is included
        end_agreement(world, isa, starts_on=today() - dt.timedelta(days=60), ends_on=yesterday())
        assert visible(world.gus) == set()
        with pytest.raises(Http404):
            selectors.case_get_for(actor=world.gus, case_id=case.pk)

    def test_not_before_the_agreement_starts(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        share(world, case, isa)
        end_agreement(world, isa, starts_on=today() + dt.timedelta(days=1), ends_on=today() + dt.timedelta(days=100))
        assert visible(world.gus) == set()

    def test_not_after_the_agreement_ended_early(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        share(world, case, isa)
        end_early(world, isa, today())
        assert visible(world.gus) == {case.reference}
        end_early(world, isa, yesterday())
        assert visible(world.gus) == set()
        assert not selectors.partner_shares(world.gus).exists()

    def test_not_once_the_partners_posting_has_ended(self, world: World) -> None:
        case = open_case(world)
        share(world, case, agreement(world))
        posting = Posting.objects.get(person=world.gus)
        org.posting_end(actor=world.system, posting=posting, valid_to=yesterday())
        assert visible(world.gus) == set()
        with pytest.raises(Http404):
            selectors.case_open_for(actor=world.gus, case_id=case.pk)

    def test_not_cases_shared_with_another_organisation(self, world: World) -> None:
        case = open_case(world)
        share(world, case, agreement(world, partner_id=housing(world).pk))
        assert visible(world.gus) == set()
        assert selectors.categories_for(world.gus, case) == frozenset()

    def test_never_a_case_of_another_force(self, world: World) -> None:
        derby = derby_case(world)
        derby_isa = services.agreement_create(
            actor=world.ivy, force=world.force_b, data=agreement_data(world, partner_id=derby_partner(world).pk)
        )
        services.case_share(actor=world.system, case=derby, agreement_id=derby_isa.pk)
        assert visible(world.gus) == set()
        # Even a share row that names Gus's organisation (which the services never write: the
        # agreement must be of the case's force) gives nothing outside his partner posting's force.
        CaseShare.objects.create(
            case=derby,
            agreement=agreement(world),
            partner=world.council,
            shared_by=world.system,
            shared_at=timezone.now(),
        )
        assert visible(world.gus) == set()
        with pytest.raises(Http404):
            selectors.case_get_for(actor=world.gus, case_id=derby.pk)

    def test_agreements_the_partner_sees_are_its_own(self, world: World) -> None:
        own = agreement(world)
        agreement(world, partner_id=housing(world).pk)
        assert list(selectors.agreements_visible_to(world.gus)) == [own]
        assert len(selectors.agreements_visible_to(world.erin)) == 2
        assert list(selectors.agreements_visible_to(world.ivy)) == []
        assert selectors.agreement_get_for(actor=world.gus, agreement_id=own.pk) == own


class CategoriesTests:
    def test_the_forces_own_people_see_every_category(self, world: World) -> None:
        case = open_case(world)
        assert selectors.categories_for(world.alice, case) == ALL
        assert selectors.categories_for(world.bob, case) == ALL

    def test_a_partner_sees_the_union_over_the_agreements_the_case_is_shared_under(self, world: World) -> None:
        case = open_case(world)
        first = agreement(world)  # summary, parties, tasks
        second = agreement(world, title="Second", data_categories=(DataCategory.RISK, DataCategory.SUMMARY))
        agreement(world, title="Unused", data_categories=(DataCategory.CONTACT,))
        share(world, case, first)
        assert selectors.categories_for(world.gus, case) == {"summary", "parties", "tasks"}
        second_share = share(world, case, second)
        assert selectors.categories_for(world.gus, case) == {"summary", "parties", "tasks", "risk"}
        services.case_unshare(actor=world.bob, share=second_share)
        assert selectors.categories_for(world.gus, case) == {"summary", "parties", "tasks"}
        share(world, case, second)
        end_early(world, first, yesterday())
        assert selectors.categories_for(world.gus, case) == {"summary", "risk"}

    def test_narrowing_the_agreement_narrows_what_is_seen(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        share(world, case, isa)
        services.agreement_update(
            actor=world.erin, agreement=isa, data=agreement_data(world, data_categories=(DataCategory.SUMMARY,))
        )
        assert selectors.categories_for(world.gus, case) == {"summary"}


# ---- one case --------------------------------------------------------------------------------


def full_case(world: World) -> tuple[AsbCase, Any]:
    """A case with something in every part: parties, incidents, two assessments, an action, tasks
    for the council and for a housing association, a conference."""
    case = open_case(world)
    services.case_assess_risk(actor=world.alice, case=case, level="high", notes="Worse.", review_on=today())
    services.case_add_action(actor=world.alice, case=case, data=action_data(world))
    other = housing(world)
    for partner in (world.council, other):
        services.case_add_task(
            actor=world.alice, case=case, partner_id=partner.pk, description="Visit.", due_on=today()
        )
    services.case_record_conference(
        actor=world.alice, case=case, held_on=today(), decisions="Go on.", attendee_ids=[world.bob.pk]
    )
    return case, other


class CaseViewTests:
    def test_the_forces_people_see_every_part(self, world: World) -> None:
        case, _ = full_case(world)
        share(world, case, agreement(world))
        view = selectors.case_view(world.bob, case)
        assert view.categories == ALL and not view.is_partner_view and view.partner is None
        assert len(view.parties) == 2 and len(view.incidents) == 2 and len(view.risk_assessments) == 2
        assert len(view.actions) == 1 and len(view.tasks) == 2 and len(view.conferences) == 1
        assert len(view.shares) == 1
        assert all(view.allows(c) for c in DataCategory.values)

    def test_a_partner_with_only_the_summary_gets_no_other_part_and_none_is_read(self, world: World) -> None:
        case, _ = full_case(world)
        share(world, case, agreement(world, data_categories=(DataCategory.SUMMARY,)))
        with CaptureQueriesContext(connection) as queries:
            view = selectors.case_view(world.gus, case)
        sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
        for table in ("cases_caseparty", "cases_riskassessment", "cases_caseaction", "cases_caseconference"):
            assert table not in sql, table
        assert "incidents_incident" not in sql
        assert view.partner == world.council and view.is_partner_view
        assert view.categories == {"summary"} and view.allows("summary") and not view.allows("parties")
        assert view.parties == [] and view.incidents == [] and view.risk_assessments == []
        assert view.actions == [] and view.conferences == [] and view.shares == []
        # Without the tasks category the partner still sees its own organisation's task.
        assert [t.partner for t in view.tasks] == [world.council]

    @pytest.mark.parametrize(
        ("category", "part"),
        [
            (DataCategory.PARTIES, "parties"),
            (DataCategory.INCIDENTS, "incidents"),
            (DataCategory.RISK, "risk_assessments"),
            (DataCategory.ACTIONS, "actions"),
            (DataCategory.CONFERENCES, "conferences"),
        ],
    )
    def test_each_category_gives_its_part_alone(self, world: World, category: str, part: str) -> None:
        case, _ = full_case(world)
        share(world, case, agreement(world, data_categories=(DataCategory.SUMMARY, category)))
        view = selectors.case_view(world.gus, case)
        parts = ("parties", "incidents", "risk_assessments", "actions", "conferences")
        assert {name for name in parts if getattr(view, name)} == {part}

    def test_with_the_tasks_category_the_partner_sees_every_task_but_never_the_shares(self, world: World) -> None:
        case, other = full_case(world)
        share(world, case, agreement(world, data_categories=tuple(DataCategory.values)))
        view = selectors.case_view(world.gus, case)
        assert {t.partner for t in view.tasks} == {world.council, other}
        assert len(view.parties) == 2 and len(view.conferences) == 1 and view.shares == []

    def test_task_get_for_follows_the_same_rule(self, world: World) -> None:
        case, _ = full_case(world)
        share(world, case, agreement(world, data_categories=(DataCategory.SUMMARY,)))
        own, others = list(case.tasks.order_by("id"))
        assert selectors.task_get_for(actor=world.gus, task_id=own.pk) == own
        with pytest.raises(Http404):
            selectors.task_get_for(actor=world.gus, task_id=others.pk)
        assert selectors.task_get_for(actor=world.alice, task_id=others.pk) == others
        with pytest.raises(Http404):
            selectors.task_get_for(actor=world.charlie, task_id=own.pk)
        assert list(selectors.open_tasks_for_partner(world.gus)) == [own]
        assert list(selectors.open_tasks_for_partner(world.alice)) == []


class CaseOpenForTests:
    def test_a_police_read_writes_one_viewed_event(self, world: World) -> None:
        case = open_case(world)
        view = selectors.case_open_for(actor=world.bob, case_id=case.pk, meta=AuditMeta(request_id="req-9"))
        assert view.case == case
        (row,) = viewed(case)
        assert row.event_type == 713 and row.actor == world.bob and row.request_id == "req-9"
        assert row.force_id == world.force_a.pk and row.neighbourhood_id == world.a1.pk and row.after is None

    def test_a_partner_read_names_the_organisation_and_the_categories_shown(self, world: World) -> None:
        case = open_case(world)
        share(world, case, agreement(world))
        view = selectors.case_open_for(actor=world.gus, case_id=case.pk)
        assert view.is_partner_view
        (row,) = viewed(case)
        assert row.actor == world.gus
        assert row.after == {"partner": "Cambridge City Council", "categories": ["parties", "summary", "tasks"]}

    def test_case_get_for_is_not_audited(self, world: World) -> None:
        case = open_case(world)
        selectors.case_get_for(actor=world.bob, case_id=case.pk)
        assert viewed(case) == []


# ---- filters ---------------------------------------------------------------------------------


class Cases:
    """Three cases: `a1` (Alice, medium risk, ASB incidents, Mary Jones vulnerable and Kyle
    Smith), `a2` (Charlie, high risk due for review today, a public-order incident, Tom Baker),
    `closed` (Alice, low risk, an ASB incident with nobody named, closed)."""

    def __init__(self, world: World) -> None:
        self.a1 = open_case(world)
        self.a2 = a2_case(world, risk_level="high", review_on=today())
        self.closed = open_case(
            world, incidents=[asb_incident(world.alice, 4, people=[])], risk_level="low", title="Litter"
        )
        services.case_close(actor=world.alice, case=self.closed, reason=ClosureReason.RESOLVED)

    def names(self, cases: Any) -> set[str]:
        by_ref = {c.reference: n for n, c in (("a1", self.a1), ("a2", self.a2), ("closed", self.closed))}
        return {by_ref[c.reference] for c in cases}


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class FilterTests:
    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({}, {"a1", "a2", "closed"}),
            ({"neighbourhood": "a1"}, {"a1", "closed"}),
            ({"neighbourhood": "a2"}, {"a2"}),
            ({"status": CaseStatus.OPEN}, {"a1", "a2"}),
            ({"status": CaseStatus.CLOSED}, {"closed"}),
            ({"person": "mary"}, {"a1"}),
            ({"person": " JONES "}, {"a1"}),
            ({"person": "Tom Baker"}, {"a2"}),
            ({"person": "nobody"}, set()),
            ({"person": "   "}, {"a1", "a2", "closed"}),
            ({"flag": CaseFlag.VULNERABLE}, {"a1"}),
            ({"flag": CaseFlag.REVIEW_DUE}, {"a2"}),
            ({"flag": CaseFlag.HIGH_RISK}, {"a2"}),
            ({"flag": CaseFlag.SHARED}, set()),
            ({"category": Category.ANTI_SOCIAL_BEHAVIOUR}, {"a1", "closed"}),
            ({"category": Category.PUBLIC_ORDER}, {"a2"}),
            ({"category": Category.BURGLARY}, set()),
            ({"reference": "asb"}, {"a1", "a2", "closed"}),
        ],
    )
    def test_filters(self, world: World, filters: dict[str, Any], expected: set[str]) -> None:
        made = Cases(world)
        if "neighbourhood" in filters:
            filters = {"neighbourhood_id": getattr(world, filters.pop("neighbourhood")).pk} | filters
        found = selectors.cases_matching(world.bob, CaseFilters(**filters))
        assert made.names(found) == expected

    def test_by_reference(self, world: World) -> None:
        made = Cases(world)
        for name in ("a1", "a2", "closed"):
            reference = getattr(made, name).reference
            found = selectors.cases_matching(world.bob, CaseFilters(reference=f" {reference.lower()} "))
            assert made.names(found) == {name}

    def test_a_closed_case_is_never_due_for_review(self, world: World) -> None:
        made = Cases(world)
        AsbCase.objects.filter(pk=made.closed.pk).update(review_on=yesterday())
        assert made.names(selectors.cases_matching(world.bob, CaseFilters(flag=CaseFlag.REVIEW_DUE))) == {"a2"}

    def test_the_shared_flag_follows_open_shares(self, world: World) -> None:
        made = Cases(world)
        shared = share(world, made.a1, agreement(world))
        assert made.names(selectors.cases_matching(world.bob, CaseFilters(flag=CaseFlag.SHARED))) == {"a1"}
        services.case_unshare(actor=world.bob, share=shared)
        assert made.names(selectors.cases_matching(world.bob, CaseFilters(flag=CaseFlag.SHARED))) == set()

    def test_dates_are_london_dates_inclusive(self, world: World) -> None:
        made = Cases(world)
        day = today() - dt.timedelta(days=10)
        AsbCase.objects.filter(pk=made.a1.pk).update(created_at=london(day, 0, 0))
        AsbCase.objects.filter(pk=made.closed.pk).update(created_at=london(day, 23, 59))

        def found(**filters: Any) -> set[str]:
            return made.names(selectors.cases_matching(world.bob, CaseFilters(**filters)))

        assert found(date_from=day, date_to=day) == {"a1", "closed"}
        assert found(date_to=day - dt.timedelta(days=1)) == set()
        assert found(date_from=day + dt.timedelta(days=1)) == {"a2"}
        assert found(date_to=day) == {"a1", "closed"}
        assert found(date_from=today()) == {"a2"}

    def test_filters_stay_within_the_scope(self, world: World) -> None:
        made = Cases(world)
        assert made.names(selectors.cases_matching(world.charlie, CaseFilters(neighbourhood_id=world.a1.pk))) == set()
        assert made.names(selectors.cases_matching(world.charlie, CaseFilters(person="mary"))) == set()
        assert made.names(selectors.cases_matching(world.alice, CaseFilters(flag=CaseFlag.HIGH_RISK))) == set()
        assert made.names(selectors.cases_matching(world.hal, CaseFilters())) == set()


class PartnerFilterTests:
    def shared(self, world: World, categories: tuple[str, ...]) -> Cases:
        made = Cases(world)
        isa = agreement(world, data_categories=categories)
        share(world, made.a1, isa)
        share(world, made.a2, isa)
        return made

    def find(self, world: World, made: Cases, **filters: Any) -> set[str]:
        return made.names(selectors.cases_matching(world.gus, CaseFilters(**filters)))

    def test_without_the_parties_a_partner_cannot_find_a_case_by_a_partys_name(self, world: World) -> None:
        made = self.shared(world, (DataCategory.SUMMARY, DataCategory.TASKS))
        assert self.find(world, made) == {"a1", "a2"}
        assert self.find(world, made, person="mary") == set()
        assert self.find(world, made, person="baker") == set()

    def test_with_the_parties_a_partner_finds_the_shared_case_by_name(self, world: World) -> None:
        made = self.shared(world, (DataCategory.SUMMARY, DataCategory.PARTIES))
        assert self.find(world, made, person="mary") == {"a1"}
        # A name that is only on a case not shared finds nothing.
        unshared = open_case(world, incidents=[asb_incident(world.alice, 6, people=[])])
        services.case_add_party(actor=world.alice, case=unshared, data=party_data())
        assert self.find(world, made, person="olive") == set()
        services.case_add_party(actor=world.bob, case=made.a2, data=party_data())
        assert self.find(world, made, person="olive") == {"a2"}

    def test_a_name_on_a_case_not_shared_is_not_found(self, world: World) -> None:
        made = Cases(world)
        share(world, made.a2, agreement(world, data_categories=(DataCategory.PARTIES,)))
        assert self.find(world, made, person="mary") == set()
        assert self.find(world, made, person="baker") == {"a2"}

    def test_names_are_searched_only_in_cases_whose_agreement_allows_parties(self, world: World) -> None:
        made = Cases(world)
        share(world, made.a1, agreement(world, data_categories=(DataCategory.SUMMARY,)))
        share(world, made.a2, agreement(world, title="With parties", data_categories=(DataCategory.PARTIES,)))
        assert self.find(world, made, person="mary") == set()
        assert self.find(world, made, person="baker") == {"a2"}

    @pytest.mark.parametrize(
        ("flag", "needs", "expected"),
        [
            (CaseFlag.VULNERABLE, DataCategory.VULNERABILITY, {"a1"}),
            (CaseFlag.HIGH_RISK, DataCategory.RISK, {"a2"}),
            (CaseFlag.REVIEW_DUE, DataCategory.RISK, {"a2"}),
        ],
    )
    def test_a_flag_needs_the_category_that_shows_it(
        self, world: World, flag: str, needs: str, expected: set[str]
    ) -> None:
        without = self.shared(world, (DataCategory.SUMMARY, DataCategory.PARTIES))
        assert self.find(world, without, flag=flag) == set()
        isa = agreement(world, title="More", data_categories=(needs,))
        share(world, without.a1, isa)
        share(world, without.a2, isa)
        assert self.find(world, without, flag=flag) == expected

    def test_the_shared_flag_finds_nothing_for_a_partner(self, world: World) -> None:
        made = self.shared(world, tuple(DataCategory.values))
        assert self.find(world, made, flag=CaseFlag.SHARED) == set()

    def test_other_filters_work_on_the_shared_cases(self, world: World) -> None:
        made = self.shared(world, (DataCategory.SUMMARY,))
        assert self.find(world, made, neighbourhood_id=world.a2.pk) == {"a2"}
        assert self.find(world, made, category=Category.ANTI_SOCIAL_BEHAVIOUR) == {"a1"}
        assert self.find(world, made, status=CaseStatus.CLOSED) == set()
        assert self.find(world, made, reference=made.closed.reference) == set()


# ---- the list --------------------------------------------------------------------------------


def read_rows(actor: Person) -> list[tuple[Any, ...]]:
    """What the list page shows of each row: the related rows and the two counts."""
    rows: list[Any] = list(selectors.case_list(actor, CaseFilters()))
    return [
        (c.reference, c.neighbourhood.name, c.force.name, str(c.lead), c.incident_count, c.open_action_count)
        for c in rows
    ]


class CaseListTests:
    def test_counts_are_not_multiplied_by_the_joins(self, world: World) -> None:
        case = open_case(world)
        for _ in range(3):
            services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        done = services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        services.case_finish_action(actor=world.alice, action=done, status=ActionStatus.DONE, result="Sent.")
        (row,) = selectors.case_list(world.bob, CaseFilters())
        assert (row.incident_count, row.open_action_count) == (2, 3)  # type: ignore[attr-defined]

    @pytest.mark.parametrize("who", ["bob", "gus"])
    def test_one_query_for_one_case_or_many(self, world: World, who: str, django_assert_num_queries: Any) -> None:
        actor = getattr(world, who)
        isa = agreement(world)
        first = open_case(world)
        share(world, first, isa)
        with django_assert_num_queries(1):
            rows = read_rows(actor)
        assert len(rows) == 1
        for n in range(4):
            case = open_case(world, incidents=[asb_incident(world.alice, n + 1)])
            services.case_add_action(actor=world.alice, case=case, data=action_data(world))
            share(world, case, isa)
        with django_assert_num_queries(1):
            rows = read_rows(actor)
        assert len(rows) == 5
        assert sorted(r[5] for r in rows) == [0, 1, 1, 1, 1]


# ---- property: partner visibility agrees with a plain reading of the rules -----------------

# One agreement as drawn: (partner: 0 the council / 1 a housing association, categories,
# final start offset, final length in days, days ended early relative to today or None).
agreement_specs = st.tuples(
    st.integers(0, 1),
    st.frozensets(st.sampled_from(DataCategory.values), min_size=1),
    st.integers(-60, 5),
    st.integers(0, 120),
    st.one_of(st.none(), st.integers(-5, 5)),
)
# One operation: (share or withdraw, case index, agreement index).
operations = st.lists(st.tuples(st.booleans(), st.integers(0, 2), st.integers(0, 2)), max_size=12)


class PartnerVisibilityAgreesWithTheRules(TestCase):
    world: ClassVar[World]
    cases: ClassVar[list[AsbCase]]
    others: ClassVar[PartnerOrganisation]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.others = housing(cls.world)
        cls.cases = [open_case(cls.world, incidents=[asb_incident(cls.world.alice, n)]) for n in range(3)]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(agreement_specs, min_size=1, max_size=3), ops=operations)
    def test_the_partner_sees_what_the_rules_say(self, specs: list[Any], ops: list[Any]) -> None:
        world = self.world
        partners = [world.council, self.others]
        agreements = [
            agreement(world, title=f"ISA {i}", partner_id=partners[p].pk, data_categories=tuple(sorted(cats)))
            for i, (p, cats, *_rest) in enumerate(specs)
        ]
        # Shares and withdrawals while every agreement is in force; the model is the set of open
        # (case, agreement) pairs.
        open_pairs: set[tuple[int, int]] = set()
        for is_share, c, a in ops:
            if a >= len(agreements):
                continue
            pair = (c, a)
            if is_share:
                if pair in open_pairs:
                    with pytest.raises(ValidationError):
                        services.case_share(actor=world.bob, case=self.cases[c], agreement_id=agreements[a].pk)
                else:
                    services.case_share(actor=world.bob, case=self.cases[c], agreement_id=agreements[a].pk)
                    open_pairs.add(pair)
            elif pair in open_pairs:
                row = CaseShare.objects.get(case=self.cases[c], agreement=agreements[a], withdrawn_at__isnull=True)
                services.case_unshare(actor=world.bob, share=row)
                open_pairs.discard(pair)
        # Then each agreement gets its final dates.
        in_force: dict[int, bool] = {}
        for a, (isa, (_p, cats, start, length, early)) in enumerate(zip(agreements, specs, strict=True)):
            starts = today() + dt.timedelta(days=start)
            ends = starts + dt.timedelta(days=length)
            ended_early = None if early is None else max(today() + dt.timedelta(days=early), starts)
            services.agreement_update(
                actor=world.erin,
                agreement=isa,
                data=agreement_data(
                    world,
                    partner_id=isa.partner_id,
                    title=isa.title,
                    data_categories=tuple(sorted(cats)),
                    starts_on=starts,
                    ends_on=ends,
                ),
                ended_early_on=ended_early,
            )
            last = min(ends, ended_early) if ended_early else ends
            in_force[a] = starts <= today() <= last
        # The plain reading: a case is seen while it has an open share with the council under an
        # agreement in force today; its categories are the union of those agreements'.
        expected: dict[int, set[str]] = {}
        for c, a in open_pairs:
            if specs[a][0] == 0 and in_force[a]:
                expected.setdefault(c, set()).update(specs[a][1])
        seen = selectors.cases_visible_to(world.gus)
        assert {case.pk for case in seen} == {self.cases[c].pk for c in expected}
        for c, case in enumerate(self.cases):
            assert selectors.categories_for(world.gus, case) == expected.get(c, set())
            if c not in expected:
                with pytest.raises(Http404):
                    selectors.case_get_for(actor=world.gus, case_id=case.pk)
        # Bob, the police, sees all three throughout.
        assert selectors.cases_visible_to(world.bob).filter(pk__in=[c.pk for c in self.cases]).count() == 3

    def test_roles_holding_the_new_actions(self) -> None:
        assert set(policy.roles_holding(policy.Action.MANAGE_ASB_CASES)) == {Role.PCSO, Role.OFFICER, Role.SUPERVISOR}
        assert set(policy.roles_holding(policy.Action.SHARE_ASB_CASES)) == {Role.SUPERVISOR}
        assert set(policy.roles_holding(policy.Action.MANAGE_SHARING_AGREEMENTS)) == {Role.FORCE_ADMIN}
