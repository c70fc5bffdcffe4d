"""Where the keys go when the window opens: to the patient search, so that typing a name finds
the patient; the Today list (first in the window's order) is reached with Tab or a click."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services

pytestmark = pytest.mark.gui


def test_the_first_keys_go_to_the_patient_search(qtbot: QtBot, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    services = Services.open(tmp_path / "clinic.sqlite3", clock)
    patient, _ = services.records.add_patient("Roe", "Ann", date(1950, 1, 2))
    services.visits.open_visit(patient.id)  # a row in the Today list
    window, lock = build_window(services, clock, panels_behind_lock=True)
    qtbot.addWidget(window)
    assert not lock.locked  # nobody has a PIN
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.has_painted)
    qtbot.waitActive(window)
    assert QApplication.focusWidget() is window.patients.search
    assert window.patients.today_model.rowCount() == 1
    assert not window.patients.today_list.hasFocus()
    qtbot.keyClicks(window.patients.search, "Roe")
    assert window.patients.patient_model.rowCount() == 1
    window.ticker.stop()
    services.close()
