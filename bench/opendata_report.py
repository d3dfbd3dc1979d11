"""The open data's section of docs/performance.md: crimes-street over a force of a million crimes
and the police.uk CSV import, with their ratios to the raw SQL, to COPY and to the machine's
floors. Runs in `bench.__main__`, without Django set up.

`python -m bench` writes the section with the rest of the document; `python -m bench --opendata`
runs the open-data benchmark alone and replaces only this section (`splice`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import EngineRun

HEADING = "## Open data: crimes-street and CSV import"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# limits.md floors (p95 ms, or rows/s): §4a's radius query on the month-leading index (1,079 rows,
# scaled by the rows; a sparse point, 4 rows, unscaled), §4b's polygon as bbox then shapely (1,079
# rows, scaled), §3's bulk loads of 1,000,000 rows into a 10-column table with only its key.
FLOOR_ROWS = 1_079
RADIUS_P95_MS = {"sqlite": 2.27, "postgresql": 2.17}
SPARSE_P95_MS = {"sqlite": 0.03, "postgresql": 0.18}
POLYGON_P95_MS = {"sqlite": 2.17, "postgresql": 2.36}
LOAD_ROWS_PER_S = {"sqlite": 430_305, "postgresql": 480_699}
LOAD_FLOOR_NAME = {
    "sqlite": "SQLite `executemany` in one transaction, 430,305 rows/s (limits.md §3 (c))",
    "postgresql": "PostgreSQL `COPY` of an in-memory CSV, 480,699 rows/s (limits.md §3 (a))",
}
QUERY_RUNS_LABEL = "33"  # 3 warm-ups and 30 timed runs (bench.opendata_cases), whose collections are counted
PATH_ORDER = ("selector", "app", "http", "raw", "raw_json", "raw_pg_polygon")
OWN_INDEX = re.compile(r"^opendata_")

MEASURES = [
    "* **(p), (q), (r) crimes-street, all categories, the latest month.** Each area is answered five ways, "
    "3 warm-ups and 30 timed runs each: **the selector** "
    "(`beatbook.opendata.selectors.crimes.crimes_in_area(area, month=, category=None, cap=10_000)`: a circle "
    "is one query, the month and bounding box on the `(month, lat, lng)` index with the squared flat-earth "
    "distance in SQL; a polygon is the candidates' `(id, lat, lng)` in the box, kept with shapely, then the "
    "rows fetched by id in chunks of 2,000, each with its snap point); **the app path** (the selector, each row "
    "through `beatbook.opendata.serializers.crime` and the list through `json.dumps` with Django's JSON encoder, as "
    "the API's `JsonResponse` does); "
    "**HTTP** (`GET /api/crimes-street/all-crime?lat=..&lng=..&date=..`, or `poly=..`, through Django's test "
    "client: middleware, the view, the JSON response, no HTTP server); **raw SQL** written by hand on the "
    "cursor (the same month, box and distance predicate, the same columns as the selector: every column of "
    "the crime and of its snap point, as tuples; the polygon fetched with its rows in one query and kept with "
    "shapely, prepared and vectorised, as limits.md §4b); and raw SQL with only the 12 columns the JSON needs. "
    "On PostgreSQL the polygon also runs in SQL with the built-in `point <@ polygon` (no PostGIS). Every path's "
    "ids are checked equal to the raw SQL's; the peak of Python's allocations is from one extra run under "
    "`tracemalloc`. **vs raw SQL** divides a path's median (and p95) by the raw SQL's with the same columns.",
    "* **(s) The import**: `beatbook.opendata.services.imports.load_rows(force=, lines=, crime_import=None, "
    "on_progress=None)` given the file's text line by line (as the import job reads its stored file; the text "
    "in memory, untimed) into empty tables (crimes, snap "
    "points and published months emptied, untimed, before each run), 3 runs (no third once the runs "
    "have taken 20 minutes; with 2, the p95 is the slower): rows/s is the file's rows over "
    "the median time. **(t)** The same file again straight after, every row already loaded: the cost of the "
    "idempotence check. **(u)** The same file into a plain table of its 12 columns with no index: PostgreSQL "
    "`COPY ... FROM STDIN (FORMAT csv, HEADER)` through psycopg's `cursor.copy()` in 1 MiB chunks, after "
    "`TRUNCATE` and `CHECKPOINT`; SQLite one `executemany` of the rows parsed by `csv.reader` (untimed), in "
    "one transaction; 1 warm-up and 5 runs, the COMMIT timed. Peak RSS growth is the process's resident "
    "high-water mark during the run (reset before it) minus its resident size before it.",
]


def _ms(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def _s(value_ms: float) -> str:
    return f"{value_ms / 1000:,.2f}"


def _ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 100 else f"{value:.1f}x"


def _runs(runs: list[EngineRun]) -> list[EngineRun]:
    return [run for run in runs if run.opendata]


def _floor_ms(vendor: str, area: dict[str, Any]) -> tuple[float, str]:
    """The limits.md p95 for an area's query, scaled to its rows, and where it comes from."""
    rows = max(area["rows"], 1)
    if area["key"] == "polygon":
        return POLYGON_P95_MS[vendor] * rows / FLOOR_ROWS, "limits.md §4b, scaled"
    if area["rows"] <= 10 * 4:
        return SPARSE_P95_MS[vendor], "limits.md §4a, sparse"
    return RADIUS_P95_MS[vendor] * rows / FLOOR_ROWS, "limits.md §4a, scaled"


