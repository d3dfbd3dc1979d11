"""The floors each benchmark is compared with, copied from the project's machine limits
(limits.md, measured on a 2-vCPU machine of the project's kind before Beatbook existed).

A ratio is Beatbook's figure divided by the floor's: 1x is the floor, 10x is ten times slower.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Floor:
    label: str
    sqlite_ms: float | None
    postgresql_ms: float | None
    statistic: str  # which of our figures is compared: "p95" or "median"
    source: str

    def for_vendor(self, vendor: str) -> float | None:
        return self.postgresql_ms if vendor == "postgresql" else self.sqlite_ms


# First page of 50 rows from an indexed list, fetched as tuples (p95).
LIST_PAGE = Floor("newest 50 rows of one neighbourhood, indexed, as tuples (p95)", 0.10, 0.26, "p95", "limits.md §4c")
# Machine time per request of the DB-backed list endpoint: 2 cores / 1,034 req/s (PostgreSQL).
HTTP_LIST = Floor(
    "DB-backed 50-row list endpoint (measured on PostgreSQL): 2 cores / 1,034 req/s = 1.93 ms of machine "
    "time a request",
    1.93,
    1.93,
    "median",
    "limits.md §6",
)
# An index lookup returning a handful of rows (p95).
POINT_LOOKUP = Floor("indexed radius query, sparse area, 4 rows (p95)", 0.03, 0.18, "p95", "limits.md §4a")
# One indexed round trip with a tiny result (upper end of the measured range); a case of several
# queries is compared with this floor times its query count.
ROUND_TRIP = Floor("indexed round trip, tiny result (upper end of range)", 0.09, 0.20, "p95", "limits.md §4")
# An indexed range query fetching 1,079 rows as tuples (p95): about 2 us a row, so a case that
# fetches N rows is compared with this floor scaled by N / ROWS_FETCH_ROWS.
ROWS_FETCH_ROWS = 1_079
ROWS_FETCH = Floor(
    f"indexed range query (radius, month-leading index), {ROWS_FETCH_ROWS:,} rows as tuples (p95); "
    "scaled by the rows a case returns",
    2.27,
    2.17,
    "p95",
    "limits.md §4a",
)
# Hot spots for a force-year (49,852 points; H3 cells, counts, top 50 with their peak hour), p95:
# computed from arrays already in memory (numpy/h3), and end to end fetched from PostgreSQL (the
# rows as tuples into numpy, then the same). A case with N points is compared with the floor
# scaled by N / 49,852. limits.md has no SQLite end-to-end figure.
HOT_SPOT_ARRAYS = Floor(
    "hot spots of a force-year (49,852 points) from arrays in memory, numpy/h3 (p95); scaled by the points",
    29.6,
    29.6,
    "p95",
    "limits.md §5",
)
HOT_SPOT_FETCHED = Floor(
    "hot spots of a force-year fetched from PostgreSQL into numpy, end to end (p95); scaled by the points",
    None,
    81.8,
    "p95",
    "limits.md §5",
)
