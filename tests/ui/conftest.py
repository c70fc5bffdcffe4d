"""GUI tests never block on a modal question when a window closes at teardown, and a closed
window's idle lock never fires after its test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock


@pytest.fixture(autouse=True)
def _keep_timers_when_a_window_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing with timers running asks "stop / keep / cancel"; at teardown: keep. The tests
    of that question set their own answer on the window."""
    monkeypatch.setattr(MainWindow, "close_choice", lambda self, running: "keep")


@pytest.fixture(autouse=True)
def _no_idle_lock_after_the_test() -> Iterator[None]:
    """A test's window outlives the test (and its closed database) until Qt deletes it; its
    idle lock (5 real minutes) must not fire then and read the closed database, which a slow
    run of the whole suite otherwise reaches, in whichever test happens to be running."""
    yield
    for widget in QApplication.topLevelWidgets():
        for lock in widget.findChildren(PrivacyLock):
            lock.set_idle_minutes(0)  # off: no input restarts it either
