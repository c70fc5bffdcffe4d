"""Payments a patient made or a payer sent, each against a visit or none."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from chargeclock.storage.records import (
    PaymentRow,
)
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_cents, to_cents


def insert_payment(
    conn: Store,
    *,
    patient_id: int,
    visit_id: int | None,
    paid_on: date,
    amount: Decimal,
    method: str,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO payments (patient_id, visit_id, paid_on, amount_cents, method) "
        "VALUES (?, ?, ?, ?, ?)",
        (patient_id, visit_id, paid_on.isoformat(), to_cents(amount), method),
    )


_COLUMNS = "id, patient_id, visit_id, paid_on, amount_cents, method"


def payments_of(conn: Store, patient_id: int) -> list[PaymentRow]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM payments WHERE patient_id = ? ORDER BY paid_on, id",
        (patient_id,),
    ).fetchall()
    return [_payment(r) for r in rows]


def payment(conn: Store, payment_id: int) -> PaymentRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM payments WHERE id = ?", (payment_id,)).fetchone()
    return None if row is None else _payment(row)


def payments_between(conn: Store, patient_id: int, first: date, last: date) -> list[PaymentRow]:
    """The patient's payments received ``first`` to ``last`` (both included)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM payments WHERE patient_id = ? AND paid_on BETWEEN ? AND ? "
        "ORDER BY paid_on, id",
        (patient_id, first.isoformat(), last.isoformat()),
    ).fetchall()
    return [_payment(r) for r in rows]


def payments_of_day(
    conn: Store, patient_id: int, visit_ids: Iterable[int], day: date
) -> list[PaymentRow]:
    """The payments a day's bill lists: those against one of ``visit_ids`` (the day's visits)
    and the patient's payments of ``day`` against no visit."""
    ids = [int(v) for v in visit_ids]
    marks = ", ".join("?" for _ in ids) or "NULL"
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM payments WHERE visit_id IN ({marks}) "
        f"UNION SELECT {_COLUMNS} FROM payments "
        "WHERE patient_id = ? AND paid_on = ? AND visit_id IS NULL ORDER BY 4, 1",
        (*ids, patient_id, day.isoformat()),
    ).fetchall()
    return [_payment(r) for r in rows if r[1] == patient_id]


def _payment(row: Any) -> PaymentRow:
    amount = from_cents(row[4])
    assert amount is not None
    return PaymentRow(row[0], row[1], row[2], date.fromisoformat(row[3]), amount, row[5])


def get_payment(conn: Store, payment_id: int) -> PaymentRow | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM payments WHERE id = ?",
        (payment_id,),
    ).fetchone()
    return None if row is None else _payment(row)
