"""Each audit entry keeps the visit its details name, so a visit's entries are found by an index:
the entries written before the step that added it get it from their details, the chain verifies
exactly as before, and the log stays append-only. On both engines."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit
from chargeclock.storage.database import Database
from chargeclock.storage.errors import ConflictError
from chargeclock.storage.migrations import migration_files, run_python_step
from tests.conftest import OpenServices
from tests.services.conftest import START, set_up_clinic

STEP_FILE = next(p for p in migration_files() if p.stem.endswith("_audit_visit_ids"))


def _as_before_the_step_then_take_it(services: Services) -> None:
    """The store's entries as they stood before the step (no visit column, no indexes), then
    the step itself run on them, on either engine. The rest of the schema stays as it is, so
    the program's own writes (later steps' columns included) made the entries."""
    db = services.db
    with db.transaction():
        for sql in (
            "DROP INDEX audit_log_visit",
            "DROP INDEX payments_visit",
            "ALTER TABLE audit_log DROP COLUMN visit_id",
        ):
            db.execute(sql)
        run_python_step(STEP_FILE, db.conn if isinstance(db, Database) else db)


def _expected(services: Services, visit_id: int) -> list[int]:
    """The ids of a visit's entries and its segments' by their details: what History lists for
    these visits, which have no payment or ledger entry of their own."""
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
    open_services: OpenServices,
) -> None:
    clock = FakeClock(START)
    services = open_services(clock)
    clinic = set_up_clinic(services, clock)
    visit_ids = _work(services, clock, clinic.patient_id, 11)
    expected = {v: _expected(services, v) for v in visit_ids}
    before = services.verify_audit()
    _as_before_the_step_then_take_it(services)
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
