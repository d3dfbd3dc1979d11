"""The ASB case pages: who reaches them, what they show (to a partner user: only what the
agreement allows), what they store, and what they refuse."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.cases import services
from beatbook.cases.models import AsbCase, CaseAction, CaseConference, CaseParty, PartnerTask, SharingAgreement
from beatbook.cases.reference import DataCategory
from beatbook.cases.tests.factories import action_data, agreement, asb_incident, housing, open_case, share
from beatbook.core.testing import World
from beatbook.core.timeutil import today
from beatbook.incidents.models import Incident

A2_SPOT = (52.185, 0.17)


def events(event: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event).count()


def changes() -> int:
    """Audit events other than reads: what a refused request must not add to."""
    return AuditEvent.objects.exclude(event_type=EventType.ASB_CASE_VIEWED).count()


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def case_form(ticked: list[Incident], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "incidents": [i.pk for i in ticked],
        "title": "Youths gathering at the precinct",
        "summary": "Groups of youths shouting and throwing stones at shop windows in the evening.",
        "risk_level": "medium",
        "risk_notes": "Shopkeepers feel intimidated; no injuries so far.",
        "review_on": day(28),
        "copy_people": "on",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def task(world: World, case: AsbCase) -> PartnerTask:
    return services.case_add_task(
        actor=world.alice, case=case, partner_id=world.council.pk, description="Visit the tenant.", due_on=today()
    )


def write_posts(case: AsbCase) -> dict[str, dict[str, Any]]:
    """A valid submission for every write on the case page (the ones on parts that exist: one
    planned action and one open task are made by `with_parts`)."""
    action = case.actions.get()
    open_task = case.tasks.get()
    party = case.parties.order_by("id").first()
    assert party is not None
    base = f"/cases/{case.pk}"
    return {
        f"{base}/edit/": {
            "title": "New title",
            "summary": "New summary.",
            "lead": case.lead_id,
            "version": case.version,
        },
        f"{base}/parties/": {"party-role": "other", "party-name": "Pat Neighbour"},
        f"{base}/parties/{party.pk}/edit/": {"role": "victim", "name": "Mary Jones-Smith"},
        f"{base}/risk/": {
            "risk-level": "high",
            "risk-notes": "Escalating.",
            "risk-review_on": day(7),
            "risk-version": case.version,
        },
        f"{base}/actions/": {"action-kind": "warning_letter", "action-owner": case.lead_id, "action-due_on": day(14)},
        f"{base}/actions/{action.pk}/finish/": {
            f"action-{action.pk}-status": "done",
            f"action-{action.pk}-result": "Sent.",
        },
        f"{base}/tasks/": {"task-partner": open_task.partner_id, "task-description": "Letter.", "task-due_on": day(7)},
        f"{base}/tasks/{open_task.pk}/finish/": {
            f"task-{open_task.pk}-status": "done",
            f"task-{open_task.pk}-result": "Visited.",
        },
        f"{base}/conferences/": {
            "conference-held_on": day(),
            "conference-decisions": "Warn.",
            "conference-other_attendees": "Housing officer",
        },
        f"{base}/close/": {"close-reason": "resolved", "close-version": case.version},
        f"{base}/incidents/": {"link-references": "CAMBS-INC-2099-000001"},
    }


def with_parts(world: World, case: AsbCase) -> AsbCase:
    services.case_add_action(actor=world.alice, case=case, data=action_data(world))
    task(world, case)
    case.refresh_from_db()
    return case


# ---- access ------------------------------------------------------------------------------------


class TestAccess:
    @pytest.mark.parametrize(
        "url",
        ["/cases/", "/cases/new/", "/cases/export.csv", "/cases/1/", "/cases/agreements/", "/cases/agreements/new/"],
    )
    def test_anonymous_is_sent_to_log_in(self, world: World, url: str) -> None:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_anonymous_posts_are_sent_to_log_in_and_store_nothing(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        before = changes()
        for url, data in write_posts(case).items():
            response = Client().post(url, data)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/")
        assert changes() == before

    def test_outsiders_get_404_for_the_case_and_every_write(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        before = changes()
        for persona in (world.hal, world.charlie, world.gus):
            client = world.client_for(persona)
            assert client.get(f"/cases/{case.pk}/").status_code == 404
            for url, data in write_posts(case).items():
                assert client.post(url, data).status_code == 404, (persona, url)
        assert changes() == before
        assert events(EventType.ASB_CASE_VIEWED) == 0

    def test_read_only_people_see_the_case_but_get_403_on_every_write(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        before = changes()
        client = world.client_for(world.dee)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "Mary Jones" in page
        assert 'action="/cases/' not in page  # no forms
        for url, data in write_posts(case).items():
            assert client.post(url, data).status_code == 403, url
        assert client.get("/cases/new/").status_code == 403
        assert client.get(f"/cases/{case.pk}/edit/").status_code == 403
        assert client.get("/cases/export.csv").status_code == 403
        assert client.get("/cases/agreements/new/").status_code == 403
        case.refresh_from_db()
        assert (case.title, case.status) == ("Noise and threats at Mill Road flats", "open")
        assert changes() == before

    def test_wrong_methods_are_405(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        isa = agreement(world)
        share(world, case, isa)
        client = world.client_for(world.bob)
        shared = case.shares.get()
        post_only = [u for u in write_posts(case) if not u.endswith("/edit/")] + [
            f"/cases/{case.pk}/shares/",
            f"/cases/{case.pk}/shares/{shared.pk}/withdraw/",
            f"/cases/agreements/{isa.pk}/end/",
        ]
        for url in post_only:
            assert client.get(url).status_code == 405, url
        assert client.post("/cases/").status_code == 405
        assert client.post("/cases/export.csv").status_code == 405
        assert client.delete(f"/cases/{case.pk}/").status_code == 405
        assert client.put(f"/cases/{case.pk}/edit/").status_code == 405


# ---- opening a case ------------------------------------------------------------------------------


class TestOpening:
    def test_a_pcso_opens_a_case_from_incidents_with_their_people(self, world: World) -> None:
        first, second = asb_incident(world.alice, 0, days_ago=4), asb_incident(world.alice, 1, days_ago=2)
        response = world.client_for(world.alice).post("/cases/new/", case_form([first, second], lead=world.bob.pk))
        case = AsbCase.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.pk}/"
        assert case.reference.startswith("CAMBS-ASB-")
        assert (case.neighbourhood, case.lead, case.risk_level) == (world.a1, world.bob, "medium")
        assert set(case.incidents.all()) == {first, second}
        assert sorted(p.name for p in case.parties.all()) == ["Kyle Smith", "Mary Jones"]
        assert case.risk_assessments.count() == 1
        opened = AuditEvent.objects.get(event_type=EventType.ASB_CASE_OPENED)
        assert opened.actor == world.alice and opened.request_id

    def test_without_the_tick_no_people_are_copied(self, world: World) -> None:
        incident = asb_incident(world.alice)
        world.client_for(world.alice).post("/cases/new/", case_form([incident], copy_people=None))
        assert not CaseParty.objects.exists()

    def test_older_incidents_are_found_by_reference(self, world: World) -> None:
        old = asb_incident(world.alice, 2, days_ago=200)
        client = world.client_for(world.alice)
        assert old.reference not in client.get("/cases/new/").content.decode()  # not among the recent ones
        data = case_form([], references=f"{old.reference.lower()}, ")
        assert client.post("/cases/new/", data).status_code == 302
        assert list(AsbCase.objects.get().incidents.all()) == [old]

    def test_the_incident_page_offers_to_open_a_case_to_those_who_manage_cases_there(self, world: World) -> None:
        incident = asb_incident(world.alice)
        link = f"/cases/new/?incident={incident.pk}"
        assert link in world.client_for(world.alice).get(f"/incidents/{incident.pk}/").content.decode()
        assert link not in world.client_for(world.dee).get(f"/incidents/{incident.pk}/").content.decode()
        form = world.client_for(world.alice).get(link).content.decode()
        assert f'value="{incident.pk}" checked' in form

    def test_a_double_submission_is_stored_once(self, world: World) -> None:
        data = case_form([asb_incident(world.alice)])
        client = world.client_for(world.alice)
        assert client.post("/cases/new/", data).status_code == 302
        assert client.post("/cases/new/", data).status_code == 302
        assert AsbCase.objects.count() == 1

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"incidents": []}, "at least one incident"),
            ({"incidents": [], "references": "CAMBS-INC-1999-000404"}, "No incident you can see has the reference"),
            ({"incidents": "charlie"}, "One of the incidents was not found"),
            ({"title": ""}, "Give the case a title"),
            ({"risk_level": "extreme"}, "Select a valid choice"),
            ({"risk_notes": ""}, "Say why"),
            ({"review_on": day(-1)}, "The review date is in the past"),
            ({"review_on": "soon"}, "Enter a real date"),
            ({"lead": "gus"}, "Choose a person of the case&#x27;s force to lead it"),
        ],
    )
    def test_bad_input_is_refused_with_a_field_error_and_nothing_stored(
        self, world: World, overrides: dict[str, Any], message: str
    ) -> None:
        mine = asb_incident(world.alice)
        overrides = dict(overrides)
        if overrides.get("incidents") == "charlie":
            overrides["incidents"] = [asb_incident(world.charlie, point=A2_SPOT).pk]
        if overrides.get("lead") == "gus":
            overrides["lead"] = world.gus.pk
        before = AuditEvent.objects.count()
        response = world.client_for(world.alice).post("/cases/new/", case_form([mine], **overrides))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'class="govuk-error-summary"' in response.content.decode()
        assert AsbCase.objects.count() == 0
        assert AuditEvent.objects.count() == before

    def test_only_those_who_manage_cases_may_open_one(self, world: World) -> None:
        incident = asb_incident(world.alice)
        for persona in (world.dee, world.erin, world.gus):
            assert world.client_for(persona).post("/cases/new/", case_form([incident])).status_code == 403
        assert not AsbCase.objects.exists()


# ---- the list and the export ---------------------------------------------------------------------


class TestList:
    def test_the_list_filters(self, world: World) -> None:
        mill = open_case(world)
        high = open_case(
            world,
            actor=world.bob,
            incidents=[asb_incident(world.bob, point=A2_SPOT, people=[])],
            title="Drug dealing in the park",
            risk_level="high",
        )
        client = world.client_for(world.bob)

        def refs(query: str) -> set[str]:
            page = client.get(f"/cases/?{query}").content.decode()
            return {c.reference for c in (mill, high) if c.reference in page}

        assert refs("") == {mill.reference, high.reference}
        assert refs(f"neighbourhood={world.a2.pk}") == {high.reference}
        assert refs("flag=high_risk") == {high.reference}
        assert refs("flag=vulnerable") == {mill.reference}
        assert refs("person=kyle") == {mill.reference}
        assert refs(f"reference={mill.reference}") == {mill.reference}
        assert refs("status=closed") == set()
        assert refs("category=anti-social-behaviour") == {mill.reference, high.reference}
        assert refs(f"date_from={day(1)}") == set()
        assert refs(f"date_to={day()}") == {mill.reference, high.reference}
        assert refs("date_from=rubbish&flag=nonsense") == {mill.reference, high.reference}  # bad filters ignored
        # Alice works in A1 only: she never sees the Cherry Hinton case.
        assert high.reference not in world.client_for(world.alice).get("/cases/").content.decode()

    def test_the_list_costs_the_same_queries_for_one_or_many_cases(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        client = world.client_for(world.bob)
        open_case(world)
        client.get("/cases/")  # warm the session and content types
        with django_assert_max_num_queries(13) as one:
            client.get("/cases/")
        for n in range(6):
            open_case(world, incidents=[asb_incident(world.alice, n + 2, people=[])])
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get("/cases/")
        assert response.status_code == 200
        assert response.content.decode().count('href="/cases/') >= 7

    def test_the_csv_export_is_audited_scoped_and_holds_no_names(self, world: World) -> None:
        mine = open_case(world)
        theirs = open_case(
            world, actor=world.charlie, incidents=[asb_incident(world.charlie, point=A2_SPOT)], title="Other"
        )
        response = world.client_for(world.alice).get("/cases/export.csv")
        body = response.getvalue().decode()
        assert response["Content-Type"].startswith("text/csv")
        assert body.splitlines()[0].startswith("reference,opened,neighbourhood")
        assert mine.reference in body and theirs.reference not in body
        assert "Mary Jones" not in body and "Mill Road" in body  # the title, not the address
        assert "14 Mill Road" not in body
        exported = AuditEvent.objects.get(event_type=EventType.ASB_CASES_EXPORTED)
        assert exported.actor == world.alice
        assert exported.after is not None and exported.after["rows"] == 1

    def test_partner_users_cannot_export(self, world: World) -> None:
        share(world, open_case(world), agreement(world))
        assert world.client_for(world.gus).get("/cases/export.csv").status_code == 403
        assert events(EventType.ASB_CASES_EXPORTED) == 0


# ---- the case page and its forms -----------------------------------------------------------------


class TestCasePage:
    def test_opening_a_case_is_audited(self, world: World) -> None:
        case = open_case(world)
        response = world.client_for(world.bob).get(f"/cases/{case.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "14 Mill Road" in page and "Victim is elderly" in page
        viewed = AuditEvent.objects.get(event_type=EventType.ASB_CASE_VIEWED)
        assert (viewed.actor, viewed.object_id) == (world.bob, str(case.pk))

    def test_the_page_costs_the_same_queries_however_full_the_case(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        case = open_case(world)
        share(world, case, agreement(world))
        client = world.client_for(world.bob)

        def add_one_of_each(n: int) -> None:
            services.case_add_action(actor=world.alice, case=case, data=action_data(world))
            task(world, case)
            services.case_add_party(
                actor=world.alice, case=case, data=services.PartyData(role="other", name=f"Witness {n}")
            )
            services.case_record_conference(
                actor=world.alice,
                case=case,
                held_on=today(),
                decisions="Keep going.",
                attendee_ids=[world.alice.pk, world.bob.pk],
                partner_ids=[world.council.pk],
            )
            services.case_link_incidents(
                actor=world.alice, case=case, incident_ids=[asb_incident(world.alice, 3 + n, people=[]).pk]
            )

        add_one_of_each(0)
        client.get(f"/cases/{case.pk}/")
        with django_assert_max_num_queries(31) as one:
            client.get(f"/cases/{case.pk}/")
        for n in range(1, 5):
            add_one_of_each(n)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(f"/cases/{case.pk}/")
        assert "Witness 4" in response.content.decode()

    def test_a_partners_page_costs_a_fixed_number_of_queries(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        case = open_case(world)
        share(world, case, agreement(world))
        client = world.client_for(world.gus)
        client.get(f"/cases/{case.pk}/")
        with django_assert_max_num_queries(21) as bare:
            client.get(f"/cases/{case.pk}/")
        for _n in range(4):
            task(world, case)
        with django_assert_max_num_queries(len(bare.captured_queries)):
            assert client.get(f"/cases/{case.pk}/").status_code == 200

    def test_editing_keeps_the_version_and_refuses_a_stale_copy(self, world: World) -> None:
        case = open_case(world)
        alice, bob = world.client_for(world.alice), world.client_for(world.bob)
        assert 'name="version" value="1"' in alice.get(f"/cases/{case.pk}/edit/").content.decode()
        data = {"title": "Noise at Mill Road", "summary": "Loud music.", "lead": world.alice.pk, "version": 1}
        assert bob.post(f"/cases/{case.pk}/edit/", data).status_code == 302
        stale = alice.post(f"/cases/{case.pk}/edit/", dict(data, title="Overwrite"))
        assert stale.status_code == 400
        assert "Bob changed this case" in stale.content.decode()
        case.refresh_from_db()
        assert (case.title, case.version) == ("Noise at Mill Road", 2)
        assert events(EventType.ASB_CASE_UPDATED) == 1

    def test_linking_more_incidents(self, world: World) -> None:
        case = open_case(world)
        more = asb_incident(world.alice, 4, people=[])
        client = world.client_for(world.alice)
        assert more.reference in client.get(f"/cases/{case.pk}/").content.decode()  # offered as a tick
        refused = client.post(f"/cases/{case.pk}/incidents/", {"link-references": "CAMBS-INC-1999-000404"})
        assert refused.status_code == 400
        assert "No incident you can see has the reference" in refused.content.decode()
        assert client.post(f"/cases/{case.pk}/incidents/", {"link-incidents": [more.pk]}).status_code == 302
        assert more in case.incidents.all()
        assert events(EventType.ASB_CASE_INCIDENT_LINKED) == 1

    def test_adding_and_changing_a_party(self, world: World) -> None:
        case = open_case(world)
        client = world.client_for(world.alice)
        refused = client.post(f"/cases/{case.pk}/parties/", {"party-role": "victim", "party-name": ""})
        assert refused.status_code == 400
        assert "Give the party&#x27;s name" in refused.content.decode()
        assert case.parties.count() == 2
        data = {
            "party-role": "victim",
            "party-name": "Olive Green",
            "party-address": "22 Coldhams Lane",
            "party-vulnerabilities": ["age", "isolation"],
        }
        assert client.post(f"/cases/{case.pk}/parties/", data).status_code == 302
        olive = case.parties.get(name="Olive Green")
        assert olive.vulnerabilities == ["age", "isolation"]
        assert events(EventType.ASB_CASE_PARTY_ADDED) == 1
        edit_url = f"/cases/{case.pk}/parties/{olive.pk}/edit/"
        assert "22 Coldhams Lane" in client.get(edit_url).content.decode()
        bad = client.post(edit_url, {"role": "victim", "name": "Olive Green", "vulnerabilities": ["other"]})
        assert bad.status_code == 400 and "Say what the other vulnerability is" in bad.content.decode()
        assert client.post(edit_url, {"role": "victim", "name": "Olive Greene"}).status_code == 302
        olive.refresh_from_db()
        assert (olive.name, olive.address, olive.vulnerabilities) == ("Olive Greene", "", [])
        assert events(EventType.ASB_CASE_PARTY_UPDATED) == 1
        other = open_case(world, title="Another")
        assert client.get(f"/cases/{other.pk}/parties/{olive.pk}/edit/").status_code == 404

    def test_assessing_the_risk_again(self, world: World) -> None:
        case = open_case(world)
        client = world.client_for(world.bob)
        data = {"risk-level": "high", "risk-notes": "Threats with a knife.", "risk-review_on": day(7)}
        past = client.post(f"/cases/{case.pk}/risk/", dict(data, **{"risk-review_on": day(-3), "risk-version": 1}))
        assert past.status_code == 400 and "The review date is in the past" in past.content.decode()
        assert client.post(f"/cases/{case.pk}/risk/", dict(data, **{"risk-version": 1})).status_code == 302
        case.refresh_from_db()
        assert (case.risk_level, case.review_on.isoformat(), case.risk_assessments.count()) == ("high", day(7), 2)
        assert events(EventType.ASB_CASE_RISK_ASSESSED) == 1
        page = world.client_for(world.alice).get(f"/cases/{case.pk}/").content.decode()
        assert "Threats with a knife." in page and "Victim is elderly" in page  # the history

    def test_planning_and_finishing_an_action(self, world: World) -> None:
        case = open_case(world)
        client = world.client_for(world.alice)
        two_owners = {
            "action-kind": "cpw",
            "action-owner": world.alice.pk,
            "action-owner_partner": world.council.pk,
            "action-due_on": day(14),
        }
        refused = client.post(f"/cases/{case.pk}/actions/", two_owners)
        assert refused.status_code == 400 and "Give the action one owner" in refused.content.decode()
        # The refused form comes back with its lists and what was chosen.
        assert f'<option value="{world.alice.pk}" selected>Alice</option>' in refused.content.decode()
        assert (
            f'<option value="{world.council.pk}" selected>Cambridge City Council</option>' in refused.content.decode()
        )
        assert not CaseAction.objects.exists()
        assert client.post(f"/cases/{case.pk}/actions/", dict(two_owners, **{"action-owner": ""})).status_code == 302
        action = CaseAction.objects.get()
        assert (action.kind, action.owner_partner) == ("cpw", world.council)
        url = f"/cases/{case.pk}/actions/{action.pk}/finish/"
        no_result = client.post(url, {f"action-{action.pk}-status": "done"})
        assert no_result.status_code == 400 and "Say what came of it" in no_result.content.decode()
        done = client.post(url, {f"action-{action.pk}-status": "done", f"action-{action.pk}-result": "Served."})
        assert done.status_code == 302
        action.refresh_from_db()
        assert (action.status, action.result, action.completed_on) == ("done", "Served.", today())
        assert events(EventType.ASB_CASE_ACTION_ADDED) == 1
        assert events(EventType.ASB_CASE_ACTION_UPDATED) == 1

    def test_partner_tasks_and_conferences(self, world: World) -> None:
        case = open_case(world)
        client = world.client_for(world.alice)
        data = {"task-partner": world.council.pk, "task-description": "Visit the tenant.", "task-due_on": day(7)}
        assert client.post(f"/cases/{case.pk}/tasks/", dict(data, **{"task-description": ""})).status_code == 400
        assert client.post(f"/cases/{case.pk}/tasks/", data).status_code == 302
        added = PartnerTask.objects.get()
        assert events(EventType.ASB_CASE_TASK_ADDED) == 1
        finished = client.post(
            f"/cases/{case.pk}/tasks/{added.pk}/finish/",
            {f"task-{added.pk}-status": "cancelled", f"task-{added.pk}-result": "Tenant moved."},
        )
        assert finished.status_code == 302
        conference = {
            "conference-held_on": day(),
            "conference-attendees": [world.alice.pk, world.bob.pk],
            "conference-partners": [world.council.pk],
            "conference-decisions": "Warning letter, then a CPW.",
        }
        future = client.post(f"/cases/{case.pk}/conferences/", dict(conference, **{"conference-held_on": day(2)}))
        assert future.status_code == 400 and "once it has been held" in future.content.decode()
        assert client.post(f"/cases/{case.pk}/conferences/", conference).status_code == 302
        held = CaseConference.objects.get()
        assert set(held.attendees.all()) == {world.alice, world.bob}
        assert events(EventType.ASB_CASE_CONFERENCE_RECORDED) == 1
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "Warning letter, then a CPW." in page and "Tenant moved." in page

    def test_closing_needs_the_open_work_finished_first(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        client = world.client_for(world.alice)
        data = {"close-reason": "resolved", "close-notes": "Quiet for a month.", "close-version": case.version}
        refused = client.post(f"/cases/{case.pk}/close/", data)
        assert refused.status_code == 400
        assert "Record the result of the open actions (1) and partner tasks (1)" in refused.content.decode()
        services.case_finish_action(actor=world.alice, action=case.actions.get(), status="done", result="Sent.")
        services.task_finish(actor=world.alice, task=case.tasks.get(), status="done", result="Visited.")
        case.refresh_from_db()
        data["close-version"] = case.version
        assert client.post(f"/cases/{case.pk}/close/", data).status_code == 302
        case.refresh_from_db()
        assert (case.status, case.closure_reason) == ("closed", "resolved")
        assert events(EventType.ASB_CASE_CLOSED) == 1

    def test_a_closed_case_shows_no_forms_and_refuses_every_change(self, world: World) -> None:
        case = with_parts(world, open_case(world))
        posts = write_posts(case)
        services.case_finish_action(actor=world.alice, action=case.actions.get(), status="done", result="Sent.")
        services.task_finish(actor=world.alice, task=case.tasks.get(), status="done", result="Visited.")
        services.case_close(actor=world.alice, case=case, reason="resolved")
        case.refresh_from_db()
        unlinked = asb_incident(world.alice, 5, people=[])
        posts[f"/cases/{case.pk}/incidents/"] = {"link-incidents": [unlinked.pk]}
        client = world.client_for(world.alice)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "Closed" in page and 'method="post" action="/cases/' not in page
        assert client.get(f"/cases/{case.pk}/edit/").status_code == 302
        counts = (CaseParty.objects.count(), CaseAction.objects.count(), PartnerTask.objects.count(), case.version)
        before = changes()
        for url, data in posts.items():
            response = client.post(url, {k: case.version if k.endswith("version") else v for k, v in data.items()})
            assert response.status_code == 400, url
            assert "This case is closed" in response.content.decode(), url
        case.refresh_from_db()
        assert (
            CaseParty.objects.count(),
            CaseAction.objects.count(),
            PartnerTask.objects.count(),
            case.version,
        ) == counts
        assert case.title == "Noise and threats at Mill Road flats"
        assert case.case_incidents.count() == 2
        assert changes() == before

    def test_a_partner_user_cannot_change_a_closed_case_either(self, world: World) -> None:
        case = open_case(world)
        done = task(world, case)
        share(world, case, agreement(world))
        services.task_finish(actor=world.alice, task=done, status="done", result="Visited.")
        services.case_close(actor=world.alice, case=case, reason="resolved")
        before = changes()
        response = world.client_for(world.gus).post(
            f"/cases/{case.pk}/tasks/{done.pk}/finish/",
            {f"task-{done.pk}-status": "done", f"task-{done.pk}-result": "Again."},
        )
        assert response.status_code == 400
        assert "This case is closed" in response.content.decode()
        assert changes() == before
        done.refresh_from_db()
        assert done.result == "Visited."

    def test_sharing_and_withdrawing(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        bob, alice = world.client_for(world.bob), world.client_for(world.alice)
        assert isa.title in bob.get(f"/cases/{case.pk}/").content.decode()
        assert alice.post(f"/cases/{case.pk}/shares/", {"share-agreement": isa.pk}).status_code == 403
        assert bob.post(f"/cases/{case.pk}/shares/", {"share-agreement": 999}).status_code == 400
        assert bob.post(f"/cases/{case.pk}/shares/", {"share-agreement": isa.pk}).status_code == 302
        assert events(EventType.ASB_CASE_SHARED) == 1
        assert world.client_for(world.gus).get(f"/cases/{case.pk}/").status_code == 200
        shared = case.shares.get()
        assert alice.post(f"/cases/{case.pk}/shares/{shared.pk}/withdraw/").status_code == 403
        assert bob.post(f"/cases/{case.pk}/shares/{shared.pk}/withdraw/").status_code == 302
        again = bob.post(f"/cases/{case.pk}/shares/{shared.pk}/withdraw/")
        assert again.status_code == 400 and "no longer shared" in again.content.decode()
        assert events(EventType.ASB_CASE_UNSHARED) == 1
        assert world.client_for(world.gus).get(f"/cases/{case.pk}/").status_code == 404


# ---- partner users -------------------------------------------------------------------------------


class TestPartnerView:
    def test_a_partner_user_sees_exactly_the_shared_case(self, world: World) -> None:
        shared = open_case(world)
        other = open_case(world, title="Not for the council", incidents=[asb_incident(world.alice, 6, people=[])])
        share(world, shared, agreement(world))
        client = world.client_for(world.gus)
        listing = client.get("/cases/").content.decode()
        assert shared.reference in listing and other.reference not in listing
        assert "Review by" not in listing and "Open actions" not in listing  # no risk or work columns
        assert "Download as CSV" not in listing and "Open a case" not in listing
        assert client.get(f"/cases/{other.pk}/").status_code == 404
        assert client.get("/cases/?flag=shared").status_code == 200

    def test_only_the_parts_the_agreement_allows_are_in_the_page(self, world: World) -> None:
        case = open_case(world)
        services.case_add_action(actor=world.alice, case=case, data=action_data(world))
        mine = task(world, case)
        theirs = services.case_add_task(
            actor=world.alice, case=case, partner_id=housing(world).pk, description="Repair the door.", due_on=today()
        )
        share(world, case, agreement(world))  # summary, parties and tasks
        page = world.client_for(world.gus).get(f"/cases/{case.pk}/").content.decode()
        assert "You see this case under: Cambridge Community Safety Partnership ISA" in page
        assert "Mary Jones" in page and "Loud music late at night" in page  # parties, summary
        assert "14 Mill Road" not in page  # contact details
        assert "Marked vulnerable on an incident." not in page and "Other (see the note)" not in page
        assert "Victim is elderly" not in page and "Review the risk by" not in page  # risk
        assert "CAMBS-INC-" not in page  # incidents
        assert "Hand-deliver to 3 Mill Road." not in page  # actions
        assert "Visit the tenant." in page and "Repair the door." in page  # tasks (allowed)
        assert "Shared with partners" not in page and "Case lead" not in page
        assert f"/cases/{case.pk}/tasks/{mine.pk}/finish/" in page
        assert f"/cases/{case.pk}/tasks/{theirs.pk}/finish/" not in page  # not their organisation's
        assert "History" not in page

    def test_contact_details_show_under_an_agreement_that_allows_them(self, world: World) -> None:
        case = open_case(world)
        cats = (DataCategory.PARTIES, DataCategory.CONTACT, DataCategory.VULNERABILITY, DataCategory.RISK)
        share(world, case, agreement(world, data_categories=cats))
        page = world.client_for(world.gus).get(f"/cases/{case.pk}/").content.decode()
        assert "14 Mill Road" in page and "Marked vulnerable on an incident." in page
        assert "Victim is elderly" in page
        assert "Loud music late at night" not in page  # no summary this time

    def test_every_partner_view_is_audited_with_what_was_shown(self, world: World) -> None:
        case = open_case(world)
        share(world, case, agreement(world))
        client = world.client_for(world.gus)
        for _n in range(3):
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        viewed = AuditEvent.objects.filter(event_type=EventType.ASB_CASE_VIEWED, actor=world.gus)
        assert viewed.count() == 3
        first = viewed.first()
        assert first is not None and first.after == {
            "partner": "Cambridge City Council",
            "categories": ["parties", "summary", "tasks"],
        }

    def test_a_partner_user_records_their_own_organisations_task_only(self, world: World) -> None:
        case = open_case(world)
        mine = task(world, case)
        theirs = services.case_add_task(
            actor=world.alice, case=case, partner_id=housing(world).pk, description="Repair the door.", due_on=today()
        )
        share(world, case, agreement(world))
        client = world.client_for(world.gus)
        refused = client.post(
            f"/cases/{case.pk}/tasks/{theirs.pk}/finish/",
            {f"task-{theirs.pk}-status": "done", f"task-{theirs.pk}-result": "Done."},
        )
        assert refused.status_code == 403
        empty = client.post(f"/cases/{case.pk}/tasks/{mine.pk}/finish/", {f"task-{mine.pk}-status": "done"})
        assert empty.status_code == 400 and "Say what came of it" in empty.content.decode()
        done = client.post(
            f"/cases/{case.pk}/tasks/{mine.pk}/finish/",
            {f"task-{mine.pk}-status": "done", f"task-{mine.pk}-result": "Visited on Tuesday."},
        )
        assert done.status_code == 302
        mine.refresh_from_db()
        assert (mine.status, mine.updated_by) == ("done", world.gus)
        updated = AuditEvent.objects.get(event_type=EventType.ASB_CASE_TASK_UPDATED)
        assert updated.actor == world.gus
        assert client.post(f"/cases/{case.pk}/risk/", {"risk-level": "low"}).status_code == 403


# ---- the home page ---------------------------------------------------------------------------------


class TestHome:
    def test_reviews_due_show_to_the_team_and_tasks_to_the_partner(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        due = open_case(world, review_on=today())
        later = open_case(world, title="Later", incidents=[asb_incident(world.alice, 7, people=[])])
        alice = world.client_for(world.alice)
        home = alice.get("/").content.decode()
        assert "Risk reviews due" in home and due.reference in home and later.reference not in home
        assert due.reference in world.client_for(world.bob).get("/").content.decode()
        assert "Risk reviews due" not in world.client_for(world.charlie).get("/").content.decode()
        # 17: the home page also lists the priorities due for review and the person's training
        # to renew (one query each).
        with django_assert_max_num_queries(17) as one:
            alice.get("/")
        for n in range(4):
            open_case(world, review_on=today(), incidents=[asb_incident(world.alice, 8 + n, people=[])])
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert alice.get("/").content.decode().count("review by") == 5

    def test_a_partner_user_sees_their_organisations_open_tasks(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        case = open_case(world)
        gus = world.client_for(world.gus)
        task(world, case)
        assert "Visit the tenant." not in gus.get("/").content.decode()  # not shared yet
        share(world, case, agreement(world))
        home = gus.get("/").content.decode()
        assert "Your organisation's open tasks" in home and "Visit the tenant." in home
        # 15: with the person's training to renew (one query).
        with django_assert_max_num_queries(15) as one:
            gus.get("/")
        for _n in range(3):
            task(world, case)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert gus.get("/").content.decode().count("Visit the tenant.") == 4


# ---- information-sharing agreements --------------------------------------------------------------


def agreement_form(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "partner": world.council.pk,
        "title": "City ASB ISA",
        "purpose": "Joint ASB case work.",
        "data_categories": ["summary", "parties"],
        "starts_on": day(),
        "ends_on": day(365),
    }
    data.update(overrides)
    return data


class TestAgreements:
    def test_a_force_admin_records_one(self, world: World) -> None:
        client = world.client_for(world.erin)
        assert client.get("/cases/agreements/new/").status_code == 200
        bad = client.post("/cases/agreements/new/", agreement_form(world, data_categories=[]))
        assert bad.status_code == 400 and "Choose what data the partner may see" in bad.content.decode()
        longer = client.post("/cases/agreements/new/", agreement_form(world, ends_on=day(3000)))
        assert longer.status_code == 400 and "at most five years" in longer.content.decode()
        assert not SharingAgreement.objects.exists()
        response = client.post("/cases/agreements/new/", agreement_form(world))
        isa = SharingAgreement.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/cases/agreements/{isa.pk}/"
        assert (isa.partner, isa.data_categories) == (world.council, ["parties", "summary"])
        assert events(EventType.SHARING_AGREEMENT_CREATED) == 1

    def test_a_force_admin_changes_and_ends_one(self, world: World) -> None:
        isa = agreement(world)
        client = world.client_for(world.erin)
        data = agreement_form(world, title="Renamed ISA", starts_on=isa.starts_on.isoformat())
        del data["partner"]
        assert client.post(f"/cases/agreements/{isa.pk}/", dict(data, title="")).status_code == 400
        assert client.post(f"/cases/agreements/{isa.pk}/", data).status_code == 302
        isa.refresh_from_db()
        assert isa.title == "Renamed ISA"
        too_early = (isa.starts_on - dt.timedelta(days=5)).isoformat()
        refused = client.post(f"/cases/agreements/{isa.pk}/end/", {"ended_early_on": too_early})
        assert refused.status_code == 400 and "cannot end before it starts" in refused.content.decode()
        assert client.post(f"/cases/agreements/{isa.pk}/end/", {"ended_early_on": day()}).status_code == 302
        isa.refresh_from_db()
        assert (isa.ended_early_on, isa.title) == (today(), "Renamed ISA")
        assert events(EventType.SHARING_AGREEMENT_UPDATED) == 2

    def test_ending_an_agreement_takes_the_cases_away_from_the_partner(self, world: World) -> None:
        case = open_case(world)
        isa = agreement(world)
        share(world, case, isa)
        yesterday = (today() - dt.timedelta(days=1)).isoformat()
        ended = world.client_for(world.erin).post(f"/cases/agreements/{isa.pk}/end/", {"ended_early_on": yesterday})
        assert ended.status_code == 302
        assert world.client_for(world.gus).get(f"/cases/{case.pk}/").status_code == 404

    def test_others_only_read_and_partners_only_their_own(self, world: World) -> None:
        isa = agreement(world)
        other = agreement(world, partner_id=housing(world).pk, title="Housing ISA")
        alice, gus = world.client_for(world.alice), world.client_for(world.gus)
        assert alice.get("/cases/agreements/new/").status_code == 403
        assert alice.post("/cases/agreements/new/", agreement_form(world)).status_code == 403
        assert "Change the agreement" not in alice.get(f"/cases/agreements/{isa.pk}/").content.decode()
        assert alice.post(f"/cases/agreements/{isa.pk}/", agreement_form(world)).status_code == 403
        assert alice.post(f"/cases/agreements/{isa.pk}/end/", {"ended_early_on": day()}).status_code == 403
        listing = gus.get("/cases/agreements/").content.decode()
        assert isa.title in listing and other.title not in listing
        assert gus.get(f"/cases/agreements/{isa.pk}/").status_code == 200
        assert gus.get(f"/cases/agreements/{other.pk}/").status_code == 404
        assert gus.post(f"/cases/agreements/{isa.pk}/", agreement_form(world)).status_code == 403
        assert world.client_for(world.hal).get(f"/cases/agreements/{isa.pk}/").status_code == 404
        assert (
            "Change the agreement" in world.client_for(world.erin).get(f"/cases/agreements/{isa.pk}/").content.decode()
        )
        assert events(EventType.SHARING_AGREEMENT_UPDATED) == 0
