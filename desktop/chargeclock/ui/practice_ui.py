"""The practice views from the window: a **Practice** menu on the toolbar with the day sheet,
the KX watch, charts, the audit packet and the open export. Each dialog loads when first asked
for (off the start-up path) and opens window-modal without blocking, like the other dialogs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QToolButton

from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import lock_shortcut


class PracticeUi(QObject):
    """The Practice menu and the dialog it has open."""

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.dialog: QDialog | None = None
        self.menu = QMenu("Practice", window)
        self.actions: dict[str, QAction] = {}
        for name, text, slot in (
            ("day_sheet", "Day sheet…", self.day_sheet),
            ("kx_watch", "KX watch…", self.kx_watch),
            ("charts", "Charts…", self.charts),
            ("packet", "Audit packet…", self.packet),
            ("export", "Export data…", self.export),
        ):
            self._add(name, text, slot)
        button = QToolButton(window)
        button.setText("Practice")
        button.setMenu(self.menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        window.toolbar.addWidget(button)

    def _add(self, name: str, text: str, slot: Callable[[], object]) -> None:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        self.actions[name] = action

    def _show(self, dialog: QDialog) -> QDialog:
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

    def day_sheet(self) -> QDialog:
        from chargeclock.ui.day_sheet_dialog import DaySheetDialog

        return self._show(DaySheetDialog(self.services, self.window))

    def kx_watch(self) -> QDialog:
        from chargeclock.ui.kx_watch_dialog import KxWatchDialog

        dialog = KxWatchDialog(self.services, self.current_patient_id(), self.window)
        return self._show(dialog)

    def charts(self) -> QDialog:
        from chargeclock.ui.charts_dialog import ChartsDialog

        return self._show(ChartsDialog(self.services, self.window))

    def current_patient_id(self) -> int | None:
        """The open visit's patient, else the one picked in the patient list."""
        state = self.window.state
        return state.patient_id if state is not None else self.window.patients.selected_patient_id()

    def packet(self) -> QDialog | None:
        patient_id = self.current_patient_id()
        if patient_id is None:
            QMessageBox.information(
                self.window, "Audit packet", "Pick a patient in the list, or open a visit, first."
            )
            return None
        from chargeclock.ui.packet_dialog import PacketDialog

        return self._show(PacketDialog(self.services, patient_id, self.window))

    def export(self) -> QDialog:
        from chargeclock.ui.export_dialog import ExportDialog

        return self._show(ExportDialog(self.services, self.window))


def install(window: MainWindow, services: Services) -> PracticeUi:
    """Add the Practice menu to ``window``'s toolbar."""
    return PracticeUi(window, services)
