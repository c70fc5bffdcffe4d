"""One setting in its own box with its own Save button (:class:`SettingBox`), and this
workstation's treatment room (Settings → Users and lock): the lock screen shows it beside every
timer started here ("MQ · Room 2 · 97110 · PT 12:34")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from chargeclock.services.session import Services
from chargeclock.services.workstations import MAX_ROOM
from chargeclock.ui.forms import FormState, form_rows, group


class SettingBox(QWidget):
    """A group titled ``title``: one field (``key``, under ``label``), the form's message line
    and a Save button calling :meth:`save`."""

    saved = Signal()

    def __init__(self, title: str, label: str, key: str, field: QWidget, button: str) -> None:
        super().__init__()
        self.form = FormState(dict)
        self.save_button = QPushButton(button)
        self.save_button.setMaximumWidth(220)
        self.save_button.clicked.connect(self.save)
        rows = form_rows((label, self.form.field(key, field)))
        rows.addRow("", self.form.general)
        rows.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(group(title, rows))

    def save(self) -> None:
        raise NotImplementedError


class RoomTab(SettingBox):
    """The room's name and its Save button."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.room = QLineEdit(services.workstations.room())
        self.room.setPlaceholderText("e.g. Room 2 or Gym (blank: none)")
        self.room.setMaxLength(MAX_ROOM)
        self.room.setMaximumWidth(320)
        super().__init__(
            "This workstation (its room is shown on the lock screen)",
            "Treatment room",
            "room",
            self.room,
            "Save room",
        )

    def save(self) -> None:
        name = self.form.submit(lambda: self.services.workstations.set_room(self.room.text()))
        if name is not None:
            self.room.setText(name)
            self.saved.emit()
