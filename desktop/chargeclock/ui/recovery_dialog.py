"""After an unclean exit: the timers that were running, the moment the app was last seen alive,
and for each a choice — keep it running, stop it at the last-seen moment, or stop it at a time
the user types. Nothing is decided silently: the dialog returns the choices; the caller saves
them through the services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from msgspec import Struct
from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError

KEEP, STOP_AT_LAST_SEEN, STOP_AT = "keep", "stop_at_last_seen", "stop_at"


class RunningTimer(Struct, frozen=True):
    """A timer the recovery dialog offers: who, since when, and when the app was last seen."""

    segment_id: int
    who: str  # "Visit 12 · 97110 · PT"
    started_at: datetime
    last_seen: datetime | None


class RecoveryChoice(Struct, frozen=True):
    """What to do with one timer left running after a crash."""

    segment_id: int
    action: str  # KEEP, STOP_AT_LAST_SEEN or STOP_AT
    stop_at: datetime | None = None


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class RecoveryDialog(QDialog):
    """One choice per timer left running; OK applies them all through ``apply`` (if given), and
    the dialog stays open with the problem shown when they cannot be applied."""

    def __init__(
        self,
        timers: Sequence[RunningTimer],
        parent: QWidget | None = None,
        apply: Callable[[RecoveryDialog], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._apply = apply
        self.setWindowTitle("ChargeClock — timers left running")
        self.setModal(True)
        self._timers = list(timers)
        self._groups: list[QButtonGroup] = []
        self._edits: list[QDateTimeEdit] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "ChargeClock did not close normally. These timers were running. Choose for each: "
            "keep it running (the treatment went on), stop it when ChargeClock was last seen "
            "alive, or stop it at the time you enter. No minute is added or dropped unless "
            "you choose it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        layout.addLayout(grid)
        for row, timer in enumerate(self._timers):
            seen = timer.last_seen or timer.started_at
            grid.addWidget(
                QLabel(f"<b>{timer.who}</b><br>started {_local(timer.started_at)}"), row, 0
            )
            keep = QRadioButton("Keep running")
            last = QRadioButton(f"Stop at last seen {_local(seen)}")
            at = QRadioButton("Stop at")
            edit = QDateTimeEdit()
            edit.setDisplayFormat("HH:mm:ss")
            edit.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(seen.timestamp()), QTimeZone.systemTimeZone())
            )
            edit.setMinimumDateTime(
                QDateTime.fromSecsSinceEpoch(
                    int(timer.started_at.timestamp()), QTimeZone.systemTimeZone()
                )
            )
            group = QButtonGroup(self)
            for index, button in enumerate((keep, last, at)):
                group.addButton(button, index)
                grid.addWidget(button, row, 1 + index)
            grid.addWidget(edit, row, 4)
            last.setChecked(True)
            edit.setEnabled(False)
            at.toggled.connect(edit.setEnabled)
            self._groups.append(group)
            self._edits.append(edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

    @property
    def timers(self) -> tuple[RunningTimer, ...]:
        """The timers offered, in row order."""
        return tuple(self._timers)

    def reject(self) -> None:
        """Escape does not dismiss it: every timer needs a choice, which OK applies."""

    def accept(self) -> None:
        if self._apply is not None:
            try:
                self._apply(self)
            except ChargeClockError as exc:  # nothing was applied: choose again
                QMessageBox.warning(self, "ChargeClock", str(exc))
                return
        super().accept()

    def choose(self, index: int, action: str, stop_at: datetime | None = None) -> None:
        """Select a choice programmatically (keyboard users and tests)."""
        self._groups[index].button((KEEP, STOP_AT_LAST_SEEN, STOP_AT).index(action)).setChecked(
            True
        )
        if stop_at is not None:
            self._edits[index].setDateTime(
                QDateTime.fromSecsSinceEpoch(int(stop_at.timestamp()), QTimeZone.systemTimeZone())
            )

    def choices(self) -> list[RecoveryChoice]:
        out = []
        for timer, group, edit in zip(self._timers, self._groups, self._edits, strict=True):
            action = (KEEP, STOP_AT_LAST_SEEN, STOP_AT)[group.checkedId()]
            stop_at = None
            if action == STOP_AT:
                seconds = edit.dateTime().toSecsSinceEpoch()
                stop_at = timer.started_at + timedelta(
                    seconds=seconds - int(timer.started_at.timestamp())
                )
            elif action == STOP_AT_LAST_SEEN:
                stop_at = timer.last_seen or timer.started_at
            out.append(RecoveryChoice(timer.segment_id, action, stop_at))
        return out
