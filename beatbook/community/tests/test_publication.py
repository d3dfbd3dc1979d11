"""What a force publishes: the services (who may, what they refuse, what the audit trail keeps)
and the staff publishing pages (who reaches them, what they store and refuse, and the pinned
query count of the overview)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import CommunitySettings, NeighbourhoodPage, PublicProfile
from beatbook.community.services import publication as services
from beatbook.core.testing import World, make_person
from beatbook.demo import seeding
from beatbook.demo.community_publication import seed_publication
from beatbook.org.models import Person, Role

pytestmark = pytest.mark.django_db

CHANNEL = services.EngagementChannel(
    type="facebook", title="Cambs Police on Facebook", url="https://www.facebook.com/example", description="News"
)


def page_data(**overrides: Any) -> services.PageData:
    values: dict[str, Any] = {
        "is_published": True,
        "url_force": "https://www.cambs.police.uk/city-centre",
        "welcome_message": "Welcome to the City Centre team",
        "contact_details": {"email": "cc01.npt@example.police.uk", "telephone": "101"},
        "links": [services.PageLink(url="https://www.cambridge.gov.uk/", title="City council")],
        "locations": [
            services.PageLocation(
                name="Parkside Police Station",
                address="Parkside, Cambridge",
                postcode="cb1 1jg",
                type="Station",
                latitude=52.2033,
                longitude=0.1313,
            )
        ],
    }
    return services.PageData(**(values | overrides))


def profile_data(**overrides: Any) -> services.ProfileData:
    values: dict[str, Any] = {
        "is_published": True,
        "public_name": "PCSO Alice Example",
        "rank": "PCSO",
        "bio": "Born and bred in Cambridge",
        "contact_details": {"twitter": "https://x.com/example"},
    }
    return services.ProfileData(**(values | overrides))


def payload(value: Any) -> dict[str, Any]:
    """An audit event's before/after (a JSON object)."""
    assert isinstance(value, dict)
    return value


def audit_text(event_type: EventType) -> str:
    return " ".join(f"{e.before} {e.after}" for e in AuditEvent.objects.filter(event_type=event_type))


class CommunitySettingsUpdateTests:
    def test_it_creates_then_updates_the_settings_and_audits_without_text(self, world: World) -> None:
        settings = services.community_settings_update(
            actor=world.erin, force=world.force_a, priority_review_days=60, engagement_methods=[CHANNEL]
        )
        assert settings.priority_review_days == 60
        assert settings.engagement_methods == [
            {"type": "facebook", "title": "Cambs Police on Facebook", "url": "https://www.facebook.com/example",
             "description": "News"}
        ]  # fmt: skip
        services.community_settings_update(
            actor=world.erin, force=world.force_a, priority_review_days=60, engagement_methods=[]
        )
        events = list(AuditEvent.objects.filter(event_type=EventType.COMMUNITY_SETTINGS_UPDATED).order_by("id"))
        assert len(events) == 2 and CommunitySettings.objects.count() == 1
        first, second = payload(events[0].after), payload(events[1].after)
        assert first["created"] is True and first["channel_types"] == ["facebook"]
        assert second["changed"] == ["engagement_methods"] and second["engagement_methods"] == 0
        assert "Cambs Police" not in audit_text(EventType.COMMUNITY_SETTINGS_UPDATED)
        assert "facebook.com" not in audit_text(EventType.COMMUNITY_SETTINGS_UPDATED)

    @pytest.mark.parametrize(
        ("days", "channel", "field"),
        [
            (6, CHANNEL, "priority_review_days"),
            (366, CHANNEL, "priority_review_days"),
            (90, services.EngagementChannel(type="x", title="X", url="javascript:alert(1)"), "engagement_methods"),
            (90, services.EngagementChannel(type="x", title="", url="https://x.com/a"), "engagement_methods"),
            (
                90,
                services.EngagementChannel(type="Not a type!", title="X", url="https://x.com/a"),
                "engagement_methods",
            ),
        ],
    )
    def test_it_refuses_bad_input(
        self, world: World, days: int, channel: services.EngagementChannel, field: str
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            services.community_settings_update(
                actor=world.erin, force=world.force_a, priority_review_days=days, engagement_methods=[channel]
            )
        assert field in refused.value.message_dict
        assert not CommunitySettings.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.COMMUNITY_SETTINGS_UPDATED).exists()

    def test_it_refuses_more_than_twenty_channels(self, world: World) -> None:
        with pytest.raises(ValidationError) as refused:
            services.community_settings_update(
                actor=world.erin, force=world.force_a, priority_review_days=90, engagement_methods=[CHANNEL] * 21
            )
        assert "engagement_methods" in refused.value.message_dict

    def test_only_the_force_administrator_may(self, world: World) -> None:
        for who in (world.alice, world.bob, world.dee, world.fay, world.ivy):
            with pytest.raises(PermissionDenied):
                services.community_settings_update(
                    actor=who, force=world.force_a, priority_review_days=90, engagement_methods=[]
                )
        assert not CommunitySettings.objects.exists()


