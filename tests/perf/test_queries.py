"""The KX year-to-date query on ten years of a clinic's visits, and a visit's audit entries on
ten years of its log."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from chargeclock.clock import FakeClock
from chargeclock.services.billing import ytd_allowed
from chargeclock.services.session import Services
from tests.perf.conftest import median_ms, record

YTD_BUDGET_MS = 5.0


def test_ytd_query(decade_db: Path, tmp_path: Path) -> None:
    database = tmp_path / "decade.sqlite3"
    shutil.copyfile(decade_db, database)
    with sqlite3.connect(database) as conn:
        visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        years = conn.execute(
            "SELECT count(DISTINCT substr(date_of_service, 1, 4)) FROM visits"
        ).fetchone()[0]
        pairs = conn.execute(
            "SELECT DISTINCT patient_id, CAST(substr(date_of_service, 1, 4) AS INTEGER) "
            "FROM visits WHERE status = 'finalized' ORDER BY 1, 2"
        ).fetchall()
        plan = " / ".join(
            str(r[-1])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT sum(l.allowed_cents) FROM visits v "
                "JOIN claim_lines l ON l.visit_id = v.id WHERE v.patient_id = 1 "
                "AND v.status = 'finalized' AND v.date_of_service >= '2026-01-01' "
                "AND v.date_of_service < '2027-01-01' AND v.discipline IN ('PT', 'SLP')"
            )
        )
    assert visits >= 10 * 3000
    services = Services.open(database, FakeClock())
    try:
        position = 0

        def query() -> None:
            nonlocal position
            patient_id, year = pairs[position % len(pairs)]
            position += 7
            ytd_allowed(services.ctx, patient_id, year, "pt_slp")

        result = record(
            "KX year-to-date query (10 years × ~3,400 visits)",
            median_ms(query, 400),
            YTD_BUDGET_MS,
            "ms",
            400,
            visits=visits,
            years=years,
            plan=plan,
        )
    finally:
        services.close()
    assert "visits_patient_status_day" in plan, plan
    assert result.ok


VISIT_AUDIT_BUDGET_MS = 2.0


def test_a_visits_audit_entries(decade_db: Path, tmp_path: Path) -> None:
    """History's list of a selected visit's changes (every entry about it: its own, its timer
    segments', its payments' and adjustments'), on ten years of audit entries: read by the
    visit (indexes), not by a scan of the log."""
    database = tmp_path / "decade.sqlite3"
    shutil.copyfile(decade_db, database)
    services = Services.open(database, FakeClock())
    try:
        entries = services.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        visit_ids = [
            r[0]
            for r in services.db.execute(
                "SELECT visit_id FROM audit_log WHERE entity = 'timer_segment' "
                "AND visit_id IS NOT NULL GROUP BY visit_id ORDER BY visit_id"
            ).fetchall()
        ]
        visit_ids += [r[0] for r in services.db.execute("SELECT id FROM visits ORDER BY id")]
        position = 0
        found: list[int] = []

        def select() -> None:
            nonlocal position
            found.append(len(services.records.visit_audit(visit_ids[position % len(visit_ids)])))
            position += 13

        result = record(
            "a visit's audit entries (History, decade)",
            median_ms(select, 400),
            VISIT_AUDIT_BUDGET_MS,
            "ms",
            400,
            entries=entries,
        )
    finally:
        services.close()
    assert entries >= 60_000 and min(found) >= 1  # each visit has its own entry at least
    assert result.ok
