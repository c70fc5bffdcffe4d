"""Changing records from the dialogs: a patient saved whole or not at all, providers, users,
payers, the fee list typed in, the lock's idle minutes, a visit's audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.patient_records import PatientDetails, PlanOfCareInput
from tests.services.conftest import VALID_NPI, Clinic, dump

OTHER_NPI = "1245319599"


def details(**changes: object) -> PatientDetails:
    base: dict[str, object] = {
        "last_name": "Roe",
        "first_name": "Ann",
        "date_of_birth": date(1960, 5, 5),
        "sex": "F",
        "address": "1 Elm St, Springfield",
        "phone": "555-0100",
        "referring_name": "Dr. Oak",
        "referring_npi": OTHER_NPI,
        "diagnoses": ["M17.11", "M54.50"],
        "prior_spend": "120.50",
        "plan_of_care": PlanOfCareInput(date(2026, 2, 23), date(2026, 5, 20), date(2026, 2, 24)),
        "progress_report": date(2026, 3, 1),
    }
    base.update(changes)
    return PatientDetails(**base)  # type: ignore[arg-type]


def test_save_patient_stores_everything(clinic: Clinic) -> None:
    records = clinic.services.records
    saved = records.save_patient(details(payer_id=clinic.medicare_id, member_id="1EG4TE5MK73"))
    assert saved.created
    record = records.patient_record(saved.patient.id)
    assert record.patient.first_name == "Ann" and record.patient.member_id == "1EG4TE5MK73"
    assert [d.code for d in record.diagnoses] == ["M17.11", "M54.50"]
    assert record.referring is not None and record.referring.npi == OTHER_NPI
    assert record.prior_spend == Decimal("120.50")
    assert record.plan_of_care is not None
    assert record.plan_of_care.certified_through == date(2026, 5, 20)
    assert record.last_progress_report == date(2026, 3, 1)
    [entry] = clinic.services.audit_entries("patient", saved.patient.id)
    assert entry.action == "patient_added"


def test_changing_a_patient_is_audited_and_keeps_the_plan_single(clinic: Clinic) -> None:
    records = clinic.services.records
    saved = records.save_patient(details())
    plan = PlanOfCareInput(date(2026, 2, 23), date(2026, 5, 20), date(2026, 2, 25), clinic.pt_id)
    again = records.save_patient(
        details(first_name="Anne", diagnoses=["M17.11"], plan_of_care=plan), saved.patient.id
    )
    assert not again.created
    assert set(again.changed) == {"first_name", "diagnoses", "plan_of_care"}
    conn = clinic.services.db
    assert conn.execute(
        "SELECT count(*) FROM plans_of_care WHERE patient_id = ?", (saved.patient.id,)
    ).fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM referring_providers").fetchone() == (1,)
    entries = clinic.services.audit_entries("patient", saved.patient.id)
    assert [e.action for e in entries] == ["patient_added", "patient_changed"]
    unchanged = records.save_patient(
        details(first_name="Anne", diagnoses=["M17.11"], plan_of_care=plan), saved.patient.id
    )
    assert unchanged.changed == ()
    assert len(clinic.services.audit_entries("patient", saved.patient.id)) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"last_name": " "}, r"^last_name: must not be empty"),
        ({"date_of_birth": date(2027, 1, 1)}, r"^date_of_birth: 01/01/2027 is in the future"),
        ({"diagnoses": ["M17.11", "M54.5"]}, r"^diagnoses\[1\]: M54.5 is a category"),
        ({"diagnoses": ["M17.11", "m1711"]}, r"^diagnoses\[1\]: M17.11 is listed twice"),
        ({"referring_npi": "1234567890"}, r"^referring_npi: 1234567890 is not a valid NPI"),
        ({"prior_spend": "12.345"}, r"^prior_spend: 12.345 has fractions"),
        ({"payer_id": 1}, r"^member_id: the payer needs"),
        (
            {"plan_of_care": PlanOfCareInput(date(2026, 1, 1), date(2026, 4, 30))},
            r"^certified_through: a plan of care is valid up to 90 days",
        ),
        ({"progress_report": date(2026, 3, 9)}, r"^progress_report: 03/09/2026 is in the future"),
    ],
)
def test_a_refused_patient_saves_nothing(
    clinic: Clinic, change: dict[str, object], message: str
) -> None:
    before = dump(clinic.services)
    with pytest.raises(InputError, match=message):
        clinic.services.records.save_patient(details(**change))
    assert dump(clinic.services) == before


def test_update_provider_checks_npi_and_supervision(clinic: Clinic) -> None:
    records = clinic.services.records
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^npi: 1234567890 is not a valid NPI"):
        records.update_provider(clinic.pt_id, "Dana Reyes", "PT", "1234567890")
    with pytest.raises(InputError, match=r"^role: supervises PTAs"):
        records.update_provider(clinic.pt_id, "Dana Reyes", "PTA", VALID_NPI)
    with pytest.raises(InputError, match=r"^supervising_provider_id: a PTA needs"):
        records.update_provider(clinic.pta_id, "Sam Lee", "PTA")
    assert dump(clinic.services) == before
    changed = records.update_provider(
        clinic.pt_id, "Dana Reyes", "PT", OTHER_NPI, credentials="PT, DPT", licence="PT-0042"
    )
    assert (changed.npi, changed.licence) == (OTHER_NPI, "PT-0042")
    assert clinic.services.audit_entries("provider", clinic.pt_id)[-1].action == "provider_changed"


def test_update_user_keeps_or_changes_the_pin(clinic: Clinic) -> None:
    records = clinic.services.records
    user = records.add_user("Dana", "PT", "1234", clinic.pt_id)
    records.update_user(user.id, "Dana R.", "PT", provider_id=clinic.pt_id)
    assert records.check_pin(user.id, "1234")
    records.update_user(user.id, "Dana R.", "PT", pin="987654")
    assert records.check_pin(user.id, "987654") and not records.check_pin(user.id, "1234")
    with pytest.raises(InputError, match=r"^pin: a PIN is 4 to 8 digits"):
        records.update_user(user.id, "Dana R.", "PT", pin="12")
    records.update_user(user.id, "Dana R.", "PT", active=False)
    assert not records.check_pin(user.id, "987654")


def test_update_payer_and_unique_names(clinic: Clinic) -> None:
    records = clinic.services.records
    with pytest.raises(InputError, match=r"^name: there is already a payer named 'medicare'"):
        records.add_payer("medicare", medicare=False)
    with pytest.raises(InputError, match=r"^name: there is already a payer"):
        records.update_payer(
            clinic.commercial_id,
            "Medicare",
            medicare=False,
            unit_method="per_code",
            assistant_modifiers=False,
            kx=False,
        )
    payer = records.update_payer(
        clinic.commercial_id,
        "Blue Harbor PPO",
        medicare=False,
        unit_method="cms",
        assistant_modifiers=True,
        kx=False,
    )
    assert (payer.name, payer.unit_method, payer.assistant_modifiers) == (
        "Blue Harbor PPO",
        "cms",
        True,
    )


def test_save_fees_sets_and_removes_and_refuses_bad_cells(clinic: Clinic) -> None:
    records = clinic.services.records
    records.save_fees(2026, charges=dict.fromkeys(records.charges()))  # the fixture's list
    assert records.charges() == {}
    records.save_fees(2026, charges={"97110": "45.00", "97140": "50"}, allowed={"97110": "31.10"})
    assert records.charges() == {"97110": Decimal("45.00"), "97140": Decimal("50.00")}
    row = next(r for r in records.fee_schedule(2026) if r.code == "97110")
    assert (row.charge, row.allowed, row.allowed_source) == (
        Decimal("45.00"),
        Decimal("31.10"),
        "entered in settings",
    )
    assert clinic.services.book.year(2026).fee("97110").amount == Decimal("31.10")  # type: ignore[union-attr]
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^97112 charge: 'abc' is not an amount"):
        records.save_fees(2026, charges={"97140": "", "97112": "abc"})
    with pytest.raises(InputError, match=r"^99999 charge: '99999' is not a code"):
        records.save_fees(2026, charges={"99999": "1"})
    assert dump(clinic.services) == before
    records.save_fees(2026, charges={"97140": ""}, allowed={"97110": None})
    assert records.charges() == {"97110": Decimal("45.00")}
    shipped = next(r for r in records.fee_schedule(2026) if r.code == "97110")
    assert shipped.allowed_source != "entered in settings"


def test_lock_minutes(clinic: Clinic) -> None:
    records = clinic.services.records
    assert records.lock_minutes() == 5
    assert records.set_lock_minutes(0) == 0
    assert records.lock_minutes() == 0
    with pytest.raises(InputError, match=r"^lock_minutes: must be 0"):
        records.set_lock_minutes(241)
    assert records.lock_minutes() == 0


def test_visit_audit_collects_visit_and_segment_entries(clinic: Clinic) -> None:
    visits = clinic.services.visits
    state = visits.open_visit(clinic.patient_id, codes=["97110"])
    visits.start_timer(state.visit_id, "97110", "PT")
    clinic.clock.advance(minutes=16)
    visits.stop_all(state.visit_id)
    visits.finalize(state.visit_id)
    visits.reopen_for_correction(state.visit_id, "wrong code")
    segment = visits.visit_state(state.visit_id).codes[0].spans[0]
    visits.edit_segment(
        segment.segment_id,
        started_at=segment.started_at,
        stopped_at=clinic.clock.now(),
        reason="forgot to stop",
    )
    actions = [e.action for e in clinic.services.records.visit_audit(state.visit_id)]
    assert "visit_reopened" in actions and actions[-1] == "segment_edited"
    reopened = next(
        e
        for e in clinic.services.records.visit_audit(state.visit_id)
        if e.action == "visit_reopened"
    )
    assert reopened.reason == "wrong code"


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            {"certified_through": date(2026, 4, 30)},
            r"^certified_through: a plan of care is valid up to 90 days",
        ),
        ({"signed_date": date(2025, 12, 31)}, r"^signed_date: is before the plan's start date"),
        ({"signed_date": date(2026, 3, 9)}, r"^signed_date: 03/09/2026 is in the future"),
        ({"certifying_provider_id": "pta"}, r"^certifying_provider_id: .* must be a PT"),
    ],
)
def test_a_plan_added_alone_is_checked_as_one_entered_with_the_patient(
    clinic: Clinic, plan: dict[str, object], message: str
) -> None:
    """add_plan_of_care refused a plan's end past 90 days but took a signature before its
    start, and a PTA as its certifying provider, which the patient's form refuses."""
    records = clinic.services.records
    entered: dict[str, object] = {"certified_through": date(2026, 3, 1)} | plan
    if entered.get("certifying_provider_id") == "pta":
        entered["certifying_provider_id"] = clinic.pta_id
    before = dump(clinic.services)
    with pytest.raises(InputError, match=message):
        records.add_plan_of_care(clinic.patient_id, date(2026, 1, 1), **entered)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=message):
        records.save_patient(
            details(plan_of_care=PlanOfCareInput(date(2026, 1, 1), **entered)),  # type: ignore[arg-type]
            clinic.patient_id,
        )
    assert dump(clinic.services) == before
