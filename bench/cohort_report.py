"""The cohort dashboard's section of docs/performance.md (`bench.cohort_cases`). Runs in
`bench.__main__`, without Django set up. `python -m bench --cohort` runs the cohort benchmark alone
and replaces only this section (`splice`); `python -m bench` writes it with the rest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import powers_report

if TYPE_CHECKING:
    from .report import EngineRun

HEADING = "## Cohort dashboard"

MEASURES = [
    "* **(p) Cohort dashboard rows**: `beatbook.learning.selectors.programmes.force_cohort(trainer, force, "
    "CohortFilters())` for the "
    "whole cohort: each learner's phase, IPS and FOC status, coverage percentage, next review and risk flag "
    "with its reasons, as the page shows them. Compared with the indexed round trip times its queries: the "
    "rest is aggregation over the evidence mappings and building the rows in Python.",
    "* **(q) Cohort page**: `GET /learning/cohort/` through Django's test client as the force's trainer: "
    "session, middleware, the selector and the template for every row. No floor in limits.md is for a page "
    "of this size, so no ratio is given; read it against (p).",
    "* **(r) Round trip**: `SELECT 1` on Django's cursor in the same run, for scale.",
]


def _runs(runs: list[EngineRun]) -> list[EngineRun]:
    return [run for run in runs if run.cohort]


def section(runs: list[EngineRun]) -> list[str]:
    measured = _runs(runs)
    if not measured:
        return []
    from .report import results_table

    loads = "; ".join(
        f"{powers_report.VENDOR_NAMES[r.vendor]} {r.version}, load average {r.load[0]:.1f} before and "
        f"{r.load[1]:.1f} after"
        for r in measured
    )
    return [
        HEADING,
        "",
        measured[0].cohort["describe"],
        "",
        f"Measured on {loads}. Times in milliseconds; the ratio is as in the Results above.",
        "",
        *results_table([(r.vendor, r.cohort["results"]) for r in measured]),
        "",
        *MEASURES,
        "",
    ]


def splice(doc: Path, runs: list[EngineRun]) -> None:
    """Replace this section in the written document (or add it before the Floors)."""
    powers_report.splice_section(doc, HEADING, section(runs))
