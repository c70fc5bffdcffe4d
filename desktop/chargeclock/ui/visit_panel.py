"""The visit screen's centre: the open visit's title, the rules banner, the code rows with their
PT ▶ / PTA ▶ timers, the claim lines once finalized, and Superbill / Finalize.

Every change goes through the :class:`~chargeclock.ui.runner.Runner` (committed to the database
first); the panel shows it when ``store_changed`` names its visit, so a change made anywhere
(the history dialog, a same-day visit) shows here the same way. The calculator panel on the
right shows the live result the panel computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QModelIndex, QStringListModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from chargeclock.clock import Clock
from chargeclock.domain.calculation import ServiceMinutes
from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.changes import Changes
from chargeclock.services.minutes import VisitState, long_spans, service_minutes
from chargeclock.services.session import Services
from chargeclock.services.timer_change import TimerChange
from chargeclock.ui import authorization_line, claim_actions, running_elsewhere, theme
from chargeclock.ui.calculator_panel import CalculatorPanel, PanelContext
from chargeclock.ui.lists import ClaimLinesModel, LineEntry
from chargeclock.ui.patient_panel import heading
from chargeclock.ui.place_picker import PlacePicker
from chargeclock.ui.rows_model import CodeRowsModel
from chargeclock.ui.runner import Runner
from chargeclock.ui.visit_actions import VisitActions
from chargeclock.ui.visit_context import code_rows, load_context
from chargeclock.ui.visit_heading import VisitHeading

T = TypeVar("T")


class VisitPanel(VisitActions, QFrame):
    #: the superbill was asked for, for the open visit's id
    superbill_requested = Signal(int)
    #: a visit was opened: its id
    visit_opened = Signal(int)

    def __init__(
        self,
        services: Services,
        clock: Clock,
        runner: Runner,
        calculator: CalculatorPanel,
        shortcuts: dict[str, str],
    ) -> None:
        super().__init__()
        self.services = services
        self.clock = clock
        self.runner = runner
        self.panel = calculator
        self.visit_id = 0
        self.state: VisitState | None = None
        # The visit as this panel's timer tap returned it, while the tap is published: the
        # tap read it after its commit, so the panel shows that instead of reading it again.
        self._tapped: VisitState | None = None
        self._last_minutes: tuple[ServiceMinutes, ...] | None = None
        self._context = PanelContext()
        self._tools_ready = False
        self._labels = {c.code: c.label for c in services.book.all_codes()}
        self.setObjectName("Panel")
        self._build(shortcuts)
        calculator.alternative_chosen.connect(self.choose_alternative)
        claim_actions.wire(self, calculator.claim_actions)

    def _build(self, shortcuts: dict[str, str]) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.visit_title = heading("No visit open")
        self.visit_title.setStyleSheet("font-size: 17pt;")
        self.visit_subtitle = QLabel("Pick a patient on the left and start a visit.")
        self.visit_subtitle.setObjectName("SubHeading")
        self.place_picker = PlacePicker(self.set_place_of_service)
        # the visit's place of service beside its title (below it for a long name)
        self.heading = VisitHeading(self.visit_title, self.place_picker)
        layout.addWidget(self.heading)
        layout.addWidget(self.visit_subtitle)
        self.auth_line = QLabel()  # "Auth A-100: visit 7 of 12 · until 03/31"
        layout.addWidget(self.auth_line)
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
        self.table.horizontalHeader().setModel(self.rows.header_labels)
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
        self.segments_button = QPushButton("Segments… (Ctrl+T)")  # ui.visit_edits opens them
        add_row.addWidget(self.segments_button)
        layout.addLayout(add_row)

        self.lines_title = QLabel("Claim lines (frozen at finalize)")
        self.lines_title.setStyleSheet("font-weight: 600;")
        self.lines_title.setVisible(False)
        self.lines = ClaimLinesModel(self)
        self._lines_view: QTableView | None = None  # made with the first finalized visit shown
        layout.addWidget(self.lines_title)

        buttons = QHBoxLayout()
        self.superbill_button = QPushButton(f"Superbill ({shortcuts['superbill']})")
        self.superbill_button.clicked.connect(lambda: self.superbill_requested.emit(self.visit_id))
        self.finalize_button = QPushButton(f"Finalize visit ({shortcuts['finalize']})")
        self.finalize_button.setObjectName("Primary")
        self.finalize_button.clicked.connect(self.finalize)
        # beside Finalize, not in the codes' row: that row has to fit a 1024-wide screen
        self.modifiers_button = QPushButton("Modifiers…")
        self.modifiers_button.clicked.connect(self.edit_modifiers)
        buttons.addWidget(self.modifiers_button)
        buttons.addStretch(1)
        buttons.addWidget(self.superbill_button)
        buttons.addWidget(self.finalize_button)
        layout.addLayout(buttons)

    # -- what the store says ----------------------------------------------------------------------

    def store_changed(self, changes: Changes) -> None:
        """Read the open visit again when the change touches it: all of it (with the reminders
        and forecast) when its patient, the setup or the fees changed; else its rows."""
        state = self.state
        if state is None:
            return
        if changes.patient(state.patient_id) or changes.any_setup or changes.any_fees:
            self.open_visit(state.visit_id)
        elif any(changes.visit(v) for v in (state.visit_id, *state.same_day_visit_ids)):
            tapped = self._tapped
            if (
                tapped is not None
                and tapped.visit_id == state.visit_id
                and not changes.every
                and changes.visits == {state.visit_id}
            ):
                self._apply(tapped)  # the tap's own read, made after its commit
                return
            try:
                fresh = self.services.visits.visit_state(state.visit_id)
            except ChargeClockError:  # the call that changed it has said why already
                return
            self._apply(fresh)

    def _apply(self, state: VisitState) -> None:
        """Show a committed change of the open visit."""
        current = self.state
        if (
            current is None
            or state.status != current.status
            or [c.code for c in state.codes] != [c.code for c in current.codes]
        ):
            self._show_visit(state)
        else:
            self.state = state
            self.place_picker.show_state(state)
            self.rows.set_rows(code_rows(self.services, state), self.clock.now())
            self.recompute(force=True)

    # -- opening --------------------------------------------------------------------------------

    def start_visit(self, patient_id: int) -> None:
        state = self.runner.run(lambda: self.services.visits.open_visit(patient_id), self)
        if state is not None:
            self.open_visit(state.visit_id)

    def open_visit(self, visit_id: int) -> None:
        state = self.runner.read(lambda: self.services.visits.visit_state(visit_id), self)
        if state is None:
            return
        self.visit_id = visit_id
        self._context = load_context(self.services, state)
        self.panel.release_height()  # another visit: the panel takes its own height
        self._show_visit(state)
        self.visit_opened.emit(visit_id)

    def _set_rows(self, state: VisitState) -> None:
        """New snapshots for the table, keeping the selected code selected."""
        current = self.table.currentIndex()
        code = self.rows.row_at(current.row()).code if current.isValid() else None
        self.rows.set_rows(code_rows(self.services, state), self.clock.now())
        row = self.rows.row_of(code) if code else -1
        if row >= 0 and self.table.currentIndex().row() != row:
            self.table.selectRow(row)

    def _visit_tools(self) -> None:
        """The timer cells' painter and the code completer, made when the first visit shows:
        with no visit open there is nothing for them to do, and the window paints sooner."""
        if self._tools_ready:
            return
        self._tools_ready = True
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QCompleter  # its type and enums: when asked

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

    def show_nothing(self) -> None:
        self._show_visit(None)

    def _show_visit(self, state: VisitState | None) -> None:
        self.state = state
        self._last_minutes = None
        self.place_picker.show_state(state)
        now = self.clock.now()
        if state is None:
            self.rows.set_rows([], now)
            self.panel.clear()
            self.heading.set_name("No visit open")
            self.visit_subtitle.setText("Pick a patient on the left and start a visit.")
            self.rules_banner.setVisible(False)
            self.auth_line.setText("")
            for widget in (
                self.finalize_button,
                self.superbill_button,
                self.add_code,
                self.remove_button,
                self.modifiers_button,
                self.segments_button,
            ):
                widget.setEnabled(False)
            self._hide_lines()
            return
        self._visit_tools()
        patient = self.services.records.patient(state.patient_id)
        is_open = state.status == "open"
        self.rows.read_only = not is_open
        self._set_rows(state)
        self.heading.set_name(f"{patient.first_name} {patient.last_name}")
        payer = next((p for p in self.services.records.payers() if p.id == patient.payer_id), None)
        self.visit_subtitle.setText(
            f"Visit #{state.visit_id} · {state.date_of_service.strftime('%a %m/%d/%Y')} · "
            f"{state.discipline} · {payer.name if payer else 'self-pay'} · {state.status}"
        )
        check = authorization_line.payer_check(self.services, state.visit_id)
        self.auth_line.setText(authorization_line.line_text(check))
        self.auth_line.setStyleSheet(authorization_line.line_style(check))
        banner = self.services.rules.banner(state.date_of_service.year) if is_open else None
        self.rules_banner.setText(banner or "")
        self.rules_banner.setVisible(banner is not None)
        for widget in (
            self.finalize_button,
            self.add_code,
            self.remove_button,
            self.modifiers_button,
        ):
            widget.setEnabled(is_open)
        self.segments_button.setEnabled(True)  # a finalized visit's segments are shown too
        self.superbill_button.setEnabled(state.status == "finalized")
        self._show_lines(state)
        self.recompute(force=True)

    @property
    def lines_view(self) -> QTableView:
        """The claim lines' table, made when first asked for (a finalized visit shows): its
        header, scroll bars and their styling are not the empty screen's to make."""
        if self._lines_view is None:
            view = self._lines_view = QTableView()
            view.setModel(self.lines)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            view.setMaximumHeight(190)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self.lines_title) + 1, view)
        return self._lines_view

    def _hide_lines(self) -> None:
        for widget in (self.lines_title, self._lines_view):
            if widget is not None:
                widget.setVisible(False)
                widget.setEnabled(False)
        self.lines.set_lines([])

    def _show_lines(self, state: VisitState) -> None:
        if state.status != "finalized":
            self._hide_lines()
            return
        for widget in (self.lines_title, self.lines_view):
            widget.setVisible(True)
            widget.setEnabled(True)
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

    # -- live -------------------------------------------------------------------------------------

    def tick(self) -> bool:
        """Repaint the running timers and recompute if a minute turned over (True then)."""
        self.rows.tick(self.clock.now())
        return self.recompute()

    def recompute(self, *, force: bool = False) -> bool:
        """Calculate the visit again if its minutes changed (or ``force``); whether it did."""
        state = self.state
        if state is None:
            return False
        minutes = service_minutes(state, self.clock.now())
        if not force and minutes == self._last_minutes:
            return False
        self._last_minutes = minutes
        too_long = long_spans(state, self.clock.now())
        if too_long:  # a timer left running: the time is shown, the bill waits for a stop time
            self.rows.set_units({})
            self.panel.show_problems(
                "Timer running over a day" if any(s.running for s in too_long) else "Over a day",
                [s.message for s in too_long],
            )
            return True
        try:
            result = self.services.live_result(state)  # with the tie choice the visit keeps
        except ChargeClockError as exc:
            self.panel.clear(str(exc))
            return True
        self.rows.set_units({s.code: (s.units, s.assistant_units) for s in result.services})
        self.panel.show_result(result, self._context)
        return True

    # -- changing the visit -----------------------------------------------------------------------

    def _run_on_visit(self, op: Callable[[], T], failed: str = "") -> T | None:
        return self.runner.run(op, self, failed)

    def toggle_timer(self, code: str, role: str) -> None:
        if self.state is None or self.state.status != "open":
            return
        row = self.state.code(code)
        verb = "stop" if row is not None and row.is_running(role) else "start"
        ask = running_elsewhere.before_start  # another patient's timer of that role runs?
        if verb == "start" and not ask(self, self.runner, self.state, role):
            return
        visit_id = self.visit_id

        def tap() -> TimerChange:
            change = self.services.visits.toggle_timer(visit_id, code, role)
            self._tapped = change.applied_to(self.state)
            return change

        try:
            self._run_on_visit(
                tap, failed=f"The {role} tap on {code} was NOT saved: its timer did not {verb}.\n\n"
            )
        finally:
            self._tapped = None

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
        visits = self.services.visits
        if performed:
            self._run_on_visit(lambda: visits.add_code(self.visit_id, code))
        else:
            self._run_on_visit(lambda: visits.remove_code(self.visit_id, code))

    def set_untimed_minutes(self, code: str, role: str, minutes: int) -> None:
        state = self.state
        if state is None:
            return
        current = state.code(code)
        if current is None:
            added = self._run_on_visit(lambda: self.services.visits.add_code(self.visit_id, code))
            if added is None:
                return
            current = added.code(code)
        untimed = current.untimed if current else None
        pt = minutes if role == "PT" else (untimed.pt_minutes if untimed else None) or 0
        pta = minutes if role == "PTA" else (untimed.pta_minutes if untimed else None) or 0
        furnished = "both" if pt and pta else ("PTA" if pta else "PT")
        self._run_on_visit(
            lambda: self.services.visits.set_untimed(self.visit_id, code, furnished, pt, pta)
        )

    def choose_alternative(self, tie_choice: tuple[str, ...]) -> None:
        """The clinician's pick in a tie, kept with the visit (shown once it is saved)."""
        state = self.state
        if state is not None:
            choice = tuple(tie_choice)
            self._run_on_visit(lambda: self.services.visits.set_tie_choice(state.visit_id, choice))
