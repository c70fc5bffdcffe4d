"""A patient with no payer is billed as self-pay (claims.md §1) in the window: no GP/GO/GN, no
CQ for the assistant's minutes, no KX, on the panel's lines and on the lines frozen at
finalize."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.test_visit_screen import click_cell as click
from tests.ui.test_visit_screen import clock, db_path, services, window

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def test_a_patient_with_no_payer_gets_no_gp_cq_or_kx(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    services = window.services
    cash, _ = services.records.add_patient(
        "Cash", "Carl", date(1951, 5, 6), diagnoses=["M17.11"], prior_spend="5000.00"
    )
    assert cash.payer_id is None
    qtbot.keyClicks(window.search, "Cash")
    window.patient_list.setCurrentIndex(window.patient_model.index(0))
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert window.state is not None and window.state.patient_id == cash.id
    click(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=20)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    click(qtbot, window, "97110", CodeRowsModel.PTA)
    clock.advance(minutes=10)
    click(qtbot, window, "97110", CodeRowsModel.PTA)
    window.tick()
    live = services.live_result(window.state)
    assert [(ln.code, ln.modifiers) for ln in live.claim_lines] == [("97110", ())]
    window.finalize()
    lines = services.visits.claim_lines(window.visit_id)
    assert [(ln.code, ln.modifiers, ln.units) for ln in lines] == [("97110", (), 2)]
    shown = " ".join(str(window.lines.data(window.lines.index(0, c))) for c in range(5))
    for modifier in ("GP", "CQ", "KX"):
        assert modifier not in shown
