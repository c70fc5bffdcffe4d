"""A settings tab with a list of records on the left and the picked one's form on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.session import Services
from chargeclock.ui.forms import FormState, group

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ListFormTab(QWidget):
    """A list of records on the left, the selected one's form on the right."""

    saved = Signal()
    noun = "record"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.current_id: int | None = None
        self.form = FormState(self.errors)
        self.list = QListWidget()
        self.list.setMaximumWidth(340)
        self.list.currentItemChanged.connect(self._picked)
        self.new_button = QPushButton(f"New {self.noun}")
        self.new_button.clicked.connect(self.new)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        self.save_button = QPushButton(f"Save {self.noun}")
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        rows = self.build_form()
        rows.addRow("", self.form.general)
        rows.addRow("", self.save_button)
        self.form_box = group(f"New {self.noun}", rows)
        right = QVBoxLayout()
        right.addWidget(self.form_box)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.fill_list()
        self.new()

    # subclasses: the form, the list, loading, checks and the one service call
    def build_form(self) -> Any:
        raise NotImplementedError

    def entries(self) -> list[tuple[int, str]]:
        raise NotImplementedError

    def load(self, record_id: int | None) -> None:
        raise NotImplementedError

    def errors(self) -> dict[str, str]:
        raise NotImplementedError

    def store(self) -> int:
        raise NotImplementedError

    def fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for record_id, text in self.entries():
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, record_id)
            self.list.addItem(item)
            if record_id == self.current_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def refresh(self) -> None:
        """Read the list again after a change made elsewhere (another tab, the window, another
        workstation). The open form is read again too unless the user has typed in it: a change
        elsewhere never throws away what is being typed."""
        known = {record_id for record_id, _ in self.entries()}
        if self.current_id is not None and self.current_id not in known:
            self.fill_list()
            self.new()
            return
        self.fill_list()
        if not self.form.touched:
            self.load(self.current_id)
            self.form.reset()

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.current_id = int(item.data(ID_ROLE))
            self.form_box.setTitle(f"Change {self.noun}")
            self.load(self.current_id)
            self.form.reset()

    def new(self) -> None:
        self.current_id = None
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.form_box.setTitle(f"New {self.noun}")
        self.load(None)
        self.form.reset()

    def save(self) -> None:
        record_id = self.form.submit(self.store, self.aliases())
        if record_id is None:
            return
        self.current_id = record_id
        self.fill_list()
        self.form_box.setTitle(f"Change {self.noun}")
        self.form.reset()
        self.saved.emit()

    def aliases(self) -> dict[str, str]:
        return {}
