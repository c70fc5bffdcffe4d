"""Composition root of the window: builds the clock, the database, the services and the windows.

Nothing imports this module but ``chargeclock.commands.run_window``.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from chargeclock import __version__, paths
from chargeclock.clock import Clock, SystemClock
from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.recovery import InterruptedTimer
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock

if TYPE_CHECKING:  # the dialog itself loads only after a crash
    from chargeclock.ui.recovery_dialog import RecoveryDialog


def demo_copy(today_key: str) -> Path:
    """A throwaway copy of the demo database, generated once per day, version and demo build,
    and cached."""
    from datetime import date

    from chargeclock.services.demo import DEMO_BUILD, build_demo

    cache = paths.user_cache_dir() / f"demo-{__version__}-d{DEMO_BUILD}-{today_key}.sqlite3"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        building = cache.with_suffix(".building")
        building.unlink(missing_ok=True)
        build_demo(building, today=date.fromisoformat(today_key))
        building.replace(cache)
    target = Path(tempfile.mkdtemp(prefix="chargeclock-demo-")) / "demo.sqlite3"
    shutil.copyfile(cache, target)
    target.chmod(0o600)
    return target


def recover(
    services: Services, window: MainWindow, lock: PrivacyLock | None = None
) -> RecoveryDialog | None:
    """Begin this run's session and, after an unclean exit, ask what to do with the timers that
    were left running. The dialog is modal but does not block: the choices apply when the user
    presses OK, whatever happens meanwhile (the idle lock may hide it and show it again). Its
    choices stop timers, so while ``lock`` is on it waits for the PIN and opens at the unlock
    (then None is returned). Timers kept running through a clean exit go on: one line in
    the status bar says so."""
    report = services.recovery.begin_session()
    if report.kept:
        kept = report.kept
        if window.has_content:
            _say_kept_running(window, kept)
        else:  # after the panels, whose shortcut hint would take its place
            window.content_made.connect(lambda: _say_kept_running(window, kept))
    if not report.needs_attention:
        return None
    if lock is not None and lock.locked:
        lock.after_unlock(lambda: _recovery_dialog(services, window))
        return None
    return _recovery_dialog(services, window)


def _recovery_dialog(services: Services, window: MainWindow) -> RecoveryDialog | None:
    report = services.recovery.report()  # the timers still running, as of now
    if not report.needs_attention:
        return None
    from chargeclock.ui.recovery_dialog import RecoveryDialog, RunningTimer

    timers = [
        RunningTimer(
            t.segment_id,
            f"Visit #{t.visit_id} · {t.code} · {t.role}",
            t.started_at,
            t.last_seen,
        )
        for t in report.timers
    ]
    dialog = RecoveryDialog(timers, window, apply=lambda d: apply_recovery(services, d))
    dialog.open()
    return dialog


#: how long the line about timers kept running stays in the status bar
KEPT_RUNNING_NOTE_MS = 60_000


def _say_kept_running(window: MainWindow, kept: Sequence[InterruptedTimer]) -> None:
    bar = window.statusBar()
    hints = bar.currentMessage()
    since = ", ".join(
        f"visit #{t.visit_id} {t.code} {t.role} since {t.started_at.astimezone():%H:%M}"
        for t in kept
    )
    many = len(kept) > 1
    bar.showMessage(
        f"{len(kept)} timer{'s' if many else ''} kept running while ChargeClock was closed "
        f"{'are' if many else 'is'} still running: {since}."
    )
    QTimer.singleShot(KEPT_RUNNING_NOTE_MS, window, lambda: bar.showMessage(hints))


def apply_recovery(services: Services, dialog: RecoveryDialog) -> None:
    from chargeclock.ui.recovery_dialog import KEEP, STOP_AT, STOP_AT_LAST_SEEN

    choices = dialog.choices()
    recovery = services.recovery
    for choice in choices:  # every entered time is checked before anything is applied
        if choice.action == STOP_AT and choice.stop_at is not None:
            recovery.check_stop_at(choice.segment_id, choice.stop_at)
    recovery.keep_running([c.segment_id for c in choices if c.action == KEEP])
    recovery.stop_at_last_seen([c.segment_id for c in choices if c.action == STOP_AT_LAST_SEEN])
    for choice in choices:
        if choice.action == STOP_AT and choice.stop_at is not None:
            recovery.stop_at(choice.segment_id, choice.stop_at, "stop time entered after a crash")


def daily_backup(services: Services, window: MainWindow) -> None:
    """Today's copy, a moment after the start. A copy that cannot be made (a damaged database, a
    full disk) is said in the status bar and the log; the window goes on."""
    try:
        services.daily_backup()
    except ChargeClockError as exc:
        from chargeclock.errorlog import log_error

        log_error(exc, "daily backup")
        window.statusBar().showMessage(f"Today's backup was not made: {exc}")


def failure_text(exc: BaseException, where: str) -> str:
    """What to tell the user about ``exc``, after writing it to the log: our own errors say
    what and what to do; anything else names the log that holds the details."""
    from chargeclock.errorlog import log_error

    log = log_error(exc, where)
    if isinstance(exc, ChargeClockError):
        return str(exc)
    text = f"an unexpected error ({type(exc).__name__})"
    if log is None:
        return f"{text}; the log {paths.log_path()} could not be written, so no details were kept"
    return f"{text}; the details were written to the log {log}"


def _show_unexpected(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """The last resort for an error no one caught while the window runs: one line on standard
    error and a message saying the last action may not have been saved; the log has the rest."""
    from PySide6.QtWidgets import QMessageBox

    text = failure_text(value, "while the window was open")
    _say(text)
    QMessageBox.critical(
        None,
        "ChargeClock",
        f"Something went wrong: {text}. The last action may not have been saved: check what the "
        "window shows before going on.",
    )


#: what asks the program to end: ``kill`` and shutdown (SIGTERM), a closed terminal or a lost
#: session (SIGHUP), Ctrl+C in a terminal (SIGINT); the names that exist on this system count
END_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def end_in_order_when_asked(app: QCoreApplication) -> Callable[[], None]:
    """Make an end asked for by the system a clean exit: on one of :data:`END_SIGNALS`, or
    when the desktop session logs out, the event loop ends without a question (so the timers
    keep running, each already stored) and the caller closes the services, which marks the
    session ended. Returns what puts the previous signal handling back.

    Python runs a signal handler only between bytecodes, never while Qt's loop waits in C++:
    the interpreter's wake-up byte, written to a pipe as the signal arrives, wakes a
    ``QSocketNotifier`` on the loop (nothing polls)."""
    wake = _WakeUp()
    numbers = [int(getattr(signal, n)) for n in END_SIGNALS if hasattr(signal, n)]

    def noted(_signum: int, _frame: FrameType | None) -> None:
        """The wake-up byte does the work, on the loop."""

    previous = {n: signal.signal(n, noted) for n in numbers}
    previous_fd = signal.set_wakeup_fd(wake.writer)
    notifier = QSocketNotifier(wake.reader, QSocketNotifier.Type.Read, app)

    def woken() -> None:
        try:
            arrived = wake.read()
        except OSError:
            return
        if any(byte in numbers for byte in arrived):
            app.exit(0)  # every loop, a modal dialog's too; no window is asked to close

    notifier.activated.connect(woken)
    if isinstance(app, QGuiApplication):
        # Logging out: the session manager may end the process after this; end first, in
        # order. (A logout cancelled afterwards leaves ChargeClock closed, its timers running.)
        app.commitDataRequest.connect(lambda _manager: QTimer.singleShot(0, lambda: app.exit(0)))

    def undo() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for number, handler in previous.items():
            signal.signal(number, handler)
        wake.close()

    return undo


class _WakeUp:
    """A non-blocking pipe for the signal wake-up byte. Windows takes only a socket there (the
    socket module is loaded only there: it costs the start about 7 ms)."""

    def __init__(self) -> None:
        if sys.platform == "win32":
            import socket

            self._pair = socket.socketpair()
            for end in self._pair:
                end.setblocking(False)
            self.reader, self.writer = (end.fileno() for end in self._pair)
        else:
            self.reader, self.writer = os.pipe()
            os.set_blocking(self.reader, False)
            os.set_blocking(self.writer, False)

    def read(self) -> bytes:
        if sys.platform == "win32":
            return bytes(self._pair[0].recv(64))
        return os.read(self.reader, 64)

    def close(self) -> None:
        if sys.platform == "win32":
            for end in self._pair:
                end.close()
        else:
            os.close(self.reader)
            os.close(self.writer)


def _say(text: str) -> None:
    """``text`` as one line on standard error (a windowed program on Windows has none)."""
    if sys.stderr is not None:
        sys.stderr.write(f"chargeclock: {' '.join(text.split())}\n")


def _cannot_start(exc: BaseException, *, smoke_test: bool) -> int:
    """One dialog (none for the smoke test) and one line on standard error; the exit status."""
    from chargeclock.services.errors import WriteFailedError

    detail = failure_text(exc, "at start")
    if isinstance(exc, WriteFailedError):  # the session's first write: nothing could be saved
        detail = f"database {exc.path}: {exc.reason}, so nothing could be saved; {exc.remedy}"
    text = f"ChargeClock cannot start: {detail}"
    _say(text)
    if not smoke_test:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "ChargeClock", text)
    return 2 if isinstance(exc, ChargeClockError) else 70


def _settle_after_start() -> None:
    """Once the start is over (the window's ``settled``: its first paint, or a few seconds in
    for a window started minimized): what start-up made stays for the program's life, so the
    cycle collector leaves it out of every later pass (``gc.freeze``) and runs again. Once."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


