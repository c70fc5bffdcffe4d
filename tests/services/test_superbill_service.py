"""The superbill from the store: frozen lines and charges, minutes from the frozen bill, payments,
statements over a period, the supervising PT for an assistant, same-day visits, and the errors
that name the field (open or void visit, practice or provider data missing)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.domain.errors import InputError
from chargeclock.services.demo import build_demo
from chargeclock.services.session import Services
from chargeclock.services.superbill import (
    SuperbillRequest,
    build,
    pdf_bytes,
    split_address,
    statement_for_patient,
    superbill_for_visit,
)
from chargeclock.storage.records import VisitRow
from tests.services.conftest import VALID_NPI, Clinic

TODAY = date(2026, 6, 30)
QUARTER = (date(2026, 4, 1), date(2026, 6, 30))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    path = tmp_path_factory.mktemp("superbill") / "demo.sqlite3"
    build_demo(path, today=TODAY)
    clock = FakeClock(datetime(2026, 6, 30, 22, 0, tzinfo=UTC))
    services = Services.open(path, clock, zone=UTC)
    yield services
    services.close()


def _finalized(services: Services, patient_id: int) -> list[VisitRow]:
    return [v for v in services.visits.visits_of_patient(patient_id) if v.status == "finalized"]


def _busiest_patient(services: Services) -> int:
    """The patient with the most finalized visits in the quarter (about three a week)."""
    counts = {
        p.id: sum(1 for v in _finalized(services, p.id) if QUARTER[0] <= v.date_of_service)
        for p in services.records.search_patients("")
    }
    return max(counts, key=lambda p: (counts[p], -p))


# --- one visit ----------------------------------------------------------------------------------


def test_a_visit_superbill_carries_the_frozen_lines_charges_and_minutes(demo: Services) -> None:
    patient_id = _busiest_patient(demo)
    for visit in _finalized(demo, patient_id)[-12:]:
        frozen = demo.visits.claim_lines(visit.id)
        bill = demo.visits.bill(visit.id)
        assert bill is not None
        superbill = superbill_for_visit(demo, visit.id)
        assert superbill.kind == "visit"
        assert superbill.period_from == superbill.period_to == visit.date_of_service
        assert [
            (x.code, x.modifiers, x.units, "".join(x.diagnosis_pointers)) for x in superbill.lines
        ] == [(x.code, x.modifiers, x.units, x.diagnosis_pointers) for x in frozen]
        assert [x.charge for x in superbill.lines] == [x.charge for x in frozen]
        assert superbill.total_charges == sum((x.charge or Decimal(0) for x in frozen), Decimal(0))
        (shown,) = superbill.visits
        assert shown.total_timed_minutes == bill.total_timed_minutes
        assert shown.total_treatment_minutes == bill.total_treatment_minutes
        assert shown.place_of_service == visit.place_of_service == "11"
        assert [d.code for d in superbill.diagnoses] == [
            d.code for d in demo.records.diagnoses(patient_id)
        ]
        assert superbill.practice.npi == demo.records.practice().npi  # type: ignore[union-attr]
        # Issued on its finalize date, so a reprint keeps it (claims.md §6).
        assert visit.finalized_at is not None
        assert superbill.generated_on == visit.finalized_at.astimezone(UTC).date()


def test_the_trace_appendix_is_the_frozen_bill_trace(demo: Services) -> None:
    visit = _finalized(demo, _busiest_patient(demo))[-1]
    bill = demo.visits.bill(visit.id)
    assert bill is not None
    assert superbill_for_visit(demo, visit.id).include_trace is False
    with_trace = superbill_for_visit(demo, visit.id, include_trace=True, paper="a4")
    assert with_trace.include_trace and with_trace.paper == "a4"
    assert with_trace.visits[0].trace == bill.trace and bill.trace


def test_an_assistant_on_medicare_is_billed_under_the_supervising_pt(demo: Services) -> None:
    providers = {p.role: p for p in demo.records.providers()}
    medicare = {p.id for p in demo.records.payers() if p.medicare}
    seen = {"medicare": False, "other": False}
    for patient in demo.records.search_patients(""):
        for visit in _finalized(demo, patient.id)[-6:]:
            if visit.rendering_provider_id != providers["PTA"].id:
                continue
            printed = superbill_for_visit(demo, visit.id).providers
            if visit.payer_id in medicare:
                assert [p.npi for p in printed] == [providers["PT"].npi]
                seen["medicare"] = True
            else:  # a commercial payer or self-pay: the assistant with an NPI signs
                assert [p.npi for p in printed] == [providers["PTA"].npi]
                assert printed[0].display_name == "Sam Lee, PTA"
                seen["other"] = True
    assert seen == {"medicare": True, "other": True}


def test_a_cash_visit_shows_its_payment_and_a_zero_balance(demo: Services) -> None:
    cash = next(p for p in demo.records.search_patients("") if p.payer_id is None)
    visit = _finalized(demo, cash.id)[-1]
    paid = [p for p in demo.records.payments(cash.id) if p.visit_id == visit.id]
    superbill = superbill_for_visit(demo, visit.id)
    assert superbill.patient.payer_name == "" and paid
    assert [(p.date, p.amount) for p in superbill.payments] == [(p.paid_on, p.amount) for p in paid]
    assert superbill.balance == Decimal("0.00")


def test_an_open_visit_is_refused_with_a_clear_message(demo: Services) -> None:
    open_visit = next(v for v in demo.visits.visits_of_day(TODAY) if v.status == "open")
    with pytest.raises(InputError) as caught:
        superbill_for_visit(demo, open_visit.id)
    assert caught.value.field == "visit" and "still open" in caught.value.problem
    with pytest.raises(InputError, match="visit_id: there is no visit 999999"):
        superbill_for_visit(demo, 999_999)


# --- statements ---------------------------------------------------------------------------------


def test_a_three_month_statement_lists_every_visit_and_the_payments_received(
    demo: Services,
) -> None:
    patient_id = _busiest_patient(demo)
    start, end = QUARTER
    statement = statement_for_patient(demo, patient_id, start, end)
    visits = [v for v in _finalized(demo, patient_id) if start <= v.date_of_service <= end]
    assert len(statement.visits) == len(visits) >= 30
    assert [v.date_of_service for v in statement.visits] == sorted(
        v.date_of_service for v in visits
    )
    frozen = [line for v in visits for line in demo.visits.claim_lines(v.id)]
    assert len(statement.lines) == len(frozen)
    assert statement.total_charges == sum((x.charge or Decimal(0) for x in frozen), Decimal(0))
    assert statement.total_units == sum(x.units for x in frozen)
    received = [p for p in demo.records.payments(patient_id) if start <= p.paid_on <= end]
    assert statement.total_payments == sum((p.amount for p in received), Decimal(0))
    # the payer's contractual adjustments posted with its payments in the period
    adjusted = [
        e
        for e in demo.ledger.entries(patient_id)
        if e.category == "adjustment" and start <= e.day <= end
    ]
    assert [(a.date, a.amount) for a in statement.adjustments] == sorted(
        (e.day, -e.amount) for e in adjusted
    )
    assert statement.adjustments
    assert all(a.kind.startswith("Contractual") for a in statement.adjustments)
    taken_off = sum((a.amount for a in statement.adjustments), Decimal(0))
    assert statement.balance == statement.total_charges - statement.total_payments - taken_off
    assert (statement.kind, statement.period_from, statement.period_to) == ("statement", start, end)


def test_statement_periods_are_checked(demo: Services) -> None:
    patient_id = _busiest_patient(demo)
    with pytest.raises(InputError, match=r"^from: 06/30/2026 is after the last date 04/01/2026"):
        statement_for_patient(demo, patient_id, QUARTER[1], QUARTER[0])
    with pytest.raises(InputError, match=r"^period: patient \d+ has no finalized visits"):
        statement_for_patient(demo, patient_id, date(2020, 1, 1), date(2020, 1, 31))
    with pytest.raises(InputError, match=r"^patient_id: there is no patient 9999"):
        statement_for_patient(demo, 9999, *QUARTER)
    with pytest.raises(InputError, match=r"^to: "):
        build(demo, SuperbillRequest("statement", patient_id=patient_id, start=QUARTER[0]))


def test_build_and_pdf_from_a_request(demo: Services) -> None:
    patient_id = _busiest_patient(demo)
    request = SuperbillRequest(
        "statement", patient_id=patient_id, start=date(2026, 6, 1), end=TODAY
    )
    pdf = pdf_bytes(build(demo, request))
    assert pdf.startswith(b"%PDF-") and pdf == pdf_bytes(build(demo, request))  # deterministic


# --- a small clinic: the edges --------------------------------------------------------------------


def _fees(clinic: Clinic, tmp_path: Path, amount: str) -> None:
    csv = tmp_path / f"fees-{amount}.csv"
    csv.write_text(f"code,amount\n97110,{amount}\n97140,60.00\n", encoding="utf-8")
    clinic.services.records.import_fees(csv, charges=True)


def _patient(clinic: Clinic) -> int:
    """A Medicare patient with a member id (the fixture's own has none) and two diagnoses."""
    patient, _ = clinic.services.records.add_patient(
        "Okafor",
        "Marisol",
        date(1958, 6, 14),
        payer_id=clinic.medicare_id,
        member_id="1EG4TE5MK72",
        address="88 Alder Street, Beaverton, OR 97005",
        diagnoses=["M54.50", "M62.81"],
    )
    clinic.patient_id = patient.id
    return patient.id


def _finalized_visit(
    clinic: Clinic, minutes: float, *, code: str = "97110", provider_id: int | None = None
) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, rendering_provider_id=provider_id).visit_id
    role = "PTA" if provider_id == clinic.pta_id else "PT"
    visits.start_timer(visit, code, role)
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, role)
    visits.finalize(visit)
    return visit


