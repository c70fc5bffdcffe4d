"""The clinic's people and settings: practice, providers, users, payers, patients, diagnoses,
plans of care, prior spend, progress reports, payments, favourite codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chargeclock.storage.records import (
    DiagnosisRow,
    PatientRow,
    PayerRow,
    PaymentRow,
    PlanOfCareRow,
    PracticeRow,
    ProviderRow,
    ReferringProviderRow,
    UserRow,
)
from chargeclock.storage.store import Store, insert_id
from chargeclock.storage.timefmt import from_cents, to_cents


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- practice ----------------------------------------------------------------------------------


def save_practice(conn: Store, practice: PracticeRow) -> None:
    conn.execute(
        "INSERT INTO practice (id, name, address, phone, npi, tax_id) VALUES (1, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, "
        "phone = excluded.phone, npi = excluded.npi, tax_id = excluded.tax_id",
        (practice.name, practice.address, practice.phone, practice.npi, practice.tax_id),
    )


def get_practice(conn: Store) -> PracticeRow | None:
    row = conn.execute("SELECT name, address, phone, npi, tax_id FROM practice").fetchone()
    return PracticeRow(*row) if row else None


# --- providers and users -----------------------------------------------------------------------

_PROVIDER = "id, name, credentials, role, npi, licence, supervising_provider_id, active"


def _provider(row: Sequence[Any]) -> ProviderRow:
    return ProviderRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def insert_provider(
    conn: Store,
    *,
    name: str,
    credentials: str,
    role: str,
    npi: str | None,
    licence: str,
    supervising_provider_id: int | None,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO providers (name, credentials, role, npi, licence, "
        "supervising_provider_id) VALUES (?, ?, ?, ?, ?, ?)",
        (name, credentials, role, npi, licence, supervising_provider_id),
    )


def get_provider(conn: Store, provider_id: int) -> ProviderRow | None:
    row = conn.execute(f"SELECT {_PROVIDER} FROM providers WHERE id = ?", (provider_id,)).fetchone()
    return _provider(row) if row else None


def list_providers(conn: Store) -> list[ProviderRow]:
    rows = conn.execute(f"SELECT {_PROVIDER} FROM providers ORDER BY id").fetchall()
    return [_provider(r) for r in rows]


def insert_user(
    conn: Store, *, name: str, role: str, provider_id: int | None, pin_hash: str
) -> int:
    return insert_id(
        conn,
        "INSERT INTO users (name, role, provider_id, pin_hash) VALUES (?, ?, ?, ?)",
        (name, role, provider_id, pin_hash),
    )


def get_user(conn: Store, user_id: int) -> UserRow | None:
    row = conn.execute(
        "SELECT id, name, role, provider_id, pin_hash, active FROM users WHERE id = ?", (user_id,)
    ).fetchone()
    return UserRow(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None


def list_users(conn: Store) -> list[UserRow]:
    rows = conn.execute(
        "SELECT id, name, role, provider_id, pin_hash, active FROM users ORDER BY id"
    ).fetchall()
    return [UserRow(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


# --- payers ------------------------------------------------------------------------------------


def insert_payer(
    conn: Store,
    *,
    name: str,
    unit_method: str,
    assistant_modifiers: bool,
    kx: bool,
    medicare: bool,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO payers (name, unit_method, assistant_modifiers, kx, medicare) "
        "VALUES (?, ?, ?, ?, ?)",
        (name, unit_method, int(assistant_modifiers), int(kx), int(medicare)),
    )


def get_payer(conn: Store, payer_id: int) -> PayerRow | None:
    row = conn.execute(
        "SELECT id, name, unit_method, assistant_modifiers, kx, medicare FROM payers WHERE id = ?",
        (payer_id,),
    ).fetchone()
    if row is None:
        return None
    return PayerRow(row[0], row[1], row[2], bool(row[3]), bool(row[4]), bool(row[5]))


def list_payers(conn: Store) -> list[PayerRow]:
    rows = conn.execute("SELECT id FROM payers ORDER BY id").fetchall()
    return [p for (pid,) in rows if (p := get_payer(conn, pid)) is not None]


def insert_referring_provider(conn: Store, name: str, npi: str | None) -> int:
    return insert_id(conn, "INSERT INTO referring_providers (name, npi) VALUES (?, ?)", (name, npi))


def get_referring_provider(conn: Store, ref_id: int) -> ReferringProviderRow | None:
    row = conn.execute(
        "SELECT id, name, npi FROM referring_providers WHERE id = ?", (ref_id,)
    ).fetchone()
    return ReferringProviderRow(*row) if row else None


# --- patients ----------------------------------------------------------------------------------

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


def search_patients(conn: Store, text: str, limit: int = 50) -> list[PatientRow]:
    like = f"%{text.strip()}%"
    rows = conn.execute(
        f"SELECT {_PATIENT} FROM patients WHERE active = 1 AND (last_name LIKE ? OR "
        "first_name LIKE ? OR member_id LIKE ?) ORDER BY last_name, first_name LIMIT ?",
        (like, like, like, limit),
    ).fetchall()
    return [_patient(r) for r in rows]


# --- diagnoses ---------------------------------------------------------------------------------


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


# --- plans of care, progress reports, prior spend ---------------------------------------------


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


def plans_of_care(conn: Store, patient_id: int) -> list[PlanOfCareRow]:
    rows = conn.execute(
        "SELECT id, patient_id, certifying_provider_id, start_date, certified_through, "
        "signed_date FROM plans_of_care WHERE patient_id = ? ORDER BY start_date, id",
        (patient_id,),
    ).fetchall()
    return [
        PlanOfCareRow(
            r[0], r[1], r[2], date.fromisoformat(r[3]), date.fromisoformat(r[4]), _day(r[5])
        )
        for r in rows
    ]


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
    return _day(row[0]) if row else None


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


# --- payments ----------------------------------------------------------------------------------


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
    out = []
    for r in rows:
        amount = from_cents(r[4])
        assert amount is not None
        out.append(PaymentRow(r[0], r[1], r[2], date.fromisoformat(r[3]), amount, r[5]))
    return out


# --- favourite codes ---------------------------------------------------------------------------


def favourite_codes(conn: Store) -> list[str]:
    return [r[0] for r in conn.execute("SELECT code FROM favourite_codes ORDER BY position")]


def set_favourite_codes(conn: Store, codes: Sequence[str]) -> None:
    conn.execute("DELETE FROM favourite_codes")
    conn.executemany(
        "INSERT INTO favourite_codes (position, code) VALUES (?, ?)",
        [(n + 1, c) for n, c in enumerate(codes)],
    )


# --- changing what exists (the settings and patient dialogs) ----------------------------------


def update_provider(
    conn: Store,
    provider_id: int,
    *,
    name: str,
    credentials: str,
    role: str,
    npi: str | None,
    licence: str,
    supervising_provider_id: int | None,
    active: bool,
) -> None:
    conn.execute(
        "UPDATE providers SET name = ?, credentials = ?, role = ?, npi = ?, licence = ?, "
        "supervising_provider_id = ?, active = ? WHERE id = ?",
        (name, credentials, role, npi, licence, supervising_provider_id, int(active), provider_id),
    )


def supervised_by(conn: Store, provider_id: int) -> list[int]:
    """Ids of the providers whose supervising PT is ``provider_id``."""
    rows = conn.execute(
        "SELECT id FROM providers WHERE supervising_provider_id = ? ORDER BY id", (provider_id,)
    ).fetchall()
    return [int(r[0]) for r in rows]


def update_user(
    conn: Store,
    user_id: int,
    *,
    name: str,
    role: str,
    provider_id: int | None,
    pin_hash: str | None,
    active: bool,
) -> None:
    """``pin_hash`` None keeps the user's PIN."""
    conn.execute(
        "UPDATE users SET name = ?, role = ?, provider_id = ?, "
        "pin_hash = coalesce(?, pin_hash), active = ? WHERE id = ?",
        (name, role, provider_id, pin_hash, int(active), user_id),
    )


