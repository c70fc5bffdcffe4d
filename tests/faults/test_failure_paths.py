"""Failure paths with the fault injected for real: a full disk under a timer tap and at start,
a read-only database or folder at start, and an error nobody expected (the log)."""

from __future__ import annotations

import sqlite3
import stat
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock import app, errorlog
from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage.errors import WriteFailedError
from chargeclock.ui.main_window import HEARTBEAT_SECONDS, MainWindow
from chargeclock.ui.rows_model import RUNNING_ROLE, CodeRowsModel
from tests.faults.conftest import SmallDisk, read_only, snapshot
from tests.ui.test_visit_screen import (
    click_cell,
    clock,
    running_in_db,
    services,
    start_visit_by_clicks,
    window,
)

__all__ = ["clock", "services", "window"]  # the visit screen's fixtures, on db_path below

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
PATIENT_WORDS = ("Quintero", "Marisol", "1950-01-02")


@pytest.fixture(autouse=True)
def _quiet_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No modal question when a window closes with timers running; the log goes to tmp_path;
    the excepthook a start installs is put back."""
    monkeypatch.setattr(MainWindow, "close_choice", lambda self, running: "keep")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def capture(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """The texts of every ``QMessageBox.<name>`` shown from now on (none is really shown)."""
    texts: list[str] = []

    def shown(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, name, shown)
    return texts


def saved_rows(path: Path) -> list[tuple[object, ...]]:
    """Timers, codes, heartbeat and audit log as another program reads them from the file."""
    with sqlite3.connect(path) as conn:
        rows: list[tuple[object, ...]] = []
        for table in ("timer_segments", "visit_codes", "heartbeat", "audit_log"):
            rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    conn.close()
    return rows


# --- a full disk under a timer tap ----------------------------------------------------------


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The visit screen's database (tests/ui/test_visit_screen.py's fixtures): on the small
    disk when the test asks for one."""
    if "small_disk" in request.fixturenames:
        disk: SmallDisk = request.getfixturevalue("small_disk")
        return disk.folder / "clinic.sqlite3"
    return tmp_path / "clinic.sqlite3"


def test_a_tap_on_a_full_disk_is_not_saved_says_so_and_changes_nothing(
    qtbot: QtBot,
    small_disk: SmallDisk,
    window: MainWindow,
    clock: FakeClock,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = db_path
    warnings = capture(monkeypatch, "warning")
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    assert running_in_db(path) == [("97110", "PT")]

    def buttons() -> list[object]:
        return [
            window.rows.index(window.rows.row_of(code), column).data(RUNNING_ROLE)
            for code in ("97110", "97140")
            for column in (CodeRowsModel.PT, CodeRowsModel.PTA)
        ]

    shown = buttons()
    assert shown == [True, False, False, False]
    # An empty log: the next commit has to grow it, and the disk has not one byte left.
    window.services.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = saved_rows(path)
    small_disk.fill()
    clock.advance(minutes=9)

    click_cell(qtbot, window, "97140", CodeRowsModel.PT)  # would stop 97110 and start 97140
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)  # would stop 97110

    assert len(warnings) == 2
    started, stopped = warnings
    assert started.startswith("The PT tap on 97140 was NOT saved: its timer did not start.")
    assert stopped.startswith("The PT tap on 97110 was NOT saved: its timer did not stop.")
    for text in warnings:
        assert f"database {path}: the disk is full, so this change was NOT saved" in text
        assert f"free space on the disk that holds {small_disk.folder}, then try again" in text
        assert "timers are saved" not in text
    assert buttons() == shown  # no button changed
    assert not window.services.db.conn.in_transaction  # nothing left open to join later
    for _ in range(HEARTBEAT_SECONDS * 3):  # the heartbeat fails quietly: logged, once
        window.tick()
    log = (tmp_path / "data" / "chargeclock" / "chargeclock.log").read_text()
    assert log.count("heartbeat:") == 1 and "WriteFailedError" in log
    assert len(warnings) == 2
    small_disk.free()
    assert saved_rows(path) == before  # nothing half-saved

    click_cell(qtbot, window, "97140", CodeRowsModel.PT)  # with room again, the tap is saved
    assert running_in_db(path) == [("97140", "PT")]
    assert buttons() == [False, False, True, False]


