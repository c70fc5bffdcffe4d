"""Visits, their codes, timer segments and untimed services (their bills and claim lines:
:mod:`chargeclock.storage.bills`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from chargeclock.storage import rooms
from chargeclock.storage.records import (
    SegmentRow,
    UntimedRow,
    VisitCodeRow,
    VisitRow,
)
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_db_time, to_db_time

_VISIT = (
    "id, patient_id, date_of_service, discipline, place_of_service, payer_id, "
    "rendering_provider_id, supervising_provider_id, status, opened_at, finalized_at, tie_choice"
)


def _visit(row: Sequence[Any]) -> VisitRow:
    return VisitRow(
        id=row[0],
        patient_id=row[1],
        date_of_service=date.fromisoformat(row[2]),
        discipline=row[3],
        place_of_service=row[4],
        payer_id=row[5],
        rendering_provider_id=row[6],
        supervising_provider_id=row[7],
        status=row[8],
        opened_at=from_db_time(row[9]),
        finalized_at=from_db_time(row[10]) if row[10] else None,
        tie_choice=tuple(row[11].split()) if row[11] is not None else None,
    )


def insert_visit(
    conn: Store,
    *,
    patient_id: int,
    date_of_service: date,
    discipline: str,
    place_of_service: str,
    payer_id: int | None,
    rendering_provider_id: int | None,
    supervising_provider_id: int | None,
    opened_at: datetime,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO visits (patient_id, date_of_service, discipline, place_of_service, payer_id, "
        "rendering_provider_id, supervising_provider_id, status, opened_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        (
            patient_id,
            date_of_service.isoformat(),
            discipline,
            place_of_service,
            payer_id,
            rendering_provider_id,
            supervising_provider_id,
            to_db_time(opened_at),
        ),
    )


def get_visit(conn: Store, visit_id: int) -> VisitRow | None:
    row = conn.execute(f"SELECT {_VISIT} FROM visits WHERE id = ?", (visit_id,)).fetchone()
    return _visit(row) if row else None


def visits_of_day(conn: Store, day: date) -> list[VisitRow]:
    rows = conn.execute(
        f"SELECT {_VISIT} FROM visits WHERE date_of_service = ? ORDER BY id", (day.isoformat(),)
    ).fetchall()
    return [_visit(r) for r in rows]


def visits_of_patient(conn: Store, patient_id: int, *, day: date | None = None) -> list[VisitRow]:
    if day is None:
        rows = conn.execute(
            f"SELECT {_VISIT} FROM visits WHERE patient_id = ? ORDER BY date_of_service, id",
            (patient_id,),
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_VISIT} FROM visits WHERE patient_id = ? AND date_of_service = ? ORDER BY id",
            (patient_id, day.isoformat()),
        ).fetchall()
    return [_visit(r) for r in rows]


def finalized_visits_between(
    conn: Store, patient_id: int, first: date, last: date
) -> list[VisitRow]:
    """The patient's finalized visits dated ``first`` to ``last`` (both included)."""
    rows = conn.execute(
        f"SELECT {_VISIT} FROM visits WHERE patient_id = ? AND status = 'finalized' "
        "AND date_of_service >= ? AND date_of_service <= ? ORDER BY date_of_service, id",
        (patient_id, first.isoformat(), last.isoformat()),
    ).fetchall()
    return [_visit(r) for r in rows]


def set_visit_status(
    conn: Store, visit_id: int, status: str, finalized_at: datetime | None
) -> None:
    conn.execute(
        "UPDATE visits SET status = ?, finalized_at = ? WHERE id = ?",
        (status, to_db_time(finalized_at) if finalized_at else None, visit_id),
    )


def set_place_of_service(conn: Store, visit_id: int, place_of_service: str) -> None:
    conn.execute(
        "UPDATE visits SET place_of_service = ? WHERE id = ?", (place_of_service, visit_id)
    )


def set_tie_choice(conn: Store, visit_id: int, codes: Sequence[str] | None) -> None:
    conn.execute(
        "UPDATE visits SET tie_choice = ? WHERE id = ?",
        (None if codes is None else " ".join(codes), visit_id),
    )


def treatment_days(conn: Store, patient_id: int, since: date, until: date) -> int:
    """Distinct dates of service with a finalized visit, ``since`` to ``until`` inclusive."""
    row = conn.execute(
        "SELECT count(DISTINCT date_of_service) FROM visits WHERE patient_id = ? "
        "AND status = 'finalized' AND date_of_service BETWEEN ? AND ?",
        (patient_id, since.isoformat(), until.isoformat()),
    ).fetchone()
    return int(row[0])


def first_treatment_day(conn: Store, patient_id: int, since: date) -> date | None:
    row = conn.execute(
        "SELECT min(date_of_service) FROM visits WHERE patient_id = ? AND status <> 'void' "
        "AND date_of_service >= ?",
        (patient_id, since.isoformat()),
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


# --- codes -------------------------------------------------------------------------------------


def codes_of_visit(conn: Store, visit_id: int) -> list[VisitCodeRow]:
    rows = conn.execute(
        "SELECT id, visit_id, code, position FROM visit_codes WHERE visit_id = ? ORDER BY position",
        (visit_id,),
    ).fetchall()
    return [VisitCodeRow(*r) for r in rows]


def insert_code(conn: Store, visit_id: int, code: str) -> VisitCodeRow:
    position = conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM visit_codes WHERE visit_id = ?", (visit_id,)
    ).fetchone()[0]
    row_id = insert_id(
        conn,
        "INSERT INTO visit_codes (visit_id, code, position) VALUES (?, ?, ?)",
        (visit_id, code, position),
    )
    return VisitCodeRow(row_id, visit_id, code, int(position))


