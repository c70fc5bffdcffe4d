"""A window that starts locked paints its cover first and makes its panels right after, behind
the cover (``build_window(..., panels_behind_lock=True)``, as the app starts it): nothing of a
patient shows, no shortcut works, until the unlock, which brings everything as a locked start
always did; an unlock that comes first makes the panels then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.services.display import Display
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock
from tests.ui.records_fixtures import PIN, Clinic, clinic, icd10_loaded, visible_texts
from tests.ui.test_lock_policy import named, running_segments, same_pixels, shown, start_timers

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


@pytest.fixture
def started(qtbot: QtBot, clinic: Clinic) -> Iterator[tuple[MainWindow, PrivacyLock]]:
    """The window as the app starts it, on a clinic with a PIN and two timers running."""
    start_timers(clinic)
    window, lock = build_window(clinic.services, clinic.clock, panels_behind_lock=True)
    window.at_first_paint = shown(qtbot, window)  # type: ignore[attr-defined]
    yield window, lock
    window.ticker.stop()


def test_the_cover_paints_first_and_the_panels_come_behind_it(
    qtbot: QtBot, started: tuple[MainWindow, PrivacyLock], clinic: Clinic
) -> None:
    window, lock = started
    ((first_paint, had_content),) = window.at_first_paint  # type: ignore[attr-defined]
    assert "ChargeClock is locked" in first_paint and named(first_paint) == []
    assert not had_content  # the cover alone
    qtbot.waitUntil(lambda: window.has_content)
    # Made, and hidden like the rest of a locked window: no name, no working shortcut.
    assert lock.locked and lock.screen.isVisible()
    assert window.centralWidget() is not None and window.centralWidget().isHidden()
    assert not window.toolbar.isVisible()
    assert named(visible_texts()) == []
    assert [a.text() for a in window.actions() if a.isEnabled()] == []
    assert same_pixels(window, lock.screen)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # PTA, if it worked
    assert running_segments(clinic.services) == 2
    assert window.ticker.isActive()  # the heartbeat and the clocks run behind the cover
    # The unlock brings it all, as after any locked start.
    assert lock.unlock(clinic.user_id, PIN)
    assert window.centralWidget().isVisible() and window.toolbar.isVisible()
    assert not lock.screen.isVisible()
    assert named(visible_texts())
    assert all(a.isEnabled() for a in window.actions_by_name.values())
    assert [a.text() for a in window.toolbar.actions()][-1] == "Large type"


def test_an_unlock_before_the_panels_are_made_makes_them(qtbot: QtBot, clinic: Clinic) -> None:
    window, lock = build_window(clinic.services, clinic.clock, panels_behind_lock=True)
    qtbot.addWidget(window)
    assert lock.locked and not window.has_content
    assert not lock.unlock(clinic.user_id, "0000")  # a wrong PIN makes nothing
    assert not window.has_content
    assert lock.unlock(clinic.user_id, PIN)
    assert window.has_content and window.ticker.isActive()
    window.show()
    qtbot.waitUntil(lambda: window.has_painted)
    assert window.centralWidget().isVisible() and named(visible_texts())
    assert all(a.isEnabled() for a in window.actions_by_name.values())
    window.ticker.stop()


def test_with_no_pin_the_window_is_whole_at_its_first_paint(qtbot: QtBot, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 14, tzinfo=UTC))
    services = Services.open(tmp_path / "new.sqlite3", clock, zone=UTC)
    try:
        window, lock = build_window(services, clock, panels_behind_lock=True)
        qtbot.addWidget(window)
        assert window.has_content and not lock.locked
        window.show()
        qtbot.waitUntil(lambda: window.has_painted)
        assert window.centralWidget().isVisible() and window.toolbar.isVisible()
        window.close()
    finally:
        services.close()


def test_timers_kept_running_are_said_once_the_panels_are_made(
    qtbot: QtBot, clinic: Clinic
) -> None:
    """The line about timers kept running through a clean exit is not lost to the shortcut
    hint the panels put in the status bar when they come."""
    from chargeclock.app import recover

    start_timers(clinic)
    clinic.services.recovery.end_session()  # a clean exit with the timers kept running
    window, lock = build_window(clinic.services, clinic.clock, panels_behind_lock=True)
    qtbot.addWidget(window)
    window.show()
    assert recover(clinic.services, window, lock) is None
    qtbot.waitUntil(lambda: window.has_content)
    assert lock.unlock(clinic.user_id, PIN)
    assert "kept running while ChargeClock was closed" in window.statusBar().currentMessage()
    window.ticker.stop()


@pytest.mark.parametrize("with_pin", [True, False])
@pytest.mark.parametrize("behind", [True, False])
def test_the_start_asks_once_whether_a_pin_is_needed(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch, with_pin: bool, behind: bool
) -> None:
    """Whether anyone has a PIN (every user read) is asked once at start, not twice."""
    from chargeclock.services.unlock import UnlockService

    if not with_pin:  # nobody with a PIN: the only user made inactive
        user = next(u for u in clinic.services.records.users() if u.id == clinic.user_id)
        clinic.services.records.update_user(
            user.id, user.name, user.role, provider_id=user.provider_id, active=False
        )
    asked: list[bool] = []
    ask = UnlockService.pin_needed

    def counted(self: UnlockService) -> bool:
        asked.append(ask(self))
        return asked[-1]

    monkeypatch.setattr(UnlockService, "pin_needed", counted)
    window, lock = build_window(clinic.services, clinic.clock, panels_behind_lock=behind)
    qtbot.addWidget(window)
    assert asked == [with_pin]
    assert lock.locked == with_pin
    window.ticker.stop()


def test_under_large_type_the_cover_is_drawn_at_its_size_from_the_first_paint(
    qtbot: QtBot, clinic: Clinic
) -> None:
    """The window starts with the theme at the type size kept: the cover inherits it, so it
    does not change size when the panels come behind it (it was drawn at the usual size, then
    grew with the panels' large type)."""
    Display(clinic.services.ctx).set_large_type(True)
    start_timers(clinic)
    window, lock = build_window(clinic.services, clinic.clock, panels_behind_lock=True)
    sizes: list[tuple[int, int]] = []

    def measured() -> None:
        screen = lock.screen
        sizes.append((screen.user.font().pointSize(), screen.card.height()))

    window.painted.connect(measured)
    shown(qtbot, window)
    qtbot.waitUntil(lambda: window.has_content)
    qtbot.wait(20)
    measured()
    window.ticker.stop()
    assert sizes[0][0] == theme.LARGE_POINT_SIZE
    assert sizes[0] == sizes[-1]