class NeighbourhoodPageUpdateTests:
    def test_it_creates_and_replaces_the_page(self, world: World) -> None:
        page = services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a1, data=page_data())
        assert page.is_published and page.force_id == world.force_a.pk
        assert page.contact_details == {"email": "cc01.npt@example.police.uk", "telephone": "101"}
        assert page.links == [{"url": "https://www.cambridge.gov.uk/", "title": "City council", "description": ""}]
        assert page.locations == [
            {"name": "Parkside Police Station", "address": "Parkside, Cambridge", "postcode": "CB1 1JG",
             "type": "station", "description": "", "latitude": 52.2033, "longitude": 0.1313}
        ]  # fmt: skip
        again = services.neighbourhood_page_update(
            actor=world.erin,
            neighbourhood=world.a1,
            data=page_data(is_published=False, locations=[services.PageLocation(name="Front counter")]),
        )
        assert again.pk == page.pk and not again.is_published
        assert again.locations == [
            {"name": "Front counter", "address": "", "postcode": "", "type": "", "description": ""}
        ]
        event = AuditEvent.objects.filter(event_type=EventType.NEIGHBOURHOOD_PAGE_UPDATED).order_by("-id").first()
        assert event is not None and event.neighbourhood_id == world.a1.pk and event.force_id == world.force_a.pk
        after = payload(event.after)
        assert after["changed"] == ["is_published", "locations"]
        assert payload(event.before)["is_published"] is True and after["is_published"] is False
        assert after["contact_keys"] == ["email", "telephone"]
        text = audit_text(EventType.NEIGHBOURHOOD_PAGE_UPDATED)
        for private in ("Welcome", "cc01.npt", "Parkside", "City council", "cambs.police.uk", "Front counter"):
            assert private not in text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"url_force": "ftp://example.org/page"}, "url_force"),
            ({"contact_details": {"pager": "123"}}, "contact_details"),
            ({"contact_details": {"email": "not an address"}}, "contact_details"),
            ({"contact_details": {"email": 7}}, "contact_details"),
            ({"contact_details": {"web": "javascript:alert(1)"}}, "contact_details"),
            ({"contact_details": {"telephone": "call us"}}, "contact_details"),
            ({"links": [services.PageLink(url="www.example.org", title="No scheme")]}, "links"),
            ({"links": [services.PageLink(url="https://example.org", title=" ")]}, "links"),
            ({"locations": [services.PageLocation(name="")]}, "locations"),
            ({"locations": [services.PageLocation(name="Half", latitude=52.2)]}, "locations"),
            ({"locations": [services.PageLocation(name="Paris", latitude=48.85, longitude=2.35)]}, "locations"),
            ({"locations": [services.PageLocation(name="Bad code", postcode="12345")]}, "locations"),
            ({"welcome_message": "x" * 4001}, "welcome_message"),
        ],
    )
    def test_it_refuses_bad_input(self, world: World, overrides: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as refused:
            services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a1, data=page_data(**overrides))
        assert field in refused.value.message_dict
        assert not NeighbourhoodPage.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.NEIGHBOURHOOD_PAGE_UPDATED).exists()

    def test_empty_contact_values_are_left_out_in_police_uk_order(self, world: World) -> None:
        details = {"twitter": "https://x.com/a", "web": " ", "email": "a@example.police.uk", "address": "1 High St"}
        page = services.neighbourhood_page_update(
            actor=world.erin, neighbourhood=world.a1, data=page_data(contact_details=details)
        )
        assert list(page.contact_details) == ["email", "address", "twitter"]

    def test_only_the_force_administrator_may(self, world: World) -> None:
        for who, area in ((world.alice, world.a1), (world.bob, world.a1), (world.fay, world.a1), (world.ivy, world.a1)):
            with pytest.raises(PermissionDenied):
                services.neighbourhood_page_update(actor=who, neighbourhood=area, data=page_data())
        with pytest.raises(PermissionDenied):
            services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.b1, data=page_data())
        assert not NeighbourhoodPage.objects.exists()


