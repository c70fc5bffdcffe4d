"""The plan of care's certification (claims.md §5): by the referring or certifying practitioner
(physician, NP, PA, CNS with an NPI), not a clinic PT; a late signature with a reason; the 2025
referral exception for an initial plan; the payer's recertification interval; discharge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.patient_records import PatientDetails, PlanOfCareInput
from chargeclock.services.plan_certification import CertificationInput
from tests.services.conftest import Clinic

REFERRING_NPI = "1245319599"


def _plan(clinic: Clinic, days_ago: int, **kwargs: object) -> int:
    today = clinic.clock.now().date()
    start = today - timedelta(days=days_ago)
    plan = clinic.services.records.add_plan_of_care(
        clinic.patient_id,
        start,
        start + timedelta(days=89),
        **kwargs,  # type: ignore[arg-type]
    )
    clinic.services.visits.open_visit(clinic.patient_id, date_of_service=start)
    return plan.id


def _practitioner(
    clinic: Clinic, qualification: str = "NP", npi: str | None = REFERRING_NPI
) -> int:
    ref = clinic.services.records.add_referring_provider("Ana Ruiz", npi)
    if qualification != "physician":
        clinic.services.claims.set_qualification(ref, qualification)
    return ref


def _state(clinic: Clinic) -> str:
    return clinic.services.plan_of_care_status(clinic.patient_id).state


def _save_details(
    clinic: Clinic, start: date, through: int, certification: CertificationInput
) -> PatientDetails:
    """The patient dialog's save of the patient as they are, with a plan from ``start`` for
    ``through`` days certified by their referring practitioner, and ``certification``."""
    record = clinic.services.records.patient_record(clinic.patient_id)
    patient = record.patient
    plan = PlanOfCareInput(
        start,
        start + timedelta(days=through),
        certified_by_referring=True,
        certification=certification,
    )
    return PatientDetails(
        patient.last_name,
        patient.first_name,
        patient.date_of_birth,
        payer_id=patient.payer_id,
        member_id=patient.member_id or "1EG4TE5MK73",
        referring_name="Ana Ruiz",
        referring_npi=REFERRING_NPI,
        diagnoses=[d.code for d in record.diagnoses],
        plan_of_care=plan,
    )


def test_a_clinic_pt_signature_does_not_certify_a_plan(clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    plan = _plan(clinic, 5, certifying_provider_id=clinic.pt_id, signed_date=today)
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert (
        status.state == "certifier_not_allowed" and "referring physician or NPP" in status.message
    )
    clinic.services.plans.certify(plan, _practitioner(clinic, "NP"), today)
    assert _state(clinic) == "ok"


def test_the_certifier_needs_an_npi(clinic: Clinic) -> None:
    plan = _plan(clinic, 5)
    without = _practitioner(clinic, "PA", npi=None)
    with pytest.raises(InputError, match=r"^certifying_practitioner: Ana Ruiz has no NPI"):
        clinic.services.plans.certify(plan, without, clinic.clock.now().date())
    assert _state(clinic) == "unsigned"


def test_a_late_certification_needs_the_reason_for_the_delay(clinic: Clinic) -> None:
    plan = _plan(clinic, 45)
    ref = _practitioner(clinic, "physician")
    today = clinic.clock.now().date()
    assert _state(clinic) == "certification_overdue"
    with pytest.raises(InputError, match=r"^delay_reason: signed after .* give the reason"):
        clinic.services.plans.certify(plan, ref, today)
    cert = clinic.services.plans.certify(plan, ref, today, delay_reason="physician on leave")
    assert cert.delay_reason == "physician on leave"
    assert _state(clinic) == "ok"
    entry = clinic.services.audit_entries("patient", clinic.patient_id)[-1]
    assert (entry.action, entry.reason) == ("plan_of_care_certified", "physician on leave")


def test_the_2025_referral_exception_certifies_an_initial_plan_only(clinic: Clinic) -> None:
    plan = _plan(clinic, 40)
    ref = _practitioner(clinic, "CNS")
    start = clinic.clock.now().date() - timedelta(days=40)
    assert _state(clinic) == "certification_overdue"
    with pytest.raises(InputError, match=r"^plan_sent_on: sent 31 days after the evaluation"):
        clinic.services.plans.record_referral(plan, ref, start, start + timedelta(days=31))
    clinic.services.plans.record_referral(
        plan, ref, start - timedelta(days=3), start + timedelta(days=4)
    )
    assert _state(clinic) == "ok"
    # The next plan is a recertification: no exception, it must be signed.
    clinic.clock.advance(days=60)
    recert = _plan(clinic, 0)
    today = clinic.clock.now().date()
    with pytest.raises(InputError, match=r"^plan_sent_on: a recertification has no referral"):
        clinic.services.plans.record_referral(recert, ref, today, today)
    # After a discharge a new episode's plan is initial again.
    clinic.services.plans.discharge(recert, today)
    clinic.clock.advance(days=1)
    again = _plan(clinic, 0)
    clinic.services.plans.record_referral(again, ref, today, today + timedelta(days=1))


def test_the_referral_exception_starts_in_2025(clinic: Clinic) -> None:
    clinic.clock.set(clinic.clock.now().replace(year=2024))
    plan = _plan(clinic, 3)
    ref = _practitioner(clinic)
    start = clinic.clock.now().date() - timedelta(days=3)
    with pytest.raises(InputError, match=r"^plan_sent_on: the referral exception applies to plans"):
        clinic.services.plans.record_referral(plan, ref, start, start)


def test_the_payer_recertification_interval_shortens_the_plan(clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    plan = _plan(clinic, 25)
    clinic.services.plans.certify(plan, _practitioner(clinic), today - timedelta(days=24))
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"
    clinic.services.plans.set_recertification_days(clinic.medicare_id, 30)
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert (status.state, status.days_left) == ("lapsing", 4)
    assert "the payer asks every 30 days" in status.message
    with pytest.raises(InputError, match=r"^recertification_days: must be 1 to 90"):
        clinic.services.plans.set_recertification_days(clinic.medicare_id, 120)


def test_a_discharged_plan_warns_on_later_visits(clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    plan = _plan(clinic, 10)
    clinic.services.plans.certify(plan, _practitioner(clinic), today - timedelta(days=9))
    clinic.services.plans.discharge(plan, today - timedelta(days=1))
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert status.state == "discharged" and status.warn
    assert "needs a new plan of care" in status.message
    with pytest.raises(InputError, match=r"^discharged_on: is before the plan's start date"):
        clinic.services.plans.discharge(plan, today - timedelta(days=30))


def test_a_plan_signed_before_the_certifier_was_recorded_still_counts(clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    _plan(clinic, 5, signed_date=today - timedelta(days=4))  # who signed was not kept
    assert _state(clinic) == "ok"


def test_a_patient_save_whose_certification_is_refused_saves_nothing(clinic: Clinic) -> None:
    """The dialog's save: the plan, its certifier and its certification in one transaction."""
    from tests.services.conftest import dump

    today = clinic.clock.now().date()
    start = today - timedelta(days=40)
    clinic.services.visits.open_visit(clinic.patient_id, date_of_service=start)

    def details(certification: CertificationInput) -> PatientDetails:
        return _save_details(clinic, start, 60, certification)

    before = dump(clinic.services)
    late = CertificationInput(start - timedelta(days=1), start + timedelta(days=31))
    with pytest.raises(InputError, match=r"^plan_sent_on: sent 31 days after the evaluation"):
        clinic.services.records.save_patient(details(late), clinic.patient_id)
    assert dump(clinic.services) == before
    with pytest.raises(InputError, match=r"^plan_sent_on: the referral exception needs both"):
        clinic.services.records.save_patient(
            details(CertificationInput(start, None)), clinic.patient_id
        )
    assert dump(clinic.services) == before
    saved = clinic.services.records.save_patient(
        details(CertificationInput(start, start + timedelta(days=2))), clinic.patient_id
    )
    assert "plan_certification" in saved.changed
    assert _state(clinic) == "ok"


