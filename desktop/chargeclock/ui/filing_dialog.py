"""What each payer limits (an authorization required, visits a year, the filing limit in days)
and the claims to file before their limit: finalized visits never printed or sent, the most
urgent first, each marked sent with one button.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.changes import Changes
from chargeclock.services.filing import FilingDue
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.account_tables import fill, read_only_table, whole_or_none
from chargeclock.ui.forms import FORM_STYLE, error_label, form_rows, group, show_date

COLUMNS = ("Patient", "Payer", "Date of service", "File by", "Days left", "")


class FilingDialog(QDialog):
    #: a payer's limits were saved, or a claim marked sent
    saved = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Payer limits and claims to file")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        self.due: list[FilingDue] = []
        self._build()
        self.show_limits()
        self.refresh()
        self.resize(1000, 640)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.payer = QComboBox()
        for payer in self.services.records.payers():
            self.payer.addItem(payer.name, payer.id)
        self.payer.currentIndexChanged.connect(lambda _: self.show_limits())
        self.requires = QCheckBox("Requires an authorization")
        self.per_year = QLineEdit()
        self.per_year.setPlaceholderText("blank: no yearly limit")
        self.filing_days = QLineEdit()
        self.filing_days.setPlaceholderText("blank: Medicare 12 months, others none")
        self.limits_error = error_label()
        self.limits_error.setObjectName("FormError")
        save = QPushButton("Save the payer's limits")
        save.clicked.connect(self.save_limits)
        limits = QVBoxLayout()
        limits.addLayout(
            form_rows(
                ("Payer", self.payer),
                ("Authorization", self.requires),
                ("Visits a year", self.per_year),
                ("Filing limit (days)", self.filing_days),
            )
        )
        limits.addWidget(self.limits_error)
        limits.addWidget(save)
        layout.addWidget(group("Payer limits", limits))

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.title)
        self.table = read_only_table(COLUMNS)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.sent_button = QPushButton("Mark the selected claim sent")
        self.sent_button.clicked.connect(self.mark_sent)
        buttons.addWidget(self.sent_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = error_label()
        self.error.setObjectName("FormError")
        layout.addWidget(self.error)

    def store_changed(self, changes: Changes) -> None:
        if changes.any_visit or changes.any_setup:
            self.refresh()

    def show_limits(self) -> None:
        payer_id = self.payer.currentData()
        if payer_id is None:
            return
        limits = self.services.authorizations.payer_limits(payer_id)
        self.requires.setChecked(limits.requires_authorization)
        self.per_year.setText(str(limits.visits_per_year or ""))
        self.filing_days.setText(str(limits.timely_filing_days or ""))
        self.limits_error.setVisible(False)

    def save_limits(self) -> bool:
        self.limits_error.setVisible(False)
        try:
            self.services.authorizations.set_payer_limits(
                self.payer.currentData(),
                requires_authorization=self.requires.isChecked(),
                visits_per_year=whole_or_none(self.per_year.text(), "visits_per_year"),
                timely_filing_days=whole_or_none(self.filing_days.text(), "timely_filing_days"),
            )
        except ChargeClockError as exc:
            self.limits_error.setText(f"Nothing was saved: {exc}")
            self.limits_error.setVisible(True)
            return False
        self.refresh()
        self.saved.emit()
        return True

    def refresh(self) -> None:
        self.due = self.services.filing.claims_to_file()
        late = sum(1 for d in self.due if d.days_left < 0)
        self.title.setText(
            f"Claims to file: {len(self.due)} never printed or sent within 30 days of their "
            f"limit ({late} past it, CO-29)"
            if self.due
            else "No claim is near its filing limit."
        )
        rows = [
            (
                due.patient_name,
                due.payer_name,
                show_date(due.date_of_service),
                show_date(due.deadline),
                str(due.days_left) if due.days_left >= 0 else f"{-due.days_left} days late",
                due.message,
            )
            for due in self.due
        ]
        for due, items in zip(self.due, fill(self.table, rows), strict=True):
            for item in items if due.days_left < 0 else ():
                item.setForeground(QColor(theme.ALERT_COLOUR))

    def mark_sent(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.due):
            self.error.setText("Select the claim that was sent.")
            self.error.setVisible(True)
            return
        try:
            self.services.filing.mark_sent(self.due[row].visit_id)
        except ChargeClockError as exc:
            self.error.setText(f"Nothing was saved: {exc}")
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        self.refresh()
        self.saved.emit()