def _path(area: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((p for p in area["paths"] if p["key"] == key and p["stats"]), None)


def query_table(runs: list[EngineRun]) -> list[str]:
    lines = [
        "| Case | Path | Database | Rows | Runs | Median ms | p95 ms | Min ms | Queries | Peak MiB | "
        "vs raw SQL (median / p95) | p95 vs the floor |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        for area in run.opendata["areas"]:
            raw = _path(area, "raw")
            floor_ms, floor_source = _floor_ms(run.vendor, area)
            for path in sorted(area["paths"], key=lambda p: PATH_ORDER.index(p["key"])):
                stats = path["stats"]
                if stats is None:
                    lines.append(f"| {area['name']} | {path['name']} | {name} | | | | | | | | | {path['note']} |")
                    continue
                versus = ""
                if raw and path["key"] != "raw":
                    versus = (
                        f"{_ratio(stats['median_ms'] / raw['stats']['median_ms'])} / "
                        f"{_ratio(stats['p95_ms'] / raw['stats']['p95_ms'])}"
                    )
                floor = f"**{_ratio(stats['p95_ms'] / floor_ms)}** vs {floor_ms:.3g} ms ({floor_source})"
                if path["same_ids"] is False:
                    floor += "; **other crimes than the raw SQL's**"
                if path["note"]:
                    floor += f"; {path['note']}"
                queries = "" if path["queries"] is None else str(path["queries"])
                peak = "" if path["peak_mib"] is None else f"{path['peak_mib']:,.1f}"
                lines.append(
                    f"| {area['name']} | {path['name']} | {name} | {path['rows']:,} | {stats['runs']} | "
                    f"{_ms(stats['median_ms'])} | {_ms(stats['p95_ms'])} | {_ms(stats['min_ms'])} | {queries} | "
                    f"{peak} | {versus} | {floor} |"
                )
    return lines


def _import(run: EngineRun, key: str) -> dict[str, Any] | None:
    return next((r for r in run.opendata["imports"] if r["key"] == key and r["stats"]), None)


def import_table(runs: list[EngineRun]) -> list[str]:
    lines = [
        "| Import | Database | Rows | Runs | Median s | p95 s | Min s | Rows/s (median) | Peak RSS growth MiB | "
        "vs this run's COPY / executemany | vs limits.md §3 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        floor = _import(run, "copy") or _import(run, "executemany")
        for result in run.opendata["imports"]:
            stats = result["stats"]
            if stats is None:
                lines.append(f"| {result['name']} | {name} | {result['rows']:,} | | | | | | | | {result['note']} |")
                continue
            rate = result["rows"] / (stats["median_ms"] / 1000)
            versus = ""
            if floor and result is not floor:
                floor_rate = floor["rows"] / (floor["stats"]["median_ms"] / 1000)
                versus = f"**{rate / floor_rate:.2f}x** its rows/s ({_ratio(floor_rate / rate)} slower)"
            limit = f"{rate / LOAD_ROWS_PER_S[run.vendor]:.2f}x"
            if result["note"]:
                limit += f"; {result['note']}"
            if result.get("tenths"):
                limit += "; rows/s over each tenth of the file (last run): " + ", ".join(
                    f"{value:,.0f}" for value in result["tenths"]
                )
            peak = "" if result["peak_rss_mib"] is None else f"{result['peak_rss_mib']:,.0f}"
            lines.append(
                f"| {result['name']} | {name} | {result['rows']:,} | {stats['runs']} | {_s(stats['median_ms'])} | "
                f"{_s(stats['p95_ms'])} | {_s(stats['min_ms'])} | {rate:,.0f} | {peak} | {versus} | {limit} |"
            )
    return lines


def _collections(top: dict[str, Any], raw: dict[str, Any]) -> str:
    """The full garbage collections during a path's runs, beside its p95."""
    count, ms = top.get("full_collections", 0), top.get("full_collections_ms", 0.0)
    if not count:
        return ""
    return (
        f" Its p95 is {top['stats']['p95_ms'] / top['stats']['median_ms']:.1f}x its median (the raw SQL's "
        f"{raw['stats']['p95_ms'] / raw['stats']['median_ms']:.1f}x); Python ran {count} full garbage "
        f"collection{'s' if count != 1 else ''} during its {QUERY_RUNS_LABEL} runs (warm-ups included), "
        f"{ms / count:,.0f} ms each on average, against {raw.get('full_collections', 0)} during the raw SQL's."
    )


def _step(ms: float) -> str:
    return f"+{_ms(ms)} ms" if ms > 0 else "nothing measurable"


def findings(runs: list[EngineRun]) -> list[str]:
    lines: list[str] = []
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        for area in run.opendata["areas"]:
            raw, selector, app, http = (_path(area, k) for k in ("raw", "selector", "app", "http"))
            if not (raw and selector):
                continue
            label = area["name"].split(" ", 1)[1]
            top = http or app or selector
            what = "over HTTP" if http else "through the app path" if app else "through the selector"
            median = {
                key: float(p["stats"]["median_ms"])
                for key, p in (("raw", raw), ("selector", selector), ("app", app), ("http", http))
                if p
            }
            steps = [
                f"the query and its rows as tuples {_ms(median['raw'])} ms",
                "the ORM (the queryset built, the rows made into instances) "
                + _step(median["selector"] - median["raw"]),
            ]
            if "app" in median:
                steps.append(f"each row to police.uk JSON {_step(median['app'] - median['selector'])}")
            if "http" in median and "app" in median:
                steps.append(f"the request and response {_step(median['http'] - median['app'])}")
            lines.append(
                f"* **{name}, {label}, {area['rows']:,} crimes (of {area['bbox_rows']:,} in its bounding box): "
                f"{_ms(top['stats']['median_ms'])} ms {what} "
                f"(p95 {_ms(top['stats']['p95_ms'])}), {_ratio(top['stats']['median_ms'] / median['raw'])} the raw "
                f"SQL.** Where the time goes (medians, each step over the one before): {'; '.join(steps)}. Peak "
                f"Python allocations {top['peak_mib']:,.1f} MiB, against {raw['peak_mib']:,.1f} MiB for the raw SQL."
                + _collections(top, raw)
            )
            for path in area["paths"]:
                if path["same_ids"] is not False:
                    continue
                if path["key"] == "raw_pg_polygon":
                    lines.append(
                        f"* **{name}: PostgreSQL's built-in `point <@ polygon` is not an exact test** "
                        f"({path['note']}). "
                        "Its geometric operators compare with a fixed tolerance (`EPSILON`, 1e-6) inside their "
                        "arithmetic, which on coordinates in degrees lets points some metres off an edge count as "
                        "on it. The selector's exact test (shapely, on the candidates of the bounding box) agrees "
                        "with the raw SQL and should stay; the operator is shown for its speed only."
                    )
                else:
                    lines.append(f"* **{name}, {label}: {path['name']} returns other crimes than the raw SQL.**")
        first, second = _import(run, "first"), _import(run, "second")
        floor = _import(run, "copy") or _import(run, "executemany")
        if first and floor:
            rate = first["rows"] / (first["stats"]["median_ms"] / 1000)
            floor_rate = floor["rows"] / (floor["stats"]["median_ms"] / 1000)
            what = "COPY" if floor["key"] == "copy" else "`executemany`"
            text = (
                f"* **{name}: the import loads {rate:,.0f} rows/s, {_ratio(floor_rate / rate)} slower than {what} of "
                f"the same file** ({floor_rate:,.0f} rows/s here, {LOAD_ROWS_PER_S[run.vendor]:,} in limits.md §3)"
            )
            tenths = first.get("tenths") or []
            if tenths and tenths[-1] < 0.8 * tenths[0]:
                text += (
                    f"; it slows as the table grows, from {tenths[0]:,.0f} rows/s over the file's first tenth to "
                    f"{tenths[-1]:,.0f} over its last"
                )
            if second:
                again = second["rows"] / (second["stats"]["median_ms"] / 1000)
                text += (
                    f"; importing it again, every row already there, runs at {again:,.0f} rows/s "
                    f"({second['stats']['median_ms'] / first['stats']['median_ms']:.0%} of the first import's time)"
                )
            lines.append(text + ".")
    return lines


def _shares(pairs: list[list[Any]]) -> str:
    return "; ".join(f"`{name}` {share:.0%}" for name, share in pairs) or "none above 2 %"


def profiles(runs: list[EngineRun]) -> list[str]:
    """Where the time goes: one profiled run of each app path and of the import's first rows."""
    rows: list[str] = []
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        for area in run.opendata["areas"]:
            profile = area.get("profile")
            if profile:
                rows.append(
                    f"| {area['name']}: the app path | {name} | {profile['seconds']:,.3f} | "
                    f"{_shares(profile['cumulative'])} | {_shares(profile['own'])} |"
                )
        profile = run.opendata.get("import_profile")
        if profile:
            rows.append(
                f"| (s) `load_rows`, the file's first {profile['rows']:,} rows, empty tables | {name} | "
                f"{profile['seconds']:,.3f} | {_shares(profile['cumulative'])} | {_shares(profile['own'])} |"
            )
    if not rows:
        return []
    return [
        "### Where the time goes",
        "",
        "Five extra runs of each app path, and one import of the file's first rows, under `cProfile` (which "
        "adds a cost to every Python call, so Python's share is overstated against the database's). The "
        "Beatbook functions that took the most time including what they called, and the functions anywhere "
        "that took the most time themselves, each as a share of the whole (2 % and over, at most 8).",
        "",
        "| Run | Database | Seconds a run under cProfile | Beatbook functions, with what they call | "
        "Own time, anywhere |",
        "| --- | --- | ---: | --- | --- |",
        *rows,
        "",
    ]


def _plans(runs: list[EngineRun]) -> list[str]:
    rows = [
        "| Query | Database | Indexes the plan uses | Reads a table whole | Sorts |",
        "| --- | --- | --- | --- | --- |",
    ]
    details: list[str] = []
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        for plan in run.opendata.get("plans", []):
            own = [n for n in plan["indexes"] if OWN_INDEX.match(n)]
            others = len(plan["indexes"]) - len(own)
            used = ", ".join(f"`{n}`" for n in own) or "none of the open-data indexes"
            if others:
                used += f" (+ {others} other{'s' if others != 1 else ''})"
            scans = ", ".join(f"`{t}`" for t in plan["full_scans"])
            case = "(p) busy circle" if plan["case"] == "busy" else "(r) polygon"
            label = f"{case}, query {plan['query']} of {plan['of']}"
            rows.append(f"| {label} | {name} | {used} | {scans} | {'yes' if plan['sorts'] else ''} |")
            details += [
                f"<details><summary>{name}: {label}</summary>",
                "",
                "```text",
                plan["text"],
                "```",
                "",
                "</details>",
                "",
            ]
    return [
        "### Plans of the crimes-street queries",
        "",
        "Each query was captured as the selector sent it, then EXPLAINed (PostgreSQL) or EXPLAIN QUERY PLANned "
        "(SQLite).",
        "",
        *rows,
        "",
        *details,
    ]


def section(runs: list[EngineRun]) -> list[str]:
    """The whole section, or nothing when no run measured the open data."""
    measured = _runs(runs)
    if not measured:
        return []
    info = measured[0].opendata
    loads = "; ".join(
        f"{VENDOR_NAMES[r.vendor]} {r.version}, load average {r.load[0]:.1f} before and {r.load[1]:.1f} after"
        for r in measured
    )
    built = ", ".join(f"{r.opendata['load_seconds']:.1f} s on {VENDOR_NAMES[r.vendor]}" for r in measured)
    busy, quiet = info["busy"], info["quiet"]
    return [
        HEADING,
        "",
        f"One force, a 40 x 40 km square round a town, with **{info['crimes']:,} published crimes** over "
        f"{info['months']} months on **{info['snap_points']:,} snap points** ({info['no_location']:,} published "
        "without a location), generated with numpy (seeded) in the shape of limits.md §2: crimes gather round "
        "300 cluster centres of lognormal weight (a Gaussian spread of 300 m), most of them round the town and "
        "four smaller towns, a quarter over the countryside, and a fifth of the crimes fall uniformly over the "
        "square; each crime sits on its nearest snap point, and the snap points are spread like streets (round "
        "every centre alike, 30 % over the countryside). Categories and outcomes in police.uk's shares (ASB "
        f"35 %). Written straight into the tables (COPY on PostgreSQL, `executemany` on SQLite; "
        f"{info['generate_seconds']:.1f} s to generate, then {built}, not timed), with an `ANALYZE` on "
        f"PostgreSQL. The month queried is the latest, {info['month']}: {info['month_crimes']:,} crimes in the "
        f"force. The busiest point is the town centre ({busy[0]:.6f}, {busy[1]:.6f}); the quiet point is the "
        f"rural cluster centre with the fewest crimes within a mile that month ({quiet[0]:.6f}, {quiet[1]:.6f}); "
        f"the polygon has {info['polygon_points']} points and covers {info['polygon_km2']:.1f} km² round a point "
        "500 m from the town centre, its radius wandering between about 0.6 and 1.4 times 1.3 km. The import "
        f"file is the same crimes as one police.uk `*-street.csv` of {info['csv_rows']:,} rows "
        f"({info['csv_bytes'] / 2**20:,.0f} MiB; written in {info['csv_seconds']:.1f} s, not timed).",
        "",
        f"Measured on {loads} (on {info.get('cores', '?')} cores; a load above the core count means other work "
        "competed for the CPU and the figures, the p95 most, are pessimistic).",
        "",
        "### crimes-street",
        "",
        "Times in milliseconds. The floor is limits.md's p95 for the same kind of query on its 5,000,000 rows "
        "with the month-leading index (§4a radius and §4b polygon, 1,079 rows, scaled to the rows returned; "
        "below 40 rows, §4a's sparse point of 4 rows).",
        "",
        *query_table(measured),
        "",
        "### CSV import",
        "",
        "Times in seconds. Rows/s is the file's rows over the median time. The last column divides the rows/s by "
        "limits.md §3's: " + "; ".join(LOAD_FLOOR_NAME[r.vendor] for r in measured) + ".",
        "",
        *import_table(measured),
        "",
        *MEASURES,
        "",
        *findings(measured),
        "",
        *profiles(measured),
        *_plans(measured),
    ]


def splice(doc: Path, runs: list[EngineRun]) -> None:
    """Replace the section in the written document (or add it before the Floors) and touch nothing else."""
    text = doc.read_text(encoding="utf-8")
    new = "\n".join(section(runs)).rstrip("\n") + "\n\n"
    start = text.find(f"{HEADING}\n")
    if start >= 0:
        after = re.search(r"^## ", text[start + len(HEADING) :], flags=re.MULTILINE)
        end = start + len(HEADING) + after.start() if after else len(text)
        text = text[:start] + new + text[end:]
    else:
        floors = text.find("## Floors\n")
        text = text[:floors] + new + text[floors:] if floors >= 0 else text.rstrip("\n") + "\n\n" + new
    doc.write_text(text, encoding="utf-8")


def summary(run: EngineRun) -> list[str]:
    """One line a figure, for the console."""
    if not run.opendata:
        return []
    lines: list[str] = []
    for area in run.opendata["areas"]:
        for path in area["paths"]:
            stats = path["stats"]
            figures = (
                f"median {stats['median_ms']:.3f} ms, p95 {stats['p95_ms']:.3f} ms, {path['rows']:,} rows, "
                f"peak {path['peak_mib']:.1f} MiB, same ids: {path['same_ids']}"
                if stats
                else path["note"]
            )
            lines.append(f"{'opendata_' + area['key'] + '_' + path['key']:30} {figures}")
    for result in run.opendata["imports"]:
        stats = result["stats"]
        figures = (
            f"median {stats['median_ms'] / 1000:.2f} s, p95 {stats['p95_ms'] / 1000:.2f} s, "
            f"{result['rows'] / (stats['median_ms'] / 1000):,.0f} rows/s"
            if stats
            else result["note"]
        )
        lines.append(f"{'opendata_import_' + result['key']:30} {figures}")
    return lines
