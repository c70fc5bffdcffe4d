"""One patient's KX year to date in the window, as the KX watch and History ("KX year to
date…") show it: the allowed amount (PT and SLP) through the year as a step line with the KX
threshold and the review level across it (:func:`chargeclock.ui.qt_charts.year_lines`). For a
patient Medicare does not pay there is no chart, only a line saying the threshold is Medicare's."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.kx_watch import on_medicare, year_curve
from chargeclock.services.session import Services
from chargeclock.ui import qt_charts


def year_box(services: Services, parent: QWidget) -> QSpinBox:
    """The year a KX view shows: this year at first, back to the first year of rule data (a
    year's figures are its threshold and review level), never a year to come."""
    box = QSpinBox(parent)
    this_year = services.ctx.today().year
    box.setRange(min(services.book.years[0], this_year), this_year)
    box.setValue(this_year)
    return box


def year_row(label: str, box: QSpinBox) -> QHBoxLayout:
    """``label`` and the year's box, on the left of a row."""
    row = QHBoxLayout()
    row.addWidget(QLabel(label, box.parentWidget()))
    row.addWidget(box)
    row.addStretch(1)
    return row


class KxYearView(QWidget):
    """A patient's year-to-date chart, or the line saying why there is none."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
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


class KxYearDialog(QDialog):
    """A patient's chart of a year (this one at first) in a window of its own, opened from
    History: another year shows that year's spend against that year's threshold."""

    def __init__(self, services: Services, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        patient = services.records.patient(patient_id)
        self.setWindowTitle(f"KX year to date — {patient.last_name}, {patient.first_name}")
        self.year = year_box(services, self)
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.view = KxYearView(services, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(year_row("Year", self.year))
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.refresh()
        # a chart's size, or a line's when there is no chart; once: a size the user gives it
        # stays as History's changes redraw it
        if self.view.shown_patient is None:
            self.resize(560, self.heightForWidth(560))
        else:
            self.resize(900, 520)

    def refresh(self) -> None:
        """Draw the year chosen as it is now."""
        self.view.show_patient(self.patient_id, self.year.value())
