"""The public pages (no login): what they show, that they show nothing private (an explicit test
of every private thing the models hold), that a signed-in member of staff sees exactly what the
public sees, their cache headers, the public "not found" page, and query counts that do not grow
with the number of events, priorities or people."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beatbook.community.models import (
    EngagementEvent,
    EventKind,
    EventStatus,
    Priority,
    PriorityAction,
    PriorityStatus,
)
from beatbook.community.services import publication as services
from beatbook.core.testing import World, make_person
from beatbook.core.timeutil import today
from beatbook.org.models import Neighbourhood, Person, Role

pytestmark = pytest.mark.django_db

_refs = itertools.count(1)


def event(world: World, nb: Neighbourhood, title: str, *, days: int = 3, **fields: Any) -> EngagementEvent:
    start = fields.pop("starts_at", timezone.now() + dt.timedelta(days=days))
    values: dict[str, Any] = {
        "reference": f"TEST-EVT-{next(_refs):06d}",
        "force_id": nb.force_id,
        "neighbourhood": nb,
        "kind": EventKind.BEAT_SURGERY,
        "title": title,
        "address": f"Address of {title}",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "is_public": True,
        "created_by": world.alice,
        "updated_by": world.alice,
    }
    return EngagementEvent.objects.create(**(values | fields))


def priority(world: World, nb: Neighbourhood, issue: str, **fields: Any) -> Priority:
    values: dict[str, Any] = {
        "reference": f"TEST-PRI-{next(_refs):06d}",
        "force_id": nb.force_id,
        "neighbourhood": nb,
        "issue": issue,
        "set_on": today() - dt.timedelta(days=30),
        "review_on": today() + dt.timedelta(days=30),
        "last_update_on": today() - dt.timedelta(days=30),
        "owner": world.alice,
        "is_published": True,
        "created_by": world.alice,
        "updated_by": world.alice,
    }
    return Priority.objects.create(**(values | fields))


def action(world: World, on: Priority, text: str, *, is_public: bool = True, days_ago: int = 10) -> PriorityAction:
    return PriorityAction.objects.create(
        priority=on,
        taken_on=today() - dt.timedelta(days=days_ago),
        text=text,
        is_public=is_public,
        created_by=world.bob,
    )


def publish(world: World, nb: Neighbourhood, *, published: bool = True, **overrides: Any) -> None:
    actor = world.erin if nb.force_id == world.force_a.pk else world.ivy
    services.neighbourhood_page_update(
        actor=actor,
        neighbourhood=nb,
        data=services.PageData(
            is_published=published,
            welcome_message=overrides.get("welcome", f"Welcome to {nb.name}"),
            contact_details={"email": f"{nb.code.lower()}.npt@example.police.uk", "telephone": "101"},
            links=[services.PageLink(url="https://www.cambridge.gov.uk/", title="City council")],
            locations=[services.PageLocation(name="Parkside Police Station", postcode="CB1 1JG", type="station")],
        ),
    )


def profile(world: World, person: Person, name: str, rank: str, **fields: Any) -> None:
    services.public_profile_update(
        actor=world.erin if person.force_id == world.force_a.pk else world.ivy,
        person=person,
        data=services.ProfileData(public_name=name, rank=rank, **({"is_published": True} | fields)),
    )


def a1_url(world: World) -> str:
    return f"/public/{world.force_a.slug}/{world.a1.code}/"


def without_nonces(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


class PublicPagesTests:
    def test_the_forces_and_a_force_page(self, world: World) -> None:
        publish(world, world.a1)
        publish(world, world.a2, published=False)
        services.community_settings_update(
            actor=world.erin,
            force=world.force_a,
            priority_review_days=90,
            engagement_methods=[
                services.EngagementChannel(type="facebook", title="Facebook", url="https://facebook.example/cambs")
            ],
        )
        chief = make_person(world.system, world.force_a, "chief", Role.FORCE_ADMIN)
        profile(world, chief, "Jane Example", "Chief Constable", is_senior=True, bio="Joined in 1998")
        profile(world, world.bob, "Sgt Bob Example", "Sgt", is_senior=True, is_published=False)
        listing = Client().get("/public/")
        assert listing.status_code == 200 and listing["Cache-Control"] == "public, max-age=300"
        body = listing.content.decode()
        assert 'href="/public/cambridgeshire/"' in body and 'href="/public/derbyshire/"' in body
        page = Client().get("/public/cambridgeshire/").content.decode()
        assert "Jane Example" in page and "Chief Constable" in page and "Joined in 1998" in page
        assert "Sgt Bob Example" not in page  # unpublished, even though senior
        assert "https://facebook.example/cambs" in page and 'href="tel:101"' in page
        assert world.a1.name in page and world.a2.name not in page
        assert Client().get("/public/nowhere/").status_code == 404

    def test_the_neighbourhood_page(self, world: World) -> None:
        publish(world, world.a1)
        profile(world, world.alice, "PCSO Alice Example", "PCSO", bio="On the beat since 2019")
        profile(world, world.bob, "Sgt Robert Example", "Sgt", contact_details={"email": "sgt@example.police.uk"})
        when = dt.datetime(2040, 7, 1, 17, 0, tzinfo=dt.UTC)  # 6pm in London (summer time)
        event(world, world.a1, "Beat surgery at the market", starts_at=when, description="Come and talk to us")
        issue = priority(world, world.a1, "Cycling on the footway in Market Street")
        action(world, issue, "Joint patrols with the council on market days")
        response = Client().get(a1_url(world))
        assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
        page = response.content.decode()
        for shown in (
            world.a1.name,
            "Welcome to City Centre",
            "PCSO Alice Example",
            "On the beat since 2019",
            "Sgt Robert Example",
            "mailto:sgt@example.police.uk",
            "cc01.npt@example.police.uk",
            "Parkside Police Station",
            "City council",
            "Cycling on the footway in Market Street",
            "Joint patrols with the council on market days",
            "Beat surgery at the market",
            "Come and talk to us",
            "Address of Beat surgery at the market",
            "Street or beat surgery",
            "Sunday 1 July 2040, 18:00",
            "You said",
            "We did",
        ):
            assert shown in page, shown
        assert "Charlie" not in page  # posted to A2 only
        assert 'data-map data-geojson="boundary-data"' in page and 'id="boundary-data"' in page
        assert "The map shows the boundary of City Centre" in page  # the map's text alternative

    def test_the_page_is_accessible_in_structure(self, world: World) -> None:
        publish(world, world.a1)
        for url in ("/public/", "/public/cambridgeshire/", a1_url(world), "/public/cambridgeshire/XX99/"):
            page = Client().get(url).content.decode()
            assert page.count("<h1") == 1, url
            assert '<html lang="en-gb"' in page and 'href="#main-content"' in page and 'id="main-content"' in page
            assert 'role="banner"' in page and 'role="contentinfo"' in page and 'role="main"' in page
            levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
            assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (url, levels)
            assert 'name="viewport"' in page

    def test_unknown_and_unpublished_are_the_public_not_found_page(self, world: World) -> None:
        publish(world, world.a2, published=False)
        publish(world, world.b1)
        for url in (
            "/public/cambridgeshire/XX99/",
            f"/public/cambridgeshire/{world.a2.code}/",  # unpublished
            f"/public/cambridgeshire/{world.a1.code}/",  # no page at all
            f"/public/cambridgeshire/{world.b1.code}/",  # another force's neighbourhood
            "/public/nowhere/",
            "/public/cambridgeshire/CC01/extra/",
        ):
            response = Client().get(url)
            assert response.status_code == 404, url
            assert "There is no public page at this address" in response.content.decode()
        assert Client().get(f"/public/derbyshire/{world.b1.code}/").status_code == 200

    def test_an_inactive_neighbourhood_has_no_public_page(self, world: World) -> None:
        publish(world, world.a1)
        Neighbourhood.objects.filter(pk=world.a1.pk).update(is_active=False)
        assert Client().get(a1_url(world)).status_code == 404

    def test_only_get_and_head(self, world: World) -> None:
        publish(world, world.a1)
        assert Client().head(a1_url(world)).status_code == 200
        for url in ("/public/", "/public/cambridgeshire/", a1_url(world)):
            assert Client().post(url).status_code == 405

    def test_nothing_private_leaks(self, world: World) -> None:
        """Everything private in the models stays off the public page, while the public twin of
        each appears."""
        publish(world, world.a1)
        publish(world, world.a2, published=False)
        # Public things (they must appear).
        event(world, world.a1, "OPEN-EVENT-TITLE", description="OPEN-EVENT-DESCRIPTION")
        shown = priority(world, world.a1, "PUBLIC-PRIORITY-ISSUE")
        action(world, shown, "PUBLIC-ACTION-TEXT")
        profile(world, world.alice, "PUBLIC-NAME-OF-ALICE", "PCSO")
        # Private things (none may appear).
        event(world, world.a1, "PRIVATE-EVENT-TITLE", is_public=False, description="PRIVATE-EVENT-DESCRIPTION")
        event(
            world,
            world.a1,
            "CANCELLED-EVENT-TITLE",
            status=EventStatus.CANCELLED,
            cancelled_reason="CANCELLED-REASON-TEXT",
        )
        event(world, world.a2, "UNPUBLISHED-AREA-EVENT-TITLE")
        event(world, world.a1, "PAST-EVENT-TITLE", days=-5)
        recorded = event(
            world,
            world.a1,
            "RECORDED-EVENT-TITLE",
            days=1,
            notes="INTERNAL-NOTES-TEXT",
            issues_raised="ISSUE-RAISED-TEXT",
            follow_ups="FOLLOW-UP-TEXT",
        )
        recorded.officers.add(world.bob)
        priority(world, world.a1, "UNPUBLISHED-PRIORITY-ISSUE", is_published=False)
        priority(
            world,
            world.a1,
            "WITHDRAWN-PRIORITY-ISSUE",
            status=PriorityStatus.WITHDRAWN,
            status_reason="WITHDRAWN-REASON-TEXT",
        )
        priority(world, world.a2, "UNPUBLISHED-AREA-PRIORITY-ISSUE")
        action(world, shown, "INTERNAL-ACTION-TEXT", is_public=False)
        # Bob (the team's sergeant) is posted there too, with an unpublished profile; Charlie is
        # posted to A2 with a published one; Dee is a force-wide analyst with a published one.
        profile(world, world.bob, "UNPUBLISHED-PROFILE-NAME", "Sgt", is_published=False)
        profile(world, world.charlie, "CHARLIE-PUBLIC-NAME", "PCSO")
        profile(world, world.dee, "DEE-PUBLIC-NAME", "Analyst")
        world.bob.display_name = "Robert Secretname"
        world.bob.save(update_fields=["display_name"])

        html = Client().get(a1_url(world)).content.decode()
        page = re.sub(r'<script id="boundary-data".*?</script>', "", html, flags=re.S)  # coordinates only
        for public_text in (
            "OPEN-EVENT-TITLE",
            "OPEN-EVENT-DESCRIPTION",
            "RECORDED-EVENT-TITLE",
            "PUBLIC-PRIORITY-ISSUE",
            "PUBLIC-ACTION-TEXT",
            "PUBLIC-NAME-OF-ALICE",
        ):
            assert public_text in page, public_text
        for private in (
            "PRIVATE-EVENT",
            "CANCELLED-EVENT-TITLE",
            "CANCELLED-REASON-TEXT",
            "UNPUBLISHED-AREA-EVENT-TITLE",
            "PAST-EVENT-TITLE",
            "INTERNAL-NOTES-TEXT",
            "ISSUE-RAISED-TEXT",
            "FOLLOW-UP-TEXT",
            "UNPUBLISHED-PRIORITY-ISSUE",
            "WITHDRAWN-PRIORITY-ISSUE",
            "WITHDRAWN-REASON-TEXT",
            "UNPUBLISHED-AREA-PRIORITY-ISSUE",
            "INTERNAL-ACTION-TEXT",
            "UNPUBLISHED-PROFILE-NAME",
            "CHARLIE-PUBLIC-NAME",
            "DEE-PUBLIC-NAME",
            "Robert Secretname",
            world.bob.username,
            world.alice.display_name,
            world.alice.username,
            world.alice.collar_number,
            world.bob.collar_number,
            "TEST-EVT-",
            "TEST-PRI-",
        ):
            assert private not in page, private
        # A2's page is not published: none of it is public, whatever it holds.
        assert Client().get(f"/public/cambridgeshire/{world.a2.code}/").status_code == 404

    def test_a_signed_in_member_of_staff_sees_the_public_page(self, world: World) -> None:
        publish(world, world.a1)
        profile(world, world.alice, "PCSO Alice Example", "PCSO")
        for url in ("/public/", "/public/cambridgeshire/", a1_url(world), "/public/cambridgeshire/XX99/"):
            anonymous = Client().get(url)
            for person in (world.erin, world.alice):
                signed_in = world.client_for(person).get(url)
                assert signed_in.status_code == anonymous.status_code
                html = signed_in.content.decode()
                assert without_nonces(html) == without_nonces(anonymous.content.decode()), url
                for staff in ("Log out", "Main menu", 'data-testid="who"', "bb-nav", "csrfmiddlewaretoken"):
                    assert staff not in html, (url, staff)
                for word in (person.display_name, person.username, person.collar_number):
                    if word:
                        assert not re.search(rf"\b{word}\b", html.replace("PCSO Alice Example", "")), (url, word)
                assert signed_in["Cache-Control"] == "public, max-age=300"
                assert "Cookie" not in signed_in.get("Vary", "") and not signed_in.cookies

    def test_the_queries_do_not_grow_with_the_page(self, world: World, django_assert_max_num_queries: Any) -> None:
        publish(world, world.a1)
        profile(world, world.alice, "PCSO Alice", "PCSO")
        issue = priority(world, world.a1, "Issue 0")
        action(world, issue, "Action 0")
        event(world, world.a1, "Event 0")
        client = Client()
        client.get(a1_url(world))
        with django_assert_max_num_queries(6) as one:
            client.get(a1_url(world))
        for n in range(1, 6):
            issue = priority(world, world.a1, f"Issue {n}")
            action(world, issue, f"Action {n}")
            action(world, issue, f"Another action {n}", days_ago=2)
            event(world, world.a1, f"Event {n}", days=n + 3)
            person = make_person(world.system, world.force_a, f"pcso{n}", Role.PCSO, neighbourhood=world.a1)
            profile(world, person, f"PCSO Number {n}", "PCSO")
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = client.get(a1_url(world)).content.decode()
        assert page.count('data-testid="priority"') == 6 and "PCSO Number 5" in page and "Event 5" in page
        signed_in = world.client_for(world.erin)
        with django_assert_max_num_queries(len(one.captured_queries)):
            signed_in.get(a1_url(world))
        with django_assert_max_num_queries(3):
            client.get("/public/cambridgeshire/")
        with django_assert_max_num_queries(1):
            client.get("/public/")
