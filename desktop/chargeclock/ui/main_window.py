"""The visit screen: today's visits and a patient search on the left, the open visit's code rows
with PT ▶ / PTA ▶ timers in the centre, the live calculator on the right.

Every start and stop goes to the services first (committed to the database) and only then does
the screen change. The ticker is a ``QTimer`` that repaints: elapsed time always comes from the
stored segments and the injected clock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chargeclock.clock import Clock
from chargeclock.domain.calculation import ServiceMinutes
from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.rulebook import Discipline
from chargeclock.domain.threshold import visits_until
from chargeclock.services.minutes import VisitState, service_minutes
from chargeclock.services.session import Services
from chargeclock.services.visits import Finalized
from chargeclock.ui import theme
from chargeclock.ui.calculator_panel import CalculatorPanel, PanelContext, Reminder
from chargeclock.ui.lists import ClaimLinesModel, EntryListModel, LineEntry, ListEntry
from chargeclock.ui.rows_model import CodeRow, CodeRowsModel

T = TypeVar("T")
HEARTBEAT_SECONDS = 15
#: the start is over at the first paint, or this long after the window is made at the latest
#: (a window started minimized does not paint)
START_SETTLES_MS = 5_000

SHORTCUTS = {
    "pt": "Ctrl+1",
    "pta": "Ctrl+2",
    "next": "Ctrl+Down",
    "previous": "Ctrl+Up",
    "finalize": "Ctrl+Return",
    "superbill": "Ctrl+B",
    "lock": "Ctrl+L",
    "find": "Ctrl+F",
}


def _panel(layout: QVBoxLayout | QHBoxLayout) -> QFrame:
    frame = QFrame()
    frame.setObjectName("Panel")
    frame.setLayout(layout)
    layout.setContentsMargins(12, 10, 12, 10)
    return frame


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Heading")
    return label


class MainWindow(QMainWindow):
    #: the open visit changed (opened, a timer started or stopped, finalized): its id or 0
    visit_changed = Signal(int)
    #: the superbill was asked for, for the open visit's id
    superbill_requested = Signal(int)
    #: the privacy lock was asked for
    lock_requested = Signal()
    #: the window has painted for the first time (the startup probe waits for it)
    painted = Signal()
    #: the start is over (see :attr:`has_settled`); what can wait for it starts then
    settled = Signal()
    #: asked first when the window is to close; False refuses the close (the privacy lock
    #: sets it: nobody quits, or stops timers, without a PIN)
    close_guard: Callable[[], bool] | None = None

    def __init__(self, services: Services, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.clock = clock
        self.visit_id = 0
        self.state: VisitState | None = None
        self._last_minutes: tuple[ServiceMinutes, ...] | None = None
        self._context = PanelContext()
        self._tie_choice: dict[int, tuple[str, ...]] = {}
        self._ticks = 0
        self._beat_failing = False
        self._painted = False
        self._settled = False
        QTimer.singleShot(START_SETTLES_MS, self, self._settle)
        self._tools_ready = False
        practice = services.records.practice()
        name = practice.name if practice and practice.name else "set up your practice"
        self.setWindowTitle(f"ChargeClock — {name}")
        self.setStyleSheet(theme.STYLESHEET)
        self._labels = {c.code: c.label for c in services.book.all_codes()}
        self._build()
        self._build_actions()
        self._show_visit(None)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.refresh_lists()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("MainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_centre())
        self.panel = CalculatorPanel()
        self.panel.setMinimumWidth(330)
        self.panel.alternative_chosen.connect(self.choose_alternative)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([270, 700, 380])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(
            f"{SHORTCUTS['pt']} PT ▶  ·  {SHORTCUTS['pta']} PTA ▶  ·  "
            f"{SHORTCUTS['next']}/{SHORTCUTS['previous']} next/previous row  ·  "
            f"{SHORTCUTS['finalize']} finalize  ·  {SHORTCUTS['lock']} lock"
        )

    def _build_left(self) -> QWidget:
        layout = QVBoxLayout()
        layout.addWidget(_heading("Today"))
        self.today_model = EntryListModel(self)
        self.today_list = QListView()
        self.today_list.setUniformItemSizes(True)  # one size query, not one per row
        self.today_list.setModel(self.today_model)
        self.today_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.today_list.clicked.connect(self._today_clicked)
        layout.addWidget(self.today_list, 2)
        layout.addWidget(_heading("Patients"))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a patient…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.search_patients)
        layout.addWidget(self.search)
        self.patient_model = EntryListModel(self)
        self.patient_list = QListView()
        self.patient_list.setUniformItemSizes(True)
        self.patient_list.setModel(self.patient_model)
        self.patient_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.patient_list.doubleClicked.connect(lambda _: self.start_visit_for_selected())
        layout.addWidget(self.patient_list, 3)
        self.start_button = QPushButton("Start visit")
        self.start_button.setObjectName("Primary")
        self.start_button.clicked.connect(self.start_visit_for_selected)
        layout.addWidget(self.start_button)
        panel = _panel(layout)
        panel.setMinimumWidth(240)
        panel.setMaximumWidth(320)
        return panel

    def _build_centre(self) -> QWidget:
        layout = QVBoxLayout()
        self.visit_title = _heading("No visit open")
        self.visit_title.setStyleSheet("font-size: 17pt;")
        self.visit_subtitle = QLabel("Pick a patient on the left and start a visit.")
        self.visit_subtitle.setObjectName("SubHeading")
        layout.addWidget(self.visit_title)
        layout.addWidget(self.visit_subtitle)
        # The year's Medicare figures are not loaded: the visit is billed with an earlier year's.
        self.rules_banner = QLabel()
        self.rules_banner.setObjectName("Banner")
        self.rules_banner.setWordWrap(True)
        self.rules_banner.setVisible(False)
        layout.addWidget(self.rules_banner)

        self.rows = CodeRowsModel(self)
        self.rows.timer_toggle_requested.connect(self.toggle_timer)
        self.rows.untimed_toggle_requested.connect(self.toggle_untimed)
        self.rows.untimed_minutes_requested.connect(self.set_untimed_minutes)
        self.table = QTableView()
        self.table.setModel(self.rows)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(theme.ROW_HEIGHT)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CodeRowsModel.SERVICE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (CodeRowsModel.CODE, 90),
            (CodeRowsModel.PT, 170),
            (CodeRowsModel.PTA, 170),
            (CodeRowsModel.UNITS, 90),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.clicked.connect(self._cell_clicked)
        layout.addWidget(self.table, 3)

        add_row = QHBoxLayout()
        self.add_code = QLineEdit()
        self.add_code.setPlaceholderText("Add a code: type its number or a word of its label")
        self.add_code.returnPressed.connect(self.add_typed_code)
        add_row.addWidget(self.add_code, 1)
        self.remove_button = QPushButton("Remove code")
        self.remove_button.clicked.connect(self.remove_selected_code)
        add_row.addWidget(self.remove_button)
        layout.addLayout(add_row)

        self.lines_title = QLabel("Claim lines (frozen at finalize)")
        self.lines_title.setStyleSheet("font-weight: 600;")
        self.lines = ClaimLinesModel(self)
        self.lines_view = QTableView()
        self.lines_view.setModel(self.lines)
        self.lines_view.verticalHeader().setVisible(False)
        self.lines_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines_view.setMaximumHeight(190)
        layout.addWidget(self.lines_title)
        layout.addWidget(self.lines_view)

        buttons = QHBoxLayout()
        self.superbill_button = QPushButton(f"Superbill ({SHORTCUTS['superbill']})")
        self.superbill_button.clicked.connect(lambda: self.superbill_requested.emit(self.visit_id))
        self.finalize_button = QPushButton(f"Finalize visit ({SHORTCUTS['finalize']})")
        self.finalize_button.setObjectName("Primary")
        self.finalize_button.clicked.connect(self.finalize)
        buttons.addStretch(1)
        buttons.addWidget(self.superbill_button)
        buttons.addWidget(self.finalize_button)
        layout.addLayout(buttons)
        return _panel(layout)

    def _build_actions(self) -> None:
        def action(name: str, text: str, slot: Callable[[], Any]) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(SHORTCUTS[name]))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.actions_by_name = {
            "pt": action(
                "pt", "Start/stop PT on the selected row", lambda: self.toggle_selected("PT")
            ),
            "pta": action(
                "pta", "Start/stop PTA on the selected row", lambda: self.toggle_selected("PTA")
            ),
            "next": action("next", "Next row", lambda: self.move_selection(1)),
            "previous": action("previous", "Previous row", lambda: self.move_selection(-1)),
            "finalize": action("finalize", "Finalize", self.finalize),
            "superbill": action(
                "superbill", "Superbill", lambda: self.superbill_requested.emit(self.visit_id)
            ),
            "lock": action("lock", "Lock", self.lock_requested.emit),
            "find": action("find", "Find a patient", self.search.setFocus),
        }

    # -- calling the services ---------------------------------------------------------------

    def _call(self, what: Callable[[], T], failed: str = "") -> T | None:
        """Run a service call; a bad input or a refused write is shown with its message (after
        ``failed``, what did not happen), never a traceback."""
        try:
            return what()
        except ChargeClockError as exc:
            QMessageBox.warning(self, "ChargeClock", f"{failed}{exc}")
            return None

    def refresh_lists(self) -> None:
        records = self.services.records
        entries = []
        for visit in self.services.visits.visits_of_day(self.services.ctx.today()):
            patient = records.patient(visit.patient_id)
            status = {"open": "open", "finalized": "finalized ✓", "void": "void"}[visit.status]
            entries.append(
                ListEntry(f"{patient.last_name}, {patient.first_name} · {status}", visit.id)
            )
        self.today_model.set_entries(entries)
        self.search_patients(self.search.text())

    def search_patients(self, text: str) -> None:
        found = self.services.records.search_patients(text.strip())
        self.patient_model.set_entries(
            [
                ListEntry(
                    f"{p.last_name}, {p.first_name}",
                    p.id,
                    f"born {p.date_of_birth.strftime('%m/%d/%Y')}",
                )
                for p in found
            ]
        )

    def _today_clicked(self, index: QModelIndex) -> None:
        self.open_visit(self.today_model.entry(index.row()).item_id)

    def start_visit_for_selected(self) -> None:
        index = self.patient_list.currentIndex()
        if not index.isValid():
            QMessageBox.information(self, "ChargeClock", "Pick a patient first.")
            return
        self.start_visit(self.patient_model.entry(index.row()).item_id)

    def start_visit(self, patient_id: int) -> None:
        favourites = self.services.records.favourite_codes()
        state = self._call(lambda: self.services.visits.open_visit(patient_id))
        if state is None:
            return
        self._favourites = favourites
        self.refresh_lists()
        self.open_visit(state.visit_id)

    def open_visit(self, visit_id: int) -> None:
        state = self._call(lambda: self.services.visits.visit_state(visit_id))
        if state is None:
            return
        self.visit_id = visit_id
        self._load_context(state)
        self._show_visit(state)
        self.today_list.setCurrentIndex(self.today_model.index(self.today_model.row_of(visit_id)))
        self.visit_changed.emit(visit_id)

    def _load_context(self, state: VisitState) -> None:
        """Reminders and the forecast: read once when a visit opens, not on every tick."""
        services, patient_id = self.services, state.patient_id
        reminders: list[Reminder] = []
        progress = services.progress_report_status(patient_id)
        if progress.due or progress.days_left <= 2:
            reminders.append(Reminder("alert" if progress.due else "warn", progress.message))
        plan = services.plan_of_care_status(patient_id)
        if plan.warn:
            reminders.append(Reminder("alert" if plan.state == "lapsed" else "warn", plan.message))
        year = state.date_of_service.year
        bucket = Discipline(state.discipline).kx_bucket
        ytd = services.ytd_allowed(patient_id, year, bucket)
        finalized = [
            v
            for v in services.visits.visits_of_patient(patient_id)
            if v.status == "finalized" and v.date_of_service.year == year
        ]
        average = ytd.clinic / len(finalized) if finalized else None
        threshold = services.book.year(year)
        total = ytd.total
        note = ""
        if state.same_day_visit_ids:
            others = ", ".join(f"#{v}" for v in state.same_day_visit_ids)
            note = f"Same-day visits ({others}) are billed with this one as one day"
        self._context = PanelContext(
            visits_to_kx=visits_until(threshold.kx_threshold[bucket] - total, average),
            visits_to_review=visits_until(threshold.review_threshold - total, average),
            reminders=tuple(reminders),
            day_note=note,
            kx_tracked=state.payer.kx,
        )

    # -- the open visit -------------------------------------------------------------------------

    def _code_rows(self, state: VisitState) -> list[CodeRow]:
        """Favourites first in their fixed order (so a row never jumps when tapped), then the
        visit's other codes in the order they were added. A finalized visit shows its codes."""
        on_visit = {c.code: c for c in state.codes}
        rows: list[CodeRow] = []
        if state.status == "open":
            year = self.services.book.year(state.date_of_service.year)
            for code in self.services.records.favourite_codes():
                entry = year.code(code)
                if entry is not None:
                    rows.append(CodeRow(code, entry.label, entry.timed, on_visit.get(code)))
        shown = {r.code for r in rows}
        rows += [CodeRow(c.code, c.label, c.timed, c) for c in state.codes if c.code not in shown]
        return rows

    def _set_rows(self, state: VisitState) -> None:
        """New snapshots for the table, keeping the selected code selected."""
        current = self.table.currentIndex()
        code = self.rows.row_at(current.row()).code if current.isValid() else None
        self.rows.set_rows(self._code_rows(state), self.clock.now())
        row = self.rows.row_of(code) if code else -1
        if row >= 0 and self.table.currentIndex().row() != row:
            self.table.selectRow(row)

    def _visit_tools(self) -> None:
        """The timer cells' painter and the code completer, made when the first visit shows:
        with no visit open there is nothing for them to do, and the window paints sooner."""
        if self._tools_ready:
            return
        self._tools_ready = True
        from chargeclock.ui.timer_delegate import TimerCellDelegate

        self.table.setItemDelegate(TimerCellDelegate(self.table))
        completer = QCompleter(
            QStringListModel(
                [f"{code} — {label}" for code, label in sorted(self._labels.items())], self
            ),
            self,
        )
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_code.setCompleter(completer)
        completer.activated.connect(lambda text: self.add_code_text(str(text)))

    def _show_visit(self, state: VisitState | None) -> None:
        self.state = state
        self._last_minutes = None
        now = self.clock.now()
        if state is None:
            self.rows.set_rows([], now)
            self.lines.set_lines([])
            self.panel.clear()
            self.visit_title.setText("No visit open")
            self.visit_subtitle.setText("Pick a patient on the left and start a visit.")
            self.rules_banner.setVisible(False)
            for widget in (
                self.finalize_button,
                self.superbill_button,
                self.add_code,
                self.remove_button,
                self.lines_view,
                self.lines_title,
            ):
                widget.setEnabled(False)
            self.lines_view.setVisible(False)
            self.lines_title.setVisible(False)
            return
        self._visit_tools()
        patient = self.services.records.patient(state.patient_id)
        is_open = state.status == "open"
        self.rows.read_only = not is_open
        self._set_rows(state)
        self.visit_title.setText(f"{patient.first_name} {patient.last_name}")
        payer = next((p for p in self.services.records.payers() if p.id == patient.payer_id), None)
        self.visit_subtitle.setText(
            f"Visit #{state.visit_id} · {state.date_of_service.strftime('%a %m/%d/%Y')} · "
            f"{state.discipline} · {payer.name if payer else 'self-pay'} · {state.status}"
        )
        banner = self.services.rules.banner(state.date_of_service.year) if is_open else None
        self.rules_banner.setText(banner or "")
        self.rules_banner.setVisible(banner is not None)
        for widget in (self.finalize_button, self.add_code, self.remove_button):
            widget.setEnabled(is_open)
        self.superbill_button.setEnabled(state.status == "finalized")
        self._show_lines(state)
        self.recompute(force=True)

    def _show_lines(self, state: VisitState) -> None:
        finalized = state.status == "finalized"
        self.lines_view.setVisible(finalized)
        self.lines_title.setVisible(finalized)
        self.lines_view.setEnabled(finalized)
        self.lines_title.setEnabled(finalized)
        if not finalized:
            self.lines.set_lines([])
            return
        self.lines.set_lines(
            [
                LineEntry(
                    ln.code,
                    self._labels.get(ln.code, ""),
                    ln.modifiers,
                    ln.units,
                    ln.allowed,
                    ln.charge,
                )
                for ln in self.services.visits.claim_lines(state.visit_id)
            ]
        )

    def tick(self) -> None:
        """Once a second: repaint the running timers and recompute if a minute turned over."""
        now = self.clock.now()
        self.rows.tick(now)
        self.recompute()
        self._ticks += 1
        if self._ticks % HEARTBEAT_SECONDS == 0:
            try:
                self.services.recovery.beat()
                self._beat_failing = False
            except ChargeClockError as exc:  # disk full, read-only: "last seen" stays older,
                if not self._beat_failing:  # the next tap tells the user; the log, once
                    from chargeclock.errorlog import log_error

                    log_error(exc, "heartbeat")
                self._beat_failing = True

    def recompute(self, *, force: bool = False) -> None:
        state = self.state
        if state is None:
            return
        now = self.clock.now()
        minutes = service_minutes(state, now)
        if not force and minutes == self._last_minutes:
            return
        self._last_minutes = minutes
        try:
            result = self.services.live_result(state, self._tie_choice.get(state.visit_id))
        except ChargeClockError as exc:
            self.panel.clear(str(exc))
            return
        self.rows.set_units({s.code: (s.units, s.assistant_units) for s in result.services})
        self.panel.show_result(result, self._context)

    def _apply(self, state: VisitState | None) -> None:
        """A mutation came back committed: show its state."""
        if state is None:
            return
        if [c.code for c in state.codes] != [
            c.code for c in (self.state.codes if self.state else ())
        ]:
            self._show_visit(state)
        else:
            self.state = state
            self.rows.set_rows(self._code_rows(state), self.clock.now())
            self.recompute(force=True)
        self.visit_changed.emit(state.visit_id)

    def toggle_timer(self, code: str, role: str) -> None:
        if self.state is None or self.state.status != "open":
            return
        row = self.state.code(code)
        verb = "stop" if row is not None and row.is_running(role) else "start"
        change = self._call(
            lambda: self.services.visits.toggle_timer(self.visit_id, code, role),
            failed=f"The {role} tap on {code} was NOT saved: its timer did not {verb}.\n\n",
        )
        if change is not None:
            self._apply(change.state)

    def toggle_selected(self, role: str) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row = self.rows.row_at(index.row())
            if row.timed:
                self.toggle_timer(row.code, role)

    def move_selection(self, step: int) -> None:
        count = self.rows.rowCount()
        if not count:
            return
        current = self.table.currentIndex().row()
        target = max(0, min(count - 1, (current if current >= 0 else -step) + step))
        self.table.selectRow(target)

    def _cell_clicked(self, index: QModelIndex) -> None:
        row = self.rows.row_at(index.row())
        if row.timed and index.column() in (CodeRowsModel.PT, CodeRowsModel.PTA):
            self.toggle_timer(row.code, "PT" if index.column() == CodeRowsModel.PT else "PTA")

    def toggle_untimed(self, code: str, performed: bool) -> None:
        if performed:
            self._apply(self._call(lambda: self.services.visits.add_code(self.visit_id, code)))
        else:
            self._apply(self._call(lambda: self.services.visits.remove_code(self.visit_id, code)))

    def set_untimed_minutes(self, code: str, role: str, minutes: int) -> None:
        state = self.state
        if state is None:
            return
        current = state.code(code)
        if current is None:
            added = self._call(lambda: self.services.visits.add_code(self.visit_id, code))
            if added is None:
                return
            current = added.code(code)
        untimed = current.untimed if current else None
        pt = minutes if role == "PT" else (untimed.pt_minutes if untimed else None) or 0
        pta = minutes if role == "PTA" else (untimed.pta_minutes if untimed else None) or 0
        furnished = "both" if pt and pta else ("PTA" if pta else "PT")
        self._apply(
            self._call(
                lambda: self.services.visits.set_untimed(self.visit_id, code, furnished, pt, pta)
            )
        )

    def add_code_text(self, text: str) -> None:
        code = text.split("—")[0].strip().split(" ")[0].upper()
        if not code:
            return
        if code not in self._labels:
            matches = [c for c, label in self._labels.items() if text.lower() in label.lower()]
            if len(matches) != 1:
                QMessageBox.information(
                    self, "ChargeClock", f"No single code matches {text!r}: pick one from the list."
                )
                return
            code = matches[0]
        if self.state is not None and self.state.code(code) is None:
            self._apply(self._call(lambda: self.services.visits.add_code(self.visit_id, code)))
        self.add_code.clear()

    def add_typed_code(self) -> None:
        self.add_code_text(self.add_code.text())

    def remove_selected_code(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or self.state is None:
            return
        row = self.rows.row_at(index.row())
        if row.state is None:
            return
        reason = ""
        if any(row.seconds(r, self.clock.now()) for r in ("PT", "PTA")):
            answer = QMessageBox.question(
                self,
                "Remove code",
                f"{row.code} has recorded time. Remove it and its time? (the log keeps a record)",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            reason = "removed on the visit screen"
        self._apply(
            self._call(lambda: self.services.visits.remove_code(self.visit_id, row.code, reason))
        )

    def choose_alternative(self, tie_choice: tuple[str, ...]) -> None:
        if self.state is None:
            return
        self._tie_choice[self.state.visit_id] = tuple(tie_choice)
        self.services.visits.set_tie_choice(self.state.visit_id, tuple(tie_choice))
        self.recompute(force=True)

    def finalize(self) -> None:
        state = self.state
        if state is None or state.status != "open":
            return
        if state.running:
            answer = QMessageBox.question(
                self,
                "Finalize visit",
                "Timers are still running. Stop them now and finalize?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            if self._call(lambda: self.services.visits.stop_all(self.visit_id)) is None:
                return
        finalized = self._call(lambda: self.services.visits.finalize(self.visit_id))
        if finalized is None:
            return
        self.refresh_lists()
        self._show_visit(finalized.state)
        self.visit_changed.emit(self.visit_id)
        if finalized.kx_review_visit_ids:
            QMessageBox.warning(self, "Finalize visit", self._kx_review(finalized))

    def _kx_review(self, finalized: Finalized) -> str:
        """What the biller is told when later bills' KX no longer matches the year-to-date."""
        visits = [self.services.visits.visit(i) for i in finalized.kx_review_visit_ids]
        named = ", ".join(f"#{v.id} of {v.date_of_service.strftime('%m/%d/%Y')}" for v in visits)
        return (
            f"The KX modifier frozen on {'visit' if len(visits) == 1 else 'visits'} {named}, "
            "billed after this one, no longer matches the patient's year-to-date: review "
            "those claims and correct them if they were sent."
        )

    @property
    def has_painted(self) -> bool:
        """The window has been drawn at least once (``painted`` was emitted)."""
        return self._painted

    @property
    def has_settled(self) -> bool:
        """The start is over: the window has painted, or ``START_SETTLES_MS`` have passed
        (``settled`` was emitted, once)."""
        return self._settled

    def _settle(self) -> None:
        if not self._settled:
            self._settled = True
            self.settled.emit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()
            self._settle()

    def close_choice(self, running: int) -> str:
        """Asked when the window closes with timers running: "stop", "keep" or "cancel"."""
        box = QMessageBox(self)
        box.setWindowTitle("ChargeClock")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(f"{running} timer{'s are' if running > 1 else ' is'} still running.")
        box.setInformativeText(
            "Stop them now, or keep them running while ChargeClock is closed? Timers kept "
            "running go on counting and are still running when ChargeClock starts again."
        )
        stop = box.addButton("Stop timers and quit", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep running and quit", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "stop" if clicked is stop else "keep" if clicked is keep else "cancel"

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        try:
            running = self.services.recovery.running_timers()
        except Exception as exc:  # the database is already gone: nothing left to ask about
            print(f"chargeclock: closing without the timer check: {exc}", file=sys.stderr)
            running = ()
        if running:
            choice = self.close_choice(len(running))
            if choice == "cancel":
                event.ignore()
                return
            if choice == "stop":
                for visit_id in sorted({t.visit_id for t in running}):
                    stopped = self._call(partial(self.services.visits.stop_all, visit_id))
                    if stopped is None:
                        event.ignore()
                        return
        self.ticker.stop()
        super().closeEvent(event)
