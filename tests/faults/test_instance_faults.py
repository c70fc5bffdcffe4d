"""Faults around the one running window and its recovery: a second window through another
name of the database file, two crashes in a row, an end asked for by the system, and quitting
with timers kept running. Windows run as real processes (offscreen) where the fault is one of
processes: links, locks and signals."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock, SystemClock
from chargeclock.services.session import Services
from chargeclock.storage.database import open_database
from chargeclock.storage.errors import DatabaseInUseError, StorageError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and signals")

#: the installed program's entry point, as ``chargeclock`` runs it
WINDOW = "import sys\nfrom chargeclock.cli import main\nsys.exit(main(sys.argv[1:]))\n"
NPI = "1234567893"
START = datetime(2026, 3, 2, 9, 50, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _own_lock_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's processes (and only they) share one lock folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("CHARGECLOCK_DB", raising=False)


def _clinic(services: Services) -> int:
    """A practice, a PT, a payer and a patient; the patient's id."""
    records = services.records
    records.save_practice("Riverside Physical Therapy", "1 Main St", "555-0100", NPI, "12-3456789")
    records.add_provider("Dana Reyes", "PT", NPI, credentials="PT, DPT")
    payer = records.add_payer("Medicare Part B", medicare=True)
    patient, _ = records.add_patient("Doe", "Jane", date(1950, 1, 2), payer_id=payer.id)
    return patient.id


def _timer_running_after_a_clean_exit(path: Path) -> int:
    """A database whose last run quit cleanly with one PT timer running: the segment's id."""
    services = Services.open(path, SystemClock())
    try:
        services.recovery.begin_session()
        visit = services.visits.open_visit(_clinic(services), codes=["97110"]).visit_id
        started = services.visits.start_timer(visit, "97110", "PT").started
        assert started is not None
        return started.segment_id
    finally:
        services.close()


def _read(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _running(path: Path) -> list[int]:
    return [
        int(str(r[0]))
        for r in _read(path, "SELECT id FROM timer_segments WHERE stopped_at IS NULL")
    ]


@pytest.fixture
def open_window(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, int]]:
    """A real ChargeClock window (offscreen) on a database with a timer running, once its run
    has begun (its heartbeat carries its process id): the process, the database, the segment."""
    path = tmp_path / "clinic.sqlite3"
    segment = _timer_running_after_a_clean_exit(path)
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW, "--db", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _read(path, "SELECT pid FROM heartbeat") != [(window.pid,)]:
            assert window.poll() is None, window.communicate()
            assert time.monotonic() < deadline, "the window did not start"
            time.sleep(0.1)
        yield window, path, segment
    finally:
        if window.poll() is None:
            window.kill()
        window.communicate(timeout=60)


# --- a second window through a link -----------------------------------------------------------


