"""An idle countdown that outlives its window's database locks nothing and raises nothing (it
read the closed database for the running timers to show)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from tests.services.conftest import START

pytestmark = pytest.mark.gui


def test_the_idle_lock_of_a_window_whose_database_is_closed_does_nothing(
    tmp_path: Path, qtbot: QtBot
) -> None:
    services = Services.open(tmp_path / "clinic.sqlite3", FakeClock(START), zone=UTC)
    window, lock = build_window(services, FakeClock(START))
    qtbot.addWidget(window)
    window.ticker.stop()
    window.close()
    services.close()
    lock.idle_timer.timeout.emit()  # the countdown ends after the window and its database
    assert not lock.locked