def _set_up_practice(clinic: Clinic, npi: str = "1234567893") -> None:
    clinic.services.records.save_practice(
        "Harbor PT", "9 Quay Street\nSpringfield, IL 62701", "(217) 555-0100", npi, "12-3456789"
    )


def test_missing_practice_or_patient_data_names_the_field(clinic: Clinic, tmp_path: Path) -> None:
    _fees(clinic, tmp_path, "65.00")
    without_member_id = _finalized_visit(clinic, 20)
    _patient(clinic)
    visit = _finalized_visit(clinic, 20)
    with pytest.raises(InputError, match=r"^practice: not set up"):
        superbill_for_visit(clinic.services, visit)
    _set_up_practice(clinic, npi="")
    with pytest.raises(InputError, match=r"^practice\.npi: required for the superbill$"):
        superbill_for_visit(clinic.services, visit)
    _set_up_practice(clinic)
    superbill = superbill_for_visit(clinic.services, visit)
    assert superbill.practice.address_lines == ("9 Quay Street", "Springfield, IL 62701")
    assert superbill.patient.address_lines == ("88 Alder Street", "Beaverton, OR 97005")
    assert [(d.pointer, d.code) for d in superbill.diagnoses] == [("A", "M54.50"), ("B", "M62.81")]
    assert superbill.lines[0].diagnosis_pointers == ("A", "B")
    with pytest.raises(InputError, match=r"^patient\.member_id: required when the payer is"):
        superbill_for_visit(clinic.services, without_member_id)


