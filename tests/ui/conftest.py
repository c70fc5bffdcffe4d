"""GUI tests never block on a modal question when a window closes at teardown."""

from __future__ import annotations

import pytest

from chargeclock.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _keep_timers_when_a_window_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing with timers running asks "stop / keep / cancel"; at teardown: keep. The tests
    of that question set their own answer on the window."""
    monkeypatch.setattr(MainWindow, "close_choice", lambda self, running: "keep")
