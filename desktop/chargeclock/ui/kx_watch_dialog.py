"""The KX watch in the window (:mod:`chargeclock.services.kx_watch`): Medicare patients by their
year-to-date against the KX threshold and the review level, with each one's forecast; picking a
patient draws their year-to-date through the year with both lines (QtCharts). Opened on a patient
Medicare does not pay, no one is picked and the chart's place says so."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.wording import day_text
from chargeclock.services.kx_watch import KxWatchRow, kx_watch
from chargeclock.services.session import Services
from chargeclock.ui.day_sheet_dialog import fill
from chargeclock.ui.forms import fit_to_screen
from chargeclock.ui.kx_chart import KxYearView, year_box, year_row

HEADERS = [
    "Patient",
    "Year to date",
    "State",
    "Visits",
    "Per visit",
    "To KX",
    "KX about",
    "To review",
    "Review about",
]


def _visits(count: int | None, reached: bool) -> str:
    if reached:
        return "reached"
    return "—" if count is None else f"about {count}"


def row_texts(row: KxWatchRow) -> list[str]:
    incomplete = f" (+{row.unknown_lines} unknown)" if row.unknown_lines else ""
    return [
        row.name,
        f"${row.ytd:,.2f}{incomplete}",
        row.state,
        str(row.visits),
        "—" if row.average_per_visit is None else f"${row.average_per_visit:,.2f}",
        _visits(row.visits_to_kx, row.ytd >= row.threshold),
        day_text(row.kx_on) if row.kx_on else "—",
        _visits(row.visits_to_review, row.ytd >= row.review_level),
        day_text(row.review_on) if row.review_on else "—",
    ]


class KxWatchDialog(QDialog):
    """The year's rows, and the chart of the picked patient."""

    def __init__(
        self, services: Services, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("KX watch")
        fit_to_screen(self, 1180, 700)  # every column, the review forecast's included
        self.services = services
        self.year = year_box(services, self)
        # another year keeps the patient shown (or asked for), not the top row
        self.year.valueChanged.connect(lambda _: self.refresh(self.patient_id))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._picked)
        self.year_view = KxYearView(services, self)
        self.chart_view = self.year_view.chart_view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(year_row("Year", self.year))
        layout.addWidget(self.note)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.year_view, 2)
        layout.addWidget(buttons)
        self.rows: list[KxWatchRow] = []
        #: the patient asked for or picked
        self.patient_id: int | None = None
        self.refresh(patient_id)

    @property
    def shown_patient(self) -> int | None:
        """The patient whose chart is drawn."""
        return self.year_view.shown_patient

    def refresh(self, patient_id: int | None = None) -> None:
        """The year's rows, and ``patient_id``'s chart: picked in the table if they are listed,
        said not to be on Medicare if they are not; the top row when no one is asked for."""
        self.rows = kx_watch(self.services, self.year.value())
        figures = self.services.book.year(self.year.value())
        self.note.setText(
            f"Medicare patients, PT and SLP together: KX threshold "
            f"${figures.kx_threshold['pt_slp']:,.2f}, review level "
            f"${figures.review_threshold:,.2f} ({self.year.value()}). The forecast goes by each "
            "patient's average allowed amount per visit and how often they come."
        )
        fill(self.table, HEADERS, [row_texts(r) for r in self.rows])
        ids = [r.patient_id for r in self.rows]
        if patient_id is None and ids:
            patient_id = ids[0]
        self.patient_id = patient_id
        with QSignalBlocker(self.table):  # drawn once, below
            if patient_id in ids:
                self.table.selectRow(ids.index(patient_id))
            else:
                self.table.clearSelection()
        if patient_id is None:
            self.year_view.show_message(f"No Medicare patient in {self.year.value()}.")
        else:
            self.show_patient(patient_id)

    def _picked(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self.patient_id = self.rows[selected[0].row()].patient_id
            self.show_patient(self.patient_id)

    def show_patient(self, patient_id: int) -> None:
        """Draw ``patient_id``'s year to date through the year with both lines."""
        self.year_view.show_patient(patient_id, self.year.value())
