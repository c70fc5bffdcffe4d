"""Visits, their codes, timer segments, untimed services, frozen bills and claim lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chargeclock.storage.records import (
    BillRow,
    ClaimLineRow,
    SegmentRow,
    UntimedRow,
    VisitCodeRow,
    VisitRow,
)
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_cents, from_db_time, to_cents, to_db_time

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
    "s.id, s.visit_id, s.visit_code_id, c.code, s.role, s.started_at, s.stopped_at "
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
) -> int:
    return insert_id(
        conn,
        "INSERT INTO timer_segments (visit_id, visit_code_id, role, started_at, stopped_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            visit_id,
            visit_code_id,
            role,
            to_db_time(started_at),
            to_db_time(stopped_at) if stopped_at else None,
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


# --- bills and claim lines ---------------------------------------------------------------------


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


def delete_bill(conn: Store, visit_id: int) -> None:
    conn.execute("DELETE FROM claim_lines WHERE visit_id = ?", (visit_id,))
    conn.execute("DELETE FROM visit_bills WHERE visit_id = ?", (visit_id,))


def insert_claim_lines(conn: Store, visit_id: int, lines: Sequence[ClaimLineRow]) -> None:
    conn.executemany(
        "INSERT INTO claim_lines (visit_id, line_number, code, modifiers, units, assistant, "
        "allowed_cents, charge_cents, diagnosis_pointers, trace) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        f"charge_cents, diagnosis_pointers, trace FROM claim_lines WHERE visit_id IN ({marks}) "
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


def visit_count(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM visits").fetchone()[0])


def allowed_decimal(cents: int) -> Decimal:
    value = from_cents(cents)
    assert value is not None
    return value
