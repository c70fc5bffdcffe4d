"""Opening History costs no Python call per visit beyond reading it: the rows, the totals and
the "For visit" choices are made in one pass, and nothing Qt walks row by row (a combo box
sizing itself walks every choice) calls back into Python. (A decade's 1,110 visits took 17,000
calls to open, 5,700 now.)"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chargeclock.ui.history_dialog import HistoryDialog
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_history_dialog import finalized_visit

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


def _python_calls(qtbot: QtBot, qapp: QApplication, clinic: Clinic) -> int:
    """The Python calls made while History reads the patient and is laid out (sized as
    shown, without painting: the cells painted are the rows a screen holds)."""
    calls = 0

    def counted(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(counted)
    try:
        dialog = HistoryDialog(clinic.services, clinic.patient_id)
        layout = dialog.layout()
        assert layout is not None
        layout.activate()
        dialog.for_visit.minimumSizeHint()
    finally:
        sys.setprofile(None)
    qtbot.addWidget(dialog)
    assert dialog.visit_model.rowCount() == len(clinic.services.visits.history(clinic.patient_id))
    return calls


def test_a_visit_more_costs_history_almost_no_call(
    qtbot: QtBot, qapp: QApplication, clinic: Clinic
) -> None:
    for _ in range(10):
        finalized_visit(clinic)
    _python_calls(qtbot, qapp, clinic)  # what is made once (styles, imports) is made
    few = _python_calls(qtbot, qapp, clinic)
    for _ in range(20):
        finalized_visit(clinic)
    many = _python_calls(qtbot, qapp, clinic)
    assert (many - few) / 20 <= 2  # the row read from the store, not a call per cell or sum
