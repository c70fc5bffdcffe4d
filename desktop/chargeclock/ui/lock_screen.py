"""The lock's cover: anonymous running clocks ("PT 12:34"), a user and a PIN. Made at the first
lock (see :mod:`chargeclock.ui.privacy_lock`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
