"""Each audit entry keeps the visit its details name, so a visit's entries are found by an index:
the entries written before the step that added it get it from their details, the chain verifies
exactly as before, and the log stays append-only. On both engines."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chargeclock import shipped
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit
from chargeclock.storage.errors import ConflictError
from chargeclock.storage.migrations import migration_files
from chargeclock.storage.store import Store
from tests.conftest import OpenServices
from tests.services.conftest import START, set_up_clinic

STEP = next(p.stem for p in migration_files() if p.stem.endswith("_audit_visit_ids"))


class _BeforeTheStep:
    """A store as ChargeClock wrote its audit entries before the step: the same chained, keyed
    entry, with no column for its visit."""

    def __init__(self, conn: Store) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, sql: str, params: Any = ()) -> Any:
        if sql.startswith("INSERT INTO audit_log"):
            sql = sql.replace(", visit_id)", ")").replace(", ?)", ")")
            params = params[:-1]
        return self._conn.execute(sql, params)


def _insert_before_the_step(conn: Store, *args: Any) -> int:
    return _INSERT(_BeforeTheStep(conn), *args)


_INSERT = audit._insert


def _take_the_step_back(services: Services) -> None:
    """The new, empty store as it stood before the step (each engine's store is made with every
    step; the server's, from a template that has them)."""
    db = services.db
    record = "chargeclock_migrations" if db.dialect == "postgresql" else "_sqlite_migrations"
    with db.transaction():
        for sql in (
            "DROP INDEX audit_log_visit",
            "DROP INDEX payments_visit",
            "ALTER TABLE audit_log DROP COLUMN visit_id",
        ):
            db.execute(sql)
        db.execute(f"DELETE FROM {record} WHERE name = ?", (STEP,))
    services.close()


def _expected(services: Services, visit_id: int) -> list[int]:
    """The ids of a visit's entries and its segments' by their details: what History lists."""
    return [
        e.id
        for e in audit.entries(services.db)
        if (e.entity == "visit" and e.entity_id == visit_id)
        or (e.entity == "timer_segment" and e.details.get("visit_id") == visit_id)
    ]


def _work(services: Services, clock: FakeClock, patient_id: int, count: int) -> list[int]:
    """``count`` visits, each with a timed segment edited (an entry naming the visit in its
    details): visit 1's entries must not pick up visit 10's, nor 11's."""
    made = []
    visits = services.visits
    for _ in range(count):
        visit = visits.open_visit(patient_id, codes=["97110"]).visit_id
        started = visits.toggle_timer(visit, "97110", "PT").started
        assert started is not None
        clock.advance(minutes=9)
        visits.toggle_timer(visit, "97110", "PT")
        visits.edit_segment(
            started.segment_id,
            started_at=started.started_at,
            stopped_at=started.started_at + timedelta(minutes=8),
            reason="stopped late",
        )
        made.append(visit)
    return made


def test_entries_written_before_the_step_are_found_by_their_visit(
    open_services: OpenServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted(shipped.migrations_dir().glob("*.*")):
        if path.name < STEP:
            shutil.copy(path, older / path.name)
    clock = FakeClock(START)
    _take_the_step_back(open_services(clock))
    with monkeypatch.context() as patch:
        patch.setattr(shipped, "migrations_dir", lambda: older)
        patch.setattr(audit, "_insert", _insert_before_the_step)
        services = open_services(clock)
        clinic = set_up_clinic(services, clock)
        visit_ids = _work(services, clock, clinic.patient_id, 11)
        expected = {v: _expected(services, v) for v in visit_ids}
        before = services.verify_audit()
        services.close()

    services = open_services(clock)  # takes the step
    visits = services.visits
    got = {v: [e.id for e in services.records.visit_audit(v)] for v in visit_ids}
    assert got == expected
    assert all(len(ids) >= 4 for ids in got.values())  # opened, started, stopped, edited
    after = services.verify_audit()
    assert after.ok, after.problems
    assert (after.plain_entries, after.keyed_entries) == (
        before.plain_entries,
        before.keyed_entries,
    )

    # entries written from now on carry it too; the log is still append-only
    visits.toggle_timer(visit_ids[0], "97110", "PT")
    clock.advance(minutes=3)
    visits.toggle_timer(visit_ids[0], "97110", "PT")
    segment = visits.visit_state(visit_ids[0]).codes[0].spans[-1]
    visits.delete_segment(segment.segment_id, "tapped by mistake")
    assert [e.id for e in services.records.visit_audit(visit_ids[0])] == _expected(
        services, visit_ids[0]
    )
    stored = services.db.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'timer_segment' AND visit_id IS NULL"
    ).fetchone()[0]
    assert stored == 0
    with (
        pytest.raises((sqlite3.IntegrityError, ConflictError), match="append-only"),
        services.db.transaction(),
    ):
        services.db.execute("UPDATE audit_log SET visit_id = 1 WHERE visit_id IS NOT NULL")
