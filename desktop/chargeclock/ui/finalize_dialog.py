"""Finalize asks: one dialog before a visit is frozen, listing what is unresolved — warnings a
payer would deny the claim for (with their CARC), review flags, a tie on the default, lines
without a charge — each with its action, or a reason to override it. Finalize is offered only
when every item is settled or has a reason; a missing charge is entered here, never waived."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.modifiers import DISTINCT
from chargeclock.services.finalize_asks import MUST_SETTLE, Unresolved
from chargeclock.services.validation import parse_fee
from chargeclock.ui.claim_actions import clinician_name
from chargeclock.ui.rich_label import escape

if TYPE_CHECKING:
    from chargeclock.ui.visit_panel import VisitPanel


class FinalizeAsks(QDialog):
    """Built from the visit's :class:`Unresolved` items; reads them again after each action."""

    def __init__(self, panel: VisitPanel, items: list[Unresolved]) -> None:
        super().__init__(panel)
        self.panel = panel
        self.setWindowTitle("Before this visit is finalized")
        self.setMinimumWidth(720)
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel("Settle each item, or say why the claim goes as it is:"))
        self.body = QWidget(self)
        self.grid = QGridLayout(self.body)
        outer.addWidget(self.body)
        self.error = QLabel(self)
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.finalize_button = self.buttons.addButton(
            "Finalize", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.reasons: dict[str, QLineEdit] = {}
        self.charges: dict[str, QLineEdit] = {}
        self.item_actions: dict[str, list[QPushButton]] = {}
        self.items: list[Unresolved] = []
        self.blocked = False
        self._show(items)

    def _show(self, items: list[Unresolved]) -> None:
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        kept = {k: e.text() for k, e in self.reasons.items()}
        self.reasons, self.charges, self.item_actions, self.items = {}, {}, {}, items
        self.blocked = False  # an item only the visit screen or Settings can settle
        for row, item in enumerate(items):
            head = f"<b>{item.carc}</b> " if item.carc else ""
            text = QLabel(head + escape(item.text))
            text.setWordWrap(True)
            self.grid.addWidget(text, row, 0)
            self.grid.addWidget(self._action(item), row, 1)
            if item.kind in MUST_SETTLE and item.kind != "charge":
                self.grid.addWidget(QLabel(item.action), row, 2)
                self.blocked = True
                continue
            entry = QLineEdit()
            if item.overridable:
                entry.setPlaceholderText("or the reason to finalize as it is")
                entry.setText(kept.get(item.key, ""))
                self.reasons[item.key] = entry
            else:
                entry.setPlaceholderText("charge, e.g. 85.00")
                self.charges[item.codes[0]] = entry
            entry.textChanged.connect(self._update)
            self.grid.addWidget(entry, row, 2)
        self.grid.setColumnStretch(0, 3)
        self._update()

    def _action(self, item: Unresolved) -> QWidget:
        box = QWidget()
        row = QGridLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        buttons: list[tuple[str, Callable[[], object]]] = []
        visits = self.panel.services.visits
        visit_id = self.panel.visit_id
        if item.settled_by == "distinct_modifier" and len(item.codes) == 2:
            code = item.codes[1]
            for modifier in DISTINCT:
                buttons.append(
                    (modifier, partial(visits.add_distinct_modifier, visit_id, code, modifier))
                )
        elif item.kind == "kx_unconfirmed":
            visit = visits.visit(visit_id)
            by = clinician_name(self.panel, visit.rendering_provider_id)
            year = visit.date_of_service.year
            buttons.append(
                (f"Confirm KX for {year}", partial(visits.confirm_kx, visit.patient_id, year, by))
            )
        elif item.kind == "tie":
            buttons.append(
                ("Keep this allocation", partial(visits.set_tie_choice, visit_id, item.codes))
            )
        made = []
        for column, (label, op) in enumerate(buttons):
            button = QPushButton(label)
            button.clicked.connect(partial(self._act, op))
            row.addWidget(button, 0, column)
            made.append(button)
        self.item_actions[item.key] = made
        return box

    def _act(self, op: Callable[[], object], _checked: bool = False) -> None:
        if self.panel.runner.run(op, self) is not None:
            self._show(self.panel.services.visits.finalize_asks(self.panel.visit_id))

    def _charge_ok(self, text: str) -> bool:
        try:
            parse_fee(text, "charge")
        except ChargeClockError:
            return False
        return True

    def _update(self) -> None:
        ready = (
            not self.blocked
            and all(e.text().strip() for e in self.reasons.values())
            and all(self._charge_ok(e.text()) for e in self.charges.values())
        )
        self.finalize_button.setEnabled(ready)

    def overrides(self) -> dict[str, str]:
        return {key: entry.text().strip() for key, entry in self.reasons.items()}

    def entered_charges(self) -> dict[str, str]:
        return {code: entry.text().strip() for code, entry in self.charges.items()}

    def _accept(self) -> None:
        if self.finalize_button.isEnabled():
            self.accept()


def ask_before_finalize(panel: VisitPanel) -> tuple[dict[str, str], dict[str, str]] | None:
    """Run the dialog when anything is unresolved: the overrides to finalize with and the
    charges entered (both empty when nothing needed asking), or None when the clinician
    cancelled. The charges go into the fee list with the finalize itself, in its transaction:
    a finalize that fails saves none of them."""
    services = panel.services
    items = panel.runner.read(lambda: services.visits.finalize_asks(panel.visit_id), panel)
    if items is None:
        return None
    if not items:
        return {}, {}
    dialog = FinalizeAsks(panel, items)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.overrides(), dialog.entered_charges()
