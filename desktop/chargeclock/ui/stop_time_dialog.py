"""Timers that ran more than a day, asked for at finalize: when did each really stop?

A day of minutes is the most a code and role can bill in a day, so a timer left running overnight
cannot be billed as it stands. Nothing is guessed: each entry starts at the timer's own start,
and OK refuses until every stop is after its start and not in the future.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.minutes import LongSpan, VisitState, long_spans
from chargeclock.services.session import Services

DISPLAY = "MM/dd/yyyy HH:mm"


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone.systemTimeZone())


def from_qt(value: QDateTime, like: datetime) -> datetime:
    """``value`` as an aware datetime in ``like``'s zone (whole seconds)."""
    return like + timedelta(seconds=value.toSecsSinceEpoch() - int(like.timestamp()))


class StopTimeDialog(QDialog):
    def __init__(
        self, spans: Sequence[LongSpan], now: datetime, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("ChargeClock — timers that ran more than a day")
        self.setModal(True)
        self.spans = list(spans)
        self.now = now
        layout = QVBoxLayout(self)
        intro = QLabel(
            "These timers ran more than a day, more than a code can bill in one: enter when "
            "each really stopped. The change is kept in the audit log."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        layout.addLayout(grid)
        self.edits: list[QDateTimeEdit] = []
        for row, span in enumerate(self.spans):
            started = span.started_at.astimezone().strftime("%m/%d/%Y %H:%M")
            state = "still running" if span.running else "stopped"
            grid.addWidget(
                QLabel(f"<b>{span.code} · {span.role}</b><br>started {started}, "
                       f"{span.hours} h ago ({state})"),
                row,
                0,
            )  # fmt: skip
            edit = QDateTimeEdit()
            edit.setDisplayFormat(DISPLAY)
            edit.setCalendarPopup(True)
            edit.setDateTimeRange(to_qt(span.started_at), to_qt(now))
            edit.setDateTime(to_qt(span.started_at))
            grid.addWidget(QLabel("stopped at"), row, 1)
            grid.addWidget(edit, row, 2)
            self.edits.append(edit)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_stop(self, index: int, moment: datetime) -> None:
        """Enter a stop time (keyboard users and tests)."""
        self.edits[index].setDateTime(to_qt(moment))

    def stop_times(self) -> list[tuple[LongSpan, datetime]]:
        return [
            (span, from_qt(edit.dateTime(), span.started_at))
            for span, edit in zip(self.spans, self.edits, strict=True)
        ]

    def accept(self) -> None:
        for span, stopped in self.stop_times():
            if stopped <= span.started_at:
                self.problem.setText(f"{span.code} {span.role}: the stop must come after the start")
                return
            if stopped > self.now:
                self.problem.setText(f"{span.code} {span.role}: the stop is in the future")
                return
        super().accept()


def ask_stop_times(
    spans: Sequence[LongSpan], now: datetime, parent: QWidget | None = None
) -> list[tuple[LongSpan, datetime]] | None:
    """When each of ``spans`` really stopped (None: cancelled)."""
    dialog = StopTimeDialog(spans, now, parent)
    return dialog.stop_times() if dialog.exec() == QDialog.DialogCode.Accepted else None


def set_stop_times(
    services: Services,
    state: VisitState,
    now: datetime,
    ask: Callable[[Sequence[LongSpan]], list[tuple[LongSpan, datetime]] | None],
    run: Callable[[Callable[[], object]], object | None],
) -> bool:
    """Ask for and save (an audited segment edit each) the real stop time of every segment of
    the visit that ran more than a day; False when the user cancelled or a save was refused."""
    too_long = long_spans(state, now)
    if not too_long:
        return True
    answers = ask(too_long)
    if answers is None:
        return False
    for span, stopped_at in answers:
        edited = run(
            partial(
                services.visits.edit_segment,
                span.segment_id,
                started_at=span.started_at,
                stopped_at=stopped_at,
                reason=f"stop time entered at finalize: the timer ran {span.hours} h",
            )
        )
        if edited is None:
            return False
    return True
