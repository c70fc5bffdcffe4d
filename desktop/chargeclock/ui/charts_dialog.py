"""The practice charts in the window (QtCharts): over a period, visits and units per day (week,
month), the therapist's and the assistant's (CQ/CO) units, visits per code, and units per code
with the assistant's share; Save PDF… writes the same charts drawn with reportlab."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCharts import QChart
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.practice_figures import PracticeFigures
from chargeclock.services.practice_charts import practice_figures, save_charts
from chargeclock.services.session import Services
from chargeclock.ui import qt_charts
from chargeclock.ui.export_dialog import ask_pdf_path, save_pdf_to
from chargeclock.ui.forms import date_field, picked


class ChartsDialog(QDialog):
    """A period and its four charts, one tab each."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Practice charts")
        self.resize(1000, 620)
        self.services = services
        today = services.ctx.today()
        self.first = date_field(today - timedelta(days=29), self)
        self.last = date_field(today, self)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(lambda _: self.refresh())
        self.summary = QLabel(self)
        self.tabs = QTabWidget(self)
        self.views = {}
        for name in ("Visits and units", "PT and CQ/CO units", "Visits per code", "Units per code"):
            view = qt_charts.view(QChart())
            self.views[name] = view
            self.tabs.addTab(view, name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._ask_and_save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        for text, edit in (("From", self.first), ("To", self.last)):
            top.addWidget(QLabel(text, self))
            top.addWidget(edit)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.figures: PracticeFigures | None = None
        self.refresh()

    def refresh(self) -> None:
        try:
            figures = practice_figures(self.services, picked(self.first), picked(self.last))
        except ChargeClockError as exc:
            self.summary.setText(" ".join(str(exc).split()))
            return
        self.figures = figures
        self.summary.setText(
            f"{figures.visits} visits · {figures.units} units · the assistant's share (CQ/CO) "
            f"{figures.assistant_share:.0%}: {figures.assistant_units} of {figures.units} units"
        )
        labels = [figures.label(p) for p in figures.periods]
        per = figures.grain
        periods = figures.periods
        charts = {
            "Visits and units": qt_charts.bars(
                f"Visits and units per {per}",
                labels,
                [("visits", [p.visits for p in periods]), ("units", [p.units for p in periods])],
            ),
            "PT and CQ/CO units": qt_charts.bars(
                f"Units per {per}: the therapist's and the assistant's (CQ/CO)",
                labels,
                [
                    ("PT units", [p.units - p.assistant_units for p in periods]),
                    ("CQ/CO units", [p.assistant_units for p in periods]),
                ],
            ),
            "Visits per code": qt_charts.bars(
                "Visits per code: the visits each code was billed on",
                [c.code for c in figures.codes],
                [("visits", [c.visits for c in figures.codes])],
            ),
            "Units per code": qt_charts.bars(
                "Units per code, and the assistant's share",
                [f"{c.code}\n{c.assistant_share:.0%} CQ" for c in figures.codes],
                [
                    ("PT units", [c.units - c.assistant_units for c in figures.codes]),
                    ("CQ/CO units", [c.assistant_units for c in figures.codes]),
                ],
            ),
        }
        for name, chart in charts.items():
            qt_charts.replace_chart(self.views[name], chart)

    def _ask_and_save(self) -> None:
        name = f"practice-charts-{picked(self.first)}-{picked(self.last)}.pdf"
        path = ask_pdf_path(self, "Save charts", name)
        if path is not None:
            self.save(path)

    def save(self, path: Path) -> Path | None:
        figures = self.figures
        if figures is None:
            return None
        practice = self.services.records.practice()
        name = practice.name if practice else ""
        return save_pdf_to(path, lambda p: save_charts(figures, name, p), self.summary.setText)