def test_a_write_past_the_databases_size_limit_is_refused_whole(tmp_path: Path) -> None:
    """Without root: SQLite's own SQLITE_FULL, from ``PRAGMA max_page_count`` on the
    connection. The refused write leaves nothing behind and the next one works."""
    path = tmp_path / "clinic.sqlite3"
    services = Services.open(path, FakeClock(START), zone=UTC)
    try:
        conn = services.db.conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        # Payers are added (each with its audit entry) until the file has no page left for one.
        info = None
        before = saved_rows(path)
        for n in range(5000):
            audited = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
            try:
                services.records.add_payer(
                    f"Payer {n} of a long list of health plans", medicare=False
                )
            except WriteFailedError as exc:
                info = exc
                break
        assert info is not None, "the page limit was never reached"
        assert conn.execute("SELECT COUNT(*) FROM payers").fetchone()[0] == n
        assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audited
        assert str(info) == (
            f"database {path}: the disk is full, so this change was NOT saved; free space on the "
            f"disk that holds {tmp_path}, then try again"
        )
        assert isinstance(info.__cause__, sqlite3.OperationalError)
        assert not conn.in_transaction
        assert services.records.practice() is None
        assert len(saved_rows(path)) >= len(before)
        conn.execute(f"PRAGMA max_page_count = {pages * 4}")
        services.records.save_practice("Riverside PT", address="1 Main St")
        practice = services.records.practice()
        assert practice is not None and practice.address == "1 Main St"
    finally:
        services.close()


# --- the window's start --------------------------------------------------------------------


def start_window(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str]:
    """``app.run`` on ``path``: its exit status and its one dialog, which stderr repeats."""
    dialogs = capture(monkeypatch, "critical")
    status = app.run(path, clock=FakeClock(START))
    err = capsys.readouterr().err.splitlines()
    assert len(dialogs) == 1, dialogs
    assert err == ["chargeclock: " + " ".join(dialogs[0].split())]
    assert "internal error" not in dialogs[0] and "Traceback" not in dialogs[0]
    return status, dialogs[0]


