"""The privacy lock: one key (Ctrl+L) or some idle minutes cover the whole window, hiding every
patient detail, while the timers keep running and show by the patient's initials
("MQ · 97110 · PT 12:34").

Locking changes nothing in the database: no timer stops, nobody is logged out. Unlocking needs
a user's PIN; the audit log then names that user for the changes that follow. Wrong PINs back
off (:mod:`chargeclock.services.unlock`). When anyone has a PIN the window starts locked
(:meth:`PrivacyLock.lock_at_start`). While locked the window refuses to close: quitting would
offer to stop the timers, and a restart would open unlocked. The cover itself
(:mod:`chargeclock.ui.lock_screen`) is made at the first lock.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow

if TYPE_CHECKING:
    from PySide6.QtGui import QShortcut, QWindow

    from chargeclock.ui.lock_screen import LockScreen


@cache
def _input_events() -> frozenset[QEvent.Type]:
    """What counts as someone at the keyboard or the screen (the idle countdown starts again)."""
    return frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TabletPress,
        }
    )


class PrivacyLock(QObject):
    """Locks ``window`` on its ``lock_requested`` signal or after idle minutes."""

    locked_changed = Signal(bool)

    def __init__(self, window: MainWindow, services: Services, idle_minutes: int = 5) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self._screen: LockScreen | None = None
        self.locked = False
        self._hidden: list[QWidget] = []
        self._disabled: list[object] = []
        self._after_unlock: list[Callable[[], object]] = []
        #: called before an unlock uncovers the window (app.build_window: its panels, if the
        #: start has not made them yet)
        self.before_unlock: Callable[[], object] | None = None
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.set_idle_minutes(idle_minutes)
        window.lock_requested.connect(self.lock)
        window.close_guard = self._may_close
        # Input is watched once the start is over (the first paint: nobody types into a window
        # not yet drawn), so the start-up events do not pass through Python.
        self.armed = False
        window.after_start(self._arm)

    def _arm(self) -> None:
        # Input reaches a top-level window's QWindow before any widget inside it, so watching the
        # QWindows (the main window's, every window already up, and each one that takes the
        # focus later) sees every key, click and move. An application-wide filter would see every
        # event of every object, and its first ones make PySide build Python types for ~180 Qt
        # classes (~40 ms).
        if self.armed:
            return
        self.armed = True
        self.window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._watch)
            self._watch(app.focusWindow())
            for widget in app.topLevelWidgets():
                if widget.isVisible():
                    self._watch(widget.windowHandle())
        self._watch(self.window.windowHandle())

    @property
    def screen(self) -> LockScreen:
        """The cover; made at the first lock, not before the window's first paint."""
        if self._screen is None:
            from chargeclock.ui.lock_screen import LockScreen

            self._screen = LockScreen(self.window, self.services)
            self._screen.unlock_requested.connect(self._unlock_from_screen)
        return self._screen

    def set_idle_minutes(self, minutes: int) -> None:
        """0 turns the idle lock off (the key still locks)."""
        self.idle_minutes = minutes
        self.idle_timer.stop()
        if minutes > 0:
            self.idle_timer.setInterval(minutes * 60_000)
            if not self.locked:
                self.idle_timer.start()

    def _watch(self, handle: QWindow | None) -> None:
        if handle is not None:
            handle.installEventFilter(self)  # installing twice keeps one

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _input_events():
            if not self.locked and self.idle_minutes > 0:
                self.idle_timer.start()
        elif watched is self.window and kind == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        return False

    def lock_at_start(self, pin_needed: bool | None = None) -> bool:
        """Lock before the window first shows if anyone has a PIN (a restart must not open the
        window unlocked); with no PIN yet the window opens as it is. True if it locked.
        ``pin_needed``: the answer the start already has (else the database is asked)."""
        if pin_needed is None:
            pin_needed = self.services.unlock.pin_needed()
        if pin_needed:
            self.lock()
        return self.locked

    def after_unlock(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once, at the next unlock (now if not locked)."""
        if self.locked:
            self._after_unlock.append(callback)
        else:
            callback()

    def _may_close(self) -> bool:
        """The window's close guard: while locked nothing closes it (the close button, the
        window manager, ``QApplication.quit``); the cover says to unlock first."""
        if self.locked:
            self.screen.refuse_close()
            return False
        return True

    def lock(self) -> None:
        """Cover the window and every other window it opened; the timers run on. Once its
        database is closed (the window is going away) there is nothing left to cover: a late
        idle timeout does nothing, and hides no other window."""
        if self.locked or self.services.db.closed:
            return
        self.locked = True
        self.idle_timer.stop()
        window = self.window
        # The cover follows the window's size from now on, also before the first paint.
        window.installEventFilter(self)
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not window and w.isVisible() and w is not self.screen
        ]
        central = window.centralWidget()
        # isHidden, not isVisible: locked before the window is shown, its parts are not
        # visible yet but would show with it.
        for widget in (central, window.toolbar, window.statusBar()):
            if widget is not None and not widget.isHidden():
                self._hidden.append(widget)
        for widget in self._hidden:
            widget.hide()
        self._disabled = [a for a in window.actions() if a.isEnabled()]
        for action in window.actions():
            action.setEnabled(False)
        self.screen.cover()
        self.locked_changed.emit(True)

    def cover_new_parts(self) -> None:
        """While locked, hide what was added to the window since it locked (its panels, made
        after the cover's first paint) and turn off its new shortcuts; the unlock brings them
        back with the rest."""
        if not self.locked:
            return
        central = self.window.centralWidget()
        # Hidden explicitly even if not shown yet: a child added to a shown window is shown
        # by a queued call, which an explicit hide stops.
        if central is not None and central not in self._hidden:
            central.hide()
            self._hidden.append(central)
        for action in self.window.actions():
            if action.isEnabled():
                action.setEnabled(False)
                self._disabled.append(action)
        self.screen.raise_()

    def _unlock_from_screen(self, user_id: int, pin: str) -> None:
        """The lock screen's Unlock: a PIN the database cannot check (read-only, full disk) is
        said on the screen, which stays locked."""
        try:
            self.unlock(user_id, pin)
        except ChargeClockError as exc:
            self.screen.say(f"Not unlocked: {exc}")

    def unlock(self, user_id: int, pin: str) -> bool:
        """Uncover with the PIN of active user ``user_id`` (any PIN while nobody has one)."""
        if not self.locked:
            return True
        unlock = self.services.unlock
        if unlock.pin_needed():
            attempt = unlock.try_pin(user_id, pin)
            if attempt.user is None:
                self.screen.refuse(attempt.backoff)
                return False
            self.services.set_actor(attempt.user.name)
        if self.before_unlock is not None:
            self.before_unlock()
        self.locked = False
        self.screen.uncover()
        # The parts come back at the window's size: laid out while hidden, they may ask for
        # more room at first (a 1024-wide screen would get a wider window) until fitted again.
        size = self.window.size()
        window = self.window
        QTimer.singleShot(0, lambda: shiboken6.isValid(window) and window.resize(size))
        for widget in self._hidden:
            # A message box hidden by the lock has already returned (hiding ends its exec):
            # it is gone, or an empty shell not to be shown again.
            if not shiboken6.isValid(widget) or _is_message_box(widget):
                continue
            if widget.parent() is self.window or isinstance(widget, QDialog):
                widget.show()
        self._hidden = []
        for action in self.window.actions():
            action.setEnabled(action in self._disabled)
        self._disabled = []
        if self.idle_minutes > 0:
            self.idle_timer.start()
        self.locked_changed.emit(False)
        waiting, self._after_unlock = self._after_unlock, []
        for callback in waiting:
            callback()
        return True


def _is_message_box(widget: QWidget) -> bool:
    # By Qt's class name: QMessageBox's Python type (and its enums) is not built for this.
    return widget.inherits("QMessageBox")


def lock_shortcut(dialog: QWidget, window: MainWindow) -> QShortcut:
    """Ctrl+L in a dialog locks too (a modal dialog keeps the window's own shortcut away)."""
    from PySide6.QtGui import QKeySequence, QShortcut

    shortcut = QShortcut(QKeySequence("Ctrl+L"), dialog)
    shortcut.activated.connect(window.lock_requested.emit)
    return shortcut
