"""Browser tests in Debian's Chromium for community engagement and open data, on a 360 px phone:

* a Cambridgeshire PCSO (Alice) plans a public meeting in her neighbourhood, records it as held
  with the attendance and two issues raised, sets a priority from one of the issues from the
  event's page, records a public action on it and publishes it; the priority links back to the
  event, and the event lists the priority;
* the public page of her neighbourhood (no login) names the team member the force chose to
  publish, shows the published priority with its public action ("You said / We did") and the
  upcoming public event, and nothing private: not the private event, the unpublished priority,
  the internal action, nor a person whose profile is not published; it fits the phone, has one
  h1, and the boundary map with its text alternative;
* a force administrator (Erin) uploads a small police.uk street-level file with two malformed
  rows and lands on the import's page, which shows the progress bar full and the result: rows
  loaded, and the rows skipped with their line numbers and reasons (tests run jobs with Django's
  ImmediateBackend, so the import finishes during the upload's request);
* a police.uk client (police-api-client) pointed at the live server reads the force's
  neighbourhoods, the team, the priorities and the events, and they match the public page.

Every page visited must fit 360 px without sideways scrolling and raise no console or script
error (a Content Security Policy violation is a console error).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, FilePayload, Page, expect
from police_api import PoliceAPI  # type: ignore[import-untyped]

from beatbook.audit.models import AuditEvent, EventType
from beatbook.community.models import EngagementEvent, EventKind, EventStatus, Priority, PriorityAction
from beatbook.community.services import events as event_services
from beatbook.community.services import priorities as priority_services
from beatbook.community.services import publication
from beatbook.core.testing import World, browser_log_in
from beatbook.core.timeutil import today
from beatbook.opendata.models import CrimeImport, PublicCrime
from beatbook.opendata.sample import Place, sample_street_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes


def _screenshot(page: Page, name: str) -> None:
    """For a person to look at: set BEATBOOK_SCREENSHOTS to a folder to keep full-page shots."""
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


# The innermost elements whose right edge passes the screen's (up to five), to say what to fix.
WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest(".bb-table-wrap"))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
    .slice(0, 5)
    .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 40)}`);
}"""


def _checked(page: Page, name: str) -> None:
    """The page fits the phone (no sideways scroll); a screenshot when asked for."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px: {page.evaluate(WIDE)}"
    _screenshot(page, name)


def _on_a_phone(page: Page) -> list[str]:
    """A 360 px screen, and the console errors and failed scripts of every page (the test fails on
    any of them)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.set_viewport_size({"width": 360, "height": 740})
    return errors


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL_MINUTE)


# ---- 1. A PCSO plans, records, and sets a published priority from the event --------------------

ISSUES = ("Cyclists riding fast along the pavement on Sidney Street", "Litter and broken glass by the bus station")
ACTION = "Joint patrols with the council's street wardens on Saturday afternoons; 14 riders spoken to."


