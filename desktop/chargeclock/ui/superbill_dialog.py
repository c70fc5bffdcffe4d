"""The superbill preview: the PDF as it will leave the clinic, with Save as PDF and Print.

The choices (this visit or a statement over a period, paper size, trace appendix) rebuild the
superbill through the services and reload the preview. What is saved or printed is exactly the
previewed PDF. Problems (an open visit, a practice without an NPI, a printer that refuses the
job) are shown in the dialog in one line, never as a traceback.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPageSize, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.superbill_model import Paper, Superbill
from chargeclock.domain.wording import day_text
from chargeclock.services.changes import Changes
from chargeclock.services.frozen_claims import versions_of
from chargeclock.services.session import Services
from chargeclock.services.superbill import SuperbillRequest, build, pdf_bytes, save_pdf_bytes
from chargeclock.ui import theme
from chargeclock.ui.forms import date_field, fit_to_screen, picked, qdate, side_by_side
from chargeclock.ui.superbill_print import PrintError, print_document

REFRESH_DELAY_MS = 200  # a typed date settles before the PDF is rebuilt
CHOICES_MARGIN = 14  # pixels: the dialog's left and right margins
MAX_MESSAGE = 300  # characters of a problem shown in the dialog


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SuperbillDialog(QDialog):
    """Preview, save and print the superbill of a visit or a patient's statement."""

    #: the preview shows a freshly built PDF: its page count
    preview_changed = Signal(int)
    #: the PDF was written to this path
    saved = Signal(str)
    #: this many pages went to the printer
    printed = Signal(int)
    #: a problem was shown in the dialog: its message
    failed = Signal(str)

    def __init__(self, services: Services, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.visit_id = visit_id
        self.superbill: Superbill | None = None
        self.pdf: bytes = b""
        self._buffer: QBuffer | None = None
        self.setWindowTitle("Superbill")
        self.setStyleSheet(theme.own_sheet(self.parentWidget()))
        visit = services.visits.visit(visit_id)
        self.patient_id = visit.patient_id
        self.date_of_service = visit.date_of_service
        patient = services.records.patient(visit.patient_id)
        self.patient_name = f"{patient.first_name} {patient.last_name}"
        self.setWindowTitle(f"Superbill — {self.patient_name}")
        self.document = QPdfDocument(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        # large enough to read a page, and its choices on one row in the usual type
        fit_to_screen(self, 1220, 900)
        self.refresh()
        self._describe_older_diagnoses()

    def _describe_older_diagnoses(self) -> None:
        """Diagnoses saved before their description was kept take ICD-10-CM's text from the
        code set; it loads off the window's thread, and the preview is rebuilt when it is in."""
        from chargeclock.services.diagnosis_codes import loaded_index

        if (
            loaded_index() is not None
            or not self.services.records.some_diagnosis_lacks_a_description()
        ):
            return
        from chargeclock.ui.icd10_loader import Icd10Loader

        self.code_set = Icd10Loader(self)
        self.code_set.loaded.connect(lambda _index: self.refresh())
        self.code_set.start()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(CHOICES_MARGIN, 12, CHOICES_MARGIN, 12)
        layout.setSpacing(8)

        choices = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        choices.setSpacing(10)
        self.visit_choice = QRadioButton(f"This visit ({day_text(self.date_of_service)})")
        self.statement_choice = QRadioButton("Statement from")
        self.visit_choice.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.visit_choice)
        group.addButton(self.statement_choice)
        first = self.date_of_service.replace(day=1)
        last = self.date_of_service.replace(
            day=calendar.monthrange(self.date_of_service.year, self.date_of_service.month)[1]
        )
        self.start_edit = self._date_edit(first)
        self.end_edit = self._date_edit(last)
        to_label = QLabel("to")
        self.paper_box = QComboBox()
        self.paper_box.addItem("Letter", "letter")
        self.paper_box.addItem("A4", "a4")
        # Earlier versions of a corrected bill stay printable (claims.md §6).
        self.version_label = QLabel("Version")
        self.version_box = QComboBox()
        self._fill_versions()
        self.trace_box = QCheckBox("Calculation trace")
        self.trace_box.setToolTip("Add the engine's step-by-step calculation as an appendix")
        what = QHBoxLayout()  # what is printed
        what.setSpacing(10)
        for widget in (
            self.visit_choice,
            self.statement_choice,
            self.start_edit,
            to_label,
            self.end_edit,
        ):
            what.addWidget(widget)
        what.addStretch(1)
        how = QHBoxLayout()  # how
        how.setSpacing(10)
        how.addWidget(self.version_label)
        how.addWidget(self.version_box)
        how.addWidget(QLabel("Paper"))
        how.addWidget(self.paper_box)
        how.addWidget(self.trace_box)
        how.addStretch(1)
        # On one row where it holds both whole, else two (large type at 1366 px cut the dates)
        choices.addLayout(what, 1)
        choices.addLayout(how)
        self._choices = (choices, (what, how))
        layout.addLayout(choices)

        self.error_label = QLabel()
        self.error_label.setObjectName("Error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            f"color: {theme.ALERT_COLOUR}; background: #fdecea; border: 1px solid #f5c2c0;"
            "border-radius: 6px; padding: 6px 10px;"
        )
        self.error_label.hide()
        layout.addWidget(self.error_label)
        # Where the PDF went, once saved: a save is confirmed, never silent.
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_label.setStyleSheet(f"color: {theme.OK_COLOUR}; font-weight: 600;")
        self.saved_label.hide()
        layout.addWidget(self.saved_label)

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(16)
        self.view.setDocumentMargins(QMargins(24, 18, 24, 18))  # the sheet on a grey desk
        self.view.setStyleSheet("QPdfView { background: #5f6b7a; border: none; }")
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("SubHeading")
        buttons.addWidget(self.summary_label, 1)
        self.save_button = QPushButton("Save as PDF…")
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("Primary")
        self.close_button = QPushButton("Close")
        for button in (self.save_button, self.print_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_)
        self.visit_choice.toggled.connect(self._choice_changed)
        self.paper_box.currentIndexChanged.connect(self.refresh)
        self.version_box.currentIndexChanged.connect(self.refresh)
        self.trace_box.toggled.connect(self.refresh)
        self.start_edit.dateChanged.connect(self._timer.start)
        self.end_edit.dateChanged.connect(self._timer.start)
        self._choice_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._fit_choices(event.size().width())
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self._fit_choices(self.width())  # in the type it is shown in
        super().showEvent(event)

    def _fit_choices(self, width: int) -> None:
        row, parts = self._choices
        side_by_side(row, parts, width, 2 * CHOICES_MARGIN, whole=True)

    def _date_edit(self, day: date) -> QDateEdit:
        edit = date_field(day)
        edit.setMinimumWidth(150)
        return edit

    def _fill_versions(self) -> None:
        """The bill's frozen versions to choose from, when it has more than one."""
        visit = self.services.visits.visit(self.visit_id)
        rows = versions_of(self.services, visit)
        chosen = self.version_box.currentData()
        self.version_box.blockSignals(True)
        self.version_box.clear()
        self.version_box.addItem("Current", None)
        for row in reversed(rows):
            corrected = f" (corrected: {row.reason})" if row.version > 1 else ""
            self.version_box.addItem(f"Version {row.version}{corrected}", row.version)
        index = self.version_box.findData(chosen)
        self.version_box.setCurrentIndex(max(index, 0))
        self.version_box.blockSignals(False)
        self.version_label.setVisible(len(rows) > 1)
        self.version_box.setVisible(len(rows) > 1)

    def choose_version(self, version: int | None) -> None:
        """Preview ``version`` of the visit's bill (None: the current one)."""
        self.version_box.setCurrentIndex(max(self.version_box.findData(version), 0))

    def _choice_changed(self) -> None:
        statement = self.statement_choice.isChecked()
        self.start_edit.setEnabled(statement)
        self.end_edit.setEnabled(statement)
        self.version_box.setEnabled(not statement)
        if self.superbill is not None or self.error_label.isVisible():
            self.refresh()

    # -- what is asked for ---------------------------------------------------------------------

    @property
    def paper(self) -> Paper:
        return "a4" if self.paper_box.currentData() == "a4" else "letter"

    def request(self) -> SuperbillRequest:
        if self.statement_choice.isChecked():
            return SuperbillRequest(
                "statement",
                patient_id=self.patient_id,
                start=picked(self.start_edit),
                end=picked(self.end_edit),
                paper=self.paper,
                include_trace=self.trace_box.isChecked(),
            )
        return SuperbillRequest(
            "visit",
            visit_id=self.visit_id,
            paper=self.paper,
            include_trace=self.trace_box.isChecked(),
            version=self.version_box.currentData(),
        )

    def set_statement(self, start: date, end: date) -> None:
        """Choose a statement over ``start`` to ``end`` and rebuild it now."""
        self.start_edit.setDate(qdate(start))
        self.end_edit.setDate(qdate(end))
        self.statement_choice.setChecked(True)
        self._timer.stop()
        self.refresh()

    def job_title(self) -> str:
        """The print job's and the default file's name: what a person would look for."""
        if self.superbill is not None and self.superbill.kind == "statement":
            when = f"statement-{self.superbill.period_from}-to-{self.superbill.period_to}"
        else:
            when = f"superbill-{self.date_of_service}"
        return f"{when}-{_slug(self.patient_name)}"

    # -- building and showing ------------------------------------------------------------------

    def store_changed(self, changes: Changes) -> None:
        """Build again once shown if anything changed (visits, payments, the practice, fees can
        each change what the superbill says)."""
        if changes and (self.superbill is not None or self.error_label.isVisible()):
            self._fill_versions()
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the superbill and reload the preview; a problem is shown, not raised."""
        self._timer.stop()
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            superbill = build(self.services, self.request())
            data = pdf_bytes(superbill)
        except ChargeClockError as exc:
            self._show_problem(str(exc))
            return
        except Exception as exc:  # the last resort: a line in the dialog, never a traceback
            self._show_problem(f"the superbill could not be built ({type(exc).__name__}: {exc})")
            return
        finally:
            self.unsetCursor()
        self.superbill, self.pdf = superbill, data
        self._load(data)
        self.error_label.hide()
        pages = self.document.pageCount()
        lines = len(superbill.lines)
        visits = len(superbill.visits)
        self.summary_label.setText(
            f"{pages} page{'s' if pages != 1 else ''} · "
            f"{visits} visit{'s' if visits != 1 else ''} · "
            f"{lines} line{'s' if lines != 1 else ''} · "
            f"charges ${superbill.total_charges:,.2f} · balance ${superbill.balance:,.2f}"
        )
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.preview_changed.emit(pages)

    def _load(self, data: bytes) -> None:
        old = self._buffer
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        self._buffer = buffer
        if old is not None:
            old.close()
            old.deleteLater()

    def _show_problem(self, message: str) -> None:
        text = " ".join(message.split())
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        self.superbill, self.pdf = None, b""
        self.document.close()
        self.error_label.setText(text)
        self.error_label.show()
        self.summary_label.setText("")
        self.save_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.failed.emit(text)

    # -- save and print ------------------------------------------------------------------------

    def save(self) -> None:
        """Ask where, then write the previewed PDF there."""
        if not self.pdf:
            return
        suggested = str(Path.home() / f"{self.job_title()}.pdf")
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save superbill as PDF", suggested, "PDF documents (*.pdf)"
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> bool:
        """Write the previewed PDF to ``path`` (``.pdf`` added if missing)."""
        if not self.pdf:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            save_pdf_bytes(path, self.pdf)
        except OSError as exc:
            self._show_message(f"Could not save {path}: {exc.strerror or exc}")
            return False
        self.error_label.hide()
        self.saved_label.setText(f"Saved as PDF: {path}")
        self.saved_label.show()
        self.saved.emit(str(path))
        return True

    def new_printer(self) -> QPrinter:
        """A printer set up for this document: the default printer, its paper size, its title."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        page = QPageSize.PageSizeId.A4 if self.paper == "a4" else QPageSize.PageSizeId.Letter
        printer.setPageSize(QPageSize(page))
        printer.setDocName(self.job_title())
        printer.setFromTo(1, max(1, self.document.pageCount()))
        return printer

    def print_(self) -> None:
        """Choose a printer (any installed one) and print the previewed pages."""
        if not self.pdf:
            return
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print superbill")
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print the previewed PDF on ``printer`` (already set up)."""
        if not printer.docName():
            printer.setDocName(self.job_title())
        try:
            pages = print_document(self.document, printer)
        except PrintError as exc:
            self._show_message(f"Could not print: {exc}")
            return False
        self.error_label.hide()
        self.printed.emit(pages)
        return True

    def _show_message(self, text: str) -> None:
        """A problem with saving or printing: shown, while the preview stays."""
        self.error_label.setText(" ".join(text.split()))
        self.error_label.show()
        self.saved_label.hide()
        self.failed.emit(self.error_label.text())
