"""One patient's KX year to date in the window, as the KX watch and History show it: the
allowed amount (PT and SLP) through the year as a step line with the KX threshold and the
review level across it (:func:`chargeclock.ui.qt_charts.year_lines`). For a patient Medicare
does not pay there is no chart, only a line saying the threshold is Medicare's."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from chargeclock.services.kx_watch import on_medicare, year_curve
from chargeclock.services.session import Services
from chargeclock.ui import qt_charts


class KxYearView(QWidget):
    """A patient's year-to-date chart, or the line saying why there is none."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.chart_view = qt_charts.view(QChart())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.chart_view, 1)
        #: the patient whose chart is drawn (None: no chart)
        self.shown_patient: int | None = None

    def show_patient(self, patient_id: int, year: int) -> None:
        """Draw ``patient_id``'s year to date through ``year`` with both lines, if Medicare pays
        for them; else say that the threshold applies to Medicare patients only."""
        patient = self.services.records.patient(patient_id)
        name = f"{patient.last_name}, {patient.first_name}"
        if not on_medicare(self.services, patient_id):
            self.show_message(
                f"{name} is not on Medicare: the KX threshold and the review level apply to "
                "Medicare patients only."
            )
            return
        curve = year_curve(self.services, patient_id, year)
        chart = qt_charts.year_lines(
            f"{name}: {year} year to date (allowed, PT and SLP)",
            year,
            [(d, float(v)) for d, v in curve.points],
            [("KX threshold", float(curve.threshold)), ("review level", float(curve.review_level))],
        )
        qt_charts.replace_chart(self.chart_view, chart)
        self.message.hide()
        self.chart_view.show()
        self.shown_patient = patient_id

    def show_message(self, text: str) -> None:
        """No chart: ``text`` in its place."""
        qt_charts.replace_chart(self.chart_view, QChart())
        self.chart_view.hide()
        self.message.setText(text)
        self.message.show()
        self.shown_patient = None
