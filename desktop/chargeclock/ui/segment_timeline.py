"""One code's timer segments on a timeline, PT and PTA in lanes, to put a mis-tap right: a
segment's start and stop moved, a segment split, deleted or added, each with a reason.

Every edit goes through the window's runner (committed and audited before anything changes on
screen) and comes back through ``store_changed``, which redraws the lanes, the list and the
units: the units are the engine's, live, as the calculator panel shows them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chargeclock.clock import Clock
from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.wording import plural
from chargeclock.services.changes import Changes
from chargeclock.services.minutes import CodeState, Span, VisitState
from chargeclock.ui import theme
from chargeclock.ui.forms import fit_to_screen
from chargeclock.ui.rows_model import clock_text
from chargeclock.ui.runner import Runner
from chargeclock.ui.stop_time_dialog import from_qt, to_qt

ROLES = ("PT", "PTA")
LANE_HEIGHT = 44  # a finger's width: a segment is picked by touch too
TIME_FORMAT = "HH:mm:ss"


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class Lanes(QWidget):
    """The PT and PTA lanes of one code, each segment a bar; a tap on a bar picks it."""

    picked = Signal(int)  # segment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spans: tuple[Span, ...] = ()
        self.now = datetime.now().astimezone()
        self.selected = 0
        self.setMinimumHeight(LANE_HEIGHT * 2 + 30)

    def show_spans(self, spans: tuple[Span, ...], now: datetime, selected: int) -> None:
        self.spans, self.now, self.selected = spans, now, selected
        self.update()

    def _range(self) -> tuple[datetime, datetime]:
        if not self.spans:
            return self.now - timedelta(minutes=30), self.now
        start = min(s.started_at for s in self.spans)
        end = max(s.stopped_at or self.now for s in self.spans)
        pad = max(timedelta(minutes=1), (end - start) / 20)
        return start - pad, end + pad

    def _bar(self, span: Span, left: float, width: float) -> QRectF:
        start, end = self._range()
        whole = (end - start).total_seconds() or 1.0
        x0 = left + width * (span.started_at - start).total_seconds() / whole
        x1 = left + width * ((span.stopped_at or self.now) - start).total_seconds() / whole
        lane = ROLES.index(span.role) if span.role in ROLES else 0
        return QRectF(x0, 4 + lane * LANE_HEIGHT, max(4.0, x1 - x0), LANE_HEIGHT - 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, width = 56.0, max(1.0, self.width() - 64.0)
        for lane, role in enumerate(ROLES):
            top = lane * LANE_HEIGHT
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QRectF(0, top, 50, LANE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, role)
            painter.fillRect(QRectF(left, top + 4, width, LANE_HEIGHT - 8), QColor("#eef1f5"))
        for span in self.spans:
            colour = QColor(theme.PTA_COLOUR if span.role == "PTA" else theme.PT_COLOUR)
            if span.running:
                colour = colour.lighter(130)
            rect = self._bar(span, left, width)
            painter.fillRect(rect, colour)
            if span.segment_id == self.selected:
                painter.setPen(QPen(QColor("#f0a000"), 3))
                painter.drawRect(rect)
        start, end = self._range()
        painter.setPen(QColor(theme.MUTED))
        axis = QRectF(left, LANE_HEIGHT * 2, width, 24)
        painter.drawText(axis, Qt.AlignmentFlag.AlignLeft, _local(start)[:5])
        painter.drawText(axis, Qt.AlignmentFlag.AlignRight, _local(end)[:5])
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        left, width = 56.0, max(1.0, self.width() - 64.0)
        for span in self.spans:
            if self._bar(span, left, width).adjusted(-4, 0, 4, 0).contains(event.position()):
                self.picked.emit(span.segment_id)
                return


class SegmentTimeline(QDialog):
    """The segments of ``code`` on the open visit ``visit_id``."""

    def __init__(
        self, runner: Runner, clock: Clock, visit_id: int, code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = runner.services
        self.clock = clock
        self.visit_id = visit_id
        self.code = code
        self.state: VisitState | None = None
        self.selected = 0
        self.setWindowTitle(f"ChargeClock — {code}: timer segments")
        self.setStyleSheet(theme.own_sheet(self.parentWidget()))
        self._build()
        runner.store_changed.connect(self._store_changed)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.reload()

    def _build(self) -> None:
        # What is above the buttons scrolls where the screen is too short for it (a 1024×600
        # panel in large type); the buttons stay in view.
        outer = QVBoxLayout(self)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.units = QLabel()
        self.units.setObjectName("Heading")
        layout.addWidget(self.units)
        self.lanes = Lanes(self)
        self.lanes.picked.connect(self.select)
        layout.addWidget(self.lanes)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Who", "Start", "Stop", "Time"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(LANE_HEIGHT)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column in range(3):  # the times whole, in large type too
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.itemSelectionChanged.connect(self._row_picked)
        layout.addWidget(self.table, 1)

        form = QGridLayout()
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.start = self._time_edit()
        self.stop = self._time_edit()
        self.running = QCheckBox("still running")
        self.running.toggled.connect(lambda on: self.stop.setEnabled(not on))
        self.split_at = self._time_edit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required; kept in the audit log)")
        form.addWidget(QLabel("Who"), 0, 0)
        form.addWidget(self.role, 0, 1)
        form.addWidget(QLabel("Start"), 1, 0)
        form.addWidget(self.start, 1, 1)
        form.addWidget(QLabel("Stop"), 1, 2)
        form.addWidget(self.stop, 1, 3)
        form.addWidget(self.running, 1, 4)
        form.addWidget(QLabel("Split at"), 2, 0)
        form.addWidget(self.split_at, 2, 1)
        form.addWidget(QLabel("Reason"), 3, 0)
        form.addWidget(self.reason, 3, 1, 1, 4)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save times")
        self.save_button.clicked.connect(self.save_times)
        self.split_button = QPushButton("Split")
        self.split_button.clicked.connect(self.split)
        self.delete_button = QPushButton("Delete segment")
        self.delete_button.clicked.connect(self.delete)
        self.add_button = QPushButton("Add as new segment")
        self.add_button.clicked.connect(self.add)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        for button in (self.save_button, self.split_button, self.delete_button, self.add_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        outer.addLayout(buttons)
        # As large as its type needs (a finger-sized row of buttons is wider in large type)
        # and no larger than the screen.
        content = body.sizeHint()
        row = buttons.sizeHint()
        width = max(
            760, content.width() + scroll.verticalScrollBar().sizeHint().width(), row.width()
        )
        fit_to_screen(self, width + 24, max(560, content.height() + row.height() + 36))

    @staticmethod
    def _time_edit() -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setDisplayFormat(TIME_FORMAT)
        edit.setMinimumHeight(40)
        return edit

    # -- what is shown --------------------------------------------------------------------------

    @property
    def code_state(self) -> CodeState | None:
        return self.state.code(self.code) if self.state else None

    @property
    def spans(self) -> tuple[Span, ...]:
        found = self.code_state
        if found is None:
            return ()
        return tuple(sorted(found.spans, key=lambda s: (s.started_at, s.segment_id)))

    def reload(self) -> None:
        state = self.runner.read(lambda: self.services.visits.visit_state(self.visit_id), self)
        if state is None:
            return
        self.state = state
        editable = state.status == "open"
        for button in (self.save_button, self.split_button, self.delete_button, self.add_button):
            button.setEnabled(editable)
        spans = self.spans
        if self.selected not in {s.segment_id for s in spans}:
            self.selected = spans[-1].segment_id if spans else 0
        self.table.blockSignals(True)
        self.table.setRowCount(len(spans))
        for row, span in enumerate(spans):
            self.table.setItem(row, 0, QTableWidgetItem(span.role))
            self.table.setItem(row, 1, QTableWidgetItem(_local(span.started_at)))
            stop = _local(span.stopped_at) if span.stopped_at else "running"
            self.table.setItem(row, 2, QTableWidgetItem(stop))
            self.table.setItem(row, 3, QTableWidgetItem(""))
        self.table.blockSignals(False)
        self.select(self.selected)
        self._tick()

    def _tick(self) -> None:
        now = self.clock.now()
        for row, span in enumerate(self.spans):
            item = self.table.item(row, 3)
            if item is not None:
                item.setText(clock_text(int(span.seconds(now))))
        self.lanes.show_spans(self.spans, now, self.selected)
        self.units.setText(self.units_text())

    def units_text(self) -> str:
        """The code's time and units as billed now (the engine's, with the whole visit)."""
        state, code = self.state, self.code_state
        if state is None or code is None:
            return f"{self.code}: not on this visit"
        now = self.clock.now()
        times = " · ".join(f"{r} {clock_text(code.role_seconds(r, now))}" for r in ROLES)
        try:
            result = self.services.live_result(state)
        except ChargeClockError as exc:
            return f"{self.code}: {times} · {exc}"
        billed = next((s for s in result.services if s.code == self.code), None)
        if billed is None:
            return f"{self.code}: {times} · no unit"
        extra = f" ({billed.assistant_units} with CQ)" if billed.assistant_units else ""
        return f"{self.code}: {times} · {plural(billed.units, 'unit')}{extra}"

    def _store_changed(self, changes: Changes) -> None:
        if changes.visit(self.visit_id):
            self.reload()

    def select(self, segment_id: int) -> None:
        """Pick a segment: its times fill the form."""
        spans = self.spans
        span = next((s for s in spans if s.segment_id == segment_id), None)
        self.selected = span.segment_id if span else 0
        now = self.clock.now()
        if span is None:  # the form offers the last ten minutes, to add
            self.table.clearSelection()
            self.set_times(now - timedelta(minutes=10), now)
            self.running.setChecked(False)
            return
        row = spans.index(span)
        if self.table.currentRow() != row:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)
        self.role.setCurrentText(span.role)
        end = span.stopped_at or now
        self.set_times(span.started_at, span.stopped_at)
        self.stop.setDateTime(to_qt(end))
        self.split_at.setDateTime(to_qt(span.started_at + (end - span.started_at) / 2))
        self.lanes.show_spans(spans, now, self.selected)

    def _row_picked(self) -> None:
        row = self.table.currentRow()
        spans = self.spans
        if 0 <= row < len(spans):
            self.select(spans[row].segment_id)

    def set_times(self, start: datetime, stop: datetime | None) -> None:
        """Fill the form's start and stop (``None``: still running)."""
        self.start.setDateTime(to_qt(start))
        self.running.setChecked(stop is None)
        if stop is not None:
            self.stop.setDateTime(to_qt(stop))

    def _moment(self, edit: QDateTimeEdit) -> datetime:
        return from_qt(edit.dateTime(), self.clock.now().astimezone())

    # -- the edits ------------------------------------------------------------------------------

    def _done(self, result: object) -> None:
        if result is not None:
            self.reason.clear()

    def save_times(self) -> None:
        if not self.selected:
            return
        stop = None if self.running.isChecked() else self._moment(self.stop)
        self._done(self.runner.run(lambda: self.services.visits.edit_segment(
            self.selected, started_at=self._moment(self.start), stopped_at=stop,
            reason=self.reason.text()), self, "The times were NOT changed: "))  # fmt: skip

    def split(self) -> None:
        if not self.selected:
            return
        at = self._moment(self.split_at)
        self._done(self.runner.run(
            lambda: self.services.visits.split_segment(self.selected, at,
                                                       reason=self.reason.text()),
            self, "The segment was NOT split: "))  # fmt: skip

    def delete(self) -> None:
        if not self.selected:
            return
        self._done(self.runner.run(
            lambda: self.services.visits.delete_segment(self.selected, self.reason.text()),
            self, "The segment was NOT deleted: "))  # fmt: skip

    def add(self) -> None:
        role = self.role.currentText()
        start, stop = self._moment(self.start), self._moment(self.stop)
        self._done(self.runner.run(lambda: self.services.visits.add_segment(
            self.visit_id, self.code, role, started_at=start, stopped_at=stop,
            reason=self.reason.text()), self, "The segment was NOT added: "))  # fmt: skip

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self.ticker.stop()
        self.runner.store_changed.disconnect(self._store_changed)
        super().closeEvent(event)  # type: ignore[arg-type]