class PublicProfileUpdateTests:
    def test_it_creates_and_replaces_the_profile(self, world: World) -> None:
        profile = services.public_profile_update(actor=world.erin, person=world.alice, data=profile_data())
        assert profile.is_published and not profile.is_senior and profile.force_id == world.force_a.pk
        again = services.public_profile_update(
            actor=world.erin, person=world.alice, data=profile_data(rank="PCSO ", bio="", contact_details={})
        )
        assert again.pk == profile.pk and again.rank == "PCSO" and again.contact_details == {}
        event = AuditEvent.objects.filter(event_type=EventType.PUBLIC_PROFILE_UPDATED).order_by("-id").first()
        assert event is not None and payload(event.after)["person_id"] == world.alice.pk
        assert (
            payload(event.after)["changed"] == ["bio", "contact_details"] and payload(event.after)["has_bio"] is False
        )
        text = audit_text(EventType.PUBLIC_PROFILE_UPDATED)
        for private in ("Alice Example", "Born and bred", "x.com"):
            assert private not in text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"public_name": "  "}, "public_name"),
            ({"rank": ""}, "rank"),
            ({"rank": "R" * 61}, "rank"),
            ({"contact_details": {"email": "nope"}}, "contact_details"),
        ],
    )
    def test_it_refuses_bad_input(self, world: World, overrides: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as refused:
            services.public_profile_update(actor=world.erin, person=world.alice, data=profile_data(**overrides))
        assert field in refused.value.message_dict
        assert not PublicProfile.objects.exists()

    def test_a_partner_user_cannot_have_a_profile(self, world: World) -> None:
        with pytest.raises(ValidationError) as refused:
            services.public_profile_update(actor=world.erin, person=world.gus, data=profile_data())
        assert "person" in refused.value.message_dict

    def test_only_the_force_administrator_may(self, world: World) -> None:
        for who, person in ((world.alice, world.alice), (world.bob, world.alice), (world.ivy, world.alice)):
            with pytest.raises(PermissionDenied):
                services.public_profile_update(actor=who, person=person, data=profile_data())
        with pytest.raises(PermissionDenied):
            services.public_profile_update(actor=world.erin, person=world.hal, data=profile_data())
        with pytest.raises(PermissionDenied):
            services.public_profile_update(actor=world.erin, person=world.system, data=profile_data())
        assert not PublicProfile.objects.exists()


# ---- The staff pages ----------------------------------------------------------------------------


def urls(world: World) -> list[str]:
    return [
        "/community/publishing/",
        f"/community/publishing/forces/{world.force_a.slug}/settings/",
        f"/community/publishing/neighbourhoods/{world.a1.pk}/",
        f"/community/publishing/people/{world.alice.pk}/",
    ]


PAGE_POST = {
    "is_published": "on",
    "url_force": "https://www.cambs.police.uk/city-centre",
    "welcome_message": "Hello from the team",
    "email": "cc01.npt@example.police.uk",
    "telephone": "101",
    "web": "",
    "facebook": "https://www.facebook.com/example",
    "twitter": "",
    "other_contacts": "youtube: https://www.youtube.com/example\n\n",
    "links": "City council | https://www.cambridge.gov.uk/ | Bins and parking\nBus times | https://bus.example/",
    "locations": "Parkside Police Station | Parkside, Cambridge | CB1 1JG | station | | 52.2033 | 0.1313\nKiosk",
}


class PublishingPagesTests:
    def test_anonymous_is_sent_to_log_in(self, world: World) -> None:
        for url in urls(world):
            response = Client().get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_who_reaches_what(self, world: World) -> None:
        for who in (world.alice, world.bob, world.dee, world.fay, world.hal):
            assert world.client_for(who).get("/community/publishing/").status_code == 403
        fay = world.client_for(world.fay)  # sees the force, its areas and people, but may not publish
        for url in urls(world)[1:]:
            assert fay.get(url).status_code == 403
        ivy = world.client_for(world.ivy)  # another force's administrator: none of it exists for her
        for url in urls(world)[1:]:
            assert ivy.get(url).status_code == 404
        assert ivy.get("/community/publishing/?force=cambridgeshire").status_code == 404
        erin = world.client_for(world.erin)
        for url in urls(world):
            assert erin.get(url).status_code == 200
        assert erin.get(f"/community/publishing/people/{world.gus.pk}/").status_code == 404  # a partner user
        assert erin.get(f"/community/publishing/people/{world.hal.pk}/").status_code == 404
        for url in urls(world):
            assert erin.put(url).status_code == 405

    def test_editing_a_neighbourhood_page(self, world: World) -> None:
        erin = world.client_for(world.erin)
        url = f"/community/publishing/neighbourhoods/{world.a1.pk}/"
        bad = {**PAGE_POST, "links": "Only a title"}
        response = erin.post(url, bad)
        assert response.status_code == 400 and "Line 1" in response.content.decode()
        assert erin.post(url, {**PAGE_POST, "locations": "Paris | | | | | 48.85 | 2.35"}).status_code == 400
        assert erin.post(url, {**PAGE_POST, "other_contacts": "pager: 123"}).status_code == 400
        assert erin.post(url, {**PAGE_POST, "facebook": "javascript:alert(1)"}).status_code == 400
        assert not NeighbourhoodPage.objects.exists()
        assert world.client_for(world.fay).post(url, PAGE_POST).status_code == 403
        assert world.client_for(world.ivy).post(url, PAGE_POST).status_code == 404
        response = erin.post(url, PAGE_POST)
        assert response.status_code == 302 and response["Location"] == "/community/publishing/?force=cambridgeshire"
        page = NeighbourhoodPage.objects.get()
        assert page.is_published and len(page.links) == 2 and page.locations[1] == {
            "name": "Kiosk", "address": "", "postcode": "", "type": "", "description": ""
        }  # fmt: skip
        assert page.contact_details == {
            "email": "cc01.npt@example.police.uk",
            "telephone": "101",
            "facebook": "https://www.facebook.com/example",
            "youtube": "https://www.youtube.com/example",
        }
        assert AuditEvent.objects.filter(event_type=EventType.NEIGHBOURHOOD_PAGE_UPDATED).count() == 1
        form = erin.get(url).content.decode()  # the saved page comes back in the same format
        assert "City council | https://www.cambridge.gov.uk/ | Bins and parking" in form
        assert "Parkside Police Station | Parkside, Cambridge | CB1 1JG | station |  | 52.2033 | 0.1313" in form
        assert "youtube: https://www.youtube.com/example" in form

    def test_editing_the_settings_and_a_profile(self, world: World) -> None:
        erin = world.client_for(world.erin)
        url = f"/community/publishing/forces/{world.force_a.slug}/settings/"
        form = {"priority_review_days": "400", "engagement_methods": "facebook | Facebook | https://fb.example/cambs"}
        assert erin.post(url, form).status_code == 400
        assert not CommunitySettings.objects.exists()
        assert erin.post(url, {**form, "priority_review_days": "60"}).status_code == 302
        assert CommunitySettings.objects.get().engagement_methods[0]["url"] == "https://fb.example/cambs"
        url = f"/community/publishing/people/{world.alice.pk}/"
        assert 'value="Alice"' in erin.get(url).content.decode()  # suggested from the account
        profile = {"is_published": "on", "public_name": "PCSO Alice", "rank": "", "bio": ""}
        assert erin.post(url, profile).status_code == 400
        assert not PublicProfile.objects.exists()
        assert erin.post(url, {**profile, "rank": "PCSO"}).status_code == 302
        saved = PublicProfile.objects.get()
        assert saved.public_name == "PCSO Alice" and saved.is_published and not saved.is_senior
        assert AuditEvent.objects.filter(event_type=EventType.PUBLIC_PROFILE_UPDATED).count() == 1
        assert world.client_for(world.fay).post(url, {**profile, "rank": "PCSO"}).status_code == 403

    def test_the_overview_shows_the_state_of_each_page_and_profile(self, world: World) -> None:
        services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a1, data=page_data())
        services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a2, data=page_data(is_published=False))
        services.public_profile_update(actor=world.erin, person=world.alice, data=profile_data())
        page = world.client_for(world.erin).get("/community/publishing/").content.decode()
        assert "1 of 2 neighbourhoods have a published page." in page
        assert f'href="/public/cambridgeshire/{world.a1.code}/"' in page
        assert f'href="/public/cambridgeshire/{world.a2.code}/"' not in page
        assert "PCSO Alice Example" in page and "Derby" not in page and "Gus" not in page
        searched = world.client_for(world.erin).get("/community/publishing/", {"q": "char"}).content.decode()
        assert "Charlie" in searched and "Alice" not in searched

    def test_the_overview_costs_the_same_queries_for_one_or_many(
        self, world: World, django_assert_max_num_queries: Any
    ) -> None:
        client = world.client_for(world.erin)
        services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a1, data=page_data())
        services.public_profile_update(actor=world.erin, person=world.alice, data=profile_data())
        client.get("/community/publishing/")
        with django_assert_max_num_queries(12) as one:
            client.get("/community/publishing/")
        services.neighbourhood_page_update(actor=world.erin, neighbourhood=world.a2, data=page_data())
        for n in range(5):
            person = make_person(world.system, world.force_a, f"pcso{n}", Role.PCSO, neighbourhood=world.a2)
            services.public_profile_update(actor=world.erin, person=person, data=profile_data())
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get("/community/publishing/")
        assert response.content.decode().count("govuk-tag--green") == 2 + 6


