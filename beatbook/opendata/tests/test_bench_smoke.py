"""The open-data benchmark (`python -m bench --opendata`) at a tiny size, so that it cannot rot:
it must build its data, answer crimes-street every way it times with the same crimes as the raw
SQL, import its CSV file twice, time the COPY or executemany floor, and write its section of
docs/performance.md. No figure is checked: timings belong in docs/performance.md, not in tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from beatbook.opendata.models import PublicCrime
from beatbook.org.models import Force
from bench import opendata_cases, opendata_data, opendata_report
from bench.report import EngineRun

CRIMES, SNAP_POINTS = 3_000, 120


@pytest.fixture
def payload(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(opendata_cases, "QUERY_WARMUP", 1)
    monkeypatch.setattr(opendata_cases, "QUERY_REPS", 5)
    result = opendata_cases.run_all(CRIMES, SNAP_POINTS, import_reps=1, floor_reps=1)
    # The runs report JSON to the process that writes the document.
    decoded = json.loads(json.dumps(result))
    assert isinstance(decoded, dict)
    return decoded


def test_generator_is_deterministic() -> None:
    first = opendata_data.generate(500, 40, seed=3)
    again = opendata_data.generate(500, 40, seed=3)
    assert first.pid_hex == again.pid_hex
    assert list(first.persistent_ids()) == list(again.persistent_ids())
    assert (first.snap == again.snap).all()
    assert first.snap_points == 40
    assert first.crimes == 500
    lines = list(opendata_data.csv_rows(first, Force(name="Benchmark Police")))
    assert lines[0] == opendata_data.CSV_HEADER
    assert len(lines) == 501
    assert all(line.count(",") == 11 for line in lines)


def test_runs_at_a_tiny_size(payload: dict[str, Any], tmp_path: Path) -> None:
    assert payload["crimes"] == CRIMES
    assert payload["snap_points"] == SNAP_POINTS
    areas = payload["areas"]
    assert isinstance(areas, list)
    assert [area["key"] for area in areas] == ["busy", "quiet", "polygon"]
    busy = areas[0]
    assert busy["rows"] > 0
    for area in areas:
        timed = {path["key"]: path for path in area["paths"] if path["stats"]}
        assert {"selector", "app", "http", "raw", "raw_json"} <= set(timed), area["paths"]
        for path in timed.values():
            if path["key"] == "raw_pg_polygon":
                continue  # not an exact test (see the report): shown for its speed only
            assert path["same_ids"] is True, (area["key"], path["key"])
            assert path["rows"] == area["rows"]
    assert busy["profile"]["own"]
    assert payload["import_profile"]["rows"] == CRIMES
    imports = {result["key"]: result for result in payload["imports"]}
    assert imports["first"]["stats"], imports["first"]["note"]
    assert imports["second"]["stats"], imports["second"]["note"]
    floor = imports["copy"] if connection.vendor == "postgresql" else imports["executemany"]
    assert floor["stats"]
    # The import left the file's located and unlocated crimes in the table, once.
    assert PublicCrime.objects.count() == CRIMES

    run = EngineRun(
        vendor=connection.vendor, version="test", world={}, results=[], plans=[], load=(0.0, 0.0), opendata=payload
    )
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n## Designated powers check\n\nText.\n\n## Floors\n\nFloors.\n", encoding="utf-8")
    opendata_report.splice(doc, [run])
    opendata_report.splice(doc, [run])
    text = doc.read_text(encoding="utf-8")
    assert text.count(opendata_report.HEADING) == 1
    assert text.index("## Designated powers check") < text.index(opendata_report.HEADING) < text.index("## Floors")
    assert "Text.\n" in text
    assert "Floors.\n" in text
    assert "### Where the time goes" in text
    assert opendata_report.summary(run)


def test_import_speed_by_tenth() -> None:
    marks = [(done / 100, done) for done in range(100, 1_001, 100)]
    assert opendata_cases._tenths(marks, 0.0, 1_000) == [100.0] * 10
    # Batches coarser than a tenth of the file: no figure rather than a wrong one.
    assert opendata_cases._tenths([(1.0, 500), (2.0, 1_000)], 0.0, 1_000) == []
