"""The privacy lock: one key (Ctrl+L) or some idle minutes cover the whole window, hiding every
patient detail, while the timers keep running and show as anonymous clocks ("PT 12:34").

Locking changes nothing in the database: no timer stops, nobody is logged out. Unlocking needs
a user's PIN; the audit log then names that user for the changes that follow.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import clock_text

#: what counts as someone at the keyboard or the screen (the idle countdown starts again)
INPUT_EVENTS = frozenset(
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

LOCK_STYLE = f"""
QWidget#LockScreen {{ background: #1d2733; }}
QLabel#LockTitle {{ color: white; font-size: 24pt; font-weight: 600; }}
QLabel#LockNote {{ color: #c9d3df; font-size: 13pt; }}
QLabel#LockClock {{
    color: white; font-size: 30pt; font-weight: 600; padding: 10px 22px; border-radius: 10px;
}}
QLabel#LockIdle {{ color: #c9d3df; font-size: 16pt; }}
QFrame#LockCard {{ background: white; border-radius: 12px; }}
QLabel#LockError {{ color: {theme.ALERT_COLOUR}; font-weight: 600; }}
QLineEdit#Pin {{ font-size: 20pt; min-height: 48px; letter-spacing: 6px; }}
QComboBox {{ min-height: 44px; }}
QPushButton {{ min-height: 48px; }}
"""


class LockScreen(QWidget):
    """The cover: anonymous running clocks, a user and a PIN."""

    unlock_requested = Signal(int, str)  # user id (0: no users yet), PIN

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.window_ = window
        self.services = services
        self.setObjectName("LockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.STYLESHEET + LOCK_STYLE)
        title = QLabel("ChargeClock is locked")
        title.setObjectName("LockTitle")
        note = QLabel("Timers keep running. Unlock with your PIN.")
        note.setObjectName("LockNote")
        self.clocks_row = QHBoxLayout()
        self.clocks_row.setSpacing(16)
        self.clock_labels: list[QLabel] = []
        self.idle_note = QLabel("No timer running")
        self.idle_note.setObjectName("LockIdle")

        card = QFrame()
        card.setObjectName("LockCard")
        card.setFixedWidth(440)
        self.user = QComboBox()
        self.pin = QLineEdit()
        self.pin.setObjectName("Pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setPlaceholderText("PIN")
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin.returnPressed.connect(self._submit)
        self.error = QLabel()
        self.error.setObjectName("LockError")
        self.error.setWordWrap(True)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("Primary")
        self.unlock_button.clicked.connect(self._submit)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(24, 20, 24, 20)
        card_layout.setSpacing(10)
        card_layout.addWidget(QLabel("Who is unlocking?"))
        card_layout.addWidget(self.user)
        card_layout.addWidget(self.pin)
        card_layout.addWidget(self.error)
        card_layout.addWidget(self.unlock_button)

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, note):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(24)
        clocks = QHBoxLayout()
        clocks.addStretch(1)
        clocks.addLayout(self.clocks_row)
        clocks.addWidget(self.idle_note)
        clocks.addStretch(1)
        layout.addLayout(clocks)
        layout.addSpacing(28)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.refresh_clocks)
        self.hide()

    def clock_texts(self) -> list[str]:
        """ "PT 12:34" per running timer (no code, no patient): from the window's rows."""
        now = self.window_.clock.now()
        texts = []
        for role in ("PT", "PTA"):
            for row in self.window_.rows.rows():
                if row.running(role):
                    texts.append(f"{role} {clock_text(row.seconds(role, now))}")
        return texts

    def refresh_clocks(self) -> None:
        texts = self.clock_texts()
        while len(self.clock_labels) < len(texts):
            label = QLabel()
            label.setObjectName("LockClock")
            self.clocks_row.addWidget(label)
            self.clock_labels.append(label)
        for i, label in enumerate(self.clock_labels):
            if i < len(texts):
                colour = theme.PTA_COLOUR if texts[i].startswith("PTA") else theme.PT_COLOUR
                label.setStyleSheet(f"background: {colour};")
                label.setText(texts[i])
                label.show()
            else:
                label.hide()
        self.idle_note.setVisible(not texts)

    def cover(self) -> None:
        self.user.clear()
        users = [u for u in self.services.records.users() if u.active]
        for user in users:
            self.user.addItem(user.name, user.id)
        if not users:
            self.user.addItem("No user has a PIN yet", 0)
            self.pin.setPlaceholderText("No PIN needed yet")
            self.error.setText("Add users with PINs in Settings → Users.")
        else:
            self.pin.setPlaceholderText("PIN")
            self.error.setText("")
        self.pin.setEnabled(bool(users))
        self.pin.clear()
        self.setGeometry(self.window_.rect())
        self.refresh_clocks()
        self.ticker.start()
        self.show()
        self.raise_()
        (self.pin if users else self.unlock_button).setFocus()

    def uncover(self) -> None:
        self.ticker.stop()
        self.pin.clear()
        self.error.setText("")
        self.hide()

    def refuse(self, message: str) -> None:
        self.error.setText(message)
        self.pin.clear()
        self.pin.setFocus()

    def _submit(self) -> None:
        self.unlock_requested.emit(int(self.user.currentData() or 0), self.pin.text())


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
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.set_idle_minutes(idle_minutes)
        window.lock_requested.connect(self.lock)
        # Input is watched from the window's first paint (nobody types into a window not yet
        # drawn), so the start-up events do not pass through Python.
        if window.has_painted:
            self._arm()
        else:
            window.painted.connect(self._arm)

    def _arm(self) -> None:
        # Input reaches a top-level window's QWindow before any widget inside it, so watching the
        # QWindows (the main window's, a dialog's as it takes the focus) sees every key, click
        # and move. An application-wide filter would see every event of every object, and its
        # first ones make PySide build Python types for ~180 Qt classes (~40 ms).
        self.window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._watch)
        self._watch(self.window.windowHandle())

    @property
    def screen(self) -> LockScreen:
        """The cover; made at the first lock, not before the window's first paint."""
        if self._screen is None:
            self._screen = LockScreen(self.window, self.services)
            self._screen.unlock_requested.connect(self.unlock)
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
        if kind in INPUT_EVENTS:
            if not self.locked and self.idle_minutes > 0:
                self.idle_timer.start()
        elif watched is self.window and kind == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        return False

    def lock(self) -> None:
        """Cover the window and every other window it opened; the timers run on."""
        if self.locked:
            return
        self.locked = True
        self.idle_timer.stop()
        window = self.window
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not window and w.isVisible() and not isinstance(w, LockScreen)
        ]
        central = window.centralWidget()
        for widget in (central, window.toolbar, window.statusBar()):
            if widget is not None and widget.isVisible():
                self._hidden.append(widget)
        for widget in self._hidden:
            widget.hide()
        self._disabled = [a for a in window.actions() if a.isEnabled()]
        for action in window.actions():
            action.setEnabled(False)
        self.screen.cover()
        self.locked_changed.emit(True)

    def unlock(self, user_id: int, pin: str) -> bool:
        if not self.locked:
            return True
        users = [u for u in self.services.records.users() if u.active]
        if users:
            user = next((u for u in users if u.id == user_id), None)
            if user is None or not self.services.records.check_pin(user_id, pin):
                self.screen.refuse("Wrong PIN. Try again.")
                return False
            self.services.set_actor(user.name)
        self.locked = False
        self.screen.uncover()
        for widget in self._hidden:
            if widget.parent() is self.window or isinstance(widget, QDialog):
                widget.show()
        self._hidden = []
        for action in self.window.actions():
            action.setEnabled(action in self._disabled)
        self._disabled = []
        if self.idle_minutes > 0:
            self.idle_timer.start()
        self.locked_changed.emit(False)
        return True


def lock_shortcut(dialog: QWidget, window: MainWindow) -> QShortcut:
    """Ctrl+L in a dialog locks too (a modal dialog keeps the window's own shortcut away)."""
    shortcut = QShortcut(QKeySequence("Ctrl+L"), dialog)
    shortcut.activated.connect(window.lock_requested.emit)
    return shortcut
