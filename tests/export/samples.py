"""Realistic superbills built by running the billing engine on a clinic's minutes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chargeclock.domain.calculation import calculate
from chargeclock.domain.superbill import build_superbill
from chargeclock.domain.superbill_model import (
    FinalizedVisit,
    Patient,
    Payment,
    Practice,
    Provider,
    Superbill,
    code_labels,
)
from chargeclock.domain.visit_types import ServiceMinutes, VisitInput
from chargeclock.resources import rule_book

PRACTICE = Practice(
    name="Riverside Physical Therapy",
    address_lines=("1420 Harbor View Road, Suite 210", "Portland, OR 97205"),
    phone="(503) 555-0142",
    npi="1982736450",
    tax_id="93-1234567",
)
PROVIDER = Provider(name="Dana Whitfield", credentials="PT, DPT", npi="1234567893")
PATIENT = Patient(
    name="Marisol Okafor",
    date_of_birth=date(1958, 6, 14),
    address_lines=("88 Alder Street", "Beaverton, OR 97005"),
    payer_name="Medicare Part B",
    member_id="1EG4TE5MK72",
)
DIAGNOSES = (
    ("M54.50", "Low back pain, unspecified"),
    ("M62.81", "Muscle weakness (generalized)"),
    ("R26.89", "Other abnormalities of gait and mobility"),
)
# The clinic's own charge per unit of each code.
FEES = {
    "97110": Decimal("95.00"),
    "97112": Decimal("98.00"),
    "97116": Decimal("90.00"),
    "97140": Decimal("92.50"),
    "97530": Decimal("105.00"),
    "97535": Decimal("90.00"),
    "97161": Decimal("180.00"),
    "97162": Decimal("195.00"),
    "97010": Decimal("25.00"),
    "G0283": Decimal("35.00"),
}
VISIT_DAY = date(2026, 11, 24)
GENERATED_ON = date(2026, 11, 27)
STATEMENT_FROM = date(2026, 8, 1)
STATEMENT_TO = date(2026, 10, 31)
PRIOR_ALLOWED = Decimal("1650.00")  # therapy already used this year elsewhere


def labels() -> dict[str, str]:
    return code_labels(rule_book().all_codes())


def visit_minutes() -> tuple[ServiceMinutes, ...]:
    return (
        ServiceMinutes("97110", pt_minutes=38),
        ServiceMinutes("97140", pt_minutes=15),
        ServiceMinutes("97530", pta_minutes=12),
        ServiceMinutes("97010", pt_minutes=10),
    )


def visit_superbill(**overrides: Any) -> Superbill:
    result = calculate(VisitInput(VISIT_DAY, services=visit_minutes()), rule_book())
    arguments: dict[str, Any] = {
        "practice": PRACTICE,
        "provider": PROVIDER,
        "patient": PATIENT,
        "diagnoses": DIAGNOSES,
        "visits": [FinalizedVisit.from_result(VISIT_DAY, result)],
        "fees": FEES,
        "labels": labels(),
        "payments": [Payment(VISIT_DAY, Decimal("40.00"), "Card")],
        "generated_on": GENERATED_ON,
    }
    arguments.update(overrides)
    return build_superbill(**arguments)


def statement_days() -> list[date]:
    """Mondays, Wednesdays and Fridays from 3 August 2026: 36 visits."""
    days: list[date] = []
    current = date(2026, 8, 3)
    while len(days) < 36:
        if current.weekday() in (0, 2, 4):
            days.append(current)
        current += timedelta(days=1)
    return days


def statement_minutes(index: int) -> tuple[ServiceMinutes, ...]:
    """Varied, plausible minutes: an evaluation first, assistant time most weeks."""
    if index == 0:
        return (
            ServiceMinutes("97161", pt_minutes=35),
            ServiceMinutes("97110", pt_minutes=14),
            ServiceMinutes("97010", pt_minutes=10),
        )
    services = [
        ServiceMinutes("97110", pt_minutes=15 + (index * 7) % 16, pta_minutes=(index % 3) * 4),
        ServiceMinutes("97140", pt_minutes=8 + (index * 5) % 10),
        ServiceMinutes("97530", pt_minutes=(index * 3) % 9, pta_minutes=8 + (index * 11) % 12),
    ]
    if index % 4 == 1:
        services.append(ServiceMinutes("97116", pt_minutes=9 + index % 7))
    if index % 5 == 2:
        services.append(ServiceMinutes("97112", pt_minutes=10 + index % 6))
    if index % 2 == 0:
        services.append(ServiceMinutes("97010", pt_minutes=10))
    return tuple(services)


def statement_visits() -> list[FinalizedVisit]:
    ytd = PRIOR_ALLOWED
    visits = []
    for index, day in enumerate(statement_days()):
        result = calculate(
            VisitInput(day, services=statement_minutes(index), ytd_allowed={"pt_slp": ytd}),
            rule_book(),
        )
        ytd += result.allowed_total
        visits.append(FinalizedVisit.from_result(day, result))
    return visits


STATEMENT_PAYMENTS = (
    Payment(date(2026, 8, 31), Decimal("600.00"), "Check"),
    Payment(date(2026, 9, 30), Decimal("650.00"), "Card"),
    Payment(date(2026, 10, 30), Decimal("425.50"), "Card"),
)


def statement_superbill(**overrides: Any) -> Superbill:
    arguments: dict[str, Any] = {
        "practice": PRACTICE,
        "provider": PROVIDER,
        "patient": PATIENT,
        "diagnoses": DIAGNOSES,
        "visits": statement_visits(),
        "fees": FEES,
        "labels": labels(),
        "payments": STATEMENT_PAYMENTS,
        "generated_on": GENERATED_ON,
        "kind": "statement",
        "period": (STATEMENT_FROM, STATEMENT_TO),
    }
    arguments.update(overrides)
    return build_superbill(**arguments)