def test_a_pcso_plans_an_event_records_it_and_publishes_a_priority_from_it(
    page: Page, live_server: Any, live_world: World
) -> None:
    w = live_world
    base = live_server.url
    errors = _on_a_phone(page)
    browser_log_in(page, base, "alice")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()

    # She plans a public meeting that started three hours ago (so that it can be recorded now).
    page.goto(f"{base}/community/events/new/")
    expect(page.get_by_role("heading", name="Plan an engagement event")).to_be_visible()
    _checked(page, "event-form.png")
    expect(page.get_by_label("Neighbourhood", exact=True)).to_have_value(str(w.a1.pk))  # her only neighbourhood
    starts = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    page.get_by_label("Kind of event").select_option(EventKind.PUBLIC_MEETING.value)
    page.get_by_label("Title", exact=True).fill("Residents' meeting at the Guildhall")
    page.get_by_label("Description for the public").fill("Come and tell your neighbourhood team what matters.")
    page.get_by_label("Starts", exact=True).fill(_local(starts))
    page.get_by_label("Ends", exact=True).fill(_local(starts + dt.timedelta(minutes=90)))
    page.get_by_label("Place", exact=True).fill("The Guildhall, Market Square")
    page.get_by_label("Publish this event on the neighbourhood's public page").check()
    page.get_by_role("button", name="Plan the event").click()

    expect(page.get_by_text("has been planned")).to_be_visible()
    event = EngagementEvent.objects.get()
    assert (event.neighbourhood_id, event.created_by_id, event.is_public) == (w.a1.pk, w.alice.pk, True)
    assert event.starts_at == starts and event.status == EventStatus.PLANNED
    expect(page).to_have_url(f"{base}/community/events/{event.reference}/")
    expect(page.get_by_role("heading", name="Residents' meeting at the Guildhall")).to_be_visible()
    expect(page.get_by_test_id("event-status")).to_contain_text("Planned")
    _checked(page, "event-planned.png")

    # She records it as held: who came and the two issues raised.
    page.get_by_test_id("record").click()
    expect(page.get_by_role("heading", name="Record “Residents' meeting at the Guildhall” as held")).to_be_visible()
    _checked(page, "event-record-form.png")
    page.get_by_label("How many people came?").fill("23")
    page.get_by_label("Issues raised").fill("\n".join(ISSUES))
    page.get_by_label("Follow-ups").fill("Ask the council about extra bins.")
    page.get_by_role("button", name="Save the record").click()

    expect(page.get_by_text("has been recorded as held")).to_be_visible()
    expect(page.get_by_test_id("event-status")).to_contain_text("Held")
    expect(page.get_by_test_id("attendance")).to_have_text("23")
    issues = page.get_by_test_id("issues").get_by_role("listitem")
    expect(issues).to_have_text(list(ISSUES))
    _checked(page, "event-held.png")
    event.refresh_from_db()
    assert (event.status, event.attendance, event.issue_lines) == (EventStatus.HELD, 23, list(ISSUES))

    # From the event's page she sets a priority from the first issue.
    links = page.get_by_test_id("priority-links").get_by_role("link")
    expect(links).to_have_count(2)
    first = links.first
    expect(first).to_contain_text(ISSUES[0])
    href = first.get_attribute("href")
    assert href == f"/community/priorities/new/?event={event.reference}&issue=0", href
    first.click()
    expect(page.get_by_role("heading", name="Set a neighbourhood priority")).to_be_visible()
    expect(page.get_by_test_id("source-event")).to_contain_text("Residents' meeting at the Guildhall")
    expect(page.get_by_label("The issue (you said)")).to_have_value(ISSUES[0])
    expect(page.get_by_label("Neighbourhood", exact=True)).to_have_value(str(w.a1.pk))
    _checked(page, "priority-form.png")
    page.get_by_role("button", name="Set the priority").click()

    expect(page.get_by_text("has been set")).to_be_visible()
    priority = Priority.objects.get()
    assert (priority.source_event_id, priority.owner_id, priority.issue) == (event.pk, w.alice.pk, ISSUES[0])
    assert not priority.is_published
    expect(page.get_by_role("heading", name=priority.reference)).to_be_visible()
    expect(page.get_by_test_id("you-said")).to_contain_text(ISSUES[0])
    _checked(page, "priority-set.png")

    # She records a public action ("we did").
    page.get_by_text("Record an action").click()
    page.get_by_label("What was done (we did)").fill(ACTION)
    expect(page.get_by_label("Public: show it on the public page when the priority is published")).to_be_checked()
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_text("The action has been recorded.")).to_be_visible()
    expect(page.get_by_test_id("we-did")).to_contain_text(ACTION)
    action = PriorityAction.objects.get()
    assert (action.priority_id, action.is_public, action.taken_on) == (priority.pk, True, today())

    # She publishes it.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("The priority is published: it shows")).to_be_visible()
    expect(page.get_by_role("button", name="Stop publishing")).to_be_visible()
    _checked(page, "priority-published.png")
    priority = Priority.objects.get(pk=priority.pk)
    assert priority.is_published and priority.published_at is not None
    published = AuditEvent.objects.filter(event_type=EventType.PRIORITY_PUBLISHED, actor=w.alice)
    assert [e.object_id for e in published] == [str(priority.pk)]

    # The priority links back to the event, which lists it as published.
    back = page.get_by_test_id("raised-at").get_by_role("link", name="Residents' meeting at the Guildhall")
    expect(back).to_have_attribute("href", f"/community/events/{event.reference}/")
    back.click()
    expect(page).to_have_url(f"{base}/community/events/{event.reference}/")
    listed = page.get_by_test_id("priorities")
    expect(listed).to_contain_text(priority.reference)
    expect(listed).to_contain_text(ISSUES[0])
    expect(listed).to_contain_text("Published")
    _checked(page, "event-with-priority.png")
    assert errors == [], f"console errors: {errors}"


# ---- 2 and 4. The public page, and a police.uk client reading the same ---------------------------


