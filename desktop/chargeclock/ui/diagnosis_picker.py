"""The patient dialog's diagnoses: the chosen ICD-10-CM codes in pointer order (A, B, C …),
each with its billable check, and a search of the code set to add more. The code set may still
be loading: until it is in, the search says so and a code waits for its check."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.claim_form import pointer_letter
from chargeclock.services.diagnosis_codes import Icd10Index
from chargeclock.services.validation import DiagnosisCheck
from chargeclock.ui import theme
from chargeclock.ui.clear_button import clear_button
from chargeclock.ui.forms import FormState, group

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class DiagnosisPicker:
    """The diagnoses group box (:attr:`box`) and what it does; its field is ``diagnoses`` in the
    dialog's form, whose :meth:`problem` says what is wrong with the list."""

    def __init__(self, form: FormState, owner: QWidget, index: Icd10Index | None) -> None:
        self.form = form
        self.index = index
        self.checks: dict[str, DiagnosisCheck | str] = {}
        self.diagnoses = QListWidget()
        self.diagnoses.setMinimumHeight(100)
        self.diagnoses.setMaximumHeight(136)
        self.diagnoses.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.diagnoses.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.diagnoses.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Loading the ICD-10-CM code set…")
        self.search.returnPressed.connect(self.add_typed)
        self.search_timer = QTimer(owner)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(150)
        self.search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.results = QListWidget()
        self.results.setMinimumHeight(100)
        # Three whole rows: with a wrapped "not billable" message above, a taller list pushed the
        # dialog past a 1366 × 768 screen's height and brought up a scroll bar.
        self.results.setMaximumHeight(124)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.results.itemActivated.connect(lambda item: self.add_code(item.data(CODE_ROLE)))
        self.search_note = QLabel()
        self.search_note.setObjectName("SubHeading")
        self.search_note.setWordWrap(True)
        self.search_note.setVisible(False)
        add = QPushButton("Add")
        add.clicked.connect(self.add_selected_result)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        up = QPushButton("▲ Up")
        up.clicked.connect(lambda: self.move_selected(-1))
        down = QPushButton("▼ Down")
        down.clicked.connect(lambda: self.move_selected(1))
        side = QVBoxLayout()
        for button in (up, down, remove):
            side.addWidget(button)
        side.addStretch(1)
        chosen = QHBoxLayout()
        chosen.addWidget(self.form.field("diagnoses", self.diagnoses), 1)
        chosen.addLayout(side)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        self.clear_search = clear_button(self.search, "Clear the search")
        search_row.addWidget(self.clear_search)
        search_row.addWidget(add)
        layout = QVBoxLayout()
        layout.addLayout(chosen, 1)
        layout.addLayout(search_row)
        layout.addWidget(self.search_note)
        layout.addWidget(self.results, 1)
        self.box = group("Diagnoses (ICD-10-CM, in pointer order A, B, C …)", layout)

    def index_loaded(self, index: Icd10Index) -> None:
        self.index = index
        self.search.setPlaceholderText("Find a diagnosis: code (M54.50) or words (low back pain)")
        self.checks.clear()
        self.refresh()
        self.run_search()

    def codes(self) -> list[str]:
        return [str(self.diagnoses.item(i).data(CODE_ROLE)) for i in range(self.diagnoses.count())]

    def _check(self, code: str) -> DiagnosisCheck | str | None:
        if self.index is None:
            return None
        if code not in self.checks:
            self.checks[code] = self.index.check(code)
        return self.checks[code]

    def append(self, code: str) -> None:
        item = QListWidgetItem(code)
        item.setData(CODE_ROLE, code)
        self.diagnoses.addItem(item)
        self.refresh()

    def refresh(self) -> None:
        for i in range(self.diagnoses.count()):
            item = self.diagnoses.item(i)
            code = str(item.data(CODE_ROLE))
            check = self._check(code)
            pointer = pointer_letter(i + 1)
            if check is None:
                text, colour = f"{pointer}   {code}   (checking…)", theme.MUTED
            elif isinstance(check, str):
                text, colour = f"{pointer}   {code}   ✗ {check}", theme.ALERT_COLOUR
            elif check.billable:
                text, colour = f"{pointer}   {check.code}   {check.description}   ✓", "#1d2733"
            else:
                text = f"{pointer}   {check.code}   {check.description}   ✗ not billable"
                colour = theme.ALERT_COLOUR
            item.setText(text)
            item.setForeground(_brush(colour))
        if self.diagnoses.count():
            self.form.edited("diagnoses")
        else:
            self.form.revalidate()

    def add_code(self, code: str) -> None:
        code = code.strip().upper()
        if not code:
            return
        if self.index is not None:
            check = self._check(code)
            if isinstance(check, DiagnosisCheck):
                code = check.code
        if code in self.codes():
            self.note(f"{code} is already on the list.")
            return
        self.append(code)
        self.search.clear()

    def add_typed(self) -> None:
        item = self.results.currentItem()
        if item is not None and self.results.count():
            self.add_code(str(item.data(CODE_ROLE)))
        else:
            self.add_code(self.search.text())

    def add_selected_result(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.add_code(str(item.data(CODE_ROLE)))
        elif self.search.text().strip():
            self.add_code(self.search.text())

    def remove_selected(self) -> None:
        row = self.diagnoses.currentRow()
        if row >= 0:
            self.diagnoses.takeItem(row)
            self.refresh()
            self.form.edited("diagnoses")

    def move_selected(self, step: int) -> None:
        row = self.diagnoses.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.diagnoses.count():
            return
        item = self.diagnoses.takeItem(row)
        self.diagnoses.insertItem(target, item)
        self.diagnoses.setCurrentRow(target)
        self.refresh()

    def note(self, text: str) -> None:
        self.search_note.setText(text)
        self.search_note.setVisible(bool(text))

    def run_search(self) -> None:
        self.results.clear()
        text = self.search.text()
        if self.index is None:
            self.note("The ICD-10-CM code set is loading…" if text else "")
            return
        found = self.index.search(text)
        for entry in found:
            mark = "" if entry.billable else "   (category — not billable)"
            item = QListWidgetItem(f"{entry.code}   {entry.description}{mark}")
            item.setData(CODE_ROLE, entry.code)
            if not entry.billable:
                item.setForeground(_brush(theme.MUTED))
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        if not text.strip():
            self.note("")
        elif not found:
            self.note(f"No ICD-10-CM code matches {text.strip()!r}.")
        else:
            self.note("Double-click a line or press Add.")

    def problem(self) -> str:
        codes = self.codes()
        if len(codes) > 12:
            return "At most 12 diagnoses (pointers A to L)"
        problems = []
        for code in codes:
            check = self._check(code)
            if check is None:
                return "The ICD-10-CM code set is still loading; the codes are checked then"
            if isinstance(check, str):
                problems.append(f"{code}: {check}")
            elif not check.billable:
                problems.append(check.message)
        return "; ".join(problems)


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))
