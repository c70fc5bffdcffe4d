"""A day's superbill shows the payments of its visits (pooled same-day visits too) and those
for no visit received that day — read for the day, not picked out of all the patient's."""

from __future__ import annotations

from datetime import timedelta

from chargeclock.services.superbill import superbill_for_visit
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, small_practice, treat


def test_a_days_superbill_shows_the_days_payments_only(clinic: Clinic) -> None:
    practice = small_practice(clinic)
    services, records = clinic.services, clinic.services.records
    patient = practice.patient_id
    day = DAY + timedelta(days=5)
    first = treat(clinic, patient, day, [("97110", "PT", 10)])
    second = treat(clinic, patient, day, [("97140", "PT", 9)])  # pooled with the first
    other_day = practice.finalized[0]
    later = day + timedelta(days=1)
    made = [
        records.record_payment(patient, "5.00", "cash", paid_on=later, visit_id=second),
        records.record_payment(patient, "7.00", "card", paid_on=day, visit_id=first),
        records.record_payment(patient, "11.00", "cash", paid_on=day),  # for no visit, that day
        records.record_payment(patient, "13.00", "cash", paid_on=later),  # for no visit, later
        records.record_payment(patient, "17.00", "cash", paid_on=day, visit_id=other_day),
        records.record_payment(practice.hostile_id, "19.00", "cash", paid_on=day),
    ]
    holder = next(v for v in (first, second) if services.visits.claim_lines(v))
    superbill = superbill_for_visit(services, holder)
    pooled = {first, second}
    expected = [
        (p.paid_on, p.amount, p.method)
        for p in records.payments(patient)
        if p.visit_id in pooled or (p.visit_id is None and p.paid_on == day)
    ]
    shown = [(p.date, p.amount, p.method) for p in superbill.payments]
    assert shown == expected
    assert [str(p[1]) for p in shown] == ["7.00", "11.00", "5.00"]
    assert len(made) == 6
