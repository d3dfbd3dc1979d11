"""Real concurrent writers (PostgreSQL only: SQLite's test database is one connection).

Each force's chain head is locked while an event is appended, so writers to one force queue
and never share a sequence number, while writers to two forces build two independent chains.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from beatbook.audit import chain
from beatbook.audit.models import AuditEvent, EventType
from beatbook.audit.services import record
from beatbook.core.testing import World, build_world
from beatbook.org.models import Neighbourhood, Person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for parallel writers"),
]

WRITERS_PER_FORCE = 3
EVENTS_PER_WRITER = 15


def write(actor: Person, area: Neighbourhood, failures: list[BaseException], start: threading.Barrier) -> None:
    try:
        start.wait()
        for n in range(EVENTS_PER_WRITER):
            record(actor=actor, event=EventType.NEIGHBOURHOOD_UPDATED, obj=area, after={"n": n})
    except BaseException as exc:
        failures.append(exc)
    finally:
        connection.close()


def test_parallel_writers_to_two_forces_make_two_intact_chains() -> None:
    world: World = build_world()
    before = {f.pk: AuditEvent.objects.filter(force=f).count() for f in (world.force_a, world.force_b)}
    failures: list[BaseException] = []
    jobs = [(world.alice, world.a1)] * WRITERS_PER_FORCE + [(world.hal, world.b1)] * WRITERS_PER_FORCE
    start = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=write, args=(who, where, failures, start)) for who, where in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    added = WRITERS_PER_FORCE * EVENTS_PER_WRITER
    for force in (world.force_a, world.force_b):
        seqs = list(AuditEvent.objects.filter(force=force).order_by("seq").values_list("seq", flat=True))
        assert len(seqs) == before[force.pk] + added
        assert seqs == list(range(1, len(seqs) + 1))
    report = chain.verify()
    assert report.ok, str(report.broken)
    assert report.chains == 2
