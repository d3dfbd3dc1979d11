"""The demo ASB cases: in each force, open and closed cases opened by the demo PCSO from the
scripted incidents, shared under agreements with the council and the housing association; the
partner logins see exactly the case shared with their organisation, and only what it allows.

The cases are seeded once for the package, on top of the incidents (`seeded_cases` in
conftest.py), so these tests add about a second to the package.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from beatbook.audit.models import AuditEvent, EventType
from beatbook.cases import selectors
from beatbook.cases.models import AsbCase, CaseShare, SharingAgreement
from beatbook.cases.reference import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    DataCategory,
    PartyRole,
    TaskStatus,
)
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.demo.cases import CaseSeedReport, partner_with_user, seed_cases
from beatbook.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from beatbook.demo.management.commands import seed_demo
from beatbook.demo.tests.conftest import SEED
from beatbook.demo.tests.test_commands import FakeIncidents
from beatbook.demo.world import FORCES
from beatbook.incidents.models import Alert, AlertKind, Involvement
from beatbook.org.models import Force, PartnerOrganisation, Person, Role

pytestmark = pytest.mark.django_db

PARTNER_LOGINS = [login for login in DEMO_LOGINS if login.role == Role.PARTNER]
PCSO_OF = {login.force_slug: login for login in DEMO_LOGINS if login.role == Role.PCSO}


def shared_with(case: AsbCase) -> set[str]:
    return {s.partner.kind for s in CaseShare.objects.filter(case=case, withdrawn_at__isnull=True)}


def cases_of(slug: str) -> list[AsbCase]:
    return list(AsbCase.objects.filter(force__slug=slug).order_by("reference"))


def only(cases: list[AsbCase], kind: str) -> AsbCase:
    found = [c for c in cases if shared_with(c) == {kind}]
    assert len(found) == 1, (kind, found)
    return found[0]


class WhatIsSeededTests:
    def test_each_force_has_open_and_closed_cases_and_two_agreements(self, seeded_cases: CaseSeedReport) -> None:
        for spec in FORCES:
            cases = cases_of(spec.slug)
            statuses = Counter(c.status for c in cases)
            assert statuses[CaseStatus.OPEN] == 3, spec.slug
            assert 1 <= statuses[CaseStatus.CLOSED] <= 2, spec.slug
            for case in cases:
                if case.status == CaseStatus.CLOSED:
                    assert case.closure_reason and case.closed_at is not None
            kinds = set(SharingAgreement.objects.filter(force__slug=spec.slug).values_list("partner__kind", flat=True))
            assert kinds == {PartnerOrganisation.Kind.COUNCIL, PartnerOrganisation.Kind.HOUSING_ASSOCIATION}
        assert seeded_cases.cases == AsbCase.objects.count()
        assert seeded_cases.shared == 2 * len(FORCES)

    def test_agreements_allow_different_data(self, seeded_cases: CaseSeedReport) -> None:
        for agreement in SharingAgreement.objects.select_related("partner"):
            assert agreement.in_force_on(today())
            if agreement.partner.kind == PartnerOrganisation.Kind.COUNCIL:
                assert set(agreement.data_categories) == {"summary", "parties", "actions", "tasks", "conferences"}
            else:
                assert set(agreement.data_categories) == {"summary", "parties", "contact", "tasks"}

    def test_one_case_shared_with_each_partner_and_one_shared_with_nobody(self, seeded_cases: CaseSeedReport) -> None:
        for spec in FORCES:
            open_cases = [c for c in cases_of(spec.slug) if c.is_open]
            only(open_cases, PartnerOrganisation.Kind.COUNCIL)
            only(open_cases, PartnerOrganisation.Kind.HOUSING_ASSOCIATION)
            assert [c for c in open_cases if not shared_with(c)], spec.slug
            assert not [c for c in cases_of(spec.slug) if not c.is_open and shared_with(c)]

    def test_opened_by_the_demo_pcso_from_the_alerts_of_her_neighbourhood(self, seeded_cases: CaseSeedReport) -> None:
        for slug, login in PCSO_OF.items():
            pcso = Person.objects.get(username=login.username)
            for case in cases_of(slug):
                assert case.created_by == pcso and case.lead == pcso
                assert case.neighbourhood.name == login.area
                assert case.incidents.exists()
                assert set(case.incidents.values_list("neighbourhood__name", flat=True)) == {login.area}
            # The housing case is the community-trigger resident's, the council's the repeat victim's.
            open_cases = [c for c in cases_of(slug) if c.is_open]
            for kind, alert_kind in (
                (PartnerOrganisation.Kind.HOUSING_ASSOCIATION, AlertKind.COMMUNITY_TRIGGER),
                (PartnerOrganisation.Kind.COUNCIL, AlertKind.REPEAT_VICTIM),
            ):
                alert = Alert.objects.filter(force__slug=slug, neighbourhood__name=login.area, kind=alert_kind).first()
                assert alert is not None
                victim = only(open_cases, kind).parties.get(role=PartyRole.VICTIM)
                assert victim.name == alert.subject
                assert set(
                    only(open_cases, kind).incidents.filter(
                        people__name=alert.subject, people__involvement=Involvement.VICTIM
                    )
                ) == set(only(open_cases, kind).incidents.all())

    def test_what_the_open_cases_hold(self, seeded_cases: CaseSeedReport) -> None:
        for slug in PCSO_OF:
            open_cases = [c for c in cases_of(slug) if c.is_open]
            housing_case = only(open_cases, PartnerOrganisation.Kind.HOUSING_ASSOCIATION)
            council_case = only(open_cases, PartnerOrganisation.Kind.COUNCIL)
            unshared = next(c for c in open_cases if not shared_with(c))
            for case in open_cases:
                assert any(p.vulnerabilities for p in case.parties.all()), case
                assert case.risk_assessments.count() == 2
                assert case.conferences.count() == 1
                assert case.actions.exists() and case.tasks.exists()
                assert case.review_on >= today()
            actions = {(a.kind, a.status): a for a in housing_case.actions.all()}
            letter = actions[(ActionKind.WARNING_LETTER, ActionStatus.DONE)]
            assert letter.result and letter.party is not None and letter.party.role == PartyRole.PERPETRATOR
            assert (ActionKind.COMMUNITY_PROTECTION_WARNING, ActionStatus.PLANNED) in actions
            done = housing_case.tasks.get(status=TaskStatus.DONE)
            assert done.result and done.updated_by.partner_organisation == done.partner
            assert housing_case.tasks.filter(status=TaskStatus.OPEN).exists()
            referral = council_case.actions.get(kind=ActionKind.REFERRAL)
            assert referral.owner is None and referral.owner_partner == council_case.shares.get().partner
            assert unshared.actions.filter(kind=ActionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT, status="planned").exists()
            assert unshared.review_on == today()  # a risk review due, for the home page

    def test_nothing_is_dated_in_the_future_and_every_write_is_audited(self, seeded_cases: CaseSeedReport) -> None:
        for case in AsbCase.objects.all():
            assert all(a.completed_on is None or a.completed_on <= today() for a in case.actions.all())
            assert all(t.completed_on is None or t.completed_on <= today() for t in case.tasks.all())
            assert all(c.held_on <= today() for c in case.conferences.all())
            if not case.is_open:
                assert not case.actions.filter(status=ActionStatus.PLANNED).exists()
        events = Counter(AuditEvent.objects.values_list("event_type", flat=True))
        assert events[EventType.ASB_CASE_OPENED] == AsbCase.objects.count()
        assert events[EventType.ASB_CASE_CLOSED] == AsbCase.objects.filter(status=CaseStatus.CLOSED).count()
        assert events[EventType.SHARING_AGREEMENT_CREATED] == SharingAgreement.objects.count()
        assert events[EventType.ASB_CASE_SHARED] == CaseShare.objects.count()

    def test_a_second_run_is_refused(self, seeded_cases: CaseSeedReport) -> None:
        with pytest.raises(ValueError, match="already have ASB cases"):
            seed_cases(seed=SEED)


class PartnerTests:
    def test_each_partner_login_sees_exactly_the_case_shared_with_its_organisation(
        self, seeded_cases: CaseSeedReport
    ) -> None:
        for login in PARTNER_LOGINS:
            user = Person.objects.get(username=login.username)
            assert user.check_password(DEMO_PASSWORD)
            visible = list(selectors.cases_visible_to(user))
            shared = AsbCase.objects.filter(
                shares__partner=user.partner_organisation, shares__withdrawn_at__isnull=True
            ).distinct()
            assert len(visible) == 1, login.username
            assert set(visible) == set(shared)
            assert visible[0].force.slug == login.force_slug

    def test_the_council_cannot_see_the_housing_case_nor_the_association_the_councils(
        self, seeded_cases: CaseSeedReport
    ) -> None:
        council, housing = Person.objects.get(username="partner"), Person.objects.get(username="housing")
        open_cases = [c for c in cases_of("cambridgeshire") if c.is_open]
        housing_case = only(open_cases, PartnerOrganisation.Kind.HOUSING_ASSOCIATION)
        council_case = only(open_cases, PartnerOrganisation.Kind.COUNCIL)
        assert housing_case not in selectors.cases_visible_to(council)
        assert council_case not in selectors.cases_visible_to(housing)
        unshared = [c for c in open_cases if not shared_with(c)]
        assert not set(unshared) & set(selectors.cases_visible_to(council))

    def test_each_sees_only_the_data_its_agreement_allows(self, seeded_cases: CaseSeedReport) -> None:
        council, housing = Person.objects.get(username="partner"), Person.objects.get(username="housing")
        council_view = selectors.case_view(council, selectors.cases_visible_to(council).get())
        assert council_view.actions and council_view.conferences and council_view.parties
        assert not council_view.allows(DataCategory.CONTACT) and not council_view.allows(DataCategory.RISK)
        assert not council_view.risk_assessments and not council_view.incidents and not council_view.shares
        housing_view = selectors.case_view(housing, selectors.cases_visible_to(housing).get())
        assert housing_view.allows(DataCategory.CONTACT) and housing_view.parties and housing_view.tasks
        assert not housing_view.actions and not housing_view.conferences and not housing_view.risk_assessments

    def test_the_council_has_an_open_task_on_its_home_page(self, seeded_cases: CaseSeedReport) -> None:
        for login in PARTNER_LOGINS:
            tasks = list(selectors.open_tasks_for_partner(Person.objects.get(username=login.username)))
            assert len(tasks) == 1, login.username


def test_a_world_without_the_housing_association_gets_it_and_its_demo_login(world: World) -> None:
    """The persona world's Cambridgeshire has a council but no housing association."""
    assert not world.force_a.partners.filter(kind=PartnerOrganisation.Kind.HOUSING_ASSOCIATION).exists()
    partner, user = partner_with_user(world.force_a, PartnerOrganisation.Kind.HOUSING_ASSOCIATION)
    assert partner.name == "Fen Edge Housing Association"
    assert user.username == "housing" and user.partner_organisation == partner and user.check_password(DEMO_PASSWORD)
    assert user.postings.filter(role=Role.PARTNER).exists()
    assert partner_with_user(world.force_a, PartnerOrganisation.Kind.HOUSING_ASSOCIATION) == (partner, user)
    # The council and its user were there already: found, not created again.
    council, gus = partner_with_user(world.force_a, PartnerOrganisation.Kind.COUNCIL)
    assert gus == world.gus and council == world.gus.partner_organisation


def test_no_cases_and_no_incidents_leave_the_cases_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed_demo, "seed_incidents", FakeIncidents())
    out = StringIO()
    call_command("seed_demo", "--no-cases", stdout=out)
    assert Force.objects.count() == 3
    assert not SharingAgreement.objects.exists()
    assert "ASB cases" not in out.getvalue()
