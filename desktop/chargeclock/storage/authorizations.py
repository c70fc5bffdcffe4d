"""Authorizations, payer limits, claims sent, and the billed days they are counted against."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from chargeclock.domain.authorizations import Authorization, BilledDay
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_db_time, to_db_time


class AuthorizationRow(Struct, frozen=True):
    """An authorization as stored (``withdrawn_reason`` set: entered by mistake, not counted)."""

    id: int
    patient_id: int
    payer_id: int
    number: str
    valid_from: date
    valid_to: date
    visits: int | None
    units: int | None
    codes: tuple[str, ...]
    notes: str
    renews_id: int | None
    recorded_at: datetime
    withdrawn_reason: str | None = None

    @property
    def rule(self) -> Authorization:
        return Authorization(
            self.id,
            self.number,
            self.valid_from,
            self.valid_to,
            self.visits,
            self.units,
            self.codes,
            self.renews_id,
        )


class PayerLimitsRow(Struct, frozen=True):
    """What a payer plan limits (None: no limit set)."""

    payer_id: int
    requires_authorization: bool = False
    visits_per_year: int | None = None
    timely_filing_days: int | None = None


_AUTH = (
    "id, patient_id, payer_id, number, valid_from, valid_to, visits_authorized, "
    "units_authorized, codes, notes, renews_id, recorded_at, withdrawn_reason"
)


def _auth(row: Sequence[Any]) -> AuthorizationRow:
    return AuthorizationRow(
        row[0],
        row[1],
        row[2],
        row[3],
        date.fromisoformat(row[4]),
        date.fromisoformat(row[5]),
        row[6],
        row[7],
        tuple(row[8].split()),
        row[9],
        row[10],
        from_db_time(row[11]),
        row[12],
    )


def insert_authorization(
    conn: Store,
    *,
    patient_id: int,
    payer_id: int,
    number: str,
    valid_from: date,
    valid_to: date,
    visits: int | None,
    units: int | None,
    codes: Sequence[str],
    notes: str,
    renews_id: int | None,
    recorded_at: datetime,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO authorizations (patient_id, payer_id, number, valid_from, valid_to, "
        "visits_authorized, units_authorized, codes, notes, renews_id, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            patient_id,
            payer_id,
            number,
            valid_from.isoformat(),
            valid_to.isoformat(),
            visits,
            units,
            " ".join(codes),
            notes,
            renews_id,
            to_db_time(recorded_at),
        ),
    )


def withdraw_authorization(conn: Store, authorization_id: int, reason: str) -> None:
    conn.execute(
        "UPDATE authorizations SET withdrawn_reason = ? WHERE id = ?", (reason, authorization_id)
    )


def get_authorization(conn: Store, authorization_id: int) -> AuthorizationRow | None:
    row = conn.execute(
        f"SELECT {_AUTH} FROM authorizations WHERE id = ?", (authorization_id,)
    ).fetchone()
    return _auth(row) if row else None


def authorizations_of(
    conn: Store, patient_id: int, payer_id: int | None = None
) -> list[AuthorizationRow]:
    """A patient's authorizations (of one payer when given), withdrawn ones too, by first date."""
    sql = f"SELECT {_AUTH} FROM authorizations WHERE patient_id = ?"
    params: tuple[Any, ...] = (patient_id,)
    if payer_id is not None:
        sql += " AND payer_id = ?"
        params += (payer_id,)
    rows = conn.execute(f"{sql} ORDER BY valid_from, id", params).fetchall()
    return [_auth(r) for r in rows]