def test_start_on_a_full_disk_is_one_dialog_naming_the_file(
    qapp: Any, small_disk: SmallDisk, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    path = small_disk.folder / "clinic.sqlite3"
    Services.open(path, FakeClock(START)).close()
    content = path.read_bytes()
    small_disk.fill()
    status, text = start_window(path, monkeypatch, capsys)
    assert status == 2
    assert text.startswith(f"ChargeClock cannot start: database {path}: ")
    assert text.endswith(
        f": the disk is full; free space on the disk that holds {small_disk.folder}, then try again"
    )
    assert path.read_bytes() == content


def ours_aside(folder: Path) -> dict[str, object]:
    """The folder's snapshot but for the lock file, which every start rewrites with its pid."""
    return {name: entry for name, entry in snapshot(folder).items() if not name.endswith(".lock")}


def _existing(folder: Path) -> Path:
    path = folder / "clinic.sqlite3"
    Services.open(path, FakeClock(START)).close()
    return path


@pytest.mark.parametrize(
    ("case", "made_read_only", "expected"),
    [
        ("database", lambda f: f / "clinic.sqlite3", "the file or its folder is read-only"),
        ("folder", lambda f: f, "its folder is missing or read-only"),
        ("new database", lambda f: f, "cannot create"),
    ],
)
def test_start_on_a_read_only_database_or_folder_is_one_dialog_and_changes_nothing(
    qapp: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    case: str,
    made_read_only: Callable[[Path], Path],
    expected: str,
) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    path = folder / "clinic.sqlite3"
    if case != "new database":
        _existing(folder)
    content = path.read_bytes() if path.exists() else None
    with read_only(made_read_only(folder)):
        before = ours_aside(folder) if case != "database" else None
        status, text = start_window(path, monkeypatch, capsys)
        assert status == 2
        assert text.startswith(f"ChargeClock cannot start: database {path}: ")
        assert expected in text
        assert "writ" in text  # says what to do: make it writable / check you may write it
        if before is not None:
            assert ours_aside(folder) == before  # not a file created, not a byte changed
        if content is not None:
            assert path.read_bytes() == content


# --- the log -------------------------------------------------------------------------------


def _raise_with_patient_data(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> list[object]:
        raise ValueError(f"no patient {text} born 1950-01-02")

    monkeypatch.setattr(window.services.records, "search_patients", broken)
    window.search_patients("Quintero, Marisol")


def test_an_unexpected_error_names_the_log_which_holds_no_patient_data(
    tmp_path: Path, window: MainWindow, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    dialogs = capture(monkeypatch, "critical")
    try:
        _raise_with_patient_data(window, monkeypatch)
    except ValueError:
        app._show_unexpected(*sys.exc_info())  # type: ignore[arg-type]
    log = tmp_path / "data" / "chargeclock" / "chargeclock.log"
    assert dialogs == [
        f"Something went wrong: an unexpected error (ValueError); the details were written to "
        f"the log {log}. The last action may not have been saved: check what the window shows "
        "before going on."
    ]
    assert capsys.readouterr().err.count("\n") == 1
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "while the window was open:" in text and "builtins.ValueError" in text
    assert "chargeclock/ui/main_window.py" in text and "in search_patients" in text
    assert "frame(s) outside ChargeClock" in text  # the test's own frame is not copied
    for word in PATIENT_WORDS:
        assert word not in text


def test_the_log_rotates_and_every_copy_is_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(errorlog, "LOG_BYTES", 2000)
    for _ in range(60):
        try:
            raise OSError(28, "No space left on device", str(tmp_path / "clinic.sqlite3"))
        except OSError as exc:
            written = errorlog.log_error(exc, "test")
        assert written is not None
    folder = tmp_path / "data" / "chargeclock"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["chargeclock.log", *(f"chargeclock.log.{n}" for n in (1, 2, 3))]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size <= 2000
    assert "[errno 28] file=" in (folder / "chargeclock.log").read_text()


def test_a_log_that_cannot_be_written_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    dialogs = capture(monkeypatch, "critical")
    try:
        raise KeyError("x")
    except KeyError:
        app._show_unexpected(*sys.exc_info())  # type: ignore[arg-type]
    log = tmp_path / "data" / "chargeclock" / "chargeclock.log"
    assert f"the log {log} could not be written, so no details were kept" in dialogs[0]
    assert "could not be written" in capsys.readouterr().err


def test_a_commands_internal_error_names_the_log_not_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import chargeclock.commands as commands

    def broken(args: object) -> int:
        raise RuntimeError("Quintero, Marisol 1950-01-02")

    monkeypatch.setattr(commands, "_cmd_verify_audit", broken)
    assert main(["verify-audit", "--db", str(tmp_path / "c.sqlite3")]) == 70
    log = tmp_path / "data" / "chargeclock" / "chargeclock.log"
    err = capsys.readouterr().err
    assert err == f"chargeclock: internal error (RuntimeError); the details are in {log}\n"
    text = log.read_text()
    assert "chargeclock verify-audit:" in text and "builtins.RuntimeError" in text
    for word in PATIENT_WORDS:
        assert word not in text


def test_a_daily_backup_that_cannot_be_made_is_said_and_the_window_goes_on(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chargeclock.app import build_window, daily_backup
    from chargeclock.storage.errors import StorageError

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    services = Services.open(tmp_path / "clinic.sqlite3", FakeClock(START), zone=UTC)
    window, _ = build_window(services, FakeClock(START))
    qtbot.addWidget(window)
    window.ticker.stop()

    def refused() -> None:
        raise StorageError("backup of clinic.sqlite3: the disk is full; free space, then retry")

    monkeypatch.setattr(services, "daily_backup", refused)
    try:
        daily_backup(services, window)  # raises nothing
        assert window.statusBar().currentMessage() == (
            "Today's backup was not made: backup of clinic.sqlite3: the disk is full; "
            "free space, then retry"
        )
        assert (tmp_path / "data" / "chargeclock" / "chargeclock.log").is_file()
    finally:
        window.close()
        services.close()