def test_an_assistant_without_an_npi_is_billed_under_the_supervising_pt(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    visit = _finalized_visit(clinic, 25, provider_id=clinic.pta_id)
    superbill = superbill_for_visit(clinic.services, visit)
    assert [(p.name, p.npi) for p in superbill.providers] == [("Dana Reyes", VALID_NPI)]
    assert superbill.lines[0].modifiers[:2] == ("GP", "CQ")


def test_a_void_visit_is_not_billed(clinic: Clinic, tmp_path: Path) -> None:
    _set_up_practice(clinic)
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, codes=["97110"]).visit_id
    visits.void_visit(visit, "opened for the wrong patient")
    with pytest.raises(InputError, match=r"^visit: visit \d+ is void: it is not billed$"):
        superbill_for_visit(clinic.services, visit)


def test_the_charge_frozen_at_finalize_wins_over_a_later_fee_list(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    first = _finalized_visit(clinic, 23)  # 2 units
    _fees(clinic, tmp_path, "80.00")
    clinic.clock.advance(days=1)
    second = _finalized_visit(clinic, 10)  # 1 unit at the new fee
    assert [x.charge for x in superbill_for_visit(clinic.services, first).lines] == [
        Decimal("130.00")
    ]
    day_one = clinic.services.visits.visit(first).date_of_service
    statement = statement_for_patient(
        clinic.services, clinic.patient_id, day_one, day_one + timedelta(days=1)
    )
    assert [x.charge for x in statement.lines] == [Decimal("130.00"), Decimal("80.00")]
    assert statement.total_charges == Decimal("210.00")
    assert second in {v.id for v in clinic.services.visits.visits_of_patient(clinic.patient_id)}


def test_a_pooled_same_day_visit_prints_the_days_bill_once(clinic: Clinic, tmp_path: Path) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    morning = _finalized_visit(clinic, 10)
    clinic.clock.advance(hours=3)
    afternoon = _finalized_visit(clinic, 13)
    for visit in (morning, afternoon):
        superbill = superbill_for_visit(clinic.services, visit)
        assert [(x.code, x.units) for x in superbill.lines] == [("97110", 2)]  # 23 minutes
        assert superbill.visits[0].total_timed_minutes == 23
    day = clinic.services.visits.visit(morning).date_of_service
    statement = statement_for_patient(clinic.services, clinic.patient_id, day, day)
    assert len(statement.visits) == 1 and statement.total_charges == Decimal("130.00")


def test_the_audit_anchor_is_the_head_as_of_the_finalize_and_a_reprint_keeps_it(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    visit = _finalized_visit(clinic, 23)
    head = [e for e in clinic.services.audit_entries() if e.action == "visit_finalized"][-1]
    printed = f"Audit anchor: entry {head.id}, {head.id} entries, hash {head.hash}"
    assert superbill_for_visit(clinic.services, visit).audit_anchor == printed
    clinic.clock.advance(days=1)
    _finalized_visit(clinic, 10)  # the log grows
    assert superbill_for_visit(clinic.services, visit).audit_anchor == printed  # a reprint
    now = clinic.services.audit_entries()[-1]
    day = clinic.services.visits.visit(visit).date_of_service
    statement = statement_for_patient(clinic.services, clinic.patient_id, day, day)
    assert (
        statement.audit_anchor == f"Audit anchor: entry {now.id}, {now.id} entries, hash {now.hash}"
    )


def test_a_finalized_visit_with_nothing_billable_says_so(clinic: Clinic, tmp_path: Path) -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    visit = _finalized_visit(clinic, 5)  # 5 minutes alone: no unit
    with pytest.raises(InputError, match=r"^visit: visit \d+ has no claim lines to bill$"):
        superbill_for_visit(clinic.services, visit)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "120 River Road, Suite 4, Springfield, IL 62701",
            ("120 River Road, Suite 4", "Springfield, IL 62701"),
        ),
        ("178 Oak Street, Springfield, IL 62704", ("178 Oak Street", "Springfield, IL 62704")),
        ("9 Quay Street\n\nSpringfield, IL 62701\n", ("9 Quay Street", "Springfield, IL 62701")),
        ("PO Box 12", ("PO Box 12",)),
        ("", ()),
    ],
)
def test_split_address(text: str, lines: tuple[str, ...]) -> None:
    assert split_address(text) == lines


