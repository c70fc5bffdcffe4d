"""Two windows on one clinic server, as two workstations: each shows the other's timer taps
without a click, and says who else has the visit open. ``CHARGECLOCK_SHOT=FILE`` saves the two
windows side by side (the README's picture is made so, under Xvfb)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtGui import QPainter, QPixmap
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from tests.pg_server import Cluster
from tests.services.conftest import START, VALID_NPI, open_as_workstation

pytestmark = pytest.mark.gui

Opened = tuple[MainWindow, MainWindow, int]


@pytest.fixture
def two_windows(
    qtbot: QtBot, pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Opened]:
    url = pg_cluster.new_database()
    clock = FakeClock(START)
    opened: list[Services] = []

    def workstation(name: str) -> MainWindow:
        services = open_as_workstation(url, name, clock, monkeypatch)
        opened.append(services)
        window = MainWindow(services, clock)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(lambda: window.has_painted)
        return window

    first = workstation("room-1")
    records = first.services.records
    pt = records.add_provider("Dana Reyes", "PT", VALID_NPI, credentials="PT, DPT")
    records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    payer = records.add_payer("Medicare", medicare=True)
    patient, _ = records.add_patient("Quintero", "Maria", date(1950, 1, 2), payer_id=payer.id,
                                     diagnoses=["M17.11"])  # fmt: skip
    second = workstation("gym")
    yield first, second, patient.id
    for window in (first, second):
        window.ticker.stop()
    for services in opened:
        services.close()


def _running(window: MainWindow, code: str, role: str) -> Callable[[], bool]:
    def check() -> bool:
        state = window.state
        found = state.code(code) if state is not None else None
        return found is not None and found.is_running(role)

    return check


def test_each_window_shows_the_others_timer_without_a_click(
    qtbot: QtBot, two_windows: Opened
) -> None:
    room, gym, patient = two_windows
    room.start_visit(patient)
    visit = room.visit_id
    qtbot.waitUntil(lambda: gym.patients.today_model.rowCount() == 1, timeout=5000)
    gym.visits.open_visit(visit)  # the assistant picks the same visit in the gym
    assert gym.statusBar().currentMessage() == "This visit is open on workstation room-1"
    room.visits.toggle_timer("97110", "PT")  # tapped in the room, committed there
    qtbot.waitUntil(_running(gym, "97110", "PT"), timeout=5000)  # the figure: tests/perf
    gym.visits.add_code_text("97112")
    gym.visits.toggle_timer("97112", "PTA")
    qtbot.waitUntil(_running(room, "97112", "PTA"), timeout=5000)
    assert _running(room, "97110", "PT")() and _running(gym, "97112", "PTA")()
    shot = os.environ.get("CHARGECLOCK_SHOT")
    if shot:
        two_windows_clock(room).advance(minutes=12, seconds=34)
        for window in (room, gym):
            window.visits.tick()
            window.visits.recompute(force=True)
        left, right = room.grab(), gym.grab()
        both = QPixmap(left.width() + right.width() + 12, max(left.height(), right.height()))
        both.fill()
        painter = QPainter(both)
        painter.drawPixmap(0, 0, left)
        painter.drawPixmap(left.width() + 12, 0, right)
        painter.end()
        assert both.save(shot)


def two_windows_clock(window: MainWindow) -> FakeClock:
    clock = window.services.clock
    assert isinstance(clock, FakeClock)
    return clock
