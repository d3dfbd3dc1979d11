"""Benchmarks of the incidents app on the busy neighbourhood (bench.incident_data): (d) the list
page, (e) the map's GeoJSON, (f) repeat detection; and the query plans of repeat detection, the
list and the map, with the index each is meant to use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from beatbook.audit.services import NO_META
from beatbook.incidents import repeats
from beatbook.incidents.models import Incident, IncidentPerson, Involvement
from beatbook.incidents.reference import AsbQualifier, AsbType, Category, HowReported, Level
from beatbook.org.models import Person

from . import floors
from .cases import Result
from .data import BenchWorld
from .incident_data import key
from .timing import Stats, count_queries, full_collections, measure, summarise

LIST_URL = "/incidents/"
MAP_URL = "/incidents/map.geojson"
MAP_DAYS = 90
DETECT_WARMUP, DETECT_REPS = 3, 30
NEW_REPORTER = "Morgan Fairweather"  # a name no one in the data has


@dataclass(frozen=True)
class Plan:
    """The plan of one query, as the database would run it, and its time as SQL alone."""

    group: str  # "repeats" or "list"
    label: str
    expected: str  # the index the query is meant to use, or "" when none is named
    indexes: list[str]  # the indexes the plan uses
    full_scans: dict[str, int]  # tables the plan reads whole, with their rows at the time
    sorts: bool  # the plan sorts rows (PostgreSQL: a Sort step; SQLite: a temporary B-tree)
    median_ms: float  # the captured SQL run on a cursor (3 warm-ups, 20 runs)
    text: str
    # When the expected index is not used and the query ends in an ORDER BY: the same query
    # without it (the model's default ordering, which a count or a set of times does not need).
    unordered: dict[str, Any] | None = None

    @property
    def uses_expected(self) -> bool | None:
        return (self.expected in self.indexes) if self.expected else None


def _client(person: Person) -> Client:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(person)
    return client


def _requests(client: Client, url: str) -> tuple[Stats, str]:
    """Time GET `url` (3 warm-ups, 30 runs), and say how many full garbage collections ran in them
    and how long they took: they are what the slow runs of a request that allocates much are."""
    with full_collections() as pauses:
        stats = measure(lambda: client.get(url), warmup=3, reps=30)
    if not pauses:
        return stats, ""
    return stats, (
        f"{len(pauses)} full garbage collection{'s' if len(pauses) != 1 else ''} in the warm-ups and runs, "
        f"{sum(pauses) * 1000:,.0f} ms in all"
    )


def list_page(world: BenchWorld, client: Client, number: int) -> Result:
    """(d) The incident list of the busy neighbourhood as its supervisor: one page of 50 (count
    and OFFSET page), the filter form, the template."""
    nb = world.incident_world.neighbourhood
    url = f"{LIST_URL}?neighbourhood={nb.pk}&page={number}"
    offset = (number - 1) * 50
    name = f"(d) GET {LIST_URL}?neighbourhood=…&page={number:,} as the supervisor (test client), OFFSET {offset:,}"
    response = client.get(url)
    if response.status_code != 200:
        return Result(f"incident_list_{number}", name, None, None, "HTTP_LIST", note=f"skipped: {response.status_code}")
    # The page holds the rows it should: the first of them is the (offset+1)th newest.
    first = Incident.objects.filter(neighbourhood=nb).order_by("-occurred_at", "-id")[offset]
    assert first.reference.encode() in response.content, (number, first.reference)
    stats, collected = _requests(client, url)
    queries = count_queries(lambda: client.get(url))
    return Result(f"incident_list_{number}", name, stats, queries, "HTTP_LIST", note=collected)


def map_data(world: BenchWorld, client: Client) -> Result:
    """(e) The map's GeoJSON for the busy neighbourhood's last 90 days: the rows (at most
    MAP_POINT_LIMIT) as one query, a count only when truncated, and the JSON."""
    nb = world.incident_world.neighbourhood
    since = timezone.localdate() - dt.timedelta(days=MAP_DAYS)
    url = f"{MAP_URL}?neighbourhood={nb.pk}&date_from={since.isoformat()}"
    name = f"(e) GET {MAP_URL}?neighbourhood=…&date_from=<{MAP_DAYS} days ago> as the supervisor (test client)"
    response = client.get(url)
    if response.status_code != 200:
        return Result("incident_map", name, None, None, "ROWS_FETCH", note=f"skipped: {response.status_code}")
    payload = json.loads(response.content)
    points = len(payload["features"])
    assert points > 0
    truncated = ", truncated" if payload.get("truncated") else ""
    note = f"{points:,} points of {payload['total']:,}{truncated}; response {len(response.content) / 1024:,.0f} KiB"
    stats, collected = _requests(client, url)
    return Result(
        "incident_map",
        name,
        stats,
        count_queries(lambda: client.get(url)),
        "ROWS_FETCH",
        note=f"{note}; {collected}" if collected else note,
        floor_scale=points / floors.ROWS_FETCH_ROWS,
        floor_basis=f"scaled to {points:,} rows",
    )


def _on_fresh_incident[T](world: BenchWorld, body: Callable[[Incident], T]) -> T:
    """Save a fresh ASB incident at the busiest hot spot, with the most frequent victim and a new
    reporting person living at the second most frequent address, run `body` on it, and roll
    everything back (the data stays as built). Saved as the service saves it (the neighbourhood
    set, the force by id), not through the service: only `detect` is measured."""
    iw = world.incident_world
    lat, lng = iw.hot_spot
    with transaction.atomic():
        incident = Incident(
            reference="BENCH-INC-FRESH",
            force_id=world.force.pk,
            neighbourhood=iw.neighbourhood,
            occurred_at=timezone.now(),
            lat=lat,
            lng=lng,
            location_text="On or near Market Street",
            category=Category.ANTI_SOCIAL_BEHAVIOUR,
            asb_qualifier=AsbQualifier.PERSONAL,
            asb_type=AsbType.ROWDY_INCONSIDERATE,
            description="Group shouting and throwing bottles outside the victim's flat.",
            how_reported=HowReported.PHONE_101,
            **dict.fromkeys(
                (
                    "thrive_threat",
                    "thrive_harm",
                    "thrive_risk",
                    "thrive_investigation",
                    "thrive_vulnerability",
                    "thrive_engagement",
                    "risk_level",
                ),
                Level.MEDIUM,
            ),
            created_by=world.pcso,
            updated_by=world.pcso,
        )
        incident.save()
        victim, other = iw.frequent, iw.second
        for row in (
            IncidentPerson(
                incident=incident,
                force_id=world.force.pk,
                involvement=Involvement.VICTIM,
                name=victim.name,
                date_of_birth=victim.date_of_birth,
                address=victim.address,
                name_key=key(victim.name),
                address_key=key(victim.address),
            ),
            IncidentPerson(
                incident=incident,
                force_id=world.force.pk,
                involvement=Involvement.REPORTING_PERSON,
                name=NEW_REPORTER,
                address=other.address,
                name_key=key(NEW_REPORTER),
                address_key=key(other.address),
            ),
        ):
            row.save()
        result = body(incident)
        transaction.set_rollback(True)
    return result


def _timed_detect(world: BenchWorld) -> float:
    def body(incident: Incident) -> float:
        started = time.perf_counter()
        repeats.detect(actor=world.pcso, incident=incident, meta=NO_META)
        return time.perf_counter() - started

    return _on_fresh_incident(world, body)


def detect(world: BenchWorld) -> Result:
    """(f) `repeats.detect` on a fresh incident (saved, then rolled back after each run): the
    rules, the people, the person and place queries, the flags, and the alerts with their audit
    events."""
    hits = _on_fresh_incident(world, lambda incident: repeats.detect(actor=world.pcso, incident=incident, meta=NO_META))
    for _ in range(DETECT_WARMUP):
        _timed_detect(world)
    stats = summarise([_timed_detect(world) for _ in range(DETECT_REPS)])
    queries = _on_fresh_incident(
        world,
        lambda incident: count_queries(lambda: repeats.detect(actor=world.pcso, incident=incident, meta=NO_META)),
    )
    found = ", ".join(f"{hit.kind.replace('_', ' ')} ({hit.count})" for hit in hits) or "none"
    return Result(
        "repeats_detect",
        f"(f) `repeats.detect` on a fresh ASB incident at the busiest hot spot, "
        f"{world.incidents:,} incidents in the force",
        stats,
        queries,
        "ROUND_TRIP",
        note=f"found: {found}",
        floor_scale=queries,
        floor_basis=f"x {queries} queries",
    )


def _from(table: str, *needles: str, absent: str = "") -> Callable[[str], bool]:
    """A test on captured SQL: a SELECT from `table` that has every needle (and not `absent`)."""

    def test(sql: str) -> bool:
        found = re.search(r'\bFROM "(\w+)"', sql)
        if not (sql.lstrip().upper().startswith("SELECT") and found and found.group(1) == table):
            return False
        return all(n in sql for n in needles) and not (absent and absent in sql)

    return test


# Repeat detection's queries, told apart by their SQL: (label, expected index, test).
REPEAT_QUERIES: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    (
        "repeat location: incidents in the box round the point (`nearby_count`)",
        "incidents_force_point",
        _from("incidents_incident", '"lat" >='),
    ),
    (
        "repeat victim: people by name key",
        "incidents_person_name_key",
        _from("incidents_incidentperson", '"name_key" =', absent='"category"'),
    ),
    (
        "repeat victim: people by address key",
        "incidents_person_address_key",
        _from("incidents_incidentperson", '"address_key" =', absent='"category"'),
    ),
    (
        "community trigger: ASB complainants by name key",
        "incidents_person_name_key",
        _from("incidents_incidentperson", '"name_key" =', '"category"'),
    ),
    (
        "community trigger: ASB complainants by address key",
        "incidents_person_address_key",
        _from("incidents_incidentperson", '"address_key" =', '"category"'),
    ),
    ("open repeat-location alert near the point", "", _from("incidents_alert", '"lat" >=')),
    ("open alert for the same subject (locked for update)", "", _from("incidents_alert", '"subject_key" =')),
)
# The list's and the map's queries on incidents.
COUNT_QUERY = (
    "list: count of the neighbourhood's incidents",
    "incidents_area_time",
    _from("incidents_incident", "COUNT("),
)


def _page_query(number: int) -> tuple[str, str, Callable[[str], bool]]:
    return (
        f"list: page {number:,}'s 50 rows (OFFSET {(number - 1) * 50:,})",
        "incidents_area_time",
        _from("incidents_incident", "OFFSET", absent="COUNT("),
    )


MAP_QUERY = (
    f"map: the rows of the last {MAP_DAYS} days",
    "incidents_area_time",
    _from("incidents_incident", '"occurred_at" >=', absent="COUNT("),
)


def _explain(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(str(row[0]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append(f"{'  ' * depth[node]}{detail}")
        return "\n".join(lines)


def _read(plan: str) -> tuple[list[str], list[str], bool]:
    """The indexes a plan uses, the tables it reads whole, and whether it sorts."""
    if connection.vendor == "postgresql":
        used = re.findall(r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", plan)
        scans = re.findall(r"Seq Scan on (\w+)", plan)
        sorts = bool(re.search(r"^\s*(?:->\s*)?(?:Incremental )?Sort\b", plan, flags=re.MULTILINE))
    else:
        used = re.findall(r"USING (?:COVERING )?INDEX (\w+)", plan)
        used += ["(rowid)"] * len(re.findall(r"USING INTEGER PRIMARY KEY", plan))
        scans = re.findall(r"^\s*SCAN (\w+)(?!.*USING)", plan, flags=re.MULTILINE)
        sorts = "USE TEMP B-TREE" in plan
    return list(dict.fromkeys(used)), list(dict.fromkeys(scans)), sorts


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a table name)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _sql_ms(sql: str, params: Any) -> float:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return measure(run, warmup=3, reps=20).median_ms


def _plans(group: str, kinds: tuple[tuple[str, str, Callable[[str], bool]], ...], sent: list[Any]) -> list[Plan]:
    """Explain the first query of each kind among those sent."""
    plans: dict[str, Plan] = {}
    for sql, params in sent:
        for label, expected, test in kinds:
            if label in plans or not test(sql):
                continue
            text = _explain(sql, params)
            used, scanned, sorts = _read(text)
            aliases = {alias: table for table, alias in re.findall(r'"(\w+)" "?([A-Z]\d+)\b', sql)}
            scans = {aliases.get(t, t): _rows(aliases.get(t, t)) for t in scanned}
            unordered = None
            bare = re.sub(r" ORDER BY [^()]*$", "", sql)
            if group == "repeats" and expected and expected not in used and bare != sql and "LIMIT" not in sql:
                bare_text = _explain(bare, params)
                bare_used, _scans, _sorts = _read(bare_text)
                unordered = {"indexes": bare_used, "median_ms": _sql_ms(bare, params), "text": bare_text}
            ms = _sql_ms(sql, params)
            plans[label] = Plan(group, label, expected, used, scans, sorts, ms, text, unordered)
    return [plans[label] for label, _expected, _test in kinds if label in plans]


def _capturing(sent: list[Any]) -> Callable[..., Any]:
    def capture(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    return capture


def explain_all(world: BenchWorld) -> list[Plan]:
    """The plans of repeat detection's own queries, and of the list's and the map's: the SQL and
    parameters they send, captured while they run, then EXPLAINed (PostgreSQL) or EXPLAIN QUERY
    PLANned (SQLite), and timed as SQL alone. Repeat detection's are captured on the fresh
    incident and explained in its transaction, before the rollback."""
    sent: list[Any] = []

    def body(incident: Incident) -> list[Plan]:
        with connection.execute_wrapper(_capturing(sent)):
            repeats.detect(actor=world.pcso, incident=incident, meta=NO_META)
        return _plans("repeats", REPEAT_QUERIES, sent)

    plans = _on_fresh_incident(world, body)
    client = _client(world.supervisor)
    nb = world.incident_world.neighbourhood
    pages = -(-world.incidents_in_neighbourhood // 50)
    since = timezone.localdate() - dt.timedelta(days=MAP_DAYS)
    for url, kinds in (
        (f"{LIST_URL}?neighbourhood={nb.pk}&page=100", (COUNT_QUERY, _page_query(100))),
        (f"{LIST_URL}?neighbourhood={nb.pk}&page={pages}", (_page_query(pages),)),
        (f"{MAP_URL}?neighbourhood={nb.pk}&date_from={since.isoformat()}", (MAP_QUERY,)),
    ):
        sent = []
        with connection.execute_wrapper(_capturing(sent)):
            client.get(url)
        plans += _plans("list", kinds, sent)
    return plans


def plan_dicts(plans: list[Plan]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(plan) | {"uses_expected": plan.uses_expected} for plan in plans]


def run_all(world: BenchWorld) -> list[Result]:
    client = _client(world.supervisor)
    pages = -(-world.incidents_in_neighbourhood // 50)
    return [
        list_page(world, client, 1),
        list_page(world, client, 100),
        list_page(world, client, pages),
        map_data(world, client),
        detect(world),
    ]
