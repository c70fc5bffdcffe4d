"""The superbill from the window: preview (QtPdf), save as PDF, print.

``install`` connects the main window's ``superbill_requested`` signal to a
:class:`SuperbillLauncher`, which opens one :class:`~chargeclock.ui.superbill_dialog.
SuperbillDialog` at a time for the visit asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow

if TYPE_CHECKING:  # the dialog (QtPdf, the superbill model) loads when first asked for
    from chargeclock.ui.superbill_dialog import SuperbillDialog


class SuperbillLauncher(QObject):
    """Opens the preview for a visit; lives as the window's child."""

    #: a preview dialog was opened
    opened = Signal(object)

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.setObjectName("SuperbillLauncher")
        self.main_window = window
        self.services = services
        self.dialog: SuperbillDialog | None = None

    def show_superbill(self, visit_id: int) -> SuperbillDialog | None:
        """Open the preview for ``visit_id`` (window-modal, not blocking)."""
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        if visit_id <= 0:
            QMessageBox.information(
                self.main_window, "Superbill", "Open a finalized visit to print its superbill."
            )
            return None
        if self.dialog is not None:
            self.dialog.close()
        from chargeclock.ui.superbill_dialog import SuperbillDialog

        try:
            dialog = SuperbillDialog(self.services, visit_id, self.main_window)
        except ChargeClockError as exc:
            QMessageBox.warning(self.main_window, "Superbill", " ".join(str(exc).split()))
            return None
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.printed.connect(lambda _pages: self._claim_out(dialog, "printed"))
        dialog.saved.connect(lambda _path: self._claim_out(dialog, "printed"))
        self.main_window.runner.store_changed.connect(dialog.store_changed)
        self.dialog = dialog
        dialog.open()
        self.opened.emit(dialog)
        return dialog

    def _claim_out(self, dialog: SuperbillDialog, how: str) -> None:
        """A visit's superbill printed or saved has left for the payer: off the filing list."""
        if dialog.statement_choice.isChecked() or self.services.filing.sent_on(dialog.visit_id):
            return
        try:
            self.services.filing.mark_sent(dialog.visit_id, how)
        except ChargeClockError:  # e.g. reopened meanwhile: nothing to record
            return
        self.main_window.runner.publish()

    def _forget(self, dialog: SuperbillDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


def install(window: MainWindow, services: Services) -> SuperbillLauncher:
    """Wire the superbill preview into ``window``."""
    launcher = SuperbillLauncher(window, services)
    window.superbill_requested.connect(launcher.show_superbill)
    return launcher
