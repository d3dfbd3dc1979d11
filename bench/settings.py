"""Settings for a benchmark process: the test settings on a throwaway database.

`bench.__main__` sets BEATBOOK_BENCH_TEST_DB (a file in a temporary directory for SQLite, a
database name for PostgreSQL); `bench.run` creates that database, migrates it and drops it.
"""

from __future__ import annotations

import os

from config.test_settings import *  # noqa: F403
from config.test_settings import DATABASES

DATABASES["default"]["TEST"] = {"NAME": os.environ["BEATBOOK_BENCH_TEST_DB"]}
