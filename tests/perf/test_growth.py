"""How the daily operations grow with the clinic's years: the same measures on 1, 2, 5 and 10
years of history (tests/perf/decade.py), written to ``out/growth.json`` for the README's chart
(``tools/bench_chart.py``). A tap and a year's statement should stay flat; History of the
busiest patient grows with that patient's visits, and ``verify-audit``, which reads all
history, with the clinic's."""

from __future__ import annotations

import json
import shutil
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit_verify
from tests.perf.conftest import OUT, clocked, load, record, years_database
from tests.perf.test_decade import _day_of, _open_visit, _statement_ms, history_samples

YEARS = (1, 2, 5, 10)
GROWTH = OUT.parent / "growth.json"
# A tap and a patient's statement of a year, on ten years, may cost at most this many times what
# they cost on one year (they read one visit, one patient's year).
FLAT = 2.0


def _measure(path: Path, qapp: QApplication) -> dict[str, float]:
    today = _day_of(path)
    clock = FakeClock(datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=16))
    services = Services.open(path, clock, zone=UTC)
    try:
        visit_id = _open_visit(services, today)
        codes = [c.code for c in services.visits.visit_state(visit_id).codes if c.timed][:2]
        taps = []
        for n in range(120):
            clock.advance(7)
            code = codes[n // 2 % 2]
            taps.append(clocked(lambda: services.visits.toggle_timer(visit_id, code, "PT"))[1])  # noqa: B023
        services.visits.stop_all(visit_id)
        (patient_id,) = services.db.execute(
            "SELECT patient_id FROM visits GROUP BY patient_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        _, history = history_samples(qapp, services, patient_id, 5)
        statement, _, _, _ = _statement_ms(services, patient_id, today - timedelta(days=364), today)
        _, verify = clocked(lambda: audit_verify.verify(services.db.conn))
        visits = services.db.execute("SELECT count(*) FROM visits").fetchone()[0]
    finally:
        services.close()
    return {
        "visits": visits,
        "tap_cpu_ms": statistics.median(taps[10:]),
        "history_cpu_ms": statistics.median(history),
        "year_statement_cpu_ms": statement,
        "verify_audit_cpu_ms": verify,
    }


def test_growth_with_the_years(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    curves: dict[int, dict[str, float]] = {}
    for years in YEARS:
        path = tmp_path / f"clinic-{years}.sqlite3"
        shutil.copyfile(years_database(years), path)
        curves[years] = _measure(path, qapp)
    GROWTH.parent.mkdir(parents=True, exist_ok=True)
    GROWTH.write_text(
        json.dumps({"years": list(YEARS), "load": load(), "curves": curves}, indent=2) + "\n"
    )
    one, ten = curves[1], curves[10]
    ratios = {key: round(ten[key] / one[key], 2) for key in ("tap_cpu_ms", "year_statement_cpu_ms")}
    result = record(
        "tap and a year's statement: 10 years ÷ 1 year (worst)",
        max(ratios.values()),
        FLAT,
        "x",
        len(YEARS),
        **ratios,
        history=round(ten["history_cpu_ms"] / one["history_cpu_ms"], 2),
        verify_audit=round(ten["verify_audit_cpu_ms"] / one["verify_audit_cpu_ms"], 2),
    )
    assert ten["visits"] > 9 * one["visits"]
    assert result.ok
