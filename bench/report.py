"""Write docs/performance.md from the benchmark processes' results."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django

from . import cohort_report, floors, incident_report, opendata_report, planner_report, powers_report

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class EngineRun:
    vendor: str
    version: str
    world: dict[str, Any]
    results: list[dict[str, Any]]
    load: tuple[float, float]  # the 1-minute load average before and after the run
    plans: list[dict[str, Any]]  # repeat detection's query plans (bench.incident_cases.Plan)
    planner: dict[str, Any] = field(default_factory=dict)  # the hot-spot planner's data (bench.planner_cases)
    powers: dict[str, Any] = field(default_factory=dict)  # the powers check's data and results (bench.powers_cases)
    opendata: dict[str, Any] = field(default_factory=dict)  # crimes-street and the CSV import (bench.opendata_cases)
    cohort: dict[str, Any] = field(default_factory=dict)  # the cohort dashboard's data and results (bench.cohort_cases)


def _ms(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def _ratio(result: dict[str, Any], vendor: str) -> str:
    floor: floors.Floor | None = getattr(floors, result["floor"], None) if result["floor"] else None
    stats = result["stats"]
    if floor is None or stats is None:
        return ""
    floor_ms = floor.for_vendor(vendor)
    if floor_ms is None:
        return f"no {VENDOR_NAMES[vendor]} floor ({floor.source})"
    source = floor.source
    if result.get("floor_basis"):
        floor_ms *= result["floor_scale"]
        source = f"{source}, {result['floor_basis']}"
    ours = stats["p95_ms"] if floor.statistic == "p95" else stats["median_ms"]
    ratio = ours / floor_ms
    shown = f"{ratio:,.0f}" if ratio >= 100 else f"{ratio:.1f}"
    return f"**{shown}x** {floor.statistic} vs {floor_ms:.3g} ms ({source})"


def _table(runs: list[EngineRun]) -> list[str]:
    return results_table([(run.vendor, run.results) for run in runs])


def results_table(pairs: list[tuple[str, list[dict[str, Any]]]]) -> list[str]:
    """The results of each (vendor, results) as a table, with their ratios to the floors."""
    lines = [
        "| Benchmark | Database | Runs | Median ms | p95 ms | Min ms | Queries | Ratio to the floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for vendor, results in pairs:
        name = VENDOR_NAMES[vendor]
        for result in results:
            stats = result["stats"]
            if stats is None:
                lines.append(f"| {result['name']} | {name} | | | | | | {result['note']} |")
                continue
            queries = "" if result["queries"] is None else str(result["queries"])
            ratio = _ratio(result, vendor)
            if result["note"]:
                ratio = f"{ratio}; {result['note']}" if ratio else result["note"]
            lines.append(
                f"| {result['name']} | {name} | {stats['runs']:,} | {_ms(stats['median_ms'])} | "
                f"{_ms(stats['p95_ms'])} | {_ms(stats['min_ms'])} | {queries} | {ratio} |"
            )
    return lines


def write(runs: list[EngineRun], skipped: list[str]) -> Path:
    world = runs[0].world
    databases = "; ".join(f"{VENDOR_NAMES[r.vendor]} {r.version}" for r in runs)
    floor_rows = [
        f"| {f.label} | {_g(f.sqlite_ms)} | {_g(f.postgresql_ms)} | {f.source} |"
        for f in (
            floors.LIST_PAGE,
            floors.HTTP_LIST,
            floors.POINT_LOOKUP,
            floors.ROUND_TRIP,
            floors.ROWS_FETCH,
            floors.HOT_SPOT_ARRAYS,
            floors.HOT_SPOT_FETCHED,
        )
    ]
    text = "\n".join(
        [
            "# Performance",
            "",
            f"Written by `make bench` (`python -m bench`) on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. "
            "Do not edit it by hand: run the benchmarks again.",
            "",
            "## Machine",
            "",
            "| Item | Value |",
            "| --- | --- |",
            f"| CPU cores (`os.cpu_count()`) | {os.cpu_count()} |",
            f"| Python | {platform.python_version()} ({platform.python_implementation()}) |",
            f"| Django | {django.get_version()} |",
            f"| Databases | {databases} |",
            *[f"| Not run | {note} |" for note in skipped],
            *[
                f"| Load average (1 min) before / after the {VENDOR_NAMES[r.vendor]} run | "
                f"{r.load[0]:.1f} / {r.load[1]:.1f} |"
                for r in runs
            ],
            "",
            "Timed in one process, with the database on the same machine (SQLite in-process, in WAL mode "
            "as Beatbook runs it; PostgreSQL over a local connection). The machine is shared: a load "
            "average above the core count means other work competed for the CPU and the figures, the p95 "
            "most, are pessimistic; the minimum is the least disturbed figure. Compare the figures only "
            "with runs on the same kind of machine.",
            "",
            "## Data",
            "",
            f"One force with {world['neighbourhoods']} neighbourhoods (a 10 x 20 grid of cells about 2 km "
            "across, each boundary a 40-vertex polygon), "
            f"{world['teams']} teams of 4 neighbourhoods, {world['people']:,} people and "
            f"{world['postings']:,} postings: 1,600 PCSOs and constables posted to neighbourhoods (8 each), "
            "50 sergeants posted to teams, 350 force-wide roles including one force administrator, and "
            f"{world['ended_postings']:,} ended postings. Built with `bulk_create` (benchmark data, not "
            f"application writes, so no audit events) in "
            f"{world['build_seconds'] - world['incidents_build_seconds']:.1f} s, not timed. "
            "PostgreSQL gets an `ANALYZE` after the load, as autovacuum would soon run; SQLite none, as "
            "Beatbook runs none.",
            "",
            *incident_report.data_text(world),
            "",
            *planner_report.data_text(runs),
            "",
            "## Results",
            "",
            "Times are wall times in milliseconds. The ratio divides our figure (p95, or the median where "
            "the floor is a per-request average) by the floor's: 1x is the floor, 10x is ten times its "
            "time. The floors measure the bare database or HTTP work; Beatbook adds the ORM, the access "
            "policy and, for pages, sessions, middleware and templates, so several times the floor is "
            "expected.",
            "",
            *_table(runs),
            "",
            "## What each benchmark measures",
            "",
            "* **(a) People list selector**: `beatbook.org.selectors.people_visible_to(force admin)` "
            "through `beatbook.core.pagination.paginate`, 50 people materialised with their force, partner "
            "organisation and active postings (with neighbourhood and team). The administrator sees all "
            "2,000 people, so this is the largest page a force shows; page 1 and the last page (an "
            "OFFSET of 1,950) are both timed. Three queries: the count, the page, the postings prefetch. "
            'The "SQL only" row runs page 1\'s count and page queries compiled once, on a cursor.',
            "* **(a) People list page**: `GET /org/people/` over Django's test client as the force "
            "administrator: middleware, session, the view and its template, without an HTTP server "
            "(the floor, from gunicorn under wrk, also has the HTTP work, so this ratio flatters us "
            "slightly). Skipped, with a note, if the page does not exist.",
            "* **(b) Point in neighbourhood**: `beatbook.org.selectors.neighbourhood_containing(lat, lng)` "
            "for 1,000 uniform random points over the grid and a 5 % margin round it: a bounding-box "
            "query in SQL, then shapely on the candidates' boundaries. Reported per call and per 1,000 "
            "calls.",
            "* **(c) Scope**: `beatbook.org.policy.neighbourhoods_in_scope(actor)` materialised, for a "
            "PCSO (one neighbourhood), a sergeant posted to a team (four) and, for comparison, the force "
            "administrator (all 200). One query with three `IN` subqueries; every scoped list is "
            'built on it. The "SQL only" row runs the PCSO\'s query compiled once, on a cursor: the '
            "difference from the row above is Django building and compiling the queryset.",
            "* **PostgreSQL `jit` on** (PostgreSQL only): the people list again after `SET jit = on`; "
            "Beatbook's settings turn JIT off for its connections (see Findings).",
            *incident_report.MEASURES,
            *planner_report.MEASURES,
            "",
            *_findings(runs),
            *incident_report.plans_section(runs),
            *powers_report.section(runs),
            *opendata_report.section(runs),
            *cohort_report.section(runs),
            "## Floors",
            "",
            "The floors are from the machine limits measured for this project before Beatbook existed "
            "(limits.md: §1 for the method, §7 for the table), on 2 vCPUs with stock PostgreSQL 15.",
            "",
            "| Floor | SQLite ms | PostgreSQL ms | Source |",
            "| --- | ---: | ---: | --- |",
            *floor_rows,
            "",
            "## Method",
            "",
            "The method of limits.md §1 and §9: untimed set-up, untimed warm-up runs, then timed runs with "
            "`time.perf_counter()`; median and p95 (linear interpolation, numpy's default). Selectors: 3 "
            "warm-ups and 30 runs (a case slower than about 1 s a run gets fewer, at least 5, as limits.md "
            "did for runs of seconds); scope queries: 5 warm-ups and 50 runs; point lookups: a warm-up pass "
            "of 100 points, then 3 passes of 1,000 (3,000 timed calls); incident pages and the map: 3 "
            "warm-ups and 30 requests; repeat detection: 3 warm-ups and 30 runs, each on a fresh incident "
            "saved untimed in a transaction rolled back after it; the hot-spot planner: 2 warm-ups and 20 "
            "runs (its evaluation 3 and 30), and the peak of Python's allocations from one extra run under "
            "`tracemalloc`. Query counts come from one extra "
            "run. Each database engine runs in its own process on a throwaway, migrated database that is "
            "dropped afterwards. Run it: `make bench` (SQLite), or with `DATABASE_URL` set for "
            "PostgreSQL as well.",
            "",
        ]
    )
    DOC.write_text(text, encoding="utf-8")
    return DOC


def _median(runs: list[EngineRun], vendor: str, key: str) -> float | None:
    for run in runs:
        if run.vendor == vendor:
            for result in run.results:
                if result["key"] == key and result["stats"]:
                    return float(result["stats"]["median_ms"])
    return None


def _findings(runs: list[EngineRun]) -> list[str]:
    """Observations computed from this run's figures (only those the figures support)."""
    lines: list[str] = []
    jit_off = _median(runs, "postgresql", "people_page_1")
    jit_on = _median(runs, "postgresql", "people_page_1_jit_on")
    if jit_on is not None and jit_off is not None:
        lines.append(
            f"* **PostgreSQL JIT.** Page 1 of the people list takes {_ms(jit_off)} ms as Beatbook runs it "
            f"(`jit = off` in its connection options) and {_ms(jit_on)} ms with the server's stock "
            f"`jit = on` ({jit_on / jit_off:,.1f}x). The first scope queries (correlated, nested "
            "`EXISTS`) had estimates above `jit_above_cost` and took seconds a page with JIT on; the "
            "scopes are now uncorrelated `IN` subqueries, and JIT stays off as a guard."
        )
    for vendor in ("sqlite", "postgresql"):
        for key, title, what in (
            ("scope_pcso", "the scope query", "The PCSO's scope"),
            ("people_page_1", "the people list", "Page 1 of the people list"),
        ):
            orm = _median(runs, vendor, key)
            sql = _median(runs, vendor, f"{key}_sql")
            if orm is not None and sql is not None and orm > 2 * sql:
                lines.append(
                    f"* **{VENDOR_NAMES[vendor]}: {title} is mostly Django.** {what} takes "
                    f"{_ms(orm)} ms through the ORM and {_ms(sql)} ms as SQL alone: about "
                    f"{(orm - sql) / orm:.0%} of each call builds and compiles the nested scope querysets "
                    "and turns rows into objects."
                )
    lines += incident_report.findings(runs)
    lines += planner_report.findings(runs)
    return ["## Findings", "", *lines, ""] if lines else []


def _g(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"
