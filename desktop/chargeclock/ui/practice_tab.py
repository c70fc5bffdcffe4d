"""The practice tab of the settings: name, address, phone, NPI and tax id, and whether the
practice accepts Medicare assignment (its Medicare superbills say so, claims.md §6)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.forms import FormState, form_rows, group, npi_problem, required

BOX_WIDTH = 760  # pixels at the usual type: the practice's form at most


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_problem(text: str) -> str:
    if text.strip() and len(_digits(text)) < 10:
        return "A phone number has at least 10 digits"
    return ""


def tax_id_problem(text: str) -> str:
    if text.strip() and not re.fullmatch(r"\d{2}-?\d{7}|\d{3}-?\d{2}-?\d{4}", text.strip()):
        return "A tax id is an EIN (12-3456789) or an SSN (123-45-6789)"
    return ""


class PracticeTab(QWidget):
    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.form = FormState(self.errors)
        f = self.form
        self.name = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText("Street, city, state, ZIP")
        self.phone = QLineEdit()
        self.npi = QLineEdit()
        self.npi.setPlaceholderText("10 digits (the group's NPI)")
        self.tax_id = QLineEdit()
        self.tax_id.setPlaceholderText("EIN 12-3456789")
        self.assignment = QCheckBox("Accepts Medicare assignment (said on Medicare superbills)")
        self.assignment.setChecked(services.records.accepts_assignment())
        rows = form_rows(
            ("Practice name", f.field("name", self.name, self.name.textChanged)),
            ("Address", f.field("address", self.address, self.address.textChanged)),
            ("Phone", f.field("phone", self.phone, self.phone.textChanged)),
            ("NPI", f.field("npi", self.npi, self.npi.textChanged)),
            ("Tax id", f.field("tax_id", self.tax_id, self.tax_id.textChanged)),
            ("Medicare", f.field("accepts_assignment", self.assignment)),
        )
        practice = services.records.practice()
        if practice is not None:
            self.name.setText(practice.name)
            self.address.setText(practice.address)
            self.phone.setText(practice.phone)
            self.npi.setText(practice.npi or "")
            self.tax_id.setText(practice.tax_id)
        self.save_button = QPushButton("Save practice")
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        rows.addRow("", f.general)
        rows.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        box = self.box = group("Practice (printed on every superbill)", rows)
        box.setMaximumWidth(BOX_WIDTH)  # (in its type: changeEvent)
        layout.addWidget(box)
        layout.addStretch(1)
        f.reset()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # Not wider than a form reads well, in the type it is shown in: 760 px in the usual
        # type cut the Medicare line under large type.
        if event.type() == QEvent.Type.FontChange:
            self.box.setMaximumWidth(round(BOX_WIDTH * max(1.0, theme.type_scale(self))))
        super().changeEvent(event)

    def errors(self) -> dict[str, str]:
        found = {
            "name": required(self.name.text(), "The practice name"),
            "phone": phone_problem(self.phone.text()),
            "npi": npi_problem(self.npi.text()),
            "tax_id": tax_id_problem(self.tax_id.text()),
        }
        return {k: v for k, v in found.items() if v}

    def save(self) -> None:
        saved = self.form.submit(
            lambda: self.services.records.save_practice(
                self.name.text(),
                self.address.text().strip(),
                self.phone.text().strip(),
                self.npi.text(),
                self.tax_id.text().strip(),
                accepts_assignment=self.assignment.isChecked(),
            )
        )
        if saved is not None:
            self.form.say_done("Saved.")
            self.saved.emit()