@dataclass
class Published:
    """City Centre (A1) published, with what the public may see and what it must not."""

    url: str
    team_name: str
    unpublished_name: str
    upcoming: EngagementEvent
    private: EngagementEvent
    priority: Priority
    public_action: str
    internal_action: str
    unpublished: Priority


@pytest.fixture
def published(live_world: World, live_server: Any) -> Published:
    """A1's public page and Alice's public profile published (by Erin, the force administrator);
    Bob's profile kept unpublished; a meeting held three days ago with two issues raised, one a
    published priority with a public and an internal action, the other an unpublished priority;
    an upcoming public beat surgery and an upcoming private partner meeting. All through the
    services, as the people who would do it."""
    w = live_world
    publication.neighbourhood_page_update(
        actor=w.erin,
        neighbourhood=w.a1,
        data=publication.PageData(
            is_published=True,
            welcome_message="Welcome to the City Centre neighbourhood team.",
            contact_details={"email": "citycentre.npt@example.police.uk", "telephone": "101"},
        ),
    )
    team_name, unpublished_name = "PCSO Sam Porter", "Sergeant Robin Hidden"
    publication.public_profile_update(
        actor=w.erin,
        person=w.alice,
        data=publication.ProfileData(is_published=True, public_name=team_name, rank="PCSO"),
    )
    publication.public_profile_update(
        actor=w.erin,
        person=w.bob,
        data=publication.ProfileData(is_published=False, public_name=unpublished_name, rank="Sergeant"),
    )

    def plan(title: str, *, starts: dt.datetime, public: bool, kind: str) -> EngagementEvent:
        return event_services.event_create(
            actor=w.alice,
            data=event_services.EventData(
                neighbourhood=w.a1,
                kind=kind,
                title=title,
                address=f"{title}, Cambridge",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                description=f"About {title}." if public else "",
                is_public=public,
                officer_ids=(w.alice.pk,),
            ),
        )

    now = timezone.now().replace(second=0, microsecond=0)
    held = plan("Residents' meeting", starts=now - dt.timedelta(days=3), public=True, kind=EventKind.PUBLIC_MEETING)
    issue, hidden_issue = "Cyclists riding on the pavement on Sidney Street", "Drug dealing behind the multi-storey"
    held = event_services.event_record(
        actor=w.alice,
        event=held,
        data=event_services.EventRecord(attendance=31, issues_raised=f"{issue}\n{hidden_issue}"),
    )
    upcoming = plan(
        "Beat surgery at the Central Library",
        starts=now + dt.timedelta(days=4),
        public=True,
        kind=EventKind.BEAT_SURGERY,
    )
    private = plan(
        "Partner meeting with the housing officers",
        starts=now + dt.timedelta(days=5),
        public=False,
        kind=EventKind.PARTNER_MEETING,
    )
    priority = priority_services.priority_create(
        actor=w.alice, neighbourhood=w.a1, issue=issue, set_on=today(), source_event=held
    )
    public_action = "Joint patrols with the street wardens on Saturdays."
    internal_action = "Asked the bike shop owner for CCTV footage of the regular riders."
    priority_services.priority_add_action(actor=w.alice, priority=priority, taken_on=today(), text=public_action)
    priority_services.priority_add_action(
        actor=w.alice, priority=priority, taken_on=today(), text=internal_action, is_public=False
    )
    priority = priority_services.priority_publish(actor=w.alice, priority=priority)
    unpublished = priority_services.priority_create(
        actor=w.alice, neighbourhood=w.a1, issue=hidden_issue, set_on=today(), source_event=held
    )
    return Published(
        url=f"{live_server.url}/public/{w.force_a.slug}/{w.a1.code}/",
        team_name=team_name,
        unpublished_name=unpublished_name,
        upcoming=upcoming,
        private=private,
        priority=priority,
        public_action=public_action,
        internal_action=internal_action,
        unpublished=unpublished,
    )


