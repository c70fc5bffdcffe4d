"""Which fields a patient save changes (the names the audit entry of the save lists), and the
plan of care's certifier and certification it sets."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from msgspec.structs import replace

from chargeclock.services.context import Context
from chargeclock.services.plan_certification import PlanCertification
from chargeclock.services.validation import DiagnosisCheck
from chargeclock.storage import plan_certification
from chargeclock.storage.plan_certification import CertificationRow
from chargeclock.storage.records import PatientRow, PlanOfCareRow
from chargeclock.storage.store import Store

if TYPE_CHECKING:
    from chargeclock.services.patient_records import (
        PatientDetails,
        PatientRecord,
        PlanOfCareInput,
    )


def _fields(row: PatientRow) -> tuple[object, ...]:
    return (
        row.id,
        row.last_name,
        row.first_name,
        row.date_of_birth,
        row.sex,
        row.address,
        row.phone,
        row.payer_id,
        row.member_id,
        row.referring_provider_id,
        row.active,
    )


_NAMES = (
    "id",
    "last_name",
    "first_name",
    "date_of_birth",
    "sex",
    "address",
    "phone",
    "payer_id",
    "member_id",
    "referring_provider",
    "active",
)


def changes(
    before: PatientRecord | None,
    row: PatientRow,
    checks: Sequence[DiagnosisCheck],
    spend: Decimal | None,
    details: PatientDetails,
) -> tuple[str, ...]:
    """The names of the fields this save changes (all given ones for a new patient)."""
    old = _fields(before.patient) if before else (None,) * len(_NAMES)
    changed = [n for n, a, b in zip(_NAMES, old, _fields(row), strict=True) if n != "id" and a != b]
    if before is None:
        changed = [n for n in changed if n != "active"]
    codes = [c.code for c in checks]
    if before is None or codes != [d.code for d in before.diagnoses]:
        changed.append("diagnoses")
    if spend is not None and (before is None or spend != before.prior_spend):
        changed.append("prior_spend")
    plan = details.plan_of_care
    if plan is not None:
        latest = before.plan_of_care if before else None
        wanted = (plan.start_date, plan.certified_through, plan.signed_date)
        if (
            latest is None
            or (latest.start_date, latest.certified_through, latest.signed_date) != wanted
            or latest.certifying_provider_id != plan.certifying_provider_id
        ):
            changed.append("plan_of_care")
    report = details.progress_report
    if report is not None and (before is None or before.last_progress_report != report):
        changed.append("progress_report")
    return tuple(changed)


def set_certifier(
    conn: Store,
    plan_id: int,
    current: CertificationRow,
    plan: PlanOfCareInput,
    referring_id: int | None,
) -> CertificationRow:
    """Record who certifies the saved plan ``plan_id`` (the patient's referring practitioner,
    or the one named), its certification being ``current``; the certification after."""
    wanted = referring_id if plan.certified_by_referring else plan.certifying_practitioner_id
    if current.certifying_practitioner_id == wanted:
        return current
    certified = replace(current, certifying_practitioner_id=wanted)
    plan_certification.set_certification(conn, plan_id, certified)
    return certified


def apply_certification(
    ctx: Context,
    saved: PlanOfCareRow,
    current: CertificationRow,
    plan: PlanOfCareInput,
    before: PatientRecord | None,
) -> bool:
    """Set the referral exception, delay reason and discharge the save carries on the plan as
    saved, its certification being ``current`` (after the plan and its certifier, in the same
    transaction); True when that changed them."""
    if plan.certification is None:
        return False
    latest = before.plan_of_care if before else None
    signed_changed = (
        latest is None
        or latest.start_date != plan.start_date
        or latest.signed_date != plan.signed_date
    )
    return PlanCertification(ctx).apply(
        saved, current, plan.certification, signed_changed=signed_changed
    )
