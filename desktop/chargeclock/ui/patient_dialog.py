"""The patient dialog: demographics, payer and member id, referring provider, diagnoses with an
ICD-10-CM search and a billable check, plan of care, prior therapy spend this year and the last
progress report. Saved in one service call (:meth:`RecordService.save_patient`).

The ICD-10-CM code set loads in a worker thread the first time the dialog opens; until it is in,
the search says so and a diagnosis waits for its check.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.claim_form import pointer_letter
from chargeclock.services.diagnosis_codes import Icd10Index, loaded_index
from chargeclock.services.patient_records import PatientDetails, PlanOfCareInput
from chargeclock.services.session import Services
from chargeclock.services.validation import DiagnosisCheck
from chargeclock.ui import theme
from chargeclock.ui.forms import (
    FORM_STYLE,
    DateField,
    FormState,
    date_problem,
    form_rows,
    grid_rows,
    group,
    money,
    money_problem,
    npi_problem,
    required,
)
from chargeclock.ui.icd10_loader import Icd10Loader

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SEX_CHOICES = (("", "—"), ("F", "Female"), ("M", "Male"), ("X", "X"))


class PatientDialog(QDialog):
    """Add a patient (``patient_id`` None) or change one."""

    #: saved: the patient's id
    saved = Signal(int)

    def __init__(
        self, services: Services, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        self.index: Icd10Index | None = loaded_index()
        self.checks: dict[str, DiagnosisCheck | str] = {}
        self.setWindowTitle("New patient" if patient_id is None else "Edit patient")
        self.setStyleSheet(theme.STYLESHEET + FORM_STYLE)
        self.form = FormState(self.errors)
        self._build()
        if patient_id is not None:
            self._load(patient_id)
        self.form.reset()
        self.loader = Icd10Loader(self)
        self.loader.loaded.connect(self._index_loaded)
        if self.index is None:
            self.loader.start()
        else:
            self._index_loaded(self.index)
        self.resize(1220, 700)

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        f = self.form
        self.last_name = QLineEdit()
        self.first_name = QLineEdit()
        self.date_of_birth = DateField()
        self.sex = QComboBox()
        for value, text in SEX_CHOICES:
            self.sex.addItem(text, value)
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText("Street, city, state, ZIP")
        patient = grid_rows(
            (
                ("Last name", f.field("last_name", self.last_name, self.last_name.textChanged)),
                (
                    "First name",
                    f.field("first_name", self.first_name, self.first_name.textChanged),
                ),
            ),
            (
                (
                    "Born",
                    f.field("date_of_birth", self.date_of_birth, self.date_of_birth.changed),
                ),
                ("Sex", f.field("sex", self.sex, self.sex.currentIndexChanged)),
            ),
            (("Phone", f.field("phone", self.phone, self.phone.textChanged)),),
            (("Address", f.field("address", self.address, self.address.textChanged)),),
        )
        self.payer = QComboBox()
        self.payer.addItem("Self-pay (no payer)", None)
        for payer in self.services.records.payers():
            self.payer.addItem(payer.name, payer.id)
        self.member_id = QLineEdit()
        self.referring_name = QLineEdit()
        self.referring_name.setPlaceholderText("Optional")
        self.referring_npi = QLineEdit()
        self.referring_npi.setPlaceholderText("10 digits, optional")
        insurance = grid_rows(
            (("Payer", f.field("payer_id", self.payer, self.payer.currentIndexChanged)),),
            (("Member id", f.field("member_id", self.member_id, self.member_id.textChanged)),),
            (
                (
                    "Referred by",
                    f.field("referring_name", self.referring_name, self.referring_name.textChanged),
                ),
                (
                    "NPI",
                    f.field("referring_npi", self.referring_npi, self.referring_npi.textChanged),
                ),
            ),
        )
        self.payer.currentIndexChanged.connect(lambda _: self.form.revalidate())
        self.prior_spend = QLineEdit()
        self.prior_spend.setPlaceholderText("0.00")
        self.progress_report = DateField()
        year = form_rows(
            (
                "Therapy elsewhere ($)",
                f.field("prior_spend", self.prior_spend, self.prior_spend.textChanged),
            ),
            (
                "Progress report done",
                f.field("progress_report", self.progress_report, self.progress_report.changed),
            ),
        )
        left = QVBoxLayout()
        left.addWidget(group("Patient", patient))
        left.addWidget(group("Payer and referral", insurance))
        left.addWidget(group(f"This year ({self.services.ctx.today().year})", year))
        left.addStretch(1)

        right = QVBoxLayout()
        right.addWidget(self._build_diagnoses(), 1)
        right.addWidget(self._build_plan())

        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        body = QWidget()
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.save_button = QPushButton("Save patient")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form.general, 1)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def _build_diagnoses(self) -> QGroupBox:
        self.diagnoses = QListWidget()
        self.diagnoses.setMinimumHeight(100)
        self.diagnoses.setMaximumHeight(136)
        self.diagnoses.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.diagnoses.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.diagnoses.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Loading the ICD-10-CM code set…")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.add_typed)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(150)
        self.search_timer.timeout.connect(self._run_search)
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
        search_row.addWidget(add)
        layout = QVBoxLayout()
        layout.addLayout(chosen, 1)
        layout.addLayout(search_row)
        layout.addWidget(self.search_note)
        layout.addWidget(self.results, 1)
        return group("Diagnoses (ICD-10-CM, in pointer order A, B, C …)", layout)

    def _build_plan(self) -> QGroupBox:
        f = self.form
        self.plan_start = DateField()
        self.plan_through = DateField()
        self.plan_signed = DateField()
        self.certifying = QComboBox()
        self.certifying.addItem("—", None)
        for provider in self.services.records.providers():
            if provider.role == "PT" and provider.active:
                self.certifying.addItem(provider.name, provider.id)
        rows = grid_rows(
            (
                ("Start", f.field("plan_start", self.plan_start, self.plan_start.changed)),
                (
                    "Through",
                    f.field("plan_through", self.plan_through, self.plan_through.changed),
                ),
            ),
            (
                ("Signed", f.field("plan_signed", self.plan_signed, self.plan_signed.changed)),
                (
                    "Certified by",
                    f.field("certifying", self.certifying, self.certifying.currentIndexChanged),
                ),
            ),
        )
        self.plan = group("Plan of care", rows)
        self.plan.setCheckable(True)
        self.plan.setChecked(False)
        self.plan.toggled.connect(lambda _: self.form.revalidate())
        return self.plan

    # -- loading --------------------------------------------------------------------------------

    def _load(self, patient_id: int) -> None:
        record = self.services.records.patient_record(patient_id)
        p = record.patient
        self.last_name.setText(p.last_name)
        self.first_name.setText(p.first_name)
        self.date_of_birth.set_value(p.date_of_birth)
        self.sex.setCurrentIndex(max(0, self.sex.findData(p.sex)))
        self.phone.setText(p.phone)
        self.address.setText(p.address)
        self.payer.setCurrentIndex(max(0, self.payer.findData(p.payer_id)))
        self.member_id.setText(p.member_id)
        if record.referring is not None:
            self.referring_name.setText(record.referring.name)
            self.referring_npi.setText(record.referring.npi or "")
        for diagnosis in record.diagnoses:
            self._append(diagnosis.code)
        self.prior_spend.setText(str(record.prior_spend) if record.prior_spend else "")
        self.progress_report.set_value(record.last_progress_report)
        plan = record.plan_of_care
        if plan is not None:
            self.plan.setChecked(True)
            self.plan_start.set_value(plan.start_date)
            self.plan_through.set_value(plan.certified_through)
            self.plan_signed.set_value(plan.signed_date)
            self.certifying.setCurrentIndex(
                max(0, self.certifying.findData(plan.certifying_provider_id))
            )

    def _index_loaded(self, index: Icd10Index) -> None:
        self.index = index
        self.search.setPlaceholderText("Find a diagnosis: code (M54.50) or words (low back pain)")
        self.checks.clear()
        self._refresh_diagnoses()
        self._run_search()

    # -- diagnoses ------------------------------------------------------------------------------

    def codes(self) -> list[str]:
        return [str(self.diagnoses.item(i).data(CODE_ROLE)) for i in range(self.diagnoses.count())]

    def _check(self, code: str) -> DiagnosisCheck | str | None:
        if self.index is None:
            return None
        if code not in self.checks:
            self.checks[code] = self.index.check(code)
        return self.checks[code]

    def _append(self, code: str) -> None:
        item = QListWidgetItem(code)
        item.setData(CODE_ROLE, code)
        self.diagnoses.addItem(item)
        self._refresh_diagnoses()

    def _refresh_diagnoses(self) -> None:
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
            self._note(f"{code} is already on the list.")
            return
        self._append(code)
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
            self._refresh_diagnoses()
            self.form.edited("diagnoses")

    def move_selected(self, step: int) -> None:
        row = self.diagnoses.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.diagnoses.count():
            return
        item = self.diagnoses.takeItem(row)
        self.diagnoses.insertItem(target, item)
        self.diagnoses.setCurrentRow(target)
        self._refresh_diagnoses()

    def _note(self, text: str) -> None:
        self.search_note.setText(text)
        self.search_note.setVisible(bool(text))

    def _run_search(self) -> None:
        self.results.clear()
        text = self.search.text()
        if self.index is None:
            self._note("The ICD-10-CM code set is loading…" if text else "")
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
            self._note("")
        elif not found:
            self._note(f"No ICD-10-CM code matches {text.strip()!r}.")
        else:
            self._note("Double-click a line or press Add.")

    # -- checks and saving ----------------------------------------------------------------------

    def errors(self) -> dict[str, str]:
        today = self.services.ctx.today()
        errors: dict[str, str] = {}

        def put(key: str, reason: str) -> None:
            if reason:
                errors[key] = reason

        put("last_name", required(self.last_name.text(), "The last name"))
        put("first_name", required(self.first_name.text(), "The first name"))
        put(
            "date_of_birth",
            date_problem(
                self.date_of_birth, blank_ok=False, not_after=today, what="The date of birth"
            ),
        )
        if self.payer.currentData() is not None and not self.member_id.text().strip():
            put("member_id", "The payer needs the patient's member id")
        put("referring_npi", npi_problem(self.referring_npi.text()))
        if self.referring_npi.text().strip() and not self.referring_name.text().strip():
            put("referring_name", "Name the referring provider of this NPI")
        put("diagnoses", self._diagnoses_problem())
        put("prior_spend", money_problem(self.prior_spend.text()))
        put("progress_report", date_problem(self.progress_report, not_after=today))
        if self.plan.isChecked():
            self._plan_errors(errors, today)
        return errors

    def _diagnoses_problem(self) -> str:
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

    def _plan_errors(self, errors: dict[str, str], today: date) -> None:
        start_problem = date_problem(self.plan_start, blank_ok=False, what="The start date")
        through_problem = date_problem(
            self.plan_through, blank_ok=False, what="The certified-through date"
        )
        signed_problem = date_problem(self.plan_signed, not_after=today)
        if not (start_problem or through_problem):
            start, through = self.plan_start.value(), self.plan_through.value()
            assert start is not None and through is not None
            if through < start:
                through_problem = "Must be on or after the start date"
            elif (through - start).days >= 90:
                through_problem = "A plan of care is valid up to 90 days"
            signed = None if signed_problem else self.plan_signed.value()
            if signed is not None and signed < start:
                signed_problem = "Signed before the plan's start date"
        for key, reason in (
            ("plan_start", start_problem),
            ("plan_through", through_problem),
            ("plan_signed", signed_problem),
        ):
            if reason:
                errors[key] = reason

    def details(self) -> PatientDetails:
        """What the fields hold (call once :meth:`errors` is empty)."""
        dob = self.date_of_birth.value()
        assert dob is not None
        plan = None
        if self.plan.isChecked():
            start, through = self.plan_start.value(), self.plan_through.value()
            assert start is not None and through is not None
            plan = PlanOfCareInput(
                start, through, self.plan_signed.value(), self.certifying.currentData()
            )
        return PatientDetails(
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            date_of_birth=dob,
            sex=str(self.sex.currentData()),
            address=self.address.text(),
            phone=self.phone.text(),
            payer_id=self.payer.currentData(),
            member_id=self.member_id.text(),
            referring_name=self.referring_name.text(),
            referring_npi=self.referring_npi.text(),
            diagnoses=self.codes(),
            prior_spend=money(self.prior_spend.text()) or "0",
            plan_of_care=plan,
            progress_report=self.progress_report.value(),
        )

    def save(self) -> None:
        saved = self.form.submit(
            lambda: self.services.records.save_patient(self.details(), self.patient_id),
            {
                "certified_through": "plan_through",
                "signed_date": "plan_signed",
                "certifying_provider_id": "certifying",
            },
        )
        if saved is None:
            return
        self.patient_id = saved.patient.id
        self.saved.emit(saved.patient.id)
        self.accept()


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))
