"""The payers tab: how each payer bills (unit method, assistant modifiers, KX, Medicare)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
)

from chargeclock.ui.forms import form_rows
from chargeclock.ui.list_form_tab import ListFormTab


class PayersTab(ListFormTab):
    noun = "payer"

    def build_form(self) -> Any:
        f = self.form
        self.name = QLineEdit()
        self.medicare = QCheckBox("Medicare (or a plan that follows its rules)")
        self.medicare.toggled.connect(self._medicare_toggled)
        self.unit_method = QComboBox()
        self.unit_method.addItem("CMS: pool timed minutes (8-minute rule)", "cms")
        self.unit_method.addItem("Per code: each code on its own minutes", "per_code")
        self.assistant = QCheckBox("CQ on assistant-furnished units")
        self.kx = QCheckBox("Track the KX threshold")
        return form_rows(
            ("Name", f.field("name", self.name, self.name.textChanged)),
            ("", f.field("medicare", self.medicare)),
            ("Units", f.field("unit_method", self.unit_method)),
            ("Modifiers", f.field("assistant_modifiers", self.assistant)),
            ("KX", f.field("kx", self.kx)),
        )

    def _medicare_toggled(self, on: bool) -> None:
        if self.current_id is None:  # a new payer takes Medicare's defaults or the others'
            self.unit_method.setCurrentIndex(self.unit_method.findData("cms" if on else "per_code"))
            self.assistant.setChecked(on)
            self.kx.setChecked(on)

    def entries(self) -> list[tuple[int, str]]:
        return [
            (p.id, f"{p.name}{' · Medicare' if p.medicare else ''}")
            for p in self.services.records.payers()
        ]

    def load(self, record_id: int | None) -> None:
        payer = next((p for p in self.services.records.payers() if p.id == record_id), None)
        self.name.setText(payer.name if payer else "")
        self.medicare.setChecked(payer.medicare if payer else False)
        self.unit_method.setCurrentIndex(
            self.unit_method.findData(payer.unit_method if payer else "per_code")
        )
        self.assistant.setChecked(payer.assistant_modifiers if payer else False)
        self.kx.setChecked(payer.kx if payer else False)

    def errors(self) -> dict[str, str]:
        name = self.name.text().strip()
        if not name:
            return {"name": "The payer's name is required"}
        taken = any(
            p.name.lower() == name.lower() and p.id != self.current_id
            for p in self.services.records.payers()
        )
        return {"name": f"There is already a payer named {name!r}"} if taken else {}

    def store(self) -> int:
        records = self.services.records
        method = str(self.unit_method.currentData())
        if self.current_id is None:
            return records.add_payer(
                self.name.text(),
                medicare=self.medicare.isChecked(),
                unit_method=method,
                assistant_modifiers=self.assistant.isChecked(),
                kx=self.kx.isChecked(),
            ).id
        return records.update_payer(
            self.current_id,
            self.name.text(),
            medicare=self.medicare.isChecked(),
            unit_method=method,
            assistant_modifiers=self.assistant.isChecked(),
            kx=self.kx.isChecked(),
        ).id
