"""Putting a mis-tap right on the visit screen: Ctrl+Z takes back the last timer tap; the
Segments… timeline moves, splits, deletes and adds segments with a reason, the units following
at once; every change audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.records_ui import RecordsUi
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import ui, window

__all__ = ["clinic", "icd10_loaded", "ui", "window"]

import os
from pathlib import Path

shot_dir = Path(os.environ["SHOT_DIR"]) if os.environ.get("SHOT_DIR") else None

pytestmark = pytest.mark.gui


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def warn(_parent: object, _title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        said.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warn)
    return said


def _press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, key, Qt.KeyboardModifier.ControlModifier)


def test_every_shortcut_of_the_window_is_its_own(window: MainWindow, ui: RecordsUi) -> None:
    """Two actions on one key would both stay silent (Qt calls it ambiguous)."""
    from chargeclock.ui import superbill_ui

    superbill_ui.install(window, ui.services)
    keys = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert "Ctrl+Z" in keys and "Ctrl+T" in keys
    assert sorted(keys) == sorted(set(keys))


def test_ctrl_z_takes_back_a_tap_on_the_wrong_row(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic, refusals: list[str]
) -> None:
    window.start_visit(clinic.patient_id)
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=10)
    window.visits.toggle_timer("97140", "PT")  # meant 97112
    assert window.state is not None and window.state.running == (("97140", "PT"),)
    _press(qtbot, window, Qt.Key.Key_Z)
    assert window.state.running == (("97110", "PT"),)
    row = window.rows.row_at(window.rows.row_of("97140"))
    assert row.seconds("PT", clinic.clock.now()) == 0
    entries = clinic.services.audit_entries("visit", window.visit_id)
    assert entries[-1].action == "timer_tap_undone"
    # A second Ctrl+Z: nothing more to undo, said, nothing changed.
    _press(qtbot, window, Qt.Key.Key_Z)
    assert len(refusals) == 1 and refusals[0].startswith("Nothing was undone: ")
    assert window.state.running == (("97110", "PT"),)


def test_the_timeline_moves_splits_deletes_and_adds_with_units_updating(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic, refusals: list[str]
) -> None:
    clock = clinic.clock
    window.start_visit(clinic.patient_id)
    window.visits.toggle_timer("97110", "PT")
    clock.advance(minutes=20)
    window.visits.toggle_timer("97110", "PT")
    window.table.selectRow(window.rows.row_of("97110"))
    _press(qtbot, window, Qt.Key.Key_T)
    timeline = window.edits.timeline
    assert timeline is not None and timeline.isVisible()
    qtbot.addWidget(timeline)
    assert timeline.code == "97110" and timeline.table.rowCount() == 1
    assert "PT 20:00" in timeline.units_text() and "· 1 unit" in timeline.units_text()
    (span,) = timeline.spans
    assert span.stopped_at is not None

    # Started 5 minutes earlier than tapped: 25 minutes, 2 units, at once.
    timeline.set_times(span.started_at - timedelta(minutes=5), span.stopped_at)
    timeline.save_times()
    assert refusals and refusals[-1].startswith("The times were NOT changed: reason")
    timeline.reason.setText("started before the tap")
    timeline.save_times()
    assert "PT 25:00" in timeline.units_text() and "2 units" in timeline.units_text()
    assert timeline.reason.text() == ""  # ready for the next change

    timeline.split_at.setDateTime(timeline.start.dateTime().addSecs(10 * 60))
    timeline.reason.setText("two exercises")
    timeline.split()
    assert timeline.table.rowCount() == 2 and "PT 25:00" in timeline.units_text()

    timeline.select(timeline.spans[1].segment_id)
    timeline.reason.setText("second part was 97112")
    timeline.delete()
    assert timeline.table.rowCount() == 1 and "PT 10:00" in timeline.units_text()
    assert "· 1 unit" in timeline.units_text()

    timeline.role.setCurrentText("PTA")
    now = clock.now()
    timeline.set_times(now - timedelta(minutes=9), now - timedelta(minutes=1))
    timeline.reason.setText("forgot to start the assistant's timer")
    timeline.add()
    assert [s.role for s in timeline.spans] == ["PT", "PTA"]
    assert "PTA 08:00" in timeline.units_text()
    # The visit screen shows the same minutes.
    row = window.rows.row_at(window.rows.row_of("97110"))
    assert row.seconds("PTA", clock.now()) == 8 * 60
    reasons = {
        e.action: e.reason
        for e in clinic.services.audit_entries()
        if e.action.startswith("segment_")
    }
    assert reasons == {
        "segment_edited": "started before the tap",
        "segment_split": "two exercises",
        "segment_deleted": "second part was 97112",
        "segment_added": "forgot to start the assistant's timer",
    }
    timeline.grab().save(str(shot_dir / "timeline.png")) if shot_dir else None
    timeline.close()
