"""Importing police.uk street-level crime files (`*-street.csv`) as a force's historical records.

* `crime_import_start()` is what the page, the API and the command call: it checks the file (its
  size, its text, its header), stores it with a `CrimeImport` and starts the background job.
* `crime_import_run()` is the job's work: it reads the stored file through `load_rows()` and
  records how the import went.
* `load_rows()` is the loader itself (a benchmark calls it directly).

The format: a header of twelve columns (Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context), one crime
a line. Crime types and outcomes are police.uk's English names; a row with no coordinates is a
crime without a location.

Idempotent: each row's `source_key` is the SHA-256 of its normalised text (fields trimmed, the
crime id in lower case, joined by a unit separator) and its occurrence number among identical
rows of the file, so that the same file loaded twice adds nothing, and two identical rows (two
ASB reports at one place in one month) stay two crimes. Rows already held are counted apart.

All or nothing per row: a row is checked in full before anything is written, and a row's crime,
outcome and snap point are written in the same transaction (one per batch of `BATCH_ROWS`).
A row that cannot be read is skipped with its line number and why; a row that falls within
another force than the one importing is loaded, and counted in the report.

Speed (docs/performance.md has the figures): rows are parsed with the `csv` module (months,
crime types and outcomes looked up once per distinct value); snap points are found or made in
bulk (one query for the points a batch has not seen yet), and their neighbourhood found against
the force's boundaries held in memory (an R-tree); each batch of `BATCH_ROWS` is one transaction,
written by PostgreSQL `COPY` and one `INSERT ... ON CONFLICT DO NOTHING` (the unique index says
what is held: a second import of the same file costs one index probe a row), or on SQLite by
`executemany` with a larger page cache. What is left is the database's own work: the crimes'
indexes and the foreign keys checked at each commit.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.incidents.reference import Category
from beatbook.jobs.services import job_progress, job_start
from beatbook.org import policy
from beatbook.org.models import Force, Neighbourhood, Person

from ..models import CrimeImport, PublicCrime, PublicOutcome, SnapPoint
from .common import category_by_name, current_month, lock_force, outcome_by_name, published_months_add

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
COLUMNS = len(HEADER)
BATCH_ROWS = 5000
MAX_FILE_BYTES = 50 * 1024 * 1024
PROBLEMS_KEPT = 1000
OTHER_FORCES_KEPT = 20
UNNAMED_PLACE = "On or near an unnamed place"
IMPORT_KIND = "opendata.import"
IMPORT_CACHE_KIB = 64 * 1024
_CRIME_ID = re.compile(r"^[0-9a-f]{64}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SEPARATOR = "\x1f"
# Longest values the model's fields hold (a longer one makes the row unreadable, not truncated).
_LIMITS = tuple(
    (HEADER.index(name), name, limit)
    for name, limit in (
        ("Reported by", 120),
        ("Falls within", 120),
        ("Location", 200),
        ("LSOA code", 12),
        ("LSOA name", 120),
    )
)
_ASB = Category.ANTI_SOCIAL_BEHAVIOUR.value


class ImportFileError(ValueError):
    """The file as a whole is not a police.uk street-level file (no or wrong header)."""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    """How an import went. Counts are exact; `problems` keeps the first `PROBLEMS_KEPT`."""

    rows_total: int = 0
    rows_loaded: int = 0
    rows_already_loaded: int = 0
    rows_skipped: int = 0
    rows_other_force: int = 0
    snap_points_created: int = 0
    no_location: int = 0
    problems: list[Problem] = field(default_factory=list)
    other_forces: list[str] = field(default_factory=list)
    months: dict[str, int] = field(default_factory=dict)  # rows loaded by "YYYY-MM"

    def counts(self) -> dict[str, int]:
        """The counts only (what the audit trail and the job's result keep)."""
        return {
            "rows_total": self.rows_total,
            "rows_loaded": self.rows_loaded,
            "rows_already_loaded": self.rows_already_loaded,
            "rows_skipped": self.rows_skipped,
            "rows_other_force": self.rows_other_force,
            "snap_points_created": self.snap_points_created,
            "no_location": self.no_location,
        }


class _Row(NamedTuple):
    """One row, read and checked: everything a crime needs, nothing written yet."""

    line: int
    key: str
    crime_id: str
    month: dt.date
    category: str
    lat: float | None
    lng: float | None
    place: str
    lsoa_code: str
    lsoa_name: str
    reported_by: str
    falls_within: str
    outcome: str
    context: str


# ---- Starting an import ---------------------------------------------------------------------------


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        raise ValidationError({"file": [message]}) from exc


def _check_header(first_line: str) -> None:
    """ImportFileError unless the line is the police.uk street-level header."""
    try:
        names = next(csv.reader([first_line]))
    except (csv.Error, StopIteration) as exc:
        raise ImportFileError(_("The file has no header line.")) from exc
    _check_header_cells(names)


def _check_header_cells(names: list[str]) -> None:
    found = tuple(name.strip().lstrip("\ufeff").lower() for name in names)
    if found != tuple(name.lower() for name in HEADER):
        raise ImportFileError(
            _("This is not a police.uk street-level crime file: its first line must be the header %(header)s.")
            % {"header": ",".join(HEADER)}
        )


@transaction.atomic
def crime_import_start(
    *, actor: Person, force: Force, filename: str, content: bytes, meta: AuditMeta = NO_META
) -> CrimeImport:
    """Store a police.uk street-level CSV file for the force and start importing it in the
    background (force administrators and analysts). Refused on the field `file` when the file is
    empty, over 50 MB, not UTF-8 text or has not the police.uk header."""
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, force)
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "street.csv"
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB: split it by month.") % {"mb": MAX_FILE_BYTES // 2**20}]}
        )
    text = _decoded(content)
    try:
        end = text.find("\n")
        _check_header((text if end < 0 else text[:end]).rstrip("\r"))
    except ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    crime_import = CrimeImport(
        force=force,
        filename=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        uploaded_by=actor,
        rows_total=max(0, _line_count(text) - 1),
    )
    crime_import.full_clean(exclude=["content", "job"])
    crime_import.save()
    record(
        actor=actor,
        event=EventType.CRIME_IMPORT_STARTED,
        obj=crime_import,
        force_id=force.pk,
        after={"size": crime_import.size, "sha256": crime_import.sha256, "lines": crime_import.rows_total + 1},
        meta=meta,
    )
    # The task runs this module's crime_import_run, so the tasks module imports this one: the task
    # is imported here, where it is needed, rather than in a cycle at load time.
    from ..tasks import crime_import_task

    job = job_start(
        actor=actor,
        kind=IMPORT_KIND,
        title=_("Import %(file)s into %(force)s") % {"file": crime_import.filename, "force": force.name},
        force=force,
        task=crime_import_task,
        args=[crime_import.pk, meta.request_id],
        meta=meta,
    )
    CrimeImport.objects.filter(pk=crime_import.pk).update(job=job)
    crime_import.job = job
    return crime_import