def update_payer(
    conn: Store,
    payer_id: int,
    *,
    name: str,
    unit_method: str,
    assistant_modifiers: bool,
    kx: bool,
    medicare: bool,
) -> None:
    conn.execute(
        "UPDATE payers SET name = ?, unit_method = ?, assistant_modifiers = ?, kx = ?, "
        "medicare = ? WHERE id = ?",
        (name, unit_method, int(assistant_modifiers), int(kx), int(medicare), payer_id),
    )


def payer_named(conn: Store, name: str) -> int | None:
    """The id of the payer with this name (any case), if one exists."""
    row = conn.execute(
        "SELECT id FROM payers WHERE lower(name) = lower(?)", (name.strip(),)
    ).fetchone()
    return int(row[0]) if row else None


def list_referring_providers(conn: Store) -> list[ReferringProviderRow]:
    rows = conn.execute("SELECT id, name, npi FROM referring_providers ORDER BY name, id")
    return [ReferringProviderRow(*r) for r in rows.fetchall()]


def find_referring_provider(conn: Store, name: str, npi: str | None) -> int | None:
    row = conn.execute(
        "SELECT id FROM referring_providers WHERE name = ? AND npi IS NOT DISTINCT FROM ? "
        "ORDER BY id LIMIT 1",
        (name, npi),
    ).fetchone()
    return int(row[0]) if row else None


def update_patient(conn: Store, patient: PatientRow) -> None:
    conn.execute(
        "UPDATE patients SET last_name = ?, first_name = ?, date_of_birth = ?, sex = ?, "
        "address = ?, phone = ?, payer_id = ?, member_id = ?, referring_provider_id = ?, "
        "active = ? WHERE id = ?",
        (*_patient_values(patient), patient.id),
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


# --- the clinic's settings (key/value) -------------------------------------------------------


def get_setting(conn: Store, key: str) -> str | None:
    row = conn.execute("SELECT value FROM app_settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_setting(conn: Store, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
