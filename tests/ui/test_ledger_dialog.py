"""The ledger dialog: entries with the running balance, totals and ageing; an adjustment added,
a payment reversed with a reason, a bad amount refused with nothing saved; the cost share."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from chargeclock.ui.ledger_dialog import LedgerDialog
from tests.services.conftest import dump
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_history_dialog import finalized_visit

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot: QtBot, clinic: Clinic) -> LedgerDialog:
    finalized_visit(clinic)  # 97110 ×2 at $45
    clinic.services.records.record_payment(clinic.patient_id, "30.00", "card")
    dialog = LedgerDialog(clinic.services, clinic.patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _row(dialog: LedgerDialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_entries_totals_and_ageing(dialog: LedgerDialog) -> None:
    assert _row(dialog, 0)[1:] == ["Visit #1: 97110 ×2", "$90.00", "", "$90.00"]
    assert _row(dialog, 1)[1:] == ["Patient payment (card) #1", "", "$30.00", "$60.00"]
    assert dialog.totals.text() == (
        "Charges $90.00 − payments $30.00 − adjustments $0.00 = Balance $60.00"
    )
    assert dialog.ageing.text().endswith("0–30: $60.00 · 31–60: $0.00 · 61–90: $0.00 · 90+: $0.00")
    assert dialog.check_in.text() == "No copay or coinsurance on file."


def test_an_adjustment_and_a_reversal(
    dialog: LedgerDialog, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[bool] = []
    dialog.saved.connect(lambda: saved.append(True))
    dialog.kind.setCurrentIndex(dialog.kind.findData("refund"))
    dialog.amount.setText("5.00")
    assert dialog.add_adjustment()
    assert _row(dialog, 2)[1:] == ["Refund", "", "-$5.00", "$65.00"]
    dialog.table.selectRow(1)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("card declined", True))
    dialog.reverse_selected()
    assert clinic.services.ledger.ledger(clinic.patient_id).balance == Decimal("95.00")
    assert _row(dialog, 1)[1].endswith("(reversed)")
    assert saved == [True, True]
    dialog.table.selectRow(0)
    dialog.reverse_selected()
    assert "A charge is corrected by reopening its visit" in dialog.error.text()


def test_a_bad_amount_saves_nothing_and_the_cost_share_is_shown(
    dialog: LedgerDialog, clinic: Clinic
) -> None:
    before = dump(clinic.services)
    dialog.amount.setText("twelve")
    assert not dialog.add_adjustment()
    assert "Nothing was saved: amount:" in dialog.error.text()
    assert dump(clinic.services) == before
    dialog.copay.setText("25.00")
    dialog.coinsurance.setValue(20)
    assert dialog.save_cost_share()
    assert dialog.check_in.text().startswith("At check-in: copay $25.00 and 20 % coinsurance")
