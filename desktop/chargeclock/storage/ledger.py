"""The ledger's own entries (adjustments, reversals), the patient's cost shares, and the
charges of finalized claims, as the ledger reads them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from msgspec import Struct

from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_cents, to_cents, to_db_time


class LedgerEntryRow(Struct, frozen=True):
    """A stored ledger entry; ``amount`` is what it takes off the balance (signed)."""

    id: int
    patient_id: int
    visit_id: int | None
    entry_date: date
    kind: str  # adjustment / adjustment_reversal / payment_reversal
    adjustment_type: str | None
    amount: Decimal
    reverses_payment_id: int | None
    reverses_entry_id: int | None
    note: str


class DayCharge(Struct, frozen=True):
    """The frozen charges of one finalized visit's claim lines."""

    visit_id: int
    date_of_service: date
    codes: tuple[tuple[str, int], ...]  # (code, units)
    charge: Decimal
    allowed: Decimal | None  # None when any line's amount is unknown


class CostShareRow(Struct, frozen=True):
    """The copay and coinsurance expected at check-in from a date on."""

    id: int
    patient_id: int
    effective_from: date
    copay: Decimal
    coinsurance_percent: int


def insert_entry(
    conn: Store,
    *,
    patient_id: int,
    visit_id: int | None,
    entry_date: date,
    kind: str,
    adjustment_type: str | None,
    amount: Decimal,
    reverses_payment_id: int | None = None,
    reverses_entry_id: int | None = None,
    note: str = "",
    recorded_at: datetime,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO ledger_entries (patient_id, visit_id, entry_date, kind, adjustment_type, "
        "amount_cents, reverses_payment_id, reverses_entry_id, note, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            patient_id,
            visit_id,
            entry_date.isoformat(),
            kind,
            adjustment_type,
            to_cents(amount),
            reverses_payment_id,
            reverses_entry_id,
            note,
            to_db_time(recorded_at),
        ),
    )


def entries_of(conn: Store, patient_id: int) -> list[LedgerEntryRow]:
    rows = conn.execute(
        "SELECT id, patient_id, visit_id, entry_date, kind, adjustment_type, amount_cents, "
        "reverses_payment_id, reverses_entry_id, note FROM ledger_entries "
        "WHERE patient_id = ? ORDER BY entry_date, id",
        (patient_id,),
    ).fetchall()
    out = []
    for r in rows:
        amount = from_cents(r[6])
        assert amount is not None
        out.append(
            LedgerEntryRow(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], amount, *r[7:])
        )
    return out


def posted(conn: Store, patient_id: int) -> tuple[list[int], Decimal]:
    """The patient's ledger entries as their totals need them: the payments reversed, and what
    the other entries (adjustments and their reversals) take off the balance. Summed by the
    database: a decade's account has a ledger entry per insurance payment."""
    reversed_ids = conn.execute(
        "SELECT reverses_payment_id FROM ledger_entries "
        "WHERE patient_id = ? AND reverses_payment_id IS NOT NULL",
        (patient_id,),
    ).fetchall()
    cents = conn.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries "
        "WHERE patient_id = ? AND reverses_payment_id IS NULL",
        (patient_id,),
    ).fetchone()[0]
    amount = from_cents(int(cents))
    assert amount is not None
    return [int(r[0]) for r in reversed_ids], amount


def day_charges(conn: Store, patient_id: int) -> list[DayCharge]:
    """Each finalized visit holding claim lines, with their frozen charges (a line without a
    charge adds nothing) and allowed amounts, by date of service."""
    rows = conn.execute(
        "SELECT v.id, v.date_of_service, c.code, c.units, c.charge_cents, c.allowed_cents "
        "FROM visits v JOIN claim_lines c ON c.visit_id = v.id "
        "WHERE v.patient_id = ? AND v.status = 'finalized' "
        "ORDER BY v.date_of_service, v.id, c.line_number",
        (patient_id,),
    ).fetchall()
    days: dict[int, list[tuple[str, str, int, int | None, int | None]]] = {}
    for visit_id, day, code, units, charge, allowed in rows:
        days.setdefault(visit_id, []).append((day, code, units, charge, allowed))
    out = []
    for visit_id, lines in days.items():
        allowed = [a for *_, a in lines]
        out.append(
            DayCharge(
                visit_id,
                date.fromisoformat(lines[0][0]),
                tuple((code, units) for _, code, units, _, _ in lines),
                from_cents(sum(c or 0 for _, _, _, c, _ in lines)) or Decimal("0.00"),
                None if None in allowed else from_cents(sum(a or 0 for a in allowed)),
            )
        )
    return out


def insert_cost_share(
    conn: Store,
    *,
    patient_id: int,
    effective_from: date,
    copay: Decimal,
    coinsurance_percent: int,
    recorded_at: datetime,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO cost_shares (patient_id, effective_from, copay_cents, coinsurance_percent, "
        "recorded_at) VALUES (?, ?, ?, ?, ?)",
        (
            patient_id,
            effective_from.isoformat(),
            to_cents(copay),
            coinsurance_percent,
            to_db_time(recorded_at),
        ),
    )


def cost_share_on(conn: Store, patient_id: int, day: date) -> CostShareRow | None:
    """The latest cost share in force on ``day`` (the last one recorded for its date)."""
    row = conn.execute(
        "SELECT id, patient_id, effective_from, copay_cents, coinsurance_percent "
        "FROM cost_shares WHERE patient_id = ? AND effective_from <= ? "
        "ORDER BY effective_from DESC, id DESC LIMIT 1",
        (patient_id, day.isoformat()),
    ).fetchone()
    if row is None:
        return None
    copay = from_cents(row[3])
    assert copay is not None
    return CostShareRow(row[0], row[1], date.fromisoformat(row[2]), copay, row[4])