def _line_count(text: str) -> int:
    """Lines in the text, not counting a final empty one."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


class _Lines:
    """The lines of a text, one by one (as `csv` reads them), with their count known ahead (so
    that progress has a total)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.count = _line_count(text)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return iter(io.StringIO(self.text, newline=""))


def crime_import_run(
    *, crime_import_id: int, job_id: int | None = None, meta: AuditMeta = NO_META
) -> ImportReport | None:
    """Do an import (the job's work): read the stored file through `load_rows`, keep counts and
    progress on the import (and its job), then record CRIME_IMPORT_FINISHED. None when the import
    had already finished (a job run twice does nothing the second time)."""
    crime_import = CrimeImport.objects.select_related("force", "uploaded_by").get(pk=crime_import_id)
    if crime_import.status in (CrimeImport.Status.SUCCEEDED, CrimeImport.Status.FAILED):
        return None
    text = _decoded(bytes(crime_import.content))
    lines = _Lines(text)
    CrimeImport.objects.filter(pk=crime_import.pk).update(status=CrimeImport.Status.RUNNING)

    def on_progress(done: int, total: int) -> None:
        if job_id is not None:
            job_progress(job_id, done, total)

    try:
        report = load_rows(force=crime_import.force, lines=lines, crime_import=crime_import, on_progress=on_progress)
    except Exception:
        CrimeImport.objects.filter(pk=crime_import.pk).update(
            status=CrimeImport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        CrimeImport.objects.filter(pk=crime_import.pk).update(
            status=CrimeImport.Status.SUCCEEDED,
            finished_at=timezone.now(),
            rows_total=report.rows_total,
            rows_loaded=report.rows_loaded,
            rows_already_loaded=report.rows_already_loaded,
            rows_skipped=report.rows_skipped,
            problems=[p.as_dict() for p in report.problems],
        )
        record(
            actor=crime_import.uploaded_by,
            event=EventType.CRIME_IMPORT_FINISHED,
            obj=crime_import,
            force_id=crime_import.force_id,
            after=report.counts() | {"months": report.months},
            meta=meta,
        )
    return report


def import_job_result(report: ImportReport) -> dict[str, Any]:
    """What the job page shows of an import: the counts, the other forces named."""
    result: dict[str, Any] = dict(report.counts())
    if report.other_forces:
        result["other_forces"] = ", ".join(report.other_forces)
    return result


# ---- Reading the rows -----------------------------------------------------------------------------


class _Reader:
    """Checks rows one by one and says why a row cannot be loaded. The few distinct months, crime
    types and outcomes of a file are looked up once each."""

    def __init__(self, force: Force) -> None:
        self.force_name = force.name.strip().lower()
        self.latest = current_month()
        self.categories: dict[str, str | None] = {}
        self.outcomes: dict[str, str | None] = {}
        self.months: dict[str, dt.date | str] = {}
        self.seen: dict[bytes, int] = {}  # 8-byte hash of a row's text -> times seen so far

    def _month(self, text: str) -> dt.date | str:
        found = self.months.get(text)
        if found is None:
            match = _MONTH.match(text)
            number = int(match.group(2)) if match else 0
            if match is None or not 1 <= number <= 12 or int(match.group(1)) < 1900:
                found = _("the month %(month)r is not YYYY-MM") % {"month": text[:20]}
            elif (month := dt.date(int(match.group(1)), number, 1)) > self.latest:
                found = _("the month %(month)s is in the future") % {"month": text}
            else:
                found = month
            self.months[text] = found
        return found

    def _category(self, text: str) -> str | None:
        if text not in self.categories:
            self.categories[text] = category_by_name().get(text.lower())
        return self.categories[text]

    def _outcome(self, text: str) -> str | None:
        if text not in self.outcomes:
            self.outcomes[text] = outcome_by_name().get(text.lower())
        return self.outcomes[text]

    def read(self, line: int, cells: list[str]) -> _Row | str:
        if len(cells) != COLUMNS:
            return _("expected %(n)s columns, found %(found)s") % {"n": COLUMNS, "found": len(cells)}
        values = [cell.strip() for cell in cells]
        crime_id, month_text, reported_by, falls_within, lng_text, lat_text = values[:6]
        place, lsoa_code, lsoa_name, crime_type, outcome_text, context = values[6:]
        month = self._month(month_text)
        if isinstance(month, str):
            return month
        category = self._category(crime_type)
        if category is None:
            return _("unknown crime type %(type)r") % {"type": crime_type[:60]}
        if crime_id:
            crime_id = values[0] = crime_id.lower()
            if not _CRIME_ID.match(crime_id):
                return _("the crime ID is not 64 hexadecimal characters")
        outcome = ""
        if outcome_text:
            outcome = self._outcome(outcome_text) or ""
            if not outcome:
                return _("unknown outcome category %(outcome)r") % {"outcome": outcome_text[:80]}
        lat: float | None = None
        lng: float | None = None
        if lat_text or lng_text:
            if not (lat_text and lng_text):
                return _("give both longitude and latitude, or neither")
            try:
                lat, lng = float(lat_text), float(lng_text)
            except ValueError:
                return _("the coordinates %(lng)r, %(lat)r are not numbers") % {
                    "lng": lng_text[:20],
                    "lat": lat_text[:20],
                }
            if not (math.isfinite(lat) and math.isfinite(lng) and geo.in_uk(lat, lng)):
                return _("the coordinates %(lng)s, %(lat)s are outside the UK") % {"lng": lng_text, "lat": lat_text}
        for index, name, limit in _LIMITS:
            if len(values[index]) > limit:
                return _("%(column)s is longer than %(limit)s characters") % {"column": name, "limit": limit}
        text = _SEPARATOR.join(values).encode()
        fingerprint = hashlib.blake2b(text, digest_size=8).digest()
        occurrence = self.seen.get(fingerprint, 0) + 1
        self.seen[fingerprint] = occurrence
        key = hashlib.sha256(text + b"\x1e" + str(occurrence).encode()).hexdigest()
        is_asb = category == _ASB
        return _Row(
            line,
            key,
            "" if is_asb else crime_id,
            month,
            category,
            lat,
            lng,
            (place or UNNAMED_PLACE) if lat is not None else "",
            lsoa_code,
            lsoa_name,
            reported_by,
            falls_within,
            "" if is_asb else outcome,
            context,
        )

    def other_force(self, row: _Row) -> bool:
        return bool(row.falls_within) and row.falls_within.lower() != self.force_name


class _Neighbourhoods:
    """The force's active neighbourhoods in memory, to find the one holding a point: an R-tree of
    their boundaries (edges included, as the incidents' own test); the lowest id wins an overlap."""

    def __init__(self, force: Force) -> None:
        areas = Neighbourhood.objects.filter(force=force, is_active=True).order_by("id")
        rows = list(areas.values_list("id", "boundary"))
        self.ids = [pk for pk, _boundary in rows]
        self.tree = shapely.STRtree([shape(boundary) for _pk, boundary in rows]) if rows else None

    def at(self, points: list[tuple[float, float]]) -> list[int | None]:
        """The neighbourhood id holding each (lat, lng), or None."""
        found: list[int | None] = [None] * len(points)
        if self.tree is None or not points:
            return found
        geoms = shapely.points(np.asarray([(lng, lat) for lat, lng in points], dtype=float))
        pairs = self.tree.query(geoms, predicate="covered_by")
        for point_index, tree_index in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            nb = self.ids[tree_index]
            current = found[point_index]
            if current is None or nb < current:
                found[point_index] = nb
        return found


_SnapKey = tuple[float, float, str]


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _column(model: type[models.Model], name: str) -> str:
    column = _field(model, name).column
    assert column is not None
    return column


class _Tables:
    """Writes a batch of crimes (and their outcomes) not held yet, by the fastest way the database
    has, and says which were new.

    * PostgreSQL: `COPY` into a temporary table, then one statement that inserts its rows into the
      crimes with `ON CONFLICT (force_id, source_key) DO NOTHING` (the unique index decides what is
      held, whatever the planner's statistics say) and the new crimes' outcomes.
    * SQLite: the keys held are read (the unique index), the new crimes' ids are taken from the
      table's counter (the write lock is held), and both tables are written with `executemany`.
    * Another database: the ORM's `bulk_create`.
    """

    CRIME_FIELDS = (
        "force",
        "neighbourhood",
        "month",
        "category",
        "persistent_id",
        "snap_point",
        "lat",
        "lng",
        "location_subtype",
        "context",
        "outcome",
        "outcome_month",
        "lsoa_code",
        "lsoa_name",
        "reported_by",
        "falls_within",
        "source",
        "source_key",
        "incident",
        "crime_import",
        "created_at",
    )
    KEY = CRIME_FIELDS.index("source_key")
    OUTCOME = CRIME_FIELDS.index("outcome")
    OUTCOME_MONTH = CRIME_FIELDS.index("outcome_month")
    STAGING = "opendata_import_rows"

    def __init__(self) -> None:
        self.vendor = connection.vendor
        qn = connection.ops.quote_name
        self.crimes = qn(PublicCrime._meta.db_table)
        self.outcomes = qn(PublicOutcome._meta.db_table)
        self.snaps = qn(SnapPoint._meta.db_table)
        self.columns = ", ".join(qn(_column(PublicCrime, name)) for name in self.CRIME_FIELDS)
        self.outcome_columns = ", ".join(
            qn(_column(PublicOutcome, name)) for name in ("crime", "category", "month", "person_id")
        )
        self.staged = False

    def _in(self, column: str, values: list[Any]) -> tuple[str, list[Any]]:
        """`column = ANY(%s)` (one array parameter) on PostgreSQL, `column IN (%s, ...)` elsewhere."""
        if self.vendor == "postgresql":
            return f"{column} = ANY(%s)", [values]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", values

    def snap_points_at(self, force: Force, lats: list[float]) -> list[tuple[int, float, float, str]]:
        """The force's snap points at these latitudes: (id, lat, lng, name)."""
        rows: list[tuple[int, float, float, str]] = []
        with connection.cursor() as cursor:
            for start in range(0, len(lats), BATCH_ROWS):
                where, params = self._in("lat", lats[start : start + BATCH_ROWS])
                cursor.execute(
                    f"SELECT id, lat, lng, name FROM {self.snaps} WHERE force_id = %s AND {where}",  # noqa: S608
                    [force.pk, *params],
                )
                rows.extend(cursor.fetchall())
        return rows

    def insert_snap_points(self, force: Force, keys: list[_SnapKey], now: dt.datetime) -> dict[_SnapKey, int]:
        """Insert these snap points (none of which the force holds; the force is locked) as made by
        an import; returns their ids."""
        source = SnapPoint.Source.IMPORT.value
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {self.snaps} (force_id, lat, lng, name, source, created_at) "  # noqa: S608
                    "SELECT %s, lat, lng, name, %s, %s "
                    "FROM unnest(%s::double precision[], %s::double precision[], %s::text[]) AS p(lat, lng, name) "
                    "RETURNING id, lat, lng, name",
                    [force.pk, source, now, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]],
                )
                return {(lat, lng, name): pk for pk, lat, lng, name in cursor.fetchall()}
            if self.vendor == "sqlite":
                first = self._next_sqlite_id(cursor, SnapPoint._meta.db_table, self.snaps)
                cursor.executemany(
                    f"INSERT INTO {self.snaps} (id, force_id, lat, lng, name, source, created_at) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(first + n, force.pk, lat, lng, name, source, now) for n, (lat, lng, name) in enumerate(keys)],
                )
                return {key: first + n for n, key in enumerate(keys)}
        points = [SnapPoint(force=force, lat=lat, lng=lng, name=name, source=source) for lat, lng, name in keys]
        SnapPoint.objects.bulk_create(points)
        return {(p.lat, p.lng, p.name): int(p.pk) for p in points}

    @staticmethod
    def _next_sqlite_id(cursor: Any, table: str, quoted: str) -> int:
        """The next id of an AUTOINCREMENT table (SQLite lets one transaction write at a time, and
        transactions begin IMMEDIATE (see the settings): no one else takes it before this one
        commits)."""
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        counter = cursor.fetchone()
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 (a table name)
        highest = cursor.fetchone()
        return max(int(counter[0]) if counter else 0, int(highest[0]) if highest and highest[0] else 0) + 1

    def write(self, force: Force, rows: list[tuple[Any, ...]]) -> set[str]:
        """Insert the crimes (as CRIME_FIELDS) the force does not hold yet, with their outcomes;
        returns the source keys of those inserted. Call inside the batch's transaction."""
        if self.vendor == "postgresql":
            return self._write_postgresql(rows)
        held = self._held(force, [row[self.KEY] for row in rows])
        new = [row for row in rows if row[self.KEY] not in held]
        if not new:
            return set()
        if self.vendor == "sqlite":
            self._write_sqlite(new)
        else:
            self._write_orm(new)
        return {row[self.KEY] for row in new}

    def _write_postgresql(self, rows: list[tuple[Any, ...]]) -> set[str]:
        staging = self.STAGING
        with connection.cursor() as cursor:
            # An import can be run again (it is idempotent): a crash may lose the last batch's
            # commit rather than every batch waiting for its WAL flush.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if not self.staged:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608 (names, not values)
                    f"SELECT {self.columns} FROM {self.crimes} WITH NO DATA"
                )
                self.staged = True
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.cursor.copy(f"COPY {staging} ({self.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"WITH new AS (INSERT INTO {self.crimes} ({self.columns}) "  # noqa: S608 (names, not values)
                f"SELECT {self.columns} FROM {staging} ON CONFLICT (force_id, source_key) DO NOTHING "
                "RETURNING id, source_key, outcome, outcome_month), "
                f"outcomes AS (INSERT INTO {self.outcomes} ({self.outcome_columns}) "
                "SELECT id, outcome, outcome_month, NULL FROM new WHERE outcome <> '') "
                "SELECT source_key FROM new"
            )
            return {key for (key,) in cursor.fetchall()}

    def _held(self, force: Force, keys: list[str]) -> set[str]:
        found: set[str] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(keys), BATCH_ROWS):
                where, params = self._in("source_key", keys[start : start + BATCH_ROWS])
                cursor.execute(
                    f"SELECT source_key FROM {self.crimes} WHERE force_id = %s AND {where}",  # noqa: S608
                    [force.pk, *params],
                )
                found.update(key for (key,) in cursor.fetchall())
        return found

    def _write_sqlite(self, rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            first = self._next_sqlite_id(cursor, PublicCrime._meta.db_table, self.crimes)
            marks = ", ".join(["%s"] * (len(self.CRIME_FIELDS) + 1))
            cursor.executemany(
                f"INSERT INTO {self.crimes} (id, {self.columns}) VALUES ({marks})",  # noqa: S608 (names)
                [(first + n, *row) for n, row in enumerate(rows)],
            )
            cursor.executemany(
                f"INSERT INTO {self.outcomes} ({self.outcome_columns}) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [
                    (first + n, row[self.OUTCOME], row[self.OUTCOME_MONTH], None)
                    for n, row in enumerate(rows)
                    if row[self.OUTCOME]
                ],
            )

    def _write_orm(self, rows: list[tuple[Any, ...]]) -> None:
        names = [_field(PublicCrime, name).attname for name in self.CRIME_FIELDS]
        crimes = [PublicCrime(**dict(zip(names, row, strict=True))) for row in rows]
        PublicCrime.objects.bulk_create(crimes)
        PublicOutcome.objects.bulk_create(
            [PublicOutcome(crime=c, category=c.outcome, month=c.outcome_month or c.month) for c in crimes if c.outcome]
        )


