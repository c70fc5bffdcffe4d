"""This workstation's treatment room (Settings → Users and lock): the lock screen shows it beside
every timer started here ("MQ · Room 2 · 97110 · PT 12:34")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from chargeclock.services.session import Services
from chargeclock.services.workstations import MAX_ROOM
from chargeclock.ui.forms import FormState, form_rows, group


class RoomTab(QWidget):
    """The room's name and its Save button."""

    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.room = QLineEdit(services.workstations.room())
        self.room.setPlaceholderText("e.g. Room 2 or Gym (blank: none)")
        self.room.setMaxLength(MAX_ROOM)
        self.room.setMaximumWidth(320)
        self.form = FormState(dict)
        self.save_button = QPushButton("Save room")
        self.save_button.setMaximumWidth(220)
        self.save_button.clicked.connect(self.save)
        rows = form_rows(("Treatment room", self.form.field("room", self.room)))
        rows.addRow("", self.form.general)
        rows.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(group("This workstation (its room is shown on the lock screen)", rows))

    def save(self) -> None:
        name = self.form.submit(lambda: self.services.workstations.set_room(self.room.text()))
        if name is not None:
            self.room.setText(name)
            self.saved.emit()
