"""The lock's cover: every running timer of every patient by initials and treatment room
("MQ · Room 2 · 97110 · PT 12:34"), never a name; a user and a PIN, with the wait after wrong
PINs counting down. Made at the first lock (see :mod:`chargeclock.ui.privacy_lock`)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.backoff import FREE_TRIES, PinBackoff, wait_after, wait_text
from chargeclock.services.changes import Changes
from chargeclock.services.running import clock_text
from chargeclock.services.session import Services
from chargeclock.services.unlock import LockClock
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow

LOCK_STYLE = f"""
QWidget#LockScreen {{ background: #1d2733; }}
QLabel#LockTitle {{ color: white; font-size: 24pt; font-weight: 600; }}
QLabel#LockNote {{ color: #c9d3df; font-size: 13pt; }}
QLabel#LockClock {{
    color: white; font-weight: 600; padding: 8px 20px; border-radius: 10px;
    qproperty-alignment: AlignCenter;
}}
QLabel#LockIdle {{ color: #c9d3df; font-size: 16pt; }}
QFrame#LockCard {{ background: white; border-radius: 12px; }}
QLabel#LockError {{ color: {theme.ALERT_COLOUR}; font-weight: 600; }}
QLineEdit#Pin {{
    font-size: 20pt; min-height: 48px; letter-spacing: 6px;
    qproperty-inputMethodHints: ImhDigitsOnly;
}}
QLineEdit#Pin:disabled {{ background: #e4e8ee; }}
QComboBox {{ min-height: 44px; }}
QPushButton {{ min-height: 48px; }}
"""


#: the clocks are laid out this many to a row (where they fit)
CLOCKS_PER_ROW = 2
#: the clocks' type, the largest that fits the screen (read from across the room)
CLOCK_POINTS = (22, 18, 15, 12)


#: a clock text with its digits all 0: what its width depends on (digits have one width)
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


class LockScreen(QFrame):
    """The cover: the running timers by initials, a user and a PIN.

    It is the first paint of a window that starts locked, so it names nothing of Qt's ``Qt``
    namespace (~80 enums, some 25 ms to build): a frame paints its styled background without
    ``WA_StyledBackground``, the style sheet aligns the clocks and gives the PIN field its
    digits-only hint, and stretches centre the title and the card."""

    unlock_requested = Signal(int, str)  # user id (0: no users yet), PIN

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.window_ = window
        self.services = services
        self.setObjectName("LockScreen")
        self.setStyleSheet(theme.own_sheet(window, LOCK_STYLE))
        title = self.title = QLabel("ChargeClock is locked")
        title.setObjectName("LockTitle")
        note = self.note = QLabel("Timers keep running. Unlock with your PIN.")
        note.setObjectName("LockNote")
        self.clocks_grid = QGridLayout()
        self.clocks_grid.setSpacing(16)
        self.clock_labels: list[QLabel] = []
        self.per_row = CLOCKS_PER_ROW
        self._laid_out: tuple[object, ...] | None = None  # what the clocks were laid out for
        self.clocks: list[LockClock] = []
        self.backoff = PinBackoff()
        self.waiting = False  # wrong PINs: the PIN field is closed until the wait is over
        self.has_users = False
        self.idle_note = QLabel("No timer running")
        self.idle_note.setObjectName("LockIdle")

        card = self.card = QFrame()
        card.setObjectName("LockCard")
        card.setFixedWidth(440)
        self.user = QComboBox()
        self.pin = QLineEdit()
        self.pin.setObjectName("Pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setPlaceholderText("PIN")
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

        layout = self.main_layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, note):
            layout.addLayout(_centred(widget))
        layout.addSpacing(24)
        clocks = QHBoxLayout()
        clocks.addStretch(1)
        clocks.addLayout(self.clocks_grid)
        clocks.addWidget(self.idle_note)
        clocks.addStretch(1)
        layout.addLayout(clocks)
        layout.addSpacing(28)
        layout.addLayout(_centred(card))
        layout.addStretch(3)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.refresh)
        # A timer started or stopped from outside (a foot switch) while the lock is on.
        window.runner.store_changed.connect(self._store_changed)
        self.hide()

    def _store_changed(self, changes: Changes) -> None:
        if self.isVisible() and changes.any_visit:
            self.clocks = self.services.unlock.running_clocks()
            self.refresh_clocks()

    def clock_texts(self) -> list[str]:
        """ "MQ · Room 2 · 97110 · PT 12:34" per running timer, in any visit: initials and the
        room it was started in (left out when not known), never a name.
        The timers are read at :meth:`cover` and again when a change from outside (a foot
        switch) touches a visit; the time is the clock's."""
        now = self.window_.clock.now()
        return [
            f"{c.where()} · {c.code} · {c.role} {clock_text(c.seconds(now))}" for c in self.clocks
        ]

    def refresh(self) -> None:
        """Once a second while covered: the clocks and the wait."""
        self.refresh_clocks()
        self.refresh_wait()

    def refresh_clocks(self) -> None:
        texts = self.clock_texts()
        while len(self.clock_labels) < len(texts):
            label = QLabel()
            label.setObjectName("LockClock")
            at = len(self.clock_labels)
            self.clocks_grid.addWidget(label, at // self.per_row, at % self.per_row)
            self.clock_labels.append(label)
        for i, label in enumerate(self.clock_labels):
            if i < len(texts):
                label.setText(texts[i])
                label.show()
            else:
                label.hide()
        # Laid out again only when what it depends on changed: a second's new digits (one width
        # each) change nothing of it, and laying out restyled every clock once a second.
        layout_key = (
            tuple(t.translate(_DIGITS_AS_ZERO) for t in texts),
            tuple(c.role for c in self.clocks),
            self.width(),
            self.height(),
            self.card.sizeHint().height(),
        )
        if layout_key != self._laid_out:
            self._laid_out = layout_key
            self._lay_out_clocks(self.clock_labels[: len(texts)])
        self.idle_note.setVisible(not texts)

    def _lay_out_clocks(self, shown: list[QLabel]) -> None:
        """The largest type at which every clock is whole on the screen: two to a row where two
        fit side by side, else one (a clock with its room is wide); smaller type where the rows
        would not fit above the PIN card (many timers on a 1024×600 panel)."""
        margins = self.main_layout.contentsMargins()
        across = self.width() - margins.left() - margins.right() - 16
        rest = sum(w.sizeHint().height() for w in (self.title, self.note, self.card))
        down = self.height() - margins.top() - margins.bottom() - rest - 24 - 28 - 40
        for points in CLOCK_POINTS:
            for i, label in enumerate(shown):
                colour = theme.PTA_COLOUR if self.clocks[i].role == "PTA" else theme.PT_COLOUR
                style = f"background: {colour}; font-size: {points}pt;"
                if label.styleSheet() != style:
                    label.setStyleSheet(style)
                label.setMinimumWidth(0)
            widest = max((label.sizeHint().width() for label in shown), default=0)
            tall = max((label.sizeHint().height() for label in shown), default=0)
            per_row = CLOCKS_PER_ROW if CLOCKS_PER_ROW * widest + 16 <= across else 1
            rows = -(-len(shown) // per_row)
            if rows * (tall + 16) <= down:
                break
        for label in shown:  # one width for all, so the grid reads as a grid
            label.setMinimumWidth(widest)
        if per_row != self.per_row:
            self.per_row = per_row
            for at, label in enumerate(self.clock_labels):
                self.clocks_grid.removeWidget(label)
                self.clocks_grid.addWidget(label, at // per_row, at % per_row)

    def refresh_wait(self) -> None:
        """While wrong PINs make the lock wait, the PIN field takes nothing and the seconds
        count down; when the wait is over the field is open again."""
        if not self.has_users:
            return
        left = self.backoff.wait_seconds(self.window_.clock.now())
        waiting = left > 0
        if waiting:
            self.error.setText(
                f"{self.backoff.failures} wrong PINs in a row. Try again in {wait_text(left)}."
            )
        elif self.waiting:
            self.error.setText("You can try again.")
        if waiting != self.waiting:
            self.waiting = waiting
            self.pin.setEnabled(not waiting)
            self.unlock_button.setEnabled(not waiting)
            if waiting:
                self.pin.clear()
            else:
                self.pin.setFocus()

    def cover(self) -> None:
        self._laid_out = None  # a fresh cover lays its clocks out
        self.clocks = self.services.unlock.running_clocks()
        self.backoff = self.services.unlock.backoff()
        self.waiting = False
        self.user.clear()
        users = [u for u in self.services.practice.users() if u.active]
        self.has_users = bool(users)
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
        self.unlock_button.setEnabled(True)
        self.pin.clear()
        self.setGeometry(self.window_.rect())
        self.refresh()
        self.ticker.start()
        self.show()
        self.raise_()
        (self.pin if users else self.unlock_button).setFocus()

    def uncover(self) -> None:
        self.ticker.stop()
        self.pin.clear()
        self.error.setText("")
        self.hide()

    def refuse(self, backoff: PinBackoff) -> None:
        """A PIN was refused; ``backoff`` is the state it left."""
        self.backoff = backoff
        self.pin.clear()
        left = FREE_TRIES - backoff.failures
        if 0 < left <= 2:
            wait = wait_text(int(wait_after(FREE_TRIES).total_seconds()))
            tries = "one more wrong PIN" if left == 1 else f"{left} more wrong PINs"
            self.error.setText(f"Wrong PIN. After {tries} the lock waits {wait}.")
        else:
            self.error.setText("Wrong PIN. Try again.")
        self.refresh_wait()
        if self.pin.isEnabled():
            self.pin.setFocus()

    def say(self, text: str) -> None:
        """A message under the PIN field (the PIN is cleared)."""
        self.pin.clear()
        self.error.setText(text)

    def refuse_close(self) -> None:
        """The window was asked to close while locked."""
        if not self.waiting:
            self.error.setText("Unlock first to close ChargeClock. The timers keep running.")

    def _submit(self) -> None:
        self.unlock_requested.emit(int(self.user.currentData() or 0), self.pin.text())


def _centred(widget: QWidget) -> QHBoxLayout:
    """``widget`` at its width, in the middle of a row."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row