def build_window(
    services: Services, clock: Clock, *, panels_behind_lock: bool = False
) -> tuple[MainWindow, PrivacyLock]:
    """The window with its toolbar dialogs, superbill and lock; locked already if anyone has a
    PIN, so its first paint shows the cover.

    With ``panels_behind_lock`` a window that starts locked paints its cover alone first: its
    panels, toolbar actions and fit are made right after (once the start has settled: the first
    paint, or a few seconds in), hidden and off until the unlock, which makes them first if
    they are not made yet. Nothing behind the cover shows before a PIN either way."""
    # Asked once: a locked start's cover, or the lock of a window made whole.
    needed = services.unlock.pin_needed() if panels_behind_lock else None
    if needed:
        window = MainWindow(services, clock, content=False)
        lock = PrivacyLock(window, services, services.practice.lock_minutes())
        window.resize(1366, 768)
        lock.lock_at_start(needed)

        def behind_the_cover() -> None:
            if not window.has_content:
                _add_content(window, services, lock)
                lock.cover_new_parts()

        lock.before_unlock = behind_the_cover
        window.after_start(behind_the_cover, next_turn=True)
        return window, lock
    window = MainWindow(services, clock)
    lock = _add_content(window, services)
    window.resize(1366, 768)
    lock.lock_at_start(needed)
    if not lock.locked:
        # The first keys find a patient. (Not the Today list, first in the window's order:
        # its first row would take a focus frame, drawn by the style, for the first frame.)
        window.patients.search.setFocus()
    return window, lock


