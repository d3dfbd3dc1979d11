"""The powers check's section of docs/performance.md: its data, results, what (m) and (n)
measure, the findings drawn from the figures and the plans of its queries. Runs in
`bench.__main__`, without Django set up.

`python -m bench` writes the section with the rest of the document; `python -m bench --powers`
runs the powers benchmark alone and replaces only this section (`splice`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import EngineRun

HEADING = "## Designated powers check"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
EXPECTED_QUERIES = {"powers_check": 3, "powers_held_at": 2}
# The powers tables' own indexes (the rest are primary keys and Django's foreign-key indexes).
OWN_INDEX = re.compile(r"^powers_")

MEASURES = [
    "* **(m) The powers check**: `beatbook.powers.check.check_power(person, force, code, at)` for 2,000 "
    "random triples (an officer of the 10,000, a power code of the catalogue, a moment between 2015 and "
    "2025), each call timed on its own after 200 untimed ones: the power in the force's catalogue, the "
    "force designation in force on the moment's Europe/London day, and the officer's designated power in "
    "force at the moment (not expired, not withdrawn), with the reason in plain English when not held. "
    "The queries of 200 further calls are counted one by one: the check must take the same number "
    "whatever the officer's history. The floor is the indexed round trip times the queries.",
    '* **(n) The powers held**: `powers_held_at(person, at)` ("my powers") for 2,000 random (officer, '
    "moment) pairs, timed and counted the same way: the officer's designated powers in force with their "
    "powers, then the force designations in force for those powers.",
    "* **(o) Round trip**: `SELECT 1` on Django's cursor in the same process, timed like (m): what one round "
    "trip costs on this run, to read (m) and (n) against when the machine is busy.",
]


def _ms(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def _runs(runs: list[EngineRun]) -> list[EngineRun]:
    return [run for run in runs if run.powers]


def _result(run: EngineRun, key: str) -> dict[str, Any] | None:
    return next((r for r in run.powers["results"] if r["key"] == key and r["stats"]), None)


SMALL_TABLE = 1_000  # rows: below this a sequential scan is the right plan


def _scans(scans: dict[str, int]) -> str:
    return ", ".join(f"`{table}` ({rows:,} row{'' if rows == 1 else 's'})" for table, rows in scans.items())


def findings(runs: list[EngineRun]) -> list[str]:
    lines: list[str] = []
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        check, held = _result(run, "powers_check"), _result(run, "powers_held_at")
        if check and held:
            bounded = all(r["queries"] <= EXPECTED_QUERIES[r["key"]] for r in (check, held))
            verdict = (
                "never more queries than the check promises, whatever the officer's history (fewer when it "
                "stops early: no force designation that day, or no designated power to look up)"
                if bounded
                else "**more queries than the check promises** (see the table's notes)"
            )
            lines.append(
                f"* **{name}: a powers check takes {_ms(check['stats']['median_ms'])} ms "
                f"(p95 {_ms(check['stats']['p95_ms'])}) in {check['queries']} queries, and a person's powers "
                f"{_ms(held['stats']['median_ms'])} ms (p95 {_ms(held['stats']['p95_ms'])}) in "
                f"{held['queries']}**: {verdict}, among {run.powers['designated_powers']:,} designated powers "
                f"of {run.powers['officers']:,} officers."
            )
        lines.extend(
            f"* **{name}: {plan['label']} reads {_scans(plan['full_scans'])} whole**: tables this small "
            "are cheaper read whole than through an index, so the plan is right at this size (see it below)."
            for plan in run.powers["plans"]
            if plan["full_scans"] and max(plan["full_scans"].values()) <= SMALL_TABLE
        )
        lines.extend(
            f"* **{name}: {plan['label']} reads {_scans(plan['full_scans'])} whole** (see its plan below)."
            for plan in run.powers["plans"]
            if plan["full_scans"] and max(plan["full_scans"].values()) > SMALL_TABLE
        )
        catalogue = next((p for p in run.powers["plans"] if p["case"] == "m" and "org_force" in p["text"]), None)
        if catalogue:
            lines.append(
                f"* **{name}: the catalogue lookup joins `org_force` and sorts**, for nothing: `.first()` orders "
                "by `Power`'s default ordering, which starts with `force` (so Force's own ordering, its name). "
                "`(force, code)` is unique, so ordering by `id` (or `.get()`) would send the same answer without "
                "the join and the sort."
            )
        sql = _result(run, "powers_check_sql")
        if check and sql and (held_only := _result(run, "powers_check_held")):
            orm, bare = float(held_only["stats"]["median_ms"]), float(sql["stats"]["median_ms"])
            lines.append(
                f"* **{name}: most of a check is Django.** A check that holds takes {_ms(orm)} ms; its three "
                f"queries as SQL alone take {_ms(bare)} ms, so about {(orm - bare) / orm:.0%} of the check "
                "builds and compiles the querysets and turns rows into objects."
            )
    return lines


def _plans(runs: list[EngineRun]) -> list[str]:
    rows = [
        "| Query | Database | Indexes the plan uses | Reads a table whole | Sorts |",
        "| --- | --- | --- | --- | --- |",
    ]
    details: list[str] = []
    for run in _runs(runs):
        name = VENDOR_NAMES[run.vendor]
        for plan in run.powers["plans"]:
            own = [n for n in plan["indexes"] if OWN_INDEX.match(n)]
            others = len(plan["indexes"]) - len(own)
            used = ", ".join(f"`{n}`" for n in own) or "none of the powers indexes"
            if others:
                used += f" (+ {others} other{'s' if others != 1 else ''})"
            scans = _scans(plan["full_scans"])
            label = f"({plan['case']}) {plan['label']}"
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
        "### Plans of the powers queries",
        "",
        "Each query was captured as the check sent it, on a check that holds (an officer's open designation), "
        "then EXPLAINed (PostgreSQL) or EXPLAIN QUERY PLANned (SQLite). The other indexes are primary keys and "
        "the foreign-key indexes Django makes.",
        "",
        *rows,
        "",
        *details,
    ]


def section(runs: list[EngineRun]) -> list[str]:
    """The whole section, or nothing when no run measured the powers check."""
    measured = _runs(runs)
    if not measured:
        return []
    from .report import results_table

    loads = "; ".join(
        f"{VENDOR_NAMES[r.vendor]} {r.version}, load average {r.load[0]:.1f} before and {r.load[1]:.1f} after"
        for r in measured
    )
    return [
        HEADING,
        "",
        f"{measured[0].powers['describe']}",
        "",
        f"Measured on {loads} (on {measured[0].powers.get('cores', '?')} cores; a load above the core count means "
        "other work competed for the CPU and the figures, the p95 most, are pessimistic). Times in milliseconds; "
        "the ratio is as in the Results above.",
        "",
        *results_table([(r.vendor, r.powers["results"]) for r in measured]),
        "",
        *MEASURES,
        "",
        *findings(measured),
        "",
        *_plans(measured),
    ]


def splice(doc: Path, runs: list[EngineRun]) -> None:
    """Replace the section in the written document (or add it before the Floors) and touch nothing else."""
    splice_section(doc, HEADING, section(runs))


def splice_section(doc: Path, heading: str, lines: list[str]) -> None:
    """Replace the section under `heading` in the written document (or add it before the Floors)
    and touch nothing else."""
    text = doc.read_text(encoding="utf-8")
    new = "\n".join(lines).rstrip("\n") + "\n\n"
    start = text.find(f"{heading}\n")
    if start >= 0:
        after = re.search(r"^## ", text[start + len(heading) :], flags=re.MULTILINE)
        end = start + len(heading) + after.start() if after else len(text)
        text = text[:start] + new + text[end:]
    else:
        floors = text.find("## Floors\n")
        text = text[:floors] + new + text[floors:] if floors >= 0 else text.rstrip("\n") + "\n\n" + new
    doc.write_text(text, encoding="utf-8")
