"""What a claim line carries besides its minutes (migration 0009): the modifiers chosen for a
visit's code, the clinician's yearly KX confirmation, and the patient's ABNs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from msgspec import Struct

from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_db_time, to_db_time


def modifiers_of_visit(conn: Store, visit_id: int) -> dict[str, tuple[str, ...]]:
    """Code -> the modifiers chosen for it on this visit (in no particular order)."""
    rows = conn.execute(
        "SELECT c.code, m.modifier FROM visit_code_modifiers m "
        "JOIN visit_codes c ON c.id = m.visit_code_id WHERE c.visit_id = ? "
        "ORDER BY c.position, m.modifier",
        (visit_id,),
    ).fetchall()
    out: dict[str, list[str]] = {}
    for code, modifier in rows:
        out.setdefault(code, []).append(modifier)
    return {code: tuple(mods) for code, mods in out.items()}


def set_modifiers(conn: Store, visit_code_id: int, modifiers: Iterable[str]) -> None:
    conn.execute("DELETE FROM visit_code_modifiers WHERE visit_code_id = ?", (visit_code_id,))
    for modifier in modifiers:
        conn.execute(
            "INSERT INTO visit_code_modifiers (visit_code_id, modifier) VALUES (?, ?)",
            (visit_code_id, modifier),
        )


def delete_modifiers(conn: Store, visit_code_id: int) -> None:
    conn.execute("DELETE FROM visit_code_modifiers WHERE visit_code_id = ?", (visit_code_id,))


class KxConfirmation(Struct, frozen=True):
    patient_id: int
    year: int
    confirmed_by: str
    confirmed_at: datetime


def kx_confirmation(conn: Store, patient_id: int, year: int) -> KxConfirmation | None:
    row = conn.execute(
        "SELECT confirmed_by, confirmed_at FROM kx_confirmations WHERE patient_id = ? AND year = ?",
        (patient_id, year),
    ).fetchone()
    if row is None:
        return None
    return KxConfirmation(patient_id, year, row[0], from_db_time(row[1]))


def insert_kx_confirmation(conn: Store, patient_id: int, year: int, by: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO kx_confirmations (patient_id, year, confirmed_by, confirmed_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (patient_id, year) DO NOTHING",
        (patient_id, year, by, to_db_time(at)),
    )


class AbnRow(Struct, frozen=True):
    """An ABN the patient signed: the codes it covers (empty: all), from ``signed_on``."""

    id: int
    patient_id: int
    signed_on: date
    last_day: date | None
    codes: tuple[str, ...]

    def covers(self, day: date) -> bool:
        return self.signed_on <= day and (self.last_day is None or day <= self.last_day)


def insert_abn(
    conn: Store, patient_id: int, signed_on: date, last_day: date | None, codes: Sequence[str]
) -> int:
    return insert_id(
        conn,
        "INSERT INTO abns (patient_id, signed_on, last_day, codes) VALUES (?, ?, ?, ?)",
        (
            patient_id,
            signed_on.isoformat(),
            last_day.isoformat() if last_day else None,
            " ".join(codes),
        ),
    )


def abns_of_patient(conn: Store, patient_id: int) -> list[AbnRow]:
    rows = conn.execute(
        "SELECT id, patient_id, signed_on, last_day, codes FROM abns WHERE patient_id = ? "
        "ORDER BY signed_on, id",
        (patient_id,),
    ).fetchall()
    return [
        AbnRow(
            r[0],
            r[1],
            date.fromisoformat(r[2]),
            date.fromisoformat(r[3]) if r[3] else None,
            tuple(r[4].split()),
        )
        for r in rows
    ]


def other_discipline_lines(
    conn: Store, patient_id: int, day: date, discipline: str
) -> list[tuple[str, int, bool]]:
    """(code, units, assistant) of the patient's finalized claim lines that day in the other
    disciplines, in the order they were finalized: MPPR is per patient per day."""
    rows = conn.execute(
        "SELECT l.code, l.units, l.assistant FROM claim_lines l JOIN visits v ON v.id = l.visit_id "
        "WHERE v.patient_id = ? AND v.date_of_service = ? AND v.status = 'finalized' "
        "AND v.discipline <> ? ORDER BY v.finalized_at, v.id, l.line_number",
        (patient_id, day.isoformat(), discipline),
    ).fetchall()
    return [(r[0], int(r[1]), bool(r[2])) for r in rows]