def test_diagnoses_carry_their_icd10_descriptions(demo: Services) -> None:
    from chargeclock.services.validation import check_icd10

    patient_id = _busiest_patient(demo)
    visit = _finalized(demo, patient_id)[-1]
    superbill = superbill_for_visit(demo, visit.id)
    assert superbill.diagnoses
    for diagnosis in superbill.diagnoses:
        assert diagnosis.description == check_icd10(diagnosis.code, "code").description != ""
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO(pdf_bytes(superbill))).pages[0].extract_text()
    assert superbill.diagnoses[0].description.split(",")[0] in " ".join(page.split())


def test_a_diagnosis_saved_before_descriptions_were_kept_prints_the_code_sets_text(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Databases from before migration 0005 hold diagnoses with an empty description; the code
    set fills them once it is in memory (the window never waits for it to load)."""
    from chargeclock.services import diagnosis_codes
    from chargeclock.services.validation import check_icd10

    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    _patient(clinic)
    conn = clinic.services.db
    with conn.transaction():
        conn.execute(
            "UPDATE diagnoses SET description = '' WHERE patient_id = ?", (clinic.patient_id,)
        )
    monkeypatch.setattr(diagnosis_codes, "_index", None)  # not loaded yet: not waited for
    visit = _finalized_visit(clinic, 20)  # not frozen without the descriptions
    superbill = superbill_for_visit(clinic.services, visit)
    assert [(d.code, d.description) for d in superbill.diagnoses] == [
        ("M54.50", ""),
        ("M62.81", ""),
    ]
    monkeypatch.undo()
    diagnosis_codes.load_index()
    superbill = superbill_for_visit(clinic.services, visit)
    assert [(d.code, d.description) for d in superbill.diagnoses] == [
        ("M54.50", check_icd10("M54.50", "code").description),
        ("M62.81", check_icd10("M62.81", "code").description),
    ]
    assert all(d.description for d in superbill.diagnoses)
