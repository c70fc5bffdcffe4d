"""The practice views on big databases: a year's audit packet of the busiest Medicare patient
(built and rendered) and a ten-year open export (CSV and JSON).

The packet's own work (the patient's visits, superbills, timer runs, audit entries, the PDF)
grows with the period. Its verification is a full ``verify-audit`` (the whole log and every
billing row, growing with the database) only when there is no checkpoint of an earlier full
check to build on: the first, untimed run makes one, and the timed runs check from it (the
entries since, and the patient's rows). A full ``verify-audit``'s time is reported beside."""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from chargeclock.clock import FakeClock
from chargeclock.services.kx_watch import kx_watch
from chargeclock.services.open_export import export_period
from chargeclock.services.packet import build_packet, packet_pdf
from chargeclock.services.session import Services
from tests.perf.conftest import median_ms, record

PACKET_BUDGET_MS = 2000.0
EXPORT_BUDGET_MS = 2000.0
RUNS = 5


def _services(source: Path, tmp_path: Path) -> Services:
    database = tmp_path / source.name
    shutil.copyfile(source, database)
    return Services.open_existing(database, write=False, clock=FakeClock())


def _year_of(services: Services) -> tuple[int, int, date, date]:
    """The busiest Medicare patient of the database's last year: (patient, visits, first,
    last) of that year."""
    year = services.db.execute("SELECT max(date_of_service) FROM visits").fetchone()[0][:4]
    rows = kx_watch(services, int(year))
    busiest = max(rows, key=lambda r: (r.visits, -r.patient_id))
    return busiest.patient_id, busiest.visits, date(int(year), 1, 1), date(int(year), 12, 31)


def _packet(services: Services) -> Callable[[], bytes]:
    patient_id, _, first, last = _year_of(services)

    def run() -> bytes:
        return packet_pdf(build_packet(services, patient_id, first, last))

    return run


def _verify_ms(services: Services) -> float:
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        services.verify_audit()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def test_a_year_packet(demo_db: Path, tmp_path: Path) -> None:
    services = _services(demo_db, tmp_path)
    try:
        patient_id, visits, _, _ = _year_of(services)
        run = _packet(services)
        pages = run().count(b"/Type /Page\n")
        result = record(
            "audit packet PDF, a year of the busiest patient (demo db)",
            median_ms(run, RUNS, warmup=1),
            PACKET_BUDGET_MS,
            "ms",
            RUNS,
            patient=patient_id,
            visits=visits,
            pages=pages,
            verify_audit_ms=round(_verify_ms(services)),
        )
    finally:
        services.close(clean=False)
    assert result.ok


def test_a_year_packet_on_the_decade(decade_db: Path, tmp_path: Path) -> None:
    services = _services(decade_db, tmp_path)
    try:
        patient_id, visits, _, _ = _year_of(services)
        run = _packet(services)
        run()
        result = record(
            "audit packet PDF, a year of the busiest patient (decade db)",
            median_ms(run, 3, warmup=0),
            PACKET_BUDGET_MS,
            "ms",
            3,
            patient=patient_id,
            visits=visits,
            verify_audit_ms=round(_verify_ms(services)),
        )
    finally:
        services.close(clean=False)
    assert result.ok


def test_a_decade_export(decade_db: Path, tmp_path: Path) -> None:
    services = _services(decade_db, tmp_path)
    first = date.fromisoformat(
        services.db.execute("SELECT min(date_of_service) FROM visits").fetchone()[0]
    )
    last = date.fromisoformat(
        services.db.execute("SELECT max(date_of_service) FROM visits").fetchone()[0]
    )
    try:
        results = []
        for fmt in ("csv", "json"):
            out = tmp_path / fmt
            summary = export_period(services, first, last, out, fmt)  # type: ignore[arg-type]
            results.append(
                record(
                    f"open export, ten years ({fmt})",
                    median_ms(
                        lambda: export_period(services, first, last, out, fmt),  # type: ignore[arg-type]  # noqa: B023
                        RUNS,
                        warmup=1,
                    ),
                    EXPORT_BUDGET_MS,
                    "ms",
                    RUNS,
                    rows=sum(f.rows for f in summary.files),
                    megabytes=round(sum(f.path.stat().st_size for f in summary.files) / 1e6, 1),
                )
            )
    finally:
        services.close(clean=False)
    assert all(r.ok for r in results)
