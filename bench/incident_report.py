"""The incidents parts of docs/performance.md: the data, what (d)-(f) measure, the query plans and
the findings drawn from them. Runs in `bench.__main__`, without Django set up."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import EngineRun

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _ms(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def _result(run: EngineRun, key: str) -> dict[str, Any] | None:
    return next((r for r in run.results if r["key"] == key and r["stats"]), None)


def _median(run: EngineRun, key: str) -> float | None:
    result = _result(run, key)
    return float(result["stats"]["median_ms"]) if result else None


def _names(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "none"


def _own_indexes(names: list[str]) -> str:
    """The incidents tables' indexes, and how many others (the scope's subqueries, primary keys)."""
    own = [n for n in names if n.startswith("incidents_")]
    others = len(names) - len(own)
    shown = _names(own) if own else "none of the incidents indexes"
    return f"{shown} (+ {others} other{'s' if others != 1 else ''})" if others else shown


def _own_scans(plan: dict[str, Any]) -> dict[str, int]:
    """The incidents tables a plan reads whole (not the scope's small tables)."""
    return {t: n for t, n in plan["full_scans"].items() if t.startswith("incidents_")}


def _scans(scans: dict[str, int]) -> str:
    return ", ".join(f"`{table}` ({rows:,} rows)" for table, rows in scans.items())


def data_text(world: dict[str, Any]) -> list[str]:
    return [
        f"The force also has **{world['incidents']:,} incidents** over five years: "
        f"**{world['incidents_in_neighbourhood']:,} in one busy neighbourhood** (the PCSO's, in the "
        f"supervisor's team; the list, the map and repeat detection are measured there) and the rest "
        f"spread over the other {world['neighbourhoods'] - 1}. {world['incidents_shape']} "
        f"In all, {world['incident_people']:,} records of people involved. Built with `bulk_create` too "
        f"(not through the services: no audit events, no repeat detection) in "
        f"{world['incidents_build_seconds']:.1f} s, not timed; ids in time order, as incidents are logged.",
    ]


MEASURES = [
    "* **(d) Incident list page**: `GET /incidents/?neighbourhood=<the busy one>&page=N` over the test "
    "client as the neighbourhood's supervisor (a sergeant whose team holds it): middleware, session, "
    "the filter form, `selectors.incidents_matching` through `paginate` (a count and an OFFSET page of "
    "50, with force, neighbourhood and author joined) and the template. Page 1, page 100 (OFFSET 4,950) "
    "and the last page (OFFSET 49,950, the depth limits.md §4c measured). The page is checked to hold "
    "the right rows once, untimed.",
    "* **(e) Map data**: `GET /incidents/map.geojson?neighbourhood=<the busy one>&date_from=<90 days "
    "ago>` as the supervisor: `selectors.map_features` (the rows, at most 5,000, as tuples; a count only "
    "when truncated) and the JSON response. The floor is limits.md §4a's indexed range query "
    "(1,079 rows as tuples) scaled to the points returned; it has no JSON and no HTTP work.",
    "* **(f) Repeat detection**: `beatbook.incidents.repeats.detect` on a fresh incident, saved "
    "(untimed) inside a transaction that is rolled back after each run, so every run sees the same "
    "data: an ASB incident at the centre of the busiest hot spot, logged now, with the person who is "
    "most often a victim and a new reporting person who lives at the second most frequent address. "
    "That takes every path: the rules, the incident's people, the victim and community-trigger queries "
    "by name key and by address key, the repeat-location box, the flags, and each alert raised with its "
    "audit event. The floor is one indexed round trip per query.",
]


def plans_section(runs: list[EngineRun]) -> list[str]:
    rows = [
        "| Query | Database | Indexes the plan uses | Meant to use | Uses it | Reads a table whole | Sorts "
        "| SQL alone, median ms |",
        "| --- | --- | --- | --- | --- | --- | --- | ---: |",
    ]
    details: list[str] = []
    unordered: list[str] = []
    for run in runs:
        name = VENDOR_NAMES[run.vendor]
        for plan in run.plans:
            uses = {True: "yes", False: "**no**", None: ""}[plan["uses_expected"]]
            expected = f"`{plan['expected']}`" if plan["expected"] else ""
            rows.append(
                f"| {plan['label']} | {name} | {_own_indexes(plan['indexes'])} | {expected} | {uses} | "
                f"{_scans(plan['full_scans'])} | {'yes' if plan['sorts'] else ''} | "
                f"{_ms(plan['median_ms'])} |"
            )
            if plan["unordered"]:
                bare = plan["unordered"]
                unordered.append(
                    f"* **{name}, {plan['label']}**: without its `ORDER BY` the plan uses "
                    f"{_names(bare['indexes'])} ({_ms(bare['median_ms'])} ms as SQL alone, against "
                    f"{_ms(plan['median_ms'])} ms with it)."
                )
            variants = [(plan["label"], plan["text"])]
            if plan["unordered"]:
                variants.append((f"{plan['label']}, without its ORDER BY", plan["unordered"]["text"]))
            for label, text in variants:
                details += [
                    f"<details><summary>{name}: {label}</summary>",
                    "",
                    "```text",
                    text,
                    "```",
                    "",
                    "</details>",
                    "",
                ]
    intro = (
        "Each query was captured as the app sent it (SQL and parameters) while it ran on the data above, "
        "then explained on it: `EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite. Repeat "
        "detection's were captured on the fresh incident of (f) and explained in its transaction; the "
        "list's and the map's on the requests of (d) and (e). \"SQL alone\" is the captured SQL run on a "
        "cursor (3 warm-ups, median of 20 runs). A query that did not run (the victim's address is "
        "looked up only when the name finds no repeat) is not listed."
    )
    lines = ["## Query plans of the incidents queries", "", intro, "", *rows, ""]
    if unordered:
        lines += [
            "Where a plan does not use the index it is meant to and the query ends in an `ORDER BY` "
            "(the model's default ordering, which a set of times or a count does not need), the same "
            "query without it:",
            "",
            *unordered,
            "",
        ]
    return [*lines, "### The plans", "", *details]


def findings(runs: list[EngineRun]) -> list[str]:
    lines: list[str] = []
    for run in runs:
        name = VENDOR_NAMES[run.vendor]
        repeats = [p for p in run.plans if p["group"] == "repeats" and p["expected"]]
        good = [p for p in repeats if p["uses_expected"]]
        bad = [p for p in repeats if not p["uses_expected"]]
        if good:
            lines.append(
                f"* **{name}: {len(good)} of repeat detection's {len(repeats)} person and place queries use "
                f"their index** ({'; '.join(f'{p["label"]}: `{p["expected"]}`' for p in good)})."
            )
        lines.extend(
            f"* **{name}: the query \u201c{plan['label']}\u201d does not use `{plan['expected']}`.** "
            f"Its plan uses {_names(plan['indexes'])}. {_why_not(plan)}"
            for plan in bad
        )
        sorting = [p for p in repeats if p["sorts"]]
        if sorting:
            how_many = (
                f"all {len(repeats)}" if len(sorting) == len(repeats) else f"{len(sorting)} of these {len(repeats)}"
            )
            lines.append(
                f"* **{name}: {how_many} queries sort their rows** by the model's "
                "default ordering, which they do not need (they collect incident times; `densest_window` "
                "sorts them itself). `.order_by()` on them would drop the sort: a suggestion for the lead, "
                "to be checked against these plans, as it can change the index a plan picks."
            )
        scans = [p for p in run.plans if p["group"] == "repeats" and p["full_scans"]]
        if repeats and not scans:
            lines.append(f"* **{name}: no query of repeat detection reads a table whole.**")
        lines.extend(
            f"* **{name}: \u201c{plan['label']}\u201d reads {_scans(plan['full_scans'])} whole** "
            "(the row count is at the time of the plan, inside (f)'s transaction)."
            for plan in scans
        )
        deep = [r for r in run.results if r["key"].startswith("incident_list_") and r["stats"]]
        first = _median(run, "incident_list_1")
        if len(deep) > 1 and first:
            text = ", ".join(
                f"page {int(r['key'].rsplit('_', 1)[1]):,}: {_ms(r['stats']['median_ms'])} ms" for r in deep
            )
            why = []
            sorts = False
            for plan in run.plans:
                if not plan["label"].startswith("list: page"):
                    continue
                own = _own_scans(plan)
                how = [f"reads {_scans(own)} whole"] if own else []
                how += ["sorts"] if plan["sorts"] else []
                sorts = sorts or plan["sorts"]
                how.append(f"{_ms(plan['median_ms'])} ms as SQL alone")
                why.append(f"{plan['label'].removeprefix('list: ')} {', '.join(how)}")
            sort_note = (
                " The index is (neighbourhood, occurred_at) while the list orders by occurred_at and id, "
                "so the plan sorts the rows up to the page."
                if sorts
                else ""
            )
            lines.append(
                f"* **{name}: the deep list pages cost more ({text}; the last is "
                f"{float(deep[-1]['stats']['median_ms']) / first:,.1f}x page 1).** An OFFSET page reads and "
                f"skips every row before it: {'; '.join(why)}.{sort_note} Keyset pagination (limits.md "
                "§4c: flat at any depth) on an index ending in id would make every page cost about what "
                "page 1 does."
            )
        count = next((p for p in run.plans if p["label"].startswith("list: count")), None)
        if count:
            own = _own_scans(count)
            whole = (
                f", reading {_scans(own)} whole: the busy neighbourhood holds most of this test table, so "
                "that is the cheap plan here; where a neighbourhood is a small share of the table the "
                "planner would be expected to use the index (not measured)"
                if own
                else ""
            )
            lines.append(
                f"* **{name}: every list page counts the neighbourhood's incidents** "
                f"({_ms(count['median_ms'])} ms as SQL alone{whole})."
            )
        map_result = _result(run, "incident_map")
        map_plan = next((p for p in run.plans if p["label"].startswith("map:")), None)
        if map_result and map_plan:
            median = float(map_result["stats"]["median_ms"])
            lines.append(
                f"* **{name}: the map's rows take {_ms(map_plan['median_ms'])} ms as SQL alone of the "
                f"request's {_ms(median)} ms** ({map_result['note']}): about "
                f"{(median - map_plan['median_ms']) / median:.0%} is Python building the features and "
                "the JSON, middleware and session."
            )
        lines.extend(_collections(run))
        detect = _result(run, "repeats_detect")
        if detect:
            lines.append(
                f"* **{name}: repeat detection takes {_ms(detect['stats']['median_ms'])} ms "
                f"(p95 {_ms(detect['stats']['p95_ms'])}) in {detect['queries']} queries** with "
                f"{run.world['incidents']:,} incidents in the force; {detect['note']}. Most of the "
                "queries are the writes: each alert raised is a locked read, an insert and an audit event "
                "(the chain head locked, the event inserted, the head moved on)."
            )
    return lines


def _collections(run: EngineRun) -> list[str]:
    """Requests whose p95 stands well above the median while full garbage collections ran."""
    lines = []
    for result in run.results:
        found = re.search(
            r"(\d+) full garbage collections? in the warm-ups and runs, ([\d,]+) ms in all", result["note"]
        )
        stats = result["stats"]
        if not (found and stats and result["key"].startswith("incident_")):
            continue
        count, total = int(found.group(1)), float(found.group(2).replace(",", ""))
        median, p95 = float(stats["median_ms"]), float(stats["p95_ms"])
        if p95 < 1.5 * median:
            continue
        gap, each = p95 - median, total / count
        verdict = (
            "about the gap: the slow runs are the collector, run because each response allocates many Python objects."
            if 0.5 <= each / gap <= 2
            else "so they do not account for the gap alone."
        )
        lines.append(
            f"* **{VENDOR_NAMES[run.vendor]}: {result['name'].split(' as ')[0]} has a p95 of {_ms(p95)} ms, "
            f"{p95 / median:.1f}x its median.** Its {count} full garbage collection{'s' if count != 1 else ''} "
            f"took {each:,.0f} ms each on average against a gap of {_ms(gap)} ms, {verdict}"
        )
    return lines


def _why_not(plan: dict[str, Any]) -> str:
    """What the plan without its ORDER BY says about a query that misses its index."""
    bare = plan["unordered"]
    expected, ordered_ms = plan["expected"], plan["median_ms"]
    if bare and expected in bare["indexes"]:
        if bare["median_ms"] < ordered_ms:
            return (
                f"Without its `ORDER BY` (the model's default ordering, which the query does not need) it "
                f"uses `{expected}` and takes {_ms(bare['median_ms'])} ms as SQL alone instead of "
                f"{_ms(ordered_ms)} ms: no index is missing; the suggestion for the lead is `.order_by()` on "
                "the query in `beatbook/incidents/repeats.py`."
            )
        return (
            f"The `ORDER BY` (the model's default ordering, `-occurred_at, -id`) makes the planner prefer "
            f"an index that delivers that order. Without it the plan uses `{expected}`, but takes "
            f"{_ms(bare['median_ms'])} ms as SQL alone against {_ms(ordered_ms)} ms: on this data the plan "
            "chosen is the faster one. Both read an index range, neither reads the force's incidents, so no "
            "index is missing and nothing needs to change now. How they grow differs: the time-window plan "
            "with the force's incidents in the window, the point plan with the incidents of every year in "
            "the box's band of latitude across the force."
        )
    if plan["full_scans"]:
        return (
            f"It reads {_scans(plan['full_scans'])} whole: an index on the columns it filters by, as "
            f"`{expected}` is meant to be, is missing or not usable."
        )
    return "It is served by another index instead."


NOT_YET = [
    "## Not benchmarked yet",
    "",
    "* **The hot-spot planner** does not exist yet; its benchmark comes with it (limits.md §5 has the "
    "floors: a force-year of about 50,000 points in 29 ms with numpy/h3, 10 ms as SQL on a precomputed "
    "cell).",
    "",
]
