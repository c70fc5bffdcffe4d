"""What the visit panel does with its codes and at finalize: a code added by its number or
label, a code removed (asked first when it holds time), a line's modifiers, the visit's place of
service, and finalize with its questions (timers over a day, timers still running, what is
unresolved) and its notices (the KX re-review, the authorization). A mixin of
:class:`~chargeclock.ui.visit_panel.VisitPanel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QLineEdit, QTableView

from chargeclock.clock import Clock
from chargeclock.services.minutes import LongSpan, VisitState
from chargeclock.services.session import Services
from chargeclock.ui import authorization_line, claim_actions
from chargeclock.ui.visit_context import kx_review

if TYPE_CHECKING:
    from chargeclock.ui.rows_model import CodeRowsModel
    from chargeclock.ui.visit_panel import VisitPanel

T = TypeVar("T")


class VisitActions:
    """The panel's code and finalize actions (the panel provides what is declared here)."""

    services: Services
    clock: Clock
    visit_id: int
    state: VisitState | None
    table: QTableView
    rows: CodeRowsModel
    add_code: QLineEdit
    _labels: dict[str, str]

    def _run_on_visit(self, op: Callable[[], T], failed: str = "") -> T | None:
        raise NotImplementedError

    def _panel(self) -> VisitPanel:
        from chargeclock.ui.visit_panel import VisitPanel

        assert isinstance(self, VisitPanel)
        return self

    def add_code_text(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        code = text.split("—")[0].strip().split(" ")[0].upper()
        if not code:
            return
        if code not in self._labels:
            matches = [c for c, label in self._labels.items() if text.lower() in label.lower()]
            if len(matches) != 1:
                QMessageBox.information(
                    self._panel(),
                    "ChargeClock",
                    f"No single code matches {text!r}: pick one from the list.",
                )
                return
            code = matches[0]
        if self.state is not None and self.state.code(code) is None:
            self._run_on_visit(lambda: self.services.visits.add_code(self.visit_id, code))
        self.add_code.clear()

    def add_typed_code(self) -> None:
        self.add_code_text(self.add_code.text())

    def remove_selected_code(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        index = self.table.currentIndex()
        if not index.isValid() or self.state is None:
            return
        row = self.rows.row_at(index.row())
        if row.state is None:
            return
        reason = ""
        if any(row.seconds(r, self.clock.now()) for r in ("PT", "PTA")):
            answer = QMessageBox.question(
                self._panel(),
                "Remove code",
                f"{row.code} has recorded time. Remove it and its time? (the log keeps a record)",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            reason = "removed on the visit screen"
        self._run_on_visit(
            lambda: self.services.visits.remove_code(self.visit_id, row.code, reason)
        )

    def edit_modifiers(self) -> None:
        """The selected code's chosen modifiers (59/X{EPSU}, GA/GZ/GX/GY)."""
        index = self.table.currentIndex()
        if index.isValid() and self.state is not None:
            claim_actions.edit_line_modifiers(self._panel(), self.rows.row_at(index.row()).code)

    def set_place_of_service(self, place: str) -> None:
        """The clinician's pick of the open visit's place of service: saved (and audited), then
        shown with the lines recomputed when ``store_changed`` names the visit."""
        state = self.state
        if state is None or state.status != "open":
            return
        visit_id = state.visit_id
        self._run_on_visit(
            lambda: self.services.visits.set_place_of_service(visit_id, place),
            failed="The place of service was NOT changed.\n\n",
        )

    def stop_times(self, spans: Sequence[LongSpan]) -> list[tuple[LongSpan, datetime]] | None:
        """Asked at finalize: when each timer that ran more than a day really stopped."""
        from chargeclock.ui.stop_time_dialog import ask_stop_times  # made when asked, not at start

        return ask_stop_times(spans, self.clock.now(), self._panel())

    def finalize(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        state = self.state
        if state is None or state.status != "open":
            return
        # The finalize dialogs load when a visit is finalized, not with the window.
        from chargeclock.ui.finalize_dialog import ask_before_finalize
        from chargeclock.ui.stop_time_dialog import set_stop_times

        # A timer that ran more than a day: ask when it really stopped (nothing is guessed).
        if not set_stop_times(
            self.services, state, self.clock.now(), self.stop_times, self._run_on_visit
        ):
            return
        state = self.state or state
        if state.running:
            answer = QMessageBox.question(
                self._panel(),
                "Finalize visit",
                "Timers are still running. Stop them now and finalize?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            if self._run_on_visit(lambda: self.services.visits.stop_all(self.visit_id)) is None:
                return
        answers = ask_before_finalize(self._panel())  # what is unresolved, settled or overridden
        if answers is None:
            return
        overrides, charges = answers
        finalized = self._run_on_visit(
            lambda: self.services.visits.finalize(
                self.visit_id, overrides, charges=dict(charges) or None
            )
        )
        if finalized is not None and finalized.kx_review_visit_ids:
            QMessageBox.warning(
                self._panel(), "Finalize visit", kx_review(self.services, finalized)
            )
        notice = authorization_line.finalize_notice(self.services, self.visit_id)
        if finalized is not None and notice:
            QMessageBox.warning(self._panel(), "Finalize visit", notice)
