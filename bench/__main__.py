"""`python -m bench`: run the benchmarks on SQLite (and PostgreSQL if DATABASE_URL is set) and
write docs/performance.md. `python -m bench --powers`: the powers check's benchmark alone, which
replaces only its section of docs/performance.md; `python -m bench --opendata`: the open data's
(crimes-street and the CSV import) alone, likewise; `python -m bench --cohort`: the cohort
dashboard's alone, likewise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import cohort_report, opendata_report, powers_report
from .report import DOC, EngineRun, write

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks that run alone, each rewriting only its own section of the document.
SECTIONS = {
    "--powers": powers_report.splice,
    "--opendata": opendata_report.splice,
    "--cohort": cohort_report.splice,
}


def run_engine(engine: str, tmp: Path, *, only: str = "") -> EngineRun:
    """One engine's benchmarks in a process of their own (with `only`, "--powers" or "--opendata":
    that benchmark alone)."""
    out = tmp / f"{engine}.json"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings")
    if engine == "sqlite":
        env.pop("DATABASE_URL", None)
        env["BEATBOOK_SQLITE_PATH"] = str(tmp / "unused.sqlite3")
        env["BEATBOOK_BENCH_TEST_DB"] = str(tmp / "bench.sqlite3")
    else:
        env["BEATBOOK_BENCH_TEST_DB"] = f"beatbook_bench_{os.getpid()}"
    print(f"bench: {engine}", flush=True)
    load_before = os.getloadavg()[0]
    args = [only, str(out)] if only else [str(out)]
    subprocess.run([sys.executable, "-m", "bench.run", *args], env=env, cwd=ROOT, check=True)  # noqa: S603
    payload = json.loads(out.read_text(encoding="utf-8"))
    return EngineRun(
        vendor=payload["vendor"],
        version=payload["version"],
        world=payload.get("world", {}),
        results=payload.get("results", []),
        plans=payload.get("plans", []),
        planner=payload.get("planner", {}),
        powers=payload.get("powers", {}),
        opendata=payload.get("opendata", {}),
        cohort=payload.get("cohort", {}),
        load=(load_before, os.getloadavg()[0]),
    )


def main() -> int:
    engines = ["sqlite", "postgresql"] if os.environ.get("DATABASE_URL") else ["sqlite"]
    skipped = [] if "postgresql" in engines else ["PostgreSQL (set DATABASE_URL to include it)"]
    only = next((arg for arg in sys.argv[1:] if arg in SECTIONS), "")
    with tempfile.TemporaryDirectory(prefix="beatbook-bench-") as tmp:
        runs = [run_engine(engine, Path(tmp), only=only) for engine in engines]
    if only:
        # One benchmark alone: its section is replaced, the rest of the document is left as it was.
        SECTIONS[only](DOC, runs)
        doc = DOC
    else:
        doc = write(runs, skipped)
    print(f"bench: wrote {doc.relative_to(ROOT)}")
    for run in runs:
        for result in [*run.results, *run.powers.get("results", []), *run.cohort.get("results", [])]:
            stats = result["stats"]
            figures = f"median {stats['median_ms']:.3f} ms, p95 {stats['p95_ms']:.3f} ms" if stats else result["note"]
            print(f"  {run.vendor:10} {result['key']:18} {figures}")
        for line in opendata_report.summary(run):
            print(f"  {run.vendor:10} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