class _SnapPoints:
    """Snap points by (lat, lng, name), found in the database or made, a batch at a time."""

    def __init__(self, force: Force, neighbourhoods: _Neighbourhoods, tables: _Tables) -> None:
        self.force = force
        self.neighbourhoods = neighbourhoods
        self.tables = tables
        self.known: dict[_SnapKey, tuple[int, int | None]] = {}  # key -> (snap point id, neighbourhood id)
        self.created = 0

    def ensure(self, keys: Iterable[_SnapKey]) -> None:
        """Make sure every key has a snap point (call inside the batch's transaction, force locked)."""
        missing = sorted({key for key in keys if key not in self.known})
        if not missing:
            return
        wanted = set(missing)
        lats = sorted({lat for lat, _lng, _name in missing})
        found = {
            (lat, lng, name): pk
            for pk, lat, lng, name in self.tables.snap_points_at(self.force, lats)
            if (lat, lng, name) in wanted
        }
        new = [key for key in missing if key not in found]
        if new:
            found.update(self.tables.insert_snap_points(self.force, new, timezone.now()))
            self.created += len(new)
        areas = self.neighbourhoods.at([(lat, lng) for lat, lng, _name in missing])
        for key, area in zip(missing, areas, strict=True):
            self.known[key] = (found[key], area)

    def of(self, key: _SnapKey) -> tuple[int, int | None]:
        return self.known[key]


