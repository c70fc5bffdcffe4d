"""The actions the calculator panel offers on the claim (claims.md §2): a code pair's
distinct-service modifier on the column-2 code in one tap, the yearly KX confirmation, and the
modifiers a person may put on a line (59/X{EPSU}, GA/GZ/GX/GY). Nothing is added by itself:
each is the clinician's choice, stored and audited through the visit service."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.calculation import VisitResult
from chargeclock.domain.modifiers import DISTINCT, MEANINGS
from chargeclock.domain.wording import day_text
from chargeclock.ui.steady import Stack

if TYPE_CHECKING:
    from chargeclock.ui.visit_panel import VisitPanel

MEDICARE_KINDS = ("medicare_b", "medicare_advantage")  # GA/GZ are Medicare's liability modifiers
MAX_PAIRS = 3  # pairs offered at once (a fixed pool: a minute's change creates no widget)


class ClaimActions(Stack):
    #: (column-2 code, modifier) chosen from a code pair's warning
    distinct_chosen = Signal(str, str)
    kx_confirm_requested = Signal()
    abn_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        # (a stack: a row that comes or goes lays out the panel around it once)
        super().__init__(parent, spacing=6)
        self._last: tuple[object, ...] | None = None
        self.pair_rows: list[tuple[QWidget, QLabel, dict[str, QPushButton]]] = []
        self._pair_codes: list[str] = [""] * MAX_PAIRS
        for index in range(MAX_PAIRS):
            row = QWidget(self)
            rows = QVBoxLayout(row)
            rows.setContentsMargins(0, 0, 0, 0)
            label = QLabel(row)
            label.setWordWrap(True)
            rows.addWidget(label)
            line = QHBoxLayout()
            rows.addLayout(line)
            buttons: dict[str, QPushButton] = {}
            for modifier in DISTINCT:
                button = QPushButton(modifier, parent=row)  # parent by keyword: ui.qt_ints
                button.setToolTip(MEANINGS[modifier])
                # narrow: the five fit the panel's width, which the texts above wrap to
                button.setStyleSheet("min-width: 0px; padding: 4px 6px;")
                button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                button.clicked.connect(partial(self._pair_clicked, index, modifier))
                line.addWidget(button)
                buttons[modifier] = button
            row.setVisible(False)
            self.add(row)
            self.pair_rows.append((row, label, buttons))
        self.kx_button = QPushButton("Confirm KX (medical necessity)", parent=self)
        self.kx_button.setToolTip("The record shows the therapy is medically necessary")
        self.kx_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.kx_button.setVisible(False)
        self.kx_button.clicked.connect(lambda _checked=False: self.kx_confirm_requested.emit())
        self.add(self.kx_button)
        self.abn_button = QPushButton("ABN signed… (GA on its lines)", parent=self)
        self.abn_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.abn_button.setVisible(False)
        self.abn_button.clicked.connect(lambda _checked=False: self.abn_requested.emit())
        self.add(self.abn_button)

    def show_for(self, result: VisitResult | None) -> None:
        """Offer what ``result``'s warnings call for (nothing when None)."""
        warnings = result.warnings if result is not None else ()
        pairs = [w.codes for w in warnings if w.settled_by == "distinct_modifier"]
        kx = any(w.kind == "kx_unconfirmed" for w in warnings)
        medicare = result is not None and result.payer_kind in MEDICARE_KINDS
        key = (tuple(pairs), kx, medicare)
        if key == self._last:
            return
        self._last = key
        for index, (_row, label, _buttons) in enumerate(self.pair_rows):
            if index < len(pairs):
                column1, column2 = pairs[index][0], pairs[index][1]
                self._pair_codes[index] = column2
                label.setText(f"{column2} with {column1}, distinct service:")
        self.set_shown(
            [(row, index < len(pairs)) for index, (row, _, _) in enumerate(self.pair_rows)]
            + [(self.kx_button, kx), (self.abn_button, medicare)]
        )

    def _pair_clicked(self, index: int, modifier: str, _checked: bool = False) -> None:
        code = self._pair_codes[index]
        if code:
            self.distinct_chosen.emit(code, modifier)


def wire(panel: VisitPanel, actions: ClaimActions) -> None:
    """Connect the actions to the visit on ``panel`` (through its runner)."""
    services = panel.services

    def distinct(code: str, modifier: str) -> None:
        visit_id = panel.visit_id
        if visit_id is not None:
            panel.runner.run(
                lambda: services.visits.add_distinct_modifier(visit_id, code, modifier), panel
            )

    def confirm_kx() -> None:
        visit_id = panel.visit_id
        if visit_id is None:
            return
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        visit = services.visits.visit(visit_id)
        year = visit.date_of_service.year
        asked = QMessageBox.question(
            panel,
            "Confirm KX",
            f"KX goes on this patient's lines in {year}. Confirm that the record shows the "
            "therapy above the threshold is medically necessary? (Asked once a year.)",
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        by = clinician_name(panel, visit.rendering_provider_id)
        panel.runner.run(lambda: services.visits.confirm_kx(visit.patient_id, year, by), panel)

    def abn() -> None:
        visit_id = panel.visit_id
        if visit_id is None:
            return
        from PySide6.QtWidgets import QInputDialog

        visit = services.visits.visit(visit_id)
        text, ok = QInputDialog.getText(
            panel,
            "ABN on file",
            f"The patient signed an ABN on {day_text(visit.date_of_service)}. The codes it "
            "covers, separated by spaces (empty: every code):",
        )
        if ok:
            codes = text.replace(",", " ").upper().split()
            panel.runner.run(
                lambda: services.visits.record_abn(visit.patient_id, visit.date_of_service, codes),
                panel,
            )

    actions.distinct_chosen.connect(distinct)
    actions.kx_confirm_requested.connect(confirm_kx)
    actions.abn_requested.connect(abn)


def clinician_name(panel: VisitPanel, provider_id: int | None) -> str:
    """Who confirms: the visit's rendering provider, else the signed-in user."""
    for provider in panel.services.records.providers():
        if provider.id == provider_id:
            return str(provider.name)
    return panel.services.ctx.actor


def edit_line_modifiers(panel: VisitPanel, code: str) -> None:
    """Ask for the modifiers a person chooses for ``code`` (59/X{EPSU}, GA/GZ/GX/GY)."""
    visit_id = panel.visit_id
    if visit_id is None:
        return
    from PySide6.QtWidgets import QInputDialog

    state = panel.services.visits.visit_state(visit_id)
    current = " ".join(state.claim.line_modifiers.get(code, ()))
    text, ok = QInputDialog.getText(
        panel,
        f"Modifiers on {code}",
        "Distinct service (59, XE, XS, XP, XU) and/or liability (GA, GZ, GX, GY), "
        "separated by spaces; empty removes them:",
        text=current,
    )
    if ok:
        chosen = text.replace(",", " ").upper().split()
        panel.runner.run(
            lambda: panel.services.visits.set_line_modifiers(visit_id, code, chosen), panel
        )