def delete_code(conn: Store, visit_code_id: int) -> None:
    conn.execute("DELETE FROM timer_segments WHERE visit_code_id = ?", (visit_code_id,))
    conn.execute("DELETE FROM untimed_services WHERE visit_code_id = ?", (visit_code_id,))
    conn.execute("DELETE FROM visit_code_modifiers WHERE visit_code_id = ?", (visit_code_id,))
    conn.execute("DELETE FROM visit_codes WHERE id = ?", (visit_code_id,))


# --- segments ----------------------------------------------------------------------------------

_SEGMENT = (
    "s.id, s.visit_id, s.visit_code_id, c.code, s.role, s.started_at, s.stopped_at, s.room "
    "FROM timer_segments s JOIN visit_codes c ON c.id = s.visit_code_id"
)


def _segment(row: Sequence[Any]) -> SegmentRow:
    return SegmentRow(
        id=row[0],
        visit_id=row[1],
        visit_code_id=row[2],
        code=row[3],
        role=row[4],
        started_at=from_db_time(row[5]),
        stopped_at=from_db_time(row[6]) if row[6] else None,
        room=row[7],
    )


def segments_of_visit(conn: Store, visit_id: int) -> list[SegmentRow]:
    rows = conn.execute(
        f"SELECT {_SEGMENT} WHERE s.visit_id = ? ORDER BY s.started_at, s.id", (visit_id,)
    ).fetchall()
    return [_segment(r) for r in rows]


def segments_of_visits(conn: Store, visit_ids: Iterable[int]) -> list[SegmentRow]:
    ids = list(visit_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT {_SEGMENT} WHERE s.visit_id IN ({marks}) ORDER BY s.started_at, s.id", ids
    ).fetchall()
    return [_segment(r) for r in rows]


def get_segment(conn: Store, segment_id: int) -> SegmentRow | None:
    row = conn.execute(f"SELECT {_SEGMENT} WHERE s.id = ?", (segment_id,)).fetchone()
    return _segment(row) if row else None


def running_segments(conn: Store, visit_id: int | None = None) -> list[SegmentRow]:
    if visit_id is None:
        rows = conn.execute(
            f"SELECT {_SEGMENT} WHERE s.stopped_at IS NULL ORDER BY s.started_at, s.id"
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_SEGMENT} WHERE s.stopped_at IS NULL AND s.visit_id = ? ORDER BY s.id",
            (visit_id,),
        ).fetchall()
    return [_segment(r) for r in rows]


def insert_segment(
    conn: Store,
    *,
    visit_id: int,
    visit_code_id: int,
    role: str,
    started_at: datetime,
    stopped_at: datetime | None = None,
    room: str | None = None,
) -> int:
    """A new segment, in ``room`` (None: this workstation's room, read in the same statement,
    :mod:`.rooms`)."""
    here, key = (rooms.HERE_SQL, rooms.room_key(conn)) if room is None else ("?", room)
    return insert_id(
        conn,
        "INSERT INTO timer_segments (visit_id, visit_code_id, role, started_at, stopped_at, room) "
        f"VALUES (?, ?, ?, ?, ?, {here})",
        (
            visit_id,
            visit_code_id,
            role,
            to_db_time(started_at),
            to_db_time(stopped_at) if stopped_at else None,
            key,
        ),
    )


def set_segment_times(
    conn: Store, segment_id: int, started_at: datetime, stopped_at: datetime | None
) -> None:
    conn.execute(
        "UPDATE timer_segments SET started_at = ?, stopped_at = ? WHERE id = ?",
        (to_db_time(started_at), to_db_time(stopped_at) if stopped_at else None, segment_id),
    )


def stop_segment(conn: Store, segment_id: int, stopped_at: datetime) -> None:
    conn.execute(
        "UPDATE timer_segments SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL",
        (to_db_time(stopped_at), segment_id),
    )


def delete_segment(conn: Store, segment_id: int) -> None:
    conn.execute("DELETE FROM timer_segments WHERE id = ?", (segment_id,))


# --- untimed services --------------------------------------------------------------------------


def untimed_of_visits(conn: Store, visit_ids: Iterable[int]) -> list[UntimedRow]:
    ids = list(visit_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        "SELECT u.visit_code_id, u.furnished_by, u.pt_minutes, u.pta_minutes "
        "FROM untimed_services u JOIN visit_codes c ON c.id = u.visit_code_id "
        f"WHERE c.visit_id IN ({marks})",
        ids,
    ).fetchall()
    return [UntimedRow(*r) for r in rows]


def upsert_untimed(
    conn: Store,
    visit_code_id: int,
    furnished_by: str,
    pt_minutes: int | None,
    pta_minutes: int | None,
) -> None:
    conn.execute(
        "INSERT INTO untimed_services (visit_code_id, furnished_by, pt_minutes, pta_minutes) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (visit_code_id) DO UPDATE SET "
        "furnished_by = excluded.furnished_by, pt_minutes = excluded.pt_minutes, "
        "pta_minutes = excluded.pta_minutes",
        (visit_code_id, furnished_by, pt_minutes, pta_minutes),
    )


def visit_count(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM visits").fetchone()[0])