class DemoPublicationTests:
    def test_the_demo_publishes_pages_profiles_and_a_senior_officer_per_force(self, db: None) -> None:
        seeding.seed_world()
        report = seed_publication()
        assert report.forces == 3 and report.seniors == 3 and report.pages >= 3 and report.posted_without_profile > 0
        assert CommunitySettings.objects.get(force__slug="cumbria").priority_review_days == 60
        assert CommunitySettings.objects.get(force__slug="derbyshire").priority_review_days == 90
        pcso = Person.objects.get(username="pcso")
        officer = Person.objects.get(username="officer")
        posting = pcso.postings.get(valid_to__isnull=True)
        assert posting.neighbourhood is not None
        page = NeighbourhoodPage.objects.get(neighbourhood=posting.neighbourhood)
        assert (
            page.is_published
            and page.contact_details["email"] == f"{posting.neighbourhood.code.lower()}.npt@example.police.uk"
        )
        assert PublicProfile.objects.get(person=pcso).public_name == f"PCSO {pcso.display_name}"
        assert not PublicProfile.objects.filter(person=officer).exists()
        public = Client().get(f"/public/cambridgeshire/{posting.neighbourhood.code}/").content.decode()
        assert f"PCSO {pcso.display_name}" in public and officer.display_name not in public
        force_page = Client().get("/public/cambridgeshire/").content.decode()
        assert "Chief Constable" in force_page and "Helen Marshall" in force_page
        rows = (NeighbourhoodPage.objects.count(), PublicProfile.objects.count(), Person.objects.count())
        again = seed_publication()
        assert (again.pages, again.profiles) == (report.pages, report.profiles)
        assert (NeighbourhoodPage.objects.count(), PublicProfile.objects.count(), Person.objects.count()) == rows
