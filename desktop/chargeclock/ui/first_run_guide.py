"""The first-run guide: on an empty database it leads through the practice, a provider, a payer
and the first patient, one page each, saving each page through the same services Settings and
New patient use. It can be skipped at any page (and is not shown again); Settings holds every
step later.

A refusal is said on the page, in a line that keeps its room when empty, so nothing moves under
the next tap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.first_run import STEPS, FirstRun
from chargeclock.ui import theme
from chargeclock.ui.forms import date_field, picked
from chargeclock.ui.runner import Runner

TITLES = {
    "practice": "1 of 4 · Your practice",
    "provider": "2 of 4 · The treating therapist",
    "payer": "3 of 4 · A payer",
    "patient": "4 of 4 · Your first patient",
}


def _field(form: QFormLayout, label: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    form.addRow(label, edit)
    return edit


class FirstRunGuide(QDialog):
    #: the guide saved something (the runner has published it)
    saved = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = runner.services
        self.first_run = FirstRun(self.services.ctx)
        self.setWindowTitle("ChargeClock — getting started")
        self.setStyleSheet(theme.own_sheet(self.parentWidget()))
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("Heading")
        layout.addWidget(self.title)
        intro = QLabel(
            "Four short steps and the first visit can start. Everything here can be changed "
            "later in Settings."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.pages = QStackedWidget()
        self.savers: dict[str, Callable[[], object]] = {}
        for step, build in (
            ("practice", self._practice_page),
            ("provider", self._provider_page),
            ("payer", self._payer_page),
            ("patient", self._patient_page),
        ):
            page = QWidget()
            form = QFormLayout(page)
            self.savers[step] = build(form)
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        self.problem = QLabel(" ")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.ALERT_COLOUR};")
        # Two lines' room, empty or not: a message never pushes the buttons down.
        self.problem.setMinimumHeight(self.problem.fontMetrics().lineSpacing() * 2 + 4)
        layout.addWidget(self.problem)
        buttons = QHBoxLayout()
        self.skip_button = QPushButton("Skip the guide")
        self.skip_button.clicked.connect(self.skip)
        self.next_button = QPushButton("Save and go on")
        self.next_button.setObjectName("Primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.save_page)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        self.resize(620, 460)
        self.show_step(self.first_run.status().next_step or "patient")

    # -- the pages ------------------------------------------------------------------------------

    def _practice_page(self, form: QFormLayout) -> Callable[[], object]:
        self.practice_name = _field(form, "Practice name", "Riverside Physical Therapy")
        self.practice_address = _field(form, "Address", "1 Main St, Springfield, IL 62701")
        self.practice_phone = _field(form, "Phone", "555-555-0100")
        self.practice_npi = _field(form, "NPI (group)", "10 digits, optional now")
        return lambda: self.services.records.save_practice(
            self.practice_name.text(),
            self.practice_address.text(),
            self.practice_phone.text(),
            self.practice_npi.text().strip(),
        )

    def _provider_page(self, form: QFormLayout) -> Callable[[], object]:
        self.provider_name = _field(form, "Name", "Dana Reyes")
        self.provider_credentials = _field(form, "Credentials", "PT, DPT")
        self.provider_npi = _field(form, "NPI", "10 digits")
        form.addRow(QLabel("Assistants (PTA), users and PINs are added in Settings."))
        return lambda: self.services.records.add_provider(
            self.provider_name.text(),
            "PT",
            self.provider_npi.text().strip() or None,
            credentials=self.provider_credentials.text(),
        )

    def _payer_page(self, form: QFormLayout) -> Callable[[], object]:
        self.payer_name = _field(form, "Payer", "Medicare Part B")
        self.payer_name.setText("Medicare Part B")
        self.payer_medicare = QCheckBox("Medicare rules (8-minute rule, CQ, KX)")
        self.payer_medicare.setChecked(True)
        form.addRow("", self.payer_medicare)
        return lambda: self.services.records.add_payer(
            self.payer_name.text(), medicare=self.payer_medicare.isChecked()
        )

    def _patient_page(self, form: QFormLayout) -> Callable[[], object]:
        self.patient_last = _field(form, "Last name")
        self.patient_first = _field(form, "First name")
        self.patient_born = date_field(date(1950, 1, 1))
        form.addRow("Date of birth", self.patient_born)
        self.patient_payer = QComboBox()
        form.addRow("Payer", self.patient_payer)
        form.addRow(QLabel("Diagnoses and the rest are in the patient's record (Ctrl+E)."))

        def save() -> object:
            return self.services.records.add_patient(
                self.patient_last.text(),
                self.patient_first.text(),
                picked(self.patient_born),
                payer_id=self.patient_payer.currentData(),
            )

        return save

    # -- moving through ---------------------------------------------------------------------------

    @property
    def step(self) -> str:
        return STEPS[self.pages.currentIndex()]

    def show_step(self, step: str) -> None:
        self.pages.setCurrentIndex(STEPS.index(step))
        self.title.setText(TITLES[step])
        self.problem.setText(" ")
        self.next_button.setText("Finish" if step == STEPS[-1] else "Save and go on")
        if step == "patient":
            self.patient_payer.clear()
            self.patient_payer.addItem("Self-pay", None)
            for payer in self.services.records.payers():
                self.patient_payer.addItem(payer.name, payer.id)
            self.patient_payer.setCurrentIndex(self.patient_payer.count() - 1)

    def save_page(self) -> bool:
        """Save this page; on to the next step not yet done (the end: close). False: refused,
        with the reason on the page."""
        try:
            self.savers[self.step]()
        except ChargeClockError as exc:
            self.problem.setText(str(exc))
            return False
        self.runner.publish()
        self.saved.emit()
        following = STEPS[STEPS.index(self.step) + 1 :]
        status = self.first_run.status()
        left = [s for s in following if not getattr(status, s)]
        if left:
            self.show_step(left[0])
        else:
            self.accept()
        return True

    def skip(self) -> None:
        try:
            self.first_run.skip()
        except ChargeClockError as exc:  # not remembered: it opens again next time, that is all
            self.problem.setText(str(exc))
        self.reject()


def open_if_needed(runner: Runner, parent: QWidget) -> FirstRunGuide | None:
    """Open the guide (not blocking) when the database is new and nobody skipped it."""
    if not FirstRun(runner.services.ctx).status().needed:
        return None
    guide = FirstRunGuide(runner, parent)
    guide.open()
    return guide
