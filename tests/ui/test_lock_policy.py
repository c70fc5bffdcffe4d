"""The lock cannot be passed by closing or restarting the app: the window starts locked when
anyone has a PIN, and while locked no close (button, window manager, quit, the close question,
the recovery dialog) stops a timer or shows a patient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window, recover
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock
from chargeclock.ui.recovery_dialog import RecoveryDialog
from tests.ui.records_fixtures import PIN, Clinic, clinic, icd10_loaded, visible_texts

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui

#: the real question (tests/ui/conftest.py answers "keep" for every other test)
ASK_FOR_REAL = MainWindow.close_choice
NAMES = ("Quintero", "Marisol")


def running_segments(services: Services) -> int:
    row = services.db.conn.execute(
        "SELECT count(*) FROM timer_segments WHERE stopped_at IS NULL"
    ).fetchone()
    return int(row[0])


def start_timers(clinic: Clinic) -> int:
    """Quintero's visit with PT on 97110 and PTA on 97112, both running."""
    visits = clinic.services.visits
    visit_id = visits.open_visit(clinic.patient_id).visit_id
    visits.start_timer(visit_id, "97110", "PT")
    visits.start_timer(visit_id, "97112", "PTA")
    clinic.clock.advance(minutes=4)
    return visit_id


def named(texts: list[str]) -> list[str]:
    return [t for t in texts if any(name in t for name in NAMES)]


def same_pixels(one: QWidget, other: QWidget) -> bool:
    first = one.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    second = other.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return first == second


def shown(qtbot: QtBot, window: MainWindow) -> list[tuple[list[str], bool]]:
    """Show ``window`` until it has painted; what could be read at its first paint, and
    whether its panels were made by then."""
    qtbot.addWidget(window)
    at_first_paint: list[tuple[list[str], bool]] = []
    window.painted.connect(lambda: at_first_paint.append((visible_texts(), window.has_content)))
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)
    return at_first_paint


@pytest.fixture
def started(qtbot: QtBot, clinic: Clinic) -> Iterator[tuple[MainWindow, PrivacyLock]]:
    """The window as the app starts it, on a clinic whose timers were left running."""
    start_timers(clinic)
    window, lock = build_window(clinic.services, clinic.clock)
    window.at_first_paint = [texts for texts, _ in shown(qtbot, window)]  # type: ignore[attr-defined]
    yield window, lock
    window.ticker.stop()


def test_the_app_starts_locked_when_someone_has_a_pin(
    started: tuple[MainWindow, PrivacyLock], clinic: Clinic, tmp_path: Path
) -> None:
    window, lock = started
    (first_paint,) = window.at_first_paint  # type: ignore[attr-defined]
    assert "ChargeClock is locked" in first_paint
    assert named(first_paint) == []
    assert lock.locked and lock.screen.isVisible()
    assert named(visible_texts()) == []
    assert not window.centralWidget().isVisible() and not window.toolbar.isVisible()
    # What the window shows is the cover, pixel for pixel: nothing of the window beside it.
    assert lock.screen.geometry() == window.rect()
    assert same_pixels(window, lock.screen)
    window.grab().save(str(tmp_path / "locked-at-start.png"))
    assert lock.screen.clock_texts() == ["MQ · 97110 · PT 04:00", "MQ · 97112 · PTA 04:00"]
    assert lock.unlock(clinic.user_id, PIN)
    assert window.centralWidget().isVisible()
    assert named(visible_texts())  # the patient list is back


def test_with_no_pin_yet_the_app_starts_unlocked(qtbot: QtBot, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 14, tzinfo=UTC))
    services = Services.open(tmp_path / "new.sqlite3", clock, zone=UTC)
    try:
        window, lock = build_window(services, clock)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.has_painted)
        assert not lock.locked
        assert window.centralWidget().isVisible() and window.toolbar.isVisible()
        window.close()
    finally:
        services.close()


