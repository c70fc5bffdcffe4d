"""``MainWindow.painted`` (what the start-up probe and the benchmark wait for) says the first
frame is drawn whole: a window paints itself before its children, in the same event, so it is
emitted once that event is over, the panels' rows drawn."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui import today_rows
from chargeclock.ui.known_types import viewport

pytestmark = pytest.mark.gui


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_painted_comes_once_the_today_rows_are_drawn(qtbot: QtBot, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    services = Services.open(tmp_path / "clinic.sqlite3", clock)
    patient, _ = services.records.add_patient("Roe", "Ann", date(1950, 1, 2))
    services.visits.open_visit(patient.id)
    window, _ = build_window(services, clock, panels_behind_lock=True)
    qtbot.addWidget(window)
    paints = _Paints()
    viewport(window.patients.today_list).installEventFilter(paints)
    at_painted: list[int] = []
    window.painted.connect(lambda: at_painted.append(paints.count))
    window.show()
    qtbot.waitUntil(lambda: window.has_painted and bool(at_painted))
    assert at_painted[0] >= 1  # the Today list's rows were drawn in the frame it announces
    assert window.has_settled  # and the start settled after it, not in its middle
    window.ticker.stop()
    services.close()


def test_the_today_rows_look_the_same_drawn_either_way(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before Qt's namespace is built the rows are static texts in their colours; after, texts
    drawn in pens: pixel for pixel the same (a name with "<" and "&" too, and a selected row)."""
    clock = FakeClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    services = Services.open(tmp_path / "clinic.sqlite3", clock)
    for last in ("Roe", "O'Neil <&> Sons"):
        patient, _ = services.records.add_patient(last, "Ann", date(1950, 1, 2))
        services.visits.open_visit(patient.id)
    window, _ = build_window(services, clock, panels_behind_lock=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)
    today = window.patients.today_list
    today.setCurrentIndex(today.model().index(1, 0))  # the second row selected
    images = []
    for built in (False, True):
        monkeypatch.setattr(today_rows, "_namespace_built", lambda built=built: built)
        images.append(today.grab().toImage())
    assert images[0] == images[1]
    window.ticker.stop()
    services.close()
