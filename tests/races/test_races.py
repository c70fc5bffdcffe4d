"""Two workstations, two processes, one clinic server: racing for the same timer and the same
finalize, visit after visit, released together at a barrier each time.

Each race reports its figures (``-s`` shows them): attempts, the changes made, the conflicts the
losing side was told of, and the duplicates found afterwards, which must be none.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from chargeclock.clock import FakeClock, SystemClock
from chargeclock.services.session import Services
from tests.pg_server import Cluster

ROUNDS = 30


def _clinic(url: str, *, stopped_minutes: int | None) -> tuple[Services, list[int]]:
    """A clinic with ROUNDS open visits on 97110, a patient each (with a stopped PT segment,
    for finalize)."""
    now = SystemClock().now()
    services = Services.open(url, FakeClock(now - timedelta(hours=2)), zone=UTC)
    records = services.records
    records.add_provider("Dana Reyes", "PT", "1234567893")
    payer = records.add_payer("Medicare", medicare=True)
    records.save_fees(now.year, charges={"97110": "50.00"})  # no line is frozen without one
    visits = []
    for n in range(ROUNDS):  # a patient each: one visit's finalize pools no other's day
        patient, _ = records.add_patient(f"Doe{n}", "Jane", date(1950, 1, 2), payer_id=payer.id,
                                         diagnoses=["M17.11"])  # fmt: skip
        visit = services.visits.open_visit(patient.id, codes=["97110"]).visit_id
        if stopped_minutes is not None:
            services.visits.start_timer(visit, "97110", "PT")
            services.clock.advance(minutes=stopped_minutes)  # type: ignore[attr-defined]
            services.visits.stop_timer(visit, "PT")
        visits.append(visit)
    return services, visits


def _race(url: str, kind: str, visits: list[int]) -> list[dict[str, Any]]:
    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(2), spawn.Queue()
    workers = [
        spawn.Process(target=_worker, args=(url, name, kind, visits, barrier, out))
        for name in ("room-1", "gym")
    ]
    for worker in workers:
        worker.start()
    figures = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return figures


def _worker(*args: Any) -> None:
    from tests.races.worker import race

    race(*args)


def _report(kind: str, figures: list[dict[str, Any]], duplicates: int) -> None:
    attempts = sum(f["attempts"] for f in figures)
    conflicts = sum(f["conflicts"] for f in figures)
    print(f"\nrace {kind}: {attempts} attempts by 2 processes, {sum(f['won'] for f in figures)} "
          f"made, {conflicts} conflicts detected, duplicates: {duplicates}")  # fmt: skip


def test_two_workstations_racing_for_the_same_timer_start_it_once(pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database()
    services, visits = _clinic(url, stopped_minutes=None)
    try:
        figures = _race(url, "timer", visits)
        assert all(not f["errors"] for f in figures), figures
        running = services.db.execute(
            "SELECT visit_id, count(*) FROM timer_segments WHERE stopped_at IS NULL "
            "GROUP BY visit_id ORDER BY visit_id"
        ).fetchall()
        duplicates = sum(n - 1 for _, n in running)
        _report("for one timer", figures, duplicates)
        assert running == [(v, 1) for v in visits] and duplicates == 0
        assert sum(f["won"] for f in figures) == ROUNDS
        assert sum(f["conflicts"] for f in figures) == ROUNDS  # each loser was told
        started = [e for e in services.audit_entries() if e.action == "timer_started"]
        assert len(started) == ROUNDS  # the fixture's own taps are none here
        assert services.verify_audit().ok
    finally:
        services.close()


def test_two_workstations_racing_to_finalize_a_visit_finalize_it_once(
    pg_cluster: Cluster,
) -> None:
    url = pg_cluster.new_database()
    services, visits = _clinic(url, stopped_minutes=23)
    try:
        figures = _race(url, "finalize", visits)
        assert all(not f["errors"] for f in figures), figures
        finalized = [e.entity_id for e in services.audit_entries() if e.action == "visit_finalized"]
        duplicates = len(finalized) - len(set(finalized))
        _report("to finalize", figures, duplicates)
        assert sorted(finalized) == visits and duplicates == 0
        assert sum(f["conflicts"] for f in figures) == ROUNDS
        lines = services.db.execute(
            "SELECT visit_id, count(*), sum(units) FROM claim_lines GROUP BY visit_id "
            "ORDER BY visit_id"
        ).fetchall()
        assert lines == [(v, 1, 2) for v in visits]  # 23 minutes: 2 units, once each
        assert services.verify_audit().ok
    finally:
        services.close()


pytestmark = pytest.mark.slow