def _rows(lines: Iterable[str], reader: _Reader, report: ImportReport) -> Iterator[_Row]:
    """The file's readable rows, in order; the others go into the report as problems."""
    parsed = csv.reader(iter(lines))
    try:
        header = next(parsed)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("The file has no header line.")) from exc
    _check_header_cells(header)
    while True:
        try:
            cells = next(parsed)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a quote never closed: the rest of the file is one field
            report.rows_total += 1
            _skip(report, parsed.line_num, _("the line cannot be read as CSV: %(error)s") % {"error": exc})
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line is no row
        report.rows_total += 1
        row = reader.read(parsed.line_num, cells)
        if isinstance(row, str):
            _skip(report, parsed.line_num, row)
            continue
        yield row


def _skip(report: ImportReport, line: int, reason: str) -> None:
    report.rows_skipped += 1
    if len(report.problems) < PROBLEMS_KEPT:
        report.problems.append(Problem(line=line, reason=reason))


def _batches(rows: Iterator[_Row]) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def _sqlite_tuned() -> Iterator[None]:
    """On SQLite, for the import only: a 64 MB page cache (the crimes' indexes outgrow the 2 MB
    default) and, in WAL mode outside a transaction, `synchronous=NORMAL` (a commit no longer
    waits for the disk; the database stays consistent, and a batch lost to a power cut is loaded
    again by running the import again). The connection's own settings come back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous")
        synchronous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA journal_mode")
        relax = str(cursor.fetchone()[0]).lower() == "wal" and not connection.in_atomic_block
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        if relax:
            cursor.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache}")
            if relax:
                cursor.execute(f"PRAGMA synchronous = {synchronous}")


def load_rows(
    *,
    force: Force,
    lines: Iterable[str],
    crime_import: CrimeImport | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Load the lines of a police.uk street-level CSV file (header first) into the force's public
    crimes, skipping rows already held; returns the report. `on_progress(done, total)` is called
    after each batch (total: the lines less the header when `lines` has a length, else the rows
    read so far). With `crime_import`, its counts are kept up to date batch by batch and the rows
    point at it. Raises ImportFileError when the first line is not the police.uk header."""
    loader = _Loader(force, crime_import)
    expected = max(0, len(lines) - 1) if isinstance(lines, Sized) else 0
    report = loader.report
    with _sqlite_tuned():
        for batch in _batches(_rows(lines, loader.reader, report)):
            loader.load(batch)
            if on_progress is not None:
                on_progress(report.rows_total, max(expected, report.rows_total))
    if on_progress is not None:
        on_progress(report.rows_total, report.rows_total)
    return loader.finish()


