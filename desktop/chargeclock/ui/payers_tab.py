"""The payers tab: each payer's kind (claims.md §1) and how it bills: unit method, GP/GO/GN,
CQ/CO, 96/97, the telehealth modifier, KX and the Medicare edits; how often it asks for the plan
of care to be recertified (claims.md §5)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
)

from chargeclock.domain.payer_kinds import PayerKind, PayerModifiers, kind_defaults
from chargeclock.ui.forms import form_rows
from chargeclock.ui.list_form_tab import ListFormTab


class PayersTab(ListFormTab):
    noun = "payer"

    def build_form(self) -> Any:
        f = self.form
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind in PayerKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.activated.connect(self._kind_chosen)
        self.medicare = QCheckBox("Medicare (or a plan that follows its rules)")
        self.medicare.toggled.connect(self._medicare_toggled)
        self.unit_method = QComboBox()
        self.unit_method.addItem("CMS: pool timed minutes (8-minute rule)", "cms")
        self.unit_method.addItem("Per code: each code on its own minutes", "per_code")
        self.assistant = QCheckBox("CQ on assistant-furnished units")
        self.kx = QCheckBox("Track the KX threshold")
        self.therapy = QCheckBox("GP / GO / GN on every therapy line")
        self.habilitative = QCheckBox("96 / 97 (habilitative / rehabilitative) on every line")
        self.telehealth = QComboBox()
        self.telehealth.addItem("95 with telehealth place of service 02 / 10", "95")
        self.telehealth.addItem("GT with telehealth place of service 02 / 10", "GT")
        self.telehealth.addItem("No telehealth modifier", "")
        self.recertify = QLineEdit()
        self.recertify.setPlaceholderText("Days; blank: the plan's own length (up to 90)")
        return form_rows(
            ("Name", f.field("name", self.name, self.name.textChanged)),
            ("Kind", f.field("kind", self.kind)),
            ("", f.field("medicare", self.medicare)),
            ("Units", f.field("unit_method", self.unit_method)),
            ("Modifiers", f.field("assistant_modifiers", self.assistant)),
            ("", f.field("therapy_modifiers", self.therapy)),
            ("", f.field("habilitative_modifiers", self.habilitative)),
            ("Telehealth", f.field("telehealth_modifier", self.telehealth)),
            ("KX", f.field("kx", self.kx)),
            (
                "Recertify every",
                f.field("recertification_days", self.recertify, self.recertify.textChanged),
            ),
        )

    def _kind_chosen(self, _index: int) -> None:
        """Choosing a kind sets its defaults (claims.md §1); each stays editable."""
        defaults = kind_defaults(PayerKind(str(self.kind.currentData())))
        self.medicare.blockSignals(True)
        self.medicare.setChecked(defaults.medicare)
        self.medicare.blockSignals(False)
        self.unit_method.setCurrentIndex(self.unit_method.findData(defaults.unit_method))
        self.assistant.setChecked(defaults.assistant_modifiers)
        self.kx.setChecked(defaults.kx)
        self.therapy.setChecked(defaults.therapy_modifiers)
        self.habilitative.setChecked(defaults.habilitative_modifiers)
        self.telehealth.setCurrentIndex(self.telehealth.findData(defaults.telehealth_modifier))

    def _medicare_toggled(self, on: bool) -> None:
        if self.current_id is None:  # a new payer takes Medicare's defaults or the others'
            self.unit_method.setCurrentIndex(self.unit_method.findData("cms" if on else "per_code"))
            self.assistant.setChecked(on)
            self.kx.setChecked(on)
            kind = PayerKind.MEDICARE_B if on else PayerKind.COMMERCIAL
            self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def entries(self) -> list[tuple[int, str]]:
        return [
            (p.id, f"{p.name} · {PayerKind(p.kind).label}") for p in self.services.records.payers()
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
        kind = PayerKind(payer.kind) if payer else PayerKind.COMMERCIAL
        self.kind.setCurrentIndex(self.kind.findData(kind.value))
        self.therapy.setChecked(payer.therapy_modifiers if payer else True)
        self.habilitative.setChecked(payer.habilitative_modifiers if payer else False)
        tele = payer.telehealth_modifier if payer else "95"
        self.telehealth.setCurrentIndex(self.telehealth.findData(tele))
        every = self.services.plans.recertification_days(payer.id) if payer else None
        self.recertify.setText("" if every is None else str(every))

    def _recertification_days(self) -> int | None:
        """The interval typed (call once :meth:`errors` found nothing)."""
        text = self.recertify.text().strip()
        return int(text) if text else None

    def _modifiers(self) -> PayerModifiers:
        return PayerModifiers(
            str(self.kind.currentData()),
            self.therapy.isChecked(),
            self.habilitative.isChecked(),
            str(self.telehealth.currentData()),
        )

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        every = self.recertify.text().strip()
        if every and not (every.isdigit() and 1 <= int(every) <= 90):
            errors["recertification_days"] = "A number of days from 1 to 90, or blank"
        name = self.name.text().strip()
        if not name:
            errors["name"] = "The payer's name is required"
        elif any(
            p.name.lower() == name.lower() and p.id != self.current_id
            for p in self.services.records.payers()
        ):
            errors["name"] = f"There is already a payer named {name!r}"
        return errors

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
                kind=str(self.kind.currentData()),
                modifiers=self._modifiers(),
                recertification_days=self._recertification_days(),
            ).id
        return records.update_payer(
            self.current_id,
            self.name.text(),
            medicare=self.medicare.isChecked(),
            unit_method=method,
            assistant_modifiers=self.assistant.isChecked(),
            kx=self.kx.isChecked(),
            modifiers=self._modifiers(),
            recertification_days=self._recertification_days(),
        ).id
