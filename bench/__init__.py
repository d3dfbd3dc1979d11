"""Benchmarks of Beatbook's hot reads, run by `python -m bench` (`make bench`), not by pytest.

Each database engine runs in its own process (`bench.run`) on a throwaway database: SQLite always,
PostgreSQL too when DATABASE_URL is set. The figures go to docs/performance.md, as ratios to the
floors measured on this kind of machine (see `bench.floors`).
"""
