"""Settings → Rule data: which years' Medicare figures and fee schedules are loaded and from
where, the clinic's MAC locality, and the imports (a year's figures; the CMS fee schedule)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.session import Services

COLUMNS = ("Year", "KX (PT+SLP)", "Conversion factor", "Figures from", "Fee schedule")


class RulesTab(QWidget):
    """The loaded years (newest first) and the two imports; results and refusals show in one
    line under the table, which keeps its place (nothing moves under a tap)."""

    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for column, width in ((0, 70), (1, 150), (2, 190)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        import_rules = QPushButton("Import a year's figures (CSV)…")
        import_rules.clicked.connect(self.ask_import_rules)
        self.locality = QLineEdit(services.rules.locality() or "")
        self.locality.setPlaceholderText("e.g. 01112-05")
        self.locality.setMaximumWidth(160)
        save_locality = QPushButton("Save locality")
        save_locality.clicked.connect(self.save_locality)
        self.pfs_year = QSpinBox()
        self.pfs_year.setRange(self.services.book.years[0], 2100)
        self.pfs_year.setValue(services.ctx.today().year)
        self.pfs_year.setMinimumWidth(110)
        import_pfs = QPushButton("Import CMS fee schedule…")
        import_pfs.clicked.connect(self.ask_import_pfs)

        self.result = QLabel(" ")
        self.result.setObjectName("SubHeading")
        self.result.setWordWrap(True)
        self.result.setMinimumHeight(44)  # room for two lines: nothing below moves
        note = QLabel(
            "A year whose figures are not loaded is billed with the latest year's, marked "
            "provisional on the visit screen, in the calculation and on the superbill. "
            "Figures: a CSV with the columns of years.csv. Fee schedule: the PPRRVU file "
            "and the GPCI file of CMS's yearly RVU zip, for your MAC locality."
        )
        note.setObjectName("SubHeading")
        note.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(import_rules)
        top.addStretch(1)
        pfs = QHBoxLayout()
        pfs.addWidget(QLabel("MAC locality"))
        pfs.addWidget(self.locality)
        pfs.addWidget(save_locality)
        pfs.addStretch(1)
        pfs.addWidget(QLabel("Year"))
        pfs.addWidget(self.pfs_year)
        pfs.addWidget(import_pfs)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(pfs)
        layout.addWidget(self.result)
        layout.addWidget(note)
        self.fill()

    def fill(self) -> None:
        years = self.services.rules.loaded_years()
        self.table.setRowCount(len(years))
        for n, year in enumerate(years):
            cells = (
                str(year.year),
                year.kx_pt_slp,
                year.conversion_factor,
                year.figures,
                year.fee_schedule,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(n, column, item)

    def _say(self, text: str) -> None:
        self.result.setText(text)

    def ask_import_rules(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a year's Medicare figures", str(Path.home()), "CSV files (*.csv)"
        )
        if path:
            self.import_rules(Path(path))

    def import_rules(self, path: Path) -> bool:
        try:
            result = self.services.rules.import_rules(path)
        except ChargeClockError as exc:
            self._say(f"Nothing was imported: {exc}")
            return False
        years = ", ".join(str(y) for y in result.years)
        self._say(f"Imported the Medicare figures for {years} from {result.file_name}.")
        self.fill()
        self.saved.emit()
        return True

    def save_locality(self) -> bool:
        try:
            value = self.services.rules.set_locality(self.locality.text())
        except ChargeClockError as exc:
            self._say(f"Not saved: {exc}")
            return False
        self._say(f"MAC locality saved: {value}.")
        return True

    def ask_import_pfs(self) -> None:
        rvu, _ = QFileDialog.getOpenFileName(
            self, "The PPRRVU file (CSV) of CMS's RVU zip", str(Path.home()), "CSV (*.csv)"
        )
        if not rvu:
            return
        gpci, _ = QFileDialog.getOpenFileName(
            self, "The GPCI file (CSV) of the same zip", str(Path(rvu).parent), "CSV (*.csv)"
        )
        if gpci:
            self.import_pfs(Path(rvu), Path(gpci))

    def import_pfs(self, rvu: Path, gpci: Path) -> bool:
        year = self.pfs_year.value()
        try:
            result = self.services.rules.import_pfs(
                year=year, locality=self.locality.text(), rvu_file=rvu, gpci_file=gpci
            )
        except ChargeClockError as exc:
            self._say(f"Nothing was imported: {exc}")
            return False
        missing = f"; not in the file: {', '.join(result.missing)}" if result.missing else ""
        self._say(
            f"Imported the {year} fee schedule for locality {result.locality} "
            f"({result.locality_name}): {result.codes} codes at ${result.conversion_factor}"
            f"{missing}."
        )
        self.fill()
        self.saved.emit()
        return True
