"""The users who sign in (with their PINs) and the privacy lock they unlock."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QSpinBox,
)

from chargeclock.services.practice_records import MAX_LOCK_MINUTES
from chargeclock.services.session import Services
from chargeclock.ui.forms import form_rows, required
from chargeclock.ui.list_form_tab import ListFormTab
from chargeclock.ui.room_setting import SettingBox

USER_ROLES = (
    ("PT", "Physical therapist (PT)"),
    ("PTA", "Assistant (PTA)"),
    ("front_desk", "Front desk"),
)


class UsersTab(ListFormTab):
    noun = "user"

    def build_form(self) -> Any:
        f = self.form
        self.name = QLineEdit()
        self.role = QComboBox()
        for value, text in USER_ROLES:
            self.role.addItem(text, value)
        self.provider = QComboBox()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin_again = QLineEdit()
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again.setMaxLength(8)
        self.active = QCheckBox("Can unlock the screen")
        return form_rows(
            ("Name", f.field("name", self.name, self.name.textChanged)),
            ("Role", f.field("role", self.role, self.role.currentIndexChanged)),
            ("Provider", f.field("provider_id", self.provider, self.provider.currentIndexChanged)),
            ("PIN", f.field("pin", self.pin, self.pin.textChanged)),
            ("PIN again", f.field("pin_again", self.pin_again, self.pin_again.textChanged)),
            ("", f.field("active", self.active, self.active.toggled)),
        )

    def entries(self) -> list[tuple[int, str]]:
        return [
            (u.id, f"{u.name} · {u.role.replace('_', ' ')}{'' if u.active else ' · inactive'}")
            for u in self.services.records.users()
        ]

    def load(self, record_id: int | None) -> None:
        self.provider.clear()
        self.provider.addItem("— not a provider —", None)
        for provider in self.services.records.providers():
            self.provider.addItem(f"{provider.name} ({provider.role})", provider.id)
        user = next((u for u in self.services.records.users() if u.id == record_id), None)
        self.name.setText(user.name if user else "")
        self.role.setCurrentIndex(max(0, self.role.findData(user.role if user else "PT")))
        self.provider.setCurrentIndex(
            max(0, self.provider.findData(user.provider_id if user else None))
        )
        self.pin.clear()
        self.pin_again.clear()
        self.pin.setPlaceholderText("4 to 8 digits" if user is None else "leave blank to keep")
        self.active.setChecked(user.active if user else True)

    def errors(self) -> dict[str, str]:
        errors = {}
        if problem := required(self.name.text(), "The name"):
            errors["name"] = problem
        pin = self.pin.text()
        if self.current_id is None and not pin:
            errors["pin"] = "A new user needs a PIN"
        elif pin and not re.fullmatch(r"\d{4,8}", pin):
            errors["pin"] = "A PIN is 4 to 8 digits"
        if pin and self.pin_again.text() != pin:
            errors["pin_again"] = "The two PINs differ"
        return errors

    def store(self) -> int:
        records = self.services.records
        role = str(self.role.currentData())
        provider_id = self.provider.currentData()
        if self.current_id is None:
            return records.add_user(self.name.text(), role, self.pin.text(), provider_id).id
        return records.update_user(
            self.current_id,
            self.name.text(),
            role,
            provider_id=provider_id,
            pin=self.pin.text() or None,
            active=self.active.isChecked(),
        ).id


class LockTab(SettingBox):
    """The privacy lock's idle minutes (with the users, who unlock it)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_LOCK_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("Only by Ctrl+L")
        self.minutes.setValue(services.records.lock_minutes())
        self.minutes.setMaximumWidth(220)
        super().__init__(
            "Privacy lock (timers keep running while locked)",
            "Lock after idle",
            "lock_minutes",
            self.minutes,
            "Save lock setting",
        )

    def save(self) -> None:
        if (
            self.form.submit(lambda: self.services.records.set_lock_minutes(self.minutes.value()))
            is not None
        ):
            self.saved.emit()
