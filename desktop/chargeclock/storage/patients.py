"""Patients and what belongs to each: diagnoses, plans of care, progress reports and the
prior-provider spend counted toward the KX threshold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chargeclock.storage.records import (
    DiagnosisRow,
    PatientRow,
    PlanOfCareRow,
)
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_db_day, to_cents

#: a plan of care's columns as :func:`plan_row` reads them
PLAN_COLUMNS = "id, patient_id, certifying_provider_id, start_date, certified_through, signed_date"


def plan_row(r: Sequence[Any]) -> PlanOfCareRow:
    """A plan of care from its :data:`PLAN_COLUMNS` (the first six of ``r``)."""
    return PlanOfCareRow(
        r[0], r[1], r[2], date.fromisoformat(r[3]), date.fromisoformat(r[4]), from_db_day(r[5])
    )


_PATIENT = (
    "id, last_name, first_name, date_of_birth, sex, address, phone, payer_id, member_id, "
    "referring_provider_id, active"
)


def _patient(row: Sequence[Any]) -> PatientRow:
    return PatientRow(
        id=row[0],
        last_name=row[1],
        first_name=row[2],
        date_of_birth=date.fromisoformat(row[3]),
        sex=row[4],
        address=row[5],
        phone=row[6],
        payer_id=row[7],
        member_id=row[8],
        referring_provider_id=row[9],
        active=bool(row[10]),
    )


def _patient_values(patient: PatientRow) -> tuple[object, ...]:
    """A patient's columns in the order both INSERT and UPDATE name them."""
    return (
        patient.last_name,
        patient.first_name,
        patient.date_of_birth.isoformat(),
        patient.sex,
        patient.address,
        patient.phone,
        patient.payer_id,
        patient.member_id,
        patient.referring_provider_id,
        int(patient.active),
    )


def insert_patient(conn: Store, patient: PatientRow) -> int:
    return insert_id(
        conn,
        "INSERT INTO patients (last_name, first_name, date_of_birth, sex, address, phone, "
        "payer_id, member_id, referring_provider_id, active) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _patient_values(patient),
    )


def get_patient(conn: Store, patient_id: int) -> PatientRow | None:
    row = conn.execute(f"SELECT {_PATIENT} FROM patients WHERE id = ?", (patient_id,)).fetchone()
    return _patient(row) if row else None


def update_patient(conn: Store, patient: PatientRow) -> None:
    conn.execute(
        "UPDATE patients SET last_name = ?, first_name = ?, date_of_birth = ?, sex = ?, "
        "address = ?, phone = ?, payer_id = ?, member_id = ?, referring_provider_id = ?, "
        "active = ? WHERE id = ?",
        (*_patient_values(patient), patient.id),
    )


def search_patients(conn: Store, text: str, limit: int = 50) -> list[PatientRow]:
    """Active patients whose names or member id hold ``text``, case aside (``lower`` on both
    sides: PostgreSQL's ``LIKE`` minds case, SQLite's does not)."""
    like = f"%{text.strip().lower()}%"
    rows = conn.execute(
        f"SELECT {_PATIENT} FROM patients WHERE active = 1 AND (lower(last_name) LIKE ? OR "
        "lower(first_name) LIKE ? OR lower(member_id) LIKE ?) "
        "ORDER BY last_name, first_name LIMIT ?",
        (like, like, like, limit),
    ).fetchall()
    return [_patient(r) for r in rows]


def diagnoses_of(conn: Store, patient_id: int) -> list[DiagnosisRow]:
    rows = conn.execute(
        "SELECT id, patient_id, position, code, billable, description FROM diagnoses "
        "WHERE patient_id = ? ORDER BY position",
        (patient_id,),
    ).fetchall()
    return [DiagnosisRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def some_diagnosis_lacks_a_description(conn: Store) -> bool:
    """Any diagnosis saved before descriptions were kept (migration 0005)."""
    return (
        conn.execute("SELECT 1 FROM diagnoses WHERE description = '' LIMIT 1").fetchone()
        is not None
    )


def replace_diagnoses(conn: Store, patient_id: int, codes: Sequence[tuple[str, bool, str]]) -> None:
    """The patient's diagnoses in pointer order: (code, billable, description) each."""
    conn.execute("DELETE FROM diagnoses WHERE patient_id = ?", (patient_id,))
    conn.executemany(
        "INSERT INTO diagnoses (patient_id, position, code, billable, description) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (patient_id, n + 1, code, int(billable), description)
            for n, (code, billable, description) in enumerate(codes)
        ],
    )


def insert_plan_of_care(
    conn: Store,
    *,
    patient_id: int,
    certifying_provider_id: int | None,
    start_date: date,
    certified_through: date,
    signed_date: date | None,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO plans_of_care (patient_id, certifying_provider_id, start_date, "
        "certified_through, signed_date) VALUES (?, ?, ?, ?, ?)",
        (
            patient_id,
            certifying_provider_id,
            start_date.isoformat(),
            certified_through.isoformat(),
            signed_date.isoformat() if signed_date else None,
        ),
    )


def update_plan_of_care(
    conn: Store,
    plan_id: int,
    *,
    certifying_provider_id: int | None,
    certified_through: date,
    signed_date: date | None,
) -> None:
    conn.execute(
        "UPDATE plans_of_care SET certifying_provider_id = ?, certified_through = ?, "
        "signed_date = ? WHERE id = ?",
        (
            certifying_provider_id,
            certified_through.isoformat(),
            signed_date.isoformat() if signed_date else None,
            plan_id,
        ),
    )


def plan_of_care(conn: Store, plan_id: int) -> PlanOfCareRow | None:
    row = conn.execute(
        f"SELECT {PLAN_COLUMNS} FROM plans_of_care WHERE id = ?", (plan_id,)
    ).fetchone()
    return None if row is None else plan_row(row)


def plans_of_care(conn: Store, patient_id: int) -> list[PlanOfCareRow]:
    rows = conn.execute(
        f"SELECT {PLAN_COLUMNS} FROM plans_of_care WHERE patient_id = ? ORDER BY start_date, id",
        (patient_id,),
    ).fetchall()
    return [plan_row(r) for r in rows]


def insert_progress_report(
    conn: Store,
    patient_id: int,
    report_date: date,
    visit_id: int | None,
    provider_id: int | None,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO progress_reports (patient_id, visit_id, report_date, provider_id) "
        "VALUES (?, ?, ?, ?)",
        (patient_id, visit_id, report_date.isoformat(), provider_id),
    )


def last_progress_report(conn: Store, patient_id: int) -> date | None:
    row = conn.execute(
        "SELECT max(report_date) FROM progress_reports WHERE patient_id = ?", (patient_id,)
    ).fetchone()
    return from_db_day(row[0]) if row else None


def set_prior_spend(conn: Store, patient_id: int, year: int, bucket: str, amount: Decimal) -> None:
    conn.execute(
        "INSERT INTO prior_spend (patient_id, year, bucket, amount_cents) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (patient_id, year, bucket) DO UPDATE SET amount_cents = excluded.amount_cents",
        (patient_id, year, bucket, to_cents(amount)),
    )


def prior_spend_cents(conn: Store, patient_id: int, year: int, bucket: str) -> int:
    row = conn.execute(
        "SELECT amount_cents FROM prior_spend WHERE patient_id = ? AND year = ? AND bucket = ?",
        (patient_id, year, bucket),
    ).fetchone()
    return int(row[0]) if row else 0
