"""A few days of a small practice, made through the services, for the practice views' tests:
finalized visits with PT and PTA time, payments, a plan of care and a progress report, an open
visit with a timer running, and a patient whose every field a spreadsheet would run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tests.services.conftest import VALID_NPI, Clinic

#: text a spreadsheet would run as a formula, each start the export must make inert
HOSTILE = {
    "last_name": '=HYPERLINK("http://x","y")',
    "first_name": "+1+1",
    "address": "-2+3, @SUM(A1), Springfield, IL 62701",
    "phone": "@555",
    "member_id": "'=quoted",
}
DAY = date(2026, 3, 2)
LAST = DAY + timedelta(days=2)  # the audit packet's period: DAY to LAST
#: how a packet's verification begins: a full check made now, or one from the checkpoint
FULL_NOW = "full check now (every entry's hash, every billing row) by verify-audit:"
FROM_CHECKPOINT = "full check (every entry's hash, every billing row) by verify-audit, "
CHARGES = {"97110": "60.00", "97112": "62.00", "97140": "55.00", "97530": "65.00"}


@dataclass
class Practice:
    clinic: Clinic
    patient_id: int  # Jane Roe: three days of PT and PTA time, a plan of care, a report
    hostile_id: int
    finalized: list[int] = field(default_factory=list)
    open_visit: int = 0


def treat(clinic: Clinic, patient_id: int, day: date, plan: list[tuple[str, str, int]]) -> int:
    """A visit on ``day``: each (code, role, minutes) timed in turn; then finalized."""
    visits = clinic.services.visits
    if clinic.clock.now().date() < day:
        clinic.clock.set(datetime.combine(day, time(14, 0), UTC))
    visit = visits.open_visit(patient_id, date_of_service=day).visit_id
    for code, role, minutes in plan:
        visits.start_timer(visit, code, role)
        clinic.clock.advance(minutes=minutes)
        visits.stop_timer(visit, role)
        clinic.clock.advance(minutes=1)
    visits.finalize(visit)
    return visit


def small_practice(clinic: Clinic) -> Practice:
    services = clinic.services
    records = services.records
    records.save_practice(
        "Riverside PT",
        "1 Main St, Springfield, IL 62701",
        "(217) 555-0100",
        VALID_NPI,
        "12-3456789",
    )
    hostile, _ = records.add_patient(
        HOSTILE["last_name"],
        HOSTILE["first_name"],
        date(1948, 5, 6),
        payer_id=clinic.medicare_id,
        diagnoses=["M17.11"],
        address=HOSTILE["address"],
        phone=HOSTILE["phone"],
        member_id=HOSTILE["member_id"],
    )
    jane, _ = records.add_patient(
        "Roe",
        "Jane",
        date(1950, 1, 2),
        payer_id=clinic.medicare_id,
        member_id="1EG4TE5MK73",
        address="12 Elm St, Springfield, IL 62704",
        diagnoses=["M17.11", "M54.50"],
    )
    practice = Practice(clinic, jane.id, hostile.id)
    records.save_fees(2026, charges=CHARGES)
    records.add_plan_of_care(
        jane.id,
        DAY - timedelta(days=7),
        DAY + timedelta(days=60),
        certifying_provider_id=clinic.pt_id,
        signed_date=DAY - timedelta(days=5),
    )
    practice.finalized.append(treat(clinic, hostile.id, DAY, [("97530", "PTA", 24)]))
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        plan = [("97110", "PT", 20 + offset), ("97110", "PTA", 13), ("97140", "PT", 9)]
        visit = treat(clinic, jane.id, day, plan)
        practice.finalized.append(visit)
        records.record_payment(jane.id, "25.00", "card", paid_on=day, visit_id=visit)
    records.record_progress_report(jane.id, DAY + timedelta(days=1), provider_id=clinic.pt_id)
    records.record_payment(hostile.id, "10.00", "cash", paid_on=DAY + timedelta(days=2))
    # the last day's open visit: a timer still running
    visit = services.visits.open_visit(jane.id).visit_id
    services.visits.start_timer(visit, "97112", "PT")
    practice.open_visit = visit
    return practice
