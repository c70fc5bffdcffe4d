"""Reads for the practice views (audit packet, day sheet, KX watch, charts) that no repository
of one entity answers: a patient's progress-report dates, a period's figures by day and code,
Medicare patients' year-to-date allowed amounts. Plain SQL both SQLite and PostgreSQL accept."""

from __future__ import annotations

from collections.abc import Sequence
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


def medicare_year(
    conn: Store, year: int, disciplines: Sequence[str]
) -> list[tuple[int, str, str, str, int, int, int, str | None, str | None]]:
    """Every active patient whose payer is Medicare, with their finalized visits of
    ``disciplines`` in ``year``: (patient id, last name, first name, payer, known allowed cents,
    lines of unknown amount, visits, first and last date of service or None)."""
    marks = ", ".join("?" for _ in disciplines)
    rows = conn.execute(
        "SELECT p.id, p.last_name, p.first_name, y.name, "
        "coalesce(sum(l.allowed_cents), 0), count(l.id) - count(l.allowed_cents), "
        "count(DISTINCT v.id), min(v.date_of_service), max(v.date_of_service) "
        "FROM patients p JOIN payers y ON y.id = p.payer_id AND y.medicare = 1 "
        "LEFT JOIN visits v ON v.patient_id = p.id AND v.status = 'finalized' "
        f"AND v.date_of_service >= ? AND v.date_of_service < ? AND v.discipline IN ({marks}) "
        "LEFT JOIN claim_lines l ON l.visit_id = v.id "
        "WHERE p.active = 1 GROUP BY p.id, p.last_name, p.first_name, y.name ORDER BY p.id",
        [date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat(), *disciplines],
    ).fetchall()
    return [tuple(r) for r in rows]


def allowed_by_day(
    conn: Store, patient_id: int, year: int, disciplines: Sequence[str]
) -> list[tuple[date, int]]:
    """The patient's known allowed cents of finalized visits of ``disciplines`` per date of
    service in ``year``, in date order."""
    marks = ", ".join("?" for _ in disciplines)
    rows = conn.execute(
        "SELECT v.date_of_service, coalesce(sum(l.allowed_cents), 0) FROM visits v "
        "JOIN claim_lines l ON l.visit_id = v.id WHERE v.patient_id = ? "
        "AND v.status = 'finalized' AND v.date_of_service >= ? AND v.date_of_service < ? "
        f"AND v.discipline IN ({marks}) GROUP BY v.date_of_service ORDER BY v.date_of_service",
        [patient_id, date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat(), *disciplines],
    ).fetchall()
    return [(date.fromisoformat(r[0]), int(r[1])) for r in rows]


#: a claim line carries CQ (an assistant's service) or CO: modifiers are stored space-separated
_ASSISTANT = "(' ' || l.modifiers || ' ' LIKE '% CQ %' OR ' ' || l.modifiers || ' ' LIKE '% CO %')"


def units_by_day(conn: Store, first: date, last: date) -> list[tuple[date, int, int, int]]:
    """Per date of service from ``first`` to ``last`` with a finalized visit: (date, finalized
    visits, units on their claim lines, of which on lines with CQ or CO)."""
    rows = conn.execute(
        "SELECT v.date_of_service, count(DISTINCT v.id), coalesce(sum(l.units), 0), "
        f"coalesce(sum(CASE WHEN {_ASSISTANT} THEN l.units ELSE 0 END), 0) "
        "FROM visits v LEFT JOIN claim_lines l ON l.visit_id = v.id "
        "WHERE v.status = 'finalized' AND v.date_of_service BETWEEN ? AND ? "
        "GROUP BY v.date_of_service ORDER BY v.date_of_service",
        (first.isoformat(), last.isoformat()),
    ).fetchall()
    return [(date.fromisoformat(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]


def units_by_code(conn: Store, first: date, last: date) -> list[tuple[str, int, int, int]]:
    """Per code billed on finalized visits from ``first`` to ``last``: (code, visits billing
    it, units, of which on lines with CQ or CO)."""
    rows = conn.execute(
        "SELECT l.code, count(DISTINCT v.id), sum(l.units), "
        f"sum(CASE WHEN {_ASSISTANT} THEN l.units ELSE 0 END) "
        "FROM visits v JOIN claim_lines l ON l.visit_id = v.id "
        "WHERE v.status = 'finalized' AND v.date_of_service BETWEEN ? AND ? "
        "GROUP BY l.code ORDER BY l.code",
        (first.isoformat(), last.isoformat()),
    ).fetchall()
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]
