"""One benchmark process: `python -m bench.run OUT.json` with DJANGO_SETTINGS_MODULE=bench.settings.

Creates the throwaway database (migrated), builds the data, runs the benchmarks, writes the
results as JSON for `bench.__main__`, and drops the database.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # whitenoise warns that the collected static files are missing: the benchmarks need none.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.db import connection

    from . import cases, cohort_cases, data, incident_cases, opendata_cases, planner_cases, powers_cases

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"  {connection.vendor}: building the data ...", flush=True)
        world = data.build()
        print(f"  {connection.vendor}: built in {world.build_seconds:.1f} s; timing ...", flush=True)
        results = cases.run_all(world)
        print(f"  {connection.vendor}: explaining the incident queries ...", flush=True)
        plans = incident_cases.plan_dicts(incident_cases.explain_all(world))
        # Built last, so that the cases above ran on the tables as described.
        print(f"  {connection.vendor}: building a force-year for the hot-spot planner and timing it ...", flush=True)
        planner_world, planner_results = planner_cases.run_all()
        results += planner_results
        print(f"  {connection.vendor}: building the designation history and timing the powers check ...", flush=True)
        powers = _powers_payload(powers_cases.run_all())
        print(f"  {connection.vendor}: building a cohort of 300 learners and timing its dashboard ...", flush=True)
        cohort = _results_payload(cohort_cases.run_all())
        # Last: it empties the open-data tables and takes the longest.
        opendata = opendata_cases.run_all(progress=_progress)
        version = _server_version()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    payload = {
        "vendor": connection.vendor,
        "version": version,
        "world": {
            field.name: getattr(world, field.name)
            for field in dataclasses.fields(world)
            if isinstance(getattr(world, field.name), int | float | str)
        },
        "results": [dataclasses.asdict(result) for result in results],
        "plans": plans,
        "planner": planner_world,
        "powers": powers,
        "opendata": opendata,
        "cohort": cohort,
    }
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _progress(text: str) -> None:
    from django.db import connection

    print(f"  {connection.vendor}: open data: {text} ...", flush=True)


def _powers_payload(powers: dict[str, Any]) -> dict[str, Any]:
    return powers | {
        "results": [dataclasses.asdict(result) for result in powers["results"]],
        "cores": os.cpu_count(),
    }


def powers_only(out: Path) -> None:
    """`python -m bench.run --powers OUT.json`: the powers check's benchmark alone, on its own
    throwaway database, for `python -m bench --powers` (which rewrites only its section)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.db import connection

    from . import powers_cases

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"  {connection.vendor}: building the designation history and timing the powers check ...", flush=True)
        powers = _powers_payload(powers_cases.run_all())
        version = _server_version()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"  {connection.vendor}: built in {powers['build_seconds']:.1f} s", flush=True)
    payload = {"vendor": connection.vendor, "version": version, "powers": powers}
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def opendata_only(out: Path) -> None:
    """`python -m bench.run --opendata OUT.json`: the open-data benchmark alone (crimes-street and
    the CSV import), on its own throwaway database, for `python -m bench --opendata` (which
    rewrites only its section). BEATBOOK_BENCH_OPENDATA_CRIMES makes it smaller while working on it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.db import connection

    from . import opendata_cases

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        opendata = opendata_cases.run_all(progress=_progress)
        version = _server_version()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    payload = {"vendor": connection.vendor, "version": version, "opendata": opendata}
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _results_payload(payload: dict[str, Any]) -> dict[str, Any]:
    return payload | {"results": [dataclasses.asdict(result) for result in payload["results"]]}


def cohort_only(out: Path) -> None:
    """`python -m bench.run --cohort OUT.json`: the cohort dashboard's benchmark alone, on its own
    throwaway database, for `python -m bench --cohort` (which rewrites only its section)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.db import connection

    from . import cohort_cases

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"  {connection.vendor}: building a cohort of 300 learners and timing its dashboard ...", flush=True)
        cohort = _results_payload(cohort_cases.run_all())
        version = _server_version()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"  {connection.vendor}: built in {cohort['build_seconds']:.1f} s", flush=True)
    payload = {"vendor": connection.vendor, "version": version, "cohort": cohort}
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _server_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        return str(row[0]).split()[0] if row else "?"
    import sqlite3

    return sqlite3.sqlite_version


def planner_only() -> None:
    """`python -m bench.run --planner`, with DJANGO_SETTINGS_MODULE=bench.settings and
    BEATBOOK_BENCH_TEST_DB set as `bench.__main__` sets them: the hot-spot planner's cases alone,
    printed, for working on the planner (the report needs the full run)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from . import planner_cases

    planner_cases.main()


if __name__ == "__main__":
    if sys.argv[1] == "--planner":
        planner_only()
    elif sys.argv[1] == "--powers":
        powers_only(Path(sys.argv[2]))
    elif sys.argv[1] == "--opendata":
        opendata_only(Path(sys.argv[2]))
    elif sys.argv[1] == "--cohort":
        cohort_only(Path(sys.argv[2]))
    else:
        main(Path(sys.argv[1]))
