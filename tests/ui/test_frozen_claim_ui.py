"""The frozen claim through the window: History shows the total its superbill prints; the
superbill preview offers the earlier versions of a corrected bill and prints each as frozen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.services import visit_finalize
from chargeclock.services.superbill import pdf_bytes, superbill_for_visit
from chargeclock.ui.history_dialog import HistoryDialog
from chargeclock.ui.superbill_dialog import SuperbillDialog
from tests.ui.records_fixtures import NPI, Clinic, clinic, icd10_loaded

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


def _visit(clinic: Clinic, *codes: str) -> int:
    services = clinic.services
    services.records.save_practice(
        "Riverside Physical Therapy",
        "1 Main St\nSpringfield, IL 62701",
        "555-555-0100",
        NPI,
        "12-3456789",
    )
    visits = services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    for code in codes:
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=15)
    visits.stop_all(visit)
    return visit


def test_history_shows_what_the_superbill_prints(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = clinic.services
    services.records.save_fees(2026, charges={"97110": "45.00"})  # none for 97140 yet
    visit = _visit(clinic, "97110", "97140")
    # Finalize refuses a line without a charge now; a database finalized before it did not.
    monkeypatch.setattr(visit_finalize, "check_settled", lambda items, overrides: {})
    services.visits.finalize(visit)
    monkeypatch.undo()
    services.records.save_fees(2026, charges={"97110": "45.00", "97140": "15.00"})
    dialog = HistoryDialog(services, clinic.patient_id)
    qtbot.addWidget(dialog)
    superbill = superbill_for_visit(services, visit)
    assert superbill.total_charges == Decimal("45.00")
    assert dialog.visit_model.text(0, 5) == "$45.00"
    assert dialog.balance.text().startswith("Charges $45.00")


def test_the_preview_offers_and_prints_an_earlier_version(qtbot: QtBot, clinic: Clinic) -> None:
    services = clinic.services
    services.records.save_fees(2026, charges={"97110": "45.00", "97140": "60.00"})
    visit = _visit(clinic, "97110")
    services.visits.finalize(visit)
    first = pdf_bytes(superbill_for_visit(services, visit))
    dialog = SuperbillDialog(services, visit)
    qtbot.addWidget(dialog)
    assert dialog.version_box.isHidden() and dialog.pdf == first

    services.visits.reopen_for_correction(visit, "wrong code")
    now = clinic.clock.now()
    services.visits.add_segment(
        visit,
        "97140",
        "PT",
        started_at=now - timedelta(minutes=30),
        stopped_at=now - timedelta(minutes=15),
        reason="from the notes",
    )
    services.visits.finalize(visit)
    dialog = SuperbillDialog(services, visit)
    qtbot.addWidget(dialog)
    assert not dialog.version_box.isHidden()
    items = [dialog.version_box.itemText(i) for i in range(dialog.version_box.count())]
    assert items == ["Current", "Version 2 (corrected: wrong code)", "Version 1"]
    assert dialog.superbill is not None and dialog.superbill.version == 2
    with qtbot.waitSignal(dialog.preview_changed):
        dialog.choose_version(1)
    assert dialog.superbill is not None and dialog.superbill.version == 1
    assert dialog.pdf == first