def test_a_refused_recertification_interval_leaves_the_payer_as_it_was(clinic: Clinic) -> None:
    from tests.services.conftest import dump

    records = clinic.services.records
    payer = next(p for p in records.payers() if p.id == clinic.medicare_id)
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^recertification_days: must be 1 to 90"):
        records.update_payer(
            payer.id,
            "Renamed",
            medicare=payer.medicare,
            unit_method=payer.unit_method,
            assistant_modifiers=payer.assistant_modifiers,
            kx=payer.kx,
            recertification_days=0,
        )
    with pytest.raises(InputError, match=r"^recertification_days: must be 1 to 90"):
        records.add_payer("Acme Health", kind="commercial", recertification_days=91)
    assert dump(clinic.services) == before
    added = records.add_payer("Acme Health", kind="commercial", recertification_days=60)
    assert clinic.services.plans.recertification_days(added.id) == 60
    records.update_payer(
        added.id,
        "Acme Health",
        medicare=False,
        unit_method="per_code",
        assistant_modifiers=False,
        kx=False,
    )
    assert clinic.services.plans.recertification_days(added.id) == 60  # left out: kept


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_a_patient_save_reads_the_plans_of_care_once(clinic: Clinic) -> None:
    """Saving the patient with a plan (new, unchanged, changed, discharged) reads the plans
    once, for what the save changes; the certifier and the certification use the plan as
    saved (they read it three or four times)."""
    today = clinic.clock.now().date()
    start = today - timedelta(days=40)
    clinic.services.visits.open_visit(clinic.patient_id, date_of_service=start)

    def save(
        through: int,
        discharged: bool,
        certification: CertificationInput | None = None,
        reads: int = 1,
    ) -> tuple[str, ...]:
        if certification is None:
            certification = CertificationInput(discharged_on=today if discharged else None)
        details = _save_details(clinic, start, through, certification)
        traced: list[str] = []
        clinic.services.db.conn.set_trace_callback(traced.append)
        try:
            saved = clinic.services.records.save_patient(details, clinic.patient_id)
        finally:
            clinic.services.db.conn.set_trace_callback(None)
        plan_reads = [
            s for s in traced if s.lstrip().upper().startswith("SELECT") and "plans_of_care" in s
        ]
        assert len(plan_reads) == reads, plan_reads
        return saved.changed

    assert "plan_of_care" in save(60, discharged=False)  # a new plan
    assert "plan_of_care" not in save(60, discharged=False)  # as it was
    assert "plan_of_care" in save(80, discharged=False)  # the same plan, longer
    assert "plan_certification" in save(80, discharged=True)
    plans = clinic.services.records.patient_record(clinic.patient_id).plan_of_care
    assert plans is not None and plans.certified_through == start + timedelta(days=80)
    assert clinic.services.plans.certification(plans.id).discharged_on == today
    # The referral exception recorded in the save uses the plan and its certification as
    # saved; it reads the patient's plans, and which are discharged, to tell an initial plan.
    referral = CertificationInput(
        referral_signed_on=start, plan_sent_on=start + timedelta(days=5), discharged_on=today
    )
    assert "plan_certification" in save(80, True, certification=referral, reads=3)
    assert clinic.services.plans.certification(plans.id).plan_sent_on == start + timedelta(days=5)
