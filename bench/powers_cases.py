"""Benchmarks of the powers check (`beatbook.powers.check`) on a force's designation history.

The data: a force of its own ("Powershire") with the baseline catalogue, the chief officer's
force designations (every power from 2015, some changed or ended on the way), 10,000 officers and
about 30,000 designations over ten years conferring 100,000 designated powers: each officer's
designations follow one another, each ending by expiry or by withdrawal (the next one starting
the same day), the last usually open. Written with bulk_create (benchmark data, not
application writes), after the other benchmarks have run, so their tables stay as they were
measured.

The cases: (m) `check_power` for random (officer, power, moment) triples and (n) `powers_held_at`
for random (officer, moment) pairs, each call timed on its own; their queries per call, counted
on every call of a sample, which must be constant (3 and 2); and the plans of those queries.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction

from beatbook.org.models import Force, Person
from beatbook.org.services import system_actor
from beatbook.powers.check import check_power, powers_held_at
from beatbook.powers.models import Designation, DesignationPower, ForceDesignation, Power
from beatbook.powers.reference import DETAIN, DISPERSAL, SEIZE_VEHICLE
from beatbook.powers.services.loader import catalogue_load

from .cases import Result
from .incident_cases import _capturing, _explain, _read, _rows
from .timing import count_queries, measure, summarise

OFFICERS = 10_000
DESIGNATIONS = 30_000
DESIGNATED_POWERS = 100_000
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
CALLS = 2_000
WARMUP = 200
QUERY_SAMPLE = 200  # calls whose queries are counted one by one
CHECK_QUERIES = 3
HELD_QUERIES = 2


@dataclass(frozen=True)
class PowersWorld:
    force: Force
    officers: list[Person]
    codes: list[str]
    designations: int
    designated_powers: int
    withdrawn: int
    expired: int
    open: int
    force_designations: int
    build_seconds: float

    def describe(self) -> str:
        return (
            f"A force of its own with the baseline catalogue ({len(self.codes)} powers), "
            f"{self.force_designations} force designations (every power from {FIRST_DAY:%-d %B %Y}; detention's "
            "limit changed in 2020, the s.59 vehicle seizure ended in 2022 and designated again in 2023, the "
            f"dispersal direction not designated until 2017), **{len(self.officers):,} officers** and "
            f"**{self.designations:,} designations conferring {self.designated_powers:,} designated powers** "
            f"between {FIRST_DAY:%Y} and {LAST_DAY:%Y}: each officer's designations follow one another, "
            f"{self.withdrawn:,} withdrawn (the next starting that day), {self.expired:,} expired and "
            f"{self.open:,} open. Built with `bulk_create` after the other benchmarks had run in "
            f"{self.build_seconds:.1f} s, not timed."
        )


def _sizes(rng: random.Random, count: int, total: int, low: int, high: int) -> list[int]:
    """`count` integers in [low, high] that add up to `total`."""
    sizes = [rng.randint(low, high) for _ in range(count)]
    while (excess := sum(sizes) - total) != 0:
        i = rng.randrange(count)
        if excess > 0 and sizes[i] > low:
            sizes[i] -= 1
        elif excess < 0 and sizes[i] < high:
            sizes[i] += 1
    return sizes


def build(seed: int = 20261126) -> PowersWorld:
    started = time.perf_counter()
    rng = random.Random(seed)
    system = system_actor()
    with transaction.atomic():
        force = Force.objects.create(slug="powershire", name="Powershire Police", country="england", short_code="POW")
        catalogue_load(actor=system, force=force)
        powers = list(Power.objects.filter(force=force).order_by("id"))
        by_code = {p.code: p for p in powers}
        windows: list[tuple[Power, dt.date, dt.date | None, dict[str, Any]]] = []
        for power in powers:
            if power.code == DETAIN:
                windows += [
                    (power, FIRST_DAY, dt.date(2019, 12, 31), {}),
                    (power, dt.date(2020, 1, 1), None, {"limit_minutes": 20}),
                ]
            elif power.code == SEIZE_VEHICLE:
                windows += [(power, FIRST_DAY, dt.date(2022, 3, 31), {}), (power, dt.date(2023, 1, 1), None, {})]
            elif power.code == DISPERSAL:
                windows.append((power, dt.date(2017, 1, 1), None, {}))
            else:
                windows.append((power, FIRST_DAY, None, {}))
        ForceDesignation.objects.bulk_create(
            ForceDesignation(
                force=force,
                power=power,
                valid_from=first,
                valid_to=last,
                parameters=parameters,
                decision_reference="Benchmark designation",
                created_by=system,
            )
            for power, first, last, parameters in windows
        )
        officers = Person.objects.bulk_create(
            [
                Person(
                    username=f"pow-pcso-{n:05d}",
                    display_name=f"PCSO {n:05d}",
                    force=force,
                    password="!",  # noqa: S106 (unusable: benchmark people never log in)
                )
                for n in range(OFFICERS)
            ],
            batch_size=1_000,
        )
        per_officer = _sizes(rng, OFFICERS, DESIGNATIONS, 1, 5)
        rows: list[Designation] = []
        ends = {"withdrawn": 0, "expired": 0, "open": 0}
        span = (LAST_DAY - FIRST_DAY).days
        for officer, count in zip(officers, per_officer, strict=True):
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(span // 3))
            length = max(30, (LAST_DAY - day).days // count)
            for k in range(count):
                last_one = k == count - 1
                end = "open" if last_one and rng.random() < 0.85 else rng.choice(["withdrawn", "expired"])
                days = rng.randint(length // 2, length)
                until = day + dt.timedelta(days=days)
                withdrawn_at = None
                if end == "withdrawn":
                    withdrawn_at = dt.datetime(until.year, until.month, until.day, tzinfo=dt.UTC) + dt.timedelta(
                        minutes=rng.randrange(8 * 60, 18 * 60)
                    )
                rows.append(
                    Designation(
                        force=force,
                        reference=f"POW-DES-{len(rows) + 1:06d}",
                        person=officer,
                        valid_from=day,
                        valid_to=until if end == "expired" else None,
                        signed_by_name="Chief Constable (benchmark)",
                        signed_on=day,
                        withdrawn_at=withdrawn_at,
                        withdrawn_by=system if withdrawn_at else None,
                        withdrawal_reason="Superseded" if withdrawn_at else "",
                        created_by=system,
                    )
                )
                ends[end] += 1
                # The next designation starts the day this one is withdrawn, or a few days after it expired.
                day = until if end == "withdrawn" else until + dt.timedelta(days=rng.randint(1, 20))
        designations = Designation.objects.bulk_create(rows, batch_size=1_000)
        per_designation = _sizes(rng, len(designations), DESIGNATED_POWERS, 1, 7)
        designated = [
            DesignationPower(designation=designation, power=power)
            for designation, size in zip(designations, per_designation, strict=True)
            for power in rng.sample(powers, size)
        ]
        DesignationPower.objects.bulk_create(designated, batch_size=1_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return PowersWorld(
        force=force,
        officers=officers,
        codes=sorted(by_code),
        designations=len(designations),
        designated_powers=len(designated),
        withdrawn=ends["withdrawn"],
        expired=ends["expired"],
        open=ends["open"],
        force_designations=len(windows),
        build_seconds=time.perf_counter() - started,
    )


def _moment(rng: random.Random) -> dt.datetime:
    span = int((dt.datetime(2026, 1, 1, tzinfo=dt.UTC) - dt.datetime(2015, 1, 1, tzinfo=dt.UTC)).total_seconds())
    return dt.datetime(2015, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(span))


def check_case(world: PowersWorld, seed: int = 1) -> list[Result]:
    """(m) `check_power(person, force, code, at)` for random triples, each call timed; and the
    times of the calls that held apart (every one of them runs all three queries)."""
    rng = random.Random(seed)
    triples = [
        (rng.choice(world.officers), rng.choice(world.codes), _moment(rng))
        for _ in range(WARMUP + QUERY_SAMPLE + CALLS)
    ]

    def call(triple: tuple[Person, str, dt.datetime]) -> bool:
        person, code, moment = triple
        return check_power(person=person, force=world.force, code=code, at=moment).held

    for triple in triples[:WARMUP]:
        call(triple)
    counts = {count_queries(partial(call, triple)) for triple in triples[WARMUP : WARMUP + QUERY_SAMPLE]}
    times: list[float] = []
    held_times: list[float] = []
    for triple in triples[WARMUP + QUERY_SAMPLE :]:
        started = time.perf_counter()
        held = call(triple)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        if held:
            held_times.append(elapsed)
    queries = max(counts)
    return [
        Result(
            "powers_check",
            f"(m) `check_power` for a random (officer, power, moment), {world.designated_powers:,} designated powers",
            summarise(times),
            queries,
            "ROUND_TRIP",
            note=f"{len(held_times) / CALLS:.0%} held; queries per call over {QUERY_SAMPLE} calls: {_counts(counts)}",
            floor_scale=queries,
            floor_basis=f"x {queries} queries",
        ),
        Result(
            "powers_check_held",
            "(m) the same calls, those that held only",
            summarise(held_times),
            CHECK_QUERIES,
            "ROUND_TRIP",
            floor_scale=CHECK_QUERIES,
            floor_basis=f"x {CHECK_QUERIES} queries",
        ),
    ]


def held_case(world: PowersWorld, seed: int = 2) -> Result:
    """(n) `powers_held_at(person, at)` for random pairs, each call timed."""
    rng = random.Random(seed)
    pairs = [(rng.choice(world.officers), _moment(rng)) for _ in range(WARMUP + QUERY_SAMPLE + CALLS)]

    def call(pair: tuple[Person, dt.datetime]) -> int:
        person, moment = pair
        return len(powers_held_at(person=person, at=moment))

    for pair in pairs[:WARMUP]:
        call(pair)
    counts = {count_queries(partial(call, pair)) for pair in pairs[WARMUP : WARMUP + QUERY_SAMPLE]}
    times: list[float] = []
    listed = 0
    for pair in pairs[WARMUP + QUERY_SAMPLE :]:
        started = time.perf_counter()
        listed += call(pair)
        times.append(time.perf_counter() - started)
    queries = max(counts)
    return Result(
        "powers_held_at",
        "(n) `powers_held_at` for a random (officer, moment)",
        summarise(times),
        queries,
        "ROUND_TRIP",
        note=f"{listed / CALLS:.1f} powers held a call on average; queries per call over {QUERY_SAMPLE} calls: "
        f"{_counts(counts)}",
        floor_scale=queries,
        floor_basis=f"x {queries} queries",
    )


def _counts(counts: set[int]) -> str:
    return " or ".join(str(c) for c in sorted(counts))


def _held_example(world: PowersWorld) -> tuple[Person, str, dt.datetime]:
    """An officer with an open designation, one of its powers and a moment it was held."""
    designation = (
        Designation.objects.filter(
            force=world.force, valid_from__lte=dt.date(2025, 6, 1), valid_to__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("person")
        .order_by("id")
        .first()
    )
    assert designation is not None
    code = DesignationPower.objects.filter(designation=designation).values_list("power__code", flat=True).first()
    assert code is not None
    return designation.person, code, dt.datetime(2025, 12, 1, 12, tzinfo=dt.UTC)


def explain_all(world: PowersWorld) -> list[dict[str, Any]]:
    """The plans of (m)'s three queries on a check that holds, and of (n)'s two: captured as sent,
    then EXPLAINed (PostgreSQL) or EXPLAIN QUERY PLANned (SQLite)."""
    person, code, moment = _held_example(world)
    plans: list[dict[str, Any]] = []
    for case, labels, run in (
        (
            "m",
            ["the power in the catalogue", "the force designation in force", "the person's designated power"],
            lambda: check_power(person=person, force=world.force, code=code, at=moment),
        ),
        (
            "n",
            ["the person's designated powers in force", "their force designations"],
            lambda: powers_held_at(person=person, at=moment),
        ),
    ):
        sent: list[Any] = []
        with connection.execute_wrapper(_capturing(sent)):
            run()
        assert len(sent) == len(labels), (case, len(sent))
        for label, (sql, params) in zip(labels, sent, strict=True):
            text = _explain(sql, params)
            indexes, scans, sorts = _read(text)
            plans.append(
                {
                    "case": case,
                    "label": label,
                    "text": text,
                    "sql": sql,
                    "params": list(params),
                    "indexes": indexes,
                    "full_scans": {table: _rows(table) for table in scans},
                    "sorts": sorts,
                }
            )
    return plans


def sql_only_case(plans: list[dict[str, Any]]) -> Result:
    """(m) The three queries of a check that holds, as SQL alone: compiled once (captured as the
    check sent them) and run on a cursor, so the difference from (m) is Django's work."""
    statements = [(plan["sql"], plan["params"]) for plan in plans if plan["case"] == "m"]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return Result(
        "powers_check_sql",
        "(m) the three queries of a check that holds, as SQL only (compiled once, run on a cursor)",
        measure(run, warmup=WARMUP, reps=CALLS),
        len(statements),
        "ROUND_TRIP",
        floor_scale=len(statements),
        floor_basis=f"x {len(statements)} queries",
    )


def round_trip_case() -> Result:
    """(o) `SELECT 1` on Django's cursor: the round trip on this run, for scale."""

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    return Result(
        "powers_round_trip",
        "(o) one trivial round trip (`SELECT 1` on Django's cursor), in the same run, for scale",
        measure(run, warmup=WARMUP, reps=CALLS),
        1,
        "ROUND_TRIP",
    )


def run_all() -> dict[str, Any]:
    """Build the powers data and time the check on it: the world's figures, the results and the
    plans, as JSON-ready values."""
    world = build()
    plans = explain_all(world)
    results = [*check_case(world), sql_only_case(plans), held_case(world), round_trip_case()]
    return {
        "describe": world.describe(),
        "officers": len(world.officers),
        "designations": world.designations,
        "designated_powers": world.designated_powers,
        "build_seconds": world.build_seconds,
        "results": results,
        "plans": [{k: v for k, v in plan.items() if k not in ("sql", "params")} for plan in plans],
    }
