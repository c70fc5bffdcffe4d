"""Settings tabs over the code list: the clinic's charges and the allowed amounts by year (typed
into the table or imported from a CSV), and the favourite codes a new visit starts with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.domain.wording import plural
from chargeclock.services.session import Services
from chargeclock.ui.forms import FormState, money_problem

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
CHARGE, ALLOWED = 2, 3
COLUMNS = ("Code", "Service", "Clinic charge ($)", "Allowed ($)", "Allowed amount from")
BAD_CELL = QColor("#fde7e7")


class FeesTab(QWidget):
    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.original: dict[tuple[str, int], str] = {}
        self.year = QComboBox()
        today = services.ctx.today().year
        # Every year with figures, and through next year: a clinic types a new year's amounts
        # before a release ships them.
        years = services.book.years
        for year in range(max(years[-1], today + 1), years[0] - 1, -1):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(max(0, self.year.findData(today)))
        self.year.currentIndexChanged.connect(lambda _: self.fill())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 80), (CHARGE, 160), (ALLOWED, 130), (4, 260)):
            header.resizeSection(column, width)
        self.form = FormState(self.errors)
        box = self.form.field("fees", self.table)
        self.table.itemChanged.connect(self._edited)
        self.save_button = QPushButton("Save fees")
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        import_charges = QPushButton("Import charges (CSV)…")
        import_charges.clicked.connect(lambda: self.ask_import(charges=True))
        import_allowed = QPushButton("Import allowed amounts (CSV)…")
        import_allowed.clicked.connect(lambda: self.ask_import(charges=False))
        self.note = QLabel()
        self.note.setObjectName("SubHeading")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year"))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(import_charges)
        top.addWidget(import_allowed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.form.general, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(box, 1)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.fill()

    def selected_year(self) -> int:
        return int(self.year.currentData())

    def fill(self) -> None:
        rows = self.services.records.fee_schedule(self.selected_year())
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        self.original.clear()
        for n, row in enumerate(rows):
            cells = (
                row.code,
                row.label,
                "" if row.charge is None else str(row.charge),
                "" if row.allowed is None else str(row.allowed),
                row.allowed_source or ("unknown" if row.allowed is None else ""),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(CODE_ROLE, row.code)
                item.setToolTip(text)
                if column in (CHARGE, ALLOWED):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    self.original[(row.code, column)] = text
                else:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(n, column, item)
        self.table.blockSignals(False)
        self.note.setText(
            "Type a clinic charge or an allowed amount into its cell; leave a cell blank to "
            "remove it (an allowed amount then falls back to the shipped figure). CSV files "
            "need the columns code and amount (year optional)."
        )
        self.form.reset()

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() in (CHARGE, ALLOWED):
            bad = bool(money_problem(item.text(), fee=True))
            item.setBackground(QBrush(BAD_CELL) if bad else QBrush())
            self.form.edited("fees")

    def changes(self) -> tuple[dict[str, str | None], dict[str, str | None]]:
        charges: dict[str, str | None] = {}
        allowed: dict[str, str | None] = {}
        for n in range(self.table.rowCount()):
            for column, target in ((CHARGE, charges), (ALLOWED, allowed)):
                item = self.table.item(n, column)
                if item is None:
                    continue
                code = str(item.data(CODE_ROLE))
                text = item.text().strip()
                if text != self.original.get((code, column), ""):
                    target[code] = text or None
        return charges, allowed

    def errors(self) -> dict[str, str]:
        problems = []
        for n in range(self.table.rowCount()):
            for column, what in ((CHARGE, "charge"), (ALLOWED, "allowed amount")):
                item = self.table.item(n, column)
                if item is None:
                    continue
                problem = money_problem(item.text(), fee=True)
                if problem:
                    problems.append(f"{item.data(CODE_ROLE)} {what}: {problem}")
        return {"fees": "; ".join(problems[:4])} if problems else {}

    def save(self) -> None:
        charges, allowed = self.changes()
        if not charges and not allowed and not self.errors():
            self.form.set_general("Nothing to save: no cell was changed.")
            return
        year = self.selected_year()
        done = self.form.submit(
            lambda: self.services.records.save_fees(year, charges=charges, allowed=allowed)
        )
        if done is not None:
            self.fill()
            self.note.setText(f"Saved {plural(done, 'change')} for {year}.")
            self.saved.emit()

    def ask_import(self, *, charges: bool) -> None:
        what = "clinic charges" if charges else f"allowed amounts for {self.selected_year()}"
        path, _ = QFileDialog.getOpenFileName(
            self, f"Import {what}", str(Path.home()), "CSV files (*.csv)"
        )
        if path:
            self.import_csv(Path(path), charges=charges)

    def import_csv(self, path: Path, *, charges: bool) -> bool:
        """Load a CSV (code, amount[, year]); the result or the refusal shows under the table."""
        try:
            result = self.services.records.import_fees(
                path, year=self.selected_year(), charges=charges
            )
        except ChargeClockError as exc:
            self.form.set_general(f"Nothing was imported: {exc}")
            return False
        self.fill()
        skipped = (
            f"; {plural(result.skipped_blank, 'row')} without an amount skipped"
            if result.skipped_blank
            else ""
        )
        note = f" ({result.note})" if result.note else ""
        loaded = plural(result.loaded, "amount")
        self.note.setText(f"Imported {loaded} from {path.name}{skipped}.{note}")
        self.saved.emit()
        return True


class FavouritesTab(QWidget):
    """Tick the codes a new visit lists first; order them with the arrows."""

    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.list = QListWidget()
        self.form = FormState(dict)
        up = QPushButton("▲ Up")
        up.clicked.connect(lambda: self.move_selected(-1))
        down = QPushButton("▼ Down")
        down.clicked.connect(lambda: self.move_selected(1))
        self.save_button = QPushButton("Save favourite codes")
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        side = QVBoxLayout()
        side.addWidget(QLabel("Ticked codes appear on every new visit, in this order."))
        side.addWidget(up)
        side.addWidget(down)
        side.addStretch(1)
        side.addWidget(self.form.general)
        side.addWidget(self.save_button)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(side)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        rules = self.services.book.year(self.services.ctx.today().year)
        favourites = self.services.records.favourite_codes()
        others = sorted(c for c in rules.codes if c not in favourites)
        for code in [*favourites, *others]:
            entry = rules.code(code)
            if entry is None:
                continue
            kind = "timed" if entry.timed else "untimed"
            item = QListWidgetItem(f"{code}   {entry.label}   ({kind})")
            item.setData(CODE_ROLE, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if code in favourites else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)

    def ticked(self) -> list[str]:
        return [
            str(self.list.item(i).data(CODE_ROLE))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def save(self) -> None:
        codes = self.form.submit(lambda: self.services.records.set_favourite_codes(self.ticked()))
        if codes is not None:
            self.form.say_done(f"Saved: {', '.join(codes) or 'no favourites'}.")
            self.saved.emit()
