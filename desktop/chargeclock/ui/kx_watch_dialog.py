"""The KX watch in the window (:mod:`chargeclock.services.kx_watch`): Medicare patients by their
year-to-date against the KX threshold and the review level, with each one's forecast; picking a
patient draws their year-to-date through the year with both lines (QtCharts)."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.kx_watch import KxWatchRow, kx_watch, year_curve
from chargeclock.services.session import Services
from chargeclock.ui import qt_charts
from chargeclock.ui.day_sheet_dialog import fill

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
        f"{row.kx_on:%m/%d/%Y}" if row.kx_on else "—",
        _visits(row.visits_to_review, row.ytd >= row.review_level),
        f"{row.review_on:%m/%d/%Y}" if row.review_on else "—",
    ]


class KxWatchDialog(QDialog):
    """The year's rows, and the chart of the picked patient."""

    def __init__(
        self, services: Services, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("KX watch")
        self.resize(1000, 700)
        self.services = services
        self.year = QSpinBox(self)
        self.year.setRange(2018, 2100)
        self.year.setValue(services.ctx.today().year)
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._picked)
        self.chart_view = qt_charts.view(QChart())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year", self))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart_view, 2)
        layout.addWidget(buttons)
        self.rows: list[KxWatchRow] = []
        self.refresh(patient_id)

    def refresh(self, patient_id: int | None = None) -> None:
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
        pick = ids.index(patient_id) if patient_id in ids else 0
        if self.rows:
            self.table.selectRow(pick)
            self.show_patient(self.rows[pick].patient_id)

    def _picked(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self.show_patient(self.rows[selected[0].row()].patient_id)

    def show_patient(self, patient_id: int) -> None:
        """Draw ``patient_id``'s year to date through the year with both lines."""
        year = self.year.value()
        curve = year_curve(self.services, patient_id, year)
        name = next((r.name for r in self.rows if r.patient_id == patient_id), "")
        chart = qt_charts.year_lines(
            f"{name}: {year} year to date (allowed, PT and SLP)",
            year,
            [(d, float(v)) for d, v in curve.points],
            [("KX threshold", float(curve.threshold)), ("review level", float(curve.review_level))],
        )
        qt_charts.replace_chart(self.chart_view, chart)
        self.shown_patient = patient_id
