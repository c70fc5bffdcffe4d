"""The providers tab: PTs and PTAs, their NPI and licence, and who supervises a PTA."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
)

from chargeclock.ui.forms import form_rows, npi_problem, required
from chargeclock.ui.list_form_tab import ListFormTab


class ProvidersTab(ListFormTab):
    noun = "provider"

    def build_form(self) -> Any:
        f = self.form
        self.name = QLineEdit()
        self.role = QComboBox()
        self.role.addItem("PT (therapist)", "PT")
        self.role.addItem("PTA (assistant)", "PTA")
        self.credentials = QLineEdit()
        self.credentials.setPlaceholderText("e.g. PT, DPT")
        self.npi = QLineEdit()
        self.npi.setPlaceholderText("10 digits")
        self.licence = QLineEdit()
        self.supervisor = QComboBox()
        self.active = QCheckBox("Active")
        self.role.currentIndexChanged.connect(self._role_changed)
        return form_rows(
            ("Name", f.field("name", self.name, self.name.textChanged)),
            ("Role", f.field("role", self.role, self.role.currentIndexChanged)),
            ("Credentials", f.field("credentials", self.credentials)),
            ("NPI", f.field("npi", self.npi, self.npi.textChanged)),
            ("Licence", f.field("licence", self.licence)),
            (
                "Supervising PT",
                f.field(
                    "supervising_provider_id", self.supervisor, self.supervisor.currentIndexChanged
                ),
            ),
            ("", f.field("active", self.active)),
        )

    def _role_changed(self) -> None:
        self.supervisor.setEnabled(self.role.currentData() == "PTA")

    def entries(self) -> list[tuple[int, str]]:
        return [
            (p.id, f"{p.name} · {p.role}{'' if p.active else ' · inactive'}")
            for p in self.services.records.providers()
        ]

    def load(self, record_id: int | None) -> None:
        providers = self.services.records.providers()
        self.supervisor.clear()
        self.supervisor.addItem("—", None)
        for provider in providers:
            if provider.role == "PT" and provider.id != record_id:
                self.supervisor.addItem(provider.name, provider.id)
        found = next((p for p in providers if p.id == record_id), None)
        self.name.setText(found.name if found else "")
        self.role.setCurrentIndex(max(0, self.role.findData(found.role if found else "PT")))
        self.credentials.setText(found.credentials if found else "")
        self.npi.setText((found.npi or "") if found else "")
        self.licence.setText(found.licence if found else "")
        supervisor = found.supervising_provider_id if found else None
        self.supervisor.setCurrentIndex(max(0, self.supervisor.findData(supervisor)))
        self.active.setChecked(found.active if found else True)
        self._role_changed()

    def errors(self) -> dict[str, str]:
        errors = {}
        if problem := required(self.name.text(), "The name"):
            errors["name"] = problem
        if problem := npi_problem(self.npi.text()):
            errors["npi"] = problem
        if self.role.currentData() == "PTA" and self.supervisor.currentData() is None:
            errors["supervising_provider_id"] = "A PTA needs a supervising PT"
        return errors

    def store(self) -> int:
        records = self.services.records
        role = str(self.role.currentData())
        supervisor = self.supervisor.currentData() if role == "PTA" else None
        if self.current_id is None:
            return records.add_provider(
                self.name.text(),
                role,
                self.npi.text(),
                credentials=self.credentials.text().strip(),
                licence=self.licence.text().strip(),
                supervising_provider_id=supervisor,
            ).id
        return records.update_provider(
            self.current_id,
            self.name.text(),
            role,
            self.npi.text(),
            credentials=self.credentials.text(),
            licence=self.licence.text(),
            supervising_provider_id=supervisor,
            active=self.active.isChecked(),
        ).id
