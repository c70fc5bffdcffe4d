"""Around the visit: the patient dialog, settings, history and the privacy lock.

``install`` adds their actions to the main window's toolbar and connects its signals.
"""

from __future__ import annotations

from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow


def install(window: MainWindow, services: Services) -> None:
    """Wire the record dialogs and the lock into ``window``."""