def billed_days(
    conn: Store, patient_id: int, payer_id: int, since: date, until: date
) -> list[BilledDay]:
    """The patient's finalized visits billed to the payer between two dates, one per date of
    service with the day's claim lines (which sit on one visit of a pooled day)."""
    rows = conn.execute(
        "SELECT v.date_of_service, c.code, c.units FROM visits v "
        "LEFT JOIN claim_lines c ON c.visit_id = v.id "
        "WHERE v.patient_id = ? AND v.payer_id = ? AND v.status = 'finalized' "
        "AND v.date_of_service BETWEEN ? AND ? ORDER BY v.date_of_service, c.line_number",
        (patient_id, payer_id, since.isoformat(), until.isoformat()),
    ).fetchall()
    days: dict[str, list[tuple[str, int]]] = {}
    for day, code, units in rows:
        lines = days.setdefault(day, [])
        if code is not None:
            lines.append((code, units))
    return [BilledDay(date.fromisoformat(d), tuple(lines)) for d, lines in days.items()]


def payer_limits(conn: Store, payer_id: int) -> PayerLimitsRow:
    row = conn.execute(
        "SELECT payer_id, requires_authorization, visits_per_year, timely_filing_days "
        "FROM payer_limits WHERE payer_id = ?",
        (payer_id,),
    ).fetchone()
    if row is None:
        return PayerLimitsRow(payer_id)
    return PayerLimitsRow(row[0], bool(row[1]), row[2], row[3])


def set_payer_limits(conn: Store, limits: PayerLimitsRow) -> None:
    conn.execute(
        "INSERT INTO payer_limits (payer_id, requires_authorization, visits_per_year, "
        "timely_filing_days) VALUES (?, ?, ?, ?) ON CONFLICT (payer_id) DO UPDATE SET "
        "requires_authorization = excluded.requires_authorization, "
        "visits_per_year = excluded.visits_per_year, "
        "timely_filing_days = excluded.timely_filing_days",
        (
            limits.payer_id,
            int(limits.requires_authorization),
            limits.visits_per_year,
            limits.timely_filing_days,
        ),
    )


def insert_submission(
    conn: Store, visit_id: int, sent_on: date, how: str, recorded_at: datetime
) -> int:
    return insert_id(
        conn,
        "INSERT INTO claim_submissions (visit_id, sent_on, how, recorded_at) VALUES (?, ?, ?, ?)",
        (visit_id, sent_on.isoformat(), how, to_db_time(recorded_at)),
    )


def sent_on(conn: Store, visit_id: int) -> date | None:
    """The first day the visit's claim was printed or sent, if it was."""
    row = conn.execute(
        "SELECT MIN(sent_on) FROM claim_submissions WHERE visit_id = ?", (visit_id,)
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


class UnsentVisitRow(Struct, frozen=True):
    """A finalized visit with frozen claim lines never printed or sent, and its payer."""

    visit_id: int
    patient_id: int
    date_of_service: date
    payer_id: int
    medicare: bool
    timely_filing_days: int | None


def longest_filing_limit(conn: Store) -> int | None:
    """The longest timely-filing limit in days any payer has (None: no payer has one)."""
    row = conn.execute("SELECT MAX(timely_filing_days) FROM payer_limits").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def unsent_visits(conn: Store, since: date) -> list[UnsentVisitRow]:
    """Finalized visits from ``since`` on holding their day's claim lines, billed to a payer,
    not yet printed or sent, oldest first. (Bounded by date: a decade of visits is not read.)"""
    rows = conn.execute(
        "SELECT v.id, v.patient_id, v.date_of_service, v.payer_id, p.medicare, "
        "l.timely_filing_days FROM visits v JOIN payers p ON p.id = v.payer_id "
        "LEFT JOIN payer_limits l ON l.payer_id = v.payer_id "
        "WHERE v.date_of_service >= ? AND v.status = 'finalized' "
        "AND EXISTS (SELECT 1 FROM claim_lines c WHERE c.visit_id = v.id) "
        "AND NOT EXISTS (SELECT 1 FROM claim_submissions s WHERE s.visit_id = v.id) "
        "ORDER BY v.date_of_service, v.id",
        (since.isoformat(),),
    ).fetchall()
    return [
        UnsentVisitRow(r[0], r[1], date.fromisoformat(r[2]), r[3], bool(r[4]), r[5]) for r in rows
    ]
