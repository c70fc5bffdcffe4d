"""A visit day's frozen bill and claim lines, and the allowed amounts they add up to (the KX
year-to-date)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chargeclock.storage.records import BillRow, ClaimLineRow
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_cents, from_db_time, to_cents, to_db_time


def _lines(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def replace_bill(conn: Store, bill: BillRow) -> None:
    conn.execute(
        "INSERT INTO visit_bills (visit_id, rule_year, unit_method, pooled_visit_ids, "
        "total_timed_minutes, total_treatment_minutes, timed_units, kx_applies, warnings, review, "
        "trace, computed_at, rule_data_year) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (visit_id) DO UPDATE SET rule_year = excluded.rule_year, "
        "unit_method = excluded.unit_method, pooled_visit_ids = excluded.pooled_visit_ids, "
        "total_timed_minutes = excluded.total_timed_minutes, "
        "total_treatment_minutes = excluded.total_treatment_minutes, "
        "timed_units = excluded.timed_units, kx_applies = excluded.kx_applies, "
        "warnings = excluded.warnings, review = excluded.review, trace = excluded.trace, "
        "computed_at = excluded.computed_at, rule_data_year = excluded.rule_data_year",
        (
            bill.visit_id,
            bill.rule_year,
            bill.unit_method,
            " ".join(str(v) for v in bill.pooled_visit_ids),
            bill.total_timed_minutes,
            bill.total_treatment_minutes,
            bill.timed_units,
            int(bill.kx_applies),
            _lines(bill.warnings),
            _lines(bill.review),
            _lines(bill.trace),
            to_db_time(bill.computed_at),
            bill.rule_data_year,
        ),
    )


def get_bill(conn: Store, visit_id: int) -> BillRow | None:
    row = conn.execute(
        "SELECT visit_id, rule_year, unit_method, pooled_visit_ids, total_timed_minutes, "
        "total_treatment_minutes, timed_units, kx_applies, warnings, review, trace, computed_at, "
        "rule_data_year FROM visit_bills WHERE visit_id = ?",
        (visit_id,),
    ).fetchone()
    if row is None:
        return None
    return BillRow(
        visit_id=row[0],
        rule_year=row[1],
        unit_method=row[2],
        pooled_visit_ids=tuple(int(v) for v in row[3].split()),
        total_timed_minutes=row[4],
        total_treatment_minutes=row[5],
        timed_units=row[6],
        kx_applies=bool(row[7]),
        warnings=tuple(json.loads(row[8])),
        review=tuple(json.loads(row[9])),
        trace=tuple(json.loads(row[10])),
        computed_at=from_db_time(row[11]),
        rule_data_year=row[12],
    )


def billed_visits_of_period(conn: Store, patient_id: int, start: date, end: date) -> set[int]:
    """The patient's visits dated ``start`` to ``end`` that hold claim lines, in one query."""
    rows = conn.execute(
        "SELECT DISTINCT l.visit_id FROM visits v JOIN claim_lines l ON l.visit_id = v.id "
        "WHERE v.patient_id = ? AND v.date_of_service BETWEEN ? AND ?",
        (patient_id, start.isoformat(), end.isoformat()),
    ).fetchall()
    return {int(r[0]) for r in rows}


def delete_bill(conn: Store, visit_id: int) -> None:
    conn.execute("DELETE FROM claim_lines WHERE visit_id = ?", (visit_id,))
    conn.execute("DELETE FROM visit_bills WHERE visit_id = ?", (visit_id,))


def insert_claim_lines(conn: Store, visit_id: int, lines: Sequence[ClaimLineRow]) -> None:
    conn.executemany(
        "INSERT INTO claim_lines (visit_id, line_number, code, modifiers, units, assistant, "
        "allowed_cents, charge_cents, diagnosis_pointers, trace, place_of_service) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                visit_id,
                line.line_number,
                line.code,
                " ".join(line.modifiers),
                line.units,
                int(line.assistant),
                None if line.allowed is None else to_cents(line.allowed),
                None if line.charge is None else to_cents(line.charge),
                line.diagnosis_pointers,
                _lines(line.trace),
                line.place_of_service,
            )
            for line in lines
        ],
    )


def claim_lines_of_visits(conn: Store, visit_ids: Iterable[int]) -> list[ClaimLineRow]:
    ids = list(visit_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        "SELECT id, visit_id, line_number, code, modifiers, units, assistant, allowed_cents, "
        "charge_cents, diagnosis_pointers, trace, place_of_service FROM claim_lines "
        f"WHERE visit_id IN ({marks}) "
        "ORDER BY visit_id, line_number",
        ids,
    ).fetchall()
    return [
        ClaimLineRow(
            id=r[0],
            visit_id=r[1],
            line_number=r[2],
            code=r[3],
            modifiers=tuple(r[4].split()),
            units=r[5],
            assistant=bool(r[6]),
            allowed=from_cents(r[7]),
            charge=from_cents(r[8]),
            diagnosis_pointers=r[9],
            trace=tuple(json.loads(r[10])),
            place_of_service=r[11],
        )
        for r in rows
    ]


def ytd_allowed_cents(
    conn: Store,
    patient_id: int,
    year: int,
    disciplines: Sequence[str],
    *,
    before: date | None = None,
    exclude_visit_ids: Sequence[int] = (),
    since: date | None = None,
) -> tuple[int, int, int]:
    """(sum of known allowed cents, lines of unknown amount, lines) of the patient's finalized
    visits of ``disciplines`` in ``year`` (from ``since`` and before ``before``, if given),
    minus the excluded. Only visits billed to a Medicare Part B payer count (claims.md §1)."""
    start = (since or date(year, 1, 1)).isoformat()
    end = (before or date(year + 1, 1, 1)).isoformat()
    marks = ", ".join("?" for _ in disciplines)
    params: list[Any] = [patient_id, start, end, *disciplines]
    excluded = ""
    if exclude_visit_ids:
        excluded = f" AND v.id NOT IN ({', '.join('?' for _ in exclude_visit_ids)})"
        params += list(exclude_visit_ids)
    row = conn.execute(
        "SELECT coalesce(sum(l.allowed_cents), 0), count(*) - count(l.allowed_cents), count(*) "
        "FROM visits v JOIN claim_lines l ON l.visit_id = v.id "
        "WHERE v.patient_id = ? AND v.status = 'finalized' "
        f"AND v.date_of_service >= ? AND v.date_of_service < ? AND v.discipline IN ({marks}) "
        "AND v.payer_id IN (SELECT p.id FROM payers p WHERE p.kind = 'medicare_b')" + excluded,
        params,
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def allowed_decimal(cents: int) -> Decimal:
    value = from_cents(cents)
    assert value is not None
    return value
