"""claims.md §6: a Medicare superbill says "Assignment accepted" when the practice accepts
Medicare assignment; frozen with the claim, so a reprint is the same bytes after the setting
changes, and no other payer's superbill says it."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from chargeclock.services.superbill import pdf_bytes, superbill_for_visit
from tests.services.conftest import Clinic
from tests.services.test_frozen_claims import _set_up, _visit

PRACTICE = ("Harbor PT", "9 Quay Street\nSpringfield, IL 62701", "(217) 555-0100", "1234567893")


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def _accepts(clinic: Clinic, on: bool) -> None:
    clinic.services.records.save_practice(*PRACTICE, "12-3456789", accepts_assignment=on)


def test_a_medicare_superbill_says_assignment_accepted_frozen_with_the_claim(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    assert not services.records.accepts_assignment()
    before = _visit(clinic, ("97110", 15))
    services.visits.finalize(before)
    assert "Assignment accepted" not in _text(pdf_bytes(superbill_for_visit(services, before)))

    _accepts(clinic, True)
    assert services.records.accepts_assignment()
    clinic.clock.advance(days=1)
    visit = _visit(clinic, ("97110", 15))
    services.visits.finalize(visit)
    first = pdf_bytes(superbill_for_visit(services, visit))
    assert "Assignment accepted" in _text(first)
    # The bill finalized before the setting keeps what it said too.
    assert "Assignment accepted" not in _text(pdf_bytes(superbill_for_visit(services, before)))

    _accepts(clinic, False)
    assert not services.records.accepts_assignment()
    assert pdf_bytes(superbill_for_visit(services, visit)) == first
    entries = [e for e in services.audit_entries("settings") if e.action == "setting_changed"]
    assert [e.details["accepts_assignment"] for e in entries] == [True, False]


def test_only_medicare_superbills_say_it(clinic: Clinic, tmp_path: Path) -> None:
    _set_up(clinic, tmp_path)
    _accepts(clinic, True)
    services = clinic.services
    cash, _ = services.records.add_patient(
        "Cash", "Carl", date(1951, 5, 6), diagnoses=["M17.11"], address="1 Elm St, Salem, OR"
    )
    clinic.patient_id = cash.id
    visit = _visit(clinic, ("97110", 15))
    services.visits.finalize(visit)
    text = _text(pdf_bytes(superbill_for_visit(services, visit)))
    assert "97110" in text and "Assignment accepted" not in text
