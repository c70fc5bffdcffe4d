"""Around the visit: the patient dialog, settings, history and the privacy lock.

``install`` adds their actions to the main window's toolbar and connects its signals. Dialogs
open window-modal without blocking (``open``), so the idle lock can still close over them; each
has Ctrl+L too. What a dialog saves is published through the window's runner (one
``store_changed``) when the dialog says it saved and again when it closes; each view, the dialog
too, reads again what that names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock, lock_shortcut
from chargeclock.ui.qt_ints import TOOL_BUTTON_TEXT_ONLY, set_enum, set_shortcut

if TYPE_CHECKING:  # each dialog loads when first opened, off the start-up path
    from chargeclock.ui.authorizations_dialog import AuthorizationsDialog
    from chargeclock.ui.filing_dialog import FilingDialog
    from chargeclock.ui.history_dialog import HistoryDialog
    from chargeclock.ui.ledger_dialog import LedgerDialog
    from chargeclock.ui.patient_dialog import PatientDialog
    from chargeclock.ui.settings_dialog import SettingsDialog

D = TypeVar("D", "AuthorizationsDialog", "LedgerDialog")

SHORTCUTS = {
    "new_patient": "Ctrl+N",
    "edit_patient": "Ctrl+E",
    "history": "Ctrl+H",
    "settings": "Ctrl+,",
    "authorizations": "Ctrl+Shift+A",
    "filing": "Ctrl+Shift+F",
    "ledger": "Ctrl+Shift+L",
}


class RecordsUi(QObject):
    """The toolbar actions and the dialogs they open, over one window."""

    def __init__(
        self, window: MainWindow, services: Services, privacy_lock: PrivacyLock | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.lock = privacy_lock or PrivacyLock(window, services, services.records.lock_minutes())
        self.dialog: QDialog | None = None
        self.actions: dict[str, QAction] = {}
        for name, text, slot in (
            ("new_patient", "New patient", self.new_patient),
            ("edit_patient", "Edit patient", self.edit_patient),
            ("history", "History", self.history),
            ("authorizations", "Authorizations", self.authorizations),
            ("ledger", "Ledger", self.ledger),
            ("filing", "Claims to file", self.filing),
            ("settings", "Settings", self.settings),
        ):
            action = QAction(text, parent=window)  # parent by keyword: ui.qt_ints
            set_shortcut(action, SHORTCUTS[name])  # in this window
            action.setToolTip(f"{text} ({SHORTCUTS[name]})")
            action.triggered.connect(slot)
            window.addAction(action)
            window.toolbar.addAction(action)
            self.actions[name] = action
        window.toolbar.addSeparator()
        lock = QAction("Lock (Ctrl+L)", parent=window)
        lock.setToolTip("Hide patient information; timers keep running")
        lock.triggered.connect(window.lock_requested.emit)
        window.toolbar.addAction(lock)
        self.actions["lock"] = lock
        set_enum(window.toolbar, "toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
        # the buttons' style (40 px tall) is ui.toolbar_fit's, which fits them to the width
        window.runner.store_changed.connect(self._store_changed)

    # -- which patient ------------------------------------------------------------------------

    def current_patient_id(self) -> int | None:
        """The open visit's patient, else the one picked in the patient list."""
        state = self.window.state
        return state.patient_id if state is not None else self.window.patients.selected_patient_id()

    def _need_patient(self) -> int | None:
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        patient_id = self.current_patient_id()
        if patient_id is None:
            QMessageBox.information(
                self.window, "ChargeClock", "Pick a patient in the list, or open a visit, first."
            )
        return patient_id

    def _show(self, dialog: QDialog) -> QDialog:
        from PySide6.QtCore import Qt

        lock_shortcut(dialog, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.window.runner.publish()  # whatever it saved without saying so

    def _store_changed(self, changes: Changes) -> None:
        if changes.any_setup:
            self.lock.set_idle_minutes(self.services.records.lock_minutes())

    # -- the dialogs --------------------------------------------------------------------------

    def new_patient(self) -> PatientDialog:
        from chargeclock.ui.patient_dialog import PatientDialog

        dialog = PatientDialog(self.services, None, self.window)
        dialog.saved.connect(self._patient_saved)
        self._show(dialog)
        return dialog

    def edit_patient(self) -> PatientDialog | None:
        patient_id = self._need_patient()
        if patient_id is None:
            return None
        from chargeclock.ui.patient_dialog import PatientDialog

        dialog = PatientDialog(self.services, patient_id, self.window)
        dialog.saved.connect(self._patient_saved)
        self._show(dialog)
        return dialog

    def _patient_saved(self, patient_id: int) -> None:
        self.window.patients.show_patient(patient_id)
        self.window.runner.publish()

    def history(self) -> HistoryDialog | None:
        patient_id = self._need_patient()
        if patient_id is None:
            return None
        from chargeclock.ui.history_dialog import HistoryDialog

        dialog = HistoryDialog(self.services, patient_id, self.window)
        dialog.reopened.connect(self._reopened)
        dialog.payment_recorded.connect(lambda _: self.window.runner.publish())
        self.window.runner.store_changed.connect(dialog.store_changed)
        self._show(dialog)
        return dialog

    def authorizations(self) -> AuthorizationsDialog | None:
        from chargeclock.ui.authorizations_dialog import AuthorizationsDialog

        return self._account_dialog(AuthorizationsDialog)

    def ledger(self) -> LedgerDialog | None:
        from chargeclock.ui.ledger_dialog import LedgerDialog

        return self._account_dialog(LedgerDialog)

    def _account_dialog(self, kind: type[D]) -> D | None:
        """One of the patient's account dialogs (authorizations, ledger): what it saves is
        published, and it follows what changes elsewhere."""
        patient_id = self._need_patient()
        if patient_id is None:
            return None
        dialog = kind(self.services, patient_id, self.window)
        dialog.saved.connect(lambda *_: self.window.runner.publish())
        self.window.runner.store_changed.connect(dialog.store_changed)
        self._show(dialog)
        return dialog

    def filing(self) -> FilingDialog:
        from chargeclock.ui.filing_dialog import FilingDialog

        dialog = FilingDialog(self.services, self.window)
        dialog.saved.connect(self.window.runner.publish)
        self.window.runner.store_changed.connect(dialog.store_changed)
        self._show(dialog)
        return dialog

    def _reopened(self, visit_id: int) -> None:
        self.window.runner.publish()
        self.window.open_visit(visit_id)

    def settings(self) -> SettingsDialog:
        from chargeclock.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self.window)
        dialog.settings_changed.connect(self.window.runner.publish)
        self.window.runner.store_changed.connect(dialog.store_changed)
        self._show(dialog)
        return dialog


def install(window: MainWindow, services: Services, lock: PrivacyLock | None = None) -> RecordsUi:
    """Wire the record dialogs and the lock (``lock``, or a new one) into ``window``."""
    return RecordsUi(window, services, lock)
