"""The audit log's cost: the entry a timer tap writes, and verify-audit on the demo year."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.demo import build_demo
from chargeclock.services.session import Services
from chargeclock.storage import audit, audit_verify
from chargeclock.storage.database import open_read_only
from tests.perf.clinic import add_patient
from tests.perf.conftest import median_ms, record

TAP_ENTRY_BUDGET_MS = 0.5  # "well under a millisecond" on top of the tap's own commit
VERIFY_DEMO_BUDGET_MS = 3000.0
VERIFY_DECADE_BUDGET_MS = 10 * VERIFY_DEMO_BUDGET_MS  # ten times the year's rows and entries


def test_the_audit_entry_of_a_timer_tap(
    fresh_services: tuple[Services, FakeClock], monkeypatch: pytest.MonkeyPatch
) -> None:
    services, clock = fresh_services
    patient = add_patient(services, "Tapper")
    visit = services.visits.open_visit(patient, codes=["97110", "97140"]).visit_id
    spent: list[float] = []
    append = audit.append

    def timed(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return append(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    monkeypatch.setattr(audit, "append", timed)
    codes = ("97110", "97140")
    for n in range(400):  # each start also stops the other code: two segments per entry
        clock.advance(seconds=7)
        services.visits.start_timer(visit, codes[n % 2], "PT")
    spent.sort()
    median = spent[len(spent) // 2]
    result = record(
        "audit entry of a timer tap (HMAC, 2 segment rows)",
        median,
        TAP_ENTRY_BUDGET_MS,
        "ms",
        len(spent),
        p99_ms=round(spent[int(len(spent) * 0.99)], 3),
    )
    assert result.ok


def test_verify_audit_on_the_decade(decade_db: Path) -> None:
    with open_read_only(decade_db) as db:
        report = audit_verify.verify(db.conn)
        assert report.ok, report.problems
        median = median_ms(lambda: audit_verify.verify(db.conn), 3, warmup=1)
    result = record(
        "verify-audit on the decade",
        median,
        VERIFY_DECADE_BUDGET_MS,
        "ms",
        3,
        entries=report.entries,
        rows=sum(count for _, count in report.rows),
    )
    assert result.ok


def test_verify_audit_on_the_demo_year(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    build_demo(path, today=date(2026, 11, 27))
    with open_read_only(path) as db:
        report = audit_verify.verify(db.conn)
        assert report.ok, report.problems
        median = median_ms(lambda: audit_verify.verify(db.conn), 5, warmup=1)
    rows = sum(count for _, count in report.rows)
    result = record(
        "verify-audit on the demo year",
        median,
        VERIFY_DEMO_BUDGET_MS,
        "ms",
        5,
        entries=report.entries,
        rows=rows,
    )
    assert result.ok