def test_the_public_neighbourhood_page_shows_only_what_is_public_on_a_phone(
    page: Page, live_server: Any, published: Published
) -> None:
    errors = _on_a_phone(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    response = page.goto(published.url)  # no login
    assert response is not None and response.status == 200
    expect(page).to_have_url(published.url)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("heading", level=1, name="City Centre")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # The team: the public name the force chose, not the account's.
    team = page.get_by_test_id("team")
    expect(team.get_by_role("heading", name=published.team_name)).to_be_visible()
    expect(team).to_contain_text("PCSO")

    # You said, we did: the published priority with its public action only.
    priorities = page.get_by_test_id("priority")
    expect(priorities).to_have_count(1)
    expect(priorities.get_by_role("heading", name="You said")).to_be_visible()
    expect(priorities.get_by_role("heading", name="We did")).to_be_visible()
    expect(priorities).to_contain_text(published.priority.issue)
    expect(priorities).to_contain_text(published.public_action)
    expect(priorities).to_contain_text("Open")

    # The upcoming public event, with its time in London.
    events = page.get_by_test_id("events")
    expect(events).to_contain_text(published.upcoming.title)
    expect(events).to_contain_text(published.upcoming.address)
    starts = timezone.localtime(published.upcoming.starts_at)
    expect(events.locator("time").first).to_contain_text(starts.strftime("%H:%M"))
    expect(events.locator("tbody tr")).to_have_count(1)

    # The boundary map, drawn from the page's own GeoJSON, and its text alternative.
    boundary = page.locator("#boundary-map")
    expect(boundary).to_have_attribute("role", "img")
    expect(boundary).to_have_attribute("aria-label", "Map of the boundary of City Centre")
    expect(boundary).to_have_attribute("data-features", "1")
    expect(boundary.locator("path.leaflet-interactive")).to_have_count(1)
    expect(page.get_by_test_id("map-text")).to_contain_text("The map shows the boundary of City Centre")
    expect(page.get_by_test_id("map-text")).to_contain_text("latitude 52.205")
    _checked(page, "public-neighbourhood.png")

    # Nothing private: the private event, the unpublished priority, the internal action, the
    # person whose profile is unpublished, the account's name, the event's internal record.
    body = page.locator("body").inner_text()
    for private in (
        published.private.title,
        published.unpublished.issue,
        published.internal_action,
        published.unpublished_name,
        "Alice",
        "Bob",
        published.priority.reference,
        published.upcoming.reference,
    ):
        assert private not in body, f"the public page shows {private!r}"
    assert outside == [], f"requests left Beatbook: {outside}"
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback traffic kept off any proxy the environment names (the client uses requests)."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def _paragraphs(html: str) -> list[str]:
    """The text of police.uk's HTML fragments (`<p>...</p>`, one per paragraph)."""
    return [re.sub(r"<[^>]+>", "", p).replace("&#x27;", "'").strip() for p in re.findall(r"<p>(.*?)</p>", html, re.S)]


def test_a_policeuk_client_reads_what_the_public_page_shows(
    page: Page, live_server: Any, live_world: World, published: Published, no_proxy: None
) -> None:
    w = live_world
    errors = _on_a_phone(page)

    # What a member of the public sees on the page.
    page.goto(published.url)
    expect(page.get_by_role("heading", level=1, name="City Centre")).to_be_visible()
    shown_team = [t.strip() for t in page.get_by_test_id("team").locator("h3").all_inner_texts()]
    shown_issues = [t.strip() for t in page.get_by_test_id("priority").locator("h3 + div").all_inner_texts()]
    shown_events = [t.strip() for t in page.get_by_test_id("events").locator("tbody tr strong").all_inner_texts()]
    assert shown_team == [published.team_name]
    assert shown_issues == [published.priority.issue]
    assert shown_events == [published.upcoming.title]

    # The same through police-api-client, pointed at this server.
    api = PoliceAPI(base_url=f"{live_server.url}/api/")
    force = api.get_force(w.force_a.slug)
    assert force.name == "Cambridgeshire Constabulary"
    neighbourhoods = api.get_neighbourhoods(w.force_a.slug)
    assert [(n.id, n.name) for n in neighbourhoods] == [(w.a1.code, "City Centre")]  # A2 is not published
    nb = api.get_neighbourhood(w.force_a.slug, w.a1.code)
    assert nb.name == "City Centre"
    assert nb.contact_details == {"email": "citycentre.npt@example.police.uk", "telephone": "101"}

    officers = nb.officers
    assert [(o.name, o.rank) for o in officers] == [(published.team_name, "PCSO")]
    assert [o.name for o in officers] == shown_team

    priorities = nb.priorities
    assert len(priorities) == 1
    assert _paragraphs(priorities[0].issue) == shown_issues
    assert _paragraphs(priorities[0].action) == [published.public_action]  # not the internal one
    assert priorities[0].issue_date == dt.datetime.combine(today(), dt.time())
    assert priorities[0].action_date == dt.datetime.combine(today(), dt.time())

    events = nb.events
    assert [e.title for e in events] == shown_events
    assert events[0].type == "surgery" and events[0].address == published.upcoming.address
    assert events[0].start_date == timezone.localtime(published.upcoming.starts_at).replace(tzinfo=None)
    assert errors == [], f"console errors: {errors}"


# ---- 3. An import shows its progress and result --------------------------------------------------

BAD_COLUMNS = "not,a,whole,row"


def _street_file(force_name: str) -> tuple[bytes, dict[int, str]]:
    """A police.uk street-level file of 20 rows for City Centre over the two months before this
    one: 18 good rows (the sample generator's) and 2 malformed ones; the malformed rows' line
    numbers (the header is line 1) and the reason each must be skipped for."""
    this_month = today().replace(day=1)
    last = this_month - dt.timedelta(days=1)
    before = last.replace(day=1) - dt.timedelta(days=1)
    sample = sample_street_csv(
        force_name=force_name,
        places=[Place(code="CC01", name="City Centre", lat=52.205, lng=0.119)],
        months=(f"{before:%Y-%m}", f"{last:%Y-%m}"),
        rows=18,
        seed=5,
    )
    rows = list(csv.reader(io.StringIO(sample.text)))
    assert len(rows) == 19 and sample.malformed == {}
    wrong_type = [*rows[3][:9], "Jaywalking", *rows[3][10:]]
    # The header and rows 2-5, the short row (line 6), rows 6-12, the unknown type (line 14), the rest.
    lines = [*rows[:5], BAD_COLUMNS.split(","), *rows[5:12], wrong_type, *rows[12:]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    expected = {6: "expected 12 columns, found 4", 14: "unknown crime type 'Jaywalking'"}
    return buffer.getvalue().encode(), expected


def test_an_import_shows_its_progress_and_result(page: Page, live_server: Any, live_world: World) -> None:
    w = live_world
    base = live_server.url
    errors = _on_a_phone(page)
    content, skipped = _street_file(w.force_a.name)
    browser_log_in(page, base, "erin")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()

    page.goto(f"{base}/open-data/imports/new/")
    expect(page.get_by_role("heading", name="Import a police.uk file")).to_be_visible()
    expect(page.get_by_label("Force")).to_have_value(str(w.force_a.pk))
    _checked(page, "import-form.png")
    upload = FilePayload(name="cambridgeshire-street.csv", mimeType="text/csv", buffer=content)
    page.get_by_label("police.uk street-level CSV file").set_input_files(files=[upload])
    page.get_by_role("button", name="Import the file").click()

    expect(page.get_by_text("its import has started")).to_be_visible()
    crime_import = CrimeImport.objects.get()
    expect(page).to_have_url(f"{base}/open-data/imports/{crime_import.pk}/")
    expect(page.get_by_role("heading", level=1, name="cambridgeshire-street.csv")).to_be_visible()

    # Progress: the import has finished (the job ran during the upload), the bar is full.
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("import-status")).to_have_text("Finished")
    bar = progress.locator("progress")
    expect(bar).to_have_attribute("max", "100")
    expect(bar).to_have_attribute("value", "100")
    expect(page.get_by_label("100% done")).to_have_count(1)  # the bar's label
    expect(progress).to_contain_text("100% done (20 of 20 rows)")
    expect(page.get_by_test_id("refresh")).to_have_count(0)  # nothing left to wait for

    # The result: rows loaded, and the rows skipped with their line numbers and reasons.
    expect(page.get_by_test_id("rows-loaded")).to_have_text("18")
    expect(page.get_by_test_id("rows-already-loaded")).to_have_text("0")
    expect(page.get_by_test_id("rows-skipped")).to_have_text("2")
    problems = page.get_by_test_id("problems-table").locator("tbody tr")
    expect(problems).to_have_count(2)
    for row, (line, reason) in zip(problems.all(), sorted(skipped.items()), strict=True):
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(str(line))
        expect(cells.nth(1)).to_have_text(reason)
    _checked(page, "import-result.png")

    crime_import.refresh_from_db()
    assert crime_import.status == CrimeImport.Status.SUCCEEDED
    assert (crime_import.rows_total, crime_import.rows_loaded, crime_import.rows_skipped) == (20, 18, 2)
    assert [(p["line"], p["reason"]) for p in crime_import.problems] == sorted(skipped.items())
    assert PublicCrime.objects.filter(force=w.force_a, crime_import=crime_import).count() == 18
    assert AuditEvent.objects.filter(event_type=EventType.CRIME_IMPORT_FINISHED, actor=w.erin).count() == 1
    assert errors == [], f"console errors: {errors}"
