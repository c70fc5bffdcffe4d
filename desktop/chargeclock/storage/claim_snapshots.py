"""Frozen claims: each version of a day's bill as printed (table ``claim_snapshots``).

A day's bill is the patient's finalized visits of one date of service and discipline, billed on
the visit finalized last (the holder). Version 1 is written at finalize; each correction writes
the next. Rows are never changed or deleted (the table's triggers refuse it). ``content`` is the
serialised bill, opaque here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_db_time, to_db_time


class SnapshotRow(Struct, frozen=True):
    """One frozen version of a day's bill."""

    id: int
    visit_id: int  # the visit holding the day's claim lines when it was frozen
    patient_id: int
    date_of_service: date
    discipline: str
    version: int
    reason: str  # "" for version 1; a correction's reason after
    made_at: datetime
    content: str


_COLUMNS = (
    "id, visit_id, patient_id, date_of_service, discipline, version, reason, made_at, content"
)


def _row(row: Sequence[Any]) -> SnapshotRow:
    return SnapshotRow(
        id=row[0],
        visit_id=row[1],
        patient_id=row[2],
        date_of_service=date.fromisoformat(row[3]),
        discipline=row[4],
        version=row[5],
        reason=row[6],
        made_at=from_db_time(row[7]),
        content=row[8],
    )


def insert_snapshot(
    conn: Store,
    *,
    visit_id: int,
    patient_id: int,
    date_of_service: date,
    discipline: str,
    reason: str,
    made_at: datetime,
    content: str,
) -> SnapshotRow:
    """Write the day's next version (1 when it has none yet) and return it."""
    version = 1 + int(
        conn.execute(
            "SELECT coalesce(max(version), 0) FROM claim_snapshots "
            "WHERE patient_id = ? AND date_of_service = ? AND discipline = ?",
            (patient_id, date_of_service.isoformat(), discipline),
        ).fetchone()[0]
    )
    row_id = insert_id(
        conn,
        "INSERT INTO claim_snapshots (visit_id, patient_id, date_of_service, discipline, "
        "version, reason, made_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            visit_id,
            patient_id,
            date_of_service.isoformat(),
            discipline,
            version,
            reason,
            to_db_time(made_at),
            content,
        ),
    )
    return SnapshotRow(
        row_id,
        visit_id,
        patient_id,
        date_of_service,
        discipline,
        version,
        reason,
        made_at,
        content,
    )


def snapshots_of_day(
    conn: Store, patient_id: int, date_of_service: date, discipline: str
) -> list[SnapshotRow]:
    """Every version of the day's bill, the first first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM claim_snapshots "
        "WHERE patient_id = ? AND date_of_service = ? AND discipline = ? ORDER BY version",
        (patient_id, date_of_service.isoformat(), discipline),
    ).fetchall()
    return [_row(r) for r in rows]


def latest_of_period(
    conn: Store, patient_id: int, start: date, end: date
) -> dict[tuple[date, str], SnapshotRow]:
    """The newest version of each of the patient's days (date of service, discipline) from
    ``start`` to ``end``, in one query."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM claim_snapshots s WHERE patient_id = ? "
        "AND date_of_service BETWEEN ? AND ? AND version = (SELECT max(version) "
        "FROM claim_snapshots n WHERE n.patient_id = s.patient_id "
        "AND n.date_of_service = s.date_of_service AND n.discipline = s.discipline)",
        (patient_id, start.isoformat(), end.isoformat()),
    ).fetchall()
    latest = (_row(r) for r in rows)
    return {(s.date_of_service, s.discipline): s for s in latest}


def latest_of_visit(conn: Store, visit_id: int) -> SnapshotRow | None:
    """The newest version frozen on ``visit_id`` as the day's holder, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM claim_snapshots WHERE visit_id = ? ORDER BY version DESC LIMIT 1",
        (visit_id,),
    ).fetchone()
    return _row(row) if row else None
