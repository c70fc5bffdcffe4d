"""A timer tapped from another process (``chargeclock timer``, a foot switch) shows in the open
window within a second: the window notices the commit and publishes one ``store_changed``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.services.changes import Changes
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock
from tests.ui.records_fixtures import PIN, Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

pytestmark = pytest.mark.gui


def _timer(clinic: Clinic, *args: str) -> subprocess.CompletedProcess[str]:
    assert clinic.services.db.path is not None
    return subprocess.run(
        [sys.executable, "-m", "chargeclock.cli", "timer", *args, "--db",
         str(clinic.services.db.path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def visit(window: MainWindow, clinic: Clinic) -> int:
    window.start_visit(clinic.patient_id)
    return window.visit_id


def test_a_timer_started_by_another_process_shows_running_within_a_second(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, visit: int
) -> None:
    seen: list[Changes] = []
    window.runner.store_changed.connect(seen.append)
    done = _timer(clinic, "start", "97110", "--role", "PT", "--visit", str(visit))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"visit {visit}: started 97110 PT")

    def running() -> bool:
        state = window.state
        return state is not None and state.running == (("97110", "PT"),)

    qtbot.waitUntil(running, timeout=1000)
    assert any(c.visit(visit) for c in seen)
    row = window.rows.row_of("97110")
    assert window.rows.row_at(row).state is not None
    assert window.rows.row_at(row).state.is_running("PT")  # type: ignore[union-attr]
    # And the stop from outside, audited as the command's, shows the same way.
    assert _timer(clinic, "toggle", "97110", "--role", "PT", "--visit", str(visit)).returncode == 0
    qtbot.waitUntil(lambda: window.state is not None and window.state.running == (), timeout=1000)
    actors = [e.actor for e in clinic.services.audit_entries("visit", visit)]
    assert actors[-2:] == ["timer command", "timer command"]


def test_the_lock_screen_follows_a_timer_started_from_outside(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, visit: int
) -> None:
    lock = PrivacyLock(window, clinic.services)
    lock.lock()
    assert lock.screen.clock_texts() == []
    assert _timer(clinic, "start", "97112", "--role", "PTA", "--visit", str(visit)).returncode == 0
    qtbot.waitUntil(lambda: len(lock.screen.clock_texts()) == 1, timeout=1000)
    assert lock.screen.clock_texts()[0].startswith("MQ · 97112 · PTA")
    assert lock.unlock(clinic.user_id, PIN)


def test_the_window_keeps_its_lock_while_the_command_writes_beside_it(
    window: MainWindow, clinic: Clinic, visit: int
) -> None:
    """The command is no second window: it writes beside this one, and a second window on the
    same file is still refused."""
    from chargeclock.services.session import Services
    from chargeclock.storage.errors import DatabaseInUseError

    assert _timer(clinic, "start", "97110", "--role", "PT", "--visit", str(visit)).returncode == 0
    assert clinic.services.db.path is not None
    with pytest.raises(DatabaseInUseError, match="already open in another ChargeClock"):
        Services.open(clinic.services.db.path, clinic.clock)
