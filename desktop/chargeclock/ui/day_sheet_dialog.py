"""The day sheet in the window (:mod:`chargeclock.services.day_sheet`): pick a date; the day's
visits with open visits and running timers flagged in words and colour, totals by code and by
payer, units by code as a chart, and Save PDF… for the same sheet on paper."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import QChart
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.day_sheet_model import DaySheet
from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.wording import plural
from chargeclock.services.day_sheet import day_sheet, save_day_sheet
from chargeclock.services.session import Services
from chargeclock.ui import qt_charts
from chargeclock.ui.export_dialog import ask_pdf_path, save_pdf_to
from chargeclock.ui.forms import date_field, fit_to_screen, picked

FLAG = QColor("#D55E00")  # vermillion: read with any colour vision; the text says it too


def fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    """Put ``rows`` in ``table``; numbers (a cell starting with a digit or $) right-aligned."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if text[:1].isdigit() or text.startswith("$"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def needed_width(table: QTableWidget) -> int:
    """The width that shows every column of ``table`` whole, with its frame and scroll bar."""
    scroll_bar = table.verticalScrollBar().sizeHint().width()
    return table.horizontalHeader().length() + 2 * table.frameWidth() + scroll_bar


def _table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    return table


class DaySheetDialog(QDialog):
    """The sheet of one day, read again when the date changes."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Day sheet")
        fit_to_screen(self, 1180, 720)  # every column of a day's visits where the screen has room
        self.services = services
        self.day = date_field(services.ctx.today(), self)
        self.day.dateChanged.connect(lambda _: self.refresh())
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.visits = _table(self)
        self.codes = _table(self)
        self.payers = _table(self)
        self.chart_view = qt_charts.view(QChart())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._ask_and_save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Date", self))
        top.addWidget(self.day)
        top.addStretch(1)
        self.totals = totals = QHBoxLayout()
        totals.addWidget(self.codes, 1)
        totals.addWidget(self.payers, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.visits, 3)
        layout.addLayout(totals, 2)
        layout.addWidget(self.chart_view, 2)
        layout.addWidget(buttons)
        self.sheet: DaySheet | None = None
        # Styled before it is filled: its columns are measured in the type it is shown in, and
        # its first show brings no change of type to fill it again for.
        self.ensurePolished()
        self.refresh()

    def refresh(self) -> None:
        try:
            sheet = day_sheet(self.services, picked(self.day))
        except ChargeClockError as exc:
            self.summary.setText(" ".join(str(exc).split()))
            return
        self.sheet = sheet
        warn = ""
        if sheet.open_visits or sheet.running_timers:
            warn = (
                f"<b style='color:{FLAG.name()}'>Not ready to close: "
                f"{plural(sheet.open_visits, 'open visit')}, "
                f"{plural(sheet.running_timers, 'timer')} running.</b> "
            )
        self.summary.setText(
            f"{warn}{plural(len(sheet.visits), 'visit')} · {plural(sheet.units, 'unit')} · charges "
            f"${sheet.charges:,.2f} · payments ${sheet.payments:,.2f} (times {sheet.zone_name})"
        )
        rows = []
        for v in sheet.visits:
            start = f"{v.first_start:%H:%M}" if v.first_start else "—"
            stop = f"{v.last_stop:%H:%M}" if v.last_stop else ("…" if v.running else "—")
            rows.append(
                [
                    str(v.visit_id),
                    f"{start}–{stop}",
                    v.patient,
                    v.payer,
                    "; ".join(v.flags) or v.status,
                    str(v.units),
                    f"${v.charges:,.2f}",
                    f"${v.payments:,.2f}",
                ]
            )
        fill(
            self.visits,
            ["Visit", "Times", "Patient", "Payer", "Status", "Units", "Charges", "Paid"],
            rows,
        )
        bold = QFont(self.visits.font())  # the table's type (large type's when on), in bold
        bold.setBold(True)
        for r, v in enumerate(sheet.visits):
            if v.flags and v.billed_with is None:
                item = self.visits.item(r, 4)
                assert item is not None
                item.setForeground(FLAG)
                item.setFont(bold)
        self.visits.resizeColumnToContents(4)  # as wide as its flags in bold
        fill(
            self.codes,
            ["Code", "Units", "CQ/CO", "Charges"],
            [
                [c.code, str(c.units), str(c.assistant_units), f"${c.charges:,.2f}"]
                for c in sheet.by_code
            ],
        )
        fill(
            self.payers,
            ["Payer", "Visits", "Units", "Charges", "Payments"],
            [
                [p.payer, str(p.visits), str(p.units), f"${p.charges:,.2f}", f"${p.payments:,.2f}"]
                for p in sheet.by_payer
            ],
        )
        chart = qt_charts.bars(
            "Units by code: the therapist's and the assistant's (CQ/CO)",
            [c.code for c in sheet.by_code],
            [
                ("PT units", [c.units - c.assistant_units for c in sheet.by_code]),
                ("CQ/CO units", [c.assistant_units for c in sheet.by_code]),
            ],
        )
        qt_charts.replace_chart(self.chart_view, chart)
        # The two totals share the row by what their columns need (the payers' names and
        # amounts are the wider: half the row cut their payments off under large type).
        for index, table in enumerate((self.codes, self.payers)):
            self.totals.setStretch(index, needed_width(table))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.sheet is not None:
            self.refresh()  # its columns and the totals' shares in the new type (large type)

    def _ask_and_save(self) -> None:
        path = ask_pdf_path(self, "Save day sheet", f"day-sheet-{picked(self.day)}.pdf")
        if path is not None:
            self.save(path)

    def save(self, path: Path) -> Path | None:
        sheet = self.sheet
        if sheet is None:
            return None
        return save_pdf_to(path, lambda p: save_day_sheet(sheet, p), self.summary.setText)
