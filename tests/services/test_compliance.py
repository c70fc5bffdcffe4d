"""Progress report every 10 treatment days; plan of care certified in 30 days, valid 90."""

from __future__ import annotations

from datetime import timedelta

from tests.services.conftest import Clinic


def _visit_on(clinic: Clinic, days_ago: int) -> None:
    day = clinic.clock.now().date() - timedelta(days=days_ago)
    clinic.services.visits.open_visit(clinic.patient_id, date_of_service=day)


def test_progress_report_due_on_the_tenth_treatment_day(clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    clinic.services.records.add_plan_of_care(
        clinic.patient_id, today - timedelta(days=30), today + timedelta(days=40),
        signed_date=today - timedelta(days=28),
    )  # fmt: skip
    for days_ago in range(27, 0, -3):  # nine treatment days
        _visit_on(clinic, days_ago)
    status = clinic.services.progress_report_status(clinic.patient_id)
    assert (status.treatment_days, status.due, status.days_left) == (9, False, 1)
    _visit_on(clinic, 0)  # the tenth
    assert clinic.services.progress_report_status(clinic.patient_id).due
    clinic.services.records.record_progress_report(clinic.patient_id, today)
    status = clinic.services.progress_report_status(clinic.patient_id)
    assert (status.treatment_days, status.due) == (0, False)


def test_plan_of_care_states(clinic: Clinic) -> None:
    records, today = clinic.services.records, clinic.clock.now().date()
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "none"
    start = today - timedelta(days=10)
    records.add_plan_of_care(clinic.patient_id, start, start + timedelta(days=89))
    _visit_on(clinic, 10)
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert status.state == "unsigned" and "certify it by" in status.message
    clinic.clock.advance(days=25)  # 35 days after the first treatment, still unsigned
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "certification_overdue"


def test_plan_of_care_lapsing_then_lapsed(clinic: Clinic) -> None:
    records, today = clinic.services.records, clinic.clock.now().date()
    start = today - timedelta(days=84)
    records.add_plan_of_care(
        clinic.patient_id, start, start + timedelta(days=89), signed_date=start
    )
    _visit_on(clinic, 84)
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert (status.state, status.days_left) == ("lapsing", 5)
    clinic.clock.advance(days=6)
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "lapsed"