class _Loader:
    """Loads batches of checked rows for a force, each in its own transaction, and keeps count."""

    def __init__(self, force: Force, crime_import: CrimeImport | None) -> None:
        self.force = force
        self.crime_import = crime_import
        self.report = ImportReport()
        self.reader = _Reader(force)
        self.tables = _Tables()
        self.snaps = _SnapPoints(force, _Neighbourhoods(force), self.tables)
        self.months: Counter[dt.date] = Counter()
        self.other_forces: dict[str, None] = {}

    def load(self, batch: list[_Row]) -> None:
        """One batch in one transaction: its new rows, their months' counts, the import's counts."""
        report = self.report
        with transaction.atomic():
            lock_force(self.force)
            loaded = self._write(batch)
            added: Counter[dt.date] = Counter(row.month for row in loaded)
            published_months_add(self.force, added)
            if self.crime_import is not None:
                CrimeImport.objects.filter(pk=self.crime_import.pk).update(
                    rows_loaded=report.rows_loaded + len(loaded),
                    rows_already_loaded=report.rows_already_loaded + len(batch) - len(loaded),
                    rows_skipped=report.rows_skipped,
                )
        self.months.update(added)
        report.rows_loaded += len(loaded)
        report.rows_already_loaded += len(batch) - len(loaded)
        for row in loaded:
            if row.lat is None:
                report.no_location += 1
            if row.falls_within and self.reader.other_force(row):
                report.rows_other_force += 1
                if len(self.other_forces) < OTHER_FORCES_KEPT:
                    self.other_forces.setdefault(row.falls_within, None)

    def _write(self, batch: list[_Row]) -> list[_Row]:
        """Write the batch's rows not already held (crime, outcome, snap point); returns them."""
        snaps = self.snaps
        snaps.ensure((row.lat, row.lng, row.place) for row in batch if row.lat is not None and row.lng is not None)
        now = timezone.now()
        force_id = self.force.pk
        import_id = self.crime_import.pk if self.crime_import is not None else None
        source = PublicCrime.Source.IMPORT.value
        crimes: list[tuple[Any, ...]] = []
        for row in batch:
            snap_id: int | None = None
            area: int | None = None
            if row.lat is not None and row.lng is not None:
                snap_id, area = snaps.of((row.lat, row.lng, row.place))
            crimes.append(
                (
                    force_id,
                    area,
                    row.month,
                    row.category,
                    row.crime_id,
                    snap_id,
                    row.lat,
                    row.lng,
                    "",
                    row.context,
                    row.outcome,
                    row.month if row.outcome else None,
                    row.lsoa_code,
                    row.lsoa_name,
                    row.reported_by,
                    row.falls_within,
                    source,
                    row.key,
                    None,
                    import_id,
                    now,
                )
            )
        written = self.tables.write(self.force, crimes)
        return [row for row in batch if row.key in written]

    def finish(self) -> ImportReport:
        report = self.report
        report.snap_points_created = self.snaps.created
        report.other_forces = list(self.other_forces)
        report.months = {f"{month:%Y-%m}": count for month, count in sorted(self.months.items())}
        return report


__all__ = [
    "BATCH_ROWS",
    "HEADER",
    "MAX_FILE_BYTES",
    "ImportFileError",
    "ImportReport",
    "Problem",
    "crime_import_run",
    "crime_import_start",
    "load_rows",
]