def _add_content(
    window: MainWindow, services: Services, lock: PrivacyLock | None = None
) -> PrivacyLock:
    """The panels (if not made yet), then the toolbar's dialogs, superbill and Practice menu."""
    from chargeclock.ui import practice_ui, records_ui, superbill_ui

    window.build_content()
    records = records_ui.install(window, services, lock)
    superbill_ui.install(window, services)
    practice_ui.install(window, services, records)
    window.toolbar.addAction(window.display.large_type_action)
    return records.lock


def run(
    database: Path | str | None,
    *,
    demo: bool = False,
    smoke_test: bool = False,
    clock: Clock | None = None,
) -> int:
    """Open the window; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ChargeClock")
    app.setApplicationVersion(__version__)
    clock = clock or SystemClock()
    throwaway: list[Path] = []
    if smoke_test and database is None:
        throwaway.append(Path(tempfile.mkdtemp(prefix="chargeclock-smoke-")))
        database = throwaway[-1] / "smoke.sqlite3"
    try:
        return _open_and_run(app, clock, database, throwaway, demo=demo, smoke_test=smoke_test)
    finally:
        # The smoke test's scratch folder and the demo's copy (with the backups made beside
        # it) go with the run that made them.
        for folder in throwaway:
            shutil.rmtree(folder, ignore_errors=True)


def _open_and_run(
    app: QCoreApplication,
    clock: Clock,
    database: Path | str | None,
    throwaway: list[Path],
    *,
    demo: bool,
    smoke_test: bool,
) -> int:
    try:
        if demo:
            database = demo_copy(clock.now().astimezone().date().isoformat())
            throwaway.append(database.parent)
        # A new database gets its folder (owner-only) from open_database.
        services = Services.open(paths.database_target(database), clock)
    except Exception as exc:  # read-only, full disk, a folder, another program's file, …
        return _cannot_start(exc, smoke_test=smoke_test)
    window, lock = build_window(services, clock, panels_behind_lock=True)
    if demo:
        from chargeclock.services.demo_data import demo_title

        window.set_title_note(demo_title())
    window.settled.connect(_settle_after_start)
    if smoke_test:
        # The startup probe: say so at the first paint (the benchmark times that line), then exit.
        def first_paint() -> None:
            if sys.stdout is not None:  # a windowed program on Windows has no standard output
                sys.stdout.write("chargeclock: main window painted\n")
                sys.stdout.flush()
            # exit, not quit: quit asks the window to close, which the lock (a database where
            # someone has a PIN) refuses, and with timers running would ask stop-or-keep.
            QTimer.singleShot(0, lambda: app.exit(0))

        window.painted.connect(first_paint)
        window.show()
        status = app.exec()
        window.ticker.stop()  # no tick reads the closed database
        # No session was begun, so none is ended: a crash left behind by an earlier run stays
        # on record for the next real start to offer recovery.
        services.close(clean=False)
        return status
    sys.excepthook = _show_unexpected
    restore_signals = end_in_order_when_asked(app)
    window.show()
    try:
        # The first write: a full disk or a read-only file says so here.
        recover(services, window, lock)
    except Exception as exc:
        window.ticker.stop()
        window.hide()
        services.close(clean=False)
        return _cannot_start(exc, smoke_test=False)
    if not lock.locked:  # a new database: the guide through the practice to a first patient
        from chargeclock.ui.first_run_guide import open_if_needed

        open_if_needed(window.runner, window)
    QTimer.singleShot(2000, lambda: daily_backup(services, window))
    try:
        status = app.exec()
    finally:
        restore_signals()
    window.ticker.stop()  # no tick reads the closed database
    services.close()
    return status
