"""The superbill model: charges from the clinic's fees, pointers, totals and checked inputs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import InputError
from chargeclock.domain.superbill import build_superbill
from chargeclock.domain.superbill_checks import npi_is_valid
from chargeclock.domain.superbill_model import FinalizedVisit, Payment, Provider
from chargeclock.domain.visit_types import ClaimLine, VisitInput
from chargeclock.resources import rule_book
from tests.export.samples import (
    DIAGNOSES,
    FEES,
    GENERATED_ON,
    PATIENT,
    PRACTICE,
    PROVIDER,
    STATEMENT_FROM,
    STATEMENT_TO,
    VISIT_DAY,
    labels,
    statement_superbill,
    visit_minutes,
    visit_superbill,
)


def _line(code: str, units: int = 1, *modifiers: str) -> ClaimLine:
    return ClaimLine(code, modifiers or ("GP",), units, None, assistant=False)


def _visit(day: date = VISIT_DAY, *lines: ClaimLine, **extra: Any) -> FinalizedVisit:
    return FinalizedVisit(
        date_of_service=day,
        claim_lines=lines or (_line("97110", 2),),
        total_timed_minutes=30,
        total_treatment_minutes=30,
        **extra,
    )


def _build(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "practice": PRACTICE,
        "provider": PROVIDER,
        "patient": PATIENT,
        "diagnoses": DIAGNOSES,
        "visits": [_visit()],
        "fees": FEES,
        "labels": labels(),
        "generated_on": GENERATED_ON,
    }
    arguments.update(overrides)
    return build_superbill(**arguments)


def _error(**overrides: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        _build(**overrides)
    return caught.value


# --- a realistic visit, straight from the engine --------------------------------------------


def test_visit_lines_are_the_engines_claim_lines_priced_at_the_clinics_fees() -> None:
    result = calculate(VisitInput(VISIT_DAY, services=visit_minutes()), rule_book())
    bill = visit_superbill()
    assert bill.kind == "visit"
    assert (bill.period_from, bill.period_to) == (VISIT_DAY, VISIT_DAY)
    (visit,) = bill.visits
    assert [(x.code, x.modifiers, x.units, x.expected_allowed) for x in visit.lines] == [
        (c.code, c.modifiers, c.units, c.allowed) for c in result.claim_lines
    ]
    assert [x.charge for x in visit.lines] == [FEES[c.code] * c.units for c in result.claim_lines]
    assert visit.total_timed_minutes == result.total_timed_minutes == 65
    assert visit.total_treatment_minutes == result.total_treatment_minutes == 75
    assert visit.trace == result.trace
    assert visit.provider == PROVIDER
    assert all(x.label == labels()[x.code] for x in visit.lines)
    assert all(x.place_of_service == "11" for x in visit.lines)


def test_totals_are_decimal_and_add_up() -> None:
    bill = visit_superbill()
    assert bill.total_charges == Decimal("412.50")
    assert bill.total_payments == Decimal("40.00")
    assert bill.balance == Decimal("372.50")
    for amount in (bill.total_charges, bill.total_payments, bill.balance):
        assert isinstance(amount, Decimal)
    assert bill.total_units == 5


def test_statement_lists_visits_by_date_and_sums_them() -> None:
    bill = statement_superbill()
    assert bill.kind == "statement"
    assert len(bill.visits) == 36
    days = [v.date_of_service for v in bill.visits]
    assert days == sorted(days)
    assert bill.total_charges == sum((v.total_charges for v in bill.visits), Decimal(0))
    assert bill.total_charges == sum((x.charge for x in bill.lines), Decimal(0))
    assert bill.balance == bill.total_charges - bill.total_payments


def test_statement_visits_are_sorted_even_when_given_out_of_order() -> None:
    later, earlier = _visit(date(2026, 9, 9)), _visit(date(2026, 8, 12))
    bill = _build(visits=[later, earlier], kind="statement", period=(STATEMENT_FROM, STATEMENT_TO))
    assert [v.date_of_service for v in bill.visits] == [date(2026, 8, 12), date(2026, 9, 9)]


# --- diagnoses and pointers -----------------------------------------------------------------


def test_diagnoses_get_pointers_in_order_and_lines_point_to_the_first_four() -> None:
    codes = [("M54.50", ""), ("M62.81", ""), ("R26.89", ""), ("M25.561", ""), ("Z96.651", "")]
    bill = _build(diagnoses=codes)
    assert [(d.pointer, d.code) for d in bill.diagnoses] == [
        ("A", "M54.50"),
        ("B", "M62.81"),
        ("C", "R26.89"),
        ("D", "M25.561"),
        ("E", "Z96.651"),
    ]
    assert bill.lines[0].diagnosis_pointers == ("A", "B", "C", "D")


def test_twelve_diagnoses_take_pointers_a_to_l_and_a_thirteenth_is_refused() -> None:
    codes = [(f"M{60 + n}.9", "") for n in range(12)]
    assert [d.pointer for d in _build(diagnoses=codes).diagnoses] == list("ABCDEFGHIJKL")
    error = _error(diagnoses=[*codes, ("R26.89", "")])
    assert error.field == "diagnoses"
    assert "at most 12" in str(error)


def test_icd_codes_are_normalised_and_checked() -> None:
    bill = _build(diagnoses=[("m5450", "Low back pain"), ("R26.89", "")])
    assert bill.diagnoses[0].code == "M54.50"
    assert bill.diagnoses[0].description == "Low back pain"
    error = _error(diagnoses=[("M54.50", ""), ("97110", "")])
    assert error.field == "diagnoses[1].code"
    assert "ICD-10-CM" in str(error)
    assert _error(diagnoses=[("M54.50", ""), ("m54.50", "")]).field == "diagnoses[1].code"
    assert _error(diagnoses=[]).field == "diagnoses"


def test_visit_and_line_pointers() -> None:
    visit = _visit(VISIT_DAY, _line("97110"), _line("97140"), diagnosis_pointers=("B",))
    assert [x.diagnosis_pointers for x in _build(visits=[visit]).lines] == [("B",), ("B",)]
    visit = _visit(VISIT_DAY, _line("97110"), _line("97140"), line_pointers=(("A",), ("C", "B")))
    assert [x.diagnosis_pointers for x in _build(visits=[visit]).lines] == [("A",), ("C", "B")]
    error = _error(visits=[_visit(diagnosis_pointers=("D",))])
    assert error.field == "visits[0].claim_lines[0].diagnosis_pointers"
    assert "'D' points to no diagnosis" in str(error)
    error = _error(visits=[_visit(VISIT_DAY, _line("97110"), line_pointers=(("A",), ("B",)))])
    assert error.field == "visits[0].line_pointers"


# --- missing or wrong data: an error naming the field, never a PDF with blanks --------------


@pytest.mark.parametrize(
    ("argument", "change", "field"),
    [
        ("practice", {"name": " "}, "practice.name"),
        ("practice", {"address_lines": ()}, "practice.address_lines"),
        ("practice", {"address_lines": ("", "  ")}, "practice.address_lines"),
        ("practice", {"phone": ""}, "practice.phone"),
        ("practice", {"npi": ""}, "practice.npi"),
        ("practice", {"tax_id": ""}, "practice.tax_id"),
        ("provider", {"name": ""}, "provider.name"),
        ("provider", {"npi": ""}, "provider.npi"),
        ("patient", {"name": ""}, "patient.name"),
    ],
)
def test_missing_required_data_names_the_field(
    argument: str, change: dict[str, Any], field: str
) -> None:
    original = {"practice": PRACTICE, "provider": PROVIDER, "patient": PATIENT}[argument]
    error = _error(**{argument: replace(original, **change)})  # type: ignore[type-var]
    assert error.field == field
    assert str(error) == f"{field}: required for the superbill"


def test_wrong_identifiers_are_refused() -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    error = _error(practice=replace(PRACTICE, npi="1234567890"))
    assert error.field == "practice.npi"
    assert "check digit" in str(error)
    assert _error(provider=replace(PROVIDER, npi="12345")).field == "provider.npi"
    assert _error(practice=replace(PRACTICE, tax_id="93-12345")).field == "practice.tax_id"
    error = _error(patient=replace(PATIENT, member_id=""))
    assert error.field == "patient.member_id"
    assert "Medicare Part B" in str(error)


def test_self_pay_patient_needs_no_member_id() -> None:
    bill = _build(patient=replace(PATIENT, payer_name="", member_id=""))
    assert bill.patient.payer_name == ""


def test_a_visits_own_provider_is_checked_too() -> None:
    other = Provider("Sam Ortiz", "PT", "1457392847")
    bill = _build(visits=[_visit(provider=other)])
    assert bill.visits[0].provider == other
    assert bill.providers == (other,)
    error = _error(visits=[_visit(provider=replace(other, npi="1457392840"))])
    assert error.field == "visits[0].provider.npi"


def test_lines_and_visits_are_required() -> None:
    assert _error(visits=[]).field == "visits"
    error = _error(visits=[FinalizedVisit(VISIT_DAY, (), 0, 0)])
    assert error.field == "visits[0].claim_lines"
    assert _error(visits=[_visit(VISIT_DAY, _line("97110", 0))]).field == (
        "visits[0].claim_lines[0].units"
    )


def test_every_code_needs_a_clinic_charge_and_a_label() -> None:
    fees = {k: v for k, v in FEES.items() if k != "97110"}
    error = _error(fees=fees)
    assert error.field == "fees.97110"
    assert "no clinic charge" in str(error)
    error = _error(visits=[_visit(VISIT_DAY, _line("99999"))], fees={**FEES, "99999": Decimal(1)})
    assert error.field == "visits[0].claim_lines[0].code"


def test_visit_and_statement_periods() -> None:
    assert _error(visits=[_visit(), _visit()]).field == "visits"
    assert _error(kind="statement").field == "period"
    error = _error(
        kind="statement", period=(STATEMENT_FROM, STATEMENT_TO), visits=[_visit(VISIT_DAY)]
    )
    assert error.field == "visits[0].date_of_service"
    assert str(error).endswith(
        "11/24/2026 is outside the statement period 08/01/2026 to 10/31/2026"
    )
    backwards = _error(kind="statement", period=(STATEMENT_TO, STATEMENT_FROM))
    assert str(backwards) == "period: 10/31/2026 is after the last date 08/01/2026"


def test_other_visit_fields_are_checked() -> None:
    assert _error(visits=[_visit(place_of_service="office")]).field == (
        "visits[0].place_of_service"
    )
    too_many = _line("97110", 1, "GP", "CQ", "KX", "59", "XU")
    assert _error(visits=[_visit(VISIT_DAY, too_many)]).field == (
        "visits[0].claim_lines[0].modifiers"
    )
    timed_over_total = FinalizedVisit(VISIT_DAY, (_line("97110"),), 40, 30)
    assert _error(visits=[timed_over_total]).field == "visits[0].total_timed_minutes"
    assert _error(payments=[Payment(VISIT_DAY, Decimal("0"), "Cash")]).field == (
        "payments[0].amount"
    )
    assert _error(paper="legal").field == "paper"


# --- properties ---------------------------------------------------------------------------

_CODES = ("97110", "97112", "97140", "97530", "97010")


@given(
    units=st.lists(st.integers(1, 8), min_size=1, max_size=len(_CODES)),
    fees=st.lists(
        st.decimals(min_value=0, max_value=500, places=2), min_size=len(_CODES), max_size=5
    ),
    paid=st.lists(st.decimals(min_value="0.01", max_value=2000, places=2), max_size=4),
)
def test_charges_are_fee_times_units_and_balance_is_charges_less_payments(
    units: list[int], fees: list[Decimal], paid: list[Decimal]
) -> None:
    fee_list = dict(zip(_CODES, fees, strict=True))
    lines = [_line(code, n) for code, n in zip(_CODES, units, strict=False)]
    bill = _build(
        visits=[_visit(VISIT_DAY, *lines)],
        fees=fee_list,
        payments=[Payment(VISIT_DAY, amount, "Cash") for amount in paid],
    )
    expected = sum((fee_list[x.code] * x.units for x in lines), Decimal(0))
    assert bill.total_charges == expected
    assert bill.balance == expected - sum(paid, Decimal(0))
    assert all(x.charge.as_tuple().exponent == -2 for x in bill.lines)
