"""The privacy lock: it hides every patient detail, the timers keep running and show by the
patient's initials, a wrong PIN is refused, the right one unlocks and names the user in the
audit log, and idle minutes lock by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chargeclock.ui import records_ui
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.records_ui import RecordsUi
from tests.ui.records_fixtures import PIN, Clinic, clinic, icd10_loaded, visible_texts

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, clinic: Clinic) -> Iterator[MainWindow]:
    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)
    yield window
    window.ticker.stop()


@pytest.fixture
def ui(window: MainWindow, clinic: Clinic) -> RecordsUi:
    return records_ui.install(window, clinic.services)


def mid_visit(window: MainWindow, clinic: Clinic) -> int:
    """Quintero's visit with PT on 97110 for 12:34 and PTA on 97112 for 3:10."""
    visits = clinic.services.visits
    window.start_visit(clinic.patient_id)
    visit_id = window.visit_id
    visits.start_timer(visit_id, "97110", "PT")
    clinic.clock.advance(minutes=9, seconds=24)
    visits.start_timer(visit_id, "97112", "PTA")
    clinic.clock.advance(minutes=3, seconds=10)
    window.open_visit(visit_id)
    window.tick()
    return visit_id


def running_segments(clinic: Clinic) -> int:
    row = clinic.services.db.conn.execute(
        "SELECT count(*) FROM timer_segments WHERE stopped_at IS NULL"
    ).fetchone()
    return int(row[0])


