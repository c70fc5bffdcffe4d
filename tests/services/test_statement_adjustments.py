"""A statement lists the period's adjustments, refunds and reversals, and its balance is
charges − payments − adjustments, on the page as in the model."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from chargeclock.services.superbill import pdf_bytes, statement_for_patient, superbill_for_visit
from tests.services.conftest import Clinic
from tests.services.test_superbill_service import (
    _fees,
    _finalized_visit,
    _patient,
    _set_up_practice,
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "statement.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def test_a_statement_shows_adjustments_and_the_balance_they_leave(
    clinic: Clinic, tmp_path: Path
) -> None:
    services = clinic.services
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, "65.00")
    patient = _patient(clinic)
    visit = _finalized_visit(clinic, 23)  # 2 units: $130
    day = services.visits.visit(visit).date_of_service
    payment = services.records.record_payment(patient, "40.00", "card", paid_on=day)
    services.ledger.add_adjustment(patient, "contractual", "35.20", on=day)
    services.ledger.add_adjustment(patient, "refund", "10.00", on=day)
    services.ledger.reverse_payment(payment.id, "declined", on=day)
    clinic.clock.advance(days=40)
    services.ledger.add_adjustment(patient, "discount", "5.00")  # after the statement's period
    statement = statement_for_patient(services, patient, day, day + timedelta(days=1))
    assert [(a.kind, a.amount) for a in statement.adjustments] == [
        ("Contractual adjustment", Decimal("35.20")),
        ("Refund", Decimal("-10.00")),
        ("Reversal of payment #1", Decimal("-40.00")),
    ]
    assert statement.total_payments_reversed == Decimal("40.00")
    assert statement.balance == Decimal("130.00") - Decimal("40.00") - Decimal("-14.80")
    ledger = services.ledger.ledger(patient, as_of=day + timedelta(days=1))
    assert ledger.balance == statement.balance == Decimal("104.80")
    text = _text(pdf_bytes(statement), tmp_path)
    for words in (
        "Adjustments Date Adjustment Amount",
        "Contractual adjustment -$35.20",
        "Refund $10.00",
        "Reversal of payment #1 $40.00",
        "Payments received -$40.00 Payments reversed $40.00 Adjustments -$25.20",
        "Balance due $104.80",
    ):
        assert words in text, words
    # A visit's superbill is frozen with its claim: no adjustment on it.
    assert superbill_for_visit(services, visit).adjustments == ()
    assert "Adjustments" not in _text(pdf_bytes(superbill_for_visit(services, visit)), tmp_path)
