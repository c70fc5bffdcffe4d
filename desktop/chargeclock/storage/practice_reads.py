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
