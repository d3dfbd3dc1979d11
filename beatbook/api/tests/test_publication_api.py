"""The publication API: a force's community settings, neighbourhood pages and public profiles, read
and replaced by the force administrator (audited), refused by field, scoped (404 outside the
caller's forces, 403 for those who see but may not publish), and the pinned query count of the
lists. Every response is checked against the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pytest_django import DjangoAssertNumQueries

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import CommunitySettings, NeighbourhoodPage, PublicProfile
from beatbook.core.testing import World, make_person
from beatbook.org.models import Role

from .helpers import Api, assert_error, data

SETTINGS = {
    "priority_review_days": 60,
    "engagement_methods": [
        {"type": "facebook", "title": "Facebook", "url": "https://www.facebook.com/example", "description": "News"}
    ],
}


def page_body(**overrides: Any) -> dict[str, Any]:
    return {
        "is_published": True,
        "url_force": "https://www.cambs.police.uk/city-centre",
        "welcome_message": "Welcome to the City Centre",
        "contact_details": {"email": "cc01.npt@example.police.uk", "telephone": "101"},
        "links": [{"url": "https://www.cambridge.gov.uk/", "title": "City council"}],
        "locations": [
            {"name": "Parkside Police Station", "postcode": "CB1 1JG", "latitude": 52.2033, "longitude": 0.1313},
            {"name": "Kiosk"},
        ],
    } | overrides


def profile_body(**overrides: Any) -> dict[str, Any]:
    return {"is_published": True, "public_name": "PCSO Alice Example", "rank": "PCSO", "bio": "Hello"} | overrides


class CommunitySettingsApiTests:
    def test_reading_and_replacing_the_settings(self, world: World, api: Api) -> None:
        url = "/forces/cambridgeshire/community-settings"
        assert_error(api.get(url), 401)
        assert_error(api.get(url, as_=world.alice), 403)
        assert_error(api.get(url, as_=world.fay), 403)
        assert_error(api.get(url, as_=world.ivy), 404)
        assert_error(api.get("/forces/nowhere/community-settings", as_=world.erin), 404)
        default = data(api.get(url, as_=world.erin))
        assert default == {
            "force": "cambridgeshire", "priority_review_days": 90, "engagement_methods": [], "updated_at": None
        }  # fmt: skip
        assert_error(api.call("PUT", url, body=SETTINGS), 401)
        assert_error(api.call("PUT", url, body=SETTINGS, as_=world.fay), 403)
        assert_error(api.call("PUT", url, body=SETTINGS, as_=world.ivy), 404)
        error = assert_error(api.call("PUT", url, body=SETTINGS | {"priority_review_days": 400}, as_=world.erin), 400)
        assert "priority_review_days" in error["fields"]
        bad_channel = {"engagement_methods": [{"type": "web", "title": "Site", "url": "javascript:alert(1)"}]}
        error = assert_error(api.call("PUT", url, body=SETTINGS | bad_channel, as_=world.erin), 400)
        assert "engagement_methods" in error["fields"]
        assert_error(api.call("PUT", url, body={"priority_review_days": "many"}, as_=world.erin), 422)
        assert_error(api.call("PUT", url, body=SETTINGS | {"colour": "blue"}, as_=world.erin), 422)
        assert not CommunitySettings.objects.exists()
        response = api.call("PUT", url, body=SETTINGS, as_=world.erin)
        assert response.status_code == 200
        saved = data(response)
        assert saved["priority_review_days"] == 60 and saved["engagement_methods"][0]["description"] == "News"
        assert saved["updated_at"] is not None
        assert AuditEvent.objects.filter(
            event_type=EventType.COMMUNITY_SETTINGS_UPDATED, request_id=response["X-Request-ID"]
        ).exists()
        assert data(api.get(url, as_=world.erin)) == saved
        for method in ("POST", "PATCH", "DELETE"):
            assert_error(api.call(method, url, body=SETTINGS, as_=world.erin), 405)


class NeighbourhoodPagesApiTests:
    def test_reading_and_replacing_a_page(self, world: World, api: Api) -> None:
        url = f"/neighbourhoods/{world.a1.pk}/public-page"
        assert_error(api.get(url), 401)
        assert_error(api.get(url, as_=world.alice), 403)
        assert_error(api.get(url, as_=world.fay), 403)
        assert_error(api.get(url, as_=world.ivy), 404)
        assert_error(api.get(f"/neighbourhoods/{world.b1.pk}/public-page", as_=world.erin), 404)
        empty = data(api.get(url, as_=world.erin))
        assert empty["is_published"] is False and empty["updated_at"] is None and empty["public_url"] is None
        assert empty["neighbourhood"] == {"id": world.a1.pk, "code": world.a1.code, "name": world.a1.name}
        assert_error(api.call("PUT", url, body=page_body()), 401)
        assert_error(api.call("PUT", url, body=page_body(), as_=world.bob), 403)
        assert_error(api.call("PUT", url, body=page_body(), as_=world.ivy), 404)
        for bad, field in (
            ({"url_force": "ftp://example.org/"}, "url_force"),
            ({"contact_details": {"pager": "1"}}, "contact_details"),
            ({"contact_details": {"email": "no"}}, "contact_details"),
            ({"links": [{"url": "example.org", "title": "No scheme"}]}, "links"),
            ({"locations": [{"name": "Half", "latitude": 52.2}]}, "locations"),
            ({"locations": [{"name": "Paris", "latitude": 48.85, "longitude": 2.35}]}, "locations"),
        ):
            error = assert_error(api.call("PUT", url, body=page_body(**bad), as_=world.erin), 400)
            assert field in error["fields"], (bad, error)
        assert_error(api.call("PUT", url, body=page_body(contact_details={"email": 7}), as_=world.erin), 422)
        assert_error(api.call("PUT", url, body=page_body(links=[{"url": "https://a.example"}]), as_=world.erin), 422)
        assert not NeighbourhoodPage.objects.exists()
        response = api.call("PUT", url, body=page_body(), as_=world.erin)
        assert response.status_code == 200
        page = data(response)
        assert page["public_url"] == f"/public/cambridgeshire/{world.a1.code}/"
        assert page["locations"][0] == {
            "name": "Parkside Police Station", "address": "", "postcode": "CB1 1JG", "type": "", "description": "",
            "latitude": 52.2033, "longitude": 0.1313,
        }  # fmt: skip
        assert page["locations"][1]["latitude"] is None and page["links"][0]["description"] == ""
        assert AuditEvent.objects.filter(
            event_type=EventType.NEIGHBOURHOOD_PAGE_UPDATED, request_id=response["X-Request-ID"]
        ).exists()
        cleared = data(api.call("PUT", url, body={"is_published": False}, as_=world.erin))
        assert cleared["links"] == [] and cleared["contact_details"] == {} and cleared["public_url"] is None
        for method in ("POST", "PATCH", "DELETE"):
            assert_error(api.call(method, url, body=page_body(), as_=world.erin), 405)

    def test_the_list(self, world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
        api.call("PUT", f"/neighbourhoods/{world.a1.pk}/public-page", body=page_body(), as_=world.erin)
        assert_error(api.get("/neighbourhood-pages"), 401)
        assert data(api.get("/neighbourhood-pages", as_=world.alice))["items"] == []
        assert_error(api.get("/neighbourhood-pages", query={"force": "cambridgeshire"}, as_=world.alice), 403)
        assert_error(api.get("/neighbourhood-pages", query={"force": "cambridgeshire"}, as_=world.ivy), 404)
        assert [x["neighbourhood"]["code"] for x in data(api.get("/neighbourhood-pages", as_=world.ivy))["items"]] == [
            world.b1.code
        ]
        listed = data(api.get("/neighbourhood-pages", query={"force": "cambridgeshire"}, as_=world.erin))
        assert listed["total"] == 2
        states = {x["neighbourhood"]["code"]: x["is_published"] for x in listed["items"]}
        assert states == {world.a1.code: True, world.a2.code: False}
        for size in (1, 2):
            with django_assert_num_queries(3):  # token, count, rows (page and force joined)
                page = data(api.get("/neighbourhood-pages", query={"page_size": size}, as_=world.erin))
            assert len(page["items"]) == size
        assert_error(api.post("/neighbourhood-pages", {}, as_=world.erin), 405)


class PublicProfilesApiTests:
    def test_reading_and_replacing_a_profile(self, world: World, api: Api) -> None:
        url = f"/people/{world.alice.pk}/public-profile"
        assert_error(api.get(url), 401)
        assert_error(api.get(url, as_=world.alice), 403)
        assert_error(api.get(url, as_=world.fay), 403)
        assert_error(api.get(url, as_=world.ivy), 404)
        empty = data(api.get(url, as_=world.erin))
        assert empty["person_id"] == world.alice.pk and empty["is_published"] is False and empty["updated_at"] is None
        assert_error(api.call("PUT", url, body=profile_body()), 401)
        assert_error(api.call("PUT", url, body=profile_body(), as_=world.fay), 403)
        assert_error(api.call("PUT", url, body=profile_body(), as_=world.ivy), 404)
        assert (
            "public_name"
            in assert_error(api.call("PUT", url, body=profile_body(public_name=" "), as_=world.erin), 400)["fields"]
        )
        assert "rank" in assert_error(api.call("PUT", url, body=profile_body(rank=""), as_=world.erin), 400)["fields"]
        bad = profile_body(contact_details={"web": "javascript:x"})
        assert "contact_details" in assert_error(api.call("PUT", url, body=bad, as_=world.erin), 400)["fields"]
        assert_error(api.call("PUT", url, body={"is_published": True}, as_=world.erin), 422)
        gus = f"/people/{world.gus.pk}/public-profile"
        assert "person" in assert_error(api.call("PUT", gus, body=profile_body(), as_=world.erin), 400)["fields"]
        assert not PublicProfile.objects.exists()
        response = api.call("PUT", url, body=profile_body(is_senior=True), as_=world.erin)
        assert response.status_code == 200
        saved = data(response)
        assert (
            saved["public_name"] == "PCSO Alice Example"
            and saved["is_senior"] is True
            and saved["force"] == ("cambridgeshire")
        )
        event = AuditEvent.objects.get(event_type=EventType.PUBLIC_PROFILE_UPDATED, request_id=response["X-Request-ID"])
        assert "Alice" not in str(event.after)
        for method in ("POST", "PATCH", "DELETE"):
            assert_error(api.call(method, url, body=profile_body(), as_=world.erin), 405)

    def test_the_list(self, world: World, api: Api, django_assert_num_queries: DjangoAssertNumQueries) -> None:
        for person, name in ((world.alice, "PCSO Alice"), (world.bob, "Sgt Bob"), (world.charlie, "PCSO Charlie")):
            api.call("PUT", f"/people/{person.pk}/public-profile", body=profile_body(public_name=name), as_=world.erin)
        hal = make_person(world.system, world.force_b, "hal2", Role.PCSO, neighbourhood=world.b1)
        api.call("PUT", f"/people/{hal.pk}/public-profile", body=profile_body(public_name="PCSO Hal"), as_=world.ivy)
        assert_error(api.get("/public-profiles"), 401)
        assert data(api.get("/public-profiles", as_=world.fay))["items"] == []
        assert_error(api.get("/public-profiles", query={"force": "cambridgeshire"}, as_=world.fay), 403)
        assert_error(api.get("/public-profiles", query={"force": "cambridgeshire"}, as_=world.ivy), 404)
        names = [x["public_name"] for x in data(api.get("/public-profiles", as_=world.erin))["items"]]
        assert names == ["PCSO Alice", "PCSO Charlie", "Sgt Bob"]
        assert [x["public_name"] for x in data(api.get("/public-profiles", as_=world.ivy))["items"]] == ["PCSO Hal"]
        for size in (1, 3):
            with django_assert_num_queries(3):  # token, count, rows (force joined)
                page = data(api.get("/public-profiles", query={"page_size": size}, as_=world.erin))
            assert len(page["items"]) == size and page["total"] == 3
        assert_error(api.post("/public-profiles", {}, as_=world.erin), 405)
