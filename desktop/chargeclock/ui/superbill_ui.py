"""The superbill from the window: preview (QtPdf), save as PDF, print.

``install`` connects the main window's ``superbill_requested`` signal.
"""

from __future__ import annotations

from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow


def install(window: MainWindow, services: Services) -> None:
    """Wire the superbill preview into ``window``."""
