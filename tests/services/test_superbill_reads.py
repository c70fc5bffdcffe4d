"""What the superbill reads: a visit's bill lists its day's payments alone; a statement reads its
period at once (not a query per visit), takes each day's current version, and freezes a day
that has none."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.services import frozen_claims
from chargeclock.services.superbill import statement_for_patient, superbill_for_visit
from tests.services.conftest import Clinic
from tests.services.test_superbill_service import (
    _fees,
    _finalized_visit,
    _patient,
    _set_up_practice,
)


def _billed_clinic(clinic: Clinic, tmp_path: Path) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)


def test_a_visit_bill_lists_the_payments_of_its_day_alone(clinic: Clinic, tmp_path: Path) -> None:
    _billed_clinic(clinic, tmp_path)
    records, visits = clinic.services.records, clinic.services.visits
    morning = _finalized_visit(clinic, 10)
    clinic.clock.advance(hours=3)
    afternoon = _finalized_visit(clinic, 13)  # pools the morning: the day's bill
    day = visits.visit(morning).date_of_service
    other_patient, _ = records.add_patient(
        "Brandt", "Ilse", day.replace(year=1950), payer_id=clinic.commercial_id
    )
    listed = [
        records.record_payment(clinic.patient_id, "20.00", "card", day, visit_id=morning),
        records.record_payment(clinic.patient_id, "5.00", "cash", day),  # that day, no visit
    ]
    records.record_payment(clinic.patient_id, "7.00", "cash", day + timedelta(days=1))
    records.record_payment(other_patient.id, "9.00", "cash", day)  # another patient's
    clinic.clock.advance(days=1)
    tomorrow = _finalized_visit(clinic, 10)
    records.record_payment(clinic.patient_id, "11.00", "check", day, visit_id=tomorrow)
    for visit in (morning, afternoon):
        bill = superbill_for_visit(clinic.services, visit)
        assert [(p.date, p.amount, p.method) for p in bill.payments] == [
            (p.paid_on, p.amount, p.method) for p in listed
        ]
    # the next day's bill: its visit's payment (made the day before) and that day's unattached
    assert superbill_for_visit(clinic.services, tomorrow).total_payments == Decimal("18.00")


def test_a_statement_takes_each_days_current_version(clinic: Clinic, tmp_path: Path) -> None:
    _billed_clinic(clinic, tmp_path)
    services = clinic.services
    first = _finalized_visit(clinic, 10)
    clinic.clock.advance(days=1)
    second = _finalized_visit(clinic, 10)
    clinic.clock.advance(hours=1)
    services.visits.reopen_for_correction(second, "the timer was stopped too early")
    span = services.visits.visit_state(second).codes[0].spans[0]
    services.visits.edit_segment(
        span.segment_id,
        started_at=span.started_at,
        stopped_at=span.started_at + timedelta(minutes=25),
        reason="the timer was stopped too early",
    )
    services.visits.finalize(second)
    start = services.visits.visit(first).date_of_service
    statement = statement_for_patient(services, clinic.patient_id, start, start + timedelta(1))
    assert [v.total_timed_minutes for v in statement.visits] == [10, 25]
    assert [(x.code, x.units) for x in statement.lines] == [("97110", 1), ("97110", 2)]
    versions = frozen_claims.versions_of(services, services.visits.visit(second))
    assert [v.version for v in versions] == [1, 2]


_SELECT = re.compile(r"^\s*SELECT", re.IGNORECASE)


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_a_statement_reads_its_period_at_once(clinic: Clinic, tmp_path: Path) -> None:
    """As many reads for a period of eight visits as for one of four."""
    _billed_clinic(clinic, tmp_path)
    services = clinic.services
    days = []
    for _ in range(8):
        days.append(services.visits.visit(_finalized_visit(clinic, 10)).date_of_service)
        clinic.clock.advance(days=1)
    statement_for_patient(services, clinic.patient_id, days[0], days[-1])  # all frozen
    reads = []
    for last in (days[3], days[-1]):
        traced: list[str] = []
        services.db.conn.set_trace_callback(traced.append)
        try:
            statement = statement_for_patient(services, clinic.patient_id, days[0], last)
        finally:
            services.db.conn.set_trace_callback(None)
        reads.append(sum(1 for s in traced if _SELECT.match(s)))
        assert len(statement.visits) == days.index(last) + 1
    assert reads[0] == reads[1]
