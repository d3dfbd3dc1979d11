"""`python -m bench`: run the benchmarks on SQLite (and PostgreSQL if DATABASE_URL is set) and
write docs/performance.md. `python -m bench --powers`: the powers check's benchmark alone, which
replaces only its section of docs/performance.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import powers_report
from .report import DOC, EngineRun, write

ROOT = Path(__file__).resolve().parent.parent


def run_engine(engine: str, tmp: Path, *, powers_only: bool = False) -> EngineRun:
    """One engine's benchmarks in a process of their own (with `powers_only`, the powers check's alone)."""
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
    args = ["--powers", str(out)] if powers_only else [str(out)]
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
        load=(load_before, os.getloadavg()[0]),
    )


def main() -> int:
    engines = ["sqlite", "postgresql"] if os.environ.get("DATABASE_URL") else ["sqlite"]
    skipped = [] if "postgresql" in engines else ["PostgreSQL (set DATABASE_URL to include it)"]
    powers_only = "--powers" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="beatbook-bench-") as tmp:
        runs = [run_engine(engine, Path(tmp), powers_only=powers_only) for engine in engines]
    if powers_only:
        # The powers check alone: its section is replaced, the rest of the document is left as it was.
        powers_report.splice(DOC, runs)
        doc = DOC
    else:
        doc = write(runs, skipped)
    print(f"bench: wrote {doc.relative_to(ROOT)}")
    for run in runs:
        for result in [*run.results, *run.powers.get("results", [])]:
            stats = result["stats"]
            figures = f"median {stats['median_ms']:.3f} ms, p95 {stats['p95_ms']:.3f} ms" if stats else result["note"]
            print(f"  {run.vendor:10} {result['key']:18} {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