def test_lock_hides_names_and_timers_keep_running(
    window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    mid_visit(window, clinic)
    assert any("Quintero" in t for t in visible_texts())
    window.lock_requested.emit()
    assert ui.lock.locked and ui.lock.screen.isVisible()
    texts = visible_texts()
    assert not any("Quintero" in t or "Marisol" in t for t in texts), texts
    assert not window.centralWidget().isVisible()
    assert ui.lock.screen.geometry() == window.rect()
    assert ui.lock.screen.clock_texts() == ["MQ · 97110 · PT 12:34", "MQ · 97112 · PTA 03:10"]
    # time goes on, nothing stopped: the segments are still open in the database
    assert running_segments(clinic) == 2
    clinic.clock.advance(seconds=61)
    window.tick()
    ui.lock.screen.refresh()
    shown = [label.text() for label in ui.lock.screen.clock_labels if label.isVisible()]
    assert shown == ["MQ · 97110 · PT 13:35", "MQ · 97112 · PTA 04:11"]
    assert running_segments(clinic) == 2
    assert window.ticker.isActive()


def test_the_lock_shows_every_running_timer_by_initials_only(
    window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    """Not only the open visit's: a timer left running on another patient's visit shows too,
    by initials, with the time that role has on that code (earlier segments included)."""
    records, visits = clinic.services.records, clinic.services.visits
    other, _ = records.add_patient(
        "Oyelaran", "Tobi", date(1948, 5, 6), payer_id=clinic.payer_id, diagnoses=["M17.11"]
    )
    first = visits.open_visit(other.id).visit_id
    visits.start_timer(first, "97140", "PT")
    clinic.clock.advance(minutes=2)
    visits.stop_timer(first, "PT")
    visits.start_timer(first, "97140", "PT")  # 2:00 earlier, then running again
    clinic.clock.advance(minutes=1)
    mid_visit(window, clinic)  # Quintero's visit is the open one
    ui.lock.lock()
    assert ui.lock.screen.clock_texts() == [
        "TO · 97140 · PT 15:34",
        "MQ · 97110 · PT 12:34",
        "MQ · 97112 · PTA 03:10",
    ]
    texts = visible_texts()
    for name in ("Quintero", "Marisol", "Oyelaran", "Tobi"):
        assert not any(name in t for t in texts), (name, texts)


def test_shortcuts_do_nothing_while_locked(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    mid_visit(window, clinic)
    window.table.selectRow(0)
    ui.lock.lock()
    assert not window.actions_by_name["pt"].isEnabled()
    window.actions_by_name["pt"].trigger()
    assert running_segments(clinic) == 2
    ui.lock.unlock(clinic.user_id, PIN)
    assert window.actions_by_name["pt"].isEnabled()


def test_wrong_pin_is_refused_and_the_right_one_unlocks(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    mid_visit(window, clinic)
    window.lock_requested.emit()
    screen = ui.lock.screen
    screen.pin.setText("0000")
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert ui.lock.locked
    assert screen.error.text() == "Wrong PIN. Try again."
    assert screen.pin.text() == ""
    screen.user.setCurrentIndex(screen.user.findData(clinic.user_id))
    screen.pin.setText(PIN)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert not ui.lock.locked and not screen.isVisible()
    assert window.centralWidget().isVisible() and window.toolbar.isVisible()
    assert any("Quintero" in t for t in visible_texts())
    assert running_segments(clinic) == 2
    # the unlocked user is the one the audit log names for what follows
    clinic.services.records.set_lock_minutes(7)
    assert clinic.services.audit_entries()[-1].actor == "Dana Reyes"
    assert clinic.services.ctx.actor == "Dana Reyes"


def test_open_dialogs_hide_while_locked(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    mid_visit(window, clinic)
    dialog = ui.edit_patient()
    assert dialog is not None and dialog.isVisible()
    ui.lock.lock()
    assert not dialog.isVisible()
    assert not any("Quintero" in t for t in visible_texts())
    ui.lock.unlock(clinic.user_id, PIN)
    assert dialog.isVisible()
    dialog.reject()


def test_idle_minutes_lock_and_input_restarts_the_countdown(
    window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    lock = ui.lock
    assert lock.idle_minutes == 5 and lock.idle_timer.interval() == 5 * 60_000
    assert lock.idle_timer.isActive()
    lock.idle_timer.stop()
    QApplication.sendEvent(
        window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    )
    assert lock.idle_timer.isActive()  # someone is at the keyboard: the countdown restarts
    lock.idle_timer.timeout.emit()
    assert lock.locked
    assert not lock.idle_timer.isActive()
    lock.unlock(clinic.user_id, PIN)
    assert lock.idle_timer.isActive()


def test_unlocking_keeps_a_small_screens_window_size(qtbot: QtBot, clinic: Clinic) -> None:
    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    lock = records_ui.install(window, clinic.services).lock
    lock.lock_at_start()  # locked before the first paint: its parts laid out hidden
    window.resize(1024, 600)
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)
    assert window.width() == 1024
    assert lock.unlock(clinic.user_id, PIN)
    qtbot.wait(50)
    assert window.width() == 1024
    window.ticker.stop()


def test_the_idle_minutes_of_a_closed_window_lock_nothing(
    window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    lock = ui.lock
    assert lock.idle_timer.isActive()
    window.close()
    clinic.services.close()  # the store goes with the window
    lock.idle_timer.timeout.emit()  # its countdown runs out afterwards
    assert not lock.locked


def test_input_anywhere_in_the_window_restarts_the_countdown(
    window: MainWindow, ui: RecordsUi
) -> None:
    """Real input arrives through the window's QWindow, whichever widget it is for."""
    lock = ui.lock
    handle = window.windowHandle()
    window.search.setFocus()
    lock.idle_timer.stop()
    QTest.keyClick(handle, Qt.Key.Key_Q)
    assert window.search.text() == "q"  # it reached the search box
    assert lock.idle_timer.isActive()
    lock.idle_timer.stop()
    QTest.mouseMove(handle, QPoint(400, 300))
    assert lock.idle_timer.isActive()
    lock.idle_timer.stop()
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert lock.idle_timer.isActive()


def test_input_in_a_dialog_restarts_the_countdown(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi
) -> None:
    lock = ui.lock
    dialog = ui.settings()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle())
    lock.idle_timer.stop()
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Tab)
    assert lock.idle_timer.isActive()
    dialog.reject()


def test_a_lock_wired_before_the_window_shows_watches_it(qtbot: QtBot, clinic: Clinic) -> None:
    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    ui = records_ui.install(window, clinic.services)  # as the app does: before show()
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)  # input is watched from the first paint
    ui.lock.idle_timer.stop()
    QTest.mouseMove(window.windowHandle(), QPoint(400, 300))
    assert ui.lock.idle_timer.isActive()
    window.ticker.stop()


def test_idle_minutes_follow_the_setting(window: MainWindow, ui: RecordsUi, clinic: Clinic) -> None:
    dialog = ui.settings()
    dialog.lock.minutes.setValue(0)
    dialog.lock.save()
    assert ui.lock.idle_minutes == 0 and not ui.lock.idle_timer.isActive()
    dialog.lock.minutes.setValue(2)
    dialog.lock.save()
    assert ui.lock.idle_timer.interval() == 2 * 60_000 and ui.lock.idle_timer.isActive()
    dialog.reject()


def test_no_users_yet_unlocks_without_a_pin(qtbot: QtBot, tmp_path, icd10_loaded: None) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from chargeclock.clock import FakeClock
    from chargeclock.services.session import Services

    clock = FakeClock(datetime(2026, 3, 2, 14, tzinfo=UTC))
    services = Services.open(tmp_path / "empty.sqlite3", clock, zone=UTC)
    try:
        window = MainWindow(services, clock)
        qtbot.addWidget(window)
        window.show()
        ui = records_ui.install(window, services)
        window.lock_requested.emit()
        assert "Settings" in ui.lock.screen.error.text()
        qtbot.mouseClick(ui.lock.screen.unlock_button, Qt.MouseButton.LeftButton)
        assert not ui.lock.locked
        window.close()  # the window closes before its database, as in the app
    finally:
        services.close()


def test_a_window_already_up_when_the_watch_begins_is_watched(qtbot: QtBot, clinic: Clinic) -> None:
    """A dialog shown before the main window's first paint (as the crash-recovery one can be)."""
    from PySide6.QtWidgets import QDialog

    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    early = QDialog(window)
    early.resize(300, 200)
    ui = records_ui.install(window, clinic.services)
    early.show()
    window.show()
    qtbot.waitUntil(lambda: window.has_painted and ui.lock.armed)
    qtbot.waitExposed(early)
    ui.lock.idle_timer.stop()
    QTest.mouseMove(early.windowHandle(), QPoint(50, 50))
    assert ui.lock.idle_timer.isActive()
    early.reject()
    window.ticker.stop()


def test_a_window_that_never_paints_is_watched_a_few_seconds_in(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started minimized, the window does not paint; the lock still arms."""
    from chargeclock.ui import main_window

    monkeypatch.setattr(main_window, "START_SETTLES_MS", 20)
    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    ui = records_ui.install(window, clinic.services)
    assert not ui.lock.armed and not window.has_painted
    qtbot.waitUntil(lambda: ui.lock.armed, timeout=2_000)
    assert not window.has_painted
    window.ticker.stop()
