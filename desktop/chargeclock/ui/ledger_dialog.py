"""A patient's ledger: every charge, payment, adjustment and reversal with the running balance,
the totals, the ageing 0–30–60–90+, and the copay and coinsurance expected at check-in. An
adjustment is added, and a payment or adjustment reversed (with a reason), never edited.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.fees import money as _dollars
from chargeclock.domain.ledger import ADJUSTMENT_TYPES, BUCKETS, Ledger, LedgerEntry
from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.account_tables import fill, read_only_table
from chargeclock.ui.forms import FORM_STYLE, error_label, form_rows, group, show_date

COLUMNS = ("Date", "Entry", "Charge", "Credit", "Balance")


def money(amount: Decimal) -> str:
    """``$1,234.50``; ``-$10.00`` below zero."""
    return f"-{_dollars(-amount)}" if amount < 0 else _dollars(amount)


def _cells(entry: LedgerEntry, balance: str) -> tuple[str, ...]:
    charge = money(entry.amount) if entry.category == "charge" else ""
    credit = money(-entry.amount) if entry.category != "charge" else ""
    text = entry.description + (" (reversed)" if entry.reversed else "")
    return (show_date(entry.day), text, charge, credit, balance)


class LedgerDialog(QDialog):
    #: an entry or a cost share was saved
    saved = Signal()

    def __init__(self, services: Services, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        patient = services.records.patient(patient_id)
        self.setWindowTitle(f"Ledger — {patient.last_name}, {patient.first_name}")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        self.current: Ledger | None = None
        self._build()
        self.refresh()
        self.resize(1000, 720)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.table = read_only_table(COLUMNS, stretch=1)
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        self.totals.setStyleSheet("font-weight: 600;")
        self.ageing = QLabel()
        self.check_in = QLabel()
        self.check_in.setObjectName("SubHeading")
        for label in (self.totals, self.ageing, self.check_in):
            layout.addWidget(label)

        self.kind = QComboBox()
        for key, words in ADJUSTMENT_TYPES.items():
            self.kind.addItem(words, key)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("e.g. 25.00")
        self.note = QLineEdit()
        add = QPushButton("Add adjustment")
        add.clicked.connect(self.add_adjustment)
        reverse = QPushButton("Reverse the selected entry…")
        reverse.clicked.connect(self.reverse_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(reverse)
        buttons.addStretch(1)
        box = QVBoxLayout()
        box.addLayout(form_rows(("Type", self.kind), ("Amount", self.amount), ("Note", self.note)))
        box.addLayout(buttons)

        self.copay = QLineEdit()
        self.copay.setPlaceholderText("e.g. 30.00")
        self.coinsurance = QSpinBox()
        self.coinsurance.setRange(0, 100)
        self.coinsurance.setSuffix(" %")
        share = QPushButton("Save copay and coinsurance (from today)")
        share.clicked.connect(self.save_cost_share)
        share_box = QVBoxLayout()
        share_box.addLayout(form_rows(("Copay", self.copay), ("Coinsurance", self.coinsurance)))
        share_box.addWidget(share)
        row = QHBoxLayout()
        row.addWidget(group("New adjustment", box), 3)
        row.addWidget(group("Expected at check-in", share_box), 2)
        layout.addLayout(row)
        self.error = error_label()
        self.error.setObjectName("FormError")
        layout.addWidget(self.error)

    def store_changed(self, changes: Changes) -> None:
        if changes.patient(self.patient_id) or changes.any_visit or changes.any_payment:
            self.refresh()

    def refresh(self) -> None:
        ledger = self.services.ledger.ledger(self.patient_id)
        self.current = ledger
        fill(
            self.table,
            [
                _cells(entry, money(balance))
                for entry, balance in zip(ledger.entries, ledger.running, strict=True)
            ],
        )
        owed = "Credit" if ledger.balance < 0 else "Balance"
        self.totals.setText(
            f"Charges {money(ledger.charges)} − payments {money(ledger.payments)} − "
            f"adjustments {money(ledger.adjustments)} = {owed} {money(abs(ledger.balance))}"
        )
        self.ageing.setText(
            "Ageing (days since the date of service): "
            + " · ".join(
                f"{name}: {money(amount)}"
                for name, amount in zip(BUCKETS, ledger.ageing.buckets, strict=True)
            )
        )
        share = self.services.ledger.cost_share(self.patient_id)
        self.check_in.setText(
            f"At check-in: copay {money(share.copay)} and {share.coinsurance_percent} % "
            f"coinsurance (from {show_date(share.effective_from)})"
            if share
            else "No copay or coinsurance on file."
        )

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def _done(self) -> None:
        self.error.setVisible(False)
        self.refresh()
        self.saved.emit()

    def add_adjustment(self) -> bool:
        try:
            self.services.ledger.add_adjustment(
                self.patient_id, self.kind.currentData(), self.amount.text(), note=self.note.text()
            )
        except ChargeClockError as exc:
            self._refuse(f"Nothing was saved: {exc}")
            return False
        self.amount.clear()
        self.note.clear()
        self._done()
        return True

    def reverse_selected(self) -> None:
        ledger, row = self.current, self.table.currentRow()
        if ledger is None or not 0 <= row < len(ledger.entries):
            self._refuse("Select the payment or adjustment to reverse.")
            return
        entry = ledger.entries[row]
        if entry.category == "charge" or entry.reversal:
            self._refuse(
                "A charge is corrected by reopening its visit; a reversal is not reversed."
            )
            return
        reason, ok = QInputDialog.getText(
            self, "Reverse", f"Why is “{entry.description}” reversed?"
        )
        if not ok:
            return
        try:
            if entry.category == "payment":
                self.services.ledger.reverse_payment(entry.entry_id, reason)
            else:
                self.services.ledger.reverse_entry(self.patient_id, entry.entry_id, reason)
        except ChargeClockError as exc:
            self._refuse(f"Nothing was saved: {exc}")
            return
        self._done()

    def save_cost_share(self) -> bool:
        try:
            self.services.ledger.set_cost_share(
                self.patient_id, self.copay.text() or "0", self.coinsurance.value()
            )
        except ChargeClockError as exc:
            self._refuse(f"Nothing was saved: {exc}")
            return False
        self._done()
        return True
