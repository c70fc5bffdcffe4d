"""Attacks on the privacy lock: 200 wrong PINs in a row, a restart in the middle of the wait, a
database that refuses the count, and the end of the session by SIGTERM."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.domain.backoff import wait_after, wait_text
from chargeclock.services.session import Services
from chargeclock.storage import heartbeat
from chargeclock.storage import staff as staff_store
from chargeclock.storage.errors import WriteFailedError
from chargeclock.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

PIN = "2468"
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
NPI = "1234567893"


def quick_hash(pin: str) -> str:
    """A PIN hash in the stored form with a small scrypt cost, so 200 checks take seconds; the
    check reads the cost from the hash and is otherwise the one the app runs."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=16, r=8, p=1, dklen=32)
    return f"scrypt$16$8$1${salt.hex()}${digest.hex()}"


def make_clinic(path: Path, clock: FakeClock) -> tuple[int, int]:
    """A clinic with one user and a visit with two timers running; returns (user, visit)."""
    services = Services.open(path, clock, zone=UTC)
    try:
        services.recovery.begin_session()
        records = services.records
        pt = records.add_provider("Dana Reyes", "PT", NPI)
        payer = records.add_payer("Medicare Part B", medicare=True)
        with services.db.transaction():
            user_id = staff_store.insert_user(
                services.db.conn,
                name="Dana Reyes",
                role="PT",
                provider_id=pt.id,
                pin_hash=quick_hash(PIN),
            )
        patient, _ = records.add_patient(
            "Quintero", "Marisol", date(1950, 1, 2), payer_id=payer.id, diagnoses=["M17.11"]
        )
        visit = services.visits.open_visit(patient.id).visit_id
        services.visits.start_timer(visit, "97110", "PT")
        services.visits.start_timer(visit, "97112", "PTA")
        return user_id, visit
    finally:
        services.close()


