"""The visit screen's left panel: today's visits, a patient search and the Start visit button.

It reads the store and asks for nothing itself: picking a visit or starting one is a signal the
window routes to the visit panel. It reads its lists again when ``store_changed`` says visits,
patients or anything changed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
)

from chargeclock.domain.wording import day_text
from chargeclock.services.changes import Changes
from chargeclock.services.running import RunningClock
from chargeclock.services.session import Services
from chargeclock.ui.clear_button import clear_button
from chargeclock.ui.lists import EntryListModel, ListEntry, RowsListView


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Heading")
    return label


class PatientPanel(QFrame):
    #: a visit in the Today list was clicked: its id
    visit_picked = Signal(int)
    #: Start visit (or a double click) for a patient: the patient's id
    start_requested = Signal(int)

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setObjectName("Panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 10, 8, 10)  # narrow: the Today names have the room
        layout.addWidget(heading("Today"))
        self.today_model = EntryListModel(self)
        self.today_list = RowsListView()  # a running clock's row repaints alone
        self.today_list.setModel(self.today_model)
        self.today_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.today_list.clicked.connect(self._today_clicked)
        layout.addWidget(self.today_list, 2)
        layout.addWidget(heading("Patients"))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a patient…")
        self.search.textChanged.connect(self.search_patients)
        self.clear_search = clear_button(self.search, "Clear the search")
        search_row = QHBoxLayout()
        search_row.setSpacing(4)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.clear_search)
        layout.addLayout(search_row)
        self.patient_model = EntryListModel(self)
        self.patient_list = QListView()
        self.patient_list.setUniformItemSizes(True)
        self.patient_list.setModel(self.patient_model)
        self.patient_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.patient_list.doubleClicked.connect(lambda _: self.start_for_selected())
        layout.addWidget(self.patient_list, 3)
        self.start_button = QPushButton("Start visit")
        self.start_button.setObjectName("Primary")
        self.start_button.clicked.connect(self.start_for_selected)
        layout.addWidget(self.start_button)
        self.setMinimumWidth(240)
        self.setMaximumWidth(320)
        self._today: list[tuple[str, int]] = []  # Today's visits: text, id
        self._clocks: list[RunningClock] = []
        self._names: dict[int, str] = {}  # patient id -> "Last, First" for the Today list

    def store_changed(self, changes: Changes) -> None:
        if changes.any_patient:
            self._names.clear()
        if changes.any_visit or changes.any_patient or changes.any_setup:
            self._refresh_today()
        if changes.any_patient:  # the search lists patients alone: a timer tap leaves it be
            self.search_patients(self.search.text())

    def refresh_lists(self) -> None:
        self._names.clear()
        self._refresh_today()
        self.search_patients(self.search.text())

    def _refresh_today(self) -> None:
        records = self.services.records
        self._today = []
        for visit in self.services.visits.visits_of_day(self.services.ctx.today()):
            name = self._names.get(visit.patient_id)
            if name is None:  # kept until a patient changes: a timer tap reads no patient
                patient = records.patient(visit.patient_id)
                name = self._names[visit.patient_id] = f"{patient.last_name}, {patient.first_name}"
            status = {"open": "open", "finalized": "finalized ✓", "void": "void"}[visit.status]
            self._today.append((f"{name} · {status}", visit.id))
        self._clocks = self.services.running_clocks()
        self.tick(self.services.clock.now())

    def tick(self, now: datetime) -> None:
        """The Today list's running timers, with their time (no query: the clocks read at the
        last change, the time from ``now``)."""
        entries = []
        for text, visit_id in self._today:
            running = [(c, c.clock_text(now)) for c in self._clocks if c.visit_id == visit_id]
            clocks = " · ".join(f"{c.role} {time}" for c, time in running)
            # The list is narrow: each clock's code and room in the tooltip, not the line.
            where = "\n".join(
                f"{c.role} {c.code} {time}" + (f" in {c.room}" if c.room else "")
                for c, time in running
            )
            # Running means open: the clocks take the status's place (a narrow list cuts less).
            shown = f"{text.removesuffix(' · open')} · ● {clocks}" if clocks else text
            entries.append(ListEntry(shown, visit_id, where))
        self.today_model.set_entries(entries)

    def search_patients(self, text: str) -> None:
        found = self.services.records.search_patients(text.strip())
        self.patient_model.set_entries(
            [
                ListEntry(
                    f"{p.last_name}, {p.first_name}",
                    p.id,
                    f"born {day_text(p.date_of_birth)}",
                )
                for p in found
            ]
        )

    def show_patient(self, patient_id: int) -> None:
        """Make a just-saved patient findable: with no search typed, search for their name."""
        if not self.search.text().strip():
            self.search.setText(self.services.records.patient(patient_id).last_name)

    def select_visit(self, visit_id: int) -> None:
        self.today_list.setCurrentIndex(self.today_model.index(self.today_model.row_of(visit_id)))

    def selected_patient_id(self) -> int | None:
        index = self.patient_list.currentIndex()
        return self.patient_model.entry(index.row()).item_id if index.isValid() else None

    def _today_clicked(self, index: QModelIndex) -> None:
        self.visit_picked.emit(self.today_model.entry(index.row()).item_id)

    def start_for_selected(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

        patient_id = self.selected_patient_id()
        if patient_id is None:
            QMessageBox.information(self, "ChargeClock", "Pick a patient first.")
            return
        self.start_requested.emit(patient_id)