def test_closing_while_locked_is_refused_and_stops_nothing(
    started: tuple[MainWindow, PrivacyLock], clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, lock = started
    asked: list[int] = []
    monkeypatch.setattr(window, "close_choice", lambda n: asked.append(n) or "stop")
    assert not window.close()  # the close button, the window manager
    QApplication.closeAllWindows()  # what quitting the application does
    assert window.isVisible() and lock.locked and lock.screen.isVisible()
    assert asked == []  # "Stop timers and quit" was never offered
    assert running_segments(clinic.services) == 2
    assert "Unlock first" in lock.screen.error.text()
    assert named(visible_texts()) == []
    # Unlocked, the close asks again as always.
    assert lock.unlock(clinic.user_id, PIN)
    assert window.close()
    assert asked == [2] and running_segments(clinic.services) == 0


def test_a_close_question_up_when_the_lock_falls_is_answered_cancel(
    started: tuple[MainWindow, PrivacyLock], clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked to stop or keep, then the idle lock: the question goes away unanswered, the window
    stays, and after the unlock no empty question comes back."""
    window, lock = started
    assert lock.unlock(clinic.user_id, PIN)
    monkeypatch.setattr(window, "close_choice", lambda n: ASK_FOR_REAL(window, n))
    boxes: list[QMessageBox] = []

    def idle_lock() -> None:
        boxes.extend(w for w in visible_top_levels() if isinstance(w, QMessageBox))
        lock.idle_timer.timeout.emit()

    QTimer.singleShot(0, idle_lock)
    assert not window.close()
    (box,) = boxes  # the question was up when the lock fell
    assert lock.locked and window.isVisible() and not box.isVisible()
    assert running_segments(clinic.services) == 2
    monkeypatch.setattr(window, "close_choice", lambda n: "keep")
    assert lock.unlock(clinic.user_id, PIN)
    assert not box.isVisible()
    assert not any(isinstance(w, QMessageBox) for w in visible_top_levels())


def test_a_message_box_up_when_the_lock_falls_does_not_spoil_the_unlock(
    started: tuple[MainWindow, PrivacyLock], clinic: Clinic
) -> None:
    """A static message box is deleted as soon as the lock hides it; the unlock still shows
    the whole window."""
    window, lock = started
    assert lock.unlock(clinic.user_id, PIN)
    QTimer.singleShot(0, lock.lock)
    QMessageBox.information(window, "ChargeClock", "Pick a patient first.")
    assert lock.locked
    assert lock.unlock(clinic.user_id, PIN)
    assert window.centralWidget().isVisible() and window.toolbar.isVisible()


def visible_top_levels() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_the_recovery_dialog_waits_for_the_pin(qtbot: QtBot, clinic: Clinic) -> None:
    """Its choices stop timers: at a locked start it opens only after the unlock."""
    start_timers(clinic)
    clinic.services.recovery.beat()
    path = clinic.services.db.path
    assert path is not None
    clinic.services.close(clean=False)  # the process died
    clinic.clock.advance(minutes=5)
    services = Services.open(path, clinic.clock, zone=UTC)
    try:
        window, lock = build_window(services, clinic.clock)
        qtbot.addWidget(window)
        window.show()
        assert lock.locked
        assert recover(services, window, lock) is None
        dialogs = [w for w in visible_top_levels() if isinstance(w, RecoveryDialog)]
        assert dialogs == [] and named(visible_texts()) == []
        assert not lock.unlock(clinic.user_id, "0000")
        assert not any(isinstance(w, RecoveryDialog) for w in visible_top_levels())
        assert lock.unlock(clinic.user_id, PIN)
        (dialog,) = [w for w in visible_top_levels() if isinstance(w, RecoveryDialog)]
        assert len(dialog.timers) == 2
        assert running_segments(services) == 2  # nothing decided yet
        dialog.reject()
        window.ticker.stop()
        window.close()
    finally:
        services.close()