@posix_only
@pytest.mark.gui
@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_second_window_through_a_link_is_refused_and_the_first_timer_runs_on(
    open_window: tuple[subprocess.Popen[str], Path, int], tmp_path: Path, link: str
) -> None:
    window, path, segment = open_window
    other = tmp_path / "elsewhere" / "same.sqlite3"
    other.parent.mkdir()
    if link == "symbolic":
        other.symlink_to(path)
    else:
        os.link(path, other)
    second = subprocess.run(
        [sys.executable, "-c", WINDOW, "--smoke-test", "--db", str(other)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"already open in another ChargeClock (process {window.pid})" in second.stderr
    with pytest.raises(DatabaseInUseError, match=f"process {window.pid}"):
        Services.open(other, SystemClock())
    assert _running(path) == [segment]  # nothing stopped the first window's timer
    assert _read(path, "SELECT pid FROM heartbeat") == [(window.pid,)]


def test_a_lock_folder_that_cannot_be_made_is_named_and_nothing_stays_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "clinic.sqlite3"
    with pytest.raises(StorageError, match=r"lock folder .*not-a-folder.*make it writable"):
        open_database(path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    open_database(path).close()  # the lock beside the file was let go with the failure


def test_the_identity_lock_leaves_no_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    open_database(path).close()
    db = open_database(path)
    try:
        assert len(list((tmp_path / "cache" / "chargeclock" / "locks").iterdir())) == 1
    finally:
        db.close()
    assert not list((tmp_path / "cache" / "chargeclock" / "locks").iterdir())


# --- the system asks the window to end ----------------------------------------------------------


@posix_only
@pytest.mark.gui
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_close_in_order_with_the_timer_still_running(
    open_window: tuple[subprocess.Popen[str], Path, int], signum: signal.Signals
) -> None:
    window, path, segment = open_window
    window.send_signal(signum)
    _, err = window.communicate(timeout=120)
    assert window.returncode == 0, err
    assert _read(path, "SELECT clean_exit FROM heartbeat") == [(1,)]  # the session was ended
    again = Services.open(path, SystemClock())
    try:
        report = again.recovery.begin_session()
        assert report.clean_exit and not report.needs_attention
        assert [t.segment_id for t in report.kept] == [segment]
        assert _running(path) == [segment]
    finally:
        again.close()


# --- two crashes in a row -----------------------------------------------------------------------


def _crash(services: Services) -> None:
    """The process dies: the database closes, no session end is recorded."""
    services.db.close()


def _start(path: Path, clock: FakeClock) -> Services:
    services = Services.open(path, clock, zone=UTC)
    services.recovery.begin_session()  # a recovery it shows stays unanswered
    return services


def _timer_then_crash(
    services: Services, clock: FakeClock, patient: int, code: str, seen_after: timedelta
) -> tuple[int, int]:
    """A PT timer on a new visit, the run seen alive ``seen_after`` later, then the process
    dies: the visit and the timer's segment."""
    visit = services.visits.open_visit(patient, codes=[code]).visit_id
    started = services.visits.start_timer(visit, code, "PT").started
    assert started is not None
    clock.advance(seen_after.total_seconds())
    services.recovery.beat()
    _crash(services)
    return visit, started.segment_id


def test_two_crashes_in_a_row_offer_the_first_runs_last_seen(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    clock = FakeClock(START)
    first = _start(path, clock)
    visit, segment = _timer_then_crash(first, clock, _clinic(first), "97110", timedelta(minutes=10))

    clock.advance(hours=4)  # the outage
    second = _start(path, clock)
    assert second.recovery.report().needs_attention
    clock.advance(minutes=1)
    second.recovery.beat()  # the dialog stays unanswered ...
    _crash(second)  # ... and this start dies too

    clock.advance(minutes=5)
    third = Services.open(path, clock, zone=UTC)
    try:
        report = third.recovery.begin_session()
        assert [t.segment_id for t in report.timers] == [segment]
        third.recovery.stop_at_last_seen([segment])
        row = third.visits.visit_state(visit).code("97110")
        assert row is not None and row.role_seconds("PT", clock.now()) == 10 * 60  # not 4 h 11
        assert [t.last_seen for t in report.timers] == [START + timedelta(minutes=10)]
    finally:
        third.close()


def test_an_unanswered_recovery_survives_a_clean_exit(tmp_path: Path) -> None:
    """A start that shows the dialog and is then closed in order (SIGTERM while it waits)
    offers the same moment again; a timer started in that start gets its own last seen."""
    path = tmp_path / "clinic.sqlite3"
    clock = FakeClock(START)
    first = _start(path, clock)
    patient = _clinic(first)
    visit, old = _timer_then_crash(first, clock, patient, "97110", timedelta(minutes=10))
    clock.advance(hours=4)
    other, new = _timer_then_crash(
        _start(path, clock), clock, patient, "97140", timedelta(minutes=3)
    )

    clock.advance(minutes=5)
    third = _start(path, clock)
    try:
        assert third.recovery.report().needs_attention
        third.close()  # closed in order, the dialog still unanswered
        fourth = Services.open(path, clock, zone=UTC)
        again = fourth.recovery.begin_session()
        assert again.clean_exit and len(again.timers) == 2
        fourth.recovery.stop_at_last_seen([old, new])
        now = clock.now()
        first_row = fourth.visits.visit_state(visit).code("97110")
        second_row = fourth.visits.visit_state(other).code("97140")
        assert first_row is not None and first_row.role_seconds("PT", now) == 10 * 60
        assert second_row is not None and second_row.role_seconds("PT", now) == 3 * 60
        fourth.close()
        fifth = Services.open(path, clock, zone=UTC)
        decided = fifth.recovery.begin_session()
        assert not decided.needs_attention and not decided.kept
        fifth.close()
    finally:
        third.close()


# --- "Keep running and quit" --------------------------------------------------------------------


@pytest.mark.gui
def test_keep_running_and_quit_is_a_clean_exit_and_the_next_start_asks_nothing(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chargeclock.app import build_window, recover
    from chargeclock.ui.main_window import MainWindow

    path = tmp_path / "clinic.sqlite3"
    clock = FakeClock(START)
    services = Services.open(path, clock, zone=UTC)
    window, _ = build_window(services, clock)
    qtbot.addWidget(window)
    window.ticker.stop()  # the test moves the clock; no tick may outlive the database
    assert recover(services, window) is None  # a first start
    visit = services.visits.open_visit(_clinic(services), codes=["97110"]).visit_id
    services.visits.start_timer(visit, "97110", "PT")
    asked: list[int] = []
    monkeypatch.setattr(MainWindow, "close_choice", lambda self, n: asked.append(n) or "keep")
    window.show()
    assert window.close() and asked == [1]
    services.close()  # as the app does once its window has closed

    clock.advance(hours=14)  # the next morning
    again = Services.open(path, clock, zone=UTC)
    try:
        next_window, _ = build_window(again, clock)
        qtbot.addWidget(next_window)
        next_window.ticker.stop()
        assert recover(again, next_window) is None  # no "did not close normally"
        assert (
            "kept running while ChargeClock was closed" in next_window.statusBar().currentMessage()
        )
        row = again.visits.visit_state(visit).code("97110")
        assert row is not None and row.is_running("PT")
        assert row.role_seconds("PT", clock.now()) == 14 * 3600
    finally:
        again.close()
