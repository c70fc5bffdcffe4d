"""A patient's history: visits with their units, modifiers, charges and payments; the audit
entries of the selected visit; reopening a finalized visit for correction (a reason is required
and is kept in the audit log); entering a payment. "KX year to date…" draws the patient's year
against the KX threshold and the review level in a window of its own
(:class:`~chargeclock.ui.kx_chart.KxYearDialog`), made when asked for: QtCharts loads then, and
opening History costs nothing more than the button."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.wording import moment_text
from chargeclock.services.changes import Changes
from chargeclock.services.records import PAYMENT_METHODS
from chargeclock.services.rows import AuditEntry, VisitRow
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.forms import (
    FORM_STYLE,
    DateField,
    FormState,
    date_problem,
    fit_to_screen,
    grid_rows,
    group,
    money_problem,
    required,
)
from chargeclock.ui.history_model import (
    PaymentsModel,
    VisitChoicesModel,
    VisitHistoryModel,
    dollars,
)

if TYPE_CHECKING:
    from chargeclock.ui.kx_chart import KxYearDialog

# Columns of a fixed width, in characters of the dialog's type (sizing to contents would
# measure every cell of every row): date, visit, status, units, charges, paid; date, amount,
# visit
VISIT_WIDTHS = {0: 10, 1: 6, 2: 9, 4: 5, 5: 10, 6: 10}  # "#99999", "$99,999.99"
PAYMENT_WIDTHS = {0: 10, 1: 10, 3: 6}
CELL_PADDING = 16  # pixels beside a column's characters


def _column_widths(table: QTableView, widths: dict[int, int], *, stretch: int) -> None:
    """``table``'s columns in ``widths`` as wide as that many characters of its own type, under
    the window's theme (large type's too: measured in Qt's default font, the dates were cut
    under large type); the ``stretch`` column takes what is left."""
    table.ensurePolished()
    header = table.horizontalHeader()
    char = table.fontMetrics().horizontalAdvance("0")
    for column, chars in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(column, chars * char + CELL_PADDING)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _table(dialog: QDialog) -> QTableView:
    table = QTableView(dialog)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(40)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    return table


class HistoryDialog(QDialog):
    #: a finalized visit was reopened for correction: its id
    reopened = Signal(int)
    #: a payment was recorded: its id
    payment_recorded = Signal(int)

    def __init__(self, services: Services, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        self._shown = False  # the selected visit's audit shown since refresh began
        patient = services.records.patient(patient_id)
        self.setWindowTitle(f"History — {patient.last_name}, {patient.first_name}")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        # How much larger than the usual type the dialog's is (large type: 16 pt to 12),
        # asked before its widgets are made
        self.ensurePolished()
        scale = theme.type_scale(self)
        self._build(scale)
        self.refresh()
        # larger with large type, as far as the screen goes
        fit_to_screen(self, round(1240 * scale), round(700 * scale))

    def _build(self, scale: float) -> None:
        self.visits = _table(self)
        self.visit_model = VisitHistoryModel(self.visits)
        self.visits.setModel(self.visit_model)
        _column_widths(self.visits, VISIT_WIDTHS, stretch=3)  # the claim lines take the rest
        self.visits.selectionModel().selectionChanged.connect(lambda *_: self._visit_selected())

        self.audit = QListWidget()
        self.audit.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the finalized visit needs correcting")
        self.correction = FormState(self._correction_errors)
        self.reopen_button = QPushButton("Reopen for correction")
        self.reopen_button.clicked.connect(self.reopen)
        correction = QVBoxLayout()
        self.audit_title = QLabel("Audit log of the selected visit")
        self.audit_title.setStyleSheet("font-weight: 600;")
        correction.addWidget(self.audit_title)
        correction.addWidget(self.audit, 1)
        correction.addWidget(self.correction.field("reason", self.reason, self.reason.textChanged))
        correction.addWidget(self.correction.general)
        correction.addWidget(self.reopen_button)
        right = QWidget()
        right.setLayout(correction)
        right.setMaximumWidth(420)

        top = QHBoxLayout()
        top.addWidget(self.visits, 1)
        top.addWidget(right)

        self.payments = _table(self)
        self.payment_model = PaymentsModel(self.payments)
        self.payments.setModel(self.payment_model)
        # (shared alike, the four columns cut the date at large type: "12/01/20…")
        _column_widths(self.payments, PAYMENT_WIDTHS, stretch=2)  # the method takes the rest
        self.payments.setMaximumHeight(170)
        self.balance = QLabel()
        self.balance.setWordWrap(True)  # its three sums break before they widen the dialog
        self.balance.setStyleSheet("font-weight: 600;")
        self.pay_date = DateField()
        self.pay_date.set_value(self.services.ctx.today())
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.method = QComboBox()
        for method in PAYMENT_METHODS:
            self.method.addItem(method.capitalize(), method)
        self.for_visit = QComboBox()
        self.visit_choices = VisitChoicesModel(self.for_visit)
        self.for_visit.setModel(self.visit_choices)
        # Sized by a fixed length and its first item, not by measuring each of a decade's
        # visits (the style sheet's list view would ask every item for its size).
        self.for_visit.view().setUniformItemSizes(True)  # type: ignore[attr-defined]
        self.for_visit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.for_visit.setMinimumContentsLength(len("#000000 · 00/00/0000"))
        self.payment_form = FormState(self._payment_errors)
        f = self.payment_form
        form = grid_rows(
            (
                ("Date", f.field("paid_on", self.pay_date, self.pay_date.changed)),
                ("Amount ($)", f.field("amount", self.amount, self.amount.textChanged)),
            ),
            (
                ("Method", f.field("method", self.method)),
                ("For visit", f.field("visit_id", self.for_visit)),
            ),
        )
        self.pay_button = QPushButton("Record payment")
        self.pay_button.setObjectName("Primary")
        self.pay_button.clicked.connect(self.record_payment)
        form.addWidget(f.general, 2, 0, 1, 4)
        form.addWidget(self.pay_button, 3, 1, 1, 3)
        pay_left = QVBoxLayout()
        pay_left.addWidget(self.payments, 1)
        pay_left.addWidget(self.balance)
        bottom = QHBoxLayout()
        bottom.addLayout(pay_left, 1)
        form_box = group("New payment", form)
        # The table takes the room the form leaves: 620 px at the usual type (a visit's number and
        # date whole in "For visit"), 747 in large type (a width in pixels cut the date there).
        form_box.setMaximumWidth(max(620, round(560 * scale)))
        bottom.addWidget(form_box)

        self.kx_button = QPushButton("KX year to date…")
        self.kx_button.clicked.connect(self.show_kx)
        self.kx_dialog: KxYearDialog | None = None
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.kx_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(group("Visits", _wrap(top)), 1)
        layout.addWidget(group("Payments", _wrap(bottom)), 0)
        layout.addLayout(buttons)

    # -- showing --------------------------------------------------------------------------------

    def store_changed(self, changes: Changes) -> None:
        """Read again when a visit, a payment or this patient changed anywhere."""
        if changes.any_visit or changes.any_payment or changes.patient(self.patient_id):
            self.refresh()

    def refresh(self) -> None:
        selected = self.selected_visit()
        services = self.services
        summaries = services.visits.history(self.patient_id)
        payments = services.records.payments(self.patient_id)
        # the ledger's own entries: a payment reversed is no longer paid (listed, marked);
        # adjustments (a contractual one, a write-off, a refund) change what is owed
        reversed_payments, adjusted = services.ledger.posted(self.patient_id)
        paid_by_visit: dict[int, Decimal] = {}
        paid = Decimal(0)
        for payment in payments:
            if payment.id in reversed_payments:
                continue
            paid += payment.amount
            if payment.visit_id is not None:
                paid_by_visit[payment.visit_id] = (
                    paid_by_visit.get(payment.visit_id, Decimal(0)) + payment.amount
                )
        self.visit_model.set_rows(summaries, paid_by_visit)
        self.payment_model.set_payments(payments, reversed_payments)
        total_charges = self.visit_model.total_charges()
        adjustments = f" · adjustments {dollars(adjusted)}" if adjusted else ""
        self.balance.setText(
            f"Charges {dollars(total_charges)} · paid {dollars(paid)}{adjustments} · "
            f"balance {dollars(total_charges - paid - adjusted)}"
        )
        self.visit_choices.set_visits(summaries)
        self.for_visit.setCurrentIndex(0)
        self._shown = False
        if selected is not None:
            self.select_visit(selected.id)
        elif summaries:
            self.visits.selectRow(0)
        if not self._shown:  # the selection did not change: its visit shown as it is now
            self._visit_selected()
        if self.kx_dialog is not None and self.kx_dialog.isVisible():
            self.kx_dialog.refresh()

    def show_kx(self) -> None:
        """The patient's KX chart of this year, in its own window (made the first time)."""
        if self.kx_dialog is None:
            from chargeclock.ui.kx_chart import KxYearDialog

            self.kx_dialog = KxYearDialog(self.services, self.patient_id, self)
        else:
            self.kx_dialog.refresh()
        self.kx_dialog.show()
        self.kx_dialog.raise_()

    def selected_visit(self) -> VisitRow | None:
        rows = self.visits.selectionModel().selectedRows() if self.visits.selectionModel() else []
        if not rows or rows[0].row() >= self.visit_model.rowCount():
            return None
        return self.services.visits.visit(self.visit_model.summary(rows[0].row()).visit_id)

    def select_visit(self, visit_id: int) -> None:
        row = self.visit_model.row_of(visit_id)
        if row >= 0:
            self.visits.selectRow(row)

    def _visit_selected(self) -> None:
        self._shown = True  # (refresh shows the selected visit only if this did not run)
        visit = self.selected_visit()
        self.audit.clear()
        if visit is None:
            self.audit_title.setText("Audit log of the selected visit")
            self.reopen_button.setEnabled(False)
            return
        self.audit_title.setText(f"Audit log of visit #{visit.id}")
        for entry in self.services.records.visit_audit(visit.id):
            self.audit.addItem(self.describe(entry))
        self.reopen_button.setEnabled(visit.status == "finalized")
        row = self.visit_model.row_of(visit.id)
        if row >= 0:
            self.for_visit.setCurrentIndex(self.visit_choices.row_of(row))

    def describe(self, entry: AuditEntry) -> str:
        when = moment_text(entry.at, self.services.ctx.zone)
        text = f"{when} · {entry.actor} · {entry.action.replace('_', ' ')}"
        if entry.reason:
            text += f" — reason: {entry.reason}"
        removed = entry.details.get("removed_lines")
        if removed:
            text += " — removed lines: " + ", ".join(
                f"{line['code']} ×{line['units']}" for line in removed
            )
        return text

    # -- correcting and paying ------------------------------------------------------------------

    def _correction_errors(self) -> dict[str, str]:
        reason = required(self.reason.text(), "A reason")
        return {"reason": reason} if reason else {}

    def reopen(self) -> None:
        visit = self.selected_visit()
        if visit is None or visit.status != "finalized":
            self.correction.set_general("Pick a finalized visit first.")
            return
        state = self.correction.submit(
            lambda: self.services.visits.reopen_for_correction(visit.id, self.reason.text()),
            {"visit": "reason"},
        )
        if state is None:
            return
        self.reason.clear()
        self.correction.reset()
        self.refresh()
        self.select_visit(visit.id)
        self.reopened.emit(visit.id)

    def _payment_errors(self) -> dict[str, str]:
        errors = {}
        problem = date_problem(
            self.pay_date,
            blank_ok=False,
            not_after=self.services.ctx.today(),
            what="The payment date",
        )
        if problem:
            errors["paid_on"] = problem
        problem = money_problem(self.amount.text(), blank_ok=False, allow_zero=False)
        if problem:
            errors["amount"] = problem
        return errors

    def record_payment(self) -> None:
        def save() -> int:
            paid_on = self.pay_date.value()
            payment = self.services.records.record_payment(
                self.patient_id,
                self.amount.text(),
                str(self.method.currentData()),
                paid_on,
                self.visit_choices.visit_id(self.for_visit.currentIndex()),
            )
            return payment.id

        payment_id = self.payment_form.submit(save)
        if payment_id is None:
            return
        self.amount.clear()
        self.payment_form.reset()
        self.refresh()
        self.payment_recorded.emit(payment_id)


def _wrap(layout: QHBoxLayout | QVBoxLayout) -> QVBoxLayout:
    outer = QVBoxLayout()
    outer.addLayout(layout)
    return outer
