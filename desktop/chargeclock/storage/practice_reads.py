"""Reads for the practice views (audit packet, day sheet, KX watch, charts) that no repository
of one entity answers: a patient's progress-report dates, a period's figures by day and code,
Medicare patients' year-to-date allowed amounts. Plain SQL both SQLite and PostgreSQL accept."""

from __future__ import annotations

from datetime import date

from chargeclock.storage.store import Store


def progress_report_dates(conn: Store, patient_id: int) -> list[date]:
    """Every progress report's date for the patient, oldest first."""
    rows = conn.execute(
        "SELECT report_date FROM progress_reports WHERE patient_id = ? ORDER BY report_date, id",
        (patient_id,),
    ).fetchall()
    return [date.fromisoformat(r[0]) for r in rows]


def payments_on(conn: Store, day: date) -> list[tuple[int, int, int | None, int, str]]:
    """The payments received on ``day``: (id, patient id, visit id, cents, method)."""
    rows = conn.execute(
        "SELECT id, patient_id, visit_id, amount_cents, method FROM payments WHERE paid_on = ? "
        "ORDER BY id",
        (day.isoformat(),),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
