"""A plan of care's certification (migration 0010): who certified it, the 2025 referral
exception's dates, the reason for a late signature, its discharge; a payer's recertification
interval."""

from __future__ import annotations

from datetime import date

from msgspec import Struct

from chargeclock.storage.patients import PLAN_COLUMNS, plan_row
from chargeclock.storage.records import PlanOfCareRow
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_db_day, to_db_day


class CertificationRow(Struct, frozen=True):
    """How a plan of care was certified, and whether it is closed."""

    certifying_practitioner_id: int | None = None  # a referring_providers row
    referral_signed_on: date | None = None  # the signed and dated order or referral on file
    plan_sent_on: date | None = None  # the plan sent to that practitioner
    delay_reason: str = ""  # why the certification was signed after 30 days
    discharged_on: date | None = None


def certification_of(conn: Store, plan_id: int) -> CertificationRow:
    row = conn.execute(
        "SELECT certifying_practitioner_id, referral_signed_on, plan_sent_on, delay_reason, "
        "discharged_on FROM plans_of_care WHERE id = ?",
        (plan_id,),
    ).fetchone()
    if row is None:
        return CertificationRow()
    return CertificationRow(
        row[0], from_db_day(row[1]), from_db_day(row[2]), row[3], from_db_day(row[4])
    )


def discharged_plans(conn: Store, patient_id: int) -> set[int]:
    """The ids of the patient's plans of care that were closed (discharged)."""
    return {
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM plans_of_care WHERE patient_id = ? AND discharged_on IS NOT NULL",
            (patient_id,),
        )
    }


def latest_plan(conn: Store, patient_id: int) -> tuple[PlanOfCareRow, CertificationRow] | None:
    """The patient's latest plan of care (by start date, then as entered) with its
    certification, in one read; ``None`` without a plan."""
    row = conn.execute(
        f"SELECT {PLAN_COLUMNS}, certifying_practitioner_id, referral_signed_on, plan_sent_on, "
        "delay_reason, discharged_on FROM plans_of_care WHERE patient_id = ? "
        "ORDER BY start_date DESC, id DESC LIMIT 1",
        (patient_id,),
    ).fetchone()
    if row is None:
        return None
    return plan_row(row), CertificationRow(
        row[6], from_db_day(row[7]), from_db_day(row[8]), row[9], from_db_day(row[10])
    )


def set_certification(conn: Store, plan_id: int, row: CertificationRow) -> None:
    conn.execute(
        "UPDATE plans_of_care SET certifying_practitioner_id = ?, referral_signed_on = ?, "
        "plan_sent_on = ?, delay_reason = ?, discharged_on = ? WHERE id = ?",
        (
            row.certifying_practitioner_id,
            to_db_day(row.referral_signed_on),
            to_db_day(row.plan_sent_on),
            row.delay_reason,
            to_db_day(row.discharged_on),
            plan_id,
        ),
    )


def set_signed(conn: Store, plan_id: int, signed_on: date) -> None:
    conn.execute(
        "UPDATE plans_of_care SET signed_date = ? WHERE id = ?", (signed_on.isoformat(), plan_id)
    )


def recertification_days(conn: Store, payer_id: int) -> int | None:
    row = conn.execute(
        "SELECT recertification_days FROM payers WHERE id = ?", (payer_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def set_recertification_days(conn: Store, payer_id: int, days: int | None) -> None:
    conn.execute("UPDATE payers SET recertification_days = ? WHERE id = ?", (days, payer_id))
