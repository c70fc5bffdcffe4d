"""Export data from the window: a period, CSV or JSON and a folder; the same files as
``chargeclock export`` (:mod:`chargeclock.services.open_export`). A problem is said in the
dialog, never raised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.open_export import FIELDS, ExportSummary, export_period
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.forms import date_field, picked


class ExportDialog(QDialog):
    """Pick a period, a format and a folder, then Export."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export data")
        self.services = services
        today = services.ctx.today()
        self.first = date_field(date(today.year, 1, 1), self)
        self.last = date_field(today, self)
        self.format = QComboBox(self)
        self.format.addItems(["csv", "json"])
        self.folder = QLineEdit(self)
        self.folder.setPlaceholderText("folder to write the files into")
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("From", self.first)
        form.addRow("To", self.last)
        form.addRow("Format", self.format)
        form.addRow("Folder", row)
        self.message = QLabel(
            "Patients, visits, timer segments, claim lines, payments and the ledger's "
            "adjustments of the period, one file each (docs/export.md).",
            self,
        )
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.summary: ExportSummary | None = None
        # The folder's field holds its hint whole in the type it is shown in (a path is as
        # long, and the dialog's own size cut "folder to write th…" under large type).
        self.ensurePolished()
        hint = self.folder.fontMetrics().horizontalAdvance(self.folder.placeholderText())
        self.folder.setMinimumWidth(hint + theme.FIELD_PADDING)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export into")
        if chosen:
            self.folder.setText(chosen)

    def export(self) -> ExportSummary | None:
        """Write the files; the dialog then says what it wrote or what went wrong."""
        text = self.folder.text().strip()
        if not text:
            self.message.setText("Choose a folder to write the files into.")
            return None
        try:
            self.summary = export_period(
                self.services,
                picked(self.first),
                picked(self.last),
                Path(text),
                "json" if self.format.currentText() == "json" else "csv",
                names=FIELDS,
            )
        except ChargeClockError as exc:
            self.message.setText(" ".join(str(exc).split()))
            return None
        self.message.setText(self.summary.line().capitalize())
        return self.summary


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where to save a PDF (the file dialog), ``None`` when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, name, "PDF (*.pdf)")
    return Path(chosen) if chosen else None


def save_pdf_to(
    path: Path, write: Callable[[Path], None], say: Callable[[str], None]
) -> Path | None:
    """``write`` the PDF to ``path`` (``.pdf`` added when missing) and ``say`` what happened: the
    file's name, or why it could not be written. Returns the path written, or ``None``."""
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    try:
        write(path)
    except OSError as exc:
        say(f"{path}: cannot write it ({exc.strerror}); choose another place")
        return None
    say(f"Saved {path.name}.")
    return path