def running_segments(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT count(*) FROM timer_segments WHERE stopped_at IS NULL")
        return int(row.fetchone()[0])


class App:
    """The window as the app starts it, on the database at ``path``."""

    def __init__(self, qtbot: QtBot, path: Path, clock: FakeClock) -> None:
        self.services = Services.open(path, clock, zone=UTC)
        self.services.recovery.begin_session()
        self.window, self.lock = build_window(self.services, clock)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitUntil(lambda: self.window.has_painted)

    def kill(self) -> None:
        """The process dies: no clean exit, no close."""
        self.window.ticker.stop()
        self.lock.screen.ticker.stop()
        self.window.close_guard = lambda: True
        self.window.hide()
        self.services.close(clean=False)


@pytest.fixture(autouse=True)
def _keep_timers_when_a_window_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-qt closes the windows at teardown: closing with timers running asks; keep."""
    monkeypatch.setattr(MainWindow, "close_choice", lambda self, running: "keep")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def started(qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Path, int, App]]:
    path = tmp_path / "clinic.sqlite3"
    user_id, _ = make_clinic(path, clock)
    app = App(qtbot, path, clock)
    yield path, user_id, app
    app.kill()


def test_200_wrong_pins_wait_30_s_doubling_to_15_min_and_a_restart_keeps_the_wait(
    qtbot: QtBot, started: tuple[Path, int, App], clock: FakeClock
) -> None:
    path, user_id, app = started
    lock, screen = app.lock, app.lock.screen
    assert lock.locked
    waits: list[int] = []
    for attempt in range(200):
        screen.refresh()
        left = screen.backoff.wait_seconds(clock.now())
        waits.append(left)
        if left:
            # The field takes nothing and says how long; the clock, not a sleep, ends the wait.
            assert not screen.pin.isEnabled() and not screen.unlock_button.isEnabled()
            assert f"Try again in {wait_text(left)}." in screen.error.text()
            qtbot.keyClicks(screen.pin, PIN)
            assert screen.pin.text() == ""
            screen.unlock_requested.emit(user_id, PIN)  # even straight past the field: no
            assert lock.locked
            clock.advance(left - 1)
            screen.refresh()
            assert screen.error.text().endswith("Try again in 1 s.")
            clock.advance(1)
            screen.refresh()
        assert screen.pin.isEnabled(), attempt
        qtbot.keyClicks(screen.pin, "1357")
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert lock.locked
    assert waits == [int(wait_after(n).total_seconds()) for n in range(200)]
    assert waits[:11] == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900]
    assert set(waits[10:]) == {900}
    assert running_segments(path) == 2  # the timers ran on through two days of guessing
    refused = app.services.audit_entries(entity="user", entity_id=user_id)
    assert [e.details["failures_in_a_row"] for e in refused] == list(range(1, 201))

    # Killed ten minutes into the last wait and started again: the wait goes on.
    clock.advance(minutes=10)
    app.kill()
    again = App(qtbot, path, clock)
    try:
        screen = again.lock.screen
        assert again.lock.locked and not screen.pin.isEnabled()
        assert screen.error.text() == "200 wrong PINs in a row. Try again in 5 min 00 s."
        assert not again.lock.unlock(user_id, PIN)
        clock.advance(minutes=5)
        screen.refresh()
        assert screen.pin.isEnabled() and screen.error.text() == "You can try again."
        qtbot.keyClicks(screen.pin, PIN)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert not again.lock.locked and again.window.centralWidget().isVisible()
        assert again.services.unlock.backoff().failures == 0
        last = again.services.audit_entries(entity="user", entity_id=user_id)[-1]
        assert (last.action, last.details) == ("pin_failures_reset", {"after_failures": 200})
    finally:
        again.kill()


def test_a_wrong_pin_the_database_cannot_count_leaves_the_lock_on(
    started: tuple[Path, int, App],
) -> None:
    """Fail closed: the refusal is not half-saved, nothing unlocks; a right PIN with nothing
    to reset needs no write and still unlocks."""
    _, user_id, app = started
    conn = app.services.db.conn
    audit_before = len(app.services.audit_entries())
    conn.execute("PRAGMA query_only = ON")  # every write now fails, as on a read-only disk
    try:
        with pytest.raises(WriteFailedError):
            app.lock.unlock(user_id, "1357")
        assert app.lock.locked and app.lock.screen.isVisible()
        # Through the screen: said there, nothing raised, still locked.
        app.lock.screen.pin.setText("1357")
        app.lock.screen.unlock_requested.emit(user_id, "1357")
        assert app.lock.screen.error.text().startswith("Not unlocked: database ")
        assert "NOT saved" in app.lock.screen.error.text() and app.lock.locked
        assert not app.window.centralWidget().isVisible()
        assert app.services.unlock.backoff().failures == 0
        assert len(app.services.audit_entries()) == audit_before
        assert app.lock.unlock(user_id, PIN)
    finally:
        conn.execute("PRAGMA query_only = OFF")


def _catches(pid: int, number: int) -> bool:
    """The process has a handler for signal ``number`` (Linux: /proc/PID/status SigCgt)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    mask = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask.split()[1], 16) >> (number - 1) & 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_the_session_ending_closes_without_a_pin_and_keeps_the_timers(
    tmp_path: Path, clock: FakeClock, number: int
) -> None:
    """Locked with two timers running, the app gets SIGTERM (logout, shutdown): it exits 0 at
    once without asking for the PIN or stopping a timer, and records a clean exit."""
    path = tmp_path / "clinic.sqlite3"
    make_clinic(path, clock)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    env.pop("CHARGECLOCK_DB", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "chargeclock.cli", "--db", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _catches(process.pid, number):  # set up once the window has painted
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the app never set up its signal handler"
            time.sleep(0.05)
        process.send_signal(number)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert running_segments(path) == 2
    with sqlite3.connect(path) as conn:
        beat = heartbeat.get(conn)
    assert beat is not None and beat.clean_exit
    services = Services.open(path, clock, zone=UTC)
    try:
        report = services.recovery.begin_session()
        # A clean exit: the timers go on, named in the status bar (no recovery question).
        assert report.clean_exit and len(report.kept) == 2 and not report.timers
    finally:
        services.close()
