"""The visit's place of service in the window (claims.md §2): shown beside the visit's title,
changed in two taps, the calculator's lines taking the payer's 95 or GT at once; frozen with the
claim at finalize and printed on the superbill; read-only once finalized."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.domain.payer_kinds import PayerModifiers
from chargeclock.services.superbill import pdf_bytes, superbill_for_visit
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.place_picker import PlacePicker
from chargeclock.ui.rows_model import CodeRowsModel
from tests.services.test_claim_rules import _set_medicare
from tests.ui.test_visit_screen import click_cell as click
from tests.ui.test_visit_screen import clock, db_path, services, window

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def pick_place(qtbot: QtBot, picker: PlacePicker, code: str) -> None:
    """Two taps: the drop-down, then the place in its list."""
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    view = picker.view()
    qtbot.waitUntil(view.isVisible)
    # the list takes no release for a double-click's interval after it opens (a slip of the
    # opening tap does not pick a place)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    rect = view.visualRect(picker.model().index(picker.findData(code), 0))
    assert rect.height() >= theme.TOUCH  # each place a finger's height
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def _twenty_minutes_of_97110(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    """A Medicare patient with a member id (the superbill needs one), 97110 for 20 minutes."""
    records = window.services.records
    patient, _ = records.add_patient(
        "Roe",
        "Ann",
        date(1951, 2, 3),
        payer_id=records.payers()[0].id,
        member_id="1EG4TE5MK73",
        diagnoses=["M17.11"],
    )
    window.start_visit(patient.id)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=20)
    click(qtbot, window, "97110", CodeRowsModel.PT)
    window.tick()


@pytest.mark.parametrize("modifier", ["95", "GT"])
def test_telehealth_in_the_home_from_the_window_to_the_superbill(
    window: MainWindow,
    qtbot: QtBot,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    modifier: str,
) -> None:
    _set_medicare(window.services, PayerModifiers("medicare_b", telehealth_modifier=modifier))
    _twenty_minutes_of_97110(qtbot, window, clock)
    picker = window.visits.place_picker
    # Start visit opens at the office; the place shows beside the title, editable.
    assert picker.place() == "11" and picker.currentText() == "11 Office"
    assert picker.isVisible() and picker.isEnabled()
    assert "97110 GP ×1" in window.panel.claim_lines.text()
    assert modifier not in window.panel.claim_lines.text()

    pick_place(qtbot, picker, "10")
    state = window.state
    assert state is not None and state.claim.place_of_service == "10"
    assert window.services.visits.visit(state.visit_id).place_of_service == "10"  # saved
    assert picker.currentText() == "10 Telehealth in the patient's home"
    assert f"97110 GP {modifier} ×1" in window.panel.claim_lines.text()  # recomputed at once

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.finalize_button, Qt.MouseButton.LeftButton)
    state = window.state
    assert state is not None and state.status == "finalized"
    # The finalized visit shows its place, read-only.
    assert picker.currentText() == "10 Telehealth in the patient's home"
    assert not picker.isEnabled()
    lines = window.services.visits.claim_lines(state.visit_id)
    assert [(ln.code, ln.modifiers, ln.place_of_service) for ln in lines] == [
        ("97110", ("GP", modifier), "10")
    ]
    assert window.lines.index(0, 2).data() == f"GP {modifier}"
    pdf = pdf_bytes(superbill_for_visit(window.services, state.visit_id))
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Place of service: 10" in text
    # the line: date, POS 10, the code and our label, its modifiers, pointer, units, charge
    assert re.search(rf"03/02/2026 10 97110 [A-Za-z ]+ GP {modifier} A 1 \$80\.00", text)


def test_back_to_the_office_drops_the_telehealth_modifier(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    _twenty_minutes_of_97110(qtbot, window, clock)
    picker = window.visits.place_picker
    pick_place(qtbot, picker, "02")
    assert "97110 GP 95 ×1" in window.panel.claim_lines.text()
    pick_place(qtbot, picker, "11")
    assert window.state is not None and window.state.claim.place_of_service == "11"
    assert "95" not in window.panel.claim_lines.text()
    actions = [e.action for e in window.services.audit_entries("visit", window.visit_id)]
    assert actions.count("place_of_service_set") == 2


def test_a_refused_change_is_said_and_the_place_stays(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The visit was finalized elsewhere while the window still showed it open: the pick is
    refused with the reason, nothing is saved, and the window then shows the visit finalized."""
    _twenty_minutes_of_97110(qtbot, window, clock)
    picker = window.visits.place_picker
    window.services.visits.finalize(window.visit_id)  # not through the window: not told yet
    assert picker.isEnabled()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    pick_place(qtbot, picker, "10")
    assert len(said) == 1 and "NOT changed" in said[0] and "finalized" in said[0]
    assert window.services.visits.visit(window.visit_id).place_of_service == "11"
    assert picker.place() == "11" and not picker.isEnabled()
    assert window.state is not None and window.state.status == "finalized"


def test_no_visit_shows_no_place(window: MainWindow) -> None:
    picker = window.visits.place_picker
    assert not picker.isVisibleTo(window) and not picker.isEnabled()
