"""A patient's authorizations: each with what is counted on it, a new one or a renewal of the
selected one, and withdrawing one entered by mistake (kept, with its reason, in the audit log).

Every save is one service call; what it refuses is shown under the form, nothing saved. The
dialog reads again when ``store_changed`` names its patient or a visit.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.services.authorizations import AuthorizationUsage
from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.account_tables import fill, read_only_table, whole_or_none
from chargeclock.ui.forms import FORM_STYLE, DateField, error_label, form_rows, group, show_date

COLUMNS = ("Number", "Payer", "From", "Until", "Visits", "Units", "Codes", "Renews", "Notes")


def _used(used: int, authorized: int | None) -> str:
    return f"{used} of {authorized}" if authorized is not None else "—"


class AuthorizationsDialog(QDialog):
    #: an authorization was added, renewed or withdrawn: its id
    saved = Signal(int)

    def __init__(self, services: Services, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        patient = services.records.patient(patient_id)
        self.setWindowTitle(f"Authorizations — {patient.last_name}, {patient.first_name}")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        self.rows: list[AuthorizationUsage] = []
        self._build(patient.payer_id)
        self.refresh()
        self.resize(1100, 620)

    def _build(self, payer_id: int | None) -> None:
        layout = QVBoxLayout(self)
        self.table = read_only_table(COLUMNS)
        layout.addWidget(self.table, 1)

        self.payer = QComboBox()
        for payer in self.services.records.payers():
            self.payer.addItem(payer.name, payer.id)
            if payer.id == payer_id:
                self.payer.setCurrentIndex(self.payer.count() - 1)
        self.number = QLineEdit()
        self.valid_from = DateField()
        self.valid_to = DateField()
        self.visits = QLineEdit()
        self.visits.setPlaceholderText("e.g. 12 (blank: not limited)")
        self.units = QLineEdit()
        self.units.setPlaceholderText("blank: not limited")
        self.codes = QLineEdit()
        self.codes.setPlaceholderText("blank: every code; else e.g. 97110 97140")
        self.notes = QLineEdit()
        form = form_rows(
            ("Payer", self.payer),
            ("Number", self.number),
            ("First day", self.valid_from),
            ("Last day", self.valid_to),
            ("Visits authorized", self.visits),
            ("Units authorized", self.units),
            ("Codes covered", self.codes),
            ("Notes", self.notes),
        )
        self.error = error_label()
        self.error.setObjectName("FormError")
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add authorization")
        self.add_button.clicked.connect(lambda: self.save(renew=False))
        self.renew_button = QPushButton("Add as renewal of the selected one")
        self.renew_button.clicked.connect(lambda: self.save(renew=True))
        self.withdraw_button = QPushButton("Withdraw the selected one…")
        self.withdraw_button.clicked.connect(self.withdraw)
        for button in (self.add_button, self.renew_button, self.withdraw_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout()
        box.addLayout(form)
        box.addWidget(self.error)
        box.addLayout(buttons)
        layout.addWidget(group("New authorization", box))
        self.hint = QLabel("Used is counted from finalized visits, one per date of service.")
        self.hint.setObjectName("SubHeading")
        layout.addWidget(self.hint)

    def store_changed(self, changes: Changes) -> None:
        if changes.patient(self.patient_id) or changes.any_visit:
            self.refresh()

    def refresh(self) -> None:
        self.rows = self.services.authorizations.usage(self.patient_id)
        payers = {p.id: p.name for p in self.services.records.payers()}
        numbers = {u.authorization.id: u.authorization.number for u in self.rows}
        rows = []
        for usage in self.rows:
            auth = usage.authorization
            notes = auth.notes
            if auth.withdrawn_reason is not None:
                notes = f"withdrawn: {auth.withdrawn_reason}" + (f" · {notes}" if notes else "")
            rows.append(
                (
                    auth.number,
                    payers.get(auth.payer_id, ""),
                    show_date(auth.valid_from),
                    show_date(auth.valid_to),
                    _used(usage.visits_used, auth.visits),
                    _used(usage.units_used, auth.units),
                    " ".join(auth.codes) or "all",
                    numbers.get(auth.renews_id, "") if auth.renews_id else "",
                    notes,
                )
            )
        fill(self.table, rows)

    def selected(self) -> AuthorizationUsage | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def save(self, *, renew: bool) -> int | None:
        """Add the form's authorization (as a renewal of the selected one with ``renew``)."""
        self.error.setVisible(False)
        previous = self.selected() if renew else None
        if renew and previous is None:
            self._refuse("Select the authorization this one renews.")
            return None
        try:
            start, end = self.valid_from.value(), self.valid_to.value()
            if start is None or end is None:
                raise InputError("dates", "give the first and the last day")
            visits = whole_or_none(self.visits.text(), "visits")
            units = whole_or_none(self.units.text(), "units")
            codes = self.codes.text().replace(",", " ").split()
            notes = self.notes.text()
            auths = self.services.authorizations
            if previous is not None:
                saved = auths.renew(
                    previous.authorization.id,
                    self.number.text(),
                    start,
                    end,
                    visits=visits,
                    units=units,
                    codes=codes or None,
                    notes=notes,
                )
            else:
                saved = auths.add_authorization(
                    self.patient_id,
                    self.number.text(),
                    start,
                    end,
                    payer_id=self.payer.currentData(),
                    visits=visits,
                    units=units,
                    codes=codes,
                    notes=notes,
                )
        except (ChargeClockError, ValueError) as exc:
            self._refuse(f"Nothing was saved: {exc}")
            return None
        self.refresh()
        self.saved.emit(saved.id)
        return saved.id

    def withdraw(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self._refuse("Select the authorization to withdraw.")
            return
        reason, ok = QInputDialog.getText(
            self, "Withdraw authorization", f"Why is {chosen.authorization.number} withdrawn?"
        )
        if not ok:
            return
        try:
            self.services.authorizations.withdraw(chosen.authorization.id, reason)
        except ChargeClockError as exc:
            self._refuse(f"Nothing was saved: {exc}")
            return
        self.refresh()
        self.saved.emit(chosen.authorization.id)

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
