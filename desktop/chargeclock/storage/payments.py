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


def payments_of(conn: Store, patient_id: int) -> list[PaymentRow]:
    rows = conn.execute(
        "SELECT id, patient_id, visit_id, paid_on, amount_cents, method FROM payments "
        "WHERE patient_id = ? ORDER BY paid_on, id",
        (patient_id,),
    ).fetchall()
    return [_payment(r) for r in rows]


def payments_of_day(
    conn: Store, patient_id: int, visit_ids: Iterable[int], day: date
) -> list[PaymentRow]:
    """The patient's payments for ``visit_ids``, and those for no visit received on ``day``
    (a day's superbill), in :func:`payments_of`'s order: not every payment of the patient."""
    ids = sorted(set(visit_ids))
    linked = f"visit_id IN ({', '.join('?' for _ in ids)}) OR " if ids else ""
    rows = conn.execute(
        "SELECT id, patient_id, visit_id, paid_on, amount_cents, method FROM payments "
        f"WHERE patient_id = ? AND ({linked}(visit_id IS NULL AND paid_on = ?)) "
        "ORDER BY paid_on, id",
        (patient_id, *ids, day.isoformat()),
    ).fetchall()
    return [_payment(r) for r in rows]


def _payment(row: Any) -> PaymentRow:
    amount = from_cents(row[4])
    assert amount is not None
    return PaymentRow(row[0], row[1], row[2], date.fromisoformat(row[3]), amount, row[5])


def get_payment(conn: Store, payment_id: int) -> PaymentRow | None:
    row = conn.execute(
        "SELECT id, patient_id, visit_id, paid_on, amount_cents, method FROM payments WHERE id = ?",
        (payment_id,),
    ).fetchone()
    return None if row is None else _payment(row)
