"""Settings, one tab per subject: practice, users, the privacy lock and this workstation's room,
providers, payers, the fee list with allowed amounts by year (typed in or imported from CSV),
favourite codes. A page taller than the screen scrolls.

Each tab saves on its own button with one service call; a bad field is marked and its reason
written on the tab's message line, and a tab with a bad field saves nothing. What a tab saves
reaches the other tabs the way every change reaches every view: through the window's one
``store_changed`` (:meth:`store_changed`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.fees_tab import FavouritesTab, FeesTab
from chargeclock.ui.forms import FORM_STYLE, fit_to_screen
from chargeclock.ui.payers_tab import PayersTab
from chargeclock.ui.practice_tab import PracticeTab
from chargeclock.ui.providers_tab import ProvidersTab
from chargeclock.ui.room_setting import RoomTab
from chargeclock.ui.rules_tab import RulesTab
from chargeclock.ui.users_tab import LockTab, UsersTab


class SettingsDialog(QDialog):
    #: something was saved (the window refreshes its lists, title and lock)
    settings_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Settings")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        self.tabs = QTabWidget()
        self.practice = PracticeTab(services)
        self.users = UsersTab(services)
        self.lock = LockTab(services)
        self.room = RoomTab(services)
        self.providers = ProvidersTab(services)
        self.payers = PayersTab(services)
        self.fees = FeesTab(services)
        self.favourites = FavouritesTab(services)
        self.rules = RulesTab(services)
        users_page = QWidget()
        users_layout = QVBoxLayout(users_page)
        users_layout.addWidget(self.users, 1)
        for box in (self.lock, self.room):
            # Their height fixed: a scrolling page laid out at first to their least height and
            # later to their wanted one would move them at the users form's first message.
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            users_layout.addWidget(box)
        for title, page in (
            ("Practice", self.practice),
            ("Users and lock", users_page),
            ("Providers", self.providers),
            ("Payers", self.payers),
            ("Fees", self.fees),
            ("Favourite codes", self.favourites),
            ("Rule data", self.rules),
        ):
            self.tabs.addTab(_scrolled(page), title)
        for tab in (self.practice, self.users, self.lock, self.room, self.providers, self.payers):
            tab.saved.connect(self.settings_changed.emit)
        self.fees.saved.connect(self.settings_changed.emit)
        self.favourites.saved.connect(self.settings_changed.emit)
        self.rules.saved.connect(self.settings_changed.emit)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Each tab saves with its own button."), 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1180, 700)

    def store_changed(self, changes: Changes) -> None:
        """Read again what a save elsewhere changed: a provider added in its tab is offered in
        the Users tab, a rule-data import shows in the Fees tab's amounts by year."""
        if changes.any_setup:
            for tab in (self.users, self.providers, self.payers):
                tab.refresh()
        if changes.any_fees and not any(self.fees.changes()):  # never over cells being typed
            self.fees.fill()


def _scrolled(page: QWidget) -> QScrollArea:
    """A tab's page scrolls down when the screen is shorter than it (a 1024×600 panel)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll
