"""The patient dialog: demographics, payer and member id, referring provider, diagnoses with an
ICD-10-CM search and a billable check, plan of care, prior therapy spend this year and the last
progress report. Saved in one service call (:meth:`RecordService.save_patient`).

The ICD-10-CM code set loads in a worker thread the first time the dialog opens; until it is in,
the search says so and a diagnosis waits for its check.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.diagnosis_codes import loaded_index
from chargeclock.services.patient_records import PatientDetails, PlanOfCareInput
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.claim_fields import ClaimFields
from chargeclock.ui.diagnosis_picker import DiagnosisPicker
from chargeclock.ui.forms import (
    FORM_STYLE,
    DateField,
    FormState,
    date_problem,
    fit_to_screen,
    form_rows,
    grid_rows,
    group,
    money,
    money_problem,
    npi_problem,
    required,
)
from chargeclock.ui.icd10_loader import Icd10Loader

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
        self.setWindowTitle("New patient" if patient_id is None else "Edit patient")
        self.setStyleSheet(theme.STYLESHEET + FORM_STYLE)
        self.form = FormState(self.errors)
        self._build()
        if patient_id is not None:
            self._load(patient_id)
        self.form.reset()
        self.loader = Icd10Loader(self)
        self.loader.loaded.connect(self.picker.index_loaded)
        if self.picker.index is None:
            self.loader.start()
        else:
            self.picker.index_loaded(self.picker.index)
        fit_to_screen(self, 1220, 700)

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
        self.claim = ClaimFields(self.form)
        insurance = grid_rows(
            (("Payer", f.field("payer_id", self.payer, self.payer.currentIndexChanged)),),
            (
                ("Member id", f.field("member_id", self.member_id, self.member_id.textChanged)),
                ("", self.claim.toggle),
            ),
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
        payer_box = QVBoxLayout()
        payer_box.addLayout(insurance)
        payer_box.addWidget(self.claim.fields)
        left.addWidget(group("Payer and referral", payer_box))
        left.addWidget(group(f"This year ({self.services.ctx.today().year})", year))
        left.addStretch(1)

        right = QVBoxLayout()
        self.picker = DiagnosisPicker(self.form, self, loaded_index())
        right.addWidget(self.picker.box, 1)
        right.addWidget(self._build_plan())

        columns = self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        self._halves = (left, right)
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
        buttons.addWidget(self.form.general, 1)  # all the room the buttons leave
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Side by side where both halves fit, else the diagnoses and the plan under the
        patient (a 1024×600 panel): the form scrolls down, never sideways, and no field is
        cut at the right."""
        left, right = self._halves
        spare = 60  # the scroll bar, the margins and the gap between the halves
        needed = left.minimumSize().width() + right.minimumSize().width() + spare
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= needed
            else QBoxLayout.Direction.TopToBottom
        )
        if self.columns.direction() != wanted:
            self.columns.setDirection(wanted)
        super().resizeEvent(event)

    def _build_plan(self) -> QGroupBox:
        f = self.form
        self.plan_start = DateField()
        self.plan_through = DateField()
        self.plan_signed = DateField()
        # Certified by the referring or certifying practitioner (claims.md §5), never by one of
        # the clinic's therapists.
        self.certifying = QComboBox()
        self.certifying.addItem("—", None)
        self.certifying.addItem("The referring practitioner", "referring")
        for practitioner in self.services.records.referring_providers():
            if practitioner.npi:
                self.certifying.addItem(
                    f"{practitioner.name} ({practitioner.npi})", practitioner.id
                )
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
        self.claim.load(self.services.claims.of_patient(patient_id))
        for diagnosis in record.diagnoses:
            self.picker.append(diagnosis.code)
        self.prior_spend.setText(str(record.prior_spend) if record.prior_spend else "")
        self.progress_report.set_value(record.last_progress_report)
        plan = record.plan_of_care
        if plan is not None:
            self.plan.setChecked(True)
            self.plan_start.set_value(plan.start_date)
            self.plan_through.set_value(plan.certified_through)
            self.plan_signed.set_value(plan.signed_date)
            certifier: int | str | None
            certifier = self.services.plans.certification(plan.id).certifying_practitioner_id
            if record.referring is not None and certifier == record.referring.id:
                certifier = "referring"
            self.certifying.setCurrentIndex(max(0, self.certifying.findData(certifier)))

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
        put("diagnoses", self.picker.problem())
        put("prior_spend", money_problem(self.prior_spend.text()))
        put("progress_report", date_problem(self.progress_report, not_after=today))
        if self.plan.isChecked():
            self._plan_errors(errors, today)
        self.claim.errors(errors, today)
        return errors

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
        if self.certifying.currentData() == "referring" and not self.referring_name.text().strip():
            errors["certifying"] = "Enter the referring practitioner under Payer and referral"
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
            certifier = self.certifying.currentData()
            plan = PlanOfCareInput(
                start,
                through,
                self.plan_signed.value(),
                certified_by_referring=certifier == "referring",
                certifying_practitioner_id=certifier if isinstance(certifier, int) else None,
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
            diagnoses=self.picker.codes(),
            prior_spend=money(self.prior_spend.text()) or "0",
            plan_of_care=plan,
            progress_report=self.progress_report.value(),
            claim=self.claim.value(),
        )

    def save(self) -> None:
        saved = self.form.submit(
            lambda: self.services.records.save_patient(self.details(), self.patient_id),
            {
                "certified_through": "plan_through",
                "signed_date": "plan_signed",
                "certifying_provider_id": "certifying",
                "certifying_practitioner_id": "certifying",
            },
        )
        if saved is None:
            return
        self.patient_id = saved.patient.id
        self.saved.emit(saved.patient.id)
        self.accept()
