"""The practice views from the window: a **Practice** menu on the toolbar with the day sheet,
the KX watch, charts, the audit packet and the open export. Each dialog loads when first asked
for (off the start-up path) and opens like the other dialogs of the toolbar (through
:class:`~chargeclock.ui.records_ui.RecordsUi`: window-modal, not blocking, closed by the lock).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QToolButton

from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.records_ui import RecordsUi


class PracticeUi(QObject):
    """The Practice menu; its dialogs are shown by ``records``."""

    def __init__(self, window: MainWindow, services: Services, records: RecordsUi) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.records = records
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

    @property
    def dialog(self) -> QDialog | None:
        return self.records.dialog

    def _add(self, name: str, text: str, slot: Callable[[], object]) -> None:
        action = QAction(text, parent=self.window)  # parent by keyword: ui.qt_ints
        action.triggered.connect(slot)
        self.menu.addAction(action)
        self.actions[name] = action

    def day_sheet(self) -> QDialog:
        from chargeclock.ui.day_sheet_dialog import DaySheetDialog

        return self.records._show(DaySheetDialog(self.services, self.window))

    def kx_watch(self) -> QDialog:
        from chargeclock.ui.kx_watch_dialog import KxWatchDialog

        patient_id = self.records.current_patient_id()
        return self.records._show(KxWatchDialog(self.services, patient_id, self.window))

    def charts(self) -> QDialog:
        from chargeclock.ui.charts_dialog import ChartsDialog

        return self.records._show(ChartsDialog(self.services, self.window))

    def packet(self) -> QDialog | None:
        patient_id = self.records._need_patient()
        if patient_id is None:
            return None
        from chargeclock.ui.packet_dialog import PacketDialog

        return self.records._show(PacketDialog(self.services, patient_id, self.window))

    def export(self) -> QDialog:
        from chargeclock.ui.export_dialog import ExportDialog

        return self.records._show(ExportDialog(self.services, self.window))


def install(window: MainWindow, services: Services, records: RecordsUi) -> PracticeUi:
    """Add the Practice menu to ``window``'s toolbar."""
    return PracticeUi(window, services, records)
