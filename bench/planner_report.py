"""The hot-spot planner's parts of docs/performance.md: its data, what (g)-(l) measure, and the
findings drawn from the figures. Runs in `bench.__main__`, without Django set up."""

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


def data_text(runs: list[EngineRun]) -> list[str]:
    info = next((run.planner for run in runs if run.planner), None)
    if not info:
        return []
    return [f"The hot-spot planner is measured on data of its own. {info['describe']}"]


MEASURES = [
    "* **(g) Hot-spot planner**: `beatbook.patrols.planner.hotspots` as the planning area's supervisor, over "
    "the last 52 weeks (a force-year) and over the default 12 weeks, in 100 m cells: the force's settings, "
    "the rows (lat, lng, time, category) streamed with `values_list().iterator()`, projected to the National "
    "Grid with pyproj a chunk of 2,000 at a time, and counted into cells with their hour and day histograms, "
    "busiest first. The peak of Python's allocations is from one extra run under `tracemalloc` (limits.md §5 "
    "measured the same way). The floor is limits.md §5's force-year end to end, fetched from PostgreSQL into "
    "numpy (H3 cells, top 50 with their peak hour), scaled to the points; it has no SQLite figure.",
    "* **(h) The grid alone**: `planner.grid_cells` on the year's rows already in a list: the projection, "
    "the cells and the histograms, without the database. The floor is limits.md §5's numpy/h3 computation "
    "from arrays in memory.",
    "* **(i) The rows alone**: `planner.incident_rows` for the year, consumed: the query through the "
    "supervisor's scope and the rows as tuples. The floor is limits.md §4a's indexed range query scaled to the "
    "rows.",
    "* **(j) Planner page**: `GET /patrols/planner/?neighbourhood=…&weeks=52&cell_m=100` as the supervisor "
    "(test client): (g), the proposal, the table of the busiest 20 cells, the plan form and the map's GeoJSON "
    "(the neighbourhood and the busiest 2,000 cells) in the page.",
    "* **(k) Planner API**: `GET /api/v1/planner/cells` with the same question, over the session: (g) and the "
    "busiest 2,000 cells as a GeoJSON FeatureCollection validated by its response schema.",
    "* **(l) Evaluation**: `planner.evaluate` for a plan of the five places the planner proposes for 12 weeks, "
    "started 28 days ago: its targets, the area's totals before and during (one aggregate query) and the "
    "incidents in the targets' boxes (then their radii, in Python).",
]


def _peak(result: dict[str, Any]) -> str:
    found = re.search(r"peak of Python allocations ([\d,.]+) MiB", result["note"])
    return found.group(1) if found else "?"


def _incidents(result: dict[str, Any]) -> int:
    found = re.match(r"([\d,]+) incidents", result["note"])
    return int(found.group(1).replace(",", "")) if found else 0


def findings(runs: list[EngineRun]) -> list[str]:
    lines: list[str] = []
    for run in runs:
        name = VENDOR_NAMES[run.vendor]
        year, grid, fetch = (_result(run, k) for k in ("planner_hotspots_52w", "planner_grid", "planner_fetch"))
        if year and grid and fetch:
            total = float(year["stats"]["median_ms"])
            computed, fetched = float(grid["stats"]["median_ms"]), float(fetch["stats"]["median_ms"])
            # Profiled on SQLite: its times are text, which Django parses into aware datetimes row by row.
            why_fetch = (
                " (most of it Django parsing each stored time into an aware datetime)" if run.vendor == "sqlite" else ""
            )
            lines.append(
                f"* **{name}: the planner takes {_ms(total)} ms (p95 {_ms(year['stats']['p95_ms'])}) for a "
                f"force-year** ({year['note'].split(';')[0]}), in {year['queries']} queries. Measured apart, the "
                f"rows take {_ms(fetched)} ms{why_fetch} and the grid {_ms(computed)} ms (projection, cells, "
                f"histograms), {(fetched + computed) / total:.0%} of the whole between them (parts timed apart on "
                "a shared machine need not add up exactly). The peak of Python's allocations is "
                f"{_peak(year)} MiB, against {_peak(grid)} MiB for the grid on rows already in memory: the rows "
                "stream a chunk at a time, so memory follows the cells, not the incidents."
            )
        quarter = _result(run, "planner_hotspots_12w")
        if quarter:
            text = (
                f"* **{name}: the default 12 weeks take {_ms(quarter['stats']['median_ms'])} ms** "
                f"({quarter['note'].split(';')[0]})"
            )
            if year and _incidents(quarter) and _incidents(year):
                per_quarter = float(quarter["stats"]["median_ms"]) / _incidents(quarter) * 1000
                per_year = float(year["stats"]["median_ms"]) / _incidents(year) * 1000
                text += (
                    f": {_ms(per_quarter)} ms per 1,000 incidents, against {_ms(per_year)} for the year, so the "
                    "time grows about in proportion to the incidents"
                )
            lines.append(f"{text}.")
        page, api = _result(run, "planner_page"), _result(run, "planner_api_cells")
        if page and year:
            extra = float(page["stats"]["median_ms"]) - float(year["stats"]["median_ms"])
            api_text = ""
            if api:
                api_extra = float(api["stats"]["median_ms"]) - float(year["stats"]["median_ms"])
                api_text = (
                    f" The API's cells take {_ms(api['stats']['median_ms'])} ms ({api['note']}), {_ms(api_extra)} ms "
                    "more than (g): the 2,000 features built, validated by the response schema and written as JSON."
                )
            lines.append(
                f"* **{name}: the planner page takes {_ms(page['stats']['median_ms'])} ms for the year** "
                f"({page['note']}): {_ms(extra)} ms more than (g), for the proposal, the map's GeoJSON, the "
                f"form and the template.{api_text} A neighbourhood's usual 12 weeks have far fewer cells."
            )
        evaluation = _result(run, "planner_evaluate")
        if evaluation:
            lines.append(
                f"* **{name}: a plan's evaluation takes {_ms(evaluation['stats']['median_ms'])} ms** in "
                f"{evaluation['queries']} queries ({evaluation['note']})."
            )
    return lines
