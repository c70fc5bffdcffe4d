"""Settings, one tab per subject: practice, users and the privacy lock, providers, payers, the
fee list with allowed amounts by year (typed in or imported from CSV), favourite codes.

Each tab saves on its own button with one service call; every field shows its reason beside it
and a tab with a bad field saves nothing.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.session import Services
from chargeclock.services.setup_records import MAX_LOCK_MINUTES
from chargeclock.ui import theme
from chargeclock.ui.fees_tab import FavouritesTab, FeesTab
from chargeclock.ui.forms import FORM_STYLE, FormState, form_rows, group, npi_problem, required
from chargeclock.ui.rules_tab import RulesTab

ID_ROLE = Qt.ItemDataRole.UserRole + 1
USER_ROLES = (
    ("PT", "Physical therapist (PT)"),
    ("PTA", "Assistant (PTA)"),
    ("front_desk", "Front desk"),
)


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
        rows = form_rows(
            ("Practice name", f.field("name", self.name, self.name.textChanged)),
            ("Address", f.field("address", self.address, self.address.textChanged)),
            ("Phone", f.field("phone", self.phone, self.phone.textChanged)),
            ("NPI", f.field("npi", self.npi, self.npi.textChanged)),
            ("Tax id", f.field("tax_id", self.tax_id, self.tax_id.textChanged)),
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
        box = group("Practice (printed on every superbill)", rows)
        box.setMaximumWidth(760)
        layout.addWidget(box)
        layout.addStretch(1)
        f.reset()

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
            )
        )
        if saved is not None:
            self.form.set_general("")
            self.form.general.setText("Saved.")
            self.form.general.setStyleSheet(f"color: {theme.OK_COLOUR};")
            self.form.general.setVisible(True)
            self.saved.emit()


class ListFormTab(QWidget):
    """A list of records on the left, the selected one's form on the right."""

    saved = Signal()
    noun = "record"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.current_id: int | None = None
        self.form = FormState(self.errors)
        self.list = QListWidget()
        self.list.setMaximumWidth(340)
        self.list.currentItemChanged.connect(self._picked)
        self.new_button = QPushButton(f"New {self.noun}")
        self.new_button.clicked.connect(self.new)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        self.save_button = QPushButton(f"Save {self.noun}")
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        rows = self.build_form()
        rows.addRow("", self.form.general)
        rows.addRow("", self.save_button)
        self.form_box = group(f"New {self.noun}", rows)
        right = QVBoxLayout()
        right.addWidget(self.form_box)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.fill_list()
        self.new()

    # subclasses: the form, the list, loading, checks and the one service call
    def build_form(self) -> Any:
        raise NotImplementedError

    def entries(self) -> list[tuple[int, str]]:
        raise NotImplementedError

    def load(self, record_id: int | None) -> None:
        raise NotImplementedError

    def errors(self) -> dict[str, str]:
        raise NotImplementedError

    def store(self) -> int:
        raise NotImplementedError

    def fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for record_id, text in self.entries():
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, record_id)
            self.list.addItem(item)
            if record_id == self.current_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.current_id = int(item.data(ID_ROLE))
            self.form_box.setTitle(f"Change {self.noun}")
            self.load(self.current_id)
            self.form.reset()

    def new(self) -> None:
        self.current_id = None
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.form_box.setTitle(f"New {self.noun}")
        self.load(None)
        self.form.reset()

    def save(self) -> None:
        record_id = self.form.submit(self.store, self.aliases())
        if record_id is None:
            return
        self.current_id = record_id
        self.fill_list()
        self.form_box.setTitle(f"Change {self.noun}")
        self.form.reset()
        self.saved.emit()

    def aliases(self) -> dict[str, str]:
        return {}


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


class LockTab(QWidget):
    """The privacy lock's idle minutes (with the users, who unlock it)."""

    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_LOCK_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("Only by Ctrl+L")
        self.minutes.setValue(services.records.lock_minutes())
        self.minutes.setMaximumWidth(220)
        self.form = FormState(dict)
        self.save_button = QPushButton("Save lock setting")
        self.save_button.setMaximumWidth(220)
        self.save_button.clicked.connect(self.save)
        rows = form_rows(("Lock after idle", self.form.field("lock_minutes", self.minutes)))
        rows.addRow("", self.form.general)
        rows.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(group("Privacy lock (timers keep running while locked)", rows))

    def save(self) -> None:
        if (
            self.form.submit(lambda: self.services.records.set_lock_minutes(self.minutes.value()))
            is not None
        ):
            self.saved.emit()


class SettingsDialog(QDialog):
    #: something was saved (the window refreshes its lists, title and lock)
    settings_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Settings")
        self.setStyleSheet(theme.STYLESHEET + FORM_STYLE)
        self.tabs = QTabWidget()
        self.practice = PracticeTab(services)
        self.users = UsersTab(services)
        self.lock = LockTab(services)
        self.providers = ProvidersTab(services)
        self.payers = PayersTab(services)
        self.fees = FeesTab(services)
        self.favourites = FavouritesTab(services)
        self.rules = RulesTab(services)
        users_page = QWidget()
        users_layout = QVBoxLayout(users_page)
        users_layout.addWidget(self.users, 1)
        users_layout.addWidget(self.lock)
        for title, page in (
            ("Practice", self.practice),
            ("Users and lock", users_page),
            ("Providers", self.providers),
            ("Payers", self.payers),
            ("Fees", self.fees),
            ("Favourite codes", self.favourites),
            ("Rule data", self.rules),
        ):
            self.tabs.addTab(page, title)
        for tab in (self.practice, self.users, self.lock, self.providers, self.payers):
            tab.saved.connect(self.settings_changed.emit)
        self.fees.saved.connect(self.settings_changed.emit)
        self.favourites.saved.connect(self.settings_changed.emit)
        self.rules.saved.connect(self.settings_changed.emit)
        self.rules.saved.connect(self.fees.fill)  # amounts by year may have changed
        self.providers.saved.connect(lambda: self.users.load(self.users.current_id))
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Each tab saves with its own button."), 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1180, 700)
