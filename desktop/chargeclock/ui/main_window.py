"""The visit screen: today's visits and a patient search on the left (:mod:`.patient_panel`),
the open visit's code rows with PT ▶ / PTA ▶ timers in the centre (:mod:`.visit_panel`), the
live calculator on the right (:mod:`.calculator_panel`).

The window only wires them: every change goes through one :class:`~chargeclock.ui.runner.Runner`
(committed to the database before the screen changes) and each panel reads again what its
``store_changed`` names. The ticker is a ``QTimer`` that repaints: elapsed time always comes
from the stored segments and the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from chargeclock.clock import Clock
from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.close_policy import ask_close_choice, may_close
from chargeclock.ui.qt_ints import set_shortcut
from chargeclock.ui.runner import Runner

if TYPE_CHECKING:  # the panels load with build_content (a locked start paints none of them)
    from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QPushButton, QTableView

    from chargeclock.services.minutes import VisitState
    from chargeclock.ui.lists import ClaimLinesModel, EntryListModel
    from chargeclock.ui.rows_model import CodeRowsModel

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
    "quit": "Ctrl+Q",
}


class MainWindow(QMainWindow):
    #: the superbill was asked for, for the open visit's id
    superbill_requested = Signal(int)
    #: the privacy lock was asked for
    lock_requested = Signal()
    #: the window's first frame is drawn whole, its panels' rows too (the startup probe waits
    #: for it)
    painted = Signal()
    #: the start is over (see :attr:`has_settled`); what can wait for it starts then
    settled = Signal()
    #: the panels were made (:meth:`build_content`; at once unless the window started locked)
    content_made = Signal()
    #: asked first when the window is to close; False refuses the close (the privacy lock
    #: sets it: nobody quits, or stops timers, without a PIN)
    close_guard: Callable[[], bool] | None = None
    #: words after the practice's name in the window title
    title_note = ""

    #: the panels, their actions and the fit are made (:meth:`build_content`)
    has_content = False

    def __init__(
        self,
        services: Services,
        clock: Clock,
        parent: QWidget | None = None,
        *,
        content: bool = True,
    ) -> None:
        """The window; with ``content=False`` only its frame (title, toolbar, status bar): a
        window that starts locked paints its cover first and gets its panels right after
        (:meth:`build_content`)."""
        super().__init__(parent)
        self.services = services
        self.clock = clock
        self.runner = Runner(services, self)
        self._ticks = 0
        self._beat_due = False
        self._beat_failing = False
        self._painted = False  # its first paint event came (the frame is drawn after it)
        self._frame_drawn = False
        self._settled = False
        QTimer.singleShot(START_SETTLES_MS, self, self._settle)
        # The theme at the type size kept (large type): set once, and a locked start's cover,
        # which inherits it, does not change size when the panels come.
        self.large_at_start = self._kept_large_type()
        self.setStyleSheet(theme.stylesheet(theme.point_size(self.large_at_start)))
        self._show_title()
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("MainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        if content:
            self.build_content()

    def _kept_large_type(self) -> bool:
        """Whether the clinic keeps large type; the usual type if it cannot be read now (read
        once: the fit takes :attr:`large_at_start`)."""
        from chargeclock.services.display import Display

        try:
            return Display(self.services.ctx).large_type()
        except ChargeClockError:
            return False

    def build_content(self) -> None:
        """The panels, the shortcuts and the fit; the ticker starts. Once."""
        if self.has_content:
            return
        self.has_content = True
        from chargeclock.ui.fit import DisplayFit
        from chargeclock.ui.store_watch import StoreWatcher
        from chargeclock.ui.visit_edits import VisitEdits

        self._build()
        self._build_actions()
        self.edits = VisitEdits(self)  # Ctrl+Z, Ctrl+T: put a mis-tap right
        self.display = DisplayFit(self)  # fits the screen; large type
        self.visits.show_nothing()
        self.ticker.start()
        # Taps from another process (a foot switch, a hotkey) show here within a second.
        self.store_watch = StoreWatcher(self.runner, self)
        self.patients.refresh_lists()
        # The views whose rows repaint each second (a running clock) fill their own background
        # (ui.opaque_view): once the start is over, not to hold up the first paint.
        self.after_start(self._fill_views, next_turn=True)
        self.content_made.emit()

    def _fill_views(self) -> None:
        from chargeclock.ui.opaque_view import fill_own_background

        for view in (self.table, self.patients.today_list):
            fill_own_background(view)

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        from PySide6.QtWidgets import QSplitter

        from chargeclock.ui.calculator_panel import CalculatorPanel
        from chargeclock.ui.patient_panel import PatientPanel
        from chargeclock.ui.toolbar_fit import shortcut_hints
        from chargeclock.ui.visit_panel import VisitPanel

        # side by side; the parent by keyword, as telling QSplitter(parent) from
        # QSplitter(orientation) would build Qt's namespace (ui.qt_ints)
        splitter = QSplitter(parent=self)
        splitter.setChildrenCollapsible(False)
        self.patients = PatientPanel(self.services)
        self.panel = CalculatorPanel()
        self.panel.setMinimumWidth(330)
        self.visits = VisitPanel(self.services, self.clock, self.runner, self.panel, SHORTCUTS)
        splitter.addWidget(self.patients)
        splitter.addWidget(self.visits)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([270, 700, 380])
        self.setCentralWidget(splitter)
        # whole and short: ui.toolbar_fit shows the one that fits
        self.shortcut_hints = shortcut_hints(SHORTCUTS)
        self.statusBar().showMessage(self.shortcut_hints[0])
        self.patients.visit_picked.connect(self.visits.open_visit)
        self.patients.start_requested.connect(self.visits.start_visit)
        self.visits.visit_opened.connect(self.patients.select_visit)
        self.visits.superbill_requested.connect(self.superbill_requested)
        self.runner.store_changed.connect(self.patients.store_changed)
        self.runner.store_changed.connect(self.visits.store_changed)
        self.runner.store_changed.connect(self._store_changed)
        self.visits.visit_opened.connect(self._visit_shown)
        self.runner.listen()

    def _build_actions(self) -> None:
        from PySide6.QtGui import QAction

        def action(name: str, text: str, slot: Callable[[], Any]) -> QAction:
            act = QAction(text, parent=self)  # parent by keyword: ui.qt_ints
            # In this window (Qt's default). Through the property, which takes the keys'
            # text: setShortcut's overloads build Qt's namespace to tell a key sequence from a
            # standard key (ui.qt_ints), and QKeySequence's Python type is not needed.
            set_shortcut(act, SHORTCUTS[name])
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        visits = self.visits
        self.actions_by_name = {
            "pt": action(
                "pt", "Start/stop PT on the selected row", lambda: visits.toggle_selected("PT")
            ),
            "pta": action(
                "pta", "Start/stop PTA on the selected row", lambda: visits.toggle_selected("PTA")
            ),
            "next": action("next", "Next row", lambda: visits.move_selection(1)),
            "previous": action("previous", "Previous row", lambda: visits.move_selection(-1)),
            "finalize": action("finalize", "Finalize", visits.finalize),
            "superbill": action(
                "superbill", "Superbill", lambda: self.superbill_requested.emit(visits.visit_id)
            ),
            "lock": action("lock", "Lock", self.lock_requested.emit),
            "find": action("find", "Find a patient", self.patients.search.setFocus),
            # Closing asks what a close asks (timers running: stop or keep; locked: no).
            "quit": action("quit", "Quit ChargeClock", self.close),
        }

    def _show_title(self) -> None:
        practice = self.services.practice.practice()
        name = practice.name if practice and practice.name else "set up your practice"
        note = f" — {self.title_note}" if self.title_note else ""
        self.setWindowTitle(f"ChargeClock — {name}{note}")

    def set_title_note(self, note: str) -> None:
        """Words after the practice's name in the title (the demo says its PINs there)."""
        self.title_note = note
        self._show_title()

    def _store_changed(self, changes: Changes) -> None:
        if changes.any_setup:
            self._show_title()
        if self.visits.visit_id and changes.visit(self.visits.visit_id):
            self._say_where(self.visits.visit_id)

    def _visit_shown(self, visit_id: int) -> None:
        """On a clinic server, the other workstations see that this one shows the visit, and
        this one says which others do (never a refusal)."""
        self.services.workstations.show(visit_id)
        self._say_where(visit_id)

    def _say_where(self, visit_id: int) -> None:
        notice = self.services.workstations.notice(visit_id)
        if notice:
            self.statusBar().showMessage(notice)

    # -- the panels' parts, by the names the rest of the program uses --------------------------

    @property
    def state(self) -> VisitState | None:
        return self.visits.state

    @property
    def visit_id(self) -> int:
        return self.visits.visit_id

    @property
    def search(self) -> QLineEdit:
        return self.patients.search

    @property
    def patient_list(self) -> QListView:
        return self.patients.patient_list

    @property
    def patient_model(self) -> EntryListModel:
        return self.patients.patient_model

    @property
    def today_model(self) -> EntryListModel:
        return self.patients.today_model

    @property
    def rows(self) -> CodeRowsModel:
        return self.visits.rows

    @property
    def table(self) -> QTableView:
        return self.visits.table

    @property
    def add_code(self) -> QLineEdit:
        return self.visits.add_code

    @property
    def finalize_button(self) -> QPushButton:
        return self.visits.finalize_button

    @property
    def superbill_button(self) -> QPushButton:
        return self.visits.superbill_button

    @property
    def lines(self) -> ClaimLinesModel:
        return self.visits.lines

    @property
    def lines_view(self) -> QTableView:
        return self.visits.lines_view

    @property
    def rules_banner(self) -> QLabel:
        return self.visits.rules_banner

    @property
    def start_button(self) -> QPushButton:
        return self.patients.start_button

    def refresh_lists(self) -> None:
        self.patients.refresh_lists()

    def search_patients(self, text: str) -> None:
        self.patients.search_patients(text)

    def open_visit(self, visit_id: int) -> None:
        self.visits.open_visit(visit_id)

    def start_visit(self, patient_id: int) -> None:
        self.visits.start_visit(patient_id)

    def finalize(self) -> None:
        self.visits.finalize()

    def tick(self) -> None:
        """Once a second: repaint the running timers and recompute if a minute turned over;
        every ``HEARTBEAT_SECONDS`` the heartbeat, but never in the tick that recomputed (the
        busiest of the minute, which a commit would make longer): it then waits a second."""
        recomputed = self.visits.tick()
        self.patients.tick(self.clock.now())
        self._ticks += 1
        self._beat_due = self._beat_due or self._ticks % HEARTBEAT_SECONDS == 0
        if self._beat_due and not recomputed:
            self._beat_due = False
            try:
                self.services.recovery.beat()
                self._beat_failing = False
            except ChargeClockError as exc:  # disk full, read-only: "last seen" stays older,
                if not self._beat_failing:  # the next tap tells the user; the log, once
                    from chargeclock.errorlog import log_error

                    log_error(exc, "heartbeat")
                self._beat_failing = True

    # -- start and close ------------------------------------------------------------------------

    @property
    def has_painted(self) -> bool:
        """The window's first frame has been drawn whole (``painted`` was emitted)."""
        return self._frame_drawn

    @property
    def has_settled(self) -> bool:
        """The start is over: the window has painted, or ``START_SETTLES_MS`` have passed
        (``settled`` was emitted, once)."""
        return self._settled

    def after_start(self, run: Callable[[], object], *, next_turn: bool = False) -> None:
        """``run`` now if the start is over, else once it is (``next_turn``: in the event
        loop's next turn after ``settled``, not within the first paint's own event)."""
        if self._settled:
            run()
        elif next_turn:
            self.settled.connect(lambda: QTimer.singleShot(0, self, run))
        else:
            self.settled.connect(run)

    def _settle(self) -> None:
        if not self._settled:
            self._settled = True
            self.settled.emit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # A window paints before its children, within the same event: the frame is whole
            # once that event is over. The start settles then, not in the middle of the frame.
            QTimer.singleShot(0, self, self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        self._frame_drawn = True
        self.painted.emit()
        self._settle()

    def close_choice(self, running: int) -> str:
        """Asked when the window closes with timers running: "stop", "keep" or "cancel"."""
        return ask_close_choice(self, running)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        if not may_close(self.services, self.runner, self, self.close_choice):
            event.ignore()
            return
        self.ticker.stop()
        if self.has_content:
            self.store_watch.timer.stop()
        super().closeEvent(event)
