"""Line modifiers through the window (claims.md §2–3): the code-pair warning shows its CARC and
offers 59/XE/XP/XS/XU on the column-2 code in one tap; a typed 52 is refused with the reason;
KX is confirmed once a year; the finalized lines carry the chosen modifiers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.test_visit_screen import click_cell as click
from tests.ui.test_visit_screen import (
    clock,
    db_path,
    services,
    start_visit_by_clicks,
    window,
)

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def two_codes(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    start_visit_by_clicks(qtbot, window)
    click(qtbot, window, "97140", CodeRowsModel.PT)
    clock.advance(minutes=15)
    window.add_code.setText("97530")
    qtbot.keyClick(window.add_code, Qt.Key.Key_Return)
    click(qtbot, window, "97530", CodeRowsModel.PT)  # stops 97140, starts 97530
    clock.advance(minutes=15)
    click(qtbot, window, "97530", CodeRowsModel.PT)
    window.tick()


def _fifteen_minutes_of_97110(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    start_visit_by_clicks(qtbot, window)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=15)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    window.tick()


def test_the_pair_warning_offers_the_distinct_modifier_in_one_tap(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    two_codes(qtbot, window, clock)
    panel = window.visits.panel
    assert "<b>CO-236</b> 97140 with 97530" in panel.warnings.text()
    actions = panel.claim_actions
    row, label, buttons = actions.pair_rows[0]
    assert row.isVisibleTo(panel) and "97530 with 97140" in label.text()
    window.services.records.save_fees(2026, charges={"97530": "95.00"})
    qtbot.mouseClick(buttons["XU"], Qt.MouseButton.LeftButton)
    state = window.state
    assert state is not None and state.claim.line_modifiers == {"97530": ("XU",)}
    assert "CO-236" not in panel.warnings.text() and not row.isVisibleTo(panel)
    window.finalize()
    lines = window.services.visits.claim_lines(window.visit_id)
    assert [(ln.code, ln.modifiers) for ln in lines] == [
        ("97140", ("GP",)),
        ("97530", ("XU", "GP")),
    ]
    shown = [str(window.lines.data(window.lines.index(1, c))) for c in range(5)]
    assert "XU GP" in shown  # the frozen line in the window


def test_a_typed_52_is_refused_with_the_reason(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_visit_by_clicks(qtbot, window)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=10)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    shown: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("52", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    window.table.selectRow(window.rows.row_of("97110"))
    qtbot.mouseClick(window.visits.modifiers_button, Qt.MouseButton.LeftButton)
    assert shown and "shortened timed service is billed by its minutes" in shown[0]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ga", True))
    qtbot.mouseClick(window.visits.modifiers_button, Qt.MouseButton.LeftButton)
    assert window.state is not None and window.state.claim.line_modifiers == {"97110": ("GA",)}


def test_kx_is_confirmed_once_by_the_clinician(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    patient = services.records.search_patients("Doe")[0].id
    services.records.set_prior_spend(patient, 2026, "2600.00")
    _fifteen_minutes_of_97110(qtbot, window, clock)
    panel = window.visits.panel
    assert "<b>CO-50</b>" in panel.warnings.text()
    assert panel.claim_actions.kx_button.isVisibleTo(panel)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.claim_actions.kx_button, Qt.MouseButton.LeftButton)
    window.tick()
    assert "CO-50" not in panel.warnings.text()
    assert not panel.claim_actions.kx_button.isVisibleTo(panel)
    [entry] = [e for e in services.audit_entries() if e.action == "kx_confirmed"]
    assert entry.details["confirmed_by"] == "Dana Reyes" and entry.details["year"] == 2026


def test_an_abn_recorded_on_the_panel_puts_ga_in_place_of_kx(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    services.records.set_prior_spend(services.records.search_patients("Doe")[0].id, 2026, "2600")
    _fifteen_minutes_of_97110(qtbot, window, clock)
    panel = window.visits.panel
    assert panel.claim_actions.abn_button.isVisibleTo(panel)  # a Medicare Part B visit
    assert [ln.modifiers for ln in services.live_result(window.state).claim_lines] == [("GP", "KX")]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("97110", True))
    qtbot.mouseClick(panel.claim_actions.abn_button, Qt.MouseButton.LeftButton)
    state = window.state
    assert state is not None and state.claim.abn_on_file
    assert [ln.modifiers for ln in services.live_result(state).claim_lines] == [("GP", "GA")]
    assert "CO-50" not in panel.warnings.text()  # no KX, so nothing to confirm
    [entry] = [e for e in services.audit_entries() if e.action == "abn_recorded"]
    assert entry.details["codes"] == ["97110"] and entry.details["signed_on"] == "2026-03-02"
